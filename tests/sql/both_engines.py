"""Tests that run the same statements on orbitdb (embedded) and on a real PostgreSQL 15 and assert
the same answers on both: the `engine` fixture gives a fresh autocommit cursor of each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_reference import PgServer, reference_pg

import orbitdb

__all__ = ["engine", "failure", "reference_pg", "rows", "run"]


@pytest.fixture(params=["orbitdb", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "orbitdb":
        conn = orbitdb.connect(str(tmp_path / "db"))
    else:
        server: PgServer = request.getfixturevalue("reference_pg")
        conn = server.connect(server.create_database("dml"))
    conn.autocommit = True
    try:
        yield conn.cursor()
    finally:
        conn.close()


def run(cur: Any, *statements: str) -> None:
    for sql in statements:
        cur.execute(sql)


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


def failure(cur: Any, sql: str) -> tuple[str, str, str | None]:
    """(SQLSTATE, message, detail) of a statement that must fail, from either driver."""
    try:
        cur.execute(sql)
    except Exception as e:  # noqa: BLE001 - both drivers' errors are read the same way
        code = getattr(e, "sqlstate", None) or getattr(e, "pgcode", None)
        diag = getattr(e, "diag", None)
        if diag is not None:
            return code, diag.message_primary, diag.message_detail
        return code, str(e).split("\n")[0], getattr(e, "detail", None)
    raise AssertionError(f"{sql!r} did not fail")
