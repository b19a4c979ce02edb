#include "db_iter.h"

#include <stdlib.h>

enum { FORWARD, REVERSE };

typedef struct db_iter {
    odb_iter base;
    odb_iter *inner;
    odb_seq sequence;
    odb_rdset *dels; /* range deletions: a covered version reads as a deletion */
    odb_seq visible; /* the newest published sequence when made (range_del.h) */
    int direction;
    int valid;
    odb_buf saved_key;   /* FORWARD: key being skipped; REVERSE: current key */
    odb_buf saved_value; /* REVERSE: current value */
    odb_buf seek_key;
    odb_error err;
} db_iter;

static int save(db_iter *d, odb_buf *dst, odb_slice s) {
    odb_buf_clear(dst);
    if (odb_buf_append(dst, s.data, s.size) != ODB_OK) {
        odb_error_set(&d->err, ODB_NO_MEMORY, "out of memory iterating");
        d->valid = 0;
        return 0;
    }
    return 1;
}

/* Positions on the newest visible version of the next live user key at or
 * after the inner position; with skipping, keys <= saved_key are passed. */
static void find_next_user_entry(db_iter *d, int skipping) {
    while (odb_iter_valid(d->inner)) {
        odb_slice ik = odb_iter_key(d->inner);
        if (!odb_ikey_valid(ik)) {
            odb_error_set(&d->err, ODB_CORRUPTION, "malformed internal key (%zu bytes)", ik.size);
            break;
        }
        if (odb_ikey_seq(ik) <= d->sequence) {
            odb_slice user = odb_ikey_user(ik);
            if (skipping && odb_slice_compare(user, odb_buf_slice(&d->saved_key)) <= 0) {
                /* an older version of a key already passed or deleted */
            } else if (odb_ikey_kind(ik) == ODB_KIND_DELETE ||
                       odb_rdset_covers(d->dels, user, odb_ikey_seq(ik), d->sequence, d->visible, UINT64_MAX)) {
                if (!save(d, &d->saved_key, user)) {
                    return;
                }
                skipping = 1;
            } else {
                d->valid = 1;
                return;
            }
        }
        odb_iter_next(d->inner);
    }
    d->valid = 0;
}

/* Moving backward, collects the newest visible version of the previous user
 * key into saved_key/saved_value; the inner iterator ends before its entries. */
static void find_prev_user_entry(db_iter *d) {
    int kind = ODB_KIND_DELETE;
    while (odb_iter_valid(d->inner)) {
        odb_slice ik = odb_iter_key(d->inner);
        if (!odb_ikey_valid(ik)) {
            odb_error_set(&d->err, ODB_CORRUPTION, "malformed internal key (%zu bytes)", ik.size);
            break;
        }
        if (odb_ikey_seq(ik) <= d->sequence) {
            odb_slice user = odb_ikey_user(ik);
            if (kind != ODB_KIND_DELETE && odb_slice_compare(user, odb_buf_slice(&d->saved_key)) < 0) {
                break; /* passed every version of the saved key */
            }
            kind = odb_rdset_covers(d->dels, user, odb_ikey_seq(ik), d->sequence, d->visible, UINT64_MAX)
                       ? ODB_KIND_DELETE
                       : odb_ikey_kind(ik);
            if (kind == ODB_KIND_DELETE) {
                odb_buf_clear(&d->saved_key);
                odb_buf_clear(&d->saved_value);
            } else if (!save(d, &d->saved_key, user) || !save(d, &d->saved_value, odb_iter_value(d->inner))) {
                return;
            }
        }
        odb_iter_prev(d->inner);
    }
    if (kind == ODB_KIND_DELETE || d->err.code != ODB_OK) {
        d->valid = 0;
        d->direction = FORWARD;
    } else {
        d->valid = 1;
    }
}

static void di_seek_first(odb_iter *it) {
    db_iter *d = (db_iter *)it;
    d->direction = FORWARD;
    odb_iter_seek_first(d->inner);
    find_next_user_entry(d, 0);
}

static void di_seek_last(odb_iter *it) {
    db_iter *d = (db_iter *)it;
    d->direction = REVERSE;
    odb_iter_seek_last(d->inner);
    find_prev_user_entry(d);
}

