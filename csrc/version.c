#include "version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "env.h"
#include "table.h"
#include "table_cache.h"

enum {
    TAG_LOG_NUMBER = 1,
    TAG_NEXT_FILE = 2,
    TAG_LAST_SEQUENCE = 3,
    TAG_DELETED_FILE = 4,
    TAG_NEW_FILE = 5,
};

/* ---- file metadata ---- */

void odb_file_ref(odb_file_meta *f) { atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed); }

void odb_file_unref(odb_file_meta *f) {
    if (f == NULL || atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1) {
        return;
    }
    odb_file_table_forget(f);
    if (atomic_load(&f->obsolete) && f->path != NULL) {
        odb_remove_file(f->path, NULL); /* a leftover is removed at the next open */
    }
    odb_buf_free(&f->smallest);
    odb_buf_free(&f->largest);
    free(f->path);
    free(f);
}

static int file_meta_new(odb_version_set *vs, const odb_new_file *nf, odb_file_meta **out, odb_error *err) {
    odb_file_meta *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    atomic_init(&f->refs, 1);
    atomic_init(&f->obsolete, 0);
    f->number = nf->number;
    f->file_size = nf->file_size;
    odb_buf_init(&f->smallest);
    odb_buf_init(&f->largest);
    f->path = odb_table_file_name(vs->dir, nf->number);
    struct stat st;
    /* tables are written once and never modified, so the mtime is when the file was made */
    f->created = f->path != NULL && stat(f->path, &st) == 0 ? (int64_t)st.st_mtime : (int64_t)time(NULL);
    if (f->path == NULL || odb_buf_append(&f->smallest, nf->smallest.data, nf->smallest.len) != ODB_OK ||
        odb_buf_append(&f->largest, nf->largest.data, nf->largest.len) != ODB_OK) {
        odb_file_unref(f);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    int rc;
    if (vs->tcache == NULL) {
        rc = odb_table_open(f->path, &vs->table_options, &f->table, err);
    } else {
        /* opened (and verified) now, then left to the cache to close */
        f->tcache = vs->tcache;
        f->cache_id = vs->table_options.cache != NULL ? odb_cache_new_id(vs->table_options.cache) : 0;
        odb_table *t;
        rc = odb_file_table_acquire(f, &t, err);
        if (rc == ODB_OK) {
            odb_file_table_release(f);
        }
    }
    if (rc != ODB_OK) {
        f->table = NULL;
        odb_file_unref(f);
        return rc;
    }
    *out = f;
    return ODB_OK;
}

/* ---- versions ---- */

static odb_version *version_new(void) {
    odb_version *v = calloc(1, sizeof *v);
    if (v != NULL) {
        atomic_init(&v->refs, 1);
    }
    return v;
}

void odb_version_ref(odb_version *v) { atomic_fetch_add_explicit(&v->refs, 1, memory_order_relaxed); }

void odb_version_unref(odb_version *v) {
    if (v == NULL || atomic_fetch_sub_explicit(&v->refs, 1, memory_order_acq_rel) != 1) {
        return;
    }
    for (int level = 0; level < ODB_NUM_LEVELS; level++) {
        for (int i = 0; i < v->nfiles[level]; i++) {
            odb_file_unref(v->files[level][i]);
        }
        free(v->files[level]);
    }
    free(v);
}

static odb_slice meta_smallest_user(const odb_file_meta *f) { return odb_ikey_user(odb_buf_slice(&f->smallest)); }
static odb_slice meta_largest_user(const odb_file_meta *f) { return odb_ikey_user(odb_buf_slice(&f->largest)); }

/* Index of the first file in a sorted level whose largest key >= ikey. */
static int find_file(odb_file_meta **files, int n, odb_slice ikey) {
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (odb_ikey_compare(odb_buf_slice(&files[mid]->largest), ikey) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int file_get(odb_file_meta *f, odb_slice lookup_ikey, int *found, odb_buf *ikey_out, odb_buf *value_out,
                    odb_error *err) {
    odb_table *t;
    int rc = odb_file_table_acquire(f, &t, err);
    if (rc == ODB_OK) {
        rc = odb_table_get(t, lookup_ikey, found, ikey_out, value_out, err);
        odb_file_table_release(f);
    }
    return rc;
}

int odb_version_get(odb_version *v, odb_slice lookup_ikey, int *found, odb_buf *ikey_out, odb_buf *value_out,
                    odb_error *err) {
    odb_slice user = odb_ikey_user(lookup_ikey);
    *found = 0;
    for (int i = 0; i < v->nfiles[0]; i++) {
        odb_file_meta *f = v->files[0][i];
        if (odb_slice_compare(user, meta_smallest_user(f)) < 0 || odb_slice_compare(user, meta_largest_user(f)) > 0) {
            continue;
        }
        int rc = file_get(f, lookup_ikey, found, ikey_out, value_out, err);
        if (rc != ODB_OK || *found) {
            return rc;
        }
    }
    for (int level = 1; level < ODB_NUM_LEVELS; level++) {
        int n = v->nfiles[level];
        if (n == 0) {
            continue;
        }
        int i = find_file(v->files[level], n, lookup_ikey);
        if (i >= n || odb_slice_compare(user, meta_smallest_user(v->files[level][i])) < 0) {
            continue;
        }
        int rc = file_get(v->files[level][i], lookup_ikey, found, ikey_out, value_out, err);
        if (rc != ODB_OK || *found) {
            return rc;
        }
    }
    return ODB_OK;
}

/* ---- iterators ---- */

/* A table iterator that pins the version its table belongs to. */
typedef struct pinned_iter {
    odb_iter base;
    odb_iter *inner;
    odb_version *version;
} pinned_iter;

static void pi_seek_first(odb_iter *it) { odb_iter_seek_first(((pinned_iter *)it)->inner); }
static void pi_seek_last(odb_iter *it) { odb_iter_seek_last(((pinned_iter *)it)->inner); }
static void pi_seek(odb_iter *it, odb_slice t) { odb_iter_seek(((pinned_iter *)it)->inner, t); }
static void pi_next(odb_iter *it) { odb_iter_next(((pinned_iter *)it)->inner); }
static void pi_prev(odb_iter *it) { odb_iter_prev(((pinned_iter *)it)->inner); }
static int pi_valid(const odb_iter *it) { return odb_iter_valid(((const pinned_iter *)it)->inner); }
static odb_slice pi_key(const odb_iter *it) { return odb_iter_key(((const pinned_iter *)it)->inner); }
static odb_slice pi_value(const odb_iter *it) { return odb_iter_value(((const pinned_iter *)it)->inner); }
static int pi_status(const odb_iter *it, odb_error *e) { return odb_iter_status(((const pinned_iter *)it)->inner, e); }
static void pi_destroy(odb_iter *it) {
    pinned_iter *pi = (pinned_iter *)it;
    odb_iter_destroy(pi->inner);
    odb_version_unref(pi->version);
    free(pi);
}
static const odb_iter_ops pinned_ops = {pi_seek_first, pi_seek_last, pi_seek, pi_next, pi_prev,
                                        pi_valid,      pi_key,       pi_value, pi_status, pi_destroy};

static odb_iter *pinned_iter_new(odb_version *v, odb_file_meta *f, int fill) {
    pinned_iter *pi = malloc(sizeof *pi);
    if (pi == NULL) {
        return NULL;
    }
    pi->inner = odb_file_iter_new(f, fill);
    if (pi->inner == NULL) {
        free(pi);
        return NULL;
    }
    pi->base.ops = &pinned_ops;
    odb_version_ref(v);
    pi->version = v;
    return &pi->base;
}

/* Iterates the non-overlapping, sorted tables of one level as one sequence,
 * opening a table iterator only for the file it is in. */
typedef struct level_iter {
    odb_iter base;
    odb_version *version;
    int level;
    int index;      /* file of `inner`, or -1 */
    int fill;       /* ODB_FILL_* of the table iterators */
    odb_iter *inner;
    odb_error err;
} level_iter;

static odb_file_meta **li_files(const level_iter *li) { return li->version->files[li->level]; }
static int li_count(const level_iter *li) { return li->version->nfiles[li->level]; }

static void li_set_file(level_iter *li, int index) {
    if (li->inner != NULL && li->index == index) {
        return;
    }
    if (li->inner != NULL) {
        if (li->err.code == ODB_OK) {
            odb_iter_status(li->inner, &li->err);
        }
        odb_iter_destroy(li->inner);
        li->inner = NULL;
    }
    li->index = -1;
    if (index < 0 || index >= li_count(li)) {
        return;
    }
    li->inner = odb_file_iter_new(li_files(li)[index], li->fill);
    if (li->inner == NULL) {
        odb_error_set(&li->err, ODB_NO_MEMORY, "out of memory creating an iterator");
        return;
    }
    li->index = index;
}

static void li_skip_forward(level_iter *li) {
    while (li->inner != NULL && !odb_iter_valid(li->inner)) {
        if (odb_iter_status(li->inner, NULL) != ODB_OK) {
            li_set_file(li, -1); /* records the error */
            return;
        }
        int next = li->index + 1;
        li_set_file(li, next);
        if (li->inner != NULL) {
            odb_iter_seek_first(li->inner);
        }
    }
}

static void li_skip_backward(level_iter *li) {
    while (li->inner != NULL && !odb_iter_valid(li->inner)) {
        if (odb_iter_status(li->inner, NULL) != ODB_OK) {
            li_set_file(li, -1);
            return;
        }
        int prev = li->index - 1;
        li_set_file(li, prev);
        if (li->inner != NULL) {
            odb_iter_seek_last(li->inner);
        }
    }
}

static void li_seek_first(odb_iter *it) {
    level_iter *li = (level_iter *)it;
    li_set_file(li, 0);
    if (li->inner != NULL) {
        odb_iter_seek_first(li->inner);
    }
    li_skip_forward(li);
}
static void li_seek_last(odb_iter *it) {
    level_iter *li = (level_iter *)it;
    li_set_file(li, li_count(li) - 1);
    if (li->inner != NULL) {
        odb_iter_seek_last(li->inner);
    }
    li_skip_backward(li);
}
static void li_seek(odb_iter *it, odb_slice target) {
    level_iter *li = (level_iter *)it;
    li_set_file(li, find_file(li_files(li), li_count(li), target));
    if (li->inner != NULL) {
        odb_iter_seek(li->inner, target);
    }
    li_skip_forward(li);
}
static void li_next(odb_iter *it) {
    level_iter *li = (level_iter *)it;
    odb_iter_next(li->inner);
    li_skip_forward(li);
}
static void li_prev(odb_iter *it) {
    level_iter *li = (level_iter *)it;
    odb_iter_prev(li->inner);
    li_skip_backward(li);
}
static int li_valid(const odb_iter *it) {
    const level_iter *li = (const level_iter *)it;
    return li->inner != NULL && odb_iter_valid(li->inner);
}
static odb_slice li_key(const odb_iter *it) { return odb_iter_key(((const level_iter *)it)->inner); }
static odb_slice li_value(const odb_iter *it) { return odb_iter_value(((const level_iter *)it)->inner); }
static int li_status(const odb_iter *it, odb_error *err) {
    const level_iter *li = (const level_iter *)it;
    if (li->err.code != ODB_OK) {
        if (err != NULL) {
            *err = li->err;
        }
        return li->err.code;
    }
    return li->inner != NULL ? odb_iter_status(li->inner, err) : ODB_OK;
}
static void li_destroy(odb_iter *it) {
    level_iter *li = (level_iter *)it;
    odb_iter_destroy(li->inner);
    odb_version_unref(li->version);
    free(li);
}
static const odb_iter_ops level_ops = {li_seek_first, li_seek_last, li_seek, li_next, li_prev,
                                       li_valid,      li_key,       li_value, li_status, li_destroy};

static odb_iter *level_iter_new(odb_version *v, int level, int fill) {
    level_iter *li = calloc(1, sizeof *li);
    if (li == NULL) {
        return NULL;
    }
    li->base.ops = &level_ops;
    odb_version_ref(v);
    li->version = v;
    li->level = level;
    li->index = -1;
    li->fill = fill;
    return &li->base;
}

int odb_version_add_iterators(odb_version *v, odb_iter **iters) {
    return odb_version_add_iterators_filling(v, iters, ODB_FILL_LRU);
}

int odb_version_add_iterators_filling(odb_version *v, odb_iter **iters, int fill) {
    int n = 0;
    for (int i = 0; i < v->nfiles[0]; i++) {
        iters[n] = pinned_iter_new(v, v->files[0][i], fill);
        if (iters[n] == NULL) {
            goto oom;
        }
        n++;
    }
    for (int level = 1; level < ODB_NUM_LEVELS; level++) {
        if (v->nfiles[level] == 0) {
            continue;
        }
        iters[n] = level_iter_new(v, level, fill);
        if (iters[n] == NULL) {
            goto oom;
        }
        n++;
    }
    return n;
oom:
    while (n > 0) {
        odb_iter_destroy(iters[--n]);
    }
    return -1;
}

/* ---- version edits ---- */

void odb_edit_init(odb_version_edit *e) { memset(e, 0, sizeof *e); }

void odb_edit_destroy(odb_version_edit *e) {
    for (int i = 0; i < e->nadded; i++) {
        odb_buf_free(&e->added[i].smallest);
        odb_buf_free(&e->added[i].largest);
    }
    free(e->added);
    free(e->deleted);
    odb_buf_free(&e->range_dels);
    odb_edit_init(e);
}

int odb_edit_add_file(odb_version_edit *e, int level, uint64_t number, uint64_t size, odb_slice smallest,
                      odb_slice largest) {
    if (e->nadded == e->cap_added) {
        int cap = e->cap_added ? e->cap_added * 2 : 8;
        odb_new_file *p = realloc(e->added, (size_t)cap * sizeof *p);
        if (p == NULL) {
            return ODB_NO_MEMORY;
        }
        e->added = p;
        e->cap_added = cap;
    }
    odb_new_file *nf = &e->added[e->nadded];
    nf->level = level;
    nf->number = number;
    nf->file_size = size;
    odb_buf_init(&nf->smallest);
    odb_buf_init(&nf->largest);
    if (odb_buf_append(&nf->smallest, smallest.data, smallest.size) != ODB_OK ||
        odb_buf_append(&nf->largest, largest.data, largest.size) != ODB_OK) {
        odb_buf_free(&nf->smallest);
        odb_buf_free(&nf->largest);
        return ODB_NO_MEMORY;
    }
    e->nadded++;
    return ODB_OK;
}

int odb_edit_delete_file(odb_version_edit *e, int level, uint64_t number) {
    if (e->ndeleted == e->cap_deleted) {
        int cap = e->cap_deleted ? e->cap_deleted * 2 : 8;
        odb_deleted_file *p = realloc(e->deleted, (size_t)cap * sizeof *p);
        if (p == NULL) {
            return ODB_NO_MEMORY;
        }
        e->deleted = p;
        e->cap_deleted = cap;
    }
    e->deleted[e->ndeleted].level = level;
    e->deleted[e->ndeleted].number = number;
    e->ndeleted++;
    return ODB_OK;
}

int odb_edit_encode(const odb_version_edit *e, odb_buf *out) {
    int rc = ODB_OK;
    if (e->has_log_number) {
        rc |= odb_buf_put_varint32(out, TAG_LOG_NUMBER);
        rc |= odb_buf_put_varint64(out, e->log_number);
    }
    if (e->has_next_file) {
        rc |= odb_buf_put_varint32(out, TAG_NEXT_FILE);
        rc |= odb_buf_put_varint64(out, e->next_file_number);
    }
    if (e->has_last_sequence) {
        rc |= odb_buf_put_varint32(out, TAG_LAST_SEQUENCE);
        rc |= odb_buf_put_varint64(out, e->last_sequence);
    }
    for (int i = 0; i < e->ndeleted; i++) {
        rc |= odb_buf_put_varint32(out, TAG_DELETED_FILE);
        rc |= odb_buf_put_varint32(out, (uint32_t)e->deleted[i].level);
        rc |= odb_buf_put_varint64(out, e->deleted[i].number);
    }
    for (int i = 0; i < e->nadded; i++) {
        const odb_new_file *nf = &e->added[i];
        rc |= odb_buf_put_varint32(out, TAG_NEW_FILE);
        rc |= odb_buf_put_varint32(out, (uint32_t)nf->level);
        rc |= odb_buf_put_varint64(out, nf->number);
        rc |= odb_buf_put_varint64(out, nf->file_size);
        rc |= odb_buf_put_lenprefixed(out, odb_buf_slice(&nf->smallest));
        rc |= odb_buf_put_lenprefixed(out, odb_buf_slice(&nf->largest));
    }
    rc |= odb_buf_append(out, e->range_dels.data, e->range_dels.len);
    return rc ? ODB_NO_MEMORY : ODB_OK;
}

int odb_edit_decode(odb_version_edit *e, odb_slice in, odb_error *err) {
    while (in.size > 0) {
        uint32_t tag, level;
        uint64_t a, b;
        odb_slice s1, s2;
        if (!odb_get_varint32(&in, &tag)) {
            return odb_error_set(err, ODB_CORRUPTION, "manifest: malformed edit tag");
        }
        switch (tag) {
        case TAG_LOG_NUMBER:
            if (!odb_get_varint64(&in, &e->log_number)) {
                goto bad;
            }
            e->has_log_number = 1;
            break;
        case TAG_NEXT_FILE:
            if (!odb_get_varint64(&in, &e->next_file_number)) {
                goto bad;
            }
            e->has_next_file = 1;
            break;
        case TAG_LAST_SEQUENCE:
            if (!odb_get_varint64(&in, &e->last_sequence)) {
                goto bad;
            }
            e->has_last_sequence = 1;
            break;
        case TAG_DELETED_FILE:
            if (!odb_get_varint32(&in, &level) || !odb_get_varint64(&in, &a) || level >= ODB_NUM_LEVELS) {
                goto bad;
            }
            if (odb_edit_delete_file(e, (int)level, a) != ODB_OK) {
                return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
            }
            break;
        case TAG_NEW_FILE:
            if (!odb_get_varint32(&in, &level) || !odb_get_varint64(&in, &a) || !odb_get_varint64(&in, &b) ||
                !odb_get_lenprefixed(&in, &s1) || !odb_get_lenprefixed(&in, &s2) || level >= ODB_NUM_LEVELS ||
                !odb_ikey_valid(s1) || !odb_ikey_valid(s2)) {
                goto bad;
            }
            if (odb_edit_add_file(e, (int)level, a, b, s1, s2) != ODB_OK) {
                return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
            }
            break;
        case ODB_TAG_RANGE_DEL:
        case ODB_TAG_RANGE_DEL_DROPPED:
            if (odb_rdset_decode_field(tag, &in, &e->range_dels, err) != ODB_OK) {
                return err->code;
            }
            break;
        default:
            return odb_error_set(err, ODB_CORRUPTION, "manifest: unknown edit tag %u", tag);
        }
    }
    return ODB_OK;
bad:
    return odb_error_set(err, ODB_CORRUPTION, "manifest: malformed version edit");
}

/* ---- version set ---- */

int odb_versions_init(odb_version_set *vs, const char *dir, const odb_table_open_options *topt, odb_error *err) {
    memset(vs, 0, sizeof *vs);
    vs->dir = malloc(strlen(dir) + 1);
    vs->current = version_new();
    if (vs->dir == NULL || vs->current == NULL) {
        free(vs->dir);
        free(vs->current);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    strcpy(vs->dir, dir);
    vs->table_options = *topt;
    vs->next_file_number = 2;
    vs->range_dels = odb_rdset_new();
    if (vs->range_dels == NULL) {
        odb_version_unref(vs->current);
        free(vs->dir);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    return ODB_OK;
}

void odb_versions_destroy(odb_version_set *vs) {
    if (vs->manifest != NULL) {
        odb_log_writer_close(vs->manifest, NULL);
    }
    odb_version_unref(vs->current);
    odb_rdset_unref(vs->range_dels);
    free(vs->dir);
    memset(vs, 0, sizeof *vs);
}

uint64_t odb_versions_new_file_number(odb_version_set *vs) { return vs->next_file_number++; }

int odb_versions_is_live(const odb_version_set *vs, uint64_t number) {
    for (int level = 0; level < ODB_NUM_LEVELS; level++) {
        for (int i = 0; i < vs->current->nfiles[level]; i++) {
            if (vs->current->files[level][i]->number == number) {
                return 1;
            }
        }
    }
    return 0;
}

static int compare_l0(const void *a, const void *b) {
    const odb_file_meta *fa = *(odb_file_meta *const *)a, *fb = *(odb_file_meta *const *)b;
    return fa->number < fb->number ? 1 : fa->number > fb->number ? -1 : 0; /* newest first */
}

static int compare_by_smallest(const void *a, const void *b) {
    const odb_file_meta *fa = *(odb_file_meta *const *)a, *fb = *(odb_file_meta *const *)b;
    return odb_ikey_compare(odb_buf_slice(&fa->smallest), odb_buf_slice(&fb->smallest));
}

static int edit_deletes(const odb_version_edit *e, int level, uint64_t number) {
    for (int i = 0; i < e->ndeleted; i++) {
        if (e->deleted[i].level == level && e->deleted[i].number == number) {
            return 1;
        }
    }
    return 0;
}

/* The file of base that the edit moves to another level (deletes and adds back), or NULL. */
static odb_file_meta *moved_file(odb_version *base, const odb_version_edit *e, uint64_t number) {
    for (int level = 0; level < ODB_NUM_LEVELS; level++) {
        for (int i = 0; i < base->nfiles[level]; i++) {
            if (base->files[level][i]->number == number && edit_deletes(e, level, number)) {
                return base->files[level][i];
            }
        }
    }
    return NULL;
}

static int edit_adds(const odb_version_edit *e, uint64_t number) {
    for (int i = 0; i < e->nadded; i++) {
        if (e->added[i].number == number) {
            return 1;
        }
    }
    return 0;
}

/* base + edit -> *out. New tables are opened; on failure nothing changes. */
static int build_version(odb_version_set *vs, odb_version *base, const odb_version_edit *e, odb_version **out,
                         odb_error *err) {
    odb_version *v = version_new();
    if (v == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    int rc = ODB_OK;
    for (int level = 0; level < ODB_NUM_LEVELS && rc == ODB_OK; level++) {
        int cap = base->nfiles[level];
        for (int i = 0; i < e->nadded; i++) {
            cap += e->added[i].level == level;
        }
        v->files[level] = malloc((size_t)(cap ? cap : 1) * sizeof(odb_file_meta *));
        if (v->files[level] == NULL) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
            break;
        }
        for (int i = 0; i < base->nfiles[level]; i++) {
            odb_file_meta *f = base->files[level][i];
            if (!edit_deletes(e, level, f->number)) {
                odb_file_ref(f);
                v->files[level][v->nfiles[level]++] = f;
                v->level_bytes[level] += f->file_size;
            }
        }
        for (int i = 0; i < e->nadded && rc == ODB_OK; i++) {
            if (e->added[i].level != level) {
                continue;
            }
            odb_file_meta *f = moved_file(base, e, e->added[i].number);
            if (f != NULL) {
                odb_file_ref(f);
            } else {
                rc = file_meta_new(vs, &e->added[i], &f, err);
            }
            if (rc == ODB_OK) {
                v->files[level][v->nfiles[level]++] = f;
                v->level_bytes[level] += f->file_size;
            }
        }
        if (rc == ODB_OK) {
            qsort(v->files[level], (size_t)v->nfiles[level], sizeof(odb_file_meta *),
                  level == 0 ? compare_l0 : compare_by_smallest);
        }
    }
    for (int level = 1; level < ODB_NUM_LEVELS && rc == ODB_OK; level++) {
        for (int i = 1; i < v->nfiles[level]; i++) {
            if (odb_slice_compare(meta_largest_user(v->files[level][i - 1]), meta_smallest_user(v->files[level][i])) >= 0) {
                rc = odb_error_set(err, ODB_CORRUPTION, "manifest: overlapping tables %06llu and %06llu in level %d",
                                   (unsigned long long)v->files[level][i - 1]->number,
                                   (unsigned long long)v->files[level][i]->number, level);
            }
        }
    }
    if (rc != ODB_OK) {
        odb_version_unref(v);
        return rc;
    }
    *out = v;
    return ODB_OK;
}

/* Files of base that the edit removes become obsolete (deleted once unused). */
static void mark_obsolete(odb_version *base, const odb_version_edit *e) {
    for (int level = 0; level < ODB_NUM_LEVELS; level++) {
        for (int i = 0; i < base->nfiles[level]; i++) {
            if (edit_deletes(e, level, base->files[level][i]->number) && !edit_adds(e, base->files[level][i]->number)) {
                atomic_store(&base->files[level][i]->obsolete, 1);
            }
        }
    }
}

int odb_versions_recover(odb_version_set *vs, odb_error *err) {
    char *current_path = odb_path_join(vs->dir, "CURRENT");
    odb_buf current;
    odb_buf_init(&current);
    if (current_path == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    int rc = odb_read_file(current_path, &current, err);
    free(current_path);
    if (rc != ODB_OK) {
        odb_buf_free(&current);
        return rc;
    }
    uint64_t manifest_number = 0;
    if (current.len < 2 || current.data[current.len - 1] != '\n' || current.len > 64) {
        odb_buf_free(&current);
        return odb_error_set(err, ODB_CORRUPTION, "%s/CURRENT is malformed (expected a manifest name and newline)",
                             vs->dir);
    }
    current.data[current.len - 1] = '\0';
    if (odb_parse_file_name(current.data, &manifest_number) != ODB_FILE_MANIFEST) {
        rc = odb_error_set(err, ODB_CORRUPTION, "%s/CURRENT names '%s', which is not a manifest", vs->dir, current.data);
        odb_buf_free(&current);
        return rc;
    }
    odb_buf_free(&current);

    char *manifest_path = odb_manifest_file_name(vs->dir, manifest_number);
    if (manifest_path == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    odb_log_reader *reader;
    rc = odb_log_reader_open(manifest_path, &reader, err);
    if (rc != ODB_OK) {
        if (rc == ODB_IO_ERROR) {
            char inner[ODB_ERROR_MSG_SIZE]; /* err->msg is both the source and the destination */
            memcpy(inner, err->msg, sizeof inner);
            rc = odb_error_set(err, ODB_CORRUPTION, "%s (named by CURRENT) cannot be read: %s", manifest_path, inner);
        }
        free(manifest_path);
        return rc;
    }
    /* Replay every edit into one accumulated edit of live files. */
    odb_version_edit state;
    odb_edit_init(&state);
    int records = 0;
    for (;;) {
        odb_slice record;
        int got = odb_log_read_record(reader, &record, err);
        if (got < 0) {
            rc = -got;
            break;
        }
        if (got == 0) {
            break;
        }
        records++;
        odb_version_edit e;
        odb_edit_init(&e);
        rc = odb_edit_decode(&e, record, err);
        if (rc == ODB_OK) {
            rc = odb_rdset_apply_edit(&vs->range_dels, odb_buf_slice(&e.range_dels), err);
        }
        if (rc == ODB_OK) {
            if (e.has_log_number) {
                state.has_log_number = 1;
                state.log_number = e.log_number;
            }
            if (e.has_next_file) {
                state.has_next_file = 1;
                state.next_file_number = e.next_file_number;
            }
            if (e.has_last_sequence) {
                state.has_last_sequence = 1;
                state.last_sequence = e.last_sequence;
            }
            for (int i = 0; i < e.ndeleted; i++) {
                for (int j = 0; j < state.nadded; j++) {
                    if (state.added[j].number == e.deleted[i].number && state.added[j].level == e.deleted[i].level) {
                        odb_buf_free(&state.added[j].smallest);
                        odb_buf_free(&state.added[j].largest);
                        state.added[j] = state.added[--state.nadded];
                        break;
                    }
                }
            }
            for (int i = 0; i < e.nadded && rc == ODB_OK; i++) {
                odb_new_file *nf = &e.added[i];
                if (odb_edit_add_file(&state, nf->level, nf->number, nf->file_size, odb_buf_slice(&nf->smallest),
                                      odb_buf_slice(&nf->largest)) != ODB_OK) {
                    rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
                }
            }
        }
        odb_edit_destroy(&e);
        if (rc != ODB_OK) {
            break;
        }
    }
    odb_log_reader_close(reader);
    if (rc == ODB_OK && (records == 0 || !state.has_next_file || !state.has_log_number || !state.has_last_sequence)) {
        rc = odb_error_set(err, ODB_CORRUPTION, "%s is incomplete (no full database state in it)", manifest_path);
    }
    if (rc == ODB_OK) {
        odb_version *v;
        rc = build_version(vs, vs->current, &state, &v, err);
        if (rc == ODB_OK) {
            odb_version_unref(vs->current);
            vs->current = v;
            vs->next_file_number = state.next_file_number;
            vs->log_number = state.log_number;
            vs->last_sequence = state.last_sequence;
            vs->manifest_number = manifest_number;
            if (vs->next_file_number <= manifest_number) {
                vs->next_file_number = manifest_number + 1;
            }
        }
    } else if (rc == ODB_CORRUPTION && strstr(err->msg, manifest_path) == NULL) {
        char inner[ODB_ERROR_MSG_SIZE];
        memcpy(inner, err->msg, sizeof inner);
        odb_error_set(err, ODB_CORRUPTION, "%s: %s", manifest_path, inner);
    }
    odb_edit_destroy(&state);
    free(manifest_path);
    return rc;
}

static int encode_snapshot(odb_version_set *vs, odb_buf *out) {
    odb_version_edit e;
    odb_edit_init(&e);
    e.has_log_number = e.has_next_file = e.has_last_sequence = 1;
    e.log_number = vs->log_number;
    e.next_file_number = vs->next_file_number;
    e.last_sequence = vs->last_sequence;
    int rc = ODB_OK;
    for (int level = 0; level < ODB_NUM_LEVELS && rc == ODB_OK; level++) {
        for (int i = 0; i < vs->current->nfiles[level] && rc == ODB_OK; i++) {
            odb_file_meta *f = vs->current->files[level][i];
            rc = odb_edit_add_file(&e, level, f->number, f->file_size, odb_buf_slice(&f->smallest),
                                   odb_buf_slice(&f->largest));
        }
    }
    if (rc == ODB_OK) {
        rc = odb_rdset_encode_persisted(vs->range_dels, &e.range_dels);
    }
    if (rc == ODB_OK) {
        rc = odb_edit_encode(&e, out);
    }
    odb_edit_destroy(&e);
    return rc;
}

int odb_versions_write_snapshot(odb_version_set *vs, odb_error *err) {
    uint64_t number = odb_versions_new_file_number(vs);
    char *path = odb_manifest_file_name(vs->dir, number);
    odb_buf record;
    odb_buf_init(&record);
    if (path == NULL || encode_snapshot(vs, &record) != ODB_OK) {
        free(path);
        odb_buf_free(&record);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    odb_log_writer *w;
    int rc = odb_log_writer_open(path, &w, err);
    if (rc == ODB_OK) {
        rc = odb_log_add_record(w, odb_buf_slice(&record), err);
        if (rc == ODB_OK) {
            rc = odb_log_sync(w, err);
        }
        if (rc != ODB_OK) {
            odb_log_writer_close(w, NULL);
        }
    }
    odb_buf_free(&record);
    int tried_current = rc == ODB_OK;
    if (rc == ODB_OK) {
        char current[64];
        int n = snprintf(current, sizeof current, "MANIFEST-%06llu\n", (unsigned long long)number);
        rc = odb_write_file_atomic(vs->dir, "CURRENT", current, (size_t)n, err);
        if (rc != ODB_OK) {
            odb_log_writer_close(w, NULL);
        }
    }
    if (rc != ODB_OK) {
        /* A CURRENT replacement that failed after its rename (in the directory fsync) still
         * names the new manifest: keep it. The next open removes it if CURRENT does not. */
        if (!tried_current) {
            odb_remove_file(path, NULL);
        }
        free(path);
        return rc;
    }
    free(path);
    uint64_t old = vs->manifest_number;
    if (vs->manifest != NULL) {
        odb_log_writer_close(vs->manifest, NULL);
    }
    vs->manifest = w;
    vs->manifest_number = number;
    if (old != 0) {
        char *old_path = odb_manifest_file_name(vs->dir, old);
        if (old_path != NULL) {
            odb_remove_file(old_path, NULL);
            free(old_path);
        }
    }
    return ODB_OK;
}

int odb_versions_apply(odb_version_set *vs, odb_version_edit *edit, odb_error *err) {
    if (!edit->has_log_number) {
        edit->has_log_number = 1;
        edit->log_number = vs->log_number;
    }
    edit->has_next_file = 1;
    edit->next_file_number = vs->next_file_number;
    edit->has_last_sequence = 1;
    edit->last_sequence = vs->last_sequence;

    odb_version *v;
    int rc = build_version(vs, vs->current, edit, &v, err);
    if (rc != ODB_OK) {
        return rc;
    }
    odb_buf record;
    odb_buf_init(&record);
    if (odb_edit_encode(edit, &record) != ODB_OK) {
        odb_buf_free(&record);
        odb_version_unref(v);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    rc = odb_log_add_record(vs->manifest, odb_buf_slice(&record), err);
    if (rc == ODB_OK) {
        rc = odb_log_sync(vs->manifest, err);
    }
    odb_buf_free(&record);
    if (rc != ODB_OK) {
        odb_version_unref(v);
        return rc;
    }
    mark_obsolete(vs->current, edit);
    odb_version_unref(vs->current);
    vs->current = v;
    vs->log_number = edit->log_number;
    return odb_rdset_apply_edit(&vs->range_dels, odb_buf_slice(&edit->range_dels), err);
}
