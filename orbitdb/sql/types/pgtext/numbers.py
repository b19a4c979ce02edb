"""Text input and output of boolean, integer, oid, float and numeric values, as PostgreSQL 15 does them."""

from __future__ import annotations

import math
import re
import struct
from decimal import Context, Decimal, InvalidOperation

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.errors import NUMERIC_VALUE_OUT_OF_RANGE, invalid_syntax, out_of_range

# C isspace(): what PostgreSQL's input functions skip around a value.
SPACES = " \t\n\r\v\f"

_INT_RANGES = {
    "smallint": (-(1 << 15), (1 << 15) - 1),
    "integer": (-(1 << 31), (1 << 31) - 1),
    "bigint": (-(1 << 63), (1 << 63) - 1),
}
_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
# strtod's decimal syntax (no Python-only underscores); hexadecimal floats are handled apart.
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_HEX_FLOAT_RE = re.compile(
    r"([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?)\Z"
)
_NUMERIC_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_FLOAT_SPECIALS = {
    "nan": math.nan,
    "inf": math.inf,
    "+inf": math.inf,
    "-inf": -math.inf,
    "infinity": math.inf,
    "+infinity": math.inf,
    "-infinity": -math.inf,
}
_NUMERIC_SPECIALS = {
    "nan": Decimal("NaN"),
    "inf": Decimal("Infinity"),
    "+inf": Decimal("Infinity"),
    "-inf": Decimal("-Infinity"),
    "infinity": Decimal("Infinity"),
    "+infinity": Decimal("Infinity"),
    "-infinity": Decimal("-Infinity"),
}
# numeric's limits: 131072 digits before the point, 16383 after.
_NUMERIC_MAX_WEIGHT = 131072
_NUMERIC_MAX_SCALE = 16383


# --- boolean --------------------------------------------------------------------------------------

_BOOL_WORDS = (
    ("true", True, 1),
    ("false", False, 1),
    ("yes", True, 1),
    ("no", False, 1),
    ("on", True, 2),
    ("off", False, 2),
)


def parse_bool(text: str) -> bool:
    """boolin: true/false/yes/no/on/off, any unique prefix, any case; 1/0; surrounding spaces."""
    word = text.strip(SPACES).lower()
    if word == "1":
        return True
    if word == "0":
        return False
    for full, value, shortest in _BOOL_WORDS:
        if len(word) >= shortest and full.startswith(word):
            return value
    raise invalid_syntax("boolean", text)


def format_bool(value: bool) -> str:
    return "t" if value else "f"


# --- integers -------------------------------------------------------------------------------------


def parse_int(text: str, type_name: str) -> int:
    """pg_strtoint16/32/64: optional sign, decimal digits, surrounding spaces."""
    body = text.strip(SPACES)
    if not _INT_RE.match(body):
        raise invalid_syntax(type_name, text)
    digits = body.lstrip("+-").lstrip("0")
    if len(digits) > 19:  # too many digits for any integer type (and for Python's int(str) limit)
        raise out_of_range(type_name, text)
    value = -int(digits or "0") if body.startswith("-") else int(digits or "0")
    low, high = _INT_RANGES[type_name]
    if not low <= value <= high:
        raise out_of_range(type_name, text)
    return value


def parse_oid(text: str) -> int:
    """oidin: like strtoul, so -1 wraps to 4294967295; beyond 32 bits is out of range."""
    body = text.strip(SPACES)
    if not _INT_RE.match(body):
        raise invalid_syntax("oid", text)
    value = int(body)
    if not -(1 << 31) <= value < (1 << 32):
        raise out_of_range("oid", text)
    return value & 0xFFFFFFFF


# --- floats ---------------------------------------------------------------------------------------


def parse_float(text: str, type_name: str, *, single: bool = False) -> float:
    """float8in / float4in: strtod syntax, Infinity/NaN words, and PostgreSQL's range errors
    (overflow and underflow to zero are errors; subnormal values are accepted)."""
    body = text.strip(SPACES)
    special = _FLOAT_SPECIALS.get(body.lower())
    if special is not None:
        return special
    if _FLOAT_RE.match(body):
        value = float(body)
        mantissa = body.lower().split("e")[0]
        nonzero = any(ch in "123456789" for ch in mantissa)
    else:
        hexmatch = _HEX_FLOAT_RE.match(body)
        if hexmatch is None:
            raise invalid_syntax(type_name, text)
        try:
            value = float.fromhex(hexmatch.group(1) + "0x" + hexmatch.group(2))
        except OverflowError:
            raise _float_range_error(type_name, text) from None
        nonzero = any(ch not in "0.xX" for ch in hexmatch.group(2).lower().split("p")[0])
    if single:
        try:
            value = struct.unpack("f", struct.pack("f", value))[0]
        except OverflowError:
            raise _float_range_error(type_name, text) from None
    if math.isinf(value) or (value == 0.0 and nonzero):
        raise _float_range_error(type_name, text)
    return value


