#include "merge.h"

#include <stdlib.h>
#include <string.h>

#include "dbformat.h"

enum { FORWARD, REVERSE };

typedef struct merge_iter {
    odb_iter base;
    int n;
    int direction;
    odb_iter *current;
    odb_iter **children;
} merge_iter;

static void find_smallest(merge_iter *m) {
    odb_iter *best = NULL;
    for (int i = 0; i < m->n; i++) {
        odb_iter *c = m->children[i];
        if (odb_iter_valid(c) && (best == NULL || odb_ikey_compare(odb_iter_key(c), odb_iter_key(best)) < 0)) {
            best = c;
        }
    }
    m->current = best;
}

static void find_largest(merge_iter *m) {
    odb_iter *best = NULL;
    for (int i = m->n - 1; i >= 0; i--) {
        odb_iter *c = m->children[i];
        if (odb_iter_valid(c) && (best == NULL || odb_ikey_compare(odb_iter_key(c), odb_iter_key(best)) > 0)) {
            best = c;
        }
    }
    m->current = best;
}

static void me_seek_first(odb_iter *it) {
    merge_iter *m = (merge_iter *)it;
    for (int i = 0; i < m->n; i++) {
        odb_iter_seek_first(m->children[i]);
    }
    find_smallest(m);
    m->direction = FORWARD;
}

static void me_seek_last(odb_iter *it) {
    merge_iter *m = (merge_iter *)it;
    for (int i = 0; i < m->n; i++) {
        odb_iter_seek_last(m->children[i]);
    }
    find_largest(m);
    m->direction = REVERSE;
}

static void me_seek(odb_iter *it, odb_slice target) {
    merge_iter *m = (merge_iter *)it;
    for (int i = 0; i < m->n; i++) {
        odb_iter_seek(m->children[i], target);
    }
    find_smallest(m);
    m->direction = FORWARD;
}

static void me_next(odb_iter *it) {
    merge_iter *m = (merge_iter *)it;
    if (m->direction != FORWARD) {
        /* Every other child must move to its first entry after key(). */
        odb_slice key = odb_iter_key(m->current);
        for (int i = 0; i < m->n; i++) {
            odb_iter *c = m->children[i];
            if (c == m->current) {
                continue;
            }
            odb_iter_seek(c, key);
            if (odb_iter_valid(c) && odb_ikey_compare(key, odb_iter_key(c)) == 0) {
                odb_iter_next(c);
            }
        }
        m->direction = FORWARD;
    }
    odb_iter_next(m->current);
    find_smallest(m);
}

static void me_prev(odb_iter *it) {
    merge_iter *m = (merge_iter *)it;
    if (m->direction != REVERSE) {
        /* Every other child must move to its last entry before key(). */
        odb_slice key = odb_iter_key(m->current);
        for (int i = 0; i < m->n; i++) {
            odb_iter *c = m->children[i];
            if (c == m->current) {
                continue;
            }
            odb_iter_seek(c, key);
            if (odb_iter_valid(c)) {
                odb_iter_prev(c);
            } else {
                odb_iter_seek_last(c);
            }
        }
        m->direction = REVERSE;
    }
    odb_iter_prev(m->current);
    find_largest(m);
}

static int me_valid(const odb_iter *it) { return ((const merge_iter *)it)->current != NULL; }
static odb_slice me_key(const odb_iter *it) { return odb_iter_key(((const merge_iter *)it)->current); }
static odb_slice me_value(const odb_iter *it) { return odb_iter_value(((const merge_iter *)it)->current); }

static int me_status(const odb_iter *it, odb_error *err) {
    const merge_iter *m = (const merge_iter *)it;
    for (int i = 0; i < m->n; i++) {
        int rc = odb_iter_status(m->children[i], err);
        if (rc != ODB_OK) {
            return rc;
        }
    }
    return ODB_OK;
}

static void me_destroy(odb_iter *it) {
    merge_iter *m = (merge_iter *)it;
    for (int i = 0; i < m->n; i++) {
        odb_iter_destroy(m->children[i]);
    }
    free(m->children);
    free(m);
}

static const odb_iter_ops merge_ops = {me_seek_first, me_seek_last, me_seek, me_next, me_prev,
                                       me_valid,      me_key,       me_value, me_status, me_destroy};

odb_iter *odb_merge_iter_new(odb_iter **children, int n) {
    merge_iter *m = malloc(sizeof *m);
    odb_iter **copy = malloc((size_t)(n > 0 ? n : 1) * sizeof *copy);
    if (m == NULL || copy == NULL) {
        free(m);
        free(copy);
        for (int i = 0; i < n; i++) {
            odb_iter_destroy(children[i]);
        }
        return NULL;
    }
    if (n > 0) {
        memcpy(copy, children, (size_t)n * sizeof *copy);
    }
    m->base.ops = &merge_ops;
    m->n = n;
    m->children = copy;
    m->current = NULL;
    m->direction = FORWARD;
    return &m->base;
}
