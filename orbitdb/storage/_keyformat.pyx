# cython: language_level=3, boundscheck=False, wraparound=False
"""Order-preserving ("memcomparable") key encoding: bytewise order of the encoded keys equals
SQL order of the values, so primary-key and index range scans are plain engine range scans.
FORMAT.md ("Key encoding") gives the bytes of every type; the output is the same, byte for
byte, as the Python encoder that wrote the keys of databases made before this module existed.

Each value starts with a tag byte; NULL sorts after every value (PostgreSQL's default NULLS
LAST for ascending order). Types are told apart by exact type, as the SQL layer produces them."""

import datetime as _dt
import struct
import uuid as _uuid
from decimal import Decimal

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.datetime cimport (
    datetime_day,
    datetime_hour,
    datetime_microsecond,
    datetime_minute,
    datetime_month,
    datetime_second,
    datetime_tzinfo,
    datetime_year,
    date_day,
    date_month,
    date_year,
    import_datetime,
    time_hour,
    time_microsecond,
    time_minute,
    time_second,
)
from cpython.float cimport PyFloat_AS_DOUBLE
from cpython.long cimport PyLong_AsUnsignedLongLongMask
from cpython.unicode cimport PyUnicode_AsEncodedString
from libc.stdint cimport int64_t, uint64_t
from libc.string cimport memchr, memcpy

from orbitdb.storage._calendar cimport EPOCH_DAYS, days_from_civil
from orbitdb.storage._cbuf cimport Buf, buf_byte, buf_free, buf_init, buf_put, buf_reserve

from orbitdb.storage.jsonnull import JsonNull

import_datetime()

cdef extern from "Python.h":
    bint PyUnicode_IS_COMPACT_ASCII(object o)
    void *PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)

TAG_NEG = b"\x02"  # negative numerics
TAG_ZERO = b"\x03"
TAG_POS = b"\x04"
TAG_VALUE = b"\x05"
TAG_NULL = b"\xfe"

cdef enum:
    C_NEG = 0x02
    C_ZERO = 0x03
    C_POS = 0x04
    C_VALUE = 0x05
    C_NULL = 0xFE

cdef uint64_t SIGN = (<uint64_t>1) << 63
cdef int64_t USECS_PER_DAY = 86400000000
cdef object _DATETIME = _dt.datetime
cdef object _DATE = _dt.date
cdef object _TIME = _dt.time
cdef object _UUID = _uuid.UUID
cdef object _DECIMAL = Decimal
cdef object _JSON_NULL_TYPE = JsonNull
cdef object _UTC = _dt.timezone.utc
cdef object _EPOCH_TSTZ = _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc)
cdef object _USEC = _dt.timedelta(microseconds=1)
cdef object _HEAD_RANGE_ERROR = struct.error


cdef inline int _put_u64(Buf *b, uint64_t x) except -1:
    cdef char tmp[8]
    cdef int i
    for i in range(8):
        tmp[7 - i] = <char>(x & 0xFF)
        x >>= 8
    return buf_put(b, tmp, 8)


cdef inline int _put_int64(Buf *b, int64_t v) except -1:
    buf_byte(b, C_VALUE)
    return _put_u64(b, <uint64_t>v + SIGN)


cdef inline int _put_pyint(Buf *b, object v) except -1:
    # (v + 2**63) mod 2**64: ints beyond 64 bits wrap, as they always have in stored keys
    buf_byte(b, C_VALUE)
    return _put_u64(b, <uint64_t>PyLong_AsUnsignedLongLongMask(v) + SIGN)


cdef int _put_float(Buf *b, double v) except -1:
    cdef uint64_t bits
    buf_byte(b, C_VALUE)
    if v != v:  # NaN sorts above every number in PostgreSQL
        return _put_u64(b, 0xFFFFFFFFFFFFFFFF)
    if v == 0.0:
        v = 0.0  # -0.0 equals 0.0
    memcpy(&bits, &v, 8)
    if bits & SIGN:
        bits = bits ^ 0xFFFFFFFFFFFFFFFF
    else:
        bits = bits | SIGN
    return _put_u64(b, bits)


cdef int _put_escaped(Buf *b, const char *p, Py_ssize_t n) except -1:
    # 0x00 inside the value becomes 00 FF; the value ends with 00 01, which sorts below any
    # continuation, so a prefix sorts first
    cdef const char *end = p + n
    cdef const char *z
    buf_reserve(b, n + 3)
    buf_byte(b, C_VALUE)
    while p < end:
        z = <const char *>memchr(p, 0, <size_t>(end - p))
        if z == NULL:
            buf_put(b, p, end - p)
            break
        buf_put(b, p, z - p + 1)
        buf_byte(b, 0xFF)
        p = z + 1
    buf_byte(b, 0x00)
    return buf_byte(b, 0x01)


cdef int _put_text(Buf *b, object v) except -1:
    if PyUnicode_IS_COMPACT_ASCII(v):
        return _put_escaped(b, <const char *>PyUnicode_DATA(v), PyUnicode_GET_LENGTH(v))
    cdef bytes enc = PyUnicode_AsEncodedString(v, "utf-8", "surrogatepass")
    return _put_escaped(b, PyBytes_AS_STRING(enc), PyBytes_GET_SIZE(enc))


