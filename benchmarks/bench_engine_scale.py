"""The engine at scale: orbitdb against RocksDB (rocksdict) with the same settings, in the same run.

Workloads, in this order on one database per engine (db_bench's names, one call per operation):
  fillrandom   N puts of N distinct keys in a scrambled order into an empty database
  overwrite    N puts of random existing keys
  readrandom   N gets of random existing keys              (database reopened first)
  readseq      one iteration over everything in key order
  mixed        N/2 operations, 90% gets of random keys and 10% puts of random keys
(--reads R: R gets in readrandom and R/2 operations in mixed instead of N and N/2)

Beside ops/s, each engine reports:
  peak RSS     the largest resident set of its process (every engine runs in a process of its own;
               the keys are computed on the fly, so the process holds no key lists)
  base RSS     the process's resident set before the engine was opened (after its import)
  write amp    bytes the process handed to write(2) (/proc/self/io wchar: tables, WAL, manifest)
               divided by the user bytes written (keys + values), after fillrandom and after
               overwrite: the same measurement for both engines, without trusting their counters
  space amp    bytes of the database directory before a full manual compaction, divided by its
               bytes after it (1.0 = no dead versions or garbage on disk)

Keys are 16 bytes (b"%016d"), values 100 bytes (half random, half zeros).

    python benchmarks/bench_engine_scale.py --keys 10000000
    python benchmarks/bench_engine_scale.py --keys 3000000 --write-buffer-size 1048576 \\
        --target-file-size-base 1048576 --workloads fillrandom

Memory bound to compare peak RSS with: base RSS + write_buffer_size * max_write_buffer_number
+ block_cache_size + the tables' index and filter blocks (held outside the cache unless
--cache-index-and-filter-blocks).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

VALUE_SIZE = 100
KEY_SIZE = 16
WORKLOADS = ("fillrandom", "overwrite", "readrandom", "readseq", "mixed")
# A prime larger than any N used here: i -> i * STRIDE mod N visits every key once (a scrambled
# order that needs no list of N keys in memory).
STRIDE = 2_147_483_629


@dataclass
class Settings:
    keys: int
    reads: int = 0  # gets of readrandom (mixed: half as many operations); 0: as many as keys
    write_buffer_size: int = 64 << 20
    max_write_buffer_number: int = 2
    target_file_size_base: int = 64 << 20
    max_bytes_for_level_base: int = 256 << 20
    level0_file_num_compaction_trigger: int = 4
    max_background_jobs: int = 2
    block_cache_size: int = 64 << 20
    bloom_bits: int = 10
    cache_index_and_filter_blocks: bool = False
    max_open_files: int = -1


@dataclass
class Result:
    engine: str
    ops: dict[str, float] = field(default_factory=dict)
    peak_rss: int = 0
    base_rss: int = 0
    write_amp: dict[str, float] = field(default_factory=dict)
    space_amp: float = 0.0
    size_before: int = 0
    size_after: int = 0
    levels: str = ""


# --------------------------------------------------------------------------- engines


def open_orbitdb(path: str, s: Settings) -> tuple[Any, Callable[[], None]]:
    from orbitdb.engine import Engine

    # max_open_files only when bounded, so that this script also measures engines from before the knob
    bounded = {"max_open_files": s.max_open_files} if s.max_open_files != -1 else {}
    db = Engine(
        path,
        **bounded,
        write_buffer_size=s.write_buffer_size,
        max_write_buffer_number=s.max_write_buffer_number,
        target_file_size_base=s.target_file_size_base,
        max_bytes_for_level_base=s.max_bytes_for_level_base,
        level0_file_num_compaction_trigger=s.level0_file_num_compaction_trigger,
        max_background_jobs=s.max_background_jobs,
        block_cache_size=s.block_cache_size,
        bloom_filter_bits_per_key=s.bloom_bits,
        cache_index_and_filter_blocks=s.cache_index_and_filter_blocks,
        compression_type="lz4",
    )
    return db, db.compact_range


def open_rocksdb(path: str, s: Settings) -> tuple[Any, Callable[[], None]]:
    import rocksdict

    opts = rocksdict.Options(raw_mode=True)
    opts.create_if_missing(True)
    opts.set_write_buffer_size(s.write_buffer_size)
    opts.set_max_write_buffer_number(s.max_write_buffer_number)
    opts.set_target_file_size_base(s.target_file_size_base)
    opts.set_max_bytes_for_level_base(s.max_bytes_for_level_base)
    opts.set_level_zero_file_num_compaction_trigger(s.level0_file_num_compaction_trigger)
    opts.set_level_compaction_dynamic_level_bytes(True)
    opts.set_max_background_jobs(s.max_background_jobs)
    opts.set_max_open_files(s.max_open_files)
    opts.set_compression_type(rocksdict.DBCompressionType.lz4())
    table = rocksdict.BlockBasedOptions()
    table.set_block_cache(rocksdict.Cache(s.block_cache_size))
    table.set_bloom_filter(s.bloom_bits, False)
    table.set_cache_index_and_filter_blocks(s.cache_index_and_filter_blocks)
    opts.set_block_based_table_factory(table)
    db = rocksdict.Rdict(path, options=opts)
    write = rocksdict.WriteOptions()
    write.sync = False
    write.disable_wal = False
    db.set_write_options(write)
    return db, lambda: db.compact_range(None, None)


# orbitdb-base: orbitdb from the tree given by --baseline (a build from before a change), so that
# before and after run in the same invocation
OPENERS = {"orbitdb": open_orbitdb, "orbitdb-base": open_orbitdb, "rocksdb": open_rocksdb}
MODULES = {"orbitdb": "orbitdb.engine", "orbitdb-base": "orbitdb.engine", "rocksdb": "rocksdict"}


def levels_of(engine: str, db: Any) -> str:
    ours = engine.startswith("orbitdb")
    prefix = "orbitdb.num-files-at-level" if ours else "rocksdb.num-files-at-level"
    get = db.property if ours else db.property_value
    return " ".join(str(get(f"{prefix}{level}")) for level in range(7))


# --------------------------------------------------------------------------- measurements


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def written_bytes() -> int:
    with open("/proc/self/io") as f:
        for line in f:
            if line.startswith("wchar:"):
                return int(line.split()[1])
    raise RuntimeError("/proc/self/io has no wchar line")


def dir_bytes(path: str) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except FileNotFoundError:
                pass  # removed by a compaction while we walked
    return total


# --------------------------------------------------------------------------- workloads


def make_values() -> list[bytes]:
    rng = random.Random(301)
    return [rng.randbytes(VALUE_SIZE // 2) + bytes(VALUE_SIZE - VALUE_SIZE // 2) for _ in range(4096)]


def fillrandom(db: Any, n: int, values: list[bytes], reads: int) -> int:
    put = db.put
    for i in range(n):
        put(b"%016d" % (i * STRIDE % n), values[i & 4095])
    return n


def overwrite(db: Any, n: int, values: list[bytes], reads: int) -> int:
    put = db.put
    rnd = random.Random(7).randrange
    for i in range(n):
        put(b"%016d" % rnd(n), values[(i + 1) & 4095])
    return n


def readrandom(db: Any, n: int, values: list[bytes], reads: int) -> int:
    get = db.get
    rnd = random.Random(11).randrange
    missing = 0
    for _ in range(reads):
        if get(b"%016d" % rnd(n)) is None:
            missing += 1
    if missing:
        raise AssertionError(f"readrandom: {missing} of {reads} keys not found")
    return reads


def readseq(db: Any, n: int, values: list[bytes], reads: int) -> int:
    count = sum(1 for _ in db.items())
    if count != n:
        raise AssertionError(f"readseq: {count} entries, expected {n}")
    return count


def mixed(db: Any, n: int, values: list[bytes], reads: int) -> int:
    get, put = db.get, db.put
    rng = random.Random(13)
    rnd, rand = rng.randrange, rng.random
    ops = reads // 2
    for i in range(ops):
        key = b"%016d" % rnd(n)
        if rand() < 0.1:
            put(key, values[(i + 2) & 4095])
        elif get(key) is None:
            raise AssertionError(f"mixed: {key!r} not found")
    return ops


RUNNERS: dict[str, Callable[[Any, int, list[bytes], int], int]] = {
    "fillrandom": fillrandom,
    "overwrite": overwrite,
    "readrandom": readrandom,
    "readseq": readseq,
    "mixed": mixed,
}


def run_engine(engine: str, s: Settings, workloads: list[str], root: str) -> Result:
    """One engine's whole run, in this process."""
    values = make_values()
    # base RSS after the import: importing orbitdb.engine loads the whole package (the SQL layer
    # too), which is not the engine's memory
    importlib.import_module(MODULES[engine])
    result = Result(engine, base_rss=rss_bytes())
    path = os.path.join(root, engine)
    shutil.rmtree(path, ignore_errors=True)
    opener = OPENERS[engine]
    db, compact = opener(path, s)
    user_bytes = 0
    io_start = written_bytes()
    for workload in workloads:
        if workload == "readrandom":  # reads start from a reopened database, as db_bench's
            db.close()
            db, compact = opener(path, s)
        start = time.perf_counter()
        count = RUNNERS[workload](db, s.keys, values, s.reads or s.keys)
        result.ops[workload] = count / (time.perf_counter() - start)
        if workload in ("fillrandom", "overwrite"):
            user_bytes += count * (KEY_SIZE + VALUE_SIZE)
            result.write_amp[workload] = (written_bytes() - io_start) / user_bytes
        print(f"{engine:>8} {workload:<11} {result.ops[workload]:>12,.0f} ops/s", file=sys.stderr, flush=True)
    result.levels = levels_of(engine, db)
    result.peak_rss = peak_rss_bytes()
    db.close()
    result.size_before = dir_bytes(path)
    db, compact = opener(path, s)
    compact()
    db.close()
    result.size_after = dir_bytes(path)
    result.space_amp = result.size_before / max(result.size_after, 1)
    shutil.rmtree(path, ignore_errors=True)
    return result


