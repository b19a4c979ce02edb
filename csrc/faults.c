/* faults.c - fault injection for tests (faults.h). */
#define _GNU_SOURCE
#include "faults.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static _Atomic int armed;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char fault_prefix[512];
static char fault_match[128];
static int fault_ops, fault_after, fault_errno, fault_sticky;
static uint64_t fault_count;

void odb_fault_arm(const char *prefix, const char *match, int ops, int after, int errno_value, int sticky) {
    pthread_mutex_lock(&mu);
    strncpy(fault_prefix, prefix ? prefix : "", sizeof fault_prefix - 1);
    fault_prefix[sizeof fault_prefix - 1] = '\0';
    strncpy(fault_match, match ? match : "", sizeof fault_match - 1);
    fault_match[sizeof fault_match - 1] = '\0';
    fault_ops = ops;
    fault_after = after < 0 ? 0 : after;
    fault_errno = errno_value;
    fault_sticky = sticky;
    fault_count = 0;
    atomic_store(&armed, 1);
    pthread_mutex_unlock(&mu);
}

void odb_fault_disarm(void) {
    pthread_mutex_lock(&mu);
    atomic_store(&armed, 0);
    pthread_mutex_unlock(&mu);
}

uint64_t odb_fault_count(void) {
    pthread_mutex_lock(&mu);
    uint64_t n = fault_count;
    pthread_mutex_unlock(&mu);
    return n;
}

int odb_fault_hit(const char *path, int op) {
    if (!atomic_load_explicit(&armed, memory_order_relaxed)) {
        return 0;
    }
    int e = 0;
    pthread_mutex_lock(&mu);
    if (atomic_load(&armed) && (fault_ops & op) && strncmp(path, fault_prefix, strlen(fault_prefix)) == 0 &&
        strstr(path, fault_match) != NULL) {
        if (fault_after > 0) {
            fault_after--;
        } else if (fault_sticky || fault_count == 0) {
            fault_count++;
            e = fault_errno;
        }
    }
    pthread_mutex_unlock(&mu);
    return e;
}

/* ---- power loss ---- */

#define MAX_TRACKED 4096

typedef struct tracked {
    char *path;
    uint64_t synced;
} tracked;

static _Atomic int tracking;
static char track_prefix[512];
static tracked files[MAX_TRACKED];
static int nfiles;

void odb_fault_track(const char *prefix) {
    pthread_mutex_lock(&mu);
    strncpy(track_prefix, prefix, sizeof track_prefix - 1);
    track_prefix[sizeof track_prefix - 1] = '\0';
    atomic_store(&tracking, 1);
    pthread_mutex_unlock(&mu);
}

static tracked *find_tracked(const char *path, int add) {
    for (int i = 0; i < nfiles; i++) {
        if (strcmp(files[i].path, path) == 0) {
            return &files[i];
        }
    }
    if (!add || nfiles == MAX_TRACKED) {
        return NULL;
    }
    char *p = malloc(strlen(path) + 1);
    if (p == NULL) {
        return NULL;
    }
    strcpy(p, path);
    files[nfiles].path = p;
    files[nfiles].synced = 0;
    return &files[nfiles++];
}

static int is_tracked(const char *path) {
    return atomic_load_explicit(&tracking, memory_order_relaxed) &&
           strncmp(path, track_prefix, strlen(track_prefix)) == 0;
}

void odb_fault_note_create(const char *path) {
    if (!atomic_load_explicit(&tracking, memory_order_relaxed)) {
        return;
    }
    pthread_mutex_lock(&mu);
    tracked *t = is_tracked(path) ? find_tracked(path, 1) : NULL;
    if (t != NULL) {
        t->synced = 0;
    }
    pthread_mutex_unlock(&mu);
}

void odb_fault_note_sync(const char *path, uint64_t size) {
    if (!atomic_load_explicit(&tracking, memory_order_relaxed)) {
        return;
    }
    pthread_mutex_lock(&mu);
    tracked *t = is_tracked(path) ? find_tracked(path, 1) : NULL;
    if (t != NULL) {
        t->synced = size;
    }
    pthread_mutex_unlock(&mu);
}

void odb_fault_note_rename(const char *from, const char *to) {
    if (!atomic_load_explicit(&tracking, memory_order_relaxed)) {
        return;
    }
    pthread_mutex_lock(&mu);
    tracked *src = find_tracked(from, 0);
    if (src != NULL && is_tracked(to)) {
        tracked *dst = find_tracked(to, 1);
        if (dst != NULL) {
            dst->synced = src->synced;
        }
    }
    pthread_mutex_unlock(&mu);
}

uint64_t odb_fault_drop_unsynced(void) {
    pthread_mutex_lock(&mu);
    atomic_store(&tracking, 0);
    uint64_t dropped = 0;
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        if (stat(files[i].path, &st) == 0 && (uint64_t)st.st_size > files[i].synced) {
            dropped += (uint64_t)st.st_size - files[i].synced;
            if (truncate(files[i].path, (off_t)files[i].synced) != 0) {
                dropped -= (uint64_t)st.st_size - files[i].synced;
            }
        }
        free(files[i].path);
    }
    nfiles = 0;
    pthread_mutex_unlock(&mu);
    return dropped;
}
