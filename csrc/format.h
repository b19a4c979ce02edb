/* format.h - the engine's format version in a database directory: the file
 * FORMAT holds "orbitdb-engine <N>\n" (csrc/FORMAT.md, "Format version").
 * Format 1 is the layout FORMAT.md describes (tables with footer version 1,
 * the record logs, the manifest's edits). A directory made before the file
 * existed has that same layout: it counts as format 1 and gets the file at
 * its next open. A format this engine does not read -- newer, or older than
 * the oldest it converts -- is refused before anything is written. */
#ifndef ODB_FORMAT_H
#define ODB_FORMAT_H

#include "status.h"

/* 2: WAL time records and range deletions (kinds 2, 3), manifest tags 16 and 17, HISTORY.
 * A format-1 directory opens and is marked 2 before the first of those is written. */
#define ODB_ENGINE_FORMAT 2        /* what this engine writes */
#define ODB_ENGINE_FORMAT_OLDEST 1 /* the oldest it opens */
#define ODB_FORMAT_FILE "FORMAT"

/* The directory's format in *version; -1 when it has no FORMAT file.
 * ODB_CORRUPTION naming the file when its contents are malformed. */
int odb_format_read(const char *dir, int *version, odb_error *err);
/* ODB_OK when this engine opens the directory's format; otherwise
 * ODB_INVALID_ARGUMENT with a message naming the format found. */
int odb_format_check(const char *dir, odb_error *err);
/* Writes the FORMAT file (atomically) with version when the directory has none. */
int odb_format_stamp(const char *dir, int version, odb_error *err);
/* Before this engine writes a record an older format does not have: when *version is
 * older than ODB_ENGINE_FORMAT, rewrites FORMAT (atomically) and updates *version. */
int odb_format_note_new_records(const char *dir, int *version, odb_error *err);
/* `orbitdb upgrade`: marks a closed directory of an older format ODB_ENGINE_FORMAT
 * (every older format's files read as the current one's); its old format in *from. */
int odb_format_upgrade(const char *dir, int *from, odb_error *err);

#endif
