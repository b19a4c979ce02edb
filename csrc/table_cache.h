/* table_cache.h - open tables under max_open_files (RocksDB's knob: -1 keeps
 * every table open for its file's life; otherwise at most max_open_files - 10
 * tables are held open, the rest closed least recently used first and opened
 * again when read).
 *
 * A reader acquires a file's table, uses it, and releases it; a table in use
 * is never closed, so tables in use at one moment (iterators over many level-0
 * files, a compaction's inputs) may exceed the bound until released, as in
 * RocksDB. Thread-safe: one mutex per cache, taken only when bounded. */
#ifndef ODB_TABLE_CACHE_H
#define ODB_TABLE_CACHE_H

#include "iterator.h"
#include "status.h"
#include "table.h"

/* Files opened by the engine besides tables (WAL, manifest, LOCK, ...), as RocksDB reserves. */
#define ODB_NON_TABLE_FILES 10

typedef struct odb_table_cache odb_table_cache;
struct odb_file_meta;

/* NULL when max_open_files is -1 (nothing to bound) or on out-of-memory (*oom set). */
odb_table_cache *odb_table_cache_new(int max_open_files, const odb_table_open_options *topt, int *oom);
void odb_table_cache_free(odb_table_cache *tc);
/* Tables open now (for tests and stats). */
int odb_table_cache_open_tables(odb_table_cache *tc);

/* The open table of f, opened when it was closed; every successful acquire needs a release. */
int odb_file_table_acquire(struct odb_file_meta *f, odb_table **out, odb_error *err);
void odb_file_table_release(struct odb_file_meta *f);
/* f's last reference is gone: closes its table and takes it out of the cache. */
void odb_file_table_forget(struct odb_file_meta *f);

/* An iterator over f's table that holds it acquired until destroyed (fill_cache: see
 * odb_table_iter_new_filling). On failure, an iterator whose status is the error; NULL only on
 * out-of-memory. */
odb_iter *odb_file_iter_new(struct odb_file_meta *f, int fill_cache);

#endif
