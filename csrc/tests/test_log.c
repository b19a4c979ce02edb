/* The record log reader on damaged files: a torn or corrupt tail after the
 * last complete record is dropped, damage followed by a record that starts
 * after it is corruption naming the file and offset. Logs are written with
 * the log writer, then cut at every byte of their last records, bit-flipped,
 * zero-filled, or given garbage; a few fragment sequences are built by hand. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32c.h"
#include "ctest.h"
#include "env.h"
#include "log.h"

#define BS ODB_LOG_BLOCK_SIZE
#define HS ODB_LOG_HEADER_SIZE
#define MAX_RECORDS 128

typedef struct {
    size_t len;
    uint64_t start, end; /* file offsets of its first header and just past its last payload byte */
} rec;

static char path[256];
static int every_byte; /* ODB_LOG_EVERY_BYTE=1: cut at every byte, flip at every 7th (slow) */
static rec recs[MAX_RECORDS];
static int nrecs;
static odb_buf image; /* the log as the writer left it */

/* Deterministic, incompressible-looking payload of record i. */
static void fill(char *buf, size_t len, int i) {
    uint32_t x = 2463534242u ^ (uint32_t)(i * 7919 + 1);
    for (size_t k = 0; k < len; k++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[k] = (char)(x >> 24);
    }
}

/* Writes records of the given sizes with the log writer, reads the file back
 * into image and computes where each record lies from the format's rules. */
static void build(const size_t *sizes, int n) {
    odb_error err;
    odb_log_writer *w;
    CHECK_OK(odb_log_writer_open(path, &w, &err), &err);
    uint64_t end = 0;
    for (int i = 0; i < n; i++) {
        char *buf = malloc(sizes[i] + 1);
        CHECK(buf != NULL);
        fill(buf, sizes[i], i);
        CHECK_OK(odb_log_add_record(w, odb_slice_make(buf, sizes[i]), &err), &err);
        free(buf);
        uint64_t start = end;
        if (BS - start % BS < HS) {
            start += BS - start % BS; /* the block tail is padding */
        }
        recs[i].len = sizes[i];
        recs[i].start = start;
        recs[i].end = end = odb_log_writer_size(w);
    }
    nrecs = n;
    CHECK_OK(odb_log_writer_close(w, &err), &err);
    CHECK_OK(odb_read_file(path, &image, &err), &err);
    CHECK(image.len == end);
}

static void write_file(const char *data, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(len == 0 || write(fd, data, len) == (ssize_t)len);
    CHECK(close(fd) == 0);
}

typedef struct {
    int rc;     /* last return of odb_log_read_record: 0 or a negated error */
    int count;  /* records read, each checked against its payload */
    odb_error err;
    uint64_t dropped, damage_offset;
    const char *damage;
} outcome;

static outcome read_log(void) {
    outcome o;
    memset(&o, 0, sizeof o);
    odb_log_reader *r;
    CHECK_OK(odb_log_reader_open(path, &r, &o.err), &o.err);
    char *want = malloc(BS * 8);
    CHECK(want != NULL);
    for (;;) {
        odb_slice s;
        int got = odb_log_read_record(r, &s, &o.err);
        if (got <= 0) {
            o.rc = got;
            break;
        }
        CHECK(o.count < nrecs);
        rec *e = &recs[o.count];
        CHECK(s.size == e->len);
        fill(want, e->len, o.count);
        CHECK(memcmp(s.data, want, e->len) == 0);
        CHECK(odb_log_reader_record_offset(r) == e->start);
        CHECK(odb_log_reader_end_offset(r) == e->end);
        o.count++;
    }
    free(want);
    o.dropped = odb_log_reader_dropped_bytes(r);
    o.damage = odb_log_reader_damage(r);
    o.damage_offset = odb_log_reader_damage_offset(r);
    odb_log_reader_close(r);
    return o;
}

/* A log of `len` bytes ending with damage in or after record `last`: the
 * records before it are read, the rest is dropped from `damage_at` on. */
static void expect_dropped(outcome o, int last, uint64_t damage_at, uint64_t len) {
    if (o.rc != 0 || o.count != last || o.damage == NULL || o.damage_offset != damage_at ||
        o.dropped != len - recs[last - 1].end) {
        fprintf(stderr, "rc %d (%s), %d records (want %d), damage %s at %llu (want %llu), dropped %llu of %llu\n", o.rc,
                o.rc ? o.err.msg : "", o.count, last, o.damage ? o.damage : "none", (unsigned long long)o.damage_offset,
                (unsigned long long)damage_at, (unsigned long long)o.dropped, (unsigned long long)len);
        CHECK(0);
    }
}

