#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "bloom.h"
#include "crc32c.h"
#include "dbformat.h"
#include "env.h"
#include "lz4.h"

#define FOOTER_SIZE 48
#define BLOCK_TRAILER_SIZE 5
#define TABLE_MAGIC 0x0b17db5571ab1e01ull
#define TABLE_FORMAT_VERSION 1

enum { BLOCK_TYPE_RAW = 0, BLOCK_TYPE_LZ4 = 1 };
enum { KIND_DATA, KIND_INDEX, KIND_FILTER };

static const char *kind_name(int kind) {
    return kind == KIND_DATA ? "data" : kind == KIND_INDEX ? "index" : "filter";
}

typedef struct block_handle {
    uint64_t offset;
    uint64_t size; /* stored bytes, without the trailer */
} block_handle;

static int decode_handle(odb_slice in, block_handle *h) {
    return odb_get_varint64(&in, &h->offset) && odb_get_varint64(&in, &h->size) && in.size == 0;
}

/* ======================================================================
 * Builder
 * ====================================================================== */

struct odb_table_builder {
    odb_table_build_options opt;
    odb_writer *w; /* NULL once finished */
    odb_block_builder data;
    odb_block_builder index;
    odb_buf last_key;
    odb_buf scratch; /* compressed block / encoded handle */
    uint32_t *hashes; /* bloom hashes of distinct user keys */
    size_t nhashes;
    size_t hashes_cap;
    uint64_t num_entries;
    uint64_t final_size;
    odb_error status; /* first I/O or memory error; later calls repeat it */
    int finished;
};

int odb_table_builder_new(const char *path, const odb_table_build_options *opt, odb_table_builder **out,
                          odb_error *err) {
    odb_table_build_options o = {4096, 16, 0, ODB_COMPRESSION_NONE};
    if (opt != NULL) {
        o = *opt;
    }
    if (o.block_size == 0) {
        o.block_size = 4096;
    }
    if (o.block_restart_interval <= 0) {
        o.block_restart_interval = 16;
    }
    if (o.bloom_bits_per_key < 0 || o.bloom_bits_per_key > 1000) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "bloom_bits_per_key %d out of range", o.bloom_bits_per_key);
    }
    if (o.compression != ODB_COMPRESSION_NONE && o.compression != ODB_COMPRESSION_LZ4) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "unknown compression %d", o.compression);
    }
    odb_table_builder *b = calloc(1, sizeof *b);
    if (b == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory creating %s", path);
    }
    b->opt = o;
    odb_block_builder_init(&b->data, o.block_restart_interval);
    odb_block_builder_init(&b->index, 1);
    odb_buf_init(&b->last_key);
    odb_buf_init(&b->scratch);
    odb_error_clear(&b->status);
    int rc = odb_writer_open(path, &b->w, err);
    if (rc != ODB_OK) {
        b->w = NULL;
        odb_table_builder_free(b);
        return rc;
    }
    *out = b;
    return ODB_OK;
}

static int builder_fail(odb_table_builder *b, int rc, odb_error *err) {
    if (b->status.code == ODB_OK) {
        if (err != NULL && err->code == rc) {
            b->status = *err;
        } else {
            odb_error_set(&b->status, rc, "%s while building %s", odb_code_name(rc),
                          b->w != NULL ? odb_writer_path(b->w) : "table");
        }
    }
    if (err != NULL) {
        *err = b->status;
    }
    return rc;
}

static int builder_oom(odb_table_builder *b, odb_error *err) {
    odb_error e;
    odb_error_set(&e, ODB_NO_MEMORY, "out of memory building %s", odb_writer_path(b->w));
    if (err == NULL) {
        err = &e;
    } else {
        *err = e;
    }
    return builder_fail(b, ODB_NO_MEMORY, err);
}

