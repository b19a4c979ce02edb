/* compaction.c - the engine's background work: flushing immutable memtables to
 * level-0 tables, picking and running compactions, writing tables, the
 * background threads, and flush and compaction on request (compaction.h;
 * db_impl.h has the map of the engine's modules). */
#define _GNU_SOURCE
#include "compaction.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "range_del.h"
#include "retention.h"

/* ---- helpers (mu held unless said otherwise) ---- */

static odb_seq smallest_snapshot(odb_db *db) {
    /* lowered to what the history retention window needs (retention.h) */
    return odb_history_horizon(
        db, db->snapshots.next != &db->snapshots ? db->snapshots.next->sequence : db->versions.last_sequence);
}

static void remove_log(odb_db *db, uint64_t number) {
    char *path = odb_log_file_name(db->path, number);
    if (path != NULL) {
        odb_remove_file(path, NULL);
        free(path);
    }
}

/* ---- writing tables (called without mu) ---- */

typedef struct table_output {
    odb_table_builder *builder;
    uint64_t number;
    odb_buf smallest, largest;
} table_output;

/* Drops versions no snapshot can see: a version is hidden when a newer version
 * of the same key is visible to every snapshot. With drop_deletes, deletion
 * markers visible to every snapshot are dropped too (nothing older remains
 * below them). */
typedef struct version_filter {
    odb_seq smallest_snapshot;
    odb_buf current_user;
    int has_current;
    odb_seq last_seq_for_key;
} version_filter;

static int filter_keep(version_filter *f, odb_slice ikey, int drop_deletes) {
    odb_slice user = odb_ikey_user(ikey);
    if (!f->has_current || odb_slice_compare(user, odb_buf_slice(&f->current_user)) != 0) {
        odb_buf_clear(&f->current_user);
        if (odb_buf_append(&f->current_user, user.data, user.size) != ODB_OK) {
            return 1; /* keeping is always safe */
        }
        f->has_current = 1;
        f->last_seq_for_key = ODB_MAX_SEQ + 1;
    }
    odb_seq seq = odb_ikey_seq(ikey);
    int keep = 1;
    if (f->last_seq_for_key <= f->smallest_snapshot) {
        keep = 0;
    } else if (drop_deletes && odb_ikey_kind(ikey) == ODB_KIND_DELETE && seq <= f->smallest_snapshot) {
        keep = 0;
    }
    f->last_seq_for_key = seq;
    return keep;
}

/* ---- flush ---- */

/* Writes the entries of it (internal keys) to one new table; *number is 0 when
 * nothing was written. Called without mu; number reserved by the caller. */
int odb_write_table(odb_db *db, odb_iter *it, uint64_t number, odb_seq smallest_snap, odb_version_edit *edit,
                    int level, odb_error *err) {
    char *path = odb_table_file_name(db->path, number);
    if (path == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    odb_table_build_options bopt = odb_db_build_options(db);
    odb_table_builder *b;
    int rc = odb_table_builder_new(path, &bopt, &b, err);
    if (rc != ODB_OK) {
        free(path);
        return rc;
    }
    version_filter f = {smallest_snap, {NULL, 0, 0}, 0, 0};
    odb_buf smallest, largest;
    odb_buf_init(&smallest);
    odb_buf_init(&largest);
    uint64_t entries = 0;
    for (odb_iter_seek_first(it); odb_iter_valid(it) && rc == ODB_OK; odb_iter_next(it)) {
        odb_slice k = odb_iter_key(it);
        if (!filter_keep(&f, k, 0)) {
            continue;
        }
        if (entries == 0 && odb_buf_append(&smallest, k.data, k.size) != ODB_OK) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
            break;
        }
        odb_buf_clear(&largest);
        if (odb_buf_append(&largest, k.data, k.size) != ODB_OK) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
            break;
        }
        rc = odb_table_builder_add(b, k, odb_iter_value(it), err);
        entries++;
    }
    if (rc == ODB_OK) {
        rc = odb_iter_status(it, err);
    }
    uint64_t size = 0;
    if (rc == ODB_OK && entries > 0) {
        rc = odb_table_builder_finish(b, &size, err);
    }
    odb_table_builder_free(b);
    if (rc == ODB_OK && entries > 0) {
        ODB_STAT_ADD(&db->stats, flush_bytes, size);
        if (odb_edit_add_file(edit, level, number, size, odb_buf_slice(&smallest), odb_buf_slice(&largest)) != ODB_OK) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        }
    }
    if (rc != ODB_OK || entries == 0) {
        odb_remove_file(path, NULL);
    }
    free(f.current_user.data);
    odb_buf_free(&smallest);
    odb_buf_free(&largest);
    free(path);
    return rc;
}

