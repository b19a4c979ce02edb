"""Batch execution (orbitdb/sql/batch): aggregates and filters on numpy batches give exactly the
row-at-a-time results, NULLs, exact integer sums and float addition order included; the
setting, EXPLAIN's note and the statistics counters."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orbitdb

QUERIES = [
    "SELECT count(*), count(a), sum(a), avg(a), min(a), max(a) FROM t",
    "SELECT sum(b), avg(b), min(b), max(b), count(b) FROM t",
    "SELECT sum(f), avg(f), count(f) FROM t",
    "SELECT g, count(*), sum(a), sum(b), min(b), max(a), avg(a) FROM t GROUP BY g",
    "SELECT s, count(*), sum(f) FROM t GROUP BY s",
    "SELECT g, s, count(*), sum(a) FROM t GROUP BY g, s",
    "SELECT flag, count(b), sum(b) FROM t GROUP BY flag",
    "SELECT count(*), sum(a) FROM t WHERE a > 0 AND b IS NOT NULL",
    "SELECT count(*), sum(b) FROM t WHERE a IS NULL OR b < -5",
    "SELECT count(*) FROM t WHERE NOT (a >= 3) ",
    "SELECT g, count(*) FROM t WHERE a BETWEEN -10 AND 10 GROUP BY g",
    "SELECT sum(a) FROM t WHERE id BETWEEN 3 AND 40",
    "SELECT count(*), sum(f) FROM t WHERE id > 10 AND (a = 1 OR a <> 2)",
]

ints4 = st.one_of(st.none(), st.integers(-2**31, 2**31 - 1), st.integers(-20, 20))
ints8 = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.integers(-20, 20))
floats = st.one_of(st.none(), st.sampled_from([1e16, -1e16, 1.0, 0.1, -0.0, 0.0, 3.5, 1e308, float("inf")]),
                   st.floats(allow_nan=False, allow_infinity=False, width=64))
texts = st.one_of(st.none(), st.sampled_from(["", "a", "B", "b", "é", "zz"]))
rows = st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 3)), ints4, ints8, floats, texts,
                          st.one_of(st.none(), st.booleans())), max_size=60)


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    con = orbitdb.connect(str(tmp_path_factory.mktemp("batch")))
    con.autocommit = True
    c = con.cursor()
    yield c
    con.close()


def _fill(cur: Any, data: list[tuple[Any, ...]]) -> None:
    cur.execute("DROP TABLE IF EXISTS t")
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, g int, a int4, b int8, f float8, s text, flag bool)")
    if data:
        cur.executemany("INSERT INTO t VALUES (%s, %s, %s, %s, %s, %s, %s)",
                        [(i, *r) for i, r in enumerate(data)])


def _run(cur: Any, sql: str, mode: str) -> tuple[str, Any]:
    cur.execute(f"SET orbitdb.batch_execution = {mode}")
    try:
        cur.execute(sql)
        return "ok", repr(cur.fetchall())  # repr: NaN equals itself, -0.0 differs from 0.0
    except orbitdb.Error as e:
        return "error", (getattr(e, "sqlstate", None), str(e))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=rows)
def test_batches_match_rows(cur: Any, data: list[tuple[Any, ...]]) -> None:
    _fill(cur, data)
    for sql in QUERIES:
        assert _run(cur, sql, "on") == _run(cur, sql, "off"), sql


def test_exact_sums_past_int64(cur: Any) -> None:
    _fill(cur, [(1, 1, 2**63 - 1, 1.0, "x", True)] * 3 + [(1, None, -(2**63), 2.0, "x", None)])
    cur.execute("SET orbitdb.batch_execution = on")
    cur.execute("SELECT sum(b), avg(b), min(b), max(b) FROM t")
    from decimal import Decimal

    # avg: PostgreSQL's division scale (16 significant digits) leaves no fraction here
    assert cur.fetchall() == [(Decimal(3 * (2**63 - 1) - 2**63), Decimal(4611686018427387903), -(2**63), 2**63 - 1)]
    cur.execute("SELECT g, sum(b) FROM t GROUP BY g")
    assert cur.fetchall() == [(1, Decimal(3 * (2**63 - 1) - 2**63))]


def test_float_overflow_is_22003_both_ways(cur: Any) -> None:
    _fill(cur, [(1, 1, 1, 1e308, "x", True), (1, 1, 1, 1e308, "x", True)])
    for mode in ("on", "off"):
        kind, (code, _) = _run(cur, "SELECT sum(f) FROM t", mode)
        assert (kind, code) == ("error", "22003")


def test_groups_come_in_first_row_order(cur: Any) -> None:
    _fill(cur, [(3, 1, 1, 0.0, "c", True), (1, 1, 1, 0.0, "a", True), (None, 1, 1, 0.0, None, None),
                (3, 1, 1, 0.0, "c", True), (2, None, 1, 0.0, "b", False)])
    cur.execute("SET orbitdb.batch_execution = on")
    cur.execute("SELECT g, count(*), sum(a) FROM t GROUP BY g")
    assert cur.fetchall() == [(3, 2, 2), (1, 1, 1), (None, 1, 1), (2, 1, None)]
    cur.execute("SELECT s, flag, count(*) FROM t GROUP BY s, flag")
    assert cur.fetchall() == [("c", True, 2), ("a", True, 1), (None, None, 1), ("b", False, 1)]


def _plan_shape(cur: Any) -> list[str]:
    """EXPLAIN's lines without the estimates `  (cost=... rows=... width=...)` (docs/performance.md)."""
    return [re.sub(r"  \(cost=[^)]*\)$", "", r[0]) for r in cur.fetchall()]


