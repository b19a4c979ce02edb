/* recovery.c - replay of the WAL at open and the handling of a torn tail
 * (recovery.h; db_impl.h has the map of the engine's modules). */
#define _GNU_SOURCE
#include "recovery.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compaction.h"
#include "range_del.h"
#include "retention.h"
#include "walread.h"
#include "write.h"

/* ---- recovery ---- */

/* Writes mem to a level-0 table and records it in edit (recovery only). */
static int flush_recovered(odb_db *db, odb_memtable *mem, odb_version_edit *edit, odb_error *err) {
    odb_iter *it = odb_memtable_iter_new(mem);
    if (it == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    uint64_t number = odb_versions_new_file_number(&db->versions);
    int rc = odb_write_table(db, it, number, odb_history_horizon(db, db->versions.last_sequence), edit, 0, err);
    odb_iter_destroy(it);
    return rc;
}

/* Replays one WAL entry: into the memtable, or, a range deletion, into the
 * database's set (persisted by the edit that ends recovery). */
typedef struct replay_ctx {
    odb_db *db;
    odb_memtable *mem;
    uint64_t log_number;
} replay_ctx;

static int replay_entry(void *ctx, odb_seq seq, int kind, odb_slice key, odb_slice value) {
    replay_ctx *r = ctx;
    if (kind >= ODB_KIND_RANGE_DELETE) {
        return odb_rdset_add(&r->db->versions.range_dels, seq, r->log_number, r->db->versions.next_file_number,
                             kind == ODB_KIND_RANGE_DELETE_ALL_SNAPSHOTS, key, value);
    }
    return odb_insert_into_memtable(r->mem, seq, kind, key, value);
}

/* Whether every log in later[] is empty (they were created but never written). */
static int logs_empty(odb_db *db, const uint64_t *later, int n, int *empty, odb_error *err) {
    *empty = 1;
    for (int i = 0; i < n && *empty; i++) {
        char *path = odb_log_file_name(db->path, later[i]);
        odb_reader *f = NULL;
        int rc = path ? odb_reader_open(path, &f, err) : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        free(path);
        if (rc != ODB_OK) {
            return rc;
        }
        *empty = odb_reader_size(f) == 0;
        odb_reader_close(f);
    }
    return ODB_OK;
}

/* The reader of log `path` ended at a torn tail. That tail was never
 * acknowledged as durable if no later log holds a byte: a log is synced
 * before the first write to the next one. Then the log is cut back to its
 * last intact record, so that this recovery or a later one never finds the
 * damage again, and the drop is recorded for orbitdb.wal-tail-dropped. */
static int drop_torn_tail(odb_db *db, odb_log_reader *r, const char *path, const uint64_t *later, int nlater,
                          odb_error *err) {
    int empty;
    int rc = logs_empty(db, later, nlater, &empty, err);
    if (rc != ODB_OK) {
        return rc;
    }
    unsigned long long offset = (unsigned long long)odb_log_reader_damage_offset(r);
    if (!empty) {
        return odb_error_set(err, ODB_CORRUPTION,
                             "%s: %s at offset %llu, in a log that is not the newest (it was synced before a newer "
                             "log was written)",
                             path, odb_log_reader_damage(r), offset);
    }
    uint64_t dropped = odb_log_reader_dropped_bytes(r);
    rc = odb_truncate_file(path, odb_log_reader_end_offset(r), err);
    if (rc != ODB_OK) {
        return rc;
    }
    db->wal_tail_dropped_bytes += dropped;
    snprintf(db->wal_tail_dropped, sizeof db->wal_tail_dropped,
             "%s: dropped a torn tail of %llu bytes at offset %llu (%s); it was never acknowledged as durable", path,
             (unsigned long long)dropped, offset, odb_log_reader_damage(r));
    return ODB_OK;
}

int odb_replay_logs(odb_db *db, odb_version_edit *edit, odb_error *err) {
    uint64_t *logs = NULL;
    int nlogs = 0;
    uint64_t max_seen = 0;
    int rc = odb_list_logs(db->path, db->versions.log_number, &logs, &nlogs, &max_seen, err);
    if (rc != ODB_OK) {
        return rc;
    }
    if (db->versions.next_file_number <= max_seen) {
        db->versions.next_file_number = max_seen + 1;
    }
    odb_memtable *mem = odb_memtable_new(odb_db_arena_block_size(db));
    odb_batch batch;
    if (mem == NULL || odb_batch_init(&batch) != ODB_OK) {
        odb_memtable_unref(mem);
        free(logs);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    for (int i = 0; i < nlogs && rc == ODB_OK; i++) {
        char *path = odb_log_file_name(db->path, logs[i]);
        odb_log_reader *r = NULL;
        rc = path ? odb_log_reader_open(path, &r, err) : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        while (rc == ODB_OK) {
            odb_wal_stamp stamp;
            int got = odb_wal_read_batch(r, &batch, &stamp, err);
            if (got == 0) {
                break;
            }
            if (stamp.has) {
                odb_history_replay_stamp(db, stamp.last_seq, stamp.micros); /* the group's commit time */
            }
            if (got < 0) {
                rc = -got;
                break;
            }
            replay_ctx rctx = {db, mem, logs[i]};
            rc = odb_batch_iterate(&batch, replay_entry, &rctx, err);
            if (rc == ODB_CORRUPTION) {
                char inner[ODB_ERROR_MSG_SIZE];
                memcpy(inner, err->msg, sizeof inner);
                odb_error_set(err, ODB_CORRUPTION, "%s: record at offset %llu: %s", path,
                              (unsigned long long)odb_log_reader_record_offset(r), inner);
            }
            if (rc == ODB_OK) {
                odb_seq last = odb_batch_sequence(&batch) + odb_batch_count(&batch) - 1;
                if (odb_batch_count(&batch) > 0 && last > db->versions.last_sequence) {
                    db->versions.last_sequence = last;
                }
                if (odb_memtable_data_size(mem) >= db->opt.write_buffer_size) {
                    rc = flush_recovered(db, mem, edit, err);
                    odb_memtable_unref(mem);
                    mem = odb_memtable_new(odb_db_arena_block_size(db));
                    if (rc == ODB_OK && mem == NULL) {
                        rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
                    }
                }
            }
        }
        if (rc == ODB_OK && odb_log_reader_damage(r) != NULL) {
            rc = drop_torn_tail(db, r, path, logs + i + 1, nlogs - i - 1, err);
        }
        odb_log_reader_close(r);
        free(path);
    }
    if (rc == ODB_OK && mem != NULL && odb_memtable_num_entries(mem) > 0) {
        rc = flush_recovered(db, mem, edit, err);
    }
    if (rc == ODB_OK &&
        odb_rdset_encode_unpersisted(db->versions.range_dels, UINT64_MAX, &edit->range_dels) != ODB_OK) {
        rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    odb_memtable_unref(mem);
    odb_batch_destroy(&batch);
    free(logs);
    return rc;
}
