"""A server's data directory: its databases, their files, the list of them, role passwords."""
