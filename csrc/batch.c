#include "batch.h"

#include <string.h>

static void set_count(odb_batch *b, uint32_t n) { odb_encode_fixed32(b->rep.data + 8, n); }

int odb_batch_init(odb_batch *b) {
    odb_buf_init(&b->rep);
    if (odb_buf_reserve(&b->rep, 64) != ODB_OK) {
        return ODB_NO_MEMORY;
    }
    memset(b->rep.data, 0, ODB_BATCH_HEADER);
    b->rep.len = ODB_BATCH_HEADER;
    b->range_dels = 0;
    return ODB_OK;
}

void odb_batch_destroy(odb_batch *b) { odb_buf_free(&b->rep); }

void odb_batch_clear(odb_batch *b) {
    memset(b->rep.data, 0, ODB_BATCH_HEADER);
    b->rep.len = ODB_BATCH_HEADER;
    b->range_dels = 0;
}

uint32_t odb_batch_count(const odb_batch *b) { return odb_decode_fixed32(b->rep.data + 8); }
size_t odb_batch_byte_size(const odb_batch *b) { return b->rep.len; }
odb_seq odb_batch_sequence(const odb_batch *b) { return odb_decode_fixed64(b->rep.data); }
void odb_batch_set_sequence(odb_batch *b, odb_seq seq) { odb_encode_fixed64(b->rep.data, seq); }

static int add_record(odb_batch *b, int kind, odb_slice key, const odb_slice *value) {
    size_t mark = b->rep.len;
    char kind_byte = (char)kind;
    int rc = odb_buf_append(&b->rep, &kind_byte, 1);
    if (rc == ODB_OK) {
        rc = odb_buf_put_lenprefixed(&b->rep, key);
    }
    if (rc == ODB_OK && value != NULL) {
        rc = odb_buf_put_lenprefixed(&b->rep, *value);
    }
    if (rc != ODB_OK) {
        b->rep.len = mark; /* leave the batch as it was */
        return rc;
    }
    set_count(b, odb_batch_count(b) + 1);
    return ODB_OK;
}

int odb_batch_put(odb_batch *b, odb_slice key, odb_slice value) {
    return add_record(b, ODB_KIND_VALUE, key, &value);
}

int odb_batch_delete(odb_batch *b, odb_slice key) { return add_record(b, ODB_KIND_DELETE, key, NULL); }

int odb_batch_delete_range(odb_batch *b, odb_slice start, odb_slice end) {
    int rc = add_record(b, ODB_KIND_RANGE_DELETE, start, &end);
    b->range_dels += rc == ODB_OK;
    return rc;
}

int odb_batch_delete_range_all_snapshots(odb_batch *b, odb_slice start, odb_slice end) {
    int rc = add_record(b, ODB_KIND_RANGE_DELETE_ALL_SNAPSHOTS, start, &end);
    b->range_dels += rc == ODB_OK;
    return rc;
}

int odb_batch_append(odb_batch *dst, const odb_batch *src) {
    int rc = odb_buf_append(&dst->rep, src->rep.data + ODB_BATCH_HEADER, src->rep.len - ODB_BATCH_HEADER);
    if (rc == ODB_OK) {
        set_count(dst, odb_batch_count(dst) + odb_batch_count(src));
        dst->range_dels += src->range_dels;
    }
    return rc;
}

int odb_batch_set_contents(odb_batch *b, odb_slice contents, odb_error *err) {
    if (contents.size < ODB_BATCH_HEADER) {
        return odb_error_set(err, ODB_CORRUPTION, "write batch record too small (%zu bytes)", contents.size);
    }
    odb_buf_clear(&b->rep);
    b->range_dels = 0;
    if (odb_buf_append(&b->rep, contents.data, contents.size) != ODB_OK) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory reading a write batch");
    }
    return ODB_OK;
}

int odb_batch_iterate(const odb_batch *b, odb_batch_handler handler, void *ctx, odb_error *err) {
    odb_slice in = odb_slice_make(b->rep.data + ODB_BATCH_HEADER, b->rep.len - ODB_BATCH_HEADER);
    odb_seq seq = odb_batch_sequence(b);
    uint32_t found = 0;
    while (in.size > 0) {
        int kind = (unsigned char)in.data[0];
        in.data++;
        in.size--;
        odb_slice key, value = odb_slice_make("", 0);
        if (!odb_get_lenprefixed(&in, &key)) {
            return odb_error_set(err, ODB_CORRUPTION, "malformed write batch: bad key");
        }
        if (kind == ODB_KIND_VALUE ||
            kind == ODB_KIND_RANGE_DELETE || kind == ODB_KIND_RANGE_DELETE_ALL_SNAPSHOTS) {
            if (!odb_get_lenprefixed(&in, &value)) {
                return odb_error_set(err, ODB_CORRUPTION, "malformed write batch: bad value");
            }
        } else if (kind != ODB_KIND_DELETE) {
            return odb_error_set(err, ODB_CORRUPTION, "malformed write batch: unknown record kind %d", kind);
        }
        int rc = handler(ctx, seq + found, kind, key, value);
        if (rc != ODB_OK) {
            return odb_error_set(err, rc, "write batch handler failed: %s", odb_code_name(rc));
        }
        found++;
    }
    if (found != odb_batch_count(b)) {
        return odb_error_set(err, ODB_CORRUPTION, "write batch has %u records, header says %u", found,
                             odb_batch_count(b));
    }
    return ODB_OK;
}