/* Writes stored bytes + trailer; compresses when `compressible` and it pays. */
static int write_block(odb_table_builder *b, odb_slice contents, int compressible, block_handle *h, odb_error *err) {
    const char *stored = contents.data;
    size_t n = contents.size;
    unsigned char type = BLOCK_TYPE_RAW;
    if (compressible && b->opt.compression == ODB_COMPRESSION_LZ4 && n > 0 && n <= UINT32_MAX) {
        size_t bound = odb_lz4_bound(n);
        odb_buf_clear(&b->scratch);
        if (odb_buf_reserve(&b->scratch, 5 + bound) != ODB_OK) {
            return builder_oom(b, err);
        }
        size_t v = odb_encode_varint32(b->scratch.data, (uint32_t)n);
        size_t c = odb_lz4_compress(contents.data, n, b->scratch.data + v, bound);
        /* Decompression costs CPU on every read: only worth it when the block
         * shrinks by at least 1/8. */
        if (c > 0 && v + c <= n - n / 8) {
            stored = b->scratch.data;
            n = v + c;
            type = BLOCK_TYPE_LZ4;
        }
    }
    char trailer[BLOCK_TRAILER_SIZE];
    trailer[0] = (char)type;
    uint32_t crc = odb_crc32c_extend(odb_crc32c(stored, n), trailer, 1);
    odb_encode_fixed32(trailer + 1, odb_crc32c_mask(crc));
    h->offset = odb_writer_size(b->w);
    h->size = n;
    int rc = odb_writer_append(b->w, stored, n, err);
    if (rc == ODB_OK) {
        rc = odb_writer_append(b->w, trailer, sizeof trailer, err);
    }
    return rc == ODB_OK ? ODB_OK : builder_fail(b, rc, err);
}

static int flush_data_block(odb_table_builder *b, odb_error *err) {
    odb_slice contents;
    if (odb_block_builder_finish(&b->data, &contents) != ODB_OK) {
        return builder_oom(b, err);
    }
    block_handle h;
    int rc = write_block(b, contents, 1, &h, err);
    if (rc != ODB_OK) {
        return rc;
    }
    odb_block_builder_reset(&b->data);
    char enc[20];
    size_t n = odb_encode_varint64(enc, h.offset);
    n += odb_encode_varint64(enc + n, h.size);
    /* The block's last key is a valid upper bound for seeks into it. */
    rc = odb_block_builder_add(&b->index, odb_buf_slice(&b->last_key), odb_slice_make(enc, n));
    if (rc != ODB_OK) {
        return rc == ODB_NO_MEMORY ? builder_oom(b, err)
                                   : builder_fail(b, odb_error_set(err, rc, "%s: index block too large",
                                                                   odb_writer_path(b->w)),
                                                  err);
    }
    return ODB_OK;
}

int odb_table_builder_add(odb_table_builder *b, odb_slice ikey, odb_slice value, odb_error *err) {
    if (b->status.code != ODB_OK) {
        if (err != NULL) {
            *err = b->status;
        }
        return b->status.code;
    }
    if (b->finished) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "table builder already finished");
    }
    if (!odb_ikey_valid(ikey)) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "%s: malformed internal key of %zu bytes",
                             odb_writer_path(b->w), ikey.size);
    }
    int new_user_key = 1;
    if (b->num_entries > 0) {
        odb_slice last = odb_buf_slice(&b->last_key);
        if (odb_ikey_compare(ikey, last) <= 0) {
            return odb_error_set(err, ODB_INVALID_ARGUMENT, "%s: keys added out of order", odb_writer_path(b->w));
        }
        new_user_key = odb_slice_compare(odb_ikey_user(ikey), odb_ikey_user(last)) != 0;
    }
    if (b->opt.bloom_bits_per_key > 0 && new_user_key) {
        if (b->nhashes == b->hashes_cap) {
            size_t cap = b->hashes_cap ? b->hashes_cap * 2 : 1024;
            uint32_t *p = realloc(b->hashes, cap * sizeof *p);
            if (p == NULL) {
                return builder_oom(b, err);
            }
            b->hashes = p;
            b->hashes_cap = cap;
        }
        odb_slice u = odb_ikey_user(ikey);
        b->hashes[b->nhashes++] = odb_bloom_hash(u.data, u.size);
    }
    int rc = odb_block_builder_add(&b->data, ikey, value);
    if (rc == ODB_INVALID_ARGUMENT) {
        return builder_fail(b, odb_error_set(err, rc, "%s: entry too large for a block", odb_writer_path(b->w)), err);
    }
    if (rc != ODB_OK) {
        return builder_oom(b, err);
    }
    b->last_key.len = 0;
    if (odb_buf_append(&b->last_key, ikey.data, ikey.size) != ODB_OK) {
        return builder_oom(b, err);
    }
    b->num_entries++;
    if (odb_block_builder_size_estimate(&b->data) >= b->opt.block_size) {
        return flush_data_block(b, err);
    }
    return ODB_OK;
}

