"""TableAccess as the SQL layer sees it: rows with their row key last (a primary-key lookup in
one call, value-bounded scans by primary key and through indexes, layouts that decode only some
columns), the newest committed state for constraint checks, row writes with their index entries,
and the committed size of a table or index as numbers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orbitdb.storage.catalog import ColumnDef, IndexDef, TableDef
from orbitdb.storage.tables import TableAccess
from orbitdb.storage.txn import Store, Transaction


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(str(tmp_path / "db"))
    yield s
    s.close()


def make_table(store: Store) -> TableDef:
    """t(a int, b int, name text), primary key (a, b), an index on name and a unique one on b."""
    txn = store.begin()
    txn.begin_statement()
    cat = txn.writable_catalog()
    table = TableDef(cat.new_oid(), "public", "t")
    table.columns = [ColumnDef(n, k, k, i) for i, (n, k) in enumerate([("a", "int"), ("b", "int"), ("name", "text")])]
    table.next_slot = 3
    table.primary_key = ["a", "b"]
    table.indexes = [IndexDef(cat.new_oid(), "t_name", ["name"]), IndexDef(cat.new_oid(), "t_b", ["b"], unique=True)]
    cat.put(table)
    txn.commit()
    return table


ROWS = [(a, a * 10 + b, f"n{(a + b) % 3}") for a in range(5) for b in range(4)]


def loaded(store: Store) -> TableAccess:
    acc = TableAccess(make_table(store))
    txn = store.begin()
    txn.begin_statement()
    for row in ROWS:
        acc.insert(txn, acc.row_key(row), row)
    txn.commit()
    return acc


def reading(store: Store) -> Transaction:
    txn = store.begin()
    txn.begin_statement()
    return txn


def plain(rows: Iterator[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows without their row key (checked to be the key the row is stored under)."""
    out = []
    for r in rows:
        out.append(r[:-1])
    return out


def test_point_gives_the_row_and_its_key(store: Store) -> None:
    acc = loaded(store)
    txn = reading(store)
    row = acc.point(txn, (2, 21))
    assert row is not None and row[:-1] == (2, 21, "n0") and row[-1] == acc.row_key(row[:-1])
    assert acc.point(txn, (2, 99)) is None
    only_b = acc.layout([1])
    assert acc.point(txn, (2, 21), only_b) == (None, 21, None, row[-1])
    txn.rollback()


def test_rows_and_pk_ranges_in_key_order(store: Store) -> None:
    acc = loaded(store)
    txn = reading(store)
    assert plain(acc.rows(txn)) == sorted(ROWS)
    assert plain(acc.rows(txn, reverse=True)) == sorted(ROWS, reverse=True)
    assert plain(acc.pk_rows(txn, [3])) == [r for r in sorted(ROWS) if r[0] == 3]
    assert plain(acc.pk_rows(txn, [3], lo=(31, True), hi=(33, False))) == [(3, 31, "n1"), (3, 32, "n2")]
    assert plain(acc.pk_rows(txn, [3], lo=(31, False), hi=(33, True))) == [(3, 32, "n2"), (3, 33, "n0")]
    assert plain(acc.pk_rows(txn, [], lo=(4, True))) == [r for r in sorted(ROWS) if r[0] >= 4]
    assert plain(acc.pk_rows(txn, [], hi=(0, True), reverse=True)) == sorted(
        [r for r in ROWS if r[0] == 0], reverse=True)
    for row in acc.rows(txn):
        assert row[-1] == acc.row_key(row[:-1])
    txn.rollback()


def test_index_rows_follow_the_index(store: Store) -> None:
    acc = loaded(store)
    name_ix = next(e for e in acc.indexes if e[0].name == "t_name")
    b_ix = next(e for e in acc.indexes if e[0].name == "t_b")
    txn = reading(store)
    assert sorted(plain(acc.index_rows(txn, name_ix, ["n1"]))) == sorted(r for r in ROWS if r[2] == "n1")
    assert plain(acc.index_rows(txn, b_ix, [], lo=(20, False), hi=(23, True))) == [
        (2, 21, "n0"), (2, 22, "n1"), (2, 23, "n2")]
    assert plain(acc.index_rows(txn, b_ix, [], lo=(40, True), reverse=True)) == sorted(
        [r for r in ROWS if r[1] >= 40], key=lambda r: r[1], reverse=True)
    assert acc.unique_holder(txn, b_ix, [21]) == acc.row_key((2, 21))
    assert acc.unique_holder(txn, b_ix, [99]) is None
    txn.rollback()


