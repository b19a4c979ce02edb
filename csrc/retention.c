/* retention.c - history retention and time travel (retention.h): the time
 * index, its file HISTORY, the horizon of discards, snapshots at past
 * sequences and times, and what the history costs in space. */
#define _GNU_SOURCE
#include "retention.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crc32c.h"
#include "env.h"
#include "iterator.h"
#include "memtable.h"
#include "merge.h"
#include "version.h"

#define HISTORY_FILE "HISTORY"
#define HISTORY_TEMP "HISTORY.tmp"
#define HISTORY_MAGIC "ODBHIST1"
#define HISTORY_MAGIC_SIZE 8
/* A record of HISTORY: type byte | fixed64 a | fixed64 b | fixed32 CRC-32C of the 17 bytes before it. */
#define RECORD_SIZE 21
enum { RECORD_BASE = 1, RECORD_ENTRY = 2, RECORD_FLOOR = 3 };
/* The count field of a WAL time record: no batch can hold that many records. */
#define TIME_RECORD_COUNT 0xFFFFFFFFu
#define MAX_RETENTION_SECONDS (100ull * 365 * 86400)

typedef struct entry {
    uint64_t micros;
    odb_seq seq; /* the last sequence of a write group stamped at micros */
} entry;

struct odb_history {
    char *dir;
    uint64_t window; /* microseconds */
    entry *e;        /* e[head..n): in time and sequence order */
    size_t head, n, cap;
    size_t persisted; /* e[..persisted) are in HISTORY */
    /* from base_micros on the state is at least base_seq; earlier times are unknown */
    uint64_t base_micros;
    odb_seq base_seq;
    odb_seq floor, persisted_floor; /* the highest horizon a discard used (or may use) */
    uint64_t last_micros;
    odb_writer *file; /* open from odb_history_recovered on */
    uint64_t file_bytes;
    int broken;     /* an append failed: the next persist rewrites the file */
    int started;    /* a history exists (loaded, or begun at this open) */
    int recovering; /* between odb_history_open and odb_history_recovered */
};

