"""Text input and output of date, time, timetz, timestamp and timestamptz, as PostgreSQL 15 does them
(DateStyle ISO, MDY; IntervalStyle postgres).

Input follows PostgreSQL's decoder: the text is split into fields (dates, times, numbers, words,
zone offsets), then each number is placed by what is known so far (a year has 3+ digits or comes
where DateStyle's order puts it; a number after a month name is the day) and the result is
validated. Values outside what Python's datetime holds (BC, years past 9999, infinity) are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.errors import (
    DATETIME_FIELD_OVERFLOW,
    FEATURE_NOT_SUPPORTED,
    INVALID_DATETIME_FORMAT,
)
from orbitdb.sql.types.pgtext.zones import ABBREVIATIONS, UTC, format_offset, local_to_utc, session_zone, zone
from orbitdb.storage.infinite import Infinite, infinite

_DATESTYLE_HINT = 'Perhaps you need a different "datestyle" setting.'

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_WEEKDAYS = frozenset(
    ("sun", "mon", "tue", "tues", "wed", "wednes", "thu", "thur", "thurs", "fri", "sat")
    + ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
)
_SPECIALS = frozenset(("epoch", "now", "today", "tomorrow", "yesterday", "allballs", "infinity", "-infinity"))
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_EPOCH = datetime(1970, 1, 1)

# One field: digits with date separators, a clock time, a signed zone offset, a word, or a number.
_FIELD = re.compile(
    r"""
    (?P<time>\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d*)?)?)
    | (?P<zonename>[a-z][\w+-]*(?:/[a-z][\w+-]*)+)
    | (?P<date>(?:\d+|[a-z]+)(?:(?P<sep>[-/.])(?:\d+|[a-z]+))(?:(?P=sep)(?:\d+|[a-z]+))+)
    | (?P<tz>[+-]\d+(?::\d+)*(?:\.\d+)?)
    | (?P<special>-infinity)
    | (?P<word>[a-z][a-z0-9_]*)
    | (?P<num>\d+(?:\.\d*)?|\.\d+)
    """,
    re.VERBOSE | re.IGNORECASE,
)


class _BadFormat(Exception):
    """The text does not parse (22007)."""


class _ZoneOverflow(Exception):
    """A UTC offset beyond +-15:59:59 (22009)."""


class _FieldOverflow(Exception):
    """A field is out of range (22008); hint when DateStyle may be the cause."""

    def __init__(self, datestyle_hint: bool = False) -> None:
        super().__init__()
        self.datestyle_hint = datestyle_hint


@dataclass
class _Fields:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    year_2digits: bool = False
    text_month: bool = False
    hour: int | None = None
    minute: int = 0
    second: int = 0
    usec: int = 0
    ampm: str | None = None
    offset: int | None = None  # seconds east of UTC
    zone_info: tzinfo | None = None
    bc: bool = False
    special: str | None = None
    order: str = "MDY"  # DateStyle's field order for numbers: MDY, DMY or YMD


def _tokens(text: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    pos = 0
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch.isspace() or ch == ",":
            pos += 1
            continue
        # ISO 8601's "T" between date and time
        if ch in "tT" and pos + 1 < n and text[pos + 1].isdigit():
            pos += 1
            continue
        match = _FIELD.match(text, pos)
        if match is None or match.end() == pos:
            raise _BadFormat
        kind = "date" if match.group("date") else match.lastgroup
        assert kind is not None
        fields.append(("word" if kind == "zonename" else kind, match.group(0)))
        pos = match.end()
    return fields


def _decode(text: str, tz: tzinfo, order: str = "MDY") -> _Fields:
    f = _Fields(order=order)
    for kind, value in _tokens(text):
        if kind == "date":
            _decode_date_field(f, value)
        elif kind == "time":
            _decode_time(f, value)
        elif kind == "tz":
            if f.hour is None and f.year is None:
                raise _BadFormat
            f.offset = _decode_offset(value)
        elif kind == "special":
            f.special = "-infinity"
        elif kind == "word":
            _decode_word(f, value)
        else:
            _decode_number_field(f, value)
    return f


def _decode_date_field(f: _Fields, value: str) -> None:
    sep = next(ch for ch in value if ch in "-/.")
    parts = value.split(sep)
    numbers: list[str] = []
    for part in parts:
        if part.isalpha():
            month = MONTHS.get(part.lower())
            if month is None or f.text_month:
                raise _BadFormat
            f.month = month
            f.text_month = True
        else:
            numbers.append(part)
    for part in numbers:
        _decode_number(f, part)


def _decode_number_field(f: _Fields, value: str) -> None:
    digits, dot, frac = value.partition(".")
    date_complete = f.year is not None and f.month is not None and f.day is not None
    if dot:
        if date_complete and f.hour is None and len(digits) in (4, 6):
            _decode_hhmmss(f, digits, frac)  # "HHMMSS.fff" after a complete date
            return
        raise _BadFormat
    if len(digits) in (6, 8) and f.year is None and f.month is None and f.day is None:
        # YYYYMMDD or YYMMDD
        f.year = int(digits[:-4])
        f.year_2digits = len(digits) == 6
        f.month = int(digits[-4:-2])
        f.day = int(digits[-2:])
        return
    if len(digits) in (4, 6) and date_complete and f.hour is None:
        _decode_hhmmss(f, digits, "")
        return
    _decode_number(f, digits)


def _decode_hhmmss(f: _Fields, digits: str, frac: str) -> None:
    f.hour = int(digits[0:2])
    f.minute = int(digits[2:4])
    f.second = int(digits[4:6] or 0)
    f.usec = _usec(frac)


def _decode_number(f: _Fields, digits: str) -> None:
    """DecodeNumber: place a number by what is known so far and DateStyle's field order."""
    length = len(digits)
    value = int(digits)
    have_y, have_m, have_d = f.year is not None, f.month is not None, f.day is not None
    if not have_y and not have_m and not have_d:
        if length >= 3 or f.order == "YMD":
            f.year, f.year_2digits = value, length <= 2
        elif f.order == "DMY":
            f.day = value
        else:
            f.month = value
    elif have_y and not have_m and not have_d:
        f.month = value
    elif have_d and not have_y and not have_m:
        f.month = value  # the second field of DD-MM-YY
    elif have_m and not have_y and not have_d:
        if f.text_month and (length >= 3 or f.order == "YMD"):
            f.year, f.year_2digits = value, length <= 2
        else:
            f.day = value
    elif have_y and have_m and not have_d:
        f.day = value
    elif have_m and have_d and not have_y:
        f.year, f.year_2digits = value, length <= 2
    elif have_y and have_d and not have_m:
        f.month = value
    else:
        raise _BadFormat


