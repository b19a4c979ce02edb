"""Merge joins (orbitdb/sql/exec/mergejoin.py, chosen in orbitdb/sql/plan/joinmethod.py) give
exactly the rows of hash joins and nested loops: random tables with NULL and duplicate keys on
both sides, inner and outer kinds, extra conditions, text keys merged in the order their primary
key keeps them, mixed integer widths, several keys; the method forced with the enable_* settings
as PostgreSQL's are. EXPLAIN shows PostgreSQL's shape."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orbitdb
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec import mergejoin
from orbitdb.sql.exec.mergejoin import MergeJoin
from orbitdb.sql.exec.plans import Plan

SETUP = [
    "CREATE TABLE l (id int PRIMARY KEY, k int, k8 bigint, s text, v int, d numeric, f float8)",
    "CREATE TABLE r (id int PRIMARY KEY, k int, s text, v int, d numeric, f float8)",
    "CREATE TABLE lt (s text PRIMARY KEY, k int)",
    "CREATE TABLE rt (s text PRIMARY KEY, k int)",
    "CREATE TABLE l2 (a int, b int, v int, PRIMARY KEY (a, b))",
    "CREATE TABLE r2 (a int, b int, w int, PRIMARY KEY (a, b))",
]

QUERIES = [
    "SELECT * FROM l JOIN r ON l.k = r.k",
    "SELECT * FROM l LEFT JOIN r ON l.k = r.k",
    "SELECT * FROM l RIGHT JOIN r ON l.k = r.k",
    "SELECT * FROM l FULL JOIN r ON l.k = r.k",
    "SELECT * FROM l JOIN r ON l.id = r.id",
    "SELECT * FROM l FULL JOIN r ON l.id = r.id",
    "SELECT * FROM l JOIN r ON r.k = l.id",
    "SELECT * FROM l LEFT JOIN r ON l.k = r.k AND r.v > l.v",
    "SELECT * FROM l FULL JOIN r ON l.k = r.k AND l.v < r.v",
    "SELECT * FROM l RIGHT JOIN r ON l.k = r.k AND l.v <> r.v",
    "SELECT * FROM l JOIN r ON l.k8 = r.k",
    "SELECT * FROM l JOIN r ON l.s = r.s",
    "SELECT * FROM l FULL JOIN r ON l.s = r.s",
    "SELECT * FROM lt JOIN rt ON lt.s = rt.s",
    "SELECT * FROM lt FULL JOIN rt ON rt.s = lt.s",
    "SELECT * FROM l JOIN r ON l.k = r.k AND l.s = r.s",
    "SELECT * FROM l2 JOIN r2 ON l2.b = r2.b AND l2.a = r2.a",
    "SELECT * FROM l2 LEFT JOIN r2 ON l2.a = r2.a AND l2.b = r2.w",
    "SELECT * FROM l JOIN r USING (k)",
    "SELECT * FROM l FULL JOIN r USING (k)",
    "SELECT l.id, r.id, lt.s FROM l, r, lt WHERE l.id = r.id AND lt.k = l.k",
]

# keys without a hash key (compared by their sort key: NaN = NaN, -0 = 0, 1.50 = 1.5): merge or loop
SORT_KEYED = [
    "SELECT * FROM l JOIN r ON l.d = r.d",
    "SELECT * FROM l FULL JOIN r ON l.d = r.d",
    "SELECT * FROM l LEFT JOIN r ON l.f = r.f AND l.v <> r.v",
    "SELECT * FROM l RIGHT JOIN r ON l.k = r.f",
    "SELECT * FROM l JOIN r ON l.id = r.d",
    "SELECT * FROM l JOIN r ON l.k8 = r.d AND l.f = r.f",
    "SELECT * FROM l, r WHERE l.d = r.d AND l.v < r.v",
]

# each method forced: the others disabled (PostgreSQL's disable_cost, so each still exists)
MODES = {
    "Merge": ["SET enable_hashjoin = off", "SET enable_mergejoin = on", "SET enable_nestloop = off"],
    "Hash": ["SET enable_hashjoin = on", "SET enable_mergejoin = off", "SET enable_nestloop = off"],
    "Nested Loop": ["SET enable_hashjoin = off", "SET enable_mergejoin = off", "SET enable_nestloop = on"],
}

keys = st.one_of(st.none(), st.integers(0, 5))
texts = st.one_of(st.none(), st.sampled_from(["", "a", "B", "b", "é", "zz", "z\u00e9", "\U0001f600", "\uffff", "A "]))
decimals = st.one_of(st.none(), st.sampled_from(["NaN", "0", "-0.0", "1.5", "1.50", "2", "3.000", "-1"]))
floats = st.one_of(st.none(), st.sampled_from([float("nan"), 0.0, -0.0, 1.5, 2.0, float("inf"), -1.0]))
side = st.lists(st.tuples(keys, st.one_of(st.none(), st.integers(-3, 3)), texts, st.integers(0, 4), decimals,
                          floats), max_size=25)
pairs = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.one_of(st.none(), st.integers(0, 3))),
                 max_size=12, unique_by=lambda t: (t[0], t[1]))


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    conn = orbitdb.connect(str(tmp_path_factory.mktemp("merge_join") / "db"))
    conn.autocommit = True
    c = conn.cursor()
    for st_ in SETUP:
        c.execute(st_)
    yield c
    conn.close()


def _load(cur: Any, left: list[tuple[Any, ...]], right: list[tuple[Any, ...]], lp: list[Any], rp: list[Any]) -> None:
    for t in ("l", "r", "lt", "rt", "l2", "r2"):
        cur.execute(f"DELETE FROM {t}")
    # ids overlap in part (every 2nd against every 3rd), so primary-key joins have misses on both sides
    cur.executemany("INSERT INTO l VALUES (%s, %s, %s, %s, %s, %s::numeric, %s)",
                    [(i * 2, k, None if k is None else k - 2, s, v, d, f) for i, (k, _, s, v, d, f) in enumerate(left)])
    cur.executemany("INSERT INTO r VALUES (%s, %s, %s, %s, %s::numeric, %s)",
                    [(i * 3, k, s, v, d, f) for i, (_, k, s, v, d, f) in enumerate(right)])
    cur.executemany("INSERT INTO lt VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    [(r[2], r[0]) for r in left if r[2] is not None])
    cur.executemany("INSERT INTO rt VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    [(r[2], r[1]) for r in right if r[2] is not None])
    cur.executemany("INSERT INTO l2 VALUES (%s, %s, %s)", lp)
    cur.executemany("INSERT INTO r2 VALUES (%s, %s, %s)", rp)


def _plan(cur: Any, sql: str) -> str:
    cur.execute("EXPLAIN (COSTS OFF) " + sql)
    return "\n".join(r[0] for r in cur.fetchall())


def _rows(cur: Any, mode: str, sql: str) -> Counter[str]:
    for s in MODES[mode]:
        cur.execute(s)
    assert mode in _plan(cur, sql), (mode, sql, _plan(cur, sql))
    cur.execute(sql)
    return Counter(repr(tuple(r)) for r in cur.fetchall())  # repr: NaN equal to NaN


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(left=side, right=side, lp=pairs, rp=pairs)
def test_merge_join_rows_equal_hash_join_and_nested_loop(cur: Any, left: list[tuple[Any, ...]],
                                                         right: list[tuple[Any, ...]], lp: list[Any],
                                                         rp: list[Any]) -> None:
    _load(cur, left, right, lp, rp)
    try:
        for q in QUERIES:
            merged = _rows(cur, "Merge", q)
            assert merged == _rows(cur, "Hash", q), q
            assert merged == _rows(cur, "Nested Loop", q), q
        for q in SORT_KEYED:
            assert _rows(cur, "Merge", q) == _rows(cur, "Nested Loop", q), q
    finally:
        cur.execute("RESET ALL")


def test_explain_shape(cur: Any) -> None:
    _load(cur, [(1, 1, "a", 1, "1", 1.0), (2, 2, "b", 2, "2", 2.0)], [(1, 1, "a", 1, "1", 1.0)], [(1, 1, 1)],
          [(1, 1, 1)])
    cur.execute("SET enable_hashjoin = off")
    try:
        assert _plan(cur, "SELECT * FROM l JOIN r ON l.id = r.id").splitlines() == [
            "Merge Join", "  Merge Cond: (l.id = r.id)",
            "  ->  Index Scan using l_pkey on l", "  ->  Index Scan using r_pkey on r"]
        assert _plan(cur, "SELECT * FROM l LEFT JOIN r ON r.k = l.k AND r.v > l.v").splitlines() == [
            "Merge Left Join", "  Merge Cond: (l.k = r.k)", "  Join Filter: (r.v > l.v)",
            "  ->  Sort", "        Sort Key: l.k", "        ->  Seq Scan on l",
            "  ->  Sort", "        Sort Key: r.k", "        ->  Seq Scan on r"]
        # the keys merged in the order of the primary key that orders both sides
        plan = _plan(cur, "SELECT * FROM l2 JOIN r2 ON l2.b = r2.b AND l2.a = r2.a").splitlines()
        assert plan[:2] == ["Merge Join", "  Merge Cond: ((l2.a = r2.a) AND (l2.b = r2.b))"], plan
        cur.execute("EXPLAIN ANALYZE SELECT * FROM l FULL JOIN r ON l.id = r.id")
        lines = [r[0] for r in cur.fetchall()]
        assert lines[0].startswith("Merge Full Join") and "actual time=" in lines[0] and "rows=2 loops=1" in lines[0]
    finally:
        cur.execute("RESET ALL")


def test_long_runs_of_equal_keys(cur: Any) -> None:
    """A run of equal inner keys longer than the list kept in memory goes to a tuple store."""
    n = mergejoin.RUN_IN_LIST + 50
    cur.execute("DELETE FROM l")
    cur.execute("DELETE FROM r")
    cur.execute(f"INSERT INTO r SELECT g, 7, 'x', g, 1, 1 FROM generate_series(1, {n}) g")
    cur.execute("INSERT INTO l VALUES (1, 7, 7, 'a', 1, 1, 1), (2, 7, 7, 'b', 2, 2, 2), (3, 8, 8, 'c', 3, 3, 3)")
    cur.execute("SET work_mem = '64kB'")
    cur.execute("SET enable_hashjoin = off")
    try:
        q = "SELECT count(*), sum(r.v), count(l.id) FROM l FULL JOIN r ON l.k = r.k AND r.v % 3 <> l.id"
        assert "Merge Full Join" in _plan(cur, q)
        cur.execute(q)
        merged = cur.fetchall()
        cur.execute("SET enable_mergejoin = off")
        cur.execute("SET enable_hashjoin = on")
        cur.execute(q)
        assert cur.fetchall() == merged
    finally:
        cur.execute("RESET ALL")


class _Rows(Plan):
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.columns = []
        self.data = rows

    def rows(self, ctx: Any) -> Iterator[tuple[Any, ...]]:
        return iter(self.data)


class _Ctx:
    spill = None

    def check(self) -> None:
        pass


def test_input_out_of_order_is_an_error_not_lost_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mergejoin, "statement_spill", lambda ctx: None)
    key = [lambda r: r[0]]
    join = MergeJoin(_Rows([(1,), (3,)]), _Rows([(2,), (1,), (3,)]), "inner", None, 0, (key, key), [None], 1, 1,
                     [], [])
    with pytest.raises(SqlError) as err:
        list(join.rows(_Ctx()))  # type: ignore[arg-type]
    assert err.value.sqlstate == "XX000"


def test_plan_cache_follows_the_settings(tmp_path: Path) -> None:
    conn = orbitdb.connect(str(tmp_path / "db"))
    conn.autocommit = True
    c = conn.cursor()
    c.execute("CREATE TABLE a (id int PRIMARY KEY)")
    c.execute("CREATE TABLE b (id int PRIMARY KEY)")
    q = "EXPLAIN (COSTS OFF) SELECT * FROM a JOIN b ON a.id = b.id"
    seen = []
    for setting in ("RESET ALL", "SET enable_mergejoin = off", "RESET enable_mergejoin"):
        c.execute(setting)
        c.execute(q)
        seen.append(c.fetchall()[0][0])
    conn.close()
    assert seen == ["Merge Join", "Hash Join", "Merge Join"]


def test_order_by_the_merge_keys_needs_no_sort(cur: Any) -> None:
    _load(cur, [(k, None, None, 0, None, None) for k in (3, None, 1, 3, None, 2)],
          [(None, k, None, 0, None, None) for k in (3, 1, None, 1)], [], [])
    try:
        q = "SELECT l.id, r.id FROM l JOIN r ON l.id = r.id ORDER BY l.id LIMIT 2"
        assert "Sort" not in _plan(cur, q)
        cur.execute(q)
        assert cur.fetchall() == [(0, 0), (6, 6)]
        cur.execute("SET enable_hashjoin = off")
        # a left merge join on sorted inputs: the outer side's NULL keys come last, as ORDER BY's
        q = "SELECT l.k, r.k FROM l LEFT JOIN r ON l.k = r.k ORDER BY l.k"
        plan = _plan(cur, q)
        assert plan.startswith("Merge Left Join"), plan
        cur.execute(q)
        assert cur.fetchall() == [(1, 1), (1, 1), (2, None), (3, 3), (3, 3), (None, None), (None, None)]
        assert _plan(cur, q + " DESC").startswith("Sort")
    finally:
        cur.execute("RESET ALL")

