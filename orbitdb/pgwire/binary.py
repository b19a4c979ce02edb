"""Binary formats (typsend/typreceive) of the common types, for Bind parameters and result columns.

    encoder(type_oid) -> (value -> bytes) | None
    decoder(type_oid) -> (bytes -> value) | None

Epochs and layouts are PostgreSQL's: dates count days and timestamps microseconds from
2000-01-01; numeric is base-10000 digits with weight, sign and display scale.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.lexical import decode_utf8
from orbitdb.sql.types.limits import check_dimensions
from orbitdb.sql.types.pgtext import Interval, oids
from orbitdb.sql.types.pgtext.datetimes import Infinite, infinite
from orbitdb.sql.types.pgtext.jsons import format_json, parse_json
from orbitdb.sql.types.pgtext.money import cents, from_cents
from orbitdb.sql.types.pgtext.network import MacAddress, NetAddress, as_net
from orbitdb.sql.types.pgtext.ranges import MULTIRANGE_RANGE, RANGE_ELEMENT, canonical_multirange, make_range

Encoder = Callable[[Any], bytes]
Decoder = Callable[[bytes], Any]

_PG_EPOCH_DATE = date(2000, 1, 1)
_PG_EPOCH = datetime(2000, 1, 1)
_PG_EPOCH_UTC = datetime(2000, 1, 1, tzinfo=timezone.utc)
_PG_EPOCH_ORDINAL = _PG_EPOCH_DATE.toordinal()
_DATE_INFINITY = (0x7FFFFFFF, -0x80000000)
_TS_INFINITY = (0x7FFFFFFFFFFFFFFF, -0x8000000000000000)

_NUMERIC_POS = 0x0000
_NUMERIC_NEG = 0x4000
_NUMERIC_NAN = 0xC000
_NUMERIC_PINF = 0xD000
_NUMERIC_NINF = 0xF000

_i16 = struct.Struct("!h")
_i32 = struct.Struct("!i")
_u32 = struct.Struct("!I")
_i64 = struct.Struct("!q")
_f32 = struct.Struct("!f")
_f64 = struct.Struct("!d")


class BinaryFormatError(ValueError):
    """Bytes that are not a valid binary value of the type (PostgreSQL: 22P03)."""


class InsufficientData(BinaryFormatError):
    """Fewer bytes than the type's receive function reads (PostgreSQL: 08P01)."""


def _need(data: bytes, size: int) -> None:
    if len(data) < size:
        raise InsufficientData("insufficient data left in message")
    if len(data) > size:
        raise BinaryFormatError(f"expected {size} bytes, got {len(data)}")


def _unpack(st: struct.Struct, data: bytes) -> Any:
    _need(data, st.size)
    return st.unpack(data)[0]


# --- scalars --------------------------------------------------------------------------------------


def _enc_text(value: Any) -> bytes:
    return (value if isinstance(value, str) else str(value)).encode("utf-8")


def _dec_text(data: bytes) -> str:
    return decode_utf8(data)  # textrecv checks the encoding: 22021 naming the bytes, NUL included


def _dec_bool(data: bytes) -> bool:
    _need(data, 1)
    return data != b"\x00"


def _enc_date(value: date) -> bytes:
    if type(value) is Infinite:  # PostgreSQL's DATEVAL_NOEND / DATEVAL_NOBEGIN
        return _i32.pack(value.sort_key())
    if isinstance(value, datetime):
        value = value.date()
    return _i32.pack(value.toordinal() - _PG_EPOCH_ORDINAL)


def _dec_date(data: bytes) -> date:
    days = _unpack(_i32, data)
    if days in _DATE_INFINITY:
        return infinite("date", 1 if days > 0 else -1)  # type: ignore[return-value]
    try:
        return date.fromordinal(days + _PG_EPOCH_ORDINAL)
    except (ValueError, OverflowError):
        raise SqlError("22008", "date out of range") from None


