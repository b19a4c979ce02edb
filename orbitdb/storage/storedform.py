"""Plain forms of column values: what row format 1 stored (with marshal) and what the catalog
stores for a column's added-default (`ColumnDef.missing`, JSON). Each storage kind maps its
Python values to plain ints, floats, strings, bytes, tuples and lists and back.

Row format 1 is only read here, never written: databases made before row format 2 are
converted by `orbitdb upgrade` (orbitdb/storage/upgrade.py), which reads their rows with
decode_format1."""

from __future__ import annotations

import datetime
import marshal
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from orbitdb.storage.interval import Interval
from orbitdb.storage.jsontext import json_text, json_value

FORMAT_V1 = 1

_EPOCH_TS = datetime.datetime(2000, 1, 1)
_EPOCH_TSTZ = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
_USEC = datetime.timedelta(microseconds=1)
_DATE_BASE = datetime.date(2000, 1, 1).toordinal()

Conv = Callable[[Any], Any]


def _enc_time(v: datetime.time) -> int:
    return ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond


def _dec_time(v: int) -> datetime.time:
    s, us = divmod(v, 1_000_000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return datetime.time(h, m, s, us)


def _enc_timetz(v: datetime.time) -> tuple[int, int]:
    off = v.utcoffset()
    return (_enc_time(v.replace(tzinfo=None)), int(off.total_seconds()) if off is not None else 0)


def _dec_timetz(v: tuple[int, int]) -> datetime.time:
    return _dec_time(v[0]).replace(tzinfo=datetime.timezone(datetime.timedelta(seconds=v[1])))


_ENCODERS: dict[str, Conv | None] = {
    "int": None,
    "float": None,
    "text": None,
    "bytes": None,
    "bool": None,
    "numeric": str,
    "date": lambda v: v.toordinal() - _DATE_BASE,
    "ts": lambda v: (v - _EPOCH_TS) // _USEC,
    "tstz": lambda v: (v - _EPOCH_TSTZ) // _USEC,
    "time": _enc_time,
    "timetz": _enc_timetz,
    "interval": lambda v: (v.months, v.days, v.microseconds),
    "uuid": lambda v: v.bytes,
    "json": json_text,
}

_DECODERS: dict[str, Conv | None] = {
    "int": None,
    "float": None,
    "text": None,
    "bytes": None,
    "bool": None,
    "numeric": Decimal,
    "date": lambda v: datetime.date.fromordinal(v + _DATE_BASE),
    "ts": lambda v: _EPOCH_TS + datetime.timedelta(microseconds=v),
    "tstz": lambda v: _EPOCH_TSTZ + datetime.timedelta(microseconds=v),
    "time": _dec_time,
    "timetz": _dec_timetz,
    "interval": lambda v: Interval(v[0], v[1], v[2]),
    "uuid": lambda v: uuid.UUID(bytes=v),
    "json": json_value,
}


def _array_conv(inner: Conv | None) -> Conv:
    if inner is None:
        return list

    def conv(v: list[Any]) -> list[Any]:
        return [conv(x) if type(x) is list else (None if x is None else inner(x)) for x in v]

    return conv


def _converter(kind: str, table: dict[str, Conv | None]) -> Conv | None:
    if kind.startswith("array:"):
        return _array_conv(_converter(kind[6:], table))
    if kind not in table:
        raise ValueError(f"unknown storage kind {kind!r}")
    return table[kind]


def format1_values(kinds: list[str | None], data: bytes) -> tuple[Any, ...]:
    """The values a row of format 1 (version byte 1, then marshal of the plain values by slot)
    holds, as Python values: as many as the row has (at most one per slot), None in the slots
    of kind None (no column)."""
    plain = marshal.loads(memoryview(data)[1:])
    out: list[Any] = []
    for i in range(min(len(plain), len(kinds))):
        kind = kinds[i]
        v = plain[i]
        if kind is None or v is None:
            out.append(None)
            continue
        f = _converter(kind, _DECODERS)
        out.append(f(v) if f is not None else v)
    return tuple(out)


def decode_format1(kinds: list[str | None], missing: tuple[Any, ...], data: bytes) -> tuple[Any, ...]:
    """A row of format 1 as Python values by slot; slots past the row's end from missing."""
    values = format1_values(kinds, data)
    return values + tuple(missing[len(values):])


def encode_stored(kind: str, value: Any) -> Any:
    """A value in its plain form (JSON-safe, for the catalog)."""
    if value is None:
        return None
    f = _converter(kind, _ENCODERS)
    v = f(value) if f is not None else value
    if isinstance(v, bytes):
        return {"b": v.hex()}
    if isinstance(v, tuple):
        return list(v)
    return v


def decode_stored(kind: str, stored: Any) -> Any:
    if stored is None:
        return None
    if isinstance(stored, dict) and set(stored) == {"b"}:
        stored = bytes.fromhex(stored["b"])
    elif isinstance(stored, list) and kind in ("interval", "timetz"):
        stored = tuple(stored)
    f = _converter(kind, _DECODERS)
    return f(stored) if f is not None else stored
