"""Transactions on the engine: snapshot reads plus a private write set, locks
(row, relation, advisory) held to the end, savepoints as positions in an undo log,
and commit as one atomic engine batch (synced, so a committed transaction survives
a crash). The isolation rules on top of the snapshot are PostgreSQL's; the SQL
layer applies them with the helpers here (``newest``, the lock
calls, ``scan_latest``)."""

from __future__ import annotations

import copy
import itertools
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

from orbitdb.engine import Engine, EngineError, Snapshot, WriteBatch
from orbitdb.storage.catalog import Catalog, SequenceDef, new_version
from orbitdb.storage.errors import SerializationFailure, StorageError, engine_failure
from orbitdb.storage.formatcheck import check_format
from orbitdb.storage.keyspace import (
    CATALOG_PREFIX,
    FIRST_OID,
    INDEX_PREFIX,
    ROWID_PREFIX,
    SEQUENCE_PREFIX,
    TABLE_PREFIX,
    index_prefix,
    prefix_end,
    rowid_key,
    sequence_key,
    table_prefix,
    temporary_ranges,
)
from orbitdb.storage.lockmodes import ACCESS_EXCLUSIVE
from orbitdb.storage.locks import GRANTED, WAIT, LockManager, Tag, write_intent_tag
from orbitdb.storage.moves import Moves
from orbitdb.storage.planstats import stop_background
from orbitdb.storage.serializable import CommitLog, ReadSet
from orbitdb.storage.temp import TempObjects, TempOids, is_temp_oid
from orbitdb.storage.twophase import PreparedXacts, written
from orbitdb.storage.usage import TableCounts, Usage
from orbitdb.storage.writeset import WriteSet

log = logging.getLogger("orbitdb.storage")

# the key space's names, where the SQL layer has always found them
__all__ = ["INDEX_PREFIX", "READ_COMMITTED", "REPEATABLE_READ", "ROWID_PREFIX", "SEQUENCE_PREFIX", "SERIALIZABLE",
           "TABLE_PREFIX", "Store", "Transaction", "index_prefix", "prefix_end", "table_prefix"]

_ABSENT = object()
_RANGE = object()  # an undo log entry of a range deletion: (_RANGE, the writes it took back)
_INTENT = write_intent_tag(b"")  # the prefix of a key's write intent tag
_EMPTY: dict = {}
_SEQ_LOG_AHEAD = 32  # values handed out before the sequence state is persisted again
# a commit writing this much goes straight into a table of its own (Engine.ingest), not through
# a write batch, the WAL and the memtable, which would each hold another copy of it
INGEST_BYTES = 4 << 20

READ_COMMITTED = "read committed"
REPEATABLE_READ = "repeatable read"
SERIALIZABLE = "serializable"


