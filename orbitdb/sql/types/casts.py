"""Casts between types with PostgreSQL's rules: which casts exist and in which
contexts (implicit, assignment, explicit), and what they do to values."""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.statement_scope import running_session, running_timezone
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.jsonb import normalize_jsonb
from orbitdb.sql.types.netops import mac8_to_mac, mac_to_mac8
from orbitdb.sql.types.numeric import CHECK_INT2, CHECK_INT4, CHECK_INT8, numeric_typmod
from orbitdb.sql.types.pgtext import format_text
from orbitdb.sql.types.pgtext.arrays import parse_array
from orbitdb.sql.types.pgtext.datetimes import parse_date, parse_timestamp, parse_timestamptz
from orbitdb.sql.types.pgtext.money import from_cents
from orbitdb.sql.types.pgtext.network import as_net, format_show
from orbitdb.sql.types.pgtext.numbers import format_numeric
from orbitdb.sql.types.pgtext.strings import char_byte, char_of_byte, parse_char
from orbitdb.sql.types.pgtext.styles import OutputStyle
from orbitdb.sql.types.pgtext.zones import local_to_utc
from orbitdb.sql.types.regtypes import text_to_reg
from orbitdb.sql.types.textio import from_text, to_text
from orbitdb.storage.infinite import Infinite, infinite
from orbitdb.storage.interval import Interval
from orbitdb.storage.jsonnull import JSON_NULL

Fn = Callable[[Any], Any]
IMPLICIT, ASSIGNMENT, EXPLICIT = 0, 1, 2

_INT_CHECK = {T.INT2.oid: CHECK_INT2, T.INT4.oid: CHECK_INT4, T.INT8.oid: CHECK_INT8}
_INTS = (T.INT2.oid, T.INT4.oid, T.INT8.oid)
_OIDISH = (T.OID.oid, T.REGCLASS.oid, T.REGTYPE.oid, T.REGPROC.oid, T.REGNAMESPACE.oid, T.REGROLE.oid,
           T.REGPROCEDURE.oid)
_TEXTS = (T.TEXT.oid, T.VARCHAR.oid, T.BPCHAR.oid, T.NAME.oid, T.CHAR.oid)
_NUMS = (T.INT2.oid, T.INT4.oid, T.INT8.oid, T.NUMERIC.oid, T.FLOAT4.oid, T.FLOAT8.oid)


def _float_to_int(check: Fn, name: str) -> Fn:
    def conv(v: float) -> int:
        if math.isnan(v) or math.isinf(v):
            raise SqlError("22003", f"{name} out of range")
        return check(round(v))

    return conv


def _numeric_to_int(check: Fn, name: str) -> Fn:
    def conv(v: Decimal) -> int:
        if not v.is_finite():
            raise SqlError("0A000", f"cannot convert {'NaN' if v.is_nan() else 'infinity'} to {name}")
        return check(int(v.to_integral_value()))

    return conv


def _numeric_to_float8(v: Decimal) -> float:
    """numeric_float8: a value past double's range, or one that would become zero, is 22003
    naming the value (PostgreSQL reads the numeric's text with strtod)."""
    f = float(v)
    if (math.isinf(f) and v.is_finite()) or (f == 0.0 and not v.is_zero()):
        raise SqlError("22003", f'"{format_numeric(v)}" is out of range for type double precision')
    return f


def _to_float4(v: Any) -> float:
    f = float(v)
    if not math.isinf(f) and not math.isnan(f) and abs(f) > 3.4028234663852886e38:
        raise SqlError("22003", "value out of range: overflow")
    # round through single precision so the value is what a real column holds
    import struct

    return struct.unpack("f", struct.pack("f", f))[0] if not math.isinf(f) else f


def _float_to_numeric(digits: int) -> Fn:
    def conv(v: float) -> Decimal:
        if math.isnan(v):
            return Decimal("NaN")
        if math.isinf(v):
            return Decimal("Infinity") if v > 0 else Decimal("-Infinity")
        return Decimal(format(v, f".{digits}g"))

    return conv


def _to_money(v: Any) -> Decimal:
    """numeric_cash / int8_cash: the amount rounded to cents (halves away from zero)."""
    if isinstance(v, Decimal) and not v.is_finite():
        raise SqlError("22003", "money out of range")
    return from_cents(int(Decimal(v).scaleb(2).to_integral_value(ROUND_HALF_UP)))


