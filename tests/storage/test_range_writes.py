"""A transaction's range deletions (Transaction.delete_range): its own reads see them, writes
after them survive, savepoints take them back, the commit writes one engine range deletion, and
this holds with the write set's frozen runs (more writes than RECENT_ENTRIES) too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orbitdb.storage.txn import REPEATABLE_READ, SERIALIZABLE, Store
from orbitdb.storage.writeset import RECENT_ENTRIES


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(str(tmp_path / "db"))
    yield s
    s.close()


def _key(t: bytes, i: int) -> bytes:
    return b"\x01" + t + b"%07d" % i


def _load(store: Store, t: bytes, n: int) -> None:
    txn = store.begin()
    txn.begin_statement()
    txn.put_many([_key(t, i) for i in range(n)], [b"c%d" % i for i in range(n)])
    txn.commit()


@pytest.mark.parametrize("own", [10, RECENT_ENTRIES + 5000], ids=["recent", "frozen"])
def test_own_reads_savepoints_and_commit(store: Store, own: int) -> None:
    _load(store, b"tabA", 1000)
    _load(store, b"tabB", 10)
    start, stop = b"\x01tabA", b"\x01tabB"
    txn = store.begin()
    txn.begin_statement()
    txn.put_many([_key(b"tabA", 5000 + i) for i in range(own)], [b"mine"] * own)
    txn.savepoint("s")
    txn.delete_range(start, stop)
    txn.put(_key(b"tabA", 3), b"after")
    assert txn.get(_key(b"tabA", 4)) is None and txn.get(_key(b"tabA", 5001)) is None
    assert txn.get(_key(b"tabA", 3)) == b"after"
    assert txn.multi_get([_key(b"tabA", 4), _key(b"tabA", 3), _key(b"tabB", 1)]) == [None, b"after", b"c1"]
    assert txn.multi_get_latest([_key(b"tabA", 5002), _key(b"tabB", 2)]) == [None, b"c2"]
    assert list(txn.scan(start, stop)) == [(_key(b"tabA", 3), b"after")]
    assert list(txn.scan_latest(start, stop, reverse=True)) == [(_key(b"tabA", 3), b"after")]
    assert len(list(txn.scan(b"\x01", b"\x02"))) == 11
    txn.rollback_to("s")
    assert txn.get(_key(b"tabA", 4)) == b"c4" and txn.get(_key(b"tabA", 5001)) == b"mine"
    assert len(list(txn.scan(start, stop))) == 1000 + own
    txn.delete_range(start, stop)
    txn.put(_key(b"tabA", 7), b"kept")
    txn.commit()
    assert store.engine.property("orbitdb.num-range-deletions") == "1"
    assert list(store.engine.items(start, stop)) == [(_key(b"tabA", 7), b"kept")]
    assert len(list(store.engine.items(b"\x01tabB", b"\x01tabC"))) == 10


def test_older_snapshot(store: Store) -> None:
    """An ordinary range deletion keeps an older snapshot's rows; one for every snapshot
    (TRUNCATE) does not."""
    _load(store, b"tabA", 100)
    _load(store, b"tabB", 100)
    reader = store.begin(REPEATABLE_READ)
    reader.begin_statement()
    assert len(list(reader.scan(b"\x01tabA", b"\x01tabC"))) == 200
    for t, every in ((b"tabA", False), (b"tabB", True)):
        txn = store.begin()
        txn.begin_statement()
        txn.delete_range(b"\x01" + t, b"\x01" + t + b"\xff", all_snapshots=every)
        txn.commit()
    reader.begin_statement()
    assert len(list(reader.scan(b"\x01tabA", b"\x01tabB"))) == 100
    assert list(reader.scan(b"\x01tabB", b"\x01tabC")) == []
    reader.rollback()


def test_serializable_and_prepared_delete_by_key(store: Store) -> None:
    _load(store, b"tabA", 50)
    txn = store.begin(SERIALIZABLE)
    txn.begin_statement()
    txn.delete_range(b"\x01tabA", b"\x01tabB")
    assert not txn.writes.ranges  # type: ignore[union-attr]
    assert list(txn.scan(b"\x01tabA", b"\x01tabB")) == []
    txn.rollback()
    txn = store.begin()
    txn.begin_statement()
    txn.delete_range(b"\x01tabA", b"\x01tabB")
    txn.put(_key(b"tabA", 1), b"again")
    txn._delete_ranges_by_key()
    assert not txn.writes.ranges  # type: ignore[union-attr]
    assert list(txn.scan(b"\x01tabA", b"\x01tabB")) == [(_key(b"tabA", 1), b"again")]
    txn.commit()
    assert list(store.engine.items(b"\x01tabA", b"\x01tabB")) == [(_key(b"tabA", 1), b"again")]


def test_leftover_temporary_objects_cleared_at_open(tmp_path: Path) -> None:
    """What temporary tables of a crashed process left goes at the next open, as one range
    deletion per range, and nothing else goes with it."""
    from orbitdb.storage.keyspace import TEMP_OID_BASE, index_prefix, table_prefix

    path = str(tmp_path / "db")
    s = Store(path)
    temp_rows = [table_prefix(TEMP_OID_BASE + 1) + b"%06d" % i for i in range(5000)]
    temp_index = [index_prefix(TEMP_OID_BASE + 2) + b"%06d" % i for i in range(50)]
    for key in temp_rows + temp_index:
        s.engine.put(key, b"x")
    s.engine.put(table_prefix(TEMP_OID_BASE - 1) + b"kept", b"y")
    s.engine.close()  # as a crash would: the session never cleaned up
    s = Store(path)
    try:
        assert list(s.engine.items(table_prefix(TEMP_OID_BASE), b"\x03")) == []
        assert s.engine.get(table_prefix(TEMP_OID_BASE - 1) + b"kept") == b"y"
        assert s.engine.property("orbitdb.num-range-deletions") == "2"  # rows, index entries
    finally:
        s.close()
