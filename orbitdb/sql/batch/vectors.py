"""Select-list expressions over batches: plain columns, integer and float constants, unary minus
and + - * of integer and float8 values, with the row path's results to the bit (integer
arithmetic exact with 22003 where a result leaves its type, float8 overflow to infinity from
finite inputs 22003, NULL in gives NULL out). Anything else has no vectorised form: vector()
gives the reason instead, and the statement runs row at a time."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.batch.filters import Columns, Fallback
from orbitdb.sql.batch.scan import Batch, column_kinds
from orbitdb.sql.errors import SqlError

if TYPE_CHECKING:
    from orbitdb.sql.exec.plans import TableScan

Array = np.ndarray[Any, Any]
Vec = Callable[[Batch], tuple[Array, Array]]  # a batch -> (values, NULL mask)

# the types whose values a batch holds in numpy arrays as the row path has them
NATIVE = {T.INT2.oid: "int", T.INT4.oid: "int", T.INT8.oid: "int", T.FLOAT4.oid: "float", T.FLOAT8.oid: "float",
          T.BOOL.oid: "bool"}
INT_RANK = {T.INT2.oid: 0, T.INT4.oid: 1, T.INT8.oid: 2}
INT_BY_RANK = [T.INT2.oid, T.INT4.oid, T.INT8.oid]
INT_LIMITS = {T.INT2.oid: (-(1 << 15), (1 << 15) - 1, "smallint"), T.INT4.oid: (-(1 << 31), (1 << 31) - 1, "integer"),
              T.INT8.oid: (-(1 << 63), (1 << 63) - 1, "bigint")}


class Vector:
    """An expression's batch form: how to compute it and its SQL type."""

    def __init__(self, fn: Vec, oid: int) -> None:
        self.fn = fn
        self.oid = oid


