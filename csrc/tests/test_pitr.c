/* Point-in-time recovery under ASan/UBSan: a database that archives its WAL
 * (walarchive.h) is written with known commit times across flushes, a checkpoint
 * taken in the middle; copies of the checkpoint replayed (pitr.h) to several
 * times each hold exactly the writes committed by then, range deletions too; a
 * target beyond the archive or before the checkpoint is refused, and a missing
 * archived file shows as a gap. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "ctest.h"
#include "db.h"
#include "env.h"
#include "pitr.h"

#define WRITES 120
#define CHECKPOINT_AT 40

static uint64_t wall_micros(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static odb_db *open_db(const char *dir, const char *archive) {
    odb_options opt;
    odb_options_init(&opt);
    opt.write_buffer_size = 4096;
    opt.wal_archive_dir = archive;
    odb_db *db;
    odb_error err;
    CHECK_OK(odb_open(dir, &opt, &db, &err), &err);
    return db;
}

/* Write i puts key i; write 70 deletes the range [k010, k020). */
static void write_one(odb_db *db, int i) {
    char key[16], value[128];
    snprintf(key, sizeof key, "k%03d", i);
    memset(value, 'v', sizeof value);
    odb_batch b;
    odb_error err;
    CHECK(odb_batch_init(&b) == ODB_OK);
    if (i == 70) {
        CHECK(odb_batch_delete_range(&b, odb_slice_make("k010", 4), odb_slice_make("k020", 4)) == ODB_OK);
    } else {
        CHECK(odb_batch_put(&b, odb_slice_make(key, strlen(key)), odb_slice_make(value, sizeof value)) == ODB_OK);
    }
    CHECK_OK(odb_write(db, &b, 1, &err), &err);
    odb_batch_destroy(&b);
}

/* Keys expected after writes 0..n-1. */
static int expected_keys(int n) {
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (i == 70) {
            continue;
        }
        int deleted = n > 70 && i >= 10 && i < 20;
        count += !deleted;
    }
    return count;
}

static int count_keys(const char *dir) {
    odb_db *db = open_db(dir, NULL);
    odb_iter *it = odb_db_iter(db, NULL);
    int n = 0;
    for (odb_iter_seek_first(it); odb_iter_valid(it); odb_iter_next(it)) {
        n++;
    }
    odb_iter_destroy(it);
    odb_error err;
    CHECK_OK(odb_close(db, &err), &err);
    return n;
}

static int replay_copy(const char *root, const char *base, const char *archive, uint64_t target, int id,
                       odb_error *err, char *dst, size_t dst_size) {
    char cmd[1024];
    snprintf(dst, dst_size, "%s/r%d", root, id);
    snprintf(cmd, sizeof cmd, "cp -r %s %s", base, dst);
    CHECK(system(cmd) == 0);
    odb_pitr_info info;
    return odb_pitr_replay(dst, archive, target, 0, &info, err);
}

int main(void) {
    char root[] = "/tmp/odb_test_pitr_XXXXXX";
    CHECK(mkdtemp(root) != NULL);
    char dir[256], archive[256], base[256], dst[256];
    snprintf(dir, sizeof dir, "%s/db", root);
    snprintf(archive, sizeof archive, "%s/archive", root);
    snprintf(base, sizeof base, "%s/base", root);
    odb_error err;
    uint64_t after[WRITES];
    odb_db *db = open_db(dir, archive);
    for (int i = 0; i < WRITES; i++) {
        write_one(db, i);
        usleep(1000);
        after[i] = wall_micros();
        usleep(1000);
        if (i == CHECKPOINT_AT) {
            odb_checkpoint_info info;
            CHECK_OK(odb_checkpoint(db, base, &info, &err), &err);
        }
        if (i % 25 == 0) {
            CHECK_OK(odb_flush(db, &err), &err);
        }
    }
    write_one(db, WRITES); /* a commit after the last one checked, so that the archive reaches past it */
    CHECK_OK(odb_close(db, &err), &err);
    db = open_db(dir, archive); /* archives the WAL left */
    CHECK_OK(odb_close(db, &err), &err);

    int targets[] = {CHECKPOINT_AT, CHECKPOINT_AT + 1, 69, 70, 71, 100, WRITES - 1};
    for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
        int i = targets[t];
        CHECK_OK(replay_copy(root, base, archive, after[i], (int)t, &err, dst, sizeof dst), &err);
        CHECK(count_keys(dst) == expected_keys(i + 1));
    }
    TEST_PASSED("replay to several times: exactly the writes committed by then, range deletion too");

    CHECK(replay_copy(root, base, archive, wall_micros() + 60000000u, 20, &err, dst, sizeof dst) ==
          ODB_INVALID_ARGUMENT);
    CHECK(strstr(err.msg, "beyond the end of the WAL archive") != NULL);
    CHECK(replay_copy(root, base, archive, after[CHECKPOINT_AT - 5], 21, &err, dst, sizeof dst) ==
          ODB_INVALID_ARGUMENT);
    CHECK(strstr(err.msg, "before the backup's last commit") != NULL);
    CHECK(count_keys(dst) == expected_keys(CHECKPOINT_AT + 1)); /* nothing written on a refusal */
    TEST_PASSED("targets beyond the archive and before the checkpoint refused");

    uint64_t *logs = NULL;
    int n = 0;
    CHECK_OK(odb_list_logs(archive, 0, &logs, &n, NULL, &err), &err);
    CHECK(n >= 4);
    int nonempty = 0;
    for (int i = n - 1; i >= 0; i--) { /* the second newest file holding a byte */
        char *victim = odb_log_file_name(archive, logs[i]);
        CHECK(victim != NULL);
        FILE *f = fopen(victim, "rb");
        CHECK(f != NULL && fseek(f, 0, SEEK_END) == 0);
        nonempty += ftell(f) > 0;
        fclose(f);
        if (nonempty == 2) {
            CHECK(unlink(victim) == 0);
            free(victim);
            break;
        }
        free(victim);
    }
    CHECK(nonempty == 2);
    free(logs);
    CHECK(replay_copy(root, base, archive, after[WRITES - 1], 22, &err, dst, sizeof dst) == ODB_CORRUPTION);
    CHECK(strstr(err.msg, "gap") != NULL || strstr(err.msg, "does not continue") != NULL);
    TEST_PASSED("a missing archived file is a gap");

    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    CHECK(system(cmd) == 0);
    return 0;
}
