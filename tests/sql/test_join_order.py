"""The cost-based join order (orbitdb/sql/plan/joinorder.py): select5-style joins of up to 8
tables give PostgreSQL 15's rows; every query gives the rows (and, with ORDER BY, the order) it
gives in the written order; EXPLAIN shows PostgreSQL's cost shape, COSTS OFF the plan alone."""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_reference import reference_pg

import orbitdb
from orbitdb.sql.plan import planner

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from select5_style import create_statements, queries

__all__ = ["reference_pg"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    conn = orbitdb.connect(str(tmp_path_factory.mktemp("joins") / "db"))
    conn.autocommit = True
    cur = conn.cursor()
    for st in create_statements(tables=12):
        cur.execute(st)
    yield cur
    conn.close()


def _rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


def _written_order(cur: Any, sql: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    with monkeypatch.context() as m:
        m.setattr(planner, "eligible_for_join_order", lambda *a: False)
        return _rows(cur, sql + " ")  # another text: not the plan cached for the reordered run


def test_eight_table_joins_match_postgres(db: Any, reference_pg: Any) -> None:
    """25 joins of 2 to 8 tables written in a bad order (these took seconds each before)."""
    conn = reference_pg.connect(reference_pg.create_database("joins"))
    conn.autocommit = True
    pg = conn.cursor()
    try:
        for st in create_statements(tables=12):
            pg.execute(st)
        for q in queries(25, seed=3, tables=12):
            assert Counter(_rows(db, q)) == Counter(_rows(pg, q)), q
            ordered = q + " ORDER BY 1, 2"
            assert _rows(db, ordered) == _rows(pg, ordered), ordered
    finally:
        conn.close()


CASES = [
    # * keeps the written column order, hidden columns and all
    "SELECT * FROM t3, t1, t2 WHERE a1 = b2 AND a2 = c3 ORDER BY a1",
    "SELECT t2.*, t1.x1 FROM t1 JOIN t2 ON t1.a1 = t2.b2 JOIN t3 ON t3.c3 = t2.a2 WHERE t3.d3 > 2 ORDER BY 1",
    # conditions of several kinds: inequalities, OR, a single table's, constants, NULL tests
    ("SELECT x1, x2, x3, x4 FROM t4, t2, t1, t3 WHERE a1 < b2 AND c2 = d3 AND (a4 = e3 OR a4 = 1) "
    "AND a1 IS NOT NULL AND 1 = 1 ORDER BY 1, 2, 3, 4"),
    # ON conditions and WHERE together, a cross join in the middle
    "SELECT x5, x6, x7 FROM t5 CROSS JOIN t6 JOIN t7 ON t7.a7 = t5.b5 WHERE t6.c6 = t7.d7 ORDER BY 1, 2, 3",
    # aggregates and grouping above the joins
    "SELECT b1, count(*), sum(a3) FROM t1, t2, t3 WHERE a1 = a2 AND b2 = b3 GROUP BY b1 ORDER BY b1",
    # a correlated subquery whose FROM list is reordered, reading the outer row
    "SELECT a4, (SELECT count(*) FROM t1, t2, t3 WHERE a1 = t4.b4 AND b2 = a1 AND c3 = a2) FROM t4 ORDER BY a4",
    # a subquery in WHERE stays above the joins
    "SELECT x1 FROM t1, t2, t3 WHERE a1 = b2 AND a2 = b3 AND a3 IN (SELECT e8 FROM t8 WHERE a8 < 5) ORDER BY 1",
    # ctid and tableoid of reordered relations
    "SELECT t2.ctid, t1.tableoid = 't1'::regclass FROM t1, t2, t3 WHERE a1 = b2 AND c2 = a3 ORDER BY 1",
    # the same table twice under aliases, and LIMIT
    "SELECT p.x1, q.x1 FROM t1 p, t2, t1 q WHERE p.a1 = t2.b2 AND q.a1 = t2.c2 ORDER BY 1 LIMIT 4",
    # more than MAX_DP relations: the greedy order
    ("SELECT x1, x12 FROM t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12 WHERE a1 = b12 AND a2 = b1 "
    "AND a3 = b2 AND a4 = b3 AND a5 = b4 AND a6 = b5 AND a7 = b6 AND a8 = b7 AND a9 = b8 AND a10 = b9 "
    "AND a11 = b10 AND a12 = b11 ORDER BY 1"),
    # no condition at all between two of them: a cross product is the only way
    "SELECT count(*) FROM t1, t2, t3 WHERE a1 = b2",
    # outer joins keep their order (not reordered)
    "SELECT x1, x2, x3 FROM t1 LEFT JOIN t2 ON a1 = b2 AND b2 < 4 JOIN t3 ON a3 = c1 ORDER BY 1, 2, 3",
]


@pytest.mark.parametrize("sql", CASES)
def test_same_rows_as_written_order(db: Any, sql: str, monkeypatch: pytest.MonkeyPatch) -> None:
    got = _rows(db, sql)
    want = _written_order(db, sql, monkeypatch)
    assert got
    if "ORDER BY" in sql:
        assert got == want
    else:
        assert Counter(got) == Counter(want)


def test_errors_are_postgres_ones(db: Any) -> None:
    with pytest.raises(orbitdb.Error) as e:
        db.execute("SELECT a1 FROM t1, t2, t1 WHERE a1 = b2")
    assert getattr(e.value, "sqlstate", None) == "42712"
    with pytest.raises(orbitdb.Error) as e:
        db.execute("SELECT 1 FROM t1, t2, t3 WHERE a1 = nope")
    assert getattr(e.value, "sqlstate", None) == "42703"


def test_explain_costs_shape(db: Any) -> None:
    db.execute("ANALYZE")
    sql = "SELECT x1, x2, x3 FROM t3, t1, t2 WHERE a1 = b2 AND a2 = c3 AND d1 < 5"
    plan = [r[0] for r in _rows(db, "EXPLAIN " + sql)]
    shape = re.compile(r"\(cost=\d+\.\d\d\.\.\d+\.\d\d rows=\d+ width=\d+\)$")
    nodes = [ln for ln in plan if "Join" in ln or "Scan" in ln]
    assert len(nodes) == 5 and all(shape.search(ln) for ln in nodes), plan
    assert plan[0].startswith("Hash Join  (cost=")
    bare = [r[0] for r in _rows(db, "EXPLAIN (COSTS OFF) " + sql)]
    assert [re.sub(r"  \(cost=.*\)$", "", ln) for ln in plan] == bare
    assert not any("cost=" in ln for ln in bare)
    analyzed = [r[0] for r in _rows(db, "EXPLAIN ANALYZE " + sql)]
    actual = re.compile(r"\(cost=[^)]*\) \(actual time=\d+\.\d{3}\.\.\d+\.\d{3} rows=(\d+) loops=(\d+)\)$")
    top = actual.search(analyzed[0])
    assert top is not None and int(top.group(1)) == len(_rows(db, sql)) and top.group(2) == "1"
    assert analyzed[-1].startswith("Execution Time: ")


def test_estimates_follow_statistics(db: Any) -> None:
    """After ANALYZE a 10-row table's equality on a unique column estimates 1 row, a range 1/3 of them."""
    db.execute("ANALYZE t1")
    one = _rows(db, "EXPLAIN SELECT * FROM t1 WHERE b1 = 3")[0][0]
    assert "rows=1 " in one
    everything = _rows(db, "EXPLAIN SELECT * FROM t1")[0][0]
    assert "rows=10 " in everything


def test_random_shapes_match_written_order(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    for q in queries(15, seed=rng.randint(0, 1000), smallest=3, largest=6, tables=12):
        assert Counter(_rows(db, q)) == Counter(_written_order(db, q, monkeypatch)), q


def test_index_nested_loop(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """One order's customer and items: probed through the primary key and an index per outer row,
    not hashed whole; the same rows as the written order, NULL keys matching nothing."""
    for st in ("CREATE TABLE cust (id int PRIMARY KEY, name text)",
               "CREATE TABLE orders (id int PRIMARY KEY, cid int, total int)",
               "CREATE TABLE items (oid int, n int, price int)",
               "CREATE INDEX items_oid ON items (oid)",
               "INSERT INTO cust SELECT i, 'c' || i FROM generate_series(1, 2000) i",
               ("INSERT INTO orders SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE i % 2000 + 1 END, i % 100 "
               "FROM generate_series(1, 5000) i"),
               "INSERT INTO items SELECT i % 5000 + 1, i, i % 7 FROM generate_series(1, 10000) i",
               "ANALYZE cust, orders, items"):
        db.execute(st)
    q = ("SELECT c.name, o.total, i.n, i.price FROM items i, cust c, orders o "
         "WHERE o.id BETWEEN 775 AND 785 AND c.id = o.cid AND i.oid = o.id ORDER BY i.n")
    plan = "\n".join(r[0] for r in _rows(db, "EXPLAIN (COSTS OFF) " + q))
    assert "Nested Loop" in plan and "Index Scan using cust_pkey on cust c" in plan, plan
    assert "Index Scan using items_oid on items i" in plan, plan
    got = _rows(db, q)
    assert len(got) == 20 and got == _written_order(db, q, monkeypatch)
