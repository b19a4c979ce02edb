"""Large objects, stored as PostgreSQL stores them in pg_largeobject: pages of up to 2048 bytes
(page n holds bytes n*2048 on), a missing page or the missing end of a short page reading as
zeros, and a metadata entry whose presence is the object's existence. Every read and write goes
through a transaction, so large objects are transactional like rows (and prepared transactions
carry them); a written page takes the page's write intent, so concurrent writers of one page
wait for each other as PostgreSQL's tuple locks make them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from orbitdb.storage.errors import StorageError
from orbitdb.storage.keyspace import LARGE_OBJECT_PREFIX, prefix_end

if TYPE_CHECKING:
    from orbitdb.storage.txn import Transaction

PAGE_SIZE = 2048  # PostgreSQL's LOBLKSIZE (BLCKSZ / 4)
MAX_SIZE = PAGE_SIZE * 0x7FFFFFFF  # PostgreSQL's MAX_LARGE_OBJECT_SIZE (4 TB)
_META_PAGE = 0xFFFFFFFF


def _object_prefix(loid: int) -> bytes:
    return LARGE_OBJECT_PREFIX + loid.to_bytes(4, "big")


def _page_key(loid: int, page: int) -> bytes:
    return _object_prefix(loid) + page.to_bytes(4, "big")


def _meta_key(loid: int) -> bytes:
    return _page_key(loid, _META_PAGE)


def exists(txn: Transaction, loid: int) -> bool:
    return txn.get(_meta_key(loid)) is not None


def owner(txn: Transaction, loid: int) -> str | None:
    raw = txn.get(_meta_key(loid))
    return None if raw is None else str(json.loads(raw)["owner"])


def comment(txn: Transaction, loid: int) -> str | None:
    raw = txn.get(_meta_key(loid))
    return None if raw is None else json.loads(raw).get("comment")


def set_comment(txn: Transaction, loid: int, text: str | None) -> None:
    key = _meta_key(loid)
    txn.lock_write(key)
    raw = txn.get(key)
    if raw is None:
        raise StorageError(f"large object {loid} does not exist", "42704")
    doc = json.loads(raw)
    if text is None:
        doc.pop("comment", None)
    else:
        doc["comment"] = text
    txn.put(key, json.dumps(doc).encode())


def create(txn: Transaction, loid: int, role: str) -> None:
    key = _meta_key(loid)
    txn.lock_write(key)
    if txn.get(key) is not None:
        raise StorageError("duplicate key value violates unique constraint \"pg_largeobject_metadata_oid_index\"",
                           "23505", detail=f"Key (oid)=({loid}) already exists.")
    txn.put(key, json.dumps({"owner": role}).encode())


def unlink(txn: Transaction, loid: int) -> None:
    key = _meta_key(loid)
    txn.lock_write(key)
    for k, _ in list(_pages(txn, loid)):
        txn.lock_write(k)
        txn.delete(k)
    txn.delete(key)


def _pages(txn: Transaction, loid: int, first: int = 0) -> Iterator[tuple[bytes, bytes]]:
    """(key, data) of each stored page from page first on, in order."""
    start = _page_key(loid, first)
    yield from txn.scan(start, _meta_key(loid))


def _page_no(key: bytes) -> int:
    return int.from_bytes(key[-4:], "big")


def size(txn: Transaction, loid: int) -> int:
    last = None
    for last in txn.scan(_object_prefix(loid), _meta_key(loid), reverse=True):
        break
    if last is None:
        return 0
    return _page_no(last[0]) * PAGE_SIZE + len(last[1])


def read(txn: Transaction, loid: int, offset: int, length: int) -> bytes:
    """Up to length bytes from offset (fewer at the end of the object)."""
    if length <= 0:
        return b""
    end = min(offset + length, size(txn, loid))
    if end <= offset:
        return b""
    out = bytearray(end - offset)
    first, last = offset // PAGE_SIZE, (end - 1) // PAGE_SIZE
    for key, data in txn.scan(_page_key(loid, first), _page_key(loid, last + 1)):
        base = _page_no(key) * PAGE_SIZE
        lo, hi = max(base, offset), min(base + len(data), end)
        if lo < hi:
            out[lo - offset:hi - offset] = data[lo - base:hi - base]
    return bytes(out)


def write(txn: Transaction, loid: int, offset: int, data: bytes) -> None:
    """Writes data at offset, each touched page read, patched (a gap filled with zeros) and written."""
    if offset + len(data) > MAX_SIZE:
        raise StorageError("invalid large object write request size", "22023")
    pos = 0
    while pos < len(data):
        at = offset + pos
        page, within = divmod(at, PAGE_SIZE)
        take = min(PAGE_SIZE - within, len(data) - pos)
        key = _page_key(loid, page)
        txn.lock_write(key)
        old = txn.get(key) or b""
        buf = bytearray(old)
        if len(buf) < within:
            buf.extend(bytes(within - len(buf)))
        buf[within:within + take] = data[pos:pos + take]
        txn.put(key, bytes(buf))
        pos += take


def truncate(txn: Transaction, loid: int, length: int) -> None:
    """Cuts (or extends with zeros) the object to length bytes, as PostgreSQL's inv_truncate."""
    if length > MAX_SIZE:
        raise StorageError("invalid large object truncation target", "22023")
    page, within = divmod(length, PAGE_SIZE)
    for key, _ in list(_pages(txn, loid, page + 1)):
        txn.lock_write(key)
        txn.delete(key)
    # the page of the new end is kept (cut, or made of zeros in a hole) even when empty: it marks the end
    key = _page_key(loid, page)
    txn.lock_write(key)
    old = txn.get(key) or b""
    txn.put(key, old[:within] + bytes(max(0, within - len(old))))


def listing(txn: Transaction) -> Iterator[tuple[int, str]]:
    """(loid, owner) of every large object the transaction sees, in oid order."""
    for key, value in txn.scan(LARGE_OBJECT_PREFIX, prefix_end(LARGE_OBJECT_PREFIX)):
        if _page_no(key) == _META_PAGE:
            yield int.from_bytes(key[2:6], "big"), str(json.loads(value)["owner"])


def pages(txn: Transaction) -> Iterator[tuple[int, int, bytes]]:
    """(loid, page, data) of every stored page, as pg_largeobject lists them."""
    for key, value in txn.scan(LARGE_OBJECT_PREFIX, prefix_end(LARGE_OBJECT_PREFIX)):
        page = _page_no(key)
        if page != _META_PAGE:
            yield int.from_bytes(key[2:6], "big"), page, value
