"""SQL benchmark of embedded orbitdb (`orbitdb.connect(dir)`) against sqlite3 and duckdb, in one run.

Table (every engine): items(id integer PRIMARY KEY, k integer NOT NULL, name text NOT NULL,
amount numeric(12,2) NOT NULL, created date NOT NULL) with CREATE INDEX ON items (k), and N rows
  id = x, k = (x * 37) % (N / 10) (ten rows per k, scattered), name = 'name-' || x,
  amount = (x % 100000) / 100.0, created = DATE '2020-01-01' + x % 1000       for x in 0 .. N-1;
customers(id integer PRIMARY KEY, region text NOT NULL) with N / 10 rows (ten regions).

Workloads (one client, parameters bound by the driver, the same statement text every time):
  insert_executemany  N rows by executemany inside one transaction (fresh database)     rows/s
  insert_select       INSERT INTO items SELECT ... FROM generate_series (duckdb: range,
                      sqlite: a recursive CTE) in one transaction (fresh database)        rows/s
  point_select        SELECT * WHERE id = $1, random ids, fetchone                       queries/s
  index_lookup        SELECT * WHERE k = $1 (secondary index, 10 rows), fetchall         queries/s
  range_scan          SELECT * WHERE id >= $1 AND id < $1 + 10000 ORDER BY id, fetchall  rows/s
  count               SELECT count(*) FROM items                                         rows/s
  sum                 SELECT sum(amount) FROM items                                      rows/s
  group_by            SELECT created, count(*), sum(amount) GROUP BY created (1000 groups) rows/s
  join                items JOIN customers ON customers.id = items.k, GROUP BY region    rows/s
  update_autocommit   UPDATE items SET amount = amount + 1 WHERE id = $1, each committed  updates/s
  update_one_txn      the same UPDATE many times inside one transaction, one commit      updates/s
(rows/s for the aggregates and the join is N rows per query; the read workloads run on the table
loaded by insert_select.)

Durability: every commit is durable (fsynced) unless a column says otherwise:
  orbitdb        write-ahead log fsynced at every commit (synchronous_commit = on, the default)
  sqlite-full    journal_mode=WAL, synchronous=FULL: the WAL is fsynced at every commit
  sqlite-normal  journal_mode=WAL, synchronous=NORMAL: no fsync at commit (a commit survives a crash
                 of the process but can be lost on power failure); a reference column
  duckdb         file-backed, its write-ahead log fsynced at every commit (its only mode)
sqlite gets a 32 MiB page cache (PRAGMA cache_size), the size of orbitdb's default block cache;
other settings are each engine's defaults. Every engine runs in autocommit mode with an explicit
BEGIN ... COMMIT around the transactional workloads. Before each workload the script calls
os.sync() (untimed), so that write-back left over from a bulk load does not slow the next
workload's fsyncs.

duckdb's executemany runs a prepared statement per row from Python (about 1,000 rows/s here), so
its insert_executemany loads at most DUCKDB_EXECUTEMANY_CAP rows (marked * in the table).

The machine may be shared: the script measures how many cores other processes kept busy during
each cell (from /proc/stat) and marks with ! the cells where they used more than a quarter of a
core; --repeat R runs every non-load workload R times and keeps the best run.

Run as a script for one table (N = 1,000,000 unless --rows or ORBITDB_BENCH_ROWS says otherwise;
each non-load workload runs for --seconds, default 3, at least once):
    PYTHONPATH=. python benchmarks/bench_sql.py [--rows N] [--engines orbitdb,sqlite-full,...]
    PYTHONPATH=. python benchmarks/bench_sql.py --rows 100000 --profile point_select   # cProfile of orbitdb
or under pytest-benchmark (one group per workload, every engine in it; N = 100,000 unless
ORBITDB_BENCH_ROWS says otherwise):
    PYTHONPATH=. pytest benchmarks/bench_sql.py --benchmark-only
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import importlib.util
import os
import pstats
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

SCRIPT_ROWS = 1_000_000
PYTEST_ROWS = 100_000
RANGE_ROWS = 10_000
ROWS_PER_K = 10
DUCKDB_EXECUTEMANY_CAP = 20_000
SQLITE_CACHE_KIB = 32 << 10  # 32 MiB, the size of orbitdb's default block cache
EPOCH = datetime.date(2020, 1, 1)
DURABILITY = {
    "orbitdb": "WAL fsynced at every commit (synchronous_commit=on, default)",
    "sqlite-full": "journal_mode=WAL, synchronous=FULL (WAL fsynced at every commit), 32 MiB cache",
    "sqlite-normal": "journal_mode=WAL, synchronous=NORMAL (no fsync at commit; reference only), 32 MiB cache",
    "duckdb": "file-backed, WAL fsynced at every commit (default)",
}

Row = tuple[Any, ...]
Params = Sequence[Any]


def default_rows(pytest_run: bool = False) -> int:
    env = os.environ.get("ORBITDB_BENCH_ROWS")
    if env:
        return int(env)
    return PYTEST_ROWS if pytest_run else SCRIPT_ROWS


def k_modulus(n: int) -> int:
    return max(1, n // ROWS_PER_K)


# --------------------------------------------------------------------------- engines


class Engine:
    """One database behind the same calls; opened in __init__, in autocommit mode."""

    name = ""
    module = ""  # the package that must be importable
    placeholder = "?"
    # the generated columns of an items row, in SQL of this dialect, over an integer column x
    date_expr = "DATE '2020-01-01' + (x % 1000)"

    def __init__(self, path: str) -> None:
        self.path = path

    def execute(self, sql: str, params: Params = ()) -> None:
        raise NotImplementedError

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        raise NotImplementedError

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def sql(self, text: str) -> str:
        """Statement text with {p} for each parameter, in this driver's paramstyle."""
        return text.replace("{p}", self.placeholder)

    def item_row(self, x: int, kmod: int) -> Row:
        """One items row as this driver takes it (values computed as the generating SQL does)."""
        amount = Decimal(x % 100000).scaleb(-2)
        return (x, (x * 37) % kmod, f"name-{x}", amount, EPOCH + datetime.timedelta(days=x % 1000))

    def series_insert(self, table: str, select_list: str, n: int) -> str:
        """INSERT INTO table SELECT select_list FROM a series of x = 0 .. n-1."""
        raise NotImplementedError

    def items_select(self, kmod: int) -> str:
        return (
            f"x, (x * 37) % {kmod}, 'name-' || x, CAST((x % 100000) / 100.0 AS NUMERIC(12,2)), "
            f"{self.date_expr}"
        )


