/* pitr.h - point-in-time recovery: a restored backup brought forward to a chosen
 * time by replaying archived WAL files (walarchive.h) (pitr.c).
 *
 * The restored copy holds every write up to its last sequence S. The archive's
 * write groups after S are read in WAL-number order; each must start right after
 * the one before (S + 1 for the first: a missing file shows as a gap in the
 * sequences), carry a commit time (the time record before it), and be intact (a
 * torn tail is accepted only at the end of the last archived file, as recovery
 * accepts one). The groups committed at or before the target time are written,
 * with their time records, into one new WAL file of the copy, synced; the copy's
 * next open replays it as any WAL. The replay ends at the first group committed
 * after the target; when the archive ends before such a group, what was committed
 * between its end and the target is unknown and the replay is refused (as
 * PostgreSQL refuses to end recovery before its target). */
#ifndef ODB_PITR_H
#define ODB_PITR_H

#include <stdint.h>

#include "dbformat.h"
#include "status.h"

typedef struct odb_pitr_info {
    odb_seq base_seq;            /* the copy's last sequence before the replay */
    uint64_t base_micros;        /* its commit time, when known (0: not known) */
    odb_seq last_seq;            /* the last sequence after the replay */
    uint64_t last_micros;        /* the commit time of the last group replayed (0: none) */
    uint64_t groups;             /* write groups replayed */
    uint64_t logs_read;          /* archived WAL files read */
    uint64_t next_micros;        /* the commit time of the first group after the target */
} odb_pitr_info;

/* Replays the WAL archive onto the closed database directory dir up to target_micros
 * (microseconds since the Unix epoch). backup_micros: when the copy was taken, the
 * bound used for "the target is before the backup" when S's own commit time is not
 * in the archive (0: none). ODB_INVALID_ARGUMENT for a target before the backup or
 * beyond the archive, ODB_CORRUPTION for a gap or damage, each saying where; nothing
 * is left written in dir on an error. */
int odb_pitr_replay(const char *dir, const char *archive, uint64_t target_micros, uint64_t backup_micros,
                    odb_pitr_info *info, odb_error *err);

#endif
