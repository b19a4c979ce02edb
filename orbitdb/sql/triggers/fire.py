"""Firing a table's triggers as PostgreSQL does: BEFORE ROW triggers may replace or skip the row,
AFTER ROW and AFTER STATEMENT triggers are queued and run when the statement ends (deferred
constraint triggers at COMMIT), INSTEAD OF triggers do a view's row changes; triggers of one
kind run in the order of their names, a WHEN condition decides whether one fires, and UPDATE OF
fires only when the UPDATE names one of its columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import Runtime
from orbitdb.sql.expr.scope import Scope, ScopeColumn
from orbitdb.sql.modify.constraint_modes import deferred
from orbitdb.sql.parse.parser import parse_one
from orbitdb.sql.triggers.data import TriggerData
from orbitdb.sql.types import usertypes as U
from orbitdb.storage.catalog import Catalog, FunctionDef, TableDef, TriggerDef

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.plan.planner import Planner

Row = tuple[Any, ...]
Event = Callable[["ExecContext"], None]
_WHEN = {"before": "BEFORE", "after": "AFTER", "instead": "INSTEAD OF"}
MAX_DEPTH = 50  # nested trigger firings before "stack depth limit exceeded", as PostgreSQL's stack runs out


def when_scope(table: TableDef, catalog: Catalog) -> Scope:
    """OLD's columns then NEW's: the row a WHEN condition is evaluated on is old + new."""
    cols = [ScopeColumn(rel, c.name, U.stored_type(catalog, c.type).sql, table_oid=table.oid, attnum=i + 1)
            for rel in ("old", "new") for i, c in enumerate(table.columns)]
    s = Scope(cols)
    s.rels = {"old", "new"}
    return s


def when_node(text: str) -> exp.Expression:
    return parse_one("SELECT " + text).expressions[0]


def compile_when(planner: Planner, table: TableDef, rt: Runtime, text: str) -> Callable[[Row], Any]:
    return Compiler(planner, when_scope(table, planner.catalog), rt, where="WHEN").compile_bool(when_node(text), "WHEN").fn


def fires(trig: TriggerDef, replica: bool = False) -> bool:
    """Whether an enabled trigger fires under session_replication_role (origin or replica)."""
    return trig.enabled == "A" or trig.enabled == ("R" if replica else "O")


class TableTriggers:
    """The enabled triggers of one table, compiled for one statement's writer."""

    def __init__(self, planner: Planner, table: TableDef, rt: Runtime) -> None:
        self.table = table
        self.names = [c.name for c in table.columns]
        self.columns = [(c.name, c.type) for c in table.columns]
        replica = (planner.session.get_setting("session_replication_role", True) or "origin") == "replica"
        # a partitioned table's row triggers fire on its partitions, where they are cloned
        self.triggers = sorted((t for t in table.triggers if fires(t, replica) and not (
            table.partition_strategy and t.for_each_row)), key=lambda t: t.name.encode())
        self.when: dict[int, Callable[[Row], Any]] = {}
        for t in self.triggers:
            if t.when is not None:
                self.when[t.oid] = compile_when(planner, table, rt, t.when)
        self._kinds = {(t.timing, t.for_each_row, ev) for t in self.triggers for ev in t.events}

    def has(self, timing: str, op: str, row: bool = True) -> bool:
        return (timing, row, op.lower()) in self._kinds

    def _matching(self, timing: str, row: bool, op: str, set_cols: frozenset[str] | None
                  ) -> list[TriggerDef]:
        ev = op.lower()
        out = []
        for t in self.triggers:
            if t.timing != timing or t.for_each_row != row or ev not in t.events:
                continue
            if ev == "update" and t.update_columns and set_cols is not None and \
                    not set_cols.intersection(t.update_columns):
                continue
            out.append(t)
        return out

    def _passes(self, t: TriggerDef, old: Row | None, new: Row | None) -> bool:
        fn = self.when.get(t.oid)
        if fn is None:
            return True
        n = len(self.names)
        return fn((old or (None,) * n) + (new or (None,) * n)) is True

    def _data(self, t: TriggerDef, op: str, row: bool, old: Row | None, new: Row | None) -> TriggerData:
        return TriggerData(t.name, _WHEN[t.timing], "ROW" if row else "STATEMENT", op, self.table.oid,
                           self.table.name, self.table.schema, list(t.arguments),
                           None if new is None else dict(zip(self.names, new)),
                           None if old is None else dict(zip(self.names, old)), list(self.columns))

    def _row_of(self, result: dict[str, Any]) -> Row:
        return tuple(result.get(n) for n in self.names)

    # -- statement level --
    def before_statement(self, ctx: ExecContext, op: str, set_cols: frozenset[str] | None = None) -> None:
        for t in self._matching("before", False, op, set_cols):
            call(ctx, t, self._data(t, op, False, None, None))

    def after_statement(self, ctx: ExecContext, op: str, set_cols: frozenset[str] | None = None) -> None:
        for t in self._matching("after", False, op, set_cols):
            queue(ctx, t, self._data(t, op, False, None, None))

    # -- row level --
    def before_row(self, ctx: ExecContext, op: str, old: Row | None, new: Row | None,
                   set_cols: frozenset[str] | None = None) -> Row | None:
        """The row to write (NEW as the triggers leave it; OLD for a DELETE), or None to skip it."""
        row = new if op != "DELETE" else old
        for t in self._matching("before", True, op, set_cols):
            if not self._passes(t, old, new):
                continue
            result = call(ctx, t, self._data(t, op, True, old, new))
            if result is None:
                return None
            if op != "DELETE":
                row = new = self._row_of(result)
        return row

    def after_row(self, ctx: ExecContext, op: str, old: Row | None, new: Row | None,
                  set_cols: frozenset[str] | None = None, cascaded: bool = False) -> None:
        """cascaded: the change is a foreign-key action's (its events run after the statement's own)."""
        for t in self._matching("after", True, op, set_cols):
            if self._passes(t, old, new):
                queue(ctx, t, self._data(t, op, True, old, new), cascaded)

    def cascade_statement(self, ctx: ExecContext, op: str, set_cols: frozenset[str] | None) -> None:
        """A foreign-key action is about to change this table: its BEFORE STATEMENT triggers fire
        now, its AFTER STATEMENT ones when the statement's other AFTER triggers have run; each
        once per statement."""
        key = (self.table.oid, op)
        cascaded = ctx.session.cascade_statements
        if any(k == key for k, _ in cascaded):
            return
        self.before_statement(ctx, op, set_cols)
        cascaded.append((key, lambda c: self.after_statement(c, op, set_cols)))

    def instead_row(self, ctx: ExecContext, op: str, old: Row | None, new: Row | None) -> Row | None:
        """Runs the INSTEAD OF triggers for a row of a view: the row they report done (NEW, or
        OLD for a DELETE), or None when one returned NULL (the row counts as not processed)."""
        row = new if op != "DELETE" else old
        for t in self._matching("instead", True, op, None):
            result = call(ctx, t, self._data(t, op, True, old, new))
            if result is None:
                return None
            if op != "DELETE":
                row = self._row_of(result)
        return row


