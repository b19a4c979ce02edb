"""Signalling other sessions: pg_cancel_backend (stop its running statement, 57014 there)
and pg_terminate_backend (end its connection, FATAL 57P01 there)."""

from __future__ import annotations

import time
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.registry import register
from orbitdb.sql.result import Notice


def _backend(ctx: Any, pid: int) -> Any:
    for s in ctx.session.backends():
        if s.backend_pid == pid:
            return s
    ctx.session.notices.append(Notice("WARNING", "01000", f"PID {pid} is not a PostgreSQL backend process"))
    return None


@register("pg_cancel_backend", [T.INT4], T.BOOL, needs_ctx=True, volatile=True)
def pg_cancel_backend(ctx: Any, pid: int) -> bool:
    target = _backend(ctx, pid)
    if target is None:
        return False
    target.cancel()
    if target is ctx.session:
        ctx.check()  # as PostgreSQL's signal to itself: the calling statement is cancelled now
    return True


@register("pg_terminate_backend", [T.INT4, T.INT8], T.BOOL, needs_ctx=True, volatile=True)
def pg_terminate_backend(ctx: Any, pid: int, timeout_ms: int = 0) -> bool:
    if timeout_ms < 0:
        raise SqlError("22023", '"timeout" must not be negative')
    target = _backend(ctx, pid)
    if target is None:
        return False
    cluster = ctx.session.db.cluster
    terminate = getattr(cluster, "terminate_backend", None) if cluster is not None else None
    if terminate is None or not terminate(pid):
        target.terminate()
    if target is ctx.session:
        ctx.check()  # its own backend: the connection ends now, before the result is sent
    deadline = time.monotonic() + timeout_ms / 1000.0
    while timeout_ms and not target.closed:  # with a timeout, wait for it to be gone
        if time.monotonic() >= deadline:
            ctx.session.notices.append(Notice("WARNING", "01000", f"backend with PID {pid} did not terminate "
                                              f"within {timeout_ms} milliseconds"))
            return False
        ctx.session.sleep(0.01)
    return True


register("pg_terminate_backend", [T.INT4], T.BOOL, needs_ctx=True, volatile=True)(pg_terminate_backend)
