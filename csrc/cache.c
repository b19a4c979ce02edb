/* cache.c - sharded LRU cache charged in bytes.
 *
 * Each shard has its own mutex, a chained hash table that doubles when it
 * holds more entries than buckets, and an LRU list. An entry is in one of
 * three states:
 *   - in the table, unreferenced: on the LRU list, evictable;
 *   - in the table, referenced (pinned): off the LRU list, never evicted;
 *   - out of the table (erased/replaced/evicted) but still referenced: owned
 *     by its handles only, deleted when the last one is released.
 * usage counts the charge of entries in the table; pinned_usage the part of
 * it that is referenced. Deleters run after the shard mutex is dropped, so a
 * slow deleter (free of a large block) does not stall other threads.
 *
 * The shard count is a power of two up to 16 such that each shard gets at
 * least 512 KiB: small caches stay one exact LRU instead of many tiny ones
 * that would evict far earlier than the total capacity suggests. */
#include "cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#define MAX_SHARD_BITS 4
#define MIN_SHARD_CAPACITY (512u * 1024u)
#define INITIAL_BUCKETS 64

struct odb_cache_handle {
    uint64_t id;
    uint64_t offset;
    void *value;
    odb_cache_deleter deleter;
    size_t charge;
    uint64_t hash;
    uint32_t refs;  /* handles held by callers */
    bool in_table;
    struct odb_cache_handle *next_hash;
    struct odb_cache_handle *prev; /* LRU links; also the to-delete chain */
    struct odb_cache_handle *next;
};

typedef struct odb_cache_handle entry;

typedef struct shard {
    pthread_mutex_t mu;
    size_t capacity;
    size_t usage;
    size_t pinned;
    entry **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
    entry lru; /* sentinel: lru.next is the oldest, lru.prev the newest */
} shard;

struct odb_cache {
    size_t capacity;
    unsigned shard_bits;
    atomic_uint_fast64_t next_id;
    shard shards[];
};

