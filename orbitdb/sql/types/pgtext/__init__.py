"""PostgreSQL's text input and output functions for orbitdb's types.

    format_text(value, type_oid, tz=None) -> str      # what PostgreSQL 15 prints for the value
    parse_text(text, type_oid, tz=None) -> value      # PostgreSQL's input function, its errors included

tz is the session's TimeZone (a zone name, a tzinfo, or None for UTC): timestamptz values print in
it, and input without an explicit zone is read in it. Settings assumed: DateStyle 'ISO, MDY',
IntervalStyle postgres, bytea_output hex, extra_float_digits 1 (pass extra_float_digits <= 0 for
the old %g output), unless format_text is given the session's OutputStyle (styles.py).
"""

from __future__ import annotations

import datetime as _dt
import uuid as _uuid
from collections.abc import Callable
from datetime import tzinfo
from decimal import Decimal
from typing import Any

from orbitdb.sql.types.limits import string_buffer_too_large
from orbitdb.sql.types.pgtext import oids
from orbitdb.sql.types.pgtext.arrays import format_array, parse_array
from orbitdb.sql.types.pgtext.datetimes import (
    format_date,
    format_time,
    format_timestamp,
    format_timestamptz,
    parse_date,
    parse_time,
    parse_timestamp,
    parse_timestamptz,
    parse_timetz,
)
from orbitdb.sql.types.pgtext.intervals import Interval, format_interval, parse_interval
from orbitdb.sql.types.pgtext.jsons import format_json, parse_json
from orbitdb.sql.types.pgtext.money import format_money, parse_money
from orbitdb.sql.types.pgtext.network import (
    as_net,
    format_cidr,
    format_inet,
    format_mac,
    parse_macaddr,
    parse_macaddr8,
    parse_net,
)
from orbitdb.sql.types.pgtext.numbers import (
    format_bool,
    format_float4,
    format_float8,
    format_numeric,
    parse_bool,
    parse_float,
    parse_int,
    parse_numeric,
    parse_oid,
)
from orbitdb.sql.types.pgtext.ranges import (
    MULTIRANGE_RANGE,
    RANGE_ELEMENT,
    format_multirange,
    format_range,
    parse_multirange,
    parse_range,
)
from orbitdb.sql.types.pgtext.strings import format_bytea, format_uuid, parse_bytea, parse_char, parse_uuid
from orbitdb.sql.types.pgtext.styles import (
    OutputStyle,
    styled_bytea,
    styled_date,
    styled_interval,
    styled_timestamp,
    styled_timestamptz,
)
from orbitdb.storage.jsonnull import JSON_NULL
from orbitdb.storage.netaddr import MacAddress, NetAddress
from orbitdb.storage.ranges import MultiRange, Range

__all__ = ["Interval", "OutputStyle", "format_text", "oids", "parse_text", "type_name"]

type_name = oids.type_name

_NAMEDATALEN = 64


def _truncate_name(text: str) -> str:
    raw = text.encode("utf-8")
    if len(raw) < _NAMEDATALEN:
        return text
    return raw[: _NAMEDATALEN - 1].decode("utf-8", errors="ignore")


_PARSERS: dict[int, Callable[[str, Any], Any]] = {
    oids.BOOL: lambda t, tz: parse_bool(t),
    oids.INT2: lambda t, tz: parse_int(t, "smallint"),
    oids.INT4: lambda t, tz: parse_int(t, "integer"),
    oids.INT8: lambda t, tz: parse_int(t, "bigint"),
    oids.OID: lambda t, tz: parse_oid(t),
    oids.FLOAT4: lambda t, tz: parse_float(t, "real", single=True),
    oids.FLOAT8: lambda t, tz: parse_float(t, "double precision"),
    oids.NUMERIC: lambda t, tz: parse_numeric(t),
    oids.TEXT: lambda t, tz: t,
    oids.VARCHAR: lambda t, tz: t,
    oids.BPCHAR: lambda t, tz: t,
    oids.UNKNOWN: lambda t, tz: t,
    oids.NAME: lambda t, tz: _truncate_name(t),
    oids.CHAR: lambda t, tz: parse_char(t),
    oids.BYTEA: lambda t, tz: parse_bytea(t),
    oids.UUID: lambda t, tz: parse_uuid(t),
    oids.DATE: parse_date,
    oids.TIME: parse_time,
    oids.TIMETZ: parse_timetz,
    oids.TIMESTAMP: parse_timestamp,
    oids.TIMESTAMPTZ: parse_timestamptz,
    oids.INTERVAL: lambda t, tz: parse_interval(t),
    oids.JSON: lambda t, tz: parse_json(t),
    oids.JSONB: lambda t, tz: parse_json(t, jsonb=True),
    oids.MONEY: lambda t, tz: parse_money(t),
    oids.INET: lambda t, tz: parse_net(t, False),
    oids.CIDR: lambda t, tz: parse_net(t, True),
    oids.MACADDR: lambda t, tz: parse_macaddr(t),
    oids.MACADDR8: lambda t, tz: parse_macaddr8(t),
    22: lambda t, tz: [parse_int(x, "smallint") for x in t.split()],  # int2vector: "1 2 3"
    30: lambda t, tz: [parse_oid(x) for x in t.split()],  # oidvector
}


