"""ORDER BY of a select list over one table scan, sorted on numpy batches: the row path's order to
the row (NULLS FIRST / LAST, DESC, NaN, -0.0, text in Python's str order, ties in scan order),
in memory and through runs merged in one or several passes under a tiny work_mem; LIMIT; the
temporary files removed; EXPLAIN's note."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orbitdb
from orbitdb.sql.batch import sort as batch_sort
from orbitdb.sql.exec import plans
from orbitdb.sql.spill.files import TEMP_DIR

COLUMNS = ["id", "a", "b", "f", "s", "flag"]


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    con = orbitdb.connect(str(tmp_path_factory.mktemp("batchsort")))
    con.autocommit = True
    c = con.cursor()
    yield c
    con.close()


def _fill(c: Any, n: int, seed: int) -> None:
    rnd = random.Random(seed)
    few = rnd.random() < 0.5  # many ties

    def pick(choices: list[Any], wide: Any) -> Any:
        return rnd.choice(choices) if few or rnd.random() < 0.3 else wide()

    data = [(i, pick([None, 0, 1, -1, -2**31, 2**31 - 1], lambda: rnd.randint(-2**31, 2**31 - 1)),
             pick([None, -2**63, 2**63 - 1, 7], lambda: rnd.randint(-2**63, 2**63 - 1)),
             pick([None, float("nan"), float("inf"), -float("inf"), -0.0, 0.0, 1.5], lambda: rnd.uniform(-1e9, 1e9)),
             pick([None, "", "a", "B", "b", "é", "a b", "zz"], lambda: f"t{rnd.randrange(10**6)}"),
             rnd.choice([None, True, False])) for i in range(n)]
    c.execute("DROP TABLE IF EXISTS t")
    c.execute("CREATE TABLE t (id int PRIMARY KEY, a int4, b int8, f float8, s text, flag bool)")
    c.executemany("INSERT INTO t VALUES (%s, %s, %s, %s, %s, %s)", data)


def _run(c: Any, sql: str, mode: str) -> Any:
    c.execute(f"SET orbitdb.batch_execution = {mode}")
    c.execute(sql)
    return repr(c.fetchall())  # repr: NaN equals itself, -0.0 differs from 0.0


def _temp_files(c: Any) -> list[str]:
    folder = os.path.join(c.connection.path, TEMP_DIR)
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


@pytest.fixture
def no_row_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    """The row path's sorts refuse to run (a batch sort that gave up would call them)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("sorted row at a time")

    monkeypatch.setattr(plans, "ExternalSort", refuse)
    monkeypatch.setattr(plans, "top_sorted", refuse)