def _decode_time(f: _Fields, value: str) -> None:
    if f.hour is not None:
        raise _BadFormat
    parts = value.split(":")
    f.hour = int(parts[0])
    f.minute = int(parts[1])
    if len(parts) > 2:
        sec, _, frac = parts[2].partition(".")
        f.second = int(sec)
        f.usec = _usec(frac)


def _usec(frac: str) -> int:
    # PostgreSQL reads the fraction as a double and rounds with rint(): same arithmetic here.
    return round(float("0." + frac) * 1_000_000) if frac else 0


def _decode_offset(value: str) -> int:
    sign = -1 if value[0] == "-" else 1
    body = value[1:]
    if "." in body:
        raise _BadFormat
    if ":" in body:
        pieces = [int(p) for p in body.split(":")]
        if len(pieces) > 3:
            raise _BadFormat
        hours, minutes, seconds = (pieces + [0, 0])[:3]
    elif len(body) <= 2:
        hours, minutes, seconds = int(body), 0, 0
    elif len(body) in (3, 4):
        hours, minutes, seconds = int(body[:-2]), int(body[-2:]), 0
    elif len(body) in (5, 6):
        hours, minutes, seconds = int(body[:-4]), int(body[-4:-2]), int(body[-2:])
    else:
        raise _BadFormat
    if hours > 15 or minutes >= 60 or seconds >= 60:
        raise _ZoneOverflow
    return sign * (hours * 3600 + minutes * 60 + seconds)


def _decode_word(f: _Fields, value: str) -> None:
    low = value.lower()
    month = MONTHS.get(low)
    if month is not None:
        if f.text_month:
            raise _BadFormat
        if f.month is not None and f.day is None and 1 <= f.month <= 31:
            f.day = f.month  # "15 Jan": the number read as a month was the day
        elif f.month is not None:
            raise _BadFormat
        f.month = month
        f.text_month = True
    elif low in _WEEKDAYS:
        pass
    elif low in ("am", "pm"):
        f.ampm = low[0]
    elif low == "ad":
        pass
    elif low == "bc":
        f.bc = True
    elif low in _SPECIALS:
        f.special = low
    elif low in ABBREVIATIONS:
        f.offset = ABBREVIATIONS[low]
    else:
        named = zone(value)
        if named is None:
            raise _BadFormat
        f.zone_info = named