/* Flushes the oldest immutable memtables (all of them when forced). mu held;
 * released while the table is written. */
static void flush_immutables(odb_db *db) {
    int n = db->nimm;
    odb_iter *children[MAX_IMMUTABLES];
    odb_error err;
    odb_error_clear(&err);
    int built = 0;
    for (int i = 0; i < n; i++) {
        children[i] = odb_memtable_iter_new(db->imm[i].mem);
        if (children[i] == NULL) {
            break;
        }
        built++;
    }
    if (built < n) {
        for (int i = 0; i < built; i++) {
            odb_iter_destroy(children[i]);
        }
        odb_error_set(&err, ODB_NO_MEMORY, "out of memory flushing");
        odb_db_set_bg_error(db, &err);
        return;
    }
    uint64_t number = odb_versions_new_file_number(&db->versions);
    odb_seq snap = smallest_snapshot(db);
    uint64_t next_log = n < db->nimm ? db->imm[n].log_number : db->mem_log_number;
    pthread_mutex_unlock(&db->mu);

    odb_version_edit edit;
    odb_edit_init(&edit);
    odb_iter *merged = odb_merge_iter_new(children, n);
    int rc = merged ? odb_write_table(db, merged, number, snap, &edit, 0, &err)
                    : odb_error_set(&err, ODB_NO_MEMORY, "out of memory flushing");
    odb_iter_destroy(merged);

    pthread_mutex_lock(&db->mu);
    if (rc == ODB_OK) {
        edit.has_log_number = 1;
        edit.log_number = next_log;
        /* the range deletions of the flushed WALs go to the manifest with the table */
        if (odb_rdset_encode_unpersisted(db->versions.range_dels, next_log, &edit.range_dels) != ODB_OK) {
            rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory flushing");
        }
    }
    if (rc == ODB_OK) {
        rc = odb_versions_apply(&db->versions, &edit, &err);
    }
    odb_edit_destroy(&edit);
    if (rc != ODB_OK) {
        odb_db_set_bg_error(db, &err);
        return;
    }
    for (int i = 0; i < n; i++) {
        remove_log(db, db->imm[i].log_number);
        odb_memtable_unref(db->imm[i].mem);
    }
    memmove(db->imm, db->imm + n, (size_t)(db->nimm - n) * sizeof db->imm[0]);
    db->nimm -= n;
    ODB_STAT_ADD(&db->stats, flushes, 1);
}

/* ---- compaction ---- */

typedef struct compaction {
    int level; /* inputs from level and level + 1; outputs to level + 1 */
    odb_file_meta **inputs[2];
    int ninputs[2];
    odb_version *version;
} compaction;

static void compaction_free(compaction *c) {
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < c->ninputs[i]; j++) {
            c->inputs[i][j]->being_compacted = 0;
        }
        free(c->inputs[i]);
    }
    odb_version_unref(c->version);
    free(c);
}

static uint64_t max_bytes_for_level(const odb_db *db, int level) {
    uint64_t bytes = db->opt.max_bytes_for_level_base;
    for (int l = 1; l < level; l++) {
        bytes *= 10;
    }
    return bytes;
}

static int user_range_overlaps(odb_file_meta *f, odb_slice lo, odb_slice hi) {
    return odb_slice_compare(odb_ikey_user(odb_buf_slice(&f->largest)), lo) >= 0 &&
           odb_slice_compare(odb_ikey_user(odb_buf_slice(&f->smallest)), hi) <= 0;
}

