/* range_del.c - range deletions (range_del.h): the copy-on-write set of live
 * deletions, their manifest fields, and the background step that drops the
 * table files they wholly cover and the deletions nothing is left under. */
#include "range_del.h"

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "compaction.h"
#include "db_impl.h"
#include "table_cache.h"

/* ---- the set ---- */

static odb_rdset *set_alloc(int n) {
    odb_rdset *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return NULL;
    }
    if (n > 0) {
        s->dels = calloc((size_t)n, sizeof *s->dels);
        if (s->dels == NULL) {
            free(s);
            return NULL;
        }
    }
    atomic_init(&s->refs, 1);
    return s;
}

static void set_free(odb_rdset *s) {
    for (int i = 0; i < s->n; i++) {
        odb_buf_free(&s->dels[i].start);
        odb_buf_free(&s->dels[i].end);
    }
    free(s->dels);
    free(s);
}

odb_rdset *odb_rdset_new(void) { return set_alloc(0); }

void odb_rdset_ref(odb_rdset *s) { atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed); }

void odb_rdset_unref(odb_rdset *s) {
    if (s != NULL && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1) {
        set_free(s);
    }
}

static int del_copy(odb_range_del *dst, const odb_range_del *src) {
    *dst = *src;
    odb_buf_init(&dst->start);
    odb_buf_init(&dst->end);
    if (odb_buf_append(&dst->start, src->start.data, src->start.len) != ODB_OK ||
        odb_buf_append(&dst->end, src->end.data, src->end.len) != ODB_OK) {
        odb_buf_free(&dst->start);
        odb_buf_free(&dst->end);
        return ODB_NO_MEMORY;
    }
    return ODB_OK;
}

/* A copy of s with room for extra more deletions; NULL on out-of-memory. */
static odb_rdset *set_copy(const odb_rdset *s, int extra) {
    odb_rdset *c = set_alloc(s->n + extra);
    if (c == NULL) {
        return NULL;
    }
    for (int i = 0; i < s->n; i++) {
        if (del_copy(&c->dels[i], &s->dels[i]) != ODB_OK) {
            set_free(c);
            return NULL;
        }
        c->n++;
    }
    return c;
}

static void set_replace(odb_rdset **s, odb_rdset *c) {
    odb_rdset_unref(*s);
    *s = c;
}

static int in_range(const odb_range_del *d, odb_slice user_key) {
    return odb_slice_compare(user_key, odb_buf_slice(&d->start)) >= 0 &&
           odb_slice_compare(user_key, odb_buf_slice(&d->end)) < 0;
}

odb_seq odb_rdset_covers_slow(const odb_rdset *s, odb_slice user_key, odb_seq key_seq, odb_seq read_seq,
                              odb_seq visible, uint64_t log_limit) {
    for (int i = s->n - 1; i >= 0; i--) {
        const odb_range_del *d = &s->dels[i];
        if (d->seq <= key_seq) {
            break; /* by sequence: every deletion further back is older than the version */
        }
        if ((d->seq <= read_seq || (d->all_snapshots && d->seq <= visible)) && d->log_number < log_limit &&
            in_range(d, user_key)) {
            return d->seq;
        }
    }
    return 0;
}

static int find_seq(const odb_rdset *s, odb_seq seq) {
    for (int i = 0; i < s->n; i++) {
        if (s->dels[i].seq == seq) {
            return i;
        }
    }
    return -1;
}

int odb_rdset_add(odb_rdset **s, odb_seq seq, uint64_t log_number, uint64_t file_mark, int all_snapshots,
                  odb_slice start, odb_slice end) {
    odb_rdset *c = set_copy(*s, 1);
    if (c == NULL) {
        return ODB_NO_MEMORY;
    }
    int at = c->n;
    while (at > 0 && c->dels[at - 1].seq > seq) {
        at--;
    }
    memmove(c->dels + at + 1, c->dels + at, (size_t)(c->n - at) * sizeof *c->dels);
    odb_range_del *d = &c->dels[at];
    memset(d, 0, sizeof *d);
    d->seq = seq;
    d->log_number = log_number;
    d->file_mark = file_mark;
    d->all_snapshots = all_snapshots;
    c->n++;
    if (odb_buf_append(&d->start, start.data, start.size) != ODB_OK ||
        odb_buf_append(&d->end, end.data, end.size) != ODB_OK) {
        set_free(c);
        return ODB_NO_MEMORY;
    }
    set_replace(s, c);
    return ODB_OK;
}

