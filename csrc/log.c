#include "log.h"

#include <stdlib.h>
#include <string.h>

#include "crc32c.h"

struct odb_log_writer {
    odb_writer *file;
    size_t block_offset; /* bytes used in the current block */
};

int odb_log_writer_open(const char *path, odb_log_writer **out, odb_error *err) {
    odb_log_writer *w = malloc(sizeof *w);
    if (w == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory opening %s", path);
    }
    int rc = odb_writer_open(path, &w->file, err);
    if (rc != ODB_OK) {
        free(w);
        return rc;
    }
    w->block_offset = 0;
    *out = w;
    return ODB_OK;
}

static int emit_fragment(odb_log_writer *w, int type, const char *data, size_t n, odb_error *err) {
    char header[ODB_LOG_HEADER_SIZE];
    char type_byte = (char)type;
    uint32_t crc = odb_crc32c_extend(odb_crc32c(&type_byte, 1), data, n);
    odb_encode_fixed32(header, odb_crc32c_mask(crc));
    header[4] = (char)(n & 0xff);
    header[5] = (char)(n >> 8);
    header[6] = type_byte;
    int rc = odb_writer_append(w->file, header, sizeof header, err);
    if (rc == ODB_OK) {
        rc = odb_writer_append(w->file, data, n, err);
    }
    w->block_offset += ODB_LOG_HEADER_SIZE + n;
    return rc;
}

int odb_log_add_record(odb_log_writer *w, odb_slice record, odb_error *err) {
    const char *p = record.data;
    size_t left = record.size;
    int begin = 1;
    do {
        size_t room = ODB_LOG_BLOCK_SIZE - w->block_offset;
        if (room < ODB_LOG_HEADER_SIZE) {
            static const char zeros[ODB_LOG_HEADER_SIZE] = {0};
            if (room > 0) {
                int rc = odb_writer_append(w->file, zeros, room, err);
                if (rc != ODB_OK) {
                    return rc;
                }
            }
            w->block_offset = 0;
            room = ODB_LOG_BLOCK_SIZE;
        }
        size_t avail = room - ODB_LOG_HEADER_SIZE;
        size_t n = left < avail ? left : avail;
        int end = (n == left);
        int type = begin && end ? ODB_LOG_FULL : begin ? ODB_LOG_FIRST : end ? ODB_LOG_LAST : ODB_LOG_MIDDLE;
        int rc = emit_fragment(w, type, p, n, err);
        if (rc != ODB_OK) {
            return rc;
        }
        p += n;
        left -= n;
        begin = 0;
    } while (left > 0);
    return odb_writer_flush(w->file, err);
}

int odb_log_sync(odb_log_writer *w, odb_error *err) { return odb_writer_sync(w->file, err); }

int odb_log_writer_close(odb_log_writer *w, odb_error *err) {
    int rc = odb_writer_close(w->file, err);
    free(w);
    return rc;
}

uint64_t odb_log_writer_size(const odb_log_writer *w) { return odb_writer_size(w->file); }

struct odb_log_reader {
    odb_reader *file;
    uint64_t file_size;
    uint64_t block_start; /* file offset of block[] */
    uint64_t next_block;  /* file offset of the block to load next */
    size_t block_len;     /* valid bytes in block[] */
    size_t pos;           /* read position inside block[] */
    uint64_t end_offset;
    uint64_t dropped;
    odb_buf record;
    char block[ODB_LOG_BLOCK_SIZE];
};

int odb_log_reader_open(const char *path, odb_log_reader **out, odb_error *err) {
    odb_log_reader *r = malloc(sizeof *r);
    if (r == NULL) {
        return odb_error_set(err, ODB_NO_MEMORY, "out of memory opening %s", path);
    }
    int rc = odb_reader_open(path, &r->file, err);
    if (rc != ODB_OK) {
        free(r);
        return rc;
    }
    r->file_size = odb_reader_size(r->file);
    r->block_start = 0;
    r->next_block = 0;
    r->block_len = 0;
    r->pos = 0;
    r->end_offset = 0;
    r->dropped = 0;
    odb_buf_init(&r->record);
    *out = r;
    return ODB_OK;
}

void odb_log_reader_close(odb_log_reader *r) {
    if (r != NULL) {
        odb_reader_close(r->file);
        odb_buf_free(&r->record);
        free(r);
    }
}

uint64_t odb_log_reader_dropped_bytes(const odb_log_reader *r) { return r->dropped; }
uint64_t odb_log_reader_end_offset(const odb_log_reader *r) { return r->end_offset; }

