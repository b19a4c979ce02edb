/* db.c - the engine's handle (db.h): options, open and close, point reads and
 * multi-gets through a pinned read view, iterators, snapshots, properties and
 * statistics. The write path, background flush and compaction, ingestion and
 * WAL recovery are modules of their own; db_impl.h has the map. */
#define _GNU_SOURCE
#include "db_impl.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "compaction.h"
#include "db_iter.h"
#include "env.h"
#include "format.h"
#include "log.h"
#include "lz4.h"
#include "memtable.h"
#include "merge.h"
#include "range_del.h"
#include "recovery.h"
#include "retention.h"
#include "stats.h"
#include "table.h"
#include "table_cache.h"
#include "version.h"

/* ---- options ---- */

void odb_options_init(odb_options *o) {
    memset(o, 0, sizeof *o);
    o->create_if_missing = 1;
    o->enable_wal = 1;
    o->write_buffer_size = 64u << 20;
    o->max_write_buffer_number = 2;
    o->min_write_buffer_number_to_merge = 1;
    o->level0_file_num_compaction_trigger = 4;
    o->level0_slowdown_writes_trigger = 20;
    o->level0_stop_writes_trigger = 36;
    o->target_file_size_base = 64u << 20;
    o->max_bytes_for_level_base = 256u << 20;
    o->max_background_jobs = 2;
    o->block_cache_size = 32u << 20;
    o->bloom_filter_bits_per_key = 10;
    o->compression = ODB_COMPRESSION_LZ4;
    o->allow_concurrent_memtable_write = 1;
    o->block_size = 4096;
    o->block_restart_interval = 16;
    o->max_open_files = -1;
}

int odb_options_validate(const odb_options *o, odb_error *err) {
#define REQUIRE(cond, ...)                                                                         \
    if (!(cond)) {                                                                                 \
        return odb_error_set(err, ODB_INVALID_ARGUMENT, __VA_ARGS__);                              \
    }
    REQUIRE(o->write_buffer_size >= 4096, "write_buffer_size must be at least 4096 bytes");
    REQUIRE(o->max_write_buffer_number >= 2 && o->max_write_buffer_number <= MAX_IMMUTABLES,
            "max_write_buffer_number must be between 2 and %d", MAX_IMMUTABLES);
    REQUIRE(o->min_write_buffer_number_to_merge >= 1 &&
                o->min_write_buffer_number_to_merge < o->max_write_buffer_number,
            "min_write_buffer_number_to_merge must be at least 1 and less than max_write_buffer_number");
    REQUIRE(o->level0_file_num_compaction_trigger >= 1, "level0_file_num_compaction_trigger must be at least 1");
    REQUIRE(o->level0_slowdown_writes_trigger >= o->level0_file_num_compaction_trigger,
            "level0_slowdown_writes_trigger must be >= level0_file_num_compaction_trigger");
    REQUIRE(o->level0_stop_writes_trigger >= o->level0_slowdown_writes_trigger,
            "level0_stop_writes_trigger must be >= level0_slowdown_writes_trigger");
    REQUIRE(o->target_file_size_base >= 4096, "target_file_size_base must be at least 4096 bytes");
    REQUIRE(o->max_bytes_for_level_base >= 4096, "max_bytes_for_level_base must be at least 4096 bytes");
    REQUIRE(o->max_background_jobs >= 1 && o->max_background_jobs <= 64, "max_background_jobs must be 1..64");
    REQUIRE(o->bloom_filter_bits_per_key >= 0 && o->bloom_filter_bits_per_key <= 64,
            "bloom_filter_bits_per_key must be 0..64");
    REQUIRE(o->compression == ODB_COMPRESSION_NONE || o->compression == ODB_COMPRESSION_LZ4,
            "compression_type must be lz4 or none");
    REQUIRE(o->block_size >= 256 && o->block_size <= (64u << 20), "block_size must be 256 bytes .. 64 MiB");
    REQUIRE(o->block_restart_interval >= 1 && o->block_restart_interval <= 1024,
            "block_restart_interval must be 1..1024");
    REQUIRE(o->max_open_files == -1 || o->max_open_files >= 2 * ODB_NON_TABLE_FILES,
            "max_open_files must be -1 (unbounded) or at least %d", 2 * ODB_NON_TABLE_FILES);
    REQUIRE(o->periodic_compaction_seconds <= ODB_MAX_PERIODIC_COMPACTION_SECONDS,
            "periodic_compaction_seconds must be at most %llu (100 years)",
            (unsigned long long)ODB_MAX_PERIODIC_COMPACTION_SECONDS);
    REQUIRE(!o->pin_l0_filter_and_index_blocks || o->cache_index_and_filter_blocks,
            "pin_l0_filter_and_index_blocks needs cache_index_and_filter_blocks");
#undef REQUIRE
    return ODB_OK;
}

