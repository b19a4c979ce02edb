/* lz4.c - LZ4 block format, written for orbitdb from the format description.
 *
 * A block is a series of sequences: a token byte (high nibble = literal
 * count, low nibble = match length - 4; 15 means "more length follows as
 * bytes of 255 ending with a byte < 255"), the literals, a 2-byte
 * little-endian offset (1..65535) and the match extension. The last
 * sequence has literals only. Encoders must also leave the last 5 bytes as
 * literals and start no match within the last 12 bytes, so that fast
 * decoders may copy in 8/16-byte steps; we respect those rules when
 * encoding but do not rely on them when decoding.
 *
 * Compressor: greedy, one 4-byte hash probe per position, probing less
 * often the longer it goes without a match (incompressible input then costs
 * little). Decompressor: checks every length against both buffers before
 * copying; copies in wide steps only when the whole wide copy is in bounds. */
#include "lz4.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#define MIN_MATCH 4
#define LAST_LITERALS 5 /* the final 5 bytes are always literals */
#define MF_LIMIT 12     /* no match starts within the last 12 bytes */
#define MAX_OFFSET 65535
#define HASH_LOG 12
#define SKIP_TRIGGER 6 /* probe step grows by 1 every 2^6 misses */

static inline uint32_t read32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t read64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline void copy8(unsigned char *d, const unsigned char *s) { memcpy(d, s, 8); }
static inline void copy16(unsigned char *d, const unsigned char *s) { memcpy(d, s, 16); }

/* Hashes the 4 bytes at p (Knuth's multiplicative constant); endianness only
 * changes which table slot is used, not the output's validity. */
static inline uint32_t hash4(const unsigned char *p) { return (read32(p) * 2654435761u) >> (32 - HASH_LOG); }

/* Number of equal leading bytes of a and b, not reaching past limit (a's
 * bound; b < a so b stays in bounds too). */
static inline size_t common_length(const unsigned char *a, const unsigned char *b, const unsigned char *limit) {
    const unsigned char *start = a;
    while (a + 8 <= limit) {
        uint64_t diff = read64(a) ^ read64(b);
        if (diff != 0) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return (size_t)(a - start) + (size_t)(__builtin_ctzll(diff) >> 3);
#else
            break; /* finish byte by byte */
#endif
        }
        a += 8;
        b += 8;
    }
    while (a < limit && *a == *b) {
        a++;
        b++;
    }
    return (size_t)(a - start);
}

size_t odb_lz4_bound(size_t n) {
    /* All literals: token + one extension byte per 255 + the bytes. */
    return n + n / 255 + 16;
}

/* Writes a length extension (len >= 15 already subtracted) as 255-bytes. */
static inline unsigned char *put_length(unsigned char *op, size_t len) {
    while (len >= 255) {
        *op++ = 255;
        len -= 255;
    }
    *op++ = (unsigned char)len;
    return op;
}

/* Appends the final literals-only sequence; NULL when it does not fit. */
static unsigned char *put_last_literals(unsigned char *op, const unsigned char *oend, const unsigned char *lit,
                                        size_t len) {
    size_t need = 1 + len + (len >= 15 ? (len - 15) / 255 + 1 : 0);
    if (need > (size_t)(oend - op)) {
        return NULL;
    }
    if (len >= 15) {
        *op++ = 15 << 4;
        op = put_length(op, len - 15);
    } else {
        *op++ = (unsigned char)(len << 4);
    }
    if (len > 0) {
        memcpy(op, lit, len);
    }
    return op + len;
}

