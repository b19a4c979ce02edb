"""Python function calls and microseconds per statement of embedded orbitdb, beside sqlite3 in
the same run: the call count does not depend on how busy the machine is, so it shows what a
change to the statement path did even where timings are noisy.

    PYTHONPATH=. python benchmarks/bench_calls.py [--rows 10000] [--queries 2000] [--profile point]

Workloads (autocommit, parameters bound by the driver, the same text every time):
  point   SELECT * FROM items WHERE id = ?          (primary key, one row, fetchone)
  index   SELECT * FROM items WHERE k = ?           (secondary index, rows/100 rows, fetchall)
  update  UPDATE items SET amount = amount + 1 WHERE id = ?   (each committed)
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sqlite3
import tempfile
import time
from collections.abc import Callable
from typing import Any

import orbitdb

SCHEMA = ("CREATE TABLE items (id integer PRIMARY KEY, k integer NOT NULL, name text NOT NULL, "
          "amount numeric(12,2) NOT NULL, created date NOT NULL)")


def orbitdb_cursor(rows: int) -> tuple[Any, str]:
    con = orbitdb.connect(tempfile.mkdtemp(prefix="bench-calls-"))
    con.autocommit = True
    cur = con.cursor()
    cur.execute(SCHEMA)
    cur.execute("CREATE INDEX ON items (k)")
    cur.execute("INSERT INTO items SELECT g, g % 100, 'name-' || g, (g % 1000) / 100.0, "
                f"DATE '2020-01-01' + g % 1000 FROM generate_series(0, {rows - 1}) g")
    return cur, "%s"


def sqlite_cursor(rows: int) -> tuple[Any, str]:
    con = sqlite3.connect(tempfile.mkdtemp(prefix="bench-calls-") + "/db.sqlite", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    cur = con.cursor()
    cur.execute(SCHEMA)
    cur.execute("CREATE INDEX items_k ON items (k)")
    cur.execute("BEGIN")
    cur.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)",
                    [(g, g % 100, f"name-{g}", (g % 1000) / 100.0, "2020-01-01") for g in range(rows)])
    cur.execute("COMMIT")
    return cur, "?"


def workloads(cur: Any, mark: str, rows: int) -> dict[str, Callable[[int], None]]:
    def point(i: int) -> None:
        cur.execute(f"SELECT * FROM items WHERE id = {mark}", (i % rows,))
        cur.fetchone()

    def index(i: int) -> None:
        cur.execute(f"SELECT * FROM items WHERE k = {mark}", (i % 100,))
        cur.fetchall()

    def update(i: int) -> None:
        cur.execute(f"UPDATE items SET amount = amount + 1 WHERE id = {mark}", (i % rows,))

    return {"point": point, "index": index, "update": update}


def measure(fn: Callable[[int], None], n: int) -> tuple[float, float]:
    """(Python calls per run, microseconds per run)."""
    for i in range(min(n, 200)):
        fn(i)
    prof = cProfile.Profile()
    prof.enable()
    for i in range(n):
        fn(i)
    prof.disable()
    calls = pstats.Stats(prof).total_calls / n  # type: ignore[attr-defined]
    started = time.perf_counter()
    for i in range(n):
        fn(i)
    return calls, (time.perf_counter() - started) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--profile", help="print orbitdb's profile of one workload")
    args = parser.parse_args()
    ocur, omark = orbitdb_cursor(args.rows)
    scur, smark = sqlite_cursor(args.rows)
    ours = workloads(ocur, omark, args.rows)
    theirs = workloads(scur, smark, args.rows)
    print(f"{'workload':8} {'orbitdb calls':>14} {'orbitdb us':>11} {'sqlite3 us':>11} {'ratio':>7}")
    for name in ours:
        calls, us = measure(ours[name], args.queries)
        _, sus = measure(theirs[name], args.queries)
        print(f"{name:8} {calls:14.0f} {us:11.1f} {sus:11.1f} {sus / us:6.2f}x")
        if args.profile == name:
            prof = cProfile.Profile()
            prof.enable()
            for i in range(args.queries):
                ours[name](i)
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