size_t odb_lz4_compress_bound(size_t n) { return odb_lz4_bound(n); }

/* ---- helpers (mu held unless said otherwise) ---- */

/* Removes every file the current state does not need: leftovers of a crash
 * (unfinished tables, temp files), flushed logs and old manifests. */
static void remove_obsolete_files(odb_db *db) {
    DIR *d = opendir(db->path);
    if (d == NULL) {
        return;
    }
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        uint64_t number = 0;
        int type = odb_parse_file_name(ent->d_name, &number);
        int keep = 1;
        switch (type) {
        case ODB_FILE_TABLE: keep = odb_versions_is_live(&db->versions, number); break;
        case ODB_FILE_LOG:
            if (number < db->versions.log_number) {
                odb_wal_retire(db, number); /* archived first when wal_archive_dir is set */
            }
            break;
        case ODB_FILE_MANIFEST: keep = number >= db->versions.manifest_number; break;
        case ODB_FILE_TEMP: keep = 0; break;
        default: break;
        }
        if (!keep) {
            char *p = odb_path_join(db->path, ent->d_name);
            if (p != NULL) {
                odb_remove_file(p, NULL);
                free(p);
            }
        }
    }
    closedir(d);
}

/* ---- reads ---- */

int odb_get(odb_db *db, odb_slice key, const odb_snapshot *snapshot, odb_buf *value, odb_error *err) {
    return odb_get_version(db, key, snapshot, value, NULL, err);
}

/* What a point read looks at, pinned once: the memtables (newest first), the current version,
 * and the sequence it reads at. Several reads through one view see one state of the database. */
typedef struct read_view {
    odb_memtable *mems[MAX_IMMUTABLES + 1];
    int nmem;
    odb_version *v;
    odb_seq seq;
    odb_rdset *dels; /* NULL when there is no range deletion: reads pay nothing for them */
    odb_seq visible; /* the newest published sequence when pinned */
} read_view;

static void read_view_pin(odb_db *db, const odb_snapshot *snapshot, read_view *rv) {
    pthread_mutex_lock(&db->mu);
    rv->seq = snapshot != NULL ? snapshot->sequence : db->visible_sequence;
    rv->nmem = 0;
    rv->mems[rv->nmem++] = db->mem;
    for (int i = db->nimm - 1; i >= 0; i--) {
        rv->mems[rv->nmem++] = db->imm[i].mem;
    }
    for (int i = 0; i < rv->nmem; i++) {
        odb_memtable_ref(rv->mems[i]);
    }
    rv->v = db->versions.current;
    odb_version_ref(rv->v);
    rv->dels = db->versions.range_dels->n > 0 ? db->versions.range_dels : NULL;
    rv->visible = snapshot != NULL && snapshot->past ? snapshot->sequence : db->visible_sequence;
    if (rv->dels != NULL) {
        odb_rdset_ref(rv->dels);
    }
    pthread_mutex_unlock(&db->mu);
}

static void read_view_unpin(read_view *rv) {
    for (int i = 0; i < rv->nmem; i++) {
        odb_memtable_unref(rv->mems[i]);
    }
    odb_version_unref(rv->v);
    odb_rdset_unref(rv->dels);
}