static inline uint64_t key_hash(uint64_t id, uint64_t offset) {
    /* A strong 64-bit finalizer: offsets are block-aligned and ids small,
     * so both must be mixed into every bit. */
    uint64_t h = id * 0x9E3779B97F4A7C15ull ^ offset;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static inline shard *shard_for(odb_cache *c, uint64_t hash) {
    /* Top bits pick the shard; bucket indexes use the low bits. */
    return &c->shards[c->shard_bits ? hash >> (64 - c->shard_bits) : 0];
}

static void lru_remove(entry *e) {
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->prev = e->next = NULL;
}

static void lru_append(shard *s, entry *e) {
    e->next = &s->lru;
    e->prev = s->lru.prev;
    e->prev->next = e;
    e->next->prev = e;
}

/* Pointer to the slot holding the entry with this key (or the NULL slot at
 * the end of its chain). */
static entry **table_find(shard *s, uint64_t id, uint64_t offset, uint64_t hash) {
    entry **slot = &s->buckets[hash & (s->nbuckets - 1)];
    while (*slot != NULL && ((*slot)->hash != hash || (*slot)->id != id || (*slot)->offset != offset)) {
        slot = &(*slot)->next_hash;
    }
    return slot;
}

static void table_grow(shard *s) {
    size_t n = s->nbuckets * 2;
    entry **b = calloc(n, sizeof *b);
    if (b == NULL) {
        return; /* keep the current table: longer chains, still correct */
    }
    for (size_t i = 0; i < s->nbuckets; i++) {
        entry *e = s->buckets[i];
        while (e != NULL) {
            entry *next = e->next_hash;
            entry **slot = &b[e->hash & (n - 1)];
            e->next_hash = *slot;
            *slot = e;
            e = next;
        }
    }
    free(s->buckets);
    s->buckets = b;
    s->nbuckets = n;
}

/* Takes e out of the table (caller holds the mutex and has unlinked it from
 * its chain). Returns e if it must now be deleted, else NULL. */
static entry *detach(shard *s, entry *e) {
    e->in_table = false;
    s->count--;
    s->usage -= e->charge;
    if (e->refs == 0) {
        lru_remove(e);
        return e;
    }
    s->pinned -= e->charge;
    return NULL;
}

/* Entries to delete once the mutex is dropped, in the order they left. */
typedef struct dead_list {
    entry *head;
    entry **tail;
} dead_list;

static void push_dead(dead_list *dead, entry *e) {
    if (e != NULL) {
        e->next = NULL;
        *dead->tail = e;
        dead->tail = &e->next;
    }
}

/* Evicts least recently used unreferenced entries while over capacity. A
 * zero capacity keeps nothing unreferenced, not even zero-charge entries. */
static void evict(shard *s, dead_list *dead) {
    while ((s->usage > s->capacity || s->capacity == 0) && s->lru.next != &s->lru) {
        entry *victim = s->lru.next;
        entry **slot = table_find(s, victim->id, victim->offset, victim->hash);
        *slot = victim->next_hash;
        push_dead(dead, detach(s, victim));
    }
}

static void delete_all(dead_list *list) {
    entry *dead = list->head;
    while (dead != NULL) {
        entry *next = dead->next;
        if (dead->deleter != NULL) {
            dead->deleter(dead->value);
        }
        free(dead);
        dead = next;
    }
}

odb_cache *odb_cache_new(size_t capacity) {
    unsigned bits = 0;
    while (bits < MAX_SHARD_BITS && capacity >> (bits + 1) >= MIN_SHARD_CAPACITY) {
        bits++;
    }
    size_t nshards = (size_t)1 << bits;
    odb_cache *c = calloc(1, sizeof *c + nshards * sizeof(shard));
    if (c == NULL) {
        return NULL;
    }
    c->capacity = capacity;
    c->shard_bits = bits;
    atomic_init(&c->next_id, 1);
    for (size_t i = 0; i < nshards; i++) {
        shard *s = &c->shards[i];
        /* Spread the remainder so the shard capacities sum to capacity. */
        s->capacity = capacity / nshards + (i < capacity % nshards ? 1 : 0);
        s->lru.next = s->lru.prev = &s->lru;
        s->nbuckets = INITIAL_BUCKETS;
        s->buckets = calloc(INITIAL_BUCKETS, sizeof *s->buckets);
        if (s->buckets == NULL || pthread_mutex_init(&s->mu, NULL) != 0) {
            free(s->buckets);
            for (size_t j = 0; j < i; j++) {
                pthread_mutex_destroy(&c->shards[j].mu);
                free(c->shards[j].buckets);
            }
            free(c);
            return NULL;
        }
    }
    return c;
}

void odb_cache_free(odb_cache *c) {
    if (c == NULL) {
        return;
    }
    size_t nshards = (size_t)1 << c->shard_bits;
    for (size_t i = 0; i < nshards; i++) {
        shard *s = &c->shards[i];
        dead_list dead = {NULL, &dead.head};
        for (size_t b = 0; b < s->nbuckets; b++) {
            entry *e = s->buckets[b];
            while (e != NULL) {
                entry *next = e->next_hash;
                /* Callers must have released every handle; a still-pinned
                 * entry is deleted anyway rather than leaked. */
                push_dead(&dead, e);
                e = next;
            }
        }
        delete_all(&dead);
        free(s->buckets);
        pthread_mutex_destroy(&s->mu);
    }
    free(c);
}

static odb_cache_handle *insert(odb_cache *c, uint64_t id, uint64_t offset, void *value, size_t charge,
                                odb_cache_deleter deleter, bool only_if_room) {
    entry *e = malloc(sizeof *e);
    if (e == NULL) {
        if (deleter != NULL && !only_if_room) {
            deleter(value);
        }
        return NULL;
    }
    uint64_t hash = key_hash(id, offset);
    e->id = id;
    e->offset = offset;
    e->value = value;
    e->deleter = deleter;
    e->charge = charge;
    e->hash = hash;
    e->refs = 1;
    e->in_table = true;
    e->prev = e->next = NULL;

    shard *s = shard_for(c, hash);
    dead_list dead = {NULL, &dead.head};
    pthread_mutex_lock(&s->mu);
    if (only_if_room && (s->usage > s->capacity || charge > s->capacity - s->usage)) {
        pthread_mutex_unlock(&s->mu);
        free(e);
        return NULL;
    }
    entry **slot = table_find(s, id, offset, hash);
    entry *old = *slot;
    if (old != NULL) {
        /* Take old's place in the chain. */
        e->next_hash = old->next_hash;
        *slot = e;
        push_dead(&dead, detach(s, old));
    } else {
        e->next_hash = NULL;
        *slot = e;
    }
    s->count++;
    s->usage += charge;
    s->pinned += charge;
    evict(s, &dead);
    if (s->count > s->nbuckets) {
        table_grow(s);
    }
    pthread_mutex_unlock(&s->mu);
    delete_all(&dead);
    return e;
}

odb_cache_handle *odb_cache_insert(odb_cache *c, uint64_t id, uint64_t offset, void *value, size_t charge,
                                   odb_cache_deleter deleter) {
    return insert(c, id, offset, value, charge, deleter, false);
}

odb_cache_handle *odb_cache_insert_if_room(odb_cache *c, uint64_t id, uint64_t offset, void *value, size_t charge,
                                           odb_cache_deleter deleter) {
    return insert(c, id, offset, value, charge, deleter, true);
}

odb_cache_handle *odb_cache_lookup(odb_cache *c, uint64_t id, uint64_t offset) {
    uint64_t hash = key_hash(id, offset);
    shard *s = shard_for(c, hash);
    pthread_mutex_lock(&s->mu);
    entry *e = *table_find(s, id, offset, hash);
    if (e != NULL) {
        if (e->refs++ == 0) {
            lru_remove(e);
            s->pinned += e->charge;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return e;
}

void *odb_cache_value(const odb_cache_handle *handle) { return handle->value; }

void odb_cache_release(odb_cache *c, odb_cache_handle *e) {
    shard *s = shard_for(c, e->hash);
    dead_list dead = {NULL, &dead.head};
    pthread_mutex_lock(&s->mu);
    if (--e->refs == 0) {
        if (e->in_table) {
            s->pinned -= e->charge;
            lru_append(s, e); /* most recently used */
            evict(s, &dead);  /* usage may be above capacity from pinning */
        } else {
            push_dead(&dead, e);
        }
    }
    pthread_mutex_unlock(&s->mu);
    delete_all(&dead);
}

void odb_cache_erase(odb_cache *c, uint64_t id, uint64_t offset) {
    uint64_t hash = key_hash(id, offset);
    shard *s = shard_for(c, hash);
    dead_list dead = {NULL, &dead.head};
    pthread_mutex_lock(&s->mu);
    entry **slot = table_find(s, id, offset, hash);
    entry *e = *slot;
    if (e != NULL) {
        *slot = e->next_hash;
        push_dead(&dead, detach(s, e));
    }
    pthread_mutex_unlock(&s->mu);
    delete_all(&dead);
}

uint64_t odb_cache_new_id(odb_cache *c) {
    return (uint64_t)atomic_fetch_add_explicit(&c->next_id, 1, memory_order_relaxed);
}

static size_t sum_field(odb_cache *c, int pinned) {
    size_t total = 0;
    size_t nshards = (size_t)1 << c->shard_bits;
    for (size_t i = 0; i < nshards; i++) {
        shard *s = &c->shards[i];
        pthread_mutex_lock(&s->mu);
        total += pinned ? s->pinned : s->usage;
        pthread_mutex_unlock(&s->mu);
    }
    return total;
}

size_t odb_cache_usage(odb_cache *c) { return sum_field(c, 0); }

size_t odb_cache_pinned_usage(odb_cache *c) { return sum_field(c, 1); }

size_t odb_cache_capacity(const odb_cache *c) { return c->capacity; }