static uint64_t wall_micros(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static odb_seq min_seq(odb_seq a, odb_seq b) { return a < b ? a : b; }

/* ---- the index ---- */

static int add_entry(odb_history *h, uint64_t micros, odb_seq seq) {
    if (h->n > h->head && seq <= h->e[h->n - 1].seq) {
        return ODB_OK; /* already known (a WAL record of a write HISTORY holds) */
    }
    if (h->n == h->cap) {
        if (h->head > 0) {
            memmove(h->e, h->e + h->head, (h->n - h->head) * sizeof *h->e);
            h->n -= h->head;
            h->persisted = h->persisted > h->head ? h->persisted - h->head : 0;
            h->head = 0;
        }
        if (h->n == h->cap) {
            size_t cap = h->cap ? h->cap * 2 : 1024;
            entry *p = realloc(h->e, cap * sizeof *p);
            if (p == NULL) {
                return ODB_NO_MEMORY;
            }
            h->e = p;
            h->cap = cap;
        }
    }
    if (micros < h->last_micros) {
        micros = h->last_micros; /* stamps never go backwards */
    }
    h->e[h->n].micros = micros;
    h->e[h->n].seq = seq;
    h->n++;
    h->last_micros = micros;
    return ODB_OK;
}

/* The state at time t: the last sequence stamped at or before t (base_seq before any). */
static odb_seq seq_at(const odb_history *h, uint64_t t) {
    size_t lo = h->head, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->e[mid].micros <= t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    odb_seq s = h->base_seq;
    if (lo > h->head && h->e[lo - 1].seq > s) {
        s = h->e[lo - 1].seq;
    }
    return s;
}

static uint64_t window_start(const odb_history *h, uint64_t now) { return now > h->window ? now - h->window : 0; }

/* The oldest sequence the window needs. */
static odb_seq window_seq(const odb_history *h, uint64_t now) {
    uint64_t cutoff = window_start(h, now);
    return cutoff < h->base_micros ? h->base_seq : seq_at(h, cutoff);
}

/* Folds persisted entries older than the window into the base. */
static void prune(odb_history *h, uint64_t now) {
    uint64_t cutoff = window_start(h, now);
    while (h->head < h->persisted && h->head + 1 < h->n && h->e[h->head].micros <= cutoff) {
        h->base_micros = h->e[h->head].micros;
        h->base_seq = h->e[h->head].seq;
        h->head++;
    }
}

/* ---- the file ---- */

static void put_record(char out[RECORD_SIZE], int type, uint64_t a, uint64_t b) {
    out[0] = (char)type;
    odb_encode_fixed64(out + 1, a);
    odb_encode_fixed64(out + 9, b);
    odb_encode_fixed32(out + 17, odb_crc32c(out, 17));
}

static int append_record(odb_history *h, int type, uint64_t a, uint64_t b, odb_error *err) {
    char rec[RECORD_SIZE];
    put_record(rec, type, a, b);
    int rc = odb_writer_append(h->file, rec, sizeof rec, err);
    if (rc == ODB_OK) {
        h->file_bytes += sizeof rec;
    }
    return rc;
}

/* Reads HISTORY; a torn or damaged tail ends it (the rewrite at open drops it). */
static int load(odb_history *h, const char *path, odb_error *err) {
    odb_buf data;
    odb_buf_init(&data);
    int rc = odb_read_file(path, &data, err);
    if (rc != ODB_OK) {
        odb_buf_free(&data);
        return rc;
    }
    if (data.len < HISTORY_MAGIC_SIZE || memcmp(data.data, HISTORY_MAGIC, HISTORY_MAGIC_SIZE) != 0) {
        odb_buf_free(&data);
        return odb_error_set(err, ODB_CORRUPTION, "%s: not a history file (bad magic)", path);
    }
    for (size_t off = HISTORY_MAGIC_SIZE; off + RECORD_SIZE <= data.len && rc == ODB_OK; off += RECORD_SIZE) {
        const char *p = data.data + off;
        if (odb_decode_fixed32(p + 17) != odb_crc32c(p, 17)) {
            break;
        }
        uint64_t a = odb_decode_fixed64(p + 1), b = odb_decode_fixed64(p + 9);
        switch (p[0]) {
        case RECORD_BASE:
            h->base_micros = a;
            h->base_seq = b;
            if (a > h->last_micros) {
                h->last_micros = a;
            }
            break;
        case RECORD_ENTRY:
            if (add_entry(h, a, b) != ODB_OK) {
                rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory loading %s", path);
            }
            break;
        case RECORD_FLOOR:
            if (a > h->floor) {
                h->floor = a;
            }
            break;
        default: off = data.len; break; /* an unknown record: nothing after it is trusted */
        }
    }
    odb_buf_free(&data);
    h->persisted = h->n;
    h->persisted_floor = h->floor;
    return rc;
}

/* Writes the whole history to HISTORY.tmp, syncs it and renames it over HISTORY;
 * later appends go to the same file. */
static int rewrite(odb_history *h, odb_error *err) {
    char *tmp = odb_path_join(h->dir, HISTORY_TEMP);
    char *path = odb_path_join(h->dir, HISTORY_FILE);
    if (tmp == NULL || path == NULL) {
        free(tmp);
        free(path);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    if (h->file != NULL) {
        odb_writer_close(h->file, NULL);
        h->file = NULL;
    }
    h->file_bytes = 0;
    int rc = odb_writer_open(tmp, &h->file, err);
    if (rc == ODB_OK) {
        rc = odb_writer_append(h->file, HISTORY_MAGIC, HISTORY_MAGIC_SIZE, err);
        h->file_bytes = HISTORY_MAGIC_SIZE;
    }
    if (rc == ODB_OK) {
        rc = append_record(h, RECORD_BASE, h->base_micros, h->base_seq, err);
    }
    for (size_t i = h->head; i < h->n && rc == ODB_OK; i++) {
        rc = append_record(h, RECORD_ENTRY, h->e[i].micros, h->e[i].seq, err);
    }
    if (rc == ODB_OK) {
        rc = append_record(h, RECORD_FLOOR, h->floor, 0, err);
    }
    if (rc == ODB_OK) {
        rc = odb_writer_sync(h->file, err);
    }
    if (rc == ODB_OK && rename(tmp, path) != 0) {
        rc = odb_error_errno(err, errno, "cannot rename %s to %s", tmp, path);
    }
    if (rc == ODB_OK) {
        rc = odb_sync_dir(h->dir, err);
    }
    if (rc == ODB_OK) {
        h->persisted = h->n;
        h->persisted_floor = h->floor;
        h->broken = 0;
    } else {
        h->broken = 1;
        if (h->file != NULL) {
            odb_writer_close(h->file, NULL);
            h->file = NULL;
        }
        odb_remove_file(tmp, NULL);
    }
    free(tmp);
    free(path);
    return rc;
}

int odb_history_persist(odb_db *db, odb_error *err) {
    odb_history *h = db->history;
    if (h == NULL || !h->started) {
        return ODB_OK;
    }
    uint64_t live = HISTORY_MAGIC_SIZE + (uint64_t)(h->n - h->head + 2) * RECORD_SIZE;
    if (h->file == NULL || h->broken || h->file_bytes > 2 * live + (1u << 20)) {
        int rc = rewrite(h, err);
        if (rc == ODB_OK) {
            prune(h, wall_micros());
        }
        return rc;
    }
    if (h->persisted == h->n && h->persisted_floor == h->floor) {
        return ODB_OK;
    }
    int rc = ODB_OK;
    size_t from = h->persisted > h->head ? h->persisted : h->head;
    for (size_t i = from; i < h->n && rc == ODB_OK; i++) {
        rc = append_record(h, RECORD_ENTRY, h->e[i].micros, h->e[i].seq, err);
    }
    if (rc == ODB_OK && h->floor != h->persisted_floor) {
        rc = append_record(h, RECORD_FLOOR, h->floor, 0, err);
    }
    if (rc == ODB_OK) {
        rc = odb_writer_sync(h->file, err);
    }
    if (rc != ODB_OK) {
        h->broken = 1;
        return rc;
    }
    h->persisted = h->n;
    h->persisted_floor = h->floor;
    prune(h, wall_micros());
    return ODB_OK;
}

/* ---- open and close ---- */

int odb_history_open(odb_db *db, odb_error *err) {
    char *path = odb_path_join(db->path, HISTORY_FILE);
    if (path == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    int rc = ODB_OK;
    if (db->opt.history_retention_seconds > MAX_RETENTION_SECONDS) {
        free(path);
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "history_retention_seconds must be at most %llu (100 years)",
                             (unsigned long long)MAX_RETENTION_SECONDS);
    }
    if (db->opt.history_retention_seconds == 0) {
        /* this run's writes are not stamped: a history kept would map later times wrongly */
        if (odb_file_exists(path)) {
            rc = odb_remove_file(path, err);
            if (rc == ODB_OK) {
                rc = odb_sync_dir(db->path, err);
            }
        }
        free(path);
        return rc;
    }
    odb_history *h = calloc(1, sizeof *h);
    if (h == NULL) {
        free(path);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    h->dir = db->path;
    h->window = db->opt.history_retention_seconds * 1000000u;
    h->recovering = 1;
    if (odb_file_exists(path)) {
        rc = load(h, path, err);
        h->started = 1;
    }
    free(path);
    if (rc != ODB_OK) {
        free(h->e);
        free(h);
        return rc;
    }
    db->history = h;
    return ODB_OK;
}

int odb_history_recovered(odb_db *db, odb_error *err) {
    odb_history *h = db->history;
    if (h == NULL) {
        return ODB_OK;
    }
    odb_seq last = db->versions.last_sequence;
    uint64_t now = wall_micros();
    if (!h->started) {
        h->base_micros = now > h->last_micros ? now : h->last_micros;
        h->base_seq = last;
        h->floor = last;
        h->started = 1;
    } else {
        /* stamps of writes whose WAL record did not survive (never acknowledged durable) */
        while (h->n > h->head && h->e[h->n - 1].seq > last) {
            h->n--;
        }
        h->base_seq = min_seq(h->base_seq, last);
        h->floor = min_seq(h->floor, last);
    }
    h->persisted = h->n < h->persisted ? h->n : h->persisted;
    h->recovering = 0;
    return rewrite(h, err);
}

void odb_history_close(odb_db *db) {
    odb_history *h = db->history;
    if (h == NULL) {
        return;
    }
    if (h->file != NULL) {
        odb_writer_close(h->file, NULL);
    }
    free(h->e);
    free(h);
    db->history = NULL;
}

/* ---- the write path and recovery ---- */

uint64_t odb_history_stamp(odb_db *db, odb_seq last_seq) {
    odb_history *h = db->history;
    if (h == NULL || !h->started) {
        return 0;
    }
    /* Out of memory leaves the group unstamped: a time after it then reads the state before it
     * until the next stamp, which is the lesser wrong (never a state from the future). */
    if (add_entry(h, wall_micros(), last_seq) != ODB_OK) {
        return 0;
    }
    return h->last_micros;
}

void odb_history_time_record(char out[ODB_TIME_RECORD_SIZE], odb_seq last_seq, uint64_t micros) {
    odb_encode_fixed64(out, last_seq);
    odb_encode_fixed32(out + 8, TIME_RECORD_COUNT);
    odb_encode_fixed64(out + 12, micros);
}

int odb_history_is_time_record(odb_slice record) {
    return record.size == ODB_TIME_RECORD_SIZE && odb_decode_fixed32(record.data + 8) == TIME_RECORD_COUNT;
}

void odb_history_time_record_decode(odb_slice record, odb_seq *last_seq, uint64_t *micros) {
    *last_seq = odb_decode_fixed64(record.data);
    *micros = odb_decode_fixed64(record.data + 12);
}

void odb_history_replay_stamp(odb_db *db, odb_seq last_seq, uint64_t micros) {
    odb_history *h = db->history;
    if (h != NULL && h->started) {
        (void)add_entry(h, micros, last_seq); /* out of memory: see odb_history_stamp */
    }
}

/* ---- the horizon ---- */

odb_seq odb_history_horizon(odb_db *db, odb_seq base) {
    odb_history *h = db->history;
    if (h == NULL) {
        return base;
    }
    if (!h->started) {
        return base; /* recovery before the history begins: nothing before it is reachable */
    }
    odb_seq horizon = min_seq(base, window_seq(h, wall_micros()));
    if (h->recovering) {
        return min_seq(horizon, h->persisted_floor); /* recovery: HISTORY is rewritten after it */
    }
    if (horizon > h->floor) {
        h->floor = horizon;
    }
    odb_error err;
    if (odb_history_persist(db, &err) != ODB_OK) {
        /* The stamps not in HISTORY live only in WAL files this flush may delete: an I/O
         * error of the engine, which stops writes as a failed flush does. */
        odb_db_set_bg_error(db, &err);
        return min_seq(horizon, h->persisted_floor); /* discard no more than HISTORY records */
    }
    return horizon;
}

/* ---- reads in the past ---- */

static int seq_at_time(odb_db *db, int64_t micros, odb_seq *seq, odb_error *err) {
    odb_history *h = db->history;
    if (h == NULL) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT,
                             "history retention is off (history_retention_seconds = 0): no past state is kept");
    }
    uint64_t now = wall_micros();
    if (now < h->last_micros) {
        now = h->last_micros;
    }
    if (micros < 0 || (uint64_t)micros > now) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "time %" PRId64 " is in the future (now %" PRIu64 ")",
                             micros, now);
    }
    uint64_t t = (uint64_t)micros;
    if (t < window_start(h, now)) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT,
                             "time %" PRIu64 " is older than the history retention window (%" PRIu64
                             " seconds; the oldest readable time is %" PRIu64 ")",
                             t, h->window / 1000000u,
                             window_start(h, now) > h->base_micros ? window_start(h, now) : h->base_micros);
    }
    if (t < h->base_micros) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT,
                             "time %" PRIu64 " is before the history begins (at %" PRIu64
                             ", when the database was opened with history retention on)",
                             t, h->base_micros);
    }
    *seq = seq_at(h, t);
    if (*seq < h->floor) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT,
                             "the versions of time %" PRIu64 " are no longer kept (history floor at sequence %" PRIu64
                             ")",
                             t, (uint64_t)h->floor);
    }
    return ODB_OK;
}

