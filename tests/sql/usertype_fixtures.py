"""What the tests of user-defined types (enums, domains, composites) share: a database that
commits each statement, the rows a query gives, the error a statement raises."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import orbitdb


def autocommit_db(path: Path) -> Any:
    con = orbitdb.connect(str(path))
    con.autocommit = True
    return con


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return list(cur.fetchall())


def fails(cur: Any, sql: str, sqlstate: str) -> str:
    """The message of the error `sql` raises, which must carry `sqlstate`."""
    with pytest.raises(orbitdb.Error) as info:
        cur.execute(sql)
    assert info.value.sqlstate == sqlstate, info.value
    return str(info.value)
