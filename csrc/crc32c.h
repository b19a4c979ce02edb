/* crc32c.h - CRC-32C (Castagnoli), used for every WAL record and table block.
 * Stored checksums are masked (as LevelDB does) so that a CRC computed over
 * data that itself contains CRCs stays well distributed. */
#ifndef ODB_CRC32C_H
#define ODB_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Returns the CRC-32C of data[0..n) appended to a stream whose CRC was crc
 * (pass 0 to start). Uses the SSE4.2 instruction when the CPU has it. */
uint32_t odb_crc32c_extend(uint32_t crc, const void *data, size_t n);

static inline uint32_t odb_crc32c(const void *data, size_t n) { return odb_crc32c_extend(0, data, n); }

/* For tests and benchmarks: the table-driven version (same results), and
 * whether odb_crc32c_extend uses a CPU instruction on this machine. */
uint32_t odb_crc32c_extend_portable(uint32_t crc, const void *data, size_t n);
int odb_crc32c_hw_available(void);

#define ODB_CRC_MASK_DELTA 0xa282ead8u

static inline uint32_t odb_crc32c_mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + ODB_CRC_MASK_DELTA; }

static inline uint32_t odb_crc32c_unmask(uint32_t masked) {
    uint32_t rot = masked - ODB_CRC_MASK_DELTA;
    return (rot >> 17) | (rot << 15);
}

#endif
