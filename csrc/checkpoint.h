/* checkpoint.h - a copy of a database directory that opens as the database did at one commit:
 * table files hard-linked (tables are immutable, so a link is a copy that costs nothing; a file
 * is copied when linking fails, e.g. across file systems), a fresh manifest naming exactly those
 * tables, and the WAL tail copied.
 *
 * odb_checkpoint works on a database this process has open: it holds the head of the write
 * queue while it notes the live tables and the end of each WAL, so the copy holds every write
 * acknowledged before the call and no part of a write group that was not.
 *
 * odb_checkpoint_dir works on a directory that another process may have open (it takes no
 * lock and writes nothing in src). It reads the manifest, links the tables it names and
 * copies the WALs as they are at that moment; the newest WAL may end in a record being
 * written, which is cut off the copy (a torn tail: never acknowledged). Why that is one
 * commit: every table the manifest names holds only writes of WALs older than its log
 * number, every WAL at or past it is copied whole up to where it ended when read, and WAL
 * records are whole write groups in sequence order. The pass starts over when the source
 * moved under it: a table or WAL vanished (a compaction or flush deleted it before it was
 * linked or opened; a file once opened or linked stays readable), CURRENT names another
 * manifest (the source was reopened), or the manifest gained an ingestion (a level-0 table
 * added without the log number advancing: writes that are in no WAL). */
#ifndef ODB_CHECKPOINT_H
#define ODB_CHECKPOINT_H

#include <stdint.h>

#include "db.h"

typedef struct odb_checkpoint_info {
    odb_seq last_sequence;  /* the copy holds every write up to this sequence and none after */
    uint64_t tables;        /* table files in the copy */
    uint64_t tables_copied; /* of them, copied because a hard link could not be made */
    uint64_t table_bytes;
    uint64_t logs;      /* WAL files copied */
    uint64_t log_bytes; /* bytes of WAL in the copy (after a torn tail was cut) */
    int attempts;       /* passes odb_checkpoint_dir needed (1 when the source held still) */
} odb_checkpoint_info;

/* dst must not exist or be an empty directory; it is made. On an error, the files made in dst
 * are removed again. */
int odb_checkpoint(odb_db *db, const char *dst, odb_checkpoint_info *info, odb_error *err);
int odb_checkpoint_dir(const char *src, const char *dst, odb_checkpoint_info *info, odb_error *err);

#endif