def _float_range_error(type_name: str, text: str) -> SqlError:
    return SqlError(NUMERIC_VALUE_OUT_OF_RANGE, f'"{text}" is out of range for type {type_name}')


def format_float8(value: float, extra_float_digits: int = 1) -> str:
    """float8out: the shortest text that reads back exactly, in %g's layout with exponent
    from 1e15 (extra_float_digits > 0, PostgreSQL's default), else %.{15+extra}g."""
    special = _float_special(value)
    if special is not None:
        return special
    if extra_float_digits <= 0:
        return _c_g_format(value, max(1, 15 + extra_float_digits))
    digits, exponent = _shortest_digits(repr(value))
    return _layout(value < 0 or math.copysign(1.0, value) < 0, digits, exponent, 15)


def format_float4(value: float, extra_float_digits: int = 1) -> str:
    """float4out: as float8out with float32 precision (exponent from 1e6)."""
    special = _float_special(value)
    if special is not None:
        return special
    if extra_float_digits <= 0:
        return _c_g_format(value, max(1, 6 + extra_float_digits))
    single = struct.unpack("f", struct.pack("f", value))[0]
    text = ""
    for precision in range(1, 10):
        text = f"{single:.{precision - 1}e}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            break
    digits, exponent = _shortest_digits(text)
    return _layout(math.copysign(1.0, value) < 0, digits, exponent, 6)


def _float_special(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return None


def _c_g_format(value: float, precision: int) -> str:
    # Python's %g is C's %g, including the two-digit exponent.
    return f"{value:.{precision}g}"


def _shortest_digits(text: str) -> tuple[str, int]:
    """Digits (no leading/trailing zeros) and decimal exponent of the first digit, from a
    repr()/%e string."""
    text = text.lstrip("-")
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    exponent = int(exp) if exp else 0
    digits = (whole + frac).lstrip("0")
    exponent += len(whole) - 1 - (len(whole + frac) - len(digits))
    digits = digits.rstrip("0") or "0"
    if digits == "0":
        exponent = 0
    return digits, exponent


def _layout(negative: bool, digits: str, exponent: int, max_plain_exponent: int) -> str:
    """%g-style layout: plain notation for -4 <= exponent < max_plain_exponent, else d.ddde+XX."""
    sign = "-" if negative else ""
    if -4 <= exponent < max_plain_exponent:
        if exponent >= 0:
            if len(digits) <= exponent + 1:
                return sign + digits + "0" * (exponent + 1 - len(digits))
            return sign + digits[: exponent + 1] + "." + digits[exponent + 1 :]
        return sign + "0." + "0" * (-exponent - 1) + digits
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


# --- numeric --------------------------------------------------------------------------------------


def parse_numeric(text: str) -> Decimal:
    """numeric_in: decimal digits with optional exponent (the scale is kept: '1.50' stays 1.50),
    NaN and Infinity words."""
    body = text.strip(SPACES)
    special = _NUMERIC_SPECIALS.get(body.lower())
    if special is not None:
        return special
    if not _NUMERIC_RE.match(body):
        raise invalid_syntax("numeric", text)
    try:
        value = Decimal(body)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise invalid_syntax("numeric", text) from None
    if value.is_zero():
        # numeric has no negative zero and no negative scale
        return Decimal(0).scaleb(min(0, value.as_tuple().exponent))  # type: ignore[operator]
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if value.adjusted() >= _NUMERIC_MAX_WEIGHT or -exponent > _NUMERIC_MAX_SCALE:
        raise SqlError(NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format")
    if exponent > 0:  # 1e3 is 1000: as many digits as it has, whatever the thread's context
        value = value.quantize(Decimal(1), context=Context(prec=value.adjusted() + 1, Emax=_NUMERIC_MAX_WEIGHT))
    return value


def format_numeric(value: Decimal | float) -> str:
    """numeric_out: plain notation with the value's scale; no negative zero."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = Decimal(format_float8(value))
    if value.is_nan():
        return "NaN"
    if value.is_infinite():
        return "Infinity" if value > 0 else "-Infinity"
    text = format(value, "f")
    if value.is_zero() and text.startswith("-"):
        text = text[1:]
    return text
