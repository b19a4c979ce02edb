/* db_iter.h - the user's view of the database at one sequence number: turns
 * a merged iterator of internal keys into user keys and values, showing the
 * newest version <= the sequence of each key and hiding deleted keys. Owns
 * the inner iterator. Used by one thread at a time. */
#ifndef ODB_DB_ITER_H
#define ODB_DB_ITER_H

#include "dbformat.h"
#include "iterator.h"
#include "range_del.h"

/* NULL on out-of-memory (then inner has been destroyed). seek() targets are
 * user keys; key() returns user keys. */
odb_iter *odb_db_iter_new(odb_iter *inner, odb_seq sequence);
/* The same, hiding versions the range deletions of dels cover (takes over a
 * reference to dels, which may be NULL); visible: the newest published sequence. */
odb_iter *odb_db_iter_new_ranged(odb_iter *inner, odb_seq sequence, odb_rdset *dels, odb_seq visible);

#endif
