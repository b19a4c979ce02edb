/* write.h - the engine's write path (write.c): odb_write (db.h) queues each
 * writer; the head of the queue leads a group, writes one WAL record for it and
 * inserts it into the memtable (its followers insert their own batches at the
 * same time with allow_concurrent_memtable_write); with enable_pipelined_write
 * the next group writes its record while this one fills the memtable. Before a
 * write it makes room in the memtable, switching to a new memtable and WAL and
 * stalling writers while the background catches up. Part of the engine behind
 * db.h; db_impl.h has the map of its modules. */
#ifndef ODB_WRITE_H
#define ODB_WRITE_H

#include "db_impl.h"

/* Makes room in the memtable for a write, stalling the writer while the
 * background catches up. force: switch even if not full (for flush). mu held. */
int odb_make_room(odb_db *db, int force, odb_error *err);

/* An odb_batch_iterate callback: adds one entry to the memtable ctx, which only
 * this thread writes to. */
int odb_insert_into_memtable(void *ctx, odb_seq seq, int kind, odb_slice key, odb_slice value);

#endif
