/* table.h - sorted string tables (SST): immutable files of internal keys.
 *
 * Layout (csrc/FORMAT.md has the byte-level description): data blocks of
 * about block_size bytes with prefix-compressed entries and restart points,
 * each compressed with LZ4 when that saves space; a bloom filter block over
 * the user keys; an index block mapping the last key of each data block to
 * its handle; a fixed-size footer with the filter and index handles and a
 * magic number. Every block is followed by a 5-byte trailer: compression type
 * and the masked CRC-32C of the stored block bytes plus type.
 *
 * A builder is used by one thread. An opened table is immutable and
 * thread-safe: any number of threads may call get and create iterators.
 * Iterators keep the table alive only as long as the caller keeps it open:
 * the caller (the version set) closes a table only after its last iterator is
 * gone. */
#ifndef ODB_TABLE_H
#define ODB_TABLE_H

#include <stdint.h>

#include "cache.h"
#include "coding.h"
#include "iterator.h"
#include "stats.h"
#include "status.h"

enum { ODB_COMPRESSION_NONE = 0, ODB_COMPRESSION_LZ4 = 1 };

typedef struct odb_table_build_options {
    size_t block_size;          /* target uncompressed data block size, default 4096 */
    int block_restart_interval; /* keys between restart points, default 16 */
    int bloom_bits_per_key;     /* 0: no filter block */
    int compression;            /* ODB_COMPRESSION_* */
} odb_table_build_options;

typedef struct odb_table_builder odb_table_builder;

/* Creates path (truncating) and starts a table. */
int odb_table_builder_new(const char *path, const odb_table_build_options *opt, odb_table_builder **out,
                          odb_error *err);
/* Adds an entry; internal keys must be strictly increasing (odb_ikey_compare). */
int odb_table_builder_add(odb_table_builder *b, odb_slice ikey, odb_slice value, odb_error *err);
/* Bytes written so far plus the pending block: for splitting output files. */
uint64_t odb_table_builder_file_size(const odb_table_builder *b);
uint64_t odb_table_builder_num_entries(const odb_table_builder *b);
/* Writes the remaining blocks and the footer, fsyncs and closes the file.
 * *file_size receives the final size. The builder must still be freed. */
int odb_table_builder_finish(odb_table_builder *b, uint64_t *file_size, odb_error *err);
/* Frees the builder, closing the file if finish was not called (the caller
 * deletes an unfinished file). */
void odb_table_builder_free(odb_table_builder *b);

typedef struct odb_table_open_options {
    odb_cache *cache;          /* block cache for data blocks; may be NULL (no caching) */
    int cache_index_and_filter; /* charge index and filter blocks to cache */
    int pin_index_and_filter;  /* with cache_index_and_filter: hold their handles while open */
    odb_stats *stats;          /* may be NULL */
} odb_table_open_options;

typedef struct odb_table odb_table;

/* Opens a finished table: reads and verifies footer, index and filter. */
int odb_table_open(const char *path, const odb_table_open_options *opt, odb_table **out, odb_error *err);
/* odb_table_open with the table's blocks keyed by cache_id in the block cache (0: a new id), so
 * that a table closed and opened again finds the blocks it cached before. */
int odb_table_open_with_id(const char *path, const odb_table_open_options *opt, uint64_t cache_id, odb_table **out,
                           odb_error *err);
void odb_table_close(odb_table *t);
uint64_t odb_table_file_size(const odb_table *t);

/* Point lookup. Finds the first entry whose internal key is >= lookup_ikey; if
 * that entry has the same user key, *found = 1 and its internal key and value
 * are copied into ikey_out and value_out. Otherwise (including when the bloom
 * filter rules the key out, which then reads no data block) *found = 0.
 * Corruption errors name the file and block offset. */
int odb_table_get(odb_table *t, odb_slice lookup_ikey, int *found, odb_buf *ikey_out, odb_buf *value_out,
                  odb_error *err);

/* An iterator over all entries (internal keys); NULL only on out-of-memory. */
odb_iter *odb_table_iter_new(odb_table *t);
/* How an iterator's data blocks read from the file go into the block cache: not at all (data
 * blocks found in the cache are still used; compactions read this way, as RocksDB's fill_cache
 * = false), as every read's do, or only while the cache has room (long scans: see
 * odb_cache_insert_if_room). */
enum { ODB_FILL_NONE = 0, ODB_FILL_LRU = 1, ODB_FILL_IF_ROOM = 2 };
/* fill_cache: one of ODB_FILL_*. */
odb_iter *odb_table_iter_new_filling(odb_table *t, int fill_cache);

#endif
