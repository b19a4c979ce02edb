#include "iterator.h"

#include <stdlib.h>

typedef struct error_iter {
    odb_iter base;
    odb_error err;
} error_iter;

static void ei_noop(odb_iter *it) { (void)it; }
static void ei_seek(odb_iter *it, odb_slice t) { (void)it; (void)t; }
static int ei_valid(const odb_iter *it) { (void)it; return 0; }
static odb_slice ei_empty(const odb_iter *it) { (void)it; return odb_slice_make("", 0); }
static int ei_status(const odb_iter *it, odb_error *err) {
    const error_iter *ei = (const error_iter *)it;
    if (ei->err.code != ODB_OK && err != NULL) {
        *err = ei->err;
    }
    return ei->err.code;
}
static void ei_destroy(odb_iter *it) { free(it); }

static const odb_iter_ops error_iter_ops = {
    ei_noop, ei_noop, ei_seek, ei_noop, ei_noop, ei_valid, ei_empty, ei_empty, ei_status, ei_destroy,
};

odb_iter *odb_iter_new_error(const odb_error *err) {
    error_iter *ei = calloc(1, sizeof *ei);
    if (ei == NULL) {
        return NULL;
    }
    ei->base.ops = &error_iter_ops;
    if (err != NULL) {
        ei->err = *err;
    }
    return &ei->base;
}