class OrbitEngine(Engine):
    name = "orbitdb"
    module = "orbitdb"
    placeholder = "%s"

    def __init__(self, path: str) -> None:
        super().__init__(path)
        import orbitdb

        self.con = orbitdb.connect(path)
        self.con.autocommit = True
        self.cur = self.con.cursor()

    def execute(self, sql: str, params: Params = ()) -> None:
        self.cur.execute(sql, params or None)

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return self.cur.execute(sql, params or None).fetchone()

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return self.cur.execute(sql, params or None).fetchall()

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        self.cur.executemany(sql, rows)

    def close(self) -> None:
        self.con.close()

    def series_insert(self, table: str, select_list: str, n: int) -> str:
        return f"INSERT INTO {table} SELECT {select_list} FROM generate_series(0, {n - 1}) AS g(x)"


class SqliteEngine(Engine):
    name = "sqlite-full"
    module = "sqlite3"
    synchronous = "FULL"
    date_expr = "date('2020-01-01', '+' || (x % 1000) || ' days')"

    def __init__(self, path: str) -> None:
        super().__init__(path)
        os.makedirs(path, exist_ok=True)
        self.con = sqlite3.connect(os.path.join(path, "db.sqlite"), isolation_level=None)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute(f"PRAGMA synchronous={self.synchronous}")
        self.con.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")  # orbitdb's block cache size
        self.cur = self.con.cursor()

    def execute(self, sql: str, params: Params = ()) -> None:
        self.cur.execute(sql, params)

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return self.cur.execute(sql, params).fetchone()  # type: ignore[no-any-return]

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return self.cur.execute(sql, params).fetchall()

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        self.cur.executemany(sql, rows)

    def close(self) -> None:
        self.con.close()

    def item_row(self, x: int, kmod: int) -> Row:
        # sqlite has no decimal or date type: REAL and ISO text, as its own generated rows hold them
        day = EPOCH + datetime.timedelta(days=x % 1000)
        return (x, (x * 37) % kmod, f"name-{x}", (x % 100000) / 100.0, day.isoformat())

    def series_insert(self, table: str, select_list: str, n: int) -> str:
        return (
            f"INSERT INTO {table} WITH RECURSIVE g(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM g "
            f"WHERE x < {n - 1}) SELECT {select_list} FROM g"
        )


