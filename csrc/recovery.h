/* recovery.h - replay of the WAL at open (recovery.c): the entries of every log
 * the manifest has not yet seen flushed are written to level-0 tables, and a
 * torn tail of the newest log, never acknowledged as durable, is cut off and
 * reported (orbitdb.wal-tail-dropped*). Part of the engine behind db.h;
 * db_impl.h has the map of its modules. */
#ifndef ODB_RECOVERY_H
#define ODB_RECOVERY_H

#include "db_impl.h"

/* Replays the logs numbered >= the version set's log number into level-0 tables
 * recorded in edit, raising last_sequence and next_file_number past what the
 * logs and the directory hold. A torn tail of the newest log is cut off and
 * recorded in db->wal_tail_dropped*; damage in an older log is ODB_CORRUPTION.
 * Called by odb_open before the background threads start (no lock needed);
 * edit is applied by the caller. */
int odb_replay_logs(odb_db *db, odb_version_edit *edit, odb_error *err);

#endif