size_t odb_lz4_compress(const char *src, size_t n, char *dst, size_t dst_cap) {
    if (dst_cap == 0) {
        return 0;
    }
    if (n == 0) {
        dst[0] = 0; /* one literals-only sequence of length 0 */
        return 1;
    }
    const unsigned char *const base = (const unsigned char *)src;
    const unsigned char *const iend = base + n;
    unsigned char *op = (unsigned char *)dst;
    const unsigned char *const oend = op + dst_cap;
    const unsigned char *anchor = base;

    if (n > MF_LIMIT) {
        /* Positions are stored as 32-bit offsets from base; inputs of 4 GiB
         * or more would wrap, so treat everything past that as literals. */
        const unsigned char *const mflimit = n > UINT32_MAX ? base + UINT32_MAX - MF_LIMIT : iend - MF_LIMIT;
        const unsigned char *const match_limit = iend - LAST_LITERALS;
        uint32_t table[1u << HASH_LOG];
        memset(table, 0, sizeof table);

        const unsigned char *ip = base + 1;
        table[hash4(base)] = 0;
        while (ip <= mflimit) {
            /* Search: step grows while no match is found. */
            const unsigned char *ref;
            unsigned misses = 1u << SKIP_TRIGGER;
            for (;;) {
                uint32_t h = hash4(ip);
                ref = base + table[h];
                table[h] = (uint32_t)(ip - base);
                if ((size_t)(ip - ref) <= MAX_OFFSET && read32(ref) == read32(ip) && ref < ip) {
                    break;
                }
                size_t step = misses++ >> SKIP_TRIGGER;
                if (step > (size_t)(mflimit - ip)) {
                    goto done; /* checked first so ip never points past the input */
                }
                ip += step;
            }
            /* Extend backwards over bytes the literals would otherwise carry. */
            while (ip > anchor && ref > base && ip[-1] == ref[-1]) {
                ip--;
                ref--;
            }
            for (;;) {
                size_t lit = (size_t)(ip - anchor);
                size_t mlen = MIN_MATCH + common_length(ip + MIN_MATCH, ref + MIN_MATCH, match_limit);
                /* Exact size of this sequence, so that a buffer of exactly
                 * the compressed size is enough. */
                size_t need = 1 + (lit >= 15 ? (lit - 15) / 255 + 1 : 0) + lit + 2 +
                              (mlen - MIN_MATCH >= 15 ? (mlen - MIN_MATCH - 15) / 255 + 1 : 0);
                if (need > (size_t)(oend - op)) {
                    return 0;
                }
                unsigned char *token = op++;
                unsigned tok;
                if (lit >= 15) {
                    tok = 15u << 4;
                    op = put_length(op, lit - 15);
                } else {
                    tok = (unsigned)lit << 4;
                }
                if (need + 8 <= (size_t)(oend - token)) {
                    /* The wide copy may write up to 7 bytes past the
                     * literals (later overwritten), hence the 8 spare bytes;
                     * reading up to 7 past ip stays inside src because
                     * ip <= iend - MF_LIMIT. */
                    unsigned char *d = op;
                    const unsigned char *s = anchor;
                    unsigned char *e = op + lit;
                    while (d < e) {
                        copy8(d, s);
                        d += 8;
                        s += 8;
                    }
                } else if (lit > 0) {
                    memcpy(op, anchor, lit);
                }
                op += lit;
                size_t off = (size_t)(ip - ref);
                op[0] = (unsigned char)(off & 0xff);
                op[1] = (unsigned char)(off >> 8);
                op += 2;
                if (mlen - MIN_MATCH >= 15) {
                    tok |= 15;
                    op = put_length(op, mlen - MIN_MATCH - 15);
                } else {
                    tok |= (unsigned)(mlen - MIN_MATCH);
                }
                *token = (unsigned char)tok;
                ip += mlen;
                anchor = ip;
                if (ip > mflimit) {
                    goto done;
                }
                /* Index a position inside the match, then try for an
                 * immediate follow-on match with no literals between. */
                table[hash4(ip - 2)] = (uint32_t)(ip - 2 - base);
                uint32_t h = hash4(ip);
                ref = base + table[h];
                table[h] = (uint32_t)(ip - base);
                if (!((size_t)(ip - ref) <= MAX_OFFSET && ref < ip && read32(ref) == read32(ip))) {
                    ip++;
                    break;
                }
            }
        }
    }
done:
    op = put_last_literals(op, oend, anchor, (size_t)(iend - anchor));
    return op == NULL ? 0 : (size_t)(op - (unsigned char *)dst);
}

