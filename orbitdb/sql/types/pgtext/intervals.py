"""Text input and output of interval, as PostgreSQL 15 does them (IntervalStyle postgres).

An interval is (months, days, microseconds), kept apart as PostgreSQL keeps them: a month is not
30 days and a day is not 24 hours once time zones are involved.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.errors import INTERVAL_FIELD_OVERFLOW, INVALID_DATETIME_FORMAT
from orbitdb.storage.interval import Interval

USEC_PER_SEC = 1_000_000
USEC_PER_DAY = 86_400 * USEC_PER_SEC
_INT32 = (-(1 << 31), (1 << 31) - 1)
_INT64 = (-(1 << 63), (1 << 63) - 1)

# unit word -> unit; the unit decides how a fraction cascades to smaller units
_UNITS: dict[str, str] = {}
for _unit, _words in {
    "microsecond": "us usec usecs microsecon microsecond microseconds",
    "millisecond": "ms msec msecs millisecon millisecond milliseconds",
    "second": "s sec secs second seconds",
    "minute": "m min mins minute minutes",
    "hour": "h hr hrs hour hours",
    "day": "d day days",
    "week": "w week weeks",
    "month": "mon mons month months",
    "year": "y yr yrs year years",
    "decade": "dec decs decade decades",
    "century": "c cent century centuries",
    "millennium": "mil mils millennia millennium",
}.items():
    for _word in _words.split():
        _UNITS[_word] = _unit

_TOKEN = re.compile(
    r"""
    (?P<time>[+-]?\d+:\d+(?::\d+)?(?:\.\d*)?)
    | (?P<ym>[+-]?\d+-\d+)
    | (?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))
    | (?P<word>[a-z]+)
    | (?P<at>@)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_ISO_DESIGNATORS = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))([YMWDHS])", re.IGNORECASE)
_ISO_ALTERNATIVE = re.compile(r"P(\d+)-(\d+)-(\d+)(?:T(\d+):(\d+):(\d+(?:\.\d*)?))?\Z", re.IGNORECASE)


# units that count in an int4 field of PostgreSQL's interval input, by how many of it one is
_INT4_UNITS = {"year": 1, "decade": 10, "century": 100, "millennium": 1000, "month": 1, "week": 7, "day": 1}


class _BadFormat(Exception):
    pass


