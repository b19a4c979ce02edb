/* checkpoint.c - copies of a database directory that open at one commit (checkpoint.h). */
#define _GNU_SOURCE
#include "checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "db_impl.h"
#include "env.h"
#include "log.h"
#include "version.h"
#include "walread.h"

#define MAX_ATTEMPTS 200
#define COPY_CHUNK (1 << 20)
/* Internal result of a pass over a source directory: a file it needed was gone, start over. */
#define VANISHED (-1)

/* ---- the target directory ---- */

static int target_prepare(const char *dst, odb_error *err) {
    struct stat st;
    if (stat(dst, &st) != 0) {
        if (errno != ENOENT) {
            return odb_error_errno(err, errno, "cannot inspect checkpoint target %s", dst);
        }
        return odb_mkdirs(dst, err);
    }
    if (!S_ISDIR(st.st_mode)) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "checkpoint target %s exists and is not a directory", dst);
    }
    DIR *d = opendir(dst);
    if (d == NULL) {
        return odb_error_errno(err, errno, "cannot list checkpoint target %s", dst);
    }
    int empty = 1;
    struct dirent *ent;
    while (empty && (ent = readdir(d)) != NULL) {
        empty = strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0;
    }
    closedir(d);
    if (!empty) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "checkpoint target %s is not empty", dst);
    }
    return ODB_OK;
}

/* Removes the files of an unfinished copy (the target was empty when the copy began). */
static void target_clear(const char *dst) {
    DIR *d = opendir(dst);
    if (d == NULL) {
        return;
    }
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0) {
            char *p = odb_path_join(dst, ent->d_name);
            if (p != NULL) {
                odb_remove_file(p, NULL);
                free(p);
            }
        }
    }
    closedir(d);
}

/* ---- copying files ---- */

/* Opens a source file; VANISHED when it no longer exists. */
static int open_source(const char *path, int *fd, odb_error *err) {
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd >= 0) {
        return ODB_OK;
    }
    if (errno == ENOENT) {
        odb_error_set(err, ODB_IO_ERROR, "%s vanished while it was being copied", path);
        return VANISHED;
    }
    return odb_error_errno(err, errno, "cannot open %s", path);
}

static int write_all(int fd, const char *path, const char *data, size_t n, odb_error *err) {
    while (n > 0) {
        ssize_t k = write(fd, data, n);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            return odb_error_errno(err, errno, "write to %s failed", path);
        }
        data += k;
        n -= (size_t)k;
    }
    return ODB_OK;
}

/* Copies the first limit bytes of in (fewer if it ends first) to the new file out_path and
 * makes the copy durable; *copied is the number of bytes. */
static int copy_fd(int in, const char *in_path, const char *out_path, uint64_t limit, uint64_t *copied,
                   odb_error *err) {
    int out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, ODB_FILE_MODE);
    if (out < 0) {
        return odb_error_errno(err, errno, "cannot create %s", out_path);
    }
    char *buf = malloc(COPY_CHUNK);
    int rc = buf == NULL ? odb_error_set(err, ODB_NO_MEMORY, "out of memory copying %s", in_path) : ODB_OK;
    uint64_t done = 0;
    while (rc == ODB_OK && done < limit) {
        size_t want = limit - done < COPY_CHUNK ? (size_t)(limit - done) : COPY_CHUNK;
        ssize_t k = pread(in, buf, want, (off_t)done);
        if (k < 0) {
            if (errno != EINTR) {
                rc = odb_error_errno(err, errno, "read of %s at offset %llu failed", in_path,
                                     (unsigned long long)done);
            }
            continue;
        }
        if (k == 0) {
            break;
        }
        rc = write_all(out, out_path, buf, (size_t)k, err);
        done += (uint64_t)k;
    }
    free(buf);
    if (rc == ODB_OK && fsync(out) != 0) {
        rc = odb_error_errno(err, errno, "fsync of %s failed", out_path);
    }
    if (close(out) != 0 && rc == ODB_OK) {
        rc = odb_error_errno(err, errno, "close of %s failed", out_path);
    }
    *copied = done;
    return rc;
}

