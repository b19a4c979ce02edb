"""RANGE frames with an offset (RANGE BETWEEN x PRECEDING AND y FOLLOWING), as PostgreSQL's
in_range support functions define them: which ORDER BY column types take which offset types,
the checks on the offset, and the value a row's frame reaches from its own ORDER BY value."""

from __future__ import annotations

import datetime
import decimal
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import coerce
from orbitdb.sql.expr.datetimeops import interval_add, interval_sub, ts_plus_interval
from orbitdb.storage.interval import USECS_PER_DAY, Interval

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler

_INTS = (T.INT2.oid, T.INT4.oid, T.INT8.oid)
_FLOATS = (T.FLOAT4.oid, T.FLOAT8.oid)
_DATETIMES = (T.DATE.oid, T.TIMESTAMP.oid, T.TIMESTAMPTZ.oid)
_TIMES = (T.TIME.oid, T.TIMETZ.oid)
# PostgreSQL's timestamps reach from 4714 BC to 294276 AD; Python's from 1 to 9999 AD
_PG_FIRST_YEAR, _PG_LAST_YEAR = -4713, 294276
_Reach = Callable[[Any, Any, bool], Any]  # (a row's ORDER BY value, offset, subtract) -> the bound
_Key = Callable[[Any], Any]  # an ORDER BY value as bounds compare with it


class _Beyond:
    """A frame bound past every value Python's datetime holds (still inside PostgreSQL's range):
    greater, or smaller, than all of them."""

    __slots__ = ("above",)

    def __init__(self, above: bool) -> None:
        self.above = above

    def __lt__(self, other: object) -> bool:
        return not self.above

    def __le__(self, other: object) -> bool:
        return not self.above

    def __gt__(self, other: object) -> bool:
        return self.above

    def __ge__(self, other: object) -> bool:
        return self.above


class RangeOffset:
    """One bound of a RANGE frame with an offset, for the ORDER BY column's type."""

    __slots__ = ("key", "offset", "reach")

    def __init__(self, offset: Any, reach: _Reach, key: _Key) -> None:
        self.offset = offset
        self.reach = reach
        self.key = key

    def target(self, base: Any, subtract: bool) -> Any:
        return self.reach(self.key(base), self.offset, subtract)


def range_offset(node: Any, c: Compiler, column: T.SqlType, is_start: bool) -> RangeOffset:
    """The RANGE offset node for an ORDER BY column of type column: the offset coerced to the type
    PostgreSQL's in_range function for the column takes (0A000 when there is none), its null and
    negative values refused as PostgreSQL refuses them."""
    e = c.compile(node)
    if not e.const:
        raise SqlError("0A000", "frame offsets must be constants")
    wanted, accepted, reach, key = _support(T.strip(column).oid)
    if wanted is None or e.type.oid not in (T.UNKNOWN.oid, *accepted):
        raise SqlError("0A000", f"RANGE with offset PRECEDING/FOLLOWING is not supported for column type "
                                f"{T.strip(column).display()} and offset type {e.type.display()}",
                       hint="Cast the offset value to an appropriate type.")
    value = coerce(e, wanted).value
    if value is None:
        which = "starting" if is_start else "ending"
        raise SqlError("22004", f"frame {which} offset must not be null")
    if _negative(value):
        raise SqlError("22013", "invalid preceding or following size in window function")
    return RangeOffset(value, reach, key)


def _negative(value: Any) -> bool:
    if isinstance(value, Interval):
        return value.sort_key() < 0
    if isinstance(value, float):
        return math.isnan(value) or value < 0
    if isinstance(value, decimal.Decimal):
        return value.is_nan() or value < 0
    return bool(value < 0)


def _support(col: int) -> tuple[T.SqlType | None, tuple[int, ...], _Reach, _Key]:
    """PostgreSQL's in_range function for a column type: the offset type it takes, the types that
    convert to it, how a bound is reached and how a row's value compares with it."""
    if col in _INTS:
        return T.INT8, _INTS, _plain, _same
    if col == T.NUMERIC.oid:
        return T.NUMERIC, (*_INTS, T.NUMERIC.oid), _nan_last(_plain), _nan_key
    if col in _FLOATS:
        return T.FLOAT8, (*_INTS, T.NUMERIC.oid, *_FLOATS), _nan_last(_float_reach), _nan_key
    if col == T.DATE.oid:  # a date goes as the timestamp of its midnight
        return T.INTERVAL, (T.INTERVAL.oid,), _datetime_reach, _date_key
    if col in (T.TIMESTAMP.oid, T.TIMESTAMPTZ.oid):
        return T.INTERVAL, (T.INTERVAL.oid,), _datetime_reach, _same
    if col in _TIMES:
        return T.INTERVAL, (T.INTERVAL.oid,), _time_reach, _time_key
    if col == T.INTERVAL.oid:
        return T.INTERVAL, (T.INTERVAL.oid,), _interval_reach, _same
    return None, (), _plain, _same


def _same(v: Any) -> Any:
    return v


def _plain(base: Any, offset: Any, subtract: bool) -> Any:
    return base - offset if subtract else base + offset


def _nan_key(v: Any) -> tuple[int, Any]:
    """A numeric or float value as in_range compares it: NaN above every number, equal to NaN."""
    return (1, 0) if v != v else (0, v)  # noqa: PLR0124 - only NaN differs from itself


def _nan_last(reach: _Reach) -> _Reach:
    """reach over _nan_key values: a NaN row's frame reaches NaN, whatever the offset."""
    def nan_reach(base: tuple[int, Any], offset: Any, subtract: bool) -> tuple[int, Any]:
        return base if base[0] else (0, reach(base[1], offset, subtract))
    return nan_reach


def _float_reach(base: float, offset: float, subtract: bool) -> float:
    if math.isinf(offset) and math.isinf(base) and (base > 0 if subtract else base < 0):
        return -base  # inf - inf: PostgreSQL counts every row in range
    return base - offset if subtract else base + offset


def _date_key(v: datetime.date) -> datetime.datetime:
    return datetime.datetime(v.year, v.month, v.day)


def _datetime_reach(base: datetime.datetime, offset: Interval, subtract: bool) -> Any:
    try:
        return ts_plus_interval(base, offset, -1 if subtract else 1)
    except SqlError:
        # past Python's years 1-9999: inside PostgreSQL's range the bound is beyond every row,
        # outside it PostgreSQL's timestamp_pl_interval fails as we do
        years = base.year + (-1 if subtract else 1) * (offset.months / 12 + offset.days / 365.25
                                                       + offset.microseconds / (USECS_PER_DAY * 365.25))
        if _PG_FIRST_YEAR <= years <= _PG_LAST_YEAR:
            return _Beyond(above=not subtract)
        raise


def _time_key(v: datetime.time) -> int:
    return ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond


def _time_reach(base: int, offset: Interval, subtract: bool) -> int:
    # PostgreSQL's in_range_time_interval: only the interval's time counts, with no wraparound
    return base - offset.microseconds if subtract else base + offset.microseconds


def _interval_reach(base: Interval, offset: Interval, subtract: bool) -> Interval:
    return interval_sub(base, offset) if subtract else interval_add(base, offset)
