/* picker.c - level targets that follow the data, compaction scores, and the
 * inputs of automatic and manual compactions (picker.h). */
#include "picker.h"

#include <stdlib.h>
#include <string.h>

static odb_slice smallest_user(const odb_file_meta *f) { return odb_ikey_user(odb_buf_slice(&f->smallest)); }
static odb_slice largest_user(const odb_file_meta *f) { return odb_ikey_user(odb_buf_slice(&f->largest)); }

int odb_file_in_range(const odb_file_meta *f, const odb_slice *begin, const odb_slice *end) {
    return (begin == NULL || odb_slice_compare(largest_user(f), *begin) >= 0) &&
           (end == NULL || odb_slice_compare(smallest_user(f), *end) <= 0);
}

void odb_level_targets_compute(const odb_version *v, const odb_options *opt, odb_level_targets *out) {
    const int last = ODB_NUM_LEVELS - 1;
    uint64_t biggest = 0;
    int first = 0;
    for (int l = 1; l <= last; l++) {
        if (v->level_bytes[l] > 0) {
            if (first == 0) {
                first = l;
            }
            if (v->level_bytes[l] > biggest) {
                biggest = v->level_bytes[l];
            }
        }
    }
    /* The base level targets max_bytes_for_level_base, but not more than what one level-0
     * compaction brings (RocksDB's tuning advice, applied here): a base level much bigger than
     * that is rewritten whole by every level-0 compaction. */
    uint64_t l0_bytes = (uint64_t)opt->write_buffer_size * (uint64_t)opt->min_write_buffer_number_to_merge *
                        (uint64_t)opt->level0_file_num_compaction_trigger;
    uint64_t base_max = opt->max_bytes_for_level_base < l0_bytes ? opt->max_bytes_for_level_base : l0_bytes;
    uint64_t base_min = base_max / ODB_LEVEL_MULTIPLIER > 0 ? base_max / ODB_LEVEL_MULTIPLIER : 1;
    int base = last;
    if (biggest > 0) {
        /* the target of the first non-empty level if the biggest level were the last */
        double cur = (double)biggest;
        for (int l = last - 1; l >= first; l--) {
            cur /= ODB_LEVEL_MULTIPLIER;
        }
        base = first;
        if (cur > (double)base_min) {
            while (base > 1 && cur > (double)base_max) {
                base--;
                cur /= ODB_LEVEL_MULTIPLIER;
            }
        }
    }
    out->base_level = base;
    uint64_t size = base_max;
    for (int l = 0; l <= last; l++) {
        out->max_bytes[l] = UINT64_MAX;
        out->score[l] = 0.0;
    }
    /* No level below the base targets less than the base: with a small last level, the upper
     * levels would otherwise be smaller than level 0 (an hourglass). */
    for (int l = base; l <= last; l++) {
        out->max_bytes[l] = size;
        size = size > UINT64_MAX / ODB_LEVEL_MULTIPLIER ? UINT64_MAX : size * ODB_LEVEL_MULTIPLIER;
    }
    int l0_files = 0;
    for (int i = 0; i < v->nfiles[0]; i++) {
        l0_files += !v->files[0][i]->being_compacted;
    }
    out->score[0] = (double)l0_files / (double)opt->level0_file_num_compaction_trigger;
    for (int l = base; l < last; l++) {
        uint64_t bytes = 0;
        for (int i = 0; i < v->nfiles[l]; i++) {
            if (!v->files[l][i]->being_compacted) {
                bytes += v->files[l][i]->file_size;
            }
        }
        out->score[l] = (double)bytes / (double)out->max_bytes[l];
    }
}

/* ---- building a compaction ---- */

static odb_compaction *compaction_new(odb_version *v, int level, int out_level) {
    odb_compaction *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->level = level;
    c->out_level = out_level;
    c->inputs[0] = malloc((size_t)(v->nfiles[level] ? v->nfiles[level] : 1) * sizeof(odb_file_meta *));
    c->inputs[1] = malloc((size_t)(v->nfiles[out_level] ? v->nfiles[out_level] : 1) * sizeof(odb_file_meta *));
    if (c->inputs[0] == NULL || c->inputs[1] == NULL) {
        free(c->inputs[0]);
        free(c->inputs[1]);
        free(c);
        return NULL;
    }
    odb_version_ref(v);
    c->version = v;
    return c;
}

