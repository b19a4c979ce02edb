"""Constraint triggers deferred to COMMIT (DEFERRABLE INITIALLY DEFERRED, SET CONSTRAINTS)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.modify.trigger_events import run_queued

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session


def fire_deferred(session: Session) -> None:
    """Runs the deferred trigger events in the order they were queued, and those they queue."""
    ctx = ExecContext(session, session.txn, [])
    while session.deferred_trigger_events:
        events = session.deferred_trigger_events
        session.deferred_trigger_events = []
        for _trigger, event in events:
            event(ctx)
            run_queued(ctx, 0)

