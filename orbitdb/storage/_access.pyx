# cython: language_level=3, boundscheck=False, wraparound=False
"""Primary-key reads of one table in one call: the key is encoded into a C buffer, the engine
looks it up, and the row is decoded from the engine's buffer; no key or value bytes object is
made unless the transaction's own writes or its read set need the key."""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from libc.stdlib cimport free, malloc

from orbitdb._engine cimport Engine, Snapshot, odb_slice, odb_slice_make
from orbitdb.storage._cbuf cimport Buf, buf_free, buf_init, buf_put
from orbitdb.storage._keyformat cimport put_key
from orbitdb.storage._rowformat cimport RowCodec


_NOT_WRITTEN = object()  # writes.get()'s answer for a key the transaction did not write

cdef class _Want:
    """Which logical columns a read decodes, as physical slots."""
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


cdef class _Read:
    cdef RowCodec codec
    cdef _Want want


cdef object _decode(object ctx, const char *data, Py_ssize_t size):
    cdef _Read r = <_Read>ctx
    if r.want is None:
        return r.codec.decode_ptr(data, size)
    return r.codec.decode_slots_ptr(data, size, r.want.slots, r.want.count)


cdef class RowReader:
    """Reads logical rows (tuples in column order) of one table by primary key. slots[i] is the
    physical slot of logical column i."""
    cdef bytes prefix
    cdef RowCodec codec
    cdef list slots
    cdef _Read whole  # every column, in logical order

    def __cinit__(self, bytes prefix not None, RowCodec codec not None, list slots not None):
        self.prefix = prefix
        self.codec = codec
        self.slots = slots
        self.whole = _Read.__new__(_Read)
        self.whole.codec = codec
        identity = slots == list(range(codec.width))
        self.whole.want = None if identity else _want(slots)

    cdef _Read _reader(self, columns):
        if columns is None:
            return self.whole
        cdef _Read r = _Read.__new__(_Read)
        r.codec = self.codec
        r.want = _want([self.slots[c] for c in columns])
        return r

    def decode(self, data, columns=None):
        """A stored row as a logical row (columns: only those logical columns, in that order)."""
        cdef bytes b = data if type(data) is bytes else bytes(data)
        return _decode(self._reader(columns), PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))

    def get_row(self, txn, pk_values, columns=None):
        """The row whose primary key is pk_values as txn sees it (its own writes first), or None."""
        cdef Buf key
        cdef Engine engine
        cdef _Read r = self._reader(columns)
        buf_init(&key)
        try:
            buf_put(&key, PyBytes_AS_STRING(self.prefix), PyBytes_GET_SIZE(self.prefix))
            put_key(&key, pk_values)
            writes = txn.writes
            reads = txn.reads
            if writes or reads is not None:
                k = PyBytes_FromStringAndSize(key.data, key.len)
                if writes:
                    data = writes.get(k, _NOT_WRITTEN)
                    if data is not _NOT_WRITTEN:
                        return None if data is None else _decode(r, PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))
                if reads is not None:
                    reads.keys.add(k)
            engine = txn.store.engine
            return engine.get_with(odb_slice_make(key.data, <size_t>key.len), txn.snapshot, _decode, r)
        finally:
            buf_free(&key)
