/* History retention under AddressSanitizer: writes stamped with their times, reads at past
 * times across flushes, compactions and reopens, the time index rebuilt from the WAL, and
 * refusals outside the history. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctest.h"
#include "db.h"
#include "retention.h"

#define WRITES 400

static int64_t now_micros(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static odb_db *open_db(const char *dir, uint64_t retention) {
    odb_options opt;
    odb_options_init(&opt);
    opt.write_buffer_size = 8192;
    opt.target_file_size_base = 8192;
    opt.history_retention_seconds = retention;
    odb_db *db = NULL;
    odb_error err;
    CHECK_OK(odb_open(dir, &opt, &db, &err), &err);
    return db;
}

/* after[i]: a time after write i returned and before write i + 1 began */
static void check_reads(odb_db *db, const int64_t *after) {
    odb_error err;
    odb_buf v;
    odb_buf_init(&v);
    for (int i = 0; i < WRITES; i += 7) {
        odb_snapshot *s = NULL;
        odb_seq seq = 0;
        CHECK_OK(odb_snapshot_at_time(db, after[i], &s, &seq, &err), &err);
        CHECK(seq == (odb_seq)i + 1);
        odb_buf_clear(&v);
        CHECK_OK(odb_get(db, odb_slice_make("k", 1), s, &v, &err), &err);
        char want[32];
        int n = snprintf(want, sizeof want, "v%d", i);
        CHECK(v.len == (size_t)n && memcmp(v.data, want, (size_t)n) == 0);
        odb_snapshot_release(db, s);
    }
    odb_buf_free(&v);
}

int main(void) {
    char dir[] = "/tmp/odb_test_retention_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    odb_error err;
    int64_t opened = now_micros();
    odb_db *db = open_db(dir, 3600);
    static int64_t after[WRITES];
    odb_batch b;
    CHECK(odb_batch_init(&b) == ODB_OK);
    for (int i = 0; i < WRITES; i++) {
        char v[32];
        int n = snprintf(v, sizeof v, "v%d", i);
        odb_batch_clear(&b);
        CHECK(odb_batch_put(&b, odb_slice_make("k", 1), odb_slice_make(v, (size_t)n)) == ODB_OK);
        CHECK_OK(odb_write(db, &b, 0, &err), &err);
        after[i] = now_micros();
        usleep(50);
        if (i % 100 == 99) {
            CHECK_OK(odb_flush(db, &err), &err);
        }
    }
    check_reads(db, after);
    CHECK_OK(odb_compact_all(db, &err), &err);
    check_reads(db, after);
    char *versions = odb_property(db, "orbitdb.history-versions");
    CHECK(versions != NULL && atoi(versions) == WRITES - 1);
    free(versions);
    odb_snapshot *s = NULL;
    CHECK(odb_snapshot_at_time(db, now_micros() + 60000000, &s, NULL, &err) == ODB_INVALID_ARGUMENT);
    CHECK(odb_snapshot_at_time(db, opened - 60000000, &s, NULL, &err) == ODB_INVALID_ARGUMENT);
    CHECK(odb_snapshot_at(db, 1000000, &s, &err) == ODB_INVALID_ARGUMENT);
    CHECK_OK(odb_snapshot_at(db, 5, &s, &err), &err);
    CHECK(odb_snapshot_sequence(s) == 5);
    odb_snapshot_release(db, s);
    CHECK_OK(odb_close(db, &err), &err);

    /* reopened: HISTORY, plus the stamps of the unflushed writes from the WAL */
    db = open_db(dir, 3600);
    check_reads(db, after);
    CHECK_OK(odb_close(db, &err), &err);

    /* off: the history ends */
    db = open_db(dir, 0);
    CHECK(odb_snapshot_at_time(db, after[10], &s, NULL, &err) == ODB_INVALID_ARGUMENT);
    CHECK_OK(odb_close(db, &err), &err);
    odb_batch_destroy(&b);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    TEST_PASSED("test_retention");
    return 0;
}
