"""Where an aggregate's batches come from: one table scan with its filter, or an inner equi-join
of two table scans on one integer key (the right side read whole, sorted by its key, each left
batch matched by binary search). Batches are keyed by the aggregate's input columns."""

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


class JoinSource:
    """left JOIN right ON left.key = right.key (inner): the right side's rows sorted by key
    (a key found twice: Fallback, so each left row matches at most one right row)."""

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
        if len(sorted_keys) > 1 and not bool((sorted_keys[1:] != sorted_keys[:-1]).all()):
            raise Fallback("a join key found on several rows of the build side")
        for b in self.left.batches(ctx):
            k, m = b.values[self.lkey], b.nulls[self.lkey]
            pos = np.searchsorted(sorted_keys, k)
            pos[pos >= len(sorted_keys)] = 0
            hit = ~m & (sorted_keys[pos] == k) if len(sorted_keys) else np.zeros(b.n, np.bool_)
            rows = np.flatnonzero(hit)
            if not len(rows):
                continue
            build = order[pos[rows]]
            out_v = {c: v[rows] for c, v in b.values.items()}
            out_m = {c: mm[rows] for c, mm in b.nulls.items()}
            for c in cols:
                out_v[c] = values[c][build]
                out_m[c] = nulls[c][build]
            yield Batch(len(rows), out_v, out_m, dicts)

    def note(self, ctx: ExecContext) -> None:
        self.left.note(ctx)
        self.right.note(ctx)


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
