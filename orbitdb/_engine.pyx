# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Thin binding of the C LSM engine (csrc/). Every call that may block runs
without the GIL; engine errors become EngineError / CorruptionError."""

import os
import time
import weakref

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from libc.stdint cimport int64_t, uint64_t
from libc.stdlib cimport free, malloc

from orbitdb._engine cimport *


class EngineError(Exception):
    """An engine operation failed; `code` is the engine's status code (csrc/status.h).
    Each code has its own subclass (see _ERRORS)."""

    code = None  # raised by the binding itself, not from a status code

    def __init__(self, message="", code=None):
        super().__init__(message)
        if code is not None:
            self.code = code


class CorruptionError(EngineError):
    """Stored data failed a checksum or format check; the message names the file."""

    code = ODB_CORRUPTION


class EngineIOError(EngineError):
    """A system call failed (the message names the file and errno's text)."""

    code = ODB_IO_ERROR


class InvalidArgumentError(EngineError, ValueError):
    """The engine rejects an argument or option (a ValueError too, as knob checks raise)."""

    code = ODB_INVALID_ARGUMENT


class EngineBusyError(EngineError):
    """The database directory is locked by another opener."""

    code = ODB_BUSY


class EngineMemoryError(EngineError, MemoryError):
    code = ODB_NO_MEMORY


class EngineClosedError(EngineError):
    """The engine, or an iterator of it, was used after (or during) close()."""

    code = ODB_CLOSED


# Engine status code -> exception class: the one place the binding decides what an error is.
_ERRORS = {
    ODB_CORRUPTION: CorruptionError,
    ODB_IO_ERROR: EngineIOError,
    ODB_INVALID_ARGUMENT: InvalidArgumentError,
    ODB_BUSY: EngineBusyError,
    ODB_NO_MEMORY: EngineMemoryError,
    ODB_CLOSED: EngineClosedError,
}


cdef object _error(odb_error *err):
    cls = _ERRORS.get(err.code, EngineError)
    return cls(err.msg.decode("utf-8", "replace"), err.code)


# Knob name -> (kind, default). Names and meaning are RocksDB's.
KNOBS = {
    "enable_wal": (bool, True),
    "write_buffer_size": (int, 64 << 20),
    "max_write_buffer_number": (int, 2),
    "min_write_buffer_number_to_merge": (int, 1),
    "level0_file_num_compaction_trigger": (int, 4),
    "level0_slowdown_writes_trigger": (int, 20),
    "level0_stop_writes_trigger": (int, 36),
    "target_file_size_base": (int, 64 << 20),
    "max_bytes_for_level_base": (int, 256 << 20),
    "max_background_jobs": (int, 2),
    "block_cache_size": (int, 32 << 20),
    "cache_index_and_filter_blocks": (bool, False),
    "pin_l0_filter_and_index_blocks": (bool, False),
    "bloom_filter_bits_per_key": (int, 10),
    "compression_type": (str, "lz4"),
    "enable_pipelined_write": (bool, False),
    "allow_concurrent_memtable_write": (bool, True),
    "enable_statistics": (bool, False),
    "block_size": (int, 4096),
    "block_restart_interval": (int, 16),
    # not a RocksDB knob: the seconds of history kept for time travel (csrc/retention.h); 0: off
    "history_retention_seconds": (int, 0),
    "max_open_files": (int, -1),
    # not a RocksDB knob: keep retired WAL files there for point-in-time recovery (csrc/walarchive.h)
    "wal_archive_dir": (str, ""),
    # tables older than this are compacted (old deletion markers dropped); 0: off
    "periodic_compaction_seconds": (int, 0),
}
# Knobs where -1 means "unbounded" (RocksDB's convention); every other int knob must be >= 0.
_MINUS_ONE_UNBOUNDED = frozenset({"max_open_files"})
# The engine keeps 10 of max_open_files for its WAL, manifest and lock (as RocksDB reserves them).
_MIN_OPEN_FILES = 20

MAX_HISTORY_RETENTION_SECONDS = 100 * 365 * 86400
MAX_PERIODIC_COMPACTION_SECONDS = 100 * 365 * 86400

_COMPRESSION = {"lz4": ODB_COMPRESSION_LZ4, "none": ODB_COMPRESSION_NONE, "no": ODB_COMPRESSION_NONE}


def check_knobs(dict knobs):
    """Returns the full knob dict (defaults filled in) or raises TypeError/ValueError."""
    result = {name: default for name, (_, default) in KNOBS.items()}
    for name, value in knobs.items():
        if name not in KNOBS:
            raise TypeError(f"unknown engine option {name!r} (known: {', '.join(sorted(KNOBS))})")
        kind = KNOBS[name][0]
        if kind is bool:
            if not isinstance(value, bool):
                raise TypeError(f"engine option {name} must be true or false, not {value!r}")
        elif kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"engine option {name} must be an integer, not {value!r}")
            if value < 0 and not (value == -1 and name in _MINUS_ONE_UNBOUNDED):
                raise ValueError(f"engine option {name} must not be negative (got {value})")
            if value > (1 << 62):
                raise ValueError(f"engine option {name} is too large (got {value})")
            if name == "history_retention_seconds" and value > MAX_HISTORY_RETENTION_SECONDS:
                raise ValueError(f"engine option {name} must be at most {MAX_HISTORY_RETENTION_SECONDS} "
                                 f"(100 years), not {value}")
            if name == "periodic_compaction_seconds" and value > MAX_PERIODIC_COMPACTION_SECONDS:
                raise ValueError(f"engine option {name} must be at most {MAX_PERIODIC_COMPACTION_SECONDS} "
                                 f"(100 years), not {value}")
            if name == "max_open_files" and -1 < value < _MIN_OPEN_FILES:
                raise ValueError(f"max_open_files must be -1 (unbounded) or at least {_MIN_OPEN_FILES} (got {value})")
        else:
            if not isinstance(value, str):
                raise TypeError(f"engine option {name} must be a string, not {value!r}")
            if name == "wal_archive_dir":
                if "\0" in value:
                    raise ValueError("wal_archive_dir must not contain a NUL character")
            elif value.lower() not in _COMPRESSION:
                raise ValueError(f"compression_type {value!r} is not supported (use 'lz4' or 'none')")
        result[name] = value
    return result