def parse_text(text: str, type_oid: int, tz: str | tzinfo | None = None) -> Any:
    """The value of `text` read by the input function of type `type_oid`; raises SqlError with
    PostgreSQL's SQLSTATE and message. Types without an input function here return the text."""
    parser = _PARSERS.get(type_oid)
    if parser is not None:
        return parser(text, tz)
    element = oids.ARRAY_ELEMENT.get(type_oid)
    if element is not None:
        return parse_array(text, lambda item: parse_text(item, element, tz))
    bound = RANGE_ELEMENT.get(type_oid)
    if bound is not None:
        return parse_range(text, type_oid, lambda item: parse_text(item, bound, tz))
    if type_oid in MULTIRANGE_RANGE:
        sub = RANGE_ELEMENT[MULTIRANGE_RANGE[type_oid]]
        return parse_multirange(text, type_oid, lambda item: parse_text(item, sub, tz))
    return text


def format_text(
    value: Any, type_oid: int, tz: str | tzinfo | None = None, *, extra_float_digits: int = 1,
    style: OutputStyle | None = None,
) -> str:
    """What PostgreSQL 15 prints for a non-NULL value of type `type_oid`. Unknown OIDs are
    printed by the value's Python type. style: the session's output settings, in place of tz and
    extra_float_digits, with DateStyle, IntervalStyle and bytea_output."""
    if value is None:
        raise ValueError("NULL has no text form")
    if style is not None:
        tz, extra_float_digits = style.tz, style.extra_float_digits
        if style.plain:
            style = None
    if type_oid in (oids.TEXT, oids.VARCHAR, oids.BPCHAR, oids.NAME, oids.UNKNOWN, oids.CHAR):
        return value if isinstance(value, str) else _by_python_type(value, tz, extra_float_digits, style)
    if type_oid in (oids.INT2, oids.INT4, oids.INT8, oids.OID):
        return str(int(value))
    if type_oid == oids.BOOL:
        return format_bool(value)
    if type_oid == oids.FLOAT8:
        return format_float8(float(value), extra_float_digits)
    if type_oid == oids.FLOAT4:
        return format_float4(float(value), extra_float_digits)
    if type_oid == oids.NUMERIC:
        return format_numeric(value)
    if type_oid == oids.MONEY:
        return format_money(value)
    if type_oid == oids.INET:
        return format_inet(as_net(value, False))
    if type_oid == oids.CIDR:
        return format_cidr(as_net(value, True))
    if type_oid in (oids.MACADDR, oids.MACADDR8):
        return format_mac(value)
    if type_oid == oids.TIMESTAMPTZ:
        return format_timestamptz(value, tz) if style is None else styled_timestamptz(value, style)
    if type_oid == oids.TIMESTAMP:
        return format_timestamp(value) if style is None else styled_timestamp(value, style)
    if type_oid == oids.DATE:
        return format_date(value) if style is None else styled_date(value, style)
    if type_oid in (oids.TIME, oids.TIMETZ):
        return format_time(value)
    if type_oid == oids.INTERVAL:
        return format_interval(value) if style is None else styled_interval(value, style)
    if type_oid == oids.BYTEA:
        return format_bytea(value) if style is None else styled_bytea(value, style)
    if type_oid == oids.UUID:
        return format_uuid(value)
    if type_oid in (oids.JSON, oids.JSONB):
        return format_json(value, jsonb=type_oid == oids.JSONB)
    bound = RANGE_ELEMENT.get(type_oid)
    if bound is None and type_oid in MULTIRANGE_RANGE:
        sub = RANGE_ELEMENT[MULTIRANGE_RANGE[type_oid]]
        return format_multirange(
            value, lambda item: format_text(item, sub, tz, extra_float_digits=extra_float_digits, style=style))
    if bound is not None:
        return format_range(
            value, lambda item: format_text(item, bound, tz, extra_float_digits=extra_float_digits, style=style))
    if type_oid in (22, 30) and isinstance(value, (list, tuple)):  # int2vector, oidvector: "1 2 3"
        return " ".join(str(int(x)) for x in value)
    element = oids.ARRAY_ELEMENT.get(type_oid)
    if element is not None and isinstance(value, (list, tuple)):
        return format_array(
            list(value),
            lambda item: format_text(item, element, tz, extra_float_digits=extra_float_digits, style=style),
            nested=element not in (oids.JSON, oids.JSONB),
        )
    return _by_python_type(value, tz, extra_float_digits, style)


