/* pitr.c - point-in-time recovery from a WAL archive (pitr.h). */
#define _GNU_SOURCE
#include "pitr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "batch.h"
#include "env.h"
#include "log.h"
#include "readonly.h"
#include "retention.h"
#include "walread.h"

/* micros as "YYYY-MM-DD HH:MM:SS.ffffff+00" (UTC), for messages. */
static const char *show_time(char buf[40], uint64_t micros) {
    time_t secs = (time_t)(micros / 1000000u);
    struct tm tm;
    if (gmtime_r(&secs, &tm) == NULL) {
        snprintf(buf, 40, "%" PRIu64 " us", micros);
        return buf;
    }
    size_t n = strftime(buf, 40, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf + n, 40 - n, ".%06u+00", (unsigned)(micros % 1000000u));
    return buf;
}

static uint64_t file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

typedef struct replay {
    const char *dir, *archive;
    uint64_t target, backup_micros;
    odb_pitr_info *info;
    odb_seq expected; /* the first sequence of the next group */
    uint64_t last_file;
    int checked_base, stopped;
    uint64_t log_number; /* the copy's: older files hold only what it has */
    uint64_t out_number;
    char *out_path;
    odb_log_writer *out;
} replay;

/* The target must not be before the copy's own last commit. */
static int check_base(replay *p, odb_error *err) {
    p->checked_base = 1;
    uint64_t base = p->info->base_micros ? p->info->base_micros : p->backup_micros;
    if (p->target < base) {
        char a[40], b[40];
        return odb_error_set(err, ODB_INVALID_ARGUMENT,
                             "the target time %s is before the backup's last commit (sequence %" PRIu64
                             ", committed %s%s): restore an earlier backup",
                             show_time(a, p->target), (uint64_t)p->info->base_seq, show_time(b, base),
                             p->info->base_micros ? "" : " at the latest, when the backup was taken");
    }
    return ODB_OK;
}

static int append(replay *p, odb_slice batch_record, const odb_wal_stamp *stamp, odb_error *err) {
    if (p->out == NULL) {
        p->out_path = odb_log_file_name(p->dir, p->out_number);
        if (p->out_path == NULL) {
            return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        }
        int rc = odb_log_writer_open(p->out_path, &p->out, err);
        if (rc != ODB_OK) {
            return rc;
        }
    }
    char time_record[ODB_TIME_RECORD_SIZE];
    odb_history_time_record(time_record, stamp->last_seq, stamp->micros);
    int rc = odb_log_add_record(p->out, odb_slice_make(time_record, sizeof time_record), err);
    return rc == ODB_OK ? odb_log_add_record(p->out, batch_record, err) : rc;
}

/* One archived file; a group committed after the target ends the replay. */
static int replay_file(replay *p, uint64_t number, int last_nonempty, odb_batch *batch, odb_error *err) {
    char *path = odb_log_file_name(p->archive, number);
    odb_log_reader *r = NULL;
    int rc = path ? odb_log_reader_open(path, &r, err) : odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    odb_pitr_info *info = p->info;
    info->logs_read += rc == ODB_OK;
    while (rc == ODB_OK) {
        odb_wal_stamp stamp;
        int got = odb_wal_read_batch(r, batch, &stamp, err);
        if (got == 0) {
            break;
        }
        if (got < 0) {
            char inner[ODB_ERROR_MSG_SIZE];
            memcpy(inner, err->msg, sizeof inner);
            rc = odb_error_set(err, ODB_CORRUPTION, "archived WAL %s: record at offset %" PRIu64 ": %s", path,
                               odb_log_reader_record_offset(r), inner);
            break;
        }
        if (odb_batch_count(batch) == 0) {
            continue;
        }
        odb_seq first = odb_batch_sequence(batch), last = odb_wal_batch_last(batch);
        int stamped = stamp.has && stamp.last_seq == last;
        if (last <= info->base_seq) {
            if (last == info->base_seq && stamped) {
                info->base_micros = stamp.micros; /* the copy's last commit */
            }
            continue;
        }
        if (first != p->expected) {
            if (p->last_file == 0) {
                rc = odb_error_set(err, ODB_CORRUPTION,
                                   "the WAL archive %s does not continue the backup: the backup ends at sequence %" PRIu64
                                   ", the archive's first later write group (in %06" PRIu64 ".log) starts at %" PRIu64
                                   " (a WAL file is missing from the archive, or archiving began after the backup)",
                                   p->archive, (uint64_t)info->base_seq, number, (uint64_t)first);
            } else {
                rc = odb_error_set(err, ODB_CORRUPTION,
                                   "the WAL archive %s has a gap: sequence %" PRIu64 " (in %06" PRIu64
                                   ".log) is followed by a write group starting at %" PRIu64 " (in %06" PRIu64
                                   ".log); a WAL file between them is missing (or the writes between were "
                                   "ingested, which no WAL holds)",
                                   p->archive, (uint64_t)p->expected - 1, p->last_file, (uint64_t)first, number);
            }
            break;
        }
        if (!stamped) {
            rc = odb_error_set(err, ODB_INVALID_ARGUMENT,
                               "%s: the write group of sequences %" PRIu64 " to %" PRIu64 " at offset %" PRIu64
                               " has no commit time (written while wal_archive_dir and history_retention_seconds "
                               "were off): the archive cannot say whether it was committed by the target time",
                               path, (uint64_t)first, (uint64_t)last, odb_log_reader_record_offset(r));
            break;
        }
        if (!p->checked_base && (rc = check_base(p, err)) != ODB_OK) {
            break;
        }
        if (stamp.micros > p->target) {
            p->stopped = 1;
            info->next_micros = stamp.micros;
            break;
        }
        rc = append(p, odb_buf_slice(&batch->rep), &stamp, err);
        p->expected = last + 1;
        p->last_file = number;
        info->last_seq = last;
        info->last_micros = stamp.micros;
        info->groups++;
    }
    if (rc == ODB_OK && !p->stopped && odb_log_reader_damage(r) != NULL && !last_nonempty) {
        rc = odb_error_set(err, ODB_CORRUPTION,
                           "archived WAL %s: %s at offset %" PRIu64 ", in a file that is not the archive's last",
                           path, odb_log_reader_damage(r), odb_log_reader_damage_offset(r));
    }
    odb_log_reader_close(r);
    free(path);
    return rc;
}