int odb_rdset_in_log(const odb_rdset *s, uint64_t log_number) {
    for (int i = 0; i < s->n; i++) {
        if (s->dels[i].log_number == log_number) {
            return 1;
        }
    }
    return 0;
}

/* ---- manifest fields ----
 * tag 16: varint64 seq, varint64 file mark, varint32 flags (1: for every snapshot), start and end
 *         (varint32 length + bytes)
 * tag 17: varint64 seq */

static int encode_del(const odb_range_del *d, odb_buf *out) {
    int rc = odb_buf_put_varint32(out, ODB_TAG_RANGE_DEL);
    rc |= odb_buf_put_varint64(out, d->seq);
    rc |= odb_buf_put_varint64(out, d->file_mark);
    rc |= odb_buf_put_varint32(out, (uint32_t)d->all_snapshots);
    rc |= odb_buf_put_lenprefixed(out, odb_buf_slice(&d->start));
    rc |= odb_buf_put_lenprefixed(out, odb_buf_slice(&d->end));
    return rc ? ODB_NO_MEMORY : ODB_OK;
}

int odb_rdset_encode_unpersisted(const odb_rdset *s, uint64_t log_limit, odb_buf *out) {
    for (int i = 0; i < s->n; i++) {
        if (s->dels[i].log_number != 0 && s->dels[i].log_number < log_limit && encode_del(&s->dels[i], out)) {
            return ODB_NO_MEMORY;
        }
    }
    return ODB_OK;
}

int odb_rdset_encode_persisted(const odb_rdset *s, odb_buf *out) {
    for (int i = 0; i < s->n; i++) {
        if (s->dels[i].log_number == 0 && encode_del(&s->dels[i], out)) {
            return ODB_NO_MEMORY;
        }
    }
    return ODB_OK;
}

/* Reads one field after its tag; 0 when malformed. */
static int read_field(uint32_t tag, odb_slice *in, odb_seq *seq, uint64_t *mark, uint32_t *flags, odb_slice *start,
                      odb_slice *end) {
    if (!odb_get_varint64(in, seq) || *seq > ODB_MAX_SEQ) {
        return 0;
    }
    if (tag == ODB_TAG_RANGE_DEL_DROPPED) {
        return 1;
    }
    return odb_get_varint64(in, mark) && odb_get_varint32(in, flags) && *flags <= 1 && odb_get_lenprefixed(in, start) &&
           odb_get_lenprefixed(in, end);
}

int odb_rdset_decode_field(uint32_t tag, odb_slice *in, odb_buf *out, odb_error *err) {
    const char *begin = in->data;
    odb_seq seq;
    uint64_t mark;
    uint32_t flags;
    odb_slice start, end;
    if (!read_field(tag, in, &seq, &mark, &flags, &start, &end)) {
        return odb_error_set(err, ODB_CORRUPTION, "manifest: malformed range deletion");
    }
    if (odb_buf_put_varint32(out, tag) != ODB_OK || odb_buf_append(out, begin, (size_t)(in->data - begin)) != ODB_OK) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    return ODB_OK;
}

