"""Peak memory of a big GROUP BY and a big sort, embedded, with work_mem small and large: the
operators keep what fits in work_mem (hash tables: work_mem × hash_mem_multiplier) and spill the
rest to temporary files under the data directory, so peak RSS follows work_mem, not the table.

    python benchmarks/bench_spill_memory.py --rows 1000000 [--rows 10000000] [--dir /tmp/spillbench]
        [--work-mem 4MB --work-mem 64MB] [--query NAME ...] [--postgres]

Each query runs in a fresh process (peak RSS is per process): it reports the process's resident
set after opening the database (base), its peak above that while the query ran, the wall and CPU
time, and the bytes of temporary files the statement wrote (pg_stat_database.temp_bytes).
--postgres loads the same rows into a PostgreSQL 15 started for the run and runs the same queries
with the same work_mem, each on a fresh connection: its time, its backend's peak RSS above the
backend's RSS at connection (VmHWM - VmRSS; it counts the shared buffers the backend touched)
and temp_bytes. Nothing is asserted: this is a measurement."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

QUERIES = {
    # one group per 2 rows: the hash table would hold half the table
    "group_by_high_cardinality": "SELECT count(*) FROM (SELECT k / 2 AS g, count(*), sum(v) FROM big GROUP BY k / 2) s",
    # a plain column: batch execution while the groups fit hash_mem, row at a time past it
    "group_by_column": "SELECT count(*) FROM (SELECT v, count(*), sum(k) FROM big GROUP BY v) s",
    "group_by_low_cardinality": "SELECT k % 100, count(*), sum(v) FROM big GROUP BY k % 100",
    "order_by_whole_table": "SELECT count(*) FROM (SELECT k, v, pad FROM big ORDER BY v, k) s",
    "order_by_limit": "SELECT k, pad FROM big ORDER BY v DESC, k LIMIT 100",
    "distinct": "SELECT count(*) FROM (SELECT DISTINCT v FROM big) s",
}
DDL = "CREATE TABLE big (k bigint PRIMARY KEY, v int, pad text)"


def insert_sql(lo: int, hi: int) -> str:
    return f"INSERT INTO big SELECT g, (g::bigint * 7919) % 1000003, 'pad' || g FROM generate_series({lo}, {hi}) g"


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
    cur.execute(DDL)
    con.commit()
    step = 500_000
    for lo in range(0, rows, step):
        cur.execute(insert_sql(lo, min(rows, lo + step) - 1))
        con.commit()
    con.close()


def run_one(directory: str, work_mem: str, sql: str) -> dict[str, float]:
    """In the child: open, note the base RSS, run the query, report."""
    import orbitdb

    con = orbitdb.connect(directory)
    cur = con.cursor()
    cur.execute(f"SET work_mem = '{work_mem}'")
    base = _rss_now()
    start, cpu = time.perf_counter(), time.process_time()
    cur.execute(sql)
    result_rows = len(cur.fetchall())
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    cur.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()")
    temp = cur.fetchone()[0] or 0
    con.close()
    return {"base_mib": base / 2**20, "above_mib": (peak - base) / 2**20, "seconds": seconds, "cpu": cpu,
            "temp_mib": temp / 2**20, "result_rows": result_rows}


def start_postgres(rows: int) -> object:
    """A PostgreSQL 15 for the run, the same table loaded and analyzed."""
    from bench_wire import PgServer, connect

    server = PgServer()
    server.start()
    con = connect(server.dsn)
    cur = con.cursor()
    cur.execute(DDL)
    step = 1_000_000
    for lo in range(0, rows, step):
        cur.execute(insert_sql(lo, min(rows, lo + step) - 1))
    cur.execute("VACUUM ANALYZE big")
    con.close()
    return server


def run_postgres(server: object, work_mem: str, sql: str) -> dict[str, float]:
    from bench_wire import connect

    con = connect(server.dsn)  # type: ignore[attr-defined]
    cur = con.cursor()
    cur.execute(f"SET work_mem = '{work_mem}'")
    cur.execute("SELECT pg_backend_pid()")
    pid = cur.fetchone()[0]
    cur.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()")
    temp0 = cur.fetchone()[0]
    base = vm_kib(pid, "VmRSS") * 1024
    start = time.perf_counter()
    cur.execute(sql)
    result_rows = len(cur.fetchall())
    seconds = time.perf_counter() - start
    peak = vm_kib(pid, "VmHWM") * 1024
    time.sleep(0.6)  # the backend reports its statistics at most every 500 ms
    cur.execute("SELECT pg_stat_clear_snapshot()")
    cur.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()")
    temp = cur.fetchone()[0] - temp0
    con.close()
    return {"above_mib": (peak - base) / 2**20, "seconds": seconds, "temp_mib": temp / 2**20,
            "result_rows": result_rows}


def vm_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _rss_now() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, action="append")
    ap.add_argument("--dir", default="/tmp/spillbench")
    ap.add_argument("--work-mem", action="append", default=None)
    ap.add_argument("--child", nargs=3, metavar=("DIR", "WORK_MEM", "QUERY"), help=argparse.SUPPRESS)
    ap.add_argument("--query", action="append", choices=sorted(QUERIES))
    ap.add_argument("--postgres", action="store_true", help="the same queries on a PostgreSQL 15 of the run")
    args = ap.parse_args()
    if args.child:
        directory, work_mem, name = args.child
        print(json.dumps(run_one(directory, work_mem, QUERIES[name])))
        return
    print(f"# load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    print(f"{'rows':>10} {'query':<26} {'work_mem':>8} {'engine':<8} {'above MiB':>9} {'wall s':>8} {'cpu s':>7} "
          f"{'temp MiB':>8} {'x PG':>6}")
    for rows in args.rows or [1_000_000]:
        directory = Path(args.dir) / f"rows{rows}"
        t = time.perf_counter()
        load(directory, rows)
        print(f"# loaded {rows} rows in {time.perf_counter() - t:.1f} s", flush=True)
        pg = start_postgres(rows) if args.postgres else None
        try:
            for name in args.query or list(QUERIES):
                for work_mem in args.work_mem or ["4MB", "64MB"]:
                    out = subprocess.run([sys.executable, __file__, "--child", str(directory), work_mem, name],
                                         capture_output=True, text=True, check=True)
                    r = json.loads(out.stdout)
                    p = run_postgres(pg, work_mem, QUERIES[name]) if pg is not None else None
                    ratio = f"{p['seconds'] / r['seconds']:6.3f}" if p else ""
                    print(f"{rows:>10} {name:<26} {work_mem:>8} {'orbitdb':<8} {r['above_mib']:9.1f} "
                          f"{r['seconds']:8.2f} {r['cpu']:7.2f} {r['temp_mib']:8.1f} {ratio}", flush=True)
                    if p:
                        print(f"{rows:>10} {name:<26} {work_mem:>8} {'postgres':<8} {p['above_mib']:9.1f} "
                              f"{p['seconds']:8.2f} {'':>7} {p['temp_mib']:8.1f}", flush=True)
                    if p and p["result_rows"] != r["result_rows"]:
                        print(f"# {name}: {r['result_rows']} rows here, {p['result_rows']} on PostgreSQL")
        finally:
            if pg is not None:
                pg.stop()  # type: ignore[attr-defined]
    print(f"# load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)


if __name__ == "__main__":
    main()
