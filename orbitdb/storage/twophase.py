"""Prepared transactions (PostgreSQL's two-phase commit): PREPARE TRANSACTION writes the
transaction's whole write set and the locks it holds as one synced record under the
prepared-transaction key range, and hands its locks to an owner of its own; COMMIT PREPARED
writes the data and deletes the record in one synced engine batch, ROLLBACK PREPARED deletes
the record. So a crash after PREPARE TRANSACTION returned finds the record (and takes the
locks again at open), a crash before it finds none, and a crash around COMMIT PREPARED finds
either the record or the data, never half of it."""

from __future__ import annotations

import itertools
import json
import struct
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orbitdb.engine import WriteBatch
from orbitdb.storage.errors import StorageError
from orbitdb.storage.keyspace import PREPARED_PREFIX, prefix_end
from orbitdb.storage.locks import Tag

if TYPE_CHECKING:
    from orbitdb.storage.txn import Store

MAX_GID_BYTES = 199  # PostgreSQL's GIDSIZE (200) less its terminating zero
# lock owners of prepared transactions: far below the negative ids of bare transactions
_OWNER_BASE = -(1 << 48)
_LENGTH = struct.Struct(">I")
_RECORD_VERSION = 1


@dataclass
class PreparedXact:
    gid: str
    xid: int
    prepared_at: float  # seconds since the epoch
    owner: str  # the role that prepared it
    database: str
    locks: list[tuple[Tag, int]]  # (tag, mask of modes)
    writes: list[tuple[bytes, bytes | None]]  # in key order; None deletes
    moved: dict[bytes, bytes] = field(default_factory=dict)
    lock_owner: int = 0  # the lock manager's owner for it in this process


def _with_hint(e: StorageError, hint: str) -> StorageError:
    e.hint = hint  # type: ignore[attr-defined]  # (the SQL layer passes it on)
    return e


def gid_key(gid: str) -> bytes:
    return PREPARED_PREFIX + gid.encode()


def check_gid(gid: str) -> None:
    if len(gid.encode()) > MAX_GID_BYTES:
        raise StorageError(f'transaction identifier "{gid}" is too long', "22023")


# -- the record: a JSON header (length-prefixed), then each write as key and value --
def _tag_to_json(tag: Tag) -> Any:
    if isinstance(tag, bytes):
        return {"b": tag.hex()}
    if isinstance(tag, tuple):
        return {"t": [_tag_to_json(x) for x in tag]}
    return tag


def _tag_from_json(doc: Any) -> Tag:
    if isinstance(doc, dict):
        if "b" in doc:
            return bytes.fromhex(doc["b"])
        return tuple(_tag_from_json(x) for x in doc["t"])
    return doc


def encode(p: PreparedXact) -> bytes:
    header = json.dumps({
        "v": _RECORD_VERSION, "gid": p.gid, "xid": p.xid, "prepared": p.prepared_at, "owner": p.owner,
        "database": p.database, "locks": [[_tag_to_json(t), m] for t, m in p.locks],
        "moved": [[a.hex(), b.hex()] for a, b in p.moved.items()],
    }).encode()
    parts = [_LENGTH.pack(len(header)), header]
    for key, value in p.writes:
        parts.append(_LENGTH.pack(len(key)))
        parts.append(key)
        if value is None:
            parts.append(b"\x00")
        else:
            parts.append(b"\x01")
            parts.append(_LENGTH.pack(len(value)))
            parts.append(value)
    return b"".join(parts)


def decode(raw: bytes) -> PreparedXact:
    view = memoryview(raw)
    (n,) = _LENGTH.unpack_from(view, 0)
    doc = json.loads(bytes(view[4:4 + n]))
    if doc.get("v") != _RECORD_VERSION:
        raise StorageError(f"prepared transaction record of unknown version {doc.get('v')}", "XX001")
    pos = 4 + n
    writes: list[tuple[bytes, bytes | None]] = []
    while pos < len(raw):
        (klen,) = _LENGTH.unpack_from(view, pos)
        key = bytes(view[pos + 4:pos + 4 + klen])
        pos += 4 + klen
        if raw[pos] == 0:
            writes.append((key, None))
            pos += 1
        else:
            (vlen,) = _LENGTH.unpack_from(view, pos + 1)
            writes.append((key, bytes(view[pos + 5:pos + 5 + vlen])))
            pos += 5 + vlen
    return PreparedXact(
        gid=doc["gid"], xid=doc["xid"], prepared_at=doc["prepared"], owner=doc["owner"], database=doc["database"],
        locks=[(_tag_from_json(t), m) for t, m in doc["locks"]], writes=writes,
        moved={bytes.fromhex(a): bytes.fromhex(b) for a, b in doc.get("moved", [])})


