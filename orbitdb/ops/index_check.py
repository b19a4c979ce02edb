"""`orbitdb check --deep`: every secondary index against its table, through a read-only view.
Each row must have its entry in every index (none in a partial index whose predicate leaves it
out), each entry must point at a row that exists and has the entry's values, and no two rows
may hold one entry of a unique index. The entries a table should have are computed with the
table's current definition, as writes compute them (expression and partial index keys through
the SQL layer's compiler), one index at a time: the table is scanned once per index and only
that index's expected entries (entry key, row key) are held in memory."""

from __future__ import annotations

from typing import Any

import orbitdb.sql.plan.index_keys  # noqa: F401 - registers the compiler of expression and partial index keys
from orbitdb._engine import ReadOnlyView
from orbitdb.ops.findings import Finding
from orbitdb.storage.catalog import Catalog, TableDef
from orbitdb.storage.keyspace import prefix_end
from orbitdb.storage.tables import IndexEntry, TableAccess

MAX_REPORTED = 20  # per index: a badly damaged index is named, not listed entry by entry


def _row_name(access: TableAccess, key: bytes, row: tuple[Any, ...] | None) -> str:
    if row is not None and access.pk_idx:
        return "row " + repr(tuple(row[i] for i in access.pk_idx))
    return f"row key {key[len(access.prefix):].hex()}"


def _values(access: TableAccess, index: IndexEntry, row: tuple[Any, ...]) -> str:
    values = access.index_values(index, row)
    return repr(tuple(values)) if values is not None else "(none)"


def _row(view: ReadOnlyView, access: TableAccess, key: bytes) -> tuple[Any, ...] | None:
    data = view.get(key)
    return None if data is None else access.decode(data)


def _check_index(view: ReadOnlyView, database: str, table: TableDef, access: TableAccess,
                 index: IndexEntry) -> list[Finding]:
    ix, cols, prefix = index
    where = f'index "{table.schema}"."{ix.name}" of table "{table.name}"'
    out: list[Finding] = []

    def report(message: str) -> None:
        if len(out) < MAX_REPORTED:
            out.append(Finding(True, database, where, message))

    # the entries the rows call for (entry key -> row key): one index's worth in memory at a time
    expected: dict[bytes, bytes] = {}
    for key, data in view.items(access.prefix, access.stop):
        row = access.decode(data)
        ikey = access.index_key(ix, cols, prefix, row, key)
        if ikey is None:
            continue
        other = expected.get(ikey)
        if other is not None:
            report(f"unique index holds values {_values(access, index, row)} for two rows: "
                   f"{_row_name(access, other, _row(view, access, other))} and {_row_name(access, key, row)}")
            continue
        expected[ikey] = key
    extra = 0
    for ikey, rowkey in view.items(prefix, prefix_end(prefix)):
        if expected.pop(ikey, None) == rowkey:
            continue
        extra += 1
        if len(out) >= MAX_REPORTED:
            continue
        found = _row(view, access, rowkey) if rowkey.startswith(access.prefix) else None
        if found is None:
            report(f"entry {ikey[len(prefix):].hex()} points at row key {rowkey[len(access.prefix):].hex()}, "
                   f"which does not exist")
        else:
            report(f"entry {ikey[len(prefix):].hex()} points at {_row_name(access, rowkey, found)}, whose values "
                   f"are {_values(access, index, found)}")
    for ikey, rowkey in list(expected.items())[:MAX_REPORTED]:
        found = _row(view, access, rowkey)
        assert found is not None
        report(f"{_row_name(access, rowkey, found)} has no entry for its values {_values(access, index, found)} "
               f"(key {ikey[len(prefix):].hex()})")
    if len(out) >= MAX_REPORTED:
        out.append(Finding(True, database, where, f"{len(expected)} rows without their entry, {extra} entries "
                                                  f"without their row (only the first {MAX_REPORTED} shown)"))
    return out


def check_indexes(view: ReadOnlyView, database: str, catalog: Catalog) -> tuple[int, list[Finding]]:
    """(index entries checked, findings)."""
    out: list[Finding] = []
    checked = 0
    for table in catalog.tables():
        if table.kind != "r" or table.partition_strategy or not any(not ix.primary for ix in table.indexes):
            continue
        try:
            access = TableAccess(table)
        except Exception as exc:  # noqa: BLE001 - a definition the check cannot use is itself a finding
            out.append(Finding(True, database, f'table "{table.schema}"."{table.name}"',
                               f"its indexes cannot be computed: {exc}"))
            continue
        for index in access.indexes:
            try:
                out.extend(_check_index(view, database, table, access, index))
            except Exception as exc:  # noqa: BLE001 - a row that does not decode, an expression that fails on it
                out.append(Finding(True, database, f'index "{table.schema}"."{index[0].name}"',
                                   f"its entries cannot be computed: {exc}"))
            checked += 1
    return checked, out
