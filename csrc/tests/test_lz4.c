/* test_lz4.c - LZ4 block round trips, exact-capacity behaviour, and a
 * decoder that survives truncated, corrupted and random input (run under
 * ASan/UBSan: every buffer is malloc'd at its exact size so any overrun is
 * caught). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lz4.h"
#include "tests/ctest.h"

static uint64_t rng_state = 0x243F6A8885A308D3ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

enum { KIND_RANDOM, KIND_ZERO, KIND_PERIOD, KIND_KV, KIND_MIXED, KIND_COUNT };

static void fill(char *p, size_t n, int kind) {
    size_t period = 1 + rnd() % 20;
    size_t i = 0;
    switch (kind) {
    case KIND_RANDOM:
        for (i = 0; i < n; i++) {
            p[i] = (char)rnd();
        }
        break;
    case KIND_ZERO:
        memset(p, 0, n);
        break;
    case KIND_PERIOD:
        for (i = 0; i < n; i++) {
            p[i] = i < period ? (char)rnd() : p[i - period];
        }
        break;
    case KIND_KV:
        /* Sorted-key, repetitive-value text like a table block. */
        while (i < n) {
            char rec[96];
            int len = snprintf(rec, sizeof rec, "user:%08llu|name=customer-%llu;status=%s;",
                               (unsigned long long)(i / 7), (unsigned long long)(rnd() % 1000),
                               (rnd() & 1) ? "active" : "inactive");
            for (int j = 0; j < len && i < n; j++) {
                p[i++] = rec[j];
            }
        }
        break;
    default:
        /* Alternating random and copied stretches, copies from far back. */
        while (i < n) {
            size_t len = 1 + rnd() % 300;
            if (i > 0 && (rnd() & 1)) {
                size_t from = rnd() % i;
                for (size_t j = 0; j < len && i < n; j++) {
                    p[i++] = p[from + j];
                }
            } else {
                for (size_t j = 0; j < len && i < n; j++) {
                    p[i++] = (char)(rnd() % 4);
                }
            }
        }
        break;
    }
}

/* Compressed copy of src in an exact-size heap buffer; *clen gets its size. */
static char *compress_exact(const char *src, size_t n, size_t *clen) {
    size_t bound = odb_lz4_bound(n);
    char *tmp = malloc(bound);
    CHECK(tmp != NULL);
    size_t c = odb_lz4_compress(src, n, tmp, bound);
    CHECK(c > 0 && c <= bound);
    char *out = malloc(c);
    CHECK(out != NULL);
    memcpy(out, tmp, c);
    free(tmp);
    *clen = c;
    return out;
}

static void roundtrip(const char *src, size_t n, int check_caps) {
    size_t c;
    char *comp = compress_exact(src, n, &c);
    char *out = malloc(n ? n : 1);
    CHECK(out != NULL);
    CHECK(odb_lz4_decompress(comp, c, out, n) == (long)n);
    CHECK(n == 0 || memcmp(out, src, n) == 0);
    /* The size must match exactly. */
    if (n > 0) {
        CHECK(odb_lz4_decompress(comp, c, out, n - 1) == -1);
    }
    char *big = malloc(n + 1);
    CHECK(big != NULL);
    CHECK(odb_lz4_decompress(comp, c, big, n + 1) == -1);
    free(big);

    /* Exactly c bytes of room is enough (same output); one less is not. */
    char *exact = malloc(c);
    CHECK(exact != NULL);
    CHECK(odb_lz4_compress(src, n, exact, c) == c);
    CHECK(memcmp(exact, comp, c) == 0);
    free(exact);
    if (check_caps) {
        for (size_t cap = 0; cap < c; cap += (c > 300 ? 1 + rnd() % 97 : 1)) {
            char *small = malloc(cap ? cap : 1);
            CHECK(small != NULL);
            CHECK(odb_lz4_compress(src, n, cap ? small : NULL, cap) == 0);
            free(small);
        }
    }
    free(out);
    free(comp);
}

static void test_roundtrips(void) {
    static const size_t sizes[] = {100,   255,   256,   1000,  4095,   4096,   4097,   65535,
                                   65536, 65537, 70000, 99999, 262144, 500000, 1 << 20};
    CHECK(odb_lz4_bound(0) >= 1);
    for (size_t n = 0; n <= 80; n++) {
        for (int kind = 0; kind < KIND_COUNT; kind++) {
            char *src = malloc(n ? n : 1);
            CHECK(src != NULL);
            fill(src, n, kind);
            roundtrip(n ? src : NULL, n, 1);
            free(src);
        }
    }
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (int kind = 0; kind < KIND_COUNT; kind++) {
            size_t n = sizes[s];
            char *src = malloc(n);
            CHECK(src != NULL);
            fill(src, n, kind);
            roundtrip(src, n, n <= 70000);
            free(src);
        }
    }
    /* Compressible input must actually compress. */
    char *z = calloc(1, 1 << 16);
    CHECK(z != NULL);
    size_t c;
    char *comp = compress_exact(z, 1 << 16, &c);
    CHECK(c < 300);
    free(comp);
    free(z);
    TEST_PASSED("lz4 round trips");
}

