/* The engine at scale, in C under ASan/UBSan: the shape of the levels as data
 * grows (dynamic level targets), compaction of a key range touching only the
 * tables that overlap it, a bounded table cache, and a randomized model test
 * across flushes, compactions, range compactions, snapshots and reopens with
 * max_open_files bounded. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctest.h"
#include "db.h"
#include "db_impl.h"
#include "picker.h"
#include "table_cache.h"

#define KEYSPACE 3000

static char *model[KEYSPACE];

static void key_of(int i, char *buf) { snprintf(buf, 16, "key%06d", i); }

static odb_db *open_db(const char *dir, int max_open_files) {
    odb_options opt;
    odb_options_init(&opt);
    opt.write_buffer_size = 8192;
    opt.target_file_size_base = 8192;
    opt.max_bytes_for_level_base = 32768;
    opt.level0_file_num_compaction_trigger = 2;
    opt.block_cache_size = 65536;
    opt.max_open_files = max_open_files;
    opt.max_background_jobs = 3; /* subcompactions in three ranges */
    odb_db *db;
    odb_error err;
    CHECK_OK(odb_open(dir, &opt, &db, &err), &err);
    return db;
}

static void put(odb_db *db, int i, const char *value) {
    odb_batch b;
    odb_error err;
    char k[16];
    key_of(i, k);
    CHECK(odb_batch_init(&b) == ODB_OK);
    if (value != NULL) {
        CHECK(odb_batch_put(&b, odb_slice_make(k, strlen(k)), odb_slice_make(value, strlen(value))) == ODB_OK);
    } else {
        CHECK(odb_batch_delete(&b, odb_slice_make(k, strlen(k))) == ODB_OK);
    }
    CHECK_OK(odb_write(db, &b, 0, &err), &err);
    odb_batch_destroy(&b);
    free(model[i]);
    model[i] = value != NULL ? strdup(value) : NULL;
}

/* Every key by point read and the whole database by iteration, against the model (or against
 * a copy of it read through a snapshot). */
static void check_against(odb_db *db, char **m, const odb_snapshot *snap) {
    odb_error err;
    odb_buf v;
    odb_buf_init(&v);
    char k[16];
    for (int i = 0; i < KEYSPACE; i++) {
        key_of(i, k);
        int rc = odb_get(db, odb_slice_make(k, strlen(k)), snap, &v, &err);
        if (m[i] == NULL) {
            CHECK(rc == ODB_NOT_FOUND);
        } else {
            CHECK(rc == ODB_OK);
            CHECK(v.len == strlen(m[i]) && memcmp(v.data, m[i], v.len) == 0);
        }
    }
    odb_buf_free(&v);
    odb_iter *it = odb_db_iter(db, snap);
    CHECK(it != NULL);
    int i = 0;
    for (odb_iter_seek_first(it); odb_iter_valid(it); odb_iter_next(it), i++) {
        while (i < KEYSPACE && m[i] == NULL) i++;
        CHECK(i < KEYSPACE);
        key_of(i, k);
        odb_slice key = odb_iter_key(it);
        CHECK(key.size == strlen(k) && memcmp(key.data, k, key.size) == 0);
        odb_slice val = odb_iter_value(it);
        CHECK(val.size == strlen(m[i]) && memcmp(val.data, m[i], val.size) == 0);
    }
    while (i < KEYSPACE && m[i] == NULL) i++;
    CHECK(i == KEYSPACE);
    CHECK(odb_iter_status(it, &err) == ODB_OK);
    odb_iter_destroy(it);
}