/* Picks work for the background: level-0 files past the trigger go to L1;
 * otherwise the level most over its size target gives one file (round robin)
 * and the files it overlaps below. NULL when nothing is due. mu held. */
static compaction *pick_compaction(odb_db *db) {
    odb_version *v = db->versions.current;
    int level = -1;
    double best = 1.0;
    int manual = db->compact_all_level >= 0;
    if (manual) {
        for (int l = db->compact_all_level; l < ODB_NUM_LEVELS - 1; l++) {
            int deeper = 0;
            for (int m = l + 1; m < ODB_NUM_LEVELS; m++) {
                deeper |= v->nfiles[m] > 0;
            }
            if (v->nfiles[l] > 0 && (deeper || l == 0 || l < ODB_NUM_LEVELS - 1)) {
                /* move everything down until it sits in one bottom level */
                int last_nonempty = 0;
                for (int m = 0; m < ODB_NUM_LEVELS; m++) {
                    if (v->nfiles[m] > 0) {
                        last_nonempty = m;
                    }
                }
                if (l < last_nonempty || (l == 0)) {
                    level = l;
                    break;
                }
            }
        }
        if (level < 0) {
            db->compact_all_level = -1;
            pthread_cond_broadcast(&db->bg_cv);
            return NULL;
        }
        db->compact_all_level = level;
    } else {
        double score0 = (double)v->nfiles[0] / db->opt.level0_file_num_compaction_trigger;
        if (score0 >= best) {
            best = score0;
            level = 0;
        }
        for (int l = 1; l < ODB_NUM_LEVELS - 1; l++) {
            double score = (double)v->level_bytes[l] / (double)max_bytes_for_level(db, l);
            if (score > best) {
                best = score;
                level = l;
            }
        }
        if (level < 0) {
            return NULL;
        }
    }
    compaction *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->level = level;
    int n0 = v->nfiles[level], n1 = v->nfiles[level + 1];
    c->inputs[0] = malloc((size_t)(n0 ? n0 : 1) * sizeof(odb_file_meta *));
    c->inputs[1] = malloc((size_t)(n1 ? n1 : 1) * sizeof(odb_file_meta *));
    if (c->inputs[0] == NULL || c->inputs[1] == NULL) {
        free(c->inputs[0]);
        free(c->inputs[1]);
        free(c);
        return NULL;
    }
    if (level == 0 || manual) {
        for (int i = 0; i < n0; i++) {
            c->inputs[0][c->ninputs[0]++] = v->files[level][i];
        }
    } else {
        /* the first file after the compact pointer, wrapping around */
        odb_buf *ptr = &db->versions.compact_pointer[level];
        int pick = 0;
        for (int i = 0; i < n0; i++) {
            if (ptr->len == 0 || odb_ikey_compare(odb_buf_slice(&v->files[level][i]->largest), odb_buf_slice(ptr)) > 0) {
                pick = i;
                break;
            }
        }
        c->inputs[0][c->ninputs[0]++] = v->files[level][pick];
        odb_buf_clear(ptr);
        odb_buf_append(ptr, v->files[level][pick]->largest.data, v->files[level][pick]->largest.len);
    }
    odb_buf lo, hi;
    odb_buf_init(&lo);
    odb_buf_init(&hi);
    for (int i = 0; i < c->ninputs[0]; i++) {
        odb_slice s = odb_ikey_user(odb_buf_slice(&c->inputs[0][i]->smallest));
        odb_slice l = odb_ikey_user(odb_buf_slice(&c->inputs[0][i]->largest));
        if (i == 0 || odb_slice_compare(s, odb_buf_slice(&lo)) < 0) {
            odb_buf_clear(&lo);
            odb_buf_append(&lo, s.data, s.size);
        }
        if (i == 0 || odb_slice_compare(l, odb_buf_slice(&hi)) > 0) {
            odb_buf_clear(&hi);
            odb_buf_append(&hi, l.data, l.size);
        }
    }
    for (int i = 0; i < n1; i++) {
        if (user_range_overlaps(v->files[level + 1][i], odb_buf_slice(&lo), odb_buf_slice(&hi))) {
            c->inputs[1][c->ninputs[1]++] = v->files[level + 1][i];
        }
    }
    odb_buf_free(&lo);
    odb_buf_free(&hi);
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < c->ninputs[i]; j++) {
            c->inputs[i][j]->being_compacted = 1;
        }
    }
    odb_version_ref(v);
    c->version = v;
    return c;
}

