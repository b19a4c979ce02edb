#include "bloom.h"

#include <string.h>

#include "status.h"

static inline uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

/* MurmurHash3 x86_32: good avalanche at a few cycles per 4 bytes, and a
 * published algorithm other implementations (Python's mmh3) can reproduce. */
uint32_t odb_bloom_hash(const void *data, size_t n) {
    const unsigned char *p = data;
    const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
    uint32_t h = ODB_BLOOM_SEED;
    size_t blocks = n / 4;
    for (size_t i = 0; i < blocks; i++, p += 4) {
        uint32_t k = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64u;
    }
    uint32_t k = 0;
    switch (n & 3) {
    case 3: k ^= (uint32_t)p[2] << 16; /* fall through */
    case 2: k ^= (uint32_t)p[1] << 8;  /* fall through */
    case 1:
        k ^= p[0];
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        break;
    default: break;
    }
    h ^= (uint32_t)n;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

int odb_bloom_probes(int bits_per_key) {
    /* bits_per_key * ln 2 minimises the false-positive rate. */
    int k = (int)(bits_per_key * 0.69 + 0.5);
    return k < 1 ? 1 : k > 30 ? 30 : k;
}

int odb_bloom_build(const uint32_t *hashes, size_t n, int bits_per_key, odb_buf *out) {
    if (bits_per_key < 1) {
        bits_per_key = 1;
    }
    uint64_t bits = (uint64_t)n * (uint64_t)bits_per_key;
    if (bits < 64) {
        bits = 64;
    }
    uint64_t bytes = (bits + 7) / 8;
    if (bytes > SIZE_MAX / 8 - 1 || bytes > UINT32_MAX / 8) {
        /* Bit positions are computed in 32 bits. */
        return ODB_NO_MEMORY;
    }
    bits = bytes * 8;
    if (odb_buf_reserve(out, (size_t)bytes + 1) != ODB_OK) {
        return ODB_NO_MEMORY;
    }
    unsigned char *array = (unsigned char *)out->data + out->len;
    memset(array, 0, (size_t)bytes);
    int k = odb_bloom_probes(bits_per_key);
    uint32_t nbits = (uint32_t)bits;
    for (size_t i = 0; i < n; i++) {
        uint32_t h = hashes[i];
        uint32_t delta = (h >> 17) | (h << 15);
        for (int j = 0; j < k; j++) {
            uint32_t pos = h % nbits;
            array[pos / 8] |= (unsigned char)(1u << (pos % 8));
            h += delta;
        }
    }
    array[bytes] = (unsigned char)k;
    out->len += (size_t)bytes + 1;
    return ODB_OK;
}

int odb_bloom_valid(odb_slice filter) {
    if (filter.size < 2 || filter.size - 1 > UINT32_MAX / 8) {
        return 0;
    }
    unsigned k = (unsigned char)filter.data[filter.size - 1];
    return k >= 1 && k <= 30;
}

int odb_bloom_may_match(odb_slice filter, uint32_t hash) {
    if (!odb_bloom_valid(filter)) {
        return 1;
    }
    const unsigned char *array = (const unsigned char *)filter.data;
    uint32_t nbits = (uint32_t)((filter.size - 1) * 8);
    int k = array[filter.size - 1];
    uint32_t h = hash;
    uint32_t delta = (h >> 17) | (h << 15);
    for (int j = 0; j < k; j++) {
        uint32_t pos = h % nbits;
        if (!(array[pos / 8] & (1u << (pos % 8)))) {
            return 0;
        }
        h += delta;
    }
    return 1;
}
