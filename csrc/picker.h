/* picker.h - which compaction runs next: level targets that follow the data
 * (RocksDB's level_compaction_dynamic_level_bytes), a score per level, and the
 * input files of an automatic or a manual (key range) compaction.
 *
 * Level sizing: the last level (ODB_NUM_LEVELS - 1) holds most of the data;
 * each level above it targets a tenth of the one below, and level 0 compacts
 * into the "base level", the highest level whose target is at least a tenth of
 * the base target (levels between 1 and the base stay empty). The base target
 * is max_bytes_for_level_base, capped at the bytes one level-0 compaction
 * brings (write_buffer_size x min_write_buffer_number_to_merge x
 * level0_file_num_compaction_trigger; with the defaults both are 256 MiB). So
 * the base level stays small and an L0 compaction rewrites little of it,
 * whatever the size of the database.
 *
 * Pure functions of a version and the options: the caller holds the db mutex
 * and marks nothing itself (odb_pick_* set being_compacted on the inputs;
 * odb_compaction_free clears it). */
#ifndef ODB_PICKER_H
#define ODB_PICKER_H

#include <stdint.h>

#include "db.h"
#include "version.h"

#define ODB_LEVEL_MULTIPLIER 10

typedef struct odb_level_targets {
    int base_level;                      /* where level 0 compacts to */
    uint64_t max_bytes[ODB_NUM_LEVELS];  /* UINT64_MAX above the base level */
    double score[ODB_NUM_LEVELS];        /* >= 1: the level is due (the last level never is) */
} odb_level_targets;

typedef struct odb_compaction {
    int level;     /* inputs[0] are from level, inputs[1] from out_level */
    int out_level;
    odb_file_meta **inputs[2];
    int ninputs[2];
    odb_version *version; /* pinned */
    int trivial_move;     /* one file, nothing to merge with: moved by a manifest edit */
    uint64_t input_bytes;
} odb_compaction;

void odb_level_targets_compute(const odb_version *v, const odb_options *opt, odb_level_targets *out);

/* The most urgent automatic compaction, or NULL when no level is due (or on
 * out-of-memory: nothing is lost, the next call tries again). */
odb_compaction *odb_pick_compaction(odb_version *v, const odb_options *opt);

/* A manual compaction of the files of level that overlap the user keys
 * [begin, end] (NULL: unbounded), into the base level (level 0) or the next
 * level; NULL when level holds no such file. Level 0 takes every level-0 file
 * when one overlaps (an older overlapping file left behind would hide newer
 * versions moved below it). Never a trivial move: a manual compaction is asked
 * for to rewrite (drop dead versions). *busy is set when a file it needs is
 * being compacted (then NULL). */
odb_compaction *odb_pick_range(odb_version *v, const odb_options *opt, int level, const odb_slice *begin,
                               const odb_slice *end, int *busy);

void odb_compaction_free(odb_compaction *c);

/* periodic_compaction_seconds: a compaction of the oldest table written more than that many
 * seconds before now (Unix seconds), or NULL (off, none due, or its files busy). As RocksDB's:
 * a table of level 0 takes all of level 0 into the base level, one of a middle level goes to the
 * next level with what it overlaps there, one of the last level is rewritten in place; never a
 * trivial move, so deletion markers and versions no snapshot needs are dropped. */
odb_compaction *odb_pick_periodic(odb_version *v, const odb_options *opt, int64_t now);
/* Seconds until the next table is due for periodic compaction (0: now), or -1 (off or no tables). */
int64_t odb_periodic_next_due(const odb_version *v, const odb_options *opt, int64_t now);

/* Whether f's user keys meet [begin, end] (NULL: unbounded). */
int odb_file_in_range(const odb_file_meta *f, const odb_slice *begin, const odb_slice *end);

#endif
