"""PostgreSQL's date/time functions: current time, date_trunc, extract and
date_part, age, make_*, AT TIME ZONE, justify_*, to_timestamp(epoch),
date_bin and isfinite.

Values: date is datetime.date, timestamp a naive datetime, timestamptz an
aware datetime in UTC, time a datetime.time, interval an Interval(months,
days, microseconds). Field arithmetic on timestamptz happens in the session's
TimeZone, as in PostgreSQL."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import E, coerce, const
from orbitdb.sql.expr.datetimeops import check_interval
from orbitdb.sql.expr.funccall import call_compiled
from orbitdb.sql.functions import hook
from orbitdb.sql.functions.registry import register
from orbitdb.sql.functions.strings import session_tz
from orbitdb.sql.types.numeric import numeric_div
from orbitdb.sql.types.pgtext.numbers import format_float8
from orbitdb.sql.types.pgtext.zones import ABBREVIATIONS, local_to_utc, zone
from orbitdb.sql.types.textio import from_text, to_text
from orbitdb.storage.infinite import Infinite
from orbitdb.storage.interval import USECS_PER_DAY, Interval

DATE, TIME, TIMETZ, TS, TSTZ, IV = T.DATE, T.TIME, T.TIMETZ, T.TIMESTAMP, T.TIMESTAMPTZ, T.INTERVAL
TEXT, INT4, FLOAT8, NUMERIC, BOOL = T.TEXT, T.INT4, T.FLOAT8, T.NUMERIC, T.BOOL

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1)
EPOCH_ORDINAL = EPOCH.toordinal()
JULIAN_OFFSET = 1721425  # date2j(y, m, d) = date.toordinal() + JULIAN_OFFSET
USECS_PER_SEC = 1_000_000
USECS_PER_HOUR = 3_600_000_000
USECS_PER_MINUTE = 60_000_000
DAYS_PER_MONTH = 30

_TYPE_NAMES = {
    TS.oid: "timestamp without time zone", TSTZ.oid: "timestamp with time zone", DATE.oid: "date",
    TIME.oid: "time without time zone", TIMETZ.oid: "time with time zone", IV.oid: "interval",
}


# ---------------------------------------------------------------------------
# units

_UNIT_WORDS = {
    "microsecond": "microseconds us usec usecs microsecon microsecond microseconds useconds",
    "millisecond": "milliseconds ms msec msecs millisecon millisecond mseconds",
    "second": "second s sec secs seconds",
    "minute": "minute m min mins minutes",
    "hour": "hour h hr hrs hours",
    "day": "day d days",
    "week": "week w weeks",
    "month": "month mon mons months",
    "quarter": "quarter qtr",
    "year": "year y yr yrs years",
    "decade": "decade dec decades decs",
    "century": "century c cent centuries",
    "millennium": "millennium mil mils millennia millenniums",
    "dow": "dow",
    "isodow": "isodow",
    "doy": "doy",
    "isoyear": "isoyear",
    "epoch": "epoch",
    "julian": "julian j jd",
    "timezone": "timezone tz",
    "timezone_hour": "timezone_hour timezone_h",
    "timezone_minute": "timezone_minute timezone_m",
}
UNITS: dict[str, str] = {w: u for u, words in _UNIT_WORDS.items() for w in words.split()}
UNITS["microseconds"] = "microsecond"
UNITS["milliseconds"] = "millisecond"


def unit_of(text: str, type_oid: int) -> str:
    u = UNITS.get(text.lower().strip())
    if u is None:
        raise SqlError("22023", f'unit "{text.lower()}" not recognized for type {_TYPE_NAMES[type_oid]}')
    return u


def not_supported(text: str, type_oid: int) -> SqlError:
    return SqlError("0A000", f'unit "{text.lower()}" not supported for type {_TYPE_NAMES[type_oid]}')


# ---------------------------------------------------------------------------
# helpers


def iv(v: Any) -> Interval:
    """An interval value as orbitdb's Interval (text input may give another tuple type)."""
    return v if isinstance(v, Interval) else Interval(v.months, v.days, v.microseconds)


def local(ts: dt.datetime, tz: Any = None) -> dt.datetime:
    """A timestamptz as a wall-clock (naive) datetime in the session zone."""
    return ts.astimezone(tz or session_tz()).replace(tzinfo=None)


def to_utc(naive: dt.datetime, tz: Any = None) -> dt.datetime:
    try:
        return local_to_utc(naive, tz or session_tz())
    except OverflowError:
        raise ts_out_of_range() from None


def ts_out_of_range() -> SqlError:
    return SqlError("22008", "timestamp out of range")


def time_usecs(t: dt.time | dt.datetime) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * USECS_PER_SEC + t.microsecond


