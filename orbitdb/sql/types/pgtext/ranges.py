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
from orbitdb.storage.ranges import MultiRange, Range, compare_bounds, element_cmp

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


# --- multiranges ----------------------------------------------------------------------------------

INT4MULTIRANGE, NUMMULTIRANGE, TSMULTIRANGE, TSTZMULTIRANGE, DATEMULTIRANGE, INT8MULTIRANGE = (
    4451, 4532, 4533, 4534, 4535, 4536)
# multirange type OID -> its range type OID (pg_range.rngmultitypid, the other way round)
MULTIRANGE_RANGE: dict[int, int] = {
    INT4MULTIRANGE: INT4RANGE, INT8MULTIRANGE: INT8RANGE, NUMMULTIRANGE: NUMRANGE, DATEMULTIRANGE: DATERANGE,
    TSMULTIRANGE: TSRANGE, TSTZMULTIRANGE: TSTZRANGE,
}


def _touches(cur: Range, nxt: Range) -> bool:
    """Whether nxt (not before cur in range order) overlaps or is adjacent to cur."""
    if cur.upper is None or nxt.lower is None:
        return True
    c = element_cmp(nxt.lower, cur.upper)
    if c != 0:
        return c < 0
    return cur.upper_inc or nxt.lower_inc


def canonical_multirange(range_oid: int, ranges: list[Range]) -> MultiRange:
    """multirange_canonicalize: the ranges sorted, empties dropped, touching ones merged."""
    out: list[Range] = []
    for r in sorted(r for r in ranges if not r.empty):
        if out and _touches(out[-1], r):
            cur = out[-1]
            if cur.upper is None or (r.upper is not None and compare_bounds(
                    cur.upper, cur.upper_inc, False, r.upper, r.upper_inc, False) >= 0):
                continue
            out[-1] = make_range(range_oid, cur.lower, r.upper, cur.lower_inc, r.upper_inc)
        else:
            out.append(r)
    return MultiRange(out)


def _malformed_multi(text: str, detail: str) -> SqlError:
    return SqlError(INVALID_TEXT_REPRESENTATION, f'malformed multirange literal: "{text}"', detail=detail)


def _range_end(text: str, pos: int) -> int:
    """Where the range literal starting at pos ends (after its closing bracket or parenthesis)."""
    if text[pos:pos + 5].lower() == "empty":
        return pos + 5
    quoted = False
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "])":
            return i + 1
        i += 1
    raise _malformed_multi(text, "Unexpected end of input.")


def parse_multirange(text: str, multi_oid: int, parse_element: Callable[[str], Any]) -> MultiRange:
    """multirange_in: '{}' or '{range, range, ...}'."""
    range_oid = MULTIRANGE_RANGE[multi_oid]
    pos, n = 0, len(text)
    while pos < n and text[pos].isspace():
        pos += 1
    if pos >= n or text[pos] != "{":
        raise _malformed_multi(text, "Missing left brace.")
    pos += 1
    ranges: list[Range] = []
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos < n and text[pos] == "}" and not ranges:
            pos += 1
            break
        if pos >= n or not (text[pos] in "[(" or text[pos:pos + 5].lower() == "empty"):
            raise _malformed_multi(text, "Expected range start.")
        end = _range_end(text, pos)
        ranges.append(parse_range(text[pos:end], range_oid, parse_element))
        pos = end
        while pos < n and text[pos].isspace():
            pos += 1
        if pos < n and text[pos] == ",":
            pos += 1
            continue
        if pos < n and text[pos] == "}":
            pos += 1
            break
        raise _malformed_multi(text, "Expected comma or end of multirange.")
    while pos < n and text[pos].isspace():
        pos += 1
    if pos != n:
        raise _malformed_multi(text, "Junk after closing right brace.")
    return canonical_multirange(range_oid, ranges)


def format_multirange(value: MultiRange, format_element: Callable[[Any], str]) -> str:
    return "{" + ",".join(format_range(r, format_element) for r in value.ranges) + "}"
