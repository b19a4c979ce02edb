"""Randomized model test: the engine must behave like a dict, snapshots like copies of it.

Every run prints its seed; set ORBITDB_MODEL_SEED to replay one (e.g. a failure from CI).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest
from model_support import bounded, model_seed, walk

from orbitdb.engine import Engine, WriteBatch

TINY_BUFFER = {"write_buffer_size": 4096}


def _keyspace(rng: random.Random) -> list[bytes]:
    """A small key space, so that overwrites and deletes hit: shared prefixes plus raw binary keys."""
    keys = {b"user:%04d" % i for i in range(120)}
    keys |= {b"user:%04d:x" % i for i in range(0, 120, 7)}
    while len(keys) < 200:
        keys.add(bytes(rng.choice((0, 1, 0x61, 0x62, 0xFE, 0xFF)) for _ in range(rng.randint(1, 6))))
    return sorted(keys)


def _value(rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.05:
        return b""
    if roll < 0.10:
        return rng.randbytes(rng.randint(1000, 6000))
    return rng.randbytes(rng.randint(1, 40)) + b"\x00" * rng.randint(0, 60)



@dataclass
class ModelRun:
    path: str
    seed: int
    knobs: dict[str, object]
    rng: random.Random = field(init=False)
    model: dict[bytes, bytes] = field(default_factory=dict)
    snapshots: list[tuple[object, dict[bytes, bytes]]] = field(default_factory=list)
    keys: list[bytes] = field(init=False)
    db: Engine = field(init=False)
    step: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.keys = _keyspace(self.rng)
        self.db = Engine(self.path, **self.knobs)

    def where(self) -> str:
        return f"seed={self.seed} step={self.step} knobs={self.knobs}"

    def key(self) -> bytes:
        if self.rng.random() < 0.02:
            return b"absent:" + self.rng.randbytes(3)
        return self.rng.choice(self.keys)

    def bound(self) -> bytes | None:
        return None if self.rng.random() < 0.3 else self.key()

    def do_put(self) -> None:
        key, value = self.key(), _value(self.rng)
        self.db.put(key, value, sync=self.rng.random() < 0.01)
        self.model[key] = value

    def do_delete(self) -> None:
        key = self.key()
        self.db.delete(key)
        self.model.pop(key, None)

    def do_batch(self) -> None:
        batch = WriteBatch()
        pending = dict(self.model)
        for _ in range(self.rng.randint(0, 20)):
            key = self.key()
            if self.rng.random() < 0.75:
                value = _value(self.rng)
                batch.put(key, value)
                pending[key] = value
            else:
                batch.delete(key)
                pending.pop(key, None)
        self.db.write(batch, sync=self.rng.random() < 0.05)
        self.model = pending

    def do_get(self) -> None:
        key = self.key()
        assert self.db.get(key) == self.model.get(key), (self.where(), key)

    def do_items(self) -> None:
        start, stop, reverse = self.bound(), self.bound(), self.rng.random() < 0.5
        expected = bounded(self.model, start, stop)
        if reverse:
            expected.reverse()
        got = list(self.db.items(start=start, stop=stop, reverse=reverse))
        assert got == expected, (self.where(), start, stop, reverse)

    def do_take_snapshot(self) -> None:
        if len(self.snapshots) < 8:
            self.snapshots.append((self.db.snapshot(), dict(self.model)))

    def do_check_snapshot(self) -> None:
        if not self.snapshots:
            return
        snap, frozen = self.rng.choice(self.snapshots)
        key = self.key()
        assert self.db.get(key, snapshot=snap) == frozen.get(key), (self.where(), "snapshot get", key)
        start, stop, reverse = self.bound(), self.bound(), self.rng.random() < 0.5
        expected = bounded(frozen, start, stop)
        if reverse:
            expected.reverse()
        got = list(self.db.items(start=start, stop=stop, reverse=reverse, snapshot=snap))
        assert got == expected, (self.where(), "snapshot items", start, stop, reverse)

    def do_release_snapshot(self) -> None:
        if self.snapshots:
            snap, _ = self.snapshots.pop(self.rng.randrange(len(self.snapshots)))
            snap.release()  # type: ignore[attr-defined]

    def do_flush(self) -> None:
        self.db.flush()

    def do_reopen(self) -> None:
        self.db.close()  # releases the snapshots
        self.snapshots.clear()
        self.db = Engine(self.path, **self.knobs)

    def verify_all(self) -> None:
        assert list(self.db.items()) == sorted(self.model.items()), self.where()
        for key in self.keys:
            assert self.db.get(key) == self.model.get(key), (self.where(), key)

    def run(self, steps: int) -> None:
        actions = [
            (self.do_put, 30),
            (self.do_delete, 10),
            (self.do_batch, 8),
            (self.do_get, 25),
            (self.do_items, 6),
            (self.do_take_snapshot, 2),
            (self.do_check_snapshot, 6),
            (self.do_release_snapshot, 2),
            (self.do_flush, 1),
            (self.do_reopen, 0.5),
        ]
        walk(self, actions, steps)

    def close(self) -> None:
        self.db.close()



@pytest.mark.parametrize("knobs", [{}, TINY_BUFFER], ids=["default", "tiny_buffer"])
@pytest.mark.parametrize("default_seed", [20240601, 7])
def test_model(db_path: str, knobs: dict[str, object], default_seed: int) -> None:
    seed = model_seed(default_seed)
    print(f"model test seed={seed} (replay with ORBITDB_MODEL_SEED={seed})")
    ModelRun(db_path, seed, knobs).run(5000)


@pytest.mark.slow
@pytest.mark.parametrize(
    "knobs",
    [{}, TINY_BUFFER, {**TINY_BUFFER, "compression_type": "none", "block_size": 256}],
    ids=["default", "tiny_buffer", "tiny_blocks"],
)
def test_model_long_random_seed(db_path: str, knobs: dict[str, object]) -> None:
    seed = model_seed(None)
    print(f"model test seed={seed} (replay with ORBITDB_MODEL_SEED={seed})")
    ModelRun(db_path, seed, knobs).run(30000)
