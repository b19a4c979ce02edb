/* stats.h - engine statistics counters (RocksDB-style tickers).
 * Counters are relaxed atomics, updated from any thread; they are only
 * touched when the engine was opened with enable_statistics. */
#ifndef ODB_STATS_H
#define ODB_STATS_H

#include <stdatomic.h>
#include <stdint.h>

#define ODB_STATS_FIELDS(X)                                                                        \
    X(block_cache_hit) X(block_cache_miss) X(block_cache_data_hit) X(block_cache_data_miss)       \
    X(block_cache_index_hit) X(block_cache_index_miss) X(block_cache_filter_hit)                  \
    X(block_cache_filter_miss) X(bloom_checked) X(bloom_useful) X(memtable_hit) X(memtable_miss)  \
    X(keys_written) X(keys_read) X(bytes_written) X(bytes_read) X(wal_writes) X(wal_syncs)        \
    X(wal_bytes) X(write_groups) X(flushes) X(flush_bytes) X(table_bytes_read) X(stall_micros)    \
    X(compactions) X(compaction_bytes_read) X(compaction_bytes_written) X(concurrent_memtable_groups) X(pipelined_groups)

typedef struct odb_stats {
    int enabled;
#define ODB_STATS_DECLARE(name) _Atomic uint64_t name;
    ODB_STATS_FIELDS(ODB_STATS_DECLARE)
#undef ODB_STATS_DECLARE
} odb_stats;

#define ODB_STAT_ADD(stats, field, n)                                                              \
    do {                                                                                           \
        odb_stats *odb_st_ = (stats);                                                              \
        if (odb_st_ != NULL && odb_st_->enabled) {                                                 \
            atomic_fetch_add_explicit(&odb_st_->field, (uint64_t)(n), memory_order_relaxed);      \
        }                                                                                          \
    } while (0)

#endif
