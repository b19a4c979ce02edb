/* lz4.h - LZ4 block format (not the frame format): compress and decompress
 * one buffer. Written for orbitdb from the published format description; the
 * output is readable by any LZ4 block decoder (e.g. lz4.block.decompress). */
#ifndef ODB_LZ4_H
#define ODB_LZ4_H

#include <stddef.h>

/* Worst-case compressed size of n input bytes. */
size_t odb_lz4_bound(size_t n);

/* Compresses src[0..n) into dst (capacity dst_cap >= odb_lz4_bound(n) is
 * always enough). Returns the compressed size, or 0 if it did not fit.
 * Thread-safe; uses a hash table on the stack. */
size_t odb_lz4_compress(const char *src, size_t n, char *dst, size_t dst_cap);

/* Decompresses a block that must expand to exactly dst_size bytes. Returns
 * dst_size on success or -1 when src is malformed (never reads or writes out
 * of bounds, whatever src holds). */
long odb_lz4_decompress(const char *src, size_t n, char *dst, size_t dst_size);

#endif
