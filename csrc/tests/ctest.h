/* ctest.h - the few assertion macros the C tests need. A failed check prints
 * file:line and the expression, then exits non-zero. */
#ifndef ODB_CTEST_H
#define ODB_CTEST_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

/* Checks that an odb call returned ODB_OK, printing the error message if not. */
#define CHECK_OK(call, errp)                                                                       \
    do {                                                                                           \
        int ctest_rc_ = (call);                                                                    \
        if (ctest_rc_ != 0) {                                                                      \
            fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, ctest_rc_,   \
                    (errp)->msg);                                                                  \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

#define TEST_PASSED(name) printf("%s: ok\n", name)

#endif
