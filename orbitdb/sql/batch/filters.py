"""WHERE conditions over batches: comparisons of an integer column with a number, BETWEEN,
IS [NOT] NULL, AND, OR and NOT, in SQL's three-valued logic (each condition gives a mask of
rows where it is true and one where it is NULL). Anything else has no vectorised form here:
translate() answers None and the statement runs row at a time."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.batch.scan import Batch, Fallback
from orbitdb.sql.expr.core import ident

if TYPE_CHECKING:
    from orbitdb.sql.expr.core import Runtime
    from orbitdb.sql.expr.scope import Scope



Mask = np.ndarray[Any, Any]
Pred = Callable[[Batch], tuple[Mask, Mask]]  # (true, NULL) masks

INT_TYPES = {T.INT2.oid, T.INT4.oid, T.INT8.oid}
FLOAT_TYPES = {T.FLOAT4.oid, T.FLOAT8.oid}
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
# types whose value is NULL exactly when the batch's mask says so
SCALAR_TYPES = INT_TYPES | FLOAT_TYPES | {T.BOOL.oid, T.TEXT.oid, T.VARCHAR.oid, T.BPCHAR.oid, T.NUMERIC.oid,
                                          T.DATE.oid, T.TIMESTAMP.oid, T.TIMESTAMPTZ.oid}
_COMPARE: dict[type[exp.Expression], Callable[[Any, Any], Mask]] = {
    exp.EQ: np.equal, exp.NEQ: np.not_equal, exp.GT: np.greater, exp.GTE: np.greater_equal,
    exp.LT: np.less, exp.LTE: np.less_equal,
}
_FLIPPED: dict[type[exp.Expression], type[exp.Expression]] = {
    exp.EQ: exp.EQ, exp.NEQ: exp.NEQ, exp.GT: exp.LT, exp.GTE: exp.LTE, exp.LT: exp.GT, exp.LTE: exp.GTE,
}


class Columns:
    """The columns a batch plan reads and their SQL types. A scope's column is known by its
    position in the batches: by default its position in the scope; with `table` (a scan's
    (alias, column names)) its position in that table, for filters put on the scan."""

    def __init__(self, scope: Scope, rt: Runtime | None = None, table: tuple[str, list[str]] | None = None) -> None:
        self.scope = scope
        self.rt = rt  # the statement's parameters, for comparisons with $n
        self.table = table
        self.used: dict[int, int] = {}  # column -> type oid

    def column(self, node: exp.Expression) -> tuple[int, int] | None:
        """(column, type oid) of a plain reference to a column of this scan."""
        while isinstance(node, exp.Paren):
            node = node.this
        if not isinstance(node, exp.Column) or isinstance(node.this, exp.Star):
            return None
        rel = ident(node.args["table"]) if node.table else None
        hit = self.scope.resolve(ident(node.this), rel)
        if hit is None or hit[0] != self.scope.level:
            return None
        _, idx, t = hit
        if self.table is not None:
            col = self.scope.columns[idx]
            alias, names = self.table
            if col.rel != alias or col.hidden or col.name not in names:
                return None
            idx = names.index(col.name)
        self.used[idx] = t.oid
        return idx, t.oid


def _number(node: exp.Expression, oid: int, cols: Columns) -> Callable[[], int] | None:
    """An integer literal or a parameter, read when a batch is filtered. A parameter whose value
    is no integer (text, a fraction) has no vectorised comparison: Fallback."""
    if isinstance(node, exp.Parameter) and cols.rt is not None:
        try:
            i = int(node.this.name if isinstance(node.this, exp.Expression) else node.this) - 1
        except (TypeError, ValueError):
            return None
        rt = cols.rt

        def param() -> int:
            v = rt.ctx.params[i]
            if type(v) is not int or not INT64_MIN <= v <= INT64_MAX:
                raise Fallback("a parameter that is not an integer")
            return v
        return param
    value = _literal(node, oid)
    return None if value is None else (lambda: value)


def _literal(node: exp.Expression, oid: int) -> int | None:
    neg = False
    while isinstance(node, (exp.Paren, exp.Neg)):
        if isinstance(node, exp.Neg):
            neg = not neg
        node = node.this
    if not isinstance(node, exp.Literal) or node.is_string:
        return None
    try:
        d = Decimal(node.this)
    except ArithmeticError:
        return None
    if neg:
        d = -d
    if oid not in INT_TYPES or d != d.to_integral_value() or not INT64_MIN <= d <= INT64_MAX:
        return None
    return int(d)


def translate(nodes: list[exp.Expression], cols: Columns) -> Pred | None:
    preds = [_pred(n, cols) for n in nodes]
    if any(p is None for p in preds):
        return None
    ready = [p for p in preds if p is not None]
    if len(ready) == 1:
        return ready[0]
    return _all(ready)


def _all(preds: list[Pred]) -> Pred:
    def run(b: Batch) -> tuple[Mask, Mask]:
        t, n = preds[0](b)
        for p in preds[1:]:
            t2, n2 = p(b)
            t, n = _and(t, n, t2, n2)
        return t, n
    return run


def _and(t1: Mask, n1: Mask, t2: Mask, n2: Mask) -> tuple[Mask, Mask]:
    false = (~t1 & ~n1) | (~t2 & ~n2)
    return t1 & t2, (n1 | n2) & ~false


def _or(t1: Mask, n1: Mask, t2: Mask, n2: Mask) -> tuple[Mask, Mask]:
    t = t1 | t2
    return t, (n1 | n2) & ~t


def _pred(node: exp.Expression, cols: Columns) -> Pred | None:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, (exp.And, exp.Or)):
        a, b = _pred(node.this, cols), _pred(node.expression, cols)
        if a is None or b is None:
            return None
        combine = _and if isinstance(node, exp.And) else _or

        def both(batch: Batch) -> tuple[Mask, Mask]:
            return combine(*a(batch), *b(batch))
        return both
    if isinstance(node, exp.Not):
        inner = _pred(node.this, cols)
        if inner is None:
            return None

        def negated(batch: Batch) -> tuple[Mask, Mask]:
            t, n = inner(batch)
            return ~t & ~n, n
        return negated
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        hit = cols.column(node.this)
        if hit is None or hit[1] not in SCALAR_TYPES:  # a composite of NULL fields IS NULL too
            return None
        c = hit[0]
        negate = bool(node.args.get("negate"))  # IS NOT NULL

        def is_null(batch: Batch) -> tuple[Mask, Mask]:
            m = batch.nulls[c]
            return (~m if negate else m.copy()), np.zeros(batch.n, dtype=np.bool_)
        return is_null
    if node.args.get("negate"):
        return None  # another negated form (NOT BETWEEN, IS NOT DISTINCT FROM, ...): row at a time
    if isinstance(node, exp.Between):
        hit = cols.column(node.this)
        if hit is None or hit[1] not in INT_TYPES:
            return None
        lo, hi = _number(node.args["low"], hit[1], cols), _number(node.args["high"], hit[1], cols)
        if lo is None or hi is None or node.args.get("symmetric"):
            return None
        c = hit[0]

        def between(batch: Batch) -> tuple[Mask, Mask]:
            v, m = batch.values[c], batch.nulls[c]
            return (v >= lo()) & (v <= hi()) & ~m, m
        return between
    if type(node) in _COMPARE:
        op: type[exp.Expression] = type(node)
        left, right = node.this, node.expression
        hit = cols.column(left)
        other = right
        if hit is None:
            hit, other, op = cols.column(right), left, _FLIPPED[op]
        if hit is None or hit[1] not in INT_TYPES:
            return None
        value = _number(other, hit[1], cols)
        if value is None:
            return None
        compare = _COMPARE[op]
        c = hit[0]

        def comparison(batch: Batch) -> tuple[Mask, Mask]:
            m = batch.nulls[c]
            return compare(batch.values[c], value()) & ~m, m
        return comparison
    return None
