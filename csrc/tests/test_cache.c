/* test_cache.c - block cache semantics: hits, LRU eviction order, charge
 * accounting, pinning, erase, replace, capacity 0, every value deleted
 * exactly once, and a multi-threaded stress run. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "tests/ctest.h"

/* Values in the single-threaded tests are small integers; the deleter logs
 * them so tests can check what was deleted, when and how often. */
#define MAX_KEYS 4096
static int del_count[MAX_KEYS];
static int del_log[1 << 16];
static int del_n;

static void reset_log(void) {
    memset(del_count, 0, sizeof del_count);
    del_n = 0;
}

static void log_deleter(void *v) {
    int k = (int)(intptr_t)v;
    CHECK(k >= 0 && k < MAX_KEYS);
    del_count[k]++;
    CHECK(del_count[k] == 1);
    del_log[del_n++] = k;
}

#define V(k) ((void *)(intptr_t)(k))

static void put(odb_cache *c, uint64_t key, int value, size_t charge) {
    odb_cache_handle *h = odb_cache_insert(c, 7, key, V(value), charge, log_deleter);
    CHECK(h != NULL);
    CHECK(odb_cache_value(h) == V(value));
    odb_cache_release(c, h);
}

/* Looks up key: returns its value or -1, releasing the handle at once. */
static int get(odb_cache *c, uint64_t key) {
    odb_cache_handle *h = odb_cache_lookup(c, 7, key);
    if (h == NULL) {
        return -1;
    }
    int v = (int)(intptr_t)odb_cache_value(h);
    odb_cache_release(c, h);
    return v;
}

static void test_hit_miss(void) {
    reset_log();
    odb_cache *c = odb_cache_new(1000);
    CHECK(c != NULL);
    CHECK(odb_cache_capacity(c) == 1000);
    CHECK(get(c, 100) == -1);
    put(c, 100, 1, 1);
    put(c, 200, 2, 1);
    CHECK(get(c, 100) == 1);
    CHECK(get(c, 200) == 2);
    CHECK(get(c, 300) == -1);
    CHECK(odb_cache_lookup(c, 8, 100) == NULL); /* other id, same offset */
    CHECK(del_n == 0);
    odb_cache_free(c);
    CHECK(del_n == 2 && del_count[1] == 1 && del_count[2] == 1);
    TEST_PASSED("cache hit/miss");
}

static void test_eviction_order(void) {
    reset_log();
    odb_cache *c = odb_cache_new(10);
    CHECK(c != NULL);
    for (int k = 0; k < 10; k++) {
        put(c, (uint64_t)k, k, 1);
    }
    CHECK(odb_cache_usage(c) == 10 && del_n == 0);
    CHECK(get(c, 0) == 0); /* 0 becomes most recent; 1 is now the oldest */
    put(c, 10, 10, 1);
    CHECK(del_n == 1 && del_log[0] == 1);
    put(c, 11, 11, 1);
    CHECK(del_n == 2 && del_log[1] == 2);
    put(c, 12, 12, 3); /* needs three slots: 3, 4, 5 go */
    CHECK(del_n == 5 && del_log[2] == 3 && del_log[3] == 4 && del_log[4] == 5);
    CHECK(get(c, 0) == 0 && get(c, 1) == -1 && get(c, 6) == 6);
    CHECK(odb_cache_usage(c) == 10);
    odb_cache_free(c);
    CHECK(del_n == 13);
    TEST_PASSED("cache eviction order");
}

static void test_charges(void) {
    reset_log();
    odb_cache *c = odb_cache_new(100);
    CHECK(c != NULL);
    put(c, 1, 1, 30);
    put(c, 2, 2, 30);
    put(c, 3, 3, 30);
    CHECK(odb_cache_usage(c) == 90 && odb_cache_pinned_usage(c) == 0);
    put(c, 4, 4, 30);
    CHECK(odb_cache_usage(c) == 90 && del_n == 1 && del_log[0] == 1);
    odb_cache_handle *h = odb_cache_lookup(c, 7, 3);
    CHECK(h != NULL && odb_cache_pinned_usage(c) == 30);
    odb_cache_handle *h2 = odb_cache_lookup(c, 7, 3);
    CHECK(h2 == h && odb_cache_pinned_usage(c) == 30); /* counted once */
    odb_cache_release(c, h);
    CHECK(odb_cache_pinned_usage(c) == 30);
    odb_cache_release(c, h2);
    CHECK(odb_cache_pinned_usage(c) == 0);
    put(c, 5, 5, 0); /* zero charge costs nothing */
    CHECK(odb_cache_usage(c) == 90 && get(c, 5) == 5);
    odb_cache_erase(c, 7, 2);
    CHECK(odb_cache_usage(c) == 60);
    odb_cache_free(c);
    CHECK(del_n == 5);
    TEST_PASSED("cache charges");
}