uint64_t odb_table_builder_file_size(const odb_table_builder *b) {
    if (b->w == NULL) {
        return b->final_size;
    }
    uint64_t n = odb_writer_size(b->w);
    if (!odb_block_builder_empty(&b->data)) {
        n += odb_block_builder_size_estimate(&b->data);
    }
    return n;
}

uint64_t odb_table_builder_num_entries(const odb_table_builder *b) { return b->num_entries; }

int odb_table_builder_finish(odb_table_builder *b, uint64_t *file_size, odb_error *err) {
    if (b->status.code != ODB_OK) {
        if (err != NULL) {
            *err = b->status;
        }
        return b->status.code;
    }
    if (b->finished || b->w == NULL) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "table builder already finished");
    }
    int rc;
    if (!odb_block_builder_empty(&b->data) && (rc = flush_data_block(b, err)) != ODB_OK) {
        return rc;
    }
    block_handle filter_h = {0, 0}, index_h;
    if (b->opt.bloom_bits_per_key > 0) {
        odb_buf filter;
        odb_buf_init(&filter);
        if (odb_bloom_build(b->hashes, b->nhashes, b->opt.bloom_bits_per_key, &filter) != ODB_OK) {
            odb_buf_free(&filter);
            return builder_oom(b, err);
        }
        rc = write_block(b, odb_buf_slice(&filter), 0, &filter_h, err);
        odb_buf_free(&filter);
        if (rc != ODB_OK) {
            return rc;
        }
    }
    odb_slice index;
    if (odb_block_builder_finish(&b->index, &index) != ODB_OK) {
        return builder_oom(b, err);
    }
    if ((rc = write_block(b, index, 0, &index_h, err)) != ODB_OK) {
        return rc;
    }
    char footer[FOOTER_SIZE];
    odb_encode_fixed64(footer, filter_h.offset);
    odb_encode_fixed64(footer + 8, filter_h.size);
    odb_encode_fixed64(footer + 16, index_h.offset);
    odb_encode_fixed64(footer + 24, index_h.size);
    odb_encode_fixed32(footer + 32, TABLE_FORMAT_VERSION);
    odb_encode_fixed32(footer + 36, 0);
    odb_encode_fixed64(footer + 40, TABLE_MAGIC);
    rc = odb_writer_append(b->w, footer, sizeof footer, err);
    if (rc == ODB_OK) {
        rc = odb_writer_sync(b->w, err);
    }
    if (rc != ODB_OK) {
        return builder_fail(b, rc, err);
    }
    b->final_size = odb_writer_size(b->w);
    odb_writer *w = b->w;
    b->w = NULL;
    b->finished = 1;
    rc = odb_writer_close(w, err);
    if (rc != ODB_OK) {
        return builder_fail(b, rc, err);
    }
    if (file_size != NULL) {
        *file_size = b->final_size;
    }
    return ODB_OK;
}

void odb_table_builder_free(odb_table_builder *b) {
    if (b == NULL) {
        return;
    }
    if (b->w != NULL) {
        odb_writer_close(b->w, NULL);
    }
    odb_block_builder_free(&b->data);
    odb_block_builder_free(&b->index);
    odb_buf_free(&b->last_key);
    odb_buf_free(&b->scratch);
    free(b->hashes);
    free(b);
}

/* ======================================================================
 * Reader
 * ====================================================================== */

struct odb_table {
    odb_reader *r;
    const char *path; /* owned by r */
    odb_cache *cache;
    odb_stats *stats;
    uint64_t cache_id;
    uint64_t file_size;
    uint64_t data_end; /* where the footer starts: no block extends past it */
    block_handle index_h;
    block_handle filter_h;
    int has_filter;
    int meta_in_cache; /* index/filter looked up in the cache on every use */
    /* Resident index and filter (owned when *_ch is NULL, else pinned in the
     * cache); NULL when meta_in_cache. */
    odb_block *index;
    odb_cache_handle *index_ch;
    odb_block *filter;
    odb_cache_handle *filter_ch;
};

/* A block in use: released through the cache handle, freed when owned, or
 * left alone when it is the table's resident copy. */
typedef struct block_ref {
    odb_block *block;
    odb_cache_handle *ch;
    int owned;
} block_ref;

static void block_deleter(void *v) { free(v); }

static void release_ref(odb_table *t, block_ref *ref) {
    if (ref->ch != NULL) {
        odb_cache_release(t->cache, ref->ch);
    } else if (ref->owned) {
        free(ref->block);
    }
    ref->block = NULL;
    ref->ch = NULL;
    ref->owned = 0;
}

