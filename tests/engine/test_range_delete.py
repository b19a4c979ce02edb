"""Range deletions (WriteBatch.delete_range): a randomized model test across flushes,
compactions, snapshots and reopens, and the properties a model cannot see (atomicity with the
rest of a batch, crash safety, space given back, reads without range deletions untouched).

Every model run prints its seed; set ORBITDB_MODEL_SEED to replay one."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from model_support import bounded, model_seed, walk

from orbitdb.engine import Engine, InvalidArgumentError, WriteBatch

SMALL = {"write_buffer_size": 8192, "target_file_size_base": 16384, "max_bytes_for_level_base": 65536,
         "enable_statistics": True}



class RangeModel:
    """The engine against a dict; snapshots against copies of it."""

    def __init__(self, path: str, seed: int, knobs: dict[str, object]) -> None:
        self.path, self.seed, self.knobs = path, seed, knobs
        self.rng = random.Random(seed)
        self.keys = [b"t%02d:%04d" % (t, i) for t in range(6) for i in range(0, 300, 3)]
        self.model: dict[bytes, bytes] = {}
        self.snapshots: list[tuple[object, dict[bytes, bytes]]] = []
        self.db = Engine(path, **knobs)
        self.step = 0

    def where(self) -> str:
        return f"seed={self.seed} step={self.step}"

    def key(self) -> bytes:
        return self.rng.choice(self.keys)

    def span(self) -> tuple[bytes, bytes]:
        """A range: most often a whole "table" (t03:), else between two keys, or empty."""
        roll = self.rng.random()
        if roll < 0.5:
            t = self.rng.randrange(6)
            return b"t%02d:" % t, b"t%02d;" % t
        a, b = sorted((self.key(), self.key()))
        return (a, b) if roll < 0.95 else (a, a)

    def value(self) -> bytes:
        return self.rng.randbytes(self.rng.randint(1, 60))

    def do_put(self) -> None:
        key, value = self.key(), self.value()
        self.db.put(key, value)
        self.model[key] = value

    def do_fill(self) -> None:
        """A table's worth of rows at once (so that whole files hold one table)."""
        t = self.rng.randrange(6)
        batch = WriteBatch()
        for k in self.keys:
            if k.startswith(b"t%02d:" % t):
                v = self.value()
                batch.put(k, v)
                self.model[k] = v
        self.db.write(batch)

    def do_delete_range(self) -> None:
        start, stop = self.span()
        self.db.delete_range(start, stop, sync=self.rng.random() < 0.1)
        self.model = {k: v for k, v in self.model.items() if not start <= k < stop}

    def do_batch(self) -> None:
        """Puts, deletes and range deletes in one batch: later records win over earlier ones."""
        batch = WriteBatch()
        pending = dict(self.model)
        for _ in range(self.rng.randint(1, 12)):
            roll = self.rng.random()
            if roll < 0.2:
                start, stop = self.span()
                batch.delete_range(start, stop)
                pending = {k: v for k, v in pending.items() if not start <= k < stop}
            elif roll < 0.8:
                key, value = self.key(), self.value()
                batch.put(key, value)
                pending[key] = value
            else:
                key = self.key()
                batch.delete(key)
                pending.pop(key, None)
        self.db.write(batch)
        self.model = pending

    def do_get(self) -> None:
        key = self.key()
        assert self.db.get(key) == self.model.get(key), (self.where(), key)

    def do_items(self) -> None:
        start, stop = self.span()
        reverse = self.rng.random() < 0.5
        expected = bounded(self.model, start, stop)
        got = list(self.db.items(start, stop, reverse))
        assert got == (expected[::-1] if reverse else expected), (self.where(), start, stop, reverse)

    def do_take_snapshot(self) -> None:
        if len(self.snapshots) < 4:
            self.snapshots.append((self.db.snapshot(), dict(self.model)))

    def do_check_snapshot(self) -> None:
        if self.snapshots:
            snap, frozen = self.rng.choice(self.snapshots)
            key = self.key()
            assert self.db.get(key, snap) == frozen.get(key), (self.where(), "snapshot get", key)
            assert list(self.db.items(snapshot=snap)) == sorted(frozen.items()), (self.where(), "snapshot items")

    def do_release_snapshot(self) -> None:
        if self.snapshots:
            snap, _ = self.snapshots.pop(self.rng.randrange(len(self.snapshots)))
            snap.release()  # type: ignore[attr-defined]

    def do_flush(self) -> None:
        self.db.flush()

    def do_compact(self) -> None:
        self.db.compact_range()

    def do_reopen(self) -> None:
        self.db.close()
        self.snapshots.clear()
        self.db = Engine(self.path, **self.knobs)

    def verify_all(self) -> None:
        assert list(self.db.items()) == sorted(self.model.items()), self.where()
        assert list(self.db.items(reverse=True)) == sorted(self.model.items(), reverse=True), self.where()
        assert self.db.multi_get(self.keys) == [self.model.get(k) for k in self.keys], self.where()

    def run(self, steps: int) -> None:
        actions = [(self.do_put, 20), (self.do_fill, 4), (self.do_delete_range, 5), (self.do_batch, 8),
                   (self.do_get, 20), (self.do_items, 6), (self.do_take_snapshot, 2), (self.do_check_snapshot, 5),
                   (self.do_release_snapshot, 2), (self.do_flush, 1.5), (self.do_compact, 0.7),
                   (self.do_reopen, 0.5)]
        walk(self, actions, steps)

    def close(self) -> None:
        self.db.close()



