"""Peak memory of a big GROUP BY and a big sort, embedded, with work_mem small and large: the
operators keep what fits in work_mem (hash tables: work_mem × hash_mem_multiplier) and spill the
rest to temporary files under the data directory, so peak RSS follows work_mem, not the table.

    python benchmarks/bench_spill_memory.py --rows 1000000 [--rows 10000000] [--dir /tmp/spillbench]

Each query runs in a fresh process (peak RSS is per process): it reports the process's resident
set after opening the database (base), its peak while the query ran, the time, and how many bytes
of temporary files the statement wrote (pg_stat_database.temp_bytes where kept, else the
spill directory's peak is not sampled). Nothing is asserted: this is a measurement."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

QUERIES = {
    # one group per 2 rows: the hash table would hold half the table
    "group_by_high_cardinality": "SELECT count(*) FROM (SELECT k / 2 AS g, count(*), sum(v) FROM big GROUP BY k / 2) s",
    "group_by_low_cardinality": "SELECT k % 100, count(*), sum(v) FROM big GROUP BY k % 100",
    "order_by_whole_table": "SELECT count(*) FROM (SELECT k, v, pad FROM big ORDER BY v, k) s",
    "distinct": "SELECT count(*) FROM (SELECT DISTINCT v FROM big) s",
}


def load(directory: Path, rows: int) -> None:
    import orbitdb

    con = orbitdb.connect(str(directory))
    cur = con.cursor()
    cur.execute("SELECT count(*) FROM pg_class WHERE relname = 'big'")
    if cur.fetchone()[0]:
        cur.execute("SELECT count(*) FROM big")
        if cur.fetchone()[0] == rows:
            con.close()
            return
        cur.execute("DROP TABLE big")
    cur.execute("CREATE TABLE big (k bigint PRIMARY KEY, v int, pad text)")
    con.commit()
    step = 500_000
    for lo in range(0, rows, step):
        hi = min(rows, lo + step) - 1
        cur.execute(f"INSERT INTO big SELECT g, (g::bigint * 7919) % 1000003, 'pad' || g FROM generate_series({lo}, {hi}) g")
        con.commit()
    con.close()


def run_one(directory: str, work_mem: str, sql: str) -> dict[str, float]:
    """In the child: open, note the base RSS, run the query, report."""
    import orbitdb

    con = orbitdb.connect(directory)
    cur = con.cursor()
    cur.execute(f"SET work_mem = '{work_mem}'")
    base = _rss_now()
    start = time.perf_counter()
    cur.execute(sql)
    result_rows = len(cur.fetchall())
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    con.close()
    return {"base_mib": base / 2**20, "peak_mib": peak / 2**20, "seconds": seconds, "result_rows": result_rows}


def _rss_now() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, action="append")
    ap.add_argument("--dir", default="/tmp/spillbench")
    ap.add_argument("--work-mem", action="append", default=None)
    ap.add_argument("--child", nargs=3, metavar=("DIR", "WORK_MEM", "QUERY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        directory, work_mem, name = args.child
        print(json.dumps(run_one(directory, work_mem, QUERIES[name])))
        return
    print(f"{'rows':>10} {'query':<28} {'work_mem':>8} {'base MiB':>9} {'peak MiB':>9} {'seconds':>8}")
    for rows in args.rows or [1_000_000]:
        directory = Path(args.dir) / f"rows{rows}"
        t = time.perf_counter()
        load(directory, rows)
        print(f"# loaded {rows} rows in {time.perf_counter() - t:.1f} s", flush=True)
        for name in QUERIES:
            for work_mem in args.work_mem or ["4MB", "64MB"]:
                out = subprocess.run([sys.executable, __file__, "--child", str(directory), work_mem, name],
                                     capture_output=True, text=True, check=True)
                r = json.loads(out.stdout)
                print(f"{rows:>10} {name:<28} {work_mem:>8} {r['base_mib']:9.1f} {r['peak_mib']:9.1f} "
                      f"{r['seconds']:8.2f}", flush=True)


if __name__ == "__main__":
    main()