class _Accumulator:
    """PostgreSQL's struct pg_itm_in: years/months, days and microseconds, with its rules for
    carrying fractions down (a fractional month is 30 days, a fractional day 24 hours)."""

    def __init__(self) -> None:
        self.years = 0  # kept apart from months until the end, as PostgreSQL's tm_year
        self.months = 0
        self.days = 0
        self.usec = 0
        self.seen: set[str] = set()

    def add(self, unit: str, number: str) -> None:
        if unit in self.seen:
            raise _BadFormat
        self.seen.add(unit)
        whole_text, _, frac_text = number.lstrip("+-").partition(".")
        sign = -1 if number.startswith("-") else 1
        whole_text = whole_text.lstrip("0")
        if len(whole_text) > 19:  # PostgreSQL reads a field as an int8
            raise _FieldOverflow
        whole = sign * int(whole_text or "0")
        if not _INT64[0] <= whole <= _INT64[1]:
            raise _FieldOverflow
        if unit in _INT4_UNITS and not _INT32[0] <= whole * _INT4_UNITS[unit] <= _INT32[1]:
            raise _FieldOverflow  # years, months and days are int4 fields
        frac = sign * float("0." + frac_text) if frac_text else 0.0
        if unit == "microsecond":
            self.usec += whole + round(frac)
        elif unit == "millisecond":
            self.usec += round((whole + frac) * 1000)
        elif unit == "second":
            self.usec += whole * USEC_PER_SEC + round(frac * USEC_PER_SEC)
        elif unit == "minute":
            self.usec += whole * 60 * USEC_PER_SEC
            self._fract_seconds(frac, 60)
        elif unit == "hour":
            self.usec += whole * 3600 * USEC_PER_SEC
            self._fract_seconds(frac, 3600)
        elif unit == "day":
            self.days += whole
            self._fract_seconds(frac, 86400)
        elif unit == "week":
            self.days += whole * 7
            self._fract_days(frac, 7)
        elif unit == "month":
            self.months += whole
            self._fract_days(frac, 30)
        else:
            years = {"year": 1, "decade": 10, "century": 100, "millennium": 1000}[unit]
            self.years += whole * years
            self.months += round(frac * 12 * years)

    def _fract_seconds(self, frac: float, scale: int) -> None:
        seconds = frac * scale
        whole = int(seconds)
        self.usec += whole * USEC_PER_SEC + round((seconds - whole) * USEC_PER_SEC)

    def _fract_days(self, frac: float, scale: int) -> None:
        days = frac * scale
        whole = int(days)
        self.days += whole
        self._fract_seconds(days - whole, 86400)

    def add_time(self, text: str) -> None:
        """[-]HH:MM[:SS[.f]], or MM:SS.f when the second field has a fraction."""
        if "time" in self.seen:
            raise _BadFormat
        self.seen.add("time")
        sign = -1 if text.startswith("-") else 1
        parts = text.lstrip("+-").split(":")
        if len(parts) == 2 and "." in parts[1]:
            parts = ["0"] + parts
        if any(len(p.partition(".")[0].lstrip("0")) > 19 for p in parts):  # int8 fields in PostgreSQL
            raise _FieldOverflow
        hours, minutes = int(parts[0]), int(parts[1])
        sec_text, _, frac = (parts[2] if len(parts) > 2 else "0").partition(".")
        seconds = int(sec_text)
        if minutes > 59 or seconds > 59:
            raise _FieldOverflow
        usec = ((hours * 60 + minutes) * 60 + seconds) * USEC_PER_SEC
        usec += round(float("0." + frac) * USEC_PER_SEC) if frac else 0
        self.usec += sign * usec

    def result(self, negate: bool) -> Any:
        years, months, days, usec = self.years, self.months, self.days, self.usec
        if negate:
            years, months, days, usec = -years, -months, -days, -usec
        if not all(_INT32[0] <= v <= _INT32[1] for v in (years, months, days)):
            raise _FieldOverflow
        if not _INT64[0] <= usec <= _INT64[1]:
            raise _FieldOverflow
        months += years * 12
        if not _INT32[0] <= months <= _INT32[1]:
            raise _OutOfRange
        return Interval(months, days, usec)


class _FieldOverflow(Exception):
    """A field too large for PostgreSQL's int4 fields (22015)."""


class _OutOfRange(Exception):
    """Fields that fit but whose sum does not fit in an interval (22008)."""


def parse_interval(text: str) -> Any:
    """interval_in: PostgreSQL's verbose style ("1 year 2 mons -3 days 04:05:06 ago", "@ 1 hour"),
    SQL-standard "Y-M" and "D H:M:S", and ISO 8601 ("P1Y2M3DT4H5M6S", "P0001-02-03T04:05:06")."""
    try:
        body = text.strip()
        if body[:1] in ("P", "p"):
            return _parse_iso(body)
        return _parse_verbose(body)
    except _FieldOverflow:
        raise SqlError(INTERVAL_FIELD_OVERFLOW, f'interval field value out of range: "{text}"') from None
    except _OutOfRange:
        raise SqlError("22008", "interval out of range") from None
    except (_BadFormat, ValueError):
        raise SqlError(INVALID_DATETIME_FORMAT, f'invalid input syntax for type interval: "{text}"') from None