class Store:
    """A database directory: the engine, the committed catalog, sequences and locks.
    Shared by every session of the process."""

    def __init__(self, path: str, **knobs: Any) -> None:
        if knobs.get("wal_archive_dir"):
            # one archive directory per database, named as its directory (orbitdb/ops/pitr.py)
            knobs["wal_archive_dir"] = os.path.join(knobs["wal_archive_dir"], os.path.basename(os.path.normpath(path)))
        # an ingested commit is in no WAL: with an archive, every commit goes through the WAL
        self.ingests = not knobs.get("wal_archive_dir")
        try:
            self.engine = Engine(path, **knobs)
        except EngineError as e:
            raise engine_failure(e, f"could not open database at {path}") from e
        self.path = path
        try:
            stamp = check_format(self.engine, path)  # before anything is written
        except BaseException:
            self.engine.close()
            raise
        dropped = self.engine.property("orbitdb.wal-tail-dropped")
        if dropped:
            # a torn last write: it was never acknowledged, so recovery dropped it
            log.warning("recovery dropped the torn tail of the write-ahead log in %s: %s", path, dropped)
        items = list(self.engine.items(CATALOG_PREFIX, prefix_end(CATALOG_PREFIX)))
        self.catalog = Catalog.load(items)
        if self.catalog.dirty or stamp:
            batch = WriteBatch()
            for key, value in self.catalog.changes() if self.catalog.dirty else ():
                if value is not None:
                    batch.put(key, value)
            for key, value in stamp:
                batch.put(key, value)
            self.engine.write(batch, sync=True)
            self.catalog.dirty.clear()
        self.locks = LockManager()
        self.commit_log = CommitLog()
        self.moves = Moves()
        self._ids = itertools.count(1)
        self._seq_lock = threading.Lock()
        self._seq_state: dict[int, list[Any]] = {}  # oid -> [last value, is_called, persisted limit]
        self._rowid_state: dict[int, list[int]] = {}
        self._sizes: dict[bytes, tuple[int, int, int]] = {}  # key prefix -> (commit epoch, entries, bytes)
        # DDL commits are serialised: each merges its catalog changes into the newest catalog
        self.catalog_lock = threading.Lock()
        # serializable commits validate and write one at a time (see serializable.py)
        self.serializable_commit = threading.Lock()
        self._oid_lock = threading.Lock()
        self._next_oid = max(self.catalog.next_oid, FIRST_OID)
        self.temp_oids = TempOids()
        self._clear_temporary()
        self.prepared = PreparedXacts(self)
        self.prepared.load()
        self.usage = Usage()  # pg_stat_database / pg_stat_*_tables counters (usage.py)

    def _clear_temporary(self) -> None:
        """Removes what temporary objects of sessions before this open left behind (their
        sessions are gone: a crash, or a close that could not clean up)."""
        batch = WriteBatch()
        for start, stop in temporary_ranges():
            if next(iter(self.engine.items(start, stop)), None) is not None:
                batch.delete_range(start, stop)  # one record, however big the temporary tables were
        if len(batch):
            self.engine.write(batch, sync=True)

    def peek_next_oid(self) -> int:
        with self._oid_lock:
            return self._next_oid

    def new_oid(self) -> int:
        """An oid no other transaction gets, committed or not (like PostgreSQL's oid counter)."""
        with self._oid_lock:
            oid = self._next_oid
            self._next_oid += 1
            return oid

    def close(self) -> None:
        # record the exact sequence positions, so a clean restart does not skip values
        with self._seq_lock:
            for oid, st in self._seq_state.items():
                if st[2] is not None:
                    self._persist_seq(oid, st[0], st[1], False)
        stop_background(self)  # an automatic ANALYZE reading the engine (planstats.py)
        self.engine.close()

    def flush(self) -> None:
        """Writes the engine's memtable to a table file (the WAL already holds every commit)."""
        try:
            self.engine.flush()
        except EngineError as e:
            raise engine_failure(e, "checkpoint failed") from e

    def begin(self, isolation: str = READ_COMMITTED, read_only: bool = False, owner: int | None = None,
              temp: TempObjects | None = None) -> Transaction:
        """A new transaction. owner names the lock holder (a session's backend pid); by
        default the transaction itself. temp: the session's temporary objects."""
        txn_id = next(self._ids)
        return Transaction(self, txn_id, isolation, read_only, owner if owner is not None else -txn_id, temp)

    # -- sequences: not transactional, as in PostgreSQL --
    def _seq(self, seq: SequenceDef) -> list[Any]:
        st = self._seq_state.get(seq.oid)
        if st is None:
            raw = self.engine.get(sequence_key(seq.oid))
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
        self.engine.put(sequence_key(oid), doc, sync=True)

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

    def relation_size(self, oid: int, index: bool = False) -> tuple[int, int]:
        """(entries, bytes of keys and values) of a table's rows (index: an index's entries) in
        the committed state: a scan of its key range, remembered until the next commit."""
        prefix = index_prefix(oid) if index else table_prefix(oid)
        epoch = self.commit_log.epoch
        hit = self._sizes.get(prefix)
        if hit is not None and hit[0] == epoch:
            return hit[1], hit[2]
        n = size = 0
        for k, v in self.engine.items(prefix, prefix_end(prefix)):
            n += 1
            size += len(k) + len(v)
        if len(self._sizes) > 4096:
            self._sizes.clear()
        self._sizes[prefix] = (epoch, n, size)
        return n, size

    def next_rowid(self, table_oid: int) -> int:
        """Hidden row ids for tables without a primary key; persisted ahead like sequences."""
        return self.next_rowids(table_oid, 1)[0]

    def next_rowids(self, table_oid: int, count: int) -> range:
        """count hidden row ids at once (a batch of rows)."""
        with self._seq_lock:
            st = self._rowid_state.get(table_oid)
            key = rowid_key(table_oid)
            if st is None:
                raw = self.engine.get(key)
                start = int(raw) if raw is not None else 0
                st = [start, start]
                self._rowid_state[table_oid] = st
            first = st[0] + 1
            st[0] += count
            if st[0] > st[1]:
                st[1] = st[0] + 1024
                self.engine.put(key, str(st[1]).encode(), sync=True)
            return range(first, st[0] + 1)


