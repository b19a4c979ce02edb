#include "memtable.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "status.h"

#define MAX_HEIGHT 12
#define BRANCHING 4

typedef struct mt_node mt_node;
struct mt_node {
    uint32_t key_size;
    uint32_t value_size;
    const char *key; /* internal key; the value follows it */
    _Atomic(mt_node *) next[];
};

struct odb_memtable {
    _Atomic int refs;
    _Atomic int height;
    _Atomic size_t entries;
    uint32_t rnd;
    pthread_mutex_t alloc_mu; /* arena allocation of concurrent inserts */
    odb_arena arena;
    mt_node *head;
};

static mt_node *new_node(odb_memtable *m, int height, size_t payload) {
    size_t sz = sizeof(mt_node) + (size_t)height * sizeof(_Atomic(mt_node *)) + payload;
    mt_node *n = odb_arena_alloc(&m->arena, sz);
    if (n == NULL) {
        return NULL;
    }
    for (int i = 0; i < height; i++) {
        atomic_init(&n->next[i], NULL);
    }
    return n;
}

odb_memtable *odb_memtable_new(size_t arena_block_size) {
    odb_memtable *m = malloc(sizeof *m);
    if (m == NULL) {
        return NULL;
    }
    odb_arena_init(&m->arena, arena_block_size);
    pthread_mutex_init(&m->alloc_mu, NULL);
    atomic_init(&m->refs, 1);
    atomic_init(&m->height, 1);
    atomic_init(&m->entries, 0);
    m->rnd = 0xdeadbeef;
    m->head = new_node(m, MAX_HEIGHT, 0);
    if (m->head == NULL) {
        odb_arena_destroy(&m->arena);
        free(m);
        return NULL;
    }
    m->head->key = NULL;
    m->head->key_size = 0;
    m->head->value_size = 0;
    return m;
}

void odb_memtable_ref(odb_memtable *m) { atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed); }

void odb_memtable_unref(odb_memtable *m) {
    if (m != NULL && atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1) {
        pthread_mutex_destroy(&m->alloc_mu);
        odb_arena_destroy(&m->arena);
        free(m);
    }
}

static inline odb_slice node_key(const mt_node *n) { return odb_slice_make(n->key, n->key_size); }
static inline odb_slice node_value(const mt_node *n) {
    return odb_slice_make(n->key + n->key_size, n->value_size);
}
static inline mt_node *next_of(mt_node *n, int level) {
    return atomic_load_explicit(&n->next[level], memory_order_acquire);
}

static int random_height(odb_memtable *m) {
    int h = 1;
    for (;;) {
        /* xorshift32: cheap and good enough for level choice */
        m->rnd ^= m->rnd << 13;
        m->rnd ^= m->rnd >> 17;
        m->rnd ^= m->rnd << 5;
        if (h >= MAX_HEIGHT || (m->rnd % BRANCHING) != 0) {
            return h;
        }
        h++;
    }
}

/* First node >= key; fills prev[] with the last node < key at each level. */
static mt_node *find_ge(odb_memtable *m, odb_slice key, mt_node **prev) {
    mt_node *x = m->head;
    int level = atomic_load_explicit(&m->height, memory_order_relaxed) - 1;
    for (;;) {
        mt_node *next = next_of(x, level);
        if (next != NULL) {
            __builtin_prefetch(next_of(next, level)); /* the node compared after this one */
        }
        if (next != NULL && odb_ikey_compare(node_key(next), key) < 0) {
            x = next;
        } else {
            if (prev != NULL) {
                prev[level] = x;
            }
            if (level == 0) {
                return next;
            }
            level--;
        }
    }
}

/* Last node < key, or head. */
static mt_node *find_lt(odb_memtable *m, odb_slice key) {
    mt_node *x = m->head;
    int level = atomic_load_explicit(&m->height, memory_order_relaxed) - 1;
    for (;;) {
        mt_node *next = next_of(x, level);
        if (next != NULL && odb_ikey_compare(node_key(next), key) < 0) {
            x = next;
        } else if (level == 0) {
            return x;
        } else {
            level--;
        }
    }
}

