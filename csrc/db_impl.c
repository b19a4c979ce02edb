/* db_impl.c - the small helpers on the database handle that the engine modules
 * share (db_impl.h has the map of the modules). */
#define _GNU_SOURCE
#include "db_impl.h"

size_t odb_db_arena_block_size(const odb_db *db) {
    size_t s = db->opt.write_buffer_size / 8;
    return s < 4096 ? 4096 : s > (1u << 20) ? (1u << 20) : s;
}

void odb_db_set_bg_error(odb_db *db, const odb_error *err) {
    if (db->bg_error_code == ODB_OK) {
        db->bg_error_code = err->code;
        db->bg_error = *err;
    }
    pthread_cond_broadcast(&db->bg_cv);
}

int odb_db_report_bg_error(odb_db *db, odb_error *err) {
    if (err != NULL) {
        /* The original message says what failed; keep it whole. */
        *err = db->bg_error;
    }
    return db->bg_error_code;
}

odb_table_build_options odb_db_build_options(const odb_db *db) {
    odb_table_build_options b;
    b.block_size = db->opt.block_size;
    b.block_restart_interval = db->opt.block_restart_interval;
    b.bloom_bits_per_key = db->opt.bloom_filter_bits_per_key;
    b.compression = db->opt.compression;
    return b;
}
