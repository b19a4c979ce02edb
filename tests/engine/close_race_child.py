"""Child process of test_close_race.py: threads call get, put, multi_get, get_newest and scan an
engine while another thread closes it, ROUNDS times; some read through a snapshot that the main
thread releases while they run. A crash kills only this process, which the
test sees in its exit status.

Usage: close_race_child.py DB_DIR ROUNDS THREADS

Each worker loops until the engine refuses it; the only error it accepts is EngineClosedError.
A scan that ends without an error must have seen every one of the KEYS keys written before the
threads started (a scan cut short by close() must raise, not end early). The child prints one
line per round: the counts of calls that succeeded and of the errors each worker ended with.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import Counter

from orbitdb.engine import Engine, EngineClosedError, InvalidArgumentError, Snapshot, WriteBatch

KEYS = 2000


def _worker(db: Engine, kind: int, shared: Snapshot | None, start: threading.Barrier, outcome: Counter[str],
            lock: threading.Lock) -> None:
    start.wait()
    calls = 0
    try:
        while True:
            n = calls % 4000
            if kind == 0:
                assert db.get(b"k%05d" % (n % KEYS)) is not None
            elif kind == 1:
                db.put(b"w%05d" % n, b"x" * 100)
            elif kind == 2:
                seen = sum(1 for _ in db.items(b"k", b"l"))
                assert seen == KEYS, f"a scan that ended saw {seen} of {KEYS} keys"
            elif kind == 5:
                try:
                    assert db.get(b"k%05d" % (n % KEYS), snapshot=shared) is not None
                except InvalidArgumentError as e:  # released by the main thread: read without it
                    assert "released" in str(e)
                    shared = None
            elif kind == 3:
                assert None not in db.multi_get([b"k%05d" % i for i in range(0, KEYS, 97)])
            else:
                with db.snapshot() as snap:
                    value, _ = db.get_newest(b"k%05d" % (n % KEYS), snap)
                    assert value is not None
            calls += 1
    except EngineClosedError as e:
        ended = "closed" if "closed" in str(e) else f"unclear message: {e}"
    with lock:
        outcome["calls"] += calls
        outcome[ended] += 1


def main() -> None:
    base, rounds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for r in range(rounds):
        db = Engine(os.path.join(base, f"r{r}"), write_buffer_size=1 << 16)
        batch = WriteBatch()
        for i in range(KEYS):
            batch.put(b"k%05d" % i, b"v%d" % i)
        db.write(batch)
        if r % 2:
            db.flush()  # reads from table files too, not only the memtable
        shared = db.snapshot()
        outcome: Counter[str] = Counter()
        lock = threading.Lock()
        start = threading.Barrier(threads + 1)
        workers = [threading.Thread(target=_worker, args=(db, i % 6, shared, start, outcome, lock)) for i in range(threads)]
        for w in workers:
            w.start()
        start.wait()
        threading.Event().wait(0.001 * (r % 5))
        shared.release()
        threading.Event().wait(0.001 * (r % 5))  # close at a different point of the work each round
        closer = threading.Thread(target=db.close)
        closer.start()
        closer.join()
        for w in workers:
            w.join()
        print(f"round {r}: {dict(outcome)}", flush=True)


if __name__ == "__main__":
    main()
