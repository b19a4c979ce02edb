"""Child process of test_crash.py: commits numbered WriteBatches until it is killed.

Usage: crash_child.py DB_PATH FIRST_BATCH KEYS_PER_BATCH PAD KNOBS_JSON

Batch i writes keys b"b{i}:{j}" (j < KEYS_PER_BATCH) with value f"{i}" followed by PAD dots, and
overwrites b"counter" with f"{i}". After db.write(batch, sync=True) returns, the child prints i
on stdout (flushed): a printed number is an acknowledged, durable batch.
"""

from __future__ import annotations

import json
import sys

from orbitdb.engine import Engine, WriteBatch


def main() -> None:
    path, first, per_batch, pad, knobs = sys.argv[1:6]
    db = Engine(path, **json.loads(knobs))
    sys.stdout.write("open\n")
    sys.stdout.flush()
    i = int(first)
    while True:
        value = str(i).encode() + b"." * int(pad)
        batch = WriteBatch()
        for j in range(int(per_batch)):
            batch.put(f"b{i}:{j}".encode(), value)
        batch.put(b"counter", str(i).encode())
        db.write(batch, sync=True)
        sys.stdout.write(f"{i}\n")
        sys.stdout.flush()
        i += 1


if __name__ == "__main__":
    main()
