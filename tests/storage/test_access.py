"""Reads through storage in one call: TableAccess.get_row (key encoded, read and decoded at
once, with the transaction's own writes over the engine's), multi_get of many keys, and the
engine's multi_get under it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orbitdb.engine import Engine, EngineError
from orbitdb.storage.catalog import ColumnDef, TableDef
from orbitdb.storage.tables import TableAccess
from orbitdb.storage.txn import SERIALIZABLE, Store


def make_table(store: Store, name: str, columns: list[tuple[str, str]], pk: list[str]) -> TableDef:
    txn = store.begin()
    txn.begin_statement()
    cat = txn.writable_catalog()
    table = TableDef(cat.new_oid(), "public", name)
    table.columns = [ColumnDef(n, k, k, i) for i, (n, k) in enumerate(columns)]
    table.next_slot = len(columns)
    table.primary_key = pk
    cat.put(table)
    txn.commit()
    return table


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(str(tmp_path / "db"))
    yield s
    s.close()


def insert(store: Store, acc: TableAccess, rows: list[tuple]) -> None:
    txn = store.begin()
    txn.begin_statement()
    for row in rows:
        txn.put(acc.row_key(row), acc.encode(row))
    txn.commit()


def test_get_row_reads_what_get_reads(store: Store) -> None:
    acc = TableAccess(make_table(store, "t", [("id", "int"), ("name", "text"), ("tags", "array:text")], ["id"]))
    rows = [(i, f"n{i}", [str(i), None]) for i in range(100)]
    insert(store, acc, rows)
    txn = store.begin()
    txn.begin_statement()
    for row in rows:
        assert acc.get_row(txn, (row[0],)) == row == acc.get(txn, acc.pk_key((row[0],)))
        assert acc.get_row(txn, [row[0]], columns=[2, 0]) == (row[2], row[0])
    assert acc.get_row(txn, (1000,)) is None
    assert acc.get_row(txn, (None,)) is None
    txn.rollback()


def test_get_row_sees_own_writes_and_its_snapshot(store: Store) -> None:
    acc = TableAccess(make_table(store, "t", [("k", "text"), ("v", "int")], ["k"]))
    insert(store, acc, [("a", 1), ("b", 2)])
    txn = store.begin(isolation="repeatable read")
    txn.begin_statement()
    insert(store, acc, [("c", 3), ("a", 10)])  # committed after txn's snapshot
    assert acc.get_row(txn, ("c",)) is None
    assert acc.get_row(txn, ("a",)) == ("a", 1)
    txn.put(acc.pk_key(("b",)), acc.encode(("b", 20)))
    txn.delete(acc.pk_key(("a",)))
    assert acc.get_row(txn, ("b",)) == ("b", 20)
    assert acc.get_row(txn, ("a",)) is None
    assert acc.get_row(txn, ("b",), columns=[1]) == (20,)
    txn.rollback()


def test_get_row_joins_the_serializable_read_set(store: Store) -> None:
    acc = TableAccess(make_table(store, "t", [("id", "int")], ["id"]))
    txn = store.begin(isolation=SERIALIZABLE)
    txn.begin_statement()
    assert acc.get_row(txn, (5,)) is None
    assert txn.reads is not None and acc.pk_key((5,)) in txn.reads.keys
    txn.rollback()


def test_rows_after_a_dropped_column(store: Store) -> None:
    table = make_table(store, "t", [("id", "int"), ("gone", "float"), ("v", "text")], ["id"])
    acc = TableAccess(table)
    insert(store, acc, [(1, 1.5, "one")])
    table.columns = [c for c in table.columns if c.name != "gone"]
    after = TableAccess(table)
    assert not after.identity
    insert(store, after, [(2, "two")])
    txn = store.begin()
    txn.begin_statement()
    assert [after.get_row(txn, (i,)) for i in (1, 2)] == [(1, "one"), (2, "two")]
    assert after.get_row(txn, (1,), columns=[1]) == ("one",)
    assert after.multi_get(txn, [after.pk_key((2,)), after.pk_key((1,))]) == [(2, "two"), (1, "one")]
    txn.rollback()


def test_multi_get_overlays_own_writes(store: Store) -> None:
    acc = TableAccess(make_table(store, "t", [("id", "int"), ("v", "text")], ["id"]))
    insert(store, acc, [(i, str(i)) for i in range(10)])
    txn = store.begin()
    txn.begin_statement()
    keys = [acc.pk_key((i,)) for i in (3, 42, 0, 7)]
    assert acc.multi_get(txn, keys) == [(3, "3"), None, (0, "0"), (7, "7")]
    assert acc.multi_get(txn, keys, columns=[1]) == [("3",), None, ("0",), ("7",)]
    txn.put(acc.pk_key((42,)), acc.encode((42, "new")))
    txn.delete(acc.pk_key((0,)))
    assert acc.multi_get(txn, keys) == [(3, "3"), (42, "new"), None, (7, "7")]
    assert acc.multi_get(txn, []) == []
    txn.rollback()


def test_engine_multi_get(tmp_path: Path) -> None:
    engine = Engine(str(tmp_path / "e"))
    engine.put(b"a", b"1")
    engine.put(b"c", b"3" * 100_000)
    snap = engine.snapshot()
    engine.put(b"b", b"2")
    engine.delete(b"a")
    assert engine.multi_get([b"a", b"b", b"c", b"d"]) == [None, b"2", b"3" * 100_000, None]
    assert engine.multi_get([bytearray(b"a"), memoryview(b"b")], snap) == [b"1", None]
    engine.flush()
    assert engine.multi_get([b"c", b"b", b"c"]) == [b"3" * 100_000, b"2", b"3" * 100_000]
    with pytest.raises(TypeError):
        engine.multi_get(["a"])
    snap.release()
    with pytest.raises(EngineError, match="released"):
        engine.multi_get([b"a"], snap)
    engine.close()
    with pytest.raises(EngineError, match="closed"):
        engine.multi_get([b"a"])