def test_setting_and_explain(cur: Any) -> None:
    _fill(cur, [(1, 1, 1, 1.0, "x", True)])
    cur.execute("RESET orbitdb.batch_execution")
    cur.execute("SHOW orbitdb.batch_execution")
    assert cur.fetchall() == [("auto",)]
    with pytest.raises(orbitdb.Error) as err:
        cur.execute("SET orbitdb.batch_execution = sometimes")
    assert getattr(err.value, "sqlstate", None) == "22023"
    cur.execute("EXPLAIN SELECT g, count(*) FROM t GROUP BY g")
    assert _plan_shape(cur) == ["HashAggregate", "  Batch: on", "  ->  Seq Scan on t"]
    cur.execute("EXPLAIN (COSTS OFF) SELECT g, count(*) FROM t GROUP BY g")
    assert [r[0] for r in cur.fetchall()] == ["HashAggregate", "  ->  Seq Scan on t"]
    cur.execute("EXPLAIN SELECT count(*) FROM t WHERE s = 'x'")  # a text comparison: row at a time
    assert "  Batch: on" not in [r[0] for r in cur.fetchall()]
    cur.execute("SET orbitdb.batch_execution = off")
    cur.execute("EXPLAIN SELECT g, count(*) FROM t GROUP BY g")
    assert _plan_shape(cur) == ["HashAggregate", "  ->  Seq Scan on t"]
    cur.execute("RESET orbitdb.batch_execution")


def test_own_uncommitted_writes_are_seen(tmp_path: Path) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))
    c = con.cursor()
    c.execute("CREATE TABLE t (id int PRIMARY KEY, a int)")
    c.execute("INSERT INTO t SELECT i, i FROM generate_series(1, 5000) i")
    con.commit()
    c.execute("SET orbitdb.batch_execution = on")
    c.execute("DELETE FROM t WHERE id <= 100")
    c.execute("SELECT count(*), sum(a) FROM t")
    assert c.fetchall() == [(4900, sum(range(101, 5001)))]
    con.rollback()
    c.execute("SELECT count(*), sum(a) FROM t")
    assert c.fetchall() == [(5000, sum(range(1, 5001)))]
    con.close()


def test_read_counters_match_row_path(tmp_path: Path) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))
    con.autocommit = True
    c = con.cursor()
    c.execute("CREATE TABLE t (id int PRIMARY KEY, a int)")
    c.execute("INSERT INTO t SELECT i, i % 7 FROM generate_series(1, 9000) i")
    counts = []
    for mode in ("on", "off"):
        c.execute(f"SET orbitdb.batch_execution = {mode}")
        c.execute("SELECT seq_scan, seq_tup_read, idx_scan, idx_tup_fetch FROM pg_stat_user_tables WHERE relname = 't'")
        before = c.fetchone()
        c.execute("SELECT a, count(*) FROM t GROUP BY a")
        c.execute("SELECT sum(a) FROM t WHERE id BETWEEN 100 AND 5000")
        c.execute("SELECT seq_scan, seq_tup_read, idx_scan, idx_tup_fetch FROM pg_stat_user_tables WHERE relname = 't'")
        after = c.fetchone()
        counts.append(tuple(x - y for x, y in zip(after, before)))
    assert counts[0] == counts[1] == (1, 9000, 1, 4901)
    con.close()


