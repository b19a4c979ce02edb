/* verify.c - the read-only check of a database directory (verify.h). */
#define _GNU_SOURCE
#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "dbformat.h"
#include "env.h"
#include "format.h"
#include "log.h"
#include "table.h"
#include "version.h"
#include "walread.h"

#define LIVE_ATTEMPTS 5

typedef struct check {
    const char *dir;
    odb_verify_report *rep;
    int oom;
    int raced; /* a live engine removed a file the manifest named: read again */
} check;

static void vfinding(check *c, int damage, const char *file, int64_t offset, const char *fmt, va_list ap) {
    odb_verify_report *r = c->rep;
    if (r->count == r->cap) {
        int cap = r->cap ? r->cap * 2 : 16;
        odb_finding *p = realloc(r->findings, (size_t)cap * sizeof *p);
        if (p == NULL) {
            c->oom = 1;
            return;
        }
        r->findings = p;
        r->cap = cap;
    }
    odb_finding *f = &r->findings[r->count++];
    f->damage = damage;
    snprintf(f->file, sizeof f->file, "%s", file ? file : "");
    f->offset = offset;
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    r->damaged += damage;
}

__attribute__((format(printf, 5, 6))) static void finding(check *c, int damage, const char *file, int64_t offset,
                                                           const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfinding(c, damage, file, offset, fmt, ap);
    va_end(ap);
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Whether an engine holds the directory's lock. A shared lock taken for a
 * moment tells without writing: the LOCK file is opened read-only. */
static int held_by_engine(const char *dir) {
    char *path = odb_path_join(dir, "LOCK");
    if (path == NULL) {
        return 0;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0) {
        return 0;
    }
    int held = 0;
    if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
        held = errno == EWOULDBLOCK;
    } else {
        flock(fd, LOCK_UN);
    }
    close(fd);
    return held;
}

/* ---- the manifest ---- */

static int find_added(const odb_version_edit *state, int level, uint64_t number) {
    for (int j = 0; j < state->nadded; j++) {
        if (state->added[j].number == number && (level < 0 || state->added[j].level == level)) {
            return j;
        }
    }
    return -1;
}

/* Replays the manifest CURRENT names into state (every live file); returns 0
 * when the manifest cannot be used at all (reported). */
static int read_manifest(check *c, odb_version_edit *state, uint64_t *manifest_number) {
    char *current_path = odb_path_join(c->dir, "CURRENT");
    odb_buf current;
    odb_buf_init(&current);
    odb_error err;
    int rc = current_path ? odb_read_file(current_path, &current, &err) : ODB_NO_MEMORY;
    free(current_path);
    if (rc == ODB_NO_MEMORY) {
        c->oom = 1;
        odb_buf_free(&current);
        return 0;
    }
    if (rc != ODB_OK) {
        finding(c, 1, "CURRENT", -1, "CURRENT cannot be read: %s", err.msg);
        odb_buf_free(&current);
        return 0;
    }
    if (current.len < 2 || current.len > 64 || current.data[current.len - 1] != '\n') {
        finding(c, 1, "CURRENT", 0, "CURRENT is malformed (expected a manifest name and a newline)");
        odb_buf_free(&current);
        return 0;
    }
    current.data[current.len - 1] = '\0';
    if (odb_parse_file_name(current.data, manifest_number) != ODB_FILE_MANIFEST) {
        finding(c, 1, "CURRENT", 0, "CURRENT names '%.64s', which is not a manifest", current.data);
        odb_buf_free(&current);
        return 0;
    }
    odb_buf_free(&current);
    char *path = odb_manifest_file_name(c->dir, *manifest_number);
    if (path == NULL) {
        c->oom = 1;
        return 0;
    }
    const char *name = base_name(path);
    odb_log_reader *r;
    if (odb_log_reader_open(path, &r, &err) != ODB_OK) {
        if (c->rep->live && !odb_file_exists(path)) {
            c->raced = 1;
        } else {
            finding(c, 1, name, -1, "the manifest named by CURRENT cannot be read: %s", err.msg);
        }
        free(path);
        return 0;
    }
    int usable = 1;
    for (;;) {
        odb_slice record;
        int got = odb_log_read_record(r, &record, &err);
        if (got < 0) {
            finding(c, 1, name, (int64_t)odb_log_reader_record_offset(r), "%s", err.msg);
            usable = 0;
            break;
        }
        if (got == 0) {
            break;
        }
        c->rep->manifest_records++;
        int64_t at = (int64_t)odb_log_reader_record_offset(r);
        odb_version_edit e;
        odb_edit_init(&e);
        if (odb_edit_decode(&e, record, &err) != ODB_OK) {
            finding(c, 1, name, at, "record at offset %lld does not decode: %s", (long long)at, err.msg);
            odb_edit_destroy(&e);
            usable = 0;
            break;
        }
        if (e.has_log_number) {
            state->has_log_number = 1;
            state->log_number = e.log_number;
        }
        if (e.has_next_file) {
            state->has_next_file = 1;
            state->next_file_number = e.next_file_number;
        }
        if (e.has_last_sequence) {
            state->has_last_sequence = 1;
            state->last_sequence = e.last_sequence;
        }
        for (int i = 0; i < e.ndeleted; i++) {
            int j = find_added(state, e.deleted[i].level, e.deleted[i].number);
            if (j < 0) {
                finding(c, 0, name, at, "record at offset %lld deletes table %llu at level %d, which is not live",
                        (long long)at, (unsigned long long)e.deleted[i].number, e.deleted[i].level);
                continue;
            }
            odb_buf_free(&state->added[j].smallest);
            odb_buf_free(&state->added[j].largest);
            state->added[j] = state->added[--state->nadded];
        }
        for (int i = 0; i < e.nadded; i++) {
            odb_new_file *nf = &e.added[i];
            if (find_added(state, -1, nf->number) >= 0) {
                finding(c, 1, name, at, "record at offset %lld adds table %llu, which is already live", (long long)at,
                        (unsigned long long)nf->number);
                continue;
            }
            if (odb_edit_add_file(state, nf->level, nf->number, nf->file_size, odb_buf_slice(&nf->smallest),
                                  odb_buf_slice(&nf->largest)) != ODB_OK) {
                c->oom = 1;
            }
        }
        odb_edit_destroy(&e);
    }
    if (usable && odb_log_reader_damage(r) != NULL) {
        finding(c, 0, name, (int64_t)odb_log_reader_damage_offset(r),
                "torn tail of %llu bytes at offset %llu (%s): an edit that was never completed, ignored at open",
                (unsigned long long)odb_log_reader_dropped_bytes(r),
                (unsigned long long)odb_log_reader_damage_offset(r), odb_log_reader_damage(r));
    }
    odb_log_reader_close(r);
    if (usable && (!state->has_log_number || !state->has_next_file || !state->has_last_sequence)) {
        finding(c, 1, name, -1, "the manifest is incomplete (no full database state in it)");
        usable = 0;
    }
    free(path);
    return usable;
}

