#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int odb_error_set(odb_error *err, int code, const char *fmt, ...) {
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

int odb_error_errno(odb_error *err, int errno_value, const char *fmt, ...) {
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        err->code = ODB_IO_ERROR;
        int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < sizeof err->msg) {
            snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", strerror(errno_value));
        }
    }
    return ODB_IO_ERROR;
}

void odb_error_clear(odb_error *err) {
    if (err != NULL) {
        err->code = ODB_OK;
        err->msg[0] = '\0';
    }
}

const char *odb_code_name(int code) {
    switch (code) {
    case ODB_OK: return "ok";
    case ODB_NOT_FOUND: return "not found";
    case ODB_CORRUPTION: return "corruption";
    case ODB_IO_ERROR: return "I/O error";
    case ODB_INVALID_ARGUMENT: return "invalid argument";
    case ODB_BUSY: return "busy";
    case ODB_NO_MEMORY: return "out of memory";
    case ODB_CLOSED: return "closed";
    default: return "unknown error";
    }
}
