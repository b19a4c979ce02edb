/* status.h - error reporting for the orbitdb engine.
 *
 * Every fallible function returns an int code (ODB_OK on success) and, when it
 * fails, fills a caller-owned odb_error with the code and a human-readable
 * message. No allocation happens on the error path, so an out-of-memory
 * condition can still be reported. */
#ifndef ODB_STATUS_H
#define ODB_STATUS_H

#include <stddef.h>

enum {
    ODB_OK = 0,
    ODB_NOT_FOUND = 1,        /* key absent: not an error for get()            */
    ODB_CORRUPTION = 2,       /* bad checksum, bad magic, malformed record     */
    ODB_IO_ERROR = 3,         /* a system call failed (errno in the message)   */
    ODB_INVALID_ARGUMENT = 4, /* caller passed something the engine rejects    */
    ODB_BUSY = 5,             /* the directory is locked by another opener     */
    ODB_NO_MEMORY = 6,
    ODB_CLOSED = 7            /* engine or iterator used after close           */
};

#define ODB_ERROR_MSG_SIZE 512

typedef struct odb_error {
    int code;
    char msg[ODB_ERROR_MSG_SIZE];
} odb_error;

/* Records code and a printf-style message in err (if err is not NULL) and
 * returns code, so callers can write `return odb_error_set(err, ...)`. */
int odb_error_set(odb_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like odb_error_set, appending ": strerror(errno_value)". */
int odb_error_errno(odb_error *err, int errno_value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void odb_error_clear(odb_error *err);

const char *odb_code_name(int code);

#endif
