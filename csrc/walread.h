/* walread.h - the one reader of write batches from a WAL file (walread.c): recovery,
 * the checkpoint, `check`, the read-only view and point-in-time recovery all read a
 * WAL through it.
 *
 * A WAL holds write batches and, before each write group's batch, the group's time
 * record when commit times are kept (csrc/FORMAT.md, "WAL records"). The reader hands
 * out the batches and gives the time record read just before each one as its stamp;
 * the log reader underneath keeps what it says about damage and offsets. */
#ifndef ODB_WALREAD_H
#define ODB_WALREAD_H

#include <stdint.h>

#include "batch.h"
#include "log.h"

typedef struct odb_wal_stamp {
    int has;           /* a time record came right before the batch */
    odb_seq last_seq;  /* the last sequence of the group it stamps */
    uint64_t micros;   /* its commit time, microseconds since the Unix epoch */
    uint64_t skipped;  /* time records read since the previous batch (check counts them) */
    int bad_batch;     /* the error returned is a record that does not decode as a batch */
} odb_wal_stamp;

/* Reads the next write batch of r into batch (stamp, when not NULL, says what time
 * record preceded it). 1: a batch; 0: the end of the log (clean, or a torn tail:
 * odb_log_reader_damage says which); negative: -(the error code), with err set. A record
 * that does not decode as a batch sets stamp->bad_batch: a caller may skip it, as the next
 * call goes on after it. */
int odb_wal_read_batch(odb_log_reader *r, odb_batch *batch, odb_wal_stamp *stamp, odb_error *err);

/* The sequence of the last record of batch (its first sequence - 1 when it is empty). */
odb_seq odb_wal_batch_last(const odb_batch *batch);

#endif