@pytest.mark.parametrize("knobs", [{}, SMALL], ids=["default", "small"])
@pytest.mark.parametrize("default_seed", [16, 20261206])
def test_model(db_path: str, knobs: dict[str, object], default_seed: int) -> None:
    seed = model_seed(default_seed)
    print(f"range delete model seed={seed} (replay with ORBITDB_MODEL_SEED={seed})")
    RangeModel(db_path, seed, knobs).run(3000)


@pytest.mark.slow
def test_model_long_random_seed(db_path: str) -> None:
    seed = model_seed(None)
    print(f"range delete model seed={seed} (replay with ORBITDB_MODEL_SEED={seed})")
    RangeModel(db_path, seed, SMALL).run(30000)


def test_bad_ranges(db_path: str) -> None:
    db = Engine(db_path)
    try:
        db.put(b"a", b"1")
        with pytest.raises(InvalidArgumentError):
            db.delete_range(b"b", b"a")
        db.delete_range(b"a", b"a")  # empty: nothing deleted, nothing recorded
        assert db.get(b"a") == b"1"
        assert db.property("orbitdb.num-range-deletions") == "0"
        with pytest.raises(TypeError):
            db.delete_range("a", b"b")
    finally:
        db.close()


def test_later_writes_in_the_range_survive(db_path: str) -> None:
    """A range deletion deletes what was written before it, in the same batch too, not after."""
    db = Engine(db_path, **SMALL)
    try:
        batch = WriteBatch()
        batch.put(b"k1", b"old")
        batch.delete_range(b"k0", b"k9")
        batch.put(b"k2", b"new")
        db.write(batch)
        assert list(db.items()) == [(b"k2", b"new")]
        db.put(b"k3", b"later")
        db.flush()
        db.compact_range()
        assert list(db.items()) == [(b"k2", b"new"), (b"k3", b"later")]
    finally:
        db.close()


def _fill(db: Engine, prefix: bytes, n: int) -> None:
    batch = WriteBatch()
    for i in range(n):
        batch.put(prefix + b"%07d" % i, os.urandom(40))
        if len(batch) >= 5000:
            db.write(batch)
            batch = WriteBatch()
    db.write(batch)


