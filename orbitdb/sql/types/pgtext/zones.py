"""Time zones for date/time text: session TimeZone settings, zone names and abbreviations in input,
and PostgreSQL's UTC-offset layout (+05:30, -04:56:02) in output."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc

# PostgreSQL's "Default" abbreviation set, the part people write (seconds east of UTC).
ABBREVIATIONS: dict[str, int] = {
    "utc": 0,
    "gmt": 0,
    "ut": 0,
    "z": 0,
    "zulu": 0,
    "wet": 0,
    "west": 3600,
    "bst": 3600,
    "cet": 3600,
    "met": 3600,
    "mez": 3600,
    "cest": 7200,
    "mest": 7200,
    "mesz": 7200,
    "eet": 7200,
    "sast": 7200,
    "ist": 7200,
    "eest": 10800,
    "msk": 10800,
    "est": -5 * 3600,
    "edt": -4 * 3600,
    "cst": -6 * 3600,
    "cdt": -5 * 3600,
    "mst": -7 * 3600,
    "mdt": -6 * 3600,
    "pst": -8 * 3600,
    "pdt": -7 * 3600,
    "akst": -9 * 3600,
    "akdt": -8 * 3600,
    "hst": -10 * 3600,
    "ast": -4 * 3600,
    "adt": -3 * 3600,
    "nst": -(3 * 3600 + 1800),
    "ndt": -(2 * 3600 + 1800),
    "jst": 9 * 3600,
    "kst": 9 * 3600,
    "hkt": 8 * 3600,
    "sgt": 8 * 3600,
    "awst": 8 * 3600,
    "acst": 9 * 3600 + 1800,
    "acdt": 10 * 3600 + 1800,
    "aest": 10 * 3600,
    "aedt": 11 * 3600,
    "nzst": 12 * 3600,
    "nzdt": 13 * 3600,
}

_ISO_HOURS = re.compile(r"[+-]?\d{1,2}(?:\.\d+)?\Z")
# a POSIX spec: an optional zone name ("UTC+3", "<-07>+07", or just "+05:30"), then the offset
_POSIX_OFFSET = re.compile(r"(?:<[^>]*>|[A-Za-z]{3,})?([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\Z")


@functools.lru_cache(maxsize=256)
def zone(name: str) -> tzinfo | None:
    """The tzinfo for a TimeZone setting or a zone name written in a value; None if unknown.
    Like PostgreSQL, names are matched without regard to case."""
    low = name.lower()
    if low in ("utc", "gmt", "etc/utc", "etc/gmt", "z", "zulu", "ut", "universal"):
        return UTC
    for candidate in (name, _title_case(name), name.upper()):
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
    hours = _ISO_HOURS.match(name)
    if hours is not None:
        # SET TIME ZONE -7 / TimeZone = '5.5': hours EAST of UTC (ISO sense)
        return _fixed(round(float(name) * 3600))
    posix = _POSIX_OFFSET.match(name)
    if posix is not None:
        # a POSIX spec ("UTC+3", "<-07>+07"): the offset counts hours WEST of UTC
        sign = -1 if posix.group(1) != "-" else 1
        seconds = int(posix.group(2)) * 3600 + int(posix.group(3) or 0) * 60 + int(posix.group(4) or 0)
        return _fixed(sign * seconds)
    return None


_POSIX_NAME = re.compile(r"<([^>]*)>|([A-Za-z]{3,})")


def fixed_abbreviation(name: str) -> str | None:
    """The zone abbreviation PostgreSQL prints in the SQL, German and Postgres DateStyles for a
    TimeZone setting without rules of its own: UTC or GMT, a POSIX spec's name ("UTC+3" -> UTC,
    "<+05>-05" -> +05). None for a zone of the tz database, whose abbreviation depends on the date."""
    low = name.lower()
    if low in ("gmt", "etc/gmt"):
        return "GMT"
    found = zone(name)
    if found is None or not isinstance(found, timezone):
        return None
    if _POSIX_OFFSET.match(name):
        posix = _POSIX_NAME.match(name)
        if posix is not None:
            return posix.group(1) if posix.group(1) is not None else posix.group(2)
        return ""  # an offset without a name ("+05:30") has an empty abbreviation
    return "UTC" if found is UTC else None


def _fixed(seconds: int) -> tzinfo:
    return UTC if seconds == 0 else timezone(timedelta(seconds=seconds))


def _title_case(name: str) -> str:
    return "/".join("_".join(p.capitalize() for p in part.split("_")) for part in name.split("/"))


def session_zone(tz: str | tzinfo | None) -> tzinfo:
    """The tzinfo of a session TimeZone (a tzinfo, a setting's text, or None for UTC)."""
    if tz is None:
        return UTC
    if isinstance(tz, tzinfo):
        return tz
    return zone(tz) or UTC


def format_offset(offset: timedelta | None) -> str:
    """PostgreSQL's offset layout: +HH, +HH:MM when minutes, +HH:MM:SS when seconds."""
    seconds = int(offset.total_seconds()) if offset is not None else 0
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours:02d}"
    if minutes or secs:
        text += f":{minutes:02d}"
    if secs:
        text += f":{secs:02d}"
    return text


def local_to_utc(naive: datetime, zone_info: tzinfo) -> datetime:
    """A wall-clock time in a zone as an aware UTC datetime. At a transition PostgreSQL reads a
    time that does not exist (spring forward) with the offset from before, and a time that exists
    twice (fall back) with the offset from after: so here."""
    before = naive.replace(tzinfo=zone_info, fold=0)
    after = naive.replace(tzinfo=zone_info, fold=1)
    offset_before, offset_after = before.utcoffset(), after.utcoffset()
    if offset_before is not None and offset_after is not None and offset_before > offset_after:
        return after.astimezone(UTC)  # fall back: the later instant
    return before.astimezone(UTC)
