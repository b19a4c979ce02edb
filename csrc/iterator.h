/* iterator.h - the one iterator interface every source of sorted entries
 * implements (memtable, table block, table, merge of several, db view).
 *
 * An iterator is either positioned on an entry (valid) or not. key()/value()
 * return views that stay valid until the iterator moves or is destroyed.
 * Errors (corruption, I/O) make the iterator invalid and are reported by
 * status(). An iterator is used by one thread at a time. */
#ifndef ODB_ITERATOR_H
#define ODB_ITERATOR_H

#include "coding.h"
#include "status.h"

typedef struct odb_iter odb_iter;

typedef struct odb_iter_ops {
    void (*seek_first)(odb_iter *it);
    void (*seek_last)(odb_iter *it);
    /* Positions at the first entry with key >= target. */
    void (*seek)(odb_iter *it, odb_slice target);
    void (*next)(odb_iter *it);
    void (*prev)(odb_iter *it);
    int (*valid)(const odb_iter *it);
    odb_slice (*key)(const odb_iter *it);
    odb_slice (*value)(const odb_iter *it);
    /* ODB_OK, or the error that stopped the iterator (copied into err). */
    int (*status)(const odb_iter *it, odb_error *err);
    void (*destroy)(odb_iter *it);
} odb_iter_ops;

/* Implementations embed this as their first member. */
struct odb_iter {
    const odb_iter_ops *ops;
};

static inline void odb_iter_seek_first(odb_iter *it) { it->ops->seek_first(it); }
static inline void odb_iter_seek_last(odb_iter *it) { it->ops->seek_last(it); }
static inline void odb_iter_seek(odb_iter *it, odb_slice t) { it->ops->seek(it, t); }
static inline void odb_iter_next(odb_iter *it) { it->ops->next(it); }
static inline void odb_iter_prev(odb_iter *it) { it->ops->prev(it); }
static inline int odb_iter_valid(const odb_iter *it) { return it->ops->valid(it); }
static inline odb_slice odb_iter_key(const odb_iter *it) { return it->ops->key(it); }
static inline odb_slice odb_iter_value(const odb_iter *it) { return it->ops->value(it); }
static inline int odb_iter_status(const odb_iter *it, odb_error *e) { return it->ops->status(it, e); }
static inline void odb_iter_destroy(odb_iter *it) {
    if (it != NULL) {
        it->ops->destroy(it);
    }
}

/* An iterator with no entries that reports `err` (code ODB_OK for plain empty).
 * Returns NULL only when out of memory. */
odb_iter *odb_iter_new_error(const odb_error *err);

#endif
