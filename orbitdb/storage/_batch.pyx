# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Batch scans: one call reads up to a few thousand rows of a key range and decodes the wanted
columns into per-column numpy arrays, each with a NULL mask. int, float and bool columns go
straight into int64, float64 and bool arrays; every other kind into an object array of the
values the row path makes (the codec's own decoder), so results never differ by path."""

import sys

import numpy as np

from libc.stdint cimport int64_t, uint64_t
from cpython.buffer cimport PyBUF_SIMPLE, PyBUF_WRITABLE, PyBuffer_Release, PyObject_GetBuffer
from libc.string cimport memcpy, memset

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


cdef inline uint64_t _le8(const char *p) noexcept:
    # spelled out so that the compiler makes it one load (the row format is little-endian)
    cdef const unsigned char *q = <const unsigned char *>p
    return (<uint64_t>q[0] | <uint64_t>q[1] << 8 | <uint64_t>q[2] << 16 | <uint64_t>q[3] << 24 |
            <uint64_t>q[4] << 32 | <uint64_t>q[5] << 40 | <uint64_t>q[6] << 48 | <uint64_t>q[7] << 56)


cdef inline Py_ssize_t _offset(const Header *h, Py_ssize_t i) noexcept:
    # the end of field i (offsets are 1, 2 or 4 bytes wide)
    cdef const unsigned char *q = <const unsigned char *>h.offsets + i * h.w
    if h.w == 1:
        return q[0]
    if h.w == 2:
        return q[0] | <Py_ssize_t>q[1] << 8
    return <Py_ssize_t>(q[0] | <uint64_t>q[1] << 8 | <uint64_t>q[2] << 16 | <uint64_t>q[3] << 24)


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
    if (_offset(h, h.n - 1) if h.n else 0) != h.size:
        raise DataCorrupted("corrupt row: offsets do not end at the row's end")
    return 0


cdef class BatchReader:
    """Reads batches of one scan: the wanted slots and how each is held are worked out once,
    then read() fills fresh arrays with up to limit rows per call."""
    cdef RowCodec codec
    cdef Py_ssize_t ncols
    cdef Py_ssize_t slots[MAX_COLUMNS]
    cdef int how[MAX_COLUMNS]
    cdef char *data[MAX_COLUMNS]  # int64 / double / uint8 buffers of fixed-width columns
    cdef unsigned char *nulls[MAX_COLUMNS]
    cdef readonly list kinds  # "int", "float", "bool" or "object" per wanted slot
    cdef list values  # the numpy arrays of the running read()
    cdef list masks
    cdef Py_ssize_t row
    cdef Py_ssize_t limit
    cdef Buf key  # the key of a full batch's last row (where the next read starts)

    def __cinit__(self):
        buf_init(&self.key)

    def __dealloc__(self):
        buf_free(&self.key)

    def __init__(self, RowCodec codec not None, list slots not None):
        cdef Py_ssize_t c
        if len(slots) > MAX_COLUMNS:
            raise Unbatchable(f"more than {MAX_COLUMNS} columns")
        self.kinds = column_plan(codec, slots)
        self.codec = codec
        self.ncols = len(slots)
        for c in range(self.ncols):
            self.slots[c] = slots[c]
            self.how[c] = _HOW[self.kinds[c]]

    def read(self, Engine engine not None, Snapshot snapshot, bytes start not None, bytes stop not None,
             Py_ssize_t limit, bint bulk=False):
        """Up to limit rows of [start, stop) at snapshot: (row count, [values array per slot],
        [NULL mask per slot], the last row's key when limit rows were read, else None). bulk:
        the blocks read go into the engine's block cache only while it has room (a long scan's
        later batches, so that one pass over a large table does not evict what others read)."""
        cdef Py_ssize_t c, n
        cdef object arr, mask
        if limit < 1:
            raise ValueError("a batch holds at least one row")
        self.values = []
        self.masks = []
        for c in range(self.ncols):
            mask = _zeros(limit, _BOOL)
            self.masks.append(mask)
            self.nulls[c] = _ptr(mask)
            if self.how[c] == C_OBJECT:
                arr = _empty(limit, object)
                self.data[c] = NULL
            else:
                arr = _empty(limit, _DTYPE[self.how[c]])  # every row's value is set or masked
                self.data[c] = <char *>_ptr(arr)
            self.values.append(arr)
        self.row = 0
        self.limit = limit
        self.key.len = 0
        if engine.closed:  # as a row scan says it (its snapshot is released by the close too)
            raise EngineClosedError(f"engine {engine.path} was closed during the scan")
        try:
            n = engine.scan_with(start, stop, snapshot, limit, _read, self, bulk)
            values, masks = self.values, self.masks
        finally:
            self.values = self.masks = None  # the arrays belong to the caller from here on
            for c in range(self.ncols):
                self.data[c] = NULL
                self.nulls[c] = NULL
        if n < limit:
            return n, [a[:n] for a in values], [m[:n] for m in masks], None
        return n, values, masks, self.key.data[:self.key.len]

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
            if self.how[c] == C_INT or self.how[c] == C_FLOAT:
                memset(self.data[c] + i * 8, 0, 8)  # the arrays start uninitialised
            elif self.how[c] == C_BOOL:
                self.data[c][i] = 0
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


_HOW = {"int": C_INT, "float": C_FLOAT, "bool": C_BOOL, "object": C_OBJECT}
_DTYPE = {C_INT: np.int64, C_FLOAT: np.float64, C_BOOL: np.bool_}
_zeros, _empty, _BOOL = np.zeros, np.empty, np.bool_


cdef int _read(object ctx, const char *key, Py_ssize_t klen, const char *p, Py_ssize_t size) except -1:
    cdef BatchReader f = <BatchReader>ctx
    cdef Header h
    cdef Py_ssize_t c, slot, start, end, i = f.row
    cdef uint64_t bits
    cdef int how
    f.row += 1
    if f.row == f.limit:  # only a full batch's last key is wanted
        buf_put(&f.key, key, klen)
    if size > 0 and p[0] == F_V1:
        f.put_old(p, size, i)
        return 0
    _header(p, size, &h)
    for c in range(f.ncols):
        slot = f.slots[c]
        how = f.how[c]
        if slot >= h.n:
            f.put_missing(c, i)
            continue
        if f.codec.base[slot] == K_NONE or h.bitmap[slot >> 3] & (1 << (slot & 7)):
            f.nulls[c][i] = 1
            if how == C_INT or how == C_FLOAT:
                memset(f.data[c] + i * 8, 0, 8)  # the arrays start uninitialised
            elif how == C_BOOL:
                f.data[c][i] = 0
            continue
        if how == C_OBJECT:
            f.values[c][i] = f.codec._slot(&h, slot)
            continue
        start = _offset(&h, slot - 1) if slot else 0
        end = _offset(&h, slot)
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
        bits = _le8(h.data + start)
        memcpy(f.data[c] + i * 8, &bits, 8)
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
    """One batch read by a BatchReader of its own: (row count, [values array per slot], [NULL mask
    per slot], the last row's key when limit rows were read, else None)."""
    return BatchReader(codec, slots).read(engine, snapshot, start, stop, limit)


cdef unsigned char *_ptr(object arr) except NULL:
    # a new, contiguous, writable array of ours: its buffer's address, kept while we hold arr (no
    # Python-level view of it per column and batch, which cost more than a short read itself)
    cdef Py_buffer view
    PyObject_GetBuffer(arr, &view, PyBUF_SIMPLE | PyBUF_WRITABLE)
    cdef unsigned char *p = <unsigned char *>view.buf
    cdef Py_ssize_t n = view.len
    PyBuffer_Release(&view)
    if n == 0 or p == NULL:
        return <unsigned char *>&_EMPTY[0]
    return p


cdef unsigned char _EMPTY[8]