void odb_compaction_free(odb_compaction *c) {
    if (c == NULL) {
        return;
    }
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < c->ninputs[i]; j++) {
            c->inputs[i][j]->being_compacted = 0;
        }
        free(c->inputs[i]);
    }
    odb_version_unref(c->version);
    free(c);
}

/* Adds the files of out_level that overlap the user keys of inputs[0]; 0 when one of them (or
 * an input) is being compacted already, then the caller frees c. Marks every input. */
static int complete(odb_compaction *c) {
    odb_version *v = c->version;
    odb_slice lo = smallest_user(c->inputs[0][0]), hi = largest_user(c->inputs[0][0]);
    for (int i = 0; i < c->ninputs[0]; i++) {
        odb_file_meta *f = c->inputs[0][i];
        if (f->being_compacted) {
            c->ninputs[0] = 0; /* not ours to clear */
            return 0;
        }
        if (odb_slice_compare(smallest_user(f), lo) < 0) {
            lo = smallest_user(f);
        }
        if (odb_slice_compare(largest_user(f), hi) > 0) {
            hi = largest_user(f);
        }
    }
    for (int i = 0; i < v->nfiles[c->out_level]; i++) {
        odb_file_meta *f = v->files[c->out_level][i];
        if (odb_file_in_range(f, &lo, &hi)) {
            if (f->being_compacted) {
                c->ninputs[0] = c->ninputs[1] = 0;
                return 0;
            }
            c->inputs[1][c->ninputs[1]++] = f;
        }
    }
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < c->ninputs[i]; j++) {
            c->inputs[i][j]->being_compacted = 1;
            c->input_bytes += c->inputs[i][j]->file_size;
        }
    }
    return 1;
}

/* The file of level (>= 1) whose rewrite costs least per byte moved down: the smallest ratio
 * of overlapping bytes in the next level to its own size (RocksDB's kMinOverlappingRatio). */
static int least_overlapping(const odb_version *v, int level) {
    int best = -1;
    double best_ratio = 0.0;
    int n = v->nfiles[level], m = v->nfiles[level + 1];
    odb_file_meta **below = v->files[level + 1];
    int j = 0; /* both levels are sorted: the first candidate below only moves forward */
    for (int i = 0; i < n; i++) {
        odb_file_meta *f = v->files[level][i];
        while (j < m && odb_slice_compare(largest_user(below[j]), smallest_user(f)) < 0) {
            j++;
        }
        uint64_t overlap = 0;
        int busy = f->being_compacted;
        for (int k = j; k < m && odb_slice_compare(smallest_user(below[k]), largest_user(f)) <= 0; k++) {
            overlap += below[k]->file_size;
            busy |= below[k]->being_compacted;
        }
        if (busy) {
            continue;
        }
        double ratio = (double)overlap / (double)(f->file_size ? f->file_size : 1);
        if (best < 0 || ratio < best_ratio) {
            best = i;
            best_ratio = ratio;
        }
    }
    return best;
}

odb_compaction *odb_pick_compaction(odb_version *v, const odb_options *opt) {
    odb_level_targets t;
    odb_level_targets_compute(v, opt, &t);
    int level = -1;
    double best = 0.0;
    for (int l = 0; l < ODB_NUM_LEVELS - 1; l++) { /* ties go to the upper level */
        if (t.score[l] >= 1.0 && t.score[l] > best) {
            best = t.score[l];
            level = l;
        }
    }
    if (level < 0) {
        return NULL;
    }
    odb_compaction *c = compaction_new(v, level, level == 0 ? t.base_level : level + 1);
    if (c == NULL) {
        return NULL;
    }
    if (level == 0) {
        for (int i = 0; i < v->nfiles[0]; i++) {
            c->inputs[0][c->ninputs[0]++] = v->files[0][i];
        }
    } else {
        int pick = least_overlapping(v, level);
        if (pick >= 0) {
            c->inputs[0][c->ninputs[0]++] = v->files[level][pick];
        }
    }
    if (c->ninputs[0] == 0 || !complete(c)) {
        odb_compaction_free(c);
        return NULL;
    }
    c->trivial_move = c->ninputs[0] == 1 && c->ninputs[1] == 0;
    return c;
}