class PreparedXacts:
    """The prepared transactions of one database directory."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._mutex = threading.Lock()
        self._by_gid: dict[str, PreparedXact] = {}
        self._busy: set[str] = set()  # gids being prepared or finished right now
        self._owners = itertools.count(1)

    def load(self) -> None:
        """At open: every prepared transaction the directory holds, its locks taken again."""
        engine = self._store.engine
        for _, raw in engine.items(PREPARED_PREFIX, prefix_end(PREPARED_PREFIX)):
            p = decode(raw)
            p.lock_owner = _OWNER_BASE - next(self._owners)
            self._store.locks.grant_all(p.lock_owner, p.locks)
            self._by_gid[p.gid] = p

    def __len__(self) -> int:
        return len(self._by_gid)

    def listing(self) -> list[PreparedXact]:
        with self._mutex:
            return sorted(self._by_gid.values(), key=lambda p: p.xid)

    def lock_owners(self) -> dict[int, PreparedXact]:
        with self._mutex:
            return {p.lock_owner: p for p in self._by_gid.values()}

    def add(self, gid: str, xid: int, owner: str, database: str, txn_owner: int,
            locks: list[tuple[Tag, int]], writes: Iterable[tuple[bytes, bytes | None]],
            moved: dict[bytes, bytes], limit: int) -> None:
        """Records a transaction as prepared (durably) and moves its locks to the new record's
        owner. Raises (nothing written) for a gid in use or past the limit."""
        check_gid(gid)
        with self._mutex:
            if gid in self._by_gid or gid in self._busy:
                raise StorageError(f'transaction identifier "{gid}" is already in use', "42710")
            if len(self._by_gid) + len(self._busy) >= limit:
                raise _with_hint(StorageError("maximum number of prepared transactions reached", "53200"),
                                 f"Increase max_prepared_transactions (currently {limit}).")
            self._busy.add(gid)
        try:
            p = PreparedXact(gid=gid, xid=xid, prepared_at=time.time(), owner=owner, database=database,
                             locks=list(locks), writes=list(writes), moved=dict(moved),
                             lock_owner=_OWNER_BASE - next(self._owners))
            self._store.engine.put(gid_key(gid), encode(p), sync=True)
            self._store.locks.transfer(txn_owner, p.lock_owner, p.locks)
            with self._mutex:
                self._by_gid[gid] = p
        finally:
            with self._mutex:
                self._busy.discard(gid)

    def take(self, gid: str, user: str, superuser: bool) -> PreparedXact:
        """Claims a prepared transaction for COMMIT or ROLLBACK PREPARED (release it with finish)."""
        with self._mutex:
            p = self._by_gid.get(gid)
            if p is None:
                raise StorageError(f'prepared transaction with identifier "{gid}" does not exist', "42704")
            if gid in self._busy:
                raise StorageError(f'prepared transaction with identifier "{gid}" is busy', "55000")
            if not superuser and user != p.owner:
                raise _with_hint(StorageError("permission denied to finish prepared transaction", "42501"),
                                 "Must be superuser or the user that prepared the transaction.")
            self._busy.add(gid)
            return p

    def give_back(self, p: PreparedXact) -> None:
        with self._mutex:
            self._busy.discard(p.gid)

    def finish(self, p: PreparedXact, commit: bool) -> None:
        """COMMIT PREPARED (commit) or ROLLBACK PREPARED: one synced batch that applies the
        writes (or not) and deletes the record; then the locks go."""
        store = self._store
        try:
            batch = WriteBatch()
            if commit:
                for key, value in p.writes:
                    if value is None:
                        batch.delete(key)
                    else:
                        batch.put(key, value)
            batch.delete(gid_key(p.gid))
            store.engine.write(batch, sync=True)
            if commit and p.writes:
                epoch = store.commit_log.committed([k for k, _ in p.writes], None)
                if p.moved:
                    store.moves.record(p.moved, epoch)
            with self._mutex:
                self._by_gid.pop(p.gid, None)
            store.locks.release_many(p.lock_owner, p.locks)
        finally:
            self.give_back(p)


def written(writes: Any) -> Iterator[tuple[bytes, bytes | None]]:
    """A transaction's write set in key order."""
    if not writes:
        return
    for chunk in writes.sorted_chunks():
        yield from chunk