static int corrupt(const odb_table *t, odb_error *err, const char *what, int kind, uint64_t offset) {
    return odb_error_set(err, ODB_CORRUPTION, "%s: %s in %s block at offset %llu", t->path, what, kind_name(kind),
                         (unsigned long long)offset);
}

/* Reads, verifies and (for LZ4) decompresses one block; parses data and
 * index blocks. The result is a new allocation owned by the caller. */
static int read_block_from_file(odb_table *t, block_handle h, int kind, odb_block **out, odb_error *err) {
    if (h.size > t->data_end || h.offset > t->data_end - h.size ||
        t->data_end - h.size - h.offset < BLOCK_TRAILER_SIZE) {
        return odb_error_set(err, ODB_CORRUPTION,
                             "%s: %s block handle (offset %llu, size %llu) extends beyond the file (%llu bytes)",
                             t->path, kind_name(kind), (unsigned long long)h.offset, (unsigned long long)h.size,
                             (unsigned long long)t->file_size);
    }
    size_t n = (size_t)h.size;
    odb_block *b = odb_block_alloc(n + BLOCK_TRAILER_SIZE);
    if (b == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "%s: out of memory reading %s block at offset %llu", t->path,
                             kind_name(kind), (unsigned long long)h.offset);
    }
    int rc = odb_reader_read(t->r, h.offset, n + BLOCK_TRAILER_SIZE, b->data, err);
    if (rc != ODB_OK) {
        free(b);
        return rc;
    }
    ODB_STAT_ADD(t->stats, table_bytes_read, n + BLOCK_TRAILER_SIZE);
    uint32_t stored_crc = odb_crc32c_unmask(odb_decode_fixed32(b->data + n + 1));
    if (odb_crc32c(b->data, n + 1) != stored_crc) {
        free(b);
        return corrupt(t, err, "block checksum mismatch", kind, h.offset);
    }
    unsigned char type = (unsigned char)b->data[n];
    size_t size = n;
    if (type == BLOCK_TYPE_LZ4) {
        uint32_t ulen;
        const char *q = odb_decode_varint32(b->data, b->data + n, &ulen);
        size_t payload = q != NULL ? n - (size_t)(q - b->data) : 0;
        /* LZ4 cannot expand more than ~255:1; a larger claim is corrupt and
         * must not drive a huge allocation. */
        if (q == NULL || (uint64_t)ulen > (uint64_t)payload * 255 + 16) {
            free(b);
            return corrupt(t, err, "bad LZ4 length header", kind, h.offset);
        }
        odb_block *u = odb_block_alloc(ulen);
        if (u == NULL) {
            free(b);
            return odb_error_set(err, ODB_NO_MEMORY, "%s: out of memory decompressing %s block at offset %llu",
                                 t->path, kind_name(kind), (unsigned long long)h.offset);
        }
        long got = odb_lz4_decompress(q, payload, u->data, ulen);
        free(b);
        if (got < 0 || (size_t)got != ulen) {
            free(u);
            return corrupt(t, err, "LZ4 payload does not decode to its stated length", kind, h.offset);
        }
        b = u;
        size = ulen;
    } else if (type != BLOCK_TYPE_RAW) {
        free(b);
        return corrupt(t, err, "unknown block type", kind, h.offset);
    }
    if (kind == KIND_FILTER) {
        b->size = size;
        if (!odb_bloom_valid(odb_slice_make(b->data, size))) {
            free(b);
            return corrupt(t, err, "malformed bloom filter", kind, h.offset);
        }
    } else if (odb_block_parse(b, size) != 0) {
        free(b);
        return corrupt(t, err, "malformed restart array", kind, h.offset);
    }
    *out = b;
    return ODB_OK;
}

static void stat_cache(odb_table *t, int kind, int hit) {
    if (hit) {
        ODB_STAT_ADD(t->stats, block_cache_hit, 1);
        if (kind == KIND_DATA) {
            ODB_STAT_ADD(t->stats, block_cache_data_hit, 1);
        } else if (kind == KIND_INDEX) {
            ODB_STAT_ADD(t->stats, block_cache_index_hit, 1);
        } else {
            ODB_STAT_ADD(t->stats, block_cache_filter_hit, 1);
        }
    } else {
        ODB_STAT_ADD(t->stats, block_cache_miss, 1);
        if (kind == KIND_DATA) {
            ODB_STAT_ADD(t->stats, block_cache_data_miss, 1);
        } else if (kind == KIND_INDEX) {
            ODB_STAT_ADD(t->stats, block_cache_index_miss, 1);
        } else {
            ODB_STAT_ADD(t->stats, block_cache_filter_miss, 1);
        }
    }
}

