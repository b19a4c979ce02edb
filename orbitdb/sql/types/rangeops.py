"""The range operators and functions, as PostgreSQL's rangetypes.c defines them: containment,
overlap, position (<< >> &< &> -|-), union, intersection, difference and range_merge."""

from __future__ import annotations

from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.ranges import canonical_multirange, is_discrete, make_range
from orbitdb.storage.ranges import MultiRange, Range, compare_bounds, element_cmp

EMPTY = Range(None, None, False, False, True)


def _lower(r: Range) -> tuple[Any, bool, bool]:
    return (r.lower, r.lower_inc, True)


def _upper(r: Range) -> tuple[Any, bool, bool]:
    return (r.upper, r.upper_inc, False)


def _cmp(a: tuple[Any, bool, bool], b: tuple[Any, bool, bool]) -> int:
    return compare_bounds(a[0], a[1], a[2], b[0], b[1], b[2])


def contains_range(a: Range, b: Range) -> bool:
    if b.empty:
        return True
    if a.empty:
        return False
    return _cmp(_lower(a), _lower(b)) <= 0 and _cmp(_upper(a), _upper(b)) >= 0


def contains_element(r: Range, v: Any) -> bool:
    if r.empty:
        return False
    if r.lower is not None:
        c = element_cmp(r.lower, v)
        if c > 0 or (c == 0 and not r.lower_inc):
            return False
    if r.upper is not None:
        c = element_cmp(r.upper, v)
        if c < 0 or (c == 0 and not r.upper_inc):
            return False
    return True


def overlaps(a: Range, b: Range) -> bool:
    if a.empty or b.empty:
        return False
    if _cmp(_lower(a), _lower(b)) >= 0 and _cmp(_lower(a), _upper(b)) <= 0:
        return True
    return _cmp(_lower(b), _lower(a)) >= 0 and _cmp(_lower(b), _upper(a)) <= 0


def before(a: Range, b: Range) -> bool:
    return not (a.empty or b.empty) and _cmp(_upper(a), _lower(b)) < 0


def after(a: Range, b: Range) -> bool:
    return not (a.empty or b.empty) and _cmp(_lower(a), _upper(b)) > 0


def overleft(a: Range, b: Range) -> bool:
    return not (a.empty or b.empty) and _cmp(_upper(a), _upper(b)) <= 0


def overright(a: Range, b: Range) -> bool:
    return not (a.empty or b.empty) and _cmp(_lower(a), _lower(b)) >= 0


def _bounds_adjacent(range_oid: int, upper: tuple[Any, bool, bool], lower: tuple[Any, bool, bool]) -> bool:
    """bounds_adjacent: no value lies between an upper bound and the next lower bound."""
    if upper[0] is None or lower[0] is None:
        return False
    c = element_cmp(upper[0], lower[0])
    if c < 0:
        if not is_discrete(range_oid):
            return False
        between = make_range(range_oid, upper[0], lower[0], not upper[1], not lower[1])
        return between.empty
    if c == 0:
        return upper[1] != lower[1]
    return False


def adjacent(range_oid: int, a: Range, b: Range) -> bool:
    if a.empty or b.empty:
        return False
    return _bounds_adjacent(range_oid, _upper(a), _lower(b)) or _bounds_adjacent(range_oid, _upper(b), _lower(a))


def _span(range_oid: int, a: Range, b: Range) -> Range:
    lo = _lower(a) if _cmp(_lower(a), _lower(b)) <= 0 else _lower(b)
    hi = _upper(a) if _cmp(_upper(a), _upper(b)) >= 0 else _upper(b)
    return make_range(range_oid, lo[0], hi[0], lo[1], hi[1])


def union(range_oid: int, a: Range, b: Range) -> Range:
    if a.empty:
        return b
    if b.empty:
        return a
    if not overlaps(a, b) and not adjacent(range_oid, a, b):
        raise SqlError("22000", "result of range union would not be contiguous")
    return _span(range_oid, a, b)


def range_merge(range_oid: int, a: Range, b: Range) -> Range:
    if a.empty:
        return b
    if b.empty:
        return a
    return _span(range_oid, a, b)


def intersection(range_oid: int, a: Range, b: Range) -> Range:
    if a.empty or b.empty or not overlaps(a, b):
        return EMPTY
    lo = _lower(a) if _cmp(_lower(a), _lower(b)) >= 0 else _lower(b)
    hi = _upper(a) if _cmp(_upper(a), _upper(b)) <= 0 else _upper(b)
    return make_range(range_oid, lo[0], hi[0], lo[1], hi[1])


