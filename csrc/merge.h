/* merge.h - an iterator over the union of several iterators of internal
 * keys, in order, in both directions. It owns its children. */
#ifndef ODB_MERGE_H
#define ODB_MERGE_H

#include "iterator.h"

/* Takes ownership of children[0..n) (the array itself is copied). On
 * out-of-memory returns NULL after destroying the children. */
odb_iter *odb_merge_iter_new(odb_iter **children, int n);

#endif
