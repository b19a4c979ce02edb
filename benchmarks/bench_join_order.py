"""select5-style joins of 2 to 8 tables (benchmarks/select5_style.py) on orbitdb (embedded) with
the cost-based join order, on orbitdb in the written order (the planner before it, for the
ratio), and on PostgreSQL 15 over psycopg2, in one run. Every engine must return the same rows.

    python benchmarks/bench_join_order.py [--queries 200] [--written-budget 60]

--written-budget caps the seconds spent on the written-order run: the queries it did not reach
are reported as not finished (select5.test did not finish in 60 s that way). Each engine first
runs 40 other queries of the same kind, untimed: orbitdb's first statements import modules (and
compile them where PYTHONDONTWRITEBYTECODE is set), which said nothing about joins."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench_wire import REPO, PgServer
from select5_style import create_statements, queries

sys.path.insert(0, str(REPO))


WARM_UP = 40  # other queries first: the first statements load (and may compile) modules, which is no planning


def run_all(cur: Any, qs: list[str], budget: float | None = None) -> tuple[float, int, list[Counter[Any]]]:
    """(seconds, queries finished, each one's rows as a multiset), after WARM_UP other queries."""
    for q in queries(len(qs) + WARM_UP)[len(qs):]:
        cur.execute(q)
        cur.fetchall()
    results: list[Counter[Any]] = []
    t0 = time.perf_counter()
    for q in qs:
        if budget is not None and time.perf_counter() - t0 > budget:
            break
        cur.execute(q)
        results.append(Counter(tuple(r) for r in cur.fetchall()))
    return time.perf_counter() - t0, len(results), results


def orbitdb_run(qs: list[str], written_order: bool, budget: float | None) -> tuple[float, int, list[Counter[Any]]]:
    import orbitdb
    from orbitdb.sql.plan import planner

    saved = planner.eligible_for_join_order
    if written_order:
        planner.eligible_for_join_order = lambda *a: False  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory(prefix="orbitdb-bench-joins-") as d:
            conn = orbitdb.connect(str(Path(d) / "db"))
            conn.autocommit = True
            cur = conn.cursor()
            for st in create_statements():
                cur.execute(st)
            out = run_all(cur, qs, budget)
            conn.close()
            return out
    finally:
        planner.eligible_for_join_order = saved


def pg_run(qs: list[str]) -> tuple[float, int, list[Counter[Any]]] | None:
    if PgServer.unavailable():
        return None
    import psycopg2

    pg = PgServer()
    pg.start()
    try:
        conn = psycopg2.connect(pg.dsn)
        conn.autocommit = True
        cur = conn.cursor()
        for st in create_statements():
            cur.execute(st)
        cur.execute("ANALYZE")
        out = run_all(cur, qs)
        conn.close()
        return out
    finally:
        pg.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--written-budget", type=float, default=60.0)
    args = ap.parse_args()
    qs = queries(args.queries)
    sizes = Counter(q.split(" FROM ")[1].split(" WHERE ")[0].count(",") + 1 for q in qs)
    print(f"{len(qs)} queries; tables per join: {dict(sorted(sizes.items()))}")
    ours_s, ours_n, ours = orbitdb_run(qs, False, None)
    print(f"orbitdb, cost-based order: {ours_n} queries in {ours_s:.3f} s")
    written_s, written_n, written = orbitdb_run(qs, True, args.written_budget)
    print(f"orbitdb, written order:    {written_n} queries in {written_s:.3f} s"
          + ("" if written_n == len(qs) else f" (stopped after the {args.written_budget:.0f} s budget)"))
    assert written == ours[:written_n], "the written order gave other rows"
    pg = pg_run(qs)
    if pg is None:
        print("PostgreSQL 15: not available")
        return
    pg_s, pg_n, theirs = pg
    assert theirs == ours, "PostgreSQL gave other rows"
    print(f"PostgreSQL 15:             {pg_n} queries in {pg_s:.3f} s")
    print(f"ratio PostgreSQL/orbitdb (cost-based): {pg_s / ours_s:.2f}x")
    per_query_written = written_s / max(written_n, 1)
    print(f"per query: orbitdb {ours_s / len(qs) * 1000:.2f} ms, written order {per_query_written * 1000:.2f} ms, "
          f"PostgreSQL {pg_s / len(qs) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