/* insert_if_room: kept while the usage stays within capacity, never evicting; refused values
 * stay the caller's (no deleter call). */
static void test_insert_if_room(void) {
    reset_log();
    odb_cache *c = odb_cache_new(100);
    CHECK(c != NULL);
    put(c, 1, 1, 40);
    odb_cache_handle *h = odb_cache_insert_if_room(c, 7, 2, V(2), 40, log_deleter);
    CHECK(h != NULL && odb_cache_value(h) == V(2) && odb_cache_usage(c) == 80);
    odb_cache_release(c, h);
    CHECK(odb_cache_insert_if_room(c, 7, 3, V(3), 30, log_deleter) == NULL); /* 110 > 100 */
    CHECK(del_n == 0 && get(c, 1) == 1 && get(c, 2) == 2 && get(c, 3) == -1);
    h = odb_cache_insert_if_room(c, 7, 4, V(4), 20, log_deleter); /* exactly full */
    CHECK(h != NULL && odb_cache_usage(c) == 100);
    odb_cache_release(c, h);
    h = odb_cache_insert_if_room(c, 7, 5, V(5), 0, log_deleter); /* a zero charge fits a full cache */
    CHECK(h != NULL);
    odb_cache_release(c, h);
    put(c, 6, 6, 40); /* an ordinary insert still evicts in LRU order */
    CHECK(del_n >= 1 && del_log[0] == 1);
    odb_cache *zero = odb_cache_new(0);
    CHECK(zero != NULL && odb_cache_insert_if_room(zero, 7, 9, V(9), 1, log_deleter) == NULL);
    odb_cache_free(zero);
    odb_cache_free(c);
    TEST_PASSED("cache insert_if_room");
}

static void test_pinned(void) {
    reset_log();
    odb_cache *c = odb_cache_new(10);
    CHECK(c != NULL);
    odb_cache_handle *pin = odb_cache_insert(c, 7, 1000, V(1000), 5, log_deleter);
    CHECK(pin != NULL);
    for (int k = 0; k < 50; k++) {
        put(c, (uint64_t)k, k, 5);
        CHECK(get(c, 1000) == 1000); /* pinned: never evicted */
    }
    CHECK(del_count[1000] == 0);
    CHECK(odb_cache_usage(c) == 10 && odb_cache_pinned_usage(c) == 5);
    odb_cache_release(c, pin);
    CHECK(del_count[1000] == 0); /* back on the LRU, not over capacity */

    /* A pinned entry above capacity stays until released, then goes. */
    odb_cache_handle *big = odb_cache_insert(c, 7, 2000, V(2000), 100, log_deleter);
    CHECK(big != NULL && odb_cache_usage(c) == 100 && odb_cache_pinned_usage(c) == 100);
    CHECK(get(c, 2000) == 2000);
    CHECK(del_count[2000] == 0);
    odb_cache_release(c, big);
    CHECK(del_count[2000] == 1 && odb_cache_usage(c) == 0 && get(c, 2000) == -1);
    odb_cache_free(c);
    for (int k = 0; k < 50; k++) {
        CHECK(del_count[k] == 1);
    }
    CHECK(del_count[1000] == 1);
    TEST_PASSED("cache pinned entries");
}