/* ---- tables ---- */

static void check_table(check *c, const odb_new_file *nf) {
    char *path = odb_table_file_name(c->dir, nf->number);
    if (path == NULL) {
        c->oom = 1;
        return;
    }
    const char *name = base_name(path);
    struct stat st;
    if (stat(path, &st) != 0) {
        if (c->rep->live) {
            c->raced = 1;
        } else {
            finding(c, 1, name, -1, "table %s (level %d) named by the manifest is missing", name, nf->level);
        }
        free(path);
        return;
    }
    if ((uint64_t)st.st_size != nf->file_size) {
        finding(c, 1, name, -1, "table %s is %lld bytes, the manifest records %llu", name, (long long)st.st_size,
                (unsigned long long)nf->file_size);
    }
    odb_table_open_options topt;
    memset(&topt, 0, sizeof topt);
    odb_table *t;
    odb_error err;
    if (odb_table_open(path, &topt, &t, &err) != ODB_OK) {
        if (c->rep->live && !odb_file_exists(path)) {
            c->raced = 1;
        } else {
            finding(c, 1, name, -1, "%s", err.msg);
        }
        free(path);
        return;
    }
    c->rep->tables++;
    c->rep->table_bytes += (uint64_t)st.st_size;
    odb_iter *it = odb_table_iter_new(t);
    if (it == NULL) {
        c->oom = 1;
        odb_table_close(t);
        free(path);
        return;
    }
    odb_buf prev;
    odb_buf_init(&prev);
    uint64_t n = 0;
    int order_reported = 0;
    odb_slice smallest = odb_buf_slice(&nf->smallest), largest = odb_buf_slice(&nf->largest);
    for (odb_iter_seek_first(it); odb_iter_valid(it); odb_iter_next(it)) {
        odb_slice k = odb_iter_key(it);
        if (!odb_ikey_valid(k) && !order_reported) {
            finding(c, 1, name, -1, "%s: entry %llu has a malformed internal key", name, (unsigned long long)n);
            order_reported = 1;
        } else if (n > 0 && odb_ikey_compare(odb_buf_slice(&prev), k) >= 0 && !order_reported) {
            finding(c, 1, name, -1, "%s: entry %llu is out of key order", name, (unsigned long long)n);
            order_reported = 1;
        }
        if (n == 0 && odb_ikey_compare(k, smallest) < 0) {
            finding(c, 1, name, -1, "%s: its first key is below the smallest key the manifest records", name);
        }
        odb_buf_clear(&prev);
        if (odb_buf_append(&prev, k.data, k.size) != ODB_OK) {
            c->oom = 1;
            break;
        }
        n++;
    }
    if (odb_iter_status(it, &err) != ODB_OK) {
        /* The table's messages name the block kind and its offset. */
        const char *at = strstr(err.msg, "at offset ");
        int64_t offset = at ? strtoll(at + 10, NULL, 10) : -1;
        finding(c, 1, name, offset, "%s", err.msg);
    } else if (n > 0 && odb_ikey_compare(odb_buf_slice(&prev), largest) > 0) {
        finding(c, 1, name, -1, "%s: its last key is above the largest key the manifest records", name);
    }
    c->rep->table_entries += n;
    odb_buf_free(&prev);
    odb_iter_destroy(it);
    odb_table_close(t);
    free(path);
}

