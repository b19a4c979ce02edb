"""money's text forms as PostgreSQL's cash_in and cash_out write them under lc_monetary 'C':
'$1,234.56', '-$1.50'; input takes a currency sign, thousands separators, a sign or parentheses
and rounds to cents. Values are Decimals of cents / 100 (money is an int64 count of cents)."""

from __future__ import annotations

from decimal import Decimal

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.errors import INVALID_TEXT_REPRESENTATION, NUMERIC_VALUE_OUT_OF_RANGE

MONEY_MIN = -(2**63)
MONEY_MAX = 2**63 - 1
_CENT = Decimal("0.01")


def _out_of_range(text: str) -> SqlError:
    return SqlError(NUMERIC_VALUE_OUT_OF_RANGE, f'value "{text}" is out of range for type money')


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r\v\f":
        pos += 1
    return pos


def parse_money(text: str) -> Decimal:
    """cash_in."""
    pos = _skip_spaces(text, 0)
    if text.startswith("$", pos):
        pos += 1
    pos = _skip_spaces(text, pos)
    sign = 1
    if text.startswith("-", pos) or text.startswith("(", pos):
        sign = -1
        pos += 1
    elif text.startswith("+", pos):
        pos += 1
    pos = _skip_spaces(text, pos)
    if text.startswith("$", pos):
        pos += 1
    pos = _skip_spaces(text, pos)
    value = 0
    decimals = 0
    seen_dot = False
    n = len(text)
    while pos < n:
        ch = text[pos]
        if "0" <= ch <= "9" and (not seen_dot or decimals < 2):
            value = value * 10 + (ord(ch) - 48)
            if value > -MONEY_MIN:
                raise _out_of_range(text)
            if seen_dot:
                decimals += 1
        elif ch == "." and not seen_dot:
            seen_dot = True
        elif ch != ",":
            break
        pos += 1
    if pos < n and "5" <= text[pos] <= "9":
        value += 1
        if value > -MONEY_MIN:
            raise _out_of_range(text)
    while decimals < 2:
        value *= 10
        decimals += 1
        if value > -MONEY_MIN:
            raise _out_of_range(text)
    while pos < n and "0" <= text[pos] <= "9":
        pos += 1
    while pos < n:
        ch = text[pos]
        if ch in " \t\n\r\v\f)+$":
            pos += 1
        elif ch == "-":
            sign = -1
            pos += 1
        else:
            raise SqlError(INVALID_TEXT_REPRESENTATION, f'invalid input syntax for type money: "{text}"')
    if sign > 0 and value > MONEY_MAX:
        raise _out_of_range(text)
    return Decimal(sign * value).scaleb(-2)


def cents(value: Decimal) -> int:
    return int(value.scaleb(2))


def from_cents(count: int) -> Decimal:
    if not MONEY_MIN <= count <= MONEY_MAX:
        raise SqlError(NUMERIC_VALUE_OUT_OF_RANGE, "money out of range")
    return Decimal(count).scaleb(-2)


def format_money(value: Decimal) -> str:
    """cash_out: '$' and the amount with ',' between thousands, '-' before a negative one."""
    count = cents(value)
    whole, frac = divmod(abs(count), 100)
    return f"{'-' if count < 0 else ''}${whole:,}.{frac:02d}"


def money_quantize(value: Decimal) -> Decimal:
    return value.quantize(_CENT)
