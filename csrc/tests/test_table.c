/* test_table.c - sorted string tables: build, get (with bloom filter),
 * iteration in both directions, seeks, block cache modes, and corrupt files. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "block.h"
#include "bloom.h"
#include "cache.h"
#include "crc32c.h"
#include "ctest.h"
#include "dbformat.h"
#include "env.h"
#include "table.h"

/* ---- deterministic random numbers ------------------------------------ */

static uint64_t rng_next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* ---- the model: a sorted array of entries ---------------------------- */

typedef struct entry {
    char *ikey;
    size_t klen;
    char *value;
    size_t vlen;
} entry;

typedef struct model {
    entry *e;
    size_t n;
} model;

static odb_slice ek(const entry *e) { return odb_slice_make(e->ikey, e->klen); }
static odb_slice ev(const entry *e) { return odb_slice_make(e->value, e->vlen); }

static int entry_cmp(const void *a, const void *b) { return odb_ikey_compare(ek(a), ek(b)); }

static char *make_ikey(const char *user, size_t ulen, odb_seq seq, int kind, size_t *klen) {
    char *k = malloc(ulen + 8);
    CHECK(k != NULL);
    memcpy(k, user, ulen);
    odb_encode_fixed64(k + ulen, odb_pack_trailer(seq, kind));
    *klen = ulen + 8;
    return k;
}

/* Random user keys of varying length sharing prefixes (so prefix compression
 * matters), 1-3 versions each with distinct sequences and both kinds. Values
 * are repetitive half the time so that LZ4 has something to compress. */
static model gen_model(size_t target, uint64_t seed) {
    model m = {NULL, 0};
    size_t cap = target + 8;
    m.e = malloc(cap * sizeof *m.e);
    CHECK(m.e != NULL);
    uint64_t s = seed | 1;
    while (m.n < target) {
        char user[64];
        uint64_t r = rng_next(&s);
        int ulen = snprintf(user, sizeof user, "user%06llu/%llx", (unsigned long long)(r % 1000000),
                            (unsigned long long)(rng_next(&s) % 4096));
        if (r % 7 == 0) {
            user[ulen++] = '\0'; /* embedded zero byte */
            user[ulen++] = 'z';
        }
        int versions = 1 + (int)(rng_next(&s) % 3);
        for (int v = 0; v < versions && m.n < target; v++) {
            entry *e = &m.e[m.n++];
            odb_seq seq = 1 + rng_next(&s) % 1000000;
            int kind = (rng_next(&s) % 4 == 0) ? ODB_KIND_DELETE : ODB_KIND_VALUE;
            e->ikey = make_ikey(user, (size_t)ulen, seq, kind, &e->klen);
            size_t vlen = kind == ODB_KIND_DELETE ? 0 : rng_next(&s) % 100;
            e->value = malloc(vlen + 1);
            CHECK(e->value != NULL);
            int repetitive = rng_next(&s) % 2;
            for (size_t i = 0; i < vlen; i++) {
                e->value[i] = repetitive ? (char)('a' + i % 4) : (char)rng_next(&s);
            }
            e->vlen = vlen;
        }
    }
    qsort(m.e, m.n, sizeof *m.e, entry_cmp);
    /* Drop exact duplicate internal keys (same user key, sequence and kind). */
    size_t w = 0;
    for (size_t i = 0; i < m.n; i++) {
        if (w > 0 && odb_ikey_compare(ek(&m.e[w - 1]), ek(&m.e[i])) == 0) {
            free(m.e[i].ikey);
            free(m.e[i].value);
            continue;
        }
        m.e[w++] = m.e[i];
    }
    m.n = w;
    return m;
}

static void free_model(model *m) {
    for (size_t i = 0; i < m->n; i++) {
        free(m->e[i].ikey);
        free(m->e[i].value);
    }
    free(m->e);
}

