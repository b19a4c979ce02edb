/* walread.c - write batches read from a WAL file (walread.h). */
#define _GNU_SOURCE
#include "walread.h"

#include "retention.h"

int odb_wal_read_batch(odb_log_reader *r, odb_batch *batch, odb_wal_stamp *stamp, odb_error *err) {
    if (stamp != NULL) {
        stamp->has = 0;
        stamp->skipped = 0;
        stamp->bad_batch = 0;
    }
    for (;;) {
        odb_slice record;
        int got = odb_log_read_record(r, &record, err);
        if (got <= 0) {
            return got;
        }
        if (odb_history_is_time_record(record)) {
            if (stamp != NULL) {
                odb_history_time_record_decode(record, &stamp->last_seq, &stamp->micros);
                stamp->has = 1;
                stamp->skipped++;
            }
            continue;
        }
        int rc = odb_batch_set_contents(batch, record, err);
        if (rc != ODB_OK && stamp != NULL) {
            stamp->bad_batch = 1;
        }
        return rc == ODB_OK ? 1 : -rc;
    }
}

odb_seq odb_wal_batch_last(const odb_batch *batch) { return odb_batch_sequence(batch) + odb_batch_count(batch) - 1; }
