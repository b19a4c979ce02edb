"""The SQL layer at scale: `orbitdb serve` and PostgreSQL 15 in the same run, each with an N-row
table loaded through COPY, then point selects and a GROUP BY, with the server's peak RSS.

    python benchmarks/bench_sql_scale.py --rows 1000000,10000000 [--selects 20000] [--targets orbitdb,postgres]

For each N and each server (a fresh one, default settings; PostgreSQL with fsync on):
  copy         COPY t FROM STDIN of N rows (ascending ids, as a dump loads them) through psycopg2,
               the rows made on the fly (the client holds none of them); rows/s
  point        --selects `SELECT ... FROM t WHERE id = %s` of random ids, one client; selects/s
  group by     `SELECT grp, count(*), sum(amount) FROM t GROUP BY grp` (100 groups); seconds,
               and the result must be the same on both servers
  peak RSS     the server process's VmHWM (PostgreSQL: the largest of its processes, the backend
               that did the work, which counts the shared buffers it touched), and its RSS before
               the load
  disk         bytes of the data directory after the load (orbitdb: after its compactions settle;
               PostgreSQL: table + primary key index, pg_total_relation_size)
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_wire import OrbitServer, PgServer, Server, connect

DDL = "CREATE TABLE t (id bigint PRIMARY KEY, grp integer NOT NULL, name text NOT NULL, amount numeric(12,2) NOT NULL)"
GROUP_SQL = "SELECT grp, count(*), sum(amount) FROM t GROUP BY grp ORDER BY grp"
POINT_SQL = "SELECT id, grp, name, amount FROM t WHERE id = %s"


class RowSource(io.RawIOBase):
    """COPY text of rows 1..n, made as psycopg2 reads it."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.next_id = 1
        self.pending = b""

    def readable(self) -> bool:
        return True

    def _chunk(self, rows: int) -> bytes:
        end = min(self.next_id + rows, self.n + 1)
        out = b"".join(
            b"%d\t%d\tname-%d\t%d.%02d\n" % (i, i % 100, i * 7919 % 1000003, i % 100000, i % 100)
            for i in range(self.next_id, end)
        )
        self.next_id = end
        return out

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self.pending) < size) and self.next_id <= self.n:
            self.pending += self._chunk(2000)
        if size < 0:
            size = len(self.pending)
        out, self.pending = self.pending[:size], self.pending[size:]
        return out


def vm_kib(pid: int, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss(server: Server) -> int:
    return max((vm_kib(pid, "VmHWM") for pid in server.pids()), default=0) * 1024


def current_rss(server: Server) -> int:
    return max((vm_kib(pid, "VmRSS") for pid in server.pids()), default=0) * 1024


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@dataclass
class Result:
    target: str
    rows: int
    copy_rows_s: float = 0.0
    point_s: float = 0.0
    group_by_s: float = 0.0
    peak_rss: int = 0
    peak_rss_copy: int = 0  # VmHWM right after the COPY
    base_rss: int = 0
    disk: int = 0
    groups: list[Any] = field(default_factory=list)


def run_one(server: Server, rows: int, selects: int) -> Result:
    result = Result(server.name, rows)
    con = connect(server.dsn)
    cur = con.cursor()
    result.base_rss = current_rss(server)
    cur.execute(DDL)
    start = time.perf_counter()
    cur.copy_expert("COPY t (id, grp, name, amount) FROM STDIN", RowSource(rows), size=1 << 16)
    result.copy_rows_s = rows / (time.perf_counter() - start)
    result.peak_rss_copy = peak_rss(server)
    print(f"{server.name:>9} {rows:>11,} copy {result.copy_rows_s:>10,.0f} rows/s", file=sys.stderr, flush=True)

    rnd = random.Random(5).randrange
    start = time.perf_counter()
    for _ in range(selects):
        cur.execute(POINT_SQL, (rnd(rows) + 1,))
        if cur.fetchone() is None:
            raise AssertionError("point select found nothing")
    result.point_s = selects / (time.perf_counter() - start)
    print(f"{server.name:>9} {rows:>11,} point {result.point_s:>10,.0f} selects/s", file=sys.stderr, flush=True)

    start = time.perf_counter()
    cur.execute(GROUP_SQL)
    result.groups = [(g, c, str(s)) for g, c, s in cur.fetchall()]
    result.group_by_s = time.perf_counter() - start
    print(f"{server.name:>9} {rows:>11,} group by {result.group_by_s:.2f} s", file=sys.stderr, flush=True)
    if len(result.groups) != 100 or sum(c for _, c, _ in result.groups) != rows:
        raise AssertionError(f"GROUP BY: {len(result.groups)} groups")
    result.peak_rss = peak_rss(server)
    if isinstance(server, PgServer):
        cur.execute("SELECT pg_total_relation_size('t')")
        result.disk = int(cur.fetchone()[0])
    con.close()
    if isinstance(server, OrbitServer):
        result.disk = dir_bytes(server.tmp / "data")
    return result


def mib(n: int) -> str:
    return f"{n / 1048576:,.0f} MiB"


def report(results: list[Result]) -> str:
    lines = []
    sizes = sorted({r.rows for r in results})
    targets = list(dict.fromkeys(r.target for r in results))
    by = {(r.target, r.rows): r for r in results}
    header = ["rows", *[f"{t}" for t in targets], *(["orbitdb/postgres"] if len(targets) == 2 else [])]
    lines.append(" | ".join(header))
    metrics = [
        ("COPY rows/s", lambda r: f"{r.copy_rows_s:,.0f}", lambda a, b: a.copy_rows_s / b.copy_rows_s),
        ("point selects/s", lambda r: f"{r.point_s:,.0f}", lambda a, b: a.point_s / b.point_s),
        ("GROUP BY s", lambda r: f"{r.group_by_s:.2f}", lambda a, b: b.group_by_s / a.group_by_s),
        ("peak RSS after COPY", lambda r: mib(r.peak_rss_copy), None),
        ("peak RSS", lambda r: mib(r.peak_rss), None),
        ("RSS before load", lambda r: mib(r.base_rss), None),
        ("disk after load", lambda r: mib(r.disk), None),
    ]
    for n in sizes:
        for name, show, ratio in metrics:
            row = [f"{n:,} {name}"]
            cells = [by.get((t, n)) for t in targets]
            row += [show(c) if c else "" for c in cells]
            if len(targets) == 2 and ratio and all(cells):
                row.append(f"{ratio(cells[0], cells[1]):.2f}x")
            lines.append(" | ".join(row))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="1000000,10000000")
    parser.add_argument("--selects", type=int, default=20000)
    parser.add_argument("--targets", default="orbitdb,postgres")
    args = parser.parse_args(argv)
    classes = {"orbitdb": OrbitServer, "postgres": PgServer}
    results: list[Result] = []
    for rows in [int(x) for x in args.rows.split(",")]:
        for target in args.targets.split(","):
            server = classes[target]()
            server.start()
            try:
                results.append(run_one(server, rows, args.selects))
            finally:
                server.stop()
        same = {tuple(r.groups) for r in results if r.rows == rows}
        if len(same) > 1:
            raise AssertionError(f"GROUP BY results differ between servers at {rows:,} rows")
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