/* Index of the first model entry >= key. */
static size_t lower_bound(const model *m, odb_slice key) {
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (odb_ikey_compare(ek(&m->e[mid]), key) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int slice_eq(odb_slice a, odb_slice b) { return a.size == b.size && (a.size == 0 || memcmp(a.data, b.data, a.size) == 0); }

/* ---- helpers --------------------------------------------------------- */

static char g_dir[256];

static void path_for(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", g_dir, name); }

static uint64_t build(const char *path, const model *m, odb_table_build_options opt) {
    odb_error err;
    odb_table_builder *b;
    CHECK_OK(odb_table_builder_new(path, &opt, &b, &err), &err);
    for (size_t i = 0; i < m->n; i++) {
        CHECK_OK(odb_table_builder_add(b, ek(&m->e[i]), ev(&m->e[i]), &err), &err);
        CHECK(odb_table_builder_num_entries(b) == i + 1);
    }
    uint64_t est = odb_table_builder_file_size(b);
    uint64_t size = 0;
    CHECK_OK(odb_table_builder_finish(b, &size, &err), &err);
    CHECK(size >= est);
    CHECK(odb_table_builder_file_size(b) == size);
    odb_table_builder_free(b);
    return size;
}

static uint64_t stat_get(_Atomic uint64_t *v) { return atomic_load(v); }

static void reset_stats(odb_stats *st) {
    memset(st, 0, sizeof *st);
    st->enabled = 1;
}

/* ---- checks against the model ---------------------------------------- */

/* Data blocks touched so far: cache lookups when there is a cache (the
 * index and filter may be re-read through it), else bytes read. */
static uint64_t data_reads(odb_stats *st, int has_cache) {
    if (st == NULL) {
        return 0;
    }
    return has_cache ? stat_get(&st->block_cache_data_hit) + stat_get(&st->block_cache_data_miss)
                     : stat_get(&st->table_bytes_read);
}

static void check_gets(odb_table *t, const model *m, odb_stats *st, int has_cache, int bloom, uint64_t *seed) {
    odb_error err;
    odb_buf k, v;
    odb_buf_init(&k);
    odb_buf_init(&v);
    for (size_t i = 0; i < m->n; i++) {
        const entry *e = &m->e[i];
        odb_slice user = odb_ikey_user(ek(e));
        int found = 0;
        /* The exact internal key finds itself. */
        CHECK_OK(odb_table_get(t, ek(e), &found, &k, &v, &err), &err);
        CHECK(found);
        CHECK(slice_eq(odb_buf_slice(&k), ek(e)));
        CHECK(slice_eq(odb_buf_slice(&v), ev(e)));
        /* Reads at this entry's sequence, at the newest and just below the
         * oldest: compare with the first model entry >= the lookup key. */
        odb_seq seqs[3] = {odb_ikey_seq(ek(e)), ODB_MAX_SEQ, odb_ikey_seq(ek(e)) - 1};
        for (int j = 0; j < 3; j++) {
            size_t klen;
            char *lk = make_ikey(user.data, user.size, seqs[j], ODB_KIND_SEEK, &klen);
            size_t pos = lower_bound(m, odb_slice_make(lk, klen));
            int expect = pos < m->n && slice_eq(odb_ikey_user(ek(&m->e[pos])), user);
            CHECK_OK(odb_table_get(t, odb_slice_make(lk, klen), &found, &k, &v, &err), &err);
            CHECK(found == expect);
            if (expect) {
                CHECK(slice_eq(odb_buf_slice(&k), ek(&m->e[pos])));
                CHECK(slice_eq(odb_buf_slice(&v), ev(&m->e[pos])));
            }
            free(lk);
        }
    }
    /* Absent keys: between existing ones (user key + a suffix byte) and
     * entirely random ones. */
    size_t absent = 0, no_read = 0;
    size_t trials = m->n < 20000 ? m->n + 100 : 20000;
    for (size_t i = 0; i < trials; i++) {
        char user[80];
        size_t ulen;
        if (m->n > 0 && i % 2 == 0) {
            const entry *e = &m->e[rng_next(seed) % m->n];
            odb_slice u = odb_ikey_user(ek(e));
            memcpy(user, u.data, u.size);
            user[u.size] = '\x01';
            ulen = u.size + 1;
        } else {
            ulen = (size_t)snprintf(user, sizeof user, "user%06llu/%llx~",
                                    (unsigned long long)(rng_next(seed) % 1000000),
                                    (unsigned long long)(rng_next(seed) % 4096));
        }
        size_t klen;
        char *lk = make_ikey(user, ulen, ODB_MAX_SEQ, ODB_KIND_SEEK, &klen);
        size_t pos = lower_bound(m, odb_slice_make(lk, klen));
        if (pos < m->n && slice_eq(odb_ikey_user(ek(&m->e[pos])), odb_slice_make(user, ulen))) {
            free(lk);
            continue; /* happened to exist */
        }
        uint64_t before = data_reads(st, has_cache);
        int found = 1;
        CHECK_OK(odb_table_get(t, odb_slice_make(lk, klen), &found, &k, &v, &err), &err);
        CHECK(!found);
        uint64_t after = data_reads(st, has_cache);
        absent++;
        no_read += before == after;
        free(lk);
    }
    if (bloom && st != NULL && absent > 1000) {
        /* 10 bits per key gives about 1% false positives. */
        CHECK(no_read * 100 >= absent * 95);
        CHECK(stat_get(&st->bloom_useful) * 100 >= absent * 95);
    }
    odb_buf_free(&k);
    odb_buf_free(&v);
}

static void check_scan(odb_table *t, const model *m) {
    odb_iter *it = odb_table_iter_new(t);
    CHECK(it != NULL);
    odb_error err;
    size_t i = 0;
    for (odb_iter_seek_first(it); odb_iter_valid(it); odb_iter_next(it), i++) {
        CHECK(i < m->n);
        CHECK(slice_eq(odb_iter_key(it), ek(&m->e[i])));
        CHECK(slice_eq(odb_iter_value(it), ev(&m->e[i])));
    }
    CHECK_OK(odb_iter_status(it, &err), &err);
    CHECK(i == m->n);
    i = m->n;
    for (odb_iter_seek_last(it); odb_iter_valid(it); odb_iter_prev(it)) {
        CHECK(i > 0);
        i--;
        CHECK(slice_eq(odb_iter_key(it), ek(&m->e[i])));
        CHECK(slice_eq(odb_iter_value(it), ev(&m->e[i])));
    }
    CHECK_OK(odb_iter_status(it, &err), &err);
    CHECK(i == 0);
    odb_iter_destroy(it);
}

static void check_seeks(odb_table *t, const model *m, size_t nseeks, uint64_t *seed) {
    odb_iter *it = odb_table_iter_new(t);
    CHECK(it != NULL);
    odb_error err;
    for (size_t s = 0; s < nseeks; s++) {
        char *target;
        size_t tlen;
        uint64_t r = rng_next(seed);
        if (m->n > 0 && r % 3 == 0) { /* an existing key */
            const entry *e = &m->e[rng_next(seed) % m->n];
            target = malloc(e->klen);
            CHECK(target != NULL);
            memcpy(target, e->ikey, e->klen);
            tlen = e->klen;
        } else if (m->n > 0 && r % 3 == 1) { /* a user key at a random sequence */
            const entry *e = &m->e[rng_next(seed) % m->n];
            odb_slice u = odb_ikey_user(ek(e));
            target = make_ikey(u.data, u.size, rng_next(seed) % 1000002, ODB_KIND_SEEK, &tlen);
        } else {
            char user[64];
            int n = snprintf(user, sizeof user, "user%06llu", (unsigned long long)(rng_next(seed) % 1100000));
            target = make_ikey(user, (size_t)n, ODB_MAX_SEQ, ODB_KIND_SEEK, &tlen);
        }
        size_t pos = lower_bound(m, odb_slice_make(target, tlen));
        if (r % 17 == 0) {
            odb_iter_seek_first(it);
            pos = 0;
        } else if (r % 17 == 1) {
            odb_iter_seek_last(it);
            pos = m->n == 0 ? 0 : m->n - 1;
        } else {
            odb_iter_seek(it, odb_slice_make(target, tlen));
        }
        free(target);
        /* pos == m->n means invalid past the end; walks that step off the
         * front end the walk. */
        int steps = (int)(rng_next(seed) % 40);
        for (int j = 0; j <= steps; j++) {
            if (pos >= m->n) {
                CHECK(!odb_iter_valid(it));
                break;
            }
            CHECK(odb_iter_valid(it));
            CHECK(slice_eq(odb_iter_key(it), ek(&m->e[pos])));
            CHECK(slice_eq(odb_iter_value(it), ev(&m->e[pos])));
            if (rng_next(seed) % 3 == 0) {
                odb_iter_prev(it);
                if (pos == 0) {
                    CHECK(!odb_iter_valid(it));
                    break;
                }
                pos--;
            } else {
                odb_iter_next(it);
                pos++;
            }
        }
        CHECK_OK(odb_iter_status(it, &err), &err);
    }
    odb_iter_destroy(it);
}

/* ---- configurations -------------------------------------------------- */

typedef struct cfg {
    size_t block_size;
    int bloom;
    int compression;
    size_t cache_capacity; /* 0: no cache; 1: a tiny cache */
    int cache_meta;
    int pin;
} cfg;

static void run_config(const model *m, cfg c, const char *name, uint64_t seed) {
    char path[512];
    path_for(path, sizeof path, name);
    odb_table_build_options bo = {c.block_size, 16, c.bloom, c.compression};
    uint64_t size = build(path, m, bo);
    odb_cache *cache = NULL;
    if (c.cache_capacity > 0) {
        cache = odb_cache_new(c.cache_capacity == 1 ? 600 : c.cache_capacity);
        CHECK(cache != NULL);
    }
    odb_stats st;
    reset_stats(&st);
    odb_table_open_options oo = {cache, c.cache_meta, c.pin, &st};
    odb_table *t;
    odb_error err;
    CHECK_OK(odb_table_open(path, &oo, &t, &err), &err);
    CHECK(odb_table_file_size(t) == size);
    check_gets(t, m, &st, cache != NULL, c.bloom, &seed);
    check_scan(t, m);
    check_seeks(t, m, m->n > 1000 ? 3000 : 300, &seed);
    if (cache != NULL && c.cache_capacity > 1) {
        CHECK(stat_get(&st.block_cache_data_hit) > 0 || m->n == 0);
    }
    /* Two iterators at once over the same table. */
    odb_iter *a = odb_table_iter_new(t), *b = odb_table_iter_new(t);
    CHECK(a != NULL && b != NULL);
    odb_iter_seek_first(a);
    odb_iter_seek_last(b);
    CHECK(odb_iter_valid(a) == (m->n > 0) && odb_iter_valid(b) == (m->n > 0));
    odb_iter_destroy(a);
    odb_iter_destroy(b);
    odb_table_close(t);
    if (cache != NULL) {
        odb_cache_free(cache);
    }
    unlink(path);
}

/* ---- corruption ------------------------------------------------------ */

static void read_all(const char *path, odb_buf *buf) {
    odb_error err;
    CHECK_OK(odb_read_file(path, buf, &err), &err);
}

static void write_all(const char *path, const char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(n == 0 || fwrite(data, 1, n, f) == n);
    CHECK(fclose(f) == 0);
}

/* Opens, gets every key and scans both ways. Returns the first error code
 * (ODB_OK when nothing noticed); any error must be corruption naming path. */
static int exercise(const char *path, const model *m, odb_cache *cache, int expect_corruption_only) {
    odb_table_open_options oo = {cache, cache != NULL, 0, NULL};
    odb_table *t;
    odb_error err;
    int rc = odb_table_open(path, &oo, &t, &err);
    if (rc != ODB_OK) {
        if (expect_corruption_only) {
            CHECK(rc == ODB_CORRUPTION);
            CHECK(strstr(err.msg, path) != NULL);
        }
        return rc;
    }
    int first = ODB_OK;
    odb_buf k, v;
    odb_buf_init(&k);
    odb_buf_init(&v);
    for (size_t i = 0; i < m->n; i++) {
        int found;
        rc = odb_table_get(t, ek(&m->e[i]), &found, &k, &v, &err);
        if (rc != ODB_OK) {
            if (expect_corruption_only) {
                CHECK(rc == ODB_CORRUPTION && strstr(err.msg, path) != NULL);
            }
            if (first == ODB_OK) {
                first = rc;
            }
        }
    }
    odb_buf_free(&k);
    odb_buf_free(&v);
    odb_iter *it = odb_table_iter_new(t);
    CHECK(it != NULL);
    size_t count = 0;
    for (odb_iter_seek_first(it); odb_iter_valid(it); odb_iter_next(it)) {
        CHECK(odb_iter_key(it).size >= 8);
        count++;
    }
    rc = odb_iter_status(it, &err);
    if (rc != ODB_OK) {
        CHECK(!odb_iter_valid(it));
        if (expect_corruption_only) {
            CHECK(rc == ODB_CORRUPTION && strstr(err.msg, path) != NULL);
        }
        if (first == ODB_OK) {
            first = rc;
        }
    }
    for (odb_iter_seek_last(it); odb_iter_valid(it); odb_iter_prev(it)) {
    }
    odb_iter_seek(it, ek(&m->e[m->n / 2]));
    while (odb_iter_valid(it)) {
        odb_iter_prev(it);
    }
    odb_iter_destroy(it);
    odb_table_close(t);
    return first;
}

static void test_corruption(int compression) {
    model m = gen_model(3000, 99 + (uint64_t)compression);
    char path[512], bad[512];
    path_for(path, sizeof path, "corrupt_src.sst");
    path_for(bad, sizeof bad, "corrupt.sst");
    odb_table_build_options bo = {256, 16, 10, compression};
    build(path, &m, bo);
    odb_buf file;
    odb_buf_init(&file);
    read_all(path, &file);
    size_t size = file.len;
    const char *footer = file.data + size - 48;
    uint64_t filter_off = odb_decode_fixed64(footer), index_off = odb_decode_fixed64(footer + 16);
    uint64_t index_size = odb_decode_fixed64(footer + 24);
    CHECK(filter_off > 0 && index_off > filter_off && index_off + index_size + 5 + 48 == size);
    char *copy = malloc(size);
    CHECK(copy != NULL);
    odb_table_open_options oo = {NULL, 0, 0, NULL};
    odb_table *t;
    odb_error err;

    /* A byte in the first data block: open works, touching reads fail. */
    memcpy(copy, file.data, size);
    copy[10] ^= 0x40;
    write_all(bad, copy, size);
    CHECK_OK(odb_table_open(bad, &oo, &t, &err), &err);
    int found;
    odb_buf k, v;
    odb_buf_init(&k);
    odb_buf_init(&v);
    CHECK(odb_table_get(t, ek(&m.e[0]), &found, &k, &v, &err) == ODB_CORRUPTION);
    CHECK(strstr(err.msg, bad) != NULL && strstr(err.msg, "checksum") != NULL && strstr(err.msg, "offset 0") != NULL);
    CHECK(!found);
    CHECK_OK(odb_table_get(t, ek(&m.e[m.n - 1]), &found, &k, &v, &err), &err); /* other blocks fine */
    CHECK(found);
    odb_iter *it = odb_table_iter_new(t);
    odb_iter_seek_first(it);
    CHECK(!odb_iter_valid(it));
    CHECK(odb_iter_status(it, &err) == ODB_CORRUPTION && strstr(err.msg, bad) != NULL);
    odb_iter_next(it);
    odb_iter_seek_last(it); /* errors are sticky */
    CHECK(!odb_iter_valid(it));
    odb_iter_destroy(it);
    /* Reverse iteration reaches the bad block last. */
    it = odb_table_iter_new(t);
    size_t n = 0;
    for (odb_iter_seek_last(it); odb_iter_valid(it); odb_iter_prev(it)) {
        n++;
    }
    CHECK(n > 0 && n < m.n);
    CHECK(odb_iter_status(it, &err) == ODB_CORRUPTION);
    odb_iter_destroy(it);
    odb_table_close(t);
    odb_buf_free(&k);
    odb_buf_free(&v);

    /* A byte in the index block, then in the filter block: open fails. */
    uint64_t spots[2] = {index_off + index_size / 2, filter_off + 3};
    for (int s = 0; s < 2; s++) {
        memcpy(copy, file.data, size);
        copy[spots[s]] ^= 0x01;
        write_all(bad, copy, size);
        CHECK(odb_table_open(bad, &oo, &t, &err) == ODB_CORRUPTION);
        CHECK(strstr(err.msg, bad) != NULL && strstr(err.msg, s == 0 ? "index block" : "filter block") != NULL);
    }

    /* Every byte of the footer. */
    for (size_t i = size - 48; i < size; i++) {
        memcpy(copy, file.data, size);
        copy[i] ^= 0x10;
        write_all(bad, copy, size);
        CHECK(odb_table_open(bad, &oo, &t, &err) == ODB_CORRUPTION);
        CHECK(strstr(err.msg, bad) != NULL);
    }

    /* Truncation. */
    size_t cuts[] = {0, 1, 47, 48, size / 2, size - 49, size - 48, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        write_all(bad, file.data, cuts[i]);
        CHECK(odb_table_open(bad, &oo, &t, &err) == ODB_CORRUPTION);
        CHECK(strstr(err.msg, bad) != NULL);
    }

    /* Any single flipped byte anywhere is caught by some checksum (every byte
     * belongs to a checksummed block or to the footer). */
    uint64_t seed = 12345;
    for (int trial = 0; trial < 150; trial++) {
        memcpy(copy, file.data, size);
        size_t pos = (size_t)(rng_next(&seed) % size);
        copy[pos] ^= (char)(1 + rng_next(&seed) % 255);
        write_all(bad, copy, size);
        CHECK(exercise(bad, &m, NULL, 1) == ODB_CORRUPTION);
    }

    /* Garbage with a valid checksum inside data, index and filter blocks: the
     * readers must stay in bounds (ASan watches) whatever they return. Each
     * block's extent comes from walking the index. */
    for (int trial = 0; trial < 300; trial++) {
        memcpy(copy, file.data, size);
        uint64_t boff, bsize;
        int which = (int)(rng_next(&seed) % 4);
        if (which == 0) {
            boff = index_off;
            bsize = index_size;
        } else if (which == 1) {
            boff = filter_off;
            bsize = index_off - filter_off - 5;
        } else {
            /* a data block: decode the index to pick one */
            odb_block *ib = odb_block_alloc(index_size);
            CHECK(ib != NULL);
            memcpy(ib->data, file.data + index_off, index_size);
            CHECK(odb_block_parse(ib, index_size) == 0);
            odb_block_iter bi;
            odb_block_iter_init(&bi, ib);
            odb_block_iter_seek_first(&bi);
            size_t skip = (size_t)(rng_next(&seed) % 50);
            for (size_t j = 0; j < skip && odb_block_iter_valid(&bi); j++) {
                odb_block_iter_next(&bi);
            }
            if (!odb_block_iter_valid(&bi)) {
                odb_block_iter_seek_first(&bi);
            }
            odb_slice hv = odb_block_iter_value(&bi);
            CHECK(odb_get_varint64(&hv, &boff) && odb_get_varint64(&hv, &bsize));
            odb_block_iter_free(&bi);
            free(ib);
        }
        if (copy[boff + bsize] != 0) {
            continue; /* LZ4 block: damage would only hit the decoder */
        }
        int hits = 1 + (int)(rng_next(&seed) % 4);
        for (int h = 0; h < hits; h++) {
            size_t pos = (size_t)(boff + rng_next(&seed) % bsize);
            uint64_t r = rng_next(&seed);
            copy[pos] = (r & 1) ? (char)(r >> 8) : (char)0xff;
        }
        uint32_t crc = odb_crc32c(copy + boff, bsize + 1);
        odb_encode_fixed32(copy + boff + bsize + 1, odb_crc32c_mask(crc));
        write_all(bad, copy, size);
        exercise(bad, &m, NULL, 0);
    }

    /* An LZ4 payload that no longer decodes to its stated length. */
    if (compression == ODB_COMPRESSION_LZ4) {
        odb_block *ib = odb_block_alloc(index_size);
        CHECK(ib != NULL);
        memcpy(ib->data, file.data + index_off, index_size);
        CHECK(odb_block_parse(ib, index_size) == 0);
        odb_block_iter bi;
        odb_block_iter_init(&bi, ib);
        int tested = 0;
        for (odb_block_iter_seek_first(&bi); odb_block_iter_valid(&bi) && !tested; odb_block_iter_next(&bi)) {
            odb_slice hv = odb_block_iter_value(&bi);
            uint64_t boff, bsize;
            CHECK(odb_get_varint64(&hv, &boff) && odb_get_varint64(&hv, &bsize));
            if (file.data[boff + bsize] != 1) {
                continue;
            }
            memcpy(copy, file.data, size);
            copy[boff] = (char)((unsigned char)copy[boff] + 1); /* stated length one more */
            uint32_t crc = odb_crc32c(copy + boff, bsize + 1);
            odb_encode_fixed32(copy + boff + bsize + 1, odb_crc32c_mask(crc));
            write_all(bad, copy, size);
            CHECK(exercise(bad, &m, NULL, 1) == ODB_CORRUPTION);
            tested = 1;
        }
        CHECK(tested);
        odb_block_iter_free(&bi);
        free(ib);
    }

    free(copy);
    odb_buf_free(&file);
    unlink(bad);
    unlink(path);
    free_model(&m);
    TEST_PASSED(compression ? "corruption (lz4)" : "corruption");
}

/* ---- small unit checks ----------------------------------------------- */

static void test_bloom(void) {
    uint32_t hashes[1000];
    char key[32];
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(key, sizeof key, "key%d", i);
        hashes[i] = odb_bloom_hash(key, (size_t)n);
    }
    odb_buf f;
    odb_buf_init(&f);
    CHECK(odb_bloom_build(hashes, 1000, 10, &f) == ODB_OK);
    CHECK(f.len == 1250 + 1 && f.data[f.len - 1] == 7);
    for (int i = 0; i < 1000; i++) {
        CHECK(odb_bloom_may_match(odb_buf_slice(&f), hashes[i]));
    }
    int fp = 0;
    for (int i = 1000; i < 11000; i++) {
        int n = snprintf(key, sizeof key, "key%d", i);
        fp += odb_bloom_may_match(odb_buf_slice(&f), odb_bloom_hash(key, (size_t)n));
    }
    CHECK(fp < 200); /* ~1% expected */
    odb_buf_clear(&f);
    CHECK(odb_bloom_build(hashes, 0, 10, &f) == ODB_OK);
    CHECK(f.len == 9); /* 64 bits minimum */
    /* MurmurHash3_x86_32 with seed 0xbc9f1d34 (FORMAT.md); pinned so that a
     * change to the on-disk hash cannot go unnoticed. */
    CHECK(odb_bloom_hash("", 0) == 0x3f177186u);
    CHECK(odb_bloom_hash("key1", 4) == 0x37d51213u);
    CHECK(odb_bloom_probes(10) == 7 && odb_bloom_probes(1) == 1 && odb_bloom_probes(100) == 30);
    odb_buf_free(&f);
    TEST_PASSED("bloom");
}

static void test_builder_errors(void) {
    char path[512];
    path_for(path, sizeof path, "order.sst");
    odb_table_builder *b;
    odb_error err;
    odb_table_build_options bo = {0, 0, 10, ODB_COMPRESSION_LZ4};
    CHECK_OK(odb_table_builder_new(path, &bo, &b, &err), &err);
    size_t kl;
    char *k1 = make_ikey("b", 1, 5, ODB_KIND_VALUE, &kl);
    char *k2 = make_ikey("a", 1, 5, ODB_KIND_VALUE, &kl);
    CHECK_OK(odb_table_builder_add(b, odb_slice_make(k1, kl), odb_slice_make("v", 1), &err), &err);
    CHECK(odb_table_builder_add(b, odb_slice_make(k2, kl), odb_slice_make("v", 1), &err) == ODB_INVALID_ARGUMENT);
    CHECK(odb_table_builder_add(b, odb_slice_make(k1, kl), odb_slice_make("v", 1), &err) == ODB_INVALID_ARGUMENT);
    CHECK(odb_table_builder_add(b, odb_slice_make("xy", 2), odb_slice_make("v", 1), &err) == ODB_INVALID_ARGUMENT);
    uint64_t size;
    CHECK_OK(odb_table_builder_finish(b, &size, &err), &err);
    odb_table_builder_free(b);
    free(k1);
    free(k2);
    /* An unfinished builder is freed cleanly. */
    CHECK_OK(odb_table_builder_new(path, &bo, &b, &err), &err);
    odb_table_builder_free(b);
    bo.compression = 7;
    CHECK(odb_table_builder_new(path, &bo, &b, &err) == ODB_INVALID_ARGUMENT);
    unlink(path);
    /* Opening a missing file is an I/O error, not a crash. */
    odb_table *t;
    CHECK(odb_table_open(path, NULL, &t, &err) == ODB_IO_ERROR);
    TEST_PASSED("builder errors");
}

/* ---- speed (printed, not asserted) ------------------------------------ */

static double now_sec(void) { return (double)odb_now_micros() / 1e6; }

static void measure(const model *m) {
    char path[512];
    path_for(path, sizeof path, "speed.sst");
    odb_table_build_options bo = {4096, 16, 10, ODB_COMPRESSION_LZ4};
    double tb0 = now_sec();
    uint64_t size = build(path, m, bo);
    double build_secs = now_sec() - tb0;
    double t0 = 0;
    odb_cache *cache = odb_cache_new(64 << 20);
    CHECK(cache != NULL);
    odb_table_open_options oo = {cache, 1, 1, NULL};
    odb_table *t;
    odb_error err;
    CHECK_OK(odb_table_open(path, &oo, &t, &err), &err);
    odb_buf k, v;
    odb_buf_init(&k);
    odb_buf_init(&v);
    uint64_t seed = 7;
    size_t lookups = 200000;
    for (int pass = 0; pass < 2; pass++) { /* first pass warms the cache */
        if (pass == 1) {
            t0 = now_sec();
        }
        for (size_t i = 0; i < lookups; i++) {
            int found;
            CHECK_OK(odb_table_get(t, ek(&m->e[rng_next(&seed) % m->n]), &found, &k, &v, &err), &err);
            CHECK(found);
        }
    }
    double t2 = now_sec();
    odb_iter *it = odb_table_iter_new(t);
    size_t n = 0;
    double t3 = now_sec();
    for (int pass = 0; pass < 5; pass++) {
        for (odb_iter_seek_first(it); odb_iter_valid(it); odb_iter_next(it)) {
            n++;
        }
    }
    double t4 = now_sec();
    for (odb_iter_seek_last(it); odb_iter_valid(it); odb_iter_prev(it)) {
        n++;
    }
    double t5 = now_sec();
    printf("speed (%zu entries, %llu bytes, lz4, bloom 10, 4 KiB blocks, cached): build %.0f entries/s, "
           "get %.0f lookups/s, forward scan %.1f M entries/s, reverse scan %.1f M entries/s\n",
           m->n, (unsigned long long)size, (double)m->n / build_secs,
           (double)lookups / (t2 - t0), 5.0 * (double)m->n / (t4 - t3) / 1e6, (double)m->n / (t5 - t4) / 1e6);
    odb_iter_destroy(it);
    odb_buf_free(&k);
    odb_buf_free(&v);
    odb_table_close(t);
    odb_cache_free(cache);
    unlink(path);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(g_dir, sizeof g_dir, "/tmp/odb_test_table.%ld", (long)getpid());
    odb_error err;
    CHECK_OK(odb_mkdirs(g_dir, &err), &err);

    test_bloom();
    test_builder_errors();

    model empty = gen_model(0, 1), one = gen_model(1, 2), small = gen_model(2000, 3);
    cfg basic[] = {
        {256, 0, ODB_COMPRESSION_NONE, 0, 0, 0},
        {256, 10, ODB_COMPRESSION_LZ4, 0, 0, 0},
        {4096, 10, ODB_COMPRESSION_NONE, 1 << 20, 1, 1},
        {256, 10, ODB_COMPRESSION_LZ4, 1, 1, 0},
    };
    for (size_t i = 0; i < sizeof basic / sizeof basic[0]; i++) {
        run_config(&empty, basic[i], "empty.sst", 10 + i);
        run_config(&one, basic[i], "one.sst", 20 + i);
        run_config(&small, basic[i], "small.sst", 30 + i);
    }
    TEST_PASSED("tables of 0, 1 and 2000 entries");

    model big = gen_model(100000, 4);
    cfg big_cfgs[] = {
        {256, 0, ODB_COMPRESSION_NONE, 0, 0, 0},            /* no bloom, no cache */
        {256, 10, ODB_COMPRESSION_LZ4, 0, 0, 0},            /* bloom, lz4, no cache */
        {256, 10, ODB_COMPRESSION_NONE, 1 << 20, 0, 0},     /* data cache only */
        {4096, 10, ODB_COMPRESSION_LZ4, 64 << 20, 1, 1},    /* everything cached and pinned */
        {256, 10, ODB_COMPRESSION_LZ4, 1, 0, 0},            /* tiny data cache */
    };
    for (size_t i = 0; i < sizeof big_cfgs / sizeof big_cfgs[0]; i++) {
        run_config(&big, big_cfgs[i], "big.sst", 40 + i);
        printf("100k entries, config %zu: ok\n", i);
    }
    /* LZ4 must actually shrink the repetitive values. */
    {
        char p1[512], p2[512];
        path_for(p1, sizeof p1, "none.sst");
        path_for(p2, sizeof p2, "lz4.sst");
        odb_table_build_options a = {4096, 0, ODB_COMPRESSION_NONE, 0}, b = a;
        b.compression = ODB_COMPRESSION_LZ4;
        uint64_t s1 = build(p1, &big, a), s2 = build(p2, &big, b);
        printf("100k entries: %llu bytes uncompressed, %llu with lz4\n", (unsigned long long)s1,
               (unsigned long long)s2);
        CHECK(s2 < s1);
        unlink(p1);
        unlink(p2);
    }
    TEST_PASSED("tables of 100k entries");

    test_corruption(ODB_COMPRESSION_NONE);
    test_corruption(ODB_COMPRESSION_LZ4);

    measure(&big);

    free_model(&empty);
    free_model(&one);
    free_model(&small);
    free_model(&big);
    rmdir(g_dir);
    return 0;
}