static mt_node *find_last(odb_memtable *m) {
    mt_node *x = m->head;
    int level = atomic_load_explicit(&m->height, memory_order_relaxed) - 1;
    for (;;) {
        mt_node *next = next_of(x, level);
        if (next != NULL) {
            x = next;
        } else if (level == 0) {
            return x;
        } else {
            level--;
        }
    }
}

int odb_memtable_add(odb_memtable *m, odb_seq seq, int kind, odb_slice key, odb_slice value) {
    size_t ksize = key.size + ODB_TRAILER_SIZE;
    if (ksize > UINT32_MAX || value.size > UINT32_MAX) {
        return ODB_INVALID_ARGUMENT;
    }
    int height = random_height(m);
    mt_node *n = new_node(m, height, ksize + value.size);
    if (n == NULL) {
        return ODB_NO_MEMORY;
    }
    char *p = (char *)&n->next[height];
    memcpy(p, key.data, key.size);
    odb_encode_fixed64(p + key.size, odb_pack_trailer(seq, kind));
    if (value.size) {
        memcpy(p + ksize, value.data, value.size);
    }
    n->key = p;
    n->key_size = (uint32_t)ksize;
    n->value_size = (uint32_t)value.size;

    mt_node *prev[MAX_HEIGHT];
    find_ge(m, node_key(n), prev);
    int cur = atomic_load_explicit(&m->height, memory_order_relaxed);
    if (height > cur) {
        for (int i = cur; i < height; i++) {
            prev[i] = m->head;
        }
        /* Readers seeing the new height before the links find NULL at the new
         * levels from head, which only makes them drop a level sooner. */
        atomic_store_explicit(&m->height, height, memory_order_relaxed);
    }
    for (int i = 0; i < height; i++) {
        atomic_store_explicit(&n->next[i], next_of(prev[i], i), memory_order_relaxed);
        atomic_store_explicit(&prev[i]->next[i], n, memory_order_release);
    }
    atomic_fetch_add_explicit(&m->entries, 1, memory_order_relaxed);
    return ODB_OK;
}

/* Height from the sequence number (unique per entry), so concurrent inserters
 * need no shared random state. */
static int height_of(odb_seq seq) {
    uint64_t x = seq * 0x9E3779B97F4A7C15ull;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    int h = 1;
    while (h < MAX_HEIGHT && (x & 3) == 0) {
        h++;
        x >>= 2;
    }
    return h;
}

int odb_memtable_add_concurrent(odb_memtable *m, odb_seq seq, int kind, odb_slice key, odb_slice value) {
    size_t ksize = key.size + ODB_TRAILER_SIZE;
    if (ksize > UINT32_MAX || value.size > UINT32_MAX) {
        return ODB_INVALID_ARGUMENT;
    }
    int height = height_of(seq);
    pthread_mutex_lock(&m->alloc_mu);
    mt_node *n = new_node(m, height, ksize + value.size);
    pthread_mutex_unlock(&m->alloc_mu);
    if (n == NULL) {
        return ODB_NO_MEMORY;
    }
    char *p = (char *)&n->next[height];
    memcpy(p, key.data, key.size);
    odb_encode_fixed64(p + key.size, odb_pack_trailer(seq, kind));
    if (value.size) {
        memcpy(p + ksize, value.data, value.size);
    }
    n->key = p;
    n->key_size = (uint32_t)ksize;
    n->value_size = (uint32_t)value.size;
    odb_slice nk = node_key(n);

    int cur = atomic_load_explicit(&m->height, memory_order_relaxed);
    while (height > cur &&
           !atomic_compare_exchange_weak_explicit(&m->height, &cur, height, memory_order_relaxed,
                                                  memory_order_relaxed)) {
    }
    int top = height > cur ? height : cur;
    mt_node *prev[MAX_HEIGHT], *next[MAX_HEIGHT];
    mt_node *x = m->head;
    for (int level = top - 1; level >= 0; level--) {
        mt_node *nx;
        while ((nx = next_of(x, level)) != NULL && odb_ikey_compare(node_key(nx), nk) < 0) {
            x = nx;
        }
        prev[level] = x;
        next[level] = nx;
    }
    /* Link bottom-up: a reader that finds the node at a level finds it below too. */
    for (int i = 0; i < height; i++) {
        for (;;) {
            atomic_store_explicit(&n->next[i], next[i], memory_order_relaxed);
            mt_node *expected = next[i];
            if (atomic_compare_exchange_strong_explicit(&prev[i]->next[i], &expected, n, memory_order_release,
                                                        memory_order_relaxed)) {
                break;
            }
            /* another inserter linked a node here first: find our place again from prev */
            mt_node *y = prev[i], *ny;
            while ((ny = next_of(y, i)) != NULL && odb_ikey_compare(node_key(ny), nk) < 0) {
                y = ny;
            }
            prev[i] = y;
            next[i] = ny;
        }
    }
    atomic_fetch_add_explicit(&m->entries, 1, memory_order_relaxed);
    return ODB_OK;
}