/* Gets a block through the cache when the table uses one for this kind,
 * else straight from the file (then the ref owns it). */
static int get_block_filling(odb_table *t, block_handle h, int kind, int fill, block_ref *ref, odb_error *err);

static int get_block(odb_table *t, block_handle h, int kind, block_ref *ref, odb_error *err) {
    return get_block_filling(t, h, kind, 1, ref, err);
}

/* get_block, a block read from the file going into the cache as fill (ODB_FILL_*) says; one not
 * added is the reader's own: for reads that pass once over much data, which would evict what
 * readers use. */
static int get_block_filling(odb_table *t, block_handle h, int kind, int fill, block_ref *ref, odb_error *err) {
    int use_cache = t->cache != NULL && (kind == KIND_DATA || t->meta_in_cache);
    if (use_cache) {
        odb_cache_handle *ch = odb_cache_lookup(t->cache, t->cache_id, h.offset);
        if (ch != NULL) {
            stat_cache(t, kind, 1);
            ref->block = odb_cache_value(ch);
            ref->ch = ch;
            ref->owned = 0;
            return ODB_OK;
        }
        stat_cache(t, kind, 0);
    }
    odb_block *b = NULL;
    int rc = read_block_from_file(t, h, kind, &b, err);
    if (rc != ODB_OK) {
        return rc;
    }
    odb_cache_handle *kept = NULL;
    if (use_cache && fill == ODB_FILL_IF_ROOM) {  /* NULL: no room (or memory), the reader keeps b */
        kept = odb_cache_insert_if_room(t->cache, t->cache_id, h.offset, b, sizeof(odb_block) + b->size,
                                        block_deleter);
    }
    if (kept != NULL) {
        ref->block = odb_cache_value(kept);
        ref->ch = kept;
        ref->owned = 0;
    } else if (use_cache && fill == ODB_FILL_LRU) {
        odb_cache_handle *ch =
            odb_cache_insert(t->cache, t->cache_id, h.offset, b, sizeof(odb_block) + b->size, block_deleter);
        if (ch == NULL) { /* the deleter has freed b */
            return odb_error_set(err, ODB_NO_MEMORY, "%s: out of memory caching %s block at offset %llu", t->path,
                                 kind_name(kind), (unsigned long long)h.offset);
        }
        ref->block = odb_cache_value(ch);
        ref->ch = ch;
        ref->owned = 0;
    } else {
        ref->block = b;
        ref->ch = NULL;
        ref->owned = 1;
    }
    return ODB_OK;
}

static int get_index(odb_table *t, block_ref *ref, odb_error *err) {
    if (t->index != NULL) {
        ref->block = t->index;
        ref->ch = NULL;
        ref->owned = 0;
        return ODB_OK;
    }
    return get_block(t, t->index_h, KIND_INDEX, ref, err);
}

static int get_filter(odb_table *t, block_ref *ref, odb_error *err) {
    if (t->filter != NULL) {
        ref->block = t->filter;
        ref->ch = NULL;
        ref->owned = 0;
        return ODB_OK;
    }
    return get_block(t, t->filter_h, KIND_FILTER, ref, err);
}

/* Loads a meta block at open: resident copy, pinned handle, or (unpinned
 * cache mode) read once to verify it and warm the cache. */
static int open_meta(odb_table *t, block_handle h, int kind, int pin, odb_block **block, odb_cache_handle **ch,
                     odb_error *err) {
    block_ref ref;
    int rc = get_block(t, h, kind, &ref, err);
    if (rc != ODB_OK) {
        return rc;
    }
    if (!t->meta_in_cache || pin) {
        *block = ref.block;
        *ch = ref.ch;
    } else {
        release_ref(t, &ref);
    }
    return ODB_OK;
}

int odb_table_open(const char *path, const odb_table_open_options *opt, odb_table **out, odb_error *err) {
    return odb_table_open_with_id(path, opt, 0, out, err);
}

