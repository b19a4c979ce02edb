#define _GNU_SOURCE
#include "env.h"
#include "faults.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define WRITER_BUFFER_SIZE (64 * 1024)

struct odb_writer {
    int fd;
    char *path;
    uint64_t size; /* bytes appended, buffered or not */
    size_t buffered;
    char buffer[WRITER_BUFFER_SIZE];
};

static char *dup_string(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) {
        memcpy(p, s, n);
    }
    return p;
}

int odb_writer_open(const char *path, odb_writer **out, odb_error *err) {
    odb_writer *w = malloc(sizeof *w);
    char *p = dup_string(path);
    if (w == NULL || p == NULL) {
        free(w);
        free(p);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory opening %s", path);
    }
    int injected = odb_fault_hit(path, ODB_FAULT_CREATE); /* faults.h: tests only */
    int fd = injected ? -1 : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, ODB_FILE_MODE);
    if (fd < 0) {
        int e = injected ? injected : errno;
        free(w);
        free(p);
        return odb_error_errno(err, e, "cannot create %s", path);
    }
    odb_fault_note_create(path);
    w->fd = fd;
    w->path = p;
    w->size = 0;
    w->buffered = 0;
    *out = w;
    return ODB_OK;
}

static int write_all(int fd, const char *path, const char *data, size_t n, odb_error *err) {
    int injected = odb_fault_hit(path, ODB_FAULT_WRITE);
    if (injected) { /* faults.h: a torn write, as a disk filling up mid-write leaves one */
        ssize_t half = write(fd, data, n / 2);
        (void)half;
        return odb_error_errno(err, injected, "write to %s failed", path);
    }
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

int odb_writer_flush(odb_writer *w, odb_error *err) {
    if (w->buffered == 0) {
        return ODB_OK;
    }
    int rc = write_all(w->fd, w->path, w->buffer, w->buffered, err);
    w->buffered = 0;
    return rc;
}

int odb_writer_append(odb_writer *w, const void *data, size_t n, odb_error *err) {
    const char *p = data;
    w->size += n;
    if (w->buffered + n <= WRITER_BUFFER_SIZE) {
        memcpy(w->buffer + w->buffered, p, n);
        w->buffered += n;
        return ODB_OK;
    }
    int rc = odb_writer_flush(w, err);
    if (rc != ODB_OK) {
        return rc;
    }
    if (n <= WRITER_BUFFER_SIZE / 2) {
        memcpy(w->buffer, p, n);
        w->buffered = n;
        return ODB_OK;
    }
    return write_all(w->fd, w->path, p, n, err);
}

int odb_writer_sync(odb_writer *w, odb_error *err) {
    int rc = odb_writer_flush(w, err);
    if (rc != ODB_OK) {
        return rc;
    }
    int injected = odb_fault_hit(w->path, ODB_FAULT_SYNC);
    if (injected || fdatasync(w->fd) != 0) {
        return odb_error_errno(err, injected ? injected : errno, "fdatasync of %s failed", w->path);
    }
    odb_fault_note_sync(w->path, w->size);
    return ODB_OK;
}

int odb_writer_close(odb_writer *w, odb_error *err) {
    int rc = odb_writer_flush(w, err);
    if (close(w->fd) != 0 && rc == ODB_OK) {
        rc = odb_error_errno(err, errno, "close of %s failed", w->path);
    }
    free(w->path);
    free(w);
    return rc;
}

uint64_t odb_writer_size(const odb_writer *w) { return w->size; }
const char *odb_writer_path(const odb_writer *w) { return w->path; }

struct odb_reader {
    int fd;
    uint64_t size;
    char *path;
};

int odb_reader_open(const char *path, odb_reader **out, odb_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return odb_error_errno(err, errno, "cannot open %s", path);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return odb_error_errno(err, e, "cannot stat %s", path);
    }
    odb_reader *r = malloc(sizeof *r);
    char *p = dup_string(path);
    if (r == NULL || p == NULL) {
        free(r);
        free(p);
        close(fd);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory opening %s", path);
    }
    r->fd = fd;
    r->size = (uint64_t)st.st_size;
    r->path = p;
    *out = r;
    return ODB_OK;
}

int odb_reader_read(odb_reader *r, uint64_t offset, size_t n, char *buf, odb_error *err) {
    size_t done = 0;
    while (done < n) {
        ssize_t k = pread(r->fd, buf + done, n - done, (off_t)(offset + done));
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            return odb_error_errno(err, errno, "read of %s at offset %llu failed", r->path,
                                   (unsigned long long)offset);
        }
        if (k == 0) {
            return odb_error_set(err, ODB_CORRUPTION, "%s: truncated: wanted %zu bytes at offset %llu, file ends first",
                                 r->path, n, (unsigned long long)offset);
        }
        done += (size_t)k;
    }
    return ODB_OK;
}