static void test_erase_replace(void) {
    reset_log();
    odb_cache *c = odb_cache_new(100);
    CHECK(c != NULL);
    put(c, 1, 1, 10);
    odb_cache_erase(c, 7, 1);
    CHECK(del_count[1] == 1 && get(c, 1) == -1 && odb_cache_usage(c) == 0);
    odb_cache_erase(c, 7, 1); /* absent: no-op */
    odb_cache_erase(c, 9, 9);

    /* Erasing a referenced entry defers the delete to the last release. */
    odb_cache_handle *h = odb_cache_insert(c, 7, 2, V(2), 10, log_deleter);
    odb_cache_handle *h2 = odb_cache_lookup(c, 7, 2);
    CHECK(h != NULL && h2 == h);
    odb_cache_erase(c, 7, 2);
    CHECK(get(c, 2) == -1 && odb_cache_usage(c) == 0 && odb_cache_pinned_usage(c) == 0);
    CHECK(odb_cache_value(h) == V(2) && del_count[2] == 0);
    odb_cache_release(c, h);
    CHECK(del_count[2] == 0);
    odb_cache_release(c, h2);
    CHECK(del_count[2] == 1);

    /* Replace while the old value is referenced. */
    odb_cache_handle *old = odb_cache_insert(c, 7, 3, V(3), 10, log_deleter);
    CHECK(old != NULL);
    put(c, 3, 4, 20);
    CHECK(get(c, 3) == 4 && odb_cache_value(old) == V(3) && del_count[3] == 0);
    CHECK(odb_cache_usage(c) == 20 && odb_cache_pinned_usage(c) == 0);
    odb_cache_release(c, old);
    CHECK(del_count[3] == 1 && del_count[4] == 0);
    /* Replace an unreferenced value: deleted at once. */
    put(c, 3, 5, 5);
    CHECK(del_count[4] == 1 && get(c, 3) == 5 && odb_cache_usage(c) == 5);
    odb_cache_free(c);
    CHECK(del_count[5] == 1 && del_n == 5);
    TEST_PASSED("cache erase/replace");
}

static void test_capacity_zero(void) {
    reset_log();
    odb_cache *c = odb_cache_new(0);
    CHECK(c != NULL);
    odb_cache_handle *h = odb_cache_insert(c, 7, 1, V(1), 10, log_deleter);
    CHECK(h != NULL && odb_cache_value(h) == V(1));
    CHECK(del_count[1] == 0);
    odb_cache_release(c, h);
    CHECK(del_count[1] == 1);
    CHECK(get(c, 1) == -1 && odb_cache_usage(c) == 0 && odb_cache_pinned_usage(c) == 0);
    put(c, 2, 2, 0);
    CHECK(get(c, 2) == -1 && del_count[2] == 1);
    odb_cache_free(c);
    CHECK(del_n == 2);
    TEST_PASSED("cache capacity 0");
}

static void test_ids_and_free(void) {
    reset_log();
    odb_cache *c = odb_cache_new(1000);
    CHECK(c != NULL);
    uint64_t prev = odb_cache_new_id(c);
    for (int i = 0; i < 1000; i++) {
        uint64_t id = odb_cache_new_id(c);
        CHECK(id != prev);
        prev = id;
    }
    /* Many keys force table growth; everything left is deleted by free. */
    for (int k = 0; k < 3000; k++) {
        odb_cache_handle *h = odb_cache_insert(c, (uint64_t)k % 3, (uint64_t)k * 4096, V(k), 0, log_deleter);
        CHECK(h != NULL);
        odb_cache_release(c, h);
    }
    for (int k = 0; k < 3000; k++) {
        odb_cache_handle *h = odb_cache_lookup(c, (uint64_t)k % 3, (uint64_t)k * 4096);
        CHECK(h != NULL && odb_cache_value(h) == V(k));
        odb_cache_release(c, h);
    }
    for (int k = 0; k < 3000; k += 2) {
        odb_cache_erase(c, (uint64_t)k % 3, (uint64_t)k * 4096);
    }
    CHECK(del_n == 1500);
    odb_cache_free(c);
    for (int k = 0; k < 3000; k++) {
        CHECK(del_count[k] == 1);
    }
    odb_cache_free(NULL);
    TEST_PASSED("cache ids/free");
}

static void test_sharded(void) {
    reset_log();
    size_t cap = 64u << 20; /* 16 shards of 4 MiB */
    odb_cache *c = odb_cache_new(cap);
    CHECK(c != NULL);
    for (int k = 0; k < 2000; k++) { /* 8 MB: fits every shard with room */
        put(c, (uint64_t)k, k, 4096);
    }
    CHECK(del_n == 0 && odb_cache_usage(c) == 2000u * 4096u);
    for (int k = 0; k < 2000; k++) {
        CHECK(get(c, (uint64_t)k) == k);
    }
    /* Now overfill: usage stays within capacity. */
    for (int k = 2000; k < 4000; k++) {
        put(c, (uint64_t)k, k, 64 * 1024);
    }
    CHECK(odb_cache_usage(c) <= cap && del_n > 0);
    odb_cache_free(c);
    CHECK(del_n == 4000);
    TEST_PASSED("cache sharded");
}