static int load_block(odb_log_reader *r, uint64_t start, odb_error *err) {
    size_t n = ODB_LOG_BLOCK_SIZE;
    if (start >= r->file_size) {
        n = 0;
    } else if (r->file_size - start < n) {
        n = (size_t)(r->file_size - start);
    }
    int rc = n ? odb_reader_read(r->file, start, n, r->block, err) : ODB_OK;
    r->block_start = start;
    r->next_block = start + ODB_LOG_BLOCK_SIZE;
    r->block_len = rc == ODB_OK ? n : 0;
    r->pos = 0;
    return rc;
}

/* Whether buf holds an intact fragment at its start. */
static int intact_fragment_at(const char *buf, size_t len) {
    if (len < ODB_LOG_HEADER_SIZE) {
        return 0;
    }
    size_t n = (unsigned char)buf[4] | ((size_t)(unsigned char)buf[5] << 8);
    int type = (unsigned char)buf[6];
    if (type < ODB_LOG_FULL || type > ODB_LOG_LAST || ODB_LOG_HEADER_SIZE + n > len) {
        return 0;
    }
    uint32_t crc = odb_crc32c_extend(odb_crc32c(buf + 6, 1), buf + ODB_LOG_HEADER_SIZE, n);
    return odb_crc32c_unmask(odb_decode_fixed32(buf)) == crc;
}

/* Damage at `offset`: a torn tail if no later block starts with an intact
 * fragment, corruption otherwise. */
static int damaged(odb_log_reader *r, uint64_t offset, const char *what, odb_error *err) {
    uint64_t next = (offset / ODB_LOG_BLOCK_SIZE + 1) * ODB_LOG_BLOCK_SIZE;
    for (; next < r->file_size; next += ODB_LOG_BLOCK_SIZE) {
        odb_error ignored;
        if (load_block(r, next, &ignored) != ODB_OK) {
            break;
        }
        if (intact_fragment_at(r->block, r->block_len)) {
            return -odb_error_set(err, ODB_CORRUPTION, "%s: %s at offset %llu, with intact records after it",
                                  odb_reader_path(r->file), what, (unsigned long long)offset);
        }
    }
    r->dropped = r->file_size - r->end_offset;
    r->block_len = 0;
    r->pos = 0;
    r->next_block = r->file_size;
    return 0;
}

int odb_log_read_record(odb_log_reader *r, odb_slice *record, odb_error *err) {
    int in_record = 0;
    uint64_t record_start = 0;
    odb_buf_clear(&r->record);
    for (;;) {
        if (r->block_len - r->pos < ODB_LOG_HEADER_SIZE) {
            int last_block = r->block_len > 0 && r->block_len < ODB_LOG_BLOCK_SIZE;
            if (last_block && r->pos < r->block_len) {
                /* The file ends inside a header: a torn write. */
                return damaged(r, in_record ? record_start : r->block_start + r->pos, "truncated record header",
                               err);
            }
            if (last_block || r->next_block >= r->file_size) {
                if (in_record) {
                    return damaged(r, record_start, "record cut short by the end of the file", err);
                }
                r->block_len = 0;
                r->pos = 0;
                return 0;
            }
            /* Tails of full blocks shorter than a header are padding. */
            int rc = load_block(r, r->next_block, err);
            if (rc != ODB_OK) {
                return -rc;
            }
            continue;
        }
        const char *h = r->block + r->pos;
        uint64_t frag_offset = r->block_start + r->pos;
        size_t n = (unsigned char)h[4] | ((size_t)(unsigned char)h[5] << 8);
        int type = (unsigned char)h[6];
        if (type == ODB_LOG_ZERO && n == 0 && odb_decode_fixed32(h) == 0) {
            /* Zero-filled space (preallocation, or a crash before the data landed). */
            return damaged(r, in_record ? record_start : frag_offset, "zero-filled space", err);
        }
        if (!intact_fragment_at(h, r->block_len - r->pos)) {
            return damaged(r, in_record ? record_start : frag_offset, "bad record checksum or length", err);
        }
        r->pos += ODB_LOG_HEADER_SIZE + n;
        int starts = (type == ODB_LOG_FULL || type == ODB_LOG_FIRST);
        if (starts == in_record) {
            return damaged(r, in_record ? record_start : frag_offset, "record fragments out of order", err);
        }
        if (starts) {
            record_start = frag_offset;
            in_record = 1;
        }
        if (odb_buf_append(&r->record, h + ODB_LOG_HEADER_SIZE, n) != ODB_OK) {
            return -odb_error_set(err, ODB_NO_MEMORY, "out of memory reading %s", odb_reader_path(r->file));
        }
        if (type == ODB_LOG_FULL || type == ODB_LOG_LAST) {
            r->end_offset = r->block_start + r->pos;
            *record = odb_buf_slice(&r->record);
            return 1;
        }
    }
}