/* Whether any level below the output level may hold user_key. */
static int key_may_exist_below(const compaction *c, odb_slice user_key) {
    for (int l = c->level + 2; l < ODB_NUM_LEVELS; l++) {
        for (int i = 0; i < c->version->nfiles[l]; i++) {
            if (user_range_overlaps(c->version->files[l][i], user_key, user_key)) {
                return 1;
            }
        }
    }
    return 0;
}

static int finish_output(odb_db *db, table_output *out, odb_version_edit *edit, int level, odb_error *err) {
    uint64_t size = 0;
    int rc = odb_table_builder_finish(out->builder, &size, err);
    odb_table_builder_free(out->builder);
    out->builder = NULL;
    if (rc == ODB_OK) {
        ODB_STAT_ADD(&db->stats, compaction_bytes_written, size);
        rc = odb_edit_add_file(edit, level, out->number, size, odb_buf_slice(&out->smallest),
                               odb_buf_slice(&out->largest));
        if (rc != ODB_OK) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        }
    }
    return rc;
}

/* Runs c. mu held; released during the merge. */
static void run_compaction(odb_db *db, compaction *c) {
    odb_error err;
    odb_error_clear(&err);
    int n = c->ninputs[0] + c->ninputs[1];
    odb_iter **children = malloc((size_t)(n ? n : 1) * sizeof *children);
    odb_seq snap = smallest_snapshot(db);
    odb_rdset *range_dels = db->versions.range_dels; /* applied once persisted (range_del.h) */
    odb_rdset_ref(range_dels);
    int out_level = c->level + 1;
    uint64_t *numbers = malloc(sizeof(uint64_t) * 1024);
    int nnumbers = 0;
    pthread_mutex_unlock(&db->mu);

    int rc = ODB_OK;
    odb_version_edit edit;
    odb_edit_init(&edit);
    int built = 0;
    if (children == NULL || numbers == NULL) {
        rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory compacting");
    }
    for (int i = 0; i < 2 && rc == ODB_OK; i++) {
        for (int j = 0; j < c->ninputs[i] && rc == ODB_OK; j++) {
            children[built] = odb_table_iter_new(c->inputs[i][j]->table);
            if (children[built] == NULL) {
                rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory compacting");
            } else {
                ODB_STAT_ADD(&db->stats, compaction_bytes_read, c->inputs[i][j]->file_size);
                built++;
            }
        }
    }
    odb_iter *it = NULL;
    if (rc == ODB_OK) {
        it = odb_merge_iter_new(children, built);
        if (it == NULL) {
            rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory compacting");
        }
    } else {
        for (int i = 0; i < built; i++) {
            odb_iter_destroy(children[i]);
        }
    }
    free(children);

    table_output out = {NULL, 0, {NULL, 0, 0}, {NULL, 0, 0}};
    version_filter f = {snap, {NULL, 0, 0}, 0, 0};
    odb_table_build_options bopt = odb_db_build_options(db);
    odb_buf last_user;
    odb_buf_init(&last_user);
    for (odb_iter_seek_first(it); rc == ODB_OK && odb_iter_valid(it); odb_iter_next(it)) {
        odb_slice k = odb_iter_key(it);
        odb_slice user = odb_ikey_user(k);
        if (odb_rdset_covers(range_dels, user, odb_ikey_seq(k), snap, snap, 1)) {
            continue; /* deleted by a range deletion every snapshot sees */
        }
        if (!filter_keep(&f, k, 0)) {
            continue;
        }
        if (odb_ikey_kind(k) == ODB_KIND_DELETE && odb_ikey_seq(k) <= snap && !key_may_exist_below(c, user)) {
            continue; /* nothing older below: the marker has done its job */
        }
        /* Split outputs only between user keys so levels never overlap. */
        if (out.builder != NULL && odb_table_builder_file_size(out.builder) >= db->opt.target_file_size_base &&
            odb_slice_compare(user, odb_buf_slice(&last_user)) != 0) {
            rc = finish_output(db, &out, &edit, out_level, &err);
            if (rc != ODB_OK) {
                break;
            }
        }
        if (out.builder == NULL) {
            pthread_mutex_lock(&db->mu);
            out.number = odb_versions_new_file_number(&db->versions);
            pthread_mutex_unlock(&db->mu);
            if (nnumbers < 1024) {
                numbers[nnumbers++] = out.number;
            }
            char *path = odb_table_file_name(db->path, out.number);
            rc = path ? odb_table_builder_new(path, &bopt, &out.builder, &err)
                      : odb_error_set(&err, ODB_NO_MEMORY, "out of memory");
            free(path);
            if (rc != ODB_OK) {
                out.builder = NULL;
                break;
            }
            odb_buf_clear(&out.smallest);
            odb_buf_append(&out.smallest, k.data, k.size);
        }
        odb_buf_clear(&out.largest);
        if (odb_buf_append(&out.largest, k.data, k.size) != ODB_OK ||
            (odb_buf_clear(&last_user), odb_buf_append(&last_user, user.data, user.size)) != ODB_OK) {
            rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory");
            break;
        }
        rc = odb_table_builder_add(out.builder, k, odb_iter_value(it), &err);
    }
    if (rc == ODB_OK && it != NULL) {
        rc = odb_iter_status(it, &err);
    }
    if (rc == ODB_OK && out.builder != NULL) {
        rc = finish_output(db, &out, &edit, out_level, &err);
    }
    if (out.builder != NULL) {
        odb_table_builder_free(out.builder);
    }
    odb_iter_destroy(it);
    odb_buf_free(&out.smallest);
    odb_buf_free(&out.largest);
    odb_buf_free(&last_user);
    free(f.current_user.data);
    odb_rdset_unref(range_dels);

    pthread_mutex_lock(&db->mu);
    if (rc == ODB_OK) {
        for (int i = 0; i < 2 && rc == ODB_OK; i++) {
            for (int j = 0; j < c->ninputs[i]; j++) {
                if (odb_edit_delete_file(&edit, c->level + i, c->inputs[i][j]->number) != ODB_OK) {
                    rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory");
                    break;
                }
            }
        }
    }
    int tried_manifest = rc == ODB_OK;
    if (rc == ODB_OK) {
        rc = odb_versions_apply(&db->versions, &edit, &err);
    }
    if (rc != ODB_OK) {
        /* A manifest write that failed (a failed fsync, say) may still have put the edit in the
         * file, naming these outputs: keep them; the next open removes them if it does not. */
        for (int i = 0; i < nnumbers && !tried_manifest; i++) {
            char *path = odb_table_file_name(db->path, numbers[i]);
            if (path != NULL) {
                odb_remove_file(path, NULL);
                free(path);
            }
        }
        odb_db_set_bg_error(db, &err);
    } else {
        ODB_STAT_ADD(&db->stats, compactions, 1);
    }
    free(numbers);
    odb_edit_destroy(&edit);
}

