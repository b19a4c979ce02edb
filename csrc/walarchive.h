/* walarchive.h - keeping retired WAL files for point-in-time recovery (walarchive.c).
 *
 * With the knob wal_archive_dir set, a WAL file the engine no longer needs (its
 * memtable was flushed, or it was replayed at open) is not deleted but moved into
 * that directory under its own name: hard-linked there (copied, synced and renamed
 * into place where the file system cannot link), the archive directory synced, and
 * only then removed from the database directory. Every write group then carries a
 * commit time (a WAL time record, csrc/FORMAT.md), so that the archive maps times to
 * states: pitr.h replays it onto a restored backup up to a chosen time.
 *
 * The live engine never reads the archive. A file that cannot be archived stays in
 * the database directory (the engine no longer needs it) and is archived at the
 * next open; the failure is counted and shown by the property orbitdb.wal-archive. */
#ifndef ODB_WALARCHIVE_H
#define ODB_WALARCHIVE_H

#include <stdint.h>

#include "status.h"

struct odb_db;
struct odb_options;

typedef struct odb_wal_archive {
    char *dir;            /* NULL: archiving is off */
    uint64_t last_micros; /* the last commit time stamped (mu held) */
    uint64_t archived;    /* files archived by this open */
    uint64_t failures;
    char last_error[ODB_ERROR_MSG_SIZE];
} odb_wal_archive;

/* At open: checks the knob (it needs the WAL) and makes the directory. */
int odb_wal_archive_open(struct odb_db *db, odb_error *err);
void odb_wal_archive_close(struct odb_db *db);

/* A WAL file the engine no longer needs: archived then removed, or only removed
 * when archiving is off. A failed archive leaves it in place (see above). */
void odb_wal_retire(struct odb_db *db, uint64_t number);

/* The commit time of a write group when archiving is on and history retention
 * gives none (0 when archiving is off): wall-clock microseconds, never going
 * backwards (mu held). */
uint64_t odb_wal_archive_stamp(struct odb_db *db);

/* "orbitdb.wal-archive": a text summary; malloc'd, NULL for another name. */
char *odb_wal_archive_property(struct odb_db *db, const char *name);

#endif
