"""Range types' text forms and their construction (PostgreSQL's range_in, range_out and
make_range): bounds in brackets or parentheses, "empty", an omitted bound for an infinite side;
int4range, int8range and daterange are discrete and kept canonical as [lower, upper)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.errors import INVALID_TEXT_REPRESENTATION
from orbitdb.storage.infinite import Infinite
from orbitdb.storage.ranges import Range, element_cmp

INT4RANGE, NUMRANGE, TSRANGE, TSTZRANGE, DATERANGE, INT8RANGE = 3904, 3906, 3908, 3910, 3912, 3926
# range type OID -> element type OID (pg_range.rngsubtype)
RANGE_ELEMENT: dict[int, int] = {
    INT4RANGE: 23, INT8RANGE: 20, NUMRANGE: 1700, DATERANGE: 1082, TSRANGE: 1114, TSTZRANGE: 1184,
}
RANGE_NAMES: dict[int, str] = {
    INT4RANGE: "int4range", INT8RANGE: "int8range", NUMRANGE: "numrange", DATERANGE: "daterange",
    TSRANGE: "tsrange", TSTZRANGE: "tstzrange",
}
_INT_LIMITS = {INT4RANGE: (2**31 - 1, "integer"), INT8RANGE: (2**63 - 1, "bigint")}
_QUOTED = frozenset('"\\()[],')


def _successor(range_oid: int, v: Any) -> Any:
    """The next value of a discrete range's element (its canonical function's step)."""
    if range_oid in _INT_LIMITS:
        top, name = _INT_LIMITS[range_oid]
        if v >= top:
            raise SqlError("22003", f"{name} out of range")
        return v + 1
    try:
        return v + datetime.timedelta(days=1)
    except OverflowError:
        raise SqlError("22008", "date out of range") from None


def is_discrete(range_oid: int) -> bool:
    return range_oid in (INT4RANGE, INT8RANGE, DATERANGE)


def make_range(range_oid: int, lower: Any, upper: Any, lower_inc: bool, upper_inc: bool) -> Range:
    """A range from its bounds (None: infinite), checked and made canonical as PostgreSQL's
    make_range does."""
    order = element_cmp(lower, upper) if lower is not None and upper is not None else -1
    if order > 0:
        raise SqlError("22000", "range lower bound must be less than or equal to range upper bound")
    if order == 0 and not (lower_inc and upper_inc):
        return Range(None, None, False, False, True)
    if is_discrete(range_oid):
        # an infinite date is kept as it is (daterange_canonical skips it)
        if lower is not None and not lower_inc and type(lower) is not Infinite:
            lower, lower_inc = _successor(range_oid, lower), True
        if upper is not None and upper_inc and type(upper) is not Infinite:
            upper, upper_inc = _successor(range_oid, upper), False
        if lower is not None and upper is not None and element_cmp(lower, upper) >= 0:
            return Range(None, None, False, False, True)
    return Range(lower, upper, lower_inc, upper_inc)


def _malformed(text: str, detail: str) -> SqlError:
    return SqlError(INVALID_TEXT_REPRESENTATION, f'malformed range literal: "{text}"', detail=detail)


def _parse_bound(text: str, pos: int) -> tuple[str | None, int]:
    """range_parse_bound: the bound's text (None when omitted: infinite) and where it ends."""
    if pos < len(text) and text[pos] in ",)]":
        return None, pos
    out: list[str] = []
    quoted = False
    while True:
        if pos >= len(text):
            raise _malformed(text, "Unexpected end of input.")
        ch = text[pos]
        if not quoted and ch in ",()[]":
            break
        pos += 1
        if ch == "\\":
            if pos >= len(text):
                raise _malformed(text, "Unexpected end of input.")
            out.append(text[pos])
            pos += 1
        elif ch == '"':
            if not quoted:
                quoted = True
            elif pos < len(text) and text[pos] == '"':
                out.append('"')
                pos += 1
            else:
                quoted = False
        else:
            out.append(ch)
    return "".join(out), pos


def parse_range(text: str, range_oid: int, parse_element: Callable[[str], Any]) -> Range:
    """range_in: text to a canonical range, errors worded as PostgreSQL's."""
    pos, n = 0, len(text)
    while pos < n and text[pos].isspace():
        pos += 1
    if text[pos:pos + 5].lower() == "empty":
        pos += 5
        while pos < n and text[pos].isspace():
            pos += 1
        if pos != n:
            raise _malformed(text, 'Junk after "empty" key word.')
        return Range(None, None, False, False, True)
    if pos < n and text[pos] in "[(":
        lower_inc = text[pos] == "["
        pos += 1
    else:
        raise _malformed(text, "Missing left parenthesis or bracket.")
    lower_text, pos = _parse_bound(text, pos)
    if pos < n and text[pos] == ",":
        pos += 1
    else:
        raise _malformed(text, "Missing comma after lower bound.")
    upper_text, pos = _parse_bound(text, pos)
    if pos < n and text[pos] in "])":
        upper_inc = text[pos] == "]"
        pos += 1
    elif pos < n and text[pos] == ",":
        raise _malformed(text, "Too many commas.")
    else:
        raise _malformed(text, "Missing right parenthesis or bracket.")
    while pos < n and text[pos].isspace():
        pos += 1
    if pos != n:
        raise _malformed(text, "Junk after right parenthesis or bracket.")
    lower = None if lower_text is None else parse_element(lower_text)
    upper = None if upper_text is None else parse_element(upper_text)
    return make_range(range_oid, lower, upper, lower_inc, upper_inc)


def _escaped(bound: str) -> str:
    if bound and not any(c in _QUOTED or c.isspace() for c in bound):
        return bound
    return '"' + bound.replace("\\", "\\\\").replace('"', '""') + '"'


def format_range(value: Range, format_element: Callable[[Any], str]) -> str:
    """range_out."""
    if value.empty:
        return "empty"
    lower = "" if value.lower is None else _escaped(format_element(value.lower))
    upper = "" if value.upper is None else _escaped(format_element(value.upper))
    return ("[" if value.lower_inc else "(") + lower + "," + upper + ("]" if value.upper_inc else ")")