int odb_history_seq_at(odb_db *db, int64_t micros, odb_seq *seq, odb_error *err) {
    pthread_mutex_lock(&db->mu);
    int rc = seq_at_time(db, micros, seq, err);
    pthread_mutex_unlock(&db->mu);
    return rc;
}

/* Registers a snapshot at seq in the list, kept in sequence order. mu held. */
static int snapshot_at_locked(odb_db *db, odb_seq seq, odb_snapshot **out, odb_error *err) {
    odb_snapshot *s = malloc(sizeof *s);
    if (s == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    s->sequence = seq;
    s->past = 1;
    odb_snapshot *after = &db->snapshots;
    while (after->next != &db->snapshots && after->next->sequence <= seq) {
        after = after->next;
    }
    s->prev = after;
    s->next = after->next;
    after->next->prev = s;
    after->next = s;
    *out = s;
    return ODB_OK;
}

/* A stamp is taken when a group gets its sequences: wait until they are readable. mu held. */
static int wait_visible(odb_db *db, odb_seq seq, odb_error *err) {
    while (db->visible_sequence < seq && db->bg_error_code == ODB_OK) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&db->bg_cv, &db->mu, &ts);
    }
    return db->bg_error_code != ODB_OK ? odb_db_report_bg_error(db, err) : ODB_OK;
}

