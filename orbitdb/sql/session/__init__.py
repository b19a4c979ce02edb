"""Database and Session: statement dispatch, transactions, settings, the statement cache."""
