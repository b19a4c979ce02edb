"""Rows and index entries of one table in engine keys: key and row encoding, lookups and
scans through a transaction, and index maintenance. Above this module rows are tuples in
column order and a row is named by its row key, a value the SQL layer only passes back here
(and to the transaction's row locks): it never builds, reads or orders key or row bytes.

Rows that reads give back carry their row key after the table's columns (a scan's hidden
column); a Layout names which columns a read decodes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import chain, islice
from typing import Any

from orbitdb.storage._access import Layout, RowReader, encode_keys, encode_rows, index_entries
from orbitdb.storage.catalog import IndexDef, TableDef
from orbitdb.storage.errors import StorageError
from orbitdb.storage.keycodec import encode_key, encode_value
from orbitdb.storage.keyspace import index_prefix, prefix_end, table_prefix
from orbitdb.storage.lockmodes import ACCESS_EXCLUSIVE
from orbitdb.storage.locks import SKIP_LOCKED, write_intent_tag
from orbitdb.storage.rowcodec import RowCodec, decode_stored
from orbitdb.storage.txn import Transaction
from orbitdb.storage.usage import TUP_DEL, TUP_INS, TUP_UPD, note

Row = tuple[Any, ...]
Check = Callable[[], None]
_CHECK_EVERY = 4096
# a bound of a value-bounded scan on the column after the equal ones: (value, inclusive)
Bound = tuple[Any, bool] | None
# a secondary index of the table: its definition, its columns' positions (-1 for an expression key), its key prefix
IndexEntry = tuple[IndexDef, list[int], bytes]
# an expression or partial index's key values of a row (None: the row has no entry)
KeyValues = Callable[[Row], list[Any] | None]
_key_compiler: Callable[[TableDef, IndexDef], KeyValues] | None = None


def set_index_key_compiler(compiler: Callable[[TableDef, IndexDef], KeyValues]) -> None:
    """How the keys of expression and partial indexes are computed: the SQL layer compiles them
    (this layer cannot evaluate SQL expressions)."""
    global _key_compiler
    _key_compiler = compiler


def has_entries(ix: IndexDef) -> bool:
    """Whether an index stores entries of its own: all but a primary key that keys the rows (a
    deferrable primary key's rows are keyed by hidden row ids, its index has entries)."""
    return not ix.primary or ix.deferrable


def computed_keys(ix: IndexDef) -> bool:
    """Whether an index's entries are not just column values: expression keys or a predicate."""
    return ix.predicate is not None or any(e is not None for e in ix.expressions)


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
        self.indexes: list[IndexEntry] = []
        self.key_values: dict[int, KeyValues] = {}
        for ix in table.indexes:
            if not has_entries(ix):
                continue
            exprs = ix.expressions or [None] * len(ix.columns)
            cols = [names.index(c) if e is None else -1 for c, e in zip(ix.columns, exprs)]
            if computed_keys(ix):
                if _key_compiler is None:
                    raise StorageError(f'index "{ix.name}" has computed keys and nothing to compute them')
                self.key_values[ix.oid] = _key_compiler(table, ix)
            self.indexes.append((ix, cols, index_prefix(ix.oid)))

    def decode(self, data: bytes) -> Row:
        return self.reader.decode(data)  # type: ignore[no-any-return]

    def decode_columns(self, data: bytes, columns: Sequence[int]) -> Row:
        """Only the given logical columns of a stored row, in that order."""
        return self.reader.decode(data, list(columns))  # type: ignore[no-any-return]

    def encode(self, row: Row | list[Any]) -> bytes:
        return self.codec.encode(row if self.identity else self._physical(row))  # type: ignore[no-any-return]

    def _physical(self, row: Row | list[Any]) -> list[Any]:
        """A logical row's values by physical slot."""
        phys: list[Any] = [None] * self.width
        for s, v in zip(self.slots, row):
            phys[s] = v
        return phys

    # -- keys: built here only --
    def pk_key(self, pk_values: Row | list[Any]) -> bytes:
        return self.prefix + encode_key(pk_values)

    def row_key(self, row: Row | list[Any], rowid: int | None = None) -> bytes:
        """The key a row is stored under: its primary key, or the hidden row id given."""
        if self.pk_idx:
            return self.prefix + encode_key([row[i] for i in self.pk_idx])
        assert rowid is not None
        return self.prefix + encode_value(rowid)

    def row_keys(self, rows: list[Row]) -> list[bytes]:
        """row_key of each row, in one loop (a table with a primary key)."""
        return encode_keys(self.prefix, rows, self.pk_idx)  # type: ignore[no-any-return]

    def index_values(self, index: IndexEntry, row: Row | list[Any]) -> list[Any] | None:
        """A row's key values in an index (None: a partial index has no entry for the row)."""
        fn = self.key_values.get(index[0].oid)
        if fn is None:
            return [row[i] for i in index[1]]
        return fn(tuple(row))

    def index_key(self, ix: IndexDef, cols: list[int], prefix: bytes, row: Row | list[Any],
                  rowkey: bytes) -> bytes | None:
        """A row's entry key in an index, or None when a partial index leaves the row out."""
        fn = self.key_values.get(ix.oid)
        vals = [row[i] for i in cols] if fn is None else fn(tuple(row))
        if vals is None:
            return None
        key = prefix + encode_key(vals)
        if not ix.unique or ix.deferrable or (ix.nulls_distinct and any(v is None for v in vals)):
            key += rowkey[len(self.prefix):]
        return key

    def claim_key(self, index: IndexEntry, row: Row | list[Any]) -> bytes | None:
        """The key a row's values claim in a unique index: what two rows must not share (None: the
        row is not in a partial index, or has a NULL where NULLs are distinct)."""
        ix = index[0]
        vals = self.index_values(index, row)
        if vals is None or ix.nulls_distinct and any(v is None for v in vals):
            return None
        return index[2] + encode_key(vals)

    @staticmethod
    def unique_key(index: IndexEntry, values: Sequence[Any]) -> bytes:
        """The entry key of values in a unique index (no NULL among them)."""
        return index[2] + encode_key(values)

    # -- reads: rows with their row key last --
    def layout(self, needed: Sequence[int] | None = None) -> Layout:
        """Rows of every column at its position, the row key last; with needed (column
        positions) only those are decoded and the others are None."""
        return self.reader.layout(needed)

    def get(self, txn: Transaction, key: bytes) -> Row | None:
        """The row stored under key as txn sees it (no row key appended)."""
        data = txn.get(key)
        return None if data is None else self.decode(data)

    def get_row(self, txn: Transaction, pk_values: Row | list[Any],
                columns: Sequence[int] | None = None) -> Row | None:
        """The row with primary key pk_values as txn sees it, or None: the key encoded, read and
        the row decoded in one call (columns: only those logical columns, in that order)."""
        return self.reader.get_row(txn, pk_values, columns)  # type: ignore[no-any-return]

    def point(self, txn: Transaction, pk_values: Row | list[Any], layout: Layout | None = None) -> Row | None:
        """get_row() with the row key last (a primary-key lookup's row), in one call."""
        return self.reader.get_keyed(txn, pk_values, layout)  # type: ignore[no-any-return]

    def multi_get(self, txn: Transaction, keys: list[bytes],
                  columns: Sequence[int] | None = None) -> list[Row | None]:
        """get() of many row keys, read from the engine in one call."""
        cols = None if columns is None else list(columns)
        decode = self.reader.decode
        return [None if data is None else decode(data, cols) for data in txn.multi_get(keys)]

    def rows(self, txn: Transaction, reverse: bool = False, layout: Layout | None = None, newest: bool = False,
             check: Check | None = None) -> Iterator[Row]:
        """Every row, in primary-key order (or reversed). newest: every committed row (and our
        own), not the snapshot's: what DDL checks (it holds a lock that keeps writers out).
        check() runs every few thousand rows (a cancel or a timeout raises there)."""
        items = txn.scan_latest(self.prefix, self.stop, reverse) if newest else txn.scan(self.prefix, self.stop, reverse)
        return self.reader.keyed_rows(items, layout, check)  # type: ignore[no-any-return]

    def pk_rows(self, txn: Transaction, equal: Sequence[Any], lo: Bound = None, hi: Bound = None,
                reverse: bool = False, layout: Layout | None = None, check: Check | None = None) -> Iterator[Row]:
        """Rows whose leading primary-key columns equal `equal` and whose next one lies within
        lo and hi (no NULL among the values: the caller knows they match nothing)."""
        start, stop = _bounds(self.prefix, equal, lo, hi)
        return self.reader.keyed_rows(txn.scan(start, stop, reverse), layout, check)  # type: ignore[no-any-return]

    def index_rows(self, txn: Transaction, index: IndexEntry, equal: Sequence[Any], lo: Bound = None,
                   hi: Bound = None, reverse: bool = False, layout: Layout | None = None,
                   check: Check | None = None) -> Iterator[Row]:
        """pk_rows() through a secondary index, in the index's order. The rows are read a batch
        of entries at a time in one engine call; the first batches are small, so that a LIMIT
        above reads little more than it needs."""
        return chain.from_iterable(self._index_batches(txn, index, equal, lo, hi, reverse, layout, check))

    def _index_batches(self, txn: Transaction, index: IndexEntry, equal: Sequence[Any], lo: Bound, hi: Bound,
                       reverse: bool, layout: Layout | None, check: Check | None) -> Iterator[list[Row]]:
        start, stop = _bounds(index[2], equal, lo, hi)
        entries = txn.scan(start, stop, reverse)
        found = self.reader.decode_found
        batch = 8
        read = 0
        while True:
            keys = [rowkey for _, rowkey in islice(entries, batch)]
            if not keys:
                return
            yield found(keys, txn.multi_get(keys), layout)
            if len(keys) < batch:
                return
            read += len(keys)
            if check is not None and read >= _CHECK_EVERY:
                read = 0
                check()
            batch = min(batch * 4, 512)

    # -- whole tables for DDL: every committed row (and our own), whatever the snapshot; DDL
    # holds a lock that keeps other writers out, and works on all rows as PostgreSQL's does --
    def keyed_rows(self, txn: Transaction) -> Iterator[tuple[bytes, Row]]:
        """(row key, row) of every row."""
        decode = self.reader.decode
        for key, data in txn.scan_latest(self.prefix, self.stop):
            yield key, decode(data)

    def count(self, txn: Transaction) -> int:
        """How many rows there are (nothing decoded)."""
        return sum(1 for _ in txn.scan_latest(self.prefix, self.stop))

    def empty(self, txn: Transaction) -> bool:
        return next(iter(txn.scan_latest(self.prefix, self.stop)), None) is None

    # -- reads of the newest committed state (with the transaction's own writes) --
    def latest(self, txn: Transaction, key: bytes) -> Row | None:
        """The newest committed version of the row at key (or our own write)."""
        data = txn.get_latest(key)
        return None if data is None else self.decode(data)

    def newest(self, txn: Transaction, key: bytes) -> tuple[Row | None, bool]:
        """(the row's newest version, or None; whether a transaction wrote it after this
        statement's snapshot): what a writer works on once it holds the row's lock."""
        data, changed = txn.newest(key)
        return (None if data is None else self.decode(data)), changed

    def newest_version(self, txn: Transaction, key: bytes) -> tuple[Row | None, bool, object]:
        """newest(), and a token that equals another read's token when both read the same
        stored version of the row."""
        data, changed = txn.newest(key)
        return (None if data is None else self.decode(data)), changed, data

    def exists(self, txn: Transaction, key: bytes) -> bool:
        """Whether txn's snapshot shows a row at key."""
        return txn.get(key) is not None

    def exists_latest(self, txn: Transaction, key: bytes) -> bool:
        return txn.get_latest(key) is not None

    def unique_holder(self, txn: Transaction, index: IndexEntry, values: Sequence[Any], lock: bool = False
                      ) -> bytes | None:
        """The row key that holds values in a unique index in the newest committed state (or
        our own writes), or None. lock: take the entry's write intent first, so a concurrent
        writer of the same values is waited for."""
        ikey = index[2] + encode_key(values)
        if lock:
            txn.lock_write(ikey)
        return txn.get_latest(ikey)  # type: ignore[return-value]

    def lock_unique(self, txn: Transaction, index: IndexEntry, values: Sequence[Any]) -> None:
        """The write intent on a unique index entry (of values without NULL)."""
        txn.lock_write(index[2] + encode_key(values))

    # -- deferrable unique indexes: entries keyed by values and row key, so that duplicates can
    # exist until the constraint is checked; the write intent on the values' key (where a
    # non-deferrable index keeps its entry) stands for the values --
    @staticmethod
    def claim_values(txn: Transaction, claim: bytes, wait: bool) -> bool:
        """Takes the write intent on a deferrable unique index's values (a claim_key()):
        waiting for its holder, or only when it is free (wait False). Whether it is ours."""
        if wait:
            txn.lock_write(claim)
            return True
        return bool(txn.lock(write_intent_tag(claim), ACCESS_EXCLUSIVE, SKIP_LOCKED))

    @staticmethod
    def claim_holders(txn: Transaction, claim: bytes, limit: int = 2) -> list[bytes]:
        """Row keys of the rows holding a claim_key()'s values in a deferrable unique index, in
        the newest committed state and our own writes (at most limit of them)."""
        return [rowkey for _, rowkey in islice(txn.scan_latest(claim, prefix_end(claim)), limit)]

    def rows_with_latest(self, txn: Transaction, columns: Sequence[str], values: Sequence[Any]
                         ) -> Iterator[tuple[bytes, Row]]:
        """(row key, row) of the newest committed rows (and our own) that may hold values in
        the named columns: those under a primary-key or index prefix of the columns, else
        every row. The caller compares the values."""
        cols = list(columns)
        if list(self.table.primary_key)[: len(cols)] == cols:
            start = self.prefix + encode_key(values)
            items = txn.scan_latest(start, prefix_end(start))
        else:
            items = None
            for ix, _, prefix in self.indexes:
                if ix.columns[: len(cols)] == cols and not computed_keys(ix):
                    start = prefix + encode_key(values)
                    items = self._index_latest(txn, start, prefix_end(start))
                    break
            if items is None:
                items = txn.scan_latest(self.prefix, self.stop)
        decode = self.reader.decode
        for key, data in items:
            yield key, decode(data)

    def _index_latest(self, txn: Transaction, start: bytes, stop: bytes) -> Iterator[tuple[bytes, bytes]]:
        for _, rowkey in txn.scan_latest(start, stop):
            data = txn.get_latest(rowkey)
            if data is not None:
                yield rowkey, data

    # -- writes (the caller holds the row lock) --
    def insert(self, txn: Transaction, rowkey: bytes, row: Row) -> None:
        """A new row and its index entries."""
        txn.put(rowkey, self.encode(row))
        self.write_indexes(txn, row, rowkey, None)
        note(txn, self.table.oid, TUP_INS)

    def insert_many(self, txn: Transaction, rows: Sequence[Row], rowids: Sequence[int] | None = None,
                    intents: bool = True) -> int:
        """Inserts new rows in one go: every key and entry encoded, the primary key and unique
        entries locked (intents: their write intents, so a concurrent inserter of the same key
        is waited for) and looked up in the newest committed state in one engine call, then
        everything written. Returns -1, or the position of a row whose key or unique values
        another row holds (in the batch or stored): then nothing is written. rowids: the hidden
        row ids of a table without a primary key."""
        prefix = self.prefix
        rows = rows if isinstance(rows, list) else list(rows)
        if self.pk_idx:
            keys = encode_keys(prefix, rows, self.pk_idx)
        else:
            assert rowids is not None
            keys = [prefix + encode_value(rowid) for rowid in rowids]
        values = encode_rows(self.codec, rows if self.identity else [self._physical(r) for r in rows])
        # (position, key) of every key that must be new: the rows' own (a primary key), unique entries
        claims: list[tuple[int, bytes]] = list(enumerate(keys)) if self.pk_idx else []
        entry_keys: list[bytes] = []
        entry_values: list[bytes] = []
        for ix, cols, ixprefix in self.indexes:
            if ix.oid in self.key_values:
                for n, (row, key) in enumerate(zip(rows, keys)):
                    ikey = self.index_key(ix, cols, ixprefix, row, key)
                    if ikey is None:
                        continue
                    if ix.unique and not ix.deferrable and ikey[len(ixprefix):] == encode_key(self.index_values((ix, cols, ixprefix), row)):
                        claims.append((n, ikey))
                    entry_keys.append(ikey)
                    entry_values.append(key)
                continue
            ikeys, unique = index_entries(ixprefix, cols, rows, keys, len(prefix), ix.unique and not ix.deferrable,
                                          ix.nulls_distinct)
            claims.extend([(n, ikeys[n]) for n in unique])
            entry_keys.extend(ikeys)
            entry_values.extend(keys)
        if claims:
            first = _first_repeated(claims)
            if first >= 0:
                return first
            claimed = [k for _, k in claims]
            if intents:
                txn.lock_writes(claimed)
            for (n, _), found in zip(claims, txn.multi_get_latest(claimed)):
                if found is not None and (first < 0 or n < first):
                    first = n
            if first >= 0:
                return first
        txn.put_many(keys + entry_keys, values + entry_values)
        note(txn, self.table.oid, TUP_INS, len(rows))
        return -1

    def update(self, txn: Transaction, key: bytes, old: Row, new: Row) -> None:
        """The row at key changed in place (its key unchanged)."""
        txn.put(key, self.encode(new))
        self.write_indexes(txn, new, key, old)
        note(txn, self.table.oid, TUP_UPD)

    def move(self, txn: Transaction, key: bytes, old: Row, newkey: bytes, new: Row) -> None:
        """The row at key stored again under newkey (its primary key changed)."""
        self.delete_indexes(txn, old, key)
        txn.delete(key)
        txn.put(newkey, self.encode(new))
        self.write_indexes(txn, new, newkey, None)
        note(txn, self.table.oid, TUP_UPD)

    def delete(self, txn: Transaction, key: bytes, old: Row) -> None:
        txn.delete(key)
        self.delete_indexes(txn, old, key)
        note(txn, self.table.oid, TUP_DEL)

    def write_indexes(self, txn: Transaction, row: Row | list[Any], rowkey: bytes, old: Row | None) -> None:
        for ix, cols, prefix in self.indexes:
            new_key = self.index_key(ix, cols, prefix, row, rowkey)
            if old is not None:
                old_key = self.index_key(ix, cols, prefix, old, rowkey)
                if old_key == new_key:
                    continue
                if old_key is not None:
                    txn.delete(old_key)
            if new_key is not None:
                txn.put(new_key, rowkey)

    def delete_indexes(self, txn: Transaction, row: Row, rowkey: bytes) -> None:
        for ix, cols, prefix in self.indexes:
            key = self.index_key(ix, cols, prefix, row, rowkey)
            if key is not None:
                txn.delete(key)

    # -- whole tables and indexes (DDL) --
    def clear(self, txn: Transaction, all_snapshots: bool = False) -> None:
        """Deletes every row and every secondary index entry (all_snapshots: TRUNCATE, which
        older snapshots see too, as PostgreSQL's gives the table new, empty storage)."""
        for prefix in [self.prefix] + [prefix for _, _, prefix in self.indexes]:
            delete_range(txn, prefix, all_snapshots)

    def clear_index(self, txn: Transaction, index: IndexDef) -> None:
        """Deletes every entry of one of the table's indexes (a primary key has none)."""
        if has_entries(index):
            delete_range(txn, index_prefix(index.oid))

    def build_index(self, txn: Transaction, index: IndexDef, check: Check | None = None) -> Row | None:
        """Writes the entries of every row in a (new or emptied) index. For a unique index,
        the first row whose values another row already has is returned, and the build stops.
        check() runs every few thousand rows (it may raise to interrupt the build)."""
        entry = next(e for e in self.indexes if e[0].oid == index.oid)
        ix, cols, prefix = entry
        seen: set[bytes] = set()
        decode = self.reader.decode
        for n, (key, data) in enumerate(txn.scan_latest(self.prefix, self.stop), 1):
            if check is not None and n % _CHECK_EVERY == 0:
                check()
            row = decode(data)
            ikey = self.index_key(ix, cols, prefix, row, key)
            if ikey is None:
                continue
            if ix.unique:
                claim = self.claim_key(entry, row) if ix.deferrable else ikey
                if claim in seen:
                    return row  # type: ignore[no-any-return]
                if claim is not None:
                    seen.add(claim)
            txn.put(ikey, key)
        return None

    def index_entries(self, rows: Sequence[tuple[bytes, Row]]) -> tuple[dict[bytes, bytes], tuple[IndexDef, Row] | None]:
        """Every secondary index entry of (row key, row) pairs, and the first (unique index,
        row) whose values an earlier row has (then the entries are incomplete)."""
        entries: dict[bytes, bytes] = {}
        for entry in self.indexes:
            ix, cols, prefix = entry
            claimed: set[bytes] = set()  # a deferrable index's values (its entries differ by row key)
            for key, r in rows:
                ikey = self.index_key(ix, cols, prefix, r, key)
                if ikey is None:
                    continue
                if ix.unique and ikey in entries:
                    return entries, (ix, r)
                if ix.deferrable:
                    claim = self.claim_key(entry, r)
                    if claim in claimed:
                        return entries, (ix, r)
                    if claim is not None:
                        claimed.add(claim)
                entries[ikey] = key
        return entries, None


def _first_repeated(claims: list[tuple[int, bytes]]) -> int:
    """The position of the first row claiming a key an earlier claim has, or -1."""
    seen: set[bytes] = set()
    first = -1
    for n, key in claims:
        if key in seen:
            if first < 0 or n < first:
                first = n
        else:
            seen.add(key)
    return first


def replace_rows(txn: Transaction, old: TableAccess, rows: Sequence[tuple[bytes, Row]], new: TableAccess,
                 moved: Sequence[tuple[bytes, Row]], entries: dict[bytes, bytes]) -> None:
    """A table rewrite: rows (as old stores them) are replaced by moved (as new stores them)
    with the index entries `entries`. Every old entry is removed before any new one is written:
    a new key may equal the old key of a row not yet moved."""
    if txn.reads is None:
        _replace_rows_at_once(txn, old, rows, new, moved, entries)
        return
    new_keys = {key for key, _ in moved}
    for key, r in rows:
        if key not in new_keys:
            txn.delete(key)
        for ix, cols, prefix in old.indexes:
            ikey = old.index_key(ix, cols, prefix, r, key)
            if ikey is not None and ikey not in entries:  # None: a partial index leaves the row out
                txn.delete(ikey)
    for key, r in moved:
        txn.put(key, new.encode(r))
    for ikey, rowkey in entries.items():
        txn.put(ikey, rowkey)


def _replace_rows_at_once(txn: Transaction, old: TableAccess, rows: Sequence[tuple[bytes, Row]], new: TableAccess,
                          moved: Sequence[tuple[bytes, Row]], entries: dict[bytes, bytes]) -> None:
    """replace_rows with every key written in a few batches (a table of millions of rows)."""
    new_keys = [key for key, _ in moved]
    keeping = set(new_keys)
    gone = [key for key, _ in rows if key not in keeping]
    for ix, cols, prefix in old.indexes:
        for key, r in rows:
            ikey = old.index_key(ix, cols, prefix, r, key)
            if ikey is not None and ikey not in entries:
                gone.append(ikey)
    txn.put_many(gone, [None] * len(gone))
    txn.put_many(new_keys, encode_rows(new.codec, [r if new.identity else new._physical(r) for _, r in moved]))
    txn.put_many(list(entries), list(entries.values()))  # type: ignore[arg-type]


def delete_range(txn: Transaction, prefix: bytes, all_snapshots: bool = False) -> None:
    """Deletes every key under prefix (committed, or our own): one range deletion, whatever
    the number of rows."""
    txn.delete_range(prefix, prefix_end(prefix), all_snapshots)


def _bounds(prefix: bytes, equal: Sequence[Any], lo: Bound, hi: Bound) -> tuple[bytes, bytes]:
    """[start, stop) of the keys under prefix whose leading values equal `equal` and whose next
    value lies within lo and hi."""
    base = prefix + b"".join([encode_value(v) for v in equal]) if equal else prefix
    start = base
    if lo is not None:
        enc = base + encode_value(lo[0])
        start = enc if lo[1] else enc + b"\xff"
    if hi is None:
        return start, prefix_end(base)
    enc = base + encode_value(hi[0])
    return start, enc + b"\xff" if hi[1] else enc
