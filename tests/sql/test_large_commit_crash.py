"""kill -9 of a process while it commits transactions large enough to be written as a table of
their own (storage's ingestion path, not the write-ahead log), between small commits that go
through the log: after each crash every acknowledged commit is there, whole, and no transaction
is half there; the secondary index agrees with the table."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from large_commit_child import ROWS

import orbitdb

CHILD = str(Path(__file__).with_name("large_commit_child.py"))


def _run_child(path: str, start: int, kill_after: float) -> list[tuple[str, int]]:
    proc = subprocess.Popen([sys.executable, CHILD, path, str(start)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    buf = ""
    deadline = time.monotonic() + 120.0  # until the first acknowledgement (a loaded machine starts slowly)
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            chunk = proc.stdout.read()
        except TypeError:  # a non-blocking text read with nothing to decode
            chunk = None
        if chunk:
            if not buf:
                deadline = time.monotonic() + kill_after
            buf += chunk
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    os.set_blocking(proc.stdout.fileno(), True)
    buf += proc.stdout.read() or ""
    out = []
    for line in buf.splitlines():
        kind, n = line.split()
        out.append((kind, int(n)))
    return out


def test_kill9_during_large_commits_keeps_each_whole(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    rng = random.Random(11)
    acked: list[tuple[str, int]] = []
    start = 0
    for _ in range(3):
        acked.extend(_run_child(path, start, rng.uniform(0.5, 4.0)))
        start = max((n for _, n in acked), default=start) + 100  # an unacknowledged batch may have committed
        con = orbitdb.connect(path)
        cur = con.cursor()
        cur.execute("SELECT batch, count(*) FROM big GROUP BY batch")
        big = dict(cur.fetchall())
        cur.execute("SELECT batch FROM small")
        small = {r[0] for r in cur.fetchall()}
        cur.execute("SELECT count(*) FROM big WHERE i = 777")
        by_index = cur.fetchone()[0]
        con.close()
        assert all(n == ROWS for n in big.values()), f"a large transaction is half there: {big}"
        for kind, n in acked:
            if kind == "big":
                assert big.get(n) == ROWS, f"acknowledged large commit {n} lost"
            else:
                assert n in small, f"acknowledged small commit {n} lost"
        assert small <= set(big), "a small commit survived the large commit before it"
        assert by_index == len(big), "the index on i disagrees with the table"
    assert any(kind == "big" for kind, _ in acked), "the child never committed a large transaction"
