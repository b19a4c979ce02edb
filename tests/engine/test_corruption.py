"""Damaged files: a torn WAL tail is dropped cleanly; damaged tables and manifests raise, never crash."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import sstfile

from orbitdb.engine import CorruptionError, Engine, EngineError, WriteBatch

BATCHES = 50
PER_BATCH = 8


def _files(path: str, suffix: str) -> list[str]:
    return sorted(f for f in os.listdir(path) if f.endswith(suffix))


def _newest_log(path: str) -> str:
    logs = _files(path, ".log")
    assert logs, os.listdir(path)
    return os.path.join(path, logs[-1])


def _write_batches(db: Engine, first: int, count: int) -> None:
    for i in range(first, first + count):
        batch = WriteBatch()
        for j in range(PER_BATCH):
            batch.put(b"b%04d:%d" % (i, j), b"value-%d-" % i + b"x" * 40)
        db.write(batch)


def _present(db: Engine, i: int) -> int:
    """How many keys of batch i are present (with the right value)."""
    expected = b"value-%d-" % i + b"x" * 40
    return sum(db.get(b"b%04d:%d" % (i, j)) == expected for j in range(PER_BATCH))


def _check_batches(db: Engine, intact: list[int] | range, absent: list[int]) -> None:
    for i in intact:
        assert _present(db, i) == PER_BATCH, f"batch {i} lost or partial"
    for i in absent:
        assert _present(db, i) == 0, f"torn batch {i} is (partially) present"
    keys = {k for k, _ in db.items()}
    assert keys == {b"b%04d:%d" % (i, j) for i in intact for j in range(PER_BATCH)}


@pytest.mark.parametrize("cut", [1, 3, 7, 20])
def test_torn_wal_tail(db_path: str, cut: int) -> None:
    with Engine(db_path) as db:
        _write_batches(db, 0, BATCHES)
    log = _newest_log(db_path)
    size = os.path.getsize(log)
    assert size > cut
    with open(log, "r+b") as f:
        f.truncate(size - cut)
    with Engine(db_path) as db:
        _check_batches(db, range(BATCHES - 1), [BATCHES - 1])
        _write_batches(db, BATCHES, 5)  # the engine keeps working after dropping the tail
    with Engine(db_path) as db:
        _check_batches(db, [*range(BATCHES - 1), *range(BATCHES, BATCHES + 5)], [BATCHES - 1])


@pytest.mark.parametrize("garbage_seed", [1, 2, 3])
def test_garbage_after_wal_tail(db_path: str, garbage_seed: int) -> None:
    with Engine(db_path) as db:
        _write_batches(db, 0, BATCHES)
    rng = random.Random(garbage_seed)
    with open(_newest_log(db_path), "ab") as f:
        f.write(rng.randbytes(rng.randint(1, 3000)))
    with Engine(db_path) as db:
        _check_batches(db, range(BATCHES), [])
        _write_batches(db, BATCHES, 5)
    with Engine(db_path) as db:
        _check_batches(db, range(BATCHES + 5), [])


def _single_table(db_path: str) -> tuple[str, list[bytes]]:
    """Writes sorted keys, flushes them into one table and closes; returns (table path, keys)."""
    keys = [b"key%06d" % i for i in range(3000)]
    with Engine(db_path, compression_type="lz4") as db:
        for i, key in enumerate(keys):
            db.put(key, b"%d:" % i + bytes(60) + os.urandom(20))
        db.flush()
    tables = _files(db_path, ".sst")
    assert len(tables) == 1, tables
    return os.path.join(db_path, tables[0]), keys


def _flip(path: str, offset: int) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)[0]
        f.seek(offset)
        f.write(bytes([byte ^ 0x5A]))


def test_flipped_byte_in_data_block(db_path: str) -> None:
    table, keys = _single_table(db_path)
    data = Path(table).read_bytes()
    assert sstfile.read_footer(data).magic == sstfile.MAGIC
    index = sstfile.index_entries(data)
    assert len(index) > 1
    first_block = index[0][1]
    assert first_block.size > 16
    _flip(table, first_block.offset + min(10, first_block.size // 2))
    name = os.path.basename(table)
    with Engine(db_path) as db:
        for _ in range(2):  # a failed read is not cached as good
            with pytest.raises(CorruptionError, match=name):
                db.get(keys[0])
            with pytest.raises(CorruptionError, match=name):
                list(db.items())
        assert db.get(keys[-1]) is not None  # keys in other blocks are still readable
        with pytest.raises(CorruptionError, match=name):
            list(db.items(reverse=True))


def test_truncated_table(db_path: str) -> None:
    table, keys = _single_table(db_path)
    with open(table, "r+b") as f:
        f.truncate(os.path.getsize(table) // 2)
    # detected at open or at the first read
    with pytest.raises(CorruptionError, match=os.path.basename(table)), Engine(db_path) as db:
        db.get(keys[0])
        list(db.items())


def _make_db(db_path: str) -> None:
    with Engine(db_path) as db:
        db.put(b"k", b"v")
        db.flush()
        db.put(b"k2", b"v2")


@pytest.mark.parametrize("content", [b"garbage\n", b"", b"MANIFEST-999999\n", b"\x00\xff" * 20])
def test_bad_current(db_path: str, content: bytes) -> None:
    _make_db(db_path)
    Path(db_path, "CURRENT").write_bytes(content)
    with pytest.raises(EngineError, match="CURRENT|MANIFEST") as info:
        Engine(db_path)
    assert str(info.value).strip()
    # nothing was overwritten: restoring CURRENT restores the database
    manifests = sorted(f for f in os.listdir(db_path) if f.startswith("MANIFEST-"))
    assert len(manifests) >= 1
    Path(db_path, "CURRENT").write_bytes(manifests[-1].encode() + b"\n")
    with Engine(db_path) as db:
        assert db.get(b"k") == b"v"
        assert db.get(b"k2") == b"v2"


def test_missing_manifest(db_path: str) -> None:
    _make_db(db_path)
    current = Path(db_path, "CURRENT").read_text().strip()
    os.remove(os.path.join(db_path, current))
    with pytest.raises(EngineError, match="MANIFEST"):
        Engine(db_path)
    with pytest.raises(EngineError, match="MANIFEST"):
        Engine(db_path, create_if_missing=True)


def test_corrupted_manifest(db_path: str) -> None:
    _make_db(db_path)
    manifest = os.path.join(db_path, Path(db_path, "CURRENT").read_text().strip())
    size = os.path.getsize(manifest)
    _flip(manifest, min(12, size - 1))
    with pytest.raises(EngineError, match="MANIFEST"):
        Engine(db_path)
