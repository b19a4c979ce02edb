"""ANALYZE's statistics against a real PostgreSQL 15: pg_stats and pg_class.reltuples of small
tables, which both sample whole so the figures are deterministic (null_frac, avg_width,
n_distinct, most common values and frequencies, histogram bounds, correlation)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from both_engines import engine, reference_pg, rows, run

__all__ = ["engine", "reference_pg"]

SETUP = [
    ("CREATE TABLE st (id int PRIMARY KEY, g int, t text, v varchar(20), n numeric, b boolean, d date, "
    "z int, f float8, half int)"),
    ("INSERT INTO st SELECT i, i % 7, 'v' || (i % 3), CASE WHEN i % 4 = 0 THEN NULL ELSE 'w' || (i % 50) END, "
    "i * 1.5, i % 2 = 0, DATE '2024-01-01' + (i % 40), NULL, (i % 11) / 4.0, CASE WHEN i <= 500 THEN i END "
    "FROM generate_series(1, 1000) i"),
    "CREATE TABLE small (a int, b text)",
    "INSERT INTO small VALUES (1, 'x'), (1, 'y'), (2, 'y'), (2, NULL), (3, 'y'), (3, 'z'), (4, NULL), (5, 'q y')",
    "CREATE TABLE empty (a int)",
]

COLUMNS = ("attname, null_frac, avg_width, n_distinct, most_common_vals::text, most_common_freqs, "
           "histogram_bounds::text, correlation")


def _stats(cur: Any, table: str) -> list[tuple[Any, ...]]:
    return rows(cur, f"SELECT {COLUMNS} FROM pg_stats WHERE schemaname = 'public' AND tablename = '{table}' "
                     "ORDER BY attname")


def _approx(values: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """float4 columns to 6 significant digits (both print float4; the drivers read it as float)."""
    def one(v: Any) -> Any:
        if isinstance(v, float):
            return float(f"{v:.5g}")
        if isinstance(v, list):
            return [one(x) for x in v]
        return v
    return [tuple(one(v) for v in r) for r in values]


@pytest.fixture
def analyzed(engine: Any) -> Any:
    run(engine, *SETUP, "ANALYZE")
    return engine


def test_pg_stats_of_whole_table_sample(analyzed: Any) -> None:
    got = {t: _approx(_stats(analyzed, t)) for t in ("st", "small", "empty")}
    assert [r[0] for r in got["st"]] == ["b", "d", "f", "g", "half", "id", "n", "t", "v", "z"]
    assert got["small"][0][:4] == ("a", 0.0, 4, -0.625)
    assert got["empty"] == []
    analyzed.execute("SELECT relname, reltuples, relpages > 0 FROM pg_class WHERE relname IN ('st', 'small', 'empty') "
                     "ORDER BY relname")
    assert [tuple(r) for r in analyzed.fetchall()] == [("empty", 0.0, False), ("small", 8.0, True),
                                                       ("st", 1000.0, True)]


def test_same_as_postgres(reference_pg: Any, tmp_path: Any) -> None:
    import orbitdb

    conn = orbitdb.connect(str(tmp_path / "db"))
    conn.autocommit = True
    ours = conn.cursor()
    pg_conn = reference_pg.connect(reference_pg.create_database("analyze"))
    pg_conn.autocommit = True
    theirs = pg_conn.cursor()
    try:
        for cur in (ours, theirs):
            run(cur, *SETUP, "ANALYZE st", "ANALYZE small (a, b)", "ANALYZE empty")
        for table in ("st", "small", "empty"):
            a, b = _approx(_stats(ours, table)), _approx(_stats(theirs, table))
            # correlation follows the rows' physical order: heap order there, key order here
            assert [r[:-1] for r in a] == [r[:-1] for r in b], table
            assert all((x[-1] is None) == (y[-1] is None) and (x[-1] is None or abs(x[-1] - y[-1]) < 0.01)
                       for x, y in zip(a, b)), table
        q = "SELECT relname, reltuples FROM pg_class WHERE relname IN ('st', 'small', 'empty') ORDER BY 1"
        assert rows(ours, q) == rows(theirs, q)
    finally:
        conn.close()
        pg_conn.close()


PREDICATES = ["g = 3", "g < 3", "g > 5", "g <= 3", "id < 100", "id > 950", "id BETWEEN 100 AND 200", "g IN (1, 2)",
              "v IS NULL", "z IS NULL", "half IS NOT NULL", "v LIKE 'w1%'", "v = 'w1'", "t = 'v1' AND g = 2",
              "g = 1 OR g = 2", "half < 100", "n > 750", "id = 5", "v > 'w3'", "NOT g = 3", "g <> 3", "b",
              "d < DATE '2024-01-10'"]


def _estimate(cur: Any, predicate: str) -> int:
    cur.execute("EXPLAIN SELECT * FROM st WHERE " + predicate)
    first = cur.fetchall()[0][0]
    found = re.search(r"rows=(\d+)", first)
    assert found is not None, first
    return int(found.group(1))


def test_row_estimates_as_postgres(reference_pg: Any, tmp_path: Any) -> None:
    """EXPLAIN's row estimates of one table's conditions from the same statistics: PostgreSQL's
    selectivities (MCVs, histogram, null fraction), to a row or 2%."""
    import orbitdb

    conn = orbitdb.connect(str(tmp_path / "db"))
    conn.autocommit = True
    pg_conn = reference_pg.connect(reference_pg.create_database("estimates"))
    pg_conn.autocommit = True
    try:
        for cur in (conn.cursor(), pg_conn.cursor()):
            run(cur, *SETUP, "ANALYZE st")
        for p in PREDICATES:
            ours, theirs = _estimate(conn.cursor(), p), _estimate(pg_conn.cursor(), p)
            assert abs(ours - theirs) <= max(1, theirs // 50), (p, ours, theirs)
    finally:
        conn.close()
        pg_conn.close()


ROLLBACK_STEPS = [
    "CREATE TABLE rb (a int, b text)",
    "INSERT INTO rb SELECT g, 'x' || g % 3 FROM generate_series(1, 40) g",  # (under auto-analyze's 50)
    "BEGIN", "ANALYZE rb", "ROLLBACK",  # pg_statistic's rows roll back; reltuples is set in place
    "SELECT attname FROM pg_stats WHERE tablename = 'rb' ORDER BY 1",
    "SELECT reltuples FROM pg_class WHERE relname = 'rb'",
    "BEGIN", "ANALYZE rb (b)", "COMMIT",
    "BEGIN", "INSERT INTO rb VALUES (1000, 'zz')", "ANALYZE rb", "ROLLBACK",
    "SELECT attname, n_distinct FROM pg_stats WHERE tablename = 'rb' ORDER BY 1",
]


def _answers_on_both(reference_pg: Any, tmp_path: Any, database: str, steps: list[str]) -> list[list[Any]]:
    """The rows of each SELECT among steps, run in order on orbitdb and on PostgreSQL 15."""
    import orbitdb

    conn = orbitdb.connect(str(tmp_path / "db"))
    conn.autocommit = True
    pg_conn = reference_pg.connect(reference_pg.create_database(database))
    pg_conn.autocommit = True
    try:
        seen = []
        for cur in (conn.cursor(), pg_conn.cursor()):
            answers = []
            for sql in steps:
                cur.execute(sql)
                if sql.startswith("SELECT"):
                    answers.append([tuple(r) for r in cur.fetchall()])
            seen.append(answers)
        return seen
    finally:
        conn.close()
        pg_conn.close()


def test_an_analyze_rolled_back_leaves_the_statistics_it_found(reference_pg: Any, tmp_path: Any) -> None:
    ours, theirs = _answers_on_both(reference_pg, tmp_path, "analyze_rollback", ROLLBACK_STEPS)
    assert ours == theirs == [[], [(40.0,)], [("b", 3.0)]]


PRIVILEGE_STEPS = [
    "CREATE ROLE stats_reader LOGIN",
    "CREATE TABLE priv (a int, b text, c int)",
    "INSERT INTO priv SELECT g, 'x' || g % 3, g FROM generate_series(1, 40) g",
    "ANALYZE priv",
    "GRANT SELECT (b) ON priv TO stats_reader",
    "SET ROLE stats_reader", "SELECT attname FROM pg_stats WHERE tablename = 'priv' ORDER BY 1", "RESET ROLE",
    "GRANT SELECT ON priv TO stats_reader",
    "SET ROLE stats_reader", "SELECT attname FROM pg_stats WHERE tablename = 'priv' ORDER BY 1", "RESET ROLE",
    "REVOKE SELECT ON priv FROM stats_reader", "REVOKE SELECT (b) ON priv FROM stats_reader",
    "SET ROLE stats_reader", "SELECT attname FROM pg_stats WHERE tablename = 'priv' ORDER BY 1", "RESET ROLE",
    "SELECT attname FROM pg_stats WHERE tablename = 'priv' ORDER BY 1",
    "DROP TABLE priv", "DROP ROLE stats_reader",
]


def test_pg_stats_shows_the_columns_the_role_may_read(reference_pg: Any, tmp_path: Any) -> None:
    """Its values are samples of the column: a role sees a column's figures only with SELECT on it."""
    ours, theirs = _answers_on_both(reference_pg, tmp_path, "analyze_privileges", PRIVILEGE_STEPS)
    assert ours == theirs == [[("b",)], [("a",), ("b",), ("c",)], [], [("a",), ("b",), ("c",)]]