/* Where the replay must begin: the newest archived file older than the copy's log
 * number (it may hold the copy's last commit), else the first. */
static int first_file(const uint64_t *logs, int n, uint64_t log_number) {
    int start = 0;
    for (int i = 0; i < n && logs[i] < log_number; i++) {
        start = i;
    }
    return start;
}

static int run(replay *p, const uint64_t *logs, int n, odb_error *err) {
    odb_batch batch;
    if (odb_batch_init(&batch) != ODB_OK) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    int rc = ODB_OK;
    int newest = n - 1; /* the last archived file that holds a byte: the only one a tail may be torn in */
    while (newest > 0) {
        char *path = odb_log_file_name(p->archive, logs[newest]);
        uint64_t size = path ? file_size(path) : 1;
        free(path);
        if (size > 0) {
            break;
        }
        newest--;
    }
    for (int i = first_file(logs, n, p->log_number); i < n && rc == ODB_OK && !p->stopped; i++) {
        rc = replay_file(p, logs[i], i >= newest, &batch, err);
    }
    odb_batch_destroy(&batch);
    if (rc == ODB_OK && !p->checked_base) {
        rc = check_base(p, err);
    }
    if (rc == ODB_OK && !p->stopped) {
        char a[40], b[40];
        odb_pitr_info *info = p->info;
        if (info->groups == 0) {
            rc = odb_error_set(err, ODB_INVALID_ARGUMENT,
                               "the target time %s is beyond the end of the WAL archive %s: it holds no commit after "
                               "the backup's (sequence %" PRIu64 "), so what was committed up to the target is "
                               "unknown (the live WAL is archived once it is flushed)",
                               show_time(a, p->target), p->archive, (uint64_t)info->base_seq);
        } else {
            rc = odb_error_set(err, ODB_INVALID_ARGUMENT,
                               "the target time %s is beyond the end of the WAL archive %s: the archive reaches "
                               "sequence %" PRIu64 ", committed %s (in %06" PRIu64 ".log); what was committed "
                               "after that is unknown (the live WAL is archived once it is flushed): give a time "
                               "up to %s, or archive more WAL first",
                               show_time(a, p->target), p->archive, (uint64_t)info->last_seq,
                               show_time(b, info->last_micros), p->last_file, b);
        }
    }
    return rc;
}

int odb_pitr_replay(const char *dir, const char *archive, uint64_t target_micros, uint64_t backup_micros,
                    odb_pitr_info *info, odb_error *err) {
    memset(info, 0, sizeof *info);
    odb_readonly *ro;
    int rc = odb_readonly_open(dir, &ro, err);
    if (rc != ODB_OK) {
        return rc;
    }
    info->base_seq = info->last_seq = odb_readonly_sequence(ro);
    uint64_t log_number = odb_readonly_log_number(ro);
    uint64_t number = odb_readonly_next_file_number(ro);
    odb_readonly_close(ro);
    uint64_t *logs = NULL, *mine = NULL;
    int n = 0, nmine = 0;
    rc = odb_list_logs(dir, UINT64_MAX, &mine, &nmine, &number, err); /* the highest number in use */
    free(mine);
    if (rc == ODB_OK) {
        rc = odb_list_logs(archive, 0, &logs, &n, NULL, err);
    }
    if (rc == ODB_OK && n == 0) {
        rc = odb_error_set(err, ODB_INVALID_ARGUMENT, "the WAL archive %s holds no WAL files", archive);
    }
    replay p;
    memset(&p, 0, sizeof p);
    p.dir = dir;
    p.archive = archive;
    p.target = target_micros;
    p.backup_micros = backup_micros;
    p.info = info;
    p.expected = info->base_seq + 1;
    /* above every file of the copy, and at least its log number so that recovery reads it */
    p.out_number = (number > log_number ? number : log_number) + 1;
    p.log_number = log_number;
    if (rc == ODB_OK) {
        rc = run(&p, logs, n, err);
    }
    if (p.out != NULL) {
        if (rc == ODB_OK) {
            rc = odb_log_sync(p.out, err);
        }
        int crc = odb_log_writer_close(p.out, rc == ODB_OK ? err : NULL);
        rc = rc == ODB_OK ? crc : rc;
        if (rc == ODB_OK) {
            rc = odb_sync_dir(dir, err);
        } else {
            odb_remove_file(p.out_path, NULL);
        }
    }
    free(p.out_path);
    free(logs);
    return rc;
}