def _parse_verbose(body: str) -> Any:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(body):
        if body[pos].isspace() or body[pos] == ",":
            pos += 1
            continue
        match = _TOKEN.match(body, pos)
        if match is None:
            raise _BadFormat
        assert match.lastgroup is not None
        tokens.append((match.lastgroup, match.group(0)))
        pos = match.end()
    if not tokens:
        raise _BadFormat
    acc = _Accumulator()
    negate = False
    # Like PostgreSQL, read right to left: a unit word names the number before it; a number
    # before a clock time is days; a lone number is seconds.
    unit: str | None = None
    for kind, value in reversed(tokens):
        low = value.lower()
        if kind == "word":
            if low == "ago":
                if negate:
                    raise _BadFormat
                negate = True
                continue
            if unit is not None or low not in _UNITS:
                raise _BadFormat
            unit = _UNITS[low]
        elif kind == "num":
            acc.add(unit or ("day" if "time" in acc.seen and "day" not in acc.seen else "second"), value)
            unit = None
        elif kind == "time":
            if unit is not None:
                raise _BadFormat
            acc.add_time(value)
        elif kind == "ym":
            if unit is not None:
                raise _BadFormat
            sign = "-" if value.startswith("-") else ""
            years, months = value.lstrip("+-").split("-")
            acc.add("year", sign + years)
            acc.add("month", sign + months)
        elif unit is not None:  # "@" cannot carry a unit
            raise _BadFormat
    if unit is not None:
        raise _BadFormat
    return acc.result(negate)


def _parse_iso(body: str) -> Any:
    acc = _Accumulator()
    alternative = _ISO_ALTERNATIVE.match(body)
    if alternative is not None:
        y, mo, d, h, mi, s = alternative.groups()
        acc.add("year", y)
        acc.add("month", mo)
        acc.add("day", d)
        if h is not None:
            acc.add("hour", h)
            acc.add("minute", mi)
            acc.add("second", s)
        return acc.result(False)
    date_part, _, time_part = body[1:].upper().partition("T")
    if not date_part and not time_part:
        raise _BadFormat
    for part, units in (
        (date_part, {"Y": "year", "M": "month", "W": "week", "D": "day"}),
        (time_part, {"H": "hour", "M": "minute", "S": "second"}),
    ):
        pos = 0
        for match in _ISO_DESIGNATORS.finditer(part):
            if match.start() != pos or match.group(2) not in units:
                raise _BadFormat
            acc.add(units[match.group(2)], match.group(1))
            pos = match.end()
        if pos != len(part):
            raise _BadFormat
    return acc.result(False)


def _c_div(a: int, b: int) -> tuple[int, int]:
    """C's truncating division and remainder (PostgreSQL's arithmetic)."""
    q = abs(a) // b
    q = q if a >= 0 else -q
    return q, a - q * b


def format_interval(value: Any) -> str:
    """interval_out in IntervalStyle postgres: "1 year 2 mons -3 days +04:05:06.5"."""
    if isinstance(value, timedelta):
        months, days, usec = 0, value.days, value.seconds * USEC_PER_SEC + value.microseconds
    else:
        months, days, usec = value.months, value.days, value.microseconds
    year, mon = _c_div(months, 12)
    hour, rest = _c_div(usec, 3600 * USEC_PER_SEC)
    minute, rest = _c_div(rest, 60 * USEC_PER_SEC)
    sec, fsec = _c_div(rest, USEC_PER_SEC)
    parts: list[str] = []
    is_before = False
    for amount, unit in ((year, "year"), (mon, "mon"), (days, "day")):
        if amount == 0:
            continue
        plus = "+" if is_before and amount > 0 else ""
        parts.append(f"{plus}{amount} {unit}{'' if amount == 1 else 's'}")
        is_before = amount < 0
    if not parts or hour or minute or sec or fsec:
        minus = hour < 0 or minute < 0 or sec < 0 or fsec < 0
        sign = "-" if minus else ("+" if is_before else "")
        clock = f"{sign}{abs(hour):02d}:{abs(minute):02d}:{abs(sec):02d}"
        if fsec:
            clock += "." + f"{abs(fsec):06d}".rstrip("0")
        parts.append(clock)
    return " ".join(parts)
