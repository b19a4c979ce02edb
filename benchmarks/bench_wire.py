"""Wire-protocol benchmark: psycopg2 over loopback against `orbitdb serve` and a real PostgreSQL 15.

The script starts both servers itself, each on a free port with a temporary data directory:
  orbitdb      `python -m orbitdb serve --host 127.0.0.1 --port P --data-dir D --log-level warning`
               (this checkout's code); fsync=on and synchronous_commit=on (the defaults: the
               write-ahead log is fsynced at every commit)
  postgres     PostgreSQL 15 from /usr/lib/postgresql/15/bin (initdb into a temp dir, pg_ctl as the
               `postgres` OS user when run as root), fsync=on, synchronous_commit=on, other settings
               default
  postgres-async  the same PostgreSQL server, each session `SET synchronous_commit = off` (commits
               are not waited for: a reference column, not durable)
The settings are read back from each server (SHOW fsync, SHOW synchronous_commit) into the header.

Workloads, every statement its own autocommitted transaction (inserts are durable commits):
  point_select  SELECT id, k, name, amount, created FROM kv WHERE id = %s, random ids, fetchone
                (kv holds --table-rows rows, default 100,000, same columns as bench_sql's items)
  insert        INSERT INTO ins (id, k, name, amount, created) VALUES (%s, %s, %s, %s, %s), one row
                (ins: the same columns, a primary key and an index on k, as kv has)
Each runs with 1 and with 8 concurrent clients, one client per process (no client-side GIL), for
--seconds (default 10) after a synchronized start; throughput is all clients' operations / duration.
With --repeat R every cell runs R times, round-robin over the targets, and keeps its best run (the
machine may be shared: the tables also show how busy other processes kept it, and mark with ! the
cells measured while they used more than a quarter of a core).
The clients share the machine's cores with the server (2 cores here), as they would on one host.
Besides ops/s the script prints latency percentiles and the server's CPU time per operation (all
of the server's processes, from /proc through psutil).

    PYTHONPATH=. python benchmarks/bench_wire.py [--seconds 10] [--clients 1,8] [--targets ...]
    PYTHONPATH=. python benchmarks/bench_wire.py --profile point_select   # cProfile of orbitdb's server
or, lighter (one in-process client, fixed batches, one group per workload):
    PYTHONPATH=. pytest benchmarks/bench_wire.py --benchmark-only
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import math
import multiprocessing as mp
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PG_BINDIR = Path(os.environ.get("ORBITDB_BENCH_PG_BINDIR", "/usr/lib/postgresql/15/bin"))
TARGETS = ("orbitdb", "postgres", "postgres-async")
WORKLOADS = ("point_select", "insert")
DEFAULT_TABLE_ROWS = 100_000
EPOCH = datetime.date(2020, 1, 1)
KV_DDL = (
    "CREATE TABLE {t} (id bigint PRIMARY KEY, k integer NOT NULL, name text NOT NULL, "
    "amount numeric(12,2) NOT NULL, created date NOT NULL)"
)
POINT_SQL = "SELECT id, k, name, amount, created FROM kv WHERE id = %s"
INSERT_SQL = "INSERT INTO ins (id, k, name, amount, created) VALUES (%s, %s, %s, %s, %s)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def connect(dsn: str) -> Any:
    import psycopg2

    con = psycopg2.connect(dsn)
    con.autocommit = True
    return con


def wait_for(dsn: str, proc: subprocess.Popen[bytes] | None, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(
                f"server exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}"
            )
        try:
            connect(dsn).close()
            return
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = exc
            time.sleep(0.1)
    raise RuntimeError(f"server did not accept connections within {timeout} s: {last}")


# --------------------------------------------------------------------------- servers


class Server:
    name = ""
    session_sql: tuple[str, ...] = ()  # run by every client after connecting

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix=f"orbitdb-bench-{self.name}-"))
        self.port = free_port()
        self.dsn = ""

    def start(self) -> None:
        raise NotImplementedError

    def pids(self) -> list[int]:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def cpu_seconds(self) -> float | None:
        """user + system CPU of the server's processes so far (None without psutil)."""
        try:
            import psutil
        except ImportError:
            return None
        total = 0.0
        for pid in self.pids():
            with contextlib.suppress(psutil.Error):
                t = psutil.Process(pid).cpu_times()
                total += t.user + t.system
        return total


