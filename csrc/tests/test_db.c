/* End-to-end test of the engine in C under ASan/UBSan: random operations
 * against a sorted-array model with flushes, compactions, reopen, snapshots,
 * forward/reverse iteration, and concurrent writers sharing group commits. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctest.h"
#include "db.h"

#define KEYSPACE 2000

static char *model[KEYSPACE]; /* value per key index, NULL when absent */

static void key_of(int i, char *buf) { snprintf(buf, 16, "key%06d", i); }

static int pipelined = 0;

static odb_db *open_db(const char *dir, size_t wbs) {
    odb_options opt;
    odb_options_init(&opt);
    opt.enable_pipelined_write = pipelined;
    opt.write_buffer_size = wbs;
    opt.target_file_size_base = 16384;
    opt.max_bytes_for_level_base = 65536;
    opt.level0_file_num_compaction_trigger = 2;
    opt.block_cache_size = 65536;
    opt.enable_statistics = 1;
    odb_db *db;
    odb_error err;
    CHECK_OK(odb_open(dir, &opt, &db, &err), &err);
    return db;
}

static void check_all(odb_db *db) {
    odb_error err;
    odb_buf v;
    odb_buf_init(&v);
    char k[16];
    for (int i = 0; i < KEYSPACE; i++) {
        key_of(i, k);
        int rc = odb_get(db, odb_slice_make(k, strlen(k)), NULL, &v, &err);
        if (model[i] == NULL) {
            CHECK(rc == ODB_NOT_FOUND);
        } else {
            CHECK(rc == ODB_OK);
            CHECK(v.len == strlen(model[i]) && memcmp(v.data, model[i], v.len) == 0);
        }
    }
    odb_buf_free(&v);
    /* every key at once through multi-get: the same answers, values laid end to end */
    odb_slice *keys = malloc(KEYSPACE * sizeof *keys);
    char (*names)[16] = malloc(KEYSPACE * sizeof *names);
    int64_t *sizes = malloc(KEYSPACE * sizeof *sizes);
    CHECK(keys != NULL && names != NULL && sizes != NULL);
    for (int j = 0; j < KEYSPACE; j++) {
        key_of(j, names[j]);
        keys[j] = odb_slice_make(names[j], strlen(names[j]));
    }
    odb_buf all;
    odb_buf_init(&all);
    CHECK_OK(odb_multi_get(db, keys, KEYSPACE, NULL, &all, sizes, &err), &err);
    size_t off = 0;
    for (int j = 0; j < KEYSPACE; j++) {
        if (model[j] == NULL) {
            CHECK(sizes[j] == -1);
        } else {
            CHECK(sizes[j] == (int64_t)strlen(model[j]) && memcmp(all.data + off, model[j], (size_t)sizes[j]) == 0);
            off += (size_t)sizes[j];
        }
    }
    CHECK(off == all.len);
    odb_buf_free(&all);
    free(keys);
    free(names);
    free(sizes);
    /* forward */
    odb_iter *it = odb_db_iter(db, NULL);
    CHECK(it != NULL);
    int i = 0;
    for (odb_iter_seek_first(it); odb_iter_valid(it); odb_iter_next(it)) {
        while (i < KEYSPACE && model[i] == NULL) i++;
        CHECK(i < KEYSPACE);
        key_of(i, k);
        odb_slice key = odb_iter_key(it);
        CHECK(key.size == strlen(k) && memcmp(key.data, k, key.size) == 0);
        i++;
    }
    while (i < KEYSPACE && model[i] == NULL) i++;
    CHECK(i == KEYSPACE);
    CHECK(odb_iter_status(it, &err) == ODB_OK);
    /* reverse */
    i = KEYSPACE - 1;
    for (odb_iter_seek_last(it); odb_iter_valid(it); odb_iter_prev(it)) {
        while (i >= 0 && model[i] == NULL) i--;
        CHECK(i >= 0);
        key_of(i, k);
        odb_slice key = odb_iter_key(it);
        CHECK(key.size == strlen(k) && memcmp(key.data, k, key.size) == 0);
        i--;
    }
    while (i >= 0 && model[i] == NULL) i--;
    CHECK(i == -1);
    /* mixed direction walk from a random seek */
    for (int round = 0; round < 50; round++) {
        int t = rand() % KEYSPACE;
        key_of(t, k);
        odb_iter_seek(it, odb_slice_make(k, strlen(k)));
        int pos = t;
        while (pos < KEYSPACE && model[pos] == NULL) pos++;
        for (int step = 0; step < 20; step++) {
            if (pos >= KEYSPACE || pos < 0) {
                CHECK(!odb_iter_valid(it));
                break;
            }
            CHECK(odb_iter_valid(it));
            key_of(pos, k);
            odb_slice key = odb_iter_key(it);
            CHECK(key.size == strlen(k) && memcmp(key.data, k, key.size) == 0);
            if (rand() % 2) {
                odb_iter_next(it);
                pos++;
                while (pos < KEYSPACE && model[pos] == NULL) pos++;
            } else {
                odb_iter_prev(it);
                pos--;
                while (pos >= 0 && model[pos] == NULL) pos--;
            }
        }
    }
    odb_iter_destroy(it);
}