int odb_snapshot_at(odb_db *db, odb_seq seq, odb_snapshot **out, odb_error *err) {
    pthread_mutex_lock(&db->mu);
    odb_history *h = db->history;
    int rc = ODB_OK;
    if (h == NULL) {
        rc = odb_error_set(err, ODB_INVALID_ARGUMENT,
                           "history retention is off (history_retention_seconds = 0): no past state is kept");
    } else if (seq > db->visible_sequence) {
        rc = odb_error_set(err, ODB_INVALID_ARGUMENT, "sequence %" PRIu64 " is not committed (last is %" PRIu64 ")",
                           (uint64_t)seq, (uint64_t)db->visible_sequence);
    } else if (seq < h->floor || seq < window_seq(h, wall_micros())) {
        odb_seq oldest = h->floor > window_seq(h, wall_micros()) ? h->floor : window_seq(h, wall_micros());
        rc = odb_error_set(err, ODB_INVALID_ARGUMENT,
                           "sequence %" PRIu64 " is older than the retained history (oldest readable: %" PRIu64 ")",
                           (uint64_t)seq, (uint64_t)oldest);
    } else {
        rc = snapshot_at_locked(db, seq, out, err);
    }
    pthread_mutex_unlock(&db->mu);
    return rc;
}

int odb_snapshot_at_time(odb_db *db, int64_t micros, odb_snapshot **out, odb_seq *seq, odb_error *err) {
    pthread_mutex_lock(&db->mu);
    odb_seq at = 0;
    int rc = seq_at_time(db, micros, &at, err);
    if (rc == ODB_OK) {
        rc = wait_visible(db, at, err);
    }
    if (rc == ODB_OK) {
        rc = snapshot_at_locked(db, at, out, err);
    }
    pthread_mutex_unlock(&db->mu);
    if (rc == ODB_OK && seq != NULL) {
        *seq = at;
    }
    return rc;
}

