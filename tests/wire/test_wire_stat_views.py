"""pg_stat_database, pg_stat_*_tables and orbitdb_stat_statements over a real server: their
columns are PostgreSQL 15's (pg_stat_statements' for orbitdb_stat_statements), their counters
move by what the statements did, and rows written count as PostgreSQL 15 counts them."""

from __future__ import annotations

import psycopg2
import pytest
from reference_pg import reference_postgres
from wire_support import needs_psycopg3, psycopg

VIEWS = ["pg_stat_database", "pg_stat_user_tables", "pg_stat_all_tables", "pg_stat_xact_user_tables",
         "pg_stat_xact_all_tables"]

# rows written, each statement its own transaction, and one block rolled back
WORKLOAD = [
    "CREATE TABLE st (id int PRIMARY KEY, k int, v text)",
    "CREATE INDEX st_k ON st (k)",
    "INSERT INTO st VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c'), (4, 4, 'd'), (5, 5, 'e')",
    "UPDATE st SET v = 'u' WHERE id = 1",
    "UPDATE st SET v = 'w' WHERE v = 'e'",
    "DELETE FROM st WHERE k = 4",
    "BEGIN",
    "INSERT INTO st VALUES (6, 6, 'rolled back')",
    "ROLLBACK",
]
WRITTEN = ["n_tup_ins", "n_tup_upd", "n_tup_del", "n_live_tup"]


def _connect(dsn: str):
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    return conn


def _shape(cur, relation: str) -> list[tuple[str, int]]:
    cur.execute(f"SELECT * FROM {relation} LIMIT 0")
    return [(d.name, d.type_code) for d in cur.description]


def _written(cur) -> dict[str, int]:
    cur.execute(f"SELECT {', '.join(WRITTEN)} FROM pg_stat_user_tables WHERE relname = 'st'")
    return dict(zip(WRITTEN, cur.fetchone()))


def test_columns_and_rows_written_as_postgresql(server):
    conn = _connect(server.dsn)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS st")
    ours = {view: _shape(cur, view) for view in VIEWS}
    ours["pg_stat_statements"] = _shape(cur, "orbitdb_stat_statements")
    for sql in WORKLOAD:
        cur.execute(sql)
    written = _written(cur)
    assert written == {"n_tup_ins": 6, "n_tup_upd": 2, "n_tup_del": 1, "n_live_tup": 4}
    conn.close()
    with reference_postgres(options="-c shared_preload_libraries=pg_stat_statements") as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        ref = _connect(dsn)
        rcur = ref.cursor()
        rcur.execute("CREATE EXTENSION pg_stat_statements")
        theirs = {view: _shape(rcur, view) for view in [*VIEWS, "pg_stat_statements"]}
        for sql in WORKLOAD:
            rcur.execute(sql)
        rcur.execute("SELECT pg_stat_force_next_flush()")  # its counters reach the shared stats now
        rcur.execute("SELECT 1")
        ref.close()
        ref = _connect(dsn)
        reference_written = _written(ref.cursor())
        ref.close()
    assert ours == theirs
    assert written == reference_written


def test_table_counters(server):
    conn = _connect(server.dsn)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS tc")
    cur.execute("CREATE TABLE tc (id int PRIMARY KEY, k int, v text)")
    cur.execute("CREATE INDEX tc_k ON tc (k)")
    cur.execute("CREATE TABLE plain (n int)")
    cur.execute("INSERT INTO tc SELECT g, g, 'v' || g FROM generate_series(1, 5) g")
    cur.execute("UPDATE tc SET v = 'u' WHERE id = 1")  # primary key: an index scan fetching 1 row
    cur.execute("UPDATE tc SET v = 'w' WHERE v = 'v5'")  # no index on v: a sequential scan of 5 rows
    cur.execute("EXPLAIN DELETE FROM tc WHERE k = 4")
    assert "Index Scan using tc_k" in "\n".join(r[0] for r in cur.fetchall())
    cur.execute("DELETE FROM tc WHERE k = 4")  # through tc_k: 1 row
    cur.execute("SELECT * FROM tc")  # a sequential scan of the 4 rows left
    assert len(cur.fetchall()) == 4
    cur.execute("SELECT * FROM tc WHERE id = 2")  # an index scan (the primary key) fetching 1 row
    cur.execute("SELECT * FROM tc WHERE id = 99")  # one fetching none
    cur.execute("SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_ins, n_tup_upd, n_tup_del, "
                "n_tup_hot_upd, n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname IN ('tc', 'plain') "
                "ORDER BY relname")
    plain, tc = cur.fetchall()
    assert plain == ("plain", 0, 0, None, None, 0, 0, 0, 0, 0, 0)  # no index: idx_* NULL, as in PostgreSQL
    # scans: 2 sequential reading 5 + 4 rows; 4 through an index fetching 1 + 1 + 1 + 0 rows
    assert tc == ("tc", 2, 9, 4, 3, 5, 2, 1, 0, 4, 0)
    cur.execute("SELECT count(*) FROM pg_stat_all_tables WHERE relname = 'tc'")
    assert cur.fetchone() == (1,)
    conn.close()


