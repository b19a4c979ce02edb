# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Batch scans: one call reads up to a few thousand rows of a key range and decodes the wanted
columns into per-column numpy arrays, each with a NULL mask. int, float and bool columns go
straight into int64, float64 and bool arrays; every other kind into an object array of the
values the row path makes (the codec's own decoder), so results never differ by path."""

import sys

import numpy as np

from libc.stdint cimport int64_t, uint64_t
from libc.string cimport memcpy

from orbitdb._engine cimport Engine, Snapshot
from orbitdb.storage._cbuf cimport Buf, buf_free, buf_init, buf_put
from orbitdb.storage._rowformat cimport Header, RowCodec

from orbitdb.storage.errors import DataCorrupted, EngineClosedError

cdef enum:
    K_NONE = 0
    K_INT = 1
    K_FLOAT = 2
    K_BOOL = 3
    F_V1 = 1
    F_V2 = 2
    MAX_SLOTS = 1 << 20
    MAX_COLUMNS = 256

cdef enum:
    C_INT = 0  # how a wanted column is decoded
    C_FLOAT = 1
    C_BOOL = 2
    C_OBJECT = 3


class Unbatchable(Exception):
    """A row the batch decoder does not take (an integer wider than 64 bits): the caller reads
    the statement row at a time instead."""


cdef bint _LITTLE = sys.byteorder == "little"


cdef inline uint64_t _le(const char *p, int n) noexcept:
    # a little-endian field; on a little-endian host one copy (the profile's largest share of a
    # batch scan was this loop, a byte at a time)
    cdef uint64_t v = 0
    cdef int i
    if _LITTLE and n == 8:
        memcpy(&v, p, 8)
        return v
    if n == 1:
        return <unsigned char>p[0]
    for i in range(n - 1, -1, -1):
        v = (v << 8) | <unsigned char>p[i]
    return v


cdef int _header(const char *p, Py_ssize_t size, Header *h) except -1:
    # the row format's header (see _rowformat.pyx, which checks rows the same way)
    cdef const char *end = p + size
    cdef uint64_t n = 0
    cdef int shift = 0
    cdef unsigned char c, flags
    cdef Py_ssize_t need
    if size < 3 or <unsigned char>p[0] != F_V2:
        raise DataCorrupted(f"corrupt row of {size} bytes")
    flags = <unsigned char>p[1]
    if flags > 2:
        raise DataCorrupted(f"corrupt row: flags {flags}")
    h.w = 1 << flags
    p += 2
    while True:
        if p >= end or shift > 63:
            raise DataCorrupted("corrupt row: truncated or overlong varint")
        c = <unsigned char>p[0]
        p += 1
        n |= <uint64_t>(c & 0x7F) << shift
        if c < 0x80:
            break
        shift += 7
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
    if <Py_ssize_t>(_le(h.offsets + (h.n - 1) * h.w, h.w) if h.n else 0) != h.size:
        raise DataCorrupted("corrupt row: offsets do not end at the row's end")
    return 0


cdef class _Fill:
    """The arrays one scan call fills."""
    cdef RowCodec codec
    cdef Py_ssize_t ncols
    cdef Py_ssize_t slots[MAX_COLUMNS]
    cdef int how[MAX_COLUMNS]
    cdef char *data[MAX_COLUMNS]  # int64 / double / uint8 buffers of fixed-width columns
    cdef unsigned char *nulls[MAX_COLUMNS]
    cdef list values  # the numpy arrays
    cdef list masks
    cdef Py_ssize_t row
    cdef Buf key  # the last row's key (where the next call starts)

    def __cinit__(self):
        buf_init(&self.key)

    def __dealloc__(self):
        buf_free(&self.key)

    cdef int put_missing(self, Py_ssize_t c, Py_ssize_t i) except -1:
        # a slot past the end of an older, shorter row: the layout's value for it
        return self.put_value(c, i, self.codec.missing[self.slots[c]])

    cdef int put_old(self, const char *p, Py_ssize_t size, Py_ssize_t i) except -1:
        # a row of format 1: decoded whole by the codec, then put in place
        row = self.codec.decode_ptr(p, size)
        cdef Py_ssize_t c
        for c in range(self.ncols):
            self.put_value(c, i, row[self.slots[c]])
        return 0

    cdef int put_value(self, Py_ssize_t c, Py_ssize_t i, object v) except -1:
        # a decoded Python value put in column c's array at row i
        if v is None:
            self.nulls[c][i] = 1
        elif self.how[c] == C_OBJECT:
            self.values[c][i] = v
        elif self.how[c] == C_INT:
            if not -0x8000000000000000 <= v <= 0x7FFFFFFFFFFFFFFF:
                raise Unbatchable("an integer wider than 64 bits")
            (<int64_t *>self.data[c])[i] = v
        elif self.how[c] == C_FLOAT:
            (<double *>self.data[c])[i] = v
        else:
            self.data[c][i] = 1 if v else 0
        return 0


cdef int _read(object ctx, const char *key, Py_ssize_t klen, const char *p, Py_ssize_t size) except -1:
    cdef _Fill f = <_Fill>ctx
    cdef Header h
    cdef Py_ssize_t c, slot, start, end, i = f.row
    cdef uint64_t bits
    cdef int how
    f.row += 1
    if size > 0 and p[0] == F_V1:
        f.put_old(p, size, i)
        return 0
    _header(p, size, &h)
    for c in range(f.ncols):
        slot = f.slots[c]
        if slot >= h.n:
            f.put_missing(c, i)
            continue
        if f.codec.base[slot] == K_NONE or h.bitmap[slot >> 3] & (1 << (slot & 7)):
            f.nulls[c][i] = 1
            continue
        how = f.how[c]
        if how == C_OBJECT:
            f.values[c][i] = f.codec._slot(&h, slot)
            continue
        start = <Py_ssize_t>_le(h.offsets + (slot - 1) * h.w, h.w) if slot else 0
        end = <Py_ssize_t>_le(h.offsets + slot * h.w, h.w)
        if start > end or end > h.size:
            raise DataCorrupted(f"corrupt row: field {slot} at [{start}, {end}) of {h.size} bytes")
        if how == C_BOOL:
            if end - start != 1:
                raise DataCorrupted(f"corrupt row: a bool field of {end - start} bytes")
            f.data[c][i] = 1 if h.data[start] != 0 else 0
            continue
        if end - start != 8:
            if how == C_INT and end - start > 8:
                raise Unbatchable("an integer wider than 64 bits")
            raise DataCorrupted(f"corrupt row: a fixed-width field of {end - start} bytes")
        bits = _le(h.data + start, 8)
        memcpy(f.data[c] + i * 8, &bits, 8)
    return 0


cdef int _read_keyed(object ctx, const char *key, Py_ssize_t klen, const char *p, Py_ssize_t size) except -1:
    cdef _Fill f = <_Fill>ctx
    _read(ctx, key, klen, p, size)
    f.key.len = 0
    buf_put(&f.key, key, klen)
    return 0


def column_plan(RowCodec codec not None, list slots not None):
    """For each wanted physical slot how a batch holds it: "int", "float", "bool" or "object"."""
    out = []
    for s in slots:
        if s < 0 or s >= codec.width:
            raise IndexError(f"slot {s} out of range for a layout of {codec.width} slots")
        kind = codec.base[s]
        if codec.array[s] or kind not in (K_INT, K_FLOAT, K_BOOL):
            out.append("object")
        else:
            out.append({K_INT: "int", K_FLOAT: "float", K_BOOL: "bool"}[kind])
    return out


def scan_batch(Engine engine not None, Snapshot snapshot, bytes start not None, bytes stop not None,
               RowCodec codec not None, list slots not None, Py_ssize_t limit):
    """Up to limit rows of [start, stop) at snapshot: (row count, [values array per slot],
    [NULL mask per slot], the last row's key or None when no row was read)."""
    cdef _Fill f = _Fill.__new__(_Fill)
    cdef Py_ssize_t c, n
    cdef object arr
    if len(slots) > MAX_COLUMNS:
        raise Unbatchable(f"more than {MAX_COLUMNS} columns")
    f.codec = codec
    f.ncols = len(slots)
    f.values = []
    f.masks = []
    f.row = 0
    plan = column_plan(codec, slots)
    for c in range(f.ncols):
        f.slots[c] = slots[c]
        mask = np.zeros(limit, dtype=np.bool_)
        f.masks.append(mask)
        f.nulls[c] = _ptr(mask)
        kind = plan[c]
        if kind == "object":
            f.how[c] = C_OBJECT
            arr = np.empty(limit, dtype=object)
            f.data[c] = NULL
        else:
            f.how[c] = {"int": C_INT, "float": C_FLOAT, "bool": C_BOOL}[kind]
            arr = np.zeros(limit, dtype={"int": np.int64, "float": np.float64, "bool": np.bool_}[kind])
            f.data[c] = <char *>_ptr(arr)
        f.values.append(arr)
    if engine.closed:  # as a row scan says it (its snapshot is released by the close too)
        raise EngineClosedError(f"engine {engine.path} was closed during the scan")
    n = engine.scan_with(start, stop, snapshot, limit, _read_keyed, f)
    if n < limit:
        f.values = [a[:n] for a in f.values]
        f.masks = [m[:n] for m in f.masks]
    return n, f.values, f.masks, (f.key.data[:f.key.len] if n else None)


cdef unsigned char *_ptr(object arr) except NULL:
    cdef unsigned char[::1] view = arr.view(np.uint8).reshape(-1)
    if view.shape[0] == 0:
        return <unsigned char *>&_EMPTY[0]
    return &view[0]


cdef unsigned char _EMPTY[8]
