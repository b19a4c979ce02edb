"""The SQL layer: PostgreSQL's dialect (parsed by sqlglot) planned and run on orbitdb's storage.

Stages, each importing only those listed before it (the shared vocabulary first):
``errors``, ``result``, ``settings``, ``interrupts`` — what every stage speaks;
``types/`` — PostgreSQL's types, casts and text I/O; ``parse/`` — statement text to trees;
``expr/`` — expressions compiled to closures; ``functions/`` — the function library;
``pgcatalog/`` — pg_catalog and information_schema; ``plan/`` — queries to operator trees;
``exec/`` — running plans and row changes; ``ddl/`` and ``utility/`` — catalog changes and
utility statements; ``session/`` — Database, Session, statement dispatch; ``cluster/`` — a
server's databases and roles. ``Database``/``Session`` (orbitdb.sql.session.session) are what
the DB-API and the wire server drive.
"""

import logging

# sqlglot warns about statements it falls back on; orbitdb handles those itself
logging.getLogger("sqlglot").setLevel(logging.ERROR)
