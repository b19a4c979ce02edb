/* cache.h - sharded LRU cache charged in bytes (the block cache).
 *
 * Entries are keyed by two 64-bit numbers (a per-table cache id from
 * odb_cache_new_id and a block offset). A lookup or insert returns a
 * referenced handle: the entry stays alive (pinned, never evicted) until the
 * handle is released. Usage above capacity evicts unreferenced entries in LRU
 * order; pinned entries may hold usage above capacity. All calls are
 * thread-safe (one mutex per shard). */
#ifndef ODB_CACHE_H
#define ODB_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct odb_cache odb_cache;
typedef struct odb_cache_handle odb_cache_handle;
typedef void (*odb_cache_deleter)(void *value);

/* capacity in bytes; returns NULL on out-of-memory. */
odb_cache *odb_cache_new(size_t capacity);
/* Every handle must have been released. Deletes every remaining value. */
void odb_cache_free(odb_cache *cache);

/* Takes ownership of value: deleter(value) runs once the entry is evicted or
 * replaced and has no references. Replaces an existing entry with the same
 * key. Returns a referenced handle, or NULL on out-of-memory (then deleter
 * has already been called on value). With capacity 0 the entry is never kept
 * after its handle is released. */
odb_cache_handle *odb_cache_insert(odb_cache *cache, uint64_t id, uint64_t offset, void *value, size_t charge,
                                   odb_cache_deleter deleter);
/* odb_cache_insert when the entry fits without evicting anything (the shard's usage stays
 * within its capacity); otherwise NULL and value stays the caller's (deleter not called). For
 * long scans: what they read is kept while there is room but never pushes out what is cached,
 * as PostgreSQL's bulk reads go through a small ring of buffers. NULL also on out-of-memory. */
odb_cache_handle *odb_cache_insert_if_room(odb_cache *cache, uint64_t id, uint64_t offset, void *value,
                                           size_t charge, odb_cache_deleter deleter);
/* A referenced handle or NULL when absent. */
odb_cache_handle *odb_cache_lookup(odb_cache *cache, uint64_t id, uint64_t offset);
void *odb_cache_value(const odb_cache_handle *handle);
void odb_cache_release(odb_cache *cache, odb_cache_handle *handle);
/* Drops the entry (deleted once its last handle is released). */
void odb_cache_erase(odb_cache *cache, uint64_t id, uint64_t offset);
/* A new id, distinct from every other id of this cache. */
uint64_t odb_cache_new_id(odb_cache *cache);
size_t odb_cache_usage(odb_cache *cache);
size_t odb_cache_pinned_usage(odb_cache *cache);
size_t odb_cache_capacity(const odb_cache *cache);

#endif