class SqliteNormalEngine(SqliteEngine):
    name = "sqlite-normal"
    synchronous = "NORMAL"


class DuckEngine(Engine):
    name = "duckdb"
    module = "duckdb"
    date_expr = "DATE '2020-01-01' + CAST(x % 1000 AS INTEGER)"

    def __init__(self, path: str) -> None:
        super().__init__(path)
        import duckdb

        os.makedirs(path, exist_ok=True)
        self.con = duckdb.connect(os.path.join(path, "db.duckdb"))

    def execute(self, sql: str, params: Params = ()) -> None:
        self.con.execute(sql, list(params))

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return self.con.execute(sql, list(params)).fetchone()

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return self.con.execute(sql, list(params)).fetchall()

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        self.con.executemany(sql, rows)

    def close(self) -> None:
        self.con.close()

    def series_insert(self, table: str, select_list: str, n: int) -> str:
        return f"INSERT INTO {table} SELECT {select_list} FROM range(0, {n}) AS g(x)"


ENGINES: dict[str, type[Engine]] = {
    e.name: e for e in (OrbitEngine, SqliteEngine, SqliteNormalEngine, DuckEngine)
}


def unavailable(engine: str) -> str | None:
    module = ENGINES[engine].module
    return None if importlib.util.find_spec(module) else f"{module} is not installed"


# --------------------------------------------------------------------------- schema and data

ITEMS_DDL = (
    "CREATE TABLE {t} (id integer PRIMARY KEY, k integer NOT NULL, name text NOT NULL, "
    "amount numeric(12,2) NOT NULL, created date NOT NULL)"
)
CUSTOMERS_DDL = "CREATE TABLE customers (id integer PRIMARY KEY, region text NOT NULL)"
COLUMNS = "id, k, name, amount, created"


def create_items(db: Engine, table: str) -> None:
    db.execute(ITEMS_DDL.format(t=table))
    db.execute(f"CREATE INDEX {table}_k ON {table} (k)")


def load_customers(db: Engine, n: int) -> None:
    db.execute(CUSTOMERS_DDL)
    db.execute("BEGIN")
    db.execute(db.series_insert("customers", "x, 'region-' || (x % 10)", k_modulus(n)))
    db.execute("COMMIT")


@dataclass
class Data:
    """Random parameters shared by every engine (the same seed, the same order)."""

    n: int
    count: int = 200_000

    def __post_init__(self) -> None:
        rng = random.Random(20240501)
        self.ids = [rng.randrange(self.n) for _ in range(self.count)]
        kmod = k_modulus(self.n)
        self.ks = [rng.randrange(kmod) for _ in range(self.count)]
        self.starts = [rng.randrange(max(1, self.n - RANGE_ROWS + 1)) for _ in range(self.count)]

    def ids_from(self, i: int) -> Iterator[int]:
        ids = self.ids
        while True:
            yield ids[i % len(ids)]
            i += 1


# --------------------------------------------------------------------------- workloads


@dataclass(frozen=True)
class Workload:
    name: str
    unit: str  # what the table counts per second
    light: bool  # many cheap operations: warm up, then repeat for a fixed time
    pytest_ops: int  # operations per pytest-benchmark round


