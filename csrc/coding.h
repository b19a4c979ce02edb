/* coding.h - byte slices, growable buffers and the integer encodings used by
 * every on-disk format (little-endian fixed-width, LEB128 varints). */
#ifndef ODB_CODING_H
#define ODB_CODING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A borrowed view of bytes; never owns its memory. */
typedef struct odb_slice {
    const char *data;
    size_t size;
} odb_slice;

static inline odb_slice odb_slice_make(const void *data, size_t size) {
    odb_slice s = {(const char *)data, size};
    return s;
}

/* Bytewise three-way compare: memcmp order, shorter prefix first. */
static inline int odb_slice_compare(odb_slice a, odb_slice b) {
    size_t n = a.size < b.size ? a.size : b.size;
    int r = n ? memcmp(a.data, b.data, n) : 0;
    if (r == 0) {
        r = (a.size < b.size) ? -1 : (a.size > b.size) ? 1 : 0;
    }
    return r;
}

/* A growable byte buffer that owns its memory (free with odb_buf_free). */
typedef struct odb_buf {
    char *data;
    size_t len;
    size_t cap;
} odb_buf;

void odb_buf_init(odb_buf *b);
void odb_buf_free(odb_buf *b);
static inline void odb_buf_clear(odb_buf *b) { b->len = 0; }
/* The append/reserve functions return ODB_OK or ODB_NO_MEMORY. */
int odb_buf_reserve(odb_buf *b, size_t extra);
int odb_buf_append(odb_buf *b, const void *data, size_t n);
int odb_buf_put_fixed32(odb_buf *b, uint32_t v);
int odb_buf_put_fixed64(odb_buf *b, uint64_t v);
int odb_buf_put_varint32(odb_buf *b, uint32_t v);
int odb_buf_put_varint64(odb_buf *b, uint64_t v);
/* varint32 length followed by the bytes. */
int odb_buf_put_lenprefixed(odb_buf *b, odb_slice s);
static inline odb_slice odb_buf_slice(const odb_buf *b) { return odb_slice_make(b->data, b->len); }

static inline void odb_encode_fixed32(char *p, uint32_t v) {
    p[0] = (char)(v & 0xff);
    p[1] = (char)((v >> 8) & 0xff);
    p[2] = (char)((v >> 16) & 0xff);
    p[3] = (char)((v >> 24) & 0xff);
}

static inline void odb_encode_fixed64(char *p, uint64_t v) {
    odb_encode_fixed32(p, (uint32_t)v);
    odb_encode_fixed32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t odb_decode_fixed32(const char *p) {
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] | ((uint32_t)u[1] << 8) | ((uint32_t)u[2] << 16) | ((uint32_t)u[3] << 24);
}

static inline uint64_t odb_decode_fixed64(const char *p) {
    return (uint64_t)odb_decode_fixed32(p) | ((uint64_t)odb_decode_fixed32(p + 4) << 32);
}

/* Writes a varint at p (room for 5 / 10 bytes needed); returns bytes written. */
size_t odb_encode_varint32(char *p, uint32_t v);
size_t odb_encode_varint64(char *p, uint64_t v);
int odb_varint_length(uint64_t v);

/* Decoders read from [p, limit); return the position after the varint, or
 * NULL when the input is truncated or overlong (corrupt). */
const char *odb_decode_varint32(const char *p, const char *limit, uint32_t *v);
const char *odb_decode_varint64(const char *p, const char *limit, uint64_t *v);

/* Consumes a varint/length-prefixed value from the front of *in; returns 1 on
 * success, 0 when *in is malformed. */
int odb_get_varint32(odb_slice *in, uint32_t *v);
int odb_get_varint64(odb_slice *in, uint64_t *v);
int odb_get_lenprefixed(odb_slice *in, odb_slice *out);

#endif