int odb_rdset_apply_edit(odb_rdset **s, odb_slice in, odb_error *err) {
    if (in.size == 0) {
        return ODB_OK;
    }
    odb_rdset *c = set_copy(*s, 0);
    if (c == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    int rc = ODB_OK;
    while (in.size > 0 && rc == ODB_OK) {
        uint32_t tag;
        odb_seq seq;
        uint64_t mark = 0;
        uint32_t flags = 0;
        odb_slice start, end;
        if (!odb_get_varint32(&in, &tag) || (tag != ODB_TAG_RANGE_DEL && tag != ODB_TAG_RANGE_DEL_DROPPED) ||
            !read_field(tag, &in, &seq, &mark, &flags, &start, &end)) {
            rc = odb_error_set(err, ODB_CORRUPTION, "manifest: malformed range deletion");
            break;
        }
        int at = find_seq(c, seq);
        if (tag == ODB_TAG_RANGE_DEL_DROPPED) {
            if (at >= 0) {
                odb_buf_free(&c->dels[at].start);
                odb_buf_free(&c->dels[at].end);
                memmove(c->dels + at, c->dels + at + 1, (size_t)(c->n - at - 1) * sizeof *c->dels);
                c->n--;
            }
        } else if (at >= 0) {
            c->dels[at].log_number = 0;
        } else if (odb_rdset_add(&c, seq, 0, mark, (int)flags & 1, start, end) != ODB_OK) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        }
    }
    if (rc != ODB_OK) {
        odb_rdset_unref(c);
        return rc;
    }
    set_replace(s, c);
    return ODB_OK;
}

/* ---- the database's deletions ---- */

typedef struct add_ctx {
    odb_db *db;
} add_ctx;

static int add_one(void *ctx, odb_seq seq, int kind, odb_slice key, odb_slice value) {
    odb_db *db = ((add_ctx *)ctx)->db;
    if (kind < ODB_KIND_RANGE_DELETE) {
        return ODB_OK;
    }
    return odb_rdset_add(&db->versions.range_dels, seq, db->mem_log_number, db->versions.next_file_number,
                         kind == ODB_KIND_RANGE_DELETE_ALL_SNAPSHOTS, key, value);
}

int odb_range_dels_add_batch(odb_db *db, const odb_batch *b, odb_error *err) {
    add_ctx ctx = {db};
    return odb_batch_iterate(b, add_one, &ctx, err);
}

static odb_slice file_lo(const odb_file_meta *f) { return odb_ikey_user(odb_buf_slice(&f->smallest)); }
static odb_slice file_hi(const odb_file_meta *f) { return odb_ikey_user(odb_buf_slice(&f->largest)); }

static int edit_drops(const odb_version_edit *e, uint64_t number) {
    for (int i = 0; i < e->ndeleted; i++) {
        if (e->deleted[i].number == number) {
            return 1;
        }
    }
    return 0;
}

/* Whether a table file holds any key in d's range (one seek: a file may span
 * the range with no key inside it). Errors count as "holds" (keeping is safe). */
static int file_holds_range(odb_file_meta *f, const odb_range_del *d) {
    if (odb_slice_compare(file_hi(f), odb_buf_slice(&d->start)) < 0 ||
        odb_slice_compare(file_lo(f), odb_buf_slice(&d->end)) >= 0) {
        return 0;
    }
    odb_iter *it = odb_file_iter_new(f, 0); /* through the table cache (max_open_files) */
    odb_buf target;
    odb_buf_init(&target);
    if (it == NULL || odb_ikey_append(&target, odb_buf_slice(&d->start), ODB_MAX_SEQ, ODB_KIND_SEEK) != ODB_OK) {
        odb_iter_destroy(it);
        odb_buf_free(&target);
        return 1;
    }
    odb_iter_seek(it, odb_buf_slice(&target));
    int holds = 1;
    if (odb_iter_status(it, NULL) == ODB_OK) {
        holds = odb_iter_valid(it) && odb_slice_compare(odb_ikey_user(odb_iter_key(it)), odb_buf_slice(&d->end)) < 0;
    }
    odb_iter_destroy(it);
    odb_buf_free(&target);
    return holds;
}

