"""Durability under kill -9: acknowledged batches survive, no batch is ever partially present."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from orbitdb.engine import Engine

CHILD = Path(__file__).with_name("crash_child.py")
PER_BATCH = 5
ROUND_STRIDE = 1_000_000  # each round numbers its batches from round * ROUND_STRIDE


class Child:
    """One writer process and the batch numbers it acknowledged on stdout."""

    def __init__(self, db_path: str, first: int, pad: int, knobs: dict[str, object], workdir: Path) -> None:
        self.stderr_path = workdir / f"child-{first}.stderr"
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    str(CHILD),
                    db_path,
                    str(first),
                    str(PER_BATCH),
                    str(pad),
                    json.dumps(knobs),
                ],
                stdout=subprocess.PIPE,
                stderr=err,
                stdin=subprocess.DEVNULL,
                cwd=workdir,
            )
        assert self.proc.stdout is not None
        self.fd = self.proc.stdout.fileno()
        self.buffer = b""
        self.acked: list[int] = []
        self.opened = False

    def _consume(self, chunk: bytes) -> None:
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            if line == b"open":
                self.opened = True
            else:
                self.acked.append(int(line))

    def read_until(self, acks: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked) < acks:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"child acknowledged only {len(self.acked)} batches in {timeout}s")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    self.proc.wait()
                    pytest.fail(f"child exited with {self.proc.returncode}: {self.stderr_path.read_text()}")
                self._consume(chunk)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        assert self.proc.stdout is not None
        self._consume(self.proc.stdout.read())  # lines written before death are acknowledged too
        self.proc.stdout.close()
        self.proc.wait()
        assert self.proc.returncode == -signal.SIGKILL, self.stderr_path.read_text()


def verify(db_path: str, acked: set[int], last_acked: int, pad: int, knobs: dict[str, object]) -> int:
    """Checks the recovered state; returns the number of batches found."""
    batches: dict[int, dict[int, bytes]] = defaultdict(dict)
    with Engine(db_path, **knobs) as db:
        counter = db.get(b"counter")
        for key, value in db.items():
            if key == b"counter":
                continue
            name, _, j = key.decode().partition(":")
            batches[int(name[1:])][int(j)] = value
    for i, entries in batches.items():
        assert len(entries) == PER_BATCH, f"batch {i} partially present: keys {sorted(entries)}"
        expected = str(i).encode() + b"." * pad
        assert all(v == expected for v in entries.values()), f"batch {i} has foreign values"
    missing = acked - batches.keys()
    assert not missing, f"acknowledged batches lost: {sorted(missing)[:20]}"
    if last_acked >= 0:
        assert counter is not None and int(counter) >= last_acked, (counter, last_acked)
        assert int(counter) in batches, f"counter {counter!r} names a batch that is not present"
    return len(batches)


def run_crash_rounds(tmp_path: Path, rounds: int, pad: int, knobs: dict[str, object], seed: int) -> None:
    print(f"crash test seed={seed}")
    rng = random.Random(seed)
    db_path = os.fspath(tmp_path / "db")
    acked: set[int] = set()
    last_acked = -1
    for rnd in range(1, rounds + 1):
        child = Child(db_path, rnd * ROUND_STRIDE, pad, knobs, tmp_path)
        if rng.random() < 0.2:
            time.sleep(rng.uniform(0.0, 0.3))  # may land while the child opens / replays the WAL
        else:
            child.read_until(rng.randint(1, 40))
            time.sleep(rng.uniform(0.0, 0.01))
        child.kill()
        acked.update(child.acked)
        if child.acked:
            last_acked = max(child.acked)
        found = verify(db_path, acked, last_acked, pad, knobs)
        assert found >= len(acked)
    assert len(acked) > rounds, "too few batches were acknowledged for the test to mean anything"


def test_kill9_durability(tmp_path: Path) -> None:
    run_crash_rounds(tmp_path, rounds=20, pad=0, knobs={}, seed=1234)


def test_kill9_during_flushes(tmp_path: Path) -> None:
    # ~700-byte batches against a 4 KiB write buffer: a memtable switch and flush every few batches.
    run_crash_rounds(tmp_path, rounds=20, pad=128, knobs={"write_buffer_size": 4096}, seed=99)


@pytest.mark.slow
@pytest.mark.parametrize("knobs", [{}, {"write_buffer_size": 4096}], ids=["default", "tiny_buffer"])
def test_kill9_many_rounds(tmp_path: Path, knobs: dict[str, object]) -> None:
    run_crash_rounds(
        tmp_path, rounds=100, pad=128, knobs=knobs, seed=random.SystemRandom().randrange(1 << 32)
    )
