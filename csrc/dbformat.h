/* dbformat.h - internal keys: the user key followed by an 8-byte trailer
 * (sequence << 8 | kind, fixed64 little-endian). Internal keys sort by user key
 * ascending (bytewise), then by sequence descending, so the newest version of
 * a key comes first and a read at sequence S seeks to (key, S, KIND_SEEK). */
#ifndef ODB_DBFORMAT_H
#define ODB_DBFORMAT_H

#include <stdint.h>

#include "coding.h"

typedef uint64_t odb_seq;

#define ODB_MAX_SEQ ((((uint64_t)1) << 56) - 1)
#define ODB_TRAILER_SIZE 8

enum { ODB_KIND_DELETE = 0, ODB_KIND_VALUE = 1 };
/* A write batch record only (range_del.h): never stored in a memtable or table. */
enum { ODB_KIND_RANGE_DELETE = 2, ODB_KIND_RANGE_DELETE_ALL_SNAPSHOTS = 3 };
/* The largest kind: seeking with it finds every kind at a given sequence. */
#define ODB_KIND_SEEK ODB_KIND_VALUE

static inline uint64_t odb_pack_trailer(odb_seq seq, int kind) { return (seq << 8) | (uint64_t)kind; }

static inline odb_slice odb_ikey_user(odb_slice ikey) {
    return odb_slice_make(ikey.data, ikey.size - ODB_TRAILER_SIZE);
}
static inline uint64_t odb_ikey_trailer(odb_slice ikey) {
    return odb_decode_fixed64(ikey.data + ikey.size - ODB_TRAILER_SIZE);
}
static inline odb_seq odb_ikey_seq(odb_slice ikey) { return odb_ikey_trailer(ikey) >> 8; }
static inline int odb_ikey_kind(odb_slice ikey) { return (int)(odb_ikey_trailer(ikey) & 0xff); }
/* An internal key is well formed when it has a trailer with a known kind. */
static inline int odb_ikey_valid(odb_slice ikey) {
    return ikey.size >= ODB_TRAILER_SIZE && odb_ikey_kind(ikey) <= ODB_KIND_VALUE;
}

static inline int odb_ikey_compare(odb_slice a, odb_slice b) {
    int r = odb_slice_compare(odb_ikey_user(a), odb_ikey_user(b));
    if (r == 0) {
        uint64_t ta = odb_ikey_trailer(a), tb = odb_ikey_trailer(b);
        r = ta > tb ? -1 : ta < tb ? 1 : 0;
    }
    return r;
}

/* Appends user_key + trailer to buf; ODB_OK or ODB_NO_MEMORY. */
static inline int odb_ikey_append(odb_buf *buf, odb_slice user_key, odb_seq seq, int kind) {
    int rc = odb_buf_append(buf, user_key.data, user_key.size);
    return rc ? rc : odb_buf_put_fixed64(buf, odb_pack_trailer(seq, kind));
}

#endif
