/* block.h - the block format shared by table data and index blocks: entries
 * with prefix-compressed keys, a restart array and a restart count (the bytes
 * are described in FORMAT.md, "Table files").
 *
 * odb_block_builder accumulates one block in memory; it owns its buffers and
 * is used by one thread. odb_block is one parsed, immutable block in a single
 * malloc'd allocation (free() it, or let the block cache's deleter do so); it
 * may be read by any number of threads. odb_block_iter is a cursor over a
 * block that it borrows: the block must outlive the cursor. A cursor is used
 * by one thread, lives wherever its owner puts it (stack or heap, but it must
 * not be moved while in use, because its key buffer may point into itself)
 * and allocates only when a key outgrows its inline buffer. */
#ifndef ODB_BLOCK_H
#define ODB_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "coding.h"

typedef struct odb_block_builder {
    odb_buf buf;      /* entries so far */
    odb_buf restarts; /* fixed32 restart offsets, appended at finish */
    odb_buf last_key;
    int restart_interval;
    int counter; /* entries since the last restart */
    uint64_t num_entries;
    int finished;
} odb_block_builder;

void odb_block_builder_init(odb_block_builder *b, int restart_interval);
void odb_block_builder_free(odb_block_builder *b);
/* Empties the builder for the next block, keeping its memory. */
void odb_block_builder_reset(odb_block_builder *b);
/* Keys must be added in increasing order (not checked here). ODB_OK,
 * ODB_NO_MEMORY, or ODB_INVALID_ARGUMENT when the block would exceed 4 GiB. */
int odb_block_builder_add(odb_block_builder *b, odb_slice key, odb_slice value);
/* Size of the block if it were finished now. */
size_t odb_block_builder_size_estimate(const odb_block_builder *b);
static inline int odb_block_builder_empty(const odb_block_builder *b) { return b->num_entries == 0; }
/* Appends the restart array; *out views the builder's memory until reset. */
int odb_block_builder_finish(odb_block_builder *b, odb_slice *out);

/* A block held in memory: header and contents in one allocation. */
typedef struct odb_block {
    size_t size;           /* bytes of contents */
    uint32_t restarts_off; /* start of the restart array (data/index blocks) */
    uint32_t num_restarts;
    char data[]; /* contents (room for the on-disk trailer when read raw) */
} odb_block;

/* Allocates a block with room for `capacity` content bytes; NULL on OOM. */
odb_block *odb_block_alloc(size_t capacity);
/* Checks the restart count and sets restarts_off/num_restarts for a block of
 * `size` content bytes. Returns 0 when well formed, -1 when malformed. */
int odb_block_parse(odb_block *b, size_t size);

#define ODB_BLOCK_ITER_INLINE_KEY 128

/* One entry of the restart run that prev() decoded last. */
typedef struct odb_block_iter_prev_entry {
    uint32_t off, next_off;
    uint32_t key_pos, key_len; /* in prev_keys */
    uint32_t value_len;
    const char *value;
} odb_block_iter_prev_entry;

typedef struct odb_block_iter {
    const char *data;
    uint32_t restarts_off;
    uint32_t num_restarts;
    uint32_t current;  /* offset of the current entry; restarts_off when invalid */
    uint32_t next_off; /* offset just past the current entry */
    int corrupt;       /* a malformed entry or restart offset was found */
    const char *value;
    uint32_t value_len;
    char *key; /* key_inline or a malloc'd buffer */
    size_t key_len;
    size_t key_cap;
    /* Entries only link forward, so prev() decodes a whole restart run; it
     * keeps that run here (malloc'd on first use, reused) so that further
     * prev() calls inside the run are O(1). prev_n == 0: nothing cached. */
    odb_block_iter_prev_entry *prev;
    size_t prev_n, prev_cap, prev_pos;
    odb_buf prev_keys;
    char key_inline[ODB_BLOCK_ITER_INLINE_KEY];
} odb_block_iter;

/* Points the cursor at a parsed block (which it borrows; NULL: an empty
 * block); invalid until a seek. */
void odb_block_iter_init(odb_block_iter *it, const odb_block *b);
/* Re-targets a cursor at another block, keeping its key buffer. */
void odb_block_iter_reset(odb_block_iter *it, const odb_block *b);
void odb_block_iter_free(odb_block_iter *it);

static inline int odb_block_iter_valid(const odb_block_iter *it) { return it->current < it->restarts_off; }
static inline odb_slice odb_block_iter_key(const odb_block_iter *it) { return odb_slice_make(it->key, it->key_len); }
static inline odb_slice odb_block_iter_value(const odb_block_iter *it) {
    return odb_slice_make(it->value, it->value_len);
}

/* The cursor becomes invalid at either end or on a malformed block (then
 * `corrupt` is set; a block iterator never reads outside its block). Keys are
 * internal keys compared with odb_ikey_compare; ODB_NO_MEMORY while growing the
 * key buffer is reported as corrupt = -1. */
void odb_block_iter_seek_first(odb_block_iter *it);
void odb_block_iter_seek_last(odb_block_iter *it);
void odb_block_iter_seek(odb_block_iter *it, odb_slice target);
void odb_block_iter_next(odb_block_iter *it);
void odb_block_iter_prev(odb_block_iter *it);

#endif