# --------------------------------------------------------------------------- report


def mib(n: int) -> str:
    return f"{n / 1048576:,.0f} MiB"


def format_report(s: Settings, results: list[Result]) -> str:
    names = [r.engine for r in results]
    ratio = "orbitdb" in names and "rocksdb" in names
    ours, peer = (names.index("orbitdb"), names.index("rocksdb")) if ratio else (0, 0)
    header = ["", *names] + (["orbitdb/rocksdb"] if ratio else [])
    rows: list[list[str]] = []
    for w in WORKLOADS:
        if all(w not in r.ops for r in results):
            continue
        row = [f"{w} ops/s", *(f"{r.ops[w]:,.0f}" if w in r.ops else "" for r in results)]
        if ratio and w in results[ours].ops and w in results[peer].ops:
            row.append(f"{results[ours].ops[w] / results[peer].ops[w]:.2f}x")
        rows.append(row)
    for w in ("fillrandom", "overwrite"):
        if any(w in r.write_amp for r in results):
            rows.append([f"write amp after {w}", *(f"{r.write_amp.get(w, 0):.2f}" for r in results)])
    rows.append(["space amp", *(f"{r.space_amp:.2f}" for r in results)])
    rows.append(
        ["db size before/after compaction", *(f"{mib(r.size_before)}/{mib(r.size_after)}" for r in results)]
    )
    rows.append(["peak RSS", *(mib(r.peak_rss) for r in results)])
    rows.append(["base RSS (before open)", *(mib(r.base_rss) for r in results)])
    rows.append(["files per level L0..L6", *(r.levels for r in results)])
    widths = [max(len(row[i]) if i < len(row) else 0 for row in [header, *rows]) for i in range(len(header))]
    bound = s.write_buffer_size * s.max_write_buffer_number + s.block_cache_size
    lines = [
        f"N={s.keys:,} keys, {KEY_SIZE}-byte keys, {VALUE_SIZE}-byte values, readrandom {s.reads or s.keys:,}"
        f" gets; settings (both engines): "
        + json.dumps({k: v for k, v in asdict(s).items() if k not in ("keys", "reads")}),
        f"write buffers x number + block cache = {mib(bound)}",
    ]
    for row in [header, *rows]:
        cells = [c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keys", type=int, default=10_000_000)
    parser.add_argument("--engines", default="orbitdb,rocksdb")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    for name, value in asdict(Settings(0)).items():
        if name == "keys":
            continue
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            parser.add_argument(flag, action="store_true")
        else:
            parser.add_argument(flag, type=int, default=value)
    parser.add_argument("--dir", default=None, help="where the databases go (default: a temp dir)")
    parser.add_argument("--baseline", default=None, help="source tree (built) that engine orbitdb-base imports")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = Settings(**{k: getattr(args, k) for k in asdict(Settings(0))})
    workloads = [w for w in args.workloads.split(",") if w]
    for w in workloads:
        if w not in RUNNERS:
            parser.error(f"unknown workload {w!r}")
    if args.child:
        result = run_engine(args.child, settings, workloads, args.dir)
        print(json.dumps(asdict(result)))
        return 0
    root = tempfile.mkdtemp(prefix="orbitdb-scale-", dir=args.dir)
    results = []
    try:
        for engine in [e for e in args.engines.split(",") if e]:
            cmd = [sys.executable, __file__, *(argv if argv is not None else sys.argv[1:])]
            cmd += ["--child", engine, "--dir", root]
            env = None
            if engine == "orbitdb-base":
                if not args.baseline:
                    parser.error("engine orbitdb-base needs --baseline TREE")
                env = dict(os.environ, PYTHONPATH=os.path.abspath(args.baseline))
            out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env=env).stdout
            results.append(Result(**json.loads(out.strip().splitlines()[-1])))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(format_report(settings, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
