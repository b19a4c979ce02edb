"""The output settings PostgreSQL's output functions read, and the layouts they choose: DateStyle
(ISO, SQL, Postgres, German; DMY or MDY order) for date and timestamps, IntervalStyle (postgres,
postgres_verbose, sql_standard, iso_8601), bytea_output (hex, escape), extra_float_digits and
TimeZone. PostgreSQL's datetime.c (EncodeDateOnly, EncodeDateTime, EncodeInterval) and varlena.c
(byteaout) are the reference; ISO, postgres and hex are the layouts of datetimes.py,
intervals.py and strings.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from orbitdb.sql.types.pgtext.datetimes import format_date, format_timestamp, format_timestamptz
from orbitdb.sql.types.pgtext.intervals import format_interval
from orbitdb.sql.types.pgtext.strings import format_bytea
from orbitdb.sql.types.pgtext.zones import UTC, fixed_abbreviation, format_offset, session_zone
from orbitdb.storage.infinite import Infinite

_USEC_PER_SEC = 1_000_000
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # date.weekday() order


@dataclass(frozen=True)
class OutputStyle:
    """What the session's settings make of a value's text. The defaults are PostgreSQL's."""

    datestyle: str = "ISO"  # ISO, SQL, Postgres or German
    day_first: bool = False  # DateStyle's order is DMY (SQL and Postgres layouts put the day first)
    intervalstyle: str = "postgres"
    bytea_escape: bool = False
    extra_float_digits: int = 1
    tz: tzinfo = UTC
    zone_abbreviation: str | None = None  # the TimeZone's own, when it has no tz database rules

    @classmethod
    def from_settings(cls, datestyle: str, intervalstyle: str, bytea_output: str, extra_float_digits: str,
                      timezone_name: str) -> OutputStyle:
        """From the settings' normalised texts (DateStyle as "SQL, DMY")."""
        style, _, order = datestyle.partition(",")
        return cls(style.strip() or "ISO", order.strip() == "DMY", intervalstyle, bytea_output == "escape",
                   int(extra_float_digits), session_zone(timezone_name), fixed_abbreviation(timezone_name))

    @property
    def plain(self) -> bool:
        """Whether dates, intervals and bytea print in the default layouts (ISO, postgres, hex)."""
        return self.datestyle == "ISO" and self.intervalstyle == "postgres" and not self.bytea_escape


DEFAULT_STYLE = OutputStyle()


# --- DateStyle ------------------------------------------------------------------------------------


def _day_month(value: date, style: OutputStyle, separator: str) -> str:
    if style.day_first:
        return f"{value.day:02d}{separator}{value.month:02d}"
    return f"{value.month:02d}{separator}{value.day:02d}"


def styled_date(value: date, style: OutputStyle) -> str:
    """date_out (EncodeDateOnly)."""
    if type(value) is Infinite:
        return str(value)
    if isinstance(value, datetime):
        value = value.date()
    layout = style.datestyle
    if layout == "SQL":
        return f"{_day_month(value, style, '/')}/{value.year:04d}"
    if layout == "German":
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    if layout == "Postgres":
        return f"{_day_month(value, style, '-')}-{value.year:04d}"
    return format_date(value)


def _clock(value: datetime) -> str:
    text = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return text + ("." + f"{value.microsecond:06d}".rstrip("0") if value.microsecond else "")


def _zone_name(local: datetime, style: OutputStyle) -> str:
    """The zone abbreviation the SQL, German and Postgres layouts print (the tz database's for
    the instant, as PostgreSQL's tm_zone)."""
    if style.zone_abbreviation is not None:
        return style.zone_abbreviation
    if isinstance(local.tzinfo, ZoneInfo):
        return local.tzname() or format_offset(local.utcoffset())
    return format_offset(local.utcoffset())


def _styled_datetime(value: datetime, zone_name: str | None, style: OutputStyle) -> str:
    """EncodeDateTime; zone_name None for a timestamp without time zone."""
    layout = style.datestyle
    suffix = "" if zone_name is None else " " + zone_name
    if layout == "SQL":
        return f"{_day_month(value, style, '/')}/{value.year:04d} {_clock(value)}{suffix}"
    if layout == "German":
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d} {_clock(value)}{suffix}"
    # Postgres: "Thu Jan 02 03:04:05 2020 JST" (day first with DMY: "Thu 02 Jan ...")
    month = _MONTHS[value.month - 1]
    day_month = f"{value.day:02d} {month}" if style.day_first else f"{month} {value.day:02d}"
    return f"{_DAYS[value.weekday()]} {day_month} {_clock(value)} {value.year:04d}{suffix}"


def styled_timestamp(value: datetime, style: OutputStyle) -> str:
    if type(value) is Infinite:
        return str(value)
    if style.datestyle == "ISO":
        return format_timestamp(value)
    return _styled_datetime(value, None, style)


def styled_timestamptz(value: datetime, style: OutputStyle) -> str:
    if type(value) is Infinite:
        return str(value)
    if style.datestyle == "ISO":
        return format_timestamptz(value, style.tz)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        local = value.astimezone(style.tz)
    except OverflowError:  # at the edges of the representable range
        local = value.astimezone(UTC)
    return _styled_datetime(local, _zone_name(local, style), style)


# --- IntervalStyle --------------------------------------------------------------------------------


def _c_div(a: int, b: int) -> tuple[int, int]:
    """C's truncating division and remainder (PostgreSQL's arithmetic)."""
    q = abs(a) // b
    q = q if a >= 0 else -q
    return q, a - q * b