def _date_of(f: _Fields) -> date:
    if f.year is None or f.month is None or f.day is None:
        raise _BadFormat
    year = f.year
    if f.year_2digits:
        year += 2000 if year < 70 else 1900
    if f.month < 1 or f.month > 12 or f.day < 1 or f.day > 31:
        raise _FieldOverflow(datestyle_hint=True)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if f.day > _DAYS_IN_MONTH[f.month - 1] + (1 if f.month == 2 and leap else 0):
        raise _FieldOverflow
    if year == 0:
        raise _FieldOverflow
    if f.bc or year > 9999:
        raise _OutOfRange
    return date(year, f.month, f.day)


class _OutOfRange(Exception):
    """A valid date/time that Python's datetime cannot hold."""


def _time_of(f: _Fields) -> timedelta:
    """The time of day as a timedelta (24:00:00 and leap second 60 roll over as in PostgreSQL)."""
    hour = f.hour if f.hour is not None else 0
    if f.ampm is not None:
        if hour > 12:
            raise _FieldOverflow
        if f.ampm == "a" and hour == 12:
            hour = 0
        elif f.ampm == "p" and hour != 12:
            hour += 12
    if (
        hour > 24
        or f.minute > 59
        or f.second > 60
        or f.usec > 1_000_000
        or (hour == 24 and (f.minute or f.second or f.usec))
    ):
        raise _FieldOverflow
    return timedelta(hours=hour, minutes=f.minute, seconds=f.second, microseconds=f.usec)


def _error(type_name: str, text: str, exc: Exception) -> SqlError:
    if isinstance(exc, _ZoneOverflow):
        return SqlError("22009", f'time zone displacement out of range: "{text}"')
    if isinstance(exc, _FieldOverflow):
        return SqlError(
            DATETIME_FIELD_OVERFLOW,
            f'date/time field value out of range: "{text}"',
            hint=_DATESTYLE_HINT if exc.datestyle_hint else None,
        )
    if isinstance(exc, _OutOfRange):
        noun = "date" if type_name == "date" else "timestamp"
        return SqlError(DATETIME_FIELD_OVERFLOW, f'{noun} out of range: "{text}"')
    return SqlError(INVALID_DATETIME_FORMAT, f'invalid input syntax for type {type_name}: "{text}"')


def _infinity(type_name: str) -> SqlError:
    return SqlError(
        FEATURE_NOT_SUPPORTED, f"infinite values of type {type_name} are not supported by orbitdb"
    )


def _now(tz: tzinfo) -> datetime:
    return datetime.now(UTC).astimezone(tz)


def _special_datetime(special: str, tz: tzinfo, type_name: str) -> datetime:
    """epoch/now/today/tomorrow/yesterday as a wall-clock datetime in the session zone."""
    if special in ("infinity", "-infinity"):
        raise _infinity(type_name)
    if special == "epoch":
        return _EPOCH.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
    now = _now(tz).replace(tzinfo=None)
    if special == "now":
        return now
    midnight = datetime(now.year, now.month, now.day)
    return midnight + timedelta(days={"today": 0, "tomorrow": 1, "yesterday": -1}.get(special, 0))


# --- input functions ------------------------------------------------------------------------------


def parse_date(text: str, tz: str | tzinfo | None = None, order: str = "MDY") -> date:
    zone_info = session_zone(tz)
    try:
        f = _decode(text, zone_info, order)
        if f.special is not None:
            if f.special == "allballs":
                raise _BadFormat
            if f.special in ("infinity", "-infinity"):
                return infinite("date", -1 if f.special[0] == "-" else 1)  # type: ignore[return-value]
            return _special_datetime(f.special, zone_info, "date").date()
        _time_of(f)  # validated even though a date keeps no time
        return _date_of(f)
    except (_BadFormat, _FieldOverflow, _ZoneOverflow, _OutOfRange, ValueError) as exc:
        raise _error("date", text, exc) from None