cdef class _Key:
    """A borrowed view of a bytes-like argument, held for the length of a call."""
    cdef Py_buffer view
    cdef bint has_view
    cdef odb_slice s

    def __dealloc__(self):
        if self.has_view:
            PyBuffer_Release(&self.view)


cdef inline int _view(object obj, _Key holder, str what) except -1:
    if type(obj) is bytes:
        holder.s.data = PyBytes_AS_STRING(obj)
        holder.s.size = <size_t>PyBytes_GET_SIZE(obj)
        return 0
    if isinstance(obj, (bytearray, memoryview)):
        PyObject_GetBuffer(obj, &holder.view, PyBUF_SIMPLE)
        holder.has_view = True
        holder.s.data = <const char *>holder.view.buf
        holder.s.size = <size_t>holder.view.len
        return 0
    raise TypeError(f"{what} must be bytes, bytearray or memoryview, not {type(obj).__name__}")


cdef inline odb_slice _bytes_slice(bytes b):
    return odb_slice_make(PyBytes_AS_STRING(b), <size_t>PyBytes_GET_SIZE(b))


cdef bytes _as_bytes(object obj, str what):
    if type(obj) is bytes:
        return <bytes>obj
    if isinstance(obj, (bytearray, memoryview)):
        return bytes(obj)
    raise TypeError(f"{what} must be bytes, bytearray or memoryview, not {type(obj).__name__}")


cdef class WriteBatch:
    """Puts and deletes applied atomically by Engine.write."""

    def __cinit__(self):
        if odb_batch_init(&self.batch) != ODB_OK:
            raise MemoryError()
        self.ready = True

    def __dealloc__(self):
        if self.ready:
            odb_batch_destroy(&self.batch)

    def put(self, key, value):
        cdef _Key k = _Key.__new__(_Key)
        cdef _Key v = _Key.__new__(_Key)
        _view(key, k, "key")
        _view(value, v, "value")
        if odb_batch_put(&self.batch, k.s, v.s) != ODB_OK:
            raise MemoryError()

    def delete(self, key):
        cdef _Key k = _Key.__new__(_Key)
        _view(key, k, "key")
        if odb_batch_delete(&self.batch, k.s) != ODB_OK:
            raise MemoryError()

    def delete_range(self, start, stop, all_snapshots=False):
        """Deletes every key in [start, stop) written before this record (RocksDB's DeleteRange):
        one record, whatever the number of keys; a snapshot taken before the batch still sees
        them, unless all_snapshots (PostgreSQL's TRUNCATE, not MVCC-safe: once the batch is
        visible, older snapshots see the keys gone too). start == stop deletes nothing; start >
        stop is an InvalidArgumentError."""
        cdef _Key s = _Key.__new__(_Key)
        cdef _Key e = _Key.__new__(_Key)
        _view(start, s, "start")
        _view(stop, e, "stop")
        cdef int order = _compare(s.s, e.s)
        if order > 0:
            raise InvalidArgumentError("delete_range: start is after stop")
        if order == 0:
            return
        if all_snapshots:
            order = odb_batch_delete_range_all_snapshots(&self.batch, s.s, e.s)
        else:
            order = odb_batch_delete_range(&self.batch, s.s, e.s)
        if order != ODB_OK:
            raise MemoryError()

    def put_items(self, list items not None):
        """put() of each (key, value) pair of items, in order (value None: delete())."""
        cdef Py_ssize_t i
        cdef int rc
        for i in range(len(items)):
            key, value = items[i]
            if type(key) is not bytes or (value is not None and type(value) is not bytes):
                if value is None:
                    self.delete(key)
                else:
                    self.put(key, value)
                continue
            if value is None:
                rc = odb_batch_delete(&self.batch, _bytes_slice(key))
            else:
                rc = odb_batch_put(&self.batch, _bytes_slice(key), _bytes_slice(value))
            if rc != ODB_OK:
                raise MemoryError()

    def clear(self):
        odb_batch_clear(&self.batch)

    def __len__(self):
        return odb_batch_count(&self.batch)


cdef class Ingest:
    """An ingestion begun by Engine.ingest(): add() entries in strictly increasing key
    order (value None: a deletion), then finish() (all become visible at once, durably) or
    abort()."""
    cdef odb_ingest *ig
    cdef Engine engine

    def add(self, key, value):
        cdef _Key k = _Key.__new__(_Key)
        cdef _Key v
        cdef odb_error err
        cdef odb_slice vs = odb_slice_make(NULL, 0)
        cdef int rc
        if self.ig == NULL:
            raise EngineError("ingestion is finished")
        _view(key, k, "key")
        if value is not None:
            v = _Key.__new__(_Key)
            _view(value, v, "value")
            vs = v.s
        rc = odb_ingest_add(self.ig, k.s, vs, 1 if value is None else 0, &err)
        if rc != ODB_OK:
            raise _error(&err)

    def add_items(self, list items not None):
        """add() of each (key, value) pair of items, in order."""
        cdef Py_ssize_t i
        cdef odb_error err
        cdef int rc
        for i in range(len(items)):
            key, value = items[i]
            if self.ig == NULL or type(key) is not bytes or (value is not None and type(value) is not bytes):
                self.add(key, value)
                continue
            rc = odb_ingest_add(self.ig, _bytes_slice(key),
                                odb_slice_make(NULL, 0) if value is None else _bytes_slice(value),
                                1 if value is None else 0, &err)
            if rc != ODB_OK:
                raise _error(&err)

    def finish(self):
        cdef odb_error err
        cdef odb_ingest *ig = self.ig
        cdef int rc
        if ig == NULL:
            raise EngineError("ingestion is finished")
        self.ig = NULL
        try:
            with nogil:
                rc = odb_ingest_finish(ig, &err)
        finally:
            self.engine._ingest_ended()
        if rc != ODB_OK:
            raise _error(&err)

    def abort(self):
        cdef odb_ingest *ig = self.ig
        if ig == NULL:
            return
        self.ig = NULL
        with nogil:
            odb_ingest_abort(ig)
        self.engine._ingest_ended()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.finish()
        else:
            self.abort()

    def __dealloc__(self):
        if self.ig != NULL:
            odb_ingest_abort(self.ig)
            self.ig = NULL
            if self.engine is not None:
                self.engine._ingest_ended()


