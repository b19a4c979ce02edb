"""A value of a range type (int4range, numrange, daterange, ...): its bounds, whether each is
inclusive, or empty. A bound of None is infinite (PostgreSQL's unbounded side). Ranges order as
PostgreSQL's range_cmp: empty first, then by lower bound (unbounded first, an inclusive bound
before an exclusive one at the same value), then by upper bound (unbounded last)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def element_cmp(a: Any, b: Any) -> int:
    """-1, 0 or 1 between two bound values (a numeric NaN after every number, as PostgreSQL's
    numeric order puts it)."""
    if type(a) is Decimal and type(b) is Decimal and (a.is_nan() or b.is_nan()):
        return a.is_nan() - b.is_nan()
    return (a > b) - (a < b)


def compare_bounds(v1: Any, inc1: bool, lower1: bool, v2: Any, inc2: bool, lower2: bool) -> int:
    """PostgreSQL's range_cmp_bounds: -1, 0 or 1 between two bounds (a value of None is the
    infinite bound of its side; lower1/lower2 say which side each bound is)."""
    if v1 is None and v2 is None:
        if lower1 == lower2:
            return 0
        return -1 if lower1 else 1
    if v1 is None:
        return -1 if lower1 else 1
    if v2 is None:
        return 1 if lower2 else -1
    result = element_cmp(v1, v2)
    if result == 0:
        if not inc1 and not inc2:
            if lower1 == lower2:
                return 0
            return 1 if lower1 else -1
        if not inc1:
            return 1 if lower1 else -1
        if not inc2:
            return -1 if lower2 else 1
    return result


def _hashable(v: Any) -> Any:
    # every numeric NaN hashes alike, as they compare equal in a range
    return "NaN" if type(v) is Decimal and v.is_nan() else v


class Range:
    """A range value; made canonical by orbitdb.sql.types.ranges, never changed afterwards."""

    __slots__ = ("empty", "lower", "lower_inc", "upper", "upper_inc")

    def __init__(self, lower: Any, upper: Any, lower_inc: bool, upper_inc: bool, empty: bool = False) -> None:
        if empty:
            lower = upper = None
            lower_inc = upper_inc = False
        self.lower = lower
        self.upper = upper
        self.lower_inc = bool(lower_inc) and lower is not None
        self.upper_inc = bool(upper_inc) and upper is not None
        self.empty = empty

    # psycopg2's Range API, so the DB-API hands out what psycopg2 users know
    @property
    def isempty(self) -> bool:
        return self.empty

    @property
    def lower_inf(self) -> bool:
        return not self.empty and self.lower is None

    @property
    def upper_inf(self) -> bool:
        return not self.empty and self.upper is None

    def sort_key(self) -> tuple[Any, ...]:
        """A key whose order (Python's and the key encoding's) is PostgreSQL's range order."""
        if self.empty:
            return (0,)
        lo = (0, 0, 0) if self.lower is None else (1, self.lower, 0 if self.lower_inc else 1)
        hi = (2, 0, 0) if self.upper is None else (1, self.upper, 1 if self.upper_inc else 0)
        return (1, *lo, *hi)

    def _cmp(self, other: Range) -> int:
        if self.empty or other.empty:
            return (not self.empty) - (not other.empty)
        c = compare_bounds(self.lower, self.lower_inc, True, other.lower, other.lower_inc, True)
        if c == 0:
            c = compare_bounds(self.upper, self.upper_inc, False, other.upper, other.upper_inc, False)
        return c

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Range):
            return NotImplemented
        return self._cmp(other) == 0

    def __hash__(self) -> int:
        return hash((self.empty, _hashable(self.lower), _hashable(self.upper), self.lower_inc, self.upper_inc))

    def __lt__(self, other: Range) -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: Range) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: Range) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: Range) -> bool:
        return self._cmp(other) >= 0

    def __repr__(self) -> str:
        if self.empty:
            return "Range(empty=True)"
        return f"Range({self.lower!r}, {self.upper!r}, {self.lower_inc}, {self.upper_inc})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (Range, (self.lower, self.upper, self.lower_inc, self.upper_inc, self.empty))


class MultiRange:
    """A multirange value: its ranges, non-empty, sorted, neither overlapping nor adjacent (made
    so by orbitdb.sql.types.pgtext.ranges); ordered range by range, a shorter one first when
    one is a prefix of the other, as PostgreSQL's multirange_cmp."""

    __slots__ = ("ranges",)

    def __init__(self, ranges: tuple[Range, ...] | list[Range]) -> None:
        self.ranges = tuple(ranges)

    def sort_key(self) -> tuple[Any, ...]:
        return tuple(r.sort_key() for r in self.ranges)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MultiRange):
            return NotImplemented
        return self.ranges == other.ranges

    def __hash__(self) -> int:
        return hash(self.ranges)

    def __lt__(self, other: MultiRange) -> bool:
        return list(self.ranges) < list(other.ranges)

    def __le__(self, other: MultiRange) -> bool:
        return list(self.ranges) <= list(other.ranges)

    def __gt__(self, other: MultiRange) -> bool:
        return list(self.ranges) > list(other.ranges)

    def __ge__(self, other: MultiRange) -> bool:
        return list(self.ranges) >= list(other.ranges)

    def __repr__(self) -> str:
        return f"MultiRange({list(self.ranges)!r})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (MultiRange, (self.ranges,))
