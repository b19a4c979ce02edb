/* retention.h - history retention and time travel (retention.c).
 *
 * With history_retention_seconds > 0 the engine keeps every version that a read
 * at any moment of the last N seconds needs, and maps wall-clock time to
 * sequence numbers so that such a read can be made:
 *
 *   - each write group is stamped with the wall-clock time (microseconds, never
 *     going backwards) at which it gets its sequence numbers; the stamp goes into
 *     the WAL just before the group's record (a time record, csrc/FORMAT.md) and
 *     into an in-memory time index of (time, last sequence of the group);
 *   - the index is kept in the file HISTORY of the database directory: records
 *     appended and synced before a flush or compaction may discard a version (so
 *     before the WAL holding the stamps is deleted), and rewritten whole at open;
 *   - the horizon every discarding path uses (smallest_snapshot() in
 *     compaction.c, the flush at recovery) is lowered to the sequence visible
 *     N seconds ago; the highest horizon ever used is the history's floor, kept in
 *     HISTORY before the discard happens: a read below it is refused, since
 *     versions it needs may be gone (after a restart with a smaller window, too).
 *
 * Opening with history_retention_seconds = 0 removes HISTORY: the writes of
 * that run are not stamped, so times after it could not be mapped. Turning
 * retention on again starts a new history at that open.
 *
 * Functions marked "mu held" are called with db->mu held. */
#ifndef ODB_RETENTION_H
#define ODB_RETENTION_H

#include <stdint.h>

#include "db_impl.h"

typedef struct odb_history odb_history;

/* At open, after the manifest is recovered and before the WAL is replayed:
 * loads HISTORY (retention on) or removes it (off). */
int odb_history_open(odb_db *db, odb_error *err);
/* After the WAL is replayed: drops index entries above the recovered last
 * sequence (a write whose record did not survive), starts a new history when
 * there was none, and rewrites HISTORY durably. */
int odb_history_recovered(odb_db *db, odb_error *err);
void odb_history_close(odb_db *db);

/* The horizon of a discard: base (oldest snapshot, else the last sequence),
 * lowered to what the retention window needs, and never above what HISTORY
 * durably records as the floor (mu held; may write and sync HISTORY). */
odb_seq odb_history_horizon(odb_db *db, odb_seq base);

/* Stamps a write group whose last sequence is last_seq with the current time
 * and records it in the index; the stamp (0 when retention is off) goes into
 * the WAL before the group's record (mu held). */
uint64_t odb_history_stamp(odb_db *db, odb_seq last_seq);
/* Writes the index entries not yet in HISTORY and syncs it (mu held). */
int odb_history_persist(odb_db *db, odb_error *err);

/* The WAL's time records: encoding, and recognising one at replay. */
#define ODB_TIME_RECORD_SIZE 20
void odb_history_time_record(char out[ODB_TIME_RECORD_SIZE], odb_seq last_seq, uint64_t micros);
/* 1 if record is a time record (walread.h skips them, giving each as its batch's stamp). */
int odb_history_is_time_record(odb_slice record);
/* The fields of a time record (odb_history_is_time_record(record) must hold). */
void odb_history_time_record_decode(odb_slice record, odb_seq *last_seq, uint64_t *micros);
/* Takes a time record read from the WAL at recovery into the index (walread.h). */
void odb_history_replay_stamp(odb_db *db, odb_seq last_seq, uint64_t micros);

/* The sequence of the committed state at wall-clock time micros (microseconds
 * since the Unix epoch): ODB_INVALID_ARGUMENT, saying why, when retention is
 * off, the time is in the future, before the window or before the history. */
int odb_history_seq_at(odb_db *db, int64_t micros, odb_seq *seq, odb_error *err);

/* A snapshot at a past sequence, or at a past time: refused (ODB_INVALID_ARGUMENT)
 * below the retained history or above the last committed sequence. A time
 * stamped on a write group still being applied waits for it. */
int odb_snapshot_at(odb_db *db, odb_seq seq, odb_snapshot **out, odb_error *err);
int odb_snapshot_at_time(odb_db *db, int64_t micros, odb_snapshot **out, odb_seq *seq, odb_error *err);
odb_seq odb_snapshot_sequence(const odb_snapshot *snapshot);

/* "orbitdb.history-*" properties (a malloc'd string or NULL when unknown):
 *   orbitdb.history                 text summary
 *   orbitdb.history-retention-seconds, -oldest-micros, -floor, -index-entries,
 *   -index-bytes, -file-bytes
 *   orbitdb.history-versions, -bytes  versions stored that are not the newest of
 *                                     their key (and deletion markers), with their
 *                                     key and value bytes: a scan of all data */
char *odb_history_property(odb_db *db, const char *name);

#endif
