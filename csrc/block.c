#include "block.h"

#include <stdlib.h>
#include <string.h>

#include "dbformat.h"
#include "status.h"

/* ---- builder ---------------------------------------------------------- */

void odb_block_builder_init(odb_block_builder *b, int restart_interval) {
    odb_buf_init(&b->buf);
    odb_buf_init(&b->restarts);
    odb_buf_init(&b->last_key);
    b->restart_interval = restart_interval < 1 ? 1 : restart_interval;
    b->counter = 0;
    b->num_entries = 0;
    b->finished = 0;
}

void odb_block_builder_free(odb_block_builder *b) {
    odb_buf_free(&b->buf);
    odb_buf_free(&b->restarts);
    odb_buf_free(&b->last_key);
}

void odb_block_builder_reset(odb_block_builder *b) {
    odb_buf_clear(&b->buf);
    odb_buf_clear(&b->restarts);
    odb_buf_clear(&b->last_key);
    b->counter = 0;
    b->num_entries = 0;
    b->finished = 0;
}

/* The first restart (offset 0) is implicit until finish, so that init cannot
 * fail; `restarts` holds the later ones. */
size_t odb_block_builder_size_estimate(const odb_block_builder *b) {
    return b->buf.len + 4 + b->restarts.len + 4;
}

int odb_block_builder_add(odb_block_builder *b, odb_slice key, odb_slice value) {
    if (key.size > UINT32_MAX || value.size > UINT32_MAX) {
        return ODB_INVALID_ARGUMENT;
    }
    size_t shared = 0;
    int restart = 0;
    if (b->counter < b->restart_interval) {
        size_t n = b->last_key.len < key.size ? b->last_key.len : key.size;
        while (shared < n && b->last_key.data[shared] == key.data[shared]) {
            shared++;
        }
    } else {
        restart = 1;
    }
    size_t unshared = key.size - shared;
    /* Offsets in the block are fixed32: refuse to grow past them. */
    uint64_t after = (uint64_t)odb_block_builder_size_estimate(b) + 15 + 4 + unshared + value.size;
    if (after > UINT32_MAX) {
        return ODB_INVALID_ARGUMENT;
    }
    if (restart) {
        if (odb_buf_put_fixed32(&b->restarts, (uint32_t)b->buf.len) != ODB_OK) {
            return ODB_NO_MEMORY;
        }
        b->counter = 0;
    }
    char hdr[15];
    size_t h = odb_encode_varint32(hdr, (uint32_t)shared);
    h += odb_encode_varint32(hdr + h, (uint32_t)unshared);
    h += odb_encode_varint32(hdr + h, (uint32_t)value.size);
    if (odb_buf_reserve(&b->buf, h + unshared + value.size) != ODB_OK) {
        return ODB_NO_MEMORY;
    }
    odb_buf_append(&b->buf, hdr, h);
    odb_buf_append(&b->buf, key.data + shared, unshared);
    odb_buf_append(&b->buf, value.data, value.size);
    b->last_key.len = shared;
    if (odb_buf_append(&b->last_key, key.data + shared, unshared) != ODB_OK) {
        /* The entry is in the block; only prefix sharing with the next key
         * depends on last_key, so force the next entry to be a restart. */
        b->last_key.len = 0;
        b->counter = b->restart_interval;
        b->num_entries++;
        return ODB_NO_MEMORY;
    }
    b->counter++;
    b->num_entries++;
    return ODB_OK;
}

int odb_block_builder_finish(odb_block_builder *b, odb_slice *out) {
    if (!b->finished) {
        size_t nrestarts = 1 + b->restarts.len / 4;
        if (odb_buf_reserve(&b->buf, 4 + b->restarts.len + 4) != ODB_OK) {
            return ODB_NO_MEMORY;
        }
        odb_buf_put_fixed32(&b->buf, 0);
        odb_buf_append(&b->buf, b->restarts.data, b->restarts.len);
        odb_buf_put_fixed32(&b->buf, (uint32_t)nrestarts);
        b->finished = 1;
    }
    *out = odb_buf_slice(&b->buf);
    return ODB_OK;
}

/* ---- parsed blocks ---------------------------------------------------- */

odb_block *odb_block_alloc(size_t capacity) {
    if (capacity > SIZE_MAX - sizeof(odb_block)) {
        return NULL;
    }
    odb_block *b = malloc(sizeof(odb_block) + capacity);
    if (b != NULL) {
        b->size = 0;
        b->restarts_off = 0;
        b->num_restarts = 0;
    }
    return b;
}

int odb_block_parse(odb_block *b, size_t size) {
    b->size = size;
    if (size < 4 || size > UINT32_MAX) {
        return -1;
    }
    uint32_t n = odb_decode_fixed32(b->data + size - 4);
    if (n == 0 || n > (size - 4) / 4) {
        return -1;
    }
    b->num_restarts = n;
    b->restarts_off = (uint32_t)(size - 4 - 4 * (size_t)n);
    return 0;
}