class Transaction:
    """One transaction's view, changes and locks. Used by one session (one thread) at a time.

    Locks belong to ``owner`` (the session's backend pid) in the store's lock manager;
    ``held`` records what this transaction acquired, so that it asks the manager once per
    lock and releases exactly that at its end (session-level advisory locks of the same
    owner are counted separately by the manager and survive it)."""

    def __init__(self, store: Store, txn_id: int, isolation: str, read_only: bool, owner: int,
                 temp: TempObjects | None = None) -> None:
        self.store = store
        self.id = txn_id
        self.owner = owner
        self.temp = temp
        self.isolation = isolation
        self.read_only = read_only
        self._snapshot: Snapshot | None = None
        # an autocommitted statement's snapshot is taken once its locks are held (settle_statement),
        # or at its first read: not at all when the statement reads once (see settle_statement)
        self._snapshot_pending = False
        self.writes: WriteSet | dict = _EMPTY  # a WriteSet once something is written
        self.undo: list[tuple[bytes, Any]] = []
        self.held: dict[Tag, int] = {}  # tag -> mask of modes this transaction holds
        self.held_log: list[tuple[Tag, int]] = []  # (tag, mode) acquired since the first open savepoint
        self.catalog: Catalog = self._view()
        self.catalog_base: Catalog = self.catalog  # the catalog the private copy follows
        self.catalog_modified = False
        self.savepoints: list[tuple[str, int, int, tuple[dict[int, Any], set[int]] | None]] = []
        self.lock_deadline: float | None = None
        self.deadlock_timeout = 1.0
        self.check: Callable[[], None] | None = None
        self.reads: ReadSet | None = None  # SERIALIZABLE only
        self.single_statement = False  # an autocommitted statement, its own transaction
        self.epoch = 0
        self.snapshot_epoch = 0  # commits up to this epoch are in the current snapshot
        self.moved: dict[bytes, bytes] = {}  # rows this transaction re-keyed: old key -> new
        # writes of a statement's other parts, taken back while this part runs (take_delta): its
        # reads do not see them, its referential and unique checks do (the *_latest reads)
        self.pending: dict[bytes, bytes | None] = {}
        self.done = False
        self.usage: TableCounts | None = None  # this transaction's table counters (usage.note)
        self.as_of: str | None = None  # AS OF SYSTEM TIME: the time this transaction reads (travel)

    @property
    def snapshot_per_statement(self) -> bool:
        return self.isolation not in (REPEATABLE_READ, SERIALIZABLE)

    @property
    def snapshot(self) -> Snapshot | None:
        """What reads see: None reads the newest committed state."""
        if self._snapshot_pending:
            self._snapshot_pending = False
            self._snapshot = self.store.engine.snapshot()
            self.snapshot_epoch = self.store.commit_log.epoch
        return self._snapshot

    def travel(self, snapshot: Snapshot, catalog: Catalog, shown: str) -> None:
        """From here on, reads see the committed state of a past moment (snapshot, with the
        catalog of that moment) and every statement keeps it: AS OF SYSTEM TIME. Read-only."""
        old = self._snapshot
        self._snapshot = snapshot
        self._snapshot_pending = False
        view = self.temp.view(catalog) if self.temp is not None else catalog
        self.catalog = self.catalog_base = view
        self.read_only = True
        self.as_of = shown
        if old is not None:
            old.release()

    # -- statement boundaries --
    def begin_statement(self) -> None:
        if self.as_of is not None:
            return  # a read of the past keeps its snapshot and catalog
        if self._snapshot is not None and not self.snapshot_per_statement:
            self.refresh_catalog()
            return
        if self._snapshot is None and self.isolation == SERIALIZABLE:
            self.store.commit_log.register(self.id)
            self._take_snapshot()
            self.epoch = self.store.commit_log.set_epoch(self.id)
            self.reads = ReadSet()
        elif self.single_statement and self._snapshot is None:
            # READ COMMITTED or REPEATABLE READ, the transaction's only statement: its snapshot
            # waits for settle_statement (or the first read)
            self._snapshot_pending = True
            self.refresh_catalog()
        else:
            self._take_snapshot()

    def settle_statement(self, reads_once: bool = False) -> bool:
        """After a statement's relation locks are taken and before it runs: the snapshot of an
        autocommitted statement is taken now, with the catalog of the same moment (as PostgreSQL
        takes it after the locks). A statement that reads once (one engine call: a primary-key
        lookup) takes none: that call reads the newest committed state whole, which is what a
        snapshot taken just before it would show. True if the catalog changed (the statement
        is compiled again)."""
        if self.as_of is not None:
            return False
        if not self._snapshot_pending:
            return self.refresh_catalog()
        self._snapshot_pending = False
        if reads_once:
            return self.refresh_catalog()
        return self._take_snapshot()

    def _take_snapshot(self) -> bool:
        """A new snapshot and the catalog of the same moment: DDL commits its data and installs
        its catalog under the catalog lock, so no statement sees one without the other. True
        if the catalog changed."""
        old = self._snapshot
        self._snapshot_pending = False
        with self.store.catalog_lock:
            self._snapshot = self.store.engine.snapshot()
            self.snapshot_epoch = self.store.commit_log.epoch
            changed = self.refresh_catalog()
        if old is not None:
            old.release()
        return changed

    def refresh_catalog(self) -> bool:
        """Follows the newest shared catalog (keeping this transaction's own changes);
        True if anything changed. Called at each statement and after a lock wait."""
        if self.as_of is not None:
            return False
        latest = self._view()
        if latest is self.catalog_base:
            return False
        if not self.catalog_modified:
            self.catalog = self.catalog_base = latest
            return True
        mine = self.catalog
        base = self.catalog_base
        objects: dict[int, Any] = {}
        for oid, obj in latest.objects.items():
            if oid in mine.dirty:
                continue
            current = mine.objects.get(oid)
            objects[oid] = current if current is not None and base.objects.get(oid) is obj else copy.deepcopy(obj)
        for oid in mine.dirty:
            obj = mine.objects.get(oid)
            if obj is not None:
                objects[oid] = obj
        mine.objects = objects
        mine.forget_lookups()
        mine.version = new_version()
        self.catalog_base = latest
        return True

    def _view(self) -> Catalog:
        """The newest shared catalog, with the session's temporary objects over it."""
        shared = self.store.catalog
        return self.temp.view(shared) if self.temp is not None else shared

    # -- reads --
    def get(self, key: bytes) -> bytes | None:
        v = self.writes.get(key, _ABSENT)
        if v is not _ABSENT:
            return v  # type: ignore[no-any-return]
        if self.reads is not None:
            self.reads.keys.add(key)
        return self.store.engine.get(key, self.snapshot)

    def multi_get(self, keys: list[bytes]) -> list[bytes | None]:
        """get() of many keys, the engine's part in one call."""
        writes = self.writes
        if not writes:
            found: list[bytes | None] = self.store.engine.multi_get(keys, self.snapshot)
            if self.reads is not None:
                self.reads.keys.update(keys)
            return found
        out: list[Any] = [writes.get(k, _ABSENT) for k in keys]
        todo = [i for i, v in enumerate(out) if v is _ABSENT]
        if todo:
            wanted = [keys[i] for i in todo]
            if self.reads is not None:
                self.reads.keys.update(wanted)
            for i, v in zip(todo, self.store.engine.multi_get(wanted, self.snapshot)):
                out[i] = v
        return out

    def multi_get_latest(self, keys: list[bytes]) -> list[bytes | None]:
        """get_latest() of many keys, the engine's part in one call."""
        writes = self.writes
        if self.pending:
            return [self.get_latest(k) for k in keys]
        if not writes:
            return self.store.engine.multi_get(keys)  # type: ignore[no-any-return]
        out: list[Any] = writes.get_many(keys, _ABSENT)  # type: ignore[union-attr]
        todo = [i for i, v in enumerate(out) if v is _ABSENT]
        if todo:
            for i, v in zip(todo, self.store.engine.multi_get([keys[i] for i in todo])):
                out[i] = v
        return out

    def get_latest(self, key: bytes) -> bytes | None:
        """The newest committed version (or our own write): what a writer works on once
        it holds the row's lock."""
        v = self.writes.get(key, _ABSENT)
        if v is not _ABSENT:
            return v  # type: ignore[no-any-return]
        if self.pending:
            v = self.pending.get(key, _ABSENT)
            if v is not _ABSENT:
                return v  # type: ignore[no-any-return]
        return self.store.engine.get(key)

    def newest(self, key: bytes) -> tuple[bytes | None, bool]:
        """(the newest committed version, or our own write; whether a transaction wrote the
        row after this statement's snapshot, even with the same bytes). What a writer works
        on once it holds the row's lock."""
        v = self.writes.get(key, _ABSENT)
        if v is not _ABSENT:
            return v, False  # type: ignore[return-value]
        if self.pending:
            v = self.pending.get(key, _ABSENT)
            if v is not _ABSENT:
                return v, False  # type: ignore[return-value]
        return self.store.engine.get_newest(key, self.snapshot)  # type: ignore[no-any-return]

    def scan(self, start: bytes, stop: bytes, reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:
        if self.reads is not None:
            self.reads.ranges.append((start, stop))
        items = self.store.engine.items(start, stop, reverse, self.snapshot)
        if not self.writes:
            return items  # type: ignore[no-any-return]
        return self._merged(items, start, stop, reverse)

    def scan_latest(self, start: bytes, stop: bytes, reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:
        """Rows as the newest committed state has them, with our own writes: what a
        referential-integrity check must see (PostgreSQL runs those on a fresh snapshot)."""
        items = self._merged(self.store.engine.items(start, stop, reverse), start, stop, reverse)
        if not self.pending:
            return items
        return _over(items, self.pending, self.writes, start, stop, reverse)

    def _merged(self, engine_items: Iterator[tuple[bytes, bytes]], start: bytes, stop: bytes,
                reverse: bool) -> Iterator[tuple[bytes, bytes]]:
        """The engine's rows with our own writes over them (a deletion hides the row)."""
        writes = self.writes
        if not writes:
            yield from engine_items
            return
        if writes.ranges:  # type: ignore[union-attr]
            engine_items = _outside(engine_items, writes.ranges_over(start, stop))  # type: ignore[union-attr]
        local = writes.items(start, stop, reverse)  # type: ignore[union-attr]
        mine = next(local, None)
        if mine is None:
            yield from engine_items
            return
        for k, v in engine_items:
            while mine is not None and ((mine[0] < k) if not reverse else (mine[0] > k)):
                if mine[1] is not None:
                    yield mine  # type: ignore[misc]
                mine = next(local, None)
            if mine is not None and mine[0] == k:
                if mine[1] is not None:
                    yield mine  # type: ignore[misc]
                mine = next(local, None)
                continue
            yield k, v
        while mine is not None:
            if mine[1] is not None:
                yield mine  # type: ignore[misc]
            mine = next(local, None)

    # -- locks --
    def lock(self, tag: Tag, mode: int, policy: int = WAIT, busy_message: str = "could not obtain lock") -> int:
        """Acquires mode on tag until the transaction ends (or a savepoint before it is
        rolled back to): GRANTED, GRANTED_AFTER_WAIT, or NOT_GRANTED (SKIP_LOCKED, busy)."""
        bit = 1 << mode
        held = self.held.get(tag, 0)
        if held & bit:
            return GRANTED
        granted = self.store.locks.acquire(tag, self.owner, mode, policy, self.lock_deadline, self.check,
                                           self.deadlock_timeout, busy_message)
        if not granted:
            return granted
        self.held[tag] = held | bit
        if self.savepoints:
            self.held_log.append((tag, mode))
        return granted

    def renew_snapshot(self) -> bool:
        """READ COMMITTED: a statement that waited for a relation lock reads what committed
        meanwhile, as PostgreSQL takes the statement's snapshot after its locks. True if the
        catalog changed."""
        if self.as_of is None and self.snapshot_per_statement and (
                self._snapshot is not None or self._snapshot_pending):
            return self._take_snapshot()
        return self.refresh_catalog()

    def lock_row(self, key: bytes, mode: int, policy: int = WAIT, busy_message: str = "could not obtain lock on row"
                 ) -> int:
        return self.lock(key, mode, policy, busy_message)

    def lock_write(self, key: bytes) -> None:
        """A write intent on key: concurrent writers of the same key (unique checks
        included) wait for this transaction to end."""
        self.lock(write_intent_tag(key), ACCESS_EXCLUSIVE)

    def lock_writes(self, keys: list[bytes]) -> None:
        """lock_write() of many keys: those nobody holds are granted in one call."""
        bit = 1 << ACCESS_EXCLUSIVE
        held = self.held
        tags = [_INTENT + k for k in keys]  # write_intent_tag() of each key
        # (a write intent is held ACCESS EXCLUSIVE or not at all)
        todo = [t for t in tags if t not in held] if held else tags
        busy = self.store.locks.acquire_free(todo, self.owner, ACCESS_EXCLUSIVE)
        if busy:
            waiting = set(busy)
            granted = [t for t in todo if t not in waiting]
        else:
            granted = todo
        # a write intent is only ever held ACCESS EXCLUSIVE: nothing else to merge into held
        held.update(dict.fromkeys(granted, bit))
        if self.savepoints:
            self.held_log.extend([(t, ACCESS_EXCLUSIVE) for t in granted])
        for tag in busy:
            self.lock(tag, ACCESS_EXCLUSIVE)

    def lock_relation(self, oid: int, mode: int, policy: int = WAIT, busy_message: str = "could not obtain lock"
                      ) -> int:
        return self.lock(("rel", oid), mode, policy, busy_message)

    def holds(self, tag: Tag, mask: int) -> bool:
        return bool(self.held.get(tag, 0) & mask)

    def moved_to(self, key: bytes) -> bytes | None:
        """Where a row that a transaction committed after our snapshot re-keyed went."""
        return self.store.moves.moved_after(key, self.snapshot_epoch)

    def check_update_allowed(self, changed: bool) -> None:
        """REPEATABLE READ and SERIALIZABLE: a row that a transaction committed after our
        snapshot changed (or deleted) cannot be changed or locked by us."""
        if changed and not self.snapshot_per_statement:
            raise SerializationFailure("could not serialize access due to concurrent update")

    # -- writes --
    def put(self, key: bytes, value: bytes | None) -> None:
        """Writes (value None: deletes) key in this transaction."""
        if self.reads is not None:
            self._check_pivot(key)
        if self.writes is _EMPTY:
            self.writes = WriteSet()
        if self.savepoints:  # only rolling back to a savepoint reads the undo log
            self.undo.append((key, self.writes.own(key, _ABSENT)))  # type: ignore[union-attr]
        self.writes[key] = value

    def delete(self, key: bytes) -> None:
        self.put(key, None)

    def delete_range(self, start: bytes, stop: bytes, all_snapshots: bool = False) -> None:
        """Deletes every key in [start, stop), committed or our own, as one range deletion (a
        dropped or truncated table: the commit writes one engine record, not a key each). The
        caller holds the relation's ACCESS EXCLUSIVE lock, so no one else writes there. With
        all_snapshots, transactions whose snapshot is older see the keys gone too once we
        commit (PostgreSQL's TRUNCATE is not MVCC-safe). A SERIALIZABLE transaction deletes
        key by key: its writes are checked one by one."""
        if self.reads is not None:
            for key, _ in list(self.scan_latest(start, stop)):
                self.delete(key)
            return
        if self.writes is _EMPTY:
            self.writes = WriteSet()
        taken = self.writes.delete_range(start, stop, all_snapshots)  # type: ignore[union-attr]
        if self.savepoints:
            self.undo.append((_RANGE, taken))  # type: ignore[arg-type]

    def put_many(self, keys: list[bytes], values: list[bytes | None]) -> None:
        """put() of many keys (each once; a None value deletes). Not for SERIALIZABLE
        transactions, whose writes are checked one by one."""
        assert self.reads is None
        if self.writes is _EMPTY:
            self.writes = WriteSet()
        writes = self.writes
        if self.savepoints:
            self.undo.extend([(k, writes.own(k, _ABSENT)) for k in keys])  # type: ignore[union-attr]
        writes.update_many(keys, values)  # type: ignore[union-attr]

    def delete_sequence_state(self, oid: int) -> None:
        """A dropped sequence's stored state goes with this transaction."""
        self.delete(sequence_key(oid))

    def _check_pivot(self, key: bytes) -> None:
        log = self.store.commit_log
        if log.read_by_committed(self.epoch, key) and self.reads is not None and log.conflicts(self.epoch, self.reads):
            raise SerializationFailure(
                "could not serialize access due to read/write dependencies among transactions",
                detail="Reason code: Canceled on identification as a pivot, during write.")

    def writable_catalog(self) -> Catalog:
        """A catalog this transaction may mutate (a private copy of the shared one). What
        it changes, it must lock: DDL takes PostgreSQL's relation locks and an exclusive
        lock on each catalog object it changes."""
        if not self.catalog_modified:
            latest = self._view()
            cat = latest.copy()
            cat.oid_source = self.store.new_oid
            cat.on_change = self._claim_object
            self.catalog = cat
            self.catalog_base = latest
            self.catalog_modified = True
        return self.catalog

    def _claim_object(self, oid: int) -> None:
        """Before a catalog object changes: its exclusive lock, and the certainty that we
        changed the newest version of it (DDL locks what it alters before reading it, so
        this fails only for a change made without that lock)."""
        self.lock(("obj", oid), ACCESS_EXCLUSIVE)
        if self._view().objects.get(oid) is not self.catalog_base.objects.get(oid):
            raise SerializationFailure("could not serialize access due to concurrent update")

    # -- the parts of one statement that must not see each other's writes (data-modifying WITH) --
    def start_delta(self) -> tuple[str, int, int, None]:
        """Starts recording this transaction's writes (an unnamed savepoint keeps the undo log)."""
        mark = ("", len(self.undo), len(self.held_log), None)
        self.savepoints.append(mark)
        return mark

    def take_delta(self, mark: tuple[str, int, int, None]) -> dict[bytes, tuple[Any, Any]]:
        """Takes back the writes made since start_delta(mark), locks kept, and returns them as
        key -> (the value before, the value written); _ABSENT stands for no write of ours."""
        pos = mark[1]
        delta: dict[bytes, tuple[Any, Any]] = {}
        for key, old in self.undo[pos:]:
            if key is _RANGE:
                continue  # a range deletion (DDL run by a part of the statement) stays applied
            if key not in delta:
                delta[key] = (old, None)
        for key, (old, _) in delta.items():
            delta[key] = (old, self.writes.get(key, _ABSENT))
            if delta[key][1] is not _ABSENT:
                self.pending[key] = delta[key][1]
            if old is _ABSENT:
                self.writes.pop(key, None)  # type: ignore[union-attr]
            else:
                self.writes[key] = old  # type: ignore[index]
        del self.undo[pos:]
        self.end_delta(mark)
        return delta

    def end_delta(self, mark: tuple[str, int, int, None]) -> None:
        for i in range(len(self.savepoints) - 1, -1, -1):
            if self.savepoints[i] is mark:
                del self.savepoints[i]
                break
        if not self.savepoints:
            self.held_log = []
            self.undo = []

    def clear_pending(self) -> None:
        self.pending = {}

    def apply_delta(self, delta: dict[bytes, tuple[Any, Any]]) -> bool:
        """Writes a delta taken by take_delta back; False (nothing written) if a key of it was
        written meanwhile."""
        writes = self.writes
        if any(writes.get(k, _ABSENT) is not old and writes.get(k, _ABSENT) != old for k, (old, _) in delta.items()):
            return False
        for key, (_, new) in delta.items():
            if new is not _ABSENT:
                self.put(key, new)
        return True

    # -- savepoints --
    def savepoint(self, name: str) -> None:
        saved = None
        if self.catalog_modified:
            dirty = set(self.catalog.dirty)
            saved = ({oid: copy.deepcopy(self.catalog.objects.get(oid)) for oid in dirty}, dirty)
        self.savepoints.append((name, len(self.undo), len(self.held_log), saved))

    def _find_savepoint(self, name: str) -> int:
        for i in range(len(self.savepoints) - 1, -1, -1):
            if self.savepoints[i][0] == name:
                return i
        raise StorageError(f'savepoint "{name}" does not exist', "3B001")

    def rollback_to(self, name: str) -> None:
        i = self._find_savepoint(name)
        _, pos, lockpos, saved = self.savepoints[i]
        while len(self.undo) > pos:
            key, old = self.undo.pop()
            if key is _RANGE:
                self.writes.undo_range(old)  # type: ignore[union-attr]
            elif old is _ABSENT:
                self.writes.pop(key, None)  # type: ignore[union-attr]
            else:
                self.writes[key] = old  # type: ignore[index]
        if self.catalog_modified:
            self._restore_catalog(saved)
        # locks taken after the savepoint go with it, as PostgreSQL's subtransactions do
        for tag, mode in self.held_log[lockpos:]:
            self.store.locks.release(tag, self.owner, mode)
            rest = self.held.get(tag, 0) & ~(1 << mode)
            if rest:
                self.held[tag] = rest
            else:
                self.held.pop(tag, None)
        del self.held_log[lockpos:]
        del self.savepoints[i + 1 :]

    def _restore_catalog(self, saved: tuple[dict[int, Any], set[int]] | None) -> None:
        mine = self.catalog
        saved_objects, saved_dirty = saved if saved is not None else ({}, set())
        base = self.catalog_base
        for oid in mine.dirty - saved_dirty:
            obj = base.objects.get(oid)
            if obj is None:
                mine.objects.pop(oid, None)
            else:
                mine.objects[oid] = copy.deepcopy(obj)
        for oid in saved_dirty:
            obj = saved_objects.get(oid)
            if obj is None:
                mine.objects.pop(oid, None)
            else:
                mine.objects[oid] = copy.deepcopy(obj)
        mine.dirty = set(saved_dirty)
        mine.forget_lookups()
        mine.version = new_version()

    def release(self, name: str) -> None:
        i = self._find_savepoint(name)
        del self.savepoints[i:]
        if not self.savepoints:
            self.held_log = []

    # -- end --
    def commit(self, sync: bool = True) -> None:
        try:
            if not self.writes and not self.catalog_modified:
                if self.reads is not None:
                    self.store.commit_log.committed((), self.reads)  # its reads still count for others
                return
            if self.reads is not None:
                with self.store.serializable_commit:
                    if self.store.commit_log.conflicts(self.epoch, self.reads):
                        raise SerializationFailure(
                            "could not serialize access due to read/write dependencies among transactions",
                            detail="Reason code: Canceled on identification as a pivot, during commit attempt.")
                    self._write(sync)
            else:
                self._write(sync)
        except EngineError as e:
            raise engine_failure(e, "could not commit") from e
        finally:
            self._end()

    def _write(self, sync: bool) -> None:
        store = self.store
        writes = self.writes
        if (not self.catalog_modified and isinstance(writes, WriteSet) and writes.data_bytes >= INGEST_BYTES
                and not writes.ranges and store.ingests):
            with store.engine.ingest() as ingest:  # one atomic, durable write (sync or not)
                for chunk in writes.sorted_chunks():
                    ingest.add_items(chunk)
            epoch = store.commit_log.committed(writes, self.reads)
            if self.moved:
                store.moves.record(self.moved, epoch)
            return
        batch = WriteBatch()
        if isinstance(writes, WriteSet):
            for start, stop, all_snapshots in writes.ranges:  # before the writes, which came after them
                batch.delete_range(start, stop, all_snapshots)
            for chunk in writes.sorted_chunks():
                batch.put_items(chunk)
        if not self.catalog_modified:
            store.engine.write(batch, sync=sync)
            epoch = store.commit_log.committed(self.writes, self.reads)
        else:
            mine = self.catalog
            temp_changes = {oid: mine.objects.get(oid) for oid in mine.dirty if is_temp_oid(oid)}
            shared_dirty = {oid for oid in mine.dirty if not is_temp_oid(oid)}
            if not shared_dirty:
                store.engine.write(batch, sync=sync)
                epoch = store.commit_log.committed(self.writes, self.reads)
            else:
                with store.catalog_lock:
                    merged = self._merged_catalog(shared_dirty)
                    for key, value in merged.changes():
                        if value is None:
                            batch.delete(key)
                        else:
                            batch.put(key, value)
                    store.engine.write(batch, sync=sync)
                    epoch = store.commit_log.committed(self.writes, self.reads)
                    merged.dirty = set()
                    store.catalog = merged
            if temp_changes and self.temp is not None:
                self.temp.apply(temp_changes)
        if self.moved:
            store.moves.record(self.moved, epoch)

    def _merged_catalog(self, dirty: set[int]) -> Catalog:
        """The newest shared catalog with this transaction's changes applied: concurrent
        DDL changed other objects (each holds its objects' locks), so both survive."""
        latest = self.store.catalog
        mine = self.catalog
        merged = Catalog()
        merged.objects = dict(latest.objects)
        for oid in dirty:
            obj = mine.objects.get(oid)
            if obj is None:
                merged.objects.pop(oid, None)
            else:
                merged.objects[oid] = obj
        merged.dirty = set(dirty)
        merged.next_oid = self.store.peek_next_oid()
        return merged

    def prepare(self, gid: str, owner: str, database: str, limit: int) -> None:
        """PREPARE TRANSACTION: this transaction's writes and locks become a prepared transaction
        (durable once this returns); the transaction ends either way."""
        try:
            if self._touched_temporary():
                raise StorageError("cannot PREPARE a transaction that has operated on temporary objects", "0A000")
            if self.catalog_modified and self.catalog.dirty:
                raise StorageError("PREPARE TRANSACTION of a transaction that changed the schema is not supported "
                                   "by orbitdb", "0A000")
            if self.reads is not None:
                with self.store.serializable_commit:
                    if self.store.commit_log.conflicts(self.epoch, self.reads):
                        raise SerializationFailure(
                            "could not serialize access due to read/write dependencies among transactions",
                            detail="Reason code: Canceled on identification as a pivot, during commit attempt.")
                    self._prepare(gid, owner, database, limit)
            else:
                self._prepare(gid, owner, database, limit)
        except EngineError as e:
            raise engine_failure(e, "could not prepare transaction") from e
        finally:
            self._end()

    def _touched_temporary(self) -> bool:
        if self.catalog_modified and any(is_temp_oid(oid) for oid in self.catalog.dirty):
            return True
        if any(type(tag) is tuple and tag[0] == "rel" and is_temp_oid(tag[1]) for tag in self.held):
            return True
        ranges = temporary_ranges()
        return any(start <= key < stop for key, _ in written(self.writes) for start, stop in ranges)

    def _prepare(self, gid: str, owner: str, database: str, limit: int) -> None:
        if isinstance(self.writes, WriteSet) and self.writes.ranges:
            self._delete_ranges_by_key()  # a prepared transaction's state holds keys, not ranges
        self.store.prepared.add(gid, self.store.new_oid(), owner, database, self.owner, list(self.held.items()),
                                written(self.writes), self.moved, limit)
        self.held = {}  # the prepared transaction holds them now
        self.held_log = []

    def _delete_ranges_by_key(self) -> None:
        """Turns the range deletions into a deletion of each key they cover now."""
        writes = self.writes
        assert isinstance(writes, WriteSet)
        ranges, writes.ranges = writes.ranges, []
        for start, stop, _ in ranges:
            gone = [k for k, _ in self.store.engine.items(start, stop) if writes.get(k, _ABSENT) is _ABSENT]
            writes.update_many(gone, [None] * len(gone))

    def rollback(self) -> None:
        self._end()

    def _end(self) -> None:
        if self.done:
            return
        self.done = True
        if self.usage is not None:
            self.store.usage.add_tables(self.usage)
            self.usage = None
        self._snapshot_pending = False
        if self._snapshot is not None:
            self._snapshot.release()
            self._snapshot = None
        if self.reads is not None:
            self.store.commit_log.unregister(self.id)
            self.reads = None
        if self.held:
            self.store.locks.release_many(self.owner, self.held.items())
            self.held = {}
            self.held_log = []
        self.writes = _EMPTY
        self.undo = []


def _over(items: Iterator[tuple[bytes, bytes]], pending: dict[bytes, bytes | None], writes: Any, start: bytes,
          stop: bytes, reverse: bool) -> Iterator[tuple[bytes, bytes]]:
    """items (the newest rows with our writes) with the pending writes of a statement's other
    parts over them, where our own writes do not hold the key (a None value hides the row)."""
    extra = sorted((k for k in pending if start <= k < stop and writes.get(k, _ABSENT) is _ABSENT), reverse=reverse)
    if not extra:
        yield from items
        return
    hidden = set(extra)
    own = [(k, pending[k]) for k in extra]
    i = 0
    for k, v in items:
        while i < len(own) and ((own[i][0] < k) if not reverse else (own[i][0] > k)):
            if own[i][1] is not None:
                yield own[i]  # type: ignore[misc]
            i += 1
        if k in hidden:
            continue
        yield k, v
    for k, v in own[i:]:
        if v is not None:
            yield k, v


def _outside(items: Iterator[tuple[bytes, bytes]], ranges: list[tuple[bytes, bytes]]
             ) -> Iterator[tuple[bytes, bytes]]:
    """items but those our range deletions cover."""
    if not ranges:
        yield from items
        return
    for k, v in items:
        if not any(start <= k < stop for start, stop in ranges):
            yield k, v
