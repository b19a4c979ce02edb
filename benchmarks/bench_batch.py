"""Batch execution and columnar fetch: orbitdb (orbitdb.connect) against sqlite3 and DuckDB on the
same tables in one run, each query timed on every engine back to back; ratios are engine rows/s
over sqlite3's (and over DuckDB's).

Tables (every engine): t(id int8 PRIMARY KEY, g int4 NOT NULL, x int4, f float8) with N rows
  id = i, g = i % 1000, x = i % 9973 (NULL when i % 97 = 0), f = i * 0.5      for i in 0 .. N-1;
dim(id int4 PRIMARY KEY, region text NOT NULL) with 1000 rows, region = 'r' || id % 10;
ev(g int4, tag int4) with 5000 rows, g = i % 1000, tag = i % 7: each key of t.g five times.

Queries (rows/s counts the rows each query reads):
  range_scan   SELECT sum(x) FROM t WHERE id BETWEEN $1 AND $1 + 999        (1,000 rows, random $1)
  count_sum    SELECT count(*), sum(x) FROM t
  group_by     SELECT g, count(*), sum(x) FROM t GROUP BY g                 (1,000 groups)
  join_group   SELECT region, count(*), sum(x) FROM t JOIN dim ON dim.id = t.g GROUP BY region
  join_dup     SELECT tag, count(*), sum(x) FROM t JOIN ev ON ev.g = t.g GROUP BY tag
               (keys repeated on both sides: 5 N joined rows; rows/s counts t's N rows)
  fetch_*      SELECT id, g, x, f FROM t, and a select list of arithmetic with a filter (FETCH_EXPR):
               fetchall() vs fetchnumpy(), each also with orbitdb.batch_execution = off (the row
               path), against sqlite3's fetchall() and DuckDB's fetchnumpy()

sqlite3 runs on a WAL file with synchronous=FULL (the durability orbitdb gives), a 32 MiB page
cache; DuckDB on a file. orbitdb's automatic ANALYZE of the loaded tables (a background pass over
them) is waited for before timing. Run:
    PYTHONPATH=. python benchmarks/bench_batch.py [--rows 1000000] [--seconds 2] [--only-fetch]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from typing import Any

import orbitdb

QUERIES = {
    "count_sum": "SELECT count(*), sum(x) FROM t",
    "group_by": "SELECT g, count(*), sum(x) FROM t GROUP BY g",
    "join_group": "SELECT region, count(*), sum(x) FROM t JOIN dim ON dim.id = t.g GROUP BY region",
    "join_dup": "SELECT tag, count(*), sum(x) FROM t JOIN ev ON ev.g = t.g GROUP BY tag",
}
RANGE = "SELECT sum(x) FROM t WHERE id BETWEEN {p} AND {p} + 999"
FETCH = "SELECT id, g, x, f FROM t"
FETCH_EXPR = "SELECT id, x + 1, f * 2 - g FROM t WHERE g < 500"  # half the rows


def load_orbitdb(path: str, n: int) -> Any:
    con = orbitdb.connect(path)
    cur = con.cursor()
    cur.execute("CREATE TABLE t (id int8 PRIMARY KEY, g int4 NOT NULL, x int4, f float8)")
    cur.execute("INSERT INTO t SELECT i, i % 1000, CASE WHEN i % 97 = 0 THEN NULL ELSE i % 9973 END, i * 0.5 "
                f"FROM generate_series(0, {n - 1}) i")
    cur.execute("CREATE TABLE dim (id int4 PRIMARY KEY, region text NOT NULL)")
    cur.execute("INSERT INTO dim SELECT i, 'r' || i % 10 FROM generate_series(0, 999) i")
    cur.execute("CREATE TABLE ev (g int4, tag int4)")
    cur.execute("INSERT INTO ev SELECT i % 1000, i % 7 FROM generate_series(0, 4999) i")
    con.commit()
    con.autocommit = True
    settle_analyze(cur, ("t", "dim"))
    return con


def settle_analyze(cur: Any, tables: tuple[str, ...], timeout: float = 300.0) -> None:
    """Waits until the automatic ANALYZE the load started has finished for each table: it reads
    the whole table on a thread of its own, and measuring while it runs would time it as well
    (as one runs ANALYZE after a bulk load before timing PostgreSQL)."""
    deadline = time.monotonic() + timeout
    names = ", ".join(f"'{t}'" for t in tables)
    while time.monotonic() < deadline:
        cur.execute(f"SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ({names}) AND autoanalyze_count > 0")
        if cur.fetchone()[0] == len(tables):
            return
        time.sleep(0.1)
    print("the automatic ANALYZE after loading did not finish in time: numbers include it")


def load_sqlite(path: str, n: int) -> Any:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA cache_size=-32768")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, g INTEGER NOT NULL, x INTEGER, f REAL)")
    con.execute("CREATE TABLE dim (id INTEGER PRIMARY KEY, region TEXT NOT NULL)")
    con.execute("BEGIN")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                    ((i, i % 1000, None if i % 97 == 0 else i % 9973, i * 0.5) for i in range(n)))
    con.executemany("INSERT INTO dim VALUES (?, ?)", ((i, f"r{i % 10}") for i in range(1000)))
    con.execute("CREATE TABLE ev (g INTEGER, tag INTEGER)")
    con.executemany("INSERT INTO ev VALUES (?, ?)", ((i % 1000, i % 7) for i in range(5000)))
    con.execute("COMMIT")
    return con


def load_duckdb(path: str, n: int) -> Any:
    import duckdb

    con = duckdb.connect(path)
    con.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, g INTEGER NOT NULL, x INTEGER, f DOUBLE)")
    con.execute("INSERT INTO t SELECT i, i % 1000, CASE WHEN i % 97 = 0 THEN NULL ELSE i % 9973 END, i * 0.5 "
                f"FROM range({n}) r(i)")
    con.execute("CREATE TABLE dim (id INTEGER PRIMARY KEY, region TEXT NOT NULL)")
    con.execute("INSERT INTO dim SELECT i, 'r' || (i % 10) FROM range(1000) r(i)")
    con.execute("CREATE TABLE ev (g INTEGER, tag INTEGER)")
    con.execute("INSERT INTO ev SELECT i % 1000, i % 7 FROM range(5000) r(i)")
    return con


def rate(run: Callable[[], Any], rows: int, seconds: float) -> tuple[float, Any]:
    """rows/s of run() repeated for about `seconds` (at least twice), and its last result."""
    result = run()  # warm
    count = 0
    start = time.perf_counter()
    while True:
        result = run()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and count >= 2:
            return rows * count / elapsed, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=int(os.environ.get("ORBITDB_BENCH_ROWS", "1000000")))
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--only-fetch", action="store_true", help="the fetch_* rows alone")
    args = ap.parse_args()
    n = args.rows
    base = tempfile.mkdtemp(prefix="bench_batch_")
    try:
        t0 = time.perf_counter()
        engines: dict[str, Any] = {"orbitdb": load_orbitdb(os.path.join(base, "orbit"), n),
                                   "sqlite3": load_sqlite(os.path.join(base, "lite.db"), n)}
        try:
            engines["duckdb"] = load_duckdb(os.path.join(base, "duck.db"), n)
        except ImportError:
            print("duckdb is not installed (pip install 'orbitdb[bench]'): its column is left out")
        print(f"loaded {n:,} rows into {', '.join(engines)} in {time.perf_counter() - t0:.1f} s")
        results: dict[str, dict[str, float]] = {}
        rnd = random.Random(17)

        def query(engine: str, sql: str) -> Callable[[], Any]:
            con = engines[engine]
            if engine == "orbitdb":
                cur = con.cursor()
                return lambda: cur.execute(sql).fetchall()
            return lambda: con.execute(sql).fetchall()

        def ranged(engine: str) -> Callable[[], Any]:
            con = engines[engine]
            mark = "%s" if engine == "orbitdb" else "?"
            sql = RANGE.replace("{p} + 999", mark).replace("{p}", mark)
            cur = con.cursor() if engine == "orbitdb" else con

            def run() -> Any:
                p = rnd.randrange(0, n - 1000)
                return cur.execute(sql, (p, p + 999)).fetchall()
            return run

        for engine in engines if not args.only_fetch else ():
            results.setdefault("range_scan", {})[engine] = rate(ranged(engine), 1000, args.seconds)[0]
            for name, sql in QUERIES.items():
                results.setdefault(name, {})[engine] = rate(query(engine, sql), n, args.seconds)[0]
        cur = engines["orbitdb"].cursor()
        fetches: dict[str, dict[str, float]] = {}
        for label, sql in (("all rows", FETCH), ("expressions", FETCH_EXPR)):
            r: dict[str, float] = {}
            for mode in ("off", "auto"):
                cur.execute(f"SET orbitdb.batch_execution = {mode}")
                rows_of = "" if mode == "auto" else " (rows)"
                r[f"orbitdb fetchall{rows_of}"] = rate(lambda q=sql: cur.execute(q).fetchall(), n, args.seconds)[0]
                r[f"orbitdb fetchnumpy{rows_of}"] = rate(lambda q=sql: cur.execute(q).fetchnumpy(), n,
                                                         args.seconds)[0]
            lite = engines["sqlite3"]
            r["sqlite3 fetchall"] = rate(lambda q=sql, c=lite: c.execute(q).fetchall(), n, args.seconds)[0]
            if "duckdb" in engines:
                duck = engines["duckdb"]
                r["duckdb fetchnumpy"] = rate(lambda q=sql, c=duck: c.execute(q).fetchnumpy(), n, args.seconds)[0]
            fetches[label] = r
        if not args.only_fetch:
            print_queries(results)
        for label, r in fetches.items():
            sql = FETCH if label == "all rows" else FETCH_EXPR
            print(f"\n{sql!r} ({n:,} rows read)")
            new_numpy = r["orbitdb fetchnumpy"]
            for name, v in r.items():
                print(f"  {name:<28} {v:>15,.0f} rows/s   orbitdb fetchnumpy / this: {new_numpy / v:8.2f}x")
    finally:
        for con in locals().get("engines", {}).values():
            con.close()
        shutil.rmtree(base, ignore_errors=True)


def print_queries(results: dict[str, dict[str, float]]) -> None:
    print(f"\n{'query':<12} {'orbitdb rows/s':>15} {'sqlite3 rows/s':>15} {'duckdb rows/s':>15} "
          f"{'vs sqlite3':>11} {'vs duckdb':>10}")
    for name in ("range_scan", "count_sum", "group_by", "join_group", "join_dup"):
        r = results[name]
        duck = r.get("duckdb")
        duck_rate = f"{duck:,.0f}" if duck else "-"
        vs_duck = f"{r['orbitdb'] / duck:.2f}x" if duck else "-"
        print(f"{name:<12} {r['orbitdb']:>15,.0f} {r['sqlite3']:>15,.0f} {duck_rate:>15} "
              f"{r['orbitdb'] / r['sqlite3']:>10.2f}x {vs_duck:>10}")


if __name__ == "__main__":
    main()
