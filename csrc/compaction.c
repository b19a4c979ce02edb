/* compaction.c - the engine's background work: flushing immutable memtables to
 * level-0 tables, picking and running compactions, writing tables, the
 * background threads, and flush and compaction on request (compaction.h;
 * db_impl.h has the map of the engine's modules). */
#define _GNU_SOURCE
#include "compaction.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "merge.h"
#include "picker.h"
#include "range_del.h"
#include "retention.h"
#include "table_cache.h"

/* ---- helpers (mu held unless said otherwise) ---- */

static odb_seq smallest_snapshot(odb_db *db) {
    /* lowered to what the history retention window needs (retention.h) */
    return odb_history_horizon(
        db, db->snapshots.next != &db->snapshots ? db->snapshots.next->sequence : db->versions.last_sequence);
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
        odb_wal_retire(db, db->imm[i].log_number); /* walarchive.h */
        odb_memtable_unref(db->imm[i].mem);
    }
    memmove(db->imm, db->imm + n, (size_t)(db->nimm - n) * sizeof db->imm[0]);
    db->nimm -= n;
    ODB_STAT_ADD(&db->stats, flushes, 1);
}

/* ---- compaction ---- */

/* Whether any level below the output level may hold user_key. */
static int key_may_exist_below(const odb_compaction *c, odb_slice user_key) {
    for (int l = c->out_level + 1; l < ODB_NUM_LEVELS; l++) {
        for (int i = 0; i < c->version->nfiles[l]; i++) {
            if (odb_file_in_range(c->version->files[l][i], &user_key, &user_key)) {
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

/* One key range of a compaction, run by one thread: user keys after lo (when has_lo) up to
 * and including hi (when has_hi). Its outputs go to its own edit. */
typedef struct subcompaction {
    odb_db *db;
    odb_compaction *c;
    odb_seq snap;
    odb_rdset *range_dels; /* applied once persisted (range_del.h); a reference of run_compaction's */
    odb_buf lo, hi;
    int has_lo, has_hi;
    odb_version_edit edit;
    uint64_t *numbers; /* every output file started, for cleanup on failure */
    int nnumbers, cap_numbers;
    int rc;
    odb_error err;
} subcompaction;

static int remember_number(subcompaction *sub, uint64_t number) {
    if (sub->nnumbers == sub->cap_numbers) {
        int cap = sub->cap_numbers ? sub->cap_numbers * 2 : 16;
        uint64_t *p = realloc(sub->numbers, (size_t)cap * sizeof *p);
        if (p == NULL) {
            return ODB_NO_MEMORY;
        }
        sub->numbers = p;
        sub->cap_numbers = cap;
    }
    sub->numbers[sub->nnumbers++] = number;
    return ODB_OK;
}

/* A merging iterator over every input of c, positioned at the first entry of the range. */
static odb_iter *subcompaction_input(subcompaction *sub, odb_error *err) {
    odb_compaction *c = sub->c;
    int n = c->ninputs[0] + c->ninputs[1];
    odb_iter **children = malloc((size_t)(n ? n : 1) * sizeof *children);
    int built = 0;
    int rc = children == NULL ? ODB_NO_MEMORY : ODB_OK;
    for (int i = 0; i < 2 && rc == ODB_OK; i++) {
        for (int j = 0; j < c->ninputs[i] && rc == ODB_OK; j++) {
            children[built] = odb_file_iter_new(c->inputs[i][j], 0);
            if (children[built] == NULL) {
                rc = ODB_NO_MEMORY;
            } else {
                built++;
            }
        }
    }
    odb_iter *it = rc == ODB_OK ? odb_merge_iter_new(children, built) : NULL;
    if (it == NULL) {
        for (int i = 0; i < built && rc != ODB_OK; i++) {
            odb_iter_destroy(children[i]);
        }
        free(children);
        odb_error_set(err, ODB_NO_MEMORY, "out of memory compacting");
        return NULL;
    }
    free(children);
    if (!sub->has_lo) {
        odb_iter_seek_first(it);
        return it;
    }
    odb_buf target;
    odb_buf_init(&target);
    if (odb_ikey_append(&target, odb_buf_slice(&sub->lo), ODB_MAX_SEQ, ODB_KIND_SEEK) != ODB_OK) {
        odb_buf_free(&target);
        odb_iter_destroy(it);
        odb_error_set(err, ODB_NO_MEMORY, "out of memory compacting");
        return NULL;
    }
    odb_iter_seek(it, odb_buf_slice(&target));
    odb_buf_free(&target);
    while (odb_iter_valid(it) && odb_slice_compare(odb_ikey_user(odb_iter_key(it)), odb_buf_slice(&sub->lo)) == 0) {
        odb_iter_next(it); /* lo itself belongs to the range before */
    }
    return it;
}

/* The body of a subcompaction (a pthread start routine, or called directly). Called without mu. */
static void *run_subcompaction(void *arg) {
    subcompaction *sub = arg;
    odb_db *db = sub->db;
    odb_compaction *c = sub->c;
    odb_seq snap = sub->snap;
    int out_level = c->out_level;
    odb_error err;
    odb_error_clear(&err);
    odb_iter *it = subcompaction_input(sub, &err);
    int rc = it != NULL ? ODB_OK : err.code;

    table_output out = {NULL, 0, {NULL, 0, 0}, {NULL, 0, 0}};
    version_filter f = {snap, {NULL, 0, 0}, 0, 0};
    odb_table_build_options bopt = odb_db_build_options(db);
    odb_buf last_user;
    odb_buf_init(&last_user);
    for (; rc == ODB_OK && odb_iter_valid(it); odb_iter_next(it)) {
        odb_slice k = odb_iter_key(it);
        odb_slice user = odb_ikey_user(k);
        if (sub->has_hi && odb_slice_compare(user, odb_buf_slice(&sub->hi)) > 0) {
            break;
        }
        if (odb_rdset_covers(sub->range_dels, user, odb_ikey_seq(k), snap, snap, 1)) {
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
            rc = finish_output(db, &out, &sub->edit, out_level, &err);
            if (rc != ODB_OK) {
                break;
            }
        }
        if (out.builder == NULL) {
            pthread_mutex_lock(&db->mu);
            out.number = odb_versions_new_file_number(&db->versions);
            pthread_mutex_unlock(&db->mu);
            if (remember_number(sub, out.number) != ODB_OK) {
                rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory");
                break;
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
        rc = finish_output(db, &out, &sub->edit, out_level, &err);
    }
    if (out.builder != NULL) {
        odb_table_builder_free(out.builder);
    }
    odb_iter_destroy(it);
    odb_buf_free(&out.smallest);
    odb_buf_free(&out.largest);
    odb_buf_free(&last_user);
    free(f.current_user.data);
    sub->rc = rc;
    sub->err = err;
    return NULL;
}

/* Splits c into up to max_background_jobs key ranges of about equal input bytes, cut at the
 * ends of output-level files; only where the work is big enough to pay for the threads.
 * Returns how many subcompactions subs[] (capacity max) describe; 1 means no split. */
static int plan_subcompactions(odb_db *db, odb_compaction *c, subcompaction *subs, int max) {
    int k = db->opt.max_background_jobs < max ? db->opt.max_background_jobs : max;
    odb_file_meta **cuts = c->inputs[1];
    int ncuts = c->ninputs[1];
    uint64_t cut_bytes = 0;
    for (int i = 0; i < ncuts; i++) {
        cut_bytes += cuts[i]->file_size;
    }
    if (k > ncuts) {
        k = ncuts;
    }
    if (k < 2 || c->input_bytes < 4 * db->opt.target_file_size_base) {
        return 1;
    }
    int n = 1;
    uint64_t acc = 0;
    for (int i = 0; i < ncuts - 1 && n < k; i++) {
        acc += cuts[i]->file_size;
        if (acc * (uint64_t)k >= cut_bytes * (uint64_t)n) {
            odb_slice key = odb_ikey_user(odb_buf_slice(&cuts[i]->largest));
            if (odb_buf_append(&subs[n - 1].hi, key.data, key.size) != ODB_OK ||
                odb_buf_append(&subs[n].lo, key.data, key.size) != ODB_OK) {
                break; /* fewer ranges: still correct */
            }
            subs[n - 1].has_hi = 1;
            subs[n].has_lo = 1;
            n++;
        }
    }
    if (n < 1) {
        n = 1;
    }
    subs[n - 1].has_hi = 0;
    return n;
}

/* Moves the one input file of c to the output level by a manifest edit. mu held. */
static void move_file(odb_db *db, odb_compaction *c) {
    odb_file_meta *f = c->inputs[0][0];
    odb_version_edit edit;
    odb_edit_init(&edit);
    odb_error err;
    odb_error_clear(&err);
    int rc = odb_edit_delete_file(&edit, c->level, f->number) == ODB_OK &&
                     odb_edit_add_file(&edit, c->out_level, f->number, f->file_size, odb_buf_slice(&f->smallest),
                                       odb_buf_slice(&f->largest)) == ODB_OK
                 ? ODB_OK
                 : odb_error_set(&err, ODB_NO_MEMORY, "out of memory");
    if (rc == ODB_OK) {
        rc = odb_versions_apply(&db->versions, &edit, &err);
    }
    if (rc != ODB_OK) {
        odb_db_set_bg_error(db, &err);
    } else {
        ODB_STAT_ADD(&db->stats, compactions, 1);
    }
    odb_edit_destroy(&edit);
}

#define MAX_SUBCOMPACTIONS 16

/* Runs c. mu held; released during the merge. */
static void run_compaction(odb_db *db, odb_compaction *c) {
    if (c->trivial_move) {
        move_file(db, c);
        return;
    }
    subcompaction subs[MAX_SUBCOMPACTIONS];
    memset(subs, 0, sizeof subs);
    odb_seq snap = smallest_snapshot(db);
    odb_rdset *range_dels = db->versions.range_dels;
    odb_rdset_ref(range_dels);
    for (int i = 0; i < MAX_SUBCOMPACTIONS; i++) {
        subs[i].db = db;
        subs[i].c = c;
        subs[i].snap = snap;
        subs[i].range_dels = range_dels;
        odb_buf_init(&subs[i].lo);
        odb_buf_init(&subs[i].hi);
        odb_edit_init(&subs[i].edit);
    }
    int n = plan_subcompactions(db, c, subs, MAX_SUBCOMPACTIONS);
    pthread_mutex_unlock(&db->mu);

    ODB_STAT_ADD(&db->stats, compaction_bytes_read, c->input_bytes);
    pthread_t threads[MAX_SUBCOMPACTIONS];
    int started[MAX_SUBCOMPACTIONS] = {0};
    for (int i = 1; i < n; i++) {
        started[i] = pthread_create(&threads[i], NULL, run_subcompaction, &subs[i]) == 0;
    }
    run_subcompaction(&subs[0]);
    for (int i = 1; i < n; i++) {
        if (started[i]) {
            pthread_join(threads[i], NULL);
        } else {
            run_subcompaction(&subs[i]); /* no thread to be had: this one does it */
        }
    }

    odb_error err;
    odb_error_clear(&err);
    int rc = ODB_OK;
    odb_version_edit edit;
    odb_edit_init(&edit);
    for (int i = 0; i < n && rc == ODB_OK; i++) {
        if (subs[i].rc != ODB_OK) {
            rc = subs[i].rc;
            err = subs[i].err;
            break;
        }
        for (int j = 0; j < subs[i].edit.nadded && rc == ODB_OK; j++) {
            odb_new_file *nf = &subs[i].edit.added[j];
            if (odb_edit_add_file(&edit, nf->level, nf->number, nf->file_size, odb_buf_slice(&nf->smallest),
                                  odb_buf_slice(&nf->largest)) != ODB_OK) {
                rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory");
            }
        }
    }

    pthread_mutex_lock(&db->mu);
    for (int i = 0; i < 2 && rc == ODB_OK; i++) {
        for (int j = 0; j < c->ninputs[i]; j++) {
            if (odb_edit_delete_file(&edit, i == 0 ? c->level : c->out_level, c->inputs[i][j]->number) != ODB_OK) {
                rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory");
                break;
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
        for (int i = 0; i < n && !tried_manifest; i++) {
            for (int j = 0; j < subs[i].nnumbers; j++) {
                char *path = odb_table_file_name(db->path, subs[i].numbers[j]);
                if (path != NULL) {
                    odb_remove_file(path, NULL);
                    free(path);
                }
            }
        }
        odb_db_set_bg_error(db, &err);
    } else {
        ODB_STAT_ADD(&db->stats, compactions, 1);
    }
    for (int i = 0; i < MAX_SUBCOMPACTIONS; i++) {
        odb_buf_free(&subs[i].lo);
        odb_buf_free(&subs[i].hi);
        odb_edit_destroy(&subs[i].edit);
        free(subs[i].numbers);
    }
    odb_edit_destroy(&edit);
    odb_rdset_unref(range_dels);
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
    odb_compaction *c = f != NULL ? calloc(1, sizeof *c) : NULL;
    if (c == NULL) {
        return 0;
    }
    c->level = level - 1; /* no inputs from level - 1: the output goes to level */
    c->out_level = level;
    c->input_bytes = f->file_size;
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
    odb_compaction_free(c);
    db->compaction_running = 0;
    pthread_cond_broadcast(&db->bg_cv);
    pthread_cond_broadcast(&db->work_cv);
    return 1;
}

/* ---- background threads ---- */

static int flush_due(odb_db *db) {
    return db->nimm > 0 && (db->flush_requested || db->nimm >= db->opt.min_write_buffer_number_to_merge);
}

/* Sleeps until signalled, or with periodic compaction on, until the next table is due (at most
 * an hour, so a clock set back does not stall it). mu held. */
static void wait_for_work(odb_db *db) {
    int64_t due = odb_periodic_next_due(db->versions.current, &db->opt, (int64_t)time(NULL));
    if (due < 0) {
        pthread_cond_wait(&db->work_cv, &db->mu);
        return;
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += due < 1 ? 1 : due > 3600 ? 3600 : (time_t)due;
    pthread_cond_timedwait(&db->work_cv, &db->mu, &until);
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
            odb_compaction *c = odb_pick_compaction(db->versions.current, &db->opt);
            if (c == NULL) {
                c = odb_pick_periodic(db->versions.current, &db->opt, (int64_t)time(NULL));
            }
            if (c != NULL) {
                db->compaction_running = 1;
                run_compaction(db, c);
                odb_compaction_free(c);
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
        wait_for_work(db);
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

int odb_compact_all(odb_db *db, odb_error *err) { return odb_compact_range(db, NULL, NULL, err); }

int odb_compact_range(odb_db *db, const odb_slice *begin, const odb_slice *end, odb_error *err) {
    int rc = odb_flush(db, err);
    if (rc != ODB_OK) {
        return rc;
    }
    pthread_mutex_lock(&db->mu);
    while (db->compaction_running && db->bg_error_code == ODB_OK) {
        pthread_cond_wait(&db->bg_cv, &db->mu);
    }
    /* This thread is the compaction that runs now: the background ones wait for it. */
    db->compaction_running = 1;
    for (int level = 0; level < ODB_NUM_LEVELS - 1 && db->bg_error_code == ODB_OK; level++) {
        int busy = 0;
        odb_compaction *c = odb_pick_range(db->versions.current, &db->opt, level, begin, end, &busy);
        if (c != NULL) {
            run_compaction(db, c);
            odb_compaction_free(c);
        }
    }
    db->compaction_running = 0;
    pthread_cond_broadcast(&db->bg_cv);
    pthread_cond_broadcast(&db->work_cv);
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