def test_own_writes_show_through_every_read(store: Store) -> None:
    acc = loaded(store)
    b_ix = next(e for e in acc.indexes if e[0].name == "t_b")
    txn = reading(store)
    old = (1, 11, "n2")
    key = acc.row_key(old)
    acc.update(txn, key, old, (1, 11, "changed"))
    gone = (4, 40, "n1")
    acc.delete(txn, acc.row_key(gone), gone)
    moved_from = (0, 0, "n0")
    acc.move(txn, acc.row_key(moved_from), moved_from, acc.row_key((9, 90)), (9, 90, "n0"))
    acc.insert(txn, acc.row_key((7, 70, "new")), (7, 70, "new"))
    expected = sorted([r for r in ROWS if r not in (old, gone, moved_from)]
                      + [(1, 11, "changed"), (9, 90, "n0"), (7, 70, "new")])
    assert plain(acc.rows(txn)) == expected
    assert acc.point(txn, (1, 11))[:-1] == (1, 11, "changed")  # type: ignore[index]
    assert acc.point(txn, (4, 40)) is None
    assert plain(acc.index_rows(txn, b_ix, [], lo=(60, True))) == [(7, 70, "new"), (9, 90, "n0")]
    assert acc.unique_holder(txn, b_ix, [0]) is None
    assert acc.latest(txn, acc.row_key((9, 90))) == (9, 90, "n0")
    txn.commit()
    txn = reading(store)
    assert plain(acc.rows(txn)) == expected
    txn.rollback()


def test_rows_with_latest_choose_a_prefix(store: Store) -> None:
    acc = loaded(store)
    txn = reading(store)
    for cols, vals in ((["a"], [2]), (["name"], ["n1"]), (["b"], [33]), ([], [])):
        found = [r for _, r in acc.rows_with_latest(txn, cols, vals)]
        pos = [["a", "b", "name"].index(c) for c in cols]
        assert sorted(r for r in found if all(r[p] == v for p, v in zip(pos, vals))) == sorted(
            r for r in ROWS if all(r[p] == v for p, v in zip(pos, vals)))
    txn.rollback()


def test_clear_build_and_sizes(store: Store) -> None:
    acc = loaded(store)
    t = acc.table
    name_ix = t.indexes[0]
    entries, rows_bytes = store.relation_size(t.oid)
    assert entries == len(ROWS) and rows_bytes > 0
    assert store.relation_size(name_ix.oid, index=True)[0] == len(ROWS)
    txn = reading(store)
    acc.clear_index(txn, name_ix)
    txn.commit()
    assert store.relation_size(name_ix.oid, index=True) == (0, 0)
    txn = reading(store)
    assert acc.build_index(txn, name_ix) is None
    txn.commit()
    assert store.relation_size(name_ix.oid, index=True)[0] == len(ROWS)
    txn = reading(store)
    assert acc.count(txn) == len(ROWS)
    acc.clear(txn)
    assert acc.count(txn) == 0
    txn.commit()
    assert store.relation_size(t.oid) == (0, 0)
    assert store.relation_size(name_ix.oid, index=True) == (0, 0)


def test_build_unique_index_reports_a_duplicate(store: Store) -> None:
    acc = loaded(store)
    txn = reading(store)
    dup = (9, 11, "dup")
    txn.put(acc.row_key(dup), acc.encode(dup))  # b = 11 twice, behind the index's back
    b_ix = acc.table.indexes[1]
    acc.clear_index(txn, b_ix)
    assert acc.build_index(txn, b_ix) == dup  # (9, 11) comes after (1, 11) in key order
    txn.rollback()


def test_autocommitted_statement_snapshots(store: Store) -> None:
    """A statement that is its own transaction takes its snapshot when settled (after its locks),
    none when it reads once, and one at its first read when nothing settled it."""
    acc = loaded(store)
    reads_once = store.begin()
    reads_once.single_statement = True
    reads_once.begin_statement()
    assert reads_once.settle_statement(reads_once=True) is False
    assert acc.point(reads_once, (2, 21)) is not None
    assert reads_once._snapshot is None  # read the newest state: no engine snapshot was made
    reads_once.commit()

    settled = store.begin()
    settled.single_statement = True
    settled.begin_statement()
    settled.settle_statement()
    snap = settled._snapshot
    assert snap is not None
    acc.insert(other := store.begin(), acc.row_key((8, 80, "late")), (8, 80, "late"))
    other.commit()
    assert acc.point(settled, (8, 80)) is None  # committed after the snapshot
    settled.commit()

    unsettled = store.begin()
    unsettled.single_statement = True
    unsettled.begin_statement()
    assert unsettled._snapshot is None
    assert plain(acc.pk_rows(unsettled, [8])) == [(8, 80, "late")]
    assert unsettled._snapshot is not None  # taken by the first read
    unsettled.commit()
    assert unsettled._snapshot is None
