"""DISTINCT and UNION by hashing, in bounded memory: the first row of each key goes out while the
set of seen keys fits in hash_mem; after that, rows of keys not seen go to partitions on disk, and
each partition is made distinct on its own (a key's rows all land in one partition)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from orbitdb.sql.spill.files import statement_spill
from orbitdb.sql.spill.memory import Meter, out_of_memory
from orbitdb.sql.spill.partition import MAX_DEPTH, Partitions, buffer_reserve

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext

Row = tuple[Any, ...]

SET_ENTRY_BYTES = 64  # a set slot and the key's tuple header, roughly


def distinct_rows(ctx: ExecContext, rows: Iterable[Row], key: Callable[[Row], Any], what: str) -> Iterator[Row]:
    """The first row of each distinct key (in input order while the keys fit in memory)."""
    spill = statement_spill(ctx)
    yield from _distinct(ctx, rows, key, spill.hash_mem, 0, what)


def _distinct(ctx: ExecContext, rows: Iterable[Row], key: Callable[[Row], Any], limit: int, depth: int,
              what: str) -> Iterator[Row]:
    spill = statement_spill(ctx)
    seen: set[Any] = set()
    meter = Meter(limit - buffer_reserve(limit), SET_ENTRY_BYTES)  # the partitions' buffers fit beside it
    parts: Partitions | None = None
    check = ctx.check
    try:
        for n, r in enumerate(rows, 1):
            if not n & 4095:
                check()
            k = key(r)
            if k in seen:
                continue
            if parts is not None:
                parts.add(k, r)
                continue
            seen.add(k)
            yield r
            if meter.add(k if type(k) is tuple else (k,)):
                if depth >= MAX_DEPTH:
                    raise out_of_memory(f"the hash table of {what}", limit, spill.describe_hash_mem())
                parts = Partitions(spill, limit, depth)
        if parts is None:
            return
        seen = set()
        for run in parts.each():
            yield from _distinct(ctx, run, key, limit, depth + 1, what)
    finally:
        if parts is not None:
            parts.close()
