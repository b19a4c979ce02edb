/* range_del.h - range deletions (RocksDB's DeleteRange): a record of a write
 * batch that deletes every key in [start, end) whose version is older than the
 * record's own sequence number. A reader at sequence S treats a version of
 * sequence s of a key in [start, end) as deleted when s < seq <= S, so a
 * snapshot older than the deletion still sees the keys.
 *
 * The engine keeps every live range deletion in one set for the whole
 * database (odb_rdset), not inside memtables and table files: a deletion is
 * consulted by every read whatever level holds the key, so nothing has to
 * carry it down the levels. The set is copy-on-write and reference counted:
 * readers pin the set of the moment, writers (mu held) replace it.
 *
 * Life of a range deletion:
 *   1. written in a batch (a WAL record kind of its own, atomic with the rest
 *      of the batch) and added to the set with the number of the WAL that
 *      holds it;
 *   2. when that WAL's memtable is flushed, the flush's manifest edit records
 *      it (manifest tag 16) and it becomes *persisted*; recovery does the same
 *      for deletions replayed from the WAL;
 *   3. once persisted and at or below the horizon (odb_compaction_horizon:
 *      every snapshot and the history window see it), compaction drops the
 *      versions it covers, and odb_range_dels_collect drops whole table files
 *      that lie inside [start, end) and were written before it, without
 *      reading them;
 *   4. when no table file holds a key in [start, end) any more, or a newer
 *      deletion below the horizon covers the same range, it is removed
 *      (manifest tag 17). */
#ifndef ODB_RANGE_DEL_H
#define ODB_RANGE_DEL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "coding.h"
#include "dbformat.h"
#include "status.h"

/* Manifest tags (see FORMAT.md). */
#define ODB_TAG_RANGE_DEL 16
#define ODB_TAG_RANGE_DEL_DROPPED 17

typedef struct odb_range_del {
    odb_seq seq;
    uint64_t log_number; /* the WAL that holds it while unflushed; 0 once persisted in the manifest */
    uint64_t file_mark;  /* table files numbered below this were written before it existed */
    int all_snapshots;   /* also for snapshots older than it, once visible (SQL's TRUNCATE) */
    odb_buf start, end;  /* user keys, [start, end) */
} odb_range_del;

typedef struct odb_rdset {
    _Atomic int refs;
    int n;
    odb_range_del *dels; /* by sequence, oldest first */
} odb_rdset;

/* An empty set with one reference; NULL on out-of-memory. */
odb_rdset *odb_rdset_new(void);
void odb_rdset_ref(odb_rdset *s);
/* Thread-safe; NULL is ignored. */
void odb_rdset_unref(odb_rdset *s);

odb_seq odb_rdset_covers_slow(const odb_rdset *s, odb_slice user_key, odb_seq key_seq, odb_seq read_seq,
                              odb_seq visible, uint64_t log_limit);
/* Whether a version (user_key, key_seq) is deleted for a reader at read_seq by a
 * deletion of the set whose log_number is below log_limit (UINT64_MAX: every
 * deletion; 1: persisted ones only): the sequence of the newest such deletion,
 * else 0 (sequences start at 1). A deletion for every snapshot counts once its
 * sequence is at or below visible (what the database had published when the
 * read began). Costs one test when the set is empty. */
static inline odb_seq odb_rdset_covers(const odb_rdset *s, odb_slice user_key, odb_seq key_seq, odb_seq read_seq,
                                       odb_seq visible, uint64_t log_limit) {
    return s == NULL || s->n == 0 ? 0 : odb_rdset_covers_slow(s, user_key, key_seq, read_seq, visible, log_limit);
}

/* Replaces *s by a copy with one more deletion. ODB_OK or ODB_NO_MEMORY (*s unchanged). */
int odb_rdset_add(odb_rdset **s, odb_seq seq, uint64_t log_number, uint64_t file_mark, int all_snapshots,
                  odb_slice start, odb_slice end);
/* Whether a deletion of the set is still only in WAL log_number. */
int odb_rdset_in_log(const odb_rdset *s, uint64_t log_number);
/* Appends a tag-16 record to out for every deletion held only in a WAL numbered
 * below log_limit: a manifest edit carrying them persists them once applied. */
int odb_rdset_encode_unpersisted(const odb_rdset *s, uint64_t log_limit, odb_buf *out);
/* Appends a tag-16 record for every persisted deletion (a new manifest's state). */
int odb_rdset_encode_persisted(const odb_rdset *s, odb_buf *out);
/* Copies one tagged field of a manifest edit (the tag already read from *in)
 * to out after checking its shape; ODB_CORRUPTION when malformed. */
int odb_rdset_decode_field(uint32_t tag, odb_slice *in, odb_buf *out, odb_error *err);
/* Applies the range-deletion fields of a manifest edit to *s (a copy replaces it):
 * tag 16 persists (or, in recovery, adds) a deletion, tag 17 removes one. */
int odb_rdset_apply_edit(odb_rdset **s, odb_slice fields, odb_error *err);

/* ---- the database's range deletions (db->mu held) ---- */
struct odb_db;
struct odb_batch;
/* Adds the range deletions of a batch whose sequence is set, written to the
 * current memtable's WAL, to the database's set. */
int odb_range_dels_add_batch(struct odb_db *db, const struct odb_batch *b, odb_error *err);
/* Below the horizon: drops table files wholly inside a persisted deletion and
 * written before it, and removes deletions nothing is left under, in one
 * manifest edit. 1 when it changed anything, else 0 (a failed edit becomes the
 * background error). Cheap when nothing changed since its last call. */
int odb_range_dels_collect(struct odb_db *db);
/* For a manual compaction: also drops table files wholly inside a deletion below
 * the horizon that were written after it (compacted while a snapshot still
 * needed their keys), after reading them to be sure every version in them is
 * older. Releases mu while it reads. 1 when it dropped a file. */
int odb_range_dels_drop_scanned(struct odb_db *db);
struct odb_file_meta;
/* A table file of a level >= 1, written before a deletion below the horizon,
 * that holds keys of its range: compacted on its own into its level, it gives
 * their space back when no other compaction would touch it (a table truncated
 * or dropped in a quiet database). NULL when there is none. */
struct odb_file_meta *odb_range_dels_pick_file(struct odb_db *db, int *level);

#endif