/* Reads a length extension; returns 0 when input ends first or the length
 * exceeds max (which also rules out overflow). */
static inline int get_length(const unsigned char **ipp, const unsigned char *iend, size_t *len, size_t max) {
    const unsigned char *ip = *ipp;
    unsigned b;
    do {
        if (ip >= iend) {
            return 0;
        }
        b = *ip++;
        *len += b;
        if (*len > max) {
            return 0;
        }
    } while (b == 255);
    *ipp = ip;
    return 1;
}

long odb_lz4_decompress(const char *src, size_t n, char *dst, size_t dst_size) {
    if (n == 0 || dst_size > (size_t)LONG_MAX) {
        return -1;
    }
    if (dst_size == 0) {
        /* Only a lone empty-literals token encodes nothing (and dst may be
         * NULL, which must not take part in pointer arithmetic). */
        return (n == 1 && src[0] == 0) ? 0 : -1;
    }
    const unsigned char *ip = (const unsigned char *)src;
    const unsigned char *const iend = ip + n;
    unsigned char *const obase = (unsigned char *)dst;
    unsigned char *op = obase;
    unsigned char *const oend = op + dst_size;
    for (;;) {
        if (ip >= iend) {
            return -1; /* ran out before a literals-only final sequence */
        }
        unsigned token = *ip++;

        size_t lit = token >> 4;
        if (lit == 15 && !get_length(&ip, iend, &lit, dst_size)) {
            return -1;
        }
        if (lit > (size_t)(iend - ip) || lit > (size_t)(oend - op)) {
            return -1;
        }
        if (lit <= 16 && (size_t)(iend - ip) >= 16 && (size_t)(oend - op) >= 16) {
            copy16(op, ip); /* common short run: one fixed-size copy */
        } else if (lit > 0) {
            memcpy(op, ip, lit);
        }
        ip += lit;
        op += lit;
        if (ip == iend) {
            break; /* the final sequence ends the block */
        }

        if ((size_t)(iend - ip) < 2) {
            return -1;
        }
        size_t off = (size_t)ip[0] | ((size_t)ip[1] << 8);
        ip += 2;
        if (off == 0 || off > (size_t)(op - obase)) {
            return -1;
        }
        size_t mlen = token & 15;
        if (mlen == 15 && !get_length(&ip, iend, &mlen, dst_size)) {
            return -1;
        }
        mlen += MIN_MATCH;
        if (mlen > (size_t)(oend - op)) {
            return -1;
        }
        const unsigned char *m = op - off;
        unsigned char *end = op + mlen;
        if ((size_t)(oend - op) >= 32) {
            /* Wide copies may write up to 15 bytes past wend, so wend stays
             * 16 bytes short of oend; the bytes past it are overwritten by
             * the byte loop below or by later sequences. */
            unsigned char *wend = (size_t)(oend - end) >= 16 ? end : oend - 16;
            if (off >= 16) {
                do {
                    copy16(op, m);
                    op += 16;
                    m += 16;
                } while (op < wend);
            } else {
                if (off < 8) {
                    /* Lay down the first 8 bytes one at a time, then copy
                     * from a distance that is a multiple of off and >= 8:
                     * the output repeats with period off. */
                    for (int i = 0; i < 8; i++) {
                        op[i] = m[i];
                    }
                    op += 8;
                    m = op - off * ((8 + off - 1) / off);
                }
                while (op < wend) {
                    copy8(op, m);
                    op += 8;
                    m += 8;
                }
            }
            op = wend;
            m = op - off;
        }
        while (op < end) {
            *op++ = *m++;
        }
    }
    if (op != oend) {
        return -1;
    }
    return (long)dst_size;
}
