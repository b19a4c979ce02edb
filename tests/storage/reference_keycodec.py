"""The key encoder of orbitdb before the Cython one: orbitdb/storage/keycodec.py as it was,
verbatim below this docstring. The reference the Cython encoder is checked against, byte for
byte (test_keycodec.py)."""

from __future__ import annotations

import datetime
import decimal
import math
import struct
import uuid
from decimal import Decimal
from typing import Any

from orbitdb.storage.jsonnull import JsonNull

TAG_NEG = b"\x02"  # negative numerics
TAG_ZERO = b"\x03"
TAG_POS = b"\x04"
TAG_VALUE = b"\x05"
TAG_NULL = b"\xfe"

_Q = struct.Struct(">Q")
_I = struct.Struct(">I")
_SIGN = 1 << 63
_EPOCH_DATE = datetime.date(2000, 1, 1)
_EPOCH_TS = datetime.datetime(2000, 1, 1)
_EPOCH_TSTZ = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


def _int(v: int) -> bytes:
    return TAG_VALUE + _Q.pack((v + _SIGN) & 0xFFFFFFFFFFFFFFFF)


def _float(v: float) -> bytes:
    if math.isnan(v):  # NaN sorts above every number in PostgreSQL
        return TAG_VALUE + b"\xff" * 8
    if v == 0.0:
        v = 0.0  # -0.0 equals 0.0
    (bits,) = _Q.unpack(struct.pack(">d", v))
    bits = bits ^ 0xFFFFFFFFFFFFFFFF if bits & _SIGN else bits | _SIGN
    return TAG_VALUE + _Q.pack(bits)


def _escaped(b: bytes) -> bytes:
    # 0x00 inside the value becomes 00 FF; the value ends with 00 01, which sorts
    # below any continuation, so a prefix sorts first.
    return TAG_VALUE + b.replace(b"\x00", b"\x00\xff") + b"\x00\x01"


def _text(v: str) -> bytes:
    return _escaped(v.encode("utf-8", "surrogatepass"))


def _numeric(v: Decimal) -> bytes:
    if v.is_nan():
        return TAG_VALUE + b"\xff"
    if v.is_infinite():
        return TAG_NEG + b"\x00" if v < 0 else TAG_POS + b"\xff\xff\xff"
    if v == 0:
        return TAG_ZERO
    with decimal.localcontext(decimal.Context(prec=len(v.as_tuple().digits))):  # exact, whatever the caller's
        sign, digits, exponent = v.normalize().as_tuple()
    assert isinstance(exponent, int)
    # value = 0.d1d2d3... * 10^(len(digits) + exponent): order by exponent then digits
    scale = len(digits) + exponent
    body = bytes(0x30 + d for d in digits)
    head = _I.pack(scale + (1 << 31))  # offset binary: orders negative exponents first
    if sign:
        inverted = bytes(0xFF - b for b in head + body)
        return TAG_NEG + inverted + b"\xff"
    return TAG_POS + head + body + b"\x00"


def encode_value(v: Any) -> bytes:
    """Encodes one non-array SQL value (any Python type the SQL layer produces)."""
    if v is None:
        return TAG_NULL
    t = type(v)
    if t is int:
        return _int(v)
    if t is str:
        return _text(v)
    if t is bool:
        return TAG_VALUE + (b"\x01" if v else b"\x00")
    if t is float:
        return _float(v)
    if t is Decimal:
        return _numeric(v)
    if t is bytes:
        return _escaped(v)
    if t is datetime.datetime:
        if v.tzinfo is None:
            return _int((v - _EPOCH_TS) // datetime.timedelta(microseconds=1))
        return _int((v - _EPOCH_TSTZ) // datetime.timedelta(microseconds=1))
    if t is datetime.date:
        return _int((v - _EPOCH_DATE).days)
    if t is datetime.time:
        return _int(((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond)
    if t is uuid.UUID:
        return TAG_VALUE + v.bytes
    if t is list or t is tuple:
        return TAG_VALUE + b"".join(encode_value(x) for x in v) + b"\x00"
    if t is JsonNull:  # a json value, not SQL NULL: no text, list or bool encodes to these bytes
        return TAG_VALUE + b"\x00\x00"
    key = getattr(v, "sort_key", None)
    if key is not None:  # Interval and other types that define their order
        return encode_value(key())
    return _text(repr(v))


def encode_key(values: tuple[Any, ...] | list[Any]) -> bytes:
    return b"".join([encode_value(v) for v in values])
