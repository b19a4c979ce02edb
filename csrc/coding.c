#include "coding.h"

#include <stdlib.h>

#include "status.h"

void odb_buf_init(odb_buf *b) {
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void odb_buf_free(odb_buf *b) {
    free(b->data);
    odb_buf_init(b);
}

int odb_buf_reserve(odb_buf *b, size_t extra) {
    if (b->len + extra <= b->cap) {
        return ODB_OK;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra) {
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (p == NULL) {
        return ODB_NO_MEMORY;
    }
    b->data = p;
    b->cap = cap;
    return ODB_OK;
}

int odb_buf_append(odb_buf *b, const void *data, size_t n) {
    if (odb_buf_reserve(b, n) != ODB_OK) {
        return ODB_NO_MEMORY;
    }
    if (n) {
        memcpy(b->data + b->len, data, n);
    }
    b->len += n;
    return ODB_OK;
}

int odb_buf_put_fixed32(odb_buf *b, uint32_t v) {
    char tmp[4];
    odb_encode_fixed32(tmp, v);
    return odb_buf_append(b, tmp, 4);
}

int odb_buf_put_fixed64(odb_buf *b, uint64_t v) {
    char tmp[8];
    odb_encode_fixed64(tmp, v);
    return odb_buf_append(b, tmp, 8);
}

int odb_buf_put_varint32(odb_buf *b, uint32_t v) {
    char tmp[5];
    return odb_buf_append(b, tmp, odb_encode_varint32(tmp, v));
}

int odb_buf_put_varint64(odb_buf *b, uint64_t v) {
    char tmp[10];
    return odb_buf_append(b, tmp, odb_encode_varint64(tmp, v));
}

int odb_buf_put_lenprefixed(odb_buf *b, odb_slice s) {
    if (s.size > UINT32_MAX) {
        return ODB_INVALID_ARGUMENT;
    }
    int rc = odb_buf_put_varint32(b, (uint32_t)s.size);
    return rc ? rc : odb_buf_append(b, s.data, s.size);
}

size_t odb_encode_varint32(char *p, uint32_t v) {
    return odb_encode_varint64(p, v);
}

size_t odb_encode_varint64(char *p, uint64_t v) {
    unsigned char *u = (unsigned char *)p;
    size_t n = 0;
    while (v >= 128) {
        u[n++] = (unsigned char)(v | 128);
        v >>= 7;
    }
    u[n++] = (unsigned char)v;
    return n;
}

int odb_varint_length(uint64_t v) {
    int n = 1;
    while (v >= 128) {
        v >>= 7;
        n++;
    }
    return n;
}

const char *odb_decode_varint64(const char *p, const char *limit, uint64_t *v) {
    uint64_t result = 0;
    for (unsigned shift = 0; shift <= 63 && p < limit; shift += 7) {
        uint64_t byte = (unsigned char)*p++;
        if (shift == 63 && byte > 1) {
            return NULL;
        }
        result |= (byte & 127) << shift;
        if (!(byte & 128)) {
            *v = result;
            return p;
        }
    }
    return NULL;
}

const char *odb_decode_varint32(const char *p, const char *limit, uint32_t *v) {
    if (p < limit && !((unsigned char)*p & 128)) {
        *v = (unsigned char)*p;
        return p + 1;
    }
    uint64_t wide;
    const char *q = odb_decode_varint64(p, limit, &wide);
    if (q == NULL || wide > UINT32_MAX) {
        return NULL;
    }
    *v = (uint32_t)wide;
    return q;
}

int odb_get_varint32(odb_slice *in, uint32_t *v) {
    const char *q = odb_decode_varint32(in->data, in->data + in->size, v);
    if (q == NULL) {
        return 0;
    }
    in->size -= (size_t)(q - in->data);
    in->data = q;
    return 1;
}

int odb_get_varint64(odb_slice *in, uint64_t *v) {
    const char *q = odb_decode_varint64(in->data, in->data + in->size, v);
    if (q == NULL) {
        return 0;
    }
    in->size -= (size_t)(q - in->data);
    in->data = q;
    return 1;
}

int odb_get_lenprefixed(odb_slice *in, odb_slice *out) {
    uint32_t len;
    if (!odb_get_varint32(in, &len) || len > in->size) {
        return 0;
    }
    *out = odb_slice_make(in->data, len);
    in->data += len;
    in->size -= len;
    return 1;
}
