"""Rows as bytes for temporary files: each value of a known SQL type becomes a plain value (int,
float, str, bytes, bool, None) or a tagged tuple of plain values, and a block of rows is written
with marshal (C speed, and it only ever sees those plain shapes, never an arbitrary object).

Plain values are never tuples, so a tuple in a decoded block is always a tagged value. A value
of a type this codec does not know is refused (XX000 naming the type) rather than guessed at."""

from __future__ import annotations

import datetime
import marshal
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.regname import RegName
from orbitdb.storage.infinite import Infinite, infinite
from orbitdb.storage.interval import Interval
from orbitdb.storage.jsonnull import JSON_NULL, JsonNull
from orbitdb.storage.netaddr import MacAddress, NetAddress
from orbitdb.storage.ranges import MultiRange, Range

Row = tuple[Any, ...]

_PLAIN = frozenset((int, float, str, bytes, bool, type(None)))

# tags of the tagged values
_DECIMAL, _DATE, _DATETIME, _TIME, _INTERVAL, _UUID, _LIST, _DICT, _TUPLE, _JSON_NULL, _REGNAME, _TIMEDELTA = range(12)
_INFINITE, _RANGE, _MULTIRANGE, _NETADDRESS, _MACADDRESS = 12, 13, 14, 15, 16
# how a tzinfo is written: none, a fixed offset, a named zone
_NO_TZ, _FIXED_TZ, _NAMED_TZ = range(3)


def _enc_tz(tz: datetime.tzinfo | None, sample: Any) -> tuple[int, Any, Any]:
    if tz is None:
        return (_NO_TZ, None, None)
    if isinstance(tz, ZoneInfo):
        return (_NAMED_TZ, tz.key, None)
    if isinstance(tz, datetime.timezone):
        off = tz.utcoffset(None)
        return (_FIXED_TZ, off.days * 86400 + off.seconds, off.microseconds)
    raise _unknown(tz)


def _dec_tz(kind: int, a: Any, b: Any) -> datetime.tzinfo | None:
    if kind == _NO_TZ:
        return None
    if kind == _NAMED_TZ:
        return ZoneInfo(a)
    if a == 0 and b == 0:
        return datetime.timezone.utc
    return datetime.timezone(datetime.timedelta(seconds=a, microseconds=b))


def _enc_datetime(v: datetime.datetime) -> tuple[Any, ...]:
    return (_DATETIME, v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, v.fold,
            *_enc_tz(v.tzinfo, v))


def _enc_time(v: datetime.time) -> tuple[Any, ...]:
    return (_TIME, v.hour, v.minute, v.second, v.microsecond, v.fold, *_enc_tz(v.tzinfo, v))


def _enc_list(v: list[Any]) -> tuple[Any, ...]:
    return (_LIST, [encode_value(x) for x in v])


def _enc_tuple(v: tuple[Any, ...]) -> tuple[Any, ...]:
    return (_TUPLE, [encode_value(x) for x in v])


def _enc_dict(v: dict[Any, Any]) -> tuple[Any, ...]:
    return (_DICT, [encode_value(k) for k in v], [encode_value(x) for x in v.values()])


def _enc_range(v: Range) -> tuple[Any, ...]:
    return (_RANGE, encode_value(v.lower), encode_value(v.upper), v.lower_inc, v.upper_inc, v.empty)


def _dec_range(x: tuple[Any, ...]) -> Range:
    return Range(decode_value(x[1]), decode_value(x[2]), x[3], x[4], x[5])


def _enc_regname(v: Any) -> tuple[Any, ...]:
    return (_REGNAME, int(v), v.name)


