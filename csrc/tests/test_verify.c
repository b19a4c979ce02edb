/* Test of the read-only check (verify.h) and view (readonly.h): a clean
 * directory is clean, stopped or held open; a flipped byte in a table is
 * damage naming it; a torn WAL tail is a note; neither writes a byte. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctest.h"
#include "db.h"
#include "readonly.h"
#include "verify.h"

static odb_db *open_db(const char *dir) {
    odb_options opt;
    odb_options_init(&opt);
    opt.write_buffer_size = 16384;
    odb_db *db;
    odb_error err;
    CHECK_OK(odb_open(dir, &opt, &db, &err), &err);
    return db;
}

static void put(odb_db *db, int i) {
    char k[16], v[32];
    snprintf(k, sizeof k, "key%06d", i);
    snprintf(v, sizeof v, "value-%d", i);
    odb_batch b;
    CHECK(odb_batch_init(&b) == ODB_OK);
    CHECK(odb_batch_put(&b, odb_slice_make(k, strlen(k)), odb_slice_make(v, strlen(v))) == ODB_OK);
    odb_error err;
    CHECK_OK(odb_write(db, &b, 0, &err), &err);
    odb_batch_destroy(&b);
}

/* Names, sizes and modification times of the directory's files, as one string. */
static void listing(const char *dir, char *out, size_t cap) {
    out[0] = '\0';
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, "..") == 0) {
            continue; /* the parent changes with whatever else runs beside this test */
        }
        char p[512];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        CHECK(stat(p, &st) == 0);
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s:%lld:%lld.%ld;", e->d_name, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                 st.st_mtim.tv_nsec);
    }
    closedir(d);
}

static uint64_t count_keys(const char *dir) {
    odb_readonly *ro;
    odb_error err;
    CHECK_OK(odb_readonly_open(dir, &ro, &err), &err);
    odb_iter *it = odb_readonly_iter(ro);
    CHECK(it != NULL);
    uint64_t n = 0;
    for (odb_iter_seek_first(it); odb_iter_valid(it); odb_iter_next(it)) {
        n++;
    }
    CHECK(odb_iter_status(it, &err) == ODB_OK);
    odb_iter_destroy(it);
    odb_readonly_close(ro);
    return n;
}

static int first_table(const char *dir, char *path, size_t cap) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) != NULL && !found) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".sst") == 0) {
            snprintf(path, cap, "%s/%s", dir, e->d_name);
            found = 1;
        }
    }
    closedir(d);
    return found;
}

int main(void) {
    char dir[] = "/tmp/odb_test_verify_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    odb_error err;
    odb_db *db = open_db(dir);
    for (int i = 0; i < 3000; i++) {
        put(db, i);
    }
    CHECK_OK(odb_flush(db, &err), &err);
    for (int i = 3000; i < 3100; i++) {
        put(db, i); /* these stay in the WAL */
    }
    odb_verify_report rep;
    CHECK_OK(odb_verify_dir(dir, &rep, &err), &err);
    CHECK(rep.live == 1 && rep.damaged == 0 && rep.tables > 0);
    odb_verify_report_free(&rep);
    CHECK(count_keys(dir) == 3100); /* the view of a held directory */
    CHECK_OK(odb_close(db, &err), &err);

    static char before[65536], after[65536];
    listing(dir, before, sizeof before);
    CHECK_OK(odb_verify_dir(dir, &rep, &err), &err);
    CHECK(rep.live == 0 && rep.damaged == 0 && rep.table_entries >= 3000 && rep.wal_records == 100);
    odb_verify_report_free(&rep);
    CHECK(count_keys(dir) == 3100);
    listing(dir, after, sizeof after);
    CHECK(strcmp(before, after) == 0);

    /* a torn WAL tail: a note, not damage */
    char log[512] = "";
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".log") != NULL) {
            snprintf(log, sizeof log, "%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    struct stat st;
    CHECK(log[0] != '\0' && stat(log, &st) == 0 && st.st_size > 10);
    CHECK(truncate(log, st.st_size - 3) == 0);
    CHECK_OK(odb_verify_dir(dir, &rep, &err), &err);
    CHECK(rep.damaged == 0 && rep.count >= 1);
    int torn = 0;
    for (int i = 0; i < rep.count; i++) {
        torn |= strstr(rep.findings[i].message, "torn tail") != NULL && !rep.findings[i].damage;
    }
    CHECK(torn);
    odb_verify_report_free(&rep);
    CHECK(count_keys(dir) == 3099);

    /* a flipped byte in a table's first data block: damage naming the file and offset 0 */
    char sst[512];
    CHECK(first_table(dir, sst, sizeof sst));
    int fd = open(sst, O_RDWR);
    CHECK(fd >= 0);
    char c;
    CHECK(pread(fd, &c, 1, 20) == 1);
    c ^= 0x40;
    CHECK(pwrite(fd, &c, 1, 20) == 1);
    close(fd);
    CHECK_OK(odb_verify_dir(dir, &rep, &err), &err);
    CHECK(rep.damaged >= 1);
    int named = 0;
    for (int i = 0; i < rep.count; i++) {
        named |= rep.findings[i].damage && strstr(sst, rep.findings[i].file) != NULL && rep.findings[i].file[0] &&
                 rep.findings[i].offset == 0;
    }
    CHECK(named);
    odb_verify_report_free(&rep);

    /* a missing table */
    CHECK(unlink(sst) == 0);
    CHECK_OK(odb_verify_dir(dir, &rep, &err), &err);
    CHECK(rep.damaged >= 1 && strstr(rep.findings[0].message, "missing") != NULL);
    odb_verify_report_free(&rep);
    TEST_PASSED("verify");
    return 0;
}