static int compare_smallest(const void *a, const void *b) {
    const odb_new_file *x = *(odb_new_file *const *)a, *y = *(odb_new_file *const *)b;
    return odb_ikey_compare(odb_buf_slice(&x->smallest), odb_buf_slice(&y->smallest));
}

/* Levels below 0 hold tables whose key ranges do not overlap. */
static void check_levels(check *c, const odb_version_edit *state) {
    odb_new_file **files = malloc((size_t)(state->nadded + 1) * sizeof *files);
    if (files == NULL) {
        c->oom = 1;
        return;
    }
    for (int level = 1; level < ODB_NUM_LEVELS; level++) {
        int n = 0;
        for (int i = 0; i < state->nadded; i++) {
            if (state->added[i].level == level) {
                files[n++] = &state->added[i];
            }
        }
        qsort(files, (size_t)n, sizeof *files, compare_smallest);
        for (int i = 0; i + 1 < n; i++) {
            odb_slice hi = odb_ikey_user(odb_buf_slice(&files[i]->largest));
            odb_slice lo = odb_ikey_user(odb_buf_slice(&files[i + 1]->smallest));
            if (odb_slice_compare(hi, lo) >= 0) {
                finding(c, 1, "", -1, "tables %06llu.sst and %06llu.sst overlap at level %d",
                        (unsigned long long)files[i]->number, (unsigned long long)files[i + 1]->number, level);
            }
        }
    }
    free(files);
}

/* ---- the WAL ---- */

static int count_record(void *ctx, odb_seq seq, int kind, odb_slice key, odb_slice value) {
    (void)seq, (void)kind, (void)key, (void)value;
    (*(uint64_t *)ctx)++;
    return ODB_OK;
}

static void check_log(check *c, uint64_t number, int newest, odb_seq *last_seq, odb_batch *batch) {
    char *path = odb_log_file_name(c->dir, number);
    if (path == NULL) {
        c->oom = 1;
        return;
    }
    const char *name = base_name(path);
    odb_log_reader *r;
    odb_error err;
    if (odb_log_reader_open(path, &r, &err) != ODB_OK) {
        if (!(c->rep->live && !odb_file_exists(path))) { /* else flushed and removed meanwhile */
            finding(c, 1, name, -1, "%s", err.msg);
        }
        free(path);
        return;
    }
    c->rep->wal_files++;
    for (;;) {
        odb_wal_stamp stamp;
        int got = odb_wal_read_batch(r, batch, &stamp, &err);
        c->rep->wal_records += stamp.skipped; /* commit times (csrc/FORMAT.md), no writes */
        if (got < 0 && !stamp.bad_batch) {
            finding(c, 1, name, (int64_t)odb_log_reader_end_offset(r), "%s", err.msg);
            break;
        }
        if (got == 0) {
            break;
        }
        int64_t at = (int64_t)odb_log_reader_record_offset(r);
        uint64_t seen = 0;
        int rc = got < 0 ? -got : odb_batch_iterate(batch, count_record, &seen, &err);
        if (rc == ODB_NO_MEMORY) {
            c->oom = 1;
            break;
        }
        if (rc != ODB_OK) {
            finding(c, 1, name, at, "%s: record at offset %lld: %s", name, (long long)at, err.msg);
            continue;
        }
        c->rep->wal_records++;
        odb_seq first = odb_batch_sequence(batch);
        if (seen > 0) {
            if (first <= *last_seq) {
                finding(c, 1, name, at, "%s: record at offset %lld starts at sequence %llu, not after %llu", name,
                        (long long)at, (unsigned long long)first, (unsigned long long)*last_seq);
            }
            *last_seq = first + seen - 1;
        }
    }
    c->rep->wal_bytes += odb_log_reader_end_offset(r);
    if (odb_log_reader_damage(r) != NULL) {
        unsigned long long offset = (unsigned long long)odb_log_reader_damage_offset(r);
        unsigned long long dropped = (unsigned long long)odb_log_reader_dropped_bytes(r);
        if (newest) {
            finding(c, 0, name, (int64_t)offset,
                    "torn tail of %llu bytes at offset %llu (%s): a write that never completed, so was never "
                    "acknowledged; the next open drops it%s",
                    dropped, offset, odb_log_reader_damage(r),
                    c->rep->live ? " (or the write in progress of the engine holding the directory)" : "");
        } else {
            finding(c, 1, name, (int64_t)offset,
                    "%s at offset %llu, in a log that is not the newest (it was synced before a newer log was "
                    "written)",
                    odb_log_reader_damage(r), offset);
        }
    }
    odb_log_reader_close(r);
    free(path);
}