/* Whether a newer deletion every reader sees covers d's whole range. */
static int superseded(const odb_rdset *s, int i, odb_seq horizon) {
    const odb_range_del *d = &s->dels[i];
    for (int j = i + 1; j < s->n; j++) {
        const odb_range_del *n = &s->dels[j];
        if (n->log_number == 0 && n->seq <= horizon &&
            odb_slice_compare(odb_buf_slice(&n->start), odb_buf_slice(&d->start)) <= 0 &&
            odb_slice_compare(odb_buf_slice(&n->end), odb_buf_slice(&d->end)) >= 0) {
            return 1;
        }
    }
    return 0;
}

static void remember(odb_db *db, odb_version *v, odb_rdset *s, odb_seq horizon) {
    if (db->range_del_seen_version != v) {
        odb_version_ref(v);
        if (db->range_del_seen_version != NULL) {
            odb_version_unref(db->range_del_seen_version);
        }
        db->range_del_seen_version = v;
    }
    if (db->range_del_seen_set != s) {
        odb_rdset_ref(s);
        odb_rdset_unref(db->range_del_seen_set);
        db->range_del_seen_set = s;
    }
    db->range_del_seen_horizon = horizon;
}

int odb_range_dels_collect(odb_db *db) {
    odb_rdset *s = db->versions.range_dels;
    odb_version *v = db->versions.current;
    if (s == NULL || s->n == 0 || db->bg_error_code != ODB_OK) {
        return 0;
    }
    odb_seq horizon = odb_compaction_horizon(db);
    if (v == db->range_del_seen_version && s == db->range_del_seen_set && horizon == db->range_del_seen_horizon) {
        return 0;
    }
    remember(db, v, s, horizon);
    odb_version_edit edit;
    odb_edit_init(&edit);
    int rc = ODB_OK;
    int changed = 0;
    for (int i = 0; i < s->n && rc == ODB_OK; i++) {
        const odb_range_del *d = &s->dels[i];
        if (d->log_number != 0 || d->seq > horizon) {
            continue;
        }
        for (int l = 0; l < ODB_NUM_LEVELS && rc == ODB_OK; l++) {
            for (int j = 0; j < v->nfiles[l] && rc == ODB_OK; j++) {
                odb_file_meta *f = v->files[l][j];
                if (!f->being_compacted && f->number < d->file_mark && !edit_drops(&edit, f->number) &&
                    odb_slice_compare(file_lo(f), odb_buf_slice(&d->start)) >= 0 &&
                    odb_slice_compare(file_hi(f), odb_buf_slice(&d->end)) < 0) {
                    rc = odb_edit_delete_file(&edit, l, f->number);
                }
            }
        }
    }
    for (int i = 0; i < s->n && rc == ODB_OK; i++) {
        const odb_range_del *d = &s->dels[i];
        if (d->log_number != 0 || d->seq > horizon) {
            continue;
        }
        int holds = 0;
        if (!superseded(s, i, horizon)) {
            for (int l = 0; l < ODB_NUM_LEVELS && !holds; l++) {
                for (int j = 0; j < v->nfiles[l] && !holds; j++) {
                    holds = !edit_drops(&edit, v->files[l][j]->number) && file_holds_range(v->files[l][j], d);
                }
            }
        }
        if (!holds) {
            rc = odb_buf_put_varint32(&edit.range_dels, ODB_TAG_RANGE_DEL_DROPPED);
            rc |= odb_buf_put_varint64(&edit.range_dels, d->seq);
            changed = 1;
        }
    }
    odb_error err;
    odb_error_clear(&err);
    if (rc != ODB_OK) {
        rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory collecting range deletions");
    } else if (changed || edit.ndeleted > 0) {
        rc = odb_versions_apply(&db->versions, &edit, &err);
        changed = 1;
    }
    odb_edit_destroy(&edit);
    if (rc != ODB_OK) {
        odb_db_set_bg_error(db, &err);
        return 0;
    }
    return changed;
}

/* Whether every version in file f is older than d (a scan: the file was written after d,
 * so its file number says nothing). Errors count as "no" (keeping is safe). */