cdef class Snapshot:
    """A consistent read view; released by release(), by del, or when the engine closes."""

    def release(self):
        if self.snap != NULL:
            self.engine._release_snapshot(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    @property
    def sequence(self):
        """The sequence number of the state it reads (None once released)."""
        return odb_snapshot_sequence(self.snap) if self.snap != NULL else None

    def __dealloc__(self):
        if self.snap != NULL and self.engine is not None and self.engine.db != NULL:
            odb_snapshot_release(self.engine.db, self.snap)
            self.snap = NULL


cdef class _ItemIterator:
    """Iterates (key, value) pairs of a key range, forward or in reverse. Entries are
    fetched in batches (one GIL release per batch, not per entry)."""
    cdef odb_iter *it
    cdef Engine engine
    cdef bytes start
    cdef bytes stop
    cdef bint reverse
    cdef bint started
    cdef bint finished
    cdef bint exhausted
    cdef bint filling  # a _fill runs (without the GIL) in some thread
    cdef bint ended_by_close
    cdef list pending
    cdef Py_ssize_t pos
    cdef int batch
    cdef odb_buf buf
    cdef object __weakref__

    def __cinit__(self):
        odb_buf_init(&self.buf)
        self.pending = []
        self.batch = 4

    def __iter__(self):
        return self

    cdef void _destroy(self):
        self.finished = True
        if self.filling:
            return  # the running _fill destroys it when it returns
        if self.it != NULL:
            odb_iter_destroy(self.it)
            self.it = NULL

    cdef void _end_by_close(self):
        self.ended_by_close = True
        self.pending = []
        self._destroy()

    def close(self):
        self._destroy()
        self.pending = []

    def __dealloc__(self):
        if self.it != NULL:
            odb_iter_destroy(self.it)
            self.it = NULL
        odb_buf_free(&self.buf)

    def __next__(self):
        if self.ended_by_close:
            # a scan cut short must not look like a scan that ended
            raise EngineClosedError(f"engine {self.engine.path} was closed during the scan")
        if self.pos < len(self.pending):
            item = self.pending[self.pos]
            self.pos += 1
            return item
        if self.exhausted or self.finished or self.it == NULL:
            self._destroy()
            raise StopIteration
        self._fill()
        if self.ended_by_close:
            raise EngineClosedError(f"engine {self.engine.path} was closed during the scan")
        if self.pos < len(self.pending):
            item = self.pending[self.pos]
            self.pos += 1
            return item
        self._destroy()
        raise StopIteration

    cdef _fill(self):
        cdef odb_error err
        cdef odb_slice k, v
        cdef odb_slice start_s = odb_slice_make(NULL, 0)
        cdef odb_slice stop_s = odb_slice_make(NULL, 0)
        cdef bint has_start = self.start is not None
        cdef bint has_stop = self.stop is not None
        cdef int n = 0, want = self.batch, ended = 0, oom = 0
        cdef size_t off
        cdef uint32_t klen, vlen
        cdef const char *p
        # what the loop without the GIL uses is copied first: another thread may change self
        cdef odb_iter *it = self.it
        cdef odb_buf *buf = &self.buf
        cdef bint reverse = self.reverse
        cdef bint started = self.started
        if has_start:
            start_s = _bytes_slice(self.start)
        if has_stop:
            stop_s = _bytes_slice(self.stop)
        if self.filling:
            raise EngineError("the iterator is in use in another thread")
        self.engine._enter()
        self.filling = True
        try:
            buf.len = 0
            with nogil:
                while n < want:
                    if not started:
                        started = True
                        if not reverse:
                            if has_start:
                                odb_iter_seek(it, start_s)
                            else:
                                odb_iter_seek_first(it)
                        elif has_stop:
                            odb_iter_seek(it, stop_s)
                            if odb_iter_valid(it):
                                odb_iter_prev(it)
                            else:
                                odb_iter_seek_last(it)
                        else:
                            odb_iter_seek_last(it)
                    elif reverse:
                        odb_iter_prev(it)
                    else:
                        odb_iter_next(it)
                    if not odb_iter_valid(it):
                        ended = 1
                        break
                    k = odb_iter_key(it)
                    if (not reverse and has_stop and _compare(k, stop_s) >= 0) or (
                            reverse and has_start and _compare(k, start_s) < 0):
                        ended = 2
                        break
                    v = odb_iter_value(it)
                    if (odb_buf_put_fixed32(buf, <uint32_t>k.size) != ODB_OK or
                            odb_buf_append(buf, k.data, k.size) != ODB_OK or
                            odb_buf_put_fixed32(buf, <uint32_t>v.size) != ODB_OK or
                            odb_buf_append(buf, v.data, v.size) != ODB_OK):
                        oom = 1
                        break
                    n += 1
            self.started = started
            self.filling = False
            if oom:
                raise MemoryError()
            if ended == 1:
                odb_error_clear(&err)
                if odb_iter_status(it, &err) != ODB_OK:
                    self._destroy()
                    raise _error(&err)
            if ended:
                self.exhausted = True
            out = []
            off = 0
            p = self.buf.data
            for _ in range(n):
                klen = odb_decode_fixed32(p + off)
                key = PyBytes_FromStringAndSize(p + off + 4, <Py_ssize_t>klen)
                off += 4 + klen
                vlen = odb_decode_fixed32(p + off)
                val = PyBytes_FromStringAndSize(p + off + 4, <Py_ssize_t>vlen)
                off += 4 + vlen
                out.append((key, val))
            self.pending = out
            self.pos = 0
            if self.batch < 256:
                self.batch *= 2
        finally:
            self.filling = False
            if self.finished:
                self._destroy()  # a close() of the iterator while it filled
            self.engine._leave()


cdef extern from "string.h" nogil:
    int memcmp(const void *a, const void *b, size_t n)


cdef inline int _compare(odb_slice a, odb_slice b) noexcept nogil:
    cdef size_t n = a.size if a.size < b.size else b.size
    cdef int r = memcmp(a.data, b.data, n) if n else 0
    if r == 0:
        if a.size < b.size:
            return -1
        if a.size > b.size:
            return 1
    return r


cdef class Engine:
    """An open orbitdb LSM database directory (see README, "Engine API")."""

    def __init__(self, path, create_if_missing=True, error_if_exists=False, **knobs):
        cdef odb_options opt
        cdef odb_error err
        cdef odb_db *db = NULL
        cdef int rc
        if not isinstance(path, (str, bytes, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, not {type(path).__name__}")
        if not isinstance(create_if_missing, bool) or not isinstance(error_if_exists, bool):
            raise TypeError("create_if_missing and error_if_exists must be true or false")
        full = check_knobs(knobs)
        self.options = full
        odb_options_init(&opt)
        opt.create_if_missing = create_if_missing
        opt.error_if_exists = error_if_exists
        opt.enable_wal = full["enable_wal"]
        opt.write_buffer_size = full["write_buffer_size"]
        opt.max_write_buffer_number = min(full["max_write_buffer_number"], 1 << 30)
        opt.min_write_buffer_number_to_merge = min(full["min_write_buffer_number_to_merge"], 1 << 30)
        opt.level0_file_num_compaction_trigger = min(full["level0_file_num_compaction_trigger"], 1 << 30)
        opt.level0_slowdown_writes_trigger = max(min(full["level0_slowdown_writes_trigger"], 1 << 30),
                                                 opt.level0_file_num_compaction_trigger)
        opt.level0_stop_writes_trigger = max(min(full["level0_stop_writes_trigger"], 1 << 30),
                                             opt.level0_slowdown_writes_trigger)
        opt.target_file_size_base = full["target_file_size_base"]
        opt.max_bytes_for_level_base = full["max_bytes_for_level_base"]
        opt.max_background_jobs = min(full["max_background_jobs"], 1 << 30)
        opt.block_cache_size = full["block_cache_size"]
        opt.cache_index_and_filter_blocks = full["cache_index_and_filter_blocks"]
        opt.pin_l0_filter_and_index_blocks = full["pin_l0_filter_and_index_blocks"]
        opt.bloom_filter_bits_per_key = min(full["bloom_filter_bits_per_key"], 1 << 30)
        opt.compression = _COMPRESSION[full["compression_type"].lower()]
        opt.enable_pipelined_write = full["enable_pipelined_write"]
        opt.allow_concurrent_memtable_write = full["allow_concurrent_memtable_write"]
        opt.enable_statistics = full["enable_statistics"]
        opt.block_size = full["block_size"]
        opt.block_restart_interval = min(full["block_restart_interval"], 1 << 30)
        opt.history_retention_seconds = full["history_retention_seconds"]
        opt.max_open_files = min(full["max_open_files"], 1 << 30)
        cdef bytes archive_dir = os.fsencode(full["wal_archive_dir"])  # alive through odb_open
        opt.wal_archive_dir = <const char *>archive_dir if archive_dir else NULL
        opt.periodic_compaction_seconds = full["periodic_compaction_seconds"]
        if opt.pin_l0_filter_and_index_blocks and not opt.cache_index_and_filter_blocks:
            # RocksDB ignores the pin without caching; we honour the intent by caching too.
            opt.cache_index_and_filter_blocks = 1
        self.path = os.fsdecode(os.fspath(path))
        cdef bytes bpath = os.fsencode(self.path)
        cdef const char *cpath = bpath
        odb_error_clear(&err)
        with nogil:
            rc = odb_open(cpath, &opt, &db, &err)
        if rc != ODB_OK:
            raise _error(&err)
        self.db = db
        self.iterators = weakref.WeakSet()
        self.snapshots = weakref.WeakSet()

    cdef int _enter(self) except -1:
        # Every call that uses db counts itself in `active`; close() waits for the count to fall
        # to zero before it frees db, so a call that got in may copy db and release the GIL.
        if self.db == NULL or self.closing:
            raise EngineClosedError(f"engine {self.path} is closed")
        self.active += 1
        return 0

    cdef void _leave(self):
        self.active -= 1

    cdef int _enter_with(self, Snapshot snapshot) except -1:
        # the snapshot too counts the calls that read through it without the GIL: a release() in
        # another thread meanwhile is left to the last of them (see _release_snapshot)
        self._enter()
        if snapshot is not None:
            snapshot.users += 1
        return 0

    cdef void _leave_with(self, Snapshot snapshot):
        if snapshot is not None:
            snapshot.users -= 1
            if snapshot.users == 0 and snapshot.release_pending:
                snapshot.release_pending = False
                self._release_snapshot(snapshot)
        self._leave()

    def put(self, key, value, sync=False):
        cdef WriteBatch b = WriteBatch()
        b.put(key, value)
        self._write(b, sync)

    def delete(self, key, sync=False):
        cdef WriteBatch b = WriteBatch()
        b.delete(key)
        self._write(b, sync)

    def write(self, WriteBatch batch not None, sync=False):
        self._write(batch, sync)

    def delete_range(self, start, stop, sync=False, all_snapshots=False):
        """WriteBatch.delete_range() written on its own."""
        cdef WriteBatch b = WriteBatch()
        b.delete_range(start, stop, all_snapshots)
        self._write(b, sync)

    cdef _write(self, WriteBatch batch, sync):
        cdef odb_error err
        cdef int rc
        cdef int do_sync = 1 if sync else 0
        self._enter()
        cdef odb_db *db = self.db  # never read self.db without the GIL
        try:
            with nogil:
                rc = odb_write(db, &batch.batch, do_sync, &err)
            if rc != ODB_OK:
                raise _error(&err)
        finally:
            self._leave()

    def get(self, key, Snapshot snapshot=None):
        cdef _Key k = None
        cdef odb_slice ks
        cdef odb_error err
        cdef odb_buf value
        cdef int rc
        cdef const odb_snapshot *snap = NULL
        if type(key) is bytes:
            ks = _bytes_slice(<bytes>key)
        else:
            k = _Key.__new__(_Key)
            _view(key, k, "key")
            ks = k.s
        if snapshot is not None:
            if snapshot.engine is not self or snapshot.snap == NULL or snapshot.release_pending:
                raise InvalidArgumentError("snapshot is released or belongs to another engine")
            snap = snapshot.snap
        self._enter_with(snapshot)
        cdef odb_db *db = self.db
        odb_buf_init(&value)
        try:
            with nogil:
                rc = odb_get(db, ks, snap, &value, &err)
            if rc == ODB_OK:
                return PyBytes_FromStringAndSize(value.data, <Py_ssize_t>value.len)
            if rc == ODB_NOT_FOUND:
                return None
            raise _error(&err)
        finally:
            odb_buf_free(&value)
            self._leave_with(snapshot)

    cdef object get_with(self, odb_slice key, Snapshot snapshot, value_reader read, object ctx):
        cdef odb_error err
        cdef odb_buf value
        cdef int rc
        cdef const odb_snapshot *snap = NULL
        if snapshot is not None:
            if snapshot.engine is not self or snapshot.snap == NULL or snapshot.release_pending:
                raise InvalidArgumentError("snapshot is released or belongs to another engine")
            snap = snapshot.snap
        self._enter_with(snapshot)
        cdef odb_db *db = self.db
        odb_buf_init(&value)
        try:
            with nogil:
                rc = odb_get(db, key, snap, &value, &err)
            if rc == ODB_OK:
                return read(ctx, value.data, <Py_ssize_t>value.len)
            if rc == ODB_NOT_FOUND:
                return None
            raise _error(&err)
        finally:
            odb_buf_free(&value)
            self._leave_with(snapshot)

    cdef Py_ssize_t scan_with(self, bytes start, bytes stop, Snapshot snapshot, Py_ssize_t limit,
                              entry_reader read, object ctx, bint bulk) except -1:
        # One iterator per call, the GIL held: a batch of entries decoded straight from the
        # engine's buffers with no bytes object per entry (batch scans, orbitdb/sql/batch).
        cdef odb_error err
        cdef odb_iter *it
        cdef odb_slice k, v
        cdef odb_slice stop_s = _bytes_slice(stop)
        cdef Py_ssize_t n = 0
        cdef const odb_snapshot *snap = NULL
        if snapshot is not None:
            if snapshot.engine is not self or snapshot.snap == NULL or snapshot.release_pending:
                raise InvalidArgumentError("snapshot is released or belongs to another engine")
            snap = snapshot.snap
        self._enter_with(snapshot)
        try:
            it = odb_db_iter_filling(self.db, snap, ODB_FILL_IF_ROOM if bulk else ODB_FILL_LRU)
            if it == NULL:
                raise MemoryError()
            try:
                odb_iter_seek(it, _bytes_slice(start))
                while n < limit and odb_iter_valid(it):
                    k = odb_iter_key(it)
                    if _compare(k, stop_s) >= 0:
                        break
                    v = odb_iter_value(it)
                    read(ctx, k.data, <Py_ssize_t>k.size, v.data, <Py_ssize_t>v.size)
                    n += 1
                    odb_iter_next(it)
                odb_error_clear(&err)
                if odb_iter_status(it, &err) != ODB_OK:
                    raise _error(&err)
            finally:
                odb_iter_destroy(it)
            return n
        finally:
            self._leave_with(snapshot)

    def multi_get(self, keys, Snapshot snapshot=None):
        """[value or None for each key], all read at one state of the database (snapshot,
        or now), with the GIL released once for the whole batch."""
        cdef list held = [_as_bytes(k, "key") for k in keys]
        cdef Py_ssize_t n = len(held), i
        cdef odb_slice *slices = NULL
        cdef int64_t *sizes = NULL
        cdef odb_buf values
        cdef odb_error err
        cdef int rc
        cdef size_t off = 0
        cdef const odb_snapshot *snap = NULL
        if snapshot is not None:
            if snapshot.engine is not self or snapshot.snap == NULL or snapshot.release_pending:
                raise InvalidArgumentError("snapshot is released or belongs to another engine")
            snap = snapshot.snap
        if n == 0:
            return []
        slices = <odb_slice *>malloc(n * sizeof(odb_slice))
        sizes = <int64_t *>malloc(n * sizeof(int64_t))
        odb_buf_init(&values)
        self._enter_with(snapshot)
        cdef odb_db *db = self.db
        try:
            if slices == NULL or sizes == NULL:
                raise MemoryError()
            for i in range(n):
                slices[i] = _bytes_slice(<bytes>held[i])
            with nogil:
                rc = odb_multi_get(db, slices, <size_t>n, snap, &values, sizes, &err)
            if rc != ODB_OK:
                raise _error(&err)
            out = [None] * n
            for i in range(n):
                if sizes[i] >= 0:
                    out[i] = PyBytes_FromStringAndSize(values.data + off, <Py_ssize_t>sizes[i])
                    off += <size_t>sizes[i]
            return out
        finally:
            self._leave_with(snapshot)
            odb_buf_free(&values)
            free(slices)
            free(sizes)

    def get_newest(self, key, Snapshot snapshot not None):
        """(newest value or None, whether it is another version than the one snapshot
        sees): what a writer that holds the row's lock works on, and whether the row was
        written after its snapshot, even with the same bytes."""
        cdef bytes k = _as_bytes(key, "key")
        cdef odb_slice ks = _bytes_slice(k)
        cdef odb_error err
        cdef odb_buf value
        cdef odb_buf old
        cdef uint64_t newest = 0, seen = 0
        cdef int rc, rc_old = ODB_OK
        if snapshot.engine is not self or snapshot.snap == NULL or snapshot.release_pending:
            raise InvalidArgumentError("snapshot is released or belongs to another engine")
        cdef const odb_snapshot *snap = snapshot.snap
        self._enter_with(snapshot)
        cdef odb_db *db = self.db
        odb_buf_init(&value)
        odb_buf_init(&old)
        try:
            with nogil:
                rc = odb_get_version(db, ks, NULL, &value, &newest, &err)
                if rc == ODB_OK or rc == ODB_NOT_FOUND:
                    rc_old = odb_get_version(db, ks, snap, &old, &seen, &err)
            if rc != ODB_OK and rc != ODB_NOT_FOUND:
                raise _error(&err)
            if rc_old != ODB_OK and rc_old != ODB_NOT_FOUND:
                raise _error(&err)
            data = PyBytes_FromStringAndSize(value.data, <Py_ssize_t>value.len) if rc == ODB_OK else None
            return data, newest != seen
        finally:
            odb_buf_free(&value)
            odb_buf_free(&old)
            self._leave_with(snapshot)

    def snapshot(self):
        self._enter()
        try:
            s = Snapshot.__new__(Snapshot)
            (<Snapshot>s).snap = odb_snapshot_new(self.db)
            if (<Snapshot>s).snap == NULL:
                raise MemoryError()
            (<Snapshot>s).engine = self
            self.snapshots.add(s)
            return s
        finally:
            self._leave()

    def snapshot_at(self, seq):
        """A snapshot of the committed state at sequence seq, in the past: InvalidArgumentError
        when history retention is off, seq is not committed, or the versions it needs are no
        longer kept (csrc/retention.h)."""
        cdef uint64_t at = seq
        cdef odb_snapshot *snap = NULL
        cdef odb_error err
        cdef int rc
        self._enter()
        cdef odb_db *db = self.db
        try:
            with nogil:
                rc = odb_snapshot_at(db, at, &snap, &err)
            if rc != ODB_OK:
                raise _error(&err)
            return self._adopt_snapshot(snap)
        finally:
            self._leave()

    def snapshot_at_time(self, micros):
        """A snapshot of the committed state at wall-clock time micros (microseconds since the
        Unix epoch): every write group stamped at or before it. InvalidArgumentError, saying why,
        when retention is off or the time is in the future or outside the retained history."""
        cdef int64_t t = micros
        cdef odb_snapshot *snap = NULL
        cdef uint64_t seq = 0
        cdef odb_error err
        cdef int rc
        self._enter()
        cdef odb_db *db = self.db
        try:
            with nogil:
                rc = odb_snapshot_at_time(db, t, &snap, &seq, &err)
            if rc != ODB_OK:
                raise _error(&err)
            return self._adopt_snapshot(snap)
        finally:
            self._leave()

    cdef Snapshot _adopt_snapshot(self, odb_snapshot *snap):
        s = Snapshot.__new__(Snapshot)
        (<Snapshot>s).snap = snap
        (<Snapshot>s).engine = self
        self.snapshots.add(s)
        return s

    cdef _release_snapshot(self, Snapshot s):
        if s.users > 0:
            s.release_pending = True  # new calls refuse it; the last running one releases it
            return
        if s.snap != NULL and self.db != NULL:
            odb_snapshot_release(self.db, s.snap)
        s.snap = NULL
        self.snapshots.discard(s)

    def items(self, start=None, stop=None, reverse=False, Snapshot snapshot=None):
        cdef const odb_snapshot *snap = NULL
        if snapshot is not None:
            if snapshot.engine is not self or snapshot.snap == NULL or snapshot.release_pending:
                raise InvalidArgumentError("snapshot is released or belongs to another engine")
            snap = snapshot.snap
        self._enter()
        try:
            it = _ItemIterator.__new__(_ItemIterator)
            (<_ItemIterator>it).start = None if start is None else _as_bytes(start, "start")
            (<_ItemIterator>it).stop = None if stop is None else _as_bytes(stop, "stop")
            (<_ItemIterator>it).reverse = bool(reverse)
            (<_ItemIterator>it).engine = self
            (<_ItemIterator>it).it = odb_db_iter(self.db, snap)
            if (<_ItemIterator>it).it == NULL:
                raise MemoryError()
            self.iterators.add(it)
            return it
        finally:
            self._leave()

    def ingest(self):
        """An Ingest: a large atomic write of entries given in increasing key order, written
        straight into a new table (not the WAL and memtable). Other writers wait until it is
        finished or aborted; use it as a context manager (finished on success, aborted on
        an exception)."""
        cdef odb_error err
        cdef odb_ingest *ig = NULL
        cdef int rc
        self._enter()
        try:
            with nogil:
                rc = odb_ingest_begin(self.db, &ig, &err)
            if rc != ODB_OK:
                raise _error(&err)
        except BaseException:
            self._leave()
            raise
        handle = Ingest.__new__(Ingest)
        (<Ingest>handle).ig = ig
        (<Ingest>handle).engine = self
        return handle

    cdef _ingest_ended(self):
        self._leave()

    def flush(self):
        cdef odb_error err
        cdef int rc
        self._enter()
        cdef odb_db *db = self.db
        try:
            with nogil:
                rc = odb_flush(db, &err)
            if rc != ODB_OK:
                raise _error(&err)
        finally:
            self._leave()

    def compact_range(self, start=None, stop=None):
        """Flushes, then compacts the tables that hold keys from start to stop (None: unbounded)
        down to the last level; tables wholly outside the range are left as they are."""
        cdef odb_error err
        cdef int rc
        cdef bytes bstart = None if start is None else _as_bytes(start, "start")
        cdef bytes bstop = None if stop is None else _as_bytes(stop, "stop")
        cdef odb_slice sb, se
        cdef const odb_slice *pb = NULL
        cdef const odb_slice *pe = NULL
        if bstart is not None:
            sb = _bytes_slice(bstart)
            pb = &sb
        if bstop is not None:
            se = _bytes_slice(bstop)
            pe = &se
        self._enter()
        cdef odb_db *db = self.db
        try:
            with nogil:
                rc = odb_compact_range(db, pb, pe, &err)
            if rc != ODB_OK:
                raise _error(&err)
        finally:
            self._leave()

    def checkpoint(self, path):
        """Makes in path (new, or an empty directory) a copy of this database that opens with
        every write acknowledged before the call and none begun after it: the table files
        hard-linked (copied where linking fails), a manifest naming exactly them and the WAL
        tail copied. Returns what it did (csrc/checkpoint.h)."""
        cdef bytes target = os.fsencode(path)
        cdef const char *c_target = target
        cdef odb_checkpoint_info info
        cdef odb_error err
        cdef int rc
        self._enter()
        cdef odb_db *db = self.db
        try:
            with nogil:
                rc = odb_checkpoint(db, c_target, &info, &err)
            if rc != ODB_OK:
                raise _error(&err)
            return _checkpoint_info(&info)
        finally:
            self._leave()

    def property(self, str name not None):
        cdef bytes bname = name.encode()
        cdef char *p
        self._enter()
        try:
            p = odb_property(self.db, bname)
            if p == NULL:
                return None
            try:
                return (<bytes>p).decode()
            finally:
                free(p)
        finally:
            self._leave()

    def stats(self):
        cdef const char *names[64]
        cdef uint64_t values[64]
        cdef int n, i
        self._enter()
        try:
            n = odb_stats_read(self.db, names, values, 64)
            return {(<bytes>names[i]).decode(): values[i] for i in range(n)}
        finally:
            self._leave()

    @property
    def closed(self):
        return self.db == NULL or self.closing

    def close(self):
        """Refuses new calls, waits for the calls running in other threads to return (odb_close
        must not run beside them), ends this engine's iterators and snapshots, then closes.
        A second close(), in any thread, returns at once."""
        cdef odb_error err
        cdef odb_db *db = self.db
        cdef int rc
        if db == NULL or self.closing:
            return
        self.closing = True  # new calls fail from here on; db stays valid for the running ones
        while self.active > 0:
            time.sleep(0.001)
        for it in list(self.iterators):
            (<_ItemIterator>it)._end_by_close()
        for s in list(self.snapshots):
            if (<Snapshot>s).snap != NULL:
                odb_snapshot_release(db, (<Snapshot>s).snap)
                (<Snapshot>s).snap = NULL
        self.db = NULL
        odb_error_clear(&err)
        with nogil:
            rc = odb_close(db, &err)
        if rc != ODB_OK:
            raise _error(&err)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __dealloc__(self):
        cdef odb_error err
        if self.db != NULL:
            odb_close(self.db, &err)
            self.db = NULL

    def __repr__(self):
        return f"<orbitdb.engine.Engine {self.path!r}{' closed' if self.db == NULL else ''}>"


cdef dict _checkpoint_info(odb_checkpoint_info *info):
    return {
        "last_sequence": info.last_sequence,
        "tables": info.tables,
        "tables_copied": info.tables_copied,
        "table_bytes": info.table_bytes,
        "logs": info.logs,
        "log_bytes": info.log_bytes,
        "attempts": info.attempts,
    }


def checkpoint_directory(source, target):
    """Engine.checkpoint of the database directory source without opening it: another process
    may have it open and go on writing (csrc/checkpoint.h says how the copy stays at one
    commit). Returns what it did."""
    cdef bytes src = os.fsencode(source)
    cdef bytes dst = os.fsencode(target)
    cdef const char *c_src = src
    cdef const char *c_dst = dst
    cdef odb_checkpoint_info info
    cdef odb_error err
    cdef int rc
    with nogil:
        rc = odb_checkpoint_dir(c_src, c_dst, &info, &err)
    if rc != ODB_OK:
        raise _error(&err)
    return _checkpoint_info(&info)


def pitr_replay(path, archive, long long target_micros, long long backup_micros=0):
    """Replays the WAL archive onto the closed database directory path up to target_micros
    (csrc/pitr.h); returns what it did. InvalidArgumentError or CorruptionError say why not."""
    cdef bytes bpath = os.fsencode(path)
    cdef bytes barchive = os.fsencode(archive)
    cdef const char *c_path = bpath
    cdef const char *c_archive = barchive
    cdef odb_pitr_info info
    cdef odb_error err
    cdef int rc
    if target_micros < 0 or backup_micros < 0:
        raise ValueError("times must not be before 1970")
    with nogil:
        rc = odb_pitr_replay(c_path, c_archive, <uint64_t>target_micros, <uint64_t>backup_micros, &info, &err)
    if rc != ODB_OK:
        raise _error(&err)
    return {"base_sequence": info.base_seq, "base_micros": info.base_micros, "last_sequence": info.last_seq,
            "last_micros": info.last_micros, "groups": info.groups, "wal_files_read": info.logs_read,
            "next_micros": info.next_micros}


def upgrade_engine_format(path):
    """Marks the closed database directory path with this engine's format (csrc/format.h);
    returns (the format it had, -1 for none; the format it has now)."""
    cdef bytes bpath = os.fsencode(path)
    cdef const char *c_path = bpath
    cdef int from_version = -1
    cdef odb_error err
    cdef int rc
    with nogil:
        rc = odb_format_upgrade(c_path, &from_version, &err)
    if rc != ODB_OK:
        raise _error(&err)
    return from_version, ODB_ENGINE_FORMAT


def _lz4_compress(data):
    """Test hook: the engine's LZ4 block compressor on raw bytes."""
    cdef bytes src = _as_bytes(data, "data")
    cdef size_t n = <size_t>len(src)
    cdef bytes out = PyBytes_FromStringAndSize(NULL, <Py_ssize_t>odb_lz4_bound(n))
    cdef size_t got = odb_lz4_compress(PyBytes_AS_STRING(src), n, PyBytes_AS_STRING(out), odb_lz4_bound(n))
    if got == 0 and n > 0:
        raise EngineError("lz4 compression failed")
    return out[:got]


def _lz4_decompress(data, Py_ssize_t size):
    """Test hook: the engine's LZ4 block decompressor."""
    cdef bytes src = _as_bytes(data, "data")
    if size < 0:
        raise ValueError("size must not be negative")
    cdef bytes out = PyBytes_FromStringAndSize(NULL, size)
    cdef long got = odb_lz4_decompress(PyBytes_AS_STRING(src), <size_t>len(src), PyBytes_AS_STRING(out), <size_t>size)
    if got < 0:
        raise CorruptionError("malformed lz4 block")
    return out


# ---- `orbitdb check` and read-only views (csrc/verify.h, csrc/readonly.h) ----

def verify_dir(path):
    """The engine's read-only check of a database directory: a dict with `findings` (a list of
    (damage, file, offset or None, message)), `live` (an engine held it open) and counts."""
    cdef bytes bpath = os.fsencode(path)
    cdef const char *p = bpath
    cdef odb_verify_report rep
    cdef odb_error err
    cdef int rc
    cdef int i
    with nogil:
        rc = odb_verify_dir(p, &rep, &err)
    try:
        if rc != ODB_OK:
            raise _error(&err)
        findings = []
        for i in range(rep.count):
            f = &rep.findings[i]
            findings.append((bool(f.damage), (<bytes>f.file).decode("utf-8", "replace"),
                             None if f.offset < 0 else f.offset, (<bytes>f.message).decode("utf-8", "replace")))
        return {"findings": findings, "live": bool(rep.live), "tables": rep.tables, "table_bytes": rep.table_bytes,
                "table_entries": rep.table_entries, "manifest_records": rep.manifest_records,
                "wal_files": rep.wal_files, "wal_records": rep.wal_records, "wal_bytes": rep.wal_bytes}
    finally:
        odb_verify_report_free(&rep)


cdef class ReadOnlyView:
    """A database directory read without opening it (nothing written, created or locked): the
    tables its manifest names and its WAL replayed in memory, at the last sequence they hold.
    For `orbitdb check` and `orbitdb stats`; works while a server holds the directory."""

    cdef odb_readonly *ro
    cdef readonly str path

    def __init__(self, path):
        cdef bytes bpath = os.fsencode(path)
        cdef const char *p = bpath
        cdef odb_error err
        cdef int rc
        with nogil:
            rc = odb_readonly_open(p, &self.ro, &err)
        if rc != ODB_OK:
            self.ro = NULL
            raise _error(&err)
        self.path = os.fsdecode(path)

    def items(self, start=None, stop=None):
        """(key, value) of every key in [start, stop), in order."""
        if self.ro == NULL:
            raise EngineClosedError("read-only view is closed")
        it = _ViewIterator.__new__(_ViewIterator)
        (<_ViewIterator>it).view = self
        (<_ViewIterator>it).it = odb_readonly_iter(self.ro)
        if (<_ViewIterator>it).it == NULL:
            raise EngineMemoryError("out of memory")
        (<_ViewIterator>it).start = None if start is None else _as_bytes(start, "start")
        (<_ViewIterator>it).stop = None if stop is None else _as_bytes(stop, "stop")
        return it

    def get(self, key):
        for k, v in self.items(key, None):
            return v if k == _as_bytes(key, "key") else None
        return None

    @property
    def sequence(self):
        return odb_readonly_sequence(self.ro) if self.ro != NULL else 0

    @property
    def wal_bytes(self):
        return odb_readonly_wal_bytes(self.ro) if self.ro != NULL else 0

    def levels(self):
        """[(files, bytes)] of each level, 0 first."""
        cdef uint64_t nbytes = 0
        cdef int level, files
        if self.ro == NULL:
            raise EngineClosedError("read-only view is closed")
        out = []
        for level in range(7):
            files = odb_readonly_level(self.ro, level, &nbytes)
            out.append((files, nbytes))
        return out

    def close(self):
        if self.ro != NULL:
            odb_readonly_close(self.ro)
            self.ro = NULL

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __dealloc__(self):
        if self.ro != NULL:
            odb_readonly_close(self.ro)
            self.ro = NULL


cdef class _ViewIterator:
    cdef ReadOnlyView view  # keeps the view open while the iterator lives
    cdef odb_iter *it
    cdef bytes start
    cdef bytes stop
    cdef bint started

    def __iter__(self):
        return self

    def __next__(self):
        cdef odb_slice k, v
        cdef odb_error err
        if self.it == NULL:
            raise StopIteration
        if not self.started:
            self.started = True
            if self.start is None:
                odb_iter_seek_first(self.it)
            else:
                odb_iter_seek(self.it, _bytes_slice(self.start))
        else:
            odb_iter_next(self.it)
        if not odb_iter_valid(self.it):
            rc = odb_iter_status(self.it, &err)
            odb_iter_destroy(self.it)
            self.it = NULL
            if rc != ODB_OK:
                raise _error(&err)
            raise StopIteration
        k = odb_iter_key(self.it)
        key = PyBytes_FromStringAndSize(k.data, <Py_ssize_t>k.size)
        if self.stop is not None and key >= self.stop:
            odb_iter_destroy(self.it)
            self.it = NULL
            raise StopIteration
        v = odb_iter_value(self.it)
        return key, PyBytes_FromStringAndSize(v.data, <Py_ssize_t>v.size)

    def __dealloc__(self):
        if self.it != NULL:
            odb_iter_destroy(self.it)
            self.it = NULL


# ---- test-only fault injection (csrc/faults.h) ----

FAULT_WRITE, FAULT_SYNC, FAULT_RENAME, FAULT_CREATE, FAULT_TRUNCATE = 1, 2, 4, 8, 16


def _fault_arm(prefix, str match="", int ops=FAULT_WRITE, int after=0, int errno_value=28, bint sticky=False):
    """Test hook: of the file operations in ops on paths starting with prefix and containing match,
    the first `after` succeed and the next fails with errno_value (every later one too with
    sticky). Process-wide: for tests only."""
    cdef bytes bprefix = os.fsencode(prefix)
    cdef bytes bmatch = match.encode()
    odb_fault_arm(bprefix, bmatch, ops, after, errno_value, sticky)


def _fault_disarm():
    """Test hook: no more injected faults."""
    odb_fault_disarm()


def _fault_count():
    """Test hook: operations failed since the fault was armed."""
    return odb_fault_count()