def difference(range_oid: int, a: Range, b: Range) -> Range:
    if a.empty or b.empty:
        return a
    l1l2 = _cmp(_lower(a), _lower(b))
    l1u2 = _cmp(_lower(a), _upper(b))
    u1l2 = _cmp(_upper(a), _lower(b))
    u1u2 = _cmp(_upper(a), _upper(b))
    if l1l2 < 0 and u1u2 > 0:
        raise SqlError("22000", "result of range difference would not be contiguous")
    if l1u2 > 0 or u1l2 < 0:
        return a
    if l1l2 >= 0 and u1u2 <= 0:
        return EMPTY
    if l1l2 <= 0 and u1l2 >= 0 and u1u2 <= 0:
        return make_range(range_oid, a.lower, b.lower, a.lower_inc, not b.lower_inc)
    if l1l2 >= 0 and u1u2 >= 0 and l1u2 <= 0:
        return make_range(range_oid, b.upper, a.upper, not b.upper_inc, a.upper_inc)
    raise SqlError("XX000", "unexpected case in range_minus")


_FLAGS = {"[]": (True, True), "[)": (True, False), "(]": (False, True), "()": (False, False)}


def construct(range_oid: int, lower: Any, upper: Any, flags: str | None = "[)") -> Range:
    """int4range(lower, upper [, flags]) and the other constructors (a NULL bound is infinite)."""
    inc = _FLAGS.get(flags) if flags is not None else None
    if inc is None:
        if flags is None:
            raise SqlError("22000", "range constructor flags argument must not be null")
        raise SqlError("42601", "invalid range bound flags",
                       hint='Valid values are "[]", "[)", "(]", and "()".')
    return make_range(range_oid, lower, upper, inc[0], inc[1])


# --- multiranges ----------------------------------------------------------------------------------

def _pieces(x: Range | MultiRange) -> tuple[Range, ...]:
    if isinstance(x, MultiRange):
        return x.ranges
    return () if x.empty else (x,)


def mr_contains(a: Range | MultiRange, b: Any, element: bool = False) -> bool:
    """a @> b for a range or multirange a and an element, range or multirange b."""
    pieces = _pieces(a)
    if element:
        return any(contains_element(r, b) for r in pieces)
    return all(any(contains_range(r, s) for r in pieces) for s in _pieces(b))


def mr_overlaps(a: Range | MultiRange, b: Range | MultiRange) -> bool:
    return any(overlaps(r, s) for r in _pieces(a) for s in _pieces(b))


def mr_union(range_oid: int, a: MultiRange, b: MultiRange) -> MultiRange:
    return canonical_multirange(range_oid, [*a.ranges, *b.ranges])


def mr_intersection(range_oid: int, a: MultiRange, b: MultiRange) -> MultiRange:
    return canonical_multirange(range_oid, [intersection(range_oid, r, s) for r in a.ranges for s in b.ranges])


def _minus_one(range_oid: int, r: Range, s: Range) -> list[Range]:
    """r without s, as zero, one or two ranges."""
    if not overlaps(r, s):
        return [r]
    out = []
    if _cmp(_lower(r), _lower(s)) < 0:
        out.append(make_range(range_oid, r.lower, s.lower, r.lower_inc, not s.lower_inc))
    if _cmp(_upper(r), _upper(s)) > 0:
        out.append(make_range(range_oid, s.upper, r.upper, not s.upper_inc, r.upper_inc))
    return out


def mr_difference(range_oid: int, a: MultiRange, b: MultiRange) -> MultiRange:
    pieces = list(a.ranges)
    for s in b.ranges:
        pieces = [p for r in pieces for p in _minus_one(range_oid, r, s)]
    return canonical_multirange(range_oid, pieces)


def mr_construct(range_oid: int, ranges: list[Range | None]) -> MultiRange:
    if any(r is None for r in ranges):
        raise SqlError("22004", "multirange values cannot contain null members")
    return canonical_multirange(range_oid, [r for r in ranges if r is not None])


def mr_span(range_oid: int, m: MultiRange) -> Range:
    """range_merge(multirange): the smallest range holding it."""
    if not m.ranges:
        return EMPTY
    first, last = m.ranges[0], m.ranges[-1]
    return make_range(range_oid, first.lower, last.upper, first.lower_inc, last.upper_inc)