def trigger_function(ctx: ExecContext, t: TriggerDef) -> FunctionDef:
    func = ctx.session.catalog().objects.get(t.function)
    if not isinstance(func, FunctionDef):
        raise SqlError("XX000", f"cache lookup failed for function {t.function}")
    return func


def call(ctx: ExecContext, t: TriggerDef, data: TriggerData) -> dict[str, Any] | None:
    session = ctx.session
    func = trigger_function(ctx, t)
    run = getattr(session, "run_trigger_function", None)
    if run is None:
        raise SqlError("0A000", f"trigger function {func.name}() cannot run: LANGUAGE {func.language} "
                       "is not supported")
    depth = getattr(session, "trigger_depth", 0)
    if depth >= MAX_DEPTH:
        raise SqlError("54001", "stack depth limit exceeded",
                       hint="Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), "
                       "after ensuring the platform's stack depth limit is adequate.")
    session.trigger_depth = depth + 1
    try:
        result: dict[str, Any] | None = run(func, data, ctx)
    finally:
        session.trigger_depth = depth
    return result


def queue(ctx: ExecContext, t: TriggerDef, data: TriggerData, cascaded: bool = False) -> None:
    """An AFTER trigger runs when its statement ends; a constraint trigger INITIALLY DEFERRED
    (or SET CONSTRAINTS ... DEFERRED) at COMMIT."""
    session = ctx.session

    def event(c: ExecContext) -> None:
        call(c, t, data)

    if t.constraint and t.deferrable and deferred(session, t):
        session.deferred_trigger_events.append((t, event))
    elif cascaded:
        session.late_trigger_events.append(event)
    else:
        session.trigger_events.append(event)
