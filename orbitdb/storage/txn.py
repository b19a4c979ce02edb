"""Transactions on the engine: snapshot reads plus a private write set, row
locks for writers, savepoints as positions in an undo log, and commit as one
atomic engine batch (synced, so a committed transaction survives a crash)."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

from sortedcontainers import SortedDict

from orbitdb.engine import Engine, Snapshot, WriteBatch
from orbitdb.storage.catalog import CATALOG_PREFIX, Catalog, SequenceDef
from orbitdb.storage.errors import SerializationFailure, StorageError
from orbitdb.storage.locks import LockManager

DDL_LOCK_KEY = b"\x00ddl"
SEQUENCE_PREFIX = b"\x00s"
ROWID_PREFIX = b"\x00r"
TABLE_PREFIX = b"\x01"
INDEX_PREFIX = b"\x02"
_ABSENT = object()
_EMPTY: dict = {}
_SEQ_LOG_AHEAD = 32  # values handed out before the sequence state is persisted again


def table_prefix(oid: int) -> bytes:
    return TABLE_PREFIX + oid.to_bytes(4, "big")


def index_prefix(oid: int) -> bytes:
    return INDEX_PREFIX + oid.to_bytes(4, "big")


def prefix_end(prefix: bytes) -> bytes:
    """The smallest key greater than every key starting with prefix."""
    p = bytearray(prefix)
    while p and p[-1] == 0xFF:
        p.pop()
    if not p:
        return b"\xff" * 16
    p[-1] += 1
    return bytes(p)


class Store:
    """A database directory: the engine, the committed catalog, sequences and locks.
    Shared by every session of the process."""

    def __init__(self, path: str, **knobs: Any) -> None:
        self.engine = Engine(path, **knobs)
        self.path = path
        items = list(self.engine.items(CATALOG_PREFIX, prefix_end(CATALOG_PREFIX)))
        self.catalog = Catalog.load(items)
        if self.catalog.dirty:
            batch = WriteBatch()
            for key, value in self.catalog.changes():
                if value is not None:
                    batch.put(key, value)
            self.engine.write(batch, sync=True)
            self.catalog.dirty.clear()
        self.locks = LockManager()
        self._ids = itertools.count(1)
        self._seq_lock = threading.Lock()
        self._seq_state: dict[int, list[Any]] = {}  # oid -> [last value, is_called, persisted limit]
        self._rowid_state: dict[int, list[int]] = {}
        self.catalog_lock = threading.Lock()

    def close(self) -> None:
        # record the exact sequence positions, so a clean restart does not skip values
        with self._seq_lock:
            for oid, st in self._seq_state.items():
                if st[2] is not None:
                    self._persist_seq(oid, st[0], st[1], False)
        self.engine.close()

    def begin(self, isolation: str = "read committed", read_only: bool = False) -> Transaction:
        return Transaction(self, next(self._ids), isolation, read_only)

    # -- sequences: not transactional, as in PostgreSQL --
    def _seq(self, seq: SequenceDef) -> list[Any]:
        st = self._seq_state.get(seq.oid)
        if st is None:
            raw = self.engine.get(SEQUENCE_PREFIX + seq.oid.to_bytes(8, "big"))
            if raw is None:
                st = [seq.start, False, None]
            else:
                doc = json.loads(raw)
                st = [doc["value"], doc["called"], doc["value"] if doc.get("ahead") else None]
                if doc.get("ahead"):
                    # values up to "value" may have been handed out before a crash: skip them
                    st = [doc["value"], True, None]
            self._seq_state[seq.oid] = st
        return st

    def _persist_seq(self, oid: int, value: int, called: bool, ahead: bool) -> None:
        doc = json.dumps({"value": value, "called": called, "ahead": ahead}).encode()
        self.engine.put(SEQUENCE_PREFIX + oid.to_bytes(8, "big"), doc, sync=True)

    def sequence_next(self, seq: SequenceDef) -> int:
        with self._seq_lock:
            st = self._seq(seq)
            value, called = st[0], st[1]
            if called:
                nxt = value + seq.increment
                if (seq.increment > 0 and nxt > seq.max_value) or (seq.increment < 0 and nxt < seq.min_value):
                    if not seq.cycle:
                        bound = seq.max_value if seq.increment > 0 else seq.min_value
                        word = "maximum" if seq.increment > 0 else "minimum"
                        raise StorageError(
                            f'nextval: reached {word} value of sequence "{seq.name}" ({bound})', "2200H"
                        )
                    nxt = seq.min_value if seq.increment > 0 else seq.max_value
            else:
                nxt = value
            st[0], st[1] = nxt, True
            limit = st[2]
            if limit is None or (seq.increment > 0 and nxt >= limit) or (seq.increment < 0 and nxt <= limit):
                ahead = nxt + seq.increment * _SEQ_LOG_AHEAD
                self._persist_seq(seq.oid, ahead, True, True)
                st[2] = ahead
            return nxt

    def sequence_set(self, seq: SequenceDef, value: int, is_called: bool) -> None:
        with self._seq_lock:
            self._seq_state[seq.oid] = [value, is_called, None]
            self._persist_seq(seq.oid, value, is_called, False)

    def sequence_peek(self, seq: SequenceDef) -> tuple[int, bool]:
        with self._seq_lock:
            st = self._seq(seq)
            return st[0], st[1]

    def sequence_reset(self, seq: SequenceDef) -> None:
        with self._seq_lock:
            self._seq_state.pop(seq.oid, None)

    def next_rowid(self, table_oid: int) -> int:
        """Hidden row ids for tables without a primary key; persisted ahead like sequences."""
        with self._seq_lock:
            st = self._rowid_state.get(table_oid)
            key = ROWID_PREFIX + table_oid.to_bytes(8, "big")
            if st is None:
                raw = self.engine.get(key)
                start = int(raw) if raw is not None else 0
                st = [start, start]
                self._rowid_state[table_oid] = st
            st[0] += 1
            if st[0] > st[1]:
                st[1] = st[0] + 1024
                self.engine.put(key, str(st[1]).encode(), sync=True)
            return st[0]


class Transaction:
    """One transaction's view and changes. Used by one session (one thread) at a time."""

    def __init__(self, store: Store, txn_id: int, isolation: str, read_only: bool) -> None:
        self.store = store
        self.id = txn_id
        self.isolation = isolation
        self.read_only = read_only
        self.snapshot: Snapshot | None = None
        self.writes: SortedDict | dict = _EMPTY  # a SortedDict once something is written
        self.undo: list[tuple[bytes, Any]] = []
        self.locked: set[bytes] = set()
        self.catalog: Catalog = store.catalog
        self.catalog_modified = False
        self.savepoints: list[tuple[str, int, Catalog, bool]] = []
        self.lock_deadline: float | None = None
        self.check: Callable[[], None] | None = None
        self.done = False

    # -- statement boundaries --
    def begin_statement(self) -> None:
        if self.isolation in ("read committed", "read uncommitted") or self.snapshot is None:
            if self.snapshot is not None:
                self.snapshot.release()
            self.snapshot = self.store.engine.snapshot()
        if not self.catalog_modified:
            self.catalog = self.store.catalog

    # -- reads --
    def get(self, key: bytes) -> bytes | None:
        v = self.writes.get(key, _ABSENT)
        if v is not _ABSENT:
            return v  # type: ignore[no-any-return]
        return self.store.engine.get(key, self.snapshot)

    def get_latest(self, key: bytes) -> bytes | None:
        """The newest committed version (or our own write): what a writer re-checks after a lock wait."""
        v = self.writes.get(key, _ABSENT)
        if v is not _ABSENT:
            return v  # type: ignore[no-any-return]
        return self.store.engine.get(key)

    def scan(self, start: bytes, stop: bytes, reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:
        engine_items = self.store.engine.items(start, stop, reverse, self.snapshot)
        if not self.writes:
            yield from engine_items
            return
        local = list(self.writes.irange(start, stop, inclusive=(True, False), reverse=reverse))
        if not local:
            yield from engine_items
            return
        writes = self.writes
        li = 0
        nlocal = len(local)
        for k, v in engine_items:
            while li < nlocal and ((local[li] < k) if not reverse else (local[li] > k)):
                lk = local[li]
                lv = writes.get(lk)
                if lv is not None:
                    yield lk, lv
                li += 1
            if li < nlocal and local[li] == k:
                lv = writes.get(k)
                li += 1
                if lv is not None:
                    yield k, lv
                continue
            yield k, v
        while li < nlocal:
            lk = local[li]
            lv = writes.get(lk)
            if lv is not None:
                yield lk, lv
            li += 1

    # -- writes --
    def lock(self, key: bytes) -> bool:
        """Locks key for writing; True when we waited for another writer (the
        caller then re-reads the newest version). Under REPEATABLE READ a row
        changed by a transaction that committed after our snapshot is a
        serialization failure, as in PostgreSQL."""
        if key in self.locked:
            return False
        waited = self.store.locks.acquire(key, self.id, self.lock_deadline, self.check)
        self.locked.add(key)
        if (self.isolation in ("repeatable read", "serializable") and key not in self.writes
                and self.store.engine.get(key) != self.store.engine.get(key, self.snapshot)):
            raise SerializationFailure("could not serialize access due to concurrent update")
        return waited

    def put(self, key: bytes, value: bytes | None) -> None:
        """Writes (value None: deletes) key in this transaction."""
        if self.writes is _EMPTY:
            self.writes = SortedDict()
        self.undo.append((key, self.writes.get(key, _ABSENT)))
        self.writes[key] = value

    def delete(self, key: bytes) -> None:
        self.put(key, None)

    def set_catalog(self, catalog: Catalog) -> None:
        """Installs a modified catalog copy; DDL is serialised by the DDL lock."""
        if not self.catalog_modified:
            self.store.locks.acquire(DDL_LOCK_KEY, self.id, self.lock_deadline, self.check)
            self.locked.add(DDL_LOCK_KEY)
            if catalog.version <= self.store.catalog.version:
                catalog.version = self.store.catalog.version + 1
        self.catalog = catalog
        self.catalog_modified = True

    def writable_catalog(self) -> Catalog:
        """A catalog this transaction may mutate (a copy of the shared one)."""
        if not self.catalog_modified:
            self.store.locks.acquire(DDL_LOCK_KEY, self.id, self.lock_deadline, self.check)
            self.locked.add(DDL_LOCK_KEY)
            self.catalog = self.store.catalog.copy()
            self.catalog_modified = True
        return self.catalog

    # -- savepoints --
    def savepoint(self, name: str) -> None:
        snapshot_catalog = self.catalog.copy() if self.catalog_modified else self.catalog
        if self.catalog_modified:
            snapshot_catalog.dirty = set(self.catalog.dirty)
            snapshot_catalog.version = self.catalog.version
        self.savepoints.append((name, len(self.undo), snapshot_catalog, self.catalog_modified))

    def _find_savepoint(self, name: str) -> int:
        for i in range(len(self.savepoints) - 1, -1, -1):
            if self.savepoints[i][0] == name:
                return i
        raise StorageError(f'savepoint "{name}" does not exist', "3B001")

    def rollback_to(self, name: str) -> None:
        i = self._find_savepoint(name)
        _, pos, cat, modified = self.savepoints[i]
        while len(self.undo) > pos:
            key, old = self.undo.pop()
            if old is _ABSENT:
                self.writes.pop(key, None)  # type: ignore[union-attr]
            else:
                self.writes[key] = old  # type: ignore[index]
        if self.catalog_modified:
            restored = cat.copy() if modified else self.store.catalog.copy()
            restored.dirty = set(cat.dirty) if modified else set()
            restored.version = self.catalog.version
            self.catalog = restored
            # DDL lock stays held until the transaction ends, as PostgreSQL keeps locks
        del self.savepoints[i + 1 :]

    def release(self, name: str) -> None:
        i = self._find_savepoint(name)
        del self.savepoints[i:]

    # -- end --
    def commit(self, sync: bool = True) -> None:
        try:
            if self.writes or self.catalog_modified:
                batch = WriteBatch()
                if self.catalog_modified:
                    for key, value in self.catalog.changes():
                        if value is None:
                            batch.delete(key)
                        else:
                            batch.put(key, value)
                for key, value in self.writes.items():
                    if value is None:
                        batch.delete(key)
                    else:
                        batch.put(key, value)
                self.store.engine.write(batch, sync=sync)
                if self.catalog_modified:
                    self.catalog.dirty = set()
                    self.catalog._names = None
                    self.store.catalog = self.catalog
        finally:
            self._end()

    def rollback(self) -> None:
        self._end()

    def _end(self) -> None:
        if self.done:
            return
        self.done = True
        if self.snapshot is not None:
            self.snapshot.release()
            self.snapshot = None
        if self.locked:
            self.store.locks.release_all(self.locked, self.id)
            self.locked = set()
        self.writes = _EMPTY
        self.undo = []