/* Logs from log_number on, in order; a torn tail is allowed only in the
 * newest non-empty one. Also reports leftover files as notes. */
static void check_logs_and_leftovers(check *c, const odb_version_edit *state, uint64_t manifest_number) {
    DIR *d = opendir(c->dir);
    if (d == NULL) {
        finding(c, 1, "", -1, "cannot list %s: %s", c->dir, strerror(errno));
        return;
    }
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        uint64_t number = 0;
        int type = odb_parse_file_name(ent->d_name, &number);
        if (type == ODB_FILE_LOG && number >= state->log_number) {
            continue;
        }
        if (!c->rep->live && ((type == ODB_FILE_TABLE && find_added(state, -1, number) < 0) ||
                              type == ODB_FILE_LOG || type == ODB_FILE_TEMP ||
                              (type == ODB_FILE_MANIFEST && number != manifest_number))) {
            finding(c, 0, ent->d_name, -1, "%s is a leftover the manifest does not use; the next open removes it",
                    ent->d_name);
        }
    }
    closedir(d);
    uint64_t *logs = NULL;
    int n = 0;
    odb_error lerr;
    if (odb_list_logs(c->dir, state->log_number, &logs, &n, NULL, &lerr) != ODB_OK) {
        if (lerr.code == ODB_NO_MEMORY) {
            c->oom = 1;
        } else {
            finding(c, 1, "", -1, "%s", lerr.msg);
        }
        return;
    }
    /* The newest log that holds a byte: the only one a torn tail may end. */
    int newest = n - 1;
    while (newest > 0) {
        char *p = odb_log_file_name(c->dir, logs[newest]);
        struct stat st;
        int empty = p != NULL && stat(p, &st) == 0 && st.st_size == 0;
        free(p);
        if (!empty) {
            break;
        }
        newest--;
    }
    odb_batch batch;
    if (odb_batch_init(&batch) != ODB_OK) {
        c->oom = 1;
        free(logs);
        return;
    }
    odb_seq last_seq = 0;
    for (int i = 0; i < n && !c->oom; i++) {
        check_log(c, logs[i], i >= newest, &last_seq, &batch);
    }
    odb_batch_destroy(&batch);
    free(logs);
}

static void check_once(check *c) {
    odb_error err;
    if (odb_format_check(c->dir, &err) != ODB_OK) {
        /* a format this engine does not read: its files cannot be judged by this format's rules */
        finding(c, 1, ODB_FORMAT_FILE, -1, "%s", err.msg);
        return;
    }
    odb_version_edit state;
    odb_edit_init(&state);
    uint64_t manifest_number = 0;
    if (read_manifest(c, &state, &manifest_number)) {
        for (int i = 0; i < state.nadded && !c->oom && !c->raced; i++) {
            check_table(c, &state.added[i]);
        }
        if (!c->raced) {
            check_levels(c, &state);
            check_logs_and_leftovers(c, &state, manifest_number);
        }
    }
    odb_edit_destroy(&state);
}

static void report_reset(odb_verify_report *r) {
    int live = r->live;
    odb_finding *findings = r->findings;
    int cap = r->cap;
    memset(r, 0, sizeof *r);
    r->findings = findings;
    r->cap = cap;
    r->live = live;
}

int odb_verify_dir(const char *path, odb_verify_report *report, odb_error *err) {
    memset(report, 0, sizeof *report);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "no database directory at %s", path);
    }
    report->live = held_by_engine(path);
    check c = {path, report, 0, 0};
    for (int attempt = 0; attempt < LIVE_ATTEMPTS; attempt++) {
        c.raced = 0;
        report_reset(report);
        check_once(&c);
        if (!c.raced || c.oom) {
            break;
        }
    }
    if (c.oom) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory checking %s", path);
    }
    if (c.raced) {
        finding(&c, 0, "", -1, "the engine holding the directory kept replacing files; some tables were not checked");
    }
    return ODB_OK;
}

void odb_verify_report_free(odb_verify_report *report) {
    free(report->findings);
    memset(report, 0, sizeof *report);
}