def _usec_of_day(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def _enc_time(value: time) -> bytes:
    return _i64.pack(_usec_of_day(value))


def _time_of_usec(usec: int) -> time:
    if not 0 <= usec < 86_400_000_000:
        raise SqlError("22008", "time out of range")
    seconds, micro = divmod(usec, 1_000_000)
    minutes, sec = divmod(seconds, 60)
    return time(minutes // 60, minutes % 60, sec, micro)


def _dec_time(data: bytes) -> time:
    return _time_of_usec(_unpack(_i64, data))


def _enc_timetz(value: time) -> bytes:
    offset = value.utcoffset() or timedelta()
    return _i64.pack(_usec_of_day(value)) + _i32.pack(-int(offset.total_seconds()))


def _dec_timetz(data: bytes) -> time:
    _need(data, 12)
    clock = _time_of_usec(_i64.unpack(data[:8])[0])
    west = _i32.unpack(data[8:])[0]
    return clock.replace(tzinfo=timezone(timedelta(seconds=-west)))


def _usec_since(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _enc_timestamp(value: datetime) -> bytes:
    if type(value) is Infinite:  # DT_NOEND / DT_NOBEGIN
        return _i64.pack(value.sort_key())
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return _i64.pack(_usec_since(value - _PG_EPOCH))


def _dec_timestamp(data: bytes, kind: str = "ts") -> datetime:
    usec = _unpack(_i64, data)
    if usec in _TS_INFINITY:
        return infinite(kind, 1 if usec > 0 else -1)  # type: ignore[return-value]
    try:
        return _PG_EPOCH + timedelta(microseconds=usec)
    except OverflowError:
        raise SqlError("22008", "timestamp out of range") from None


def _enc_timestamptz(value: datetime) -> bytes:
    if type(value) is Infinite:
        return _i64.pack(value.sort_key())
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return _i64.pack(_usec_since(value - _PG_EPOCH_UTC))


def _dec_timestamptz(data: bytes) -> datetime:
    value = _dec_timestamp(data, "tstz")
    return value if type(value) is Infinite else value.replace(tzinfo=timezone.utc)


def _enc_interval(value: Any) -> bytes:
    if isinstance(value, timedelta):
        return struct.pack("!qii", (value.seconds * 1_000_000 + value.microseconds), value.days, 0)
    return struct.pack("!qii", value.microseconds, value.days, value.months)


def _dec_interval(data: bytes) -> Any:
    _need(data, 16)
    usec, days, months = struct.unpack("!qii", data)
    return Interval(months, days, usec)


def _enc_uuid(value: Any) -> bytes:
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))).bytes


def _dec_uuid(data: bytes) -> uuid.UUID:
    _need(data, 16)
    return uuid.UUID(bytes=data)


def _enc_json(value: Any) -> bytes:
    return format_json(value).encode("utf-8")


def _enc_jsonb(value: Any) -> bytes:
    return b"\x01" + format_json(value, jsonb=True).encode("utf-8")


def _dec_json(data: bytes) -> Any:
    return parse_json(_dec_text(data))


def _dec_jsonb(data: bytes) -> Any:
    if data[:1] != b"\x01":
        raise BinaryFormatError("unsupported jsonb version number")
    return parse_json(_dec_text(data[1:]), jsonb=True)


# --- numeric --------------------------------------------------------------------------------------