/* A hard link of the table file src at dst, or a copy where the file system cannot link it. */
static int link_or_copy(const char *src, const char *dst, int *copied, odb_error *err) {
    *copied = 0;
    if (link(src, dst) == 0) {
        return ODB_OK;
    }
    int e = errno;
    if (e == ENOENT) {
        odb_error_set(err, ODB_IO_ERROR, "%s vanished before it could be linked", src);
        return VANISHED;
    }
    if (e != EXDEV && e != EPERM && e != EMLINK && e != EOPNOTSUPP && e != EACCES) {
        return odb_error_errno(err, e, "cannot link %s to %s", src, dst);
    }
    int fd;
    int rc = open_source(src, &fd, err);
    if (rc != ODB_OK) {
        return rc;
    }
    uint64_t n;
    rc = copy_fd(fd, src, dst, UINT64_MAX, &n, err);
    close(fd);
    *copied = 1;
    return rc;
}

/* ---- the manifest ---- */

/* Applies one decoded edit to state, the accumulated live set (as recovery replays them). */
static int accumulate(odb_version_edit *state, const odb_version_edit *e) {
    /* range deletions (range_del.h): their fields in order, replayed in order when the copy opens */
    if (odb_buf_append(&state->range_dels, e->range_dels.data, e->range_dels.len) != ODB_OK) {
        return ODB_NO_MEMORY;
    }
    if (e->has_log_number) {
        state->has_log_number = 1;
        state->log_number = e->log_number;
    }
    if (e->has_next_file) {
        state->has_next_file = 1;
        state->next_file_number = e->next_file_number;
    }
    if (e->has_last_sequence) {
        state->has_last_sequence = 1;
        state->last_sequence = e->last_sequence;
    }
    for (int i = 0; i < e->ndeleted; i++) {
        for (int j = 0; j < state->nadded; j++) {
            if (state->added[j].number == e->deleted[i].number && state->added[j].level == e->deleted[i].level) {
                odb_buf_free(&state->added[j].smallest);
                odb_buf_free(&state->added[j].largest);
                state->added[j] = state->added[--state->nadded];
                break;
            }
        }
    }
    for (int i = 0; i < e->nadded; i++) {
        const odb_new_file *nf = &e->added[i];
        if (odb_edit_add_file(state, nf->level, nf->number, nf->file_size, odb_buf_slice(&nf->smallest),
                              odb_buf_slice(&nf->largest)) != ODB_OK) {
            return ODB_NO_MEMORY;
        }
    }
    return ODB_OK;
}

/* Whether edit e adds data that is in no WAL: a level-0 table while the log number stays
 * (an ingestion; a flush's level-0 table comes with a new log number). */
static int is_ingestion(const odb_version_edit *state, const odb_version_edit *e) {
    if (e->has_log_number && e->log_number > state->log_number) {
        return 0;
    }
    for (int i = 0; i < e->nadded; i++) {
        if (e->added[i].level == 0) {
            return 1;
        }
    }
    return 0;
}

/* Replays the manifest at path (as far as it is written: a record being appended is a torn
 * tail and ends it) into state. *records is the number of edits read; *ingested is set when an
 * edit after the first `skip` is an ingestion. VANISHED when the file is gone. */
static int read_manifest(const char *path, odb_version_edit *state, int skip, int *records, int *ingested,
                         odb_error *err) {
    odb_log_reader *r;
    int rc = odb_log_reader_open(path, &r, err);
    if (rc != ODB_OK) {
        return odb_file_exists(path) ? rc : VANISHED;
    }
    *records = 0;
    for (;;) {
        odb_slice record;
        int got = odb_log_read_record(r, &record, err);
        if (got <= 0) {
            rc = -got;
            break;
        }
        odb_version_edit e;
        odb_edit_init(&e);
        rc = odb_edit_decode(&e, record, err);
        if (rc == ODB_OK && *records >= skip && ingested != NULL && is_ingestion(state, &e)) {
            *ingested = 1;
        }
        if (rc == ODB_OK && accumulate(state, &e) != ODB_OK) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        }
        odb_edit_destroy(&e);
        if (rc != ODB_OK) {
            break;
        }
        (*records)++;
    }
    odb_log_reader_close(r);
    if (rc == ODB_OK && (!state->has_log_number || !state->has_next_file || !state->has_last_sequence)) {
        rc = odb_error_set(err, ODB_CORRUPTION, "%s is incomplete (no full database state in it)", path);
    }
    return rc;
}

