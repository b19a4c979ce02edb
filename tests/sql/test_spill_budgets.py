"""Operators keep their peak inside their budget and still give the row path's rows: the buffers
of Grace partitions hold their share of hash_mem (in memory, not encoded), a sort's runs and its
merge hold work_mem, the sort order is the one a plain comparison sort gives (NULLS FIRST/LAST,
DESC, NaN above every number, ties in input order); batch execution past a tiny work_mem gives the
row path's rows, through temporary files that pg_stat_database counts and that are gone after."""

from __future__ import annotations

import math
import os
import random
import tracemalloc
from functools import cmp_to_key
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orbitdb
from orbitdb.sql import types as T
from orbitdb.sql.spill import StatementSpill, sort_in_memory
from orbitdb.sql.spill.files import TEMP_DIR
from orbitdb.sql.spill.memory import row_bytes
from orbitdb.sql.spill.partition import Partitions, buffer_reserve
from orbitdb.sql.spill.sort import ExternalSort, top_sorted
from orbitdb.sql.types.sortkeys import sort_key_fn

FLOAT_KEY = sort_key_fn(T.FLOAT8)


def _spill(tmp_path: Path, work_mem: int = 64 * 1024) -> StatementSpill:
    return StatementSpill(str(tmp_path / TEMP_DIR), "pgsql_tmp1", work_mem, 2 * work_mem, -1)


def _reference_order(rows: list[tuple[Any, ...]], keys: list[tuple[Any, bool, bool, Any]]) -> list[tuple[Any, ...]]:
    """A comparison sort written from PostgreSQL's rules, one key after another."""
    def cmp(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
        for f, desc, nulls_first, kf in keys:
            x, y = f(a), f(b)
            if x is None or y is None:
                if x is None and y is None:
                    continue
                return (-1 if x is None else 1) * (1 if nulls_first else -1)
            if kf is not None:
                x, y = kf(x), kf(y)
            if x == y:
                continue
            r = -1 if x < y else 1
            return -r if desc else r
        return 0

    return sorted(rows, key=cmp_to_key(cmp))


def _key(i: int) -> Any:
    return lambda r: r[i]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(0, 2500), seed=st.integers(0, 2**32),
       flags=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=3),
       n=st.sampled_from([0, 1, 9, 3000]))
def test_sorts_order_as_a_comparison_sort(tmp_path: Path, size: int, seed: int, flags: list[tuple[bool, bool]],
                                          n: int) -> None:
    rnd = random.Random(seed)
    floats = [None, 1.5, -0.0, 0.0, math.inf, -math.inf, math.nan, 2.0]
    rows = [(rnd.choice(floats), rnd.choice([None, 1, 2, 3]), rnd.choice([None, "a", "B", "b", ""]), i)
            for i in range(size)]
    keys = [(_key(c), desc, nulls_first, FLOAT_KEY if c == 0 else None)
            for c, (desc, nulls_first) in zip(rnd.sample(range(3), len(flags)), flags)]
    want = _reference_order(rows, keys)
    assert repr(sort_in_memory(list(rows), keys)) == repr(want)
    spill = _spill(tmp_path)
    sorter = ExternalSort(spill, keys, 4096)
    sorter.extend(rows)
    assert repr(list(sorter.sorted())) == repr(want)
    assert repr(list(top_sorted(spill, keys, n, rows))) == repr(want[:n])
    assert not os.listdir(tmp_path / TEMP_DIR) if (tmp_path / TEMP_DIR).exists() else True


def test_partition_buffers_hold_their_share(tmp_path: Path) -> None:
    """Rows waiting in the 16 partitions' buffers never hold more than buffer_reserve(limit) bytes
    of memory (their encoded blocks are several times smaller than that)."""
    limit = 1 << 20
    parts = Partitions(_spill(tmp_path), limit, 0)
    worst = 0
    for i in range(40_000):
        parts.add(i, (i, f"row {i} " + "x" * (i % 80), i * 0.5))
        if not i % 97:
            worst = max(worst, sum(row_bytes(r) + 8 for run in parts.runs for r in run.pending))
    parts.close()
    assert worst <= buffer_reserve(limit) * 1.2


def _traced_peak(work: Any) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        work()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_external_sort_peak_follows_work_mem(tmp_path: Path) -> None:
    """Rows held, the sort of a run and the merge's decoded blocks stay near work_mem: the
    rows themselves (their keys computed once) are not copied for the run, and the merge takes
    as many runs as their decoded blocks fit (measured with tracemalloc, not the RSS)."""
    limit = 256 * 1024
    rows = [(i * 7919 % 10007, f"text {i} " + "y" * (i % 40), i) for i in range(40_000)]
    keys = [(_key(0), False, False, None), (_key(2), True, True, None)]

    def work() -> None:
        sorter = ExternalSort(_spill(tmp_path, limit), keys, limit)
        for r in rows:
            sorter.add(r)
        for _ in sorter.sorted():
            pass

    assert _traced_peak(work) <= 2.5 * limit


@pytest.fixture
def con(tmp_path: Path) -> Any:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    yield c
    c.close()


def _temp_counters(cur: Any) -> tuple[int, int]:
    cur.execute("SELECT temp_files, temp_bytes FROM pg_stat_database WHERE datname = current_database()")
    return cur.fetchone()


def test_pg_stat_database_counts_temporary_files(con: Any) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE t (a int, b text)")
    cur.execute("INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 5000) g")
    assert _temp_counters(cur) == (0, 0)
    cur.execute("SELECT a FROM t ORDER BY b")
    cur.fetchall()
    assert _temp_counters(cur) == (0, 0)  # 4MB: in memory
    cur.execute("SET work_mem = '64kB'")
    cur.execute("SELECT a FROM t ORDER BY b")
    cur.fetchall()
    files, nbytes = _temp_counters(cur)
    assert files >= 1 and nbytes > 5000 * 4
    cur.execute("SELECT pg_stat_reset()")
    assert _temp_counters(cur) == (0, 0)


ints = st.one_of(st.none(), st.integers(-2**31, 2**31 - 1), st.integers(-5, 5))
table_rows = st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 400)), ints, ints,
                                st.one_of(st.none(), st.sampled_from(["a", "b", "é", ""]))),
                      min_size=1, max_size=1500)
BATCH_QUERIES = [
    ("SELECT g, count(*), sum(a), min(b), max(a), avg(b) FROM t GROUP BY g", False),
    ("SELECT g, s, count(*), sum(b) FROM t GROUP BY g, s", False),
    ("SELECT s, count(a) FROM t GROUP BY s", False),
    ("SELECT id, g, a FROM t ORDER BY g DESC NULLS LAST, a NULLS FIRST, id", True),
    ("SELECT g, a FROM t ORDER BY a", True),  # ties in scan order
    ("SELECT id, s FROM t ORDER BY s DESC, id LIMIT 300", True),
    ("SELECT DISTINCT g FROM t", False),
]


def _rows(cur: Any, sql: str, work_mem: str, mode: str) -> Any:
    cur.execute(f"SET work_mem = '{work_mem}'")
    cur.execute(f"SET orbitdb.batch_execution = {mode}")
    cur.execute(sql)
    return cur.fetchall()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=table_rows)
def test_batch_and_row_paths_agree_past_a_tiny_work_mem(con: Any, data: list[tuple[Any, ...]]) -> None:
    cur = con.cursor()
    cur.execute("DROP TABLE IF EXISTS t")
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, g int, a int4, b int8, s text)")
    cur.executemany("INSERT INTO t VALUES (%s, %s, %s, %s, %s)", [(i, *r) for i, r in enumerate(data)])
    for sql, ordered in BATCH_QUERIES:
        want = _rows(cur, sql, "1GB", "off")
        for mode in ("on", "off"):
            got = _rows(cur, sql, "64kB", mode)
            if ordered:
                assert repr(got) == repr(want), (sql, mode)
            else:
                assert sorted(map(repr, got)) == sorted(map(repr, want)), (sql, mode)
    folder = os.path.join(con.path, TEMP_DIR)
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def test_batch_group_by_past_hash_mem_spills(con: Any) -> None:
    """A GROUP BY that runs on batches while its groups fit goes row at a time past hash_mem,
    through partitions on disk (the counters move), with the same groups."""
    cur = con.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, g int, a int)")
    cur.execute("INSERT INTO t SELECT i, i % 20000, i FROM generate_series(1, 40000) i")
    want = sorted(_rows(cur, "SELECT g, count(*), sum(a) FROM t GROUP BY g", "1GB", "on"))
    before = _temp_counters(cur)
    got = sorted(_rows(cur, "SELECT g, count(*), sum(a) FROM t GROUP BY g", "64kB", "on"))
    after = _temp_counters(cur)
    assert got == want and len(got) == 20000
    assert after[0] > before[0] and after[1] > before[1]


def test_batch_groups_are_checked_against_hash_mem_at_every_new_group(tmp_path: Path) -> None:
    """The batch aggregate's arrays double as groups come; the hash_mem check holds for each new
    group, not only when the arrays grow (a doubling to 1024 once let groups 513..1024 in unseen):
    the groups past it, within a batch too, have their rows sent to the partitions."""
    from types import SimpleNamespace

    import numpy as np

    from orbitdb.sql.batch.aggregate import GROUP_BYTES, AggOp, _Run
    from orbitdb.sql.batch.scan import Batch

    ops = [AggOp("count", None), AggOp("sum_int8", 0)]
    per_group = GROUP_BYTES + 16 * len(ops)
    limit = 1000 * per_group
    spill = StatementSpill(str(tmp_path), "pgsql_tmp1", limit, limit, -1)
    plan = SimpleNamespace(ops=ops, keys=[0], key_types=[T.INT8.oid], spilled_columns=lambda: [0])
    run = _Run(plan, limit, spill, 0, lambda: None)  # type: ignore[arg-type]
    for lo in range(0, 3000, 700):  # new keys, a batch at a time
        keys = np.arange(lo, lo + 700, dtype=np.int64)
        run.add(Batch(700, {0: keys}, {0: np.zeros(700, np.bool_)}))
        assert len(run.group_keys) <= run.max_groups <= 1000
        assert run.cap <= run.max_groups  # arrays never sized past the budget
    assert run.parts is not None and run.parts.rows == 3500 - len(run.group_keys)
    assert sorted(r[0] for r in run.result()) == list(range(3500))
    assert spill.held == 0
