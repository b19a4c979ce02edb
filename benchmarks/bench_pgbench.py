"""pgbench against `orbitdb serve` and PostgreSQL 15 in one run, optionally also against an older
orbitdb commit (to show what a change costs): TPC-B-like transactions (pgbench's default script)
with durable commits (fsync on both sides), or with --select-only pgbench's -S script (one primary
key SELECT per transaction), at each client count and protocol mode, plus the check that matters
more than speed: afterwards sum(abalance) = sum(bbalance) = sum(tbalance) = sum(pgbench_history.delta).

    python benchmarks/bench_pgbench.py [--scale 1] [--seconds 10] [--clients 1,8] [--mode prepared]
                                       [--select-only] [--baseline <git rev>] [--repeat 1]
    python benchmarks/bench_pgbench.py --select-only --mode simple,prepared --profile 5000

--mode takes a comma-separated list (simple, extended, prepared): each is a column group of one run.
--profile N runs no comparison: it serves from this process, each connection's thread under
cProfile, runs N transactions of one pgbench client per mode, and prints the server's Python calls
per transaction (they do not depend on how busy the machine is) and its top functions.

--baseline checks the revision out into a temporary git worktree, builds its C core there and
runs its server from it, in the same run as this checkout's. Each cell runs pgbench -n (no vacuum)
after a fresh `pgbench -i -s SCALE`; the best of --repeat runs is kept. The machine has 2 cores
shared by pgbench and the server, so the figures are for comparing within one run only.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_wire import PG_BINDIR, REPO, OrbitServer, PgServer, Server, connect

PGBENCH = str(PG_BINDIR / "pgbench")


class OrbitAt(OrbitServer):
    """`orbitdb serve` run from a given checkout."""

    def __init__(self, repo: Path, label: str) -> None:
        self.name = label
        self.repo = repo
        super().__init__()


def baseline_checkout(rev: str) -> Path:
    where = Path(tempfile.mkdtemp(prefix="orbitdb-baseline-")) / "src"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(where), rev], check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace", "-q"], cwd=where, check=True,
                   capture_output=True)
    return where


def pgbench_args(server: Server) -> list[str]:
    dsn = dict(part.split("=", 1) for part in server.dsn.split())
    return ["-h", dsn["host"], "-p", dsn["port"], "-U", dsn["user"], dsn["dbname"]]


def initialise(server: Server, scale: int) -> None:
    subprocess.run([PGBENCH, "-i", "-q", "-s", str(scale), *pgbench_args(server)], check=True, capture_output=True)


def run(server: Server, clients: int, seconds: int, mode: str, select_only: bool = False) -> tuple[float, int]:
    """(tps, failed transactions)."""
    script = ["-S"] if select_only else []
    done = subprocess.run([PGBENCH, "-n", *script, "-c", str(clients), "-j", str(min(clients, 2)), "-T",
                           str(seconds), "-M", mode, *pgbench_args(server)], check=False, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench against {server.name} failed: {done.stderr[-2000:]}")
    out = done.stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"number of failed transactions: (\d+)", out)
    return tps, int(failed.group(1)) if failed else 0


def sums(server: Server) -> tuple[int, ...]:
    con = connect(server.dsn)
    cur = con.cursor()
    cur.execute("SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(bbalance) FROM pgbench_branches), "
                "(SELECT sum(tbalance) FROM pgbench_tellers), (SELECT coalesce(sum(delta), 0) FROM pgbench_history)")
    row = cur.fetchone()
    con.close()
    return tuple(int(v or 0) for v in row)


def profile(scale: int, transactions: int, modes: list[str], select_only: bool, top: int) -> None:
    """Serves from this process, each connection's thread under its own cProfile; one pgbench
    client per mode runs `transactions` transactions; prints calls per transaction and the top
    functions of each mode's profile."""
    import pstats
    import threading

    from profiling_server import start_profiling_server

    from orbitdb.sql.cluster.cluster import Cluster
    from orbitdb.sql.cluster.registry import DEFAULT_DATABASE

    tmp = Path(tempfile.mkdtemp(prefix="orbitdb-bench-pgbench-profile-"))
    cluster = Cluster.open(str(tmp / "data"), {})
    cluster.open_database(DEFAULT_DATABASE)
    server = start_profiling_server(cluster)
    holder = Server.__new__(Server)
    holder.name = "orbitdb"
    holder.dsn = f"host=127.0.0.1 port={server.port} user=bench dbname=postgres"
    script = ["-S"] if select_only else []
    try:
        initialise(holder, scale)
        for mode in modes:
            server.profiles.clear()
            server.active = True
            done = subprocess.run([PGBENCH, "-n", *script, "-c", "1", "-t", str(transactions), "-M", mode,
                                   *pgbench_args(holder)], check=False, capture_output=True, text=True)
            server.active = False
            if done.returncode != 0:
                raise RuntimeError(f"pgbench failed: {done.stderr[-2000:]}")
            deadline = time.monotonic() + 10
            while threading.active_count() > 2 and time.monotonic() < deadline:  # its connection ending
                time.sleep(0.05)
            stats = pstats.Stats(*server.profiles, stream=sys.stdout)
            calls = stats.total_calls / transactions  # type: ignore[attr-defined]
            seconds = stats.total_tt / transactions  # type: ignore[attr-defined]
            print(f"-M {mode}: {calls:.0f} Python calls and {seconds * 1e6:.0f} us (under cProfile) per "
                  f"transaction, {transactions} transactions of {'-S' if select_only else 'TPC-B'}")
            stats.sort_stats("tottime").print_stats(top)
            stats.sort_stats("cumulative").print_stats(top)
    finally:
        server.request_stop()
        server.close()
        cluster.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", default="1,8")
    ap.add_argument("--mode", default="prepared", help="comma-separated, of: simple, extended, prepared")
    ap.add_argument("--select-only", action="store_true", help="pgbench -S (one primary-key SELECT each)")
    ap.add_argument("--baseline", help="an older orbitdb revision to run beside this checkout")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--profile", type=int, metavar="TRANSACTIONS", help="count the server's calls instead")
    ap.add_argument("--top", type=int, default=25, help="functions printed by --profile")
    args = ap.parse_args(argv)
    clients = [int(c) for c in args.clients.split(",")]
    modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    for m in modes:
        if m not in ("simple", "extended", "prepared"):
            ap.error(f"unknown mode {m!r}")
    if args.profile:
        profile(args.scale, args.profile, modes, args.select_only, args.top)
        return 0
    servers: list[Server] = [OrbitAt(REPO, "orbitdb")]
    base_dir = None
    if args.baseline:
        base_dir = baseline_checkout(args.baseline)
        servers.append(OrbitAt(base_dir, f"orbitdb@{args.baseline[:10]}"))
    if PgServer.unavailable() is None:
        servers.append(PgServer())
    results: dict[tuple[str, str, int], tuple[float, int, bool]] = {}
    try:
        for _ in range(args.repeat):
            for server in servers:
                server.start()
                try:
                    if args.select_only:
                        initialise(server, args.scale)  # read only: one load serves every cell
                    for mode in modes:
                        for n in clients:
                            if not args.select_only:
                                initialise(server, args.scale)
                            tps, failed = run(server, n, args.seconds, mode, args.select_only)
                            a, b, t, d = sums(server)
                            consistent = a == b == t == d
                            best = results.get((server.name, mode, n))
                            if best is None or tps > best[0]:
                                results[(server.name, mode, n)] = (tps, failed, consistent)
                            if not consistent:
                                print(f"!! {server.name} -M {mode} -c {n}: sums differ: accounts {a}, branches {b}, "
                                      f"tellers {t}, history {d}", file=sys.stderr)
                finally:
                    server.stop()
                    if isinstance(server, OrbitAt):
                        servers[servers.index(server)] = OrbitAt(server.repo, server.name)
                    else:
                        servers[servers.index(server)] = PgServer()
    finally:
        if base_dir is not None:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base_dir)],
                           capture_output=True, check=False)
            shutil.rmtree(base_dir.parent, ignore_errors=True)
    names = [s.name for s in servers]
    what = "select-only (-S)" if args.select_only else "TPC-B"
    print(f"pgbench {what}, scale {args.scale}, {args.seconds:g} s per cell, best of {args.repeat}; "
          "fsync on everywhere")
    for mode in modes:
        header = f"{'-M ' + mode:<12}{'clients':>8}" + "".join(f"{n:>24}" for n in names)
        if "postgres" in names:
            header += f"{'orbitdb/postgres':>18}"
        print(header)
        for n in clients:
            line = f"{'':<12}{n:>8}"
            for name in names:
                tps, failed, ok = results[(name, mode, n)]
                line += f"{tps:>14,.0f} tps{'' if ok else ' SUMS!'}{f' {failed} failed' if failed else '':>7}"
            if "postgres" in names:
                line += f"{results[('orbitdb', mode, n)][0] / results[('postgres', mode, n)][0]:>17.2f}x"
            print(line)
    return 0 if all(ok for _, _, ok in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