/* An ingestion of a sorted run of keys (puts and deletes), kept in the model once it is
 * finished; every third one hits a key out of order, is refused and aborted, and changes
 * nothing. */
static void ingest_run(odb_db *db, int op) {
    static int keys[KEYSPACE], dels[KEYSPACE];
    int n = 0;
    for (int i = rand() % 50; i < KEYSPACE; i += 1 + rand() % 9) {
        keys[n] = i;
        dels[n++] = rand() % 4 == 0;
    }
    int refused = op % 3 == 0 && n > 5;
    odb_ingest *ig;
    odb_error err;
    char k[16], v[32];
    CHECK_OK(odb_ingest_begin(db, &ig, &err), &err);
    for (int j = 0; j < n; j++) {
        key_of(keys[j], k);
        snprintf(v, sizeof v, "g%d-%d", keys[j], op);
        if (refused && j == 5) {
            key_of(keys[0], k); /* not after the last key added */
            CHECK(odb_ingest_add(ig, odb_slice_make(k, strlen(k)), odb_slice_make(v, strlen(v)), 0, &err) ==
                  ODB_INVALID_ARGUMENT);
            odb_ingest_abort(ig);
            return;
        }
        CHECK_OK(odb_ingest_add(ig, odb_slice_make(k, strlen(k)), odb_slice_make(v, strlen(v)), dels[j], &err), &err);
    }
    CHECK_OK(odb_ingest_finish(ig, &err), &err);
    for (int j = 0; j < n; j++) {
        free(model[keys[j]]);
        model[keys[j]] = NULL;
        if (!dels[j]) {
            snprintf(v, sizeof v, "g%d-%d", keys[j], op);
            model[keys[j]] = strdup(v);
        }
    }
}

typedef struct thread_arg {
    odb_db *db;
    int id;
} thread_arg;

static void *writer_main(void *p) {
    thread_arg *a = p;
    odb_batch b;
    odb_error err;
    CHECK(odb_batch_init(&b) == ODB_OK);
    char k[32];
    for (int i = 0; i < 500; i++) {
        odb_batch_clear(&b);
        snprintf(k, sizeof k, "t%d-%05d", a->id, i);
        CHECK(odb_batch_put(&b, odb_slice_make(k, strlen(k)), odb_slice_make("x", 1)) == ODB_OK);
        CHECK_OK(odb_write(a->db, &b, i % 10 == 0, &err), &err);
    }
    odb_batch_destroy(&b);
    return NULL;
}

