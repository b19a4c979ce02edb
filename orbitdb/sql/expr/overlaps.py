"""(start1, end1) OVERLAPS (start2, end2): PostgreSQL's overlaps() for dates, times and
timestamps, an end given as a time or as an interval after the start; NULL endpoints as
PostgreSQL's overlaps_timestamp treats them (a period with one null end is its other end)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import E, coerce, unify
from orbitdb.sql.expr.operators import arith

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler

_DATETIMES = {T.DATE.oid, T.TIME.oid, T.TIMETZ.oid, T.TIMESTAMP.oid, T.TIMESTAMPTZ.oid}


def _period(c: Compiler, node: exp.Expression) -> tuple[E, E]:
    items = node.expressions if isinstance(node, exp.Tuple) else []
    if len(items) != 2:
        raise SqlError("42601", "wrong number of parameters on left side of OVERLAPS expression")
    start, end = c.compile(items[0]), c.compile(items[1])
    if end.type.oid == T.INTERVAL.oid:
        end = arith(c, "+", start, end)
    return start, end


def compile_overlaps(c: Compiler, node: exp.Overlaps) -> E:
    s1, e1 = _period(c, node.this)
    s2, e2 = _period(c, node.expression)
    ends = [s1, e1, s2, e2]
    common = ends[0]
    for other in ends[1:]:
        common, _, t = unify(common, other)
        common = E(common.fn, t)
    t = common.type
    if t.oid == T.UNKNOWN.oid:
        t = T.TIMESTAMPTZ
    if t.oid == T.DATE.oid:
        t = T.TIMESTAMP  # PostgreSQL's overlaps has no date form: the dates are read as timestamps
    if t.oid not in _DATETIMES:
        raise SqlError("42883", f"function overlaps({', '.join(e.type.display() for e in ends)}) does not exist")
    f1, f2, f3, f4 = (coerce(e, t).fn for e in ends)

    def run(row: Any) -> bool | None:
        return overlaps(f1(row), f2(row), f3(row), f4(row))

    return E(run, T.BOOL)


def _ordered(start: Any, end: Any) -> tuple[Any, Any] | None:
    """A period's lesser end first; one null end stands as the other (None: both null)."""
    if start is None:
        return None if end is None else (end, None)
    if end is not None and start > end:
        return end, start
    return start, end


def overlaps(ts1: Any, te1: Any, ts2: Any, te2: Any) -> bool | None:
    first, second = _ordered(ts1, te1), _ordered(ts2, te2)
    if first is None or second is None:
        return None
    (ts1, te1), (ts2, te2) = first, second
    if ts1 > ts2:
        if te2 is None:
            return None
        if ts1 < te2:
            return True
        return None if te1 is None else False
    if ts1 < ts2:
        if te1 is None:
            return None
        if ts2 < te1:
            return True
        return None if te2 is None else False
    return None if te1 is None or te2 is None else True