static void value_for(int i, int round, char *buf, size_t n) {
    /* varied lengths, so that tables split at different keys every round */
    snprintf(buf, n, "v%d-%d-%.*s", i, round, (i * 7 + round) % 60, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
}

/* Loading much more than the base level holds leaves most bytes in the last level and nothing
 * between level 0 and the base level. */
static void test_level_shape(const char *dir) {
    odb_db *db = open_db(dir, -1);
    char val[128];
    for (int round = 0; round < 4; round++) {
        for (int j = 0; j < KEYSPACE; j++) {
            int i = (j * 1009 + round * 17) % KEYSPACE;
            value_for(i, round, val, sizeof val);
            put(db, i, val);
        }
    }
    odb_error err;
    CHECK_OK(odb_flush(db, &err), &err);
    pthread_mutex_lock(&db->mu);
    odb_level_targets t;
    for (;;) { /* until the background has done what is due */
        odb_level_targets_compute(db->versions.current, &db->opt, &t);
        int due = db->compaction_running || db->flush_running || db->nimm > 0;
        for (int l = 0; l < ODB_NUM_LEVELS - 1; l++) {
            due |= t.score[l] >= 1.0;
        }
        if (!due) {
            break;
        }
        pthread_cond_wait(&db->bg_cv, &db->mu);
    }
    odb_version *v = db->versions.current;
    uint64_t total = 0;
    for (int l = 1; l < ODB_NUM_LEVELS; l++) {
        total += v->level_bytes[l];
        if (l < t.base_level) {
            CHECK(v->nfiles[l] == 0);
        }
    }
    CHECK(t.base_level < ODB_NUM_LEVELS - 1); /* the data outgrew one level */
    CHECK(v->level_bytes[ODB_NUM_LEVELS - 1] * 10 >= total * 7);
    for (int l = t.base_level + 1; l < ODB_NUM_LEVELS; l++) {
        CHECK(t.max_bytes[l] == t.max_bytes[l - 1] * ODB_LEVEL_MULTIPLIER);
    }
    pthread_mutex_unlock(&db->mu);
    check_against(db, model, NULL);
    CHECK_OK(odb_close(db, &err), &err);
    TEST_PASSED("levels: most data in the last level, none above the base level");
}

static void wait_idle(odb_db *db) {
    pthread_mutex_lock(&db->mu);
    for (;;) {
        odb_level_targets t;
        odb_level_targets_compute(db->versions.current, &db->opt, &t);
        int due = db->compaction_running || db->flush_running || db->nimm > 0;
        for (int l = 0; l < ODB_NUM_LEVELS - 1; l++) {
            due |= t.score[l] >= 1.0;
        }
        if (!due) {
            break;
        }
        pthread_cond_wait(&db->bg_cv, &db->mu);
    }
    pthread_mutex_unlock(&db->mu);
}

static uint64_t stat_of(odb_db *db, const char *name) {
    const char *names[64];
    uint64_t values[64];
    int n = odb_stats_read(db, names, values, 64);
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return values[i];
        }
    }
    CHECK(0);
    return 0;
}

/* Keys written in order make tables that overlap nothing below: compactions move them down
 * by a manifest edit instead of rewriting them, and the moved tables survive a reopen. */
static void test_sequential_moves(const char *dir) {
    odb_options opt;
    odb_options_init(&opt);
    opt.write_buffer_size = 8192;
    opt.target_file_size_base = 8192;
    opt.max_bytes_for_level_base = 16384;
    opt.level0_file_num_compaction_trigger = 2;
    opt.enable_statistics = 1;
    odb_db *db;
    odb_error err;
    CHECK_OK(odb_open(dir, &opt, &db, &err), &err);
    char val[128];
    for (int i = 0; i < KEYSPACE; i++) {
        value_for(i, 7, val, sizeof val);
        put(db, i, val);
    }
    CHECK_OK(odb_flush(db, &err), &err);
    wait_idle(db);
    uint64_t flushed = stat_of(db, "flush_bytes"), compacted = stat_of(db, "compaction_bytes_written");
    CHECK(flushed > 0);
    CHECK(compacted <= 2 * flushed); /* rewriting level by level would be several times more */
    pthread_mutex_lock(&db->mu);
    int below_base = db->versions.current->nfiles[ODB_NUM_LEVELS - 1];
    pthread_mutex_unlock(&db->mu);
    CHECK(below_base > 0);
    CHECK_OK(odb_close(db, &err), &err);
    db = open_db(dir, -1);
    check_against(db, model, NULL);
    CHECK_OK(odb_close(db, &err), &err);
    TEST_PASSED("sequential keys: tables moved down without a rewrite, and after a reopen");
}

