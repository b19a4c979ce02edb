# The row codec's class, for orbitdb/storage/_access.pyx (reads rows straight from engine buffers).


cdef struct Header:
    Py_ssize_t n  # slots stored
    const unsigned char *bitmap
    const char *offsets
    int w  # bytes per offset
    const char *data
    Py_ssize_t size  # of the data area


cdef class RowCodec:
    cdef readonly Py_ssize_t width
    cdef readonly tuple missing
    cdef readonly tuple kinds
    cdef unsigned char *base  # per slot: the storage kind's code (of the elements, for arrays)
    cdef unsigned char *array  # per slot: 1 when the slot holds arrays of base

    cdef object _slot(self, Header *h, Py_ssize_t i)
    cdef tuple decode_ptr(self, const char *p, Py_ssize_t n)
    cdef tuple decode_slots_ptr(self, const char *p, Py_ssize_t n, const Py_ssize_t *slots, Py_ssize_t count)
    cdef tuple decode_row_ptr(self, const char *p, Py_ssize_t n, const Py_ssize_t *slots, Py_ssize_t count,
                              object key)
