"""Rows and index entries of one table in engine keys: key and row encoding,
lookups and scans through a transaction, and index maintenance."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from orbitdb.storage._access import RowReader
from orbitdb.storage.catalog import IndexDef, TableDef
from orbitdb.storage.keycodec import encode_key, encode_value
from orbitdb.storage.keyspace import index_prefix, prefix_end, table_prefix
from orbitdb.storage.rowcodec import RowCodec, decode_stored
from orbitdb.storage.txn import Transaction


class TableAccess:
    """Encodes rows of a table by its current definition. Logical rows are tuples
    in column order; stored rows are by physical slot (dropped columns keep
    their slot, so old rows stay readable)."""

    def __init__(self, table: TableDef) -> None:
        self.table = table
        self.prefix = table_prefix(table.oid)
        self.stop = prefix_end(self.prefix)
        width = table.next_slot
        kinds: list[str | None] = [None] * width  # None: a slot whose column is gone, never decoded
        missing: list[Any] = [None] * width
        self.slots = [c.slot for c in table.columns]
        for c in table.columns:
            kinds[c.slot] = c.kind
            if c.missing is not None:
                missing[c.slot] = decode_stored(c.kind, c.missing)
        self.codec = RowCodec(kinds, missing)
        self.reader = RowReader(self.prefix, self.codec, self.slots)
        self.width = width
        self.identity = self.slots == list(range(width))
        names = [c.name for c in table.columns]
        self.pk_idx = [names.index(c) for c in table.primary_key]
        self.indexes: list[tuple[IndexDef, list[int], bytes]] = [
            (ix, [names.index(c) for c in ix.columns], index_prefix(ix.oid)) for ix in table.indexes if not ix.primary
        ]

    def decode(self, data: bytes) -> tuple[Any, ...]:
        if self.identity:
            return self.codec.decode(data)  # type: ignore[no-any-return]
        return self.codec.decode_columns(data, self.slots)  # type: ignore[no-any-return]

    def decode_columns(self, data: bytes, columns: Sequence[int]) -> tuple[Any, ...]:
        """Only the given logical columns of a stored row, in that order."""
        return self.codec.decode_columns(data, [self.slots[c] for c in columns])  # type: ignore[no-any-return]

    def encode(self, row: tuple[Any, ...] | list[Any]) -> bytes:
        if self.identity:
            return self.codec.encode(row)  # type: ignore[no-any-return]
        phys: list[Any] = [None] * self.width
        for s, v in zip(self.slots, row):
            phys[s] = v
        return self.codec.encode(phys)  # type: ignore[no-any-return]

    def pk_key(self, pk_values: tuple[Any, ...] | list[Any]) -> bytes:
        return self.prefix + encode_key(pk_values)

    def row_key(self, row: tuple[Any, ...] | list[Any], rowid: int | None = None) -> bytes:
        if self.pk_idx:
            return self.prefix + encode_key([row[i] for i in self.pk_idx])
        assert rowid is not None
        return self.prefix + encode_value(rowid)

    def index_key(self, ix: IndexDef, cols: list[int], prefix: bytes, row: tuple[Any, ...] | list[Any],
                  rowkey: bytes) -> bytes:
        vals = [row[i] for i in cols]
        key = prefix + encode_key(vals)
        if not ix.unique or (ix.nulls_distinct and any(v is None for v in vals)):
            key += rowkey[len(self.prefix):]
        return key

    # -- reads --
    def get(self, txn: Transaction, key: bytes) -> tuple[Any, ...] | None:
        data = txn.get(key)
        return None if data is None else self.decode(data)

    def get_row(self, txn: Transaction, pk_values: tuple[Any, ...] | list[Any],
                columns: Sequence[int] | None = None) -> tuple[Any, ...] | None:
        """The row with primary key pk_values as txn sees it, or None: the key encoded, read and
        the row decoded in one call (columns: only those logical columns, in that order)."""
        return self.reader.get_row(txn, pk_values, columns)  # type: ignore[no-any-return]

    def multi_get(self, txn: Transaction, keys: list[bytes],
                  columns: Sequence[int] | None = None) -> list[tuple[Any, ...] | None]:
        """get() of many row keys, read from the engine in one call."""
        decode = self.decode if columns is None else (lambda data: self.decode_columns(data, columns))
        return [None if data is None else decode(data) for data in txn.multi_get(keys)]

    def scan(self, txn: Transaction, start: bytes | None = None, stop: bytes | None = None,
             reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:
        return txn.scan(start or self.prefix, stop or self.stop, reverse)

    def index_scan(self, txn: Transaction, ix_prefix: bytes, start: bytes, stop: bytes,
                   reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:
        """(row key, row data) for index entries in [start, stop). The rows are read a batch of
        entries at a time in one engine call; the first batches are small, so that a LIMIT
        above reads little more than it needs."""
        entries = txn.scan(start, stop, reverse)
        batch = 8
        while True:
            keys = [rowkey for _, rowkey in islice(entries, batch)]
            if not keys:
                return
            for rowkey, data in zip(keys, txn.multi_get(keys)):
                if data is not None:
                    yield rowkey, data
            if len(keys) < batch:
                return
            batch = min(batch * 4, 512)

    def scan_latest(self, txn: Transaction, start: bytes | None = None, stop: bytes | None = None
                    ) -> Iterator[tuple[bytes, bytes]]:
        """Rows of the newest committed state (with the transaction's own writes)."""
        return txn.scan_latest(start or self.prefix, stop or self.stop)

    def index_scan_latest(self, txn: Transaction, start: bytes, stop: bytes) -> Iterator[tuple[bytes, bytes]]:
        for _, rowkey in txn.scan_latest(start, stop):
            data = txn.get_latest(rowkey)
            if data is not None:
                yield rowkey, data

    # -- writes (the caller holds the row lock) --
    def write_indexes(self, txn: Transaction, row: tuple[Any, ...] | list[Any], rowkey: bytes,
                      old: tuple[Any, ...] | None) -> None:
        for ix, cols, prefix in self.indexes:
            new_key = self.index_key(ix, cols, prefix, row, rowkey)
            if old is not None:
                old_key = self.index_key(ix, cols, prefix, old, rowkey)
                if old_key == new_key:
                    continue
                txn.delete(old_key)
            txn.put(new_key, rowkey)

    def delete_indexes(self, txn: Transaction, row: tuple[Any, ...], rowkey: bytes) -> None:
        for ix, cols, prefix in self.indexes:
            txn.delete(self.index_key(ix, cols, prefix, row, rowkey))
