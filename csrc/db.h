/* db.h - the engine: one handle per open database directory, no global state.
 *
 * Thread-safety: every function here may be called from any number of threads
 * at once, except odb_close, which the caller must call once, after every
 * other call on the handle has returned and every iterator and snapshot has
 * been released. Calls that may block (I/O, fsync, waiting for a write group
 * or a write stall) should be made without holding a Python GIL. */
#ifndef ODB_DB_H
#define ODB_DB_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "coding.h"
#include "iterator.h"
#include "status.h"

/* Knobs keep RocksDB's names and meaning. */
typedef struct odb_options {
    int create_if_missing;
    int error_if_exists;
    int enable_wal;
    size_t write_buffer_size;
    int max_write_buffer_number;
    int min_write_buffer_number_to_merge;
    int level0_file_num_compaction_trigger;
    int level0_slowdown_writes_trigger;
    int level0_stop_writes_trigger;
    uint64_t target_file_size_base;
    uint64_t max_bytes_for_level_base;
    int max_background_jobs;
    size_t block_cache_size;
    int cache_index_and_filter_blocks;
    int pin_l0_filter_and_index_blocks;
    int bloom_filter_bits_per_key;
    int compression; /* ODB_COMPRESSION_* from table.h */
    int enable_pipelined_write;
    int allow_concurrent_memtable_write;
    int enable_statistics;
    size_t block_size;
    int block_restart_interval;
    /* Not a RocksDB knob: keep every version a read at any moment of the last N
     * seconds needs (0: off). retention.h describes time travel. */
    uint64_t history_retention_seconds;
    int max_open_files; /* -1: every table stays open; else at most this many files (table_cache.h) */
    /* Not a RocksDB knob: keep retired WAL files in this directory for point-in-time
     * recovery (walarchive.h); NULL or "": delete them. Read at open only. */
    const char *wal_archive_dir;
    /* Tables written longer ago than this are compacted, so that old deletion markers and dead
     * versions are dropped even where no other compaction reaches (0: off; picker.h). */
    uint64_t periodic_compaction_seconds;
} odb_options;

#define ODB_MAX_PERIODIC_COMPACTION_SECONDS (100ull * 365 * 86400)

void odb_options_init(odb_options *opt);
/* ODB_INVALID_ARGUMENT with a message naming the bad knob. */
int odb_options_validate(const odb_options *opt, odb_error *err);

typedef struct odb_db odb_db;
typedef struct odb_snapshot odb_snapshot;

int odb_open(const char *path, const odb_options *opt, odb_db **out, odb_error *err);
/* Waits for background work, closes files and frees the handle. Data not yet
 * flushed is in the WAL and is replayed at the next open. */
int odb_close(odb_db *db, odb_error *err);

/* Atomic; with sync, durable (fdatasync) before returning. The batch's
 * sequence field is overwritten. */
int odb_write(odb_db *db, odb_batch *batch, int sync, odb_error *err);
/* ODB_OK with the value in value, ODB_NOT_FOUND, or an error. */
int odb_get(odb_db *db, odb_slice key, const odb_snapshot *snapshot, odb_buf *value, odb_error *err);
/* odb_get, and the sequence number of the version found (a value or a deletion)
 * in *version; 0 when the key has no version visible at all. Versions keep their
 * sequence numbers through flushes and compactions, so two reads that give the
 * same number read the same write. */
int odb_get_version(odb_db *db, odb_slice key, const odb_snapshot *snapshot, odb_buf *value, odb_seq *version,
                    odb_error *err);

/* Point reads of n keys, all at one state of the database (snapshot, or now): each found
 * value is appended to values and its size put in sizes[i]; -1 there for a key not found.
 * ODB_OK, or the first error (values and sizes are then incomplete). */
int odb_multi_get(odb_db *db, const odb_slice *keys, size_t n, const odb_snapshot *snapshot, odb_buf *values,
                  int64_t *sizes, odb_error *err);

odb_snapshot *odb_snapshot_new(odb_db *db); /* NULL on out-of-memory */
void odb_snapshot_release(odb_db *db, odb_snapshot *snapshot);

/* An iterator over user keys at snapshot (NULL: now). NULL on out-of-memory. */
odb_iter *odb_db_iter(odb_db *db, const odb_snapshot *snapshot);
/* The same, with the data blocks it reads from tables going into the block cache as fill says
 * (ODB_FILL_*, table.h: ODB_FILL_IF_ROOM for long scans). */
odb_iter *odb_db_iter_filling(odb_db *db, const odb_snapshot *snapshot, int fill);

/* Ingestion: a large atomic write given as sorted entries, written straight into a
 * new level-0 table instead of the WAL and memtable (so it costs a table
 * builder's buffers, not its own size twice in memory). Begin takes the head
 * of the write queue (other writers wait until finish or abort), flushes every
 * memtable and fixes the sequence number all entries get; add takes user keys
 * in strictly increasing order (ODB_INVALID_ARGUMENT otherwise); finish makes
 * the table durable and installs it (the entries become visible at once, all
 * or nothing); abort drops it. Either frees the handle. */
typedef struct odb_ingest odb_ingest;
int odb_ingest_begin(odb_db *db, odb_ingest **out, odb_error *err);
int odb_ingest_add(odb_ingest *ig, odb_slice key, odb_slice value, int is_delete, odb_error *err);
int odb_ingest_finish(odb_ingest *ig, odb_error *err);
void odb_ingest_abort(odb_ingest *ig);

/* Writes every memtable to table files and waits for it. */
int odb_flush(odb_db *db, odb_error *err);
/* Compacts everything to the bottom-most level and waits for it. */
int odb_compact_all(odb_db *db, odb_error *err);
/* Flushes, then compacts the tables that hold user keys in [begin, end] (NULL: unbounded) level
 * by level down to the last level, and waits for it. Tables outside the range stay as they are. */
int odb_compact_range(odb_db *db, const odb_slice *begin, const odb_slice *end, odb_error *err);

/* A malloc'd string for a property name ("orbitdb.stats",
 * "orbitdb.num-files-at-level<N>", ...) or NULL when unknown.
 * "orbitdb.wal-tail-dropped-bytes" and "orbitdb.wal-tail-dropped" report a
 * torn WAL tail that recovery dropped at open (0 and "" when none was). */
char *odb_property(odb_db *db, const char *name);

/* Statistics counters: fills up to max names and values; returns the count. */
int odb_stats_read(odb_db *db, const char **names, uint64_t *values, int max);

/* Exposed for tests of the compression format. */
size_t odb_lz4_compress_bound(size_t n);

#endif
