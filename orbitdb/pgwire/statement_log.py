"""What the server logs about statements: each at debug, DDL and errors at info (errors with
their SQLSTATE and statement), failed authentications and refused connections at warning, and
statements that ran at least log_min_duration_statement (the session's setting, which the
server's [logging] sets) with their duration, as PostgreSQL's "duration: ... ms  statement: ...".

A statement that sets a role's password is logged without it (orbitdb.sql.parse.redact).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from orbitdb.pgwire.auth import AuthFailed
from orbitdb.pgwire.server_counters import command_of
from orbitdb.pgwire.transport_policy import TlsRequired
from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.redact import redact_message, redact_sql
from orbitdb.sql.result import Result
from orbitdb.sql.settings import ms_value

log = logging.getLogger("orbitdb.pgwire")

_DDL_VERBS = frozenset(("CREATE", "DROP", "ALTER", "TRUNCATE", "COMMENT", "GRANT", "REVOKE", "REINDEX"))
_CREATE_TABLE = re.compile(
    r"\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+)?((?:\"[^\"]+\"|[\w$]+)(?:\.(?:\"[^\"]+\"|[\w$]+))?)",
    re.IGNORECASE,
)
_MAX_LOGGED = 500
_DUPLICATE_TABLE = "42P07"
_MIN_DURATION = "log_min_duration_statement"


def _short(sql: str) -> str:
    sql = " ".join(redact_sql(sql).split())
    return sql if len(sql) <= _MAX_LOGGED else sql[:_MAX_LOGGED] + "..."


def _threshold_ms(text: str | None) -> float:
    """log_min_duration_statement in milliseconds (-1: off)."""
    if not text or text == "-1":
        return -1
    try:
        return ms_value(text)
    except SqlError:
        return -1


_ROW_COMMANDS = frozenset(("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "FETCH", "MOVE"))


@dataclass
class Finished:
    """A statement (or protocol step) that ended without an error, for the server's counters."""

    kind: str  # statement (a Query message), parse, bind, execute
    sql: str
    seconds: float
    commands: list[str]  # the command of each result (a Query message may hold several statements)
    rows: int  # rows returned or affected


class StatementLog:
    """Per connection; names the tables a query string creates, in order, for the DDL lines."""

    def __init__(self, peer: str) -> None:
        self.peer = peer
        self._tables: list[str] = []
        self._running: tuple[str, str, str, float] | None = None  # kind, name, sql, start
        self._threshold: tuple[str | None, float] = (None, -1)
        self._commands: list[str] = []
        self._rows = 0

    def statement(self, kind: str, name: str, sql: str) -> None:
        self._tables = []
        self._commands = []
        self._rows = 0
        self._running = (kind, name, sql, time.monotonic())
        if log.isEnabledFor(logging.DEBUG):
            label = f"{kind} {name}" if name else kind
            log.debug("[%s] %s: %s", self.peer, label, _short(sql))
        if "table" in sql.lower():
            self._tables = _CREATE_TABLE.findall(sql)

    def rows_sent(self, count: int) -> None:
        """Rows of a query sent after its result was completed (the extended protocol's Execute)."""
        self._rows += count

    def finished(self, session: Any) -> Finished | None:
        """The statement (or protocol step) begun by statement() ended without an error: logs it
        with its duration when it took log_min_duration_statement or longer."""
        running, self._running = self._running, None
        if running is None or session is None:
            return None
        kind, name, sql, start = running
        seconds = time.monotonic() - start
        done = Finished(kind, sql, seconds, self._commands, self._rows)
        self._log_duration(session, kind, name, sql, seconds * 1000)
        return done

    def _log_duration(self, session: Any, kind: str, name: str, sql: str, elapsed_ms: float) -> None:
        get = getattr(session, "get_setting", None)
        text = get(_MIN_DURATION, missing_ok=True) if callable(get) else None
        if text != self._threshold[0]:
            self._threshold = (text, _threshold_ms(text))
        threshold = self._threshold[1]
        if threshold < 0 or elapsed_ms < threshold:
            return
        label = "statement" if kind == "statement" else f"{kind} {name or '<unnamed>'}"
        statement = _short(sql)
        log.info(
            "[%s] duration: %.3f ms  %s: %s",
            self.peer,
            elapsed_ms,
            label,
            statement,
            extra={"event": "duration", "duration_ms": round(elapsed_ms, 3), "statement": statement},
        )

    def completed(self, result: Result, sql: str) -> None:
        tag = result.command_tag
        command = command_of(tag)
        self._commands.append(command)
        count = tag.rsplit(" ", 1)[-1]
        # an Execute's query rows are counted as they are sent (rows_sent)
        if command in _ROW_COMMANDS and count.isdigit() and not (command == "SELECT" and self._execute()):
            self._rows += int(count)
        if tag.split(" ", 1)[0] not in _DDL_VERBS:
            return
        if tag == "CREATE TABLE" and self._tables:
            name = self._tables.pop(0).replace('"', "")
            if any(notice.sqlstate == _DUPLICATE_TABLE for notice in result.notices):
                log.info("Table already exists: %s", name)  # IF NOT EXISTS skipped it
            else:
                log.info("Created table: %s", name)
        else:
            log.info("[%s] %s: %s", self.peer, tag, _short(sql))

    def _execute(self) -> bool:
        return self._running is not None and self._running[0] == "execute"

    def error(self, exc: SqlError, sql: str | None) -> None:
        self._running = None  # PostgreSQL logs no duration for a statement that failed
        message = redact_message(exc.message, sql)
        fields: dict[str, Any] = {"event": "error", "sqlstate": exc.sqlstate, "severity": exc.severity}
        if isinstance(exc, (AuthFailed, TlsRequired)):
            if isinstance(exc, AuthFailed):
                detail, event = exc.reason, "authentication_failed"
            else:
                detail, event = "TLS is required ([security] require_tls)", "connection_refused"
            log.warning(
                "[%s] %s %s: %s (%s)",
                self.peer,
                exc.severity,
                exc.sqlstate,
                message,
                detail,
                extra={**fields, "event": event, "detail": detail},
            )
        elif sql:
            statement = _short(sql)
            log.info(
                "[%s] %s %s: %s (statement: %s)",
                self.peer,
                exc.severity,
                exc.sqlstate,
                message,
                statement,
                extra={**fields, "statement": statement},
            )
        else:
            log.info("[%s] %s %s: %s", self.peer, exc.severity, exc.sqlstate, message, extra=fields)
