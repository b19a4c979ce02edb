"""The statement boundary of AFTER triggers: events a row change queues on its session
(orbitdb.sql.triggers) run when the statement that queued them ends, or are dropped when it fails."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from orbitdb.sql.exec.context import ExecContext

R = TypeVar("R")


def run_queued(ctx: ExecContext, mark: int) -> None:
    """Runs the AFTER trigger events queued from mark on, in order (and those they queue)."""
    q = ctx.session.trigger_events
    while len(q) > mark:
        events = q[mark:]
        del q[mark:]
        for event in events:
            event(ctx)


def with_after_triggers(ctx: ExecContext, body: Callable[[], R]) -> R:
    """Runs body (a statement's row changes), then the AFTER triggers it queued."""
    q: list[Any] = ctx.session.trigger_events
    mark = len(q)
    try:
        out = body()
        run_queued(ctx, mark)
    except BaseException:
        del q[mark:]
        raise
    return out
