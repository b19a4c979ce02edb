"""Client encodings: what `client_encoding` may name (PostgreSQL's names and aliases) and the
conversion between a client's bytes and the server's UTF8 (codec.py, sjis.py, euc_jp.py; the names are orbitdb.sql.client_encodings)."""