class OrbitServer(Server):
    name = "orbitdb"
    repo = REPO  # the checkout whose code the server runs

    def start(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.repo), env.get("PYTHONPATH")]))
        self.log = self.tmp / "server.log"
        cmd = [
            sys.executable, "-m", "orbitdb", "serve", "--host", "127.0.0.1", "--port", str(self.port),
            "--data-dir", str(self.tmp / "data"), "--log-level", "warning",
        ]  # fmt: skip
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.tmp)
        self.dsn = f"host=127.0.0.1 port={self.port} user=bench dbname=postgres"
        try:
            wait_for(self.dsn, self.proc, 60, self.log)
        except Exception:
            self.stop()
            raise

    def pids(self) -> list[int]:
        return [self.proc.pid]

    def stop(self) -> None:
        if getattr(self, "proc", None) is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


class PgServer(Server):
    name = "postgres"

    @staticmethod
    def unavailable() -> str | None:
        for binary in ("initdb", "pg_ctl", "postgres"):
            if not (PG_BINDIR / binary).exists():
                return f"{PG_BINDIR / binary} not found"
        if os.geteuid() == 0 and not shutil.which("runuser"):
            return "running as root without runuser"
        return None

    def _as_owner(self, cmd: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *cmd]
        return cmd

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres", "postgres")
        data, self.log = self.tmp / "data", self.tmp / "server.log"
        initdb = [str(PG_BINDIR / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        self._run([*initdb, "--no-locale", "--no-sync"])
        options = (
            f"-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=on "
            "-c synchronous_commit=on -c max_connections=50"
        )
        pg_ctl = [str(PG_BINDIR / "pg_ctl"), "-D", str(data), "-l", str(self.log), "-w", "-t", "60"]
        self._run([*pg_ctl, "-o", options, "start"])
        self.data = data
        self.dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        wait_for(self.dsn, None, 30, self.log)

    def _run(self, cmd: list[str]) -> None:
        done = subprocess.run(
            self._as_owner(cmd), check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.tmp
        )
        if done.returncode != 0:
            raise RuntimeError(f"{Path(cmd[0]).name} failed: {done.stdout.decode(errors='replace')[-2000:]}")

    def pids(self) -> list[int]:
        try:
            import psutil
        except ImportError:
            return []
        try:
            postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
            parent = psutil.Process(postmaster)
            return [postmaster, *(c.pid for c in parent.children(recursive=True))]
        except (OSError, ValueError, psutil.Error):
            return []

    def stop(self) -> None:
        if getattr(self, "data", None) is not None:
            subprocess.run(
                self._as_owner([str(PG_BINDIR / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(self.tmp, ignore_errors=True)


@dataclass
class Target:
    """A column of the table: a server and what each client session sets."""

    name: str
    server: Server
    session_sql: tuple[str, ...] = ()


def prepare(server: Server, table_rows: int) -> None:
    """Creates kv (loaded) and ins on a server (untimed)."""
    con = connect(server.dsn)
    cur = con.cursor()
    for table in ("kv", "ins"):
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        cur.execute(KV_DDL.format(t=table))
        cur.execute(f"CREATE INDEX {table}_k ON {table} (k)")
    kmod = max(1, table_rows // 10)
    cur.execute("BEGIN")
    cur.execute(
        f"INSERT INTO kv SELECT x, (x * 37) % {kmod}, 'name-' || x, CAST((x % 100000) / 100.0 AS NUMERIC(12,2)), "
        f"DATE '2020-01-01' + (x % 1000) FROM generate_series(0, {table_rows - 1}) AS g(x)"
    )
    cur.execute("COMMIT")
    cur.execute("SELECT count(*) FROM kv")
    assert cur.fetchone()[0] == table_rows
    with contextlib.suppress(Exception):
        cur.execute("ANALYZE")  # PostgreSQL plans from statistics; harmless elsewhere
    con.close()


def show_settings(target: Target) -> dict[str, str]:
    """fsync and synchronous_commit as a client session of the target sees them."""
    con = connect(target.server.dsn)
    cur = con.cursor()
    for sql in target.session_sql:
        cur.execute(sql)
    settings = {}
    for name in ("fsync", "synchronous_commit"):
        try:
            cur.execute(f"SHOW {name}")
            settings[name] = str(cur.fetchone()[0])
        except Exception as exc:  # noqa: BLE001 - report what the server said
            settings[name] = f"? ({type(exc).__name__})"
    con.close()
    return settings


# --------------------------------------------------------------------------- clients


def operation(workload: str, cur: Any, table_rows: int, seed: int, id_base: int) -> Callable[[int], None]:
    rng = random.Random(seed)
    if workload == "point_select":
        ids = [rng.randrange(table_rows) for _ in range(50_000)]

        def point(i: int) -> None:
            cur.execute(POINT_SQL, (ids[i % len(ids)],))
            if cur.fetchone() is None:
                raise AssertionError("point select found nothing")

        return point
    if workload == "insert":
        kmod = max(1, table_rows // 10)

        def insert(i: int) -> None:
            x = id_base + i
            day = EPOCH + datetime.timedelta(days=x % 1000)
            cur.execute(INSERT_SQL, (x, (x * 37) % kmod, f"name-{x}", Decimal(x % 100000).scaleb(-2), day))

        return insert
    raise ValueError(f"unknown workload {workload!r}")


@dataclass
class ClientJob:
    dsn: str
    session_sql: tuple[str, ...]
    workload: str
    table_rows: int
    seed: int
    id_base: int  # first id this client inserts (unique across the run)
    duration: float


def client_main(job: ClientJob, ready: Any, go: Any, start_at: Any, results: Any, done: Any) -> None:
    """One client process: connect, warm up, wait for the common start, run for the duration."""
    try:
        con = connect(job.dsn)
        cur = con.cursor()
        for sql in job.session_sql:
            cur.execute(sql)
        op = operation(job.workload, cur, job.table_rows, job.seed, job.id_base)
        warm = 20
        for i in range(warm):
            op(i)
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        ready.put(f"{type(exc).__name__}: {exc}")
        return
    ready.put("ok")
    go.wait()
    begin = start_at.value
    end = begin + job.duration
    while time.monotonic() < begin:
        pass
    ops = 0
    lat: list[float] = []
    error = ""
    clock = time.monotonic
    cpu0 = time.process_time()
    t0 = clock()
    try:
        while t0 < end:
            op(warm + ops)
            t1 = clock()
            lat.append(t1 - t0)
            ops += 1
            t0 = t1
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        error = f"{type(exc).__name__}: {exc}"
    results.put((ops, time.process_time() - cpu0, lat, error))
    done.wait(60)
    con.close()


@dataclass
class Measurement:
    clients: int
    ops: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    server_cpu: float | None = None
    background: float | None = None  # cores kept busy by processes other than server and clients
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.ops / self.seconds if self.seconds > 0 else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        s = sorted(self.latencies)
        return s[min(len(s) - 1, int(p / 100 * len(s)))]

    @property
    def cpu_us_per_op(self) -> float | None:
        if self.server_cpu is None or not self.ops:
            return None
        return self.server_cpu / self.ops * 1e6


_RUN_COUNTER = [0]


def run_clients(target: Target, workload: str, clients: int, seconds: float, table_rows: int) -> Measurement:
    ctx = mp.get_context("spawn")
    ready, results = ctx.Queue(), ctx.Queue()
    go, done = ctx.Event(), ctx.Event()
    start_at = ctx.Value("d", 0.0)
    _RUN_COUNTER[0] += 1
    run = _RUN_COUNTER[0]
    jobs = [
        ClientJob(
            dsn=target.server.dsn,
            session_sql=target.session_sql,
            workload=workload,
            table_rows=table_rows,
            seed=1000 * run + c,
            id_base=(run * 100 + c) * 10**9,
            duration=seconds,
        )
        for c in range(clients)
    ]
    procs = [ctx.Process(target=client_main, args=(j, ready, go, start_at, results, done)) for j in jobs]
    for p in procs:
        p.start()
    errors = []
    try:
        for _ in procs:
            status = ready.get(timeout=120)
            if status != "ok":
                errors.append(status)
        if errors:
            raise RuntimeError(f"{target.name} {workload}: client failed to start: {errors[0]}")
        start_at.value = time.monotonic() + 0.2
        cpu0 = target.server.cpu_seconds()
        busy0, wall0 = system_busy_seconds(), time.monotonic()
        go.set()
        out = [results.get(timeout=seconds + 120) for _ in procs]
        cpu1 = target.server.cpu_seconds()
        busy1, wall1 = system_busy_seconds(), time.monotonic()
    finally:
        go.set()
        done.set()
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
                p.join()
    m = Measurement(clients=clients, ops=sum(o[0] for o in out), seconds=seconds)
    for _, _, lat, error in out:
        m.latencies.extend(lat)
        if error:
            m.errors.append(error)
    if cpu0 is not None and cpu1 is not None:
        m.server_cpu = cpu1 - cpu0
        if busy0 is not None and busy1 is not None:
            ours = m.server_cpu + sum(o[1] for o in out)
            m.background = max(0.0, (busy1 - busy0 - ours) / (wall1 - wall0))
    return m


def system_busy_seconds() -> float | None:
    """CPU seconds the whole machine has been busy (all cores, /proc/stat), None where unavailable."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return None
    ticks = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


BACKGROUND_MARK = 0.25  # cores; cells measured while other processes used more are marked "!"


# --------------------------------------------------------------------------- command line


def code_version() -> str:
    """The checkout's commit (read-only `git rev-parse`), to tell which code a table measured."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        out = subprocess.run(
            ["git", "-C", repo, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        )
    except OSError:
        return "unknown"
    return f"{repo} at commit {out.stdout.strip()}" if out.returncode == 0 else repo


@contextlib.contextmanager
def started(names: list[str]) -> Iterator[tuple[list[Target], dict[str, str]]]:
    """Starts the servers the targets need; yields the runnable targets and why others are skipped."""
    servers: list[Server] = []
    targets: list[Target] = []
    skipped: dict[str, str] = {}
    try:
        if "orbitdb" in names:
            s = OrbitServer()
            s.start()
            servers.append(s)
            targets.append(Target("orbitdb", s))
        pg_names = [n for n in names if n.startswith("postgres")]
        if pg_names:
            reason = PgServer.unavailable()
            if reason:
                skipped.update({n: reason for n in pg_names})
            else:
                pg = PgServer()
                servers.append(pg)
                pg.start()
                if "postgres" in pg_names:
                    targets.append(Target("postgres", pg))
                if "postgres-async" in pg_names:
                    targets.append(Target("postgres-async", pg, ("SET synchronous_commit = off",)))
        yield targets, skipped
    finally:
        for s in servers:
            s.stop()


def fmt(v: float | None, digits: int = 0) -> str:
    if v is None or math.isnan(v):
        return ""
    return f"{v:,.{digits}f}"


def format_tables(
    targets: list[str],
    workloads: list[str],
    clients: list[int],
    results: dict[tuple[str, str, int], Measurement | str],
    header: list[str],
) -> str:
    peers = [t for t in targets if t != "orbitdb"] if "orbitdb" in targets else []
    cols = ["workload", "clients", *targets, *(f"orbitdb/{p}" for p in peers)]
    rows = []
    detail = [
        ["workload", "clients", "target", "ops/s", "p50 ms", "p99 ms", "server CPU us/op", "others, cores"]
    ]
    for w in workloads:
        for c in clients:
            row = [w, str(c)]
            for t in targets:
                m = results.get((t, w, c), "")
                busy = (
                    isinstance(m, Measurement) and m.background is not None and m.background > BACKGROUND_MARK
                )
                row.append(fmt(m.rate) + ("!" if busy else "") if isinstance(m, Measurement) else str(m))
                if isinstance(m, Measurement):
                    detail.append(
                        [w, str(c), t, fmt(m.rate), fmt(m.percentile(50) * 1e3, 3), fmt(m.percentile(99) * 1e3, 3),
                         fmt(m.cpu_us_per_op), fmt(m.background, 2)]
                    )  # fmt: skip
            ours = results.get(("orbitdb", w, c))
            for p in peers:
                theirs = results.get((p, w, c))
                ok = isinstance(ours, Measurement) and isinstance(theirs, Measurement) and theirs.rate > 0
                row.append(f"{ours.rate / theirs.rate:.2f}x" if ok else "")  # type: ignore[union-attr]
            rows.append(row)

    def render(table: list[list[str]], left: set[int]) -> list[str]:
        widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
        return [
            "  ".join(
                c.ljust(wd) if i in left else c.rjust(wd) for i, (c, wd) in enumerate(zip(r, widths))
            ).rstrip()
            for r in table
        ]

    loads = [
        m.background for m in results.values() if isinstance(m, Measurement) and m.background is not None
    ]
    note = (
        [
            (
                f"other processes on the machine kept {min(loads):.2f} to {max(loads):.2f} cores busy during "
                f"the cells (! marks more than {BACKGROUND_MARK} cores: the figure is likely low)"
            )
        ]
        if loads
        else []
    )
    return "\n".join([*header, *render([cols, *rows], {0}), *note, "", *render(detail, {0, 2})])


def profile_server(workload: str, seconds: float, table_rows: int, top: int) -> None:
    """Runs orbitdb's server in this process, each benchmark connection's thread under its own
    cProfile, with one client process; prints the top functions of the merged profiles."""
    import pstats
    import threading

    from profiling_server import start_profiling_server

    from orbitdb.sql.session.database import Database

    tmp = Path(tempfile.mkdtemp(prefix="orbitdb-bench-profile-"))
    database = Database.open(str(tmp / "data"))
    server = start_profiling_server(database)
    try:
        holder = OrbitServer.__new__(OrbitServer)
        holder.dsn = f"host=127.0.0.1 port={server.port} user=bench dbname=postgres"
        holder.pids = list  # type: ignore[method-assign]
        prepare(holder, table_rows)
        server.active = True
        m = run_clients(Target("orbitdb", holder), workload, 1, seconds, table_rows)
        deadline = time.monotonic() + 10
        while threading.active_count() > 2 and time.monotonic() < deadline:  # connection threads ending
            time.sleep(0.05)
        print(f"{workload}: {m.rate:,.0f} ops/s under cProfile (1 client, {m.ops:,} ops)", file=sys.stderr)
        stats = pstats.Stats(*server.profiles, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
    finally:
        server.request_stop()
        server.close()
        database.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each run (default 10)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell, the best is kept (default 1)")
    parser.add_argument("--clients", default="1,8", help="comma-separated client counts (default 1,8)")
    parser.add_argument(
        "--targets", default=",".join(TARGETS), help="comma-separated, of: " + ", ".join(TARGETS)
    )
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated subset")
    parser.add_argument(
        "--table-rows", type=int, default=DEFAULT_TABLE_ROWS, help="rows in kv (default %(default)s)"
    )
    parser.add_argument(
        "--profile", metavar="WORKLOAD", help="cProfile orbitdb's server on one workload instead"
    )
    parser.add_argument("--top", type=int, default=25, help="functions printed by --profile")
    args = parser.parse_args(argv)
    names = [t.strip() for t in args.targets.split(",") if t.strip()]
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    for n in names:
        if n not in TARGETS:
            parser.error(f"unknown target {n!r}")
    for w in [*workloads, *([args.profile] if args.profile else [])]:
        if w not in WORKLOADS:
            parser.error(f"unknown workload {w!r}")
    if args.profile:
        profile_server(args.profile, args.seconds, args.table_rows, args.top)
        return 0

    results: dict[tuple[str, str, int], Measurement | str] = {}
    with started(names) as (targets, skipped):
        settings: dict[str, dict[str, str]] = {}
        prepared: set[int] = set()
        for t in targets:
            if id(t.server) not in prepared:
                prepare(t.server, args.table_rows)
                prepared.add(id(t.server))
            settings[t.name] = show_settings(t)
        for rnd in range(args.repeat):  # round-robin over the targets; each cell keeps its best run
            for w in workloads:
                for c in clients:
                    for t in targets:
                        key = (t.name, w, c)
                        try:
                            m = run_clients(t, w, c, args.seconds, args.table_rows)
                        except Exception as exc:  # noqa: BLE001 - report and go on
                            results.setdefault(key, "FAILED")
                            print(f"{t.name:>14} {w:<12} {c} clients FAILED: {exc}", file=sys.stderr)
                            continue
                        best = results.get(key)
                        if not isinstance(best, Measurement) or m.rate > best.rate:
                            results[key] = m
                        extra = f"; errors: {m.errors[0]}" if m.errors else ""
                        print(
                            f"{t.name:>14} {w:<12} {c} clients run {rnd + 1} {m.rate:>10,.0f} ops/s "
                            f"p50 {m.percentile(50) * 1e3:.3f} ms p99 {m.percentile(99) * 1e3:.3f} ms "
                            f"server CPU {fmt(m.cpu_us_per_op)} us/op, others busy {fmt(m.background, 2)} cores"
                            f"{extra}",
                            file=sys.stderr,
                            flush=True,
                        )
        for name, reason in skipped.items():
            for w in workloads:
                for c in clients:
                    results[(name, w, c)] = "n/a"
            print(f"{name}: skipped ({reason})", file=sys.stderr)
        header = [
            (
                f"orbitdb wire benchmark: psycopg2 over loopback, {args.seconds:g} s per run, best of "
                f"{args.repeat} run(s) per cell (round-robin over the targets), one client per process, "
                f"kv = {args.table_rows:,} rows, every statement autocommitted; ratio > 1 means orbitdb is faster"
            ),
            f"machine: {os.cpu_count()} CPUs shared by the server and its clients",
            f"orbitdb code: {code_version()}",
        ]
        for t in targets:
            s = settings.get(t.name, {})
            local = f" after {'; '.join(t.session_sql)}" if t.session_sql else ""
            header.append(
                f"  {t.name:<15} fsync={s.get('fsync', '?')} synchronous_commit={s.get('synchronous_commit', '?')}"
                f" (SHOW in a client session{local})"
            )
    order = [n for n in names if n in {t.name for t in targets} or n in skipped]
    print(format_tables(order, workloads, clients, results, header))
    return 0


# --------------------------------------------------------------------------- pytest-benchmark

try:
    import pytest
except ImportError:  # the script also runs without pytest installed
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture(scope="module")
    def wire_targets() -> Iterator[dict[str, Target]]:
        with started(list(TARGETS)) as (targets, _skipped):
            done: set[int] = set()
            for t in targets:
                if id(t.server) not in done:
                    prepare(t.server, 20_000)
                    done.add(id(t.server))
            yield {t.name: t for t in targets}

    @pytest.mark.parametrize("target", TARGETS)
    @pytest.mark.parametrize("workload", WORKLOADS)
    def test_wire(benchmark: Any, wire_targets: dict[str, Target], workload: str, target: str) -> None:
        if target not in wire_targets:
            pytest.skip(PgServer.unavailable() or f"{target} unavailable")
        t = wire_targets[target]
        benchmark.group = f"wire {workload} (1 client)"
        con = connect(t.server.dsn)
        cur = con.cursor()
        for sql in t.session_sql:
            cur.execute(sql)
        _RUN_COUNTER[0] += 1
        op = operation(workload, cur, 20_000, _RUN_COUNTER[0], (900 + _RUN_COUNTER[0]) * 10**9)
        batch_size = 200
        counter = [0]

        def batch() -> None:
            first = counter[0]
            counter[0] += batch_size
            for i in range(first, first + batch_size):
                op(i)

        try:
            batch()  # warm-up
            benchmark.pedantic(batch, rounds=3, iterations=1)
        finally:
            con.close()
        benchmark.extra_info["ops_per_round"] = batch_size
        if benchmark.stats is not None:
            benchmark.extra_info["ops_per_sec"] = round(batch_size / benchmark.stats.stats.mean)


if __name__ == "__main__":
    sys.exit(main())