def _by_python_type(value: Any, tz: str | tzinfo | None, extra_float_digits: int,
                    style: OutputStyle | None = None) -> str:
    """Text for a value whose column type is not one of ours, chosen by its Python type."""
    if isinstance(value, bool):
        return format_bool(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float8(value, extra_float_digits)
    if isinstance(value, Decimal):
        return format_numeric(value)
    if style is not None:
        styled = _styled_by_python_type(value, style)
        if styled is not None:
            return styled
    if isinstance(value, (bytes, bytearray, memoryview)):
        return format_bytea(value)
    if isinstance(value, _dt.datetime):
        return format_timestamptz(value, tz) if value.tzinfo is not None else format_timestamp(value)
    if isinstance(value, _dt.date):
        return format_date(value)
    if isinstance(value, _dt.time):
        return format_time(value)
    if isinstance(value, (_dt.timedelta, Interval)):
        return format_interval(value)
    if isinstance(value, _uuid.UUID):
        return str(value)
    if isinstance(value, NetAddress):  # an inet (a cidr's text is the same but for /32 hosts)
        return format_inet(value)
    if isinstance(value, MacAddress):
        return format_mac(value)
    if isinstance(value, Range):
        return format_range(value, lambda item: _by_python_type(item, tz, extra_float_digits, style))
    if isinstance(value, MultiRange):
        return format_multirange(value, lambda item: _by_python_type(item, tz, extra_float_digits, style))
    if isinstance(value, tuple):  # a row value (record)
        return _format_record(value, lambda item: _by_python_type(item, tz, extra_float_digits, style))
    if isinstance(value, list):
        return format_array(value, lambda item: _by_python_type(item, tz, extra_float_digits, style))
    if isinstance(value, dict) or value is JSON_NULL:
        return format_json(value, jsonb=True)
    return str(value)


def _styled_by_python_type(value: Any, style: OutputStyle) -> str | None:
    """The text of a value whose layout the style chooses, by its Python type; None for others."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return styled_bytea(value, style)
    if isinstance(value, _dt.datetime):
        return styled_timestamptz(value, style) if value.tzinfo is not None else styled_timestamp(value, style)
    if isinstance(value, _dt.date):
        return styled_date(value, style)
    if isinstance(value, (_dt.timedelta, Interval)):
        return styled_interval(value, style)
    return None


_RECORD_QUOTED = frozenset('(),"\\ \t\n\r\v\f')


# the longest text PostgreSQL's string buffers hold (MaxAllocSize - 1, its terminating NUL aside)
_LONGEST_TEXT = 0x3FFFFFFE


def _format_record(fields: tuple[Any, ...], item_text: Any) -> str:
    """record_out: (a,b,...), NULL as nothing, quoted when empty or holding (),"\\ or space.
    Quoting doubles the quotes of a nested record's text at each level, so the size is checked
    before each piece is built (54000 past 1 GB, as PostgreSQL's buffer says it)."""
    if any(type(f) is tuple for f in fields) and _record_size(fields, item_text)[0] > _LONGEST_TEXT:
        raise string_buffer_too_large(_LONGEST_TEXT, 1)  # measured before 2^depth bytes are built
    parts = []
    size = 1
    for field in fields:
        size += 1  # its comma, or the closing parenthesis
        if field is None:
            parts.append("")
            continue
        text = item_text(field)
        if text == "" or any(c in _RECORD_QUOTED for c in text):
            quoted = len(text) + text.count("\\") + text.count('"') + 2
            if size + quoted > _LONGEST_TEXT:
                raise string_buffer_too_large(_LONGEST_TEXT, 1)  # it appends a character at a time
            text = '"' + text.replace("\\", "\\\\").replace('"', '""') + '"'
        elif size + len(text) > _LONGEST_TEXT:
            raise string_buffer_too_large(size - 1, len(text))
        size += len(text)
        parts.append(text)
    return "(" + ",".join(parts) + ")"


def _record_size(fields: tuple[Any, ...], item_text: Any) -> tuple[int, int, int]:
    """(length, quotes, backslashes) of a record's text, found without building the text of the
    records nested in it (quoting one doubles its quotes and backslashes)."""
    length = 1
    quotes = backslashes = 0
    for field in fields:
        length += 1
        if field is None:
            continue
        if type(field) is tuple:
            n, q, b = _record_size(field, item_text)
            quoted = True  # a record's text holds parentheses
        else:
            text = item_text(field)
            n, q, b = len(text), text.count('"'), text.count("\\")
            quoted = text == "" or any(c in _RECORD_QUOTED for c in text)
        if quoted:
            length += n + q + b + 2
            quotes += 2 * q + 2
            backslashes += 2 * b
        else:
            length += n
            quotes += q
            backslashes += b
    return length, quotes, backslashes
