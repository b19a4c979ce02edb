"""SET CONSTRAINTS {ALL | name, ...} {DEFERRED | IMMEDIATE}: when the deferrable constraint
triggers of the transaction run. Switching one to IMMEDIATE runs its pending events at once.
Of orbitdb's other constraints only foreign keys can be deferrable (orbitdb.sql.modify.deferred_fks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.modify.constraint_modes import deferred
from orbitdb.sql.modify.trigger_events import run_queued
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.triggers.syntax import Cursor

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session


def set_constraints(s: Session, text: str, ctx: ExecContext) -> Result:
    c = Cursor(text)
    c.expect("SET", "CONSTRAINTS")
    names: list[list[str]] | None = None
    if not c.take("ALL"):
        names = [c.qualified_name()]
        while c.take(","):
            names.append(c.qualified_name())
    if c.take("DEFERRED"):
        to_deferred = True
    else:
        c.expect("IMMEDIATE")
        to_deferred = False
    c.expect_end()
    if not s.in_block:
        s.notices.append(Notice("WARNING", "25P01", "SET CONSTRAINTS can only be used in transaction blocks"))
    if names is None:
        s.constraint_modes = {None: to_deferred}
    else:
        for parts in names:
            s.constraint_modes[_check_name(s, parts)] = to_deferred
    if not to_deferred and s.deferred_trigger_events:
        if ctx.txn is None:
            ctx = ExecContext(s, s.txn, [])
        pending = s.deferred_trigger_events
        due = [(t, ev) for t, ev in pending if not deferred(s, t)]
        s.deferred_trigger_events = [(t, ev) for t, ev in pending if deferred(s, t)]
        for _t, event in due:
            event(ctx)
            run_queued(ctx, len(s.trigger_events))
    return Result("SET CONSTRAINTS")


def _check_name(s: Session, parts: list[str]) -> str:
    name = parts[-1]
    schemas = [parts[-2]] if len(parts) > 1 else s.search_schemas()
    found = False
    for t in s.catalog().tables():
        if t.schema not in schemas:
            continue
        for trig in t.triggers:
            if trig.constraint and trig.name == name:
                found = True
                if not trig.deferrable:
                    raise SqlError("42809", f'constraint "{name}" is not deferrable')
        for con in t.constraints:
            if con.name == name:
                found = True
                if not con.deferrable:
                    raise SqlError("42809", f'constraint "{name}" is not deferrable')
    if not found:
        raise SqlError("42704", f'constraint "{name}" does not exist')
    return name
