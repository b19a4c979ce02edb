"""A query that is a select list over one table scan (with its filter, and LIMIT / OFFSET) run on
batches: each batch's output columns are computed on numpy arrays (vectors.py). The rows are
handed out as tuples made a batch at a time in C, or the rest of them as columns (a DB-API
cursor's fetchnumpy), from the same run: a cursor that fetched some rows continues where it was."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from orbitdb.sql.batch.aggregate import batch_mode
from orbitdb.sql.batch.filters import Columns, Fallback
from orbitdb.sql.batch.scan import BATCH_ROWS, Batch, can_read, scan_supported
from orbitdb.sql.batch.sources import ScanSource, scan_source
from orbitdb.sql.batch.vectors import Vector, vector
from orbitdb.storage._batch import Unbatchable

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.exec.plans import Limit, Plan, Project

Row = tuple[Any, ...]
Array = np.ndarray[Any, Any]
ColumnPart = list[tuple[Array, Array]]  # per output column (values, NULL mask)


class BatchProjection:
    """Project (and Limit) over a TableScan, on batches."""

    def __init__(self, source: ScanSource, outputs: list[Vector], limit: Limit | None) -> None:
        self.source = source
        self.outputs = outputs
        self.limit = limit

    def parts(self, ctx: ExecContext) -> Iterator[tuple[ColumnPart, int]]:
        """The output columns a batch at a time (offset and limit applied)."""
        off, lim = _limit_values(self.limit)
        if lim == 0:
            return
        size = BATCH_ROWS
        if lim is not None and self.source.pred is None:
            size = max(1, min(BATCH_ROWS, off + lim))  # a LIMIT reads no more rows than it needs
        outputs = self.outputs
        counted = True
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                for b in self.source.batches(ctx, size, past_statement=True):  # (FETCH in a later statement)
                    if off:
                        if b.n <= off:
                            off -= b.n
                            continue
                        b = _rows(b, np.arange(off, b.n))
                        off = 0
                    if lim is not None and b.n > lim:
                        b = _rows(b, np.arange(lim))
                    if b.n:
                        yield [o.fn(b) for o in outputs], b.n
                    if lim is not None:
                        lim -= b.n
                        if lim <= 0:
                            return
        except Fallback:
            counted = False  # the row path reads (and counts) the scan from its start
            raise
        finally:
            if counted:
                self.source.note(ctx)


def _rows(b: Batch, rows: Array) -> Batch:
    return Batch(len(rows), {c: v[rows] for c, v in b.values.items()}, {c: m[rows] for c, m in b.nulls.items()})


def _limit_values(limit: Limit | None) -> tuple[int, int | None]:
    """OFFSET and LIMIT as Limit.rows reads them (the same errors)."""
    if limit is None:
        return 0, None
    return limit.bounds()


def tuples(part: ColumnPart, n: int) -> list[Row]:
    """A batch's rows as tuples: each column a list (tolist, in C), NULLs put in as None."""
    lists = []
    for v, m in part:
        values = v.tolist()
        if m.any():
            for i in np.flatnonzero(m).tolist():
                values[i] = None
        lists.append(values)
    if len(lists) == 1:
        return [(x,) for x in lists[0]]
    return list(zip(*lists))


