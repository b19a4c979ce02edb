"""DDL works on every committed row, not on its transaction's snapshot: an index built after
waiting for a concurrent writer holds that writer's row; a table rewrite, TRUNCATE, and the
validation of SET NOT NULL inside a REPEATABLE READ block include rows committed after the
block's snapshot. (orbitdb used to read the snapshot: the index missed the row, the rewrite
turned its value into NULL, TRUNCATE left it, SET NOT NULL accepted its NULL.) Each scenario
runs on orbitdb embedded and on PostgreSQL 15, which must agree."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_reference import PgServer, reference_pg

import orbitdb

__all__ = ["reference_pg"]  # the fixture, imported for pytest

Connect = Callable[[], Any]


@pytest.fixture(params=["orbitdb", "postgres"])
def connect(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Connect]:
    opened: list[Any] = []
    if request.param == "orbitdb":
        path = str(tmp_path / "db")

        def new() -> Any:
            c = orbitdb.connect(path)
            c.autocommit = True
            opened.append(c)
            return c
    else:
        server: PgServer = request.getfixturevalue("reference_pg")
        database = server.create_database("ddl")

        def new() -> Any:
            c = server.connect(database)
            c.autocommit = True
            opened.append(c)
            return c
    yield new
    for c in opened:
        c.close()


def two_sessions(connect: Connect) -> tuple[Any, Any]:
    a, b = connect().cursor(), connect().cursor()
    a.execute("CREATE TABLE t (a int PRIMARY KEY, b int)")
    a.execute("INSERT INTO t VALUES (1, 10)")
    return a, b


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


def test_index_built_after_a_lock_wait_holds_the_writers_row(connect: Connect) -> None:
    writer, ddl = two_sessions(connect)
    writer.execute("BEGIN")
    writer.execute("INSERT INTO t VALUES (2, 20)")
    ddl.execute("BEGIN")  # READ COMMITTED: the statement's snapshot predates the writer's commit
    build = threading.Thread(target=ddl.execute, args=("CREATE INDEX t_b ON t (b)",))
    build.start()
    time.sleep(0.3)  # CREATE INDEX waits for the writer's ROW EXCLUSIVE lock (no timing is asserted)
    writer.execute("COMMIT")
    build.join()
    ddl.execute("COMMIT")
    writer.execute("SET enable_seqscan = off")
    assert "t_b" in rows(writer, "EXPLAIN SELECT a FROM t WHERE b = 20")[0][0]
    assert rows(writer, "SELECT a FROM t WHERE b = 20") == [(2,)]


def repeatable_read_block_then_insert(connect: Connect, row: str) -> tuple[Any, Any]:
    other, ddl = two_sessions(connect)
    ddl.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    assert rows(ddl, "SELECT a FROM t") == [(1,)]  # the block's snapshot
    other.execute(f"INSERT INTO t VALUES {row}")
    return other, ddl


def test_rewrite_in_a_repeatable_read_block_keeps_later_rows(connect: Connect) -> None:
    other, ddl = repeatable_read_block_then_insert(connect, "(2, 20)")
    ddl.execute("ALTER TABLE t ALTER COLUMN b TYPE text")
    ddl.execute("COMMIT")
    assert rows(other, "SELECT a, b FROM t ORDER BY a") == [(1, "10"), (2, "20")]


def test_truncate_in_a_repeatable_read_block_empties_the_table(connect: Connect) -> None:
    other, ddl = repeatable_read_block_then_insert(connect, "(2, 20)")
    ddl.execute("TRUNCATE t")
    ddl.execute("COMMIT")
    assert rows(other, "SELECT * FROM t") == []


def test_set_not_null_in_a_repeatable_read_block_sees_later_nulls(connect: Connect) -> None:
    _, ddl = repeatable_read_block_then_insert(connect, "(2, NULL)")
    with pytest.raises(Exception) as info:
        ddl.execute("ALTER TABLE t ALTER COLUMN b SET NOT NULL")
    assert info.value.pgcode == "23502"  # psycopg2's attribute, which orbitdb's errors have too
    ddl.execute("ROLLBACK")
