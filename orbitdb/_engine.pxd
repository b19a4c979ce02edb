# Declarations of the C engine (csrc/) used by the binding.
from libc.stdint cimport int64_t, uint32_t, uint64_t


cdef extern from "status.h" nogil:
    enum:
        ODB_OK
        ODB_NOT_FOUND
        ODB_CORRUPTION
        ODB_IO_ERROR
        ODB_INVALID_ARGUMENT
        ODB_BUSY
        ODB_NO_MEMORY
        ODB_CLOSED
    ctypedef struct odb_error:
        int code
        char msg[512]
    void odb_error_clear(odb_error *err)


cdef extern from "coding.h" nogil:
    ctypedef struct odb_slice:
        const char *data
        size_t size
    ctypedef struct odb_buf:
        char *data
        size_t len
        size_t cap
    odb_slice odb_slice_make(const void *data, size_t size)
    void odb_buf_init(odb_buf *b)
    void odb_buf_free(odb_buf *b)
    int odb_buf_reserve(odb_buf *b, size_t extra)
    int odb_buf_append(odb_buf *b, const void *data, size_t n)
    int odb_buf_put_fixed32(odb_buf *b, uint32_t v)
    uint32_t odb_decode_fixed32(const char *p)


cdef extern from "iterator.h" nogil:
    ctypedef struct odb_iter:
        pass
    void odb_iter_seek_first(odb_iter *it)
    void odb_iter_seek_last(odb_iter *it)
    void odb_iter_seek(odb_iter *it, odb_slice t)
    void odb_iter_next(odb_iter *it)
    void odb_iter_prev(odb_iter *it)
    int odb_iter_valid(const odb_iter *it)
    odb_slice odb_iter_key(const odb_iter *it)
    odb_slice odb_iter_value(const odb_iter *it)
    int odb_iter_status(const odb_iter *it, odb_error *err)
    void odb_iter_destroy(odb_iter *it)


cdef extern from "batch.h" nogil:
    ctypedef struct odb_batch:
        odb_buf rep
    int odb_batch_init(odb_batch *b)
    void odb_batch_destroy(odb_batch *b)
    void odb_batch_clear(odb_batch *b)
    int odb_batch_put(odb_batch *b, odb_slice key, odb_slice value)
    int odb_batch_delete(odb_batch *b, odb_slice key)
    int odb_batch_delete_range(odb_batch *b, odb_slice start, odb_slice end)
    int odb_batch_delete_range_all_snapshots(odb_batch *b, odb_slice start, odb_slice end)
    uint32_t odb_batch_count(const odb_batch *b)


cdef extern from "table.h" nogil:
    enum:
        ODB_COMPRESSION_NONE
        ODB_COMPRESSION_LZ4
    enum:
        ODB_FILL_LRU
        ODB_FILL_IF_ROOM


cdef extern from "lz4.h" nogil:
    size_t odb_lz4_bound(size_t n)
    size_t odb_lz4_compress(const char *src, size_t n, char *dst, size_t dst_cap)
    long odb_lz4_decompress(const char *src, size_t n, char *dst, size_t dst_size)


cdef extern from "db.h" nogil:
    ctypedef struct odb_options:
        int create_if_missing
        int error_if_exists
        int enable_wal
        size_t write_buffer_size
        int max_write_buffer_number
        int min_write_buffer_number_to_merge
        int level0_file_num_compaction_trigger
        int level0_slowdown_writes_trigger
        int level0_stop_writes_trigger
        uint64_t target_file_size_base
        uint64_t max_bytes_for_level_base
        int max_background_jobs
        size_t block_cache_size
        int cache_index_and_filter_blocks
        int pin_l0_filter_and_index_blocks
        int bloom_filter_bits_per_key
        int compression
        int enable_pipelined_write
        int allow_concurrent_memtable_write
        int enable_statistics
        size_t block_size
        int block_restart_interval
        uint64_t history_retention_seconds
        int max_open_files
        const char *wal_archive_dir
        uint64_t periodic_compaction_seconds
    ctypedef struct odb_db:
        pass
    ctypedef struct odb_snapshot:
        pass
    void odb_options_init(odb_options *opt)
    int odb_open(const char *path, const odb_options *opt, odb_db **out, odb_error *err)
    int odb_close(odb_db *db, odb_error *err)
    int odb_write(odb_db *db, odb_batch *batch, int sync, odb_error *err)
    int odb_get(odb_db *db, odb_slice key, const odb_snapshot *snapshot, odb_buf *value, odb_error *err)
    int odb_get_version(odb_db *db, odb_slice key, const odb_snapshot *snapshot, odb_buf *value,
                        uint64_t *version, odb_error *err)
    int odb_multi_get(odb_db *db, const odb_slice *keys, size_t n, const odb_snapshot *snapshot, odb_buf *values,
                      int64_t *sizes, odb_error *err)
    odb_snapshot *odb_snapshot_new(odb_db *db)
    void odb_snapshot_release(odb_db *db, odb_snapshot *snapshot)
    odb_iter *odb_db_iter(odb_db *db, const odb_snapshot *snapshot)
    odb_iter *odb_db_iter_filling(odb_db *db, const odb_snapshot *snapshot, int fill)
    ctypedef struct odb_ingest:
        pass
    int odb_ingest_begin(odb_db *db, odb_ingest **out, odb_error *err)
    int odb_ingest_add(odb_ingest *ig, odb_slice key, odb_slice value, int is_delete, odb_error *err)
    int odb_ingest_finish(odb_ingest *ig, odb_error *err)
    void odb_ingest_abort(odb_ingest *ig)
    int odb_flush(odb_db *db, odb_error *err)
    int odb_compact_all(odb_db *db, odb_error *err)
    int odb_compact_range(odb_db *db, const odb_slice *begin, const odb_slice *end, odb_error *err)
    char *odb_property(odb_db *db, const char *name)
    int odb_stats_read(odb_db *db, const char **names, uint64_t *values, int max)


