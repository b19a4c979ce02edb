"""ORDER BY over a select list of one table scan, on batches: the select list's columns come from
the batch projection (project.py); they are sorted with numpy's stable lexsort while they fit in
work_mem, else each memory-full is sorted and written as a run of column blocks to a temporary
file, and the runs are merged a step at a time (several passes when they are many).

The order is the row path's to the row: keys of integer, float, boolean and text columns (text
by Python's str order, as the row path compares it), NaN above every float, NULLS FIRST / LAST,
DESC; ties in scan order (the row path's sort is stable; a merge sorts the runs' rows stably in
run order, so ties go to the earlier run). Any other sort key has no batch form here: the row
path sorts."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from orbitdb.sql import types as T
from orbitdb.sql.batch.aggregate import batch_mode
from orbitdb.sql.batch.blocks import Columns, decode_columns, encode_columns
from orbitdb.sql.batch.filters import Fallback
from orbitdb.sql.batch.project import BatchProjection, planned, tuples
from orbitdb.sql.batch.scan import can_read
from orbitdb.sql.spill import statement_spill
from orbitdb.sql.spill.files import SpillFile, StatementSpill
from orbitdb.sql.types.sortkeys import sort_key_fn
from orbitdb.storage._batch import Unbatchable

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.exec.plans import Sort

Array = np.ndarray[Any, Any]
Row = tuple[Any, ...]

OUT_ROWS = 8192  # sorted rows turned into tuples at a time
BLOCK_SHARE = 32  # a run's block is work_mem / BLOCK_SHARE: a merge reads one block of that many runs
MIN_BLOCK_ROWS = 256
_KINDS = {T.INT2.oid: "int", T.INT4.oid: "int", T.INT8.oid: "int", T.FLOAT4.oid: "float", T.FLOAT8.oid: "float",
          T.BOOL.oid: "bool", T.TEXT.oid: "text", T.VARCHAR.oid: "text"}


class SortKey:
    def __init__(self, col: int, kind: str, desc: bool, nulls_first: bool) -> None:
        self.col = col
        self.kind = kind
        self.desc = desc
        self.nulls_first = nulls_first


class BatchSort:
    """Sort over a BatchProjection."""

    def __init__(self, projection: BatchProjection, keys: list[SortKey]) -> None:
        self.projection = projection
        self.keys = keys

    def rows(self, ctx: ExecContext, top: int | None = None) -> Iterator[Row]:
        """The rows in order (top: the first `top` of them at least; the caller stops reading).
        Raises Fallback or Unbatchable before the first row when the batch run cannot finish
        (the caller sorts row at a time then)."""
        spill = statement_spill(ctx)
        sorter = _Sorter(self.keys, spill, ctx, top)
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                for part, n in self.projection.parts(ctx):
                    sorter.add(part, n)
            ctx.check()
        except BaseException:
            sorter.close()
            raise
        return sorter.sorted()


def _key_kind(oid: int, normaliser: Any) -> str | None:
    """The batch form of a sort key of this type, when the row path's key function for it is
    the one this module reproduces."""
    kind = _KINDS.get(oid)
    if kind is None:
        return None
    want = sort_key_fn(T.INT8 if kind == "int" else T.FLOAT8 if kind == "float" else T.BOOL if kind == "bool"
                       else T.TEXT)
    return kind if normaliser is want else None


def analyse(sort: Sort) -> BatchSort | str:
    """The batch form of a Sort, or why it has none ("" when its input is not a select list
    over one table scan)."""
    from orbitdb.sql.exec.plans import Project

    child = sort.child
    if not isinstance(child, Project):
        return ""
    found = planned(child)
    if isinstance(found, str):
        return found
    if found.limit is not None:
        return ""
    keys = []
    width = len(found.outputs)
    for fn, desc, nulls_first, normaliser in sort.keys:
        at = getattr(fn, "position", None)  # the planner's key of a select-list column
        if not isinstance(at, int) or not 0 <= at < width:
            return "a sort key that is not a column of the select list"
        oid = found.outputs[at].oid
        kind = _key_kind(oid, normaliser)
        if kind is None:
            return f"a sort key of type oid {oid}"
        keys.append(SortKey(at, kind, bool(desc), bool(nulls_first)))
    return BatchSort(found, keys)


def planned_sort(sort: Sort) -> BatchSort | str:
    """analyse(sort), kept on the plan (a cached plan is analysed once)."""
    found = getattr(sort, "_batch_sort", None)
    if found is None:
        found = analyse(sort)
        sort._batch_sort = found  # type: ignore[attr-defined]
    return found


def sort_rows(sort: Sort, ctx: ExecContext, top: int | None = None) -> Iterator[Row] | None:
    """The Sort's rows made on batches (top: only the first `top` are read), or None: sort them
    row at a time."""
    if batch_mode(ctx) == "off" or not can_read(ctx):
        return None
    found = planned_sort(sort)
    if isinstance(found, str):
        return None
    try:
        return found.rows(ctx, top)
    except (Fallback, Unbatchable):
        return None


def explain_note(sort: Sort, ctx: ExecContext) -> str | None:
    """EXPLAIN's line under a Sort of a select list over one table scan."""
    if batch_mode(ctx) == "off":
        return None
    found = planned_sort(sort)
    if found == "":
        return None
    return "Batch: on" if not isinstance(found, str) else f"Batch: off ({found})"