def test_read_counters_of_a_statement_run_again(tmp_path: Path) -> None:
    """A cached plan run again counts each run's rows once (its batch source is part of the plan)."""
    con = orbitdb.connect(str(tmp_path / "db"))
    con.autocommit = True
    c = con.cursor()
    c.execute("CREATE TABLE t (id int PRIMARY KEY, a int)")
    c.execute("INSERT INTO t SELECT i, i % 7 FROM generate_series(1, 3000) i")
    counts = []
    for mode in ("on", "off"):
        c.execute(f"SET orbitdb.batch_execution = {mode}")
        c.execute("SELECT seq_scan, seq_tup_read, idx_scan, idx_tup_fetch FROM pg_stat_user_tables WHERE relname = 't'")
        before = c.fetchone()
        for _ in range(3):
            c.execute("SELECT sum(a) FROM t WHERE id BETWEEN %s AND %s", (100, 199))
            c.execute("SELECT a, count(*) FROM t GROUP BY a")
            c.execute("SELECT id, a + 1 FROM t WHERE a < 3")
            c.fetchnumpy()
        c.execute("SELECT seq_scan, seq_tup_read, idx_scan, idx_tup_fetch FROM pg_stat_user_tables WHERE relname = 't'")
        after = c.fetchone()
        counts.append(tuple(x - y for x, y in zip(after, before)))
    assert counts[0] == counts[1] == (6, 18000, 3, 300)
    con.close()


def test_many_batches_match_rows(cur: Any) -> None:
    """Past one batch (4,096 rows): group ids, float addition order and int64 bounds carry over."""
    import random

    rnd = random.Random(17)
    data = [(rnd.choice([None, 0, 1, 2, 3, 4]), rnd.choice([None, rnd.randint(-2**31, 2**31 - 1)]),
             rnd.choice([None, rnd.randint(-2**63, 2**63 - 1), rnd.randint(-5, 5)]),
             rnd.choice([None, 1e16, -1e16, 0.1, rnd.uniform(-1e6, 1e6)]),
             rnd.choice([None, "a", "b", "c"]), rnd.choice([None, True, False])) for _ in range(9000)]
    _fill(cur, data)
    for sql in QUERIES:
        assert _run(cur, sql, "on") == _run(cur, sql, "off"), sql


JOIN_QUERIES = [
    "SELECT u.name, count(*), sum(t.a), min(u.w) FROM t JOIN u ON u.k = t.g GROUP BY u.name",
    "SELECT t.g, count(*), sum(u.w) FROM t JOIN u ON t.g = u.k WHERE t.a > 0 GROUP BY t.g",
    "SELECT count(*), sum(t.b) FROM t JOIN u ON u.k = t.g WHERE u.w IS NOT NULL",
    "SELECT u.name, t.flag, count(t.f) FROM t JOIN u ON u.k = t.g GROUP BY u.name, t.flag",
]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=rows, build=st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 4)),
                                           st.one_of(st.none(), st.sampled_from(["x", "y", "é"])), ints4),
                                 max_size=8))
def test_joins_on_batches_match_rows(cur: Any, data: list[tuple[Any, ...]], build: list[tuple[Any, ...]]) -> None:
    """The build side's key unique or not, NULL keys, filters on either side, group keys from
    either side."""
    _fill(cur, data)
    cur.execute("DROP TABLE IF EXISTS u")
    cur.execute("CREATE TABLE u (k int, name text, w int)")
    if build:
        cur.executemany("INSERT INTO u VALUES (%s, %s, %s)", build)
    for sql in JOIN_QUERIES:
        assert _run(cur, sql, "on") == _run(cur, sql, "off"), sql
    cur.execute("SET orbitdb.batch_execution = on")
    cur.execute("EXPLAIN " + JOIN_QUERIES[0])
    assert "  Batch: on" in [r[0] for r in cur.fetchall()]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=rows, build=st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 3)),
                                           st.one_of(st.none(), st.sampled_from(["x", "y", "é"])), ints4),
                                 min_size=2, max_size=12),
       chunk=st.integers(1, 7))