key = st.tuples(st.sampled_from(COLUMNS[1:]), st.sampled_from(["", " ASC", " DESC"]),
                st.sampled_from(["", " NULLS FIRST", " NULLS LAST"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.sampled_from([0, 1, 50, 3000, 9000]), seed=st.integers(0, 10**6), keys=st.lists(key, min_size=1, max_size=3),
       work_mem=st.sampled_from(["64kB", "4MB"]), fan_in=st.sampled_from([2, 32]),
       limit=st.sampled_from(["", " LIMIT 7", " LIMIT 2000 OFFSET 5"]))
def test_batch_sort_matches_rows(cur: Any, monkeypatch: pytest.MonkeyPatch, n: int, seed: int,
                                 keys: list[tuple[str, str, str]], work_mem: str, fan_in: int, limit: str) -> None:
    _fill(cur, n, seed)
    monkeypatch.setattr(batch_sort, "BLOCK_SHARE", fan_in)  # 2: several merge passes
    cur.execute(f"SET work_mem = '{work_mem}'")
    order = ", ".join("".join(k) for k in keys)
    sql = f"SELECT {', '.join(COLUMNS)} FROM t ORDER BY {order}{limit}"
    assert _run(cur, sql, "on") == _run(cur, sql, "off"), sql
    assert _temp_files(cur) == []


def test_runs_and_merge_passes_stay_on_batches(cur: Any, no_row_sort: None, monkeypatch: pytest.MonkeyPatch) -> None:
    cur.execute("DROP TABLE IF EXISTS u")
    cur.execute("CREATE TABLE u (id int PRIMARY KEY, k int, f float8, s text)")
    cur.execute("INSERT INTO u SELECT i, (i * 7919) % 1009, (i % 13) * 0.5, 'x' || (i % 17) "
                "FROM generate_series(1, 30000) i")
    monkeypatch.setattr(batch_sort, "BLOCK_SHARE", 2)  # merges of 2 runs: several passes
    cur.execute("SET work_mem = '64kB'")
    cur.execute("SET orbitdb.batch_execution = on")
    cur.execute("SELECT temp_files FROM pg_stat_database WHERE datname = current_database()")
    before = cur.fetchone()[0] or 0
    cur.execute("SELECT k, s, id FROM u ORDER BY k DESC, s")
    got = cur.fetchall()
    cur.execute("SELECT temp_files FROM pg_stat_database WHERE datname = current_database()")
    assert (cur.fetchone()[0] or 0) >= before + 2  # the runs' file and a merge pass's
    # the reference order: Python's stable sort of the scan order
    want = sorted(((i * 7919) % 1009, f"x{i % 17}", i) for i in range(1, 30001))
    want.sort(key=lambda r: r[1])
    want.sort(key=lambda r: r[0], reverse=True)
    assert got == want
    assert _temp_files(cur) == []
    cur.execute("SELECT id, f, k FROM u ORDER BY f DESC, k LIMIT 5")
    assert [r[0] for r in cur.fetchall()] == [r[2] for r in sorted(
        (-((i % 13) * 0.5), (i * 7919) % 1009, i) for i in range(1, 30001))][:5]


def test_error_and_early_stop_remove_the_files(cur: Any, no_row_sort: None) -> None:
    cur.execute("DROP TABLE IF EXISTS u")
    cur.execute("CREATE TABLE u (id int PRIMARY KEY, k int)")
    cur.execute("INSERT INTO u SELECT i, (i * 7919) % 1009 FROM generate_series(1, 30000) i")
    cur.execute("SET work_mem = '64kB'")
    cur.execute("SET orbitdb.batch_execution = on")
    cur.execute("SELECT k, id FROM u ORDER BY k")
    assert cur.fetchone() == (0, 1009)
    cur.execute("SELECT 1")  # the sort's rows left unread: its files go with the statement
    assert _temp_files(cur) == []
    with pytest.raises(orbitdb.DatabaseError) as err:
        cur.execute("SELECT 1 / (k - 500) FROM (SELECT k, id FROM u ORDER BY k) s")
        cur.fetchall()
    assert err.value.sqlstate == "22012"
    assert _temp_files(cur) == []


def test_explain_says_which_sorts_run_on_batches(cur: Any) -> None:
    cur.execute("DROP TABLE IF EXISTS u")
    cur.execute("CREATE TABLE u (id int PRIMARY KEY, k int, n numeric)")
    cur.execute("SET orbitdb.batch_execution = auto")

    def plan(sql: str) -> list[str]:
        cur.execute("EXPLAIN " + sql)
        return [r[0].strip() for r in cur.fetchall()]

    assert plan("SELECT id, k FROM u ORDER BY k DESC")[1] == "Batch: on"
    assert plan("SELECT id, n FROM u ORDER BY n")[1] == f"Batch: off (a sort key of type oid {1700})"
    assert "Batch: on" not in plan("SELECT k, count(*) FROM u GROUP BY k ORDER BY 2")[:2]
    cur.execute("INSERT INTO u VALUES (1, 2, 3)")
    analyzed = plan("ANALYZE SELECT id, k FROM u ORDER BY k")  # the scan is read by the sort's batches
    assert analyzed[1] == "Batch: on" and not any("never executed" in ln for ln in analyzed)
    cur.execute("EXPLAIN (COSTS OFF) SELECT id, k FROM u ORDER BY k")
    assert not any("Batch" in r[0] for r in cur.fetchall())  # PostgreSQL's output, as it is