/* ---- range deletions (range_del.c) ---- */

/* Compacts one file that holds keys a range deletion covers into its own level (see
 * odb_range_dels_pick_file). 1 when it ran one. mu held; released during the merge. */
static int run_range_del_compaction(odb_db *db) {
    int level = 0;
    if (db->compaction_running) {
        return 0;
    }
    odb_file_meta *f = odb_range_dels_pick_file(db, &level);
    compaction *c = f != NULL ? calloc(1, sizeof *c) : NULL;
    if (c == NULL) {
        return 0;
    }
    c->level = level - 1; /* no inputs from level - 1: the output goes to level */
    c->inputs[0] = malloc(sizeof(odb_file_meta *));
    c->inputs[1] = malloc(sizeof(odb_file_meta *));
    if (c->inputs[0] == NULL || c->inputs[1] == NULL) {
        free(c->inputs[0]);
        free(c->inputs[1]);
        free(c);
        return 0;
    }
    c->inputs[1][c->ninputs[1]++] = f;
    f->being_compacted = 1;
    c->version = db->versions.current;
    odb_version_ref(c->version);
    db->compaction_running = 1;
    run_compaction(db, c);
    compaction_free(c);
    db->compaction_running = 0;
    pthread_cond_broadcast(&db->bg_cv);
    pthread_cond_broadcast(&db->work_cv);
    return 1;
}

