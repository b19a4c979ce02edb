/* version.h - which table files make up the database, by level, and the
 * manifest that records every change to that set.
 *
 * A version is an immutable snapshot of the file set: level 0 holds tables
 * flushed from memtables (they may overlap; newest first), levels >= 1 hold
 * non-overlapping tables sorted by key. Versions and file metadata are
 * reference counted: a reader pins the current version while it reads, so a
 * compaction can replace files without pulling them from under it; a file
 * removed from the live set is deleted when its last reference goes.
 *
 * The manifest is a log (log.h) of version edits; CURRENT names the live
 * manifest and is replaced atomically. The version set is not thread-safe:
 * the db serialises calls with its mutex, except where noted. */
#ifndef ODB_VERSION_H
#define ODB_VERSION_H

#include <stdatomic.h>
#include <stdint.h>

#include "coding.h"
#include "dbformat.h"
#include "iterator.h"
#include "log.h"
#include "range_del.h"
#include "status.h"
#include "table.h"

#define ODB_NUM_LEVELS 7

typedef struct odb_file_meta {
    _Atomic int refs;
    _Atomic int obsolete; /* no longer live: delete the file at the last unref */
    uint64_t number;
    uint64_t file_size;
    odb_buf smallest; /* internal keys */
    odb_buf largest;
    int being_compacted;
    char *path;
    odb_table *table; /* open table, owned; with a bounded table cache NULL while closed */
    /* max_open_files (table_cache.c): the cache (NULL: unbounded), readers using the table,
     * the least-recently-used list of open tables not in use, and the block cache id kept
     * across reopens */
    struct odb_table_cache *tcache;
    int table_users;
    struct odb_file_meta *lru_prev, *lru_next;
    uint64_t cache_id;
    int64_t created; /* when the file was written (its mtime, Unix seconds): periodic compaction */
} odb_file_meta;

void odb_file_ref(odb_file_meta *f);
void odb_file_unref(odb_file_meta *f);

typedef struct odb_version {
    _Atomic int refs;
    int nfiles[ODB_NUM_LEVELS];
    odb_file_meta **files[ODB_NUM_LEVELS];
    uint64_t level_bytes[ODB_NUM_LEVELS];
} odb_version;

void odb_version_ref(odb_version *v);
/* Thread-safe: may be called without the db mutex. */
void odb_version_unref(odb_version *v);

/* Point lookup through the levels (see odb_table_get for found/ikey/value).
 * Thread-safe on a pinned version. */
int odb_version_get(odb_version *v, odb_slice lookup_ikey, int *found, odb_buf *ikey_out, odb_buf *value_out,
                    odb_error *err);
/* Appends an iterator per level-0 table and per deeper level to iters
 * (capacity must be >= nfiles[0] + ODB_NUM_LEVELS); returns how many, or -1 on
 * out-of-memory (then every appended iterator has been destroyed). Each
 * iterator pins the version. */
int odb_version_add_iterators(odb_version *v, odb_iter **iters);
/* The same, the tables' data blocks going into the block cache as fill (ODB_FILL_*, table.h) says. */
int odb_version_add_iterators_filling(odb_version *v, odb_iter **iters, int fill);

typedef struct odb_new_file {
    int level;
    uint64_t number;
    uint64_t file_size;
    odb_buf smallest;
    odb_buf largest;
} odb_new_file;

typedef struct odb_deleted_file {
    int level;
    uint64_t number;
} odb_deleted_file;

typedef struct odb_version_edit {
    int has_log_number, has_next_file, has_last_sequence;
    uint64_t log_number;
    uint64_t next_file_number;
    odb_seq last_sequence;
    odb_new_file *added;
    int nadded, cap_added;
    odb_deleted_file *deleted;
    int ndeleted, cap_deleted;
    odb_buf range_dels; /* range-deletion fields (tags 16 and 17), encoded as in the manifest */
} odb_version_edit;

void odb_edit_init(odb_version_edit *e);
void odb_edit_destroy(odb_version_edit *e);
int odb_edit_add_file(odb_version_edit *e, int level, uint64_t number, uint64_t size, odb_slice smallest,
                      odb_slice largest);
int odb_edit_delete_file(odb_version_edit *e, int level, uint64_t number);
int odb_edit_encode(const odb_version_edit *e, odb_buf *out);
int odb_edit_decode(odb_version_edit *e, odb_slice in, odb_error *err);

typedef struct odb_version_set {
    char *dir;
    odb_table_open_options table_options;
    odb_version *current;
    uint64_t next_file_number;
    uint64_t log_number; /* logs older than this are flushed */
    uint64_t manifest_number;
    odb_seq last_sequence;
    odb_log_writer *manifest;
    odb_rdset *range_dels; /* live range deletions, persisted or not (range_del.h) */
    struct odb_table_cache *tcache;          /* max_open_files; NULL: unbounded (set by the db) */
} odb_version_set;

/* Creates an empty set (for a new database): nothing on disk yet. */
int odb_versions_init(odb_version_set *vs, const char *dir, const odb_table_open_options *topt, odb_error *err);
/* Reads CURRENT and the manifest, opens every table. */
int odb_versions_recover(odb_version_set *vs, odb_error *err);
/* Starts a new manifest holding the whole current state and points CURRENT at it. */
int odb_versions_write_snapshot(odb_version_set *vs, odb_error *err);
/* Applies edit to the current version, records it durably in the manifest and
 * installs the result. New files' tables are opened here. */
int odb_versions_apply(odb_version_set *vs, odb_version_edit *edit, odb_error *err);
void odb_versions_destroy(odb_version_set *vs);
uint64_t odb_versions_new_file_number(odb_version_set *vs);
/* Whether a file number is referenced by the current version. */
int odb_versions_is_live(const odb_version_set *vs, uint64_t number);

#endif
