"""Utility statements: transaction control, SET/SHOW, EXPLAIN, LOCK, maintenance commands,
CREATE/ALTER/DROP DATABASE and ROLE (carried out by the server's cluster)."""
