"""The SQL layer: PostgreSQL's dialect (parsed by sqlglot) planned and run on
orbitdb's storage. ``Database``/``Session`` are what the DB-API and the wire
server drive."""

import logging

from orbitdb.sql.errors import SqlError
from orbitdb.sql.session.session import Database, Prepared, Session

# sqlglot warns about statements it falls back on; orbitdb handles those itself
logging.getLogger("sqlglot").setLevel(logging.ERROR)

__all__ = ["Database", "Prepared", "Session", "SqlError"]
