"""A join of two large tables on their primary keys: orbitdb (embedded) as its planner chooses
(a merge join of the two tables read in key order), orbitdb forced to a hash join
(enable_mergejoin = off; with the default work_mem of 4MB and with 1GB), and PostgreSQL 15 over psycopg2 as it chooses and forced to a merge
join (enable_hashjoin = off), in one run. Every run must return the same rows.

    python benchmarks/bench_merge_join.py [--rows 200000] [--repeat 3]

Queries: every joined row fetched; the joined rows of a key range (a tenth of the table); and
a sum over the join (which orbitdb runs on numpy batches whatever the join method)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_wire import REPO, PgServer

sys.path.insert(0, str(REPO))


def setup(rows: int) -> list[str]:
    return [
        "CREATE TABLE a (id int PRIMARY KEY, x int, s text)",
        "CREATE TABLE b (id int PRIMARY KEY, y int, t text)",
        f"INSERT INTO a SELECT g, g % 97, 's' || g FROM generate_series(1, {rows}) g",
        f"INSERT INTO b SELECT g * 2, g % 89, 't' || g FROM generate_series(1, {rows}) g",
        "ANALYZE a",
        "ANALYZE b",
    ]


def queries(rows: int) -> dict[str, str]:
    lo, hi = rows // 3, rows // 3 + rows // 10
    return {
        "all rows": "SELECT a.id, a.x, b.y FROM a JOIN b ON a.id = b.id",
        "key range": f"SELECT a.id, a.s, b.t FROM a JOIN b ON a.id = b.id WHERE a.id BETWEEN {lo} AND {hi}",
        "sum": "SELECT count(*), sum(a.x + b.y) FROM a JOIN b ON a.id = b.id",
    }


def timed(cur: Any, sql: str, repeat: int) -> tuple[float, list[Any]]:
    """The best of repeat runs (seconds) and the rows, sorted."""
    best = float("inf")
    rows: list[Any] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        cur.execute(sql)
        rows = cur.fetchall()
        best = min(best, time.perf_counter() - t0)
    return best, sorted(tuple(r) for r in rows)


def plan_head(cur: Any, sql: str) -> str:
    cur.execute("EXPLAIN (COSTS OFF) " + sql)
    lines = [r[0] for r in cur.fetchall()]
    return next(ln.strip() for ln in lines if "Join" in ln or "Loop" in ln)


def run(cur: Any, qs: dict[str, str], settings: list[str], repeat: int) -> dict[str, tuple[float, list[Any], str]]:
    for st in settings:
        cur.execute(st)
    out = {}
    for name, sql in qs.items():
        head = plan_head(cur, sql)
        secs, rows = timed(cur, sql, repeat)
        out[name] = (secs, rows, head)
    return out


def with_orbitdb(rows: int, body: Callable[[Any], None]) -> None:
    import orbitdb

    with tempfile.TemporaryDirectory(prefix="orbitdb-bench-merge-") as d:
        conn = orbitdb.connect(str(Path(d) / "db"))
        conn.autocommit = True
        cur = conn.cursor()
        for st in setup(rows):
            cur.execute(st)
        body(cur)
        conn.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    qs = queries(args.rows)
    results: dict[str, dict[str, tuple[float, list[Any], str]]] = {}

    def ours(cur: Any) -> None:
        results["orbitdb"] = run(cur, qs, [], args.repeat)
        results["orbitdb, hash"] = run(cur, qs, ["SET enable_mergejoin = off"], args.repeat)
        # the hash table in memory, not in batches on disk (Python's dict takes more than work_mem)
        results["orbitdb, hash, 1GB"] = run(cur, qs, ["SET work_mem = '1GB'"], args.repeat)

    with_orbitdb(args.rows, ours)
    if PgServer.unavailable() is None:
        import psycopg2

        pg = PgServer()
        pg.start()
        try:
            conn = psycopg2.connect(pg.dsn)
            conn.autocommit = True
            cur = conn.cursor()
            for st in setup(args.rows):
                cur.execute(st)
            cur.execute("SET max_parallel_workers_per_gather = 0")
            results["PostgreSQL 15"] = run(cur, qs, [], args.repeat)
            results["PostgreSQL 15, merge"] = run(cur, qs, ["SET enable_hashjoin = off"], args.repeat)
            conn.close()
        finally:
            pg.stop()
    print(f"{args.rows} rows per table, best of {args.repeat}; load average {os.getloadavg()[0]:.2f}")
    base = results["orbitdb"]
    for name in qs:
        print(f"\n{name}: {qs[name]}")
        for engine, res in results.items():
            secs, rows, head = res[name]
            assert rows == base[name][1], f"{engine} gave other rows for {name}"
            ratio = secs / base[name][0]
            print(f"  {engine:22s} {secs * 1000:9.1f} ms  {ratio:5.2f}x orbitdb's time  ({head}, {len(rows)} rows)")


if __name__ == "__main__":
    main()