static void expect_corruption(outcome o, int count, uint64_t offset) {
    char want[64];
    snprintf(want, sizeof want, "at offset %llu,", (unsigned long long)offset);
    if (o.rc != -ODB_CORRUPTION || o.count != count || strstr(o.err.msg, path) == NULL ||
        strstr(o.err.msg, want) == NULL || strstr(o.err.msg, "intact records after it") == NULL) {
        fprintf(stderr, "rc %d, %d records (want %d), message '%s' (want '%s')\n", o.rc, o.count, count,
                o.rc ? o.err.msg : "", want);
        CHECK(0);
    }
}

/* Earlier records of many sizes: one spans a block boundary and is followed
 * by small records in the same block; one leaves a padded block tail. */
static int prefix(size_t *sizes) {
    int n = 0;
    for (int i = 0; i < 20; i++) {
        sizes[n++] = 1 + (size_t)(i * 37) % 300;
    }
    sizes[n++] = 40000; /* FIRST + LAST across the first block boundary */
    for (int i = 0; i < 10; i++) {
        sizes[n++] = 50 + (size_t)i;
    }
    sizes[n++] = 0; /* an empty record is one FULL fragment with no payload */
    return n;
}

/* Fills the current block with records so that the next one starts `room`
 * bytes before the block's end. */
static int pad_to(size_t *sizes, int n, uint64_t at, size_t room) {
    uint64_t left = BS - at % BS;
    CHECK(left > room + HS);
    sizes[n++] = (size_t)(left - room - HS);
    return n;
}

static uint64_t end_of(const size_t *sizes, int n) {
    build(sizes, n);
    return recs[n - 1].end;
}

enum { SHAPE_SMALL, SHAPE_SPANNING, SHAPE_MULTI_BLOCK, SHAPE_PADDED };

static void build_shape(int shape) {
    size_t sizes[MAX_RECORDS];
    int n = prefix(sizes);
    uint64_t at = end_of(sizes, n);
    switch (shape) {
    case SHAPE_SMALL:
        sizes[n++] = 200;
        break;
    case SHAPE_SPANNING:
        n = pad_to(sizes, n, at, 1000);
        sizes[n++] = 3000;
        break;
    case SHAPE_MULTI_BLOCK:
        n = pad_to(sizes, n, at, 500);
        sizes[n++] = 3 * BS + 700; /* FIRST, MIDDLE, MIDDLE, MIDDLE, LAST */
        break;
    case SHAPE_PADDED:
        n = pad_to(sizes, n, at, 3); /* the last record starts after a 3-byte padding */
        sizes[n++] = 100;
        break;
    }
    build(sizes, n);
    rec *last = &recs[n - 1];
    if (shape == SHAPE_SPANNING) {
        CHECK(last->start / BS + 1 == (last->end - 1) / BS);
    } else if (shape == SHAPE_MULTI_BLOCK) {
        CHECK(last->start / BS + 4 == (last->end - 1) / BS);
    } else if (shape == SHAPE_PADDED) {
        CHECK(last->start % BS == 0 && recs[n - 2].end + 3 == last->start);
    } else {
        CHECK(last->start / BS == (last->end - 1) / BS);
    }
}

/* Whether to cut at `cut`: every byte when the last record is small;
 * otherwise every byte within two headers' length of a block edge or of the
 * start or end of one of the last two records (where fragments begin and
 * end), and every 97th byte elsewhere; or every byte when asked. */
static int cut_here(uint64_t cut) {
    uint64_t near = 2 * HS;
    int small = recs[nrecs - 1].end - recs[nrecs - 1].start < 4096 && cut >= recs[nrecs - 2].end;
    if (every_byte || small || cut % 97 == 0 || cut % BS <= near || BS - cut % BS <= near) {
        return 1;
    }
    for (int k = nrecs - 2; k < nrecs; k++) {
        if ((cut >= recs[k].start ? cut - recs[k].start : recs[k].start - cut) <= near ||
            (cut >= recs[k].end ? cut - recs[k].end : recs[k].end - cut) <= near) {
            return 1;
        }
    }
    return 0;
}