def _enc_numeric(value: Any) -> bytes:
    if not isinstance(value, Decimal):
        value = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if value.is_nan():
        return struct.pack("!hhHh", 0, 0, _NUMERIC_NAN, 0)
    if value.is_infinite():
        # dscale 32: what PostgreSQL's numeric_send reads out of an infinity's header bits
        return struct.pack("!hhHh", 0, 0, _NUMERIC_PINF if value > 0 else _NUMERIC_NINF, 32)
    sign, digit_tuple, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    dscale = max(0, -exponent)
    if exponent > 0:
        digits += "0" * exponent
        exponent = 0
    frac_len = -exponent
    if frac_len > len(digits):
        digits = "0" * (frac_len - len(digits)) + digits
    int_part = digits[: len(digits) - frac_len] if frac_len else digits
    frac_part = digits[len(digits) - frac_len :] if frac_len else ""
    int_part = "0" * (-len(int_part) % 4) + int_part
    frac_part = frac_part + "0" * (-len(frac_part) % 4)
    groups = [int(int_part[i : i + 4]) for i in range(0, len(int_part), 4)]
    weight = len(groups) - 1
    groups += [int(frac_part[i : i + 4]) for i in range(0, len(frac_part), 4)]
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        weight = 0
    header = struct.pack("!hhHh", len(groups), weight, _NUMERIC_NEG if sign else _NUMERIC_POS, dscale)
    return header + struct.pack(f"!{len(groups)}h", *groups)


def _dec_numeric(data: bytes) -> Decimal:
    if len(data) < 8:
        raise InsufficientData("insufficient data left in message")
    ndigits, weight, sign, dscale = struct.unpack("!hhHh", data[:8])
    if ndigits < 0 or dscale < 0:
        raise BinaryFormatError("invalid numeric length")
    _need(data, 8 + 2 * ndigits)
    if sign == _NUMERIC_NAN:
        return Decimal("NaN")
    if sign == _NUMERIC_PINF:
        return Decimal("Infinity")
    if sign == _NUMERIC_NINF:
        return Decimal("-Infinity")
    if sign not in (_NUMERIC_POS, _NUMERIC_NEG):
        raise BinaryFormatError("invalid sign in external numeric value")
    groups = struct.unpack(f"!{ndigits}h", data[8:])
    if any(not 0 <= g < 10000 for g in groups):
        raise BinaryFormatError("invalid digit in external numeric value")
    digits = "".join(f"{g:04d}" for g in groups) or "0"
    exponent = 4 * (weight + 1 - ndigits)
    # to the display scale: pad with zeros or drop (zero) digits beyond it
    if exponent > -dscale:
        digits += "0" * (exponent + dscale)
    elif exponent < -dscale:
        digits = digits[: len(digits) - (-dscale - exponent)] or "0"
    return Decimal((1 if sign == _NUMERIC_NEG else 0, tuple(int(d) for d in digits), -dscale))


# --- arrays ---------------------------------------------------------------------------------------


def _array_encoder(element_oid: int, element: Encoder) -> Encoder:
    nested = element_oid not in (oids.JSON, oids.JSONB)

    def encode(value: list[Any]) -> bytes:
        dims: list[int] = []
        level: Any = value
        while isinstance(level, list) and (nested or not dims):
            dims.append(len(level))
            if not level:
                break
            level = level[0]
        if dims == [0]:
            return struct.pack("!iiI", 0, 0, element_oid)
        flat: list[Any] = []
        _flatten(value, len(dims), flat)
        parts = [b""]
        has_null = 0
        for item in flat:
            if item is None:
                has_null = 1
                parts.append(b"\xff\xff\xff\xff")
            else:
                data = element(item)
                parts.append(_i32.pack(len(data)) + data)
        parts[0] = struct.pack("!iiI", len(dims), has_null, element_oid) + b"".join(
            struct.pack("!ii", n, 1) for n in dims
        )
        return b"".join(parts)

    return encode


def _flatten(value: list[Any], depth: int, out: list[Any]) -> None:
    if depth == 1:
        out.extend(value)
        return
    for item in value:
        _flatten(item, depth - 1, out)


