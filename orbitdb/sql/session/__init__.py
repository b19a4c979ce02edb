"""Database and Session: the statement-dispatch table, transactions, the statement cache,
parameter adaptation."""
