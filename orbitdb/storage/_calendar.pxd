# Proleptic Gregorian calendar arithmetic for the codecs: days counted from 0001-01-01 (day 0;
# Python's date.toordinal() - 1). Counting in 400-year eras that start on March 1st puts the
# leap day at the end of each year, so month lengths follow one formula.
from libc.stdint cimport int64_t

# 2000-01-01, the epoch of stored dates and timestamps (PostgreSQL's), as days from 0001-01-01
cdef enum:
    EPOCH_DAYS = 730119
    MIN_DAYS = 0  # 0001-01-01
    MAX_DAYS = 3652058  # 9999-12-31


cdef inline int64_t floordiv(int64_t a, int64_t b) noexcept nogil:
    # floor(a / b) for b > 0, the same whichever division semantics the including module uses
    # (both agree on non-negative operands)
    if a >= 0:
        return a // b
    return -((-a - 1) // b) - 1


cdef inline int64_t days_from_civil(int64_t y, int64_t m, int64_t d) noexcept nogil:
    if m <= 2:
        y -= 1
    cdef int64_t era = floordiv(y, 400)
    cdef int64_t yoe = y - era * 400
    cdef int64_t mp = m - 3 if m > 2 else m + 9
    cdef int64_t doy = (153 * mp + 2) // 5 + d - 1
    cdef int64_t doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 306  # 0001-01-01 is day 306 after 0000-03-01


cdef inline void civil_from_days(int64_t z, int *year, int *month, int *day) noexcept nogil:
    z += 306
    cdef int64_t era = floordiv(z, 146097)
    cdef int64_t doe = z - era * 146097
    cdef int64_t yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    cdef int64_t doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    cdef int64_t mp = (5 * doy + 2) // 153
    cdef int64_t m = mp + 3 if mp < 10 else mp - 9
    year[0] = <int>(yoe + era * 400 + (1 if m <= 2 else 0))
    month[0] = <int>m
    day[0] = <int>(doy - (153 * mp + 2) // 5 + 1)
