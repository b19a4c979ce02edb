"""PL/pgSQL condition names (PostgreSQL's Appendix A) and the SQLSTATEs they stand for."""

from __future__ import annotations

import re

from orbitdb.sql.errors import SqlError
from orbitdb.sqlstates import SQLSTATES

_NAMES: dict[str, str] = {}


def _names() -> dict[str, str]:
    if not _NAMES:
        for code, cls, _base in SQLSTATES:
            name = cls[:-3] if cls.endswith("Ext") else cls.rstrip("_")
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
            _NAMES.setdefault(snake, code)
        _NAMES.update({"raise_exception": "P0001", "no_data_found": "P0002", "too_many_rows": "P0003",
                       "assert_failure": "P0004", "division_by_zero": "22012", "query_canceled": "57014"})
    return _NAMES


def sqlstate_of(condition: str) -> str:
    """The SQLSTATE a condition (a name, or "sqlstate:XXXXX") stands for."""
    if condition.startswith("sqlstate:"):
        code = condition[9:]
        if not re.fullmatch(r"[0-9A-Z]{5}", code):
            raise SqlError("42601", f'invalid SQLSTATE code "{code}"')
        return code
    code = _names().get(condition.lower())
    if code is None:
        raise SqlError("42704", f'unrecognized exception condition "{condition}"')
    return code


def matches(condition: str, sqlstate: str) -> bool:
    if condition.lower() == "others":
        return sqlstate not in ("57014", "P0004")
    code = sqlstate_of(condition)
    if code.endswith("000") and code != "P0000":  # a class: every condition in it
        return sqlstate[:2] == code[:2]
    return code == sqlstate