cdef extern from "retention.h" nogil:
    int odb_snapshot_at(odb_db *db, uint64_t seq, odb_snapshot **out, odb_error *err)
    int odb_snapshot_at_time(odb_db *db, int64_t micros, odb_snapshot **out, uint64_t *seq, odb_error *err)
    uint64_t odb_snapshot_sequence(const odb_snapshot *snapshot)
cdef extern from "checkpoint.h" nogil:
    ctypedef struct odb_checkpoint_info:
        uint64_t last_sequence
        uint64_t tables
        uint64_t tables_copied
        uint64_t table_bytes
        uint64_t logs
        uint64_t log_bytes
        int attempts
    int odb_checkpoint(odb_db *db, const char *dst, odb_checkpoint_info *info, odb_error *err)
    int odb_checkpoint_dir(const char *src, const char *dst, odb_checkpoint_info *info, odb_error *err)
cdef extern from "pitr.h" nogil:
    ctypedef struct odb_pitr_info:
        uint64_t base_seq
        uint64_t base_micros
        uint64_t last_seq
        uint64_t last_micros
        uint64_t groups
        uint64_t logs_read
        uint64_t next_micros
    int odb_pitr_replay(const char *dir, const char *archive, uint64_t target_micros, uint64_t backup_micros,
                        odb_pitr_info *info, odb_error *err)
cdef extern from "format.h" nogil:
    int ODB_ENGINE_FORMAT
    int odb_format_upgrade(const char *dir, int *from_version, odb_error *err)


ctypedef object (*value_reader)(object ctx, const char *data, Py_ssize_t size)
# a batch scan's callback for one entry (orbitdb/storage/_batch.pyx); the bytes are the engine's
ctypedef int (*entry_reader)(object ctx, const char *key, Py_ssize_t klen, const char *data,
                             Py_ssize_t size) except -1


# The binding's classes, declared here so that other extensions (orbitdb/storage/_access.pyx) can
# read through an Engine without a Python call per key.
cdef class WriteBatch:
    cdef odb_batch batch
    cdef bint ready


cdef class Engine


cdef class Snapshot:
    cdef odb_snapshot *snap
    cdef Engine engine
    cdef int users  # calls reading through it (Engine._enter_with)
    cdef bint release_pending
    cdef object __weakref__


cdef class Engine:
    cdef odb_db *db
    cdef readonly str path
    cdef int active  # calls in progress (see _enter)
    cdef bint closing
    cdef object iterators
    cdef object snapshots
    cdef readonly dict options

    cdef int _enter(self) except -1
    cdef void _leave(self)
    cdef int _enter_with(self, Snapshot snapshot) except -1
    cdef void _leave_with(self, Snapshot snapshot)
    cdef _write(self, WriteBatch batch, sync)
    cdef _release_snapshot(self, Snapshot s)
    cdef Snapshot _adopt_snapshot(self, odb_snapshot *snap)
    cdef _ingest_ended(self)
    # read(ctx, value bytes) for key's value at snapshot (None: now), or None when it is absent;
    # the bytes are the engine's, valid only during the call (no Python bytes object is made)
    cdef object get_with(self, odb_slice key, Snapshot snapshot, value_reader read, object ctx)
    # read(ctx, key, value) for up to limit entries of [start, stop) in key order at snapshot;
    # returns how many were read (fewer than limit: the range ended). bulk: a long scan's, whose
    # blocks go into the block cache only while it has room (they never evict what is cached)
    cdef Py_ssize_t scan_with(self, bytes start, bytes stop, Snapshot snapshot, Py_ssize_t limit,
                              entry_reader read, object ctx, bint bulk) except -1


# `orbitdb check` and read-only views of a directory (csrc/verify.h, csrc/readonly.h)
cdef extern from "verify.h" nogil:
    ctypedef struct odb_finding:
        int damage
        char file[128]
        int64_t offset
        char message[512]
    ctypedef struct odb_verify_report:
        odb_finding *findings
        int count
        int damaged
        int live
        uint64_t tables, table_bytes, table_entries
        uint64_t manifest_records
        uint64_t wal_files, wal_records, wal_bytes
    int odb_verify_dir(const char *path, odb_verify_report *report, odb_error *err)
    void odb_verify_report_free(odb_verify_report *report)


cdef extern from "readonly.h" nogil:
    ctypedef struct odb_readonly:
        pass
    int odb_readonly_open(const char *path, odb_readonly **out, odb_error *err)
    void odb_readonly_close(odb_readonly *ro)
    odb_iter *odb_readonly_iter(odb_readonly *ro)
    uint64_t odb_readonly_sequence(const odb_readonly *ro)
    int odb_readonly_level(const odb_readonly *ro, int level, uint64_t *bytes)
    uint64_t odb_readonly_wal_bytes(const odb_readonly *ro)


# test-only fault injection (csrc/faults.h)
cdef extern from "faults.h" nogil:
    void odb_fault_arm(const char *prefix, const char *match, int ops, int after, int errno_value, int sticky)
    void odb_fault_disarm()
    uint64_t odb_fault_count()
