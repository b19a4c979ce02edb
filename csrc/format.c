/* format.c - the engine's format version file (format.h). */
#define _GNU_SOURCE
#include "format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coding.h"
#include "env.h"

#define FORMAT_PREFIX "orbitdb-engine "

int odb_format_read(const char *dir, int *version, odb_error *err) {
    *version = -1;
    char *path = odb_path_join(dir, ODB_FORMAT_FILE);
    if (path == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    if (!odb_file_exists(path)) {
        free(path);
        return ODB_OK;
    }
    odb_buf text;
    odb_buf_init(&text);
    int rc = odb_read_file(path, &text, err);
    if (rc == ODB_OK) {
        size_t plen = strlen(FORMAT_PREFIX);
        long v = 0;
        char *end = NULL;
        char digits[16] = "";
        if (text.len > plen && text.len < plen + sizeof digits && memcmp(text.data, FORMAT_PREFIX, plen) == 0 &&
            text.data[text.len - 1] == '\n') {
            memcpy(digits, text.data + plen, text.len - plen - 1);
            v = strtol(digits, &end, 10);
        }
        if (end == NULL || end == digits || *end != '\0' || v < 0 || v > 1000000) {
            rc = odb_error_set(err, ODB_CORRUPTION, "%s is malformed (expected \"%s<number>\" and a newline)", path,
                               FORMAT_PREFIX);
        } else {
            *version = (int)v;
        }
    }
    odb_buf_free(&text);
    free(path);
    return rc;
}

int odb_format_check(const char *dir, odb_error *err) {
    int version;
    int rc = odb_format_read(dir, &version, err);
    if (rc != ODB_OK || version < 0) {
        return rc; /* no file: made before it existed, in format 1's layout */
    }
    if (version > ODB_ENGINE_FORMAT) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT,
                             "database %s has engine format %d, newer than this orbitdb reads (engine format %d): "
                             "open it with the orbitdb that wrote it, or a later one",
                             dir, version, ODB_ENGINE_FORMAT);
    }
    if (version < ODB_ENGINE_FORMAT_OLDEST) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT,
                             "database %s has engine format %d, older than this orbitdb opens (engine formats %d to "
                             "%d): convert it with `orbitdb upgrade` from an orbitdb that reads both",
                             dir, version, ODB_ENGINE_FORMAT_OLDEST, ODB_ENGINE_FORMAT);
    }
    return ODB_OK;
}

static int format_write(const char *dir, int version, odb_error *err) {
    char text[64];
    int n = snprintf(text, sizeof text, "%s%d\n", FORMAT_PREFIX, version);
    return odb_write_file_atomic(dir, ODB_FORMAT_FILE, text, (size_t)n, err);
}

int odb_format_stamp(const char *dir, int version, odb_error *err) {
    int found;
    int rc = odb_format_read(dir, &found, err);
    if (rc != ODB_OK || found >= 0) {
        return rc;
    }
    return format_write(dir, version, err);
}

int odb_format_note_new_records(const char *dir, int *version, odb_error *err) {
    if (*version >= ODB_ENGINE_FORMAT) {
        return ODB_OK;
    }
    int rc = format_write(dir, ODB_ENGINE_FORMAT, err);
    if (rc == ODB_OK) {
        *version = ODB_ENGINE_FORMAT;
    }
    return rc;
}

int odb_format_upgrade(const char *dir, int *from, odb_error *err) {
    int rc = odb_format_check(dir, err);
    if (rc == ODB_OK) {
        rc = odb_format_read(dir, from, err);
    }
    if (rc == ODB_OK && *from < ODB_ENGINE_FORMAT) {
        rc = format_write(dir, ODB_ENGINE_FORMAT, err);
    }
    return rc;
}
