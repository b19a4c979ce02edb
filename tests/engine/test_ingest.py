"""Engine.ingest(): a large atomic write of sorted entries written straight into a table. Its
entries become visible all at once and durably, newer than every earlier write, invisible to
earlier snapshots; keys out of order are refused; an abort leaves nothing behind; other
writers wait for it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from orbitdb.engine import Engine, EngineError


@pytest.fixture
def db(db_path: str) -> Iterator[Engine]:
    engine = Engine(db_path, write_buffer_size=64 << 10)
    yield engine
    engine.close()


def test_ingested_entries_are_newest_and_visible_at_once(db: Engine) -> None:
    db.put(b"a", b"old")
    db.put(b"c", b"old")
    db.flush()
    db.put(b"d", b"in the memtable")
    before = db.snapshot()
    with db.ingest() as ingest:
        ingest.add(b"a", b"new")
        ingest.add(b"b", b"bee")
        ingest.add(b"c", None)  # a deletion
        ingest.add(b"d", b"newer than the memtable's")
        assert db.get(b"b") is None  # nothing shows before the end
    assert [db.get(k) for k in (b"a", b"b", b"c", b"d")] == [b"new", b"bee", None, b"newer than the memtable's"]
    assert list(db.items()) == [(b"a", b"new"), (b"b", b"bee"), (b"d", b"newer than the memtable's")]
    assert [db.get(k, before) for k in (b"a", b"b", b"c")] == [b"old", None, b"old"]
    before.release()
    db.put(b"a", b"after")  # later writes are newer again
    assert db.get(b"a") == b"after"


def test_keys_out_of_order_are_refused_and_the_abort_leaves_nothing(db: Engine) -> None:
    with pytest.raises(EngineError, match="strictly increasing"), db.ingest() as ingest:
        ingest.add(b"x", b"1")
        ingest.add(b"x", b"2")
    assert db.get(b"x") is None
    ingest = db.ingest()
    ingest.add(b"y", b"1")
    ingest.abort()
    with pytest.raises(EngineError, match="finished"):
        ingest.add(b"z", b"1")
    db.put(b"after", b"1")  # the write queue is free again
    assert list(db.items()) == [(b"after", b"1")]


def test_an_unfinished_ingestion_dropped_is_aborted(db: Engine) -> None:
    ingest = db.ingest()
    ingest.add(b"k", b"v")
    del ingest
    db.put(b"other", b"1")
    assert list(db.items()) == [(b"other", b"1")]


def test_ingested_table_survives_reopen_and_compaction(db_path: str) -> None:
    engine = Engine(db_path, write_buffer_size=64 << 10)
    engine.put(b"k000100", b"old")
    with engine.ingest() as ingest:
        for i in range(0, 20_000, 2):
            ingest.add(b"k%06d" % i, b"v%d" % i)
    engine.put(b"k000100", b"newest")
    engine.close()
    engine = Engine(db_path, write_buffer_size=64 << 10)
    assert engine.get(b"k000100") == b"newest"
    assert engine.get(b"k000102") == b"v102"
    engine.compact_range()
    assert sum(1 for _ in engine.items()) == 10_000
    assert engine.get(b"k019998") == b"v19998"
    engine.close()


def test_writers_wait_for_an_ingestion(db: Engine) -> None:
    ingest = db.ingest()
    ingest.add(b"i1", b"ingested")
    written = threading.Event()

    def writer() -> None:
        db.put(b"w", b"written")
        written.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert not written.wait(0.3)  # queued behind the ingestion
    ingest.add(b"w", b"ingested")
    ingest.finish()
    thread.join(10)
    assert written.is_set()
    assert db.get(b"w") == b"written"  # the later write wins
    assert db.get(b"i1") == b"ingested"