odb_seq odb_snapshot_sequence(const odb_snapshot *snapshot) { return snapshot->sequence; }

/* ---- what the history costs ---- */

/* Counts the versions that are not the newest of their key, and deletion markers, with
 * their bytes: what the retention window (and live snapshots, and compaction not yet
 * done) keeps. A scan of every table and memtable. */
static int count_history(odb_db *db, uint64_t *versions, uint64_t *bytes) {
    pthread_mutex_lock(&db->mu);
    odb_version *v = db->versions.current;
    int cap = 1 + db->nimm + v->nfiles[0] + ODB_NUM_LEVELS;
    odb_iter **children = malloc((size_t)cap * sizeof *children);
    int n = 0, failed = children == NULL;
    if (!failed) {
        children[n] = odb_memtable_iter_new(db->mem);
        failed = children[n] == NULL;
        n += !failed;
        for (int i = db->nimm - 1; i >= 0 && !failed; i--) {
            children[n] = odb_memtable_iter_new(db->imm[i].mem);
            failed = children[n] == NULL;
            n += !failed;
        }
        if (!failed) {
            int added = odb_version_add_iterators(v, children + n);
            failed = added < 0;
            n += failed ? 0 : added;
        }
    }
    pthread_mutex_unlock(&db->mu);
    if (failed) {
        for (int i = 0; i < n; i++) {
            odb_iter_destroy(children[i]);
        }
        free(children);
        return ODB_NO_MEMORY;
    }
    odb_iter *it = odb_merge_iter_new(children, n);
    free(children);
    if (it == NULL) {
        return ODB_NO_MEMORY;
    }
    odb_buf last;
    odb_buf_init(&last);
    int have = 0, rc = ODB_OK;
    *versions = *bytes = 0;
    for (odb_iter_seek_first(it); odb_iter_valid(it) && rc == ODB_OK; odb_iter_next(it)) {
        odb_slice k = odb_iter_key(it);
        odb_slice user = odb_ikey_user(k);
        int older = have && odb_slice_compare(user, odb_buf_slice(&last)) == 0;
        if (older || odb_ikey_kind(k) != ODB_KIND_VALUE) {
            *versions += 1;
            *bytes += k.size + odb_iter_value(it).size;
        }
        if (!older) {
            odb_buf_clear(&last);
            rc = odb_buf_append(&last, user.data, user.size);
            have = 1;
        }
    }
    if (rc == ODB_OK) {
        odb_error err;
        rc = odb_iter_status(it, &err);
    }
    odb_iter_destroy(it);
    odb_buf_free(&last);
    return rc;
}