def _fields(value: Any) -> tuple[int, int, int, int, int, int, int]:
    """interval2itm: years, months, days, hours, minutes, seconds, microseconds (signs as C's)."""
    if isinstance(value, timedelta):
        months, days, usec = 0, value.days, value.seconds * _USEC_PER_SEC + value.microseconds
    else:
        months, days, usec = value.months, value.days, value.microseconds
    year, mon = _c_div(months, 12)
    hour, rest = _c_div(usec, 3600 * _USEC_PER_SEC)
    minute, rest = _c_div(rest, 60 * _USEC_PER_SEC)
    sec, fsec = _c_div(rest, _USEC_PER_SEC)
    return year, mon, days, hour, minute, sec, fsec


def _seconds(sec: int, fsec: int, fill: bool) -> str:
    """AppendSeconds: absolute seconds, zero-filled to two digits when fill, the fraction trimmed."""
    text = f"{abs(sec):02d}" if fill else str(abs(sec))
    return text + ("." + f"{abs(fsec):06d}".rstrip("0") if fsec else "")


def _sql_standard(year: int, mon: int, day: int, hour: int, minute: int, sec: int, fsec: int) -> str:
    values = (year, mon, day, hour, minute, sec, fsec)
    negative = any(v < 0 for v in values)
    positive = any(v > 0 for v in values)
    year_month = year != 0 or mon != 0
    day_time = day != 0 or hour != 0 or minute != 0 or sec != 0 or fsec != 0
    standard = not (negative and positive) and not (year_month and day_time)
    sign = ""
    if negative and standard:
        sign = "-"
        year, mon, day, hour, minute, sec, fsec = (-v for v in values)
    if not negative and not positive:
        return "0"
    if not standard:
        # mixed signs or both parts: every sign spelled out, so that the text reads back the same
        year_sign = "-" if year < 0 or mon < 0 else "+"
        day_sign = "-" if day < 0 else "+"
        time_sign = "-" if hour < 0 or minute < 0 or sec < 0 or fsec < 0 else "+"
        return (f"{year_sign}{abs(year)}-{abs(mon)} {day_sign}{abs(day)} {time_sign}{abs(hour)}:{abs(minute):02d}:"
                f"{_seconds(sec, fsec, True)}")
    if year_month:
        return f"{sign}{year}-{mon}"
    if day != 0:
        return f"{sign}{day} {hour}:{minute:02d}:{_seconds(sec, fsec, True)}"
    return f"{sign}{hour}:{minute:02d}:{_seconds(sec, fsec, True)}"


def _iso_8601(year: int, mon: int, day: int, hour: int, minute: int, sec: int, fsec: int) -> str:
    if not any((year, mon, day, hour, minute, sec, fsec)):
        return "PT0S"
    parts = ["P"]
    for amount, unit in ((year, "Y"), (mon, "M"), (day, "D")):
        if amount:
            parts.append(f"{amount}{unit}")
    if hour or minute or sec or fsec:
        parts.append("T")
    for amount, unit in ((hour, "H"), (minute, "M")):
        if amount:
            parts.append(f"{amount}{unit}")
    if sec or fsec:
        parts.append(("-" if sec < 0 or fsec < 0 else "") + _seconds(sec, fsec, False) + "S")
    return "".join(parts)


def _postgres_verbose(year: int, mon: int, day: int, hour: int, minute: int, sec: int, fsec: int) -> str:
    """"@ 1 year 2 mons 3 days 4 hours 5 mins 6.5 secs", negative as " ago" after the first unit."""
    parts = ["@"]
    is_zero = True
    is_before = False
    for amount, unit in ((year, "year"), (mon, "mon"), (day, "day"), (hour, "hour"), (minute, "min")):
        if amount == 0:
            continue
        if is_zero:
            is_before = amount < 0
            amount = abs(amount)
        elif is_before:
            amount = -amount
        parts.append(f" {amount} {unit}{'' if amount == 1 else 's'}")
        is_zero = False
    if sec != 0 or fsec != 0:
        sign = ""
        if sec < 0 or (sec == 0 and fsec < 0):
            if is_zero:
                is_before = True
            elif not is_before:
                sign = "-"
        elif is_before:
            sign = "-"
        plural = "s" if abs(sec) != 1 or fsec != 0 else ""
        parts.append(f" {sign}{_seconds(sec, fsec, False)} sec{plural}")
        is_zero = False
    if is_zero:
        parts.append(" 0")
    if is_before:
        parts.append(" ago")
    return "".join(parts)


def styled_interval(value: Any, style: OutputStyle) -> str:
    """interval_out (EncodeInterval)."""
    layout = style.intervalstyle
    if layout == "postgres":
        return format_interval(value)
    fields = _fields(value)
    if layout == "sql_standard":
        return _sql_standard(*fields)
    if layout == "iso_8601":
        return _iso_8601(*fields)
    return _postgres_verbose(*fields)


# --- bytea_output ---------------------------------------------------------------------------------

# byteaout's escape format: printable ASCII as itself, the backslash doubled, other bytes as \ooo
_ESCAPED = [chr(b) if 0x20 <= b < 0x7F else f"\\{b:03o}" for b in range(256)]
_ESCAPED[0x5C] = "\\\\"


def styled_bytea(value: bytes | bytearray | memoryview, style: OutputStyle) -> str:
    if not style.bytea_escape:
        return format_bytea(value)
    table = _ESCAPED
    return "".join([table[b] for b in bytes(value)])