/* ---- cursor ----------------------------------------------------------- */

void odb_block_iter_init(odb_block_iter *it, const odb_block *b) {
    it->key = it->key_inline;
    it->key_cap = sizeof it->key_inline;
    it->key_len = 0;
    it->prev = NULL;
    it->prev_n = it->prev_cap = it->prev_pos = 0;
    odb_buf_init(&it->prev_keys);
    odb_block_iter_reset(it, b);
}

void odb_block_iter_reset(odb_block_iter *it, const odb_block *b) {
    it->data = b != NULL ? b->data : NULL;
    it->restarts_off = b != NULL ? b->restarts_off : 0;
    it->num_restarts = b != NULL ? b->num_restarts : 0;
    it->current = it->restarts_off;
    it->next_off = it->restarts_off;
    it->corrupt = 0;
    it->value = NULL;
    it->value_len = 0;
    it->key_len = 0;
    it->prev_n = 0;
}

void odb_block_iter_free(odb_block_iter *it) {
    if (it->key != it->key_inline) {
        free(it->key);
    }
    free(it->prev);
    it->prev = NULL;
    it->prev_n = it->prev_cap = it->prev_pos = 0;
    odb_buf_free(&it->prev_keys);
    it->key = it->key_inline;
    it->key_cap = sizeof it->key_inline;
    it->key_len = 0;
}

static void mark_corrupt(odb_block_iter *it, int code) {
    it->prev_n = 0;
    it->corrupt = code;
    it->current = it->restarts_off;
    it->next_off = it->restarts_off;
    it->key_len = 0;
    it->value_len = 0;
}

static void mark_end(odb_block_iter *it) {
    it->prev_n = 0;
    it->current = it->restarts_off;
    it->next_off = it->restarts_off;
    it->key_len = 0;
    it->value_len = 0;
}

static inline uint32_t restart_point(const odb_block_iter *it, uint32_t i) {
    return odb_decode_fixed32(it->data + it->restarts_off + 4 * (size_t)i);
}

/* Decodes the three lengths of the entry at p; NULL when they are malformed
 * or the key suffix and value do not fit before limit. */
static inline const char *decode_entry(const char *p, const char *limit, uint32_t *shared, uint32_t *unshared,
                                       uint32_t *vlen) {
    if (limit - p < 3) {
        return NULL;
    }
    const unsigned char *u = (const unsigned char *)p;
    if ((u[0] | u[1] | u[2]) < 128) {
        /* Common case: all three lengths are single-byte varints. */
        *shared = u[0];
        *unshared = u[1];
        *vlen = u[2];
        p += 3;
    } else {
        if ((p = odb_decode_varint32(p, limit, shared)) == NULL ||
            (p = odb_decode_varint32(p, limit, unshared)) == NULL ||
            (p = odb_decode_varint32(p, limit, vlen)) == NULL) {
            return NULL;
        }
    }
    if ((uint64_t)*unshared + *vlen > (uint64_t)(limit - p)) {
        return NULL;
    }
    return p;
}

static int grow_key(odb_block_iter *it, size_t need) {
    size_t cap = it->key_cap * 2;
    while (cap < need) {
        cap *= 2;
    }
    char *p = malloc(cap);
    if (p == NULL) {
        return -1;
    }
    memcpy(p, it->key, it->key_len);
    if (it->key != it->key_inline) {
        free(it->key);
    }
    it->key = p;
    it->key_cap = cap;
    return 0;
}

/* Decodes the entry at next_off and makes it current. Returns 1 when
 * positioned, 0 at the end of the block or on corruption. */
static int parse_next(odb_block_iter *it) {
    it->prev_n = 0;
    uint32_t off = it->next_off;
    if (off >= it->restarts_off) {
        mark_end(it);
        return 0;
    }
    const char *limit = it->data + it->restarts_off;
    uint32_t shared, unshared, vlen;
    const char *p = decode_entry(it->data + off, limit, &shared, &unshared, &vlen);
    /* Keys shorter than a trailer would make odb_ikey_compare read out of
     * bounds, so they are corruption too. */
    if (p == NULL || shared > it->key_len || (size_t)shared + unshared < ODB_TRAILER_SIZE) {
        mark_corrupt(it, 1);
        return 0;
    }
    size_t len = (size_t)shared + unshared;
    if (len > it->key_cap && grow_key(it, len) != 0) {
        mark_corrupt(it, -1);
        return 0;
    }
    memcpy(it->key + shared, p, unshared);
    it->key_len = len;
    it->value = p + unshared;
    it->value_len = vlen;
    it->current = off;
    it->next_off = (uint32_t)(it->value + vlen - it->data);
    return 1;
}

