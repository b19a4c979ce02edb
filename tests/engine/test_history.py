"""History retention and time travel in the engine (csrc/retention.h), against a model: random
puts and deletes with their commit times recorded, then reads at random past times compared
with the model's state at that time, across flushes, compactions, a clean restart and a kill -9;
after the window has passed and compaction ran, the old versions are gone and the read refused."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orbitdb.engine import Engine, InvalidArgumentError

SMALL = {"write_buffer_size": 16 << 10, "target_file_size_base": 16 << 10, "level0_file_num_compaction_trigger": 2}
KEYS = [f"k{i:02d}".encode() for i in range(12)]


def now_micros() -> int:
    return time.time_ns() // 1000


class Model:
    """The committed states in order: states[i] holds after write i, written in
    [starts[i], ends[i]] (microseconds of the wall clock)."""

    def __init__(self) -> None:
        self.states: list[dict[bytes, bytes]] = [{}]
        self.starts: list[int] = [0]
        self.ends: list[int] = [now_micros()]

    def write(self, db: Engine, rng: random.Random, step: int) -> None:
        state = dict(self.states[-1])
        key = rng.choice(KEYS)
        start = now_micros()
        if key in state and rng.random() < 0.3:
            db.delete(key)
            del state[key]
        else:
            value = f"{key.decode()}@{step}".encode() * rng.randint(1, 20)
            db.put(key, value)
            state[key] = value
        self.ends.append(now_micros())
        self.starts.append(start)
        self.states.append(state)

    def times_between(self, rng: random.Random, n: int) -> list[tuple[int, dict[bytes, bytes]]]:
        """n (time, state) pairs: a time after write i was acknowledged and before write i + 1 began."""
        out = []
        gaps = [i for i in range(1, len(self.states) - 1) if self.starts[i + 1] > self.ends[i]]
        for i in rng.sample(gaps, min(n, len(gaps))):
            out.append((rng.randint(self.ends[i], self.starts[i + 1] - 1), self.states[i]))
        return out


def read_at(db: Engine, micros: int) -> dict[bytes, bytes]:
    with db.snapshot_at_time(micros) as snap:
        return dict(db.items(snapshot=snap))


def check(db: Engine, model: Model, rng: random.Random, n: int = 40) -> None:
    pairs = model.times_between(rng, n)
    assert len(pairs) >= min(n, 10)
    for micros, state in pairs:
        assert read_at(db, micros) == state


def run_writes(db: Engine, model: Model, rng: random.Random, count: int) -> None:
    for step in range(count):
        model.write(db, rng, len(model.states))
        if step % 50 == 49:
            db.flush()
        if step % 120 == 119:
            db.compact_range()
        time.sleep(0.0002)  # gaps between commits, so that a time falls between two of them


def test_reads_at_past_times_match_the_model(tmp_path: Path) -> None:
    rng = random.Random(16)
    model = Model()
    with Engine(str(tmp_path / "db"), history_retention_seconds=600, **SMALL) as db:
        run_writes(db, model, rng, 400)
        check(db, model, rng)
        db.compact_range()  # every version the window needs survives a full compaction
        check(db, model, rng)
        assert int(db.property("orbitdb.history-versions")) > 0
        assert int(db.property("orbitdb.history-bytes")) > 0
        assert int(db.property("orbitdb.history-index-entries")) == 400
    # a clean restart keeps the time index (HISTORY), and so the reads
    with Engine(str(tmp_path / "db"), history_retention_seconds=600, **SMALL) as db:
        check(db, model, rng)
        run_writes(db, model, rng, 100)
        check(db, model, rng)


def test_time_before_the_first_write_and_now(tmp_path: Path) -> None:
    with Engine(str(tmp_path / "db"), history_retention_seconds=60) as db:
        opened = now_micros()
        db.put(b"a", b"1")
        after = now_micros()
        time.sleep(0.002)
        db.put(b"a", b"2")
        assert read_at(db, after) == {b"a": b"1"}
        assert read_at(db, now_micros()) == {b"a": b"2"}
        with pytest.raises(InvalidArgumentError, match="future"):
            db.snapshot_at_time(now_micros() + 10_000_000)
        with pytest.raises(InvalidArgumentError, match="before the history begins|older than"):
            db.snapshot_at_time(opened - 5_000_000)


_CHILD = """
import sys, time
from orbitdb.engine import Engine
db = Engine(sys.argv[1], history_retention_seconds=600, write_buffer_size=16 << 10)
out = open(sys.argv[2], "w")
for i in range(300):
    start = time.time_ns() // 1000
    db.put(b"k%02d" % (i % 7), b"v%d" % i)
    out.write(f"{start} {time.time_ns() // 1000}\\n")
    out.flush()
    time.sleep(0.0002)
    if i == 150:
        db.flush()