def _components(cols: Columns, keys: list[SortKey]) -> list[Array]:
    """Arrays whose lexicographic order (first the most significant) is the rows' sort order:
    per key, the NULL flag, for floats the NaN flag, then the value (NULLs and NaNs made equal,
    descending keys negated)."""
    out: list[Array] = []
    for k in keys:
        v, m = cols[k.col]
        out.append(~m if k.nulls_first else m)
        if k.kind == "text":
            vals = np.empty(len(v), object)
            vals[:] = v
            if m.any():
                vals[m] = ""
            _, rank = np.unique(vals, return_inverse=True)  # str order, by Python's comparison
            rank = rank.astype(np.int64).reshape(-1)
            out.append(-rank if k.desc else rank)
            continue
        if k.kind == "float":
            nan = np.isnan(v) & ~m
            out.append(~nan if k.desc else nan)
            hole = nan | m
            x = np.where(hole, 0.0, v) if hole.any() else v
            out.append(-x if k.desc else x)
            continue
        x = v.astype(np.int64) if k.kind == "bool" else v
        if m.any():
            x = np.where(m, 0, x)
        out.append(~x if k.desc else x)  # ~x: x reversed, with no overflow
    return out


def _order(cols: Columns, keys: list[SortKey]) -> Array:
    return np.lexsort(_components(cols, keys)[::-1])  # stable; lexsort's last key is its most significant


def _take(cols: Columns, rows: Array) -> Columns:
    return [(v[rows], m[rows]) for v, m in cols]


def _concat(parts: list[Columns]) -> Columns:
    if len(parts) == 1:
        return parts[0]
    return [(np.concatenate([p[i][0] for p in parts]), np.concatenate([p[i][1] for p in parts]))
            for i in range(len(parts[0]))]


def _row_bytes(cols: Columns, n: int) -> float:
    """Bytes a row holds in memory, its object values measured on a sample."""
    size = 0.0
    for v, m in cols:
        size += v.itemsize + m.itemsize
        if v.dtype == object and n:
            sample = v[: min(n, 64)].tolist()
            size += sum(sys.getsizeof(x) for x in sample) / len(sample)
    return size


class _Run:
    """Sorted rows in blocks of a temporary file."""

    def __init__(self, file: SpillFile) -> None:
        self.file = file
        self.blocks: list[tuple[int, int]] = []
        self.rows = 0

    def append(self, cols: Columns, n: int) -> None:
        data = encode_columns(n, cols)
        self.blocks.append((self.file.append(data), len(data)))
        self.rows += n

    def block(self, i: int) -> Columns:
        offset, length = self.blocks[i]
        return decode_columns(self.file.read(offset, length))[1]