/* compact_range rewrites the tables overlapping the range and no other. */
static void test_compact_range(const char *dir) {
    odb_db *db = open_db(dir, -1);
    odb_error err;
    CHECK_OK(odb_compact_all(db, &err), &err);
    pthread_mutex_lock(&db->mu);
    odb_version *before = db->versions.current;
    odb_version_ref(before);
    pthread_mutex_unlock(&db->mu);
    int last = ODB_NUM_LEVELS - 1;
    CHECK(before->nfiles[last] >= 6);
    for (int l = 0; l < last; l++) {
        CHECK(before->nfiles[l] == 0);
    }
    /* rewrite some keys in the middle, and compact just them */
    char val[128];
    int lo = KEYSPACE / 2, hi = KEYSPACE / 2 + 40;
    for (int i = lo; i <= hi; i++) {
        value_for(i, 99, val, sizeof val);
        put(db, i, val);
    }
    char klo[16], khi[16];
    key_of(lo, klo);
    key_of(hi, khi);
    odb_slice b = odb_slice_make(klo, strlen(klo)), e = odb_slice_make(khi, strlen(khi));
    CHECK_OK(odb_compact_range(db, &b, &e, &err), &err);
    pthread_mutex_lock(&db->mu);
    odb_version *after = db->versions.current;
    for (int l = 0; l < last; l++) {
        CHECK(after->nfiles[l] == 0);
    }
    int kept = 0, rewritten = 0;
    for (int i = 0; i < before->nfiles[last]; i++) {
        odb_file_meta *f = before->files[last][i];
        int live = 0;
        for (int j = 0; j < after->nfiles[last]; j++) {
            live |= after->files[last][j]->number == f->number;
        }
        if (odb_file_in_range(f, &b, &e)) {
            CHECK(!live);
            rewritten++;
        } else {
            CHECK(live);
            kept++;
        }
    }
    pthread_mutex_unlock(&db->mu);
    CHECK(rewritten >= 1 && kept >= 4);
    odb_version_unref(before);
    check_against(db, model, NULL);
    CHECK_OK(odb_close(db, &err), &err);
    TEST_PASSED("compact_range rewrites only the tables of its range");
}

static void count_ssts(const char *dir, int *out) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c 'sst$'", dir);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    CHECK(fscanf(p, "%d", out) == 1);
    pclose(p);
}

/* Randomized: puts and deletes, flushes, range compactions, snapshots and reopens, with at
 * most 10 tables held open, against the model. */
static void test_model(const char *dir) {
    odb_db *db = open_db(dir, 20);
    odb_error err;
    char val[128];
    srand(1601);
    int most_ssts = 0;
    for (int round = 0; round < 30; round++) {
        int ops = 200 + rand() % 800;
        for (int j = 0; j < ops; j++) {
            int i = rand() % KEYSPACE;
            if (rand() % 5 == 0) {
                put(db, i, NULL);
            } else {
                value_for(i, round + 100, val, sizeof val);
                put(db, i, val);
            }
        }
        /* a snapshot and a copy of the model it must keep seeing */
        odb_snapshot *snap = odb_snapshot_new(db);
        char **seen = calloc(KEYSPACE, sizeof *seen);
        CHECK(snap != NULL && seen != NULL);
        for (int i = 0; i < KEYSPACE; i++) {
            seen[i] = model[i] != NULL ? strdup(model[i]) : NULL;
        }
        for (int j = 0; j < 300; j++) {
            int i = rand() % KEYSPACE;
            value_for(i, round + 200, val, sizeof val);
            put(db, i, rand() % 3 ? val : NULL);
        }
        int what = rand() % 4;
        if (what == 0) {
            CHECK_OK(odb_flush(db, &err), &err);
        } else if (what == 1) {
            int a = rand() % KEYSPACE, b = a + rand() % 500;
            char ka[16], kb[16];
            key_of(a, ka);
            key_of(b, kb);
            odb_slice sa = odb_slice_make(ka, strlen(ka)), sb = odb_slice_make(kb, strlen(kb));
            CHECK_OK(odb_compact_range(db, &sa, &sb, &err), &err);
        } else if (what == 2) {
            CHECK_OK(odb_compact_range(db, NULL, NULL, &err), &err);
        }
        check_against(db, seen, snap);
        check_against(db, model, NULL);
        int open_tables = odb_table_cache_open_tables(db->versions.tcache);
        CHECK(open_tables >= 0 && open_tables <= 10);
        int now = 0;
        count_ssts(dir, &now);
        most_ssts = now > most_ssts ? now : most_ssts;
        odb_snapshot_release(db, snap);
        for (int i = 0; i < KEYSPACE; i++) {
            free(seen[i]);
        }
        free(seen);
        if (round % 7 == 6) {
            CHECK_OK(odb_close(db, &err), &err);
            db = open_db(dir, 20);
            check_against(db, model, NULL);
        }
    }
    /* more tables than the cache holds open, at some point (background compactions decide how
     * many there are at any one moment) */
    CHECK(most_ssts > 10);
    CHECK_OK(odb_close(db, &err), &err);
    TEST_PASSED("model: writes, deletes, snapshots, range compactions and reopens with 10 tables open at most");
}

int main(void) {
    char dir[] = "/tmp/odb_test_levels_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/db", dir);
    test_sequential_moves(path);
    test_level_shape(path);
    test_compact_range(path);
    test_model(path);
    for (int i = 0; i < KEYSPACE; i++) {
        free(model[i]);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    return 0;
}