def vector(node: exp.Expression, cols: Columns, scan: TableScan) -> Vector | str:
    """node's batch form, or why it has none."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Column):
        hit = cols.column(node)
        if hit is None:
            return "a column of another relation"
        c, oid = hit
        kind = column_kinds(scan, [c])[0]
        if kind != "object" and NATIVE.get(oid) != kind:
            return f"a column of type oid {oid} read as {kind}"

        def column(b: Batch) -> tuple[Array, Array]:
            return b.values[c], b.nulls[c]
        return Vector(column, oid)
    if isinstance(node, exp.Literal) and not node.is_string:
        return _constant(node.this)
    if isinstance(node, exp.Parameter):
        return _parameter(node, scan)
    if isinstance(node, exp.Neg):
        inner = vector(node.this, cols, scan)
        if isinstance(inner, str):
            return inner
        if isinstance(node.this, exp.Literal):  # -5 is a constant of its own type, as the parser makes it
            return _constant("-" + node.this.this)
        return _negate(inner)
    if isinstance(node, (exp.Div, exp.Mod)):
        return _divide(node, cols, scan)
    op = _OPS.get(type(node))
    if op is not None:
        a, b = vector(node.this, cols, scan), vector(node.expression, cols, scan)
        if isinstance(a, str):
            return a
        if isinstance(b, str):
            return b
        return _arith(op, a, b)
    text = node.sql(dialect="postgres")
    return f"{text if len(text) <= 40 else text[:37] + '...'} has no vectorised form"


_OPS: dict[type[exp.Expression], str] = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*"}


def _is_constant(node: exp.Expression) -> bool:
    while isinstance(node, (exp.Paren, exp.Neg)):
        node = node.this
    return isinstance(node, exp.Parameter) or (isinstance(node, exp.Literal) and not node.is_string)


def _divide(node: exp.Div | exp.Mod, cols: Columns, scan: TableScan) -> Vector | str:
    """Integer division (or remainder) by a constant or a parameter: the quotient truncated
    toward zero, 22003 where it leaves its type (the least integer over -1); the remainder with
    the dividend's sign (0 over -1). By zero, the row path runs (22012 from the first row that
    is not NULL, after any error an earlier row or column raises there)."""
    remainder = isinstance(node, exp.Mod)
    if not _is_constant(node.expression):
        return "a division by a column has no vectorised form"
    a, d = vector(node.this, cols, scan), vector(node.expression, cols, scan)
    if isinstance(a, str):
        return a
    if isinstance(d, str):
        return d
    if a.oid not in INT_RANK or d.oid not in INT_RANK:
        return f"/ of types oid {a.oid} and {d.oid} has no vectorised form"
    oid = INT_BY_RANK[max(INT_RANK[a.oid], INT_RANK[d.oid])]
    lo = INT_LIMITS[oid][0]

    def div(batch: Batch) -> tuple[Array, Array]:
        x, mx = a.fn(batch)
        y, my = d.fn(batch)
        m = mx | my
        if not batch.n or bool(my.all()):
            return np.zeros(batch.n, np.int64), m
        divisor = int(y[np.argmin(my)])  # one value for every row: a constant
        if divisor == 0:
            if bool(m.all()):
                return np.zeros(batch.n, np.int64), m
            raise Fallback("a division by zero")
        if remainder:
            if divisor == -1:
                return np.zeros(batch.n, np.int64), m
            return np.fmod(x, divisor), m  # C's %: the sign of the dividend, as PostgreSQL's
        if divisor == -1 and bool(((x == lo) & ~m).any()):
            raise _out_of_range(oid)
        with np.errstate(over="ignore"):
            q = x // divisor
            q += ((x % divisor) != 0) & ((x < 0) != (divisor < 0))  # floor to truncation
        _check_int(q, m, oid)
        return q, m
    return Vector(div, oid)


def _constant(text: str) -> Vector | str:
    try:
        d = Decimal(text)
    except ArithmeticError:
        return "a constant that is not a number"
    if d != d.to_integral_value() or "." in text or "e" in text.lower():
        return "a numeric constant"
    v = int(d)
    # as lit_number types it: int4 when it fits, int8 up to 64 bits (a negative one is minus that)
    magnitude = abs(v)
    if magnitude <= (1 << 31) - 1:
        oid = T.INT4.oid
    elif magnitude <= (1 << 63) - 1:
        oid = T.INT8.oid
    else:
        return "a numeric constant"

    def constant(b: Batch) -> tuple[Array, Array]:
        return np.full(b.n, v, np.int64), np.zeros(b.n, np.bool_)
    return Vector(constant, oid)


def _parameter(node: exp.Parameter, scan: TableScan) -> Vector | str:
    """$n (a constant of the query text is one too, lifted by the statement cache): its value
    read when a batch is computed, of the type the statement gave it."""
    try:
        i = int(node.this.name if isinstance(node.this, exp.Expression) else node.this) - 1
    except (TypeError, ValueError):
        return "a parameter"
    rt = scan.rt
    if not 0 <= i < len(rt.param_types):
        return "a parameter"
    oid = rt.param_types[i].oid
    if oid not in INT_RANK and oid != T.FLOAT8.oid:
        return f"a parameter of type oid {oid}"
    dtype = np.int64 if oid in INT_RANK else np.float64

    def parameter(b: Batch) -> tuple[Array, Array]:
        v = rt.ctx.params[i]
        if v is None:
            return np.zeros(b.n, dtype), np.ones(b.n, np.bool_)
        return np.full(b.n, v, dtype), np.zeros(b.n, np.bool_)
    return Vector(parameter, oid)


def _out_of_range(oid: int) -> SqlError:
    return SqlError("22003", f"{INT_LIMITS[oid][2]} out of range")


def _check_int(v: Array, m: Array, oid: int) -> None:
    lo, hi, _ = INT_LIMITS[oid]
    if oid != T.INT8.oid and len(v) and bool((((v < lo) | (v > hi)) & ~m).any()):
        raise _out_of_range(oid)


def _negate(a: Vector) -> Vector | str:
    oid = a.oid
    if oid in INT_RANK:
        lo = INT_LIMITS[oid][0]

        def neg_int(b: Batch) -> tuple[Array, Array]:
            v, m = a.fn(b)
            if bool(((v == lo) & ~m).any()):
                raise _out_of_range(oid)
            return -v, m
        return Vector(neg_int, oid)
    if oid == T.FLOAT8.oid:
        def neg_float(b: Batch) -> tuple[Array, Array]:
            v, m = a.fn(b)
            return -v, m
        return Vector(neg_float, oid)
    return f"minus of type oid {oid} has no vectorised form"


def _arith(op: str, a: Vector, b: Vector) -> Vector | str:
    if a.oid in INT_RANK and b.oid in INT_RANK:
        oid = INT_BY_RANK[max(INT_RANK[a.oid], INT_RANK[b.oid])]
        return Vector(_int_op(op, a, b, oid), oid)
    floats = (a.oid == T.FLOAT8.oid or a.oid in INT_RANK) and (b.oid == T.FLOAT8.oid or b.oid in INT_RANK)
    if floats:
        return Vector(_float_op(op, a, b), T.FLOAT8.oid)
    return f"{op} of types oid {a.oid} and {b.oid} has no vectorised form"


def _int_op(op: str, a: Vector, b: Vector, oid: int) -> Vec:
    wide = oid == T.INT8.oid

    def run(batch: Batch) -> tuple[Array, Array]:
        x, mx = a.fn(batch)
        y, my = b.fn(batch)
        m = mx | my
        with np.errstate(over="ignore"):
            if op == "+":
                r = x + y
                bad = ((x ^ r) & (y ^ r)) < 0 if wide else None  # both signs differ from the sum's: wrapped
            elif op == "-":
                r = x - y
                bad = ((x ^ y) & (x ^ r)) < 0 if wide else None
            else:
                r = x * y
                # beyond 2^62 in floating point: checked exactly with Python integers
                bad = _mul_overflow(x, y, m) if wide else None
        if bad is not None and bool((bad & ~m).any()):
            raise _out_of_range(oid)
        _check_int(r, m, oid)
        return r, m
    return run


def _mul_overflow(x: Array, y: Array, m: Array) -> Array:
    near = (np.abs(x.astype(np.float64)) * np.abs(y.astype(np.float64)) >= 2.0 ** 62) & ~m
    bad = np.zeros(len(x), np.bool_)
    lo, hi, _ = INT_LIMITS[T.INT8.oid]
    for i in np.flatnonzero(near).tolist():
        p = int(x[i]) * int(y[i])
        bad[i] = not lo <= p <= hi
    return bad


def _float_op(op: str, a: Vector, b: Vector) -> Vec:
    ufunc = {"+": np.add, "-": np.subtract, "*": np.multiply}[op]

    def run(batch: Batch) -> tuple[Array, Array]:
        x, mx = a.fn(batch)
        y, my = b.fn(batch)
        m = mx | my
        x, y = x.astype(np.float64, copy=False), y.astype(np.float64, copy=False)
        with np.errstate(over="ignore", invalid="ignore"):
            r = ufunc(x, y)
        if bool((np.isinf(r) & ~np.isinf(x) & ~np.isinf(y) & ~m).any()):
            raise SqlError("22003", "value out of range: overflow")
        return r, m
    return run
