"""Clone of a live ~1 GB database: how long an instant copy by hard links takes, beside a plain
file copy of the same directory.

    PYTHONPATH=. python benchmarks/bench_clone.py [--gib 1.0] [--runs 5] [--dir /tmp]

Builds a database of --gib GiB of table files (16-byte keys, 4 KiB incompressible values, so
the files hold what they say), keeps it open in this process with a writer thread committing
all the time, and measures, each the median of --runs:

- checkpoint: Engine.checkpoint of the open engine (in-process);
- clone: `orbitdb clone SRC DST` as a child process while this process holds the database and
  writes (the command's own start-up included; `clone_inner` is what it reports for the copy);
- copy: `cp -r` of the same directory, for scale (not a consistent copy of a live database).

Every copy is opened afterwards and must hold every write acknowledged before it began, so a fast
wrong copy cannot pass.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from orbitdb.engine import Engine

VALUE = 4096
KNOBS = {"write_buffer_size": 64 << 20, "compression_type": "none"}


def build(path: str, gib: float) -> Engine:
    db = Engine(path, **KNOBS)
    count = int(gib * (1 << 30) / VALUE)
    for i in range(count):
        db.put(b"k%015d" % i, os.urandom(VALUE))
    db.flush()
    return db


def tree_bytes(path: str) -> int:
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def check(path: str) -> int:
    with Engine(path, create_if_missing=False, **KNOBS) as copy:
        return sum(1 for _ in copy.items(start=b"w", stop=b"x"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", default=None, help="where to build (default: the temp dir)")
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="orbitdb-bench-clone-", dir=args.dir)
    try:
        src = os.path.join(root, "src")
        t0 = time.perf_counter()
        db = build(src, args.gib)
        print(f"built {tree_bytes(src) / (1 << 30):.2f} GiB in {time.perf_counter() - t0:.1f} s "
              f"({len([n for n in os.listdir(src) if n.endswith('.sst')])} table files)")
        stop = threading.Event()
        written = [0]

        def write() -> None:
            while not stop.is_set():  # about a thousand commits a second: a busy, not a flooded, database
                db.put(b"w%015d" % written[0], b"x" * 100)
                written[0] += 1
                time.sleep(0.001)

        writer = threading.Thread(target=write)
        writer.start()
        while written[0] == 0:
            time.sleep(0.001)
        times: dict[str, list[float]] = {"checkpoint": [], "clone": [], "clone_inner": [], "copy": []}
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        try:
            for run in range(args.runs):
                target = os.path.join(root, f"cp{run}")
                acknowledged = written[0]
                t0 = time.perf_counter()
                db.checkpoint(target)
                times["checkpoint"].append(time.perf_counter() - t0)
                assert check(target) >= acknowledged
                shutil.rmtree(target)

                target = os.path.join(root, f"clone{run}")
                acknowledged = written[0]
                t0 = time.perf_counter()
                out = subprocess.run([sys.executable, "-m", "orbitdb", "clone", src, target], env=env,
                                     capture_output=True, text=True, check=True).stdout
                times["clone"].append(time.perf_counter() - t0)
                times["clone_inner"].append(float(re.search(r"in ([\d.]+) s", out).group(1)))
                assert check(target) >= acknowledged
                shutil.rmtree(target)

                target = os.path.join(root, f"copy{run}")
                t0 = time.perf_counter()
                # (a plain copy of a live directory may meet a file the writer just deleted, and
                # is no consistent copy anyway: its time is only for scale)
                subprocess.run(["cp", "-r", src, target], check=False, stderr=subprocess.DEVNULL)
                times["copy"].append(time.perf_counter() - t0)
                shutil.rmtree(target)
        finally:
            stop.set()
            writer.join()
            db.close()
        print(f"source: {tree_bytes(src) / (1 << 30):.2f} GiB, a writer committing throughout "
              f"({written[0]:,} writes during the runs)")
        for name, values in times.items():
            print(f"{name:12s} median {statistics.median(values) * 1000:9.1f} ms   "
                  f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, {len(values)} runs)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
