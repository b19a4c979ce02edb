"""db_bench-style benchmark of the orbitdb storage engine against embedded key-value peers.

Workloads (one engine call per operation, no batching, like db_bench's default batch size 1):
  fillseq      N puts of ascending keys into an empty database
  fillrandom   N puts of the same N keys in random order into an empty database
  overwrite    N puts of random existing keys into the fillrandom database
  readrandom   N gets of random existing keys        (fillrandom database, reopened)
  readmissing  N gets of random absent keys          (same database)
  readseq      one iteration over everything in key order (same database)

Keys are 16 bytes (b"%016d"); values 100 bytes, half random and half zeros (compression ratio about
0.5, as db_bench's default). N is 1,000,000 unless --keys or ORBITDB_BENCH_KEYS says otherwise.

Durability is the same for every engine: each write reaches the OS before the call returns (it
survives a crash of the process) but is not fsync'ed: orbitdb and RocksDB (rocksdict) with the WAL on
and sync off, LevelDB (plyvel) with sync=False, LMDB with one transaction per put and sync=False,
SQLite in WAL mode with synchronous=OFF and one autocommit transaction per put. Engines with a block
or page cache get 32 MiB; the LSM engines use 10-bit bloom filters and a 64 MiB write buffer.

At scale (10,000,000 keys, a mixed 90/10 load, peak RSS, write and space amplification, each engine
in a process of its own): benchmarks/bench_engine_scale.py.

Run as a script for one table of ops/s:
    python benchmarks/bench_engine.py [--keys N] [--engines orbitdb,rocksdb,...]
or under pytest-benchmark (one group per workload, comparable across commits):
    pytest benchmarks/ --benchmark-only
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

CACHE_BYTES = 32 << 20
WRITE_BUFFER_BYTES = 64 << 20
BLOOM_BITS = 10
VALUE_SIZE = 100
DURABILITY = "every write reaches the OS (survives a process crash), no fsync per write"
WORKLOADS = ("fillseq", "fillrandom", "overwrite", "readrandom", "readmissing", "readseq")
FILLS = ("fillseq", "fillrandom")


def default_keys() -> int:
    return int(os.environ.get("ORBITDB_BENCH_KEYS", "1000000"))


# --------------------------------------------------------------------------- engines


class KV:
    """One engine behind the same four calls. Subclasses open in __init__."""

    name = ""
    module = ""  # the package that must be importable

    def put(self, key: bytes, value: bytes) -> None:
        raise NotImplementedError

    def get(self, key: bytes) -> bytes | None:
        raise NotImplementedError

    def scan(self) -> Iterator[tuple[bytes, bytes]]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def start_reads(self) -> None:
        """Called before a read workload (LMDB opens its read transaction here)."""


class OrbitKV(KV):
    name, module = "orbitdb", "orbitdb.engine"

    def __init__(self, path: str) -> None:
        from orbitdb.engine import Engine

        self.db = Engine(
            path,
            enable_wal=True,
            block_cache_size=CACHE_BYTES,
            write_buffer_size=WRITE_BUFFER_BYTES,
            bloom_filter_bits_per_key=BLOOM_BITS,
            compression_type="lz4",
        )
        self.put = self.db.put  # type: ignore[method-assign]  # sync=False by default
        self.get = self.db.get  # type: ignore[method-assign]

    def scan(self) -> Iterator[tuple[bytes, bytes]]:
        return iter(self.db.items())

    def close(self) -> None:
        self.db.close()


class RocksKV(KV):
    name, module = "rocksdb", "rocksdict"

    def __init__(self, path: str) -> None:
        import rocksdict

        opts = rocksdict.Options(raw_mode=True)
        opts.create_if_missing(True)
        opts.set_write_buffer_size(WRITE_BUFFER_BYTES)
        opts.set_compression_type(rocksdict.DBCompressionType.lz4())
        table = rocksdict.BlockBasedOptions()
        table.set_block_cache(rocksdict.Cache(CACHE_BYTES))
        table.set_bloom_filter(BLOOM_BITS, False)
        opts.set_block_based_table_factory(table)
        self.db = rocksdict.Rdict(path, options=opts)
        write = rocksdict.WriteOptions()
        write.sync = False
        write.disable_wal = False
        self.db.set_write_options(write)
        self.put = self.db.put  # type: ignore[method-assign]
        self.get = self.db.get  # type: ignore[method-assign]

    def scan(self) -> Iterator[tuple[bytes, bytes]]:
        return iter(self.db.items())

    def close(self) -> None:
        self.db.close()


class LevelKV(KV):
    name, module = "leveldb", "plyvel"

    def __init__(self, path: str) -> None:
        import plyvel

        self.db = plyvel.DB(
            path,
            create_if_missing=True,
            lru_cache_size=CACHE_BYTES,
            write_buffer_size=WRITE_BUFFER_BYTES,
            bloom_filter_bits=BLOOM_BITS,
        )
        self.put = self.db.put  # type: ignore[method-assign]  # sync=False by default
        self.get = self.db.get  # type: ignore[method-assign]

    def scan(self) -> Iterator[tuple[bytes, bytes]]:
        return iter(self.db)

    def close(self) -> None:
        self.db.close()


class LmdbKV(KV):
    name, module = "lmdb", "lmdb"

    def __init__(self, path: str) -> None:
        import lmdb

        # sync=False: commits write to the OS (the map file), no fsync; metasync=False likewise.
        self.env = lmdb.open(path, map_size=1 << 36, sync=False, metasync=False, readahead=False)
        self.read_txn: Any = None

    def put(self, key: bytes, value: bytes) -> None:
        with self.env.begin(write=True) as txn:
            txn.put(key, value)

    def start_reads(self) -> None:
        self.read_txn = self.env.begin()
        self.get = self.read_txn.get  # type: ignore[method-assign]

    def scan(self) -> Iterator[tuple[bytes, bytes]]:
        if self.read_txn is None:
            self.read_txn = self.env.begin()
        return iter(self.read_txn.cursor())

    def close(self) -> None:
        if self.read_txn is not None:
            self.read_txn.abort()
        self.env.close()


class SqliteKV(KV):
    name, module = "sqlite", "sqlite3"

    def __init__(self, path: str) -> None:
        os.makedirs(path, exist_ok=True)
        self.conn = sqlite3.connect(os.path.join(path, "kv.sqlite"), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute(f"PRAGMA cache_size=-{CACHE_BYTES // 1024}")
        self.conn.execute("CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID")
        self.cur = self.conn.cursor()

    def put(self, key: bytes, value: bytes) -> None:
        self.cur.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", (key, value))

    def get(self, key: bytes) -> bytes | None:
        row = self.cur.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def scan(self) -> Iterator[tuple[bytes, bytes]]:
        return iter(self.conn.execute("SELECT k, v FROM kv ORDER BY k"))

    def close(self) -> None:
        self.conn.close()


ENGINES: dict[str, type[KV]] = {cls.name: cls for cls in (OrbitKV, RocksKV, LevelKV, LmdbKV, SqliteKV)}


def unavailable(name: str) -> str | None:
    """Why the engine cannot run here, or None if it can."""
    try:
        importlib.import_module(ENGINES[name].module)
    except ImportError as exc:
        return f"{ENGINES[name].module} is not importable: {exc}"
    return None


# --------------------------------------------------------------------------- data


@dataclass
class Data:
    """Keys and values for N keys, generated once from a fixed seed."""

    n: int

    def __post_init__(self) -> None:
        rng = random.Random(301)
        self.keys = [b"%016d" % i for i in range(self.n)]
        shuffled = self.keys[:]
        rng.shuffle(shuffled)
        self.random_order = shuffled
        self.random_reads = [self.keys[rng.randrange(self.n)] for _ in range(self.n)]
        self.overwrites = [self.keys[rng.randrange(self.n)] for _ in range(self.n)]
        self.missing = [b"%015d." % rng.randrange(self.n) for _ in range(self.n)]
        self.values = [
            rng.randbytes(VALUE_SIZE // 2) + bytes(VALUE_SIZE - VALUE_SIZE // 2) for _ in range(4096)
        ]


def _fill(kv: KV, keys: list[bytes], values: list[bytes]) -> int:
    put = kv.put
    for key, value in zip(keys, itertools.cycle(values)):
        put(key, value)
    return len(keys)


def _read(kv: KV, keys: list[bytes], expect_found: bool) -> int:
    get = kv.get
    found = 0
    for key in keys:
        if get(key) is not None:
            found += 1
    expected = len(keys) if expect_found else 0
    if found != expected:
        raise AssertionError(f"{kv.name}: {found} of {len(keys)} keys found, expected {expected}")
    return len(keys)


def _readseq(kv: KV, n: int) -> int:
    count = 0
    for _ in kv.scan():
        count += 1
    if count != n:
        raise AssertionError(f"{kv.name}: iterated {count} entries, expected {n}")
    return count


def operation(workload: str, kv: KV, data: Data) -> Callable[[], int]:
    """The timed part of a workload: returns a callable doing the operations, returning their count."""
    ops: dict[str, Callable[[], int]] = {
        "fillseq": lambda: _fill(kv, data.keys, data.values),
        "fillrandom": lambda: _fill(kv, data.random_order, data.values),
        "overwrite": lambda: _fill(kv, data.overwrites, data.values[1:]),
        "readrandom": lambda: _read(kv, data.random_reads, expect_found=True),
        "readmissing": lambda: _read(kv, data.missing, expect_found=False),
        "readseq": lambda: _readseq(kv, data.n),
    }
    return ops[workload]


class Workspace:
    """Database directories of one run; the fillrandom database is kept for the later workloads."""

    def __init__(self, data: Data) -> None:
        self.root = tempfile.mkdtemp(prefix="orbitdb-bench-")
        self.data = data
        self.filled: dict[str, str] = {}

    def fresh(self, engine: str, workload: str) -> str:
        path = os.path.join(self.root, f"{engine}-{workload}")
        shutil.rmtree(path, ignore_errors=True)
        return path

    def open_for(self, engine: str, workload: str) -> KV:
        """Opens the database the workload runs on (untimed)."""
        cls = ENGINES[engine]
        if workload in FILLS:
            return cls(self.fresh(engine, workload))
        if engine not in self.filled:
            path = self.fresh(engine, "fillrandom")
            kv = cls(path)
            operation("fillrandom", kv, self.data)()
            kv.close()
            self.filled[engine] = path
        kv = cls(self.filled[engine])
        if workload.startswith("read"):
            kv.start_reads()
        return kv

    def finished(self, engine: str, workload: str, kv: KV) -> None:
        kv.close()
        if workload == "fillrandom":
            self.filled[engine] = os.path.join(self.root, f"{engine}-{workload}")
        elif workload == "fillseq":
            shutil.rmtree(os.path.join(self.root, f"{engine}-{workload}"), ignore_errors=True)

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def run_one(space: Workspace, engine: str, workload: str) -> float:
    """Runs one workload on one engine; returns ops/s."""
    kv = space.open_for(engine, workload)
    try:
        op = operation(workload, kv, space.data)
        start = time.perf_counter()
        count = op()
        elapsed = time.perf_counter() - start
    finally:
        space.finished(engine, workload, kv)
    return count / elapsed


# --------------------------------------------------------------------------- command line


def format_table(n: int, engines: list[str], results: dict[tuple[str, str], float | str]) -> str:
    peers = [e for e in engines if e != "orbitdb"]
    header = ["workload", *engines]
    if "orbitdb" in engines and peers:
        header.append("orbitdb/best peer")
    rows = []
    for workload in WORKLOADS:
        row = [workload]
        for engine in engines:
            cell = results.get((engine, workload), "")
            row.append(f"{cell:,.0f}" if isinstance(cell, float) else cell)
        if len(header) > len(engines) + 1:
            ours = results.get(("orbitdb", workload))
            best = max((v for e in peers if isinstance(v := results.get((e, workload)), float)), default=None)
            row.append(f"{ours / best:.2f}x" if isinstance(ours, float) and best else "")
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        f"ops/s, N={n:,} keys, 16-byte keys, {VALUE_SIZE}-byte values, one call per operation",
        f"durability: {DURABILITY}",
        "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))),
    ]
    for r in rows:
        lines.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
        )
    return "\n".join(line.rstrip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keys", type=int, default=default_keys(), help="N (default: %(default)s)")
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help="comma-separated, of: " + ", ".join(ENGINES)
    )
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated subset")
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    for name in engines:
        if name not in ENGINES:
            parser.error(f"unknown engine {name!r}")
    for name in workloads:
        if name not in WORKLOADS:
            parser.error(f"unknown workload {name!r}")

    data = Data(args.keys)
    space = Workspace(data)
    results: dict[tuple[str, str], float | str] = {}
    try:
        for engine in engines:
            reason = unavailable(engine)
            for workload in workloads:
                if reason:
                    results[(engine, workload)] = "n/a"
                    continue
                results[(engine, workload)] = ops = run_one(space, engine, workload)
                print(f"{engine:>8} {workload:<12} {ops:>12,.0f} ops/s", file=sys.stderr, flush=True)
            if reason:
                print(f"{engine}: skipped ({reason})", file=sys.stderr)
    finally:
        space.cleanup()
    print(format_table(args.keys, engines, results))
    return 0


# --------------------------------------------------------------------------- pytest-benchmark

try:
    import pytest
except ImportError:  # the script also runs without pytest installed
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture(scope="module")
    def bench_space() -> Iterator[Workspace]:
        space = Workspace(Data(default_keys()))
        yield space
        space.cleanup()

    @pytest.mark.parametrize("engine", list(ENGINES))
    @pytest.mark.parametrize("workload", WORKLOADS)
    def test_engine(benchmark: Any, bench_space: Workspace, workload: str, engine: str) -> None:
        reason = unavailable(engine)
        if reason:
            pytest.skip(reason)
        benchmark.group = workload
        opened: list[KV] = []

        def setup() -> tuple[tuple[Callable[[], int]], dict[str, Any]]:
            kv = bench_space.open_for(engine, workload)
            opened.append(kv)
            return (operation(workload, kv, bench_space.data),), {}

        try:
            count = benchmark.pedantic(lambda op: op(), setup=setup, rounds=1, iterations=1)
        finally:
            for kv in opened:
                bench_space.finished(engine, workload, kv)
        benchmark.extra_info["keys"] = bench_space.data.n
        benchmark.extra_info["ops"] = count
        benchmark.extra_info["durability"] = DURABILITY
        if benchmark.stats is not None:
            benchmark.extra_info["ops_per_sec"] = round(count / benchmark.stats.stats.mean)


if __name__ == "__main__":
    sys.exit(main())
