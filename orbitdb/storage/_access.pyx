# cython: language_level=3, boundscheck=False, wraparound=False
"""Reads of one table's rows in one call each: for a primary-key read the key is encoded into a
C buffer, the engine looks it up, and the row is decoded from the engine's buffer; no key or
value bytes object is made unless the caller wants the row key back or the transaction's own
writes or its read set need it. Scans decode each (key, value) pair into one tuple, the row key
last."""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from libc.stdlib cimport free, malloc

from orbitdb._engine cimport Engine, Snapshot, odb_slice, odb_slice_make
from orbitdb.storage._cbuf cimport Buf, buf_free, buf_init, buf_put
from orbitdb.storage._keyformat cimport put_key
from orbitdb.storage._rowformat cimport RowCodec


_NOT_WRITTEN = object()  # writes.get()'s answer for a key the transaction did not write

cdef class _Want:
    """Which logical columns a read decodes, as physical slots (-1: a column not needed, None)."""
    cdef Py_ssize_t *slots
    cdef Py_ssize_t count

    def __dealloc__(self):
        free(self.slots)


cdef _Want _want(list slots):
    cdef _Want w = _Want.__new__(_Want)
    cdef Py_ssize_t i
    w.count = len(slots)
    w.slots = <Py_ssize_t *>malloc((w.count + 1) * sizeof(Py_ssize_t))
    if w.slots == NULL:
        raise MemoryError()
    for i in range(w.count):
        w.slots[i] = slots[i]
    return w


cdef class Layout:
    """What a read gives back: the logical columns it decodes, in their order (or every column,
    or the table's columns at their positions with only some decoded), and whether the row key
    follows them."""
    cdef RowCodec codec
    cdef _Want want  # None: every slot, in order
    cdef bint keyed


cdef class _KeyedRead:
    """One keyed primary-key read: the layout and the key it appends."""
    cdef Layout layout
    cdef object key


cdef inline tuple _decode_with(Layout lay, const char *data, Py_ssize_t size, object key):
    if lay.want is None:
        return lay.codec.decode_row_ptr(data, size, NULL, 0, key)
    return lay.codec.decode_row_ptr(data, size, lay.want.slots, lay.want.count, key)


cdef object _decode(object ctx, const char *data, Py_ssize_t size):
    return _decode_with(<Layout>ctx, data, size, None)


cdef object _decode_keyed(object ctx, const char *data, Py_ssize_t size):
    cdef _KeyedRead r = <_KeyedRead>ctx
    return _decode_with(r.layout, data, size, r.key)


cdef class KeyedRows:
    """(row key, stored row) pairs as rows: each decoded into one tuple, the row key last; check()
    (if any) runs every CHECK_EVERY rows (it may raise: a cancel, a timeout)."""
    cdef object items
    cdef Layout layout
    cdef object check
    cdef Py_ssize_t count

    def __iter__(self):
        return self

    def __next__(self):
        key, data = next(self.items)
        cdef bytes b = data if type(data) is bytes else bytes(data)
        self.count += 1
        if self.check is not None and self.count % CHECK_EVERY == 0:
            self.check()
        return _decode_with(self.layout, PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b), key)


CHECK_EVERY = 4096  # rows a scan reads between two interrupt checks


