"""to_char, to_date, to_timestamp and to_number: PostgreSQL's formatting
functions (formatting.c), ported with their template parsing, fill mode,
ordinal suffixes, 12-hour clocks, number templates (9 0 . , D G S MI PL SG PR
L V RN EEEE TH) and their errors.

sqlglot rewrites a literal datetime template into strftime codes
(to_char(x, 'YYYY') arrives as '%Y'); such templates are mapped back to
PostgreSQL's (``pg_template``)."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.datetime import iv, to_utc
from orbitdb.sql.functions.math import round_half_up
from orbitdb.sql.functions.registry import register
from orbitdb.sql.functions.strings import session_tz
from orbitdb.storage.infinite import Infinite

TEXT, TS, TSTZ, IV, DATE = T.TEXT, T.TIMESTAMP, T.TIMESTAMPTZ, T.INTERVAL, T.DATE
INT4, INT8, FLOAT4, FLOAT8, NUMERIC = T.INT4, T.INT8, T.FLOAT4, T.FLOAT8, T.NUMERIC

MONTHS_FULL = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]
MONTHS = [m[:3] for m in MONTHS_FULL]
DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
DAYS_SHORT = [d[:3] for d in DAYS]
RM_UPPER = ["XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I"]
RM_LOWER = [r.lower() for r in RM_UPPER]


# True if sqlglot parsed to_char/to_date/to_timestamp into nodes whose literal template it
# rewrote into strftime codes. False: orbitdb.sql.parse.parser keeps them as plain calls (its
# _keep_pg_functions runs when it is imported, before any statement reaches this library).
TEMPLATES_FROM_SQLGLOT = False


def pg_template(fmt: str) -> str:
    """A datetime template as PostgreSQL wrote it (undoing sqlglot's strftime rewrite)."""
    if "%" not in fmt or not TEMPLATES_FROM_SQLGLOT:
        return fmt
    try:
        from sqlglot.dialects.postgres import Postgres
        from sqlglot.time import format_time
    except ImportError:  # pragma: no cover
        return fmt
    return format_time(fmt, Postgres.INVERSE_TIME_MAPPING, Postgres.INVERSE_TIME_TRIE) or fmt


# ---------------------------------------------------------------------------
# template parsing

@dataclass
class Key:
    name: str
    id: str
    is_digit: bool = False
    mode: str = ""  # "G" gregorian, "I" ISO week (from_char date conventions)


@dataclass
class Node:
    kind: str  # "action", "char", "space", "separator"
    key: Key | None = None
    char: str = ""
    suffix: set[str] = field(default_factory=set)


def _dch_keys() -> list[Key]:
    spec = [
        ("A.D.", "A_D", 0, ""), ("A.M.", "A_M", 0, ""), ("AD", "AD", 0, ""), ("AM", "AM", 0, ""),
        ("B.C.", "B_C", 0, ""), ("BC", "BC", 0, ""), ("CC", "CC", 1, ""), ("DAY", "DAY", 0, ""),
        ("DDD", "DDD", 1, "G"), ("DD", "DD", 1, "G"), ("DY", "DY", 0, ""), ("Day", "Day", 0, ""),
        ("Dy", "Dy", 0, ""), ("D", "D", 1, "G"), ("FF1", "FF1", 1, ""), ("FF2", "FF2", 1, ""),
        ("FF3", "FF3", 1, ""), ("FF4", "FF4", 1, ""), ("FF5", "FF5", 1, ""), ("FF6", "FF6", 1, ""),
        ("FX", "FX", 0, ""), ("HH24", "HH24", 1, ""), ("HH12", "HH12", 1, ""), ("HH", "HH", 1, ""),
        ("IDDD", "IDDD", 1, "I"), ("ID", "ID", 1, "I"), ("IW", "IW", 1, "I"), ("IYYY", "IYYY", 1, "I"),
        ("IYY", "IYY", 1, "I"), ("IY", "IY", 1, "I"), ("I", "I", 1, "I"), ("J", "J", 1, ""), ("MI", "MI", 1, ""),
        ("MM", "MM", 1, "G"), ("MONTH", "MONTH", 0, "G"), ("MON", "MON", 0, "G"), ("MS", "MS", 1, ""),
        ("Month", "Month", 0, "G"), ("Mon", "Mon", 0, "G"), ("OF", "OF", 0, ""), ("P.M.", "P_M", 0, ""),
        ("PM", "PM", 0, ""), ("Q", "Q", 1, ""), ("RM", "RM", 0, "G"), ("SSSSS", "SSSS", 1, ""),
        ("SSSS", "SSSS", 1, ""), ("SS", "SS", 1, ""), ("TZH", "TZH", 0, ""), ("TZM", "TZM", 1, ""),
        ("TZ", "TZ", 0, ""), ("US", "US", 1, ""), ("WW", "WW", 1, "G"), ("W", "W", 1, "G"),
        ("Y,YYY", "Y_YYY", 1, "G"), ("YYYY", "YYYY", 1, "G"), ("YYY", "YYY", 1, "G"), ("YY", "YY", 1, "G"),
        ("Y", "Y", 1, "G"), ("a.d.", "a_d", 0, ""), ("a.m.", "a_m", 0, ""), ("ad", "ad", 0, ""),
        ("am", "am", 0, ""), ("b.c.", "b_c", 0, ""), ("bc", "bc", 0, ""), ("cc", "CC", 1, ""),
        ("day", "day", 0, ""), ("ddd", "DDD", 1, "G"), ("dd", "DD", 1, "G"), ("dy", "dy", 0, ""),
        ("d", "D", 1, "G"), ("ff1", "FF1", 1, ""), ("ff2", "FF2", 1, ""), ("ff3", "FF3", 1, ""),
        ("ff4", "FF4", 1, ""), ("ff5", "FF5", 1, ""), ("ff6", "FF6", 1, ""), ("fx", "FX", 0, ""),
        ("hh24", "HH24", 1, ""), ("hh12", "HH12", 1, ""), ("hh", "HH", 1, ""), ("iddd", "IDDD", 1, "I"),
        ("id", "ID", 1, "I"), ("iw", "IW", 1, "I"), ("iyyy", "IYYY", 1, "I"), ("iyy", "IYY", 1, "I"),
        ("iy", "IY", 1, "I"), ("i", "I", 1, "I"), ("j", "J", 1, ""), ("mi", "MI", 1, ""), ("mm", "MM", 1, "G"),
        ("month", "month", 0, "G"), ("mon", "mon", 0, "G"), ("ms", "MS", 1, ""), ("of", "OF", 0, ""),
        ("p.m.", "p_m", 0, ""), ("pm", "pm", 0, ""), ("q", "Q", 1, ""), ("rm", "rm", 0, "G"),
        ("sssss", "SSSS", 1, ""), ("ssss", "SSSS", 1, ""), ("ss", "SS", 1, ""), ("tzh", "TZH", 0, ""),
        ("tzm", "TZM", 1, ""), ("tz", "tz", 0, ""), ("us", "US", 1, ""), ("ww", "WW", 1, "G"),
        ("w", "W", 1, "G"), ("y,yyy", "Y_YYY", 1, "G"), ("yyyy", "YYYY", 1, "G"), ("yyy", "YYY", 1, "G"),
        ("yy", "YY", 1, "G"), ("y", "Y", 1, "G"),
    ]
    return [Key(n, i, bool(d), m) for n, i, d, m in spec]


def _num_keys() -> list[Key]:
    spec = [(",", "COMMA"), (".", "DEC"), ("0", "0"), ("9", "9"), ("B", "B"), ("C", "C"), ("D", "D"),
            ("EEEE", "E"), ("FM", "FM"), ("G", "G"), ("L", "L"), ("MI", "MI"), ("PL", "PL"), ("PR", "PR"),
            ("RN", "RN"), ("SG", "SG"), ("SP", "SP"), ("S", "S"), ("TH", "TH"), ("V", "V"), ("b", "B"),
            ("c", "C"), ("d", "D"), ("eeee", "E"), ("fm", "FM"), ("g", "G"), ("l", "L"), ("mi", "MI"),
            ("pl", "PL"), ("pr", "PR"), ("rn", "rn"), ("sg", "SG"), ("sp", "SP"), ("s", "S"), ("th", "th"),
            ("v", "V")]
    return [Key(n, i) for n, i in spec]


def _index(keys: list[Key]) -> dict[str, int]:
    idx: dict[str, int] = {}
    for i, k in enumerate(keys):
        idx.setdefault(k.name[0], i)
    return idx


DCH_KEYS = _dch_keys()
NUM_KEYS = _num_keys()
DCH_INDEX = _index(DCH_KEYS)
NUM_INDEX = _index(NUM_KEYS)


def _seq_search(s: str, pos: int, keys: list[Key], index: dict[str, int]) -> Key | None:
    start = index.get(s[pos]) if pos < len(s) else None
    if start is None:
        return None
    i = start
    first = s[pos]
    while i < len(keys) and keys[i].name[0] == first:
        if s.startswith(keys[i].name, pos):
            return keys[i]
        i += 1
    return None


def _is_separator(ch: str) -> bool:
    return 0x20 < ord(ch) < 0x7F and not ch.isalnum()


def parse_format(fmt: str, numeric: bool) -> list[Node]:
    keys, index = (NUM_KEYS, NUM_INDEX) if numeric else (DCH_KEYS, DCH_INDEX)
    nodes: list[Node] = []
    i, n = 0, len(fmt)
    while i < n:
        suffix: set[str] = set()
        if not numeric:
            for pre in ("FM", "fm", "TM", "tm"):
                if fmt.startswith(pre, i):
                    suffix.add(pre.upper())
                    i += 2
                    break
        key = _seq_search(fmt, i, keys, index) if i < n else None
        if key is not None:
            i += len(key.name)
            node = Node("action", key, suffix=suffix)
            if not numeric and i < n:
                for post in ("TH", "th", "SP"):
                    if fmt.startswith(post, i):
                        node.suffix.add(post)
                        i += 2
                        break
            nodes.append(node)
            continue
        if i >= n:
            break
        ch = fmt[i]
        if ch == '"':
            i += 1
            while i < n:
                if fmt[i] == '"':
                    i += 1
                    break
                if fmt[i] == "\\" and i + 1 < n:
                    i += 1
                nodes.append(Node("char", char=fmt[i]))
                i += 1
            continue
        if ch == "\\" and i + 1 < n and fmt[i + 1] == '"':
            i += 1
            ch = '"'
        if not numeric and _is_separator(ch):
            kind = "separator"
        elif ch.isspace():
            kind = "space"
        else:
            kind = "char"
        nodes.append(Node(kind, char=ch))
        i += 1
    return nodes


# ---------------------------------------------------------------------------
# to_char for date/time values

@dataclass
class Tm:
    year: int = 0
    mon: int = 1
    mday: int = 1
    hour: int = 0
    min: int = 0
    sec: int = 0
    fsec: int = 0
    wday: int = 0
    yday: int = 0
    gmtoff: int = 0
    tzn: str | None = None


def _th(num: str, upper: bool) -> str:
    last = num[-1] if num else ""
    if not last.isdigit():
        raise SqlError("22P02", f'"{num}" is not a number')
    if len(num) > 1 and num[-2] == "1":
        last = "0"
    suffix = {"1": "st", "2": "nd", "3": "rd"}.get(last, "th")
    return num + (suffix.upper() if upper else suffix)


def _zpad(v: int, width: int) -> str:
    """C's %0*d."""
    if width <= 0:
        return str(v)
    if v < 0:
        return "-" + str(-v).zfill(width - 1)
    return str(v).zfill(width)


def _adjust_year(year: int, is_interval: bool) -> int:
    if is_interval:
        return year
    return -(year - 1) if year <= 0 else year


def _iso(tm: Tm) -> tuple[int, int, int]:
    """(ISO year, ISO week, ISO day of year) of the tm's date."""
    try:
        d = dt.date(tm.year, tm.mon, tm.mday)
    except ValueError:
        return tm.year, 1, 1
    y, w, wd = d.isocalendar()
    return y, w, (w - 1) * 7 + wd


def _invalid_for_interval() -> SqlError:
    return SqlError("22007", "invalid format specification for an interval value",
                    hint="Intervals are not tied to specific calendar dates.")


def dch_to_char(nodes: list[Node], tm: Tm, is_interval: bool) -> str:
    out: list[str] = []
    for n in nodes:
        if n.kind != "action":
            out.append(n.char)
            continue
        assert n.key is not None
        kid = n.key.id
        fm = "FM" in n.suffix
        tmode = "TM" in n.suffix
        th_upper = "TH" in n.suffix
        th = th_upper or "th" in n.suffix

        def num(text: str, th: bool = th, th_upper: bool = th_upper) -> None:
            out.append(_th(text, th_upper) if th else text)

        def text_field(value: str, pad: int, case: str, fm: bool = fm, tmode: bool = tmode) -> None:
            if case == "upper":
                value = value.upper()
            elif case == "lower":
                value = value.lower()
            out.append(value if fm or tmode or pad == 0 else value.ljust(pad))

        pm = tm.hour % 24 >= 12
        if kid in ("A_M", "P_M"):
            out.append("P.M." if pm else "A.M.")
        elif kid in ("AM", "PM"):
            out.append("PM" if pm else "AM")
        elif kid in ("a_m", "p_m"):
            out.append("p.m." if pm else "a.m.")
        elif kid in ("am", "pm"):
            out.append("pm" if pm else "am")
        elif kid in ("HH", "HH12"):
            h = tm.hour % 12
            num(_zpad(12 if h == 0 else h, 0 if fm else (2 if tm.hour >= 0 else 3)))
        elif kid == "HH24":
            num(_zpad(tm.hour, 0 if fm else (2 if tm.hour >= 0 else 3)))
        elif kid == "MI":
            num(_zpad(tm.min, 0 if fm else (2 if tm.min >= 0 else 3)))
        elif kid == "SS":
            num(_zpad(tm.sec, 0 if fm else (2 if tm.sec >= 0 else 3)))
        elif kid.startswith("FF") or kid in ("MS", "US"):
            digits = {"MS": 3, "US": 6}.get(kid) or int(kid[2])
            v = int(tm.fsec / 10 ** (6 - digits))
            num(_zpad(v, digits))
        elif kid == "SSSS":
            num(str(tm.hour * 3600 + tm.min * 60 + tm.sec))
        elif kid in ("tz", "TZ"):
            if is_interval:
                raise _invalid_for_interval()
            if tm.tzn:
                out.append(tm.tzn.lower() if kid == "tz" else tm.tzn)
        elif kid == "TZH":
            if is_interval:
                raise _invalid_for_interval()
            out.append(("+" if tm.gmtoff >= 0 else "-") + f"{abs(tm.gmtoff) // 3600:02d}")
        elif kid == "TZM":
            if is_interval:
                raise _invalid_for_interval()
            out.append(f"{abs(tm.gmtoff) % 3600 // 60:02d}")
        elif kid == "OF":
            if is_interval:
                raise _invalid_for_interval()
            off = abs(tm.gmtoff)
            out.append(("+" if tm.gmtoff >= 0 else "-") + _zpad(off // 3600, 0 if fm else 2))
            if off % 3600:
                out.append(f":{off % 3600 // 60:02d}")
        elif kid in ("A_D", "B_C", "AD", "BC", "a_d", "b_c", "ad", "bc"):
            if is_interval:
                raise _invalid_for_interval()
            bc = tm.year <= 0
            text = {"A_D": ("A.D.", "B.C."), "B_C": ("A.D.", "B.C."), "AD": ("AD", "BC"), "BC": ("AD", "BC"),
                    "a_d": ("a.d.", "b.c."), "b_c": ("a.d.", "b.c."), "ad": ("ad", "bc"), "bc": ("ad", "bc")}[kid]
            out.append(text[1] if bc else text[0])
        elif kid in ("MONTH", "Month", "month", "MON", "Mon", "mon"):
            if is_interval:
                raise _invalid_for_interval()
            if not tm.mon:
                continue
            full = kid.lower() == "month"
            name = (MONTHS_FULL if full else MONTHS)[tm.mon - 1]
            case = "upper" if kid.isupper() else ("lower" if kid.islower() else "")
            text_field(name, 9 if full else 0, case)
        elif kid == "MM":
            num(_zpad(tm.mon, 0 if fm else (2 if tm.mon >= 0 else 3)))
        elif kid in ("DAY", "Day", "day", "DY", "Dy", "dy"):
            if is_interval:
                raise _invalid_for_interval()
            full = kid.lower() == "day"
            name = (DAYS if full else DAYS_SHORT)[tm.wday]
            case = "upper" if kid.isupper() else ("lower" if kid.islower() else "")
            text_field(name, 9 if full else 0, case)
        elif kid in ("DDD", "IDDD"):
            v = tm.yday if kid == "DDD" else _iso(tm)[2]
            num(_zpad(v, 0 if fm else 3))
        elif kid == "DD":
            num(_zpad(tm.mday, 0 if fm else 2))
        elif kid == "D":
            if is_interval:
                raise _invalid_for_interval()
            num(str(tm.wday + 1))
        elif kid == "ID":
            if is_interval:
                raise _invalid_for_interval()
            num(str(7 if tm.wday == 0 else tm.wday))
        elif kid == "WW":
            num(_zpad((tm.yday - 1) // 7 + 1, 0 if fm else 2))
        elif kid == "IW":
            num(_zpad(_iso(tm)[1], 0 if fm else 2))
        elif kid == "Q":
            if not tm.mon:
                continue
            num(str((tm.mon - 1) // 3 + 1))
        elif kid == "CC":
            if is_interval:
                i = int(tm.year / 100)
            elif tm.year > 0:
                i = (tm.year - 1) // 100 + 1
            else:
                i = int(tm.year / 100) - 1
            num(_zpad(i, 0 if fm else (2 if i >= 0 else 3)) if -99 <= i <= 99 else str(i))
        elif kid == "Y_YYY":
            y = _adjust_year(tm.year, is_interval)
            i = int(y / 1000)
            num(f"{i},{_zpad(y - i * 1000, 3)}")
        elif kid in ("YYYY", "IYYY", "YYY", "IYY", "YY", "IY", "Y", "I"):
            base = tm.year if kid[0] == "Y" else _iso(tm)[0]
            y = _adjust_year(base, is_interval)
            width = len(kid) if kid[0] == "Y" else {"IYYY": 4, "IYY": 3, "IY": 2, "I": 1}[kid]
            if width == 4:
                num(_zpad(y, 0 if fm else (4 if y >= 0 else 5)))
            elif width == 1:
                num(str(_cmod(y, 10)))
            else:
                v = _cmod(y, 10 ** width)
                num(_zpad(v, 0 if fm else (width if y >= 0 else width + 1)))
        elif kid in ("RM", "rm"):
            if not tm.mon and not tm.year:
                continue
            months = RM_UPPER if kid == "RM" else RM_LOWER
            if tm.mon == 0:
                m = 0 if tm.year >= 0 else 11
            elif tm.mon < 0:
                m = -1 * (tm.mon + 1)
            else:
                m = 12 - tm.mon
            out.append(months[m] if fm else months[m].ljust(4))
        elif kid == "W":
            num(str((tm.mday - 1) // 7 + 1))
        elif kid == "J":
            try:
                num(str(dt.date(tm.year, tm.mon, tm.mday).toordinal() + 1721425))
            except ValueError:
                num("0")
    return "".join(out)


def _cmod(a: int, b: int) -> int:
    """C's % (sign of the dividend)."""
    r = abs(a) % b
    return -r if a < 0 else r


def _tm_of(d: dt.datetime, gmtoff: int = 0, tzn: str | None = None) -> Tm:
    return Tm(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, (d.weekday() + 1) % 7,
              d.timetuple().tm_yday, gmtoff, tzn)


def _fmt_or_none(fmt: str) -> str | None:
    return pg_template(fmt) if fmt else None


@register("to_char", [TS, TEXT], TEXT)
def to_char_ts(ts: dt.datetime, fmt: str) -> str | None:
    f = _fmt_or_none(fmt)
    if f is None or type(ts) is Infinite:  # PostgreSQL's to_char of infinity is NULL
        return None
    return dch_to_char(parse_format(f, False), _tm_of(ts), False)


@register("to_char", [TSTZ, TEXT], TEXT)
def to_char_tstz(ts: dt.datetime, fmt: str) -> str | None:
    f = _fmt_or_none(fmt)
    if f is None or type(ts) is Infinite:  # PostgreSQL's to_char of infinity is NULL
        return None
    loc = ts.astimezone(session_tz())
    off = int((loc.utcoffset() or dt.timedelta(0)).total_seconds())
    name = loc.tzname() or ""
    if name.startswith("UTC") and len(name) > 3:  # fixed offsets: PostgreSQL prints +05 style
        name = _offset_name(off)
    return dch_to_char(parse_format(f, False), _tm_of(loc.replace(tzinfo=None), off, name), False)


def _offset_name(off: int) -> str:
    sign = "+" if off >= 0 else "-"
    off = abs(off)
    text = f"{sign}{off // 3600:02d}"
    if off % 3600:
        text += f":{off % 3600 // 60:02d}"
    return text


@register("to_char", [IV, TEXT], TEXT)
def to_char_interval(value: Any, fmt: str) -> str | None:
    f = _fmt_or_none(fmt)
    if f is None:
        return None
    v = iv(value)
    year, mon = _c_div(v.months, 12)
    hour, rest = _c_div(v.microseconds, 3_600_000_000)
    minute, rest = _c_div(rest, 60_000_000)
    sec, us = _c_div(rest, 1_000_000)
    tm = Tm(year, mon, v.days, hour, minute, sec, us, 0, (year * 12 + mon) * 30 + v.days)
    return dch_to_char(parse_format(f, False), tm, True)


def _c_div(a: int, b: int) -> tuple[int, int]:
    q = abs(a) // b
    q = q if a >= 0 else -q
    return q, a - q * b


# ---------------------------------------------------------------------------
# to_date / to_timestamp

@dataclass
class FromChar:
    mode: str = ""
    hh: int = 0
    pm: int = 0
    mi: int = 0
    ss: int = 0
    ssss: int = 0
    d: int = 0
    dd: int = 0
    ddd: int = 0
    mm: int = 0
    ms: int = 0
    year: int = 0
    bc: int = 0
    ww: int = 0
    w: int = 0
    cc: int = 0
    j: int = 0
    us: int = 0
    yysz: int = 0
    clock12: bool = False
    tzsign: int = 0
    tzh: int = 0
    tzm: int = 0
    ff: int = 0


def _bad_format(msg: str, detail: str | None = None, hint: str | None = None) -> SqlError:
    return SqlError("22007", msg, detail=detail, hint=hint)


def _is_next_separator(nodes: list[Node], i: int) -> bool:
    n = nodes[i]
    if n.kind == "action" and ("TH" in n.suffix or "th" in n.suffix):
        return True
    if i + 1 >= len(nodes):
        return True
    nxt = nodes[i + 1]
    if nxt.kind == "action":
        assert nxt.key is not None
        return not nxt.key.is_digit
    return not (len(nxt.char) == 1 and nxt.char.isdigit())


class _Src:
    def __init__(self, text: str) -> None:
        self.s = text
        self.p = 0

    def cur(self) -> str:
        return self.s[self.p] if self.p < len(self.s) else ""

    def rest(self) -> str:
        return self.s[self.p:]


_STRTOL = re.compile(r"\s*[+-]?\d+")


def _set_int(fc: FromChar, attr: str, value: int, node: Node) -> None:
    old = getattr(fc, attr)
    if old != 0 and old != value:
        assert node.key is not None
        raise _bad_format(f'conflicting values for "{node.key.name}" field in formatting string',
                          detail="This value contradicts a previous setting for the same field type.")
    setattr(fc, attr, value)


def _parse_int_len(fc: FromChar, attr: str | None, src: _Src, length: int, nodes: list[Node], i: int) -> int:
    node = nodes[i]
    assert node.key is not None
    init = src.p
    while src.cur() and src.cur().isspace():
        src.p += 1
    copy = src.s[src.p: src.p + length]
    if "FM" in node.suffix or _is_next_separator(nodes, i):
        m = _STRTOL.match(src.s, init)
        if m is None:
            raise _bad_format(f'invalid value "{copy}" for "{node.key.name}"', detail="Value must be an integer.")
        result = int(m.group(0))
        src.p = m.end()
    else:
        if len(copy) < length:
            raise _bad_format(f'source string too short for "{node.key.name}" formatting field',
                              detail=f"Field requires {length} characters, but only {len(copy)} remain.",
                              hint='If your source string is not fixed-width, try using the "FM" modifier.')
        m = _STRTOL.match(copy)
        used = m.end() if m else 0
        if 0 < used < length:
            raise _bad_format(f'invalid value "{copy}" for "{node.key.name}"',
                              detail=f"Field requires {length} characters, but only {used} could be parsed.",
                              hint='If your source string is not fixed-width, try using the "FM" modifier.')
        if m is None:
            raise _bad_format(f'invalid value "{copy}" for "{node.key.name}"', detail="Value must be an integer.")
        result = int(m.group(0))
        src.p += used
    if src.p == init:
        raise _bad_format(f'invalid value "{copy}" for "{node.key.name}"', detail="Value must be an integer.")
    if not -(2**31) <= result < 2**31:
        raise SqlError("22008", f'value for "{node.key.name}" in source string is out of range',
                       detail="Value must be in the range -2147483648 to 2147483647.")
    if attr is not None:
        _set_int(fc, attr, result, node)
    return src.p - init


def _seq_match(src: _Src, words: list[str], node: Node) -> int:
    low = src.rest().lower()
    for idx, w in enumerate(words):
        if low.startswith(w.lower()):
            src.p += len(w)
            return idx
    assert node.key is not None
    word = src.rest().split()[0] if src.rest().split() else ""
    raise _bad_format(f'invalid value "{word}" for "{node.key.name}"',
                      detail="The given value did not match any of the allowed values for this field.")


def _skip_th(src: _Src, node: Node) -> None:
    if "TH" in node.suffix or "th" in node.suffix:
        src.p = min(src.p + 2, len(src.s))


def _adjust_partial_year(year: int) -> int:
    if year < 70:
        return year + 2000
    if year < 100:
        return year + 1900
    if year < 520:
        return year + 2000
    if year < 1000:
        return year + 1000
    return year


def dch_from_char(nodes: list[Node], text: str) -> FromChar:
    fc = FromChar()
    src = _src = _Src(text)
    fx = False
    extra_skip = 0
    for i, n in enumerate(nodes):
        if not src.cur():
            break
        if not fx and (n.kind != "action" or (n.key is not None and n.key.id != "FX")) and (
                n.kind == "action" or i == 0):
            while src.cur() and src.cur().isspace():
                src.p += 1
                extra_skip += 1
        if n.kind in ("space", "separator"):
            if not fx:
                extra_skip -= 1
                c = src.cur()
                if c and (c.isspace() or _is_separator(c)):
                    src.p += 1
                    extra_skip += 1
            else:
                src.p += 1
            continue
        if n.kind != "action":
            if not fx:
                if extra_skip > 0:
                    extra_skip -= 1
                else:
                    src.p += 1
            else:
                src.p += 1
            continue
        key = n.key
        assert key is not None
        if key.mode:
            if not fc.mode:
                fc.mode = key.mode
            elif fc.mode != key.mode:
                raise _bad_format("invalid combination of date conventions",
                                  hint="Do not mix Gregorian and ISO week date conventions in a formatting template.")
        kid = key.id
        if kid == "FX":
            fx = True
        elif kid in ("A_M", "P_M", "a_m", "p_m"):
            v = _seq_match(src, ["a.m.", "p.m.", "A.M.", "P.M."], n)
            _set_int(fc, "pm", v % 2, n)
            fc.clock12 = True
        elif kid in ("AM", "PM", "am", "pm"):
            v = _seq_match(src, ["am", "pm", "AM", "PM"], n)
            _set_int(fc, "pm", v % 2, n)
            fc.clock12 = True
        elif kid in ("HH", "HH12"):
            _parse_int_len(fc, "hh", src, 2, nodes, i)
            fc.clock12 = True
            _skip_th(src, n)
        elif kid == "HH24":
            _parse_int_len(fc, "hh", src, 2, nodes, i)
            _skip_th(src, n)
        elif kid in ("MI", "SS", "MM", "DD", "D", "DDD", "CC", "W", "J", "SSSS", "WW", "IW"):
            attr = {"MI": "mi", "SS": "ss", "MM": "mm", "DD": "dd", "D": "d", "DDD": "ddd", "CC": "cc", "W": "w",
                    "J": "j", "SSSS": "ssss", "WW": "ww", "IW": "ww"}[kid]
            _parse_int_len(fc, attr, src, len(key.name), nodes, i)
            _skip_th(src, n)
        elif kid == "MS":
            length = _parse_int_len(fc, "ms", src, 3, nodes, i)
            fc.ms *= 100 if length == 1 else (10 if length == 2 else 1)
            _skip_th(src, n)
        elif kid.startswith("FF") or kid == "US":
            if kid != "US":
                fc.ff = int(kid[2])
            length = _parse_int_len(fc, "us", src, 6 if kid == "US" else fc.ff, nodes, i)
            fc.us *= 10 ** max(0, 6 - length)
            _skip_th(src, n)
        elif kid in ("tz", "TZ", "OF"):
            raise SqlError("0A000", f'formatting field "{key.name}" is only supported in to_char')
        elif kid == "TZH":
            c = src.cur()
            if c in ("+", "-", " "):
                fc.tzsign = -1 if c == "-" else 1
                src.p += 1
            else:
                fc.tzsign = -1 if extra_skip > 0 and src.p > 0 and src.s[src.p - 1] == "-" else 1
            _parse_int_len(fc, "tzh", src, 2, nodes, i)
        elif kid == "TZM":
            if not fc.tzsign:
                fc.tzsign = 1
            _parse_int_len(fc, "tzm", src, 2, nodes, i)
        elif kid in ("A_D", "B_C", "a_d", "b_c"):
            v = _seq_match(src, ["a.d.", "b.c.", "A.D.", "B.C."], n)
            _set_int(fc, "bc", v % 2, n)
        elif kid in ("AD", "BC", "ad", "bc"):
            v = _seq_match(src, ["ad", "bc", "AD", "BC"], n)
            _set_int(fc, "bc", v % 2, n)
        elif kid in ("MONTH", "Month", "month"):
            v = _seq_match(src, MONTHS_FULL, n)
            _set_int(fc, "mm", v + 1, n)
        elif kid in ("MON", "Mon", "mon"):
            v = _seq_match(src, MONTHS, n)
            _set_int(fc, "mm", v + 1, n)
        elif kid in ("DAY", "Day", "day"):
            v = _seq_match(src, DAYS, n)
            _set_int(fc, "d", v, n)
            fc.d += 1
        elif kid in ("DY", "Dy", "dy"):
            v = _seq_match(src, DAYS_SHORT, n)
            _set_int(fc, "d", v, n)
            fc.d += 1
        elif kid == "IDDD":
            _parse_int_len(fc, "ddd", src, 3, nodes, i)
            _skip_th(src, n)
        elif kid == "ID":
            _parse_int_len(fc, "d", src, 1, nodes, i)
            fc.d += 1
            if fc.d > 7:
                fc.d = 1
            _skip_th(src, n)
        elif kid == "Q":
            _parse_int_len(fc, None, src, 1, nodes, i)
            _skip_th(src, n)
        elif kid == "Y_YYY":
            m = re.match(r"\s*([+-]?\d+),(\d{1,3})", src.rest())
            if m is None:
                raise _bad_format('invalid input string for "Y,YYY"')
            years = int(m.group(1)) * 1000 + int(m.group(2))
            _set_int(fc, "year", years, n)
            fc.yysz = 4
            src.p += m.end()
            _skip_th(src, n)
        elif kid in ("YYYY", "IYYY"):
            _parse_int_len(fc, "year", src, 4, nodes, i)
            fc.yysz = 4
            _skip_th(src, n)
        elif kid in ("YYY", "IYY", "YY", "IY", "Y", "I"):
            width = {"YYY": 3, "IYY": 3, "YY": 2, "IY": 2, "Y": 1, "I": 1}[kid]
            length = _parse_int_len(fc, "year", src, width, nodes, i)
            if length < 4:
                fc.year = _adjust_partial_year(fc.year)
            fc.yysz = width
            _skip_th(src, n)
        elif kid in ("RM", "rm"):
            v = _seq_match(src, RM_LOWER, n)
            _set_int(fc, "mm", 12 - v, n)
        if not fx:
            extra_skip = 0
            while src.cur() and src.cur().isspace():
                src.p += 1
                extra_skip += 1
    del _src
    return fc


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _field_overflow(text: str) -> SqlError:
    return SqlError("22008", f'date/time field value out of range: "{text}"')


def _from_julian(j: int) -> tuple[int, int, int]:
    d = dt.date.fromordinal(j - 1721425)
    return d.year, d.month, d.day


def do_to_timestamp(text: str, fmt: str) -> tuple[dt.datetime, int | None, int]:
    """(wall-clock datetime, UTC offset in seconds east if given, fractional precision)."""
    nodes = parse_format(pg_template(fmt), False) if fmt else []
    fc = dch_from_char(nodes, text) if nodes else FromChar()
    year, mon, mday, hour, minute, sec, fsec = 0, 1, 1, 0, 0, 0, 0
    has_year = has_mon = has_day = False
    if fc.ssss:
        x = fc.ssss
        hour, x = divmod(x, 3600)
        minute, sec = divmod(x, 60)
    if fc.ss:
        sec = fc.ss
    if fc.mi:
        minute = fc.mi
    if fc.hh:
        hour = fc.hh
    if fc.clock12:
        if hour < 1 or hour > 12:
            raise _bad_format(f'hour "{hour}" is invalid for the 12-hour clock',
                              hint="Use the 24-hour clock, or give an hour between 1 and 12.")
        if fc.pm and hour < 12:
            hour += 12
        elif not fc.pm and hour == 12:
            hour = 0
    if fc.year:
        if fc.cc and fc.yysz <= 2:
            cc = -fc.cc if fc.bc else fc.cc
            year = fc.year % 100
            if year:
                year = year + (cc - 1) * 100 if cc >= 0 else (cc + 1) * 100 - year + 1
            else:
                year = cc * 100 + (0 if cc >= 0 else 1)
        else:
            year = fc.year
            if fc.bc:
                year = -year
            if year < 0:
                year += 1
        has_year = True
    elif fc.cc:
        cc = -fc.cc if fc.bc else fc.cc
        year = (cc - 1) * 100 + 1 if cc >= 0 else cc * 100 + 1
        has_year = True
    if fc.j:
        if fc.j < 1721426:
            raise SqlError("22008", f'timestamp out of range: "{text}"',
                           detail="Dates before 0001-01-01 (BC) are not supported by orbitdb.")
        year, mon, mday = _from_julian(fc.j)
        has_year = has_mon = has_day = True
    if fc.ww:
        if fc.mode == "I":
            jan4 = dt.date(year, 1, 4)
            monday = jan4 - dt.timedelta(days=jan4.isoweekday() - 1)
            wd = ((fc.d + 5) % 7 + 1) if fc.d else 1  # Sunday=1 -> ISO 7
            day = monday + dt.timedelta(weeks=fc.ww - 1, days=wd - 1)
            year, mon, mday = day.year, day.month, day.day
            has_year = has_mon = has_day = True
        else:
            fc.ddd = (fc.ww - 1) * 7 + 1
    if fc.w:
        fc.dd = (fc.w - 1) * 7 + 1
    if fc.dd:
        mday = fc.dd
        has_day = True
    if fc.mm:
        mon = fc.mm
        has_mon = True
    if fc.ddd and (mon <= 1 or mday <= 1):
        if not year and not fc.bc:
            raise _bad_format("cannot calculate day of year without year information")
        if fc.mode == "I":
            jan4 = dt.date(year, 1, 4)
            j0 = jan4 - dt.timedelta(days=jan4.isoweekday() - 1) - dt.timedelta(days=1)
            day = j0 + dt.timedelta(days=fc.ddd)
            year, mon, mday = day.year, day.month, day.day
        else:
            leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
            ysum = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]
            if leap:
                ysum = [0] + [v + (1 if k >= 2 else 0) for k, v in enumerate(ysum[1:], 1)]
            k = 1
            while k <= 12 and fc.ddd > ysum[k]:
                k += 1
            if mon <= 1:
                mon = k
            if mday <= 1:
                mday = fc.ddd - ysum[k - 1]
        has_mon = has_day = True
    if fc.ms:
        fsec += fc.ms * 1000
    if fc.us:
        fsec += fc.us
    if has_mon and not 1 <= mon <= 12:
        raise _field_overflow(text)
    if has_day and not 1 <= mday <= 31:
        raise _field_overflow(text)
    if has_year and has_mon and has_day:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        if mday > (29 if mon == 2 and leap else _DAYS_IN_MONTH[mon - 1]):
            raise _field_overflow(text)
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= sec < 60 and 0 <= fsec < 1_000_000):
        raise _field_overflow(text)
    offset = None
    if fc.tzsign:
        if fc.tzh < 0 or fc.tzh > 15 or fc.tzm < 0 or fc.tzm >= 60:
            raise SqlError("22009", f'time zone displacement out of range: "{text}"')
        offset = (fc.tzh * 60 + fc.tzm) * 60 * (1 if fc.tzsign > 0 else -1)
    if year <= 0:
        raise SqlError("22008", f'timestamp out of range: "{text}"',
                       detail="Dates before 0001-01-01 (BC) are not supported by orbitdb.")
    try:
        value = dt.datetime(year, mon, mday, hour, minute, sec, fsec)
    except ValueError:
        raise _field_overflow(text) from None
    return value, offset, fc.ff


@register("to_timestamp", [TEXT, TEXT], TSTZ)
def to_timestamp_fmt(text: str, fmt: str) -> dt.datetime:
    value, offset, ff = do_to_timestamp(text, fmt)
    if offset is not None:
        result = (value - dt.timedelta(seconds=offset)).replace(tzinfo=dt.timezone.utc)
    else:
        result = to_utc(value)
    if ff and ff < 6:
        q = 10 ** (6 - ff)
        us = result.microsecond
        result = result.replace(microsecond=0) + dt.timedelta(microseconds=(us + q // 2) // q * q)
    return result


@register("to_date", [TEXT, TEXT], DATE)
def to_date(text: str, fmt: str) -> dt.date:
    value, _, _ = do_to_timestamp(text, fmt)
    return value.date()


# ---------------------------------------------------------------------------
# number formatting

@dataclass
class NumDesc:
    pre: int = 0
    post: int = 0
    lsign: int = 0  # -1 pre, 1 post, 0 none
    flags: set[str] = field(default_factory=set)
    pre_lsign_num: int = 0
    multi: int = 0
    zero_start: int = 0
    zero_end: int = 0


def _syntax(msg: str, detail: str | None = None) -> SqlError:
    return SqlError("42601", msg, detail=detail)


def num_prepare(nodes: list[Node]) -> NumDesc:
    num = NumDesc()
    f = num.flags
    for n in nodes:
        if n.kind != "action":
            continue
        assert n.key is not None
        kid = n.key.id
        if "EEEE" in f and kid != "E":
            raise _syntax('"EEEE" must be the last pattern used')
        if kid == "9":
            if "BRACKET" in f:
                raise _syntax('"9" must be ahead of "PR"')
            if "MULTI" in f:
                num.multi += 1
                continue
            if "DECIMAL" in f:
                num.post += 1
            else:
                num.pre += 1
        elif kid == "0":
            if "BRACKET" in f:
                raise _syntax('"0" must be ahead of "PR"')
            if "ZERO" not in f and "DECIMAL" not in f:
                f.add("ZERO")
                num.zero_start = num.pre + 1
            if "DECIMAL" not in f:
                num.pre += 1
            else:
                num.post += 1
            num.zero_end = num.pre + num.post
        elif kid == "B":
            if num.pre == 0 and num.post == 0 and "ZERO" not in f:
                f.add("BLANK")
        elif kid in ("D", "DEC"):
            if kid == "D":
                f.add("LDECIMAL")
            if "DECIMAL" in f:
                raise _syntax("multiple decimal points")
            if "MULTI" in f:
                raise _syntax('cannot use "V" and decimal point together')
            f.add("DECIMAL")
        elif kid == "FM":
            f.add("FILLMODE")
        elif kid == "S":
            if "LSIGN" in f:
                raise _syntax('cannot use "S" twice')
            if f & {"PLUS", "MINUS", "BRACKET"}:
                raise _syntax('cannot use "S" and "PL"/"MI"/"SG"/"PR" together')
            if "DECIMAL" not in f:
                num.lsign = -1
                num.pre_lsign_num = num.pre
                f.add("LSIGN")
            elif num.lsign == 0:
                num.lsign = 1
                f.add("LSIGN")
        elif kid == "MI":
            if "LSIGN" in f:
                raise _syntax('cannot use "S" and "MI" together')
            f.add("MINUS")
            if "DECIMAL" in f:
                f.add("MINUS_POST")
        elif kid == "PL":
            if "LSIGN" in f:
                raise _syntax('cannot use "S" and "PL" together')
            f.add("PLUS")
            if "DECIMAL" in f:
                f.add("PLUS_POST")
        elif kid == "SG":
            if "LSIGN" in f:
                raise _syntax('cannot use "S" and "SG" together')
            f.add("MINUS")
            f.add("PLUS")
        elif kid == "PR":
            if f & {"LSIGN", "PLUS", "MINUS"}:
                raise _syntax('cannot use "PR" and "S"/"PL"/"MI"/"SG" together')
            f.add("BRACKET")
        elif kid in ("RN", "rn"):
            f.add("ROMAN")
        elif kid == "V":
            if "DECIMAL" in f:
                raise _syntax('cannot use "V" and decimal point together')
            f.add("MULTI")
        elif kid == "E":
            if "EEEE" in f:
                raise _syntax('cannot use "EEEE" twice')
            if f & {"BLANK", "FILLMODE", "LSIGN", "BRACKET", "MINUS", "PLUS", "ROMAN", "MULTI"}:
                raise _syntax('"EEEE" is incompatible with other formats',
                              detail='"EEEE" may only be used together with digit and decimal point patterns.')
            f.add("EEEE")
    return num


class _NumProc:
    """NUM_processor's state for to_char."""

    def __init__(self, num: NumDesc, number: str, out_pre_spaces: int, sign: str) -> None:
        self.num = num
        self.number = number
        self.np = 0
        self.out: list[str] = []
        self.sign = sign
        self.sign_wrote = False
        self.num_in = False
        self.num_curr = 0
        self.out_pre_spaces = out_pre_spaces
        self.last_relevant: int | None = None
        self.num_count = 0

    def ch(self, i: int) -> str:
        return self.number[i] if 0 <= i < len(self.number) else "\0"

    def predec_space(self) -> bool:
        f = self.num.flags
        return "ZERO" not in f and self.np == 0 and self.ch(0) == "0" and self.num.post != 0

    def numpart(self, kid: str) -> None:
        f = self.num.flags
        if "ROMAN" in f:
            return
        self.num_in = False
        lr_dot = self.last_relevant is not None and self.ch(self.last_relevant) == "."
        if not self.sign_wrote and (self.num_curr >= self.out_pre_spaces or (
                "ZERO" in f and self.num.zero_start == self.num_curr)) and (not self.predec_space() or lr_dot):
            if "LSIGN" in f:
                if self.num.lsign == -1:
                    self.out.append("-" if self.sign == "-" else "+")
                    self.sign_wrote = True
            elif "BRACKET" in f:
                self.out.append(" " if self.sign == "+" else "<")
                self.sign_wrote = True
            elif self.sign == "+":
                if "FILLMODE" not in f:
                    self.out.append(" ")
                self.sign_wrote = True
            elif self.sign == "-":
                self.out.append("-")
                self.sign_wrote = True
        if kid in ("9", "0", "D", "DEC"):
            if self.num_curr < self.out_pre_spaces and (self.num.zero_start > self.num_curr or "ZERO" not in f):
                if "FILLMODE" not in f:
                    self.out.append(" ")
            elif "ZERO" in f and self.num_curr < self.out_pre_spaces and self.num.zero_start <= self.num_curr:
                self.out.append("0")
                self.num_in = True
            else:
                c = self.ch(self.np)
                if c == ".":
                    if not lr_dot or "FILLMODE" in f and lr_dot:
                        self.out.append(".")
                else:
                    if self.last_relevant is not None and self.np > self.last_relevant and kid != "0":
                        pass
                    elif self.predec_space():
                        if "FILLMODE" not in f:
                            self.out.append(" ")
                        elif lr_dot:
                            self.out.append("0")
                    else:
                        if c != "\0":
                            self.out.append(c)
                        self.num_in = True
                if self.np < len(self.number):
                    self.np += 1
            end = self.num_count + (1 if self.out_pre_spaces else 0) + (1 if "DECIMAL" in f else 0)
            if self.last_relevant is not None and self.last_relevant == self.np:
                end = self.num_curr
            if self.num_curr + 1 == end:
                if self.sign_wrote and "BRACKET" in f:
                    self.out.append(" " if self.sign == "+" else ">")
                elif "LSIGN" in f and self.num.lsign == 1:
                    self.out.append("-" if self.sign == "-" else "+")
        self.num_curr += 1


def num_processor(nodes: list[Node], num: NumDesc, number: str, out_pre_spaces: int, sign: str) -> str:
    f = num.flags
    if num.zero_start:
        num.zero_start -= 1
    if "EEEE" in f:
        return number
    if "ROMAN" in f:
        num.lsign = num.pre_lsign_num = num.post = num.pre = 0
        out_pre_spaces = 0
        sign = ""
        keep_fm = "FILLMODE" in f
        f.clear()
        if keep_fm:
            f.add("FILLMODE")
        f.add("ROMAN")
    p = _NumProc(num, number, out_pre_spaces, sign)
    if "PLUS" in f or "MINUS" in f:
        p.sign_wrote = not ("PLUS" in f and "MINUS" not in f)
    else:
        if sign != "-" and "FILLMODE" in f:
            f.discard("BRACKET")
        p.sign_wrote = sign == "+" and "FILLMODE" in f and "LSIGN" not in f
        if num.lsign == -1 and num.pre == num.pre_lsign_num:
            num.lsign = 1
    p.num_count = num.post + num.pre - 1
    if "FILLMODE" in f and "DECIMAL" in f:
        dot = number.find(".")
        if dot >= 0:
            lr = dot
            for k in range(dot + 1, len(number)):
                if number[k] != "0":
                    lr = k
            if num.zero_end > out_pre_spaces:
                last_zero = min(len(number) - 1, num.zero_end - out_pre_spaces)
                lr = max(lr, last_zero)
            p.last_relevant = lr
    if not p.sign_wrote and out_pre_spaces == 0:
        p.num_count += 1
    for n in nodes:
        if n.kind != "action":
            p.out.append(n.char)
            continue
        assert n.key is not None
        kid = n.key.id
        if kid in ("9", "0", "DEC", "D"):
            p.numpart(kid)
            continue
        if kid in ("COMMA", "G"):
            if not p.num_in:
                if "FILLMODE" in f:
                    continue
                p.out.append(" ")
            else:
                p.out.append(",")
        elif kid == "L":
            p.out.append(" ")
        elif kid in ("RN", "rn"):
            text = number if kid == "RN" else number.lower()
            p.out.append(text if "FILLMODE" in f else text.rjust(15))
        elif kid in ("th", "TH"):
            if "ROMAN" in f or number.startswith("#") or sign == "-" or "DECIMAL" in f:
                continue
            p.out.append(_th(number, kid == "TH")[len(number):])
        elif kid == "MI":
            if sign == "-":
                p.out.append("-")
            elif "FILLMODE" in f:
                continue
            else:
                p.out.append(" ")
        elif kid == "PL":
            if sign == "+":
                p.out.append("+")
            elif "FILLMODE" in f:
                continue
            else:
                p.out.append(" ")
        elif kid == "SG":
            p.out.append(sign)
    return "".join(p.out)


def int_to_roman(n: int) -> str:
    if n > 3999 or n < 1:
        return "#" * 15
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _sci(value: Decimal, post: int) -> str:
    """numeric_out_sci: d.dddde+XX."""
    if value == 0:
        mant = "0" + ("." + "0" * post if post else "")
        return f"{mant}e+00"
    exp10 = value.adjusted()
    mant_d = round_half_up(value.scaleb(-exp10), post)
    if abs(mant_d) >= 10:
        exp10 += 1
        mant_d = round_half_up(value.scaleb(-exp10), post)
    mant = f"{mant_d:f}"
    sign = "-" if exp10 < 0 else "+"
    return f"{mant}e{sign}{abs(exp10):02d}"


def _finish_digits(numstr: str, num: NumDesc) -> tuple[str, int]:
    dot = numstr.find(".")
    pre_len = dot if dot >= 0 else len(numstr)
    if pre_len < num.pre:
        return numstr, num.pre - pre_len
    if pre_len > num.pre:
        return "#" * num.pre + "." + "#" * num.post, 0
    return numstr, 0


def _num_to_char(value: Any, fmt: str, kind: str) -> str:
    if not fmt:
        return ""
    nodes = parse_format(fmt, True)
    num = num_prepare(nodes)
    f = num.flags
    sign = "+"
    out_pre_spaces = 0
    if "ROMAN" in f:
        if kind == "float":
            r = round(value) if not (math.isnan(value) or math.isinf(value)) else 2**31
            iv_ = int(r) if -(2**31) <= r < 2**31 else 2**31 - 1
        elif kind == "numeric":
            if not value.is_finite():
                iv_ = 2**31 - 1
            else:
                r = round_half_up(value, 0)
                if not -(2**31) <= r < 2**31:
                    raise SqlError("22003", "integer out of range")
                iv_ = int(r)
        else:
            iv_ = value if -(2**31) <= value < 2**31 else 2**31 - 1
        numstr = int_to_roman(iv_)
    elif "EEEE" in f:
        if kind == "float" and (math.isnan(value) or math.isinf(value)) or (
                kind == "numeric" and not value.is_finite()):
            numstr = " " + "#" * num.pre + "." + "#" * (num.post + 4)
            numstr = numstr[: num.pre + num.post + 6]
            numstr = " " + "#" * (num.pre) + "." + "#" * (num.post + 4)
        elif kind == "float":
            numstr = f"{value:+.{num.post}e}"
            numstr = " " + numstr[1:] if numstr[0] == "+" else numstr
        else:
            d = Decimal(value)
            text = _sci(d.copy_abs(), num.post)
            numstr = ("-" if d < 0 else " ") + text
    else:
        if kind in ("int",):
            v = int(value)
            if "MULTI" in f:
                v = v * 10 ** num.multi
                num.pre += num.multi
            orgnum = str(v)
            if orgnum[0] == "-":
                sign = "-"
                orgnum = orgnum[1:]
            pre_len = len(orgnum)
            numstr = orgnum + ("." + "0" * num.post if num.post else "")
            if pre_len < num.pre:
                out_pre_spaces = num.pre - pre_len
            elif pre_len > num.pre:
                numstr = "#" * num.pre + "." + "#" * num.post
        elif kind == "numeric":
            d: Decimal = value
            if "MULTI" in f:
                d = d * (Decimal(10) ** num.multi)
                num.pre += num.multi
            if d.is_nan():
                orgnum = "NaN"
            elif d.is_infinite():
                orgnum = "Infinity" if d > 0 else "-Infinity"
            else:
                x = round_half_up(d, num.post)
                orgnum = f"{x:f}"
                if x.is_signed() and x == 0:
                    orgnum = orgnum.lstrip("-")
            if orgnum.startswith("-"):
                sign = "-"
                orgnum = orgnum[1:]
            numstr, out_pre_spaces = _finish_digits(orgnum, num)
        else:
            val = float(value)
            if "MULTI" in f:
                val = val * float(10 ** num.multi)
                num.pre += num.multi
            digits = 6 if kind == "float4" else 15
            if math.isnan(val) or math.isinf(val):
                orgnum = "NaN" if math.isnan(val) else ("-Infinity" if val < 0 else "Infinity")
            else:
                pre_len = len(f"{abs(val):.0f}")
                if pre_len >= digits:
                    num.post = 0
                elif pre_len + num.post > digits:
                    num.post = digits - pre_len
                orgnum = f"{val:.{num.post}f}"
            if orgnum.startswith("-"):
                sign = "-"
                orgnum = orgnum[1:]
            numstr, out_pre_spaces = _finish_digits(orgnum, num)
    return num_processor(nodes, num, numstr, out_pre_spaces, sign)


register("to_char", [INT4, TEXT], TEXT)(lambda v, f: _num_to_char(v, f, "int"))
register("to_char", [INT8, TEXT], TEXT)(lambda v, f: _num_to_char(v, f, "int"))
register("to_char", [NUMERIC, TEXT], TEXT)(lambda v, f: _num_to_char(v, f, "numeric"))
register("to_char", [FLOAT4, TEXT], TEXT)(lambda v, f: _num_to_char(v, f, "float4"))
register("to_char", [FLOAT8, TEXT], TEXT)(lambda v, f: _num_to_char(v, f, "float"))


# ---------------------------------------------------------------------------
# to_number

@register("to_number", [TEXT, TEXT], NUMERIC)
def to_number(text: str, fmt: str) -> Decimal | None:
    """NUM_processor in its reading direction (numeric_to_number)."""
    if not fmt:
        return None
    nodes = parse_format(fmt, True)
    num = num_prepare(nodes)
    f = num.flags
    if "EEEE" in f:
        raise SqlError("0A000", '"EEEE" not supported for input')
    if "ROMAN" in f:
        raise SqlError("0A000", '"RN" not supported for input')
    r = _NumReader(text, num)
    for n in nodes:
        if r.pos >= r.n:
            break
        if n.kind != "action":
            r.pos += 1
            continue
        assert n.key is not None
        kid = n.key.id
        if kid in ("9", "0", "DEC", "D"):
            r.numpart(kid)
        elif kid in ("COMMA", "G"):
            if "FILLMODE" in f or r.inp[r.pos] != ",":
                continue
        elif kid == "L":
            r.eat(1)
            continue
        elif kid in ("th", "TH"):
            if "DECIMAL" in f:
                continue
            r.eat(2)
            continue
        elif kid in ("MI", "PL", "SG"):
            c = r.inp[r.pos]
            want = {"MI": "-", "PL": "+", "SG": "+-"}[kid]
            if c in want:
                r.number[0] = c
            else:
                r.eat(1)
                continue
        else:
            continue
        r.pos += 1
    digits = "".join(r.number[1:])
    digits = digits.removesuffix(".")
    sign = r.number[0]
    body = (sign if sign != " " else "") + digits
    if not any(ch.isdigit() for ch in digits):
        raise SqlError("22P02", f'invalid input syntax for type numeric: "{sign}{digits}"')
    result = Decimal(body)
    scale = r.read_post
    precision = num.pre + num.multi + scale
    result = result.quantize(Decimal(1).scaleb(-scale))
    if precision > 0 and result != 0 and result.adjusted() + 1 > precision - scale:
        raise SqlError("22003", "numeric field overflow",
                       detail=f"A field with precision {precision}, scale {scale} must round to an absolute value "
                              f"less than 10^{precision - scale}.")
    if "MULTI" in f:
        from orbitdb.sql.functions.math import numeric_power

        result = result * numeric_power(Decimal(10), Decimal(-num.multi))
    return result


class _NumReader:
    def __init__(self, text: str, num: NumDesc) -> None:
        self.inp = text
        self.n = len(text)
        self.pos = 0
        self.num = num
        self.number = [" "]
        self.read_pre = 0
        self.read_post = 0
        self.read_dec = False

    def eat(self, count: int) -> None:
        while count > 0 and self.pos < self.n and self.inp[self.pos] not in "0123456789.,+-":
            self.pos += 1
            count -= 1

    def numpart(self, kid: str) -> None:
        f = self.num.flags
        inp = self.inp
        if self.pos >= self.n:
            return
        if inp[self.pos] == " ":
            self.pos += 1
        if self.pos >= self.n:
            return
        if self.number[0] == " " and kid in ("0", "9") and self.read_pre + self.read_post == 0:
            c = inp[self.pos]
            if "LSIGN" in f and self.num.lsign == -1:
                if c in "+-":
                    self.pos += 1
                    self.number[0] = c
            elif c == "-" or ("BRACKET" in f and c == "<"):
                self.number[0] = "-"
                self.pos += 1
            elif c == "+":
                self.number[0] = "+"
                self.pos += 1
        if self.pos >= self.n:
            return
        isread = False
        c = inp[self.pos]
        if c.isdigit():
            if self.read_dec and self.read_post == self.num.post:
                return
            self.number.append(c)
            if self.read_dec:
                self.read_post += 1
            else:
                self.read_pre += 1
            isread = True
        elif "DECIMAL" in f and not self.read_dec and c == ".":
            self.number.append(".")
            self.read_dec = True
            isread = True
        if self.pos >= self.n:
            return
        if self.number[0] == " " and self.read_pre + self.read_post > 0:
            if "LSIGN" in f and isread and self.pos + 1 < self.n and not inp[self.pos + 1].isdigit():
                nxt = inp[self.pos + 1]
                if nxt in "+-":
                    self.pos += 1
                    self.number[0] = nxt
            elif not isread and "LSIGN" not in f and f & {"PLUS", "MINUS"} and c in "+-":
                self.number[0] = c


__all__ = [
    "dch_to_char",
    "parse_format",
    "pg_template",
    "to_char_interval",
    "to_char_ts",
    "to_char_tstz",
    "to_date",
    "to_number",
    "to_timestamp_fmt",
]
