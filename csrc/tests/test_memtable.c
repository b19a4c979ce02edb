/* The memtable's skiplist under concurrent inserters (allow_concurrent_memtable_write):
 * every entry is found and iteration is in internal-key order. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ctest.h"
#include "dbformat.h"
#include "memtable.h"

#define THREADS 4
#define PER_THREAD 20000

typedef struct arg {
    odb_memtable *m;
    int id;
} arg;

static void *inserter(void *p) {
    arg *a = p;
    char key[32];
    for (int i = 0; i < PER_THREAD; i++) {
        int n = snprintf(key, sizeof key, "k%08d", (i * 7919 + a->id * 104729) % (THREADS * PER_THREAD));
        odb_seq seq = (odb_seq)(a->id * PER_THREAD + i + 1);
        CHECK(odb_memtable_add_concurrent(a->m, seq, ODB_KIND_VALUE, odb_slice_make(key, (size_t)n),
                                          odb_slice_make("v", 1)) == ODB_OK);
    }
    return NULL;
}

int main(void) {
    odb_memtable *m = odb_memtable_new(4096);
    CHECK(m != NULL);
    pthread_t th[THREADS];
    arg args[THREADS];
    for (int t = 0; t < THREADS; t++) {
        args[t].m = m;
        args[t].id = t;
        CHECK(pthread_create(&th[t], NULL, inserter, &args[t]) == 0);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
    }
    CHECK(odb_memtable_num_entries(m) == THREADS * PER_THREAD);
    odb_iter *it = odb_memtable_iter_new(m);
    CHECK(it != NULL);
    size_t count = 0;
    char prev[64];
    size_t prev_len = 0;
    for (odb_iter_seek_first(it); odb_iter_valid(it); odb_iter_next(it)) {
        odb_slice k = odb_iter_key(it);
        if (count > 0) {
            CHECK(odb_ikey_compare(odb_slice_make(prev, prev_len), k) < 0);
        }
        CHECK(k.size < sizeof prev);
        memcpy(prev, k.data, k.size);
        prev_len = k.size;
        count++;
    }
    CHECK(count == THREADS * PER_THREAD);
    odb_iter_destroy(it);
    odb_memtable_unref(m);
    TEST_PASSED("test_memtable");
    return 0;
}