cdef class RowReader:
    """Reads logical rows (tuples in column order) of one table. slots[i] is the physical slot
    of logical column i."""
    cdef bytes prefix
    cdef RowCodec codec
    cdef list slots
    cdef Layout whole  # every column, in logical order
    cdef readonly Layout keyed  # every column, in logical order, then the row key

    def __cinit__(self, bytes prefix not None, RowCodec codec not None, list slots not None):
        self.prefix = prefix
        self.codec = codec
        self.slots = slots
        identity = slots == list(range(codec.width))
        self.whole = self._layout(None if identity else list(slots), False)
        self.keyed = self._layout(None if identity else list(slots), True)

    cdef Layout _layout(self, list slots, bint keyed):
        cdef Layout lay = Layout.__new__(Layout)
        lay.codec = self.codec
        lay.want = None if slots is None else _want(slots)
        lay.keyed = keyed
        return lay

    cdef Layout _columns(self, columns):
        if columns is None:
            return self.whole
        return self._layout([self.slots[c] for c in columns], False)

    def layout(self, needed=None):
        """A keyed layout: rows of every logical column at its position, the row key last; with
        needed (logical column numbers) only those are decoded, the others are None."""
        if needed is None:
            return self.keyed
        wanted = set(needed)
        return self._layout([s if i in wanted else -1 for i, s in enumerate(self.slots)], True)

    def decode(self, data, columns=None):
        """A stored row as a logical row (columns: only those logical columns, in that order)."""
        cdef bytes b = data if type(data) is bytes else bytes(data)
        return _decode_with(self._columns(columns), PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b), None)

    def decode_keyed(self, data, key, Layout layout=None):
        """A stored row as a row of layout (default: every column), the row key last."""
        cdef bytes b = data if type(data) is bytes else bytes(data)
        return _decode_with(self.keyed if layout is None else layout, PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b), key)

    def keyed_rows(self, items, Layout layout=None, check=None):
        """(row key, stored row) pairs as rows of layout (default: every column)."""
        cdef KeyedRows rows = KeyedRows.__new__(KeyedRows)
        rows.items = iter(items)
        rows.layout = self.keyed if layout is None else layout
        rows.check = check
        rows.count = 0
        return rows

    def decode_found(self, list keys not None, list found not None, Layout layout=None):
        """The rows of a multi_get: found[i] (stored row or None) decoded with keys[i] last; the
        keys found no row for are left out."""
        cdef Layout lay = self.keyed if layout is None else layout
        cdef list out = []
        cdef Py_ssize_t i
        cdef bytes b
        for i in range(len(keys)):
            data = found[i]
            if data is None:
                continue
            b = data if type(data) is bytes else bytes(data)
            out.append(_decode_with(lay, PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b), keys[i]))
        return out

    def get_row(self, txn, pk_values, columns=None):
        """The row whose primary key is pk_values as txn sees it (its own writes first), or None."""
        return self._get(txn, pk_values, self._columns(columns))

    def get_keyed(self, txn, pk_values, Layout layout=None):
        """get_row() as a row of layout (default: every column), the row key last."""
        return self._get(txn, pk_values, self.keyed if layout is None else layout)

    cdef object _get(self, txn, pk_values, Layout lay):
        cdef Buf key
        cdef Engine engine
        cdef _KeyedRead kr
        buf_init(&key)
        try:
            buf_put(&key, PyBytes_AS_STRING(self.prefix), PyBytes_GET_SIZE(self.prefix))
            put_key(&key, pk_values)
            writes = txn.writes
            reads = txn.reads
            k = None
            if writes or reads is not None or lay.keyed:
                k = PyBytes_FromStringAndSize(key.data, key.len)
                if writes:
                    data = writes.get(k, _NOT_WRITTEN)
                    if data is not _NOT_WRITTEN:
                        if data is None:
                            return None
                        return _decode_with(lay, PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data),
                                            k if lay.keyed else None)
                if reads is not None:
                    reads.keys.add(k)
            engine = txn.store.engine
            if not lay.keyed:
                return engine.get_with(odb_slice_make(key.data, <size_t>key.len), txn.snapshot, _decode, lay)
            kr = _KeyedRead.__new__(_KeyedRead)
            kr.layout = lay
            kr.key = k
            return engine.get_with(odb_slice_make(key.data, <size_t>key.len), txn.snapshot, _decode_keyed, kr)
        finally:
            buf_free(&key)


def encode_keys(bytes prefix not None, list rows not None, list columns not None):
    """prefix + the key of each row's values in columns (positions), in one loop."""
    cdef Buf key
    cdef list out = []
    cdef Py_ssize_t n = len(columns), i
    cdef list vals = [None] * n
    for row in rows:
        for i in range(n):
            vals[i] = row[columns[i]]
        buf_init(&key)
        try:
            buf_put(&key, PyBytes_AS_STRING(prefix), PyBytes_GET_SIZE(prefix))
            put_key(&key, vals)
            out.append(PyBytes_FromStringAndSize(key.data, key.len))
        finally:
            buf_free(&key)
    return out


def encode_rows(RowCodec codec not None, list rows not None):
    """codec.encode() of each row, in one loop."""
    encode = codec.encode
    return [encode(row) for row in rows]


def index_entries(bytes prefix not None, list columns not None, list rows not None, list rowkeys not None,
                  Py_ssize_t cut, bint unique, bint nulls_distinct):
    """The entry keys of rows in an index on columns: prefix + the values' key, then (unless the
    entry is unique: a unique index and no NULL that nulls_distinct sets apart) the row key past
    its first cut bytes. Returns (entry keys, positions of the unique entries)."""
    cdef Buf key
    cdef list keys = []
    cdef list claims = []
    cdef Py_ssize_t n = len(columns), i, r, nrows = len(rows)
    cdef list vals = [None] * n
    cdef bint has_null
    cdef bytes rowkey
    for r in range(nrows):
        row = rows[r]
        has_null = False
        for i in range(n):
            v = row[columns[i]]
            vals[i] = v
            if v is None:
                has_null = True
        buf_init(&key)
        try:
            buf_put(&key, PyBytes_AS_STRING(prefix), PyBytes_GET_SIZE(prefix))
            put_key(&key, vals)
            if unique and not (nulls_distinct and has_null):
                claims.append(r)
            else:
                rowkey = rowkeys[r]
                buf_put(&key, PyBytes_AS_STRING(rowkey) + cut, PyBytes_GET_SIZE(rowkey) - cut)
            keys.append(PyBytes_FromStringAndSize(key.data, key.len))
        finally:
            buf_free(&key)
    return keys, claims
