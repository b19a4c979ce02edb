"""Arithmetic with PostgreSQL's semantics: integer overflow checks, truncating
integer division, numeric scale rules, float overflow and division by zero."""

from __future__ import annotations

import decimal
import functools
import math
import struct
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import INT2, INT4, INT8, INT_RANGES

NUMERIC_MAX_WEIGHT_DIGITS = 131072  # digits before the decimal point of a numeric
NUMERIC_MAX_SCALE = 16383  # digits after it
# Statements run with this context (session.py): enough digits that + - * are exact for every
# numeric PostgreSQL can hold, and a result of 10^131072 or more traps (decimal.Overflow is
# PostgreSQL's "value overflows numeric format"). Operations whose exact result may not end
# (division, roots, logarithms) use contexts of their own, sized for the scale they keep.
CTX = decimal.Context(prec=NUMERIC_MAX_WEIGHT_DIGITS + NUMERIC_MAX_SCALE, rounding=decimal.ROUND_HALF_UP,
                      Emax=NUMERIC_MAX_WEIGHT_DIGITS - 1, Emin=-999999)

NUMERIC_MIN_SIG_DIGITS = 16


def check_numeric_range(d: Decimal) -> Decimal:
    """d, or 22003 when it has more digits before the point than a numeric holds (for results
    computed in contexts of their own, which do not trap as CTX does)."""
    if d.is_finite() and not d.is_zero() and d.adjusted() >= NUMERIC_MAX_WEIGHT_DIGITS:
        raise SqlError("22003", "value overflows numeric format")
    return d


def int_checker(oid: int) -> Any:
    lo, hi, name = INT_RANGES[oid]
    msg = f"{name} out of range"

    def check(v: int) -> int:
        if v < lo or v > hi:
            raise SqlError("22003", msg)
        return v

    return check


CHECK_INT2 = int_checker(INT2.oid)
CHECK_INT4 = int_checker(INT4.oid)
CHECK_INT8 = int_checker(INT8.oid)


def div_zero() -> SqlError:
    return SqlError("22012", "division by zero")


def int_div(a: int, b: int) -> int:
    if b == 0:
        raise div_zero()
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def int_mod(a: int, b: int) -> int:
    if b == 0:
        raise div_zero()
    return a - b * int_div(a, b)


def float_check(v: float, a: float, b: float) -> float:
    if math.isinf(v) and not (math.isinf(a) or math.isinf(b)):
        raise SqlError("22003", "value out of range: overflow")
    return v


_FLOAT4_MAX = 3.4028234663852886e38


def float4_result(v: float, a: float, b: float, sym: str) -> float:
    """A real (float4) operator's result as PostgreSQL's float4 arithmetic gives it: rounded
    to single precision, 22003 when finite operands overflow it, or when * or / of non-zero
    operands comes to zero (underflow)."""
    if math.isinf(v) or math.isnan(v):
        return v
    if abs(v) > _FLOAT4_MAX:
        raise SqlError("22003", "value out of range: overflow")
    single = struct.unpack("f", struct.pack("f", v))[0]
    if single == 0.0 and sym in ("*", "/") and a != 0.0 and (sym == "/" or b != 0.0):
        raise SqlError("22003", "value out of range: underflow")
    return single  # type: ignore[no-any-return]


def float_div(a: float, b: float) -> float:
    if b == 0.0:
        raise div_zero()
    return float_check(a / b, a, b)


def float_mul(a: float, b: float) -> float:
    return float_check(a * b, a, b)


def float_add(a: float, b: float) -> float:
    return float_check(a + b, a, b)


def float_sub(a: float, b: float) -> float:
    return float_check(a - b, a, b)


def dscale(d: Decimal) -> int:
    """Display scale: digits after the decimal point."""
    exp = d.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def _weight_first(d: Decimal) -> tuple[int, int]:
    """PostgreSQL's base-10000 weight and first base-10000 digit of |d|."""
    if d == 0:
        return 0, 0
    d = abs(d)
    adj = d.adjusted()  # exponent of the first significant digit
    weight = adj // 4
    first = int((d.scaleb(-4 * weight)).to_integral_value(rounding=decimal.ROUND_FLOOR))
    return weight, first


def div_scale(a: Decimal, b: Decimal) -> int:
    w1, f1 = _weight_first(a)
    w2, f2 = _weight_first(b)
    qweight = w1 - w2
    if f1 <= f2:
        qweight -= 1
    rscale = NUMERIC_MIN_SIG_DIGITS - qweight * 4
    rscale = max(rscale, dscale(a), dscale(b))
    return max(0, min(rscale, 1000))


