"""Date, time and interval arithmetic as PostgreSQL does it (months clamp to
the month's last day; timestamp differences are days and time, no months)."""

from __future__ import annotations

import calendar
import datetime
import math
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.statement_scope import running_timezone
from orbitdb.sql.types.pgtext.zones import local_to_utc
from orbitdb.storage.infinite import Infinite, infinite
from orbitdb.storage.interval import USECS_PER_DAY, Interval

USEC = datetime.timedelta(microseconds=1)
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def interval_out_of_range() -> SqlError:
    return SqlError("22008", "interval out of range")


def check_interval(iv: Interval) -> Interval:
    """iv, or 22008 when a field passes what PostgreSQL's interval holds (int32 months and
    days, int64 microseconds)."""
    if not (_INT32_MIN <= iv.months <= _INT32_MAX and _INT32_MIN <= iv.days <= _INT32_MAX
            and _INT64_MIN <= iv.microseconds <= _INT64_MAX):
        raise interval_out_of_range()
    return iv


def interval_add(a: Interval, b: Interval) -> Interval:
    return check_interval(a + b)


def interval_sub(a: Interval, b: Interval) -> Interval:
    return check_interval(a - b)


def interval_neg(a: Interval) -> Interval:
    return check_interval(-a)


def add_months(d: Any, months: int) -> Any:
    if months == 0:
        return d
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    if year < 1 or year > 9999:  # past PostgreSQL's range, or past what Python's datetime holds
        raise SqlError("22008", "timestamp out of range")
    day = min(d.day, calendar.monthrange(year, month)[1])
    return d.replace(year=year, month=month, day=day)


def ts_plus_interval(ts: datetime.datetime, iv: Interval, sign: int = 1) -> datetime.datetime:
    if type(ts) is Infinite:  # infinity plus or minus any interval stays infinite
        return ts
    try:
        out = add_months(ts, sign * iv.months)
        if ts.tzinfo is not None and iv.days:
            # days move the local date, keeping the wall-clock time (DST aware)
            tz = running_timezone()
            local = out.astimezone(tz).replace(tzinfo=None) + datetime.timedelta(days=sign * iv.days)
            out = local_to_utc(local, tz)
        else:
            out = out + datetime.timedelta(days=sign * iv.days)
        return out + sign * iv.microseconds * USEC
    except OverflowError:
        raise SqlError("22008", "timestamp out of range") from None


def date_plus_interval(d: datetime.date, iv: Interval, sign: int = 1) -> datetime.datetime:
    if type(d) is Infinite:
        return infinite("ts", d.sign)  # type: ignore[return-value]
    return ts_plus_interval(datetime.datetime(d.year, d.month, d.day), iv, sign)


def ts_minus_ts(a: datetime.datetime, b: datetime.datetime) -> Interval:
    if type(a) is Infinite or type(b) is Infinite:
        raise SqlError("22008", "cannot subtract infinite timestamps")
    delta = a - b
    us = delta.days * USECS_PER_DAY + delta.seconds * 1_000_000 + delta.microseconds
    days, rest = divmod(abs(us), USECS_PER_DAY)
    if us < 0:
        return Interval(0, -days, -rest)
    return Interval(0, days, rest)


def time_plus_interval(t: datetime.time, iv: Interval, sign: int = 1) -> datetime.time:
    us = ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond
    us = (us + sign * iv.microseconds) % USECS_PER_DAY
    s, u = divmod(us, 1_000_000)
    return datetime.time(s // 3600, s // 60 % 60, s % 60, u)


def time_minus_time(a: datetime.time, b: datetime.time) -> Interval:
    def us(t: datetime.time) -> int:
        return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond

    return Interval(0, 0, us(a) - us(b))


def interval_mul(iv: Interval, f: Any) -> Interval:
    """PostgreSQL's interval * number: fractional months spill into days, days into time."""
    f = float(f)
    months = iv.months * f
    if not math.isfinite(months) or not math.isfinite(iv.days * f) or not math.isfinite(iv.microseconds * f):
        raise interval_out_of_range()  # an infinite or NaN factor, as PostgreSQL checks it
    whole_months = int(months)
    days = iv.days * f + (months - whole_months) * 30
    whole_days = int(days)
    us = round(iv.microseconds * f + (days - whole_days) * USECS_PER_DAY)
    return check_interval(Interval(whole_months, whole_days, us))


def interval_div(iv: Interval, f: Any) -> Interval:
    if float(f) == 0.0:
        raise SqlError("22012", "division by zero")
    return interval_mul(iv, 1.0 / float(f))


def justify_hours(iv: Interval) -> Interval:
    days, us = divmod(abs(iv.microseconds), USECS_PER_DAY)
    sign = -1 if iv.microseconds < 0 else 1
    return check_interval(Interval(iv.months, iv.days + sign * days, sign * us))


def justify_days(iv: Interval) -> Interval:
    months, days = divmod(abs(iv.days), 30)
    sign = -1 if iv.days < 0 else 1
    return check_interval(Interval(iv.months + sign * months, sign * days, iv.microseconds))


def date_minus_date(a: datetime.date, b: datetime.date) -> int:
    if type(a) is Infinite or type(b) is Infinite:
        raise SqlError("22008", "cannot subtract infinite dates")
    return (a - b).days