/* The manifest named by dir/CURRENT; its number in *number. */
static int read_current(const char *dir, uint64_t *number, odb_error *err) {
    char *path = odb_path_join(dir, "CURRENT");
    if (path == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    if (!odb_file_exists(path)) {
        free(path);
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "%s holds no database (it has no CURRENT file)", dir);
    }
    odb_buf buf;
    odb_buf_init(&buf);
    int rc = odb_read_file(path, &buf, err);
    if (rc == ODB_OK) {
        char name[64];
        size_t n = buf.len < sizeof name - 1 ? buf.len : sizeof name - 1;
        memcpy(name, buf.data, n);
        name[n] = '\0';
        unsigned long long v;
        char nl;
        if (sscanf(name, "MANIFEST-%llu%c", &v, &nl) != 2 || nl != '\n') {
            rc = odb_error_set(err, ODB_CORRUPTION, "%s does not name a manifest", path);
        } else {
            *number = v;
        }
    }
    odb_buf_free(&buf);
    free(path);
    return rc;
}

/* Writes state as the only edit of a new manifest `number` in dir and points CURRENT at it. */
static int write_manifest(const char *dir, odb_version_edit *state, uint64_t number, odb_error *err) {
    state->has_log_number = state->has_next_file = state->has_last_sequence = 1;
    state->next_file_number = number + 1;
    char *path = odb_manifest_file_name(dir, number);
    odb_buf record;
    odb_buf_init(&record);
    if (path == NULL || odb_edit_encode(state, &record) != ODB_OK) {
        free(path);
        odb_buf_free(&record);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    odb_log_writer *w;
    int rc = odb_log_writer_open(path, &w, err);
    if (rc == ODB_OK) {
        rc = odb_log_add_record(w, odb_buf_slice(&record), err);
        if (rc == ODB_OK) {
            rc = odb_log_sync(w, err);
        }
        int crc = odb_log_writer_close(w, rc == ODB_OK ? err : NULL);
        if (rc == ODB_OK) {
            rc = crc;
        }
    }
    odb_buf_free(&record);
    free(path);
    if (rc == ODB_OK) {
        char current[64];
        int n = snprintf(current, sizeof current, "MANIFEST-%06llu\n", (unsigned long long)number);
        rc = odb_write_file_atomic(dir, "CURRENT", current, (size_t)n, err);
    }
    return rc;
}

/* ---- the WAL copies ---- */

static uint64_t file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Reads the WAL copies numbers[0..n) (ascending) in dir: the last sequence they hold goes to
 * *last. A record cut short at the end of the newest non-empty copy (being written when it was
 * copied, never acknowledged) is cut off the copy, as recovery would drop it; damage anywhere
 * else is corruption. */
static int scan_logs(const char *dir, const uint64_t *numbers, int n, odb_seq *last, uint64_t *bytes,
                     odb_error *err) {
    odb_batch batch;
    if (odb_batch_init(&batch) != ODB_OK) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    int rc = ODB_OK;
    for (int i = 0; i < n && rc == ODB_OK; i++) {
        char *path = odb_log_file_name(dir, numbers[i]);
        odb_log_reader *r = NULL;
        rc = path ? odb_log_reader_open(path, &r, err) : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        while (rc == ODB_OK) {
            int got = odb_wal_read_batch(r, &batch, NULL, err);
            if (got <= 0) {
                rc = -got;
                break;
            }
            if (odb_batch_count(&batch) > 0 && odb_wal_batch_last(&batch) > *last) {
                *last = odb_wal_batch_last(&batch);
            }
        }
        if (rc == ODB_OK && odb_log_reader_damage(r) != NULL) {
            int newest = 1;
            for (int j = i + 1; j < n && newest; j++) {
                char *later = odb_log_file_name(dir, numbers[j]);
                newest = later != NULL && file_size(later) == 0;
                free(later);
            }
            if (!newest) {
                rc = odb_error_set(err, ODB_CORRUPTION, "%s: %s at offset %llu, in a log that is not the newest", path,
                                   odb_log_reader_damage(r), (unsigned long long)odb_log_reader_damage_offset(r));
            } else {
                rc = odb_truncate_file(path, odb_log_reader_end_offset(r), err);
            }
        }
        if (r != NULL) {
            odb_log_reader_close(r);
        }
        if (rc == ODB_OK) {
            *bytes += file_size(path);
        }
        free(path);
    }
    odb_batch_destroy(&batch);
    return rc;
}

/* ---- a copy of a directory another process may have open ---- */

/* Copies history retention's time index (HISTORY) when src has one. It is taken after the
 * tables: every floor a compaction that made them used was appended to it before the
 * compaction, so the copy refuses no read its tables can serve. A torn last entry (appended
 * while copied) is dropped at open. */
static int copy_history(const char *src, const char *dst, odb_error *err) {
    char *from = odb_path_join(src, "HISTORY");
    char *to = odb_path_join(dst, "HISTORY");
    int rc = from && to ? ODB_OK : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    int fd = -1;
    if (rc == ODB_OK) {
        fd = open(from, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && errno != ENOENT) {
            rc = odb_error_errno(err, errno, "cannot open %s", from);
        }
    }
    if (rc == ODB_OK && fd >= 0) {
        uint64_t n;
        rc = copy_fd(fd, from, to, UINT64_MAX, &n, err);
    }
    if (fd >= 0) {
        close(fd);
    }
    free(from);
    free(to);
    return rc;
}

/* Links the live tables of state from src into dst. */
static int link_tables(const char *src, const char *dst, const odb_version_edit *state, odb_checkpoint_info *info,
                       uint64_t *max_number, odb_error *err) {
    int rc = ODB_OK;
    for (int i = 0; i < state->nadded && rc == ODB_OK; i++) {
        char *from = odb_table_file_name(src, state->added[i].number);
        char *to = odb_table_file_name(dst, state->added[i].number);
        int copied = 0;
        rc = from && to ? link_or_copy(from, to, &copied, err) : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        free(from);
        free(to);
        if (rc == ODB_OK) {
            info->tables++;
            info->tables_copied += (uint64_t)copied;
            info->table_bytes += state->added[i].file_size;
            if (state->added[i].number > *max_number) {
                *max_number = state->added[i].number;
            }
        }
    }
    return rc;
}

/* One pass; VANISHED when the source moved under it (checkpoint.h says when). */
static int dir_pass(const char *src, const char *dst, odb_checkpoint_info *info, odb_error *err) {
    uint64_t *logs = NULL, *copied = NULL;
    int nlogs = 0, ncopied = 0, records = 0, records_again = 0, ingested = 0;
    uint64_t manifest = 0, manifest_again = 0, max_number = 0;
    char *manifest_path = NULL;
    odb_version_edit state, again;
    odb_edit_init(&state);
    odb_edit_init(&again);
    info->tables = info->tables_copied = info->table_bytes = info->logs = info->log_bytes = 0;
    info->last_sequence = 0;

    /* The logs are listed before the manifest is read: a log deleted in between is older than
     * the manifest's log number (flushed), one made in between holds writes after the copy. */
    int rc = odb_list_logs(src, 0, &logs, &nlogs, NULL, err);
    if (rc == ODB_OK) {
        rc = read_current(src, &manifest, err);
    }
    if (rc == ODB_OK) {
        manifest_path = odb_manifest_file_name(src, manifest);
        rc = manifest_path ? read_manifest(manifest_path, &state, 0, &records, NULL, err)
                           : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    if (rc == ODB_OK) {
        rc = link_tables(src, dst, &state, info, &max_number, err);
    }
    if (rc == ODB_OK) {
        rc = copy_history(src, dst, err);
    }
    if (rc == ODB_OK && nlogs > 0) {
        copied = malloc((size_t)nlogs * sizeof *copied);
        rc = copied ? ODB_OK : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    for (int i = 0; i < nlogs && rc == ODB_OK; i++) {
        if (logs[i] < state.log_number) {
            continue; /* flushed into the tables: a leftover the next open removes */
        }
        char *from = odb_log_file_name(src, logs[i]);
        char *to = odb_log_file_name(dst, logs[i]);
        int fd = -1;
        rc = from && to ? open_source(from, &fd, err) : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        if (rc == ODB_OK) {
            uint64_t n;
            rc = copy_fd(fd, from, to, UINT64_MAX, &n, err);
            close(fd);
            copied[ncopied++] = logs[i];
            max_number = logs[i] > max_number ? logs[i] : max_number;
        }
        free(from);
        free(to);
    }
    /* Still the same manifest, and nothing ingested since it was read? */
    if (rc == ODB_OK) {
        rc = read_current(src, &manifest_again, err);
    }
    if (rc == ODB_OK && manifest_again != manifest) {
        rc = VANISHED;
    }
    if (rc == ODB_OK) {
        rc = read_manifest(manifest_path, &again, records, &records_again, &ingested, err);
        if (rc == ODB_OK && ingested) {
            rc = VANISHED;
        }
    }
    if (rc == ODB_OK) {
        info->logs = (uint64_t)ncopied;
        info->last_sequence = state.last_sequence;
        rc = scan_logs(dst, copied, ncopied, &info->last_sequence, &info->log_bytes, err);
    }
    if (rc == ODB_OK) {
        uint64_t number = state.next_file_number > max_number ? state.next_file_number : max_number + 1;
        state.last_sequence = info->last_sequence;
        rc = write_manifest(dst, &state, number, err);
    }
    if (rc == ODB_OK) {
        rc = odb_sync_dir(dst, err);
    }
    odb_edit_destroy(&state);
    odb_edit_destroy(&again);
    free(manifest_path);
    free(logs);
    free(copied);
    return rc;
}

int odb_checkpoint_dir(const char *src, const char *dst, odb_checkpoint_info *info, odb_error *err) {
    memset(info, 0, sizeof *info);
    int rc = target_prepare(dst, err);
    for (int attempt = 1; rc == ODB_OK; attempt++) {
        info->attempts = attempt;
        rc = dir_pass(src, dst, info, err);
        if (rc != VANISHED) {
            break;
        }
        target_clear(dst);
        if (attempt == MAX_ATTEMPTS) {
            char last[ODB_ERROR_MSG_SIZE];
            memcpy(last, err->msg, sizeof last);
            rc = odb_error_set(err, ODB_BUSY, "%s changed under each of %d attempts to copy it (last: %s)", src,
                               MAX_ATTEMPTS, last);
            break;
        }
        /* let the flush or compaction that got in the way finish */
        struct timespec pause = {0, (long)(attempt < 50 ? attempt : 50) * 1000000L};
        nanosleep(&pause, NULL);
        rc = ODB_OK;
    }
    if (rc != ODB_OK) {
        target_clear(dst);
    }
    return rc;
}

/* ---- a copy of a database this process has open ---- */

/* Waits at the write queue until w is its head. mu held. */
static void wait_for_head(odb_db *db, writer *w) {
    w->next = NULL;
    if (db->queue_tail != NULL) {
        db->queue_tail->next = w;
    } else {
        db->queue_head = w;
    }
    db->queue_tail = w;
    while (db->queue_head != w) {
        pthread_cond_wait(&w->cv, &db->mu);
    }
}

/* Leaves the head of the write queue to the next writer. mu held. */
static void leave_head(odb_db *db, writer *w) {
    db->queue_head = w->next;
    if (db->queue_head == NULL) {
        db->queue_tail = NULL;
    } else {
        pthread_cond_signal(&db->queue_head->cv);
    }
}

typedef struct captured_log {
    uint64_t number;
    uint64_t size; /* where it ended at the checkpoint */
    int fd;        /* open, so that a flush deleting it meanwhile does not matter */
} captured_log;

/* Notes, at the head of the write queue (no group is writing its WAL record), the live tables
 * (v pinned), the state for the manifest and the end of every WAL. mu held. */
static int capture(odb_db *db, odb_version_edit *state, odb_version **v, captured_log *logs, int *nlogs,
                   odb_error *err) {
    odb_version_set *vs = &db->versions;
    *v = vs->current;
    odb_version_ref(*v);
    state->has_log_number = state->has_next_file = state->has_last_sequence = 1;
    state->log_number = vs->log_number;
    state->next_file_number = vs->next_file_number;
    state->last_sequence = vs->last_sequence;
    for (int level = 0; level < ODB_NUM_LEVELS; level++) {
        for (int i = 0; i < (*v)->nfiles[level]; i++) {
            odb_file_meta *f = (*v)->files[level][i];
            if (odb_edit_add_file(state, level, f->number, f->file_size, odb_buf_slice(&f->smallest),
                                  odb_buf_slice(&f->largest)) != ODB_OK) {
                return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
            }
        }
    }
    /* the persisted range deletions (range_del.h); the others are in the WAL copied below */
    if (odb_rdset_encode_persisted(vs->range_dels, &state->range_dels) != ODB_OK) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    *nlogs = 0;
    if (!db->opt.enable_wal) {
        return ODB_OK;
    }
    for (int i = 0; i <= db->nimm; i++) {
        uint64_t number = i < db->nimm ? db->imm[i].log_number : db->mem_log_number;
        char *path = odb_log_file_name(db->path, number);
        if (path == NULL) {
            return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        }
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) {
            int rc = odb_error_errno(err, errno, "cannot open %s", path);
            if (fd >= 0) {
                close(fd);
            }
            free(path);
            return rc;
        }
        free(path);
        logs[*nlogs].number = number;
        logs[*nlogs].size = (uint64_t)st.st_size;
        logs[*nlogs].fd = fd;
        (*nlogs)++;
    }
    return ODB_OK;
}

int odb_checkpoint(odb_db *db, const char *dst, odb_checkpoint_info *info, odb_error *err) {
    memset(info, 0, sizeof *info);
    info->attempts = 1;
    int rc = target_prepare(dst, err);
    if (rc == ODB_OK && !db->opt.enable_wal) {
        rc = odb_flush(db, err); /* without a WAL, acknowledged writes may be in memtables only */
    }
    if (rc != ODB_OK) {
        return rc;
    }
    odb_version_edit state;
    odb_edit_init(&state);
    odb_version *v = NULL;
    captured_log logs[MAX_IMMUTABLES + 1];
    int nlogs = 0;
    writer w;
    memset(&w, 0, sizeof w);
    pthread_cond_init(&w.cv, NULL);
    pthread_mutex_lock(&db->mu);
    wait_for_head(db, &w);
    rc = db->bg_error_code != ODB_OK ? odb_db_report_bg_error(db, err) : capture(db, &state, &v, logs, &nlogs, err);
    leave_head(db, &w);
    pthread_mutex_unlock(&db->mu);
    pthread_cond_destroy(&w.cv);

    uint64_t max_number = 0;
    if (rc == ODB_OK) {
        rc = link_tables(db->path, dst, &state, info, &max_number, err);
        if (rc == VANISHED) { /* a table of a pinned version cannot go away */
            rc = ODB_IO_ERROR;
        }
    }
    if (rc == ODB_OK) {
        rc = copy_history(db->path, dst, err);
    }
    uint64_t numbers[MAX_IMMUTABLES + 1];
    for (int i = 0; i < nlogs && rc == ODB_OK; i++) {
        char *from = odb_log_file_name(db->path, logs[i].number);
        char *to = odb_log_file_name(dst, logs[i].number);
        uint64_t n = 0;
        rc = from && to ? copy_fd(logs[i].fd, from, to, logs[i].size, &n, err)
                        : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        free(from);
        free(to);
        numbers[i] = logs[i].number;
        max_number = logs[i].number > max_number ? logs[i].number : max_number;
    }
    for (int i = 0; i < nlogs; i++) {
        close(logs[i].fd);
    }
    if (v != NULL) {
        odb_version_unref(v);
    }
    if (rc == ODB_OK) {
        info->logs = (uint64_t)nlogs;
        info->last_sequence = state.last_sequence;
        rc = scan_logs(dst, numbers, nlogs, &info->last_sequence, &info->log_bytes, err);
    }
    if (rc == ODB_OK) {
        uint64_t number = state.next_file_number > max_number ? state.next_file_number : max_number + 1;
        state.last_sequence = info->last_sequence;
        rc = write_manifest(dst, &state, number, err);
    }
    if (rc == ODB_OK) {
        rc = odb_sync_dir(dst, err);
    }
    odb_edit_destroy(&state);
    if (rc != ODB_OK) {
        target_clear(dst);
    }
    return rc;
}
