/* write.c - the engine's write path: the writer queue, write groups, the WAL
 * record of each group, concurrent memtable inserts and pipelined writes, and
 * making room in the memtable (write.h; db_impl.h has the map of the engine's
 * modules). */
#define _GNU_SOURCE
#include "write.h"

#include "range_del.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "format.h"
#include "retention.h"

#define MAX_GROUP_BYTES (1 << 20)

/* ---- writes ---- */

/* Starts a new WAL and memtable, making the current memtable immutable. mu held. */
static int switch_memtable(odb_db *db, odb_error *err) {
    uint64_t number = odb_versions_new_file_number(&db->versions);
    char *path = odb_log_file_name(db->path, number);
    odb_memtable *mem = odb_memtable_new(odb_db_arena_block_size(db));
    if (path == NULL || mem == NULL) {
        free(path);
        odb_memtable_unref(mem);
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory switching memtables");
    }
    odb_log_writer *log = NULL;
    int rc = ODB_OK;
    if (db->opt.enable_wal) {
        rc = odb_log_writer_open(path, &log, err);
        /* The finished log is made durable so only the newest log can be torn. */
        if (rc == ODB_OK && db->log != NULL) {
            rc = odb_log_sync(db->log, err);
        }
    }
    free(path);
    if (rc != ODB_OK) {
        if (log != NULL) {
            odb_log_writer_close(log, NULL);
        }
        odb_memtable_unref(mem);
        return rc;
    }
    if (db->log != NULL) {
        odb_log_writer_close(db->log, NULL);
    }
    db->log = log;
    db->imm[db->nimm].mem = db->mem;
    db->imm[db->nimm].log_number = db->mem_log_number;
    db->nimm++;
    db->mem = mem;
    db->mem_log_number = number;
    pthread_cond_broadcast(&db->work_cv);
    return ODB_OK;
}

/* Makes room in the memtable for a write, stalling the writer while the
 * background catches up. force: switch even if not full (for flush). mu held. */
int odb_make_room(odb_db *db, int force, odb_error *err) {
    int slowed = 0;
    for (;;) {
        if (db->bg_error_code != ODB_OK) {
            return odb_db_report_bg_error(db, err);
        }
        int l0 = db->versions.current->nfiles[0];
        if (!force && !slowed && l0 >= db->opt.level0_slowdown_writes_trigger) {
            /* Delay this write by 1 ms so compaction gets CPU, once per write. */
            uint64_t t0 = odb_now_micros();
            pthread_mutex_unlock(&db->mu);
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
            pthread_mutex_lock(&db->mu);
            ODB_STAT_ADD(&db->stats, stall_micros, odb_now_micros() - t0);
            slowed = 1;
            continue;
        }
        if (!force && odb_memtable_data_size(db->mem) < db->opt.write_buffer_size) {
            return ODB_OK;
        }
        if (force && odb_memtable_num_entries(db->mem) == 0 &&
            !odb_rdset_in_log(db->versions.range_dels, db->mem_log_number)) {
            return ODB_OK;
        }
        if (db->applying > 0) {
            /* pipelined groups still insert into this memtable: it may not become immutable yet */
            pthread_cond_wait(&db->bg_cv, &db->mu);
            continue;
        }
        if (db->nimm >= db->opt.max_write_buffer_number - 1 || l0 >= db->opt.level0_stop_writes_trigger) {
            uint64_t t0 = odb_now_micros();
            pthread_cond_broadcast(&db->work_cv);
            pthread_cond_wait(&db->bg_cv, &db->mu);
            ODB_STAT_ADD(&db->stats, stall_micros, odb_now_micros() - t0);
            continue;
        }
        return switch_memtable(db, err);
    }
}

int odb_insert_into_memtable(void *ctx, odb_seq seq, int kind, odb_slice key, odb_slice value) {
    if (kind >= ODB_KIND_RANGE_DELETE) {
        return ODB_OK; /* the write leader put it in the database's set (range_del.h) */
    }
    return odb_memtable_add((odb_memtable *)ctx, seq, kind, key, value);
}

static int insert_concurrently(void *ctx, odb_seq seq, int kind, odb_slice key, odb_slice value) {
    if (kind >= ODB_KIND_RANGE_DELETE) {
        return ODB_OK;
    }
    return odb_memtable_add_concurrent((odb_memtable *)ctx, seq, kind, key, value);
}

/* Every writer of the group inserts its own batch into the memtable at once
 * (the WAL record is already written); the leader waits for all of them. */
