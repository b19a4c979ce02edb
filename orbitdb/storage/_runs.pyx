# cython: language_level=3, boundscheck=False, wraparound=False
"""Frozen runs of a transaction's write set (orbitdb/storage/writeset.py): the sorted entries of
one key prefix, kept compact. Keys stay bytes objects in a list (bisection finds them); each
entry's kind and value end offset, and the values end to end, live in C arrays. Runs are built,
extended, merged and read back in C loops, so a bulk load pays a few machine words per write to
keep it, not a Python object and an interpreter loop."""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from libc.stdint cimport uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcmp, memcpy

VALUE = 0
DELETED = 1
UNWRITTEN = 2  # a write taken back by a rollback to a savepoint, shadowing older runs

cdef enum:
    K_VALUE = 0
    K_DELETED = 1
    K_UNWRITTEN = 2


cdef inline int _cmp(object a, object b) noexcept:
    """memcmp order of two bytes objects."""
    cdef Py_ssize_t na = PyBytes_GET_SIZE(a), nb = PyBytes_GET_SIZE(b)
    cdef int c = memcmp(PyBytes_AS_STRING(a), PyBytes_AS_STRING(b), <size_t>(na if na < nb else nb))
    if c != 0:
        return c
    return (na > nb) - (na < nb)


cdef Py_ssize_t _bisect_left(list keys, object key) noexcept:
    cdef Py_ssize_t lo = 0, hi = PyList_GET_SIZE(keys), mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if _cmp(<object>PyList_GET_ITEM(keys, mid), key) < 0:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef class Run:
    """Sorted entries of one key prefix: keys, kinds, and values end to end."""
    cdef readonly list keys
    cdef unsigned char *kinds
    cdef uint64_t *ends
    cdef char *data
    cdef Py_ssize_t cap
    cdef uint64_t size
    cdef uint64_t data_cap

    def __cinit__(self):
        self.keys = []
        self.kinds = NULL
        self.ends = NULL
        self.data = NULL
        self.cap = 0
        self.size = 0
        self.data_cap = 0

    def __dealloc__(self):
        free(self.kinds)
        free(self.ends)
        free(self.data)

    def __len__(self):
        return PyList_GET_SIZE(self.keys)

    @property
    def value_bytes(self):
        return self.size

    cdef int _reserve(self, Py_ssize_t entries, uint64_t nbytes) except -1:
        cdef Py_ssize_t n = PyList_GET_SIZE(self.keys)
        cdef Py_ssize_t cap = self.cap
        cdef uint64_t dcap = self.data_cap
        cdef void *p
        if n + entries > cap:
            cap = max(16, cap * 2, n + entries)
            p = realloc(self.kinds, <size_t>cap)
            if p == NULL:
                raise MemoryError()
            self.kinds = <unsigned char *>p
            p = realloc(self.ends, <size_t>cap * sizeof(uint64_t))
            if p == NULL:
                raise MemoryError()
            self.ends = <uint64_t *>p
            self.cap = cap
        if self.size + nbytes > dcap:
            dcap = max(<uint64_t>256, dcap * 2, self.size + nbytes)
            p = realloc(self.data, <size_t>dcap)
            if p == NULL:
                raise MemoryError()
            self.data = <char *>p
            self.data_cap = dcap
        return 0

    cdef inline void _put(self, object key, int kind, const char *p, Py_ssize_t n):
        """Appends an entry (room reserved)."""
        cdef Py_ssize_t i = PyList_GET_SIZE(self.keys)
        self.keys.append(key)
        self.kinds[i] = <unsigned char>kind
        if n:
            memcpy(self.data + self.size, p, <size_t>n)
            self.size += <uint64_t>n
        self.ends[i] = self.size

    cdef int _append(self, object key, int kind, object value) except -1:
        cdef Py_ssize_t n = PyBytes_GET_SIZE(value) if kind == K_VALUE else 0
        self._reserve(1, <uint64_t>n)
        self._put(key, kind, PyBytes_AS_STRING(value) if kind == K_VALUE else NULL, n)
        return 0

    def append(self, bytes key not None, int kind, value):
        """Adds an entry after the others (its key greater than theirs)."""
        if kind == K_VALUE and type(value) is not bytes:
            value = bytes(value)
        self._append(key, kind, value)

    cdef tuple _entry(self, Py_ssize_t i):
        cdef int kind = self.kinds[i]
        cdef uint64_t start
        if kind != K_VALUE:
            return (kind, None)
        start = self.ends[i - 1] if i else 0
        return (kind, PyBytes_FromStringAndSize(self.data + start, <Py_ssize_t>(self.ends[i] - start)))

    def entry(self, Py_ssize_t i):
        """(kind, value or None) of entry i."""
        if i < 0 or i >= PyList_GET_SIZE(self.keys):
            raise IndexError(i)
        return self._entry(i)

    def find(self, bytes key not None):
        """The index of key, or -1."""
        cdef Py_ssize_t i = _bisect_left(self.keys, key)
        if i < PyList_GET_SIZE(self.keys) and _cmp(<object>PyList_GET_ITEM(self.keys, i), key) == 0:
            return i
        return -1

    def bisect(self, bytes key not None):
        """The index of the first key not less than key."""
        return _bisect_left(self.keys, key)

    def extend(self, Run more not None):
        """Adds more's entries after these (its keys all greater)."""
        cdef Py_ssize_t n = PyList_GET_SIZE(self.keys), m = PyList_GET_SIZE(more.keys), i
        self._reserve(m, more.size)
        if more.size:
            memcpy(self.data + self.size, more.data, <size_t>more.size)
        for i in range(m):
            self.kinds[n + i] = more.kinds[i]
            self.ends[n + i] = more.ends[i] + self.size
        self.size += more.size
        self.keys.extend(more.keys)

    def entries(self, bytes start not None, stop, bint reverse, int rank):
        """(key, rank, kind, value) of the entries with start <= key < stop (stop None: to the
        end), in key order or reversed."""
        cdef Py_ssize_t lo = _bisect_left(self.keys, start)
        cdef Py_ssize_t hi = PyList_GET_SIZE(self.keys) if stop is None else _bisect_left(self.keys, stop)
        cdef Py_ssize_t i
        cdef tuple e
        if reverse:
            i = hi - 1
            while i >= lo:
                e = self._entry(i)
                yield (self.keys[i], rank, e[0], e[1])
                i -= 1
        else:
            for i in range(lo, hi):
                e = self._entry(i)
                yield (self.keys[i], rank, e[0], e[1])


