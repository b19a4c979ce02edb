"""PostgreSQL's mathematical functions over integers, double precision and
numeric, with numeric's result-scale rules (numeric.c: at least 16 significant
digits, never fewer decimals than the input) and PostgreSQL's errors."""

from __future__ import annotations

import decimal
import math
import random as _random
from decimal import Decimal
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.registry import ANYARRAY, ANYELEMENT, register
from orbitdb.sql.types.numeric import CHECK_INT2, CHECK_INT4, CHECK_INT8, check_numeric_range, dscale
from orbitdb.sql.types.pgtext.numbers import format_float8

INT2, INT4, INT8, FLOAT4, FLOAT8, NUMERIC = T.INT2, T.INT4, T.INT8, T.FLOAT4, T.FLOAT8, T.NUMERIC
VOID = T.VOID

NUMERIC_MIN_SIG_DIGITS = 16
NUMERIC_MAX_DISPLAY_SCALE = 1000
NUMERIC_MAX_RESULT_SCALE = 2000
DEC_DIGITS = 4
NBASE = 10000
RADIANS_PER_DEGREE = 0.0174532925199432957692

_INT_CHECK = {INT2.oid: CHECK_INT2, INT4.oid: CHECK_INT4, INT8.oid: CHECK_INT8}
_INTS = (INT2, INT4, INT8)


def overflow() -> SqlError:
    return SqlError("22003", "value out of range: overflow")


def underflow() -> SqlError:
    return SqlError("22003", "value out of range: underflow")


def out_of_range() -> SqlError:
    return SqlError("22003", "input is out of range")


def _ctx(prec: int) -> decimal.Context:
    return decimal.Context(prec=max(prec, 28), rounding=decimal.ROUND_HALF_EVEN, Emax=10**7, Emin=-(10**7))


def clean(d: Decimal) -> Decimal:
    """No negative zero (numeric has none)."""
    if d.is_zero() and d.is_signed():
        return d.copy_abs()
    return d


def round_half_up(d: Decimal, scale: int) -> Decimal:
    """d rounded (half away from zero) to `scale` decimals; a negative scale rounds
    to tens, hundreds... and the result then has no decimals."""
    if not d.is_finite():
        return d
    q = Decimal(1).scaleb(-scale)
    ctx = _ctx(max(d.adjusted(), 0) + max(scale, 0) + 10)
    r = d.quantize(q, rounding=decimal.ROUND_HALF_UP, context=ctx)
    if scale < 0:
        r = r.quantize(Decimal(1), context=ctx)
    return clean(r)


def nbase_digits(d: Decimal) -> tuple[int, list[int]]:
    """(weight, digits) of |d| in PostgreSQL's base-10000 representation (trailing
    and leading zero digits stripped; weight 0 and no digits for zero)."""
    _, coefficient, exp = d.as_tuple()
    assert isinstance(exp, int)
    first = next((i for i, digit in enumerate(coefficient) if digit), None)
    if first is None:
        return 0, []
    # group the decimal digits in fours from the right, the last group ending at a multiple of 4
    # (linear in the digits: no big-integer arithmetic, no int(str))
    pad = exp % DEC_DIGITS
    digits = coefficient[first:] + (0,) * pad
    exp -= pad
    digits = (0,) * (-len(digits) % DEC_DIGITS) + digits
    groups = [digits[k] * 1000 + digits[k + 1] * 100 + digits[k + 2] * 10 + digits[k + 3]
              for k in range(0, len(digits), DEC_DIGITS)]
    weight = len(groups) - 1 + exp // DEC_DIGITS
    while groups and groups[-1] == 0:
        groups.pop()
    return weight, groups


def _clamp_scale(rscale: int, *scales: int) -> int:
    for s in scales:
        rscale = max(rscale, s)
    return min(max(rscale, 0), NUMERIC_MAX_DISPLAY_SCALE)


def estimate_ln_dweight(d: Decimal) -> int:
    """numeric.c's estimate_ln_dweight: the decimal weight of ln(d)."""
    if d <= 0:
        return 0
    if Decimal("0.9") <= d <= Decimal("1.1"):
        x = d - 1
        if x == 0:
            return 0
        return x.adjusted()
    weight, digits = nbase_digits(d)
    if not digits:
        return 0
    num = digits[0]
    dweight = weight * DEC_DIGITS
    if len(digits) > 1:
        num = num * NBASE + digits[1]
        dweight -= DEC_DIGITS
    ln_var = math.log(num) + dweight * 2.302585092994046
    return int(math.log10(abs(ln_var))) if ln_var != 0 else 0


