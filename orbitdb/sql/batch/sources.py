"""Where an aggregate's batches come from: one table scan with its filter, or an inner equi-join
of two table scans on one integer key (the right side read whole, sorted by its key, each left
batch matched by binary search, duplicate keys on either side included). Batches are keyed by
the aggregate's input columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from orbitdb.sql.batch.filters import Columns, Fallback, Pred, translate
from orbitdb.sql.batch.scan import BATCH_ROWS, Batch, batches, scan_supported
from orbitdb.storage.usage import IDX_SCAN, IDX_TUP_FETCH, SEQ_SCAN, SEQ_TUP_READ, note

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.exec.plans import TableScan

ROW_BYTES = 48  # a build row's share of memory (a key, a position, a value or two), for hash_mem
PAIRS_PER_BATCH = 1 << 16  # joined rows per batch handed on


class ScanSource:
    """A table scan's rows that pass its filter; batch columns are the table's positions plus
    `offset` (the scan's place among the aggregate's input columns)."""

    def __init__(self, scan: TableScan, pred: Pred | None, offset: int) -> None:
        self.scan = scan
        self.pred = pred
        self.offset = offset
        self.width = len(scan.access.table.columns)
        self.needed: set[int] = set()  # table positions
        self.read = 0

    def batches(self, ctx: ExecContext, size: int = BATCH_ROWS, past_statement: bool = False) -> Iterator[Batch]:
        off = self.offset
        self.read = 0  # this run's rows: the source is part of a cached plan, run again and again
        for b in batches(self.scan, ctx, sorted(self.needed), size, past_statement):
            self.read += b.n
            if self.pred is not None:
                rows = np.flatnonzero(self.pred(b)[0])
                if len(rows) < b.n:
                    b = Batch(len(rows), {c: v[rows] for c, v in b.values.items()},
                              {c: m[rows] for c, m in b.nulls.items()})
            if off:
                b = Batch(b.n, {c + off: v for c, v in b.values.items()}, {c + off: m for c, m in b.nulls.items()})
            yield b

    def note(self, ctx: ExecContext) -> None:
        txn = ctx.txn
        assert txn is not None
        seq = self.scan.mode == "seq"
        oid = self.scan.access.table.oid
        note(txn, oid, SEQ_SCAN if seq else IDX_SCAN)
        if self.read:
            note(txn, oid, SEQ_TUP_READ if seq else IDX_TUP_FETCH, self.read)
            self.read = 0


class JoinSource:
    """left JOIN right ON left.key = right.key (inner): the right side's rows sorted by key; each
    left row's matches are the run of equal keys binary search finds (searchsorted left and
    right), the pairs made by repeating each left row by its count of matches."""

    def __init__(self, left: ScanSource, right: ScanSource, lkey: int, rkey: int) -> None:
        self.left = left
        self.right = right
        self.lkey = lkey  # input column numbers
        self.rkey = rkey
        left.needed.add(lkey - left.offset)
        right.needed.add(rkey - right.offset)

    def batches(self, ctx: ExecContext, limit: int) -> Iterator[Batch]:
        cols = sorted(c + self.right.offset for c in self.right.needed)
        parts: list[Batch] = []
        n = 0
        for part in self.right.batches(ctx):  # stopped as soon as it outgrows hash_mem
            parts.append(part)
            n += part.n
            if n * (ROW_BYTES + 8 * len(cols)) > limit:
                raise Fallback("the join's build side is larger than hash_mem")
        values = {c: _concat([b.values[c] for b in parts]) for c in cols}
        nulls = {c: np.concatenate([b.nulls[c] for b in parts]) if parts else np.zeros(0, np.bool_) for c in cols}
        present = np.flatnonzero(~nulls[self.rkey])  # a NULL key matches nothing
        keys = values[self.rkey][present]
        order = present[np.argsort(keys, kind="stable")]
        sorted_keys = values[self.rkey][order]
        dicts: dict[int, list[Any]] = {}
        for c in cols:  # text and other objects: codes, so that grouping by them sorts integers
            if values[c].dtype == object:
                keep = ~nulls[c]
                distinct, codes = np.unique(values[c][keep], return_inverse=True)
                coded = np.zeros(n, np.int64)
                coded[keep] = codes
                values[c], dicts[c] = coded, distinct.tolist()
        unique = len(sorted_keys) < 2 or bool((sorted_keys[1:] != sorted_keys[:-1]).all())
        for b in self.left.batches(ctx):
            k, m = b.values[self.lkey], b.nulls[self.lkey]
            lo = np.searchsorted(sorted_keys, k, side="left")
            if unique:  # at most one match per left row: no runs to expand
                found = lo < len(sorted_keys)
                found[found] = sorted_keys[lo[found]] == k[found]
                counts = found & ~m
            else:
                counts = np.searchsorted(sorted_keys, k, side="right") - lo
                counts[m] = 0  # a NULL key matches nothing
            for rows, build in _pairs(lo, counts, order, unique):
                out_v = {c: v[rows] for c, v in b.values.items()}
                out_m = {c: mm[rows] for c, mm in b.nulls.items()}
                for c in cols:
                    out_v[c] = values[c][build]
                    out_m[c] = nulls[c][build]
                yield Batch(len(rows), out_v, out_m, dicts)
                ctx.check()

    def note(self, ctx: ExecContext) -> None:
        self.left.note(ctx)
        self.right.note(ctx)


def _pairs(lo: Any, counts: Any, order: Any, unique: bool) -> Iterator[tuple[Any, Any]]:
    """(left rows, build rows) of the joined pairs, in left-row order and, within a left row, in
    the build side's order, at most PAIRS_PER_BATCH at a time: a key repeated on both sides
    makes their product, which may be far more rows than either side has. unique: counts is a
    mask (no build key twice), so the pairs are no more than the left rows."""
    if unique:
        rows = np.flatnonzero(counts)
        if len(rows):
            yield rows, order[lo[rows]]
        return
    ends = np.cumsum(counts)
    total = int(ends[-1]) if len(ends) else 0
    for start in range(0, total, PAIRS_PER_BATCH):
        out = np.arange(start, min(total, start + PAIRS_PER_BATCH), dtype=np.int64)
        rows = np.searchsorted(ends, out, side="right")  # the left row each pair comes from
        within = out - (ends[rows] - counts[rows])  # its place among that row's matches
        yield rows, order[lo[rows] + within]


def _concat(arrays: list[Any]) -> Any:
    if arrays:
        return np.concatenate(arrays)
    return np.zeros(0, np.int64)


def scan_source(scan: TableScan, offset: int) -> ScanSource | None:
    """A ScanSource for scan, or None when its filter has no vectorised form."""
    if not scan_supported(scan):
        return None
    batch_filter = getattr(scan, "batch_filter", None)
    if scan.filter is None:
        return ScanSource(scan, None, offset)
    if batch_filter is None:
        return None
    names = [c.name for c in scan.access.table.columns]
    cols = Columns(batch_filter[1], scan.rt, (scan.alias, names))
    pred = translate(batch_filter[0], cols)
    if pred is None:
        return None
    src = ScanSource(scan, pred, offset)
    src.needed.update(cols.used)
    src.filter_types = dict(cols.used)  # type: ignore[attr-defined]
    return src
