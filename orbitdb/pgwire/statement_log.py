"""What the server logs about statements: each at debug, DDL and errors at info."""

from __future__ import annotations

import logging
import re

from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Result

log = logging.getLogger("orbitdb.pgwire")

_DDL_VERBS = frozenset(("CREATE", "DROP", "ALTER", "TRUNCATE", "COMMENT", "GRANT", "REVOKE", "REINDEX"))
_CREATE_TABLE = re.compile(
    r"\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+)?((?:\"[^\"]+\"|[\w$]+)(?:\.(?:\"[^\"]+\"|[\w$]+))?)",
    re.IGNORECASE,
)
_MAX_LOGGED = 500
_DUPLICATE_TABLE = "42P07"


def _short(sql: str) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= _MAX_LOGGED else sql[:_MAX_LOGGED] + "..."


class StatementLog:
    """Per connection; names the tables a query string creates, in order, for the DDL lines."""

    def __init__(self, peer: str) -> None:
        self.peer = peer
        self._tables: list[str] = []

    def statement(self, kind: str, name: str, sql: str) -> None:
        self._tables = []
        if log.isEnabledFor(logging.DEBUG):
            label = f"{kind} {name}" if name else kind
            log.debug("[%s] %s: %s", self.peer, label, _short(sql))
        if "table" in sql.lower():
            self._tables = _CREATE_TABLE.findall(sql)

    def completed(self, result: Result, sql: str) -> None:
        tag = result.command_tag
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

    def error(self, exc: SqlError, sql: str | None) -> None:
        if sql:
            log.info(
                "[%s] %s %s: %s (statement: %s)",
                self.peer,
                exc.severity,
                exc.sqlstate,
                exc.message,
                _short(sql),
            )
        else:
            log.info("[%s] %s %s: %s", self.peer, exc.severity, exc.sqlstate, exc.message)
