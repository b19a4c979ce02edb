"""The row codec of orbitdb before row format 2 (orbitdb/storage/rowcodec.py as it was, verbatim
below this docstring): it writes rows of format 1 (a version byte, then marshal), for tests
that make a database as orbitdb used to and check that it is still read and converted."""

from __future__ import annotations

import datetime
import json
import marshal
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from orbitdb.storage.interval import Interval
from orbitdb.storage.jsonnull import JSON_NULL, from_python

FORMAT_V1 = b"\x01"

_EPOCH_TS = datetime.datetime(2000, 1, 1)
_EPOCH_TSTZ = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
_USEC = datetime.timedelta(microseconds=1)
_DATE_BASE = datetime.date(2000, 1, 1).toordinal()

Conv = Callable[[Any], Any]


def _enc_ts(v: datetime.datetime) -> int:
    return (v - _EPOCH_TS) // _USEC


def _dec_ts(v: int) -> datetime.datetime:
    return _EPOCH_TS + datetime.timedelta(microseconds=v)


def _enc_tstz(v: datetime.datetime) -> int:
    return (v - _EPOCH_TSTZ) // _USEC


def _dec_tstz(v: int) -> datetime.datetime:
    return _EPOCH_TSTZ + datetime.timedelta(microseconds=v)


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


def _enc_interval(v: Interval) -> tuple[int, int, int]:
    return (v.months, v.days, v.microseconds)


def _dec_interval(v: tuple[int, int, int]) -> Interval:
    return Interval(v[0], v[1], v[2])


def _enc_json(v: Any) -> str:
    """JSON text of a json/jsonb value; Decimal numbers are written exactly."""
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if v is JSON_NULL or v is None:
        return "null"
    if isinstance(v, (bool, int, float)):
        return json.dumps(v)
    if isinstance(v, Decimal):
        return str(v) if v.is_finite() else json.dumps(str(v))
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + _enc_json(x) for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_enc_json(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False)


def _dec_json(s: str) -> Any:
    v = json.loads(s, parse_float=Decimal)
    # a stored null (top level since JSON_NULL, inside objects and arrays always) is JSON_NULL
    return from_python(v) if "null" in s else v


_ENCODERS: dict[str, Conv | None] = {
    "int": None,
    "float": None,
    "text": None,
    "bytes": None,
    "bool": None,
    "numeric": str,
    "date": lambda v: v.toordinal() - _DATE_BASE,
    "ts": _enc_ts,
    "tstz": _enc_tstz,
    "time": _enc_time,
    "timetz": _enc_timetz,
    "interval": _enc_interval,
    "uuid": lambda v: v.bytes,
    "json": _enc_json,
}

_DECODERS: dict[str, Conv | None] = {
    "int": None,
    "float": None,
    "text": None,
    "bytes": None,
    "bool": None,
    "numeric": Decimal,
    "date": lambda v: datetime.date.fromordinal(v + _DATE_BASE),
    "ts": _dec_ts,
    "tstz": _dec_tstz,
    "time": _dec_time,
    "timetz": _dec_timetz,
    "interval": _dec_interval,
    "uuid": lambda v: uuid.UUID(bytes=v),
    "json": _dec_json,
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


class RowCodec:
    """Encodes and decodes rows of one table layout (storage kinds by slot)."""

    def __init__(self, kinds: list[str], missing: list[Any] | None = None) -> None:
        self.width = len(kinds)
        self.missing = tuple(missing) if missing is not None else (None,) * len(kinds)
        enc = [(i, _converter(k, _ENCODERS)) for i, k in enumerate(kinds)]
        dec = [(i, _converter(k, _DECODERS)) for i, k in enumerate(kinds)]
        self._enc = [(i, f) for i, f in enc if f is not None]
        self._dec = [(i, f) for i, f in dec if f is not None]

    def encode(self, row: tuple[Any, ...] | list[Any]) -> bytes:
        if self._enc:
            vals = list(row)
            for i, f in self._enc:
                v = vals[i]
                if v is not None:
                    vals[i] = f(v)
            return FORMAT_V1 + marshal.dumps(tuple(vals))
        return FORMAT_V1 + marshal.dumps(tuple(row))

    def decode(self, data: bytes) -> tuple[Any, ...]:
        if data[:1] != FORMAT_V1:
            raise ValueError("unknown row format version")
        vals = marshal.loads(memoryview(data)[1:])
        n = len(vals)
        if self._dec:
            out = list(vals)
            for i, f in self._dec:
                if i < n:
                    v = out[i]
                    if v is not None:
                        out[i] = f(v)
            vals = tuple(out)
        if n < self.width:
            vals = vals + self.missing[n:]  # missing values are given decoded
        return vals

def encode_stored(kind: str, value: Any) -> Any:
    """A value in the plain form rows store it in (JSON-safe for the catalog)."""
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
