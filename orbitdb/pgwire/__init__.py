"""orbitdb's PostgreSQL wire-protocol (v3) server: psql, psycopg and other PostgreSQL clients talk
to the SQL layer through it."""

from orbitdb.pgwire.auth import AuthSettings
from orbitdb.pgwire.server import BindError, Server
from orbitdb.pgwire.tls import server_context

__all__ = ["AuthSettings", "BindError", "Server", "server_context"]