LOADS = ("insert_executemany", "insert_select")
WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload("insert_executemany", "rows/s", False, 0),
        Workload("insert_select", "rows/s", False, 0),
        Workload("point_select", "queries/s", True, 1000),
        Workload("index_lookup", "queries/s", True, 1000),
        Workload("range_scan", "rows/s", True, 5),
        Workload("count", "rows/s", False, 1),
        Workload("sum", "rows/s", False, 1),
        Workload("group_by", "rows/s", False, 1),
        Workload("join", "rows/s", False, 1),
        Workload("update_autocommit", "updates/s", True, 100),
        Workload("update_one_txn", "updates/s", True, 2000),
    )
}

Step = Callable[[int], int]  # runs operation number i, returns the rows it counts for


def step_for(workload: str, db: Engine, data: Data) -> Step:
    """The operation of a read or update workload, on the loaded `items` table."""
    n = data.n
    ids, ks, starts = data.ids, data.ks, data.starts
    size = len(ids)
    if workload == "point_select":
        sql = db.sql(f"SELECT {COLUMNS} FROM items WHERE id = {{p}}")

        def point(i: int) -> int:
            row = db.fetchone(sql, (ids[i % size],))
            assert row is not None
            return 1

        return point
    if workload == "index_lookup":
        sql = db.sql(f"SELECT {COLUMNS} FROM items WHERE k = {{p}}")

        def lookup(i: int) -> int:
            rows = db.fetchall(sql, (ks[i % size],))
            assert rows
            return 1

        return lookup
    if workload == "range_scan":
        sql = db.sql(f"SELECT {COLUMNS} FROM items WHERE id >= {{p}} AND id < {{p}} ORDER BY id")

        def scan(i: int) -> int:
            lo = starts[i % size]
            rows = db.fetchall(sql, (lo, lo + RANGE_ROWS))
            assert len(rows) == min(RANGE_ROWS, n - lo), (len(rows), lo)
            return len(rows)

        return scan
    aggregates = {
        "count": "SELECT count(*) FROM items",
        "sum": "SELECT sum(amount) FROM items",
        "group_by": "SELECT created, count(*), sum(amount) FROM items GROUP BY created",
        "join": "SELECT c.region, count(*), sum(i.amount) FROM items i JOIN customers c ON c.id = i.k "
        "GROUP BY c.region",
    }
    if workload in aggregates:
        sql = aggregates[workload]

        def aggregate(_i: int) -> int:
            rows = db.fetchall(sql)
            assert rows
            return n

        return aggregate
    update = db.sql("UPDATE items SET amount = amount + 1 WHERE id = {p}")
    if workload == "update_autocommit":

        def update_one(i: int) -> int:
            db.execute(update, (ids[i % size],))
            return 1

        return update_one
    if workload == "update_one_txn":

        def update_in_txn(i: int) -> int:
            db.execute(update, (ids[i % size],))
            return 1

        return update_in_txn
    raise ValueError(f"unknown workload {workload!r}")


def timed_loop(step: Step, seconds: float, first: int = 0, max_ops: int = 10**9) -> tuple[int, int, float]:
    """Runs step(first), step(first + 1), ... for about `seconds` (at least once); (ops, rows, elapsed)."""
    ops = rows = 0
    start = time.perf_counter()
    deadline = start + seconds
    now = start
    while ops < max_ops:
        rows += step(first + ops)
        ops += 1
        now = time.perf_counter()
        if now >= deadline:
            break
    return ops, rows, now - start


@dataclass
class Measurement:
    rate: float  # units of the workload's table column per second
    ops: int
    rows: int
    seconds: float
    note: str = ""
    background: float | None = None  # CPU cores other processes kept busy meanwhile (None: unknown)


