/* verify.h - `orbitdb check` of a database directory: every table file's
 * footer, index and filter blocks and every data block's checksum and key
 * order; the manifest's records, and that each file it names exists with its
 * recorded size and key range; the WAL's records. Read-only: nothing in the
 * directory is written, created, locked or removed.
 *
 * When an engine holds the directory open, the check reads the state of one
 * moment: the manifest, and each table it names opened before a compaction can
 * remove it (the read starts again if one was removed first); the WAL's last
 * record may be in the middle of being written and is then reported as a torn
 * tail, as in a stopped directory. */
#ifndef ODB_VERIFY_H
#define ODB_VERIFY_H

#include <stdint.h>

#include "status.h"

typedef struct odb_finding {
    int damage;   /* 1: damage; 0: a note (a torn WAL tail, a leftover file) */
    char file[128]; /* the file's name in the directory; "" for the directory */
    int64_t offset; /* byte offset in that file, -1 when there is none */
    char message[ODB_ERROR_MSG_SIZE];
} odb_finding;

typedef struct odb_verify_report {
    odb_finding *findings;
    int count, cap;
    int damaged;   /* how many findings are damage */
    int live;      /* an engine held the directory open during the check */
    uint64_t tables, table_bytes, table_entries;
    uint64_t manifest_records;
    uint64_t wal_files, wal_records, wal_bytes;
} odb_verify_report;

/* Checks the database directory at path into report (which the caller frees
 * with odb_verify_report_free, also after an error). Returns ODB_OK when the
 * check ran (damage is in the report), or an error when it could not
 * (no such directory, out of memory). */
int odb_verify_dir(const char *path, odb_verify_report *report, odb_error *err);
void odb_verify_report_free(odb_verify_report *report);

#endif
