# A growable byte buffer for the codecs (orbitdb/storage/_keyformat.pyx, _rowformat.pyx):
# starts in its own 256 bytes, moves to the heap when it outgrows them. Lives on the C stack
# of one call (never shared, never copied), so a codec call that runs Python code (JSON text,
# Decimal) cannot see another thread's bytes.
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy


cdef struct Buf:
    char *data
    Py_ssize_t len
    Py_ssize_t cap
    bint heap
    char local[256]


cdef inline void buf_init(Buf *b) noexcept:
    b.data = b.local
    b.len = 0
    b.cap = 256
    b.heap = False


cdef inline void buf_free(Buf *b) noexcept:
    if b.heap:
        free(b.data)
    b.data = b.local
    b.len = 0
    b.cap = 256
    b.heap = False


cdef inline int buf_reserve(Buf *b, Py_ssize_t extra) except -1:
    cdef Py_ssize_t need = b.len + extra
    cdef Py_ssize_t cap = b.cap
    cdef char *p
    if need <= cap:
        return 0
    while cap < need:
        cap *= 2
    if b.heap:
        p = <char *>realloc(b.data, <size_t>cap)
    else:
        p = <char *>malloc(<size_t>cap)
        if p != NULL:
            memcpy(p, b.local, <size_t>b.len)
    if p == NULL:
        raise MemoryError()
    b.data = p
    b.cap = cap
    b.heap = True
    return 0


cdef inline int buf_put(Buf *b, const char *p, Py_ssize_t n) except -1:
    if b.len + n > b.cap:
        buf_reserve(b, n)
    memcpy(b.data + b.len, p, <size_t>n)
    b.len += n
    return 0


cdef inline int buf_byte(Buf *b, unsigned char c) except -1:
    if b.len + 1 > b.cap:
        buf_reserve(b, 1)
    b.data[b.len] = <char>c
    b.len += 1
    return 0