def numeric_div(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise div_zero()
    if a.is_nan() or b.is_nan() or (a.is_infinite() and b.is_infinite()):
        return Decimal("NaN")
    if a.is_infinite():
        return a if b > 0 else -a
    if b.is_infinite():
        return Decimal(0)
    scale = div_scale(a, b)
    return divide_to_scale(a, b, scale)


def divide_to_scale(a: Decimal, b: Decimal, scale: int) -> Decimal:
    """a / b rounded half away from zero to scale decimals, computed to just the digits needed
    (the quotient of a finite a and a non-zero b)."""
    if a.is_zero() or not (a.is_finite() and b.is_finite()):
        return (a / b).quantize(Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP) if a.is_finite() \
            else a / b
    digits = max(a.adjusted() - b.adjusted() + 2, 1) + scale + 3
    # truncate with guard digits, then round once: the same as rounding the exact quotient
    truncating, rounding = _division_contexts(digits)
    return truncating.divide(a, b).quantize(_quantum(scale), context=rounding)


@functools.lru_cache(maxsize=256)
def _division_contexts(digits: int) -> tuple[decimal.Context, decimal.Context]:
    """Contexts of digits precision that truncate and that round half away from zero (shared:
    nothing reads their flags)."""
    return (decimal.Context(prec=digits, rounding=decimal.ROUND_DOWN, Emax=CTX.Emax, Emin=CTX.Emin),
            decimal.Context(prec=digits, rounding=decimal.ROUND_HALF_UP, Emax=CTX.Emax, Emin=CTX.Emin))


@functools.lru_cache(maxsize=256)
def _quantum(scale: int) -> Decimal:
    return Decimal(1).scaleb(-scale, context=CTX)


_NAN = Decimal("NaN")


# Infinity - Infinity and Infinity * 0 are NaN in PostgreSQL's numeric; CTX traps them as an
# invalid operation, so only those cases pay for the handler.
def numeric_add(a: Decimal, b: Decimal) -> Decimal:
    try:
        return a + b
    except decimal.InvalidOperation:
        return _NAN


def numeric_sub(a: Decimal, b: Decimal) -> Decimal:
    try:
        return a - b
    except decimal.InvalidOperation:
        return _NAN


def numeric_mul(a: Decimal, b: Decimal) -> Decimal:
    try:
        return a * b
    except decimal.InvalidOperation:
        return _NAN


def numeric_mod(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise div_zero()
    if a.is_nan() or b.is_nan() or a.is_infinite():
        return Decimal("NaN")
    if b.is_infinite():
        return a  # as PostgreSQL: a finite value modulo infinity is itself
    return a % b  # exact; the sign of a, as PostgreSQL's


def numeric_trunc_div(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise div_zero()
    if a.is_nan() or b.is_nan() or (a.is_infinite() and b.is_infinite()):
        return _NAN
    if not (a.is_finite() and b.is_finite()):
        return (a / b).to_integral_value(rounding=decimal.ROUND_DOWN)
    return a // b  # exact, truncated toward zero as PostgreSQL's div()


def to_decimal(v: Any) -> Decimal:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return Decimal("NaN")
        if math.isinf(v):
            return Decimal("Infinity") if v > 0 else Decimal("-Infinity")
        return Decimal(repr(v))
    return Decimal(v)


def round_numeric(d: Decimal, scale: int) -> Decimal:
    if not d.is_finite():
        return d
    return d.quantize(Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP)


def apply_numeric_typmod(d: Decimal, typmod: int) -> Decimal:
    """Rounds to numeric(p,s) and checks the precision (22003 on overflow)."""
    return numeric_typmod(typmod)(d)


def numeric_typmod(typmod: int) -> Callable[[Decimal], Decimal]:
    """apply_numeric_typmod() for one typmod: what it works out from the typmod, worked out once
    (a column's values go through it one by one)."""
    if typmod < 0:
        return _as_is
    m = typmod - 4
    precision, scale = m >> 16, ((m & 0x7FF) ^ 1024) - 1024  # PostgreSQL's 11-bit signed scale
    quantum = Decimal(1).scaleb(-scale)
    limit = precision - scale
    half_up = decimal.ROUND_HALF_UP

    def apply(d: Decimal) -> Decimal:
        if not d.is_finite():
            if d.is_infinite():
                raise SqlError("22003", "numeric field overflow",
                               detail=f"A field with precision {m >> 16}, scale {scale} cannot hold an infinite "
                               "value.")
            return d
        r = d.quantize(quantum, rounding=half_up)
        if (r.adjusted() + 1 if r else 0) > limit:
            _overflow(precision, scale)
        return r.quantize(_ONE) if scale < 0 else r  # 1E+2 is printed 100

    return apply


_ONE = Decimal(1)


def _as_is(d: Decimal) -> Decimal:
    return d


def _overflow(precision: int, scale: int) -> None:
    detail = (f"A field with precision {precision}, scale {scale} must round to an absolute value less "
              f"than {'10^' + str(precision - scale) if precision - scale != 0 else '1'}.")
    if precision - scale == 0:
        detail = f"A field with precision {precision}, scale {scale} must round to an absolute value less than 1."
    raise SqlError("22003", "numeric field overflow", detail=detail)
