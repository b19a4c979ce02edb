/* arena.h - bump allocator for memtable entries. Memory is freed all at once
 * when the arena is destroyed. Allocation is single-threaded (the memtable's
 * writer); memory_usage may be read from any thread. */
#ifndef ODB_ARENA_H
#define ODB_ARENA_H

#include <stdatomic.h>
#include <stddef.h>

typedef struct odb_arena_block odb_arena_block;

typedef struct odb_arena {
    char *ptr;            /* next free byte in the current block */
    size_t remaining;     /* bytes left in the current block */
    odb_arena_block *blocks;
    size_t block_size;
    _Atomic size_t usage; /* bytes reserved from the system */
    _Atomic size_t used;  /* bytes handed out, alignment included */
} odb_arena;

/* block_size: bytes per block (small write buffers get small blocks). */
void odb_arena_init(odb_arena *a, size_t block_size);
void odb_arena_destroy(odb_arena *a);
/* Pointer-aligned memory of n bytes, or NULL when out of memory. */
void *odb_arena_alloc(odb_arena *a, size_t n);
static inline size_t odb_arena_usage(odb_arena *a) {
    return atomic_load_explicit(&a->usage, memory_order_relaxed);
}
/* Bytes given out: what a memtable's size is measured by, so that a small
 * write buffer is not declared full by one fresh arena block. */
static inline size_t odb_arena_used(odb_arena *a) {
    return atomic_load_explicit(&a->used, memory_order_relaxed);
}

#endif
