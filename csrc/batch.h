/* batch.h - a write batch: an ordered list of puts and deletes applied
 * atomically. Its byte representation is also the payload of a WAL record:
 *   fixed64 first sequence | fixed32 count | records
 *   record = kind byte (1 put, 0 delete, 2 range delete, 3 range delete for every snapshot)
 *            | varint32 key length | key
 *            [| varint32 value length | value]   (puts: the value; range deletes: the end key)
 * A batch is owned by its creator and used by one thread at a time. */
#ifndef ODB_BATCH_H
#define ODB_BATCH_H

#include <stdint.h>

#include "coding.h"
#include "dbformat.h"
#include "status.h"

#define ODB_BATCH_HEADER 12

typedef struct odb_batch {
    odb_buf rep; /* always holds at least the 12-byte header */
    uint32_t range_dels; /* range-delete records added (not counted for odb_batch_set_contents) */
} odb_batch;

/* ODB_OK or ODB_NO_MEMORY. */
int odb_batch_init(odb_batch *b);
void odb_batch_destroy(odb_batch *b);
void odb_batch_clear(odb_batch *b);
int odb_batch_put(odb_batch *b, odb_slice key, odb_slice value);
int odb_batch_delete(odb_batch *b, odb_slice key);
/* Deletes every key in [start, end) written before this record (range_del.h). */
int odb_batch_delete_range(odb_batch *b, odb_slice start, odb_slice end);
/* The same, also for snapshots taken before it once it is visible (PostgreSQL's TRUNCATE, which
 * is not MVCC-safe: a transaction whose snapshot is older sees the table empty). */
int odb_batch_delete_range_all_snapshots(odb_batch *b, odb_slice start, odb_slice end);
uint32_t odb_batch_count(const odb_batch *b);
size_t odb_batch_byte_size(const odb_batch *b);
odb_seq odb_batch_sequence(const odb_batch *b);
void odb_batch_set_sequence(odb_batch *b, odb_seq seq);
/* Appends src's records to dst (for write groups). */
int odb_batch_append(odb_batch *dst, const odb_batch *src);
/* Replaces b's contents with a WAL payload after checking its shape (its range
 * deletes are not counted in range_dels: recovery finds them as it iterates). */
int odb_batch_set_contents(odb_batch *b, odb_slice contents, odb_error *err);

typedef int (*odb_batch_handler)(void *ctx, odb_seq seq, int kind, odb_slice key, odb_slice value);

/* Calls handler for every record in order with consecutive sequences starting
 * at the batch's. Stops at the first non-zero handler result and returns it;
 * a malformed batch gives ODB_CORRUPTION. */
int odb_batch_iterate(const odb_batch *b, odb_batch_handler handler, void *ctx, odb_error *err);

#endif