def _array_decoder(element: Decoder) -> Decoder:
    def decode(data: bytes) -> list[Any]:
        if len(data) < 12:
            raise InsufficientData("insufficient data left in message")
        ndim, _flags, _elem_oid = struct.unpack("!iiI", data[:12])
        check_dimensions(ndim)
        if not 0 <= ndim <= 6 or len(data) < 12 + 8 * ndim:
            raise BinaryFormatError("invalid array dimensions")
        dims = [struct.unpack("!ii", data[12 + 8 * i : 20 + 8 * i])[0] for i in range(ndim)]
        if any(n < 0 for n in dims):
            raise BinaryFormatError("invalid array dimensions")
        pos = 12 + 8 * ndim
        total = 1
        for n in dims:
            total *= n
        if ndim == 0:
            total = 0
        if total > len(data):  # each element takes at least four bytes
            raise BinaryFormatError("array too large for its data")
        flat: list[Any] = []
        for _ in range(total):
            if pos + 4 > len(data):
                raise InsufficientData("insufficient data left in message")
            (length,) = _i32.unpack(data[pos : pos + 4])
            pos += 4
            if length == -1:
                flat.append(None)
                continue
            if length < 0 or pos + length > len(data):
                raise InsufficientData("insufficient data left in message")
            flat.append(element(data[pos : pos + length]))
            pos += length
        if pos != len(data):
            raise BinaryFormatError("incorrect binary data format")
        return _unflatten(flat, dims) if dims else []

    return decode


def _unflatten(flat: list[Any], dims: list[int]) -> list[Any]:
    if len(dims) == 1:
        return flat
    step = len(flat) // dims[0] if dims[0] else 0
    return [_unflatten(flat[i * step : (i + 1) * step], dims[1:]) for i in range(dims[0])]


# --- tables ---------------------------------------------------------------------------------------

_ENCODERS: dict[int, Encoder] = {
    oids.BOOL: lambda v: b"\x01" if v else b"\x00",
    oids.INT2: lambda v: _i16.pack(v),
    oids.INT4: lambda v: _i32.pack(v),
    oids.INT8: lambda v: _i64.pack(v),
    oids.OID: lambda v: _u32.pack(v),
    oids.FLOAT4: lambda v: _f32.pack(v),
    oids.FLOAT8: lambda v: _f64.pack(v),
    oids.NUMERIC: _enc_numeric,
    oids.TEXT: _enc_text,
    oids.VARCHAR: _enc_text,
    oids.BPCHAR: _enc_text,
    oids.NAME: _enc_text,
    oids.UNKNOWN: _enc_text,
    oids.CHAR: lambda v: _enc_text(v)[:1],
    oids.BYTEA: bytes,
    oids.UUID: _enc_uuid,
    oids.DATE: _enc_date,
    oids.TIME: _enc_time,
    oids.TIMETZ: _enc_timetz,
    oids.TIMESTAMP: _enc_timestamp,
    oids.TIMESTAMPTZ: _enc_timestamptz,
    oids.INTERVAL: _enc_interval,
    oids.JSON: _enc_json,
    oids.JSONB: _enc_jsonb,
    2278: lambda v: b"",  # void_send: no bytes
    oids.MONEY: lambda v: _i64.pack(cents(v)),  # cash_send: the count of cents
    oids.INET: lambda v: _enc_net(v, False),
    oids.CIDR: lambda v: _enc_net(v, True),
    oids.MACADDR: lambda v: v.raw,
    oids.MACADDR8: lambda v: v.raw,
}

