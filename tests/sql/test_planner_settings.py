"""PostgreSQL 15's planner settings (enable_*, costs, geqo_*, ...): SET, SHOW, RESET, SET LOCAL,
pg_settings and their errors, against PostgreSQL 15. They change no plan of orbitdb's."""

from __future__ import annotations

from pathlib import Path

from differential import differences
from pg_reference import PgServer, reference_pg  # noqa: F401 - the fixture

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