cdef int _put_numeric(Buf *b, object v) except -1:
    cdef int64_t scale, h
    cdef unsigned char head[4]
    cdef int i
    cdef unsigned char c
    if v.is_nan():
        buf_byte(b, C_VALUE)
        return buf_byte(b, 0xFF)
    if v.is_infinite():
        if v < 0:
            buf_byte(b, C_NEG)
            return buf_byte(b, 0x00)
        buf_byte(b, C_POS)
        return buf_put(b, b"\xff\xff\xff", 3)
    if v == 0:
        return buf_byte(b, C_ZERO)
    # trailing zeros dropped by hand: Decimal.normalize() would round to the caller's context
    sign, digits, exponent = v.as_tuple()
    kept = len(digits)
    while kept > 1 and digits[kept - 1] == 0:
        kept -= 1
    if kept < len(digits):
        exponent += len(digits) - kept
        digits = digits[:kept]
    # value = 0.d1d2d3... * 10^(len(digits) + exponent): order by exponent then digits
    scale = len(digits) + <int64_t>exponent
    h = scale + (<int64_t>1 << 31)  # offset binary: orders negative exponents first
    if h < 0 or h > 0xFFFFFFFF:
        raise _HEAD_RANGE_ERROR("'I' format requires 0 <= number <= 4294967295")
    for i in range(4):
        head[3 - i] = <unsigned char>(h & 0xFF)
        h >>= 8
    if sign:
        buf_byte(b, C_NEG)
        for i in range(4):
            buf_byte(b, 0xFF - head[i])
        for d in digits:
            c = <unsigned char>(0x30 + <int>d)
            buf_byte(b, 0xFF - c)
        return buf_byte(b, 0xFF)
    buf_byte(b, C_POS)
    buf_put(b, <const char *>head, 4)
    for d in digits:
        buf_byte(b, <unsigned char>(0x30 + <int>d))
    return buf_byte(b, 0x00)


cdef int _put_uuid(Buf *b, object v) except -1:
    cdef object n = v.int
    buf_byte(b, C_VALUE)
    _put_u64(b, <uint64_t>PyLong_AsUnsignedLongLongMask(n >> 64))
    return _put_u64(b, <uint64_t>PyLong_AsUnsignedLongLongMask(n))


cdef inline int64_t _time_usecs(int h, int m, int s, int us) noexcept:
    return ((<int64_t>h * 60 + m) * 60 + s) * 1000000 + us


cdef int _put_datetime(Buf *b, object v) except -1:
    cdef object tz = datetime_tzinfo(v)
    cdef int64_t days
    if tz is None or tz is _UTC:
        days = days_from_civil(datetime_year(v), datetime_month(v), datetime_day(v)) - EPOCH_DAYS
        return _put_int64(b, days * USECS_PER_DAY + _time_usecs(datetime_hour(v), datetime_minute(v),
                                                                 datetime_second(v), datetime_microsecond(v)))
    return _put_pyint(b, (v - _EPOCH_TSTZ) // _USEC)


cdef int put_value(Buf *b, object v) except -1:
    """Appends the encoding of one SQL value (any Python type the SQL layer produces)."""
    if v is None:
        return buf_byte(b, C_NULL)
    cdef object t = type(v)
    if t is int:
        return _put_pyint(b, v)
    if t is str:
        return _put_text(b, v)
    if t is bool:
        buf_byte(b, C_VALUE)
        return buf_byte(b, 0x01 if v is True else 0x00)
    if t is float:
        return _put_float(b, PyFloat_AS_DOUBLE(v))
    if t is _DECIMAL:
        return _put_numeric(b, v)
    if t is bytes:
        return _put_escaped(b, PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v))
    if t is _DATETIME:
        return _put_datetime(b, v)
    if t is _DATE:
        return _put_int64(b, days_from_civil(date_year(v), date_month(v), date_day(v)) - EPOCH_DAYS)
    if t is _TIME:
        return _put_int64(b, _time_usecs(time_hour(v), time_minute(v), time_second(v), time_microsecond(v)))
    if t is _UUID:
        return _put_uuid(b, v)
    if t is list or t is tuple:
        buf_byte(b, C_VALUE)
        for x in v:
            put_value(b, x)
        return buf_byte(b, 0x00)
    if t is _JSON_NULL_TYPE:  # a json value, not SQL NULL: no text, list or bool encodes to these bytes
        buf_byte(b, C_VALUE)
        buf_byte(b, 0x00)
        return buf_byte(b, 0x00)
    key = getattr(v, "sort_key", None)
    if key is not None:  # Interval and other types that define their order
        return put_value(b, key())
    return _put_text(b, repr(v))


cdef int put_key(Buf *b, object values) except -1:
    if type(values) is tuple or type(values) is list:
        for v in values:
            put_value(b, v)
        return 0
    for v in values:
        put_value(b, v)
    return 0


def encode_value(v):
    """The key bytes of one SQL value."""
    cdef Buf b
    buf_init(&b)
    try:
        put_value(&b, v)
        return PyBytes_FromStringAndSize(b.data, b.len)
    finally:
        buf_free(&b)


def encode_key(values):
    """The key bytes of a sequence of SQL values (their encodings end to end)."""
    cdef Buf b
    buf_init(&b)
    try:
        put_key(&b, values)
        return PyBytes_FromStringAndSize(b.data, b.len)
    finally:
        buf_free(&b)