def c_div(a: int, b: int) -> tuple[int, int]:
    """C's truncating division and remainder."""
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return q, a - q * b


def _num(us: int, scale: int) -> Decimal:
    """us / 10^scale as a numeric with exactly `scale` decimals."""
    return Decimal(us).scaleb(-scale)


def _finish(v: Any, as_numeric: bool) -> Any:
    if as_numeric:
        return v if isinstance(v, Decimal) else Decimal(v)
    return float(v)


# ---------------------------------------------------------------------------
# current time


@register("now", [], TSTZ, needs_ctx=True)
@register("transaction_timestamp", [], TSTZ, needs_ctx=True)
def now(ctx: Any) -> dt.datetime:
    return ctx.statement_time


@register("statement_timestamp", [], TSTZ, needs_ctx=True)
def statement_timestamp(ctx: Any) -> dt.datetime:
    session = getattr(ctx, "session", None)
    if session is not None and hasattr(session, "statement_timestamp"):
        return session.statement_timestamp()
    return ctx.statement_time


@register("clock_timestamp", [], TSTZ, volatile=True)
def clock_timestamp() -> dt.datetime:
    return dt.datetime.now(UTC)


@register("timeofday", [], TEXT, volatile=True)
def timeofday() -> str:
    now_ = dt.datetime.now(UTC).astimezone(session_tz())
    name = now_.tzname() or "UTC"
    return now_.strftime("%a %b %d %H:%M:%S.") + f"{now_.microsecond:06d} {now_.year} {name}"


@register("current_date", [], DATE, needs_ctx=True)
def current_date(ctx: Any) -> dt.date:
    return local(ctx.statement_time).date()


@register("current_time", [], TIMETZ, needs_ctx=True)
def current_time(ctx: Any) -> dt.time:
    loc = ctx.statement_time.astimezone(session_tz())
    off = loc.utcoffset() or dt.timedelta(0)
    return loc.time().replace(tzinfo=UTC if not off else dt.timezone(off))


@register("localtimestamp", [], TS, needs_ctx=True)
def localtimestamp(ctx: Any) -> dt.datetime:
    return local(ctx.statement_time)


@register("localtime", [], TIME, needs_ctx=True)
def localtime(ctx: Any) -> dt.time:
    return local(ctx.statement_time).time()


# ---------------------------------------------------------------------------
# date_trunc