/* Cuts from the start of the next-to-last record to the end of the file. */
static void test_cuts(int shape) {
    build_shape(shape);
    int last = nrecs - 1;
    write_file(image.data, image.len);
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0);
    for (uint64_t cut = image.len; cut-- > recs[last - 1].start;) {
        if (!cut_here(cut)) {
            continue;
        }
        CHECK(ftruncate(fd, (off_t)cut) == 0);
        outcome o = read_log();
        int whole = cut >= recs[last - 1].end ? last : last - 1; /* records wholly before the cut */
        uint64_t gap = recs[whole - 1].end;                      /* end of the last of them */
        if (cut == gap || cut == recs[whole].start) {
            /* nothing or only block padding after the last whole record */
            CHECK(o.rc == 0 && o.count == whole && o.damage == NULL && o.dropped == 0);
        } else {
            expect_dropped(o, whole, cut > recs[whole].start ? recs[whole].start : gap, cut);
        }
    }
    CHECK(close(fd) == 0);
}

static void flip_and_check(char *copy, int k, uint64_t at) {
    memcpy(copy, image.data, image.len);
    copy[at] ^= (char)(1 << (at % 8));
    write_file(copy, image.len);
    outcome o = read_log();
    if (k == nrecs - 1) {
        expect_dropped(o, k, recs[k].start, image.len);
    } else {
        expect_corruption(o, k, recs[k].start);
    }
}

/* Flipping any bit of the last record drops it; flipping one in an earlier
 * record is corruption at that record's offset. A record's bytes are all
 * fragment bytes: padding only ever precedes a record. */
static void test_flips(int shape, int stride) {
    build_shape(shape);
    char *copy = malloc(image.len);
    CHECK(copy != NULL);
    for (int k = 0; k < nrecs; k++) {
        rec *e = &recs[k];
        uint64_t step = k == nrecs - 1 ? (uint64_t)stride : (e->end - e->start) / 5 + 1;
        for (uint64_t at = e->start; at < e->start + HS; at++) {
            flip_and_check(copy, k, at); /* checksum, length and type */
        }
        for (uint64_t at = e->start + HS; at < e->end; at += step) {
            flip_and_check(copy, k, at);
        }
        for (uint64_t block = e->start / BS + 1; block * BS < e->end; block++) {
            flip_and_check(copy, k, block * BS + 5); /* the length of a later fragment */
        }
        flip_and_check(copy, k, e->end - 1);
    }
    free(copy);
}

/* Zeros where the file grew before its data landed: after the last record,
 * and over the end of the last record. */
static void test_zeros(int shape) {
    build_shape(shape);
    int last = nrecs - 1;
    size_t extra[] = {1, 6, 7, 8, 100, BS - image.len % BS, BS - image.len % BS + 7, 2 * BS + 3};
    char *copy = calloc(image.len + 3 * BS, 1);
    CHECK(copy != NULL);
    memcpy(copy, image.data, image.len);
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        write_file(copy, image.len + extra[i]);
        outcome o = read_log();
        CHECK(o.rc == 0 && o.count == nrecs && o.damage != NULL);
        CHECK(o.dropped == extra[i] && o.damage_offset == image.len);
    }
    uint64_t span = recs[last].end - recs[last].start;
    for (uint64_t from = recs[last].start; from < recs[last].end; from += span / 7 + 1) {
        memcpy(copy, image.data, image.len);
        memset(copy + from, 0, image.len - from);
        write_file(copy, image.len);
        expect_dropped(read_log(), last, recs[last].start, image.len);
    }
    free(copy);
}

/* Random bytes after the last record: a torn write of the next record. */
static void test_garbage(void) {
    build_shape(SHAPE_SPANNING);
    char *copy = malloc(image.len + 3 * BS);
    CHECK(copy != NULL);
    memcpy(copy, image.data, image.len);
    srand(11);
    for (int round = 0; round < 20; round++) {
        size_t g = 1 + (size_t)rand() % (round < 10 ? 100 : 3 * BS);
        for (size_t i = 0; i < g; i++) {
            copy[image.len + i] = (char)rand();
        }
        write_file(copy, image.len + g);
        outcome o = read_log();
        CHECK(o.rc == 0 && o.count == nrecs && o.dropped == g && o.damage != NULL);
    }
    free(copy);
}

static size_t put_fragment(char *buf, size_t at, int type, const char *data, size_t n) {
    char t = (char)type;
    odb_encode_fixed32(buf + at, odb_crc32c_mask(odb_crc32c_extend(odb_crc32c(&t, 1), data, n)));
    buf[at + 4] = (char)(n & 0xff);
    buf[at + 5] = (char)(n >> 8);
    buf[at + 6] = t;
    memcpy(buf + at + HS, data, n);
    return at + HS + n;
}

