"""Set-returning functions inside expressions of a select list (`upper(unnest(tags))`,
`jsonb_array_elements(doc) ->> 'name'`): as PostgreSQL's ProjectSet, each call is run once per
input row and its elements are read in step with the select list's other set-returning calls
(the shorter ones giving NULL); the expressions around them are computed per step, over the
input row with the calls' current elements appended (the slots)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import E, Fn

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler

# where PostgreSQL refuses a set-returning call (its own errors, 0A000)
_NOT_INSIDE: tuple[tuple[type[exp.Expression], str], ...] = (
    (exp.AggFunc, "aggregate function calls cannot contain set-returning function calls"),
    (exp.Window, "window function calls cannot contain set-returning function calls"),
    (exp.Case, "set-returning functions are not allowed in CASE"),
    (exp.If, "set-returning functions are not allowed in CASE"),
    (exp.Coalesce, "set-returning functions are not allowed in COALESCE"),
)


class SrfSlots:
    """The set-returning calls of one select list, in the order compiled."""

    def __init__(self) -> None:
        self.calls: list[Fn] = []  # each: input row -> its elements (None: none)

    def add(self, c: Compiler, node: exp.Expression) -> E:
        inner = c.child(agg=c.agg, win=c.win)  # its arguments are over the input row
        e = inner.compile(node)
        k = len(self.calls)
        self.calls.append(e.fn)
        slots = self.calls

        def element(row: Any, k: int = k) -> Any:
            return row[k - len(slots)]  # the slots end the row

        out = E(element, e.type, name=e.name)
        out.columns = e.columns
        return out


def check_placement(node: exp.Expression, is_srf: Any) -> None:
    """PostgreSQL's refusals of set-returning calls inside a select list's expression: in CASE,
    COALESCE, an aggregate's or window function's arguments, or another set-returning call's
    arguments."""
    def walk(n: exp.Expression, inside: str | None, in_srf: bool) -> None:
        if isinstance(n, (exp.Select, exp.Subquery, exp.Union)):
            return
        if isinstance(n, exp.Paren):
            walk(n.this, inside, in_srf)
            return
        if is_srf(n):
            if inside is not None:
                raise SqlError("0A000", inside)
            if in_srf:
                raise SqlError("0A000", "set-returning functions inside the arguments of another set-returning "
                                        "function in the select list are not supported by orbitdb",
                               hint="Call the inner function in FROM.")
            if isinstance(n, exp.Dot) and isinstance(n.expression, exp.Func):
                n = n.expression  # schema.function(...)
            for ch in n.iter_expressions():
                walk(ch, inside, True)
            return
        if isinstance(n, exp.Window) and isinstance(n.this, exp.Expression):
            # an aggregate over a window is one call: PostgreSQL names the window function
            message = "window function calls cannot contain set-returning function calls"
            for ch in n.this.iter_expressions():  # (its PARTITION BY and ORDER BY: the window's own checks)
                walk(ch, message, in_srf)
            return
        for cls, message in _NOT_INSIDE:
            if isinstance(n, cls):
                inside = message
        for ch in n.iter_expressions():
            walk(ch, inside, in_srf)

    walk(node, None, False)


def step_rows(row: tuple[Any, ...], calls: list[Fn], check: Callable[[], None]) -> Iterator[tuple[Any, ...]]:
    """The input row extended by one element of each call per step, while any call has one."""
    running: dict[int, Iterator[Any]] = {}
    for i, f in enumerate(calls):
        v = f(row)
        if v is not None:
            running[i] = iter(v)
    for current in in_step(running, len(calls), check):
        yield row + tuple(current)


def in_step(running: dict[int, Iterator[Any]], width: int, check: Callable[[], None]) -> Iterator[list[Any]]:
    """Set-returning results read in step (PostgreSQL's ProjectSet): per step a list of width
    values, each running result's next element at its place (None once it has ended), until none
    has one. running is consumed."""
    steps = 0
    while running:
        current: list[Any] = [None] * width
        produced = False
        for i, it in list(running.items()):
            v = next(it, _DONE)
            if v is _DONE:
                del running[i]
            else:
                current[i] = v
                produced = True
        if not produced:
            return
        steps += 1
        if steps & 4095 == 0:
            check()
        yield current


_DONE = object()
