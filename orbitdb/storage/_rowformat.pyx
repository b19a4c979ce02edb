# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Row format 2: how a row's values are stored (FORMAT.md, "Row format").

    u8 version (2) | u8 flags (offset width) | varint n | null bitmap | n end offsets | data

Every field is found through the offsets table, so one column decodes without the others, and
a slot whose column is gone (dropped, or moved by ALTER COLUMN TYPE) is skipped without
knowing what it held. Fixed-width kinds take fixed widths (little-endian); variable ones their
bytes. Rows of format 1 (marshal, written before this format) are still read, through
orbitdb/storage/storedform.py."""

import datetime as _dt
import uuid as _uuid
from decimal import Decimal

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.datetime cimport (
    PyDate_Check,
    PyDateTime_Check,
    PyTime_Check,
    date_day,
    date_month,
    date_new,
    date_year,
    datetime_day,
    datetime_hour,
    datetime_microsecond,
    datetime_minute,
    datetime_month,
    datetime_new,
    datetime_second,
    datetime_tzinfo,
    datetime_year,
    import_datetime,
    time_hour,
    time_microsecond,
    time_minute,
    time_new,
    time_second,
)
from cpython.long cimport PyLong_AsLongLongAndOverflow, PyLong_Check, PyLong_FromLongLong
from cpython.float cimport PyFloat_AsDouble, PyFloat_FromDouble
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.unicode cimport PyUnicode_AsEncodedString, PyUnicode_Check, PyUnicode_DecodeASCII, PyUnicode_DecodeUTF8
from libc.stdint cimport int32_t, int64_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy

from orbitdb.storage._calendar cimport EPOCH_DAYS, MAX_DAYS, MIN_DAYS, civil_from_days, days_from_civil, floordiv
from orbitdb.storage._cbuf cimport Buf, buf_byte, buf_free, buf_init, buf_put, buf_reserve

from orbitdb.storage.errors import DataCorrupted, StorageError
from orbitdb.storage.infinite import Infinite, infinite
from orbitdb.storage.interval import Interval
from orbitdb.storage.netaddr import MacAddress, NetAddress
from orbitdb.storage.ranges import MultiRange, Range
from orbitdb.storage.jsontext import json_text, json_value
from orbitdb.storage.storedform import decode_format1

import_datetime()

cdef extern from "Python.h":
    bint PyUnicode_IS_COMPACT_ASCII(object o)
    void *PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)

FORMAT_V1 = 1
FORMAT_V2 = 2

cdef enum:
    F_V1 = 1
    F_V2 = 2

cdef enum:
    K_NONE = 0  # no column in this slot: reads as None, written as NULL
    K_INT = 1
    K_FLOAT = 2
    K_BOOL = 3
    K_TEXT = 4
    K_BYTES = 5
    K_NUMERIC = 6
    K_DATE = 7
    K_TS = 8
    K_TSTZ = 9
    K_TIME = 10
    K_TIMETZ = 11
    K_INTERVAL = 12
    K_UUID = 13
    K_JSON = 14
    K_RANGE_INT = 15  # ranges: a flags byte, then each finite bound as a sized field of its kind
    K_RANGE_NUMERIC = 16
    K_RANGE_DATE = 17
    K_RANGE_TS = 18
    K_RANGE_TSTZ = 19
    K_INET = 20  # inet and cidr: u8 family (4 or 6), u8 mask length, the address (4 or 16 bytes)
    K_MAC = 21  # macaddr and macaddr8: their 6 or 8 bytes
    K_MULTI_INT = 22  # multiranges: varint count, then each range as a sized range field
    K_MULTI_NUMERIC = 23
    K_MULTI_DATE = 24
    K_MULTI_TS = 25
    K_MULTI_TSTZ = 26

cdef enum:
    R_EMPTY = 0x01  # range flags, as PostgreSQL's range_send writes them
    R_LB_INC = 0x02
    R_UB_INC = 0x04
    R_LB_INF = 0x08
    R_UB_INF = 0x10

cdef enum:
    EL_NULL = 0  # array elements: NULL, a value, or an array (of a multidimensional array)
    EL_VALUE = 1
    EL_ARRAY = 2
    MAX_ARRAY_DEPTH = 64
    MAX_SLOTS = 1 << 20

_KIND_CODES = {
    "int": K_INT, "float": K_FLOAT, "bool": K_BOOL, "text": K_TEXT, "bytes": K_BYTES, "numeric": K_NUMERIC,
    "date": K_DATE, "ts": K_TS, "tstz": K_TSTZ, "time": K_TIME, "timetz": K_TIMETZ, "interval": K_INTERVAL,
    "uuid": K_UUID, "json": K_JSON, "range:int": K_RANGE_INT, "range:numeric": K_RANGE_NUMERIC,
    "range:date": K_RANGE_DATE, "range:ts": K_RANGE_TS, "range:tstz": K_RANGE_TSTZ, "inet": K_INET,
    "macaddr": K_MAC, "multirange:int": K_MULTI_INT, "multirange:numeric": K_MULTI_NUMERIC,
    "multirange:date": K_MULTI_DATE, "multirange:ts": K_MULTI_TS, "multirange:tstz": K_MULTI_TSTZ,
}

cdef int64_t USECS_PER_DAY = 86400000000
cdef object _UTC = _dt.timezone.utc
cdef object _EPOCH_TS = _dt.datetime(2000, 1, 1)
cdef object _EPOCH_TSTZ = _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc)
cdef object _USEC = _dt.timedelta(microseconds=1)
cdef object _DECIMAL = Decimal
cdef object _UUID = _uuid.UUID
cdef object _INTERVAL = Interval
cdef object _TIMEZONE = _dt.timezone
cdef object _TIMEDELTA = _dt.timedelta
cdef dict _ZONES = {}  # timetz offsets (seconds) -> timezone, so rows share one object per offset
cdef object _JSON_TEXT = json_text
cdef object _JSON_VALUE = json_value
cdef object _DECODE_FORMAT1 = decode_format1
cdef object _INFINITE = Infinite
cdef object _RANGE = Range
cdef object _MULTIRANGE = MultiRange
cdef object _NETADDRESS = NetAddress
cdef object _MACADDRESS = MacAddress
cdef object _INFINITE_OF = infinite


# -- little-endian integers and varints --

cdef inline void _put_le(char *p, uint64_t v, int n) noexcept:
    cdef int i
    for i in range(n):
        p[i] = <char>(v & 0xFF)
        v >>= 8


cdef inline uint64_t _get_le(const char *p, int n) noexcept:
    cdef uint64_t v = 0
    cdef int i
    for i in range(n - 1, -1, -1):
        v = (v << 8) | <unsigned char>p[i]
    return v


cdef inline int _put_fixed(Buf *b, uint64_t v, int n) except -1:
    buf_reserve(b, n)
    _put_le(b.data + b.len, v, n)
    b.len += n
    return 0


cdef inline int _put_varint(Buf *b, uint64_t v) except -1:
    while v >= 0x80:
        buf_byte(b, <unsigned char>((v & 0x7F) | 0x80))
        v >>= 7
    return buf_byte(b, <unsigned char>v)


cdef int _get_varint(const char **pp, const char *end, uint64_t *out) except -1:
    cdef const char *p = pp[0]
    cdef uint64_t v = 0
    cdef int shift = 0
    cdef unsigned char c
    while True:
        if p >= end or shift > 63:
            raise DataCorrupted("corrupt row: truncated or overlong varint")
        c = <unsigned char>p[0]
        p += 1
        v |= (<uint64_t>(c & 0x7F)) << shift
        if c < 0x80:
            break
        shift += 7
    pp[0] = p
    out[0] = v
    return 0


# -- kinds --

cdef int _kind_code(object kind, unsigned char *base, unsigned char *array) except -1:
    if kind is None:
        base[0] = K_NONE
        array[0] = 0
        return 0
    if not isinstance(kind, str):
        raise TypeError(f"storage kind must be a string or None, not {type(kind).__name__}")
    name = <str>kind
    array[0] = 0
    while name.startswith("array:"):  # arrays of arrays are arrays: every level holds the same kind
        array[0] = 1
        name = name[6:]
    code = _KIND_CODES.get(name)
    if code is None:
        raise ValueError(f"unknown storage kind {kind!r}")
    base[0] = <unsigned char>code
    return 0


cdef str _kind_name(int code):
    for name, c in _KIND_CODES.items():
        if c == code:
            return name
    return "none"


# -- encoding one value --

cdef inline int64_t _time_usecs(int h, int m, int s, int us) noexcept:
    return ((<int64_t>h * 60 + m) * 60 + s) * 1000000 + us


cdef int _put_bytes_of(Buf *b, object v) except -1:
    cdef Py_buffer view
    if type(v) is bytes:
        return buf_put(b, PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v))
    PyObject_GetBuffer(v, &view, PyBUF_SIMPLE)
    try:
        buf_put(b, <const char *>view.buf, view.len)
    finally:
        PyBuffer_Release(&view)
    return 0


cdef int _put_utf8(Buf *b, object s) except -1:
    if PyUnicode_IS_COMPACT_ASCII(s):
        return buf_put(b, <const char *>PyUnicode_DATA(s), PyUnicode_GET_LENGTH(s))
    cdef bytes enc = PyUnicode_AsEncodedString(s, "utf-8", "surrogatepass")
    return buf_put(b, PyBytes_AS_STRING(enc), PyBytes_GET_SIZE(enc))


cdef int64_t _as_int64(object v, str what) except? -1:
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(v, &overflow)
    if overflow:
        raise StorageError(f"{what} out of range for storage", "22008")
    return x


cdef int _put_int(Buf *b, object v) except -1:
    cdef int overflow = 0
    cdef long long x
    if not PyLong_Check(v):
        raise TypeError(f"an int column cannot store {type(v).__name__} {v!r}")
    x = PyLong_AsLongLongAndOverflow(v, &overflow)
    if not overflow:
        return _put_fixed(b, <uint64_t>x, 8)
    # beyond 64 bits: two's complement in as many bytes as it takes (always more than 8)
    big = (<object>v).to_bytes(((<object>v).bit_length() + 8) // 8, "little", signed=True)
    return buf_put(b, PyBytes_AS_STRING(big), PyBytes_GET_SIZE(big))


cdef int _put_field(Buf *b, int kind, object v) except -1:
    cdef double d
    cdef uint64_t bits
    cdef int64_t us
    cdef object tz
    if kind == K_INT:
        return _put_int(b, v)
    if kind == K_TEXT:
        if not PyUnicode_Check(v):
            raise TypeError(f"a text column cannot store {type(v).__name__} {v!r}")
        return _put_utf8(b, v)
    if kind == K_FLOAT:
        d = PyFloat_AsDouble(v)
        memcpy(&bits, &d, 8)
        return _put_fixed(b, bits, 8)
    if kind == K_BOOL:
        if v is True:
            return buf_byte(b, 1)
        if v is False:
            return buf_byte(b, 0)
        if PyLong_Check(v):
            return buf_byte(b, 1 if v else 0)
        raise TypeError(f"a bool column cannot store {type(v).__name__} {v!r}")
    if kind == K_NUMERIC:
        if type(v) is _DECIMAL:
            return _put_utf8(b, str(v))
        if isinstance(v, (_DECIMAL, int, float)) and type(v) is not bool:  # as Decimal(str(v)) reads back
            return _put_utf8(b, str(_DECIMAL(str(v))))
        raise TypeError(f"a numeric column cannot store {type(v).__name__} {v!r}")
    if kind == K_DATE:
        if type(v) is _INFINITE:  # INT32_MAX / INT32_MIN days, as PostgreSQL stores them
            return _put_fixed(b, <uint64_t><int64_t>v.sort_key(), 4)
        if not PyDate_Check(v):
            raise TypeError(f"a date column cannot store {type(v).__name__} {v!r}")
        return _put_fixed(b, <uint64_t><int64_t>(days_from_civil(date_year(v), date_month(v), date_day(v))
                                                 - EPOCH_DAYS), 4)
    if kind == K_TS or kind == K_TSTZ:
        if type(v) is _INFINITE:  # INT64_MAX / INT64_MIN microseconds
            return _put_fixed(b, <uint64_t><int64_t>v.sort_key(), 8)
        tz = datetime_tzinfo(v) if PyDateTime_Check(v) else False
        if (kind == K_TS and tz is None) or (kind == K_TSTZ and tz is _UTC):
            us = ((days_from_civil(datetime_year(v), datetime_month(v), datetime_day(v)) - EPOCH_DAYS)
                  * USECS_PER_DAY + _time_usecs(datetime_hour(v), datetime_minute(v), datetime_second(v),
                                                datetime_microsecond(v)))
        else:  # another zone, or not a datetime: Python's arithmetic (and its errors)
            us = _as_int64((v - (_EPOCH_TS if kind == K_TS else _EPOCH_TSTZ)) // _USEC, "timestamp")
        return _put_fixed(b, <uint64_t>us, 8)
    if kind == K_TIME or kind == K_TIMETZ:
        if PyTime_Check(v):
            us = _time_usecs(time_hour(v), time_minute(v), time_second(v), time_microsecond(v))
        else:
            us = _as_int64(((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond, "time")
        _put_fixed(b, <uint64_t>us, 8)
        if kind == K_TIME:
            return 0
        off = v.utcoffset()
        return _put_fixed(b, <uint64_t><int64_t>(_as_int64(int(off.total_seconds()), "time zone offset")
                                                 if off is not None else 0), 4)
    if kind == K_INTERVAL:
        _put_fixed(b, <uint64_t>_as_int64(v.months, "interval"), 8)
        _put_fixed(b, <uint64_t>_as_int64(v.days, "interval"), 8)
        return _put_fixed(b, <uint64_t>_as_int64(v.microseconds, "interval"), 8)
    if kind == K_UUID:
        raw = v.bytes
        if type(raw) is not bytes or PyBytes_GET_SIZE(raw) != 16:
            raise TypeError(f"a uuid column cannot store {type(v).__name__} {v!r}")
        return buf_put(b, PyBytes_AS_STRING(raw), 16)
    if kind == K_BYTES:
        if not isinstance(v, (bytes, bytearray, memoryview)):
            raise TypeError(f"a bytes column cannot store {type(v).__name__} {v!r}")
        return _put_bytes_of(b, v)
    if kind == K_JSON:
        return _put_utf8(b, _JSON_TEXT(v))
    if K_RANGE_INT <= kind <= K_RANGE_TSTZ:
        return _put_range(b, kind, v)
    if kind == K_INET:
        if type(v) is not _NETADDRESS:
            raise TypeError(f"an inet column cannot store {type(v).__name__} {v!r}")
        buf_byte(b, <unsigned char>v.family)
        buf_byte(b, <unsigned char>v.bits)
        raw = v.packed()
        return buf_put(b, PyBytes_AS_STRING(raw), PyBytes_GET_SIZE(raw))
    if K_MULTI_INT <= kind <= K_MULTI_TSTZ:
        if type(v) is not _MULTIRANGE:
            raise TypeError(f"a multirange column cannot store {type(v).__name__} {v!r}")
        _put_varint(b, <uint64_t>len(v.ranges))
        for r in v.ranges:
            _put_sized(b, kind - K_MULTI_INT + K_RANGE_INT, r)
        return 0
    if kind == K_MAC:
        if type(v) is not _MACADDRESS:
            raise TypeError(f"a macaddr column cannot store {type(v).__name__} {v!r}")
        raw = v.raw
        return buf_put(b, PyBytes_AS_STRING(raw), PyBytes_GET_SIZE(raw))
    raise ValueError(f"storage kind code {kind} has no encoding")


cdef int _range_element(int kind) noexcept:
    if kind == K_RANGE_INT:
        return K_INT
    if kind == K_RANGE_NUMERIC:
        return K_NUMERIC
    if kind == K_RANGE_DATE:
        return K_DATE
    if kind == K_RANGE_TS:
        return K_TS
    return K_TSTZ


cdef int _put_sized(Buf *b, int kind, object v) except -1:
    cdef Buf one
    buf_init(&one)
    try:
        _put_field(&one, kind, v)
        _put_varint(b, <uint64_t>one.len)
        buf_put(b, one.data, one.len)
    finally:
        buf_free(&one)
    return 0


cdef int _put_range(Buf *b, int kind, object v) except -1:
    cdef int flags = 0
    cdef int elem = _range_element(kind)
    if type(v) is not _RANGE:
        raise TypeError(f"a range column cannot store {type(v).__name__} {v!r}")
    if v.empty:
        return buf_byte(b, R_EMPTY)
    if v.lower is None:
        flags |= R_LB_INF
    elif v.lower_inc:
        flags |= R_LB_INC
    if v.upper is None:
        flags |= R_UB_INF
    elif v.upper_inc:
        flags |= R_UB_INC
    buf_byte(b, <unsigned char>flags)
    if v.lower is not None:
        _put_sized(b, elem, v.lower)
    if v.upper is not None:
        _put_sized(b, elem, v.upper)
    return 0


cdef int _put_array(Buf *b, int kind, object v, int depth) except -1:
    cdef Buf one
    if type(v) is not list and type(v) is not tuple:
        raise TypeError(f"an array column cannot store {type(v).__name__} {v!r}")
    if depth > MAX_ARRAY_DEPTH:
        raise StorageError("array nested too deeply for storage", "54000")
    _put_varint(b, <uint64_t>len(v))
    for x in v:
        if x is None:
            buf_byte(b, EL_NULL)
        elif type(x) is list or type(x) is tuple:
            buf_byte(b, EL_ARRAY)
            _put_array(b, kind, x, depth + 1)
        else:
            buf_byte(b, EL_VALUE)
            buf_init(&one)
            try:
                _put_field(&one, kind, x)
                _put_varint(b, <uint64_t>one.len)
                buf_put(b, one.data, one.len)
            finally:
                buf_free(&one)
    return 0


# -- decoding one value --

cdef object _zone(int32_t seconds):
    zone = _ZONES.get(seconds)
    if zone is None:
        zone = _TIMEZONE(_TIMEDELTA(seconds=seconds))
        if len(_ZONES) < 4096:
            _ZONES[seconds] = zone
    return zone


cdef object _corrupt_width(int kind, Py_ssize_t n):
    return DataCorrupted(f"corrupt row: a {_kind_name(kind)} field of {n} bytes")


cdef object _timestamp(int64_t us, object tz):
    cdef int64_t days
    cdef int64_t rest
    cdef int y, m, d
    if us == 0x7FFFFFFFFFFFFFFF or us == (-0x7FFFFFFFFFFFFFFF - 1):
        return _INFINITE_OF("ts" if tz is None else "tstz", 1 if us > 0 else -1)
    days = floordiv(us, USECS_PER_DAY)
    rest = us - days * USECS_PER_DAY
    days += EPOCH_DAYS
    if days < MIN_DAYS or days > MAX_DAYS:
        raise DataCorrupted(f"corrupt row: timestamp {us} out of range")
    civil_from_days(days, &y, &m, &d)
    return datetime_new(y, m, d, <int>(rest // 3600000000), <int>((rest // 60000000) % 60),
                        <int>((rest // 1000000) % 60), <int>(rest % 1000000), tz)


cdef object _time(int64_t us, object tz):
    if us < 0 or us >= USECS_PER_DAY:
        raise DataCorrupted(f"corrupt row: time {us} out of range")
    return time_new(<int>(us // 3600000000), <int>((us // 60000000) % 60), <int>((us // 1000000) % 60),
                    <int>(us % 1000000), tz)


cdef object _get_field(int kind, const char *p, Py_ssize_t n):
    cdef uint64_t bits
    cdef double d
    cdef int64_t days
    cdef int y, m, dd
    if kind == K_INT:
        if n == 8:
            return PyLong_FromLongLong(<int64_t>_get_le(p, 8))
        if n > 8:
            return int.from_bytes(PyBytes_FromStringAndSize(p, n), "little", signed=True)
        raise _corrupt_width(kind, n)
    if kind == K_TEXT:
        return PyUnicode_DecodeUTF8(p, n, "surrogatepass")
    if kind == K_FLOAT:
        if n != 8:
            raise _corrupt_width(kind, n)
        bits = _get_le(p, 8)
        memcpy(&d, &bits, 8)
        return PyFloat_FromDouble(d)
    if kind == K_BOOL:
        if n != 1:
            raise _corrupt_width(kind, n)
        return p[0] != 0
    if kind == K_NUMERIC:
        return _DECIMAL(PyUnicode_DecodeASCII(p, n, NULL))
    if kind == K_DATE:
        if n != 4:
            raise _corrupt_width(kind, n)
        days = <int32_t><uint32_t>_get_le(p, 4)
        if days == 0x7FFFFFFF or days == -0x80000000:
            return _INFINITE_OF("date", 1 if days > 0 else -1)
        days += EPOCH_DAYS
        if days < MIN_DAYS or days > MAX_DAYS:
            raise DataCorrupted(f"corrupt row: date {days - EPOCH_DAYS} out of range")
        civil_from_days(days, &y, &m, &dd)
        return date_new(y, m, dd)
    if kind == K_TS or kind == K_TSTZ:
        if n != 8:
            raise _corrupt_width(kind, n)
        return _timestamp(<int64_t>_get_le(p, 8), None if kind == K_TS else _UTC)
    if kind == K_TIME:
        if n != 8:
            raise _corrupt_width(kind, n)
        return _time(<int64_t>_get_le(p, 8), None)
    if kind == K_TIMETZ:
        if n != 12:
            raise _corrupt_width(kind, n)
        return _time(<int64_t>_get_le(p, 8), _zone(<int32_t><uint32_t>_get_le(p + 8, 4)))
    if kind == K_INTERVAL:
        if n != 24:
            raise _corrupt_width(kind, n)
        return _INTERVAL(<int64_t>_get_le(p, 8), <int64_t>_get_le(p + 8, 8), <int64_t>_get_le(p + 16, 8))
    if kind == K_UUID:
        if n != 16:
            raise _corrupt_width(kind, n)
        return _UUID(bytes=PyBytes_FromStringAndSize(p, 16))
    if kind == K_BYTES:
        return PyBytes_FromStringAndSize(p, n)
    if kind == K_JSON:
        return _JSON_VALUE(PyUnicode_DecodeUTF8(p, n, "surrogatepass"))
    if K_RANGE_INT <= kind <= K_RANGE_TSTZ:
        return _get_range(kind, p, n)
    if kind == K_INET:
        if not ((n == 6 and p[0] == 4) or (n == 18 and p[0] == 6)) or <unsigned char>p[1] > (n - 2) * 8:
            raise _corrupt_width(kind, n)
        return _NETADDRESS(<int>p[0], int.from_bytes(PyBytes_FromStringAndSize(p + 2, n - 2), "big"),
                           <int>(<unsigned char>p[1]))
    if K_MULTI_INT <= kind <= K_MULTI_TSTZ:
        return _get_multirange(kind, p, n)
    if kind == K_MAC:
        if n != 6 and n != 8:
            raise _corrupt_width(kind, n)
        return _MACADDRESS(PyBytes_FromStringAndSize(p, n))
    raise DataCorrupted(f"corrupt row: storage kind code {kind}")


cdef object _get_sized(int kind, const char **pp, const char *end):
    cdef uint64_t size = 0
    _get_varint(pp, end, &size)
    if size > <uint64_t>(end - pp[0]):
        raise DataCorrupted("corrupt row: truncated range bound")
    value = _get_field(kind, pp[0], <Py_ssize_t>size)
    pp[0] += size
    return value


cdef object _get_multirange(int kind, const char *p, Py_ssize_t n):
    cdef const char *end = p + n
    cdef uint64_t count = 0, i
    _get_varint(&p, end, &count)
    if count > <uint64_t>(end - p):
        raise DataCorrupted("corrupt row: multirange longer than its field")
    out = []
    for i in range(count):
        out.append(_get_sized(kind - K_MULTI_INT + K_RANGE_INT, &p, end))
    if p != end:
        raise DataCorrupted("corrupt row: a multirange field has trailing bytes")
    return _MULTIRANGE(out)


cdef object _get_range(int kind, const char *p, Py_ssize_t n):
    cdef const char *end = p + n
    cdef unsigned char flags
    cdef int elem = _range_element(kind)
    if n < 1:
        raise _corrupt_width(kind, n)
    flags = <unsigned char>p[0]
    p += 1
    if flags & R_EMPTY:
        if n != 1:
            raise _corrupt_width(kind, n)
        return _RANGE(None, None, False, False, True)
    lower = None if flags & R_LB_INF else _get_sized(elem, &p, end)
    upper = None if flags & R_UB_INF else _get_sized(elem, &p, end)
    if p != end:
        raise DataCorrupted("corrupt row: a range field has trailing bytes")
    return _RANGE(lower, upper, (flags & R_LB_INC) != 0, (flags & R_UB_INC) != 0, False)


cdef object _get_array(int kind, const char **pp, const char *end, int depth):
    cdef uint64_t count = 0, size = 0, i
    cdef const char *p
    cdef unsigned char tag
    if depth > MAX_ARRAY_DEPTH:
        raise DataCorrupted("corrupt row: array nested too deeply")
    _get_varint(pp, end, &count)
    if count > <uint64_t>(end - pp[0]):  # every element takes at least one byte
        raise DataCorrupted("corrupt row: array longer than its field")
    out = [None] * <Py_ssize_t>count
    for i in range(count):
        p = pp[0]
        if p >= end:
            raise DataCorrupted("corrupt row: truncated array")
        tag = <unsigned char>p[0]
        pp[0] = p + 1
        if tag == EL_NULL:
            continue
        if tag == EL_ARRAY:
            out[i] = _get_array(kind, pp, end, depth + 1)
        elif tag == EL_VALUE:
            _get_varint(pp, end, &size)
            if size > <uint64_t>(end - pp[0]):
                raise DataCorrupted("corrupt row: truncated array element")
            out[i] = _get_field(kind, pp[0], <Py_ssize_t>size)
            pp[0] += size
        else:
            raise DataCorrupted(f"corrupt row: array element tag {tag}")
    return out


# -- the row header --

cdef int _header(const char *p, Py_ssize_t size, Header *h) except -1:
    cdef const char *end = p + size
    cdef uint64_t n = 0
    cdef unsigned char flags
    cdef Py_ssize_t need
    if size < 3 or <unsigned char>p[0] != F_V2:
        raise DataCorrupted(f"corrupt row of {size} bytes: format {<int>(<unsigned char>p[0]) if size else 0}")
    flags = <unsigned char>p[1]
    if flags > 2:
        raise DataCorrupted(f"corrupt row: flags {flags}")
    h.w = 1 << flags
    p += 2
    _get_varint(&p, end, &n)
    if n > MAX_SLOTS:
        raise DataCorrupted(f"corrupt row: {n} slots")
    h.n = <Py_ssize_t>n
    need = (h.n + 7) // 8 + h.n * h.w
    if need > end - p:
        raise DataCorrupted("corrupt row: header longer than the row")
    h.bitmap = <const unsigned char *>p
    h.offsets = p + (h.n + 7) // 8
    h.data = p + need
    h.size = end - h.data
    if <Py_ssize_t>(_get_le(h.offsets + (h.n - 1) * h.w, h.w) if h.n else 0) != h.size:
        raise DataCorrupted("corrupt row: offsets do not end at the row's end")
    return 0


cdef class RowCodec:
    """Encodes and decodes rows of one table layout: kinds[slot] is the storage kind of each
    physical slot ("int", "text", "array:int", ...; None: no column there any more), and
    missing[slot] the value of a slot past the end of a shorter (older) row."""

    def __cinit__(self, kinds, missing=None):
        cdef Py_ssize_t i
        self.kinds = tuple(kinds)
        self.width = len(self.kinds)
        self.base = <unsigned char *>malloc(self.width + 1)
        self.array = <unsigned char *>malloc(self.width + 1)
        if self.base == NULL or self.array == NULL:
            raise MemoryError()
        for i in range(self.width):
            _kind_code(self.kinds[i], &self.base[i], &self.array[i])
        self.missing = tuple(missing) if missing is not None else (None,) * self.width
        if len(self.missing) != self.width:
            raise ValueError(f"{len(self.missing)} missing values for {self.width} slots")

    def __dealloc__(self):
        free(self.base)
        free(self.array)

    def encode(self, row):
        """Format-2 bytes of a row (a tuple or list by slot; a shorter row leaves the slots past
        its end to `missing`)."""
        cdef Py_ssize_t n = len(row), i, slot, header, w
        cdef int flags
        cdef Buf data
        cdef uint32_t *ends
        cdef uint32_t local_ends[64]
        cdef unsigned char *bitmap
        cdef unsigned char local_bitmap[8]
        cdef char *out
        cdef int kind
        if n > self.width:
            raise ValueError(f"a row of {n} values for a table layout of {self.width} slots")
        ends = &local_ends[0]
        bitmap = &local_bitmap[0]
        if n > 64:
            ends = <uint32_t *>malloc(n * sizeof(uint32_t))
            bitmap = <unsigned char *>malloc((n + 7) // 8)
        buf_init(&data)
        try:
            if ends == NULL or bitmap == NULL:
                raise MemoryError()
            for i in range((n + 7) // 8):
                bitmap[i] = 0
            for i in range(n):
                v = row[i]
                kind = self.base[i]
                if v is None or kind == K_NONE:
                    bitmap[i >> 3] |= <unsigned char>(1 << (i & 7))
                else:
                    if self.array[i]:
                        _put_array(&data, kind, v, 0)
                    else:
                        _put_field(&data, kind, v)
                    if data.len > 0xFFFFFFFF:
                        raise StorageError("row is too big for storage (over 4 GiB)", "54000")
                ends[i] = <uint32_t>data.len
            if data.len <= 0xFF:
                flags, w = 0, 1
            elif data.len <= 0xFFFF:
                flags, w = 1, 2
            else:
                flags, w = 2, 4
            header = 2 + _varint_size(<uint64_t>n) + (n + 7) // 8 + n * w
            result = PyBytes_FromStringAndSize(NULL, header + data.len)
            out = PyBytes_AS_STRING(result)
            out[0] = <char>F_V2
            out[1] = <char>flags
            i = 2 + _write_varint(out + 2, <uint64_t>n)
            memcpy(out + i, bitmap, <size_t>((n + 7) // 8))
            i += (n + 7) // 8
            for slot in range(n):
                _put_le(out + i, ends[slot], <int>w)
                i += w
            memcpy(out + i, data.data, <size_t>data.len)
            return result
        finally:
            buf_free(&data)
            if n > 64:
                free(ends)
                free(bitmap)

    def decode(self, data):
        """The row's values by slot (a tuple of width values)."""
        cdef Py_buffer view
        if type(data) is bytes:
            return self.decode_ptr(PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))
        PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
        try:
            return self.decode_ptr(<const char *>view.buf, view.len)
        finally:
            PyBuffer_Release(&view)

    def decode_columns(self, data, indexes):
        """The values of the given slots only (a tuple, in the order given): the other fields
        are not decoded."""
        cdef Py_buffer view
        cdef Py_ssize_t count = len(indexes), i
        cdef Py_ssize_t local[64]
        cdef Py_ssize_t *slots = &local[0]
        if count > 64:
            slots = <Py_ssize_t *>malloc(count * sizeof(Py_ssize_t))
        if slots == NULL:
            raise MemoryError()
        try:
            for i in range(count):
                slots[i] = indexes[i]
                if slots[i] < 0 or slots[i] >= self.width:
                    raise IndexError(f"slot {slots[i]} out of range for a layout of {self.width} slots")
            if type(data) is bytes:
                return self.decode_slots_ptr(PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data), slots, count)
            PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
            try:
                return self.decode_slots_ptr(<const char *>view.buf, view.len, slots, count)
            finally:
                PyBuffer_Release(&view)
        finally:
            if count > 64:
                free(slots)

    cdef object _slot(self, Header *h, Py_ssize_t i):
        cdef Py_ssize_t start, end
        cdef const char *p
        cdef int kind = self.base[i]
        if i >= h.n:
            return self.missing[i]
        if kind == K_NONE or h.bitmap[i >> 3] & (1 << (i & 7)):
            return None
        start = <Py_ssize_t>_get_le(h.offsets + (i - 1) * h.w, h.w) if i else 0
        end = <Py_ssize_t>_get_le(h.offsets + i * h.w, h.w)
        if start > end or end > h.size:
            raise DataCorrupted(f"corrupt row: field {i} at [{start}, {end}) of {h.size} bytes")
        if not self.array[i]:
            return _get_field(kind, h.data + start, end - start)
        p = h.data + start
        value = _get_array(kind, &p, h.data + end, 0)
        if p != h.data + end:
            raise DataCorrupted(f"corrupt row: array field {i} has trailing bytes")
        return value

    cdef tuple decode_ptr(self, const char *p, Py_ssize_t n):
        cdef Header h
        cdef Py_ssize_t i
        cdef tuple out
        if n > 0 and p[0] == F_V1:
            return _DECODE_FORMAT1(list(self.kinds), self.missing, PyBytes_FromStringAndSize(p, n))
        _header(p, n, &h)
        out = PyTuple_New(self.width)
        for i in range(self.width):
            v = self._slot(&h, i)
            Py_INCREF(v)
            PyTuple_SET_ITEM(out, i, v)
        return out

    cdef tuple decode_slots_ptr(self, const char *p, Py_ssize_t n, const Py_ssize_t *slots, Py_ssize_t count):
        cdef Header h
        cdef Py_ssize_t i
        cdef tuple out
        if n > 0 and p[0] == F_V1:
            row = self.decode_ptr(p, n)
            return tuple([row[slots[i]] for i in range(count)])
        _header(p, n, &h)
        out = PyTuple_New(count)
        for i in range(count):
            v = self._slot(&h, slots[i])
            Py_INCREF(v)
            PyTuple_SET_ITEM(out, i, v)
        return out

    cdef tuple decode_row_ptr(self, const char *p, Py_ssize_t n, const Py_ssize_t *slots, Py_ssize_t count,
                              object key):
        """The values of slots[0..count) (every slot in order when slots is NULL; a slot of -1
        is a column the reader does not need: None, not decoded), then key when it is not
        None: a scan's row with its row key, made in one tuple."""
        cdef Header h
        cdef Py_ssize_t i, slot, width = self.width if slots == NULL else count
        cdef Py_ssize_t extra = 0 if key is None else 1
        cdef tuple out = PyTuple_New(width + extra)
        cdef tuple old = None
        if n > 0 and p[0] == F_V1:
            old = self.decode_ptr(p, n)
        else:
            _header(p, n, &h)
        for i in range(width):
            slot = i if slots == NULL else slots[i]
            if slot < 0:
                v = None
            elif old is not None:
                v = old[slot]
            else:
                v = self._slot(&h, slot)
            Py_INCREF(v)
            PyTuple_SET_ITEM(out, i, v)
        if extra:
            Py_INCREF(key)
            PyTuple_SET_ITEM(out, width, key)
        return out


cdef inline int _varint_size(uint64_t v) noexcept:
    cdef int n = 1
    while v >= 0x80:
        v >>= 7
        n += 1
    return n


cdef inline int _write_varint(char *p, uint64_t v) noexcept:
    cdef int n = 0
    while v >= 0x80:
        p[n] = <char>((v & 0x7F) | 0x80)
        v >>= 7
        n += 1
    p[n] = <char>v
    return n + 1


def row_format(data):
    """The format version of stored row bytes (1 or 2)."""
    if not data:
        raise DataCorrupted("corrupt row: empty")
    return data[0]
