"""Sequence functions: nextval, currval, setval, lastval, pg_get_serial_sequence.
Sequence values are not transactional (the store hands them out), and the
session remembers the last value of each sequence (currval) and the sequence
nextval last used (lastval)."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.registry import register
from orbitdb.storage.catalog import SequenceDef
from orbitdb.storage.errors import StorageError
from orbitdb.storage.temp import is_temp_oid

REGCLASS, INT8, BOOL, TEXT = T.REGCLASS, T.INT8, T.BOOL, T.TEXT


def _relation_name(ctx: Any, oid: int) -> str:
    cat = ctx.session.catalog()
    obj = cat.objects.get(oid)
    if obj is not None and hasattr(obj, "name"):
        return str(obj.name)
    try:
        from orbitdb.sql.pgcatalog.base import Env
        from orbitdb.sql.pgcatalog.lookup import relation_info

        info = relation_info(Env(ctx.session), oid)
        if info is not None:
            return str(info[1])
    except ImportError:
        pass
    return str(oid)


def sequence_of(ctx: Any, oid: int) -> SequenceDef:
    cat = ctx.session.catalog()
    obj = cat.objects.get(oid)
    if isinstance(obj, SequenceDef):
        return obj
    if obj is None:
        try:
            from orbitdb.sql.pgcatalog.base import Env
            from orbitdb.sql.pgcatalog.lookup import relation_info

            if relation_info(Env(ctx.session), oid) is None:
                raise SqlError("42P01", f"could not open relation with OID {oid}")
        except ImportError:
            raise SqlError("42P01", f"could not open relation with OID {oid}") from None
    raise SqlError("42809", f'"{_relation_name(ctx, oid)}" is not a sequence')


def _storage(e: StorageError) -> SqlError:
    return SqlError(getattr(e, "sqlstate", "XX000"), str(e))


@register("nextval", [REGCLASS], INT8, needs_ctx=True, volatile=True)
def nextval(ctx: Any, oid: int) -> int:
    seq = sequence_of(ctx, oid)
    ctx.session.check_privilege("s", seq, "Uw")
    _check_writable(ctx, seq, "nextval()")
    return next_value(ctx, seq)


def _check_writable(ctx: Any, seq: Any, what: str) -> None:
    """PostgreSQL changes no permanent sequence in a read-only transaction (also one AS OF
    SYSTEM TIME, which reads the past); a temporary one is the session's own."""
    txn = getattr(ctx, "txn", None)
    if txn is not None and txn.read_only and not is_temp_oid(seq.oid):
        raise SqlError("25006", f"cannot execute {what} in a read-only transaction")


def identity_next(ctx: Any, oid: int) -> int:
    """An identity column's next value: PostgreSQL checks no privilege on its sequence (the
    INSERT privilege on the table is what counts)."""
    return next_value(ctx, sequence_of(ctx, oid))


def next_value(ctx: Any, seq: Any) -> int:
    try:
        value = ctx.session.store.sequence_next(seq)
    except StorageError as e:
        raise _storage(e) from None
    ctx.session.currval[seq.oid] = value
    ctx.session.lastval_oid = seq.oid
    return int(value)


@register("currval", [REGCLASS], INT8, needs_ctx=True, volatile=True)
def currval(ctx: Any, oid: int) -> int:
    seq = sequence_of(ctx, oid)
    ctx.session.check_privilege("s", seq, "rU")
    value = ctx.session.currval.get(seq.oid)
    if value is None:
        raise SqlError("55000", f'currval of sequence "{seq.name}" is not yet defined in this session')
    return int(value)


@register("lastval", [], INT8, needs_ctx=True, volatile=True)
def lastval(ctx: Any) -> int:
    oid = getattr(ctx.session, "lastval_oid", None)
    if oid is None or oid not in ctx.session.currval:
        raise SqlError("55000", "lastval is not yet defined in this session")
    seq = ctx.session.catalog().objects.get(oid)
    if not isinstance(seq, SequenceDef):
        raise SqlError("55000", "lastval is not yet defined in this session")
    return int(ctx.session.currval[oid])


@register("setval", [REGCLASS, INT8, BOOL], INT8, needs_ctx=True, volatile=True)
def setval(ctx: Any, oid: int, value: int, is_called: bool = True) -> int:
    seq = sequence_of(ctx, oid)
    ctx.session.check_privilege("s", seq, "w")
    _check_writable(ctx, seq, "setval()")
    if value < seq.min_value or value > seq.max_value:
        raise SqlError("22003", f'setval: value {value} is out of bounds for sequence "{seq.name}" '
                                f"({seq.min_value}..{seq.max_value})")
    try:
        ctx.session.store.sequence_set(seq, value, is_called)
    except StorageError as e:
        raise _storage(e) from None
    if is_called:
        ctx.session.currval[seq.oid] = value
    return value


register("setval", [REGCLASS, INT8], INT8, needs_ctx=True, volatile=True)(setval)


__all__ = ["currval", "identity_next", "lastval", "nextval", "sequence_of", "setval"]
