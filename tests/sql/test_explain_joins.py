"""EXPLAIN of hash joins in PostgreSQL 15's shape: `Hash Cond:` (and `Join Filter:`) before the
children, the inner child a `Hash` node, whose estimate is its child's total and whose
EXPLAIN ANALYZE line tells the batches and memory of the hash table. Where orbitdb and
PostgreSQL choose the same plan, EXPLAIN (COSTS OFF) prints the same lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pg_reference import reference_pg

import orbitdb

__all__ = ["reference_pg"]

SETUP = [
    "CREATE TABLE a (id int PRIMARY KEY, x int, s text)",
    "CREATE TABLE c (k int, v int)",
    "CREATE TABLE \"Odd\" (\"K\" int, v int)",
    "INSERT INTO a SELECT g, g % 10, 's' || g FROM generate_series(1, 1000) g",
    "INSERT INTO c SELECT g % 50, g FROM generate_series(1, 200) g",
    "INSERT INTO \"Odd\" SELECT g, g FROM generate_series(1, 20) g",
    "ANALYZE",
]

# plans PostgreSQL 15 chooses too (max_parallel_workers_per_gather = 0)
SAME_PLAN = [
    "SELECT * FROM a JOIN c ON c.k = a.x",
    "SELECT * FROM a LEFT JOIN c ON c.k = a.x",
    "SELECT * FROM a WHERE NOT EXISTS (SELECT 1 FROM c WHERE c.k = a.x)",
]
# the same plan, but orbitdb's scans do not quote their table's name yet: the conditions match
QUOTED = "SELECT * FROM a JOIN \"Odd\" o ON o.\"K\" = a.x"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    conn = orbitdb.connect(str(tmp_path_factory.mktemp("explain_joins") / "db"))
    conn.autocommit = True
    cur = conn.cursor()
    for st in SETUP:
        cur.execute(st)
    yield cur
    conn.close()


def _plan(cur: Any, sql: str) -> list[str]:
    cur.execute(sql)
    return [r[0] for r in cur.fetchall()]


def test_costs_off_matches_postgres(db: Any, reference_pg: Any) -> None:
    conn = reference_pg.connect(reference_pg.create_database("explain_joins"))
    conn.autocommit = True
    pg = conn.cursor()
    try:
        pg.execute("SET max_parallel_workers_per_gather = 0")
        for st in SETUP:
            pg.execute(st)
        for q in SAME_PLAN:
            sql = "EXPLAIN (COSTS OFF) " + q
            assert _plan(db, sql) == _plan(pg, sql), q
        # the join's estimate from the statistics of its key columns, the width of its columns
        estimate = re.compile(r"rows=\d+ width=\d+")
        sql = "EXPLAIN " + SAME_PLAN[0]
        assert [estimate.findall(_plan(cur, sql)[0]) for cur in (db, pg)] == [["rows=4000 width=20"]] * 2
        sql = "EXPLAIN (COSTS OFF) " + QUOTED
        conds = [[ln for ln in _plan(cur, sql) if "Cond:" in ln] for cur in (db, pg)]
        assert conds[0] == conds[1] == ['  Hash Cond: (a.x = o."K")'], conds
    finally:
        conn.close()


def test_hash_cond_and_join_filter_come_before_the_children(db: Any) -> None:
    plan = _plan(db, "EXPLAIN (COSTS OFF) SELECT * FROM a JOIN c ON c.k = a.x AND c.v > a.id AND c.v = a.id")
    assert plan[:3] == ["Hash Join", "  Hash Cond: ((a.x = c.k) AND (a.id = c.v))", "  Join Filter: (c.v > a.id)"]
    assert plan[3].startswith("  ->  ") and plan[4].strip() == "->  Hash", plan


def test_hash_node_costs_are_its_childs(db: Any) -> None:
    plan = _plan(db, "EXPLAIN SELECT * FROM a JOIN c ON c.k = a.x")
    cost = re.compile(r"\(cost=(\d+\.\d\d)\.\.(\d+\.\d\d) rows=(\d+) width=(\d+)\)")
    hash_line = next(ln for ln in plan if ln.strip().startswith("->  Hash "))
    scan_line = plan[plan.index(hash_line) + 1]
    h, s = cost.search(hash_line), cost.search(scan_line)
    assert h is not None and s is not None, plan
    assert h.group(1) == h.group(2) == s.group(2) and h.group(3) == s.group(3), plan


def test_analyze_tells_batches_and_memory(db: Any) -> None:
    plan = _plan(db, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT * FROM a JOIN c ON c.k = a.x")
    i = next(i for i, ln in enumerate(plan) if ln.strip().startswith("->  Hash (actual rows=200 loops=1)"))
    assert re.fullmatch(r" +Batches: 1  Memory Usage: \d+kB", plan[i + 1]), plan
    assert plan[i + 2].strip() == "->  Seq Scan on c (actual rows=200 loops=1)", plan


def test_analyze_counts_the_batches_of_a_spilled_table(db: Any) -> None:
    db.execute("SET work_mem = '64kB'")
    db.execute("SET hash_mem_multiplier = 1")
    try:
        plan = _plan(db, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT c.v, a.id FROM c JOIN a ON a.x = c.k")
    finally:
        db.execute("RESET work_mem")
        db.execute("RESET hash_mem_multiplier")
    line = next(ln for ln in plan if "Batches:" in ln)
    m = re.search(r"Batches: (\d+)  Memory Usage: (\d+)kB", line)
    assert m is not None and int(m.group(1)) > 1, plan


def test_semi_join_names_the_columns_by_relation(db: Any) -> None:
    plan = _plan(db, "EXPLAIN (COSTS OFF) SELECT * FROM a WHERE x IN (SELECT k FROM c)")
    assert plan[:2] == ["Hash Semi Join", "  Hash Cond: (a.x = c.k)"], plan