class BatchRows:
    """The rows of a BatchProjection's run, for a RowStream: iterated as tuples, or the rest taken
    as columns (rest_columns). A run its batch form cannot finish (Fallback, Unbatchable) goes on
    row at a time, skipping the rows already handed out."""

    def __init__(self, plan: BatchProjection, ctx: ExecContext, row_path: Callable[[], Iterator[Row]]) -> None:
        self.plan = plan
        self.ctx = ctx
        self.row_path = row_path
        self.handed = 0  # rows of finished batches; the current one's are counted by _current's length
        self._parts = plan.parts(ctx)
        self._current: Iterator[Row] | None = None  # a list iterator: its length hint is what is left
        self._current_part: tuple[ColumnPart, int] | None = None
        self.by_rows = False  # the run went on row at a time (no columns from here)
        self._rows = self._generate()

    def __iter__(self) -> Iterator[Row]:
        return self._rows

    def __next__(self) -> Row:
        return next(self._rows)

    def _generate(self) -> Iterator[Row]:
        while True:
            try:
                item = next(self._parts, None)
            except (Fallback, Unbatchable):
                yield from self._fall_back([])
                return
            if item is None:
                return
            self._finish_current()
            self._current_part = item
            self._current = iter(tuples(*item))
            yield from self._current

    def _finish_current(self) -> None:
        if self._current_part is not None:
            self.handed += self._current_part[1]
        self._current_part = self._current = None

    def _fall_back(self, taken: list[Row]) -> Iterator[Row]:
        """taken (rows made of batches read but not handed out yet), then the row path's rows
        after every row the batches gave."""
        self._finish_current()
        self.by_rows = True
        self._parts.close()  # type: ignore[attr-defined]
        yield from taken
        yield from islice(self.row_path(), self.handed, None)

    def rest_columns(self) -> ColumnPart | None:
        """Every row not yet handed out, as columns; None (nothing taken) when the run cannot
        give them so and goes on row at a time."""
        if self.by_rows:
            return None
        parts: list[ColumnPart] = []
        if self._current_part is not None and self._current is not None:
            left = self._current.__length_hint__()  # type: ignore[attr-defined]
            part, n = self._current_part
            if left:
                parts.append([(v[n - left:], m[n - left:]) for v, m in part])
        self._finish_current()
        try:
            for part, n in self._parts:
                parts.append(part)
                self.handed += n
        except (Fallback, Unbatchable):
            # row at a time from here: the columns taken so far become rows again
            taken = [row for p in parts for row in tuples(p, len(p[0][0]))]
            self._rows = self._fall_back(taken)
            self.by_rows = True
            return None
        self._rows = iter(())
        width = len(self.plan.outputs)
        if not parts:
            return [(np.zeros(0, np.int64), np.zeros(0, np.bool_)) for _ in range(width)]
        return [(np.concatenate([p[i][0] for p in parts]), np.concatenate([p[i][1] for p in parts]))
                for i in range(width)]

    def close(self) -> None:
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()
        self._parts.close()  # type: ignore[attr-defined]


def analyse(plan: Plan) -> BatchProjection | str:
    """The batch form of a query plan, or why it has none ("" when its shape is not a select
    list over one table scan at all)."""
    from orbitdb.sql.exec.plans import Limit, Project, TableScan

    limit = plan if isinstance(plan, Limit) else None
    node = plan.child if isinstance(plan, Limit) else plan
    if not isinstance(node, Project) or not isinstance(node.child, TableScan):
        return ""
    project: Project = node
    scan = node.child
    exprs = getattr(project, "batch_exprs", None)
    if exprs is None or project.srf or getattr(project, "srf_calls", None) is not None or not project.fns or len(exprs[0]) != len(project.fns):
        return ""
    if not scan_supported(scan):
        return ""  # a point lookup, a secondary index, a backward scan: nothing to say
    source = scan_source(scan, 0)
    if source is None:
        return "a WHERE condition with no vectorised form"
    nodes, scope = exprs
    names = [c.name for c in scan.access.table.columns]
    cols = Columns(scope, scan.rt, (scan.alias, names))
    outputs = []
    for node_, col in zip(nodes, project.columns):
        v = vector(node_, cols, scan)
        if isinstance(v, str):
            return v
        if v.oid != col.type.oid:
            return "an expression typed otherwise than by the row path"
        outputs.append(v)
    source.needed.update(cols.used)
    for c, oid in getattr(source, "filter_types", {}).items():
        from orbitdb.sql.batch.aggregate import _decoded_as

        if not _decoded_as(source, c, oid):
            return "a filter column not read as its type"
    return BatchProjection(source, outputs, limit)


def planned(plan: Plan) -> BatchProjection | str:
    """analyse(plan), kept on the plan (a cached plan is analysed once)."""
    found = getattr(plan, "_batch_projection", None)
    if found is None:
        found = analyse(plan)
        plan._batch_projection = found  # type: ignore[attr-defined]
    return found


def batch_rows(plan: Plan, ctx: ExecContext) -> BatchRows | None:
    """The query's rows made on batches, or None: run it row at a time."""
    if batch_mode(ctx) == "off" or not can_read(ctx):
        return None
    found = planned(plan)
    if isinstance(found, str):
        return None
    return BatchRows(found, ctx, lambda: plan.rows(ctx))


def explain_note(plan: Plan, ctx: ExecContext) -> str | None:
    """EXPLAIN's line under the scan of such a query: "Batch: on", or "Batch: off (why)"."""
    if batch_mode(ctx) == "off":
        return None
    found = planned(plan)
    if found == "":
        return None
    return "Batch: on" if not isinstance(found, str) else f"Batch: off ({found})"


def project_of(plan: Plan) -> Project | None:
    from orbitdb.sql.exec.plans import Limit, Project

    node = plan.child if isinstance(plan, Limit) else plan
    return node if isinstance(node, Project) else None
