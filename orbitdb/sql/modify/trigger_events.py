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
    """Runs body (a statement's row changes), then the AFTER triggers it queued: its own, then
    those of the rows its foreign-key actions changed, then the AFTER STATEMENT triggers of the
    tables those actions changed (each once, as PostgreSQL fires them)."""
    s = ctx.session
    q: list[Any] = s.trigger_events
    late: list[Any] = s.late_trigger_events
    cascaded: list[Any] = s.cascade_statements
    mark, late_mark, cascade_mark = len(q), len(late), len(cascaded)
    try:
        out = body()
        run_queued(ctx, mark)
        while len(late) > late_mark or len(cascaded) > cascade_mark:
            if len(late) > late_mark:
                q.extend(late[late_mark:])
                del late[late_mark:]
            else:
                finish = cascaded[cascade_mark:]
                del cascaded[cascade_mark:]
                for _key, after_statement in finish:
                    after_statement(ctx)
            run_queued(ctx, mark)
    except BaseException:
        del q[mark:]
        del late[late_mark:]
        del cascaded[cascade_mark:]
        raise
    return out