static int read_view_get(odb_db *db, const read_view *rv, odb_slice key, odb_buf *value, odb_seq *version,
                         odb_error *err) {
    if (version != NULL) {
        *version = 0;
    }
    char stack[256];
    odb_buf lookup;
    odb_buf_init(&lookup);
    odb_slice lk;
    if (key.size + ODB_TRAILER_SIZE <= sizeof stack) {
        memcpy(stack, key.data, key.size);
        odb_encode_fixed64(stack + key.size, odb_pack_trailer(rv->seq, ODB_KIND_SEEK));
        lk = odb_slice_make(stack, key.size + ODB_TRAILER_SIZE);
    } else if (odb_ikey_append(&lookup, key, rv->seq, ODB_KIND_SEEK) == ODB_OK) {
        lk = odb_buf_slice(&lookup);
    } else {
        lk = odb_slice_make(NULL, 0);
    }
    int rc = ODB_NOT_FOUND;
    if (lk.data == NULL) {
        rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    odb_seq found_seq = 0;
    odb_seq *seq_out = rv->dels != NULL ? &found_seq : version;
    for (int i = 0; i < rv->nmem && rc == ODB_NOT_FOUND; i++) {
        int deleted = 0;
        int got = odb_memtable_get(rv->mems[i], lk, &deleted, value, seq_out);
        if (got < 0) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        } else if (got > 0) {
            if (rv->dels != NULL) {
                odb_seq by = odb_rdset_covers(rv->dels, key, found_seq, rv->seq, rv->visible, UINT64_MAX);
                if (by != 0) {
                    deleted = 1;
                    found_seq = by; /* the deletion is the version read */
                }
                if (version != NULL) {
                    *version = found_seq;
                }
            }
            rc = deleted ? ODB_NOT_FOUND : ODB_OK;
            ODB_STAT_ADD(&db->stats, memtable_hit, 1);
            goto done;
        }
    }
    if (rc == ODB_NOT_FOUND) {
        ODB_STAT_ADD(&db->stats, memtable_miss, 1);
        int found = 0;
        odb_buf ikey;
        odb_buf_init(&ikey);
        rc = odb_version_get(rv->v, lk, &found, &ikey, value, err);
        if (rc == ODB_OK) {
            odb_seq by = found ? odb_rdset_covers(rv->dels, key, odb_ikey_seq(odb_buf_slice(&ikey)), rv->seq,
                                                  rv->visible, UINT64_MAX)
                               : 0;
            if (found && version != NULL) {
                *version = by != 0 ? by : odb_ikey_seq(odb_buf_slice(&ikey));
            }
            rc = (found && by == 0 && odb_ikey_kind(odb_buf_slice(&ikey)) == ODB_KIND_VALUE) ? ODB_OK : ODB_NOT_FOUND;
        }
        odb_buf_free(&ikey);
    }
done:
    if (rc == ODB_OK) {
        ODB_STAT_ADD(&db->stats, keys_read, 1);
        ODB_STAT_ADD(&db->stats, bytes_read, value->len);
    }
    odb_buf_free(&lookup);
    return rc;
}

int odb_get_version(odb_db *db, odb_slice key, const odb_snapshot *snapshot, odb_buf *value, odb_seq *version,
                    odb_error *err) {
    read_view rv;
    read_view_pin(db, snapshot, &rv);
    int rc = read_view_get(db, &rv, key, value, version, err);
    read_view_unpin(&rv);
    return rc;
}

int odb_multi_get(odb_db *db, const odb_slice *keys, size_t n, const odb_snapshot *snapshot, odb_buf *values,
                  int64_t *sizes, odb_error *err) {
    read_view rv;
    odb_buf one;
    odb_buf_init(&one);
    read_view_pin(db, snapshot, &rv);
    int rc = ODB_OK;
    for (size_t i = 0; i < n && rc == ODB_OK; i++) {
        int got = read_view_get(db, &rv, keys[i], &one, NULL, err);
        if (got == ODB_NOT_FOUND) {
            sizes[i] = -1;
        } else if (got != ODB_OK) {
            rc = got;
        } else if (odb_buf_append(values, one.data, one.len) != ODB_OK) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        } else {
            sizes[i] = (int64_t)one.len;
        }
    }
    read_view_unpin(&rv);
    odb_buf_free(&one);
    return rc;
}

odb_iter *odb_db_iter(odb_db *db, const odb_snapshot *snapshot) {
    return odb_db_iter_filling(db, snapshot, ODB_FILL_LRU);
}