int odb_memtable_get(odb_memtable *m, odb_slice lookup_ikey, int *deleted, odb_buf *value, odb_seq *seq) {
    mt_node *n = find_ge(m, lookup_ikey, NULL);
    if (n == NULL) {
        return 0;
    }
    odb_slice k = node_key(n);
    if (odb_slice_compare(odb_ikey_user(k), odb_ikey_user(lookup_ikey)) != 0) {
        return 0;
    }
    if (seq != NULL) {
        *seq = odb_ikey_seq(k);
    }
    if (odb_ikey_kind(k) == ODB_KIND_DELETE) {
        *deleted = 1;
        return 1;
    }
    *deleted = 0;
    odb_buf_clear(value);
    odb_slice v = node_value(n);
    if (odb_buf_append(value, v.data, v.size) != ODB_OK) {
        return -1;
    }
    return 1;
}

size_t odb_memtable_memory_usage(odb_memtable *m) { return odb_arena_usage(&m->arena); }
size_t odb_memtable_data_size(odb_memtable *m) { return odb_arena_used(&m->arena); }
size_t odb_memtable_num_entries(odb_memtable *m) {
    return atomic_load_explicit(&m->entries, memory_order_relaxed);
}

typedef struct mt_iter {
    odb_iter base;
    odb_memtable *m;
    mt_node *node; /* NULL when not valid */
} mt_iter;

static void mi_seek_first(odb_iter *it) {
    mt_iter *mi = (mt_iter *)it;
    mi->node = next_of(mi->m->head, 0);
}
static void mi_seek_last(odb_iter *it) {
    mt_iter *mi = (mt_iter *)it;
    mt_node *n = find_last(mi->m);
    mi->node = (n == mi->m->head) ? NULL : n;
}
static void mi_seek(odb_iter *it, odb_slice target) {
    mt_iter *mi = (mt_iter *)it;
    mi->node = find_ge(mi->m, target, NULL);
}
static void mi_next(odb_iter *it) {
    mt_iter *mi = (mt_iter *)it;
    mi->node = next_of(mi->node, 0);
}
static void mi_prev(odb_iter *it) {
    mt_iter *mi = (mt_iter *)it;
    mt_node *n = find_lt(mi->m, node_key(mi->node));
    mi->node = (n == mi->m->head) ? NULL : n;
}
static int mi_valid(const odb_iter *it) { return ((const mt_iter *)it)->node != NULL; }
static odb_slice mi_key(const odb_iter *it) { return node_key(((const mt_iter *)it)->node); }
static odb_slice mi_value(const odb_iter *it) { return node_value(((const mt_iter *)it)->node); }
static int mi_status(const odb_iter *it, odb_error *err) {
    (void)it;
    (void)err;
    return ODB_OK;
}
static void mi_destroy(odb_iter *it) {
    mt_iter *mi = (mt_iter *)it;
    odb_memtable_unref(mi->m);
    free(mi);
}

static const odb_iter_ops mt_iter_ops = {
    mi_seek_first, mi_seek_last, mi_seek, mi_next, mi_prev, mi_valid, mi_key, mi_value, mi_status, mi_destroy,
};

odb_iter *odb_memtable_iter_new(odb_memtable *m) {
    mt_iter *mi = malloc(sizeof *mi);
    if (mi == NULL) {
        return NULL;
    }
    mi->base.ops = &mt_iter_ops;
    odb_memtable_ref(m);
    mi->m = m;
    mi->node = NULL;
    return &mi->base;
}
