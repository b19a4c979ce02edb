"""money arithmetic as PostgreSQL's cash.c: money +/- money, money * and / a number (a float
factor rounds half to even, an integer divisor truncates), money / money as float8."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.money import cents, from_cents


def _div_zero() -> SqlError:
    return SqlError("22012", "division by zero")


def _rint(x: float) -> Decimal:
    # rint() rounds halves to even, as Python's round does; an infinite or NaN amount has no cents
    if math.isinf(x) or math.isnan(x):
        raise SqlError("22003", "money out of range")
    return from_cents(round(x))


def _times_float(m: Decimal, f: float) -> Decimal:
    return _rint(cents(m) * float(f))


def _by_float(m: Decimal, f: float) -> Decimal:
    if float(f) == 0.0:
        raise _div_zero()
    return _rint(cents(m) / float(f))


def _by_int(m: Decimal, i: int) -> Decimal:
    if i == 0:
        raise _div_zero()
    q = abs(cents(m)) // abs(i)
    return from_cents(q if (cents(m) < 0) == (i < 0) else -q)


def _by_money(a: Decimal, b: Decimal) -> float:
    if cents(b) == 0:
        raise _div_zero()
    return cents(a) / cents(b)


def money_op(sym: str, ta: T.SqlType, tb: T.SqlType) -> tuple[Callable[[Any, Any], Any] | None, T.SqlType, T.SqlType,
                                                                 T.SqlType]:
    """(function, left operand type, right operand type, result type) of a op b where one side
    is money; function None when PostgreSQL has no such operator."""
    M = T.MONEY
    a, b = ta.oid, tb.oid
    ints = T.INTEGER_TYPES
    if a == M.oid and b == M.oid:
        if sym == "+":
            return (lambda x, y: from_cents(cents(x) + cents(y))), M, M, M
        if sym == "-":
            return (lambda x, y: from_cents(cents(x) - cents(y))), M, M, M
        if sym == "/":
            return _by_money, M, M, T.FLOAT8
    if a == M.oid and sym in "*/":
        if b in ints:
            if sym == "*":
                return (lambda x, y: from_cents(cents(x) * y)), M, tb, M
            return _by_int, M, tb, M
        if b in (T.FLOAT4.oid, T.FLOAT8.oid, T.NUMERIC.oid):
            return (_times_float if sym == "*" else _by_float), M, T.FLOAT8, M
    if b == M.oid and sym == "*":
        if a in ints:
            return (lambda x, y: from_cents(x * cents(y))), ta, M, M
        if a in (T.FLOAT4.oid, T.FLOAT8.oid, T.NUMERIC.oid):
            return (lambda x, y: _times_float(y, x)), T.FLOAT8, M, M
    return None, M, M, M