int odb_table_open_with_id(const char *path, const odb_table_open_options *opt, uint64_t cache_id, odb_table **out,
                           odb_error *err) {
    odb_error local;
    if (err == NULL) {
        err = &local;
    }
    odb_table *t = calloc(1, sizeof *t);
    if (t == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory opening %s", path);
    }
    int rc = odb_reader_open(path, &t->r, err);
    if (rc != ODB_OK) {
        free(t);
        return rc;
    }
    t->path = odb_reader_path(t->r);
    t->file_size = odb_reader_size(t->r);
    if (opt != NULL) {
        t->cache = opt->cache;
        t->stats = opt->stats;
    }
    int pin = 0;
    if (t->cache != NULL) {
        t->cache_id = cache_id != 0 ? cache_id : odb_cache_new_id(t->cache);
        t->meta_in_cache = opt->cache_index_and_filter != 0;
        pin = t->meta_in_cache && opt->pin_index_and_filter;
    }
    if (t->file_size < FOOTER_SIZE) {
        rc = odb_error_set(err, ODB_CORRUPTION, "%s: file of %llu bytes is too short to be a table", t->path,
                           (unsigned long long)t->file_size);
        goto fail;
    }
    t->data_end = t->file_size - FOOTER_SIZE;
    char footer[FOOTER_SIZE];
    if ((rc = odb_reader_read(t->r, t->data_end, FOOTER_SIZE, footer, err)) != ODB_OK) {
        goto fail;
    }
    ODB_STAT_ADD(t->stats, table_bytes_read, FOOTER_SIZE);
    if (odb_decode_fixed64(footer + 40) != TABLE_MAGIC) {
        rc = odb_error_set(err, ODB_CORRUPTION, "%s: bad magic number in footer at offset %llu", t->path,
                           (unsigned long long)t->data_end);
        goto fail;
    }
    uint32_t version = odb_decode_fixed32(footer + 32);
    uint32_t reserved = odb_decode_fixed32(footer + 36);
    if (version != TABLE_FORMAT_VERSION || reserved != 0) {
        rc = odb_error_set(err, ODB_CORRUPTION, "%s: unsupported format version %u (reserved %u) in footer at offset %llu",
                           t->path, version, reserved, (unsigned long long)t->data_end);
        goto fail;
    }
    t->filter_h.offset = odb_decode_fixed64(footer);
    t->filter_h.size = odb_decode_fixed64(footer + 8);
    t->index_h.offset = odb_decode_fixed64(footer + 16);
    t->index_h.size = odb_decode_fixed64(footer + 24);
    t->has_filter = t->filter_h.offset != 0 || t->filter_h.size != 0;
    if ((rc = open_meta(t, t->index_h, KIND_INDEX, pin, &t->index, &t->index_ch, err)) != ODB_OK) {
        goto fail;
    }
    if (t->has_filter &&
        (rc = open_meta(t, t->filter_h, KIND_FILTER, pin, &t->filter, &t->filter_ch, err)) != ODB_OK) {
        goto fail;
    }
    *out = t;
    return ODB_OK;
fail:
    odb_table_close(t);
    return rc;
}

void odb_table_close(odb_table *t) {
    if (t == NULL) {
        return;
    }
    block_ref index = {t->index, t->index_ch, t->index_ch == NULL};
    block_ref filter = {t->filter, t->filter_ch, t->filter_ch == NULL};
    release_ref(t, &index);
    release_ref(t, &filter);
    odb_reader_close(t->r);
    free(t);
}

uint64_t odb_table_file_size(const odb_table *t) { return t->file_size; }

static int block_iter_error(const odb_table *t, const odb_block_iter *it, int kind, uint64_t offset, odb_error *err) {
    if (it->corrupt < 0) {
        return odb_error_set(err, ODB_NO_MEMORY, "%s: out of memory reading %s block at offset %llu", t->path,
                             kind_name(kind), (unsigned long long)offset);
    }
    return corrupt(t, err, "malformed entry", kind, offset);
}

