/* compaction.h - the background work of the engine (compaction.c): flushing
 * immutable memtables to level-0 tables, picking and running compactions
 * between levels, and the threads that do both. odb_flush and odb_compact_all
 * (db.h) ask for that work and wait for it. Part of the engine behind db.h;
 * db_impl.h has the map of its modules. */
#ifndef ODB_COMPACTION_H
#define ODB_COMPACTION_H

#include <stdint.h>

#include "db_impl.h"

/* Writes the entries of it (internal keys) to table `number` at level and
 * records it in edit, leaving out versions that no snapshot can see (a newer
 * version of the key is at or below smallest_snap). When no entry is left,
 * no file remains and nothing is recorded. Called without mu; number reserved
 * by the caller. */
int odb_write_table(odb_db *db, odb_iter *it, uint64_t number, odb_seq smallest_snap, odb_version_edit *edit,
                    int level, odb_error *err);

/* The sequence below which versions may be dropped: smallest_snapshot() (the
 * oldest live snapshot, else the last sequence). mu held. */
odb_seq odb_compaction_horizon(odb_db *db);

/* The body of a background thread (pthread_create's start routine, arg the
 * odb_db): flushes and compacts until db->shutting_down. */
void *odb_background_main(void *arg);

#endif
