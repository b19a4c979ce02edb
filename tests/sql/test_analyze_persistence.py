"""ANALYZE's statistics across a restart and a kill -9, auto-analyze after enough changes, and the
ANALYZE counters of pg_stat_user_tables."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import orbitdb

REPO = Path(__file__).resolve().parents[2]


def _one(cur: Any, sql: str) -> Any:
    cur.execute(sql)
    return cur.fetchone()


def _settled(conn: Any) -> None:
    """Until the automatic ANALYZEs started so far have ended (they run on a thread of their own)."""
    from orbitdb.storage.planstats import plan_stats

    plan_stats(conn._session.store).wait()


def _open(path: Path) -> Any:
    conn = orbitdb.connect(str(path))
    conn.autocommit = True
    return conn


def test_statistics_survive_a_restart(tmp_path: Path) -> None:
    conn = _open(tmp_path / "db")
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, g int, s text)")
    cur.execute("ANALYZE t")
    assert _one(cur, "SELECT reltuples FROM pg_class WHERE relname = 't'") == (0.0,)
    cur.execute("INSERT INTO t SELECT i, i % 4, CASE WHEN i % 5 = 0 THEN NULL ELSE 's' END "
                "FROM generate_series(1, 40) i")
    cur.execute("VACUUM ANALYZE t (g, s)")
    before = [tuple(r) for r in cur.execute("SELECT attname, null_frac, n_distinct, most_common_vals::text "
                                            "FROM pg_stats WHERE tablename = 't' ORDER BY attname").fetchall()]
    assert before == [("g", 0.0, 4.0, "{0,1,2,3}"), ("s", 0.2, 1.0, "{s}")]
    conn.close()
    conn = _open(tmp_path / "db")
    cur = conn.cursor()
    after = [tuple(r) for r in cur.execute("SELECT attname, null_frac, n_distinct, most_common_vals::text "
                                           "FROM pg_stats WHERE tablename = 't' ORDER BY attname").fetchall()]
    assert after == before
    assert _one(cur, "SELECT reltuples FROM pg_class WHERE relname = 't'") == (40.0,)
    assert _one(cur, "SELECT analyze_count, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                     "WHERE relname = 't'") == (2, True)
    # a dropped table's statistics go with it; a new table of the same name starts without
    cur.execute("DROP TABLE t")
    cur.execute("CREATE TABLE t (id int)")
    assert _one(cur, "SELECT count(*) FROM pg_stats WHERE tablename = 't'") == (0,)
    assert _one(cur, "SELECT reltuples FROM pg_class WHERE relname = 't'") == (-1.0,)
    from orbitdb.storage.planstats import plan_stats

    stats = plan_stats(conn._session.store)
    assert len(stats.oids()) == 1  # the dropped table's, until a database-wide ANALYZE
    cur.execute("ANALYZE")
    assert stats.oids() == [_one(cur, "SELECT 't'::regclass::oid")[0]]
    conn.close()


def test_auto_analyze_after_enough_changes(tmp_path: Path) -> None:
    conn = _open(tmp_path / "db")
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, g int)")
    cur.execute("INSERT INTO t SELECT i, i % 3 FROM generate_series(1, 50) i")  # 50: not past 50 + 0
    assert _one(cur, "SELECT reltuples FROM pg_class WHERE relname = 't'") == (-1.0,)
    assert _one(cur, "SELECT n_mod_since_analyze, autoanalyze_count FROM pg_stat_user_tables "
                     "WHERE relname = 't'") == (50, 0)
    cur.execute("UPDATE t SET g = 7 WHERE id = 1")  # 51 changes
    _settled(conn)
    assert _one(cur, "SELECT reltuples FROM pg_class WHERE relname = 't'") == (50.0,)
    assert _one(cur, "SELECT n_mod_since_analyze, autoanalyze_count, last_autoanalyze IS NOT NULL "
                     "FROM pg_stat_user_tables WHERE relname = 't'") == (0, 1, True)
    # next threshold: 50 + 10% of 50 rows = 55 changes
    cur.execute("DELETE FROM t")  # 50
    cur.execute("INSERT INTO t VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)")  # 55
    _settled(conn)
    assert _one(cur, "SELECT reltuples FROM pg_class WHERE relname = 't'") == (50.0,)
    cur.execute("INSERT INTO t VALUES (6, 6)")  # 56
    _settled(conn)
    assert _one(cur, "SELECT reltuples FROM pg_class WHERE relname = 't'") == (6.0,)
    # autovacuum off: no automatic ANALYZE
    cur.execute("SET autovacuum = off")
    cur.execute("INSERT INTO t SELECT i, 0 FROM generate_series(100, 300) i")
    _settled(conn)
    assert _one(cur, "SELECT reltuples FROM pg_class WHERE relname = 't'") == (6.0,)
    conn.close()


CHILD = textwrap.dedent("""
    import sys
    import orbitdb
    conn = orbitdb.connect(sys.argv[1])
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, g int)")
    n = 0
    while True:
        cur.execute("INSERT INTO t SELECT i, i % 9 FROM generate_series(%s, %s) i", (n + 1, n + 200))
        n += 200
        cur.execute("ANALYZE t")
        print(n, flush=True)
""")


def test_statistics_after_kill_9(tmp_path: Path) -> None:
    """Killed while it inserts and analyzes: the database opens, and its statistics are those
    of one ANALYZE or another (advisory: an older one is fine), never damaged."""
    path = tmp_path / "db"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        seen = 0
        deadline = time.monotonic() + 60
        while seen < 600 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            seen = int(line)
        assert seen >= 600, "the child did not get going"
    finally:
        child.kill()
        child.wait()
    conn = _open(path)
    cur = conn.cursor()
    (rows,) = _one(cur, "SELECT count(*) FROM t")
    (reltuples,) = _one(cur, "SELECT reltuples FROM pg_class WHERE relname = 't'")
    assert rows >= seen and reltuples % 200 == 0 and 0 < reltuples <= rows
    g = _one(cur, "SELECT n_distinct, null_frac FROM pg_stats WHERE tablename = 't' AND attname = 'g'")
    assert g == (9.0, 0.0)
    cur.execute("ANALYZE t")
    assert _one(cur, "SELECT reltuples FROM pg_class WHERE relname = 't'") == (float(rows),)
    conn.close()