/* ---- stress ---- */

typedef struct {
    uint64_t id, offset;
    atomic_long *deleted;
} sval;

static void sval_delete(void *p) {
    sval *v = p;
    atomic_fetch_add(v->deleted, 1);
    free(v);
}

typedef struct {
    odb_cache *cache;
    uint64_t seed;
    long inserted;
    atomic_long *deleted;
    uint64_t ids[64];
} worker;

static uint64_t next_rand(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static void *stress_thread(void *arg) {
    worker *w = arg;
    odb_cache_handle *held[16] = {0};
    for (int i = 0; i < 64; i++) {
        w->ids[i] = odb_cache_new_id(w->cache);
    }
    for (int iter = 0; iter < 200000; iter++) {
        uint64_t r = next_rand(&w->seed);
        uint64_t id = 1 + (r >> 8) % 4;
        uint64_t offset = ((r >> 16) % 1500) * 4096;
        int slot = (int)((r >> 40) % 16);
        switch (r % 8) {
        case 0:
        case 1: {
            sval *v = malloc(sizeof *v);
            CHECK(v != NULL);
            v->id = id;
            v->offset = offset;
            v->deleted = w->deleted;
            w->inserted++;
            odb_cache_handle *h = odb_cache_insert(w->cache, id, offset, v, 1024 + (r >> 50) % 8192, sval_delete);
            CHECK(h != NULL);
            CHECK(odb_cache_value(h) == v);
            if (held[slot] != NULL) {
                odb_cache_release(w->cache, held[slot]);
            }
            held[slot] = h;
            break;
        }
        case 2:
        case 3:
        case 4: {
            odb_cache_handle *h = odb_cache_lookup(w->cache, id, offset);
            if (h != NULL) {
                const sval *v = odb_cache_value(h);
                CHECK(v->id == id && v->offset == offset);
                if (held[slot] != NULL) {
                    odb_cache_release(w->cache, held[slot]);
                }
                held[slot] = h;
            }
            break;
        }
        case 5:
        case 6:
            if (held[slot] != NULL) {
                const sval *v = odb_cache_value(held[slot]); /* still alive */
                CHECK(v->deleted == w->deleted);
                odb_cache_release(w->cache, held[slot]);
                held[slot] = NULL;
            }
            break;
        default:
            odb_cache_erase(w->cache, id, offset);
            break;
        }
    }
    for (int i = 0; i < 16; i++) {
        if (held[i] != NULL) {
            odb_cache_release(w->cache, held[i]);
        }
    }
    return NULL;
}

static void stress(size_t capacity) {
    enum { THREADS = 4 };
    atomic_long deleted;
    atomic_init(&deleted, 0);
    odb_cache *c = odb_cache_new(capacity);
    CHECK(c != NULL);
    worker w[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].cache = c;
        w[i].seed = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
        w[i].deleted = &deleted;
        CHECK(pthread_create(&t[i], NULL, stress_thread, &w[i]) == 0);
    }
    long inserted = 0;
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        inserted += w[i].inserted;
    }
    /* Ids from all threads are distinct. */
    for (int i = 0; i < THREADS * 64; i++) {
        for (int j = i + 1; j < THREADS * 64; j++) {
            CHECK(w[i / 64].ids[i % 64] != w[j / 64].ids[j % 64]);
        }
    }
    CHECK(odb_cache_pinned_usage(c) == 0);
    CHECK(odb_cache_usage(c) <= capacity);
    odb_cache_free(c);
    CHECK(atomic_load(&deleted) == inserted);
}

static void test_stress(void) {
    stress(1u << 20);  /* 2 shards, constant eviction */
    stress(32u << 20); /* 16 shards */
    stress(0);
    TEST_PASSED("cache 4-thread stress");
}

int main(void) {
    test_hit_miss();
    test_eviction_order();
    test_charges();
    test_insert_if_room();
    test_pinned();
    test_erase_replace();
    test_capacity_zero();
    test_ids_and_free();
    test_sharded();
    test_stress();
    return 0;
}