def _trunc_fields(d: dt.datetime, unit: str, type_oid: int, text: str) -> dt.datetime:
    if unit == "microsecond":
        return d
    if unit == "millisecond":
        return d.replace(microsecond=d.microsecond // 1000 * 1000)
    if unit == "second":
        return d.replace(microsecond=0)
    if unit == "minute":
        return d.replace(second=0, microsecond=0)
    if unit == "hour":
        return d.replace(minute=0, second=0, microsecond=0)
    day = d.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=(d.month - 1) // 3 * 3 + 1, day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    if unit == "decade":
        return day.replace(year=max(d.year // 10 * 10, 1), month=1, day=1)
    if unit == "century":
        return day.replace(year=(d.year + 99) // 100 * 100 - 99, month=1, day=1)
    if unit == "millennium":
        return day.replace(year=(d.year + 999) // 1000 * 1000 - 999, month=1, day=1)
    raise SqlError("22023", f'unit "{text.lower()}" not recognized for type {_TYPE_NAMES[type_oid]}')


_TRUNC_UNITS = {"microsecond", "millisecond", "second", "minute", "hour", "day", "week", "month", "quarter",
                "year", "decade", "century", "millennium"}


def _trunc_unit(text: str, type_oid: int) -> str:
    u = UNITS.get(text.lower().strip())
    if u is None or u not in _TRUNC_UNITS:
        raise SqlError("22023", f'unit "{text.lower()}" not recognized for type {_TYPE_NAMES[type_oid]}')
    return u


@register("date_trunc", [TEXT, TS], TS)
def date_trunc_ts(unit: str, ts: dt.datetime) -> dt.datetime:
    if type(ts) is Infinite:
        _trunc_unit(unit, TS.oid)
        return ts
    return _trunc_fields(ts, _trunc_unit(unit, TS.oid), TS.oid, unit)


@register("date_trunc", [TEXT, TSTZ], TSTZ)
def date_trunc_tstz(unit: str, ts: dt.datetime, zone: Any = None) -> dt.datetime:
    if type(ts) is Infinite:
        _trunc_unit(unit, TSTZ.oid)
        return ts
    u = _trunc_unit(unit, TSTZ.oid)
    if u in ("microsecond", "millisecond", "second", "minute") and zone is None:
        return _trunc_fields(ts, u, TSTZ.oid, unit)
    tz = zone or session_tz()
    return to_utc(_trunc_fields(local(ts, tz), u, TSTZ.oid, unit), tz)


@register("date_trunc", [TEXT, TSTZ, TEXT], TSTZ)
def date_trunc_tstz_zone(unit: str, ts: dt.datetime, zone: str) -> dt.datetime:
    return date_trunc_tstz(unit, ts, zone_info(zone))


@register("date_trunc", [TEXT, IV], IV)
def date_trunc_interval(unit: str, value: Any) -> Interval:
    v = iv(value)
    u = UNITS.get(unit.lower().strip())
    if u is None:
        raise SqlError("22023", f'unit "{unit.lower()}" not recognized for type interval')
    if u not in _TRUNC_UNITS or u == "week":
        raise SqlError("0A000", f'unit "{unit.lower()}" not supported for type interval',
                       detail="Months usually have fractional weeks." if u == "week" else None)
    year, mon = c_div(v.months, 12)
    days = v.days
    hour, rest = c_div(v.microseconds, USECS_PER_HOUR)
    minute, rest = c_div(rest, USECS_PER_MINUTE)
    sec, us = c_div(rest, USECS_PER_SEC)
    order = ["millennium", "century", "decade", "year", "quarter", "month", "day", "hour", "minute", "second",
             "millisecond", "microsecond"]
    level = order.index(u)
    if u == "millennium":
        year = c_div(year, 1000)[0] * 1000
    elif u == "century":
        year = c_div(year, 100)[0] * 100
    elif u == "decade":
        year = c_div(year, 10)[0] * 10
    if level <= order.index("year"):
        mon = 0
    if u == "quarter":
        mon = c_div(mon, 3)[0] * 3
    if level <= order.index("month"):
        days = 0
    if level <= order.index("day"):
        hour = 0
    if level <= order.index("hour"):
        minute = 0
    if level <= order.index("minute"):
        sec = 0
    if level <= order.index("second"):
        us = 0
    elif u == "millisecond":
        us = c_div(us, 1000)[0] * 1000
    return Interval(year * 12 + mon, days, ((hour * 60 + minute) * 60 + sec) * USECS_PER_SEC + us)


# ---------------------------------------------------------------------------
# extract / date_part


def _date_part_common(unit: str, d: dt.datetime, as_numeric: bool, has_time: bool) -> Any:
    if unit == "microsecond":
        return _finish(d.second * USECS_PER_SEC + d.microsecond, as_numeric)
    if unit == "millisecond":
        us = d.second * USECS_PER_SEC + d.microsecond
        return _num(us, 3) if as_numeric else us / 1000.0
    if unit == "second":
        us = d.second * USECS_PER_SEC + d.microsecond
        return _num(us, 6) if as_numeric else us / 1e6
    if unit == "minute":
        return _finish(d.minute, as_numeric)
    if unit == "hour":
        return _finish(d.hour, as_numeric)
    if unit == "day":
        return _finish(d.day, as_numeric)
    if unit == "month":
        return _finish(d.month, as_numeric)
    if unit == "quarter":
        return _finish((d.month - 1) // 3 + 1, as_numeric)
    if unit == "week":
        return _finish(d.isocalendar()[1], as_numeric)
    if unit == "year":
        return _finish(d.year, as_numeric)
    if unit == "decade":
        return _finish(d.year // 10, as_numeric)
    if unit == "century":
        return _finish((d.year + 99) // 100, as_numeric)
    if unit == "millennium":
        return _finish((d.year + 999) // 1000, as_numeric)
    if unit == "dow":
        return _finish((d.weekday() + 1) % 7, as_numeric)
    if unit == "isodow":
        return _finish(d.isoweekday(), as_numeric)
    if unit == "doy":
        return _finish(d.timetuple().tm_yday, as_numeric)
    if unit == "isoyear":
        return _finish(d.isocalendar()[0], as_numeric)
    if unit == "julian":
        j = d.toordinal() + JULIAN_OFFSET
        us = time_usecs(d)
        if as_numeric:
            if not has_time:
                return Decimal(j)
            return Decimal(j) + numeric_div(Decimal(us), Decimal(USECS_PER_DAY))
        return j + us / 1e6 / 86400.0
    raise KeyError(unit)


def _epoch_us(d: dt.datetime) -> int:
    delta = d - EPOCH
    return (delta.days * 86400 + delta.seconds) * USECS_PER_SEC + delta.microseconds


_MONOTONIC_UNITS = frozenset(("year", "decade", "century", "millennium", "julian", "isoyear", "epoch"))
_DATE_NULL_UNITS = frozenset(("day", "month", "quarter", "week", "dow", "isodow", "doy"))


def _infinite_part(u: str, text: str, sign: int, as_numeric: bool, type_oid: int) -> Any:
    """extract/date_part of 'infinity': the units that only grow are +-Infinity, the others
    NULL (date's time units stay errors), as PostgreSQL's NonFiniteTimestampTzPart."""
    if u in _MONOTONIC_UNITS:
        if as_numeric:
            return Decimal("Infinity") if sign > 0 else Decimal("-Infinity")
        return float("inf") if sign > 0 else float("-inf")
    if type_oid == DATE.oid and u not in _DATE_NULL_UNITS:
        raise not_supported(text, DATE.oid)
    if u.startswith("timezone") and type_oid != TSTZ.oid:
        raise not_supported(text, type_oid)
    return None


def _part_ts(text: str, ts: dt.datetime, as_numeric: bool) -> Any:
    u = unit_of(text, TS.oid)
    if type(ts) is Infinite:
        return _infinite_part(u, text, ts.sign, as_numeric, TS.oid)
    if u == "epoch":
        us = _epoch_us(ts)
        return _num(us, 6) if as_numeric else us / 1e6
    if u.startswith("timezone"):
        raise not_supported(text, TS.oid)
    return _date_part_common(u, ts, as_numeric, True)


def _part_tstz(text: str, ts: dt.datetime, as_numeric: bool) -> Any:
    u = unit_of(text, TSTZ.oid)
    if type(ts) is Infinite:
        return _infinite_part(u, text, ts.sign, as_numeric, TSTZ.oid)
    if u == "epoch":
        us = _epoch_us(ts.astimezone(UTC).replace(tzinfo=None))
        return _num(us, 6) if as_numeric else us / 1e6
    tz = session_tz()
    loc = ts.astimezone(tz)
    if u.startswith("timezone"):
        off = int((loc.utcoffset() or dt.timedelta(0)).total_seconds())
        if u == "timezone":
            v = off
        elif u == "timezone_hour":
            v = c_div(off, 3600)[0]
        else:
            v = c_div(c_div(off, 60)[0], 60)[1]
        return _finish(v, as_numeric)
    return _date_part_common(u, loc.replace(tzinfo=None), as_numeric, True)


def _part_date(text: str, d: dt.date, as_numeric: bool) -> Any:
    if type(d) is Infinite:
        u = unit_of(text, DATE.oid if as_numeric else TS.oid)
        return _infinite_part(u, text, d.sign, as_numeric, DATE.oid if as_numeric else TS.oid)
    if not as_numeric:  # date_part(text, date) is date_part(text, timestamp)
        return _part_ts(text, dt.datetime(d.year, d.month, d.day), False)
    u = unit_of(text, DATE.oid)
    if u == "epoch":
        return Decimal((d.toordinal() - EPOCH_ORDINAL) * 86400)
    if u in ("microsecond", "millisecond", "second", "minute", "hour") or u.startswith("timezone"):
        raise not_supported(text, DATE.oid)
    return _date_part_common(u, dt.datetime(d.year, d.month, d.day), True, False)


def _part_time(text: str, t: dt.time, as_numeric: bool, type_oid: int = TIME.oid) -> Any:
    u = unit_of(text, type_oid)
    us = time_usecs(t)
    if u == "epoch":
        if type_oid == TIMETZ.oid and t.tzinfo is not None:
            us -= int((t.utcoffset() or dt.timedelta(0)).total_seconds()) * USECS_PER_SEC
        return _num(us, 6) if as_numeric else us / 1e6
    if u in ("microsecond", "millisecond", "second"):
        secus = t.second * USECS_PER_SEC + t.microsecond
        if u == "microsecond":
            return _finish(secus, as_numeric)
        if u == "millisecond":
            return _num(secus, 3) if as_numeric else secus / 1000.0
        return _num(secus, 6) if as_numeric else secus / 1e6
    if u == "minute":
        return _finish(t.minute, as_numeric)
    if u == "hour":
        return _finish(t.hour, as_numeric)
    if u.startswith("timezone") and type_oid == TIMETZ.oid:
        off = int((t.utcoffset() or dt.timedelta(0)).total_seconds())
        v = off if u == "timezone" else (c_div(off, 3600)[0] if u == "timezone_hour" else
                                         c_div(c_div(off, 60)[0], 60)[1])
        return _finish(v, as_numeric)
    raise not_supported(text, type_oid)


def _part_interval(text: str, value: Any, as_numeric: bool) -> Any:
    v = iv(value)
    u = unit_of(text, IV.oid)
    if u == "epoch":
        year, mon = c_div(v.months, 12)
        secs = 31557600 * year + DAYS_PER_MONTH * 86400 * mon + 86400 * v.days
        us = secs * USECS_PER_SEC + v.microseconds
        return _num(us, 6) if as_numeric else us / 1e6
    year, mon = c_div(v.months, 12)
    hour, rest = c_div(v.microseconds, USECS_PER_HOUR)
    minute, rest = c_div(rest, USECS_PER_MINUTE)
    secus = rest
    if u == "microsecond":
        return _finish(secus, as_numeric)
    if u == "millisecond":
        return _num(secus, 3) if as_numeric else secus / 1000.0
    if u == "second":
        return _num(secus, 6) if as_numeric else secus / 1e6
    simple = {
        "minute": minute, "hour": hour, "day": v.days, "month": mon, "quarter": c_div(mon, 3)[0] + 1,
        "year": year, "decade": c_div(year, 10)[0], "century": c_div(year, 100)[0],
        "millennium": c_div(year, 1000)[0],
    }
    if u in simple:
        return _finish(simple[u], as_numeric)
    raise not_supported(text, IV.oid)


register("extract", [TEXT, TS], NUMERIC)(lambda u, v: _part_ts(u, v, True))
register("extract", [TEXT, TSTZ], NUMERIC)(lambda u, v: _part_tstz(u, v, True))
register("extract", [TEXT, DATE], NUMERIC)(lambda u, v: _part_date(u, v, True))
register("extract", [TEXT, TIME], NUMERIC)(lambda u, v: _part_time(u, v, True))
register("extract", [TEXT, TIMETZ], NUMERIC)(lambda u, v: _part_time(u, v, True, TIMETZ.oid))
register("extract", [TEXT, IV], NUMERIC)(lambda u, v: _part_interval(u, v, True))
register("date_part", [TEXT, TS], FLOAT8)(lambda u, v: _part_ts(u, v, False))
register("date_part", [TEXT, TSTZ], FLOAT8)(lambda u, v: _part_tstz(u, v, False))
register("date_part", [TEXT, DATE], FLOAT8)(lambda u, v: _part_date(u, v, False))
register("date_part", [TEXT, TIME], FLOAT8)(lambda u, v: _part_time(u, v, False))
register("date_part", [TEXT, TIMETZ], FLOAT8)(lambda u, v: _part_time(u, v, False, TIMETZ.oid))
register("date_part", [TEXT, IV], FLOAT8)(lambda u, v: _part_interval(u, v, False))


# ---------------------------------------------------------------------------
# age

_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(year: int, month: int) -> int:
    return 29 if month == 2 and calendar.isleap(year) else _DAYS[month - 1]


def age_fields(a: dt.datetime, b: dt.datetime) -> Interval:
    """PostgreSQL's timestamp_age: field-wise difference with borrowing."""
    if type(a) is Infinite or type(b) is Infinite:
        raise ts_out_of_range()  # an infinite timestamp has no fields to subtract
    fsec = a.microsecond - b.microsecond
    sec = a.second - b.second
    mi = a.minute - b.minute
    hour = a.hour - b.hour
    mday = a.day - b.day
    mon = a.month - b.month
    year = a.year - b.year
    neg = a < b
    if neg:
        fsec, sec, mi, hour, mday, mon, year = -fsec, -sec, -mi, -hour, -mday, -mon, -year
    while fsec < 0:
        fsec += USECS_PER_SEC
        sec -= 1
    while sec < 0:
        sec += 60
        mi -= 1
    while mi < 0:
        mi += 60
        hour -= 1
    while hour < 0:
        hour += 24
        mday -= 1
    while mday < 0:
        ref = a if neg else b
        mday += _days_in(ref.year, ref.month)
        mon -= 1
    while mon < 0:
        mon += 12
        year -= 1
    if neg:
        fsec, sec, mi, hour, mday, mon, year = -fsec, -sec, -mi, -hour, -mday, -mon, -year
    return Interval(year * 12 + mon, mday, ((hour * 60 + mi) * 60 + sec) * USECS_PER_SEC + fsec)


@register("age", [TS, TS], IV)
def age_ts(a: dt.datetime, b: dt.datetime) -> Interval:
    return age_fields(a, b)


@register("age", [TSTZ, TSTZ], IV)
def age_tstz(a: dt.datetime, b: dt.datetime) -> Interval:
    tz = session_tz()
    return age_fields(local(a, tz), local(b, tz))


@register("age", [TS], IV, needs_ctx=True)
def age_ts1(ctx: Any, a: dt.datetime) -> Interval:
    today = local(ctx.statement_time).date()
    return age_fields(dt.datetime(today.year, today.month, today.day), a)


@register("age", [TSTZ], IV, needs_ctx=True)
def age_tstz1(ctx: Any, a: dt.datetime) -> Interval:
    tz = session_tz()
    today = local(ctx.statement_time, tz).date()
    return age_fields(dt.datetime(today.year, today.month, today.day), local(a, tz))


# ---------------------------------------------------------------------------
# make_*


def _date_value(y: int, m: int, d: int) -> dt.date:
    try:
        if y == 0:
            raise ValueError
        if y < 0:
            raise SqlError("22008", f"date out of range: {-y:04d}-{m:02d}-{d:02d} BC")
        return dt.date(y, m, d)
    except ValueError:
        raise SqlError("22008", f"date field value out of range: {y}-{m:02d}-{d:02d}") from None


def _time_value(h: int, mi: int, sec: float, what: str = "time") -> dt.timedelta:
    if math.isnan(sec) or math.isinf(sec) or abs(sec) > 61:
        raise SqlError("22008", f"{what} field value out of range: {h}:{mi:02d}:{_fmt_sec(sec)}")
    us = round(sec * USECS_PER_SEC)
    total = (h * 3600 + mi * 60) * USECS_PER_SEC + us
    bad = h < 0 or mi < 0 or mi > 59 or us < 0 or us > 60 * USECS_PER_SEC or h > 24 or (
        total > 24 * USECS_PER_HOUR)
    if bad:
        raise SqlError("22008", f"{what} field value out of range: {h}:{mi:02d}:{_fmt_sec(sec)}")
    return dt.timedelta(microseconds=total)


def _fmt_sec(sec: float) -> str:
    text = format_float8(sec)
    return text.zfill(2) if "." not in text else text.zfill(len(text) + max(0, 2 - text.index(".")))


@register("make_date", [INT4, INT4, INT4], DATE)
def make_date(y: int, m: int, d: int) -> dt.date:
    return _date_value(y, m, d)


@register("make_time", [INT4, INT4, FLOAT8], TIME)
@register("time_from_parts", [INT4, INT4, FLOAT8], TIME)  # sqlglot's name for make_time
def make_time(h: int, mi: int, sec: float) -> dt.time:
    delta = _time_value(h, mi, sec)
    if delta >= dt.timedelta(days=1):
        raise SqlError("22008", "time field value out of range: 24:00:00 is not supported by orbitdb")
    return (dt.datetime.min + delta).time()


def _make_ts(y: int, m: int, d: int, h: int, mi: int, sec: float) -> dt.datetime:
    day = _date_value(y, m, d)
    delta = _time_value(h, mi, sec)
    try:
        return dt.datetime(day.year, day.month, day.day) + delta
    except OverflowError:
        raise ts_out_of_range() from None


@register("make_timestamp", [INT4, INT4, INT4, INT4, INT4, FLOAT8], TS)
@register("timestamp_from_parts", [INT4, INT4, INT4, INT4, INT4, FLOAT8], TS)  # sqlglot's name
def make_timestamp(y: int, m: int, d: int, h: int, mi: int, sec: float) -> dt.datetime:
    return _make_ts(y, m, d, h, mi, sec)


@register("make_timestamptz", [INT4, INT4, INT4, INT4, INT4, FLOAT8], TSTZ)
def make_timestamptz(y: int, m: int, d: int, h: int, mi: int, sec: float, zone: str | None = None) -> dt.datetime:
    naive = _make_ts(y, m, d, h, mi, sec)
    return to_utc(naive, zone_info(zone) if zone is not None else None)


register("make_timestamptz", [INT4, INT4, INT4, INT4, INT4, FLOAT8, TEXT], TSTZ)(make_timestamptz)


def _interval_out_of_range() -> SqlError:
    return SqlError("22008", "interval out of range")


@register("make_interval", [INT4, INT4, INT4, INT4, INT4, INT4, FLOAT8], IV)
def make_interval(years: int = 0, months: int = 0, weeks: int = 0, days: int = 0, hours: int = 0, mins: int = 0,
                  secs: float = 0.0) -> Interval:
    if math.isnan(secs) or math.isinf(secs):
        raise _interval_out_of_range()
    m = years * 12 + months
    d = weeks * 7 + days
    us = (hours * 3600 + mins * 60) * USECS_PER_SEC + round(secs * USECS_PER_SEC)
    if not (-(2**31) <= m < 2**31) or not (-(2**31) <= d < 2**31) or not (-(2**63) <= us < 2**63):
        raise _interval_out_of_range()
    return Interval(m, d, us)


for _n in range(7):
    register("make_interval", [INT4] * _n, IV)(make_interval)
register("make_interval", [INT4] * 6 + [FLOAT8], IV)(make_interval)

_MAKE_INTERVAL_ARGS = ["years", "months", "weeks", "days", "hours", "mins", "secs"]


@hook("make_interval")
def _make_interval_hook(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    """make_interval with named arguments (days => 3): sqlglot keeps them as Kwarg nodes."""
    slots: list[E | None] = [None] * 7
    pos = 0
    for a in args:
        if isinstance(a, exp.Kwarg):
            name = a.this.name.lower()
            if name not in _MAKE_INTERVAL_ARGS:
                raise SqlError("42883", f"function make_interval({name} => unknown) does not exist",
                               hint="No function matches the given name and argument types. "
                                    "You might need to add explicit type casts.")
            slots[_MAKE_INTERVAL_ARGS.index(name)] = c.compile(a.expression)
        else:
            slots[pos] = c.compile(a)
            pos += 1
    filled = [s if s is not None else const(0 if i < 6 else 0.0, INT4 if i < 6 else FLOAT8)
              for i, s in enumerate(slots)]
    filled = [coerce(s, INT4) if i < 6 and s.type.oid == T.UNKNOWN.oid else s for i, s in enumerate(filled)]
    return call_compiled(c, "make_interval", filled)


# ---------------------------------------------------------------------------
# justify


def justify_hours(value: Any) -> Interval:
    v = iv(value)
    wholeday, t = c_div(v.microseconds, USECS_PER_DAY)
    day = v.days + wholeday
    if day > 0 and t < 0:
        t += USECS_PER_DAY
        day -= 1
    elif day < 0 and t > 0:
        t -= USECS_PER_DAY
        day += 1
    return check_interval(Interval(v.months, day, t))


def justify_days(value: Any) -> Interval:
    v = iv(value)
    wholemonth, day = c_div(v.days, DAYS_PER_MONTH)
    month = v.months + wholemonth
    if month > 0 and day < 0:
        day += DAYS_PER_MONTH
        month -= 1
    elif month < 0 and day > 0:
        day -= DAYS_PER_MONTH
        month += 1
    return check_interval(Interval(month, day, v.microseconds))


def justify_interval(value: Any) -> Interval:
    v = iv(value)
    month, day, t = v.months, v.days, v.microseconds
    if (day > 0 and t > 0) or (day < 0 and t < 0):
        wholemonth, day = c_div(day, DAYS_PER_MONTH)
        month += wholemonth
    wholeday, t = c_div(t, USECS_PER_DAY)
    day += wholeday
    wholemonth, day = c_div(day, DAYS_PER_MONTH)
    month += wholemonth
    if month > 0 and (day < 0 or (day == 0 and t < 0)):
        day += DAYS_PER_MONTH
        month -= 1
    elif month < 0 and (day > 0 or (day == 0 and t > 0)):
        day -= DAYS_PER_MONTH
        month += 1
    if day > 0 and t < 0:
        t += USECS_PER_DAY
        day -= 1
    elif day < 0 and t > 0:
        t -= USECS_PER_DAY
        day += 1
    return check_interval(Interval(month, day, t))


register("justify_hours", [IV], IV)(justify_hours)
register("justify_days", [IV], IV)(justify_days)
register("justify_interval", [IV], IV)(justify_interval)


# ---------------------------------------------------------------------------
# time zones

_POSIX = re.compile(r"([A-Za-z]{3,}|<[^>]*>)?([+-]?)(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2}))?\Z")


def zone_info(name: str) -> dt.tzinfo:
    """A time zone written in AT TIME ZONE / make_timestamptz: a zone name, an
    abbreviation, or a POSIX-style offset ('+05', 'UTC+5': hours WEST of UTC)."""
    text = name.strip()
    low = text.lower()
    if low in ABBREVIATIONS:
        off = ABBREVIATIONS[low]
        return UTC if off == 0 else dt.timezone(dt.timedelta(seconds=off))
    m = _POSIX.match(text)
    if m is not None and (m.group(1) is None or m.group(1).lower() in ("utc", "gmt") or m.group(1).startswith("<")):
        secs = int(m.group(3)) * 3600 + int(m.group(4) or 0) * 60 + int(m.group(5) or 0)
        if secs > 15 * 3600 + 59 * 60:
            raise SqlError("22023", f'time zone "{name}" not recognized')
        off = -secs if m.group(2) != "-" else secs
        return UTC if off == 0 else dt.timezone(dt.timedelta(seconds=off))
    if m is None:
        z = zone(text)
        if z is not None and not _is_numeric_zone(text):
            return z
    raise SqlError("22023", f'time zone "{name}" not recognized')


def _is_numeric_zone(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?\d+(\.\d+)?", text))


def _interval_zone(value: Any) -> dt.tzinfo:
    v = iv(value)
    if v.months or v.days:
        raise SqlError("22023", f'interval time zone "{_iv_text(v)}" must not include months or days')
    return UTC if v.microseconds == 0 else dt.timezone(dt.timedelta(microseconds=v.microseconds))


def _iv_text(v: Interval) -> str:
    return to_text(v, IV.oid)


@register("timezone", [TEXT, TS], TSTZ)
def timezone_ts(zone: str, ts: dt.datetime) -> dt.datetime:
    """timestamp AT TIME ZONE zone: the wall clock read in that zone."""
    return to_utc(ts, zone_info(zone))


@register("timezone", [TEXT, TSTZ], TS)
def timezone_tstz(zone: str, ts: dt.datetime) -> dt.datetime:
    """timestamptz AT TIME ZONE zone: the wall clock there."""
    return local(ts, zone_info(zone))


@register("timezone", [IV, TS], TSTZ)
def timezone_iv_ts(zone: Any, ts: dt.datetime) -> dt.datetime:
    return to_utc(ts, _interval_zone(zone))


@register("timezone", [IV, TSTZ], TS)
def timezone_iv_tstz(zone: Any, ts: dt.datetime) -> dt.datetime:
    return local(ts, _interval_zone(zone))


@register("timezone", [TEXT, TIMETZ], TIMETZ)
def timezone_timetz(zone: str, t: dt.time) -> dt.time:
    tz = zone_info(zone)
    off = t.utcoffset() or dt.timedelta(0)
    utc_us = (time_usecs(t) - int(off.total_seconds()) * USECS_PER_SEC) % USECS_PER_DAY
    today = dt.datetime.now(UTC)
    new_off = tz.utcoffset(today.replace(tzinfo=None)) if not isinstance(tz, dt.timezone) else tz.utcoffset(None)
    new_off = new_off or dt.timedelta(0)
    us = (utc_us + int(new_off.total_seconds()) * USECS_PER_SEC) % USECS_PER_DAY
    base = (dt.datetime.min + dt.timedelta(microseconds=us)).time()
    return base.replace(tzinfo=UTC if not new_off else dt.timezone(new_off))


# ---------------------------------------------------------------------------
# to_timestamp(epoch), date_bin, isfinite, date()

_MIN_EPOCH = (dt.datetime(1, 1, 1) - EPOCH).total_seconds()
_MAX_EPOCH = (dt.datetime(9999, 12, 31, 23, 59, 59, 999999) - EPOCH).total_seconds()


@register("to_timestamp", [FLOAT8], TSTZ)
def to_timestamp_epoch(seconds: float) -> dt.datetime:
    if math.isnan(seconds):
        raise SqlError("22008", "timestamp cannot be NaN")
    if math.isinf(seconds) or seconds < _MIN_EPOCH or seconds > _MAX_EPOCH:
        raise SqlError("22008", f'timestamp out of range: "{format_float8(seconds)}"')
    us = round(seconds * USECS_PER_SEC)
    return (EPOCH + dt.timedelta(microseconds=us)).replace(tzinfo=UTC)


def _date_bin(stride: Any, source: dt.datetime, origin: dt.datetime) -> dt.datetime:
    s = iv(stride)
    if s.months != 0:
        raise SqlError("0A000", "timestamps cannot be binned into intervals containing months or years")
    stride_us = s.days * USECS_PER_DAY + s.microseconds
    if stride_us <= 0:
        raise SqlError("22008", "stride must be greater than zero")
    delta = source - origin
    tm_diff = (delta.days * 86400 + delta.seconds) * USECS_PER_SEC + delta.microseconds
    tm_delta = c_div(tm_diff, stride_us)[0] * stride_us
    if tm_diff < 0 and tm_diff % stride_us != 0:
        tm_delta -= stride_us
    try:
        return origin + dt.timedelta(microseconds=tm_delta)
    except OverflowError:
        raise ts_out_of_range() from None


register("date_bin", [IV, TS, TS], TS)(_date_bin)
register("date_bin", [IV, TSTZ, TSTZ], TSTZ)(_date_bin)


@register("isfinite", [DATE], BOOL)
@register("isfinite", [TS], BOOL)
@register("isfinite", [TSTZ], BOOL)
@register("isfinite", [IV], BOOL)
def isfinite(v: Any) -> bool:
    return type(v) is not Infinite


@register("date", [TS], DATE)
def date_of_ts(ts: dt.datetime) -> dt.date:
    return ts.date()


@register("date", [TSTZ], DATE)
def date_of_tstz(ts: dt.datetime) -> dt.date:
    return local(ts).date()


@register("date", [DATE], DATE)
def date_of_date(d: dt.date) -> dt.date:
    return d


@register("date", [TEXT], DATE)
def date_of_text(s: str) -> dt.date:
    return from_text(s, DATE.oid, session_tz())  # type: ignore[no-any-return]


__all__ = [
    "UNITS",
    "age_fields",
    "iv",
    "justify_days",
    "justify_hours",
    "justify_interval",
    "local",
    "time_usecs",
    "to_utc",
    "zone_info",
]