/* Must fail or produce exactly dst_size bytes; ASan checks the rest. */
static void decode_any(const char *data, size_t n, size_t dst_size) {
    char *src = malloc(n ? n : 1);
    char *dst = malloc(dst_size ? dst_size : 1);
    CHECK(src != NULL && dst != NULL);
    if (n) {
        memcpy(src, data, n);
    }
    long r = odb_lz4_decompress(src, n, dst, dst_size);
    CHECK(r == -1 || r == (long)dst_size);
    free(src);
    free(dst);
}

static void test_malformed(void) {
    /* Hand-built bad blocks. */
    static const struct {
        const char *data;
        size_t n, dst;
    } cases[] = {
        {"", 0, 0},
        {"\x00", 1, 1},                       /* too short output */
        {"\x10", 1, 1},                       /* literal missing */
        {"\x10" "a\x01", 3, 5},               /* half an offset */
        {"\x10" "a\x00\x00", 4, 5},           /* offset 0 */
        {"\x10" "a\x02\x00", 4, 5},           /* offset before output start */
        {"\x1f" "a\x01\x00\xff\xff\xff", 7, 100}, /* match length runs off */
        {"\xf0\xff\xff\xff\xff\xff\xff\xff\xff", 9, 100},
        {"\x1f" "a\x01\x00\x00\x00", 6, 20}, /* match ok, final literals missing */
        {"\x20" "ab", 3, 2},                  /* valid... */
        {"\x20" "ab\x00", 4, 2},              /* ...with trailing garbage */
        {"\x14" "a\x01\x00\x00", 5, 9},       /* valid, but wrong size */
    };
    char out[128];
    CHECK(odb_lz4_decompress("\x00", 1, NULL, 0) == 0);
    CHECK(odb_lz4_decompress("\x00", 1, out, 0) == 0);
    CHECK(odb_lz4_decompress("\x20" "ab", 3, out, 2) == 2 && memcmp(out, "ab", 2) == 0);
    CHECK(odb_lz4_decompress("\x20" "ab\x00", 4, out, 2) == -1);
    /* 'a', then a match at offset 1 of length 4, then empty final literals. */
    CHECK(odb_lz4_decompress("\x10" "a\x01\x00\x00", 5, out, 5) == 5 && memcmp(out, "aaaaa", 5) == 0);
    CHECK(odb_lz4_decompress("\x10" "a\x01\x00\x00", 5, out, 6) == -1);
    CHECK(odb_lz4_decompress("\x10" "a\x01\x00\x00", 4, out, 5) == -1);
    /* Huge literal length claims must not overflow. */
    char huge[64];
    huge[0] = (char)0xf0;
    memset(huge + 1, 0xff, sizeof huge - 1);
    CHECK(odb_lz4_decompress(huge, sizeof huge, out, sizeof out) == -1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        decode_any(cases[i].data, cases[i].n, cases[i].dst);
    }

    /* Every truncation and many corruptions of valid blocks. */
    for (int kind = 0; kind < KIND_COUNT; kind++) {
        size_t sizes[] = {13, 64, 1000, 5000};
        for (size_t s = 0; s < 4; s++) {
            size_t n = sizes[s];
            char *src = malloc(n);
            CHECK(src != NULL);
            fill(src, n, kind);
            size_t c;
            char *comp = compress_exact(src, n, &c);
            for (size_t cut = 0; cut < c; cut++) {
                decode_any(comp, cut, n);
            }
            char *bad = malloc(c);
            CHECK(bad != NULL);
            for (int iter = 0; iter < 3000; iter++) {
                memcpy(bad, comp, c);
                int flips = 1 + (int)(rnd() % 3);
                for (int f = 0; f < flips; f++) {
                    bad[rnd() % c] = (char)rnd();
                }
                size_t dst = (iter % 5 == 0) ? rnd() % (2 * n + 1) : n;
                decode_any(bad, c, dst);
            }
            free(bad);
            free(comp);
            free(src);
        }
    }

    /* Pure garbage, biased to look like tokens with small offsets. */
    char garbage[512];
    for (int iter = 0; iter < 100000; iter++) {
        size_t n = rnd() % sizeof garbage;
        for (size_t i = 0; i < n; i++) {
            uint64_t r = rnd();
            garbage[i] = (char)((r & 0x300) == 0 ? (r & 7) : r);
        }
        decode_any(garbage, n, rnd() % 2048);
    }
    TEST_PASSED("lz4 malformed input");
}

int main(void) {
    test_roundtrips();
    test_malformed();
    return 0;
}
