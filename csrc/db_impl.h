/* db_impl.h - the state of an open database, shared by the engine modules that
 * implement db.h. Only those modules include it; users of the engine see db.h.
 *
 * The engine's modules, each with one job:
 *   db.c          options, open and close, point reads, iterators, snapshots, properties and stats
 *   db_impl.c     the small helpers on this state that the other modules share
 *   write.c       the write path: the writer queue, write groups, pipelined and concurrent inserts
 *   compaction.c  background threads: flushing immutable memtables, picking and running
 *                 compactions, writing tables; flush and compaction on request
 *   ingest.c      ingestion of sorted entries straight into a level-0 table (no header of
 *                 its own: its functions are the odb_ingest_* of db.h)
 *   recovery.c    replay of the WAL at open, dropping a torn tail
 *   range_del.c   range deletions: the set readers consult, their manifest fields, and
 *                 dropping the table files they cover
 *   retention.c   history retention: the time index, the horizon of discards, time travel
 *   checkpoint.c  copies of the database at one commit: tables hard-linked, WAL tail copied */
#ifndef ODB_DB_IMPL_H
#define ODB_DB_IMPL_H

#include <pthread.h>
#include <stddef.h>

#include "batch.h"
#include "cache.h"
#include "db.h"
#include "env.h"
#include "log.h"
#include "memtable.h"
#include "stats.h"
#include "table.h"
#include "walarchive.h"
#include "version.h"

#define MAX_IMMUTABLES 64

/* A writer waiting in the write queue; lives on its thread's stack. */
typedef struct writer {
    odb_batch *batch;
    int sync;
    int done;
    int status;
    odb_error err;
    pthread_cond_t cv;
    struct writer *next;
    /* allow_concurrent_memtable_write: the leader asks followers to insert their own batch */
    int insert_now;
    odb_memtable *insert_mem;
    struct writer *leader;
    int pending; /* leader: followers still inserting */
    int insert_rc;
} writer;

struct odb_snapshot {
    odb_seq sequence;
    struct odb_snapshot *prev, *next;
    int past; /* odb_snapshot_at (time travel): range deletions for every snapshot made later do not apply */
};

typedef struct immutable {
    odb_memtable *mem;
    uint64_t log_number; /* the WAL that holds its entries */
} immutable;

struct odb_db {
    char *path;
    odb_options opt;
    odb_lock *lock;
    odb_cache *cache;
    odb_stats stats;

    pthread_mutex_t mu;
    pthread_cond_t bg_cv;   /* background work finished: stalled writers and waiters re-check */
    pthread_cond_t work_cv; /* background threads: something to do */
    pthread_cond_t publish_cv; /* pipelined writes: a group made its sequences visible */
    int applying;              /* pipelined write groups between their WAL write and publication */

    odb_version_set versions; /* guarded by mu */
    odb_memtable *mem;        /* guarded by mu; written by the write leader only */
    uint64_t mem_log_number;
    immutable imm[MAX_IMMUTABLES]; /* oldest first */
    int nimm;
    odb_log_writer *log;
    odb_seq visible_sequence; /* highest sequence readers may see */

    writer *queue_head, *queue_tail;
    odb_batch group_batch;

    odb_snapshot snapshots; /* sentinel of a list ordered by sequence */

    pthread_t *threads;
    int nthreads;
    int shutting_down;
    int flush_running, compaction_running;
    int flush_requested;
    int bg_error_code;
    odb_error bg_error;

    /* A torn WAL tail dropped by recovery, shown by orbitdb.wal-tail-dropped* */
    uint64_t wal_tail_dropped_bytes;
    char wal_tail_dropped[ODB_ERROR_MSG_SIZE];

    /* What odb_range_dels_collect last looked at (pinned, so an address is never reused) */
    odb_version *range_del_seen_version;
    odb_rdset *range_del_seen_set;
    odb_seq range_del_seen_horizon;
    struct odb_history *history; /* retention.h; NULL when history retention is off; guarded by mu */
    odb_wal_archive archive;     /* walarchive.h: retired WAL files kept for point-in-time recovery */
    int format_version;          /* the directory's engine format (format.h); guarded by mu */
};

/* ---- helpers (mu held unless said otherwise) ---- */

/* An eighth of the write buffer, within [4 KiB, 1 MiB], as RocksDB sizes it. */
size_t odb_db_arena_block_size(const odb_db *db);
/* Records the first background (or write) error, which stops further writes, and
 * wakes everyone waiting on bg_cv. */
void odb_db_set_bg_error(odb_db *db, const odb_error *err);
/* The recorded background error: its code, and the error in *err (when not NULL). */
int odb_db_report_bg_error(odb_db *db, odb_error *err);
/* The table builder's knobs from the options. */
odb_table_build_options odb_db_build_options(const odb_db *db);

#endif
