/* ingest.c - ingestion (odb_ingest_*, declared in db.h with the rest of the
 * public API): a large atomic write of sorted entries, written straight into a
 * new level-0 table while the ingestion holds the head of the write queue.
 * db_impl.h has the map of the engine's modules. */
#define _GNU_SOURCE
#include "db_impl.h"

#include <pthread.h>
#include <stdlib.h>

#include "retention.h"
#include "write.h"

/* ---- ingestion ---- */

struct odb_ingest {
    odb_db *db;
    writer w; /* at the head of the write queue from begin to finish or abort */
    odb_table_builder *builder;
    uint64_t number;
    char *path;
    odb_seq seq;
    odb_buf ikey, smallest, largest;
    uint64_t entries;
};

/* Waits at the write queue until w is its head. mu held. */
static void wait_for_head(odb_db *db, writer *w) {
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

static void ingest_free(odb_ingest *ig) {
    if (ig->builder != NULL) {
        odb_table_builder_free(ig->builder);
    }
    if (ig->path != NULL) {
        odb_remove_file(ig->path, NULL);
        free(ig->path);
    }
    odb_buf_free(&ig->ikey);
    odb_buf_free(&ig->smallest);
    odb_buf_free(&ig->largest);
    pthread_cond_destroy(&ig->w.cv);
    free(ig);
}

/* Every write before the ingestion must be in a table when it is installed: a
 * read looks at the memtables before the level-0 tables, so an older version
 * left in a memtable would hide the ingested one. mu held. */
static int flush_everything(odb_db *db, odb_error *err) {
    while (db->applying > 0 && db->bg_error_code == ODB_OK) {
        pthread_cond_wait(&db->bg_cv, &db->mu); /* pipelined groups finish their memtable inserts */
    }
    int rc = odb_make_room(db, 1, err);
    if (rc != ODB_OK) {
        return rc;
    }
    db->flush_requested = 1;
    pthread_cond_broadcast(&db->work_cv);
    while (db->nimm > 0 && db->bg_error_code == ODB_OK) {
        pthread_cond_wait(&db->bg_cv, &db->mu);
    }
    return db->bg_error_code != ODB_OK ? odb_db_report_bg_error(db, err) : ODB_OK;
}

int odb_ingest_begin(odb_db *db, odb_ingest **out, odb_error *err) {
    odb_ingest *ig = calloc(1, sizeof *ig);
    if (ig == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    ig->db = db;
    pthread_cond_init(&ig->w.cv, NULL);
    odb_buf_init(&ig->ikey);
    odb_buf_init(&ig->smallest);
    odb_buf_init(&ig->largest);
    pthread_mutex_lock(&db->mu);
    wait_for_head(db, &ig->w);
    int rc = flush_everything(db, err);
    if (rc == ODB_OK) {
        ig->seq = db->versions.last_sequence + 1;
        ig->number = odb_versions_new_file_number(&db->versions);
    }
    pthread_mutex_unlock(&db->mu);
    if (rc == ODB_OK) {
        ig->path = odb_table_file_name(db->path, ig->number);
        if (ig->path == NULL) {
            rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
        }
    }
    if (rc == ODB_OK) {
        odb_table_build_options bopt = odb_db_build_options(db);
        rc = odb_table_builder_new(ig->path, &bopt, &ig->builder, err);
    }
    if (rc != ODB_OK) {
        odb_ingest_abort(ig);
        return rc;
    }
    *out = ig;
    return ODB_OK;
}

int odb_ingest_add(odb_ingest *ig, odb_slice key, odb_slice value, int is_delete, odb_error *err) {
    if (ig->entries > 0 && odb_slice_compare(key, odb_ikey_user(odb_buf_slice(&ig->largest))) <= 0) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "ingested keys must be strictly increasing");
    }
    odb_buf_clear(&ig->ikey);
    if (odb_ikey_append(&ig->ikey, key, ig->seq, is_delete ? ODB_KIND_DELETE : ODB_KIND_VALUE) != ODB_OK) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    odb_slice ikey = odb_buf_slice(&ig->ikey);
    int rc = odb_table_builder_add(ig->builder, ikey, is_delete ? odb_slice_make(NULL, 0) : value, err);
    if (rc != ODB_OK) {
        return rc;
    }
    if (ig->entries == 0 && odb_buf_append(&ig->smallest, ikey.data, ikey.size) != ODB_OK) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    odb_buf_clear(&ig->largest);
    if (odb_buf_append(&ig->largest, ikey.data, ikey.size) != ODB_OK) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    ig->entries++;
    return ODB_OK;
}

int odb_ingest_finish(odb_ingest *ig, odb_error *err) {
    odb_db *db = ig->db;
    if (ig->entries == 0) {
        odb_ingest_abort(ig);
        return ODB_OK;
    }
    uint64_t size = 0;
    int rc = odb_table_builder_finish(ig->builder, &size, err);
    odb_version_edit edit;
    odb_edit_init(&edit);
    if (rc == ODB_OK && odb_edit_add_file(&edit, 0, ig->number, size, odb_buf_slice(&ig->smallest),
                                          odb_buf_slice(&ig->largest)) != ODB_OK) {
        rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory");
    }
    pthread_mutex_lock(&db->mu);
    if (rc == ODB_OK && db->bg_error_code != ODB_OK) {
        rc = odb_db_report_bg_error(db, err);
    }
    if (rc == ODB_OK) {
        odb_seq before = db->versions.last_sequence;
        db->versions.last_sequence = ig->seq; /* the manifest records it with the new table */
        rc = odb_versions_apply(&db->versions, &edit, err);
        if (rc == ODB_OK) {
            db->visible_sequence = ig->seq;
            /* its commit time is in no WAL: HISTORY must hold it now (retention.h); failing
             * that is an I/O error of the engine, which stops writes */
            odb_error herr;
            if (odb_history_stamp(db, ig->seq) != 0 && odb_history_persist(db, &herr) != ODB_OK) {
                odb_db_set_bg_error(db, &herr);
            }
            free(ig->path); /* the table is the database's now */
            ig->path = NULL;
            ODB_STAT_ADD(&db->stats, keys_written, ig->entries);
            ODB_STAT_ADD(&db->stats, bytes_written, size);
        } else {
            db->versions.last_sequence = before;
            /* the failed manifest write may still have named the table: keep it (the next
             * open removes it if the manifest does not name it) */
            free(ig->path);
            ig->path = NULL;
        }
    }
    leave_head(db, &ig->w);
    pthread_cond_broadcast(&db->work_cv); /* level 0 grew: compaction may be due */
    pthread_mutex_unlock(&db->mu);
    odb_edit_destroy(&edit);
    ingest_free(ig);
    return rc;
}

void odb_ingest_abort(odb_ingest *ig) {
    odb_db *db = ig->db;
    pthread_mutex_lock(&db->mu);
    if (db->queue_head == &ig->w) {
        leave_head(db, &ig->w);
    }
    pthread_mutex_unlock(&db->mu);
    ingest_free(ig);
}