static int insert_group_concurrently(odb_db *db, writer *leader, writer *last, odb_seq first, odb_memtable *mem,
                                     odb_error *err) {
    odb_seq seq = first;
    int followers = 0;
    for (writer *f = leader;; f = f->next) {
        odb_batch_set_sequence(f->batch, seq);
        seq += odb_batch_count(f->batch);
        if (f != leader) {
            followers++;
        }
        if (f == last) {
            break;
        }
    }
    pthread_mutex_lock(&db->mu);
    leader->pending = followers;
    leader->insert_rc = ODB_OK;
    for (writer *f = leader->next;; f = f->next) {
        f->insert_mem = mem;
        f->leader = leader;
        f->insert_now = 1;
        pthread_cond_signal(&f->cv);
        if (f == last) {
            break;
        }
    }
    pthread_mutex_unlock(&db->mu);
    int rc = odb_batch_iterate(leader->batch, insert_concurrently, mem, err);
    pthread_mutex_lock(&db->mu);
    while (leader->pending > 0) {
        pthread_cond_wait(&leader->cv, &db->mu);
    }
    int frc = leader->insert_rc;
    pthread_mutex_unlock(&db->mu);
    ODB_STAT_ADD(&db->stats, concurrent_memtable_groups, 1);
    if (rc == ODB_OK && frc != ODB_OK) {
        rc = odb_error_set(err, frc, "memtable insert failed: %s", odb_code_name(frc));
    }
    return rc;
}

/* Inserts the members' batches one after another (pipelined groups may insert
 * into the memtable at the same time as the next group, so always concurrently). */
static int insert_members(writer *leader, writer *last, odb_seq first, odb_memtable *mem, odb_error *err) {
    odb_seq seq = first;
    for (writer *f = leader;; f = f->next) {
        odb_batch_set_sequence(f->batch, seq);
        seq += odb_batch_count(f->batch);
        int rc = odb_batch_iterate(f->batch, insert_concurrently, mem, err);
        if (rc != ODB_OK) {
            return rc;
        }
        if (f == last) {
            return ODB_OK;
        }
    }
}

/* enable_pipelined_write: once its WAL record is written, a group leaves the
 * write queue, so the next group writes its record while this one fills the
 * memtable; groups then publish their sequences in order. Returns with mu free. */
static int finish_pipelined(odb_db *db, writer *w, writer *last, odb_seq first, uint32_t count, odb_memtable *mem,
                            int rc, odb_error *gerr) {
    pthread_mutex_lock(&db->mu);
    if (rc != ODB_OK) {
        odb_db_set_bg_error(db, gerr);
    }
    for (;;) {
        writer *r = db->queue_head;
        db->queue_head = r->next;
        if (r == last) {
            break;
        }
    }
    if (db->queue_head == NULL) {
        db->queue_tail = NULL;
    } else {
        pthread_cond_signal(&db->queue_head->cv);
    }
    pthread_mutex_unlock(&db->mu);
    if (rc == ODB_OK) {
        rc = db->opt.allow_concurrent_memtable_write && last != w
                 ? insert_group_concurrently(db, w, last, first, mem, gerr)
                 : insert_members(w, last, first, mem, gerr);
    }
    pthread_mutex_lock(&db->mu);
    while (db->visible_sequence != first - 1 && db->bg_error_code == ODB_OK) {
        pthread_cond_wait(&db->publish_cv, &db->mu);
    }
    if (rc != ODB_OK) {
        odb_db_set_bg_error(db, gerr);
    } else if (db->bg_error_code != ODB_OK) {
        rc = odb_db_report_bg_error(db, gerr);
    } else {
        db->visible_sequence = first + count - 1;
    }
    db->applying--;
    ODB_STAT_ADD(&db->stats, pipelined_groups, 1);
    pthread_cond_broadcast(&db->publish_cv);
    pthread_cond_broadcast(&db->bg_cv);
    if (w != last) {
        for (writer *f = w->next;; f = f->next) {
            f->status = rc;
            if (rc != ODB_OK) {
                f->err = *gerr;
            }
            f->done = 1;
            pthread_cond_signal(&f->cv);
            if (f == last) {
                break;
            }
        }
    }
    pthread_mutex_unlock(&db->mu);
    return rc;
}

