/* readonly.c - a read-only view of a database directory (readonly.h). */
#define _GNU_SOURCE
#include "readonly.h"

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db_iter.h"
#include "env.h"
#include "format.h"
#include "log.h"
#include "memtable.h"
#include "merge.h"
#include "version.h"
#include "write.h"
#include "walread.h"

#define READ_ATTEMPTS 5

struct odb_readonly {
    odb_version_set versions;
    odb_memtable *mem;
    odb_seq sequence;
    uint64_t wal_bytes;
};

/* One WAL entry: into mem, or a range deletion into the set (range_del.h). */
typedef struct replay_ctx {
    odb_readonly *ro;
    uint64_t log_number;
} replay_ctx;

static int replay_entry(void *ctx, odb_seq seq, int kind, odb_slice key, odb_slice value) {
    replay_ctx *r = ctx;
    if (kind >= ODB_KIND_RANGE_DELETE) {
        return odb_rdset_add(&r->ro->versions.range_dels, seq, r->log_number, 0,
                             kind == ODB_KIND_RANGE_DELETE_ALL_SNAPSHOTS, key, value);
    }
    return odb_insert_into_memtable(r->ro->mem, seq, kind, key, value);
}

/* Every intact record of the logs into mem; a torn tail ends a log (a running
 * engine may be writing it), corruption is an error. A log that vanished was
 * flushed by a running engine meanwhile: ODB_BUSY, so the caller reads again. */
static int replay(odb_readonly *ro, odb_error *err) {
    uint64_t *logs = NULL;
    int n = 0;
    int rc = odb_list_logs(ro->versions.dir, ro->versions.log_number, &logs, &n, NULL, err);
    odb_batch batch;
    if (rc == ODB_OK && odb_batch_init(&batch) != ODB_OK) {
        free(logs);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    if (rc != ODB_OK) {
        return rc;
    }
    for (int i = 0; i < n && rc == ODB_OK; i++) {
        char *path = odb_log_file_name(ro->versions.dir, logs[i]);
        odb_log_reader *r = NULL;
        rc = path ? odb_log_reader_open(path, &r, err) : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        if (rc != ODB_OK && path != NULL && !odb_file_exists(path)) {
            rc = odb_error_set(err, ODB_BUSY, "%s was removed while it was read", path);
        }
        while (rc == ODB_OK) {
            int got = odb_wal_read_batch(r, &batch, NULL, err);
            if (got <= 0) {
                rc = -got;
                break;
            }
            replay_ctx rctx = {ro, logs[i]};
            rc = odb_batch_iterate(&batch, replay_entry, &rctx, err);
            if (rc == ODB_OK && odb_batch_count(&batch) > 0) {
                odb_seq last = odb_batch_sequence(&batch) + odb_batch_count(&batch) - 1;
                if (last > ro->sequence) {
                    ro->sequence = last;
                }
            }
        }
        if (r != NULL) {
            ro->wal_bytes += odb_log_reader_end_offset(r);
        }
        odb_log_reader_close(r);
        free(path);
    }
    odb_batch_destroy(&batch);
    free(logs);
    return rc;
}

static void readonly_reset(odb_readonly *ro) {
    odb_memtable_unref(ro->mem);
    ro->mem = NULL;
    if (ro->versions.dir != NULL) {
        odb_versions_destroy(&ro->versions);
    }
}

static int read_once(odb_readonly *ro, const char *path, odb_error *err) {
    odb_table_open_options topt;
    memset(&topt, 0, sizeof topt);
    int rc = odb_versions_init(&ro->versions, path, &topt, err);
    if (rc != ODB_OK) {
        return rc;
    }
    rc = odb_versions_recover(&ro->versions, err);
    if (rc != ODB_OK) {
        return rc;
    }
    ro->sequence = ro->versions.last_sequence;
    ro->wal_bytes = 0;
    ro->mem = odb_memtable_new(64 * 1024);
    if (ro->mem == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    return replay(ro, err);
}

int odb_readonly_open(const char *path, odb_readonly **out, odb_error *err) {
    int rc = odb_format_check(path, err);
    if (rc != ODB_OK) {
        return rc;
    }
    odb_readonly *ro = calloc(1, sizeof *ro);
    if (ro == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
        rc = read_once(ro, path, err);
        /* A file named by the manifest that is gone was replaced by a running
         * engine's flush or compaction: read the newer manifest. */
        if (rc == ODB_OK || (rc != ODB_BUSY && rc != ODB_IO_ERROR)) {
            break;
        }
        readonly_reset(ro);
    }
    if (rc != ODB_OK) {
        readonly_reset(ro);
        free(ro);
        return rc;
    }
    *out = ro;
    return ODB_OK;
}

void odb_readonly_close(odb_readonly *ro) {
    if (ro != NULL) {
        readonly_reset(ro);
        free(ro);
    }
}

odb_iter *odb_readonly_iter(odb_readonly *ro) {
    odb_version *v = ro->versions.current;
    int cap = 1 + v->nfiles[0] + ODB_NUM_LEVELS;
    odb_iter **children = malloc((size_t)cap * sizeof *children);
    if (children == NULL) {
        return NULL;
    }
    children[0] = odb_memtable_iter_new(ro->mem);
    if (children[0] == NULL) {
        free(children);
        return NULL;
    }
    int added = odb_version_add_iterators(v, children + 1);
    if (added < 0) {
        odb_iter_destroy(children[0]);
        free(children);
        return NULL;
    }
    odb_iter *merged = odb_merge_iter_new(children, 1 + added);
    free(children);
    if (merged == NULL) {
        return NULL;
    }
    odb_rdset_ref(ro->versions.range_dels); /* the manifest's and the WAL's range deletions */
    return odb_db_iter_new_ranged(merged, ro->sequence, ro->versions.range_dels, ro->sequence);
}

uint64_t odb_readonly_sequence(const odb_readonly *ro) { return ro->sequence; }

int odb_readonly_level(const odb_readonly *ro, int level, uint64_t *bytes) {
    if (level < 0 || level >= ODB_NUM_LEVELS) {
        return -1;
    }
    *bytes = ro->versions.current->level_bytes[level];
    return ro->versions.current->nfiles[level];
}

uint64_t odb_readonly_wal_bytes(const odb_readonly *ro) { return ro->wal_bytes; }

uint64_t odb_readonly_log_number(const odb_readonly *ro) { return ro->versions.log_number; }

uint64_t odb_readonly_next_file_number(const odb_readonly *ro) { return ro->versions.next_file_number; }
