/* walarchive.c - retired WAL files kept for point-in-time recovery (walarchive.h). */
#define _GNU_SOURCE
#include "walarchive.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db_impl.h"
#include "env.h"

#define COPY_CHUNK (1 << 20)

int odb_wal_archive_open(odb_db *db, odb_error *err) {
    const char *dir = db->opt.wal_archive_dir;
    if (dir == NULL || dir[0] == '\0') {
        return ODB_OK;
    }
    if (!db->opt.enable_wal) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT,
                             "wal_archive_dir is set but enable_wal is false: there is no WAL to archive");
    }
    int rc = odb_mkdirs(dir, err);
    if (rc != ODB_OK) {
        return rc;
    }
    struct stat st;
    if (stat(dir, &st) != 0) {
        return odb_error_errno(err, errno, "wal_archive_dir %s cannot be inspected", dir);
    }
    if (!S_ISDIR(st.st_mode)) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "wal_archive_dir %s is not a directory", dir);
    }
    if (access(dir, W_OK | X_OK) != 0) {
        return odb_error_errno(err, errno, "wal_archive_dir %s is not writable", dir);
    }
    db->archive.dir = strdup(dir);
    if (db->archive.dir == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    return ODB_OK;
}

void odb_wal_archive_close(odb_db *db) {
    free(db->archive.dir);
    db->archive.dir = NULL;
}

static int sync_file(const char *path, odb_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return odb_error_errno(err, errno, "cannot open %s", path);
    }
    int rc = fsync(fd) == 0 ? ODB_OK : odb_error_errno(err, errno, "fsync of %s failed", path);
    close(fd);
    return rc;
}

/* Whether the files at a and b hold the same bytes. */
static int same_contents(const char *a, const char *b, int *same, odb_error *err) {
    odb_buf x, y;
    odb_buf_init(&x);
    odb_buf_init(&y);
    int rc = odb_read_file(a, &x, err);
    if (rc == ODB_OK) {
        rc = odb_read_file(b, &y, err);
    }
    *same = rc == ODB_OK && x.len == y.len && (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
    odb_buf_free(&x);
    odb_buf_free(&y);
    return rc;
}

/* Copies src to dst through dst.tmp: written, synced, renamed into place. */
static int copy_into_place(const char *src, const char *dst, odb_error *err) {
    size_t n = strlen(dst);
    char *tmp = malloc(n + 5);
    char *buf = malloc(COPY_CHUNK);
    if (tmp == NULL || buf == NULL) {
        free(tmp);
        free(buf);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    memcpy(tmp, dst, n);
    memcpy(tmp + n, ".tmp", 5);
    int in = open(src, O_RDONLY | O_CLOEXEC);
    int out = in < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, ODB_FILE_MODE);
    int rc = in < 0 ? odb_error_errno(err, errno, "cannot open %s", src)
             : out < 0 ? odb_error_errno(err, errno, "cannot create %s", tmp)
                       : ODB_OK;
    while (rc == ODB_OK) {
        ssize_t k = read(in, buf, COPY_CHUNK);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0) {
            rc = odb_error_errno(err, errno, "read of %s failed", src);
            break;
        }
        if (k == 0) {
            break;
        }
        for (ssize_t done = 0; done < k && rc == ODB_OK;) {
            ssize_t w = write(out, buf + done, (size_t)(k - done));
            if (w < 0 && errno != EINTR) {
                rc = odb_error_errno(err, errno, "write to %s failed", tmp);
            }
            done += w > 0 ? w : 0;
        }
    }
    if (rc == ODB_OK && fsync(out) != 0) {
        rc = odb_error_errno(err, errno, "fsync of %s failed", tmp);
    }
    if (out >= 0 && close(out) != 0 && rc == ODB_OK) {
        rc = odb_error_errno(err, errno, "close of %s failed", tmp);
    }
    if (in >= 0) {
        close(in);
    }
    if (rc == ODB_OK && rename(tmp, dst) != 0) {
        rc = odb_error_errno(err, errno, "cannot rename %s to %s", tmp, dst);
    }
    if (rc != ODB_OK) {
        unlink(tmp);
    }
    free(tmp);
    free(buf);
    return rc;
}

/* Puts the log src into the archive as dst, durably. A dst already there from an
 * earlier attempt (the same file, or the same bytes) counts as archived. */
static int archive_file(const char *archive, const char *src, const char *dst, odb_error *err) {
    int rc = sync_file(src, err); /* its bytes durable before a second name makes it count */
    if (rc != ODB_OK) {
        return rc;
    }
    if (link(src, dst) != 0) {
        int e = errno;
        if (e == EEXIST) {
            struct stat a, b;
            int same = stat(src, &a) == 0 && stat(dst, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
            if (!same) {
                rc = same_contents(src, dst, &same, err);
                if (rc != ODB_OK) {
                    return rc;
                }
            }
            if (!same) {
                return odb_error_set(err, ODB_IO_ERROR,
                                     "%s already holds a different %s: is another database archiving its WAL into "
                                     "the same directory?",
                                     archive, strrchr(dst, '/') ? strrchr(dst, '/') + 1 : dst);
            }
        } else if (e == EXDEV || e == EPERM || e == EMLINK || e == EOPNOTSUPP || e == EACCES) {
            rc = copy_into_place(src, dst, err);
        } else {
            return odb_error_errno(err, e, "cannot link %s into %s", src, archive);
        }
    }
    return rc == ODB_OK ? odb_sync_dir(archive, err) : rc;
}

void odb_wal_retire(odb_db *db, uint64_t number) {
    char *path = odb_log_file_name(db->path, number);
    if (path == NULL) {
        return; /* out of memory: left in place; the next open retires it */
    }
    if (db->archive.dir != NULL) {
        char *dst = odb_log_file_name(db->archive.dir, number);
        odb_error err;
        int rc = dst != NULL ? archive_file(db->archive.dir, path, dst, &err)
                             : odb_error_set(&err, ODB_NO_MEMORY, "out of memory");
        free(dst);
        if (rc != ODB_OK) {
            db->archive.failures++;
            memcpy(db->archive.last_error, err.msg, sizeof db->archive.last_error);
            free(path);
            return;
        }
        db->archive.archived++;
    }
    odb_remove_file(path, NULL);
    free(path);
}

uint64_t odb_wal_archive_stamp(odb_db *db) {
    if (db->archive.dir == NULL) {
        return 0;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    if (now < db->archive.last_micros) {
        now = db->archive.last_micros; /* commit times never go backwards */
    }
    db->archive.last_micros = now;
    return now;
}

char *odb_wal_archive_property(odb_db *db, const char *name) {
    if (strcmp(name, "orbitdb.wal-archive") != 0) {
        return NULL;
    }
    char buf[ODB_ERROR_MSG_SIZE + 512];
    pthread_mutex_lock(&db->mu);
    if (db->archive.dir == NULL) {
        snprintf(buf, sizeof buf, "wal archive: off\n");
    } else {
        snprintf(buf, sizeof buf, "wal archive: %s\narchived by this open: %" PRIu64 " files\nfailures: %" PRIu64
                 "\nlast failure: %s\n", db->archive.dir, db->archive.archived, db->archive.failures,
                 db->archive.failures ? db->archive.last_error : "none");
    }
    pthread_mutex_unlock(&db->mu);
    return strdup(buf);
}
