/* bloom.h - the bloom filter stored in a table's filter block: a bit array
 * followed by one byte holding the number of probes (FORMAT.md, "Filter
 * block"). Stateless functions: building writes into a caller-owned buffer,
 * querying reads a caller-owned slice; all are thread-safe. */
#ifndef ODB_BLOOM_H
#define ODB_BLOOM_H

#include <stddef.h>
#include <stdint.h>

#include "coding.h"

/* The 32-bit key hash the filter is defined over (MurmurHash3 x86_32, seed
 * ODB_BLOOM_SEED). */
#define ODB_BLOOM_SEED 0xbc9f1d34u
uint32_t odb_bloom_hash(const void *data, size_t n);

/* Number of probes for bits_per_key: round(bits_per_key * 0.69) in [1, 30]. */
int odb_bloom_probes(int bits_per_key);

/* Appends a filter for the n key hashes to out: max(64, n * bits_per_key)
 * bits rounded up to whole bytes, then the probe count byte.
 * bits_per_key must be >= 1. ODB_OK or ODB_NO_MEMORY. */
int odb_bloom_build(const uint32_t *hashes, size_t n, int bits_per_key, odb_buf *out);

/* 0 when the key with this hash is certainly absent, else 1. A filter that is
 * too short or has a probe count outside [1, 30] matches everything. */
int odb_bloom_may_match(odb_slice filter, uint32_t hash);
/* 1 when filter has the shape odb_bloom_build produces. */
int odb_bloom_valid(odb_slice filter);

#endif