static char *dup_string(const char *s) {
    char *p = malloc(strlen(s) + 1);
    if (p != NULL) {
        strcpy(p, s);
    }
    return p;
}

char *odb_history_property(odb_db *db, const char *name) {
    char buf[512];
    if (strcmp(name, "orbitdb.history-versions") == 0 || strcmp(name, "orbitdb.history-bytes") == 0) {
        uint64_t versions = 0, bytes = 0;
        if (count_history(db, &versions, &bytes) != ODB_OK) {
            return NULL;
        }
        snprintf(buf, sizeof buf, "%" PRIu64, strcmp(name, "orbitdb.history-versions") == 0 ? versions : bytes);
        return dup_string(buf);
    }
    pthread_mutex_lock(&db->mu);
    odb_history *h = db->history;
    uint64_t now = wall_micros();
    uint64_t retention = h ? h->window / 1000000u : 0;
    uint64_t oldest = 0;
    if (h != NULL) {
        oldest = window_start(h, now) > h->base_micros ? window_start(h, now) : h->base_micros;
    }
    uint64_t entries = h ? (uint64_t)(h->n - h->head) : 0;
    uint64_t index_bytes = h ? (uint64_t)h->cap * sizeof(entry) : 0;
    uint64_t file_bytes = h ? h->file_bytes : 0;
    uint64_t floor = h ? h->floor : 0;
    pthread_mutex_unlock(&db->mu);
    uint64_t value;
    if (strcmp(name, "orbitdb.history-retention-seconds") == 0) {
        value = retention;
    } else if (strcmp(name, "orbitdb.history-oldest-micros") == 0) {
        value = oldest;
    } else if (strcmp(name, "orbitdb.history-floor") == 0) {
        value = floor;
    } else if (strcmp(name, "orbitdb.history-index-entries") == 0) {
        value = entries;
    } else if (strcmp(name, "orbitdb.history-index-bytes") == 0) {
        value = index_bytes;
    } else if (strcmp(name, "orbitdb.history-file-bytes") == 0) {
        value = file_bytes;
    } else if (strcmp(name, "orbitdb.history") == 0) {
        snprintf(buf, sizeof buf,
                 "history retention: %" PRIu64 " s\noldest readable time: %" PRIu64 " us since the epoch\n"
                 "floor sequence: %" PRIu64 "\ntime index: %" PRIu64 " entries, %" PRIu64 " bytes in memory, %" PRIu64
                 " bytes in HISTORY\n",
                 retention, oldest, floor, entries, index_bytes, file_bytes);
        return dup_string(buf);
    } else {
        return NULL;
    }
    snprintf(buf, sizeof buf, "%" PRIu64, value);
    return dup_string(buf);
}