def test_joins_with_repeated_keys_run_on_batches(cur: Any, data: list[tuple[Any, ...]], build: list[tuple[Any, ...]],
                                                 chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys repeated on both sides (every pair joined, in the row path's order, so float sums
    agree), NULL keys on both sides; the pairs handed on a few at a time. The statement runs on
    batches: no fallback to the row path."""
    from orbitdb.sql.batch import aggregate, sources

    build = [(build[0][0] if build[0][0] is not None else 1, *build[0][1:]), *build]  # a key at least twice
    build[1] = (build[0][0], *build[1][1:])
    _fill(cur, data)
    cur.execute("DROP TABLE IF EXISTS u")
    cur.execute("CREATE TABLE u (k int, name text, w int)")
    cur.executemany("INSERT INTO u VALUES (%s, %s, %s)", build)
    monkeypatch.setattr(sources, "PAIRS_PER_BATCH", chunk)
    ran: list[bool] = []
    real = aggregate.batch_rows

    def watched(agg: Any, ctx: Any) -> Any:
        out = real(agg, ctx)
        ran.append(out is not None)
        return out

    monkeypatch.setattr(aggregate, "batch_rows", watched)
    for sql in JOIN_QUERIES:
        ran.clear()
        on = _run(cur, sql, "on")
        assert ran == [True], sql
        assert on == _run(cur, sql, "off"), sql


def test_past_hash_mem_same_results(tmp_path: Path) -> None:
    """More groups, or a bigger join build side, than work_mem x hash_mem_multiplier holds: the
    aggregate spills its rows to partitions (the join runs row at a time), with the same results."""
    con = orbitdb.connect(str(tmp_path / "db"))
    con.autocommit = True
    c = con.cursor()
    c.execute("CREATE TABLE t (id int PRIMARY KEY, a int)")
    c.execute("INSERT INTO t SELECT i, i % 1000 FROM generate_series(1, 2000) i")
    c.execute("CREATE TABLE u (k int PRIMARY KEY, w int)")
    c.execute("INSERT INTO u SELECT i, i FROM generate_series(0, 1999) i")
    c.execute("SET work_mem = '64kB'")
    c.execute("SET hash_mem_multiplier = 1")
    results = []
    for mode in ("on", "off"):
        c.execute(f"SET orbitdb.batch_execution = {mode}")
        c.execute("SELECT a, count(*), sum(id) FROM t GROUP BY a")
        grouped = sorted(c.fetchall())
        c.execute("SELECT count(*), sum(u.w) FROM t JOIN u ON u.k = t.a")
        results.append((grouped, c.fetchall()))
    assert results[0] == results[1]
    assert len(results[0][0]) == 1000 and results[0][1] == [(2000, 2 * sum(range(1000)))]
    con.close()


def test_batches_of_one_scan_read_one_state(tmp_path: Path) -> None:
    """A scan of several batches sees one committed state: transfers committed meanwhile (moving
    amounts between the first and the last rows) never show half done in the sum."""
    import threading

    path = str(tmp_path / "db")
    con = orbitdb.connect(path)
    con.autocommit = True
    c = con.cursor()
    c.execute("CREATE TABLE acct (id int PRIMARY KEY, bal int8 NOT NULL)")
    c.execute("INSERT INTO acct SELECT i, 100 FROM generate_series(1, 12000) i")
    stop = threading.Event()

    def transfers() -> None:
        w = orbitdb.connect(path)
        wc = w.cursor()
        n = 0
        while not stop.is_set() and n < 400:
            n += 1
            wc.execute("UPDATE acct SET bal = bal - 1 WHERE id = 1")
            wc.execute("UPDATE acct SET bal = bal + 1 WHERE id = 12000")
            w.commit()
        w.close()

    writer = threading.Thread(target=transfers)
    writer.start()
    try:
        c.execute("SET orbitdb.batch_execution = on")
        sums = {c.execute("SELECT sum(bal) FROM acct").fetchone()[0] for _ in range(25)}
    finally:
        stop.set()
        writer.join()
    assert sums == {1_200_000}
    con.close()


def test_columns_added_after_rows_were_written(cur: Any) -> None:
    """Rows written before ADD COLUMN are shorter: their new slots take the column's default."""
    _fill(cur, [(i % 3, i, i, 0.5, "x", True) for i in range(50)])
    cur.execute("ALTER TABLE t ADD COLUMN extra int8 DEFAULT 7, ADD COLUMN bare int")
    cur.execute("INSERT INTO t VALUES (100, 1, 1, 1, 1.0, 'y', false, 100, 3)")
    sql = "SELECT g, count(*), sum(extra), count(bare), sum(bare) FROM t GROUP BY g"
    on, off = _run(cur, sql, "on"), _run(cur, sql, "off")
    assert on == off
    assert on == ("ok", repr([(0, 17, Decimal(119), 0, None), (1, 18, Decimal(219), 1, 3), (2, 16, Decimal(112), 0, None)]))
