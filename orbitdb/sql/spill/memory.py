"""How much memory an operator may hold (work_mem, and work_mem × hash_mem_multiplier for hash
tables, as PostgreSQL budgets them) and how much it holds: bytes of rows estimated from a sample
with sys.getsizeof, never row by row."""

from __future__ import annotations

import sys
from typing import Any

from orbitdb.sql.errors import SqlError

Row = tuple[Any, ...]

_SIZEOF = sys.getsizeof
_SCALARS = frozenset((int, float, str, bytes, bool, type(None)))
_SAMPLE_FIRST = 16  # rows measured one by one at the start
_SAMPLE_EVERY = 32  # then one in this many (a power of two)


def value_bytes(v: Any, depth: int = 0) -> int:
    """Bytes a value holds: getsizeof, and what a list, tuple or dict holds (a few levels down)."""
    t = type(v)
    if t in _SCALARS:
        return 0 if v is None or t is bool else _SIZEOF(v)
    size = _SIZEOF(v)
    if depth > 3:
        return size
    if t is list or t is tuple:
        return size + sum(value_bytes(x, depth + 1) for x in v)
    if t is dict:
        return size + sum(value_bytes(k, depth + 1) + value_bytes(x, depth + 1) for k, x in v.items())
    return size


def row_bytes(row: Row) -> int:
    size = _SIZEOF(row)
    for v in row:
        t = type(v)
        if t in _SCALARS:
            if v is not None and t is not bool:
                size += _SIZEOF(v)
        else:
            size += value_bytes(v, 1)
    return size


class Meter:
    """Bytes held by a growing set of rows against a limit: add() each row (with what holding it
    costs besides the row: a dict entry, a group's states) and it says when the limit is passed.
    Sizes come from a sample: the first rows, then one in _SAMPLE_EVERY."""

    __slots__ = ("_measured", "_sampled", "cap", "count", "extra", "limit", "overhead")

    def __init__(self, limit: int, overhead: int = 8) -> None:
        self.limit = limit
        self.overhead = overhead  # bytes per row besides the row itself
        self.count = 0
        self.extra = 0  # bytes added outside rows (add_bytes)
        self._sampled = 0
        self._measured = 0
        self.cap = 0  # rows that fit, by the current average

    def add(self, row: Row) -> bool:
        """Counts one more row; True when the rows (and extra bytes) pass the limit."""
        n = self.count = self.count + 1
        if n <= _SAMPLE_FIRST or not n & (_SAMPLE_EVERY - 1):
            self._measure(row_bytes(row))
        return n > self.cap

    def add_bytes(self, nbytes: int) -> bool:
        self.extra += nbytes
        self._recap()
        return self.count > self.cap

    def _measure(self, nbytes: int) -> None:
        self._sampled += 1
        self._measured += nbytes
        self._recap()

    def _recap(self) -> None:
        per_row = self.average + self.overhead
        self.cap = int((self.limit - self.extra) // per_row) if per_row > 0 else self.count + 1

    @property
    def average(self) -> float:
        return self._measured / self._sampled if self._sampled else 0.0

    @property
    def bytes(self) -> int:
        return int(self.count * (self.average + self.overhead) + self.extra)

    def over(self) -> bool:
        return self.count > self.cap

    def reset(self) -> None:
        """Empty again (the rows were written out); the average carries over."""
        self.count = 0
        self.extra = 0
        self._recap()


def out_of_memory(what: str, limit: int, setting: str) -> SqlError:
    """53200 for what cannot go to a temporary file and has outgrown its budget."""
    return SqlError("53200", "out of memory",
                    detail=f"{what} needs more than {limit // 1024} kB, the limit set by {setting}.",
                    hint="Raise the setting for this session, or make the query hold less.")