_ENCODERS: dict[type, Callable[[Any], Any]] = {
    Decimal: lambda v: (_DECIMAL, str(v)),
    datetime.date: lambda v: (_DATE, v.toordinal()),
    datetime.datetime: _enc_datetime,
    datetime.time: _enc_time,
    datetime.timedelta: lambda v: (_TIMEDELTA, v.days, v.seconds, v.microseconds),
    Interval: lambda v: (_INTERVAL, v.months, v.days, v.microseconds),
    uuid.UUID: lambda v: (_UUID, v.bytes),
    list: _enc_list,
    tuple: _enc_tuple,
    dict: _enc_dict,
    JsonNull: lambda v: (_JSON_NULL,),
    Infinite: lambda v: (_INFINITE, v.kind, v.sign),
    Range: lambda v: _enc_range(v),
    MultiRange: lambda v: (_MULTIRANGE, [_enc_range(r) for r in v.ranges]),
    NetAddress: lambda v: (_NETADDRESS, v.family, v.packed(), v.bits),
    MacAddress: lambda v: (_MACADDRESS, v.raw),
}


def _encoder_for(t: type) -> Callable[[Any], Any] | None:
    enc = _ENCODERS.get(t)
    if enc is not None:
        return enc
    # subclasses the executor makes: regclass-like names, parsed array levels, bytes-likes
    found: Callable[[Any], Any] | None = None
    if issubclass(t, RegName):
        found = _enc_regname
    elif issubclass(t, list):
        found = _enc_list
    elif t in (bytearray, memoryview):
        found = bytes
    if found is not None:
        _ENCODERS[t] = found
    return found


def encode_value(v: Any) -> Any:
    t = type(v)
    if t in _PLAIN:
        return v
    enc = _encoder_for(t)
    if enc is None:
        raise _unknown(v)
    return enc(v)


def _dec_datetime(x: tuple[Any, ...]) -> datetime.datetime:
    return datetime.datetime(x[1], x[2], x[3], x[4], x[5], x[6], x[7], tzinfo=_dec_tz(x[9], x[10], x[11]),
                             fold=x[8])


def _dec_time(x: tuple[Any, ...]) -> datetime.time:
    return datetime.time(x[1], x[2], x[3], x[4], tzinfo=_dec_tz(x[6], x[7], x[8]), fold=x[5])


def _dec_regname(x: tuple[Any, ...]) -> Any:
    return RegName(x[1], x[2])


_DECODERS: dict[int, Callable[[tuple[Any, ...]], Any]] = {
    _DECIMAL: lambda x: Decimal(x[1]),
    _DATE: lambda x: datetime.date.fromordinal(x[1]),
    _DATETIME: _dec_datetime,
    _TIME: _dec_time,
    _TIMEDELTA: lambda x: datetime.timedelta(days=x[1], seconds=x[2], microseconds=x[3]),
    _INTERVAL: lambda x: Interval(x[1], x[2], x[3]),
    _UUID: lambda x: uuid.UUID(bytes=x[1]),
    _LIST: lambda x: [decode_value(v) for v in x[1]],
    _TUPLE: lambda x: tuple(decode_value(v) for v in x[1]),
    _DICT: lambda x: {decode_value(k): decode_value(v) for k, v in zip(x[1], x[2])},
    _JSON_NULL: lambda x: JSON_NULL,
    _REGNAME: _dec_regname,
    _INFINITE: lambda x: infinite(x[1], x[2]),
    _RANGE: _dec_range,
    _MULTIRANGE: lambda x: MultiRange([_dec_range(r) for r in x[1]]),
    _NETADDRESS: lambda x: NetAddress(x[1], int.from_bytes(x[2], "big"), x[3]),
    _MACADDRESS: lambda x: MacAddress(x[1]),
}


def decode_value(x: Any) -> Any:
    if type(x) is tuple:
        return _DECODERS[x[0]](x)
    return x


def encode_row(row: Row) -> Any:
    for v in row:
        if type(v) not in _PLAIN:
            return [encode_value(v) for v in row]
    return row


def decode_row(x: Any) -> Row:
    if type(x) is tuple:
        return x  # written as it was: every value plain
    return tuple([decode_value(v) for v in x])


def encode_block(rows: list[Row]) -> bytes:
    """Rows as one marshal frame; plain rows stay tuples, rows with tagged values are lists."""
    return marshal.dumps([encode_row(r) for r in rows])


def decode_block(data: bytes) -> list[Row]:
    return [decode_row(x) for x in marshal.loads(data)]


def _unknown(v: Any) -> SqlError:
    return SqlError("XX000", f"cannot write a value of type {type(v).__name__} to a temporary file")