def _finite_or(d: Decimal) -> bool:
    return d.is_finite()


# ---------------------------------------------------------------------------
# abs, sign, rounding


def _register_int_abs() -> None:
    for t in _INTS:
        check = _INT_CHECK[t.oid]
        register("abs", [t], t)(lambda v, check=check: check(abs(v)))


_register_int_abs()


@register("abs", [FLOAT4], FLOAT4)
@register("abs", [FLOAT8], FLOAT8)
def abs_float(v: float) -> float:
    return abs(v)


@register("abs", [NUMERIC], NUMERIC)
def abs_numeric(v: Decimal) -> Decimal:
    return v.copy_abs()


@register("sign", [FLOAT8], FLOAT8)
def sign_float(v: float) -> float:
    if math.isnan(v):
        return v
    return 1.0 if v > 0 else (-1.0 if v < 0 else 0.0)


@register("sign", [NUMERIC], NUMERIC)
def sign_numeric(v: Decimal) -> Decimal:
    if v.is_nan():
        return v
    return Decimal(1) if v > 0 else (Decimal(-1) if v < 0 else Decimal(0))


def _float_int_op(f: Any) -> Any:
    def run(v: float) -> float:
        if math.isinf(v) or math.isnan(v):
            return v
        r = float(f(v))
        return math.copysign(r, v) if r == 0.0 else r

    return run


register("ceil", [FLOAT8], FLOAT8)(_float_int_op(math.ceil))
register("ceiling", [FLOAT8], FLOAT8)(_float_int_op(math.ceil))
register("floor", [FLOAT8], FLOAT8)(_float_int_op(math.floor))
register("trunc", [FLOAT8], FLOAT8)(_float_int_op(math.trunc))
register("round", [FLOAT8], FLOAT8)(_float_int_op(round))  # rint(): half to even


def _to_integral(v: Decimal, rounding: str) -> Decimal:
    if not v.is_finite():
        return v
    return clean(v.to_integral_value(rounding=rounding, context=_ctx(max(v.adjusted(), 0) + 5)))


@register("ceil", [NUMERIC], NUMERIC)
@register("ceiling", [NUMERIC], NUMERIC)
def ceil_numeric(v: Decimal) -> Decimal:
    return _to_integral(v, decimal.ROUND_CEILING)


@register("floor", [NUMERIC], NUMERIC)
def floor_numeric(v: Decimal) -> Decimal:
    return _to_integral(v, decimal.ROUND_FLOOR)


@register("round", [NUMERIC], NUMERIC)
def round_numeric(v: Decimal) -> Decimal:
    return _to_integral(v, decimal.ROUND_HALF_UP)


@register("trunc", [NUMERIC], NUMERIC)
def trunc_numeric(v: Decimal) -> Decimal:
    return _to_integral(v, decimal.ROUND_DOWN)


def _limit_scale(s: int) -> int:
    return max(-NUMERIC_MAX_RESULT_SCALE, min(NUMERIC_MAX_RESULT_SCALE, s))


@register("round", [NUMERIC, INT4], NUMERIC)
def round_numeric_scale(v: Decimal, s: int) -> Decimal:
    return round_half_up(v, _limit_scale(s))


@register("trunc", [NUMERIC, INT4], NUMERIC)
def trunc_numeric_scale(v: Decimal, s: int) -> Decimal:
    if not v.is_finite():
        return v
    s = _limit_scale(s)
    ctx = _ctx(max(v.adjusted(), 0) + max(s, 0) + 10)
    r = v.quantize(Decimal(1).scaleb(-s), rounding=decimal.ROUND_DOWN, context=ctx)
    if s < 0:
        r = r.quantize(Decimal(1), context=ctx)
    return clean(r)


# ---------------------------------------------------------------------------
# numeric transcendental functions


