"""Operators on range values in expressions: the operand types PostgreSQL accepts for each
(a range and a range of the same type, or a range and its element for containment) and the
functions of orbitdb.sql.types.rangeops that compute them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orbitdb.sql import types as T
from orbitdb.sql.expr.core import E, coerce, strict2, type_error_operator
from orbitdb.sql.types import rangeops as R
from orbitdb.sql.types.casts import can_implicit

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler

_BOOL_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "@>": R.contains_range, "<@": lambda a, b: R.contains_range(b, a), "&&": R.overlaps, "<<": R.before,
    ">>": R.after, "&<": R.overleft, "&>": R.overright,
}


def _element_op(op: str, rng: E, elem: E, range_left: bool) -> E | None:
    """range @> element and element <@ range."""
    if (op, range_left) not in (("@>", True), ("<@", False)):
        return None
    sub = T.RANGE_ELEMENT[rng.type.oid]
    if elem.type.oid != sub.oid and not can_implicit(elem.type, sub):
        return None
    elem = coerce(elem, sub)
    if range_left:
        return E(strict2(R.contains_element, rng.fn, elem.fn), T.BOOL)
    return E(strict2(lambda v, r: R.contains_element(r, v), elem.fn, rng.fn), T.BOOL)


def _multirange_operator(op: str, a: E, b: E) -> E:
    """a op b where an operand is a multirange (the other a multirange, a range of its kind, or
    an element for containment)."""
    def base(t: T.SqlType) -> T.SqlType | None:
        if T.is_multirange(t):
            return T.MULTIRANGE_RANGE[t.oid]
        return t if T.is_range(t) else None

    if a.type.oid == T.UNKNOWN.oid:
        a = coerce(a, b.type)
    if b.type.oid == T.UNKNOWN.oid:
        b = coerce(b, a.type)
    ba, bb = base(a.type), base(b.type)
    rt = ba or bb
    assert rt is not None
    oid = rt.oid
    if op in ("@>", "<@") and (ba is None or bb is None):
        holder, elem = (a, b) if ba is not None else (b, a)
        if (op == "@>") != (ba is not None):
            raise type_error_operator(op, a.type, b.type)
        sub = T.RANGE_ELEMENT[oid]
        if elem.type.oid != sub.oid and not can_implicit(elem.type, sub):
            raise type_error_operator(op, a.type, b.type)
        elem = coerce(elem, sub)
        if holder is a:
            return E(strict2(lambda m, v: R.mr_contains(m, v, True), a.fn, elem.fn), T.BOOL)
        return E(strict2(lambda v, m: R.mr_contains(m, v, True), elem.fn, b.fn), T.BOOL)
    if ba is None or bb is None or ba.oid != bb.oid:
        raise type_error_operator(op, a.type, b.type)
    if op == "@>":
        return E(strict2(R.mr_contains, a.fn, b.fn), T.BOOL)
    if op == "<@":
        return E(strict2(lambda x, y: R.mr_contains(y, x), a.fn, b.fn), T.BOOL)
    if op == "&&":
        return E(strict2(R.mr_overlaps, a.fn, b.fn), T.BOOL)
    combine = {"+": R.mr_union, "*": R.mr_intersection, "-": R.mr_difference}.get(op)
    if combine is None or a.type.oid != b.type.oid:
        raise type_error_operator(op, a.type, b.type)
    return E(strict2(lambda x, y: combine(oid, x, y), a.fn, b.fn), a.type)


def range_operator(c: Compiler, op: str, a: E, b: E) -> E | None:
    """a op b when either operand is a range (None when neither is: another operator's job)."""
    if T.is_multirange(a.type) or T.is_multirange(b.type):
        return _multirange_operator(op, a, b)
    ra, rb = T.is_range(a.type), T.is_range(b.type)
    if not ra and not rb:
        return None
    if ra and b.type.oid == T.UNKNOWN.oid:
        b = coerce(b, a.type)
        rb = True
    elif rb and a.type.oid == T.UNKNOWN.oid:
        a = coerce(a, b.type)
        ra = True
    if ra != rb:
        found = _element_op(op, a, b, True) if ra else _element_op(op, b, a, False)
        if found is None:
            raise type_error_operator(op, a.type, b.type)
        return found
    if a.type.oid != b.type.oid:
        raise type_error_operator(op, a.type, b.type)
    oid = a.type.oid
    if op in _BOOL_OPS:
        return E(strict2(_BOOL_OPS[op], a.fn, b.fn), T.BOOL)
    if op == "-|-":
        return E(strict2(lambda x, y: R.adjacent(oid, x, y), a.fn, b.fn), T.BOOL)
    combine = {"+": R.union, "*": R.intersection, "-": R.difference}.get(op)
    if combine is None:
        raise type_error_operator(op, a.type, b.type)
    return E(strict2(lambda x, y: combine(oid, x, y), a.fn, b.fn), a.type)
