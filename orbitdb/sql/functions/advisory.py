"""Advisory locks: pg_advisory_lock, pg_try_advisory_lock, pg_advisory_unlock[_all]
and their _shared and _xact_ variants, each on one bigint key or two int keys."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.functions.registry import register
from orbitdb.sql.result import Notice
from orbitdb.storage.advisory import advisory_mode, advisory_tag
from orbitdb.storage.lockmodes import TABLE_MODE_NAMES
from orbitdb.storage.locks import SKIP_LOCKED

_KEYS = ([T.INT8], [T.INT4, T.INT4])


def _tag(keys: tuple[int, ...]) -> Any:
    return advisory_tag(keys[0], keys[1] if len(keys) > 1 else None)


def _session_lock(ctx: Any, keys: tuple[int, ...], shared: bool, wait: bool) -> bool:
    txn = ctx.txn
    return bool(ctx.session.advisory_locks().lock(_tag(keys), advisory_mode(shared), wait, txn.lock_deadline,
                                                  txn.check, txn.deadlock_timeout))


def _xact_lock(ctx: Any, keys: tuple[int, ...], shared: bool, wait: bool) -> bool:
    mode = advisory_mode(shared)
    if wait:
        return bool(ctx.txn.lock(_tag(keys), mode))
    return bool(ctx.txn.lock(_tag(keys), mode, SKIP_LOCKED))


def _unlock(ctx: Any, keys: tuple[int, ...], shared: bool) -> bool:
    mode = advisory_mode(shared)
    if ctx.session.advisory_locks().unlock(_tag(keys), mode):
        return True
    ctx.session.notices.append(Notice("WARNING", "01000", f"you don't own a lock of type {TABLE_MODE_NAMES[mode]}"))
    return False


def _define(name: str, ret: Any, fn: Any) -> None:
    for args in _KEYS:
        register(name, args, ret, needs_ctx=True, volatile=True)(fn)


for _shared, _suffix in ((False, ""), (True, "_shared")):
    _define(f"pg_advisory_lock{_suffix}", T.VOID,
            lambda ctx, *k, s=_shared: _session_lock(ctx, k, s, True) and "")
    _define(f"pg_try_advisory_lock{_suffix}", T.BOOL, lambda ctx, *k, s=_shared: _session_lock(ctx, k, s, False))
    _define(f"pg_advisory_xact_lock{_suffix}", T.VOID,
            lambda ctx, *k, s=_shared: _xact_lock(ctx, k, s, True) and "")
    _define(f"pg_try_advisory_xact_lock{_suffix}", T.BOOL, lambda ctx, *k, s=_shared: _xact_lock(ctx, k, s, False))
    _define(f"pg_advisory_unlock{_suffix}", T.BOOL, lambda ctx, *k, s=_shared: _unlock(ctx, k, s))


@register("pg_advisory_unlock_all", [], T.VOID, needs_ctx=True, volatile=True)
def pg_advisory_unlock_all(ctx: Any) -> str:
    ctx.session.advisory_locks().unlock_all()
    return ""
