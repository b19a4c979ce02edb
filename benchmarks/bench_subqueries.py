"""Subqueries over a 10,000-row tenk1(unique1, unique2, hundred, ten): orbitdb embedded
(orbitdb.connect) against PostgreSQL 15 (psycopg2 over a local socket) in the same run, one
query at a time, best of --repeat; prints both times and the ratio, and checks the answers agree.

    python benchmarks/bench_subqueries.py [--rows 10000] [--repeat 3]

The queries: uncorrelated IN (a hashed semi join), EXISTS correlated on an equality (decorrelated
into a hash of the inner keys), NOT IN (a hashed SubPlan with PostgreSQL's NULL rules) and a
correlated scalar aggregate (grouped once by the correlation key). PostgreSQL runs with its
defaults after ANALYZE; the machine's cores are shared, so figures compare within one run only."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_wire import REPO, PgServer

sys.path.insert(0, str(REPO))

QUERIES = {
    "IN (SELECT ...)": "select count(*) from tenk1 a where unique1 in (select hundred from tenk1 b)",
    "EXISTS correlated": "select count(*) from tenk1 a where exists "
                         "(select 1 from tenk1 b where b.hundred = a.unique1)",
    "NOT IN (SELECT ...)": "select count(*) from tenk1 a where unique1 not in (select hundred from tenk1 b)",
    "scalar max() correlated": "select count(*) from tenk1 a where a.ten = "
                               "(select max(ten) from tenk1 b where b.hundred = a.hundred)",
    "scalar in select list": "select sum((select count(*) from tenk1 b where b.hundred = a.ten)) from tenk1 a",
    "NOT EXISTS correlated": "select count(*) from tenk1 a where not exists "
                             "(select 1 from tenk1 b where b.unique2 = a.unique1 + 5000)",
}


def setup_sql(rows: int) -> list[str]:
    return [
        "create table tenk1 (unique1 int, unique2 int, hundred int, ten int)",
        f"insert into tenk1 select g, (g * 7919) % {rows}, g % 100, g % 10 from generate_series(0, {rows - 1}) g",
    ]


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    best, answer = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        answer = run()
        best = min(best, time.perf_counter() - t0)
    return best, answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import psycopg2

    import orbitdb

    why = PgServer.unavailable()
    if why:
        print(f"PostgreSQL unavailable: {why}")
        return 1
    pg = PgServer()
    tmp = Path(tempfile.mkdtemp(prefix="orbitdb-bench-subq-"))
    try:
        pg.start()
        pconn = psycopg2.connect(pg.dsn)
        pconn.autocommit = True
        pcur = pconn.cursor()
        for sql in setup_sql(args.rows):
            pcur.execute(sql)
        pcur.execute("analyze tenk1")
        oconn = orbitdb.connect(str(tmp / "db"))
        oconn.autocommit = True
        ocur = oconn.cursor()
        for sql in setup_sql(args.rows):
            ocur.execute(sql)

        def on(cur: Any, sql: str) -> Callable[[], Any]:
            def run() -> Any:
                cur.execute(sql)
                return cur.fetchall()
            return run

        print(f"tenk1: {args.rows} rows; best of {args.repeat}")
        print(f"{'query':26} {'orbitdb':>10} {'postgres':>10} {'pg/orbit':>9}")
        for name, sql in QUERIES.items():
            o_t, o_ans = best_of(args.repeat, on(ocur, sql))
            p_t, p_ans = best_of(args.repeat, on(pcur, sql))
            if [tuple(r) for r in o_ans] != [tuple(r) for r in p_ans]:
                print(f"{name}: answers differ: orbitdb {o_ans} postgres {p_ans}")
                return 1
            print(f"{name:26} {o_t * 1000:8.1f}ms {p_t * 1000:8.1f}ms {p_t / o_t:8.2f}x")
        oconn.close()
        pconn.close()
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
