/* table_cache.c - open tables bounded by max_open_files (table_cache.h). */
#include "table_cache.h"

#include <pthread.h>
#include <stdlib.h>

#include "version.h"

struct odb_table_cache {
    pthread_mutex_t mu;
    int capacity; /* tables held open when not in use */
    int open;
    odb_table_open_options topt;
    odb_file_meta lru; /* sentinel: lru.lru_next is the most recently released */
};

odb_table_cache *odb_table_cache_new(int max_open_files, const odb_table_open_options *topt, int *oom) {
    *oom = 0;
    if (max_open_files < 0) {
        return NULL;
    }
    odb_table_cache *tc = calloc(1, sizeof *tc);
    if (tc == NULL) {
        *oom = 1;
        return NULL;
    }
    pthread_mutex_init(&tc->mu, NULL);
    tc->capacity = max_open_files > ODB_NON_TABLE_FILES ? max_open_files - ODB_NON_TABLE_FILES : 1;
    tc->topt = *topt;
    tc->lru.lru_next = tc->lru.lru_prev = &tc->lru;
    return tc;
}

void odb_table_cache_free(odb_table_cache *tc) {
    if (tc != NULL) {
        pthread_mutex_destroy(&tc->mu);
        free(tc);
    }
}

int odb_table_cache_open_tables(odb_table_cache *tc) {
    if (tc == NULL) {
        return -1;
    }
    pthread_mutex_lock(&tc->mu);
    int n = tc->open;
    pthread_mutex_unlock(&tc->mu);
    return n;
}

static void lru_remove(odb_file_meta *f) {
    if (f->lru_next != NULL) {
        f->lru_prev->lru_next = f->lru_next;
        f->lru_next->lru_prev = f->lru_prev;
        f->lru_next = f->lru_prev = NULL;
    }
}

/* Closes tables not in use, oldest first, until the cache is within capacity. tc->mu held. */
static void evict(odb_table_cache *tc) {
    while (tc->open > tc->capacity && tc->lru.lru_prev != &tc->lru) {
        odb_file_meta *f = tc->lru.lru_prev;
        lru_remove(f);
        odb_table_close(f->table);
        f->table = NULL;
        tc->open--;
    }
}

int odb_file_table_acquire(odb_file_meta *f, odb_table **out, odb_error *err) {
    odb_table_cache *tc = f->tcache;
    if (tc == NULL) {
        *out = f->table;
        return ODB_OK;
    }
    pthread_mutex_lock(&tc->mu);
    if (f->table == NULL) {
        /* Opened under the mutex: simple, and opens are rare once the working set is open. */
        int rc = odb_table_open_with_id(f->path, &tc->topt, f->cache_id, &f->table, err);
        if (rc != ODB_OK) {
            f->table = NULL;
            pthread_mutex_unlock(&tc->mu);
            return rc;
        }
        tc->open++;
    }
    lru_remove(f);
    f->table_users++;
    *out = f->table;
    pthread_mutex_unlock(&tc->mu);
    return ODB_OK;
}

void odb_file_table_release(odb_file_meta *f) {
    odb_table_cache *tc = f->tcache;
    if (tc == NULL) {
        return;
    }
    pthread_mutex_lock(&tc->mu);
    if (--f->table_users == 0) {
        f->lru_next = tc->lru.lru_next;
        f->lru_prev = &tc->lru;
        tc->lru.lru_next->lru_prev = f;
        tc->lru.lru_next = f;
        evict(tc);
    }
    pthread_mutex_unlock(&tc->mu);
}

void odb_file_table_forget(odb_file_meta *f) {
    odb_table_cache *tc = f->tcache;
    if (tc == NULL) {
        odb_table_close(f->table);
        f->table = NULL;
        return;
    }
    pthread_mutex_lock(&tc->mu);
    lru_remove(f);
    if (f->table != NULL) {
        odb_table_close(f->table);
        f->table = NULL;
        tc->open--;
    }
    pthread_mutex_unlock(&tc->mu);
}

/* ---- an iterator holding its table ---- */

typedef struct file_iter {
    odb_iter base;
    odb_iter *inner;
    odb_file_meta *f;
} file_iter;

static void fi_seek_first(odb_iter *it) { odb_iter_seek_first(((file_iter *)it)->inner); }
static void fi_seek_last(odb_iter *it) { odb_iter_seek_last(((file_iter *)it)->inner); }
static void fi_seek(odb_iter *it, odb_slice t) { odb_iter_seek(((file_iter *)it)->inner, t); }
static void fi_next(odb_iter *it) { odb_iter_next(((file_iter *)it)->inner); }
static void fi_prev(odb_iter *it) { odb_iter_prev(((file_iter *)it)->inner); }
static int fi_valid(const odb_iter *it) { return odb_iter_valid(((const file_iter *)it)->inner); }
static odb_slice fi_key(const odb_iter *it) { return odb_iter_key(((const file_iter *)it)->inner); }
static odb_slice fi_value(const odb_iter *it) { return odb_iter_value(((const file_iter *)it)->inner); }
static int fi_status(const odb_iter *it, odb_error *e) { return odb_iter_status(((const file_iter *)it)->inner, e); }
static void fi_destroy(odb_iter *it) {
    file_iter *fi = (file_iter *)it;
    odb_iter_destroy(fi->inner);
    odb_file_table_release(fi->f);
    free(fi);
}
static const odb_iter_ops file_iter_ops = {fi_seek_first, fi_seek_last, fi_seek, fi_next, fi_prev,
                                           fi_valid,      fi_key,       fi_value, fi_status, fi_destroy};

odb_iter *odb_file_iter_new(odb_file_meta *f, int fill_cache) {
    odb_table *t;
    odb_error err;
    odb_error_clear(&err);
    if (odb_file_table_acquire(f, &t, &err) != ODB_OK) {
        return odb_iter_new_error(&err);
    }
    if (f->tcache == NULL) { /* the table stays open as long as f: no hold needed */
        return odb_table_iter_new_filling(t, fill_cache);
    }
    file_iter *fi = malloc(sizeof *fi);
    odb_iter *inner = fi != NULL ? odb_table_iter_new_filling(t, fill_cache) : NULL;
    if (inner == NULL) {
        free(fi);
        odb_file_table_release(f);
        return NULL;
    }
    fi->base.ops = &file_iter_ops;
    fi->inner = inner;
    fi->f = f;
    return &fi->base;
}