_DECODERS: dict[int, Decoder] = {
    oids.BOOL: _dec_bool,
    oids.INT2: lambda d: _unpack(_i16, d),
    oids.INT4: lambda d: _unpack(_i32, d),
    oids.INT8: lambda d: _unpack(_i64, d),
    oids.OID: lambda d: _unpack(_u32, d),
    oids.FLOAT4: lambda d: _unpack(_f32, d),
    oids.FLOAT8: lambda d: _unpack(_f64, d),
    oids.NUMERIC: _dec_numeric,
    oids.TEXT: _dec_text,
    oids.VARCHAR: _dec_text,
    oids.BPCHAR: _dec_text,
    oids.NAME: _dec_text,
    oids.UNKNOWN: _dec_text,
    oids.CHAR: lambda d: d.decode("latin-1"),
    oids.BYTEA: bytes,
    oids.UUID: _dec_uuid,
    oids.DATE: _dec_date,
    oids.TIME: _dec_time,
    oids.TIMETZ: _dec_timetz,
    oids.TIMESTAMP: _dec_timestamp,
    oids.TIMESTAMPTZ: _dec_timestamptz,
    oids.INTERVAL: _dec_interval,
    oids.JSON: _dec_json,
    oids.JSONB: _dec_jsonb,
    oids.MONEY: lambda d: from_cents(_unpack(_i64, d)),
    oids.INET: lambda d: _dec_net(d, False),
    oids.CIDR: lambda d: _dec_net(d, True),
    oids.MACADDR: lambda d: _dec_mac(d, 6),
    oids.MACADDR8: lambda d: _dec_mac(d, 8),
}


# --- network types --------------------------------------------------------------------------------

_PGSQL_AF_INET, _PGSQL_AF_INET6 = 2, 3


def _enc_net(value: Any, cidr: bool) -> bytes:
    """inet_send: family, mask length, is-cidr flag, address length, the address."""
    v = as_net(value, cidr)
    raw = v.packed()
    return bytes([_PGSQL_AF_INET if v.family == 4 else _PGSQL_AF_INET6, v.bits, int(cidr), len(raw)]) + raw


def _dec_net(data: bytes, cidr: bool) -> NetAddress:
    if len(data) < 4:
        raise InsufficientData("insufficient data left in message")
    family, bits, _flag, size = data[0], data[1], data[2], data[3]
    if family not in (_PGSQL_AF_INET, _PGSQL_AF_INET6):
        raise BinaryFormatError(f"invalid address family in external \"{'cidr' if cidr else 'inet'}\" value")
    width = 4 if family == _PGSQL_AF_INET else 16
    if bits > width * 8:
        raise BinaryFormatError(f"invalid bits in external \"{'cidr' if cidr else 'inet'}\" value")
    if size != width:
        raise BinaryFormatError(f"invalid length in external \"{'cidr' if cidr else 'inet'}\" value")
    _need(data, 4 + width)
    v = NetAddress(4 if width == 4 else 6, int.from_bytes(data[4:], "big"), bits)
    if cidr and v.addr & ~v.mask() & ((1 << (width * 8)) - 1):
        raise BinaryFormatError("invalid external \"cidr\" value")
    return v


def _dec_mac(data: bytes, size: int) -> MacAddress:
    _need(data, size)
    return MacAddress(data)


# --- ranges ---------------------------------------------------------------------------------------

_R_EMPTY, _R_LB_INC, _R_UB_INC, _R_LB_INF, _R_UB_INF = 0x01, 0x02, 0x04, 0x08, 0x10


def _range_encoder(element: Encoder) -> Encoder:
    """range_send: a flags byte, then each finite bound as a length-prefixed element."""
    def encode(value: Any) -> bytes:
        if value.empty:
            return bytes([_R_EMPTY])
        flags = 0
        parts = []
        if value.lower is None:
            flags |= _R_LB_INF
        else:
            flags |= _R_LB_INC if value.lower_inc else 0
            data = element(value.lower)
            parts.append(_i32.pack(len(data)) + data)
        if value.upper is None:
            flags |= _R_UB_INF
        else:
            flags |= _R_UB_INC if value.upper_inc else 0
            data = element(value.upper)
            parts.append(_i32.pack(len(data)) + data)
        return bytes([flags]) + b"".join(parts)

    return encode