def system_busy_seconds() -> float | None:
    """CPU seconds the whole machine has been busy (all cores, /proc/stat), None where unavailable."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return None
    ticks = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal
    busy = sum(ticks) - ticks[3] - ticks[4]
    return busy / os.sysconf("SC_CLK_TCK")


class LoadMeter:
    """How many cores processes other than this one kept busy from creation to stop(): other sessions
    on a shared machine distort a benchmark, and the table marks the cells they touched."""

    def __init__(self) -> None:
        self._busy, self._own, self._wall = system_busy_seconds(), time.process_time(), time.perf_counter()

    def stop(self) -> float | None:
        busy, own, wall = system_busy_seconds(), time.process_time(), time.perf_counter()
        if busy is None or self._busy is None or wall <= self._wall:
            return None
        return max(0.0, ((busy - self._busy) - (own - self._own)) / (wall - self._wall))


BACKGROUND_MARK = 0.25  # cores; cells measured while others used more are marked "!"


class Workspace:
    """The databases of one run: a fresh one per load, one loaded database per engine for the rest."""

    def __init__(self, data: Data) -> None:
        self.root = tempfile.mkdtemp(prefix="orbitdb-bench-sql-")
        self.data = data
        self.loaded: dict[str, Engine] = {}
        self.load_results: dict[str, Measurement] = {}
        self._rows: dict[str, list[Row]] = {}

    def fresh(self, engine: str, tag: str) -> Engine:
        path = os.path.join(self.root, f"{engine}-{tag}")
        shutil.rmtree(path, ignore_errors=True)
        return ENGINES[engine](path)

    def drop(self, db: Engine) -> None:
        db.close()
        shutil.rmtree(db.path, ignore_errors=True)

    def rows_for(self, db: Engine) -> list[Row]:
        cap = DUCKDB_EXECUTEMANY_CAP if db.name == "duckdb" else self.data.n
        count = min(self.data.n, cap)
        key = f"{type(db).item_row.__qualname__}:{count}"
        if key not in self._rows:
            kmod = k_modulus(self.data.n)
            self._rows = {key: [db.item_row(x, kmod) for x in range(count)]}  # keep one list alive
        return self._rows[key]

    def load_executemany(self, engine: str) -> Measurement:
        db = self.fresh(engine, "executemany")
        try:
            create_items(db, "items")
            rows = self.rows_for(db)
            sql = db.sql("INSERT INTO items VALUES ({p}, {p}, {p}, {p}, {p})")
            start = time.perf_counter()
            db.execute("BEGIN")
            db.executemany(sql, rows)
            db.execute("COMMIT")
            elapsed = time.perf_counter() - start
            count = db.fetchone("SELECT count(*) FROM items")
            assert count is not None and count[0] == len(rows), count
        finally:
            self.drop(db)
        note = "*" if len(rows) < self.data.n else ""
        return Measurement(len(rows) / elapsed, 1, len(rows), elapsed, note)

    def load_select(self, engine: str) -> Measurement:
        """Loads the database the read workloads use (kept open) and times its INSERT ... SELECT."""
        if engine in self.loaded:
            self.loaded.pop(engine).close()
        db = self.fresh(engine, "loaded")
        n = self.data.n
        create_items(db, "items")
        load_customers(db, n)
        start = time.perf_counter()
        db.execute("BEGIN")
        db.execute(db.series_insert("items", db.items_select(k_modulus(n)), n))
        db.execute("COMMIT")
        elapsed = time.perf_counter() - start
        count = db.fetchone("SELECT count(*) FROM items")
        assert count is not None and count[0] == n, count
        self.loaded[engine] = db
        self.load_results[engine] = m = Measurement(n / elapsed, 1, n, elapsed)
        return m

    def database(self, engine: str) -> Engine:
        if engine not in self.loaded:
            self.load_select(engine)
        return self.loaded[engine]

    def cleanup(self) -> None:
        for db in self.loaded.values():
            db.close()
        self.loaded.clear()
        shutil.rmtree(self.root, ignore_errors=True)


def run_one(space: Workspace, engine: str, workload: str, seconds: float) -> Measurement:
    os.sync()  # untimed: dirty pages of earlier loads would otherwise be flushed during this workload
    meter = LoadMeter()
    m = _run_one(space, engine, workload, seconds)
    m.background = meter.stop()
    return m


def _run_one(space: Workspace, engine: str, workload: str, seconds: float) -> Measurement:
    if workload == "insert_executemany":
        return space.load_executemany(engine)
    if workload == "insert_select":
        if engine in space.load_results and engine in space.loaded:
            return replace(space.load_results[engine])
        return space.load_select(engine)
    db = space.database(engine)
    os.sync()
    w = WORKLOADS[workload]
    step = step_for(workload, db, space.data)
    if w.light:
        timed_loop(step, min(0.3, seconds / 10), first=len(space.data.ids) // 2, max_ops=200)  # warm-up
    if workload == "update_one_txn":
        db.execute("BEGIN")
        ops, rows, elapsed = timed_loop(step, seconds)
        start = time.perf_counter()
        db.execute("COMMIT")
        elapsed += time.perf_counter() - start
    else:
        ops, rows, elapsed = timed_loop(step, seconds)
    return Measurement(rows / elapsed, ops, rows, elapsed)


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


def fmt_rate(v: float) -> str:
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}"


def format_table(
    n: int,
    seconds: float,
    engines: list[str],
    workloads: list[str],
    results: dict[tuple[str, str], Any],
    repeat: int = 1,
) -> str:
    peers = [e for e in engines if e != "orbitdb"]
    ratios = peers if "orbitdb" in engines else []
    header = ["workload", "unit", *engines, *(f"orbitdb/{p}" for p in ratios)]
    rows = []
    for workload in workloads:
        row = [workload, WORKLOADS[workload].unit]
        for engine in engines:
            cell = results.get((engine, workload), "")
            if isinstance(cell, Measurement):
                busy = cell.background is not None and cell.background > BACKGROUND_MARK
                row.append(fmt_rate(cell.rate) + cell.note + ("!" if busy else ""))
            else:
                row.append(str(cell))
        ours = results.get(("orbitdb", workload))
        for peer in ratios:
            theirs = results.get((peer, workload))
            ok = isinstance(ours, Measurement) and isinstance(theirs, Measurement) and theirs.rate > 0
            row.append(f"{ours.rate / theirs.rate:.2f}x" if ok else "")
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    lines = [
        (
            f"orbitdb SQL benchmark: N={n:,} rows, workloads {seconds:g} s each (best of {repeat}; loads once), "
            f"one client, range scans of {RANGE_ROWS:,} rows; ratio > 1 means orbitdb is faster"
        ),
        f"orbitdb code: {code_version()}",
        "durability:",
        *(f"  {e:<14} {DURABILITY[e]}" for e in engines),
        line(header),
        *(line(r) for r in rows),
    ]
    loads = [
        m.background for m in results.values() if isinstance(m, Measurement) and m.background is not None
    ]
    if loads:
        lines.append(
            f"other processes on the machine kept {min(loads):.2f} to {max(loads):.2f} cores busy during the "
            f"cells (! marks more than {BACKGROUND_MARK} cores: the figure is likely low)"
        )
    if any(isinstance(m, Measurement) and m.note == "*" for m in results.values()):
        lines.append(
            f"* duckdb's executemany measured on {min(n, DUCKDB_EXECUTEMANY_CAP):,} rows (about 1k rows/s)"
        )
    return "\n".join(x.rstrip() for x in lines)


def profile_orbitdb(space: Workspace, workload: str, seconds: float, top: int) -> None:
    """cProfile of orbitdb running one workload (loads untimed first); prints the top functions."""
    prof = cProfile.Profile()
    if workload in LOADS:
        if workload == "insert_executemany":
            probe = space.fresh("orbitdb", "probe")
            space.rows_for(probe)  # build the rows outside the profile
            space.drop(probe)
        prof.enable()
        run_one(space, "orbitdb", workload, seconds)
        prof.disable()
    else:
        db = space.database("orbitdb")
        step = step_for(workload, db, space.data)
        step(0)
        if workload == "update_one_txn":
            db.execute("BEGIN")
        prof.enable()
        ops, _, elapsed = timed_loop(step, seconds, first=1)
        prof.disable()
        if workload == "update_one_txn":
            db.execute("COMMIT")
        print(f"{workload}: {ops:,} operations in {elapsed:.2f} s under cProfile", file=sys.stderr)
    stats = pstats.Stats(prof, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def rate_of(m: Measurement) -> float:
    return m.rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=default_rows(), help="N (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=3.0, help="time per light workload (default 3)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each non-load workload, the best is kept (default 1)"
    )
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help="comma-separated, of: " + ", ".join(ENGINES)
    )
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated subset")
    parser.add_argument("--profile", metavar="WORKLOAD", help="cProfile orbitdb on one workload instead")
    parser.add_argument("--top", type=int, default=25, help="functions printed by --profile")
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    for name in engines:
        if name not in ENGINES:
            parser.error(f"unknown engine {name!r}")
    for name in [*workloads, *([args.profile] if args.profile else [])]:
        if name not in WORKLOADS:
            parser.error(f"unknown workload {name!r}")

    space = Workspace(Data(args.rows))
    try:
        if args.profile:
            profile_orbitdb(space, args.profile, args.seconds, args.top)
            return 0
        results: dict[tuple[str, str], Any] = {}
        for engine in engines:
            reason = unavailable(engine)
            if reason:
                print(f"{engine}: skipped ({reason})", file=sys.stderr)
            for workload in workloads:
                if reason:
                    results[(engine, workload)] = "n/a"
                    continue
                runs = 1 if workload in LOADS else args.repeat
                try:
                    m = max(
                        (run_one(space, engine, workload, args.seconds) for _ in range(runs)), key=rate_of
                    )
                except Exception as exc:  # noqa: BLE001 - report the failure in the table and go on
                    results[(engine, workload)] = "FAILED"
                    print(f"{engine:>13} {workload:<18} FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
                    continue
                results[(engine, workload)] = m
                bg = "" if m.background is None else f", others busy {m.background:.2f} cores"
                print(
                    f"{engine:>13} {workload:<18} {fmt_rate(m.rate):>12} {WORKLOADS[workload].unit:<9} "
                    f"({m.ops:,} ops, {m.rows:,} rows, {m.seconds:.2f} s{bg})",
                    file=sys.stderr,
                    flush=True,
                )
            if engine in space.loaded:  # one loaded database open at a time
                space.loaded.pop(engine).close()
        print(format_table(args.rows, args.seconds, engines, workloads, results, args.repeat))
    finally:
        space.cleanup()
    return 0


# --------------------------------------------------------------------------- pytest-benchmark

try:
    import pytest
except ImportError:  # the script also runs without pytest installed
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture(scope="module")
    def sql_space() -> Iterator[Workspace]:
        space = Workspace(Data(default_rows(pytest_run=True), count=50_000))
        yield space
        space.cleanup()

    @pytest.mark.parametrize("engine", list(ENGINES))
    @pytest.mark.parametrize("workload", list(WORKLOADS))
    def test_sql(benchmark: Any, sql_space: Workspace, workload: str, engine: str) -> None:
        reason = unavailable(engine)
        if reason:
            pytest.skip(reason)
        benchmark.group = workload
        w = WORKLOADS[workload]
        n = sql_space.data.n
        benchmark.extra_info.update(rows=n, durability=DURABILITY[engine], unit=w.unit)
        if workload in LOADS:

            def load() -> Measurement:
                if workload == "insert_executemany":
                    return sql_space.load_executemany(engine)
                return sql_space.load_select(engine)

            m = benchmark.pedantic(load, rounds=1, iterations=1)
            benchmark.extra_info["rate"] = round(m.rate)
            benchmark.extra_info["loaded_rows"] = m.rows
            return
        db = sql_space.database(engine)
        step = step_for(workload, db, sql_space.data)
        if w.light:
            step(len(sql_space.data.ids) - 1)  # warm-up: plan caches, first touch
        counter = [0]

        def batch() -> int:
            first = counter[0]
            counter[0] += w.pytest_ops
            if workload == "update_one_txn":
                db.execute("BEGIN")
            rows = sum(step(first + i) for i in range(w.pytest_ops))
            if workload == "update_one_txn":
                db.execute("COMMIT")
            return rows

        rows = benchmark.pedantic(batch, rounds=3, iterations=1)
        benchmark.extra_info["ops_per_round"] = w.pytest_ops
        if benchmark.stats is not None:
            per_round = rows if w.unit == "rows/s" else w.pytest_ops
            benchmark.extra_info["rate"] = round(per_round / benchmark.stats.stats.mean)


if __name__ == "__main__":
    sys.exit(main())