odb_compaction *odb_pick_range(odb_version *v, const odb_options *opt, int level, const odb_slice *begin,
                               const odb_slice *end, int *busy) {
    *busy = 0;
    int any = 0;
    for (int i = 0; i < v->nfiles[level]; i++) {
        any |= odb_file_in_range(v->files[level][i], begin, end);
    }
    if (!any || level >= ODB_NUM_LEVELS - 1) {
        return NULL;
    }
    int out_level = level + 1;
    if (level == 0) {
        odb_level_targets t;
        odb_level_targets_compute(v, opt, &t);
        out_level = t.base_level;
    }
    odb_compaction *c = compaction_new(v, level, out_level);
    if (c == NULL) {
        return NULL;
    }
    for (int i = 0; i < v->nfiles[level]; i++) {
        if (level == 0 || odb_file_in_range(v->files[level][i], begin, end)) {
            c->inputs[0][c->ninputs[0]++] = v->files[level][i];
        }
    }
    if (!complete(c)) {
        *busy = 1;
        odb_compaction_free(c);
        return NULL;
    }
    return c;
}

/* ---- periodic compaction (periodic_compaction_seconds) ---- */

/* The oldest file written more than the period before now, not being compacted; NULL if none. */
static odb_file_meta *oldest_due(const odb_version *v, const odb_options *opt, int64_t now, int *level) {
    odb_file_meta *best = NULL;
    int64_t cutoff = now - (int64_t)opt->periodic_compaction_seconds;
    for (int l = 0; l < ODB_NUM_LEVELS; l++) {
        for (int i = 0; i < v->nfiles[l]; i++) {
            odb_file_meta *f = v->files[l][i];
            if (!f->being_compacted && f->created <= cutoff && (best == NULL || f->created < best->created)) {
                best = f;
                *level = l;
            }
        }
    }
    return best;
}

odb_compaction *odb_pick_periodic(odb_version *v, const odb_options *opt, int64_t now) {
    int level = 0;
    odb_file_meta *f = opt->periodic_compaction_seconds > 0 ? oldest_due(v, opt, now, &level) : NULL;
    if (f == NULL) {
        return NULL;
    }
    const int last = ODB_NUM_LEVELS - 1;
    odb_compaction *c;
    if (level == last) {
        /* the last level compacts into itself: no inputs from the level above */
        c = compaction_new(v, last - 1, last);
        if (c == NULL) {
            return NULL;
        }
        c->inputs[1][c->ninputs[1]++] = f;
        f->being_compacted = 1;
        c->input_bytes = f->file_size;
        return c;
    }
    odb_level_targets t;
    odb_level_targets_compute(v, opt, &t);
    c = compaction_new(v, level, level == 0 ? t.base_level : level + 1);
    if (c == NULL) {
        return NULL;
    }
    if (level == 0) { /* all of level 0, as an older level-0 file left behind would hide newer ones */
        for (int i = 0; i < v->nfiles[0]; i++) {
            c->inputs[0][c->ninputs[0]++] = v->files[0][i];
        }
    } else {
        c->inputs[0][c->ninputs[0]++] = f;
    }
    if (!complete(c)) {
        odb_compaction_free(c);
        return NULL;
    }
    return c; /* never a trivial move: the point is to rewrite */
}

int64_t odb_periodic_next_due(const odb_version *v, const odb_options *opt, int64_t now) {
    if (opt->periodic_compaction_seconds == 0) {
        return -1;
    }
    int64_t next = -1;
    for (int l = 0; l < ODB_NUM_LEVELS; l++) {
        for (int i = 0; i < v->nfiles[l]; i++) {
            int64_t due = v->files[l][i]->created + (int64_t)opt->periodic_compaction_seconds - now;
            if (next < 0 || due < next) {
                next = due < 0 ? 0 : due;
            }
        }
    }
    return next;
}
