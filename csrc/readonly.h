/* readonly.h - a database directory read without being opened: the tables the
 * manifest names and the WAL replayed into memory, at the last sequence they
 * hold. Nothing is written, created, locked or removed, so it works on a
 * stopped directory and, for a view of one moment, on one a server holds open
 * (tables are immutable; a log being written ends in a torn tail, which is
 * left out like any torn tail). Used by `orbitdb check` and `orbitdb stats`.
 * A view is used by one thread at a time. */
#ifndef ODB_READONLY_H
#define ODB_READONLY_H

#include <stdint.h>

#include "iterator.h"
#include "status.h"

typedef struct odb_readonly odb_readonly;

/* Reads CURRENT, the manifest and every table it names, and replays the WAL.
 * A table removed by a running engine between the manifest read and its open
 * makes the read start again (a few times). */
int odb_readonly_open(const char *path, odb_readonly **out, odb_error *err);
void odb_readonly_close(odb_readonly *ro);
/* An iterator over user keys and their newest values (deletions hidden); NULL on
 * out-of-memory. The view must outlive it. */
odb_iter *odb_readonly_iter(odb_readonly *ro);
/* The last sequence number the view holds. */
uint64_t odb_readonly_sequence(const odb_readonly *ro);
/* Files and bytes of tables at a level (0 .. 6); -1 files for a bad level. */
int odb_readonly_level(const odb_readonly *ro, int level, uint64_t *bytes);
/* Bytes of WAL replayed into memory (not yet in a table). */
uint64_t odb_readonly_wal_bytes(const odb_readonly *ro);
/* The manifest's log number (older WAL files are flushed) and its next file number. */
uint64_t odb_readonly_log_number(const odb_readonly *ro);
uint64_t odb_readonly_next_file_number(const odb_readonly *ro);

#endif
