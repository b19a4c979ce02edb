"""One client connection of a session, the same three calls for every backend: execute a statement
(its Outcome, never an exception for an SQL error), cancel the running statement, close.

PostgreSQL and orbitdb's wire server are reached with psycopg2 in autocommit mode, so BEGIN and
COMMIT in the steps control transactions, and every value comes back as the server's text.
The embedded backend uses orbitdb.connect() with autocommit = True and formats values with
orbitdb's own text output (the specs only read ints, text, booleans and numerics)."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any, Protocol

import psycopg2
import psycopg2.extensions
from transcript import Outcome

import orbitdb
from orbitdb.sql.types import pgtext

# A connection that is gone mid-statement (terminated, server killed) has no SQLSTATE from the
# server; PostgreSQL's own code for it keeps the transcript line short and comparable.
CONNECTION_LOST = "08006"


class SqlConnection(Protocol):
    pid: int

    def execute(self, sql: str) -> Outcome: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...


def _raw_text(value: str | None, _cursor: Any) -> str | None:
    return value


# psycopg2 parses the types it knows; handing it this caster for all of them keeps the server's text.
_RAW_TEXT = psycopg2.extensions.new_type(
    tuple(psycopg2.extensions.string_types), "ISOLATION_RAW_TEXT", _raw_text
)


class PsycopgConnection:
    def __init__(self, dsn: str) -> None:
        self._conn = psycopg2.connect(dsn, connect_timeout=10)
        self._conn.autocommit = True
        psycopg2.extensions.register_type(_RAW_TEXT, self._conn)
        outcome = self.execute("SELECT pg_backend_pid()")
        if outcome.sqlstate is not None or not outcome.rows:
            raise RuntimeError(f"pg_backend_pid() failed: {outcome}")
        self.pid = int(outcome.rows[0][0] or 0)

    def execute(self, sql: str) -> Outcome:
        try:
            with self._conn.cursor() as cur:
                cur.execute(sql)
                rows = cur.fetchall() if cur.description is not None else None
                return Outcome(
                    status=cur.statusmessage,
                    rows=None if rows is None else tuple(tuple(v for v in row) for row in rows),
                )
        except psycopg2.Error as exc:
            return Outcome(sqlstate=exc.pgcode or CONNECTION_LOST, message=str(exc).strip())

    def cancel(self) -> None:
        if not self._conn.closed:
            self._conn.cancel()

    def close(self) -> None:
        with contextlib.suppress(psycopg2.Error):  # a connection the server has already dropped
            self._conn.close()


def _embedded_text(value: Any, type_oid: int, session: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (str, int)):
        return str(value)
    if isinstance(value, Decimal):
        return pgtext.format_text(value, type_oid)
    try:
        return pgtext.format_text(value, type_oid, session.timezone())
    except Exception:  # noqa: BLE001 - a converted value orbitdb's formatter does not take back
        return str(value)


class EmbeddedConnection:
    def __init__(self, path: str) -> None:
        self._conn = orbitdb.connect(path)
        self._conn.autocommit = True
        outcome = self.execute("SELECT pg_backend_pid()")
        if outcome.sqlstate is not None or not outcome.rows:
            raise RuntimeError(f"pg_backend_pid() failed: {outcome}")
        self.pid = int(outcome.rows[0][0] or 0)

    def execute(self, sql: str) -> Outcome:
        cur = self._conn.cursor()
        try:
            cur.execute(sql)
        except orbitdb.Error as exc:
            return Outcome(sqlstate=exc.sqlstate or "XX000", message=str(exc))
        if cur.description is None:
            return Outcome(status=cur.statusmessage)
        session = self._conn.info
        oids = [column.type_code for column in cur.description]
        rows = tuple(
            tuple(_embedded_text(v, oid, session) for v, oid in zip(row, oids)) for row in cur.fetchall()
        )
        return Outcome(status=cur.statusmessage, rows=rows)

    def cancel(self) -> None:
        if not self._conn.closed:
            self._conn.cancel()

    def close(self) -> None:
        with contextlib.suppress(orbitdb.Error):
            self._conn.close()