def build(list keys not None, list values not None, object unwritten):
    """A run of sorted distinct keys and their values (bytes; None for a deletion; unwritten for a
    write taken back)."""
    cdef Run run = Run()
    cdef Py_ssize_t n = PyList_GET_SIZE(keys), i
    cdef uint64_t total = 0
    cdef object v
    for i in range(n):
        v = <object>PyList_GET_ITEM(values, i)
        if type(v) is bytes:
            total += <uint64_t>PyBytes_GET_SIZE(v)
    run._reserve(n, total)
    for i in range(n):
        v = <object>PyList_GET_ITEM(values, i)
        if type(v) is bytes:
            run._put(<object>PyList_GET_ITEM(keys, i), K_VALUE, PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v))
        elif v is None:
            run._put(<object>PyList_GET_ITEM(keys, i), K_DELETED, NULL, 0)
        elif v is unwritten:
            run._put(<object>PyList_GET_ITEM(keys, i), K_UNWRITTEN, NULL, 0)
        else:
            raise TypeError(f"a write set value must be bytes or None, not {type(v).__name__}")
    return run


cdef inline void _copy(Run out, Run src, Py_ssize_t i):
    cdef uint64_t start = src.ends[i - 1] if i else 0
    out._put(<object>PyList_GET_ITEM(src.keys, i), src.kinds[i], src.data + start, <Py_ssize_t>(src.ends[i] - start))


