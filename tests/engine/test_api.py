"""The Python API of the storage engine: reads, writes, errors, iteration and snapshots."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from orbitdb.engine import Engine, EngineError, WriteBatch


@pytest.fixture
def db(db_path: str) -> Iterator[Engine]:
    engine = Engine(db_path)
    yield engine
    engine.close()


def test_put_get_delete_overwrite(db: Engine) -> None:
    assert db.get(b"a") is None
    db.put(b"a", b"1")
    db.put(b"b", b"2")
    assert db.get(b"a") == b"1"
    assert db.get(b"b") == b"2"
    db.put(b"a", b"one")
    assert db.get(b"a") == b"one"
    db.delete(b"a")
    assert db.get(b"a") is None
    assert db.get(b"b") == b"2"
    db.delete(b"never-written")
    assert db.get(b"never-written") is None
    db.put(b"a", b"again", sync=True)
    assert db.get(b"a") == b"again"
    db.delete(b"b", sync=True)
    assert db.get(b"b") is None


def test_empty_value_is_not_missing(db: Engine) -> None:
    db.put(b"empty", b"")
    assert db.get(b"empty") == b""
    db.flush()
    assert db.get(b"empty") == b""
    assert list(db.items()) == [(b"empty", b"")]


def test_large_value(db: Engine) -> None:
    big = os.urandom(1 << 20)
    db.put(b"big", big)
    assert db.get(b"big") == big
    db.flush()
    assert db.get(b"big") == big


def test_binary_keys(db: Engine) -> None:
    keys = [b"\x00", b"\x00\x00", b"\xff" * 10, b"a\x00b", b"\x01\xfe", b"\x7f\x80"]
    for i, key in enumerate(keys):
        db.put(key, str(i).encode())
    for phase in ("memtable", "table"):
        for i, key in enumerate(keys):
            assert db.get(key) == str(i).encode(), (phase, key)
        assert [k for k, _ in db.items()] == sorted(keys), phase
        db.flush()


def test_bytes_like_arguments_accepted(db: Engine) -> None:
    db.put(bytearray(b"ba"), bytearray(b"v1"))
    db.put(memoryview(b"mv"), memoryview(b"v2"))
    assert db.get(b"ba") == b"v1"
    assert db.get(bytearray(b"mv")) == b"v2"
    assert db.get(memoryview(b"ba")) == b"v1"
    batch = WriteBatch()
    batch.put(bytearray(b"wb"), memoryview(b"v3"))
    batch.delete(memoryview(b"ba"))
    db.write(batch)
    assert db.get(b"wb") == b"v3"
    assert db.get(b"ba") is None
    db.delete(bytearray(b"mv"))
    assert db.get(b"mv") is None


@pytest.mark.parametrize("bad", ["text", 1, None, 1.5, ["x"]])
def test_non_bytes_rejected(db: Engine, bad: object) -> None:
    with pytest.raises(TypeError):
        db.put(bad, b"v")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.put(b"k", bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.get(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.delete(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        WriteBatch().put(bad, b"v")  # type: ignore[arg-type]
    assert db.get(b"k") is None


def test_unknown_knob_is_type_error(db_path: str) -> None:
    with pytest.raises(TypeError):
        Engine(db_path, write_bufer_size=1 << 20)
    with Engine(db_path) as db:  # the failed open left no lock behind
        db.put(b"k", b"v")
        assert db.get(b"k") == b"v"


@pytest.mark.parametrize(
    "knobs",
    [
        {"write_buffer_size": -1},
        {"block_cache_size": -1},
        {"target_file_size_base": -5},
        {"compression_type": "zstd-not-supported"},
        {"max_write_buffer_number": 0},
        {"block_restart_interval": 0},
    ],
    ids=lambda k: next(iter(k)),
)
def test_bad_knob_value_is_value_error(db_path: str, knobs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Engine(db_path, **knobs)


def test_valid_knobs_accepted(db_path: str) -> None:
    knobs: dict[str, object] = {
        "enable_wal": True,
        "write_buffer_size": 1 << 20,
        "max_write_buffer_number": 3,
        "min_write_buffer_number_to_merge": 1,
        "level0_file_num_compaction_trigger": 4,
        "target_file_size_base": 2 << 20,
        "max_background_jobs": 2,
        "block_cache_size": 8 << 20,
        "cache_index_and_filter_blocks": True,
        "pin_l0_filter_and_index_blocks": True,
        "bloom_filter_bits_per_key": 10,
        "compression_type": "none",
        "enable_pipelined_write": True,
        "allow_concurrent_memtable_write": True,
        "enable_statistics": True,
        "block_size": 8192,
        "block_restart_interval": 8,
    }
    with Engine(db_path, **knobs) as db:
        db.put(b"k", b"v")
        db.flush()
        assert db.get(b"k") == b"v"
        stats = db.stats()
        assert isinstance(stats, dict)
        assert all(isinstance(v, int) for v in stats.values())
        assert stats["flushes"] >= 1
        assert isinstance(db.property("orbitdb.stats"), str)


def test_use_after_close(db_path: str) -> None:
    db = Engine(db_path)
    db.put(b"k", b"v")
    db.close()
    for call in (
        lambda: db.get(b"k"),
        lambda: db.put(b"k", b"v"),
        lambda: db.delete(b"k"),
        lambda: db.write(WriteBatch()),
        lambda: list(db.items()),
        lambda: db.snapshot(),
        lambda: db.flush(),
    ):
        with pytest.raises(EngineError, match="closed"):
            call()
    db.close()  # closing twice is harmless


def test_second_engine_on_same_directory(db_path: str) -> None:
    with Engine(db_path) as db:
        db.put(b"k", b"v")
        with pytest.raises(EngineError, match="(?i)lock"):
            Engine(db_path)
        assert db.get(b"k") == b"v"
    with Engine(db_path) as again:
        assert again.get(b"k") == b"v"


def test_error_if_exists_and_create_if_missing(db_path: str) -> None:
    with pytest.raises(EngineError):
        Engine(db_path, create_if_missing=False)
    with Engine(db_path, create_if_missing=True) as db:
        db.put(b"k", b"v")
    with pytest.raises(EngineError):
        Engine(db_path, error_if_exists=True)
    with Engine(db_path, create_if_missing=False) as db:
        assert db.get(b"k") == b"v"


def test_reopen_keeps_data(db_path: str) -> None:
    with Engine(db_path) as db:
        for i in range(100):
            db.put(b"flushed%03d" % i, b"v%d" % i)
        db.flush()
        for i in range(100):
            db.put(b"wal%03d" % i, b"w%d" % i)
        db.delete(b"flushed000")
    files = os.listdir(db_path)
    assert "CURRENT" in files
    assert any(f.endswith(".sst") for f in files)
    assert any(f.endswith(".log") for f in files)
    for _ in range(2):
        with Engine(db_path) as db:
            assert db.get(b"flushed000") is None
            assert db.get(b"flushed001") == b"v1"
            assert db.get(b"wal099") == b"w99"
            assert len(list(db.items())) == 199


def test_context_manager_closes(db_path: str) -> None:
    with Engine(db_path) as db:
        db.put(b"k", b"v")
    with pytest.raises(EngineError, match="closed"):
        db.get(b"k")
    with Engine(db_path) as db2:  # the lock was released
        assert db2.get(b"k") == b"v"


def test_write_batch(db: Engine) -> None:
    db.put(b"gone", b"x")
    batch = WriteBatch()
    assert len(batch) == 0
    batch.put(b"a", b"1")
    batch.put(b"b", b"2")
    batch.delete(b"gone")
    batch.put(b"a", b"3")  # later operations in a batch win
    assert len(batch) == 4
    db.write(batch, sync=True)
    assert db.get(b"a") == b"3"
    assert db.get(b"b") == b"2"
    assert db.get(b"gone") is None
    batch.clear()
    assert len(batch) == 0
    db.write(batch)
    assert [k for k, _ in db.items()] == [b"a", b"b"]


def _fill(db: Engine) -> list[bytes]:
    keys = [b"k%02d" % i for i in range(0, 40, 2)]
    for key in keys:
        db.put(key, key + b"-v")
    return keys


@pytest.mark.parametrize("flushed", [False, True], ids=["memtable", "table"])
def test_items_bounds_and_reverse(db: Engine, flushed: bool) -> None:
    keys = _fill(db)
    if flushed:
        db.flush()
    assert list(db.items()) == [(k, k + b"-v") for k in keys]
    assert [k for k, _ in db.items(reverse=True)] == keys[::-1]
    assert [k for k, _ in db.items(start=b"k10", stop=b"k20")] == [b"k10", b"k12", b"k14", b"k16", b"k18"]
    assert [k for k, _ in db.items(start=b"k09", stop=b"k13")] == [b"k10", b"k12"]
    assert [k for k, _ in db.items(start=b"k10", stop=b"k20", reverse=True)] == [
        b"k18",
        b"k16",
        b"k14",
        b"k12",
        b"k10",
    ]
    assert [k for k, _ in db.items(start=b"k30")] == [b"k30", b"k32", b"k34", b"k36", b"k38"]
    assert [k for k, _ in db.items(stop=b"k04")] == [b"k00", b"k02"]
    assert [k for k, _ in db.items(stop=b"k04", reverse=True)] == [b"k02", b"k00"]
    assert [k for k, _ in db.items(start=b"k35", reverse=True)] == [b"k38", b"k36"]
    assert list(db.items(start=b"k20", stop=b"k20")) == []
    assert list(db.items(start=b"k30", stop=b"k10")) == []
    assert list(db.items(start=b"z")) == []
    assert list(db.items(stop=b"a", reverse=True)) == []


def test_items_skips_deleted_and_shows_newest(db: Engine) -> None:
    keys = _fill(db)
    db.flush()
    db.delete(keys[0])
    db.put(keys[1], b"new")
    db.delete(keys[-1])
    got = dict(db.items())
    assert keys[0] not in got and keys[-1] not in got
    assert got[keys[1]] == b"new"
    assert len(got) == len(keys) - 2
    assert [k for k, _ in db.items(reverse=True)] == sorted(got, reverse=True)


@pytest.mark.parametrize("flush_before", [False, True], ids=["memtable", "table"])
def test_snapshot_isolation(db: Engine, flush_before: bool) -> None:
    db.put(b"a", b"1")
    db.put(b"b", b"2")
    db.put(b"c", b"3")
    if flush_before:
        db.flush()
    snap = db.snapshot()
    db.put(b"a", b"changed")
    db.delete(b"b")
    db.put(b"d", b"new")
    batch = WriteBatch()
    batch.put(b"e", b"batched")
    db.write(batch)
    db.flush()  # the snapshot's versions must survive a flush too
    assert db.get(b"a", snapshot=snap) == b"1"
    assert db.get(b"b", snapshot=snap) == b"2"
    assert db.get(b"d", snapshot=snap) is None
    assert db.get(b"e", snapshot=snap) is None
    assert list(db.items(snapshot=snap)) == [(b"a", b"1"), (b"b", b"2"), (b"c", b"3")]
    assert [k for k, _ in db.items(snapshot=snap, reverse=True)] == [b"c", b"b", b"a"]
    assert list(db.items(start=b"b", snapshot=snap)) == [(b"b", b"2"), (b"c", b"3")]
    assert db.get(b"a") == b"changed"
    assert db.get(b"b") is None
    assert list(db.items()) == [(b"a", b"changed"), (b"c", b"3"), (b"d", b"new"), (b"e", b"batched")]
    snap.release()


def test_snapshot_context_manager_and_release(db: Engine) -> None:
    db.put(b"k", b"old")
    with db.snapshot() as snap:
        db.put(b"k", b"new")
        assert db.get(b"k", snapshot=snap) == b"old"
    assert db.get(b"k") == b"new"
    snap2 = db.snapshot()
    snap2.release()
    snap2.release()  # releasing twice is harmless


def test_snapshot_released_by_close(db_path: str) -> None:
    db = Engine(db_path)
    db.put(b"k", b"v")
    snaps = [db.snapshot() for _ in range(3)]
    db.close()
    for snap in snaps:
        snap.release()  # after close: no error, no crash
    del snaps
    with Engine(db_path) as db2:
        assert db2.get(b"k") == b"v"


def test_snapshot_dropped_without_release(db: Engine) -> None:
    db.put(b"k", b"v")
    for _ in range(100):
        db.snapshot()  # released when garbage collected
    db.put(b"k", b"w")
    assert db.get(b"k") == b"w"


def test_iterator_is_a_consistent_view(db: Engine) -> None:
    keys = _fill(db)
    it = iter(db.items())
    first = next(it)
    for key in keys:
        db.put(key, b"changed")
    db.put(b"k99", b"late")
    rest = list(it)
    assert first == (keys[0], keys[0] + b"-v")
    assert rest == [(k, k + b"-v") for k in keys[1:]]


def test_stats_and_property(db_path: str) -> None:
    with Engine(db_path, enable_statistics=True) as db:
        for i in range(50):
            db.put(b"k%d" % i, b"v")
        db.put(b"s", b"v", sync=True)
        db.flush()
        assert db.get(b"k1") == b"v"
        stats = db.stats()
        for name in ("wal_syncs", "wal_writes", "write_groups", "flushes", "bloom_useful", "memtable_hit"):
            assert name in stats, name
        assert stats["wal_writes"] >= 1
        assert stats["wal_syncs"] >= 1
        assert stats["flushes"] >= 1
        text = db.property("orbitdb.stats")
        assert isinstance(text, str) and text
