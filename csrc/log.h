/* log.h - the record log used by the WAL and the manifest.
 *
 * The file is a sequence of 32 KiB blocks. A record is split into fragments
 * that never cross a block boundary; each fragment has a 7-byte header:
 * masked CRC-32C of (type byte + payload) (fixed32), payload length (fixed16),
 * type (FULL, FIRST, MIDDLE, LAST). A block tail too small for a header is
 * zero-filled. csrc/FORMAT.md describes the bytes.
 *
 * A writer is owned by one thread at a time (the write group leader).
 * A reader is used by one thread (recovery). */
#ifndef ODB_LOG_H
#define ODB_LOG_H

#include <stdint.h>

#include "coding.h"
#include "env.h"
#include "status.h"

#define ODB_LOG_BLOCK_SIZE 32768
#define ODB_LOG_HEADER_SIZE 7

enum { ODB_LOG_ZERO = 0, ODB_LOG_FULL = 1, ODB_LOG_FIRST = 2, ODB_LOG_MIDDLE = 3, ODB_LOG_LAST = 4 };

typedef struct odb_log_writer odb_log_writer;

/* Creates path (truncating). */
int odb_log_writer_open(const char *path, odb_log_writer **out, odb_error *err);
/* Appends one record and hands it to the OS (it survives a process crash). */
int odb_log_add_record(odb_log_writer *w, odb_slice record, odb_error *err);
/* Makes everything appended so far durable (fdatasync). */
int odb_log_sync(odb_log_writer *w, odb_error *err);
int odb_log_writer_close(odb_log_writer *w, odb_error *err);
uint64_t odb_log_writer_size(const odb_log_writer *w);

typedef struct odb_log_reader odb_log_reader;

int odb_log_reader_open(const char *path, odb_log_reader **out, odb_error *err);
void odb_log_reader_close(odb_log_reader *r);
/* Reads the next record into *record (valid until the next call).
 * Returns 1 for a record, 0 at the end, or a negated error code.
 *
 * Damage is a fragment with a bad checksum or impossible length or type,
 * zeros where a header should be, fragments out of order, or a record the
 * end of the file cuts short. The damaged record is the one whose FIRST (or
 * FULL) fragment precedes the damage, or the damaged fragment itself. If no
 * record starts after the damage -- no intact FULL or FIRST fragment; the
 * damaged record's own MIDDLE and LAST fragments do not count -- the damage
 * is a torn tail: the log ends (0) before the damaged record, and
 * odb_log_reader_dropped_bytes / _damage / _damage_offset describe what was
 * dropped. Otherwise it is corruption: -ODB_CORRUPTION with a message naming
 * the file, the damaged record's offset and the later record's offset. */
int odb_log_read_record(odb_log_reader *r, odb_slice *record, odb_error *err);
/* Bytes from the end of the last intact record to the end of the file,
 * dropped as a torn tail (0 when there was none). */
uint64_t odb_log_reader_dropped_bytes(const odb_log_reader *r);
/* Why the torn tail was dropped (a static string), NULL if none was. */
const char *odb_log_reader_damage(const odb_log_reader *r);
/* Offset of the damaged record that begins the dropped tail. */
uint64_t odb_log_reader_damage_offset(const odb_log_reader *r);
/* Offset where the last record returned starts. */
uint64_t odb_log_reader_record_offset(const odb_log_reader *r);
/* Offset just past the last intact record returned. */
uint64_t odb_log_reader_end_offset(const odb_log_reader *r);

#endif