def _range_to_multirange(v: Any) -> Any:
    from orbitdb.storage.ranges import MultiRange

    return MultiRange([] if v.empty else [v])


def _inet_to_cidr(v: Any) -> Any:
    from orbitdb.sql.types.netops import to_cidr

    return to_cidr(as_net(v, False))


def _bool_to_int(v: bool) -> int:
    return 1 if v else 0


def varchar_limit(n: int, explicit: bool) -> Fn:
    def conv(v: str) -> str:
        if len(v) <= n:
            return v
        # an explicit cast truncates; assignment only drops trailing spaces
        if explicit or v[n:].strip(" ") == "":
            return v[:n]
        raise SqlError("22001", f"value too long for type character varying({n})")

    return conv


def bpchar_limit(n: int, explicit: bool) -> Fn:
    def conv(v: str) -> str:
        if len(v) <= n:
            return v.ljust(n)
        if explicit or v[n:].strip(" ") == "":
            return v[:n]
        raise SqlError("22001", f"value too long for type character({n})")

    return conv


def typmod_fn(t: SqlType, explicit: bool) -> Fn | None:
    """The coercion a type modifier applies (varchar length, numeric scale)."""
    if t.typmod < 0:
        return None
    if t.oid == T.VARCHAR.oid:
        return varchar_limit(t.typmod - 4, explicit)
    if t.oid == T.BPCHAR.oid:
        return bpchar_limit(t.typmod - 4, explicit)
    if t.oid == T.NUMERIC.oid:
        return numeric_typmod(t.typmod)
    if t.oid in (T.TIMESTAMP.oid, T.TIMESTAMPTZ.oid, T.TIME.oid, T.TIMETZ.oid):
        digits = t.typmod
        if digits >= 6:
            return None
        q = 10 ** (6 - digits)

        def round_usec(v: Any) -> Any:
            us = v.microsecond
            r = (us + q // 2) // q * q
            if isinstance(v, datetime.time):
                total = ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + r
                secs, us2 = divmod(total, 1_000_000)
                if secs >= 86400:  # PostgreSQL's 24:00:00 has no Python form: keep the last instant
                    return datetime.time(23, 59, 59, 999999, v.tzinfo)
                return datetime.time(secs // 3600, secs // 60 % 60, secs % 60, us2, v.tzinfo)
            return v.replace(microsecond=0) + datetime.timedelta(microseconds=r)

        return round_usec
    return None


def _date_to_ts(v: datetime.date) -> datetime.datetime:
    if type(v) is Infinite:
        return infinite("ts", v.sign)  # type: ignore[return-value]
    return datetime.datetime(v.year, v.month, v.day)


def _keep_infinite(kind: str, fn: Fn) -> Fn:
    """fn for finite values; an infinite date/timestamp becomes the infinity of `kind` (None:
    NULL, as PostgreSQL's casts to time give for an infinite timestamp)."""
    def conv(v: Any) -> Any:
        if type(v) is Infinite:
            return infinite(kind, v.sign) if kind else None
        return fn(v)

    return conv


def _chain(*fns: Fn | None) -> Fn:
    real = [f for f in fns if f is not None]
    if len(real) == 1:
        return real[0]

    def run(v: Any) -> Any:
        for f in real:
            v = f(v)
        return v

    return run


def session_timezone(session: Any) -> datetime.tzinfo:
    """The session's TimeZone setting (None: the running statement's session; UTC outside any)."""
    return session.timezone() if session is not None else running_timezone()  # type: ignore[no-any-return]


# names regclass prints as they are; the others (upper case, dots, spaces...) the catalog quotes
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


def reg_to_text(v: int, oid: int, session: Any) -> str:
    """regclass / regtype / regnamespace output: the object's name, or the number ("-" for the
    invalid oid 0, as every reg* output function prints it), names looked up in the session's
    catalog along its search_path (a user's table without loading the system catalogs)."""
    if v == 0:
        return "-"
    if oid == T.REGTYPE.oid:
        t = T.BY_OID.get(v)
        if t is not None:
            return t.display()
    s = session if session is not None else running_session()
    if s is None:
        return str(v)
    if oid == T.REGCLASS.oid:
        obj = s.catalog().objects.get(v)
        name = getattr(obj, "name", None)
        schema = getattr(obj, "schema", None)
        if (name is not None and schema is not None and getattr(obj, "kind", None) is not None
                and _PLAIN_NAME.match(name) and _PLAIN_NAME.match(schema)):
            return name if schema in s.search_schemas() else f"{schema}.{name}"
    found = s.find_reg_name(oid, v)
    return found if found is not None else str(v)


# input functions that read DateStyle's field order
_DATE_INPUT: dict[int, Callable[..., Any]] = {T.DATE.oid: parse_date, T.TIMESTAMP.oid: parse_timestamp,
                                               T.TIMESTAMPTZ.oid: parse_timestamptz}

# types whose text DateStyle, IntervalStyle, bytea_output or extra_float_digits lay out (arrays of them too)
_STYLED = {T.DATE.oid, T.TIMESTAMP.oid, T.TIMESTAMPTZ.oid, T.INTERVAL.oid, T.BYTEA.oid, T.FLOAT4.oid, T.FLOAT8.oid}


def _output_style(session: Any) -> OutputStyle | None:
    """The session's output settings when they are not PostgreSQL's defaults (None: defaults)."""
    s = session if session is not None else running_session()
    settings = getattr(s, "settings", None)
    if not settings:
        return None
    style = OutputStyle.from_settings(settings.get("datestyle", "ISO, MDY"), settings.get("intervalstyle", "postgres"),
                                      settings.get("bytea_output", "hex"), settings.get("extra_float_digits", "1"),
                                      settings.get("timezone", "UTC"))
    return None if style.plain and style.extra_float_digits > 0 else style


def _text_out(oid: int, session: Any) -> Fn:
    if oid in _TEXTS:
        return lambda v: v
    elem = T.BY_OID[oid].elem if oid in T.BY_OID else None
    if oid in _STYLED or elem is not None and elem.oid in _STYLED:
        # a cast to text prints as the output function does: in the session's DateStyle,
        # IntervalStyle and extra_float_digits (the plan is made again when they change)
        style = _output_style(session)
        if style is not None:
            return lambda v: format_text(v, oid, style=style)
    if oid in _OIDISH and oid != T.OID.oid:
        return lambda v: reg_to_text(v, oid, session)
    if oid == T.BOOL.oid:
        return lambda v: "true" if v else "false"
    if oid in (T.TIMESTAMPTZ.oid, T.TIMETZ.oid, T.TSTZRANGE.oid, T.TSTZMULTIRANGE.oid):
        return lambda v: to_text(v, oid, session_timezone(session))
    return lambda v: to_text(v, oid)


def _int4_to_char(v: int) -> str:
    """int4 -> "char": a signed byte."""
    if not -128 <= v <= 127:
        raise SqlError("22003", '"char" out of range')
    return char_of_byte(v & 255)


def _date_order(session: Any) -> str:
    """DateStyle's field order (MDY, DMY or YMD): how a date like 01/02/03 is read."""
    s = session if session is not None else running_session()
    settings = getattr(s, "settings", None)
    datestyle = settings.get("datestyle", "ISO, MDY") if settings else "ISO, MDY"
    if datestyle.endswith("MDY"):
        return "MDY"
    order = datestyle.partition(",")[2].strip().upper()
    return order if order in ("DMY", "YMD") else "MDY"


def _date_in(oid: int, session: Any) -> Fn:
    """date / timestamp / timestamptz input in the session's DateStyle order: read when the
    value is (a session of None: the running statement's, as a process-wide parameter
    converter is shared by every session)."""
    parse = _DATE_INPUT[oid]
    if oid == T.TIMESTAMPTZ.oid:
        return lambda v: parse(v, session_timezone(session), _date_order(session))
    return lambda v: parse(v, None, _date_order(session))


def _text_in(oid: int, session: Any) -> Fn:
    if oid in _DATE_INPUT:
        return _date_in(oid, session)
    if oid in (T.TIMESTAMPTZ.oid, T.TIMETZ.oid, T.TSTZRANGE.oid, T.TSTZMULTIRANGE.oid):
        return lambda v: from_text(v, oid, session_timezone(session))
    if oid in _OIDISH and oid != T.OID.oid:
        return lambda v: text_to_reg(v, oid, session)
    return lambda v: from_text(v, oid)


def _array_cast(src: SqlType, dst: SqlType, ctx: int, session: Any) -> Fn | None:
    assert src.elem is not None and dst.elem is not None
    inner = find_cast(src.elem, dst.elem, ctx, session)
    if inner is None:
        return None

    def conv(v: list[Any]) -> list[Any]:
        return [None if x is None else (conv(x) if isinstance(x, list) else inner(x)) for x in v]

    return conv


def enum_input(t: SqlType) -> Fn:
    """An enum's input function: a label, or 22P02."""
    labels = frozenset(t.labels or ())
    name = t.display()

    def conv(v: str) -> str:
        if v not in labels:
            raise SqlError("22P02", f'invalid input value for enum {name}: "{v}"')
        return v

    return conv


def _anonymous_record_input(v: str) -> Any:
    raise SqlError("0A000", "input of anonymous composite types is not implemented")


def _user_array(t: SqlType) -> bool:
    return t.elem is not None and t.elem.is_user_defined


def user_type_cast(src: SqlType, dst: SqlType, ctx: int) -> Fn | None:
    """Casts to and from enums and composites (and arrays of them): text in (a literal at once,
    text explicitly), text out (assignment or explicit), and a row to a composite field by field."""
    s, d = src.oid, dst.oid
    if _user_array(dst):
        element = find_cast(T.UNKNOWN, dst.elem, EXPLICIT) if dst.elem is not None else None
        if element is None or not (s == T.UNKNOWN.oid or (s in _TEXTS and ctx == EXPLICIT)):
            return None
        return lambda v: parse_array(v, element)
    if _user_array(src):
        return (lambda v: to_text(v, s)) if d in _TEXTS and ctx >= ASSIGNMENT else None
    if dst.native is not None or src.native is not None:
        from orbitdb.sql.types.hstore_casts import hstore_cast

        return hstore_cast(src, dst, ctx)
    if dst.labels is not None:
        if s == T.UNKNOWN.oid or (s in _TEXTS and ctx == EXPLICIT):
            return enum_input(dst)
        return None
    if dst.fields is not None:
        if s == T.UNKNOWN.oid or (s in _TEXTS and ctx == EXPLICIT):
            return _record_input(dst)
        if s == T.RECORD.oid or src.fields is not None:
            return _row_to_composite(src, dst, ctx)
        return None
    if src.labels is not None:
        return (lambda v: v) if d in _TEXTS and ctx >= ASSIGNMENT else None
    if src.fields is not None:
        if d == T.RECORD.oid:
            return composite_fields(src)
        if d in _TEXTS and ctx >= ASSIGNMENT:
            return lambda v: v if isinstance(v, str) else to_text(v, T.RECORD.oid)
    return None


def _row_to_composite(src: SqlType, dst: SqlType, ctx: int) -> Fn:
    fields = dst.fields or ()
    name = dst.display()
    src_fields = src.fields
    read = composite_fields(src) if src_fields is not None else (lambda v: v)
    convs: list[Fn | None] = []
    if src_fields is not None:
        if len(src_fields) != len(fields):
            raise cast_error(src, dst)
        for (_, st), (_, dt) in zip(src_fields, fields):
            c = find_cast(st, dt, max(ctx, ASSIGNMENT))
            if c is None:
                raise cast_error(src, dst)
            convs.append(c)

    def conv(v: tuple[Any, ...]) -> tuple[Any, ...]:
        v = read(v)
        if len(v) != len(fields):
            raise SqlError("42846", f"cannot cast type record to {name}",
                           detail=f"Input has too {'few' if len(v) < len(fields) else 'many'} columns.")
        out = []
        for i, (x, (_, ft)) in enumerate(zip(v, fields)):
            if x is None:
                out.append(None)
            elif convs:
                f = convs[i]
                out.append(f(x) if f is not None else x)
            else:
                out.append(_value_to(x, ft))
        return tuple(out)

    return conv


def _value_to(v: Any, t: SqlType) -> Any:
    """A field of an anonymous row (its type known only from the Python value) as type t."""
    if isinstance(v, str):
        f = find_cast(T.UNKNOWN, t, EXPLICIT)
    elif isinstance(v, bool):
        f = find_cast(T.BOOL, t, ASSIGNMENT)
    elif isinstance(v, int):
        f = find_cast(T.INT8, t, ASSIGNMENT)
    elif isinstance(v, Decimal):
        f = find_cast(T.NUMERIC, t, ASSIGNMENT)
    elif isinstance(v, float):
        f = find_cast(T.FLOAT8, t, ASSIGNMENT)
    else:
        return v
    if f is None:
        raise SqlError("42804", f"cannot convert a value to type {t.display()}")
    return f(v)


def composite_fields(t: SqlType) -> Fn:
    """A composite value as its tuple of fields: a column of a composite type stores the value's
    record text, which is read back here (a value computed in a query is a tuple already)."""
    parse = _record_input(t)
    return lambda v: parse(v) if isinstance(v, str) else v


def _record_input(t: SqlType) -> Fn:
    """record_in for a composite: '(1,"a b",)' -> its fields, each read by its type's input."""
    fields = t.fields or ()
    name = t.display()
    inputs = [find_cast(T.UNKNOWN, ft, EXPLICIT) for _, ft in fields]

    def conv(text: str) -> tuple[Any, ...]:
        values = parse_record_text(text, name)
        if len(values) != len(fields):
            raise SqlError("22P02", f'malformed record literal: "{text}"',
                           detail="Too few columns." if len(values) < len(fields) else "Too many columns.")
        return tuple(None if v is None else (f(v) if f is not None else v) for v, f in zip(values, inputs))

    return conv


def parse_record_text(text: str, name: str = "record") -> list[str | None]:
    """The fields of a record's text form: an empty field is NULL, "..." quotes, \\ escapes."""
    s = text.strip()
    if not s.startswith("(") or not s.endswith(")"):
        raise SqlError("22P02", f'malformed record literal: "{text}"',
                       detail='Missing left parenthesis.' if not s.startswith("(") else "Junk after right parenthesis.")
    body = s[1:-1]
    out: list[str | None] = []
    i, n = 0, len(body)
    while True:
        buf: list[str] = []
        quoted = False
        while i < n and body[i] != ",":
            ch = body[i]
            if ch == '"':
                quoted = True
                i += 1
                while i < n:
                    if body[i] == '"':
                        if i + 1 < n and body[i + 1] == '"':
                            buf.append('"')
                            i += 2
                            continue
                        i += 1
                        break
                    if body[i] == "\\" and i + 1 < n:
                        i += 1
                    buf.append(body[i])
                    i += 1
                continue
            if ch == "\\" and i + 1 < n:
                i += 1
            buf.append(body[i])
            i += 1
        out.append("".join(buf) if buf or quoted else None)
        if i >= n:
            break
        i += 1  # the comma
    return out


def _tstz_to_ts(session: Any) -> Callable[[datetime.datetime], datetime.datetime]:
    return _keep_infinite("ts", lambda v: v.astimezone(session_timezone(session)).replace(tzinfo=None))


def _ts_to_tstz(session: Any) -> Callable[[datetime.datetime], datetime.datetime]:
    return _keep_infinite("tstz", lambda v: local_to_utc(v, session_timezone(session)))


def find_cast(src: SqlType, dst: SqlType, ctx: int = EXPLICIT, session: Any = None) -> Fn | None:
    """The cast function from src to dst allowed in ctx, or None if there is none.
    Includes the destination's type modifier. session: whose TimeZone and catalog the casts
    that depend on them (timestamptz, reg*) read when they run; None: the session running the
    statement at that time (orbitdb/sql/statement_scope.py)."""
    s, d = src.oid, dst.oid
    tm = typmod_fn(dst, ctx == EXPLICIT)
    if s == d and src.elem is None:
        return tm or (lambda v: v)
    if s in (T.INT2VECTOR.oid, T.OIDVECTOR.oid) and dst.elem is not None and dst.elem.oid in (
            T.INT2.oid, T.INT4.oid, T.INT8.oid, T.OID.oid):
        return lambda v: list(v)
    if src.elem is not None and dst.elem is not None:
        return _array_cast(src, dst, ctx, session)
    base = _base_cast(src, dst, ctx, session)
    if base is None:
        return None
    return _chain(base, tm) if tm is not None else base


def _base_cast(src: SqlType, dst: SqlType, ctx: int, session: Any) -> Fn | None:
    s, d = src.oid, dst.oid
    if src.is_user_defined or dst.is_user_defined or _user_array(src) or _user_array(dst):
        return user_type_cast(src, dst, ctx)
    if d == T.RECORD.oid and (s == T.UNKNOWN.oid or s in _TEXTS):
        return _anonymous_record_input if s == T.UNKNOWN.oid or ctx == EXPLICIT else None
    if s == T.UNKNOWN.oid:
        if d == T.CHAR.oid:
            return parse_char
        return _text_in(d, session) if d not in _TEXTS else (lambda v: v)
    if s == T.INT4.oid and d == T.CHAR.oid:
        return _int4_to_char if ctx == EXPLICIT else None
    if s == T.CHAR.oid and d == T.INT4.oid:
        return (lambda v: char_byte(v) - 256 if char_byte(v) >= 128 else char_byte(v)) if ctx == EXPLICIT else None
    # numbers
    if s in _INTS and d in _INTS:
        if T.NUMERIC_RANK[d] >= T.NUMERIC_RANK[s]:
            return lambda v: v
        return _INT_CHECK[d] if ctx >= ASSIGNMENT else None
    if s in _INTS and d == T.NUMERIC.oid:
        return Decimal
    if s in _INTS and d in (T.FLOAT4.oid, T.FLOAT8.oid):
        return float if d == T.FLOAT8.oid else _to_float4
    if s == T.NUMERIC.oid and d in _INTS:
        return _numeric_to_int(_INT_CHECK[d], T.INT_RANGES[d][2]) if ctx >= ASSIGNMENT else None
    if s == T.NUMERIC.oid and d in (T.FLOAT4.oid, T.FLOAT8.oid):
        return _numeric_to_float8 if d == T.FLOAT8.oid else _to_float4
    if s in (T.FLOAT4.oid, T.FLOAT8.oid) and d in _INTS:
        return _float_to_int(_INT_CHECK[d], T.INT_RANGES[d][2]) if ctx >= ASSIGNMENT else None
    if s in (T.FLOAT4.oid, T.FLOAT8.oid) and d == T.NUMERIC.oid:
        return _float_to_numeric(6 if s == T.FLOAT4.oid else 15) if ctx >= ASSIGNMENT else None
    if s == T.FLOAT4.oid and d == T.FLOAT8.oid:
        return lambda v: v
    if s == T.FLOAT8.oid and d == T.FLOAT4.oid:
        return _to_float4 if ctx >= ASSIGNMENT else None
    if s in _INTS + (T.OID.oid,) and d in _OIDISH:
        return lambda v: v
    if s in _OIDISH and d in _INTS + _OIDISH:
        return (lambda v: v) if ctx >= (IMPLICIT if d in _OIDISH or d == T.INT8.oid else ASSIGNMENT) else None
    if s in _INTS and d == T.BOOL.oid:
        return (lambda v: v != 0) if ctx == EXPLICIT and s == T.INT4.oid else None
    if s == T.BOOL.oid and d in _INTS:
        return _bool_to_int if ctx == EXPLICIT and d == T.INT4.oid else None
    # money: numeric and integers in and numeric out, in assignments and explicitly
    if d == T.MONEY.oid and (s in _INTS or s == T.NUMERIC.oid):
        return _to_money if ctx >= ASSIGNMENT else None
    if s == T.MONEY.oid and d == T.NUMERIC.oid:
        return (lambda v: v) if ctx >= ASSIGNMENT else None
    # network types: cidr is an inet; an inet becomes a cidr by losing its host bits
    if s == T.CIDR.oid and d == T.INET.oid:
        return lambda v: v
    if s == T.INET.oid and d == T.CIDR.oid:
        return _inet_to_cidr if ctx >= ASSIGNMENT else None
    if s == T.MACADDR.oid and d == T.MACADDR8.oid:
        return mac_to_mac8
    if s == T.MACADDR8.oid and d == T.MACADDR.oid:
        return mac8_to_mac
    if T.RANGE_MULTIRANGE.get(s) is not None and T.RANGE_MULTIRANGE[s].oid == d:
        return _range_to_multirange
    if s in (T.INET.oid, T.CIDR.oid) and d in _TEXTS:
        # the cast is text(inet): the mask length always shown
        return (lambda v: format_show(as_net(v, s == T.CIDR.oid))) if ctx >= ASSIGNMENT else None
    # strings
    if s in _TEXTS and d in _TEXTS:
        if s == T.BPCHAR.oid:
            return lambda v: v.rstrip(" ")
        if d == T.CHAR.oid:
            return parse_char if ctx >= ASSIGNMENT else None
        return lambda v: v
    if d in _TEXTS:
        # any type -> text: implicit only for the string category, assignment/explicit otherwise
        if ctx == IMPLICIT:
            return None
        return _text_out(s, session)
    if s == T.TEXT.oid and d == T.REGCLASS.oid:
        return _text_in(d, session)  # implicit, as in PostgreSQL: setval(pg_get_serial_sequence(...), n)
    if s in _TEXTS:
        return _text_in(d, session) if ctx == EXPLICIT else None
    # date and time
    if s == T.DATE.oid and d == T.TIMESTAMP.oid:
        return _date_to_ts
    if s == T.DATE.oid and d == T.TIMESTAMPTZ.oid:
        to_tstz = _ts_to_tstz(session)
        return lambda v: to_tstz(_date_to_ts(v))
    if s == T.TIMESTAMP.oid and d == T.TIMESTAMPTZ.oid:
        return _ts_to_tstz(session)
    if s == T.TIMESTAMPTZ.oid and d == T.TIMESTAMP.oid:
        return _tstz_to_ts(session) if ctx >= ASSIGNMENT else None
    if s == T.TIMESTAMP.oid and d == T.DATE.oid:
        return _keep_infinite("date", lambda v: v.date()) if ctx >= ASSIGNMENT else None
    if s == T.TIMESTAMPTZ.oid and d == T.DATE.oid:
        to_ts = _tstz_to_ts(session)
        return _keep_infinite("date", lambda v: to_ts(v).date()) if ctx >= ASSIGNMENT else None
    if s == T.TIMESTAMP.oid and d == T.TIME.oid:
        return _keep_infinite("", lambda v: v.time()) if ctx >= ASSIGNMENT else None
    if s == T.TIMESTAMPTZ.oid and d == T.TIME.oid:
        to_ts = _tstz_to_ts(session)
        return _keep_infinite("", lambda v: to_ts(v).time()) if ctx >= ASSIGNMENT else None
    if s == T.TIMETZ.oid and d == T.TIME.oid:
        return (lambda v: v.replace(tzinfo=None)) if ctx >= ASSIGNMENT else None
    if s == T.TIME.oid and d == T.TIMETZ.oid:
        return lambda v: v.replace(tzinfo=datetime.timezone.utc) if v.tzinfo is None else v
    if s == T.TIME.oid and d == T.INTERVAL.oid:
        return lambda v: Interval(0, 0, ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond)
    if s == T.INTERVAL.oid and d == T.TIME.oid:
        def iv_to_time(v: Any) -> datetime.time:
            us = v.microseconds % 86_400_000_000
            secs, us = divmod(us, 1_000_000)
            return datetime.time(secs // 3600, secs // 60 % 60, secs % 60, us)

        return iv_to_time if ctx >= ASSIGNMENT else None
    # json
    if s in (T.JSON.oid, T.JSONB.oid) and d in (T.JSON.oid, T.JSONB.oid):
        return normalize_jsonb if ctx >= ASSIGNMENT or s == d else None
    if s == T.JSONB.oid and d in _NUMS + (T.BOOL.oid,) and ctx == EXPLICIT:
        return _jsonb_scalar(dst)
    return None


def _jsonb_scalar(dst: SqlType) -> Fn:
    name = dst.name

    def conv(v: Any) -> Any:
        if dst.oid == T.BOOL.oid:
            if isinstance(v, bool):
                return v
            raise SqlError("22023", f"cannot cast jsonb {_json_kind(v)} to type boolean")
        if isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
            raise SqlError("22023", f"cannot cast jsonb {_json_kind(v)} to type {name}")
        if dst.oid in _INTS:
            return _INT_CHECK[dst.oid](round(v) if not isinstance(v, int) else v)
        if dst.oid == T.NUMERIC.oid:
            return Decimal(str(v))
        return float(v)

    return conv


def _json_kind(v: Any) -> str:
    if v is JSON_NULL:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float, Decimal)):
        return "numeric"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def can_implicit(src: SqlType, dst: SqlType) -> bool:
    return find_cast(src, dst, IMPLICIT) is not None


def cast_error(src: SqlType, dst: SqlType) -> SqlError:
    return SqlError("42846", f"cannot cast type {src.display()} to {dst.display()}")


def json_dumps_pg(v: Any) -> str:
    """jsonb's text form: ", " and ": " separators, keys as stored."""
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "), default=str)
