"""PostgreSQL's large-object functions: lo_create/lo_creat/lo_unlink, the descriptor calls
(lo_open, loread, lowrite, lo_lseek[64], lo_tell[64], lo_truncate[64], lo_close), the whole-object
ones (lo_get, lo_put, lo_from_bytea) and the server-side lo_import/lo_export. Descriptors belong
to the session's transaction and close at its end, as in PostgreSQL; PostgreSQL 15 lets them
write in a read-only transaction too (16 refuses), and so does orbitdb; the pages live in
orbitdb/storage/largeobjects.py."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.registry import register
from orbitdb.sql.result import Result
from orbitdb.storage import largeobjects as lo
from orbitdb.storage.errors import StorageError

INV_WRITE = 0x20000
INV_READ = 0x40000
_INT4_MAX = 0x7FFFFFFF
_SEEK_SET, _SEEK_CUR, _SEEK_END = 0, 1, 2
_MAX_BYTEA = (1 << 30) - 1  # what one bytea value can hold (lo_get of a bigger object fails)


@dataclass
class Descriptor:
    loid: int
    writable: bool
    txn: Any  # the transaction it belongs to
    offset: int = 0


def _descriptors(ctx: Any) -> dict[int, Descriptor]:
    fds: dict[int, Descriptor] = ctx.session.large_object_fds
    return fds


def _storage(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except StorageError as e:
        raise SqlError(e.sqlstate, str(e), detail=e.detail) from e


def _check_exists(ctx: Any, loid: int) -> str:
    owner = lo.owner(ctx.txn, loid)
    if owner is None:
        raise SqlError("42704", f"large object {loid} does not exist")
    return owner


def _is_owner(ctx: Any, owner: str) -> bool:
    s = ctx.session
    return bool(s.user == owner or s.role_is_superuser(s.user))


def _new_loid(ctx: Any) -> int:
    store = ctx.session.store
    while True:
        loid = store.new_oid()
        if not lo.exists(ctx.txn, loid):
            return loid


def _create(ctx: Any, loid: int) -> int:
    if loid == 0:
        loid = _new_loid(ctx)
    _storage(lo.create, ctx.txn, loid, ctx.session.user)
    return loid


def _fd(ctx: Any, fd: int) -> Descriptor:
    d = _descriptors(ctx).get(fd)
    if d is None or d.txn is not ctx.txn:
        raise SqlError("42704", f"invalid large-object descriptor: {fd}")
    return d


def _for_writing(ctx: Any, fd: int) -> Descriptor:
    d = _fd(ctx, fd)
    if not d.writable:
        raise SqlError("55000", f"large object descriptor {fd} was not opened for writing")
    return d


def _int4_result(value: int, call: str, fd: int) -> int:
    if value > _INT4_MAX:
        raise SqlError("22003", f"{call} result out of range for large-object descriptor {fd}")
    return value


@register("lo_create", [T.OID], T.OID, needs_ctx=True, volatile=True)
def lo_create(ctx: Any, loid: int) -> int:
    return _create(ctx, loid)


@register("lo_creat", [T.INT4], T.OID, needs_ctx=True, volatile=True)
def lo_creat(ctx: Any, mode: int) -> int:
    return _create(ctx, 0)


@register("lo_unlink", [T.OID], T.INT4, needs_ctx=True, volatile=True)
def lo_unlink(ctx: Any, loid: int) -> int:
    owner = _check_exists(ctx, loid)
    if not _is_owner(ctx, owner):
        raise SqlError("42501", f"must be owner of large object {loid}")
    fds = _descriptors(ctx)
    for fd in [fd for fd, d in fds.items() if d.loid == loid]:
        del fds[fd]  # this session's descriptors of it close, as PostgreSQL closes them
    _storage(lo.unlink, ctx.txn, loid)
    return 1


@register("lo_open", [T.OID, T.INT4], T.INT4, needs_ctx=True, volatile=True)
def lo_open(ctx: Any, loid: int, mode: int) -> int:
    if not mode & (INV_READ | INV_WRITE):
        raise SqlError("22023", f"invalid flags for opening a large object: {mode}")
    writable = bool(mode & INV_WRITE)
    owner = _check_exists(ctx, loid)
    if not _is_owner(ctx, owner):
        raise SqlError("42501", f"permission denied for large object {loid}")
    fds = _descriptors(ctx)
    for fd in [fd for fd, d in fds.items() if d.txn is not ctx.txn]:
        del fds[fd]  # left by an ended transaction
    fd = 0
    while fd in fds:
        fd += 1
    fds[fd] = Descriptor(loid, writable, ctx.txn)
    return fd


@register("lo_close", [T.INT4], T.INT4, needs_ctx=True, volatile=True)
def lo_close(ctx: Any, fd: int) -> int:
    _fd(ctx, fd)
    del _descriptors(ctx)[fd]
    return 0


@register("loread", [T.INT4, T.INT4], T.BYTEA, needs_ctx=True, volatile=True)
def loread(ctx: Any, fd: int, length: int) -> bytes:
    d = _fd(ctx, fd)
    data: bytes = _storage(lo.read, ctx.txn, d.loid, d.offset, max(length, 0))
    d.offset += len(data)
    return data


@register("lowrite", [T.INT4, T.BYTEA], T.INT4, needs_ctx=True, volatile=True)
def lowrite(ctx: Any, fd: int, data: bytes) -> int:
    d = _for_writing(ctx, fd)
    if d.offset + len(data) > lo.MAX_SIZE:
        raise SqlError("22023", f"invalid large object write request size: {len(data)}")
    _storage(lo.write, ctx.txn, d.loid, d.offset, bytes(data))
    d.offset += len(data)
    return len(data)


def _seek(ctx: Any, fd: int, offset: int, whence: int) -> int:
    d = _fd(ctx, fd)
    if whence == _SEEK_SET:
        target = offset
    elif whence == _SEEK_CUR:
        target = d.offset + offset
    elif whence == _SEEK_END:
        target = _storage(lo.size, ctx.txn, d.loid) + offset
    else:
        raise SqlError("22023", f"invalid whence setting: {whence}")
    if target < 0 or target > lo.MAX_SIZE:
        raise SqlError("22023", f"invalid large object seek target: {target}")
    d.offset = target
    return target


@register("lo_lseek", [T.INT4, T.INT4, T.INT4], T.INT4, needs_ctx=True, volatile=True)
def lo_lseek(ctx: Any, fd: int, offset: int, whence: int) -> int:
    return _int4_result(_seek(ctx, fd, offset, whence), "lo_lseek", fd)


@register("lo_lseek64", [T.INT4, T.INT8, T.INT4], T.INT8, needs_ctx=True, volatile=True)
def lo_lseek64(ctx: Any, fd: int, offset: int, whence: int) -> int:
    return _seek(ctx, fd, offset, whence)


@register("lo_tell", [T.INT4], T.INT4, needs_ctx=True, volatile=True)
def lo_tell(ctx: Any, fd: int) -> int:
    return _int4_result(_fd(ctx, fd).offset, "lo_tell", fd)


@register("lo_tell64", [T.INT4], T.INT8, needs_ctx=True, volatile=True)
def lo_tell64(ctx: Any, fd: int) -> int:
    return _fd(ctx, fd).offset


def _truncate(ctx: Any, fd: int, length: int) -> int:
    d = _for_writing(ctx, fd)
    if length < 0 or length > lo.MAX_SIZE:
        raise SqlError("22023", f"invalid large object truncation target: {length}")
    _storage(lo.truncate, ctx.txn, d.loid, length)
    return 0


@register("lo_truncate", [T.INT4, T.INT4], T.INT4, needs_ctx=True, volatile=True)
def lo_truncate(ctx: Any, fd: int, length: int) -> int:
    return _truncate(ctx, fd, length)


@register("lo_truncate64", [T.INT4, T.INT8], T.INT4, needs_ctx=True, volatile=True)
def lo_truncate64(ctx: Any, fd: int, length: int) -> int:
    return _truncate(ctx, fd, length)


def _get(ctx: Any, loid: int, offset: int, length: int | None) -> bytes:
    owner = _check_exists(ctx, loid)
    if not _is_owner(ctx, owner):
        raise SqlError("42501", f"permission denied for large object {loid}")
    if length is None:
        length = _storage(lo.size, ctx.txn, loid) - offset
        if length > _MAX_BYTEA:
            raise SqlError("54000", "large object read request is too large")
    data: bytes = _storage(lo.read, ctx.txn, loid, offset, length)
    return data


@register("lo_get", [T.OID], T.BYTEA, needs_ctx=True, volatile=True)
def lo_get(ctx: Any, loid: int) -> bytes:
    return _get(ctx, loid, 0, None)


@register("lo_get", [T.OID, T.INT8, T.INT4], T.BYTEA, needs_ctx=True, volatile=True)
def lo_get_part(ctx: Any, loid: int, offset: int, length: int) -> bytes:
    if length < 0:
        raise SqlError("22023", "requested length cannot be negative")
    if offset < 0:
        raise SqlError("22023", f"invalid large object seek target: {offset}")
    return _get(ctx, loid, offset, length)


def _put(ctx: Any, loid: int, offset: int, data: bytes) -> None:
    owner = _check_exists(ctx, loid)
    if not _is_owner(ctx, owner):
        raise SqlError("42501", f"permission denied for large object {loid}")
    if offset < 0 or offset > lo.MAX_SIZE:
        raise SqlError("22023", f"invalid large object seek target: {offset}")
    _storage(lo.write, ctx.txn, loid, offset, bytes(data))


@register("lo_put", [T.OID, T.INT8, T.BYTEA], T.VOID, needs_ctx=True, volatile=True)
def lo_put(ctx: Any, loid: int, offset: int, data: bytes) -> str:
    _put(ctx, loid, offset, data)
    return ""


@register("lo_from_bytea", [T.OID, T.BYTEA], T.OID, needs_ctx=True, volatile=True)
def lo_from_bytea(ctx: Any, loid: int, data: bytes) -> int:
    loid = _create(ctx, loid)
    _storage(lo.write, ctx.txn, loid, 0, bytes(data))
    return loid


def _server_files(ctx: Any, call: str) -> None:
    """lo_import and lo_export read and write the server's files: superusers only, as
    PostgreSQL grants them (to nobody else by default)."""
    s = ctx.session
    if not s.role_is_superuser(s.user):
        raise SqlError("42501", f"permission denied for function {call}")


def _import(ctx: Any, path: str, loid: int) -> int:
    _server_files(ctx, "lo_import")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SqlError("58P01" if isinstance(e, FileNotFoundError) else "58030",
                       f'could not open server file "{path}": {os.strerror(e.errno or 0)}') from e
    loid = _create(ctx, loid)
    _storage(lo.write, ctx.txn, loid, 0, data)
    return loid


@register("lo_import", [T.TEXT], T.OID, needs_ctx=True, volatile=True)
def lo_import(ctx: Any, path: str) -> int:
    return _import(ctx, path, 0)


@register("lo_import", [T.TEXT, T.OID], T.OID, needs_ctx=True, volatile=True)
def lo_import_with_oid(ctx: Any, path: str, loid: int) -> int:
    return _import(ctx, path, loid)


@register("lo_export", [T.OID, T.TEXT], T.INT4, needs_ctx=True, volatile=True)
def lo_export(ctx: Any, loid: int, path: str) -> int:
    _server_files(ctx, "lo_export")
    data = _get(ctx, loid, 0, None)
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except OSError as e:
        raise SqlError("58P01" if isinstance(e, FileNotFoundError) else "58030",
                       f'could not create server file "{path}": {os.strerror(e.errno or 0)}') from e
    return 1


_COMMENT = re.compile(r"\s*COMMENT\s+ON\s+LARGE\s+OBJECT\s+(?P<oid>\d+)\s+IS\s+"
                      r"(?:(?P<null>NULL)|(?P<e>[Ee])?'(?P<text>(?:[^']|'')*)')\s*;?\s*$", re.IGNORECASE | re.DOTALL)


def comment_on_large_object(s: Any, text: str, ctx: Any) -> Result:
    """COMMENT ON LARGE OBJECT oid IS 'text' | NULL (psql's \\lo_import 'comment' sends it)."""
    m = _COMMENT.match(text)
    if m is None:
        raise SqlError("42601", "syntax error in COMMENT ON LARGE OBJECT")
    loid = int(m.group("oid"))
    owner = _check_exists(ctx, loid)
    if not _is_owner(ctx, owner):
        raise SqlError("42501", f"must be owner of large object {loid}")
    body = None if m.group("null") else m.group("text").replace("''", "'")
    if body is not None and m.group("e"):
        body = body.encode("latin-1", "backslashreplace").decode("unicode_escape")
    _storage(lo.set_comment, ctx.txn, loid, body)
    return Result("COMMENT")


def large_object_comment(ctx: Any, loid: int) -> str | None:
    """obj_description(loid, 'pg_largeobject')."""
    txn = getattr(ctx, "txn", None)
    return lo.comment(txn, loid) if txn is not None else None
