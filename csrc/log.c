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
    uint64_t record_offset; /* where the last record returned starts */
    uint64_t end_offset;    /* just past the last record returned */
    uint64_t dropped;
    uint64_t damage_offset;
    const char *damage_what; /* NULL until a torn tail was dropped */
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
    r->record_offset = 0;
    r->end_offset = 0;
    r->dropped = 0;
    r->damage_offset = 0;
    r->damage_what = NULL;
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
uint64_t odb_log_reader_record_offset(const odb_log_reader *r) { return r->record_offset; }
uint64_t odb_log_reader_damage_offset(const odb_log_reader *r) { return r->damage_offset; }
const char *odb_log_reader_damage(const odb_log_reader *r) { return r->damage_what; }

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

/* Whether buf holds an intact fragment at its start; if so sets its type and
 * payload length. */
static int intact_fragment_at(const char *buf, size_t len, int *type, size_t *n) {
    if (len < ODB_LOG_HEADER_SIZE) {
        return 0;
    }
    *n = (unsigned char)buf[4] | ((size_t)(unsigned char)buf[5] << 8);
    *type = (unsigned char)buf[6];
    if (*type < ODB_LOG_FULL || *type > ODB_LOG_LAST || ODB_LOG_HEADER_SIZE + *n > len) {
        return 0;
    }
    uint32_t crc = odb_crc32c_extend(odb_crc32c(buf + 6, 1), buf + ODB_LOG_HEADER_SIZE, *n);
    return odb_crc32c_unmask(odb_decode_fixed32(buf)) == crc;
}

static int starts_record(int type) { return type == ODB_LOG_FULL || type == ODB_LOG_FIRST; }

/* Looks for an intact fragment that starts a record (FULL or FIRST) at or
 * after `from`. MIDDLE and LAST fragments are passed over: they continue a
 * record that started earlier (the damaged one, or one already returned).
 * From `from` and from each later block start (every block starts with a
 * fragment header) fragments are followed by their lengths, so payload
 * bytes are never taken for headers. Where that chain reaches a damaged
 * fragment its length cannot be trusted, so every later byte offset of that
 * block is tried instead. Sets *found and *at. */
static int find_record_start(odb_log_reader *r, uint64_t from, int *found, uint64_t *at, odb_error *err) {
    *found = 0;
    uint64_t block = from - from % ODB_LOG_BLOCK_SIZE;
    size_t pos = (size_t)(from - block);
    for (; block < r->file_size; block += ODB_LOG_BLOCK_SIZE, pos = 0) {
        int rc = load_block(r, block, err);
        if (rc != ODB_OK) {
            return rc;
        }
        int type;
        size_t n;
        while (r->block_len - pos >= ODB_LOG_HEADER_SIZE &&
               intact_fragment_at(r->block + pos, r->block_len - pos, &type, &n)) {
            if (starts_record(type)) {
                *found = 1;
                *at = block + pos;
                return ODB_OK;
            }
            pos += ODB_LOG_HEADER_SIZE + n;
        }
        for (size_t q = pos + 1; q + ODB_LOG_HEADER_SIZE <= r->block_len; q++) {
            int t = (unsigned char)r->block[q + 6];
            if (starts_record(t) && intact_fragment_at(r->block + q, r->block_len - q, &type, &n)) {
                *found = 1;
                *at = block + q;
                return ODB_OK;
            }
        }
    }
    return ODB_OK;
}

/* Damage: the record starting at `offset` cannot be read; the problem was
 * found at `resume` (>= offset, the damaged fragment). A torn tail if no
 * record starts after it (the tail is dropped and the log ends), corruption
 * otherwise. */
static int damaged(odb_log_reader *r, uint64_t offset, uint64_t resume, const char *what, odb_error *err) {
    int found;
    uint64_t later = 0;
    int rc = find_record_start(r, resume, &found, &later, err);
    if (rc != ODB_OK) {
        return -rc;
    }
    if (found) {
        return -odb_error_set(err, ODB_CORRUPTION,
                              "%s: %s at offset %llu, with intact records after it (a record starts at offset %llu)",
                              odb_reader_path(r->file), what, (unsigned long long)offset, (unsigned long long)later);
    }
    r->dropped = r->file_size - r->end_offset;
    r->damage_offset = offset;
    r->damage_what = what;
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
                uint64_t at = r->block_start + r->pos;
                return damaged(r, in_record ? record_start : at, at, "truncated record header", err);
            }
            if (last_block || r->next_block >= r->file_size) {
                if (in_record) {
                    return damaged(r, record_start, r->file_size, "record cut short by the end of the file", err);
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
        uint64_t damage_at = in_record ? record_start : frag_offset;
        size_t n = (unsigned char)h[4] | ((size_t)(unsigned char)h[5] << 8);
        int type = (unsigned char)h[6];
        if (type == ODB_LOG_ZERO && n == 0 && odb_decode_fixed32(h) == 0) {
            /* Zero-filled space (preallocation, or a crash before the data landed). */
            return damaged(r, damage_at, frag_offset, "zero-filled space", err);
        }
        int checked_type;
        size_t checked_len;
        if (!intact_fragment_at(h, r->block_len - r->pos, &checked_type, &checked_len)) {
            /* A plausible header whose payload runs past the end of the file: a torn write. */
            size_t frag_end = r->pos + ODB_LOG_HEADER_SIZE + n;
            int cut = type >= ODB_LOG_FULL && type <= ODB_LOG_LAST && frag_end <= ODB_LOG_BLOCK_SIZE &&
                      r->block_start + frag_end > r->file_size;
            return damaged(r, damage_at, frag_offset,
                           cut ? "record cut short by the end of the file" : "bad record checksum or length", err);
        }
        if (starts_record(type) == in_record) {
            return damaged(r, damage_at, frag_offset, "record fragments out of order", err);
        }
        r->pos += ODB_LOG_HEADER_SIZE + n;
        if (starts_record(type)) {
            record_start = frag_offset;
            in_record = 1;
        }
        if (odb_buf_append(&r->record, h + ODB_LOG_HEADER_SIZE, n) != ODB_OK) {
            return -odb_error_set(err, ODB_NO_MEMORY, "out of memory reading %s", odb_reader_path(r->file));
        }
        if (type == ODB_LOG_FULL || type == ODB_LOG_LAST) {
            r->record_offset = record_start;
            r->end_offset = r->block_start + r->pos;
            *record = odb_buf_slice(&r->record);
            return 1;
        }
    }
}