int main(void) {
    char dir[] = "/tmp/odb_test_db_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    srand(7);
    odb_db *db = open_db(dir, 8192);
    odb_error err;
    odb_batch b;
    CHECK(odb_batch_init(&b) == ODB_OK);
    char k[16], v[32];
    odb_snapshot *snap = NULL;
    char *snap_model[KEYSPACE];
    for (int op = 0; op < 30000; op++) {
        int r = rand() % 100;
        int i = rand() % KEYSPACE;
        key_of(i, k);
        odb_batch_clear(&b);
        if (r < 60) {
            snprintf(v, sizeof v, "v%d-%d", i, op);
            CHECK(odb_batch_put(&b, odb_slice_make(k, strlen(k)), odb_slice_make(v, strlen(v))) == ODB_OK);
            CHECK_OK(odb_write(db, &b, 0, &err), &err);
            free(model[i]);
            model[i] = strdup(v);
        } else if (r < 85) {
            CHECK(odb_batch_delete(&b, odb_slice_make(k, strlen(k))) == ODB_OK);
            CHECK_OK(odb_write(db, &b, 0, &err), &err);
            free(model[i]);
            model[i] = NULL;
        } else if (r < 86 && snap == NULL) {
            snap = odb_snapshot_new(db);
            for (int j = 0; j < KEYSPACE; j++) snap_model[j] = model[j] ? strdup(model[j]) : NULL;
        } else if (r < 87 && snap != NULL) {
            odb_buf val;
            odb_buf_init(&val);
            for (int j = 0; j < KEYSPACE; j += 7) {
                key_of(j, k);
                int rc = odb_get(db, odb_slice_make(k, strlen(k)), snap, &val, &err);
                CHECK(snap_model[j] == NULL ? rc == ODB_NOT_FOUND
                                            : (rc == ODB_OK && val.len == strlen(snap_model[j]) &&
                                               memcmp(val.data, snap_model[j], val.len) == 0));
            }
            odb_buf_free(&val);
            odb_snapshot_release(db, snap);
            snap = NULL;
            for (int j = 0; j < KEYSPACE; j++) free(snap_model[j]);
        } else if (r == 90 && op % 7 == 0) {
            CHECK_OK(odb_flush(db, &err), &err);
        } else if (r == 91 && op % 13 == 0) {
            if (snap != NULL) {
                odb_snapshot_release(db, snap);
                snap = NULL;
                for (int j = 0; j < KEYSPACE; j++) free(snap_model[j]);
            }
            CHECK_OK(odb_close(db, &err), &err);
            db = open_db(dir, 8192);
        } else if (r == 92 && op % 11 == 0) {
            CHECK_OK(odb_compact_all(db, &err), &err);
        } else if (r == 93 && op % 5 == 0) {
            ingest_run(db, op);
        }
        if (op % 5000 == 0) {
            check_all(db);
        }
    }
    if (snap != NULL) {
        odb_snapshot_release(db, snap);
        for (int j = 0; j < KEYSPACE; j++) free(snap_model[j]);
    }
    check_all(db);
    CHECK_OK(odb_close(db, &err), &err);
    db = open_db(dir, 8192);
    check_all(db);

    /* concurrent writers share write groups */
    pthread_t th[4];
    thread_arg args[4];
    for (int t = 0; t < 4; t++) {
        args[t].db = db;
        args[t].id = t;
        CHECK(pthread_create(&th[t], NULL, writer_main, &args[t]) == 0);
    }
    for (int t = 0; t < 4; t++) {
        pthread_join(th[t], NULL);
    }
    odb_buf val;
    odb_buf_init(&val);
    for (int t = 0; t < 4; t++) {
        for (int i = 0; i < 500; i++) {
            char key[32];
            snprintf(key, sizeof key, "t%d-%05d", t, i);
            CHECK(odb_get(db, odb_slice_make(key, strlen(key)), NULL, &val, &err) == ODB_OK);
        }
    }
    odb_buf_free(&val);
    /* the same writers with pipelined writes: WAL of one group while the last fills the memtable */
    CHECK_OK(odb_close(db, &err), &err);
    pipelined = 1;
    db = open_db(dir, 8192);
    for (int t = 0; t < 4; t++) {
        args[t].db = db;
        args[t].id = t + 10;
        CHECK(pthread_create(&th[t], NULL, writer_main, &args[t]) == 0);
    }
    /* an ingestion among them: the writers wait for it, nothing is lost or reordered */
    odb_ingest *ig;
    CHECK_OK(odb_ingest_begin(db, &ig, &err), &err);
    for (int i = 0; i < 3000; i++) {
        char key[32];
        snprintf(key, sizeof key, "i-%05d", i);
        CHECK_OK(odb_ingest_add(ig, odb_slice_make(key, strlen(key)), odb_slice_make("in", 2), 0, &err), &err);
    }
    CHECK_OK(odb_ingest_finish(ig, &err), &err);
    for (int t = 0; t < 4; t++) {
        pthread_join(th[t], NULL);
    }
    odb_buf_init(&val);
    for (int i = 0; i < 3000; i++) {
        char key[32];
        snprintf(key, sizeof key, "i-%05d", i);
        CHECK(odb_get(db, odb_slice_make(key, strlen(key)), NULL, &val, &err) == ODB_OK);
        CHECK(val.len == 2 && memcmp(val.data, "in", 2) == 0);
    }
    odb_buf_free(&val);
    odb_buf_init(&val);
    for (int t = 10; t < 14; t++) {
        for (int i = 0; i < 500; i++) {
            char key[32];
            snprintf(key, sizeof key, "t%d-%05d", t, i);
            CHECK(odb_get(db, odb_slice_make(key, strlen(key)), NULL, &val, &err) == ODB_OK);
        }
    }
    odb_buf_free(&val);
    /* a second opener is refused while the first holds the lock */
    odb_options opt;
    odb_options_init(&opt);
    odb_db *second;
    CHECK(odb_open(dir, &opt, &second, &err) == ODB_BUSY);
    CHECK(strstr(err.msg, "LOCK") != NULL);
    char *stats = odb_property(db, "orbitdb.stats");
    CHECK(stats != NULL && strstr(stats, "L0") != NULL);
    free(stats);
    CHECK_OK(odb_close(db, &err), &err);
    odb_batch_destroy(&b);
    for (int i = 0; i < KEYSPACE; i++) free(model[i]);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    TEST_PASSED("test_db");
    return 0;
}
