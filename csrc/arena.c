#include "arena.h"

#include <stdint.h>
#include <stdlib.h>

#define ARENA_ALIGN (sizeof(void *) > 8 ? sizeof(void *) : 8)

struct odb_arena_block {
    odb_arena_block *next;
    /* payload follows, aligned by max_align_t-sized header padding */
};

#define BLOCK_HEADER (((sizeof(odb_arena_block) + 15) / 16) * 16)

void odb_arena_init(odb_arena *a, size_t block_size) {
    a->block_size = block_size < 1024 ? 1024 : block_size;
    a->ptr = NULL;
    a->remaining = 0;
    a->blocks = NULL;
    atomic_init(&a->usage, 0);
    atomic_init(&a->used, 0);
}

void odb_arena_destroy(odb_arena *a) {
    odb_arena_block *b = a->blocks;
    while (b != NULL) {
        odb_arena_block *next = b->next;
        free(b);
        b = next;
    }
    odb_arena_init(a, a->block_size);
}

static char *new_block(odb_arena *a, size_t payload) {
    odb_arena_block *b = malloc(BLOCK_HEADER + payload);
    if (b == NULL) {
        return NULL;
    }
    b->next = a->blocks;
    a->blocks = b;
    atomic_fetch_add_explicit(&a->usage, BLOCK_HEADER + payload, memory_order_relaxed);
    return (char *)b + BLOCK_HEADER;
}

void *odb_arena_alloc(odb_arena *a, size_t n) {
    atomic_fetch_add_explicit(&a->used, n, memory_order_relaxed);
    size_t pad = (ARENA_ALIGN - ((uintptr_t)a->ptr & (ARENA_ALIGN - 1))) & (ARENA_ALIGN - 1);
    if (a->ptr != NULL && n + pad <= a->remaining) {
        char *p = a->ptr + pad;
        a->ptr = p + n;
        a->remaining -= n + pad;
        return p;
    }
    if (n > a->block_size / 4) {
        /* Big entries get a block of their own so the current block's tail is not wasted. */
        return new_block(a, n);
    }
    char *p = new_block(a, a->block_size);
    if (p == NULL) {
        return NULL;
    }
    a->ptr = p + n;
    a->remaining = a->block_size - n;
    return p;
}
