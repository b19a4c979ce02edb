"""A statement run again and again reuses its cached plan and what the plan keeps for batch
scans (orbitdb/sql/batch/scan.py: the reader of a scan's columns). Whatever changes between
two runs must show in the second: DDL, indexes, search_path, settings, parameter types; and a
session's cached state never reaches another session."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import orbitdb

RANGE = "SELECT sum(x), count(*) FROM t WHERE id BETWEEN %s AND %s"


@pytest.fixture
def con(tmp_path: Path) -> Any:
    c = orbitdb.connect(str(tmp_path / "db"), autocommit=True)
    c.execute("CREATE TABLE t (id int8 PRIMARY KEY, g int4, x int4, f float8)")
    c.execute("INSERT INTO t SELECT i, i % 10, CASE WHEN i % 7 = 0 THEN NULL ELSE i END, i * 0.5 "
              "FROM generate_series(1, 3000) i")
    yield c
    c.close()


def _expected(lo: int, hi: int, scale: int = 1) -> tuple[int, int]:
    return sum(i * scale for i in range(lo, hi + 1) if i % 7), hi - lo + 1


def test_alter_table_between_runs(con: Any) -> None:
    cur = con.cursor()
    assert cur.execute(RANGE, (10, 1009)).fetchone() == _expected(10, 1009)
    cur.execute("ALTER TABLE t ADD COLUMN y int4 DEFAULT 5")
    assert cur.execute(RANGE, (10, 1009)).fetchone() == _expected(10, 1009)
    assert cur.execute("SELECT sum(y) FROM t WHERE id BETWEEN %s AND %s", (1, 100)).fetchone() == (500,)
    cur.execute("ALTER TABLE t DROP COLUMN g")  # the columns after it move in the row layout
    assert cur.execute(RANGE, (10, 1009)).fetchone() == _expected(10, 1009)
    cur.execute("UPDATE t SET x = x * 2")
    cur.execute("ALTER TABLE t ALTER COLUMN x TYPE int8")
    assert cur.execute(RANGE, (10, 1009)).fetchone() == (_expected(10, 1009, 2)[0], 1000)
    cur.execute("ALTER TABLE t ALTER COLUMN x TYPE numeric")  # no batch form: the row path answers
    s, n = cur.execute(RANGE, (10, 1009)).fetchone()
    assert (int(s), n) == (_expected(10, 1009, 2)[0], 1000)
    cur.execute("ALTER TABLE t RENAME COLUMN x TO x_old")
    cur.execute("ALTER TABLE t RENAME COLUMN f TO x")  # same text, another column and type
    assert cur.execute(RANGE, (1, 4)).fetchone() == (5.0, 4)


def test_indexes_and_table_recreated_between_runs(con: Any) -> None:
    cur = con.cursor()
    q = "SELECT sum(x), count(*) FROM t WHERE g = %s AND id < %s"
    want = (sum(i for i in range(1, 2000) if i % 10 == 3 and i % 7), len([i for i in range(1, 2000) if i % 10 == 3]))
    assert cur.execute(q, (3, 2000)).fetchone() == want
    cur.execute("CREATE INDEX t_g ON t (g)")
    assert cur.execute(q, (3, 2000)).fetchone() == want
    cur.execute("DROP INDEX t_g")
    assert cur.execute(q, (3, 2000)).fetchone() == want
    cur.execute("DROP TABLE t")
    cur.execute("CREATE TABLE t (id int8 PRIMARY KEY, x int4)")
    cur.execute("INSERT INTO t SELECT i, 1 FROM generate_series(1, 50) i")
    assert cur.execute(RANGE, (10, 1009)).fetchone() == (41, 41)


def test_search_path_between_runs(con: Any) -> None:
    cur = con.cursor()
    cur.execute("CREATE SCHEMA other")
    cur.execute("CREATE TABLE other.t (id int8 PRIMARY KEY, x int4)")
    cur.execute("INSERT INTO other.t SELECT i, 3 FROM generate_series(1, 100) i")
    assert cur.execute(RANGE, (1, 10)).fetchone() == _expected(1, 10)
    cur.execute("SET search_path = other, public")
    assert cur.execute(RANGE, (1, 10)).fetchone() == (30, 10)
    cur.execute("RESET search_path")
    assert cur.execute(RANGE, (1, 10)).fetchone() == _expected(1, 10)


def test_settings_and_parameter_types_between_runs(con: Any) -> None:
    cur = con.cursor()
    for mode in ("on", "off", "auto"):
        cur.execute(f"SET orbitdb.batch_execution = {mode}")
        assert cur.execute(RANGE, (10, 1009)).fetchone() == _expected(10, 1009)
    # the same text with parameters of other types: compiled for them, not the int plan reused
    assert cur.execute(RANGE, (10.5, 20)).fetchone() == _expected(11, 20)
    assert cur.execute(RANGE, ("10", "20")).fetchone() == _expected(10, 20)
    assert cur.execute(RANGE, (None, 20)).fetchone() == (None, 0)
    assert cur.execute(RANGE, (10, 20)).fetchone() == _expected(10, 20)


def test_uncommitted_writes_between_runs(con: Any) -> None:
    con.autocommit = False
    cur = con.cursor()
    assert cur.execute(RANGE, (1, 100)).fetchone() == _expected(1, 100)
    cur.execute("DELETE FROM t WHERE id <= 50")  # the transaction's own writes: the row path merges them
    assert cur.execute(RANGE, (1, 100)).fetchone() == (sum(i for i in range(51, 101) if i % 7), 50)
    con.rollback()
    assert cur.execute(RANGE, (1, 100)).fetchone() == _expected(1, 100)
    con.commit()


def test_sessions_keep_their_own_state(tmp_path: Path) -> None:
    """Two sessions run the same text over different tables (their search_paths differ) and
    with different settings, at the same time; neither sees the other's plan or reader."""
    path = str(tmp_path / "db")
    setup = orbitdb.connect(path, autocommit=True)
    for schema, value in (("a", 1), ("b", 2)):
        setup.execute(f"CREATE SCHEMA {schema}")
        extra = ", pad text" if schema == "b" else ""  # another row layout
        setup.execute(f"CREATE TABLE {schema}.t (id int8 PRIMARY KEY{extra}, x int4)")
        cols = "id, pad, x" if schema == "b" else "id, x"
        vals = f"i, 'p', {value}" if schema == "b" else f"i, {value}"
        setup.execute(f"INSERT INTO {schema}.t ({cols}) SELECT {vals} FROM generate_series(1, 2000) i")
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(schema: str, value: int, mode: str) -> None:
        try:
            con = orbitdb.connect(path, autocommit=True)
            cur = con.cursor()
            cur.execute(f"SET search_path = {schema}")
            cur.execute(f"SET orbitdb.batch_execution = {mode}")
            start.wait(30)
            for i in range(200):
                lo = i % 1000 + 1
                assert cur.execute(RANGE, (lo, lo + 999)).fetchone() == (1000 * value, 1000)
            con.close()
        except BaseException as e:  # noqa: BLE001 - handed to the test's thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=("a", 1, "auto")), threading.Thread(target=run, args=("b", 2, "on"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    setup.close()
    assert not errors, errors
