/* env.h - the engine's only contact with the file system: buffered
 * append-only writers, positional readers, directory sync, atomic small-file
 * replacement and the names of the files in a database directory.
 * Every call may block on I/O: callers must not hold the Python GIL. */
#ifndef ODB_ENV_H
#define ODB_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "coding.h"
#include "status.h"

/* Modes of what the engine creates, as PostgreSQL makes a data directory's
 * files: owner only (the umask may take more away, never add). */
#define ODB_FILE_MODE 0600
#define ODB_DIR_MODE 0700

/* Append-only file with a 64 KiB write buffer. Owned by one thread at a time. */
typedef struct odb_writer odb_writer;

/* Creates (truncating) path for writing. */
int odb_writer_open(const char *path, odb_writer **out, odb_error *err);
int odb_writer_append(odb_writer *w, const void *data, size_t n, odb_error *err);
/* Hands buffered bytes to the OS (survives a process crash, not power loss). */
int odb_writer_flush(odb_writer *w, odb_error *err);
/* flush + fdatasync (survives power loss). */
int odb_writer_sync(odb_writer *w, odb_error *err);
/* flush + close + free; w is freed even when an error is returned. */
int odb_writer_close(odb_writer *w, odb_error *err);
uint64_t odb_writer_size(const odb_writer *w);
const char *odb_writer_path(const odb_writer *w);

/* Read-only file for positional reads; thread-safe (pread). */
typedef struct odb_reader odb_reader;

int odb_reader_open(const char *path, odb_reader **out, odb_error *err);
/* Reads exactly n bytes at offset into buf; a short read is ODB_CORRUPTION
 * ("truncated") naming the file. */
int odb_reader_read(odb_reader *r, uint64_t offset, size_t n, char *buf, odb_error *err);
uint64_t odb_reader_size(const odb_reader *r);
const char *odb_reader_path(const odb_reader *r);
void odb_reader_close(odb_reader *r);

/* fsync a directory so that creates, renames and unlinks in it are durable. */
int odb_sync_dir(const char *dir, odb_error *err);
/* Reads a whole file into buf (replacing its contents). */
int odb_read_file(const char *path, odb_buf *buf, odb_error *err);
/* Writes dir/name atomically: temp file, fsync, rename, fsync dir. */
int odb_write_file_atomic(const char *dir, const char *name, const void *data, size_t n, odb_error *err);
int odb_file_exists(const char *path);
int odb_mkdirs(const char *path, odb_error *err);
int odb_remove_file(const char *path, odb_error *err);
/* Cuts path back to size bytes and makes that durable (fsync). */
int odb_truncate_file(const char *path, uint64_t size, odb_error *err);

/* File names in a database directory; the result is a malloc'd string (NULL on OOM). */
char *odb_path_join(const char *dir, const char *name);
char *odb_table_file_name(const char *dir, uint64_t number);    /* 000007.sst */
char *odb_log_file_name(const char *dir, uint64_t number);      /* 000007.log */
char *odb_manifest_file_name(const char *dir, uint64_t number); /* MANIFEST-000007 */

enum { ODB_FILE_UNKNOWN, ODB_FILE_TABLE, ODB_FILE_LOG, ODB_FILE_MANIFEST, ODB_FILE_CURRENT, ODB_FILE_LOCK, ODB_FILE_TEMP };
/* Classifies a bare file name; *number is set for tables, logs and manifests. */
int odb_parse_file_name(const char *name, uint64_t *number);
/* The numbers of the WAL files (NNNNNN.log) in dir that are >= min_number, ascending, in a
 * malloc'd *out (NULL when none). With max_seen, also the highest number of any table, log
 * or manifest there (left as it is when that is lower). */
int odb_list_logs(const char *dir, uint64_t min_number, uint64_t **out, int *count, uint64_t *max_seen,
                  odb_error *err);

/* Exclusive advisory lock on dir/LOCK (flock); ODB_BUSY names the holder's pid. */
typedef struct odb_lock odb_lock;
int odb_lock_dir(const char *dir, odb_lock **out, odb_error *err);
void odb_unlock_dir(odb_lock *lock);

uint64_t odb_now_micros(void);

#endif
