/* faults.c - fault injection for tests (faults.h). */
#include "faults.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

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
