"""Edge values (NaN, the infinities, multi-dimensional paths, sizes past 2^64) that used to reach
the user as a Python exception (XX000): each gives PostgreSQL 15's answer or its error."""

from __future__ import annotations

from pathlib import Path

from differential import differences
from pg_reference import PgServer, reference_pg  # noqa: F401 - the fixture

STATEMENTS = [
    ("SELECT 'infinity'::numeric - 'infinity'::numeric, 'infinity'::numeric * 0, "
    "'-infinity'::numeric + 'infinity'::numeric, div('infinity'::numeric, '-infinity'::numeric)"),
    "SELECT 'infinity'::numeric % 2, 7::numeric % 'infinity'::numeric, 'nan'::numeric * 0",
    ("SELECT power(-1::numeric, 'infinity'::numeric), power(-2::numeric, 'infinity'::numeric), "
    "power(-0.5::numeric, '-infinity'::numeric), power('-infinity'::numeric, 3::numeric)"),
    "SELECT power(-1::numeric, 0.5)",
    "SELECT power(0::numeric, -1::numeric)",
    "SELECT ln(0::numeric)",
    "SELECT power(float8 '-1', float8 'inf'), power(float8 '-1', float8 '-inf'), power(float8 '-2', float8 'inf')",
    "SELECT sum(x), avg(x) FROM (VALUES ('infinity'::numeric), ('-infinity'::numeric)) v(x)",
    "SELECT '1e100'::jsonb, '[1e100, 1.50, -0]'::jsonb",
    ("SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN INTERVAL '1 day' PRECEDING AND INTERVAL '1 day' FOLLOWING) "
    "FROM (VALUES (date '2024-01-01'), (date '2024-01-02'), (date '2024-01-04')) v(d) ORDER BY d"),
    "SELECT jsonb_set('{}'::jsonb, '{{1,2},{3,4}}', '1')",
    "SELECT '{\"a\": 1}'::jsonb #- '{{1,2},{3,4}}'",
    "SELECT jsonb_insert('{}'::jsonb, '{{a}}', '1')",
    "SELECT '{\"a\": 1}'::jsonb #> '{{a}}', '{\"a\": 1}'::jsonb #>> '{{a}}'",
    "SELECT * FROM pg_options_to_table('{{a=1,b},{c=,d=2}}')",
    "SELECT pg_size_pretty('infinity'::numeric), pg_size_pretty('-infinity'::numeric), pg_size_pretty('nan'::numeric)",
    "SELECT pg_size_pretty(1e30::numeric), pg_size_pretty(-1e30::numeric), length(pg_size_pretty(1e131071::numeric))",
]


def test_edge_values_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "edge_values", STATEMENTS) == []
