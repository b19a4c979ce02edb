/* Checkpoints under ASan/UBSan: a copy of an open database taken while writer
 * threads commit holds every batch whole, every write acknowledged before the
 * call, and opens on its own; a copy of a closed directory by
 * odb_checkpoint_dir opens with the same data; a non-empty target is refused. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "ctest.h"
#include "db.h"

#define WRITERS 3

static odb_db *open_db(const char *dir) {
    odb_options opt;
    odb_options_init(&opt);
    opt.write_buffer_size = 16384;
    opt.target_file_size_base = 16384;
    opt.max_bytes_for_level_base = 65536;
    opt.level0_file_num_compaction_trigger = 2;
    odb_db *db;
    odb_error err;
    CHECK_OK(odb_open(dir, &opt, &db, &err), &err);
    return db;
}

typedef struct writer_arg {
    odb_db *db;
    int id;
    volatile int stop;
    volatile long acked; /* batches acknowledged */
} writer_arg;

/* Batch i of writer w: key w:i and w:last = i, so a copy at one commit holds w:0..w:last. */
static void *write_loop(void *p) {
    writer_arg *a = p;
    odb_batch b;
    CHECK(odb_batch_init(&b) == ODB_OK);
    char key[32], last[32], value[32];
    for (long i = 0; !a->stop; i++) {
        odb_batch_clear(&b);
        int kn = snprintf(key, sizeof key, "%d:%08ld", a->id, i);
        int ln = snprintf(last, sizeof last, "%d:last", a->id);
        int vn = snprintf(value, sizeof value, "%ld", i);
        CHECK(odb_batch_put(&b, odb_slice_make(key, (size_t)kn), odb_slice_make("xxxxxxxxxxxxxxxxxxxx", 20)) == ODB_OK);
        CHECK(odb_batch_put(&b, odb_slice_make(last, (size_t)ln), odb_slice_make(value, (size_t)vn)) == ODB_OK);
        odb_error err;
        CHECK_OK(odb_write(a->db, &b, 0, &err), &err);
        a->acked = i + 1;
    }
    odb_batch_destroy(&b);
    return NULL;
}

/* Checks the copy holds writer w's keys 0..last exactly; returns last + 1. */
static long check_writer(odb_db *db, int w) {
    odb_error err;
    odb_buf v;
    odb_buf_init(&v);
    char k[32];
    int n = snprintf(k, sizeof k, "%d:last", w);
    long count = 0;
    if (odb_get(db, odb_slice_make(k, (size_t)n), NULL, &v, &err) == ODB_OK) {
        char num[32];
        memcpy(num, v.data, v.len);
        num[v.len] = '\0';
        count = atol(num) + 1;
    }
    for (long i = 0; i <= count; i++) {
        n = snprintf(k, sizeof k, "%d:%08ld", w, i);
        int rc = odb_get(db, odb_slice_make(k, (size_t)n), NULL, &v, &err);
        CHECK(i < count ? rc == ODB_OK : rc == ODB_NOT_FOUND);
    }
    odb_buf_free(&v);
    return count;
}

int main(void) {
    char root[] = "/tmp/odb_test_checkpoint_XXXXXX";
    CHECK(mkdtemp(root) != NULL);
    char src[256], dst[256], cmd[512];
    snprintf(src, sizeof src, "%s/src", root);
    odb_db *db = open_db(src);

    writer_arg args[WRITERS];
    pthread_t threads[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        args[i] = (writer_arg){db, i, 0, 0};
        CHECK(pthread_create(&threads[i], NULL, write_loop, &args[i]) == 0);
    }
    for (int round = 0; round < 6; round++) {
        usleep(20000);
        long before[WRITERS];
        for (int i = 0; i < WRITERS; i++) {
            before[i] = args[i].acked;
        }
        snprintf(dst, sizeof dst, "%s/cp%d", root, round);
        odb_checkpoint_info info;
        odb_error err;
        CHECK_OK(odb_checkpoint(db, dst, &info, &err), &err);
        CHECK(info.attempts == 1);
        odb_db *copy = open_db(dst);
        for (int i = 0; i < WRITERS; i++) {
            CHECK(check_writer(copy, i) >= before[i]);
        }
        odb_error cerr;
        CHECK_OK(odb_close(copy, &cerr), &cerr);
    }
    for (int i = 0; i < WRITERS; i++) {
        args[i].stop = 1;
        CHECK(pthread_join(threads[i], NULL) == 0);
    }
    long final[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        final[i] = check_writer(db, i);
    }
    odb_error err;
    CHECK(odb_checkpoint(db, dst, &(odb_checkpoint_info){0}, &err) == ODB_INVALID_ARGUMENT); /* not empty */
    CHECK_OK(odb_close(db, &err), &err);

    /* a closed directory, copied without opening it */
    snprintf(dst, sizeof dst, "%s/dir", root);
    odb_checkpoint_info info;
    CHECK_OK(odb_checkpoint_dir(src, dst, &info, &err), &err);
    odb_db *copy = open_db(dst);
    for (int i = 0; i < WRITERS; i++) {
        CHECK(check_writer(copy, i) == final[i]);
    }
    CHECK_OK(odb_close(copy, &err), &err);
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    CHECK(system(cmd) == 0);
    TEST_PASSED("checkpoint");
    return 0;
}