/* Hand-built fragment sequences the writer never produces. */
static void test_sequences(void) {
    static char buf[4 * BS];
    char a[100], b[200], c[50];
    fill(a, sizeof a, 0);
    fill(b, sizeof b, 1);
    fill(c, sizeof c, 2);
    size_t sizes[3] = {sizeof a, sizeof b, sizeof c};
    build(sizes, 3); /* for the expected payloads and offsets of a, b and c */
    outcome o;

    /* A FIRST whose record never ends, then a FULL record: corruption at the FIRST. */
    size_t at = put_fragment(buf, 0, ODB_LOG_FULL, a, sizeof a);
    size_t first = at;
    at = put_fragment(buf, at, ODB_LOG_FIRST, b, sizeof b);
    size_t later = at;
    at = put_fragment(buf, at, ODB_LOG_FULL, c, sizeof c);
    write_file(buf, at);
    o = read_log();
    expect_corruption(o, 1, first);
    char want[64];
    snprintf(want, sizeof want, "a record starts at offset %zu", later);
    CHECK(strstr(o.err.msg, want) != NULL && strstr(o.err.msg, "out of order") != NULL);

    /* A MIDDLE with no FIRST at the end: dropped. Followed by a FULL: corruption. */
    at = put_fragment(buf, 0, ODB_LOG_FULL, a, sizeof a);
    size_t middle = at;
    at = put_fragment(buf, at, ODB_LOG_MIDDLE, b, sizeof b);
    write_file(buf, at);
    expect_dropped(read_log(), 1, middle, at);
    at = put_fragment(buf, at, ODB_LOG_FULL, c, sizeof c);
    write_file(buf, at);
    expect_corruption(read_log(), 1, middle);

    /* A damaged length hides where the next fragment starts: the FULL record
     * after it in the same block is still found. */
    at = put_fragment(buf, 0, ODB_LOG_FULL, a, sizeof a);
    size_t damaged = at;
    at = put_fragment(buf, at, ODB_LOG_FULL, b, sizeof b);
    at = put_fragment(buf, at, ODB_LOG_FULL, c, sizeof c);
    buf[damaged + 5] ^= 0x40; /* length 200 + 16384 */
    write_file(buf, at);
    expect_corruption(read_log(), 1, damaged);
    buf[damaged + 5] ^= 0x40;
    buf[damaged + 4] ^= 0x10; /* length 216, a plausible length that lands inside c */
    write_file(buf, at);
    expect_corruption(read_log(), 1, damaged);

    /* A record's MIDDLE fragments that fill later blocks are its own, not
     * later records: a multi-block record whose FIRST is damaged is a torn tail. */
    size_t big_sizes[2] = {sizeof a, 2 * BS + 100};
    build(big_sizes, 2);
    memcpy(buf, image.data, image.len);
    buf[recs[1].start + HS + 3] ^= 1;
    write_file(buf, image.len);
    expect_dropped(read_log(), 1, recs[1].start, image.len);
    /* ... and its LAST fragment is followed by a record: corruption. */
    size_t three[3] = {sizeof a, 2 * BS + 100, 10};
    build(three, 3);
    memcpy(buf, image.data, image.len);
    buf[recs[1].start + HS + 3] ^= 1;
    write_file(buf, image.len);
    expect_corruption(read_log(), 1, recs[1].start);
}

int main(void) {
    const char *env = getenv("ODB_LOG_EVERY_BYTE");
    every_byte = env != NULL && strcmp(env, "1") == 0;
    char dir[] = "/tmp/odb_test_log_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/000001.log", dir);
    odb_buf_init(&image);

    const char *names[] = {"small", "block-spanning", "multi-block", "after padding"};
    for (int shape = SHAPE_SMALL; shape <= SHAPE_PADDED; shape++) {
        test_cuts(shape);
        test_flips(shape, shape == SHAPE_SMALL || shape == SHAPE_PADDED ? 1 : every_byte ? 7 : 97);
        test_zeros(shape);
        printf("log tail, %s last record: %s, bit flips, zeros: ok\n", names[shape],
               every_byte ? "every cut" : "cuts at every fragment edge and every 97th byte");
    }
    test_garbage();
    TEST_PASSED("log tail, garbage after the last record");
    test_sequences();
    TEST_PASSED("log fragment sequences");

    odb_buf_free(&image);
    unlink(path);
    rmdir(dir);
    return 0;
}