/* ---- background threads ---- */

static int flush_due(odb_db *db) {
    return db->nimm > 0 && (db->flush_requested || db->nimm >= db->opt.min_write_buffer_number_to_merge);
}

void *odb_background_main(void *arg) {
    odb_db *db = arg;
    pthread_mutex_lock(&db->mu);
    while (!db->shutting_down) {
        if (db->bg_error_code != ODB_OK) {
            pthread_cond_wait(&db->work_cv, &db->mu);
            continue;
        }
        if (!db->flush_running && flush_due(db)) {
            db->flush_running = 1;
            flush_immutables(db);
            if (db->nimm == 0) {
                db->flush_requested = 0;
            }
            db->flush_running = 0;
            pthread_cond_broadcast(&db->bg_cv);
            pthread_cond_broadcast(&db->work_cv);
            continue;
        }
        if (!db->compaction_running) {
            compaction *c = pick_compaction(db);
            if (c != NULL) {
                db->compaction_running = 1;
                run_compaction(db, c);
                compaction_free(c);
                db->compaction_running = 0;
                pthread_cond_broadcast(&db->bg_cv);
                pthread_cond_broadcast(&db->work_cv);
                continue;
            }
        }
        if (odb_range_dels_collect(db) || run_range_del_compaction(db)) {
            pthread_cond_broadcast(&db->bg_cv);
            continue;
        }
        pthread_cond_wait(&db->work_cv, &db->mu);
    }
    pthread_mutex_unlock(&db->mu);
    return NULL;
}

/* ---- flush and compaction on request ---- */

int odb_flush(odb_db *db, odb_error *err) {
    int rc = odb_write(db, NULL, 0, err); /* a NULL batch switches the memtable in write order */
    if (rc != ODB_OK) {
        return rc;
    }
    pthread_mutex_lock(&db->mu);
    db->flush_requested = 1;
    pthread_cond_broadcast(&db->work_cv);
    while (db->nimm > 0 && db->bg_error_code == ODB_OK) {
        pthread_cond_wait(&db->bg_cv, &db->mu);
    }
    rc = db->bg_error_code != ODB_OK ? odb_db_report_bg_error(db, err) : ODB_OK;
    pthread_mutex_unlock(&db->mu);
    return rc;
}

int odb_compact_all(odb_db *db, odb_error *err) {
    int rc = odb_flush(db, err);
    if (rc != ODB_OK) {
        return rc;
    }
    pthread_mutex_lock(&db->mu);
    while (db->compaction_running) {
        pthread_cond_wait(&db->bg_cv, &db->mu);
    }
    db->compact_all_level = 0;
    pthread_cond_broadcast(&db->work_cv);
    while (db->compact_all_level >= 0 && db->bg_error_code == ODB_OK) {
        pthread_cond_wait(&db->bg_cv, &db->mu);
    }
    odb_range_dels_drop_scanned(db);
    odb_range_dels_collect(db);
    for (;;) {
        while (db->compaction_running) {
            pthread_cond_wait(&db->bg_cv, &db->mu);
        }
        if (!run_range_del_compaction(db)) {
            break;
        }
    }
    odb_range_dels_collect(db);
    rc = db->bg_error_code != ODB_OK ? odb_db_report_bg_error(db, err) : ODB_OK;
    pthread_mutex_unlock(&db->mu);
    return rc;
}

/* ---- range deletions (range_del.c) ---- */

odb_seq odb_compaction_horizon(odb_db *db) { return smallest_snapshot(db); }