odb_iter *odb_db_iter_filling(odb_db *db, const odb_snapshot *snapshot, int fill) {
    pthread_mutex_lock(&db->mu);
    odb_seq seq = snapshot != NULL ? snapshot->sequence : db->visible_sequence;
    odb_version *v = db->versions.current;
    odb_rdset *dels = db->versions.range_dels->n > 0 ? db->versions.range_dels : NULL;
    odb_seq db_visible = snapshot != NULL && snapshot->past ? snapshot->sequence : db->visible_sequence;
    if (dels != NULL) {
        odb_rdset_ref(dels);
    }
    int cap = 1 + db->nimm + v->nfiles[0] + ODB_NUM_LEVELS;
    odb_iter **children = malloc((size_t)cap * sizeof *children);
    int n = 0;
    if (children != NULL) {
        children[n] = odb_memtable_iter_new(db->mem);
        n += children[n] != NULL;
        for (int i = db->nimm - 1; i >= 0 && n == 1 + (db->nimm - 1 - i); i--) {
            children[n] = odb_memtable_iter_new(db->imm[i].mem);
            n += children[n] != NULL;
        }
        if (n == 1 + db->nimm) {
            int added = odb_version_add_iterators_filling(v, children + n, fill);
            if (added >= 0) {
                n += added;
            } else {
                n = -n; /* mark failure, keep count for cleanup */
            }
        } else {
            n = -n;
        }
    }
    pthread_mutex_unlock(&db->mu);
    if (children == NULL) {
        odb_rdset_unref(dels);
        return NULL;
    }
    if (n < 0) {
        for (int i = 0; i < -n; i++) {
            odb_iter_destroy(children[i]);
        }
        free(children);
        odb_rdset_unref(dels);
        return NULL;
    }
    odb_iter *merged = odb_merge_iter_new(children, n);
    free(children);
    if (merged == NULL) {
        odb_rdset_unref(dels);
        return NULL;
    }
    return odb_db_iter_new_ranged(merged, seq, dels, db_visible);
}

/* ---- snapshots ---- */

odb_snapshot *odb_snapshot_new(odb_db *db) {
    odb_snapshot *s = malloc(sizeof *s);
    if (s == NULL) {
        return NULL;
    }
    pthread_mutex_lock(&db->mu);
    s->sequence = db->visible_sequence;
    s->past = 0;
    s->next = &db->snapshots;
    s->prev = db->snapshots.prev;
    s->prev->next = s;
    db->snapshots.prev = s;
    pthread_mutex_unlock(&db->mu);
    return s;
}

void odb_snapshot_release(odb_db *db, odb_snapshot *s) {
    if (s == NULL) {
        return;
    }
    pthread_mutex_lock(&db->mu);
    s->prev->next = s->next;
    s->next->prev = s->prev;
    if (db->versions.range_dels != NULL && db->versions.range_dels->n > 0) {
        pthread_cond_broadcast(&db->work_cv); /* the horizon moved: range deletions may drop files */
    }
    pthread_mutex_unlock(&db->mu);
    free(s);
}

/* ---- open and close ---- */

static void db_free(odb_db *db) {
    if (db->log != NULL) {
        odb_log_writer_close(db->log, NULL);
    }
    for (int i = 0; i < db->nimm; i++) {
        odb_memtable_unref(db->imm[i].mem);
    }
    odb_memtable_unref(db->mem);
    if (db->range_del_seen_version != NULL) {
        odb_version_unref(db->range_del_seen_version);
    }
    odb_rdset_unref(db->range_del_seen_set);
    odb_history_close(db);
    odb_wal_archive_close(db);
    odb_table_cache *tcache = db->versions.tcache;
    odb_versions_destroy(&db->versions); /* closes every table first */
    odb_table_cache_free(tcache);
    if (db->cache != NULL) {
        odb_cache_free(db->cache);
    }
    odb_batch_destroy(&db->group_batch);
    odb_unlock_dir(db->lock);
    pthread_mutex_destroy(&db->mu);
    pthread_cond_destroy(&db->bg_cv);
    pthread_cond_destroy(&db->work_cv);
    pthread_cond_destroy(&db->publish_cv);
    free(db->threads);
    free(db->path);
    free(db);
}

int odb_open(const char *path, const odb_options *opt, odb_db **out, odb_error *err) {
    int rc = odb_options_validate(opt, err);
    if (rc != ODB_OK) {
        return rc;
    }
    odb_db *db = calloc(1, sizeof *db);
    if (db == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    db->opt = *opt;
    db->stats.enabled = opt->enable_statistics;
    db->snapshots.next = db->snapshots.prev = &db->snapshots;
    pthread_mutex_init(&db->mu, NULL);
    pthread_cond_init(&db->bg_cv, NULL);
    pthread_cond_init(&db->work_cv, NULL);
    pthread_cond_init(&db->publish_cv, NULL);
    db->path = malloc(strlen(path) + 1);
    if (db->path == NULL || odb_batch_init(&db->group_batch) != ODB_OK) {
        free(db->path);
        free(db);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    strcpy(db->path, path);

    if (opt->create_if_missing) {
        rc = odb_mkdirs(path, err);
    } else if (!odb_file_exists(path)) {
        rc = odb_error_set(err, ODB_INVALID_ARGUMENT, "database %s does not exist (create_if_missing is false)", path);
    }
    if (rc == ODB_OK) {
        rc = odb_lock_dir(path, &db->lock, err);
    }
    if (rc == ODB_OK) {
        db->cache = odb_cache_new(opt->block_cache_size);
        if (db->cache == NULL) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory creating the block cache");
        }
    }
    if (rc == ODB_OK) {
        odb_table_open_options topt;
        topt.cache = db->cache;
        topt.cache_index_and_filter = opt->cache_index_and_filter_blocks;
        topt.pin_index_and_filter = opt->pin_l0_filter_and_index_blocks;
        topt.stats = &db->stats;
        rc = odb_versions_init(&db->versions, path, &topt, err);
        int oom = 0;
        if (rc == ODB_OK) {
            db->versions.tcache = odb_table_cache_new(opt->max_open_files, &topt, &oom);
        }
        if (oom) {
            odb_versions_destroy(&db->versions);
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory creating the table cache");
        }
    }
    if (rc != ODB_OK) {
        if (db->cache != NULL) {
            odb_cache_free(db->cache);
        }
        odb_unlock_dir(db->lock);
        odb_batch_destroy(&db->group_batch);
        free(db->path);
        free(db);
        return rc;
    }

    char *current = odb_path_join(path, "CURRENT");
    int exists = current != NULL && odb_file_exists(current);
    free(current);
    if (exists) {
        rc = opt->error_if_exists ? odb_error_set(err, ODB_INVALID_ARGUMENT, "database %s already exists", path)
                                  : odb_format_check(path, err); /* format.h: before anything is written */
        if (rc == ODB_OK) {
            rc = odb_versions_recover(&db->versions, err);
        }
    } else if (!opt->create_if_missing) {
        rc = odb_error_set(err, ODB_INVALID_ARGUMENT, "%s holds no database (create_if_missing is false)", path);
    }
    odb_version_edit edit;
    odb_edit_init(&edit);
    if (rc == ODB_OK) {
        rc = odb_versions_write_snapshot(&db->versions, err);
    }
    if (rc == ODB_OK) {
        /* a directory made before FORMAT existed is in format 1's layout */
        rc = odb_format_stamp(path, exists ? 1 : ODB_ENGINE_FORMAT, err);
    }
    if (rc == ODB_OK) {
        rc = odb_format_read(path, &db->format_version, err);
    }
    if (rc == ODB_OK) {
        rc = odb_wal_archive_open(db, err);
        db->opt.wal_archive_dir = db->archive.dir; /* the caller's string may not outlive the open */
    }
    if (rc == ODB_OK && (db->opt.history_retention_seconds > 0 || db->archive.dir != NULL)) {
        rc = odb_format_note_new_records(path, &db->format_version, err); /* time records follow */
    }
    if (rc == ODB_OK) {
        rc = odb_history_open(db, err);
    }
    if (rc == ODB_OK) {
        rc = odb_replay_logs(db, &edit, err);
    }
    if (rc == ODB_OK) {
        rc = odb_history_recovered(db, err);
    }
    if (rc == ODB_OK && db->versions.range_dels->n > 0) {
        /* written by an engine that had range deletions but still said format 1 */
        rc = odb_format_note_new_records(path, &db->format_version, err);
    }
    if (rc == ODB_OK) {
        db->mem = odb_memtable_new(odb_db_arena_block_size(db));
        db->mem_log_number = odb_versions_new_file_number(&db->versions);
        if (db->mem == NULL) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        }
    }
    if (rc == ODB_OK && opt->enable_wal) {
        char *log_path = odb_log_file_name(path, db->mem_log_number);
        rc = log_path ? odb_log_writer_open(log_path, &db->log, err)
                      : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        free(log_path);
    }
    if (rc == ODB_OK) {
        edit.has_log_number = 1;
        edit.log_number = db->mem_log_number;
        rc = odb_versions_apply(&db->versions, &edit, err);
    }
    odb_edit_destroy(&edit);
    if (rc == ODB_OK) {
        db->visible_sequence = db->versions.last_sequence;
        remove_obsolete_files(db);
        db->threads = calloc((size_t)opt->max_background_jobs, sizeof(pthread_t));
        if (db->threads == NULL) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        }
    }
    for (int i = 0; rc == ODB_OK && i < opt->max_background_jobs; i++) {
        if (pthread_create(&db->threads[i], NULL, odb_background_main, db) != 0) {
            rc = odb_error_set(err, ODB_IO_ERROR, "cannot start a background thread");
            break;
        }
        db->nthreads++;
    }
    if (rc != ODB_OK) {
        odb_close(db, NULL);
        return rc;
    }
    pthread_mutex_lock(&db->mu);
    pthread_cond_broadcast(&db->work_cv); /* compactions may be due already */
    pthread_mutex_unlock(&db->mu);
    *out = db;
    return ODB_OK;
}

int odb_close(odb_db *db, odb_error *err) {
    (void)err;
    pthread_mutex_lock(&db->mu);
    db->shutting_down = 1;
    pthread_cond_broadcast(&db->work_cv);
    pthread_mutex_unlock(&db->mu);
    for (int i = 0; i < db->nthreads; i++) {
        pthread_join(db->threads[i], NULL);
    }
    int rc = ODB_OK;
    if (db->log != NULL) {
        rc = odb_log_writer_close(db->log, err);
        db->log = NULL;
    }
    db_free(db);
    return rc;
}

/* ---- properties and statistics ---- */

static const char *const stat_names[] = {
#define ODB_STAT_NAME(name) #name,
    ODB_STATS_FIELDS(ODB_STAT_NAME)
#undef ODB_STAT_NAME
};

int odb_stats_read(odb_db *db, const char **names, uint64_t *values, int max) {
    int i = 0;
#define ODB_STAT_READ(name)                                                                        \
    if (i < max) {                                                                                 \
        names[i] = stat_names[i];                                                                  \
        values[i] = atomic_load_explicit(&db->stats.name, memory_order_relaxed);                  \
        i++;                                                                                       \
    }
    ODB_STATS_FIELDS(ODB_STAT_READ)
#undef ODB_STAT_READ
    return i;
}

static char *format_stats(odb_db *db) {
    odb_buf b;
    odb_buf_init(&b);
    char line[256];
    pthread_mutex_lock(&db->mu);
    odb_version *v = db->versions.current;
    int n = snprintf(line, sizeof line, "** orbitdb stats **\nLevel  Files  Size(MB)\n");
    odb_buf_append(&b, line, (size_t)n);
    for (int l = 0; l < ODB_NUM_LEVELS; l++) {
        n = snprintf(line, sizeof line, "L%-5d %5d  %8.2f\n", l, v->nfiles[l], (double)v->level_bytes[l] / 1048576.0);
        odb_buf_append(&b, line, (size_t)n);
    }
    n = snprintf(line, sizeof line, "memtables: active %zu bytes, immutable %d\nlast sequence: %llu\n",
                 odb_memtable_memory_usage(db->mem), db->nimm, (unsigned long long)db->versions.last_sequence);
    odb_buf_append(&b, line, (size_t)n);
    pthread_mutex_unlock(&db->mu);
    n = snprintf(line, sizeof line, "block cache: capacity %zu, usage %zu, pinned %zu\n", odb_cache_capacity(db->cache),
                 odb_cache_usage(db->cache), odb_cache_pinned_usage(db->cache));
    odb_buf_append(&b, line, (size_t)n);
    if (db->stats.enabled) {
        const char *names[64];
        uint64_t values[64];
        int count = odb_stats_read(db, names, values, 64);
        for (int i = 0; i < count; i++) {
            n = snprintf(line, sizeof line, "%s: %llu\n", names[i], (unsigned long long)values[i]);
            odb_buf_append(&b, line, (size_t)n);
        }
    } else {
        const char *off = "statistics: disabled (open with enable_statistics)\n";
        odb_buf_append(&b, off, strlen(off));
    }
    odb_buf_append(&b, "", 1);
    return b.data;
}

char *odb_property(odb_db *db, const char *name) {
    if (strncmp(name, "orbitdb.history", strlen("orbitdb.history")) == 0) {
        return odb_history_property(db, name);
    }
    if (strcmp(name, "orbitdb.stats") == 0) {
        return format_stats(db);
    }
    if (strcmp(name, "orbitdb.wal-archive") == 0) {
        return odb_wal_archive_property(db, name);
    }
    if (strcmp(name, "orbitdb.engine-format") == 0) {
        char text[32];
        pthread_mutex_lock(&db->mu);
        snprintf(text, sizeof text, "%d", db->format_version);
        pthread_mutex_unlock(&db->mu);
        return strdup(text);
    }
    char buf[64];
    int level;
    const char *prefix = "orbitdb.num-files-at-level";
    if (strncmp(name, prefix, strlen(prefix)) == 0 && sscanf(name + strlen(prefix), "%d", &level) == 1 &&
        level >= 0 && level < ODB_NUM_LEVELS) {
        pthread_mutex_lock(&db->mu);
        snprintf(buf, sizeof buf, "%d", db->versions.current->nfiles[level]);
        pthread_mutex_unlock(&db->mu);
    } else if (strncmp(name, "orbitdb.bytes-at-level", 22) == 0 && sscanf(name + 22, "%d", &level) == 1 &&
               level >= 0 && level < ODB_NUM_LEVELS) { /* `orbitdb stats` */
        pthread_mutex_lock(&db->mu);
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)db->versions.current->level_bytes[level]);
        pthread_mutex_unlock(&db->mu);
    } else if (strcmp(name, "orbitdb.cur-size-all-mem-tables") == 0) {
        pthread_mutex_lock(&db->mu);
        size_t total = odb_memtable_memory_usage(db->mem);
        for (int i = 0; i < db->nimm; i++) {
            total += odb_memtable_memory_usage(db->imm[i].mem);
        }
        pthread_mutex_unlock(&db->mu);
        snprintf(buf, sizeof buf, "%zu", total);
    } else if (strcmp(name, "orbitdb.total-sst-files-size") == 0) {
        pthread_mutex_lock(&db->mu);
        uint64_t total = 0;
        for (int l = 0; l < ODB_NUM_LEVELS; l++) {
            total += db->versions.current->level_bytes[l];
        }
        pthread_mutex_unlock(&db->mu);
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)total);
    } else if (strcmp(name, "orbitdb.num-range-deletions") == 0) {
        pthread_mutex_lock(&db->mu);
        snprintf(buf, sizeof buf, "%d", db->versions.range_dels->n);
        pthread_mutex_unlock(&db->mu);
    } else if (strcmp(name, "orbitdb.block-cache-usage") == 0) {
        snprintf(buf, sizeof buf, "%zu", odb_cache_usage(db->cache));
    } else if (strcmp(name, "orbitdb.wal-tail-dropped-bytes") == 0) {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)db->wal_tail_dropped_bytes);
    } else if (strcmp(name, "orbitdb.wal-tail-dropped") == 0) {
        char *note = malloc(strlen(db->wal_tail_dropped) + 1);
        if (note != NULL) {
            strcpy(note, db->wal_tail_dropped);
        }
        return note;
    } else {
        return NULL;
    }
    char *p = malloc(strlen(buf) + 1);
    if (p != NULL) {
        strcpy(p, buf);
    }
    return p;
}
