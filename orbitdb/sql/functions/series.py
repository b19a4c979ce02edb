"""generate_series over integers, numerics and timestamps (set-returning)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.datetimeops import ts_plus_interval
from orbitdb.sql.functions.datetime import iv
from orbitdb.sql.functions.registry import register

INT4, INT8, NUMERIC, TS, TSTZ, IV = T.INT4, T.INT8, T.NUMERIC, T.TIMESTAMP, T.TIMESTAMPTZ, T.INTERVAL


def _zero_step() -> SqlError:
    return SqlError("22023", "step size cannot equal zero")


def int_series(start: int, stop: int, step: int = 1) -> Iterator[int]:
    if step == 0:
        raise _zero_step()
    return iter(range(start, stop + (1 if step > 0 else -1), step))


register("generate_series", [INT4, INT4], INT4, set_returning=True)(int_series)
register("generate_series", [INT4, INT4, INT4], INT4, set_returning=True)(int_series)
register("generate_series", [INT8, INT8], INT8, set_returning=True)(int_series)
register("generate_series", [INT8, INT8, INT8], INT8, set_returning=True)(int_series)


def numeric_series(start: Decimal, stop: Decimal, step: Decimal = Decimal(1)) -> Iterator[Decimal]:
    for value, what in ((start, "start value"), (stop, "stop value"), (step, "step size")):
        if value.is_nan():
            raise SqlError("22023", f"{what} cannot be NaN")
        if value.is_infinite():
            raise SqlError("22023", f"{what} cannot be infinity")
    if step == 0:
        raise _zero_step()

    def gen() -> Iterator[Decimal]:
        cur = start
        if step > 0:
            while cur <= stop:
                yield cur
                cur = cur + step
        else:
            while cur >= stop:
                yield cur
                cur = cur + step

    return gen()


register("generate_series", [NUMERIC, NUMERIC], NUMERIC, set_returning=True)(numeric_series)
register("generate_series", [NUMERIC, NUMERIC, NUMERIC], NUMERIC, set_returning=True)(numeric_series)


def _interval_sign(step: Any) -> int:
    v = iv(step)
    key = v.sort_key()
    return (key > 0) - (key < 0)


def ts_series(start: dt.datetime, stop: dt.datetime, step: Any) -> Iterator[dt.datetime]:
    sign = _interval_sign(step)
    if sign == 0:
        raise _zero_step()
    s = iv(step)

    def gen() -> Iterator[dt.datetime]:
        cur = start
        while (cur <= stop) if sign > 0 else (cur >= stop):
            yield cur
            try:
                cur = ts_plus_interval(cur, s)
            except SqlError:
                return

    return gen()


register("generate_series", [TS, TS, IV], TS, set_returning=True)(ts_series)
register("generate_series", [TSTZ, TSTZ, IV], TSTZ, set_returning=True)(ts_series)

__all__ = ["int_series", "numeric_series", "ts_series"]
