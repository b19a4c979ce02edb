"""The build side of a hash join in bounded memory. While the inner rows fit in hash_mem they make
one table and the outer rows probe it as they come. Past that, both sides go to partitions by the
hash of the join key (Grace hashing) and each pair of partitions is joined on its own, split again
when its inner rows still do not fit. A partition that cannot be split (its rows share one key)
keeps its inner rows in a tuple store on disk and probes a table of row numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from orbitdb.sql.spill.files import StatementSpill, statement_spill
from orbitdb.sql.spill.memory import Meter
from orbitdb.sql.spill.partition import MAX_DEPTH, Partitions, split
from orbitdb.sql.spill.store import Run, TupleStore

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext

Row = tuple[Any, ...]
KeyFn = Callable[[Row], tuple[Any, ...]]
# joins outer rows with the inner rows a lookup names: (outer rows, inner rows, lookup) -> joined rows
Probe = Callable[[Iterable[Row], Sequence[Row], Callable[[Row], Iterable[int]]], Iterator[Row]]
Pad = Callable[[Row], Row]

TABLE_ENTRY_BYTES = 120  # a dict entry, its list of row numbers and the key tuple, roughly


class HashReport:
    """What EXPLAIN ANALYZE's Hash node tells of its last run: the batches the inner rows took
    (1: the table fit in hash_mem; else the partitions they were written to) and the bytes the
    largest table held, as the meter estimates them."""

    __slots__ = ("batches", "peak_bytes")

    def __init__(self) -> None:
        self.batches = 0
        self.peak_bytes = 0

    def table(self, build: _Build) -> None:
        self.peak_bytes = max(self.peak_bytes, build.meter.bytes)


class _Build:
    """Inner rows and the table of their keys."""

    def __init__(self, limit: int) -> None:
        self.rows: list[Row] = []
        self.table: dict[Any, list[int]] = {}
        self.meter = Meter(limit, TABLE_ENTRY_BYTES)

    def add(self, key: tuple[Any, ...], row: Row) -> bool:
        """Adds a row; True when the build has outgrown its budget."""
        j = len(self.rows)
        self.rows.append(row)
        if None not in key:
            self.table.setdefault(key, []).append(j)
        return self.meter.add(row)

    def lookup(self, key_of: KeyFn) -> Callable[[Row], Iterable[int]]:
        table = self.table
        return lambda outer: table.get(key_of(outer), ())


def hash_join(ctx: ExecContext, outer: Iterable[Row], inner: Iterable[Row], outer_key: KeyFn, inner_key: KeyFn,
              probe: Probe, pad_outer: Pad | None, pad_inner: Pad | None,
              report: HashReport | None = None) -> Iterator[Row]:
    """The joined rows. pad_outer and pad_inner make the output row of an outer or inner row that
    matched nothing, for the join kinds that keep them (None: dropped); rows with a NULL in their
    key match nothing, so they skip the partitions."""
    spill = statement_spill(ctx)
    limit = spill.hash_mem
    build = _Build(limit)
    if report is None:
        report = HashReport()
    report.batches = report.peak_bytes = 0
    inner_rows = iter(inner)
    for r in inner_rows:
        if build.add(inner_key(r), r):
            break
    else:
        report.batches = 1
        report.table(build)
        yield from probe(outer, build.rows, build.lookup(outer_key))
        return
    report.table(build)
    # too many inner rows: both sides to partitions, then pair by pair
    inner_parts = Partitions(spill, limit, 0)
    outer_parts = Partitions(spill, limit, 0)
    unmatched_inner = Run(inner_parts.file)
    try:
        for n, r in enumerate(_chain(build.rows, inner_rows), 1):
            if not n & 4095:
                ctx.check()
            k = inner_key(r)
            if None not in k:
                inner_parts.add(k, r)
            elif pad_inner is not None:
                unmatched_inner.append(r)
        build = _Build(limit)
        for n, r in enumerate(outer, 1):
            if not n & 4095:
                ctx.check()
            k = outer_key(r)
            if None not in k:
                outer_parts.add(k, r)
            elif pad_outer is not None:
                yield pad_outer(r)
        inner_parts.finish()
        outer_parts.finish()
        report.batches = len(inner_parts.runs)
        for inner_run, outer_run in zip(inner_parts.runs, outer_parts.runs):
            yield from _join_partition(ctx, spill, outer_run, inner_run, outer_key, inner_key, probe, limit, 1,
                                       report)
        if pad_inner is not None:
            for r in unmatched_inner:
                yield pad_inner(r)
    finally:
        inner_parts.close()
        outer_parts.close()


def _join_partition(ctx: ExecContext, spill: StatementSpill, outer: Run, inner: Run, outer_key: KeyFn,
                    inner_key: KeyFn, probe: Probe, limit: int, depth: int, report: HashReport) -> Iterator[Row]:
    if not len(inner) and not len(outer):
        return
    ctx.check()
    build = _Build(limit)
    fits = True
    for r in inner:
        if build.add(inner_key(r), r):
            fits = False
            break
    report.table(build)
    if fits:
        yield from probe(outer, build.rows, build.lookup(outer_key))
        return
    build = _Build(limit)
    if depth < MAX_DEPTH:
        inner_parts = split(spill, inner, inner_key, limit, depth)
        outer_parts = split(spill, outer, outer_key, limit, depth)
        report.batches += len(inner_parts.runs) - 1  # this partition's batch became these
        try:
            for i_run, o_run in zip(inner_parts.runs, outer_parts.runs):
                yield from _join_partition(ctx, spill, o_run, i_run, outer_key, inner_key, probe, limit, depth + 1,
                                           report)
        finally:
            inner_parts.close()
            outer_parts.close()
        return
    # rows of one key, beyond splitting: the inner rows stay on disk, the table holds row numbers
    store = TupleStore(spill, limit // 2)
    table: dict[Any, list[int]] = {}
    try:
        for j, r in enumerate(inner):
            store.append(r)
            k = inner_key(r)
            if None not in k:
                table.setdefault(k, []).append(j)
        yield from probe(outer, store, lambda o: table.get(outer_key(o), ()))
    finally:
        store.close()



def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest
