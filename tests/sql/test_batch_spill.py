"""A batch GROUP BY past hash_mem spills its rows to partitions on disk and stays on batches: the
same groups and values as the row path (NULL groups, exact integer sums, float sums in scan
order, 22003), its temporary files counted in pg_stat_database and removed, also when the
statement stops half way."""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orbitdb
from orbitdb.sql.batch import aggregate as batch_aggregate
from orbitdb.sql.expr.aggregates import AggCollector
from orbitdb.sql.spill.files import TEMP_DIR

QUERIES = [
    "SELECT g, count(*), count(a), sum(a), sum(b), avg(a), min(b), max(a), sum(f), avg(f) FROM t GROUP BY g",
    "SELECT s, count(*), sum(b), avg(b) FROM t GROUP BY s",
    "SELECT g, s, count(*), sum(a), sum(f) FROM t GROUP BY g, s",
    "SELECT flag, g, count(b), max(b) FROM t GROUP BY flag, g",
    "SELECT b, count(*) FROM t WHERE a > -100 GROUP BY b",
    # expression keys, computed on the batches (integer division truncates, % takes the dividend's
    # sign; 22003, 22012)
    "SELECT a / 3, count(*), sum(b) FROM t GROUP BY 1",
    "SELECT b / -2, g / 2 + 1, count(*), min(a) FROM t GROUP BY 1, 2",
    "SELECT a / -1, count(*) FROM t GROUP BY 1",
    "SELECT g / 0, count(*) FROM t GROUP BY 1",
    "SELECT id / 2, g - 1, a * 2, count(*) FROM t GROUP BY id / 2, g - 1, a * 2",
    "SELECT a % 7, b % -3, b % -1, count(*), sum(f) FROM t GROUP BY 1, 2, 3",
    "SELECT id % 0, count(*) FROM t GROUP BY 1",
]


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    con = orbitdb.connect(str(tmp_path_factory.mktemp("batchspill")))
    con.autocommit = True
    c = con.cursor()
    yield c
    con.close()


def _fill(c: Any, n: int, groups: int, seed: int, extremes: bool) -> None:
    rnd = random.Random(seed)

    def maybe(v: Any) -> Any:
        return None if rnd.random() < 0.05 else v

    big = [2**62, -2**62, 2**63 - 1, -2**63] if extremes else [5]
    floats = [1e16, -1e16, 0.1, -0.0, 1e308] if extremes else [0.5, -0.25]
    data = [(i, maybe(rnd.randrange(groups)), maybe(rnd.randint(-2**31, 2**31 - 1)),
             maybe(rnd.choice(big) if rnd.random() < 0.3 else rnd.randrange(-groups, groups)),
             maybe(rnd.choice(floats) if rnd.random() < 0.3 else rnd.uniform(-1e6, 1e6)),
             maybe(f"k{rnd.randrange(groups)}"), maybe(rnd.random() < 0.5)) for i in range(n)]
    c.execute("DROP TABLE IF EXISTS t")
    c.execute("CREATE TABLE t (id int PRIMARY KEY, g int, a int4, b int8, f float8, s text, flag bool)")
    c.executemany("INSERT INTO t VALUES (%s, %s, %s, %s, %s, %s, %s)", data)


def _run(c: Any, sql: str, mode: str) -> tuple[str, Any]:
    c.execute(f"SET orbitdb.batch_execution = {mode}")
    try:
        c.execute(sql)
        return "ok", sorted(repr(r) for r in c.fetchall())  # repr: -0.0 is not 0.0
    except orbitdb.Error as e:
        return "error", getattr(e, "sqlstate", None)


def _temp_files(c: Any) -> list[str]:
    folder = os.path.join(c.connection.path, TEMP_DIR)
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def _temp_stats(c: Any) -> tuple[int, int]:
    c.execute("SELECT temp_files, temp_bytes FROM pg_stat_database WHERE datname = current_database()")
    files, nbytes = c.fetchone()
    return files or 0, nbytes or 0


@pytest.fixture
def no_row_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The row path's aggregation refuses to run (a batch run that gave up would call it)."""
    real = AggCollector.run
    allowed = threading.local()

    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not getattr(allowed, "on", False):
            raise AssertionError("the GROUP BY ran row at a time")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(AggCollector, "run", guarded)
    yield
    allowed.on = True


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.sampled_from([300, 2500]), groups=st.sampled_from([3, 400, 3000]), seed=st.integers(0, 10**6),
       extremes=st.booleans(), work_mem=st.sampled_from(["64kB", "4MB"]))
def test_spilled_groups_match_rows(cur: Any, n: int, groups: int, seed: int, extremes: bool, work_mem: str) -> None:
    _fill(cur, n, groups, seed, extremes)
    cur.execute(f"SET work_mem = '{work_mem}'")
    cur.execute("SET hash_mem_multiplier = 1")
    for sql in QUERIES:
        assert _run(cur, sql, "on") == _run(cur, sql, "off"), sql
    assert _temp_files(cur) == []


def test_past_hash_mem_stays_on_batches(cur: Any, no_row_path: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """20,011 groups under a 64 kB budget: partitions, split again (their groups do not fit
    either), aggregated on batches; the files counted and removed."""
    cur.execute("DROP TABLE IF EXISTS u")
    cur.execute("CREATE TABLE u (id int PRIMARY KEY, k int, v int8)")
    cur.execute("INSERT INTO u SELECT i, (i * 7919) % 20011, i FROM generate_series(1, 40000) i")
    made: list[int] = []
    real = batch_aggregate.BatchPartitions

    def counted(*args: Any) -> Any:
        made.append(args[2])  # the split depth
        return real(*args)

    monkeypatch.setattr(batch_aggregate, "BatchPartitions", counted)
    cur.execute("SET work_mem = '64kB'")
    cur.execute("SET hash_mem_multiplier = 1")
    cur.execute("SET orbitdb.batch_execution = on")
    before = _temp_stats(cur)
    cur.execute("SELECT k, count(*), sum(v), min(id) FROM u GROUP BY k")
    got = cur.fetchall()
    after = _temp_stats(cur)
    assert len(got) == 20011 and sum(r[1] for r in got) == 40000
    assert sum(r[2] for r in got) == sum(range(1, 40001))
    assert 0 in made and 1 in made  # split once more at least
    assert after[0] - before[0] == len(made) and after[1] > before[1]
    assert _temp_files(cur) == []


def test_expression_keys_stay_on_batches(cur: Any, no_row_path: None) -> None:
    """GROUP BY k / 2 (one group per two rows) past hash_mem: on batches, spilled."""
    cur.execute("DROP TABLE IF EXISTS u")
    cur.execute("CREATE TABLE u (id int PRIMARY KEY, k int8, v int)")
    cur.execute("INSERT INTO u SELECT i, i - 20000, i % 7 FROM generate_series(1, 40000) i")
    cur.execute("SET work_mem = '64kB'")
    cur.execute("SET orbitdb.batch_execution = on")
    cur.execute("SELECT k / 2 AS g, count(*), sum(v) FROM u GROUP BY k / 2")
    got = {r[0]: (r[1], r[2]) for r in cur.fetchall()}
    want: dict[int, tuple[int, int]] = {}
    for i in range(1, 40001):
        k = i - 20000
        g = abs(k) // 2 * (1 if k >= 0 else -1)  # truncated toward zero, as PostgreSQL divides
        n, s = want.get(g, (0, 0))
        want[g] = (n + 1, s + i % 7)
    assert got == want
    assert _temp_files(cur) == []


def test_temp_files_removed_when_stopped_half_way(cur: Any, no_row_path: None) -> None:
    cur.execute("DROP TABLE IF EXISTS u")
    cur.execute("CREATE TABLE u (id int PRIMARY KEY, k int, f float8)")
    cur.execute("INSERT INTO u SELECT i, i % 5000, CASE WHEN i = 39999 THEN 1e308 ELSE 1 END "
                "FROM generate_series(1, 40000) i")
    cur.execute("INSERT INTO u VALUES (40001, 39999 % 5000, 1e308)")
    cur.execute("SET work_mem = '64kB'")
    cur.execute("SET hash_mem_multiplier = 1")
    cur.execute("SET orbitdb.batch_execution = on")
    # an error in a spilled partition's group (float overflow, found once the partition is read)
    with pytest.raises(orbitdb.DatabaseError) as err:
        cur.execute("SELECT k, sum(f) FROM u GROUP BY k")
        cur.fetchall()
    assert err.value.sqlstate == "22003"
    assert _temp_files(cur) == []
    # a LIMIT that stops reading the groups before the partitions are done
    cur.execute("SELECT * FROM (SELECT k, count(*) FROM u GROUP BY k) s LIMIT 3")
    assert len(cur.fetchall()) == 3
    assert _temp_files(cur) == []


def test_temp_files_removed_after_a_cancel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cancel while the scan's rows are going to the partitions."""
    con = orbitdb.connect(str(tmp_path / "db"))
    con.autocommit = True
    c = con.cursor()
    c.execute("CREATE TABLE u (id int PRIMARY KEY, k int)")
    c.execute("INSERT INTO u SELECT i, i FROM generate_series(1, 100000) i")
    c.execute("SET work_mem = '64kB'")
    real = batch_aggregate.BatchPartitions.add
    seen: list[list[str]] = []

    def add_then_cancel(self: Any, batch: Any) -> None:
        real(self, batch)
        seen.append(_temp_files(c))
        con._session.cancel()

    monkeypatch.setattr(batch_aggregate.BatchPartitions, "add", add_then_cancel)
    with pytest.raises(orbitdb.DatabaseError) as err:
        c.execute("SELECT k, count(*) FROM u GROUP BY k")
        c.fetchall()
    assert err.value.sqlstate == "57014"
    assert seen and seen[0]  # a file existed while it ran
    assert _temp_files(c) == []
    con.close()
