"""SQLAlchemy's PostgreSQL dialect over orbitdb's own DB-API module, for the embedded database:

    engine = create_engine("orbitdb:///relative/dir")      # or orbitdb:////absolute/dir
    engine = create_engine("orbitdb:////srv/data?database=shop")   # a server data dir's database

Registered as the entry point `orbitdb` of the group `sqlalchemy.dialects` (pyproject.toml), so
SQLAlchemy, Alembic and pandas use the in-process database with no server. SQL, reflection and
types are SQLAlchemy's PostgreSQL dialect's: orbitdb speaks PostgreSQL 15. orbitdb.dbapi hands
values to Python as psycopg2 does (Decimal, datetime, timedelta, parsed JSON, lists for arrays),
so the result handling is that of SQLAlchemy's psycopg dialects. This module is imported only by
SQLAlchemy: orbitdb itself never imports sqlalchemy."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from sqlalchemy import pool
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects.postgresql._psycopg_common import _PGDialect_common_psycopg
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.postgresql.json import JSON, JSONB
from sqlalchemy.dialects.postgresql.pg_catalog import INT2VECTOR, OIDVECTOR
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.util import update_copy

MEMORY = ":memory:"
_URL_OPTIONS = ("database",)  # the query options create_connect_args takes


class _DecodedJSON(JSON):
    """orbitdb.dbapi returns json already parsed (as psycopg2 does): nothing left to decode."""

    def result_processor(self, dialect: Any, coltype: Any) -> None:
        return None


class _DecodedJSONB(JSONB):
    def result_processor(self, dialect: Any, coltype: Any) -> None:
        return None


class _ListINT2VECTOR(INT2VECTOR):
    """orbitdb.dbapi gives int2vector and oidvector as lists of ints already (psycopg2 gives "1 2")."""

    def result_processor(self, dialect: Any, coltype: Any) -> None:
        return None


class _ListOIDVECTOR(OIDVECTOR):
    def result_processor(self, dialect: Any, coltype: Any) -> None:
        return None


class OrbitdbDialect(_PGDialect_common_psycopg):
    driver = "orbitdb"
    supports_statement_cache = True
    # orbitdb.dbapi's cursors take no name: results already stream row by row in the process
    supports_server_side_cursors = False
    colspecs = update_copy(
        _PGDialect_common_psycopg.colspecs,
        {JSON: _DecodedJSON, sqltypes.JSON: _DecodedJSON, JSONB: _DecodedJSONB, INT2VECTOR: _ListINT2VECTOR,
         OIDVECTOR: _ListOIDVECTOR},
    )

    @classmethod
    def import_dbapi(cls) -> ModuleType:
        from orbitdb import dbapi

        return dbapi

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        # a :memory: database lives only as long as its connection: every checkout shares one
        return pool.StaticPool if url.database == MEMORY else pool.QueuePool

    def create_connect_args(self, url: URL) -> tuple[list[Any], dict[str, Any]]:
        if url.host or url.port or url.username or url.password:
            raise ArgumentError(
                f"orbitdb URLs name a directory, not a server: orbitdb:///relative/dir or "
                f"orbitdb:////absolute/dir (got {url.render_as_string()}); for a server use postgresql://")
        unknown = sorted(set(url.query) - set(_URL_OPTIONS))
        if unknown:
            raise ArgumentError(f"orbitdb URL options are {', '.join(_URL_OPTIONS)}; unknown: {', '.join(unknown)}")
        if not url.database:
            raise ArgumentError("an orbitdb URL needs the database directory: orbitdb:///path/to/dir")
        options: dict[str, Any] = {}
        if "database" in url.query:
            options["database"] = url.query["database"]
        return [url.database], options

    def set_isolation_level(self, dbapi_connection: Any, level: str) -> None:
        if level == "AUTOCOMMIT":
            dbapi_connection.autocommit = True
            return
        # its own statement, outside a transaction, so that the next transaction takes the level
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.cursor().execute(f"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL {level}")
        finally:
            dbapi_connection.autocommit = False

    def is_disconnect(self, e: Exception, connection: Any, cursor: Any) -> bool:
        # an embedded connection only goes away when closed: no socket can drop
        return connection is not None and bool(getattr(connection, "closed", False))

    def set_deferrable(self, connection: Any, value: bool) -> None:
        connection.cursor().execute(
            f"SET SESSION CHARACTERISTICS AS TRANSACTION {'DEFERRABLE' if value else 'NOT DEFERRABLE'}")

    def get_deferrable(self, connection: Any) -> bool:
        cursor = connection.cursor()
        cursor.execute("SHOW transaction_deferrable")
        row = cursor.fetchone()
        return bool(row and row[0] == "on")

    # two-phase commit through PostgreSQL's statements (PREPARE TRANSACTION, COMMIT PREPARED, ...) as
    # SQLAlchemy's PostgreSQL dialect sends them: orbitdb.dbapi has no tpc_* methods
    do_begin_twophase = PGDialect.do_begin_twophase
    do_prepare_twophase = PGDialect.do_prepare_twophase
    do_rollback_twophase = PGDialect.do_rollback_twophase
    do_commit_twophase = PGDialect.do_commit_twophase
    do_recover_twophase = PGDialect.do_recover_twophase


dialect = OrbitdbDialect
