"""A plain pg_dump of a real PostgreSQL 15 database with partitioned tables (RANGE, LIST, DEFAULT,
sub-partitions, partitioned indexes) and inheritance loads into `orbitdb serve` with
`psql -v ON_ERROR_STOP=1`; afterwards the same statements give the same answers on both, and psql's
\\d+ describes the partitioned table as PostgreSQL does."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_answers import answers, reference_database, run_tool
from reference_pg import reference_postgres
from wire_support import BINDIR

SCHEMA = r"""
CREATE TABLE readings (id int, taken date, v text, PRIMARY KEY (id, taken)) PARTITION BY RANGE (taken);
CREATE TABLE readings_2023 PARTITION OF readings FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE readings_rest PARTITION OF readings DEFAULT;
CREATE INDEX ON readings (v);
INSERT INTO readings VALUES (1, '2023-05-01', 'a'), (2, '2024-05-01', 'b'), (3, '2031-01-01', 'c');
CREATE TABLE sales (id int, region text, status text) PARTITION BY LIST (region);
CREATE TABLE sales_north PARTITION OF sales FOR VALUES IN ('north') PARTITION BY LIST (status);
CREATE TABLE sales_north_open PARTITION OF sales_north FOR VALUES IN ('open');
CREATE TABLE sales_north_rest PARTITION OF sales_north DEFAULT;
CREATE TABLE sales_south PARTITION OF sales FOR VALUES IN ('south', NULL);
INSERT INTO sales VALUES (1, 'north', 'open'), (2, 'north', 'shut'), (3, NULL, 'open');
CREATE TABLE animals (id int, name text);
CREATE TABLE dogs (tricks int) INHERITS (animals);
INSERT INTO animals VALUES (1, 'cat');
INSERT INTO dogs VALUES (2, 'rex', 3);
"""

CHECKS = [
    "SELECT tableoid::regclass::text, * FROM readings ORDER BY id",
    "SELECT tableoid::regclass::text, * FROM sales ORDER BY id",
    "SELECT tableoid::regclass::text, * FROM animals ORDER BY id",
    "INSERT INTO readings VALUES (4, '2024-09-09', 'd')",
    "INSERT INTO readings VALUES (1, '2023-05-01', 'dup')",
    "INSERT INTO readings_2023 VALUES (5, '2024-01-01', 'x')",
    "UPDATE readings SET taken = '2023-02-02' WHERE id = 2",
    "INSERT INTO sales VALUES (4, 'west', 'open')",
    "UPDATE sales SET status = 'open' WHERE id = 2",
    "DELETE FROM animals WHERE name = 'rex'",
    "SELECT tableoid::regclass::text, * FROM readings ORDER BY id",
    "SELECT tableoid::regclass::text, * FROM sales ORDER BY id",
    "SELECT count(*) FROM dogs",
    ("SELECT relname, relkind::text, pg_get_expr(relpartbound, oid) FROM pg_class "
    "WHERE relname LIKE 'readings%' OR relname LIKE 'sales%' ORDER BY 1"),
]




@pytest.mark.skipif(BINDIR is None, reason="PostgreSQL 15 client tools are not installed")
def test_pg_dump_with_partitions_loads_and_behaves_the_same(server, tmp_path: Path) -> None:
    with reference_postgres() as ref:
        if ref is None:
            pytest.skip("no PostgreSQL 15 server could be started here")
        src = reference_database(ref, "parts", SCHEMA)
        dump = tmp_path / "parts.sql"
        got = run_tool([f"{BINDIR}/pg_dump", "--no-owner", *src, "-d", "parts", "-f", str(dump)])
        assert got.returncode == 0, got.stderr

        restored = server.psql("-v", "ON_ERROR_STOP=1", "-f", str(dump), check=False)
        assert restored.returncode == 0, restored.stderr[-3000:]

        ref_dsn = " ".join(p for p in ref.split() if not p.startswith("dbname=")) + " dbname=parts"
        describe = ["-c", "\\d+ readings", "-c", "\\d+ readings_2024", "-c", "\\d+ animals"]
        want = run_tool([f"{BINDIR}/psql", "-X", *src, "-d", "parts", *describe]).stdout
        have = server.psql(*describe).stdout
        assert have == want

        expected = answers(ref_dsn, CHECKS)
        actual = answers(server.dsn, CHECKS)
        for sql, w, h in zip(CHECKS, expected, actual, strict=True):
            assert h == w, f"{sql}\n PostgreSQL: {w}\n orbitdb:    {h}"