int odb_table_get(odb_table *t, odb_slice lookup_ikey, int *found, odb_buf *ikey_out, odb_buf *value_out,
                  odb_error *err) {
    *found = 0;
    if (lookup_ikey.size < ODB_TRAILER_SIZE) {
        return odb_error_set(err, ODB_INVALID_ARGUMENT, "lookup key of %zu bytes is not an internal key",
                             lookup_ikey.size);
    }
    odb_slice user = odb_ikey_user(lookup_ikey);
    block_ref ref;
    int rc;
    if (t->has_filter) {
        if ((rc = get_filter(t, &ref, err)) != ODB_OK) {
            return rc;
        }
        int may = odb_bloom_may_match(odb_slice_make(ref.block->data, ref.block->size),
                                      odb_bloom_hash(user.data, user.size));
        release_ref(t, &ref);
        ODB_STAT_ADD(t->stats, bloom_checked, 1);
        if (!may) {
            ODB_STAT_ADD(t->stats, bloom_useful, 1);
            return ODB_OK;
        }
    }
    if ((rc = get_index(t, &ref, err)) != ODB_OK) {
        return rc;
    }
    odb_block_iter it;
    odb_block_iter_init(&it, ref.block);
    odb_block_iter_seek(&it, lookup_ikey);
    block_handle h;
    rc = ODB_OK;
    int have = 0;
    if (odb_block_iter_valid(&it)) {
        if (decode_handle(odb_block_iter_value(&it), &h)) {
            have = 1;
        } else {
            rc = corrupt(t, err, "bad block handle", KIND_INDEX, t->index_h.offset);
        }
    } else if (it.corrupt) {
        rc = block_iter_error(t, &it, KIND_INDEX, t->index_h.offset, err);
    }
    release_ref(t, &ref);
    if (!have) { /* past the last key, or an error */
        odb_block_iter_free(&it);
        return rc;
    }
    if ((rc = get_block(t, h, KIND_DATA, &ref, err)) != ODB_OK) {
        odb_block_iter_free(&it);
        return rc;
    }
    odb_block_iter_reset(&it, ref.block);
    odb_block_iter_seek(&it, lookup_ikey);
    if (odb_block_iter_valid(&it)) {
        odb_slice k = odb_block_iter_key(&it);
        if (odb_slice_compare(odb_ikey_user(k), user) == 0) {
            odb_slice v = odb_block_iter_value(&it);
            odb_buf_clear(ikey_out);
            odb_buf_clear(value_out);
            if (odb_buf_append(ikey_out, k.data, k.size) != ODB_OK ||
                odb_buf_append(value_out, v.data, v.size) != ODB_OK) {
                rc = odb_error_set(err, ODB_NO_MEMORY, "out of memory reading %s", t->path);
            } else {
                *found = 1;
            }
        }
    } else if (it.corrupt) {
        rc = block_iter_error(t, &it, KIND_DATA, h.offset, err);
    }
    release_ref(t, &ref);
    odb_block_iter_free(&it);
    return rc;
}

/* ======================================================================
 * Two-level iterator: index block -> data blocks
 * ====================================================================== */

typedef struct table_iter {
    odb_iter base;
    odb_table *t;
    block_ref index;
    odb_block_iter ii; /* over the index block */
    block_ref data;    /* the one data block held, if any */
    uint64_t data_off;
    odb_block_iter di; /* over `data` */
    odb_error err;     /* sticky: once set the iterator stays invalid */
    int fill_cache;
} table_iter;

static void ti_drop_data(table_iter *ti) {
    release_ref(ti->t, &ti->data);
    odb_block_iter_reset(&ti->di, NULL);
}

static void ti_set_iter_error(table_iter *ti, const odb_block_iter *it, int kind, uint64_t offset) {
    block_iter_error(ti->t, it, kind, offset, &ti->err);
    ti_drop_data(ti);
}

/* After the index cursor moved: loads the data block it points to (keeping
 * the current one when it is the same). Returns 1 when a block is loaded. */
static int ti_load_data(table_iter *ti) {
    if (!odb_block_iter_valid(&ti->ii)) {
        if (ti->ii.corrupt) {
            ti_set_iter_error(ti, &ti->ii, KIND_INDEX, ti->t->index_h.offset);
        } else {
            ti_drop_data(ti);
        }
        return 0;
    }
    block_handle h;
    if (!decode_handle(odb_block_iter_value(&ti->ii), &h)) {
        corrupt(ti->t, &ti->err, "bad block handle", KIND_INDEX, ti->t->index_h.offset);
        ti_drop_data(ti);
        return 0;
    }
    if (ti->data.block != NULL && ti->data_off == h.offset) {
        return 1;
    }
    ti_drop_data(ti);
    if (get_block_filling(ti->t, h, KIND_DATA, ti->fill_cache, &ti->data, &ti->err) != ODB_OK) {
        ti->data.block = NULL;
        return 0;
    }
    ti->data_off = h.offset;
    odb_block_iter_reset(&ti->di, ti->data.block);
    return 1;
}

static void ti_skip_forward(table_iter *ti) {
    while (!odb_block_iter_valid(&ti->di)) {
        if (ti->di.corrupt) {
            ti_set_iter_error(ti, &ti->di, KIND_DATA, ti->data_off);
            return;
        }
        odb_block_iter_next(&ti->ii);
        if (!ti_load_data(ti)) {
            return;
        }
        odb_block_iter_seek_first(&ti->di);
    }
}