out.close()
import os, signal
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_kill_9_keeps_the_time_index(tmp_path: Path) -> None:
    """The stamps of writes not yet in HISTORY come back from the WAL's time records."""
    path, times = tmp_path / "db", tmp_path / "times"
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(times)], check=False, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    spans = [tuple(map(int, line.split())) for line in times.read_text().split("\n") if line]
    assert len(spans) == 300
    model = Model()
    model.starts, model.ends, model.states = [0], [spans[0][0] - 1], [{}]
    for i, (start, end) in enumerate(spans):
        state = dict(model.states[-1])
        state[b"k%02d" % (i % 7)] = b"v%d" % i
        model.starts.append(start)
        model.ends.append(end)
        model.states.append(state)
    with Engine(str(path), history_retention_seconds=600, write_buffer_size=16 << 10) as db:
        check(db, model, random.Random(9), 60)
        db.compact_range()
        check(db, model, random.Random(10), 60)


def test_versions_go_once_the_window_passed(tmp_path: Path) -> None:
    with Engine(str(tmp_path / "db"), history_retention_seconds=1, **SMALL) as db:
        for i in range(50):
            db.put(b"k", b"v%d" % i)
            db.put(b"gone%d" % i, b"x")
            db.delete(b"gone%d" % i)
        old = now_micros()
        db.flush()
        db.compact_range()
        assert int(db.property("orbitdb.history-versions")) >= 49  # inside the window: kept
        assert read_at(db, old) == {b"k": b"v49"}
        time.sleep(1.3)
        db.put(b"k", b"new")
        db.flush()
        db.compact_range()
        # beyond the window: compaction dropped every older version and deletion marker
        assert int(db.property("orbitdb.history-versions")) <= 1
        with pytest.raises(InvalidArgumentError, match="older than the history retention window"):
            db.snapshot_at_time(old)
        with pytest.raises(InvalidArgumentError, match="older than the retained history"):
            db.snapshot_at(1)
        assert dict(db.items()) == {b"k": b"new"}


def test_smaller_window_after_restart_refuses_what_compaction_dropped(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    with Engine(path, history_retention_seconds=1, **SMALL) as db:
        db.put(b"k", b"1")
        first = now_micros()
        time.sleep(0.01)
        db.put(b"k", b"2")
        time.sleep(1.2)  # the window's oldest state is now the one with k = 2
        db.put(b"k", b"3")
        db.flush()
        db.compact_range()  # so the version of `first` is gone
    with Engine(path, history_retention_seconds=3600, **SMALL) as db, pytest.raises(
            InvalidArgumentError, match="no longer kept|older"):
        db.snapshot_at_time(first)


def test_retention_off(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    with Engine(path, history_retention_seconds=60) as db:
        db.put(b"k", b"1")
    assert (tmp_path / "db" / "HISTORY").exists()
    with Engine(path) as db:
        # the writes of a run without retention are not stamped: the history ends
        assert not (tmp_path / "db" / "HISTORY").exists()
        with pytest.raises(InvalidArgumentError, match="history retention is off"):
            db.snapshot_at_time(now_micros())
        with pytest.raises(InvalidArgumentError, match="history retention is off"):
            db.snapshot_at(1)
        assert db.property("orbitdb.history-retention-seconds") == "0"
    with pytest.raises(ValueError, match="at most"):
        Engine(path, history_retention_seconds=10**12)


def test_snapshot_at_sequence(tmp_path: Path) -> None:
    with Engine(str(tmp_path / "db"), history_retention_seconds=60) as db:
        db.put(b"k", b"1")
        s1 = db.snapshot()
        db.put(b"k", b"2")
        seq = s1.sequence
        s1.release()
        db.flush()
        db.compact_range()
        with db.snapshot_at(seq) as snap:
            assert db.get(b"k", snap) == b"1"
        with pytest.raises(InvalidArgumentError, match="not committed"):
            db.snapshot_at(seq + 100)
