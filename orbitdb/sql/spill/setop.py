"""INTERSECT and EXCEPT (ALL or not) in bounded memory: the right side's rows are counted by key
in a hash table; when the counts outgrow hash_mem, both sides go to partitions by key (Grace
hashing) and each pair of partitions is answered on its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from orbitdb.sql.spill.distinct import SET_ENTRY_BYTES, distinct_rows
from orbitdb.sql.spill.files import StatementSpill, statement_spill
from orbitdb.sql.spill.memory import Meter, out_of_memory
from orbitdb.sql.spill.partition import MAX_DEPTH, Partitions
from orbitdb.sql.spill.store import Run

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext

Row = tuple[Any, ...]
KeyFn = Callable[[Row], Any]


def counted_setop(ctx: ExecContext, left: Iterable[Row], right: Iterable[Row], key: KeyFn, op: str,
                  all_: bool) -> Iterator[Row]:
    spill = statement_spill(ctx)
    limit = spill.hash_mem
    counts: dict[Any, int] = {}
    meter = Meter(limit, SET_ENTRY_BYTES)
    right_rows = iter(right)
    over = False
    for r in right_rows:
        k = key(r)
        c = counts.get(k)
        if c is None:
            counts[k] = 1
            if meter.add(k if type(k) is tuple else (k,)):
                over = True
                break
        else:
            counts[k] = c + 1
    if not over:
        yield from _answer(ctx, left, counts, key, op, all_)
        return
    # the counts go to partitions as (count, key) rows, the rest of the right side as (1, key)
    right_parts = Partitions(spill, limit, 0)
    left_parts = Partitions(spill, limit, 0)
    try:
        for k, c in counts.items():
            right_parts.add(k, (c, k))
        counts = {}
        for r in right_rows:
            k = key(r)
            right_parts.add(k, (1, k))
        for n, r in enumerate(left, 1):
            if not n & 4095:
                ctx.check()
            left_parts.add(key(r), r)
        right_parts.finish()
        left_parts.finish()
        for r_run, l_run in zip(right_parts.runs, left_parts.runs):
            yield from _answer_partition(ctx, spill, l_run, r_run, key, op, all_, limit, 1)
    finally:
        right_parts.close()
        left_parts.close()


def _answer_partition(ctx: ExecContext, spill: StatementSpill, left: Run, right: Run, key: KeyFn, op: str,
                      all_: bool, limit: int, depth: int) -> Iterator[Row]:
    if not len(left):
        return
    ctx.check()
    counts: dict[Any, int] = {}
    meter = Meter(limit, SET_ENTRY_BYTES)
    fits = True
    for c, k in right:
        old = counts.get(k)
        if old is None:
            counts[k] = c
            if meter.add(k if type(k) is tuple else (k,)):
                fits = False
                break
        else:
            counts[k] = old + c
    if fits:
        yield from _answer(ctx, left, counts, key, op, all_)
        return
    counts = {}
    if depth >= MAX_DEPTH:
        raise out_of_memory(f"the hash table of {op.upper()}", limit, spill.describe_hash_mem())
    right_parts = Partitions(spill, limit, depth)
    left_parts = Partitions(spill, limit, depth)
    try:
        for row in right:
            right_parts.add(row[1], row)
        for row in left:
            left_parts.add(key(row), row)
        right_parts.finish()
        left_parts.finish()
        for r_run, l_run in zip(right_parts.runs, left_parts.runs):
            yield from _answer_partition(ctx, spill, l_run, r_run, key, op, all_, limit, depth + 1)
    finally:
        right_parts.close()
        left_parts.close()


def _answer(ctx: ExecContext, left: Iterable[Row], counts: dict[Any, int], key: KeyFn, op: str,
            all_: bool) -> Iterator[Row]:
    """Left rows against the right side's counts: INTERSECT keeps a row while its key has a count
    left, EXCEPT while it has none; without ALL each key once."""
    intersect = op == "intersect"
    if not all_:
        if intersect:
            kept = (r for r in left if key(r) in counts)
        else:
            kept = (r for r in left if key(r) not in counts)
        yield from distinct_rows(ctx, kept, key, op.upper())
        return
    for r in left:
        k = key(r)
        c = counts.get(k, 0)
        if intersect:
            if c > 0:
                counts[k] = c - 1
                yield r
        elif c > 0:
            counts[k] = c - 1
        else:
            yield r