def _length_prefixed(data: bytes, pos: int) -> tuple[bytes, int]:
    """The bytes at `pos` behind their int32 length (range_send's bounds, multirange_send's
    ranges), and the position after them."""
    if len(data) < pos + 4:
        raise InsufficientData("insufficient data left in message")
    size = _i32.unpack(data[pos:pos + 4])[0]
    pos += 4
    if size < 0 or len(data) < pos + size:
        raise InsufficientData("insufficient data left in message")
    return data[pos:pos + size], pos + size


def _range_decoder(range_oid: int, element: Decoder) -> Decoder:
    def decode(data: bytes) -> Any:
        if not data:
            raise InsufficientData("insufficient data left in message")
        flags, pos = data[0], 1
        if flags & _R_EMPTY:
            return make_range(range_oid, 1, 1, False, False)
        bounds = []
        for inf in (_R_LB_INF, _R_UB_INF):
            if flags & inf:
                bounds.append(None)
                continue
            field, pos = _length_prefixed(data, pos)
            bounds.append(element(field))
        if pos != len(data):
            raise BinaryFormatError("incorrect binary data format")
        return make_range(range_oid, bounds[0], bounds[1], bool(flags & _R_LB_INC), bool(flags & _R_UB_INC))

    return decode


def _multirange_encoder(one: Encoder) -> Encoder:
    """multirange_send: the number of ranges, then each range's length and range_send bytes."""
    def encode(value: Any) -> bytes:
        parts = [_i32.pack(len(value.ranges))]
        for r in value.ranges:
            data = one(r)
            parts.append(_i32.pack(len(data)) + data)
        return b"".join(parts)

    return encode


def _multirange_decoder(multi_oid: int, one: Decoder) -> Decoder:
    def decode(data: bytes) -> Any:
        if len(data) < 4:
            raise InsufficientData("insufficient data left in message")
        count, pos = _i32.unpack(data[:4])[0], 4
        ranges = []
        for _ in range(count):
            field, pos = _length_prefixed(data, pos)
            ranges.append(one(field))
        if pos != len(data):
            raise BinaryFormatError("incorrect binary data format")
        return canonical_multirange(MULTIRANGE_RANGE[multi_oid], ranges)

    return decode


def encoder(type_oid: int) -> Encoder | None:
    if type_oid in MULTIRANGE_RANGE:
        one = encoder(MULTIRANGE_RANGE[type_oid])
        return _multirange_encoder(one) if one is not None else None
    if type_oid in RANGE_ELEMENT:
        element = _ENCODERS.get(RANGE_ELEMENT[type_oid])
        return _range_encoder(element) if element is not None else None
    found = _ENCODERS.get(type_oid)
    if found is None and type_oid in oids.ARRAY_ELEMENT:
        element_oid = oids.ARRAY_ELEMENT[type_oid]
        element = _ENCODERS.get(element_oid) or (
            encoder(element_oid) if element_oid in RANGE_ELEMENT or element_oid in MULTIRANGE_RANGE else None)
        if element is not None:
            found = _array_encoder(element_oid, element)
    return found


def decoder(type_oid: int) -> Decoder | None:
    if type_oid in MULTIRANGE_RANGE:
        one_decoder = decoder(MULTIRANGE_RANGE[type_oid])
        return _multirange_decoder(type_oid, one_decoder) if one_decoder is not None else None
    if type_oid in RANGE_ELEMENT:
        element_decoder = _DECODERS.get(RANGE_ELEMENT[type_oid])
        return _range_decoder(type_oid, element_decoder) if element_decoder is not None else None
    found = _DECODERS.get(type_oid)
    if found is None and type_oid in oids.ARRAY_ELEMENT:
        element_oid = oids.ARRAY_ELEMENT[type_oid]
        element = _DECODERS.get(element_oid) or (
            decoder(element_oid) if element_oid in RANGE_ELEMENT or element_oid in MULTIRANGE_RANGE else None)
        if element is not None:
            found = _array_decoder(element)
    return found


__all__ = ["BinaryFormatError", "InsufficientData", "decoder", "encoder"]
