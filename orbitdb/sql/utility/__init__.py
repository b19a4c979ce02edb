"""Utility statements: transaction control, SET/SHOW, EXPLAIN, LOCK, maintenance commands."""