def test_space_comes_back_without_rewriting(db_path: str) -> None:
    """Files wholly inside a range deletion go without being read or rewritten; once no file
    holds a key of the range, the deletion itself goes."""
    db = Engine(db_path, **SMALL)
    try:
        _fill(db, b"a:", 2000)
        _fill(db, b"b:", 20000)
        _fill(db, b"c:", 2000)
        db.compact_range()
        before = int(db.property("orbitdb.total-sst-files-size"))
        written = db.stats()["compaction_bytes_written"]
        db.delete_range(b"b:", b"b;", sync=True)
        db.flush()
        after = int(db.property("orbitdb.total-sst-files-size"))
        assert after < before / 4, (before, after)
        # nothing inside the range rewritten (the background may already rewrite the two files
        # at its edges, which also hold a: and c: keys)
        assert db.stats()["compaction_bytes_written"] - written < before / 4
        assert [k for k, _ in db.items(b"b:", b"b;")] == []
        assert len(list(db.items())) == 4000
        # the files at the edges of b: still hold some of its keys: each is compacted on its own
        # (in the background, or here by a manual compaction), then the deletion goes
        db.compact_range()
        assert db.property("orbitdb.num-range-deletions") == "0"
        assert len(list(db.items())) == 4000
    finally:
        db.close()
    db = Engine(db_path)
    try:
        assert len(list(db.items())) == 4000
        assert db.property("orbitdb.num-range-deletions") == "0"
    finally:
        db.close()


def test_snapshot_holds_the_keys_until_released(db_path: str) -> None:
    db = Engine(db_path, **SMALL)
    try:
        _fill(db, b"b:", 5000)
        db.compact_range()
        snap = db.snapshot()
        db.delete_range(b"b:", b"b;")
        db.flush()
        db.compact_range()
        assert len(list(db.items(snapshot=snap))) == 5000  # nothing dropped under a snapshot
        assert db.get(b"b:0000042", snap) is not None and db.get(b"b:0000042") is None
        size = int(db.property("orbitdb.total-sst-files-size"))
        snap.release()
        db.compact_range()
        assert int(db.property("orbitdb.total-sst-files-size")) < size / 4
        assert db.property("orbitdb.num-range-deletions") == "0"
    finally:
        db.close()


def test_unflushed_range_delete_survives_reopen(db_path: str) -> None:
    db = Engine(db_path, **SMALL)
    _fill(db, b"b:", 3000)
    db.flush()
    batch = WriteBatch()
    batch.delete_range(b"b:0001000", b"b:0002000")
    batch.put(b"marker", b"1")
    db.write(batch, sync=True)
    db.close()
    db = Engine(db_path, **SMALL)
    try:
        assert len(list(db.items(b"b:", b"b;"))) == 2000
        assert db.get(b"b:0001500") is None and db.get(b"marker") == b"1"
    finally:
        db.close()


CHILD = r"""
import sys
from orbitdb.engine import Engine, WriteBatch
db = Engine(sys.argv[1], write_buffer_size=65536, target_file_size_base=65536)
i = 1 + max((int(k[8:]) for k, _ in db.items(b"dropped:", b"dropped;")), default=-1)
while True:
    # table i: filled, then dropped by a batch that also writes its marker
    batch = WriteBatch()
    for j in range(3000):
        batch.put(b"t%05d:%05d" % (i, j), b"x" * 30)
    db.write(batch, sync=True)
    batch = WriteBatch()
    batch.delete_range(b"t%05d:" % i, b"t%05d;" % i)
    batch.put(b"dropped:%05d" % i, b"1")
    db.write(batch, sync=True)
    print(i, flush=True)
    i += 1
"""


@pytest.mark.parametrize("kills", [3])
def test_kill_9_mid_drop(tmp_path: Path, kills: int) -> None:
    """A range deletion and the rest of its batch are one: after kill -9 each table is either
    whole (its drop not written) or wholly gone with its marker present."""
    path = str(tmp_path / "db")
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    acked = -1
    for n in range(kills):
        proc = subprocess.Popen([sys.executable, str(script), path], stdout=subprocess.PIPE, text=True, env=env)
        assert proc.stdout is not None
        for _ in range(3 + n * 2):
            line = proc.stdout.readline()
            assert line, "the child died"
            acked = max(acked, int(line))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        db = Engine(path)
        try:
            tables: dict[bytes, int] = {}
            for key, _ in db.items(b"t", b"u"):
                tables[key[:6]] = tables.get(key[:6], 0) + 1
            for t, count in tables.items():
                assert count == 3000, (t, count)  # never half a table
                assert db.get(b"dropped:" + t[1:]) is None, t
            for i in range(acked + 1):  # every acknowledged drop holds
                assert b"t%05d" % i not in tables
                assert db.get(b"dropped:%05d" % i) == b"1"
            db.compact_range()
        finally:
            db.close()


