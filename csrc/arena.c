#include "arena.h"

#include <stdint.h>
#include <stdlib.h>

#define ARENA_BLOCK_SIZE (256 * 1024)
#define ARENA_ALIGN (sizeof(void *) > 8 ? sizeof(void *) : 8)

struct odb_arena_block {
    odb_arena_block *next;
    /* payload follows, aligned by max_align_t-sized header padding */
};

#define BLOCK_HEADER (((sizeof(odb_arena_block) + 15) / 16) * 16)

void odb_arena_init(odb_arena *a) {
    a->ptr = NULL;
    a->remaining = 0;
    a->blocks = NULL;
    atomic_init(&a->usage, 0);
}

void odb_arena_destroy(odb_arena *a) {
    odb_arena_block *b = a->blocks;
    while (b != NULL) {
        odb_arena_block *next = b->next;
        free(b);
        b = next;
    }
    odb_arena_init(a);
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
    size_t pad = (ARENA_ALIGN - ((uintptr_t)a->ptr & (ARENA_ALIGN - 1))) & (ARENA_ALIGN - 1);
    if (a->ptr != NULL && n + pad <= a->remaining) {
        char *p = a->ptr + pad;
        a->ptr = p + n;
        a->remaining -= n + pad;
        return p;
    }
    if (n > ARENA_BLOCK_SIZE / 4) {
        /* Big entries get a block of their own so the current block's tail is not wasted. */
        return new_block(a, n);
    }
    char *p = new_block(a, ARENA_BLOCK_SIZE);
    if (p == NULL) {
        return NULL;
    }
    a->ptr = p + n;
    a->remaining = ARENA_BLOCK_SIZE - n;
    return p;
}