def test_this_transaction_counts_and_database_counters(server):
    conn = _connect(server.dsn)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS xc")
    cur.execute("CREATE TABLE xc (id int PRIMARY KEY)")
    query = ("SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, numbackends, sessions, "
             "stats_reset IS NOT NULL FROM pg_stat_database WHERE datname = 'actors'")
    cur.execute(query)
    before = cur.fetchone()
    other = _connect(server.dsn)  # a session more
    cur.execute("BEGIN")
    cur.execute("INSERT INTO xc VALUES (1), (2)")
    cur.execute("UPDATE xc SET id = 3 WHERE id = 2")
    cur.execute("SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'xc'")
    assert cur.fetchone() == (2, 1)  # this transaction's, not yet the table's
    cur.execute("SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'xc'")
    assert cur.fetchone() == (0,)
    cur.execute("COMMIT")
    cur.execute("SELECT n_tup_ins, n_tup_upd FROM pg_stat_user_tables WHERE relname = 'xc'")
    assert cur.fetchone() == (2, 1)
    with pytest.raises(psycopg2.errors.UniqueViolation):
        cur.execute("INSERT INTO xc VALUES (1)")
    cur.execute("DELETE FROM xc WHERE id = 3")
    cur.execute(query)
    after = cur.fetchone()
    other.close()
    # committed: the first read, the block, the read after it, the DELETE; rolled back: the failed INSERT
    assert after[0] - before[0] == 4
    assert after[1] - before[1] == 1
    assert (after[2] - before[2], after[3] - before[3], after[4] - before[4]) == (2, 1, 1)
    assert after[5] == 2 and after[6] - before[6] == 1 and after[7] is True
    cur.execute("SELECT pg_stat_reset()")
    cur.execute("SELECT xact_commit, tup_inserted FROM pg_stat_database WHERE datname = 'actors'")
    assert cur.fetchone() == (1, 0)  # the reset's own transaction ended after it
    cur.execute("SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'xc'")
    assert cur.fetchone() == (0,)
    conn.close()


def _statements(cur, like: str) -> list[tuple]:
    cur.execute("SELECT query, calls, rows, total_exec_time, min_exec_time, max_exec_time, mean_exec_time, "
                "stddev_exec_time, dbid, userid, toplevel FROM orbitdb_stat_statements WHERE query LIKE %s "
                "ORDER BY query", [like])
    return cur.fetchall()


def test_statement_statistics(server):
    conn = _connect(server.dsn)
    cur = conn.cursor()
    cur.execute("SELECT orbitdb_stat_statements_reset()")
    cur.execute("DROP TABLE IF EXISTS ss")
    cur.execute("CREATE TABLE ss (id int PRIMARY KEY, name text)")
    for n in range(1, 4):
        cur.execute("INSERT INTO ss VALUES (%s, %s)", [n, f"name {n}"])  # psycopg2 puts the values in the text
    cur.execute("SELECT * FROM ss WHERE id > 1")
    cur.execute("SELECT * FROM ss WHERE id > 2")
    with pytest.raises(psycopg2.errors.UndefinedTable):
        cur.execute("SELECT * FROM ss_missing WHERE id > 2")  # failed: not counted
    (insert,) = _statements(cur, "INSERT INTO ss%")
    query, calls, rows, total, low, high, mean, stddev, dbid, userid, toplevel = insert
    assert (query, calls, rows) == ("INSERT INTO ss VALUES ($1, $2)", 3, 3)
    assert 0 < low <= mean <= high <= total and stddev >= 0
    assert mean == pytest.approx(total / 3)
    cur.execute("SELECT oid FROM pg_database WHERE datname = 'actors'")
    assert dbid == cur.fetchone()[0]
    cur.execute("SELECT oid FROM pg_roles WHERE rolname = current_user")
    assert userid == cur.fetchone()[0] and toplevel is True
    (select,) = _statements(cur, "SELECT * FROM ss%")
    assert select[:3] == ("SELECT * FROM ss WHERE id > $1", 2, 2 + 1)
    assert _statements(cur, "%ss_missing%") == []
    cur.execute("SELECT orbitdb_stat_statements_reset()")
    cur.execute("SELECT query, calls FROM orbitdb_stat_statements")
    assert cur.fetchall() == [("SELECT orbitdb_stat_statements_reset()", 1)]  # only the reset, once it ended
    conn.close()


@needs_psycopg3
def test_statement_statistics_of_the_extended_protocol(server):
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        conn.execute("SELECT orbitdb_stat_statements_reset()")
        conn.execute("DROP TABLE IF EXISTS se")
        conn.execute("CREATE TABLE se (id int PRIMARY KEY)")
        conn.execute("INSERT INTO se SELECT generate_series(1, 10)")
        for low in (2, 5):
            assert len(conn.execute("SELECT id FROM se WHERE id > %s", [low]).fetchall()) == 10 - low
        found = conn.execute("SELECT calls, rows FROM orbitdb_stat_statements WHERE query = "
                             "'SELECT id FROM se WHERE id > $1'").fetchall()
        assert found == [(2, 8 + 5)]
        found = conn.execute("SELECT calls, rows FROM orbitdb_stat_statements WHERE query LIKE "
                             "'INSERT INTO se%'").fetchall()
        assert found == [(1, 10)]