def numeric_sqrt(v: Decimal) -> Decimal:
    if v.is_nan():
        return v
    if v < 0:
        raise SqlError("2201F", "cannot take square root of a negative number")
    if v.is_infinite():
        return v
    weight = nbase_digits(v)[0]
    sweight = (weight + 1) * DEC_DIGITS // 2 - 1
    rscale = _clamp_scale(NUMERIC_MIN_SIG_DIGITS - sweight, dscale(v))
    if v == 0:
        return Decimal(0).scaleb(-rscale)
    prec = max(v.adjusted() // 2 + 1, 1) + rscale + 10
    r = v.sqrt(context=_ctx(prec))
    return round_half_up(r, rscale)


def numeric_exp(v: Decimal) -> Decimal:
    if v.is_nan():
        return v
    if v.is_infinite():
        return v if v > 0 else Decimal(0)
    raw = float(v) * 0.434294481903252 if abs(v) < Decimal(10) ** 300 else float("inf") * (1 if v > 0 else -1)
    val = max(-NUMERIC_MAX_RESULT_SCALE, min(NUMERIC_MAX_RESULT_SCALE, raw))
    if v >= NUMERIC_MAX_RESULT_SCALE * 3:  # PostgreSQL's exp_var refuses x >= 6000
        raise SqlError("22003", "value overflows numeric format")
    rscale = _clamp_scale(NUMERIC_MIN_SIG_DIGITS - int(val), dscale(v))
    if raw + 1 < -NUMERIC_MAX_DISPLAY_SCALE:
        return Decimal(0).scaleb(-rscale)
    prec = max(int(raw), 0) + rscale + 10
    r = v.exp(context=_ctx(prec))
    return round_half_up(r, rscale)


def _check_log_arg(v: Decimal) -> None:
    if v == 0:
        raise SqlError("2201E", "cannot take logarithm of zero")
    if v < 0:
        raise SqlError("2201E", "cannot take logarithm of a negative number")


def numeric_ln(v: Decimal) -> Decimal:
    if v.is_nan():
        return v
    _check_log_arg(v)
    if v.is_infinite():
        return v
    rscale = _clamp_scale(NUMERIC_MIN_SIG_DIGITS - estimate_ln_dweight(v), dscale(v))
    prec = rscale + max(len(str(abs(v.adjusted()))), 1) + 10
    r = v.ln(context=_ctx(prec))
    return round_half_up(r, rscale)


def numeric_log(base: Decimal, v: Decimal) -> Decimal:
    if base.is_nan() or v.is_nan():
        return Decimal("NaN")
    _check_log_arg(base)
    _check_log_arg(v)
    if base == 1:
        raise SqlError("22012", "division by zero")
    if base.is_infinite() or v.is_infinite():
        if base.is_infinite() and v.is_infinite():
            return Decimal("NaN")
        if v.is_infinite():
            return Decimal("Infinity") if base > 1 else Decimal("-Infinity")
        return Decimal(0)
    result_dweight = estimate_ln_dweight(v) - estimate_ln_dweight(base)
    rscale = _clamp_scale(NUMERIC_MIN_SIG_DIGITS - result_dweight, dscale(base), dscale(v))
    prec = rscale + abs(result_dweight) + 30
    ctx = _ctx(prec)
    r = ctx.divide(v.ln(context=ctx), base.ln(context=ctx))
    return round_half_up(r, rscale)


def numeric_power(base: Decimal, exp: Decimal) -> Decimal:
    """power(numeric, numeric) with PostgreSQL 15's result scales."""
    if base.is_nan() or exp.is_nan():
        if base.is_nan() and exp == 0 and not exp.is_nan():
            return Decimal(1)
        if exp.is_nan() and base == 1:
            return Decimal(1)
        return Decimal("NaN")
    if base == 0 and exp < 0:
        raise SqlError("2201F", "zero raised to a negative power is undefined")
    exp_is_int = exp.is_finite() and exp == exp.to_integral_value()
    if base < 0 and not exp_is_int and not exp.is_infinite():  # an infinity counts as integral
        raise SqlError("2201F", "a negative number raised to a non-integer power yields a complex result")
    if base.is_infinite() or exp.is_infinite():
        return _power_special(base, exp, exp_is_int)
    if exp_is_int and abs(exp) <= 2147483647:
        return check_numeric_range(_power_int(base, int(exp)))
    if base == 0:
        return Decimal(0).scaleb(-NUMERIC_MIN_SIG_DIGITS)
    if base < 0:  # an integer exponent past int4: the power of |base|, negative for an odd exponent
        r = numeric_power(-base, exp)
        return -r if exp % 2 else r
    ln_dweight = estimate_ln_dweight(base)
    local = max(8 - ln_dweight, 0)
    ctx0 = _ctx(local + 40)
    ln_num = round_half_up(round_half_up(base.ln(context=ctx0), local) * exp, local)
    val = float(ln_num)
    if abs(val) > NUMERIC_MAX_RESULT_SCALE * 3.01:
        if val > 0:
            raise SqlError("22003", "value overflows numeric format")
        return Decimal(0).scaleb(-NUMERIC_MAX_DISPLAY_SCALE)
    val *= 0.434294481903252
    rscale = _clamp_scale(NUMERIC_MIN_SIG_DIGITS - int(val), dscale(base), dscale(exp))
    prec = rscale + max(int(val), 0) + 20
    ctx = _ctx(prec)
    r = ctx.power(base, exp)
    return check_numeric_range(round_half_up(r, rscale))


def _power_int(base: Decimal, n: int) -> Decimal:
    rscale = _clamp_scale(NUMERIC_MIN_SIG_DIGITS, dscale(base))
    if base == 0:
        if n == 0:
            return Decimal(1).quantize(Decimal(1).scaleb(-rscale))
        return Decimal(0).scaleb(-rscale)
    weight, digits = nbase_digits(base)
    f = float(digits[0])
    p = weight * DEC_DIGITS
    for i in range(1, len(digits)):
        if i * DEC_DIGITS >= 16:
            break
        f = f * NBASE + digits[i]
        p -= DEC_DIGITS
    est = n * (math.log10(f) + p)
    if est > (32767 + 1) * DEC_DIGITS:
        raise SqlError("22003", "value overflows numeric format")
    if est + 1 < -rscale:
        return Decimal(0).scaleb(-rscale)
    prec = max(int(est), 0) + rscale + 20
    ctx = _ctx(prec)
    if n >= 0:
        r = ctx.power(base, n)
    else:
        r = ctx.divide(Decimal(1), ctx.power(base, -n))
    return round_half_up(r, rscale)


def _power_special(base: Decimal, exp: Decimal, exp_is_int: bool) -> Decimal:
    inf, ninf = Decimal("Infinity"), Decimal("-Infinity")
    if exp.is_infinite():
        if base == 1:
            return Decimal(1)
        if base == -1:
            return Decimal(1)
        absb = abs(base)
        if exp > 0:
            return inf if absb > 1 else Decimal(0)
        return Decimal(0) if absb > 1 else inf
    if exp == 0:
        return Decimal(1)
    if base > 0:
        return inf if exp > 0 else Decimal(0)
    odd = exp_is_int and int(exp) % 2 == 1
    if exp > 0:
        return ninf if odd else inf
    return Decimal(0)


register("sqrt", [NUMERIC], NUMERIC)(numeric_sqrt)
register("exp", [NUMERIC], NUMERIC)(numeric_exp)
register("ln", [NUMERIC], NUMERIC)(numeric_ln)
register("log", [NUMERIC, NUMERIC], NUMERIC)(numeric_log)
register("power", [NUMERIC, NUMERIC], NUMERIC)(numeric_power)
register("pow", [NUMERIC, NUMERIC], NUMERIC)(numeric_power)


@register("log", [NUMERIC], NUMERIC)
@register("log10", [NUMERIC], NUMERIC)
def numeric_log10(v: Decimal) -> Decimal:
    return numeric_log(Decimal(10), v)


# ---------------------------------------------------------------------------
# double precision functions


def _fcheck(r: float, *args: float) -> float:
    if math.isinf(r) and not any(math.isinf(a) for a in args):
        raise overflow()
    return r


@register("sqrt", [FLOAT8], FLOAT8)
def float_sqrt(v: float) -> float:
    if v < 0:
        raise SqlError("2201F", "cannot take square root of a negative number")
    return math.sqrt(v)


@register("cbrt", [FLOAT8], FLOAT8)
def float_cbrt(v: float) -> float:
    if math.isnan(v) or math.isinf(v) or v == 0:
        return v
    cbrt = getattr(math, "cbrt", None)
    if cbrt is not None:
        return float(cbrt(v))
    r = abs(v) ** (1.0 / 3.0)
    return -r if v < 0 else r


@register("exp", [FLOAT8], FLOAT8)
def float_exp(v: float) -> float:
    if math.isnan(v):
        return v
    if math.isinf(v):
        return v if v > 0 else 0.0
    try:
        r = math.exp(v)
    except OverflowError:
        raise overflow() from None
    if r == 0.0:
        raise underflow()
    return r


def _flog_check(v: float) -> None:
    if v == 0.0:
        raise SqlError("2201E", "cannot take logarithm of zero")
    if v < 0:
        raise SqlError("2201E", "cannot take logarithm of a negative number")


@register("ln", [FLOAT8], FLOAT8)
def float_ln(v: float) -> float:
    _flog_check(v)
    return math.log(v) if not math.isinf(v) and not math.isnan(v) else v


@register("log", [FLOAT8], FLOAT8)
@register("log10", [FLOAT8], FLOAT8)
def float_log10(v: float) -> float:
    _flog_check(v)
    return math.log10(v) if not math.isinf(v) and not math.isnan(v) else v


@register("power", [FLOAT8, FLOAT8], FLOAT8)
@register("pow", [FLOAT8, FLOAT8], FLOAT8)
def float_power(x: float, y: float) -> float:
    if math.isnan(x):
        return 1.0 if (not math.isnan(y) and y == 0.0) else x
    if math.isnan(y):
        return 1.0 if x == 1.0 else y
    if x == 0.0 and y < 0:
        raise SqlError("2201F", "zero raised to a negative power is undefined")
    if x < 0 and not math.isinf(y) and math.floor(y) != y:  # floor(inf) is inf in C: no error
        raise SqlError("2201F", "a negative number raised to a non-integer power yields a complex result")
    if math.isinf(y):
        ax = abs(x)
        if ax == 1.0:
            return 1.0
        if y > 0:
            return y if ax > 1.0 else 0.0
        return 0.0 if ax > 1.0 else -y
    if math.isinf(x):
        if y == 0.0:
            return 1.0
        if x > 0:
            return x if y > 0 else 0.0
        odd = y == math.floor(y) and math.fmod(y, 2.0) != 0
        if y > 0:
            return x if odd else -x
        return -0.0 if odd else 0.0
    try:
        r = math.pow(x, y)
    except OverflowError:
        raise overflow() from None
    if r == 0.0 and x != 0.0:
        raise underflow()
    return r


@register("pi", [], FLOAT8)
def pi() -> float:
    return math.pi


@register("degrees", [FLOAT8], FLOAT8)
def degrees(v: float) -> float:
    return _fcheck(v / RADIANS_PER_DEGREE, v)


@register("radians", [FLOAT8], FLOAT8)
def radians(v: float) -> float:
    return _fcheck(v * RADIANS_PER_DEGREE, v)


def _trig(f: Any, domain: Any = None, no_inf: bool = True) -> Any:
    def run(v: float) -> float:
        if math.isnan(v):
            return v
        if (no_inf and math.isinf(v)) or (domain is not None and not domain(v)):
            raise out_of_range()
        try:
            return f(v)
        except (ValueError, OverflowError):
            raise out_of_range() from None

    return run


def _unit(v: float) -> bool:
    return -1.0 <= v <= 1.0


register("sin", [FLOAT8], FLOAT8)(_trig(math.sin))
register("cos", [FLOAT8], FLOAT8)(_trig(math.cos))
register("tan", [FLOAT8], FLOAT8)(_trig(math.tan))
register("asin", [FLOAT8], FLOAT8)(_trig(math.asin, _unit))
register("acos", [FLOAT8], FLOAT8)(_trig(math.acos, _unit))
register("atan", [FLOAT8], FLOAT8)(_trig(math.atan, no_inf=False))


@register("cot", [FLOAT8], FLOAT8)
def cot(v: float) -> float:
    if math.isnan(v):
        return v
    if math.isinf(v):
        raise out_of_range()
    t = math.tan(v)
    return math.inf if t == 0.0 else 1.0 / t


@register("atan2", [FLOAT8, FLOAT8], FLOAT8)
def atan2(y: float, x: float) -> float:
    if math.isnan(y) or math.isnan(x):
        return math.nan
    return math.atan2(y, x)


def _sinh(v: float) -> float:
    try:
        return math.sinh(v)
    except OverflowError:
        return math.copysign(math.inf, v)


def _cosh(v: float) -> float:
    try:
        return math.cosh(v)
    except OverflowError:
        return math.inf


register("sinh", [FLOAT8], FLOAT8)(_trig(_sinh, no_inf=False))
register("cosh", [FLOAT8], FLOAT8)(_trig(_cosh, no_inf=False))
register("tanh", [FLOAT8], FLOAT8)(_trig(math.tanh, no_inf=False))
register("asinh", [FLOAT8], FLOAT8)(_trig(math.asinh, no_inf=False))
register("acosh", [FLOAT8], FLOAT8)(_trig(math.acosh, lambda v: v >= 1.0, no_inf=False))


@register("atanh", [FLOAT8], FLOAT8)
def atanh(v: float) -> float:
    if math.isnan(v):
        return v
    if v < -1.0 or v > 1.0:
        raise out_of_range()
    if v == 1.0:
        return math.inf
    if v == -1.0:
        return -math.inf
    return math.atanh(v)


# degree-based trigonometry, computed as PostgreSQL does for exact results at
# the well-known angles (float.c)
_SIN_30 = math.sin(30.0 * RADIANS_PER_DEGREE)
_ONE_MINUS_COS_60 = 1.0 - math.cos(60.0 * RADIANS_PER_DEGREE)
_ASIN_0_5 = math.asin(0.5)
_ACOS_0_5 = math.acos(0.5)
_ATAN_1_0 = math.atan(1.0)


def _sind_0_to_30(x: float) -> float:
    return (math.sin(x * RADIANS_PER_DEGREE) / _SIN_30) / 2.0


def _cosd_0_to_60(x: float) -> float:
    return 1.0 - ((1.0 - math.cos(x * RADIANS_PER_DEGREE)) / _ONE_MINUS_COS_60) / 2.0


def _sind_q1(x: float) -> float:
    return _sind_0_to_30(x) if x <= 30.0 else _cosd_0_to_60(90.0 - x)


def _cosd_q1(x: float) -> float:
    return _cosd_0_to_60(x) if x <= 60.0 else _sind_0_to_30(90.0 - x)


_TAN_45 = _sind_q1(45.0) / _cosd_q1(45.0)
_COT_45 = _cosd_q1(45.0) / _sind_q1(45.0)


def _deg_arg(v: float) -> float:
    if math.isinf(v):
        raise out_of_range()
    return math.fmod(v, 360.0)


@register("sind", [FLOAT8], FLOAT8)
def sind(v: float) -> float:
    if math.isnan(v):
        return v
    x = _deg_arg(v)
    sign = 1.0
    if x < 0.0:
        x, sign = -x, -sign
    if x > 180.0:
        x, sign = 360.0 - x, -sign
    if x > 90.0:
        x = 180.0 - x
    return sign * _sind_q1(x)


@register("cosd", [FLOAT8], FLOAT8)
def cosd(v: float) -> float:
    if math.isnan(v):
        return v
    x = _deg_arg(v)
    sign = 1.0
    if x < 0.0:
        x = -x
    if x > 180.0:
        x = 360.0 - x
    if x > 90.0:
        x, sign = 180.0 - x, -sign
    return sign * _cosd_q1(x)


def _tan_reduce(v: float) -> tuple[float, float]:
    x = _deg_arg(v)
    sign = 1.0
    if x < 0.0:
        x, sign = -x, -sign
    if x > 180.0:
        x, sign = 360.0 - x, -sign
    if x > 90.0:
        x, sign = 180.0 - x, -sign
    return x, sign


@register("tand", [FLOAT8], FLOAT8)
def tand(v: float) -> float:
    if math.isnan(v):
        return v
    x, sign = _tan_reduce(v)
    c = _cosd_q1(x)
    t = _sind_q1(x) / c if c != 0.0 else math.inf
    r = sign * (t / _TAN_45)
    return 0.0 if r == 0.0 else r


@register("cotd", [FLOAT8], FLOAT8)
def cotd(v: float) -> float:
    if math.isnan(v):
        return v
    x, sign = _tan_reduce(v)
    s = _sind_q1(x)
    ct = _cosd_q1(x) / s if s != 0.0 else math.inf
    r = sign * (ct / _COT_45)
    return 0.0 if r == 0.0 else r


def _asind_q1(x: float) -> float:
    if x <= 0.5:
        return (math.asin(x) / _ASIN_0_5) * 30.0
    return 90.0 - (math.acos(x) / _ACOS_0_5) * 60.0


def _acosd_q1(x: float) -> float:
    if x <= 0.5:
        return 90.0 - (math.asin(x) / _ASIN_0_5) * 30.0
    return (math.acos(x) / _ACOS_0_5) * 60.0


@register("asind", [FLOAT8], FLOAT8)
def asind(v: float) -> float:
    if math.isnan(v):
        return v
    if not _unit(v):
        raise out_of_range()
    return _asind_q1(v) if v >= 0.0 else -_asind_q1(-v)


@register("acosd", [FLOAT8], FLOAT8)
def acosd(v: float) -> float:
    if math.isnan(v):
        return v
    if not _unit(v):
        raise out_of_range()
    return _acosd_q1(v) if v >= 0.0 else 90.0 + _asind_q1(-v)


@register("atand", [FLOAT8], FLOAT8)
def atand(v: float) -> float:
    if math.isnan(v):
        return v
    return (math.atan(v) / _ATAN_1_0) * 45.0


@register("atan2d", [FLOAT8, FLOAT8], FLOAT8)
def atan2d(y: float, x: float) -> float:
    if math.isnan(y) or math.isnan(x):
        return math.nan
    return (math.atan2(y, x) / _ATAN_1_0) * 45.0


# ---------------------------------------------------------------------------
# integer and numeric helpers

def _int_div(a: int, b: int) -> int:
    if b == 0:
        raise SqlError("22012", "division by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _register_int_mod() -> None:
    for t in _INTS:
        register("mod", [t, t], t)(lambda a, b: a - b * _int_div(a, b))


_register_int_mod()


@register("mod", [NUMERIC, NUMERIC], NUMERIC)
def numeric_mod(a: Decimal, b: Decimal) -> Decimal:
    if a.is_nan() or b.is_nan():
        return Decimal("NaN")
    if b == 0:
        raise SqlError("22012", "division by zero")
    if a.is_infinite():
        return Decimal("NaN")
    if b.is_infinite():
        return a
    ctx = _ctx(max(a.adjusted(), 0) + max(dscale(a), dscale(b)) + 10)
    q = ctx.divide(a, b).to_integral_value(rounding=decimal.ROUND_DOWN, context=ctx)
    return clean(ctx.subtract(a, ctx.multiply(b, q)))


@register("div", [NUMERIC, NUMERIC], NUMERIC)
def numeric_div_trunc(a: Decimal, b: Decimal) -> Decimal:
    if a.is_nan() or b.is_nan():
        return Decimal("NaN")
    if b == 0:
        raise SqlError("22012", "division by zero")
    if a.is_infinite():
        if b.is_infinite():
            return Decimal("NaN")
        return a if b > 0 else -a
    if b.is_infinite():
        return Decimal(0)
    ctx = _ctx(max(a.adjusted() - b.adjusted(), 0) + 10)
    return clean(ctx.divide_int(a, b))


def _gcd_int(check: Any) -> Any:
    def gcd(a: int, b: int) -> int:
        return check(math.gcd(a, b))

    return gcd


def _lcm_int(check: Any) -> Any:
    def lcm(a: int, b: int) -> int:
        if a == 0 or b == 0:
            return 0
        return check(abs(a // math.gcd(a, b) * b))

    return lcm


register("gcd", [INT4, INT4], INT4)(_gcd_int(CHECK_INT4))
register("gcd", [INT8, INT8], INT8)(_gcd_int(CHECK_INT8))
register("lcm", [INT4, INT4], INT4)(_lcm_int(CHECK_INT4))
register("lcm", [INT8, INT8], INT8)(_lcm_int(CHECK_INT8))


def _as_fraction(a: Decimal, b: Decimal) -> tuple[int, int, int]:
    scale = max(dscale(a), dscale(b))
    m = 10 ** scale
    return int(a * m), int(b * m), scale


@register("gcd", [NUMERIC, NUMERIC], NUMERIC)
def numeric_gcd(a: Decimal, b: Decimal) -> Decimal:
    if not (a.is_finite() and b.is_finite()):
        return Decimal("NaN")
    x, y, scale = _as_fraction(a, b)
    return Decimal(math.gcd(x, y)).scaleb(-scale)


@register("lcm", [NUMERIC, NUMERIC], NUMERIC)
def numeric_lcm(a: Decimal, b: Decimal) -> Decimal:
    if not (a.is_finite() and b.is_finite()):
        return Decimal("NaN")
    x, y, scale = _as_fraction(a, b)
    if x == 0 or y == 0:
        return Decimal(0).scaleb(-scale)
    return Decimal(abs(x // math.gcd(x, y) * y)).scaleb(-scale)


@register("factorial", [INT8], NUMERIC)
def factorial(n: int) -> Decimal:
    if n < 0:
        raise SqlError("22003", "factorial of a negative number is undefined")
    if n > 32177:
        raise SqlError("22003", "value overflows numeric format")
    return Decimal(math.factorial(n))


@register("scale", [NUMERIC], INT4)
def scale(v: Decimal) -> int | None:
    if not v.is_finite():
        return None
    return dscale(v)


@register("min_scale", [NUMERIC], INT4)
def min_scale(v: Decimal) -> int | None:
    if not v.is_finite():
        return None
    if v == 0:
        return 0
    return max(dscale(v.normalize(context=_ctx(len(v.as_tuple().digits) + 5))), 0)


@register("trim_scale", [NUMERIC], NUMERIC)
def trim_scale(v: Decimal) -> Decimal:
    if not v.is_finite():
        return v
    s = min_scale(v) or 0
    return v.quantize(Decimal(1).scaleb(-s), context=_ctx(max(v.adjusted(), 0) + s + 5))


# ---------------------------------------------------------------------------
# width_bucket


def _width_bucket(op: Any, lo: Any, hi: Any, count: int, is_nan: Any, is_inf: Any) -> int:
    if count <= 0:
        raise SqlError("2201G", "count must be greater than zero")
    if is_nan(op) or is_nan(lo) or is_nan(hi):
        raise SqlError("2201G", "operand, lower bound, and upper bound cannot be NaN")
    if is_inf(lo) or is_inf(hi):
        raise SqlError("2201G", "lower and upper bounds must be finite")
    if lo == hi:
        raise SqlError("2201G", "lower bound cannot equal upper bound")
    if lo < hi:
        if op < lo:
            return 0
        if op >= hi:
            if count == 2147483647:
                raise SqlError("22003", "integer out of range")
            return count + 1
        return int((op - lo) * count / (hi - lo)) + 1 if not isinstance(op, Decimal) else \
            int(_bucket_quotient((op - lo) * count, hi - lo)) + 1
    if op > lo:
        return 0
    if op <= hi:
        if count == 2147483647:
            raise SqlError("22003", "integer out of range")
        return count + 1
    return int((lo - op) * count / (lo - hi)) + 1 if not isinstance(op, Decimal) else \
        int(_bucket_quotient((lo - op) * count, lo - hi)) + 1


def _bucket_quotient(a: Decimal, b: Decimal) -> Decimal:
    """floor(a / b) for a >= 0 and b > 0, exactly (the quotient need not end)."""
    return a // b


@register("width_bucket", [FLOAT8, FLOAT8, FLOAT8, INT4], INT4)
def width_bucket_float(op: float, lo: float, hi: float, count: int) -> int:
    return _width_bucket(op, lo, hi, count, math.isnan, math.isinf)


@register("width_bucket", [NUMERIC, NUMERIC, NUMERIC, INT4], INT4)
def width_bucket_numeric(op: Decimal, lo: Decimal, hi: Decimal, count: int) -> int:
    return _width_bucket(op, lo, hi, count, lambda d: d.is_nan(), lambda d: d.is_infinite())


@register("width_bucket", [ANYELEMENT, ANYARRAY], INT4)
def width_bucket_array(op: Any, thresholds: list[Any]) -> int:
    if thresholds and isinstance(thresholds[0], list):
        raise SqlError("2202E", "thresholds must be one-dimensional array")
    if any(t is None for t in thresholds):
        raise SqlError("22004", "thresholds array must not contain NULLs")
    lo, hi = 0, len(thresholds)
    while lo < hi:
        mid = (lo + hi) // 2
        t = thresholds[mid]
        if t is None or op >= t:
            lo = mid + 1
        else:
            hi = mid
    return lo


# ---------------------------------------------------------------------------
# random numbers

_rng = _random.Random()


@register("random", [], FLOAT8, volatile=True)
def random_() -> float:
    return _rng.random()


@register("random_normal", [FLOAT8, FLOAT8], FLOAT8, volatile=True)
def random_normal(mean: float = 0.0, stddev: float = 1.0) -> float:
    return _rng.gauss(mean, stddev)


@register("setseed", [FLOAT8], VOID, volatile=True)
def setseed(seed: float) -> str:
    if seed < -1.0 or seed > 1.0 or math.isnan(seed):
        raise SqlError("22023", f"setseed parameter {format_float8(seed, 0)} is out of allowed range [-1,1]")
    _rng.seed(seed)
    return ""  # void prints as an empty string


__all__ = [
    "estimate_ln_dweight",
    "float_power",
    "nbase_digits",
    "numeric_exp",
    "numeric_ln",
    "numeric_log",
    "numeric_power",
    "numeric_sqrt",
    "round_half_up",
]