static int seek_to_restart(odb_block_iter *it, uint32_t index) {
    uint32_t off = restart_point(it, index);
    if (off > it->restarts_off) {
        mark_corrupt(it, 1);
        return 0;
    }
    it->key_len = 0;
    it->next_off = off;
    return 1;
}

void odb_block_iter_seek_first(odb_block_iter *it) {
    it->key_len = 0;
    it->next_off = 0;
    parse_next(it);
}

void odb_block_iter_seek_last(odb_block_iter *it) {
    if (it->num_restarts == 0 || !seek_to_restart(it, it->num_restarts - 1)) {
        return;
    }
    if (!parse_next(it)) {
        return;
    }
    while (it->next_off < it->restarts_off) {
        if (!parse_next(it)) {
            return;
        }
    }
}

void odb_block_iter_seek(odb_block_iter *it, odb_slice target) {
    /* Binary search for the last restart point whose key is < target; restart
     * keys are stored whole (shared = 0), so they are compared in place. */
    if (it->num_restarts == 0) {
        return;
    }
    uint32_t left = 0, right = it->num_restarts - 1;
    const char *limit = it->data + it->restarts_off;
    while (left < right) {
        uint32_t mid = left + (right - left + 1) / 2;
        uint32_t off = restart_point(it, mid);
        uint32_t shared, unshared, vlen;
        const char *p = off < it->restarts_off ? decode_entry(it->data + off, limit, &shared, &unshared, &vlen) : NULL;
        if (p == NULL || shared != 0 || unshared < ODB_TRAILER_SIZE) {
            mark_corrupt(it, 1);
            return;
        }
        if (odb_ikey_compare(odb_slice_make(p, unshared), target) < 0) {
            left = mid;
        } else {
            right = mid - 1;
        }
    }
    if (!seek_to_restart(it, left)) {
        return;
    }
    while (parse_next(it)) {
        if (odb_ikey_compare(odb_block_iter_key(it), target) >= 0) {
            return;
        }
    }
}

void odb_block_iter_next(odb_block_iter *it) {
    if (odb_block_iter_valid(it)) {
        parse_next(it);
    }
}

/* Appends the current entry to the prev() run cache; returns 0 when out of
 * memory (then the cache is dropped and prev() falls back to re-scanning). */
static int record_entry(odb_block_iter *it, size_t n) {
    if (n == it->prev_cap) {
        size_t cap = it->prev_cap ? it->prev_cap * 2 : 32;
        odb_block_iter_prev_entry *p = realloc(it->prev, cap * sizeof *p);
        if (p == NULL) {
            return 0;
        }
        it->prev = p;
        it->prev_cap = cap;
    }
    if (it->prev_keys.len + it->key_len > UINT32_MAX ||
        odb_buf_append(&it->prev_keys, it->key, it->key_len) != ODB_OK) {
        return 0;
    }
    odb_block_iter_prev_entry *e = &it->prev[n];
    e->off = it->current;
    e->next_off = it->next_off;
    e->key_pos = (uint32_t)(it->prev_keys.len - it->key_len);
    e->key_len = (uint32_t)it->key_len;
    e->value = it->value;
    e->value_len = it->value_len;
    return 1;
}

void odb_block_iter_prev(odb_block_iter *it) {
    uint32_t orig = it->current;
    if (orig >= it->restarts_off) {
        return;
    }
    if (it->prev_n > 0 && it->prev_pos > 0 && it->prev[it->prev_pos].off == orig) {
        /* Inside the cached run: step back without decoding. */
        const odb_block_iter_prev_entry *e = &it->prev[--it->prev_pos];
        memcpy(it->key, it->prev_keys.data + e->key_pos, e->key_len); /* key_cap >= any key seen */
        it->key_len = e->key_len;
        it->value = e->value;
        it->value_len = e->value_len;
        it->current = e->off;
        it->next_off = e->next_off;
        return;
    }
    /* Entries only link forward: restart from the last restart point before
     * the current entry and scan up to the entry just before it. */
    uint32_t lo = 0, hi = it->num_restarts;
    while (lo < hi) { /* first restart with offset >= orig */
        uint32_t mid = lo + (hi - lo) / 2;
        if (restart_point(it, mid) < orig) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        mark_end(it); /* was the first entry */
        return;
    }
    if (!seek_to_restart(it, lo - 1)) {
        return;
    }
    size_t n = 0;
    int caching = 1;
    odb_buf_clear(&it->prev_keys);
    do {
        if (!parse_next(it)) {
            if (!it->corrupt) {
                mark_corrupt(it, 1);
            }
            return;
        }
        if (caching) {
            caching = record_entry(it, n);
            n += (size_t)caching;
        }
    } while (it->next_off < orig);
    if (it->next_off != orig) {
        mark_corrupt(it, 1);
        return;
    }
    if (caching && n > 0) {
        it->prev_n = n;
        it->prev_pos = n - 1;
    }
}