def test_all_snapshots(db_path: str) -> None:
    """all_snapshots (SQL's TRUNCATE): once written, snapshots taken before it see the range
    empty too, but still not what was written after them; kept through flush and reopen."""
    db = Engine(db_path, **SMALL)
    try:
        _fill(db, b"b:", 3000)
        db.put(b"a", b"1")
        snap = db.snapshot()
        batch = WriteBatch()
        batch.delete_range(b"b:", b"b;", all_snapshots=True)
        batch.put(b"b:new", b"2")
        db.write(batch)
        assert list(db.items(b"b:", b"b;", snapshot=snap)) == []
        assert db.get(b"b:0000001", snap) is None and db.get(b"a", snap) == b"1"
        assert list(db.items(b"b:", b"b;")) == [(b"b:new", b"2")]
        db.flush()
        db.close()
        db = Engine(db_path, **SMALL)
        snap = db.snapshot()
        db.put(b"b:0000001", b"3")
        assert list(db.items(b"b:", b"b;", snapshot=snap)) == [(b"b:new", b"2")]
        db.compact_range()
        assert list(db.items(b"b:", b"b;")) == [(b"b:0000001", b"3"), (b"b:new", b"2")]
        snap.release()
    finally:
        db.close()


def test_time_travel_sees_what_a_truncate_deleted(db_path: str) -> None:
    """A range deletion for every snapshot (TRUNCATE) hides the keys from snapshots taken before
    it, but not from a time-travel snapshot of a past sequence, within the retention window."""
    db = Engine(db_path, history_retention_seconds=3600, **SMALL)
    try:
        _fill(db, b"b:", 1000)
        before = int(db.property("orbitdb.stats").split("last sequence: ")[1].split()[0])
        old = db.snapshot()
        db.delete_range(b"b:", b"b;", all_snapshots=True)
        db.flush()
        db.compact_range()
        assert list(db.items(b"b:", b"b;", snapshot=old)) == []
        past = db.snapshot_at(before)
        assert len(list(db.items(b"b:", b"b;", snapshot=past))) == 1000
        assert db.get(b"b:0000007", past) is not None
        past.release()
        old.release()
    finally:
        db.close()


def test_checkpoint_keeps_range_deletions(db_path: str, tmp_path: Path) -> None:
    """A copy (backup, clone) holds the range deletions the manifest records, not the rows."""
    from orbitdb.engine import checkpoint_directory

    db = Engine(db_path, **SMALL)
    try:
        _fill(db, b"a:", 500)
        _fill(db, b"b:", 500)
        db.delete_range(b"a:0000100", b"a:0000400")
        db.flush()  # the deletion is now in the manifest
        db.put(b"z", b"1")
        checkpoint_directory(db_path, str(tmp_path / "copy"))
        db.checkpoint(str(tmp_path / "copy2"))
    finally:
        db.close()
    for copy in ("copy", "copy2"):
        c = Engine(str(tmp_path / copy))
        try:
            assert len(list(c.items(b"a:", b"a;"))) == 200, copy
            assert c.get(b"a:0000200") is None and c.get(b"z") == b"1"
        finally:
            c.close()


def test_range_deletions_with_a_bounded_table_cache(tmp_path: Path) -> None:
    """With max_open_files the tables are opened through the table cache: the range-deletion
    scans of files (which may be closed) open them there too."""
    knobs = {**SMALL, "max_open_files": 20}
    with Engine(str(tmp_path / "db"), **knobs) as db:
        for i in range(6000):
            db.put(f"k{i:06d}".encode(), b"v" * 60)
        db.flush()
        assert sum(1 for n in os.listdir(tmp_path / "db") if n.endswith(".sst")) > 20
        batch = WriteBatch()
        batch.delete_range(b"k001000", b"k005000")
        db.write(batch)
        db.compact_range()
        keys = [k for k, _ in db.items()]
        assert keys == [f"k{i:06d}".encode() for i in list(range(1000)) + list(range(5000, 6000))]
    with Engine(str(tmp_path / "db"), create_if_missing=False, **knobs) as db:
        assert db.get(b"k004999") is None and db.get(b"k005000") == b"v" * 60