class _Cursor:
    """A run being merged: the rows of its current block not yet handed out."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.next_block = 0
        self.cols: Columns = []
        self.n = 0

    def more(self) -> bool:
        return self.next_block < len(self.run.blocks)

    def load(self) -> None:
        self.cols = self.run.block(self.next_block)
        self.n = len(self.cols[0][0])
        self.next_block += 1


class _Sorter:
    def __init__(self, keys: list[SortKey], spill: StatementSpill, ctx: ExecContext, top: int | None) -> None:
        self.keys = keys
        # ORDER BY ... LIMIT: the best `top` rows so far are kept (sorted), the rest dropped
        self.top = top
        self.trim_at = None if top is None else 2 * top + OUT_ROWS
        self.spill = spill
        self.ctx = ctx
        self.limit = spill.work_mem
        self.held: list[Columns] = []
        self.held_rows = 0
        self.held_bytes = 0
        self.runs: list[_Run] = []
        self.file: SpillFile | None = None
        self.per_row = 0.0

    def add(self, part: Columns, n: int) -> None:
        row = _row_bytes(part, n)
        self.per_row = max(1.0, row) if not self.per_row else (self.per_row + row) / 2
        # a row held, and its share of the sorted copy of the arrays a sort makes (not of the
        # objects, which the copy shares)
        self.held_bytes += int(n * row) + sum(v.nbytes + m.nbytes for v, m in part)
        self.held.append(part)
        self.held_rows += n
        if self.trim_at is not None and self.held_rows >= self.trim_at:
            self._trim()
        if self.held_bytes > self.limit:
            self._write_run()

    def _trim(self) -> None:
        """The best `top` rows held, in order (ties: those that came first, which are first)."""
        assert self.top is not None
        cols = _concat(self.held)
        order = _order(cols, self.keys)[:self.top]
        kept = _take(cols, order)
        self.held = [kept]
        self.held_rows = len(order)
        self.held_bytes = int(self.per_row * len(order)) + sum(v.nbytes + m.nbytes for v, m in kept)

    def _block_rows(self) -> int:
        # a merge step holds a block of each run, their rows joined and the sorted part of them
        return max(MIN_BLOCK_ROWS, int(self.limit / (3 * BLOCK_SHARE) / self.per_row))

    def _write_run(self) -> None:
        """The rows held, sorted, as a run: taken in sorted order a block at a time (no sorted
        copy of them all)."""
        self.ctx.check()
        cols = _concat(self.held)
        self.held, self.held_rows, self.held_bytes = [], 0, 0
        order = _order(cols, self.keys)
        if self.file is None:
            self.file = self.spill.create()
        run = _Run(self.file)
        step = self._block_rows()
        for lo in range(0, len(order), step):
            rows = order[lo:lo + step]
            run.append(_take(cols, rows), len(rows))
        self.runs.append(run)

    def sorted(self) -> Iterator[Row]:
        try:
            if not self.runs:
                if not self.held:
                    return
                cols = _concat(self.held)
                self.held = []
                order = _order(cols, self.keys)
                for lo in range(0, len(order), OUT_ROWS):
                    yield from tuples(_take(cols, order[lo:lo + OUT_ROWS]), 0)
                return
            if self.held:
                self._write_run()
            runs = self.runs
            fan_in = max(2, BLOCK_SHARE)
            while len(runs) > fan_in:  # a pass merges groups of runs into longer ones
                old, new = self.file, self.spill.create()
                longer = []
                for i in range(0, len(runs), fan_in):
                    run = _Run(new)
                    for cols in self._merge(runs[i:i + fan_in]):
                        run.append(cols, len(cols[0][0]))
                    longer.append(run)
                runs = self.runs = longer
                self.file = new
                if old is not None:
                    old.close()
            for cols in self._merge(runs):
                n = len(cols[0][0])
                for lo in range(0, n, OUT_ROWS):
                    yield from tuples([(v[lo:lo + OUT_ROWS], m[lo:lo + OUT_ROWS]) for v, m in cols], 0)
        finally:
            self.close()

    def _merge(self, runs: list[_Run]) -> Iterator[Columns]:
        """The runs' rows in order, a step at a time: the rows held of every run (a block each)
        sorted together, stably in run order (a tie goes to the earlier run, as in one sort);
        out go those up to the first, in that order, of the held blocks' last rows among the runs
        with more blocks to read (every row to come sorts after it), and the runs whose rows are
        all out read their next block."""
        cursors = [_Cursor(r) for r in runs]
        for c in cursors:
            c.load()
        while True:
            self.ctx.check()
            live = [c for c in cursors if c.n]
            if not live:
                return
            cols = _concat([c.cols for c in live])
            order = _order(cols, self.keys)
            if not any(c.more() for c in live):
                yield _take(cols, order)
                return
            rank = np.empty(len(order), np.int64)
            rank[order] = np.arange(len(order))
            ends = np.cumsum([c.n for c in live])
            cut = min(int(rank[ends[j] - 1]) for j, c in enumerate(live) if c.more())
            yield _take(cols, order[:cut + 1])
            for j, c in enumerate(live):  # each run keeps its rows past the cut (a tail of its block)
                lo = int(ends[j]) - c.n
                keep = np.flatnonzero(rank[lo:lo + c.n] > cut)
                if len(keep) == c.n:
                    continue
                c.cols = _take(c.cols, keep)
                c.n = len(keep)
                if not c.n and c.more():
                    c.load()

    def close(self) -> None:
        self.held = []
        self.runs = []
        if self.file is not None:
            self.file.close()
            self.file = None
