# The key encoder's C-level entry points, for orbitdb/storage/_access.pyx.
from orbitdb.storage._cbuf cimport Buf


cdef int put_value(Buf *b, object v) except -1
cdef int put_key(Buf *b, object values) except -1
