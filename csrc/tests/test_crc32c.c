/* test_crc32c.c - CRC-32C against published vectors, a bit-at-a-time
 * reference, split buffers, and the portable vs hardware paths. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "tests/ctest.h"

/* Definitionally correct (and slow) reference. */
static uint32_t crc_bitwise(uint32_t crc, const unsigned char *p, size_t n) {
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++) {
            crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    /* xorshift64*: deterministic so failures reproduce */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void test_vectors(void) {
    unsigned char buf[32];
    CHECK(odb_crc32c("123456789", 9) == 0xE3069283u);
    CHECK(odb_crc32c_extend_portable(0, "123456789", 9) == 0xE3069283u);
    memset(buf, 0, sizeof buf);
    CHECK(odb_crc32c(buf, 32) == 0x8A9136AAu);
    CHECK(odb_crc32c_extend_portable(0, buf, 32) == 0x8A9136AAu);
    memset(buf, 0xff, sizeof buf);
    CHECK(odb_crc32c(buf, 32) == 0x62A8AB43u);
    CHECK(odb_crc32c_extend_portable(0, buf, 32) == 0x62A8AB43u);
    for (int i = 0; i < 32; i++) {
        buf[i] = (unsigned char)i;
    }
    CHECK(odb_crc32c(buf, 32) == 0x46DD794Eu);
    CHECK(odb_crc32c_extend_portable(0, buf, 32) == 0x46DD794Eu);
    for (int i = 0; i < 32; i++) {
        buf[i] = (unsigned char)(31 - i);
    }
    CHECK(odb_crc32c(buf, 32) == 0x113FDB5Cu); /* descending, RFC 3720 B.4 */
    CHECK(odb_crc32c(NULL, 0) == 0);
    CHECK(odb_crc32c_extend(0x12345678u, NULL, 0) == 0x12345678u);
    CHECK(odb_crc32c("a", 1) != odb_crc32c("b", 1));
    TEST_PASSED("crc32c vectors");
}

static void test_random(void) {
    /* Lengths reach past 3*CRC_LONG so every loop of the hardware path runs. */
    size_t cap = 3 * 8192 * 2 + 3 * 256 * 3 + 64;
    unsigned char *buf = malloc(cap);
    CHECK(buf != NULL);
    for (size_t i = 0; i < cap; i++) {
        buf[i] = (unsigned char)rnd();
    }
    for (int iter = 0; iter < 3000; iter++) {
        size_t off = rnd() % 16;
        size_t len;
        switch (iter % 4) {
        case 0: len = rnd() % 64; break;
        case 1: len = rnd() % 2048; break;
        default: len = rnd() % (cap - 16); break;
        }
        uint32_t seed = (iter % 3 == 0) ? 0 : (uint32_t)rnd();
        uint32_t want = iter < 300 ? crc_bitwise(seed, buf + off, len) : odb_crc32c_extend_portable(seed, buf + off, len);
        CHECK(odb_crc32c_extend(seed, buf + off, len) == want);
        CHECK(odb_crc32c_extend_portable(seed, buf + off, len) == want);
        /* Any split must give the one-shot result. */
        size_t cut = len ? rnd() % (len + 1) : 0;
        uint32_t part = odb_crc32c_extend(seed, buf + off, cut);
        CHECK(odb_crc32c_extend(part, buf + off + cut, len - cut) == want);
        part = odb_crc32c_extend_portable(seed, buf + off, cut);
        CHECK(odb_crc32c_extend_portable(part, buf + off + cut, len - cut) == want);
    }
    /* Byte-at-a-time extension. */
    uint32_t c = 0;
    for (size_t i = 0; i < 1000; i++) {
        c = odb_crc32c_extend(c, buf + i, 1);
    }
    CHECK(c == crc_bitwise(0, buf, 1000));
    free(buf);
    printf("crc32c hardware path: %s\n", odb_crc32c_hw_available() ? "yes" : "no");
    TEST_PASSED("crc32c random/split/portable");
}

static void test_mask(void) {
    uint32_t crc = odb_crc32c("foo", 3);
    CHECK(odb_crc32c_mask(crc) != crc);
    CHECK(odb_crc32c_mask(odb_crc32c_mask(crc)) != crc);
    CHECK(odb_crc32c_unmask(odb_crc32c_mask(crc)) == crc);
    CHECK(odb_crc32c_unmask(odb_crc32c_unmask(odb_crc32c_mask(odb_crc32c_mask(crc)))) == crc);
    for (int i = 0; i < 100000; i++) {
        uint32_t v = (uint32_t)rnd();
        CHECK(odb_crc32c_unmask(odb_crc32c_mask(v)) == v);
    }
    CHECK(odb_crc32c_unmask(odb_crc32c_mask(0)) == 0);
    CHECK(odb_crc32c_unmask(odb_crc32c_mask(0xffffffffu)) == 0xffffffffu);
    TEST_PASSED("crc32c mask");
}

int main(void) {
    test_vectors();
    test_random();
    test_mask();
    return 0;
}
