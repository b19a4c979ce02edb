"""PostgreSQL 15's planner settings (enable_*, costs, geqo_*, ...): SET, SHOW, RESET, SET LOCAL,
pg_settings and their errors, against PostgreSQL 15. enable_hashjoin, enable_mergejoin,
enable_nestloop and enable_sort steer the join method as PostgreSQL's do (a disabled path costs
more, so a plan still exists when nothing else can do the join): the plan changes, the rows do
not. The others change no plan of orbitdb's."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from differential import differences
from pg_reference import PgServer, reference_pg  # noqa: F401 - the fixture

import orbitdb
from orbitdb.sql import settings as S

STATEMENTS = [
    "SET enable_sort = off", "SHOW enable_sort", "RESET enable_sort", "SHOW enable_sort",
    "SET enable_seqscan TO false", "SHOW enable_seqscan", "SET enable_hashagg = 0", "SHOW enable_hashagg",
    "SET enable_sort = maybe",
    "SET random_page_cost = 2.50", "SHOW random_page_cost", "SHOW cpu_tuple_cost", "SHOW cpu_operator_cost",
    "SET cpu_tuple_cost = 'abc'", "SET seq_page_cost = 1e400", "SET geqo_effort = 11",
    "SET cursor_tuple_fraction = 2", "SET recursive_worktable_factor = 0.0001", "SET geqo_threshold = 1",
    "SET join_collapse_limit = 1", "SHOW join_collapse_limit",
    "SET force_parallel_mode = regress", "SHOW force_parallel_mode", "SET plan_cache_mode = sometimes",
    "BEGIN", "SET LOCAL enable_mergejoin = off", "SHOW enable_mergejoin", "COMMIT", "SHOW enable_mergejoin",
    "SELECT current_setting('enable_memoize'), set_config('enable_nestloop', 'off', false)",
    ("SELECT name, setting FROM pg_settings WHERE name IN ('enable_sort', 'enable_memoize', 'seq_page_cost', "
    "'geqo_threshold', 'enable_partitionwise_join') ORDER BY name"),
    "RESET ALL", "SHOW join_collapse_limit", "SHOW enable_nestloop",
]


def test_planner_settings_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "planner_settings", STATEMENTS) == []


def test_every_enable_setting_of_postgres_15_is_known() -> None:
    names = {"enable_async_append", "enable_bitmapscan", "enable_gathermerge", "enable_hashagg",
             "enable_hashjoin", "enable_incremental_sort", "enable_indexonlyscan", "enable_indexscan",
             "enable_material", "enable_memoize", "enable_mergejoin", "enable_nestloop", "enable_parallel_append",
             "enable_parallel_hash", "enable_partition_pruning", "enable_partitionwise_aggregate",
             "enable_partitionwise_join", "enable_seqscan", "enable_sort", "enable_tidscan"}
    assert names <= set(S.DEFAULTS)


JOIN_SETUP = [
    "CREATE TABLE a (id int PRIMARY KEY, x int)",
    "CREATE TABLE b (id int PRIMARY KEY, y int)",
    "CREATE TABLE c (k int, v int)",
    "INSERT INTO a SELECT g, g % 10 FROM generate_series(1, 2000) g",
    "INSERT INTO b SELECT g * 2, g % 7 FROM generate_series(1, 2000) g",
    "INSERT INTO c SELECT g % 50, g FROM generate_series(1, 200) g",
    "ANALYZE",
]

# (query, settings, the join node EXPLAIN (COSTS OFF) shows first)
STEERED = [
    ("SELECT * FROM a JOIN b ON a.id = b.id", [], "Merge Join"),
    ("SELECT * FROM a JOIN b ON a.id = b.id", ["enable_mergejoin"], "Hash Join"),
    ("SELECT * FROM a JOIN b ON a.id = b.id", ["enable_mergejoin", "enable_hashjoin"], "Nested Loop"),
    ("SELECT * FROM a JOIN b ON a.id = b.id", ["enable_mergejoin", "enable_hashjoin", "enable_nestloop"],
     "Merge Join"),  # every method disabled: the cheapest still runs
    ("SELECT * FROM a LEFT JOIN c ON c.k = a.x", [], "Hash Left Join"),
    ("SELECT * FROM a LEFT JOIN c ON c.k = a.x", ["enable_hashjoin"], "Merge Left Join"),
    ("SELECT * FROM a LEFT JOIN c ON c.k = a.x", ["enable_hashjoin", "enable_sort"], "Nested Loop Left Join"),
    ("SELECT * FROM a FULL JOIN c ON c.k = a.id", ["enable_hashjoin"], "Merge Full Join"),
    ("SELECT a.id FROM a, b, c WHERE a.id = b.id AND c.k = b.y", [], "Hash Join"),
    ("SELECT a.id FROM a, b, c WHERE a.id = b.id AND c.k = b.y", ["enable_hashjoin"], "Merge Join"),
]


@pytest.fixture(scope="module")
def joins(tmp_path_factory: pytest.TempPathFactory) -> Any:
    conn = orbitdb.connect(str(tmp_path_factory.mktemp("steered") / "db"))
    conn.autocommit = True
    cur = conn.cursor()
    for st in JOIN_SETUP:
        cur.execute(st)
    yield cur
    conn.close()


@pytest.mark.parametrize(("query", "off", "node"), STEERED)
def test_join_settings_change_the_plan_not_the_rows(joins: Any, query: str, off: list[str], node: str) -> None:
    cur = joins
    cur.execute("RESET ALL")
    cur.execute(query)
    expected = Counter(cur.fetchall())
    for name in off:
        cur.execute(f"SET {name} = off")
    try:
        cur.execute("EXPLAIN (COSTS OFF) " + query)
        plan = [r[0].strip().removeprefix("->  ") for r in cur.fetchall()]
        assert next(ln for ln in plan if "Join" in ln or "Loop" in ln) == node, plan
        cur.execute(query)
        assert Counter(cur.fetchall()) == expected
    finally:
        cur.execute("RESET ALL")


def test_enable_nestloop_steers_the_index_nested_loop(joins: Any) -> None:
    cur = joins
    q = "SELECT count(*) FROM c, a, b WHERE c.v = a.id AND a.x = b.y AND c.k = 3"
    cur.execute(q)
    expected = cur.fetchall()
    plans = []
    for st in ("RESET ALL", "SET enable_nestloop = off"):
        cur.execute(st)
        cur.execute("EXPLAIN (COSTS OFF) " + q)
        plans.append("\n".join(r[0] for r in cur.fetchall()))
        cur.execute(q)
        assert cur.fetchall() == expected
    cur.execute("RESET ALL")
    assert "Nested Loop" in plans[0] and "Nested Loop" not in plans[1], plans
