/* Test of the engine's format version file (format.h): written at creation,
 * written at the next open of a directory made before it existed, and a
 * newer or older format refused by name before anything is written. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctest.h"
#include "db.h"
#include "env.h"
#include "format.h"
#include "readonly.h"
#include "verify.h"

static int open_db(const char *dir, odb_error *err) {
    odb_options opt;
    odb_options_init(&opt);
    odb_db *db;
    int rc = odb_open(dir, &opt, &db, err);
    if (rc == ODB_OK) {
        odb_batch b;
        CHECK(odb_batch_init(&b) == ODB_OK);
        CHECK(odb_batch_put(&b, odb_slice_make("k", 1), odb_slice_make("v", 1)) == ODB_OK);
        CHECK_OK(odb_write(db, &b, 1, err), err);
        odb_batch_destroy(&b);
        CHECK_OK(odb_close(db, err), err);
    }
    return rc;
}

static void write_format(const char *dir, const char *text) {
    odb_error err;
    CHECK_OK(odb_write_file_atomic(dir, ODB_FORMAT_FILE, text, strlen(text), &err), &err);
}

static int count_files(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    while (readdir(d) != NULL) {
        n++;
    }
    closedir(d);
    return n;
}

int main(void) {
    char dir[] = "/tmp/odb_test_format_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    odb_error err;
    CHECK_OK(open_db(dir, &err), &err);
    int version;
    CHECK_OK(odb_format_read(dir, &version, &err), &err);
    CHECK(version == ODB_ENGINE_FORMAT);

    /* made before the file existed: opens, and gets it */
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, ODB_FORMAT_FILE);
    CHECK(unlink(path) == 0);
    CHECK_OK(odb_format_read(dir, &version, &err), &err);
    CHECK(version == -1);
    CHECK_OK(open_db(dir, &err), &err);
    CHECK_OK(odb_format_read(dir, &version, &err), &err);
    CHECK(version == 1); /* format 1's layout, marked 2 only before a record of format 2 */

    /* the explicit upgrade marks it with this engine's format */
    int from = 0;
    CHECK_OK(odb_format_upgrade(dir, &from, &err), &err);
    CHECK(from == 1);
    CHECK_OK(odb_format_read(dir, &version, &err), &err);
    CHECK(version == ODB_ENGINE_FORMAT && ODB_ENGINE_FORMAT == 2);

    /* newer: refused by name, nothing written (no new log, manifest or table) */
    write_format(dir, "orbitdb-engine 7\n");
    int before = count_files(dir);
    CHECK(open_db(dir, &err) == ODB_INVALID_ARGUMENT);
    CHECK(strstr(err.msg, "engine format 7, newer than this orbitdb reads") != NULL);
    CHECK(count_files(dir) == before);
    odb_readonly *ro;
    CHECK(odb_readonly_open(dir, &ro, &err) == ODB_INVALID_ARGUMENT);
    odb_verify_report rep;
    CHECK_OK(odb_verify_dir(dir, &rep, &err), &err);
    CHECK(rep.damaged == 1 && strstr(rep.findings[0].message, "engine format 7") != NULL);
    odb_verify_report_free(&rep);

    /* older than the oldest this engine opens */
    write_format(dir, "orbitdb-engine 0\n");
    CHECK(open_db(dir, &err) == ODB_INVALID_ARGUMENT);
    CHECK(strstr(err.msg, "engine format 0, older than this orbitdb opens") != NULL);

    /* malformed */
    write_format(dir, "orbitdb-engine x\n");
    CHECK(open_db(dir, &err) == ODB_CORRUPTION && strstr(err.msg, "FORMAT is malformed") != NULL);

    write_format(dir, "orbitdb-engine 1\n");
    CHECK_OK(open_db(dir, &err), &err);
    CHECK_OK(odb_format_read(dir, &version, &err), &err);
    CHECK(version == 1);
    TEST_PASSED("format");
    return 0;
}