uint64_t odb_reader_size(const odb_reader *r) { return r->size; }
const char *odb_reader_path(const odb_reader *r) { return r->path; }

void odb_reader_close(odb_reader *r) {
    if (r != NULL) {
        close(r->fd);
        free(r->path);
        free(r);
    }
}

int odb_sync_dir(const char *dir, odb_error *err) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return odb_error_errno(err, errno, "cannot open directory %s", dir);
    }
    int rc = ODB_OK;
    int injected = odb_fault_hit(dir, ODB_FAULT_SYNC);
    if (injected || fsync(fd) != 0) {
        rc = odb_error_errno(err, injected ? injected : errno, "fsync of directory %s failed", dir);
    }
    close(fd);
    return rc;
}

int odb_read_file(const char *path, odb_buf *buf, odb_error *err) {
    odb_reader *r;
    int rc = odb_reader_open(path, &r, err);
    if (rc != ODB_OK) {
        return rc;
    }
    odb_buf_clear(buf);
    size_t n = (size_t)odb_reader_size(r);
    if (odb_buf_reserve(buf, n + 1) != ODB_OK) {
        odb_reader_close(r);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory reading %s", path);
    }
    rc = odb_reader_read(r, 0, n, buf->data, err);
    if (rc == ODB_OK) {
        buf->len = n;
    }
    odb_reader_close(r);
    return rc;
}

int odb_write_file_atomic(const char *dir, const char *name, const void *data, size_t n, odb_error *err) {
    char tmpname[256];
    snprintf(tmpname, sizeof tmpname, "%s.%ld.tmp", name, (long)getpid());
    char *tmp = odb_path_join(dir, tmpname);
    char *dst = odb_path_join(dir, name);
    int rc = ODB_OK;
    if (tmp == NULL || dst == NULL) {
        rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory writing %s", name);
        goto done;
    }
    odb_writer *w;
    rc = odb_writer_open(tmp, &w, err);
    if (rc != ODB_OK) {
        goto done;
    }
    rc = odb_writer_append(w, data, n, err);
    if (rc == ODB_OK) {
        rc = odb_writer_sync(w, err);
    }
    int crc = odb_writer_close(w, rc == ODB_OK ? err : NULL);
    if (rc == ODB_OK) {
        rc = crc;
    }
    int injected = rc == ODB_OK ? odb_fault_hit(dst, ODB_FAULT_RENAME) : 0;
    if (rc == ODB_OK && (injected || rename(tmp, dst) != 0)) {
        rc = odb_error_errno(err, injected ? injected : errno, "rename of %s to %s failed", tmp, dst);
    } else if (rc == ODB_OK) {
        odb_fault_note_rename(tmp, dst);
    }
    if (rc != ODB_OK) {
        unlink(tmp);
    } else {
        rc = odb_sync_dir(dir, err);
    }
done:
    free(tmp);
    free(dst);
    return rc;
}

int odb_file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

int odb_mkdirs(const char *path, odb_error *err) {
    char *p = dup_string(path);
    if (p == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    for (char *s = p + 1;; s++) {
        int end = (*s == '\0');
        if (*s == '/' || end) {
            char saved = *s;
            *s = '\0';
            if (mkdir(p, ODB_DIR_MODE) != 0 && errno != EEXIST) {
                int e = errno;
                odb_error_errno(err, e, "cannot create directory %s", p);
                free(p);
                return ODB_IO_ERROR;
            }
            *s = saved;
        }
        if (end) {
            break;
        }
    }
    free(p);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "%s exists and is not a directory", path);
    }
    return ODB_OK;
}

int odb_remove_file(const char *path, odb_error *err) {
    if (unlink(path) != 0 && errno != ENOENT) {
        return odb_error_errno(err, errno, "cannot remove %s", path);
    }
    return ODB_OK;
}

int odb_truncate_file(const char *path, uint64_t size, odb_error *err) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return odb_error_errno(err, errno, "cannot open %s", path);
    }
    int rc = ODB_OK;
    int injected = odb_fault_hit(path, ODB_FAULT_TRUNCATE);
    if (injected || ftruncate(fd, (off_t)size) != 0) {
        rc = odb_error_errno(err, injected ? injected : errno, "cannot truncate %s to %llu bytes", path,
                             (unsigned long long)size);
    } else if (fsync(fd) != 0) {
        rc = odb_error_errno(err, errno, "fsync of %s failed", path);
    } else {
        odb_fault_note_sync(path, size);
    }
    close(fd);
    return rc;
}