static void di_seek(odb_iter *it, odb_slice target) {
    db_iter *d = (db_iter *)it;
    d->direction = FORWARD;
    odb_buf_clear(&d->seek_key);
    if (odb_ikey_append(&d->seek_key, target, d->sequence, ODB_KIND_SEEK) != ODB_OK) {
        odb_error_set(&d->err, ODB_NO_MEMORY, "out of memory iterating");
        d->valid = 0;
        return;
    }
    odb_iter_seek(d->inner, odb_buf_slice(&d->seek_key));
    find_next_user_entry(d, 0);
}

static void di_next(odb_iter *it) {
    db_iter *d = (db_iter *)it;
    if (d->direction == REVERSE) {
        /* inner sits just before the current key's entries */
        d->direction = FORWARD;
        if (odb_iter_valid(d->inner)) {
            odb_iter_next(d->inner);
        } else {
            odb_iter_seek_first(d->inner);
        }
    } else {
        if (!save(d, &d->saved_key, odb_ikey_user(odb_iter_key(d->inner)))) {
            return;
        }
        odb_iter_next(d->inner);
    }
    find_next_user_entry(d, 1);
}

static void di_prev(odb_iter *it) {
    db_iter *d = (db_iter *)it;
    if (d->direction == FORWARD) {
        /* back up to before every entry of the current key */
        if (!save(d, &d->saved_key, odb_ikey_user(odb_iter_key(d->inner)))) {
            return;
        }
        for (;;) {
            odb_iter_prev(d->inner);
            if (!odb_iter_valid(d->inner)) {
                d->valid = 0;
                odb_buf_clear(&d->saved_key);
                odb_buf_clear(&d->saved_value);
                return;
            }
            if (odb_slice_compare(odb_ikey_user(odb_iter_key(d->inner)), odb_buf_slice(&d->saved_key)) < 0) {
                break;
            }
        }
        d->direction = REVERSE;
    }
    find_prev_user_entry(d);
}

static int di_valid(const odb_iter *it) { return ((const db_iter *)it)->valid; }

static odb_slice di_key(const odb_iter *it) {
    const db_iter *d = (const db_iter *)it;
    return d->direction == FORWARD ? odb_ikey_user(odb_iter_key(d->inner)) : odb_buf_slice(&d->saved_key);
}

static odb_slice di_value(const odb_iter *it) {
    const db_iter *d = (const db_iter *)it;
    return d->direction == FORWARD ? odb_iter_value(d->inner) : odb_buf_slice(&d->saved_value);
}

static int di_status(const odb_iter *it, odb_error *err) {
    const db_iter *d = (const db_iter *)it;
    if (d->err.code != ODB_OK) {
        if (err != NULL) {
            *err = d->err;
        }
        return d->err.code;
    }
    return odb_iter_status(d->inner, err);
}

static void di_destroy(odb_iter *it) {
    db_iter *d = (db_iter *)it;
    odb_iter_destroy(d->inner);
    odb_rdset_unref(d->dels);
    odb_buf_free(&d->saved_key);
    odb_buf_free(&d->saved_value);
    odb_buf_free(&d->seek_key);
    free(d);
}

static const odb_iter_ops db_iter_ops = {di_seek_first, di_seek_last, di_seek, di_next, di_prev,
                                         di_valid,      di_key,       di_value, di_status, di_destroy};

odb_iter *odb_db_iter_new(odb_iter *inner, odb_seq sequence) {
    db_iter *d = calloc(1, sizeof *d);
    if (d == NULL) {
        odb_iter_destroy(inner);
        return NULL;
    }
    d->base.ops = &db_iter_ops;
    d->inner = inner;
    d->sequence = sequence;
    d->direction = FORWARD;
    odb_buf_init(&d->saved_key);
    odb_buf_init(&d->saved_value);
    odb_buf_init(&d->seek_key);
    return &d->base;
}

odb_iter *odb_db_iter_new_ranged(odb_iter *inner, odb_seq sequence, odb_rdset *dels, odb_seq visible) {
    odb_iter *it = odb_db_iter_new(inner, sequence);
    if (it == NULL) {
        odb_rdset_unref(dels);
        return NULL;
    }
    ((db_iter *)it)->dels = dels;
    ((db_iter *)it)->visible = visible;
    return it;
}
