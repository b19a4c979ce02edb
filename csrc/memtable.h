/* memtable.h - the in-memory write buffer: a skiplist of internal keys whose
 * nodes, keys and values live in an arena.
 *
 * Concurrency: one writer at a time (the write group leader) calls add(), or
 * several call add_concurrent() at once (allow_concurrent_memtable_write);
 * any number of readers may call get() and iterate concurrently with it,
 * without locks (next pointers are published with release stores).
 * Lifetime: reference counted; the creator holds the first reference, and
 * every iterator holds one until destroyed. */
#ifndef ODB_MEMTABLE_H
#define ODB_MEMTABLE_H

#include <stddef.h>

#include "coding.h"
#include "dbformat.h"
#include "iterator.h"

typedef struct odb_memtable odb_memtable;

/* A new memtable with one reference, or NULL when out of memory.
 * arena_block_size: allocation unit of its arena. */
odb_memtable *odb_memtable_new(size_t arena_block_size);
void odb_memtable_ref(odb_memtable *m);
void odb_memtable_unref(odb_memtable *m);

/* ODB_OK or ODB_NO_MEMORY. */
int odb_memtable_add(odb_memtable *m, odb_seq seq, int kind, odb_slice key, odb_slice value);

/* Like odb_memtable_add, but safe while other threads also call this function
 * on the same memtable (lock-free linking; allocation under a short lock). */
int odb_memtable_add_concurrent(odb_memtable *m, odb_seq seq, int kind, odb_slice key, odb_slice value);

/* Looks up the newest version of lookup_ikey's user key with sequence <= the
 * lookup's. Returns 1 when a version exists (then *deleted tells whether it is
 * a deletion; a value is copied into value when not deleted; *seq, when not
 * NULL, is that version's sequence number), 0 otherwise.
 * Returns -1 (ODB_NO_MEMORY) if copying the value fails. */
int odb_memtable_get(odb_memtable *m, odb_slice lookup_ikey, int *deleted, odb_buf *value, odb_seq *seq);

size_t odb_memtable_memory_usage(odb_memtable *m);
/* Bytes of entries (keys, values, nodes): compared with write_buffer_size. */
size_t odb_memtable_data_size(odb_memtable *m);
size_t odb_memtable_num_entries(odb_memtable *m);

/* Iterator over internal keys; holds a reference. NULL on out-of-memory. */
odb_iter *odb_memtable_iter_new(odb_memtable *m);

#endif
