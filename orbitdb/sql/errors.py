"""SQL errors carry PostgreSQL's SQLSTATE and message fields."""

from __future__ import annotations

import decimal
import logging
import re
from typing import Any

from orbitdb.storage.errors import storage_error_for


class SqlError(Exception):
    """An error with PostgreSQL's fields: the wire server sends them in an ErrorResponse,
    the DB-API maps the SQLSTATE class to a PEP 249 exception."""

    def __init__(
        self,
        sqlstate: str,
        message: str,
        *,
        detail: str | None = None,
        hint: str | None = None,
        position: int | None = None,
        severity: str = "ERROR",
        schema: str | None = None,
        table: str | None = None,
        column: str | None = None,
        constraint: str | None = None,
        statement_position: int | None = None,
    ) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.severity = severity
        self.schema = schema
        self.table = table
        self.column = column
        self.constraint = constraint
        # position in the statement's own text, before the session knows where the statement
        # starts in its message (position is the message's: what the wire sends)
        self.statement_position = statement_position
        self.notices: list[Any] = []  # orbitdb.sql.result.Notice given before the error

    def __str__(self) -> str:
        return self.message


INTERNAL_ERROR = "XX000"
OUT_OF_MEMORY = "53200"
_EXCERPT_CHARS = 40
_SECRET_WORDS = re.compile(r"\b(?:PASSWORD|SECRET|ENCRYPTED)\b", re.IGNORECASE)
_log = logging.getLogger("orbitdb.sql")


def statement_excerpt(statement: str) -> str:
    """The first few dozen characters of a statement, on one line, for an error message and the
    log. It stops before a PASSWORD keyword: what follows may be a secret."""
    text = " ".join(statement.split())
    secret = _SECRET_WORDS.search(text)
    cut = min(_EXCERPT_CHARS, secret.start() if secret else len(text))
    if cut < len(text):
        return text[:cut].rstrip() + "..."
    return text


def internal_error(exc: BaseException, statement: str, where: str = "") -> SqlError:
    """What a Python exception that escaped the SQL layer becomes: XX000 naming the statement,
    with the traceback logged. Its Python text stays in the log: it means nothing to a client
    and may show internals. A MemoryError is PostgreSQL's 53200; an engine error keeps the
    SQLSTATE storage gives it. where prefixes the log line (the wire server's peer)."""
    if isinstance(exc, decimal.Overflow):  # a numeric past 10^131072 (numeric.CTX traps it)
        return SqlError("22003", "value overflows numeric format")
    if isinstance(exc, decimal.DivisionByZero):
        return SqlError("22012", "division by zero")
    excerpt = statement_excerpt(statement)
    named = f' in statement "{excerpt}"' if excerpt else ""
    prefix = f"{where} " if where else ""
    failure = storage_error_for(exc)  # the engine failed (I/O, corruption, closed): not a bug
    if failure is not None:
        _log.error("%s%s%s", prefix, failure, named)
        return SqlError(failure.sqlstate, str(failure))
    if isinstance(exc, MemoryError):
        _log.error("%sout of memory%s", prefix, named, exc_info=exc)
        return SqlError(OUT_OF_MEMORY, "out of memory", detail=f"Failed{named}." if named else None)
    _log.error("%sinternal error%s", prefix, named, exc_info=exc)
    return SqlError(INTERNAL_ERROR, f"internal error{named}",
                    hint="The server log has the details (logger orbitdb.sql).")