static void ti_skip_backward(table_iter *ti) {
    while (!odb_block_iter_valid(&ti->di)) {
        if (ti->di.corrupt) {
            ti_set_iter_error(ti, &ti->di, KIND_DATA, ti->data_off);
            return;
        }
        odb_block_iter_prev(&ti->ii);
        if (!ti_load_data(ti)) {
            return;
        }
        odb_block_iter_seek_last(&ti->di);
    }
}

static int ti_valid(const odb_iter *it) {
    const table_iter *ti = (const table_iter *)it;
    return ti->err.code == ODB_OK && odb_block_iter_valid(&ti->di);
}

static void ti_seek_first(odb_iter *it) {
    table_iter *ti = (table_iter *)it;
    if (ti->err.code != ODB_OK) {
        return;
    }
    odb_block_iter_seek_first(&ti->ii);
    if (ti_load_data(ti)) {
        odb_block_iter_seek_first(&ti->di);
        ti_skip_forward(ti);
    }
}

static void ti_seek_last(odb_iter *it) {
    table_iter *ti = (table_iter *)it;
    if (ti->err.code != ODB_OK) {
        return;
    }
    odb_block_iter_seek_last(&ti->ii);
    if (ti_load_data(ti)) {
        odb_block_iter_seek_last(&ti->di);
        ti_skip_backward(ti);
    }
}

static void ti_seek(odb_iter *it, odb_slice target) {
    table_iter *ti = (table_iter *)it;
    if (ti->err.code != ODB_OK) {
        return;
    }
    if (target.size < ODB_TRAILER_SIZE) {
        odb_error_set(&ti->err, ODB_INVALID_ARGUMENT, "seek target of %zu bytes is not an internal key", target.size);
        ti_drop_data(ti);
        return;
    }
    odb_block_iter_seek(&ti->ii, target);
    if (ti_load_data(ti)) {
        odb_block_iter_seek(&ti->di, target);
        ti_skip_forward(ti);
    }
}

static void ti_next(odb_iter *it) {
    table_iter *ti = (table_iter *)it;
    if (ti_valid(it)) {
        odb_block_iter_next(&ti->di);
        ti_skip_forward(ti);
    }
}

static void ti_prev(odb_iter *it) {
    table_iter *ti = (table_iter *)it;
    if (ti_valid(it)) {
        odb_block_iter_prev(&ti->di);
        ti_skip_backward(ti);
    }
}

static odb_slice ti_key(const odb_iter *it) { return odb_block_iter_key(&((const table_iter *)it)->di); }
static odb_slice ti_value(const odb_iter *it) { return odb_block_iter_value(&((const table_iter *)it)->di); }

static int ti_status(const odb_iter *it, odb_error *err) {
    const table_iter *ti = (const table_iter *)it;
    if (ti->err.code != ODB_OK && err != NULL) {
        *err = ti->err;
    }
    return ti->err.code;
}

static void ti_destroy(odb_iter *it) {
    table_iter *ti = (table_iter *)it;
    release_ref(ti->t, &ti->data);
    release_ref(ti->t, &ti->index);
    odb_block_iter_free(&ti->di);
    odb_block_iter_free(&ti->ii);
    free(ti);
}

static const odb_iter_ops table_iter_ops = {
    ti_seek_first, ti_seek_last, ti_seek, ti_next, ti_prev, ti_valid, ti_key, ti_value, ti_status, ti_destroy,
};

odb_iter *odb_table_iter_new(odb_table *t) { return odb_table_iter_new_filling(t, 1); }

odb_iter *odb_table_iter_new_filling(odb_table *t, int fill_cache) {
    table_iter *ti = calloc(1, sizeof *ti);
    if (ti == NULL) {
        return NULL;
    }
    odb_error err;
    odb_error_clear(&err);
    /* Holding the index for the iterator's life keeps an unpinned cached
     * index from being re-read on every block boundary. */
    if (get_index(t, &ti->index, &err) != ODB_OK) {
        free(ti);
        return odb_iter_new_error(&err);
    }
    ti->base.ops = &table_iter_ops;
    ti->t = t;
    ti->fill_cache = fill_cache;
    odb_error_clear(&ti->err);
    odb_block_iter_init(&ti->ii, ti->index.block);
    odb_block_iter_init(&ti->di, NULL);
    return &ti->base;
}