def parse_timestamp(text: str, tz: str | tzinfo | None = None, order: str = "MDY") -> datetime:
    """timestamp_in: a zone written in the value is ignored, as PostgreSQL does."""
    zone_info = session_zone(tz)
    try:
        f = _decode(text, zone_info, order)
        if f.special is not None:
            if f.special == "allballs":
                raise _BadFormat
            if f.special in ("infinity", "-infinity"):
                return infinite("ts", -1 if f.special[0] == "-" else 1)  # type: ignore[return-value]
            return _special_datetime(f.special, zone_info, "timestamp")
        return datetime.combine(_date_of(f), time()) + _time_of(f)
    except OverflowError:
        raise _error("timestamp", text, _OutOfRange()) from None
    except (_BadFormat, _FieldOverflow, _ZoneOverflow, _OutOfRange, ValueError) as exc:
        raise _error("timestamp", text, exc) from None


def parse_timestamptz(text: str, tz: str | tzinfo | None = None, order: str = "MDY") -> datetime:
    """timestamptz_in: an aware datetime in UTC; a value without a zone is in the session zone."""
    zone_info = session_zone(tz)
    type_name = "timestamp with time zone"
    try:
        f = _decode(text, zone_info, order)
        if f.special is not None:
            if f.special == "allballs":
                raise _BadFormat
            if f.special == "now":
                return datetime.now(UTC)
            if f.special in ("infinity", "-infinity"):
                return infinite("tstz", -1 if f.special[0] == "-" else 1)  # type: ignore[return-value]
            return local_to_utc(_special_datetime(f.special, zone_info, type_name), zone_info)
        local = datetime.combine(_date_of(f), time()) + _time_of(f)
        if f.offset is not None:
            return (local - timedelta(seconds=f.offset)).replace(tzinfo=UTC)
        return local_to_utc(local, f.zone_info or zone_info)
    except OverflowError:
        raise _error(type_name, text, _OutOfRange()) from None
    except (_BadFormat, _FieldOverflow, _ZoneOverflow, _OutOfRange, ValueError) as exc:
        raise _error(type_name, text, exc) from None


def parse_time(text: str, tz: str | tzinfo | None = None) -> time:
    zone_info = session_zone(tz)
    try:
        f = _decode(text, zone_info)
        if f.special is not None:
            if f.special == "allballs":
                return time()
            if f.special == "now":
                return _now(zone_info).time().replace(tzinfo=None)
            raise _BadFormat
        if f.hour is None:
            raise _BadFormat
        if f.year is not None:
            _date_of(f)
        return _time_value(_time_of(f))
    except (_BadFormat, _FieldOverflow, _ZoneOverflow, _OutOfRange, ValueError) as exc:
        raise _error("time", text, exc) from None


def parse_timetz(text: str, tz: str | tzinfo | None = None) -> time:
    zone_info = session_zone(tz)
    type_name = "time with time zone"
    try:
        f = _decode(text, zone_info)
        if f.special == "allballs":
            return time(tzinfo=UTC)
        if f.special is not None or f.hour is None:
            raise _BadFormat
        clock = _time_value(_time_of(f))
        if f.offset is not None:
            offset = timedelta(seconds=f.offset)
        else:
            day = _date_of(f) if f.year is not None else _now(zone_info).date()
            offset = (f.zone_info or zone_info).utcoffset(datetime.combine(day, clock)) or timedelta()
        return clock.replace(tzinfo=UTC if not offset else timezone(offset))
    except (_BadFormat, _FieldOverflow, _ZoneOverflow, _OutOfRange, ValueError) as exc:
        raise _error(type_name, text, exc) from None


def _time_value(delta: timedelta) -> time:
    if delta >= timedelta(days=1):
        raise _FieldOverflow  # 24:00:00 is valid in PostgreSQL but has no Python time
    return (datetime.min + delta).time()


# --- output functions -----------------------------------------------------------------------------


def _fraction(usec: int) -> str:
    return ("." + f"{usec:06d}".rstrip("0")) if usec else ""


def format_date(value: date) -> str:
    if type(value) is Infinite:
        return str(value)
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def format_time(value: time) -> str:
    text = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{_fraction(value.microsecond)}"
    if value.tzinfo is not None:
        text += format_offset(value.utcoffset())
    return text


def format_timestamp(value: datetime) -> str:
    if type(value) is Infinite:
        return str(value)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{_fraction(value.microsecond)}"
    )


def format_timestamptz(value: datetime, tz: str | tzinfo | None = None) -> str:
    """timestamptz_out: the instant in the session's zone, with its UTC offset."""
    if type(value) is Infinite:
        return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        local = value.astimezone(session_zone(tz))
    except OverflowError:  # at the edges of the representable range
        local = value.astimezone(UTC)
    return format_timestamp(local) + format_offset(local.utcoffset())
