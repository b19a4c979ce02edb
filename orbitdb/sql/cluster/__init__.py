"""A server's data directory: its databases, their files, roles and passwords."""
