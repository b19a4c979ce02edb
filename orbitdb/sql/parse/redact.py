"""Keeping passwords out of logs: the text of a CREATE/ALTER ROLE/USER/GROUP statement that sets
a password is cut after the word PASSWORD wherever a statement is logged (PostgreSQL itself
logs it whole; orbitdb does not), and error messages about such a statement lose the quoted
fragments that came from the password.
"""

from __future__ import annotations

import re

REDACTED = "<redacted>"
# words separated by blanks or comments, as the lexer separates them
_SEP = r"(?:\s|/\*.*?\*/|--[^\n]*(?:\n|$))+"
_PASSWORD_STATEMENT = re.compile(
    rf"\b(?:CREATE|ALTER){_SEP}(?:ROLE|USER|GROUP)\b.*?\bPASSWORD\b", re.IGNORECASE | re.DOTALL
)
_QUOTED = re.compile(r'"[^"]*"')


def redact_sql(sql: str) -> str:
    """sql, or its beginning up to PASSWORD when it sets a role's password."""
    m = _PASSWORD_STATEMENT.search(sql)
    return sql if m is None else f"{sql[:m.end()]} {REDACTED}"


def redact_message(message: str, sql: str | None) -> str:
    """An error message about sql without the quoted fragments that may hold a password: those
    not found before the word PASSWORD (a role name stays)."""
    m = _PASSWORD_STATEMENT.search(sql) if sql else None
    if m is None or sql is None:
        return message
    head = sql[:m.end()]
    return _QUOTED.sub(lambda q: q.group(0) if q.group(0)[1:-1] in head else f'"{REDACTED}"', message)