def merged(Run older not None, Run newer not None, bint keep_unwritten):
    """One run of both, the newer entry of a key winning; UNWRITTEN entries are dropped when no
    older run is left for them to shadow (keep_unwritten False)."""
    cdef Run out = Run()
    cdef Py_ssize_t i = 0, j = 0, n = PyList_GET_SIZE(older.keys), m = PyList_GET_SIZE(newer.keys)
    cdef int c
    out._reserve(n + m, older.size + newer.size)
    while i < n or j < m:
        if j >= m:
            c = -1
        elif i >= n:
            c = 1
        else:
            c = _cmp(<object>PyList_GET_ITEM(older.keys, i), <object>PyList_GET_ITEM(newer.keys, j))
        if c < 0:
            if keep_unwritten or older.kinds[i] != K_UNWRITTEN:
                _copy(out, older, i)
            i += 1
        else:
            if c == 0:
                i += 1  # shadowed
            if keep_unwritten or newer.kinds[j] != K_UNWRITTEN:
                _copy(out, newer, j)
            j += 1
    return out


def merged_items(list runs not None, Py_ssize_t chunk):
    """Every key of runs (newest run first) once, in key order, with its newest write: lists of
    up to chunk (key, value or None) pairs; a key whose newest entry is UNWRITTEN is left out."""
    cdef Py_ssize_t k = PyList_GET_SIZE(runs), r, best
    cdef Py_ssize_t *pos = <Py_ssize_t *>malloc((k + 1) * sizeof(Py_ssize_t))
    cdef Run run
    cdef object key, best_key
    cdef list out = []
    cdef tuple e
    if pos == NULL:
        raise MemoryError()
    try:
        for r in range(k):
            pos[r] = 0
        while True:
            best = -1
            best_key = None
            for r in range(k):
                run = <Run>PyList_GET_ITEM(runs, r)
                if pos[r] < PyList_GET_SIZE(run.keys):
                    key = <object>PyList_GET_ITEM(run.keys, pos[r])
                    if best < 0 or _cmp(key, best_key) < 0:
                        best, best_key = r, key
            if best < 0:
                break
            run = <Run>PyList_GET_ITEM(runs, best)
            e = run._entry(pos[best])
            for r in range(best, k):  # the same key in older runs is shadowed
                run = <Run>PyList_GET_ITEM(runs, r)
                if pos[r] < PyList_GET_SIZE(run.keys) and _cmp(<object>PyList_GET_ITEM(run.keys, pos[r]), best_key) == 0:
                    pos[r] += 1
            if e[0] != K_UNWRITTEN:
                out.append((best_key, e[1]))
                if PyList_GET_SIZE(out) >= chunk:
                    yield out
                    out = []
        if out:
            yield out
    finally:
        free(pos)


def lookup(dict runs_by_prefix not None, list keys not None, list out not None, object missing,
           Py_ssize_t prefix_len):
    """For each keys[i] with out[i] missing: its newest write in the runs of its prefix (value
    bytes, or None for a deletion) goes to out[i]; a key not there, or taken back, stays missing."""
    cdef Py_ssize_t i, j, r, n = len(keys)
    cdef list runs
    cdef Run run
    cdef object key, prefix
    cdef int kind
    for i in range(n):
        if <object>PyList_GET_ITEM(out, i) is not missing:
            continue
        key = <object>PyList_GET_ITEM(keys, i)
        prefix = PyBytes_FromStringAndSize(PyBytes_AS_STRING(key), min(prefix_len, PyBytes_GET_SIZE(key)))
        runs = runs_by_prefix.get(prefix)
        if runs is None:
            continue
        for r in range(PyList_GET_SIZE(runs) - 1, -1, -1):
            run = <Run>PyList_GET_ITEM(runs, r)
            j = _bisect_left(run.keys, key)
            if j < PyList_GET_SIZE(run.keys) and _cmp(<object>PyList_GET_ITEM(run.keys, j), key) == 0:
                kind = run.kinds[j]
                if kind != K_UNWRITTEN:
                    out[i] = run._entry(j)[1]
                break