int odb_write(odb_db *db, odb_batch *batch, int sync, odb_error *err) {
    writer w;
    w.batch = batch;
    w.sync = sync;
    w.done = 0;
    w.status = ODB_OK;
    w.next = NULL;
    pthread_cond_init(&w.cv, NULL);

    w.insert_now = 0;
    w.insert_mem = NULL;
    w.leader = NULL;
    w.pending = 0;
    w.insert_rc = ODB_OK;
    pthread_mutex_lock(&db->mu);
    if (db->queue_tail != NULL) {
        db->queue_tail->next = &w;
    } else {
        db->queue_head = &w;
    }
    db->queue_tail = &w;
    while (!w.done && db->queue_head != &w) {
        if (w.insert_now) {
            /* our leader wrote the group's WAL record: insert our own batch alongside it */
            w.insert_now = 0;
            pthread_mutex_unlock(&db->mu);
            int irc = odb_batch_iterate(w.batch, insert_concurrently, w.insert_mem, NULL);
            pthread_mutex_lock(&db->mu);
            if (irc != ODB_OK) {
                w.leader->insert_rc = irc;
            }
            if (--w.leader->pending == 0) {
                pthread_cond_signal(&w.leader->cv);
            }
            continue;
        }
        pthread_cond_wait(&w.cv, &db->mu);
    }
    if (w.done) {
        pthread_mutex_unlock(&db->mu);
        pthread_cond_destroy(&w.cv);
        if (w.status != ODB_OK && err != NULL) {
            *err = w.err;
        }
        return w.status;
    }

    /* This thread leads a write group. */
    odb_error gerr;
    odb_error_clear(&gerr);
    int rc = odb_make_room(db, batch == NULL, &gerr);
    writer *last = &w;
    if (rc == ODB_OK && batch != NULL) {
        odb_batch *group = batch;
        size_t size = odb_batch_byte_size(batch);
        size_t limit = size <= (128 << 10) ? size + (128 << 10) : MAX_GROUP_BYTES;
        for (writer *f = w.next; f != NULL; f = f->next) {
            if (f->batch == NULL || (f->sync && !w.sync) || size + odb_batch_byte_size(f->batch) > limit) {
                break;
            }
            if (group == batch) {
                group = &db->group_batch;
                odb_batch_clear(group);
                if (odb_batch_append(group, batch) != ODB_OK) {
                    group = batch;
                    break;
                }
            }
            if (odb_batch_append(group, f->batch) != ODB_OK) {
                break;
            }
            size += odb_batch_byte_size(f->batch);
            last = f;
        }
        odb_seq first = db->versions.last_sequence + 1;
        uint32_t count = odb_batch_count(group);
        odb_batch_set_sequence(group, first);
        if (group->range_dels > 0) {
            /* a record kind of engine format 2: the directory says so before it is written */
            rc = odb_format_note_new_records(db->path, &db->format_version, &gerr);
        }
        if (group->range_dels > 0 && rc == ODB_OK) {
            /* in the set before the WAL write: readers see it only once its sequence is visible */
            rc = odb_range_dels_add_batch(db, group, &gerr);
        }
        uint64_t stamp = odb_history_stamp(db, first + count - 1);
        if (stamp == 0) {
            stamp = odb_wal_archive_stamp(db); /* commit times for point-in-time recovery */
        }
        odb_memtable *mem = db->mem;
        odb_log_writer *log = db->log;
        int do_sync = w.sync;
        int pipelined = db->opt.enable_pipelined_write;
        if (pipelined) {
            db->versions.last_sequence = first + count - 1; /* allocated now, published in order */
            db->applying++;
        }
        pthread_mutex_unlock(&db->mu);

        if (log != NULL && stamp != 0 && rc == ODB_OK) {
            char time_record[ODB_TIME_RECORD_SIZE];
            odb_history_time_record(time_record, first + count - 1, stamp);
            rc = odb_log_add_record(log, odb_slice_make(time_record, sizeof time_record), &gerr);
        }
        if (log != NULL && rc == ODB_OK) {
            rc = odb_log_add_record(log, odb_buf_slice(&group->rep), &gerr);
            ODB_STAT_ADD(&db->stats, wal_writes, 1);
            ODB_STAT_ADD(&db->stats, wal_bytes, odb_batch_byte_size(group));
            if (rc == ODB_OK && do_sync) {
                rc = odb_log_sync(log, &gerr);
                ODB_STAT_ADD(&db->stats, wal_syncs, 1);
            }
        }
        if (pipelined) {
            ODB_STAT_ADD(&db->stats, write_groups, 1);
            ODB_STAT_ADD(&db->stats, keys_written, count);
            ODB_STAT_ADD(&db->stats, bytes_written, odb_batch_byte_size(group));
            rc = finish_pipelined(db, &w, last, first, count, mem, rc, &gerr);
            pthread_cond_destroy(&w.cv);
            if (rc != ODB_OK && err != NULL) {
                *err = gerr;
            }
            return rc;
        }
        if (rc == ODB_OK && db->opt.allow_concurrent_memtable_write && last != &w) {
            rc = insert_group_concurrently(db, &w, last, first, mem, &gerr);
        } else if (rc == ODB_OK) {
            rc = odb_batch_iterate(group, odb_insert_into_memtable, mem, &gerr);
        }
        ODB_STAT_ADD(&db->stats, write_groups, 1);
        ODB_STAT_ADD(&db->stats, keys_written, count);
        ODB_STAT_ADD(&db->stats, bytes_written, odb_batch_byte_size(group));

        pthread_mutex_lock(&db->mu);
        if (rc == ODB_OK) {
            db->versions.last_sequence = first + count - 1;
            db->visible_sequence = db->versions.last_sequence;
        } else {
            /* A failed log write leaves the log's tail unknown: stop writing. */
            odb_db_set_bg_error(db, &gerr);
        }
    }
    for (;;) {
        writer *ready = db->queue_head;
        db->queue_head = ready->next;
        if (ready != &w) {
            ready->status = rc;
            if (rc != ODB_OK) {
                ready->err = gerr;
            }
            ready->done = 1;
            pthread_cond_signal(&ready->cv);
        }
        if (ready == last) {
            break;
        }
    }
    if (db->queue_head == NULL) {
        db->queue_tail = NULL;
    } else {
        pthread_cond_signal(&db->queue_head->cv);
    }
    pthread_mutex_unlock(&db->mu);
    pthread_cond_destroy(&w.cv);
    if (rc != ODB_OK && err != NULL) {
        *err = gerr;
    }
    return rc;
}
