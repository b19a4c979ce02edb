"""Parameter values as a driver sends them: the SQL type each Python value is sent as (psycopg's
adaptation), and values converted to the types a statement's parameters took."""

from __future__ import annotations

import datetime
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import EXPLICIT, find_cast
from orbitdb.sql.types.jsonb import python_json  # None inside, or a Json(None), is JSON null
from orbitdb.sql.types.limits import check_array_depth
from orbitdb.storage.interval import Interval

_UTC = datetime.timezone.utc


def param_type(v: Any) -> SqlType:
    """The SQL type a Python parameter value is sent as (psycopg's adaptation)."""
    if v is None or isinstance(v, str):
        return T.UNKNOWN
    if isinstance(v, bool):
        return T.BOOL
    if isinstance(v, int):
        if -2147483648 <= v <= 2147483647:
            return T.INT4
        if -9223372036854775808 <= v <= 9223372036854775807:
            return T.INT8
        return T.NUMERIC
    if isinstance(v, float):
        return T.FLOAT8
    import decimal  # (past the common kinds: each statement's parameters go through here)
    import uuid

    if isinstance(v, decimal.Decimal):
        return T.NUMERIC
    if isinstance(v, (bytes, bytearray, memoryview)):
        return T.BYTEA
    if isinstance(v, datetime.datetime):
        return T.TIMESTAMPTZ if v.tzinfo is not None else T.TIMESTAMP
    if isinstance(v, datetime.date):
        return T.DATE
    if isinstance(v, datetime.time):
        return T.TIMETZ if v.tzinfo is not None else T.TIME
    if isinstance(v, (datetime.timedelta, Interval)):
        return T.INTERVAL
    if isinstance(v, uuid.UUID):
        return T.UUID
    if isinstance(v, dict):
        return T.JSONB
    if isinstance(v, (list, tuple)):
        inner = [param_type(x) for x in v if x is not None]
        elem = inner[0] if inner else T.TEXT
        if elem.oid == T.UNKNOWN.oid:
            elem = T.TEXT
        return T.array_of(elem)
    if hasattr(v, "adapted"):  # psycopg2.extras.Json, Json(None) included (JSON null)
        return T.JSONB
    return T.UNKNOWN


_CONVERTERS: dict[tuple[int, type], Any] = {}


def _converter_for(t: SqlType, py: type) -> Any:
    """How a Python value of type py becomes a value of SQL type t (None: as it is)."""
    key = (t.oid, py)
    if key in _CONVERTERS:
        return _CONVERTERS[key]
    if t.is_user_defined or (t.elem is not None and t.elem.is_user_defined):
        # one database's oid, one catalog version's labels: never kept for another
        if py is str:
            return find_cast(T.UNKNOWN, t, EXPLICIT)
        if py in (list, tuple) and t.elem is not None:
            element = find_cast(T.UNKNOWN, t.elem, EXPLICIT)

            def each(v: Any) -> Any:
                return [None if x is None else each(x) if isinstance(x, (list, tuple))
                        else element(x) if element is not None and isinstance(x, str) else x for x in v]

            return each
        return list if py is tuple else None
    import decimal

    conv: Any = None
    if py is str and (t.oid not in T.STRING_OIDS or t.oid == T.CHAR.oid):  # "char" keeps one byte
        conv = find_cast(T.UNKNOWN, t, EXPLICIT)
    elif py in (bytearray, memoryview):
        conv = bytes
    elif py is tuple:
        conv = list
    elif py is datetime.timedelta:
        conv = Interval.from_timedelta
    elif t.oid == T.NUMERIC.oid and py is float:
        conv = lambda v: decimal.Decimal(repr(v))
    elif t.oid == T.NUMERIC.oid and py is int:
        conv = decimal.Decimal
    elif t.oid in (T.FLOAT8.oid, T.FLOAT4.oid) and py is int:
        conv = float
    elif t.oid == T.TIMESTAMPTZ.oid and py is datetime.datetime:
        conv = lambda v: v.astimezone(_UTC) if v.tzinfo is not None else v
    elif t.oid in (T.JSON.oid, T.JSONB.oid):
        conv = lambda v: python_json(getattr(v, "adapted", v), t.oid == T.JSONB.oid)
    _CONVERTERS[key] = conv
    return conv


def convert_params(params: list[Any], types: list[SqlType]) -> list[Any]:
    """Brings parameter values to their (declared or inferred) types."""
    out = list(params)
    if len(out) < len(types):
        raise SqlError("08P01", f"bind message supplies {len(out)} parameters, but prepared statement requires {len(types)}")
    for i, t in enumerate(types):
        v = out[i]
        if v is None:
            continue
        if isinstance(v, (str, list, tuple)) and _holds_nul(v):
            raise SqlError("22021", 'invalid byte sequence for encoding "UTF8": 0x00')
        if isinstance(v, list) and t.elem is not None and T.strip(t.elem).oid not in (T.JSON.oid, T.JSONB.oid):
            check_array_depth(v)
        conv = _converter_for(t, type(v))
        if conv is not None:
            out[i] = conv(v)
    return out


def convert_column(values: list[Any], t: SqlType) -> list[Any]:
    """convert_params() of one parameter over many rows (executemany's batches): a column whose
    values are of one Python type (and NULLs) is checked and converted in one pass."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if len(kinds) != 1:
        return [convert_params([v], [t])[0] for v in values]
    py = kinds.pop()
    if py is str:
        if "\x00" in "".join([v for v in values if v is not None]):
            raise SqlError("22021", 'invalid byte sequence for encoding "UTF8": 0x00')
    elif py in (list, tuple):
        return [convert_params([v], [t])[0] for v in values]
    conv = _converter_for(t, py)
    if conv is None:
        return values
    return [None if v is None else conv(v) for v in values]


def _holds_nul(v: str | list[Any] | tuple[Any, ...]) -> bool:
    """Whether a text parameter (or an array's text element) holds NUL, which PostgreSQL's text
    cannot (22021, as for a literal)."""
    if isinstance(v, str):
        return "\x00" in v
    return any(isinstance(x, (str, list, tuple)) and _holds_nul(x) for x in v)