static int file_older_than(odb_file_meta *f, const odb_range_del *d) {
    odb_iter *it = odb_file_iter_new(f, 0); /* through the table cache (max_open_files) */
    if (it == NULL) {
        return 0;
    }
    int older = 1;
    for (odb_iter_seek_first(it); older && odb_iter_valid(it); odb_iter_next(it)) {
        older = odb_ikey_seq(odb_iter_key(it)) < d->seq;
    }
    if (odb_iter_status(it, NULL) != ODB_OK) {
        older = 0;
    }
    odb_iter_destroy(it);
    return older;
}

int odb_range_dels_drop_scanned(odb_db *db) {
    odb_rdset *s = db->versions.range_dels;
    odb_version *v = db->versions.current;
    if (s == NULL || s->n == 0 || db->bg_error_code != ODB_OK) {
        return 0;
    }
    odb_seq horizon = odb_compaction_horizon(db);
    odb_rdset_ref(s);
    odb_version_ref(v);
    pthread_mutex_unlock(&db->mu);
    odb_version_edit edit;
    odb_edit_init(&edit);
    int rc = ODB_OK;
    for (int i = 0; i < s->n && rc == ODB_OK; i++) {
        const odb_range_del *d = &s->dels[i];
        if (d->log_number != 0 || d->seq > horizon) {
            continue;
        }
        for (int l = 0; l < ODB_NUM_LEVELS && rc == ODB_OK; l++) {
            for (int j = 0; j < v->nfiles[l] && rc == ODB_OK; j++) {
                odb_file_meta *f = v->files[l][j];
                if (f->number >= d->file_mark && !edit_drops(&edit, f->number) &&
                    odb_slice_compare(file_lo(f), odb_buf_slice(&d->start)) >= 0 &&
                    odb_slice_compare(file_hi(f), odb_buf_slice(&d->end)) < 0 && file_older_than(f, d)) {
                    rc = odb_edit_delete_file(&edit, l, f->number);
                }
            }
        }
    }
    pthread_mutex_lock(&db->mu);
    /* only files still live and not under compaction meanwhile */
    int kept = 0;
    for (int i = 0; i < edit.ndeleted; i++) {
        int live = 0;
        odb_version *cur = db->versions.current;
        for (int j = 0; j < cur->nfiles[edit.deleted[i].level] && !live; j++) {
            odb_file_meta *f = cur->files[edit.deleted[i].level][j];
            live = f->number == edit.deleted[i].number && !f->being_compacted;
        }
        if (live) {
            edit.deleted[kept++] = edit.deleted[i];
        }
    }
    edit.ndeleted = kept;
    odb_error err;
    odb_error_clear(&err);
    if (rc != ODB_OK) {
        rc = odb_error_set(&err, ODB_NO_MEMORY, "out of memory collecting range deletions");
    } else if (edit.ndeleted > 0) {
        rc = odb_versions_apply(&db->versions, &edit, &err);
    }
    odb_edit_destroy(&edit);
    odb_version_unref(v);
    odb_rdset_unref(s);
    if (rc != ODB_OK) {
        odb_db_set_bg_error(db, &err);
        return 0;
    }
    return kept > 0;
}

odb_file_meta *odb_range_dels_pick_file(odb_db *db, int *level) {
    odb_rdset *s = db->versions.range_dels;
    odb_version *v = db->versions.current;
    if (s == NULL || s->n == 0 || db->bg_error_code != ODB_OK) {
        return NULL;
    }
    odb_seq horizon = odb_compaction_horizon(db);
    for (int i = 0; i < s->n; i++) {
        const odb_range_del *d = &s->dels[i];
        if (d->log_number != 0 || d->seq > horizon) {
            continue;
        }
        for (int l = 1; l < ODB_NUM_LEVELS; l++) {
            for (int j = 0; j < v->nfiles[l]; j++) {
                odb_file_meta *f = v->files[l][j];
                if (!f->being_compacted && f->number < d->file_mark && file_holds_range(f, d)) {
                    *level = l;
                    return f;
                }
            }
        }
    }
    return NULL;
}