char *odb_path_join(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL) {
        snprintf(p, n, "%s/%s", dir, name);
    }
    return p;
}

static char *numbered_name(const char *dir, const char *prefix, uint64_t number, const char *suffix) {
    char name[64];
    snprintf(name, sizeof name, "%s%06llu%s", prefix, (unsigned long long)number, suffix);
    return odb_path_join(dir, name);
}

char *odb_table_file_name(const char *dir, uint64_t number) { return numbered_name(dir, "", number, ".sst"); }
char *odb_log_file_name(const char *dir, uint64_t number) { return numbered_name(dir, "", number, ".log"); }
char *odb_manifest_file_name(const char *dir, uint64_t number) { return numbered_name(dir, "MANIFEST-", number, ""); }

static int parse_number(const char *s, const char *end, uint64_t *number) {
    if (s == end) {
        return 0;
    }
    uint64_t v = 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10) {
            return 0;
        }
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *number = v;
    return 1;
}

int odb_parse_file_name(const char *name, uint64_t *number) {
    size_t n = strlen(name);
    if (strcmp(name, "CURRENT") == 0) {
        return ODB_FILE_CURRENT;
    }
    if (strcmp(name, "LOCK") == 0) {
        return ODB_FILE_LOCK;
    }
    if (n > 4 && strcmp(name + n - 4, ".tmp") == 0) {
        return ODB_FILE_TEMP;
    }
    if (strncmp(name, "MANIFEST-", 9) == 0) {
        return parse_number(name + 9, name + n, number) ? ODB_FILE_MANIFEST : ODB_FILE_UNKNOWN;
    }
    if (n > 4 && strcmp(name + n - 4, ".sst") == 0) {
        return parse_number(name, name + n - 4, number) ? ODB_FILE_TABLE : ODB_FILE_UNKNOWN;
    }
    if (n > 4 && strcmp(name + n - 4, ".log") == 0) {
        return parse_number(name, name + n - 4, number) ? ODB_FILE_LOG : ODB_FILE_UNKNOWN;
    }
    return ODB_FILE_UNKNOWN;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int odb_list_logs(const char *dir, uint64_t min_number, uint64_t **out, int *count, uint64_t *max_seen,
                  odb_error *err) {
    *out = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (d == NULL) {
        return odb_error_errno(err, errno, "cannot list %s", dir);
    }
    uint64_t *logs = NULL;
    int n = 0, cap = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        uint64_t number;
        int type = odb_parse_file_name(ent->d_name, &number);
        if (max_seen != NULL && (type == ODB_FILE_TABLE || type == ODB_FILE_LOG || type == ODB_FILE_MANIFEST) &&
            number > *max_seen) {
            *max_seen = number;
        }
        if (type != ODB_FILE_LOG || number < min_number) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            uint64_t *p = realloc(logs, (size_t)cap * sizeof *p);
            if (p == NULL) {
                free(logs);
                closedir(d);
                return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
            }
            logs = p;
        }
        logs[n++] = number;
    }
    closedir(d);
    if (n > 0) {
        qsort(logs, (size_t)n, sizeof *logs, compare_u64);
    }
    *out = logs;
    *count = n;
    return ODB_OK;
}

struct odb_lock {
    int fd;
};

int odb_lock_dir(const char *dir, odb_lock **out, odb_error *err) {
    char *path = odb_path_join(dir, "LOCK");
    if (path == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, ODB_FILE_MODE);
    if (fd < 0) {
        int e = errno;
        odb_error_errno(err, e, "cannot open lock file %s", path);
        free(path);
        return ODB_IO_ERROR;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char holder[32] = "";
        ssize_t k = pread(fd, holder, sizeof holder - 1, 0);
        holder[k > 0 ? k : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        close(fd);
        if (e == EWOULDBLOCK) {
            odb_error_set(err, ODB_BUSY, "database %s is already open in another engine (lock %s held by pid %s)",
                          dir, path, holder[0] ? holder : "unknown");
            free(path);
            return ODB_BUSY;
        }
        odb_error_errno(err, e, "cannot lock %s", path);
        free(path);
        return ODB_IO_ERROR;
    }
    free(path);
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        /* The pid is only informative; the flock is what excludes. */
    }
    odb_lock *l = malloc(sizeof *l);
    if (l == NULL) {
        close(fd);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    l->fd = fd;
    *out = l;
    return ODB_OK;
}

void odb_unlock_dir(odb_lock *lock) {
    if (lock != NULL) {
        flock(lock->fd, LOCK_UN);
        close(lock->fd);
        free(lock);
    }
}

uint64_t odb_now_micros(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
