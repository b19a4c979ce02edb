"""Physical operators: each produces rows (tuples) for a running statement and
describes itself for EXPLAIN."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.expr.scope import ScopeColumn
from orbitdb.sql.expr.srf_slots import in_step, step_rows
from orbitdb.sql.spill import ExternalSort, Meter, TupleStore, out_of_memory, statement_spill
from orbitdb.sql.spill.distinct import distinct_rows
from orbitdb.sql.spill.hashjoin import HashReport, hash_join
from orbitdb.sql.spill.setop import counted_setop
from orbitdb.sql.spill.sort import top_sorted
from orbitdb.storage.usage import IDX_SCAN, IDX_TUP_FETCH, SEQ_SCAN, SEQ_TUP_READ, note

if TYPE_CHECKING:
    from orbitdb.sql.batch.aggregate import BatchAggregate
    from orbitdb.sql.expr.aggregates import AggCollector
    from orbitdb.sql.expr.core import Runtime
    from orbitdb.sql.expr.window import WindowCollector
    from orbitdb.storage.tables import TableAccess

Row = tuple[Any, ...]
Fn = Callable[[Row], Any]


def explain_indent(line: str, depth: int, node_line: bool) -> str:
    """An EXPLAIN line as PostgreSQL indents it: a node's own line under its parent's with "->",
    the node's detail lines (Filter:, Hash Cond:) below it."""
    if node_line:
        return line if depth == 0 else "  " * (depth * 3 - 2) + "->  " + line
    return "  " * (depth * 3) + "  " + line


class Plan:
    columns: list[ScopeColumn]

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        raise NotImplementedError

    def explain(self) -> list[tuple[str, list[Plan]]]:
        """(description line, children)."""
        return [(type(self).__name__, [])]

    def analyze_lines(self) -> list[str]:
        """Detail lines EXPLAIN ANALYZE adds under the node's own line (what its run measured)."""
        return []

    def explain_lines(self, depth: int = 0) -> list[str]:
        out = []
        for i, (line, children) in enumerate(self.explain()):
            out.append(explain_indent(line, depth, i == 0))
            for ch in children:
                out.extend(ch.explain_lines(depth + 1))
        return out


class SubplanChild(Plan):
    """EXPLAIN of a SubPlan or InitPlan under its label: indented one step more, as PostgreSQL's."""

    def __init__(self, child: Plan) -> None:
        self.child = child
        self.columns = child.columns

    def explain_lines(self, depth: int = 0) -> list[str]:
        return ["  " + line for line in self.child.explain_lines(depth)]


def subplan_entries(plan: Plan) -> list[tuple[str, list[Plan]]]:
    """The SubPlan / InitPlan lines of the subqueries plan evaluates (plan/subplan_explain.py)."""
    return [(label, [SubplanChild(sub)]) for label, sub in getattr(plan, "subplans", ())]


class Result1(Plan):
    """One empty row (SELECT without FROM)."""

    def __init__(self) -> None:
        self.columns = []

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        yield ()

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("Result", [])]


class ValuesScan(Plan):
    def __init__(self, columns: list[ScopeColumn], exprs: list[list[Fn]]) -> None:
        self.columns = columns
        self.exprs = exprs

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        for fns in self.exprs:
            yield tuple(f(()) for f in fns)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("Values Scan on \"*VALUES*\"", [])]


class TableScan(Plan):
    """Reads a table: a point lookup, a primary-key or index range, or everything.
    Rows are the table's columns followed by the hidden row key."""

    def __init__(self, columns: list[ScopeColumn], access: TableAccess, rt: Runtime, alias: str) -> None:
        self.columns = columns
        self.access = access
        self.rt = rt
        self.alias = alias
        self.mode = "seq"  # seq | pk_point | pk_range | index
        self.key_fns: list[Fn] = []  # values of the leading key columns (point or prefix)
        self.range: tuple[Fn | None, bool, Fn | None, bool] | None = None  # lo, lo_incl, hi, hi_incl
        self.index: Any = None
        self.filter: Fn | None = None
        self.filter_sql: list[object] = []  # EXPLAIN's texts of the conditions (str() gives each)
        self.reverse = False

    def key_values(self) -> tuple[list[Any], tuple[Any, bool] | None, tuple[Any, bool] | None] | None:
        """A key scan's values now: the equal prefix and the (value, inclusive) bounds of the
        next key column; None when a NULL among them means no row can match."""
        equal = [f(()) for f in self.key_fns]
        if None in equal:
            return None  # = NULL matches no row
        lo = hi = None
        if self.range is not None:
            lo_fn, lo_incl, hi_fn, hi_incl = self.range
            if lo_fn is not None:
                lo = (lo_fn(()), lo_incl)
                if lo[0] is None:
                    return None
            if hi_fn is not None:
                hi = (hi_fn(()), hi_incl)
                if hi[0] is None:
                    return None
        return equal, lo, hi

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        txn = ctx.txn
        assert txn is not None
        acc = self.access
        flt = self.filter
        if self.mode == "pk_point":
            vals = [f(()) for f in self.key_fns]
            if None in vals:
                return
            row = acc.point(txn, vals)
            note(txn, acc.table.oid, IDX_SCAN)
            if row is not None:
                note(txn, acc.table.oid, IDX_TUP_FETCH)
            if row is not None and (flt is None or flt(row)):
                yield row
            return
        check = ctx.check
        if self.mode == "seq":
            it = acc.rows(txn, self.reverse, check=check)
        else:
            key = self.key_values()
            if key is None:
                return
            equal, lo, hi = key
            if self.mode == "index":
                it = acc.index_rows(txn, self.index, equal, lo, hi, self.reverse, check=check)
            else:
                it = acc.pk_rows(txn, equal, lo, hi, self.reverse, check=check)
        seq = self.mode == "seq"
        note(txn, acc.table.oid, SEQ_SCAN if seq else IDX_SCAN)
        # zip pulls the row before the number, so the counter's next value is exactly how many rows
        # the scan read, even when it stops early (LIMIT, EXISTS); rows still flow at C speed
        counter = itertools.count()
        read_rows = map(itemgetter(0), zip(it, counter))
        try:
            if flt is None:
                yield from read_rows
            else:
                yield from filter(flt, read_rows)
        finally:
            read = next(counter)
            if read:
                note(txn, acc.table.oid, SEQ_TUP_READ if seq else IDX_TUP_FETCH, read)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        t = self.access.table
        name = t.name if self.alias == t.name else f"{t.name} {self.alias}"
        if self.mode == "pk_point" or self.mode == "pk_range":
            pk = next((c for c in t.constraints if c.kind == "p"), None)
            line = f"Index Scan using {pk.name if pk else t.name + '_pkey'} on {name}"
        elif self.mode == "index":
            line = f"Index Scan using {self.index[0].name} on {name}"
        else:
            line = f"Seq Scan on {name}"
        lines = [(line, [])]
        if self.filter_sql:
            lines.append(("Filter: " + " AND ".join(map(str, self.filter_sql)), []))
        note = getattr(self, "batch_note", None)  # orbitdb's own line (orbitdb/sql/batch/explain.py)
        if note is not None:
            lines.append((note, []))
        return lines  # type: ignore[return-value]


class Append(Plan):
    """A table and its partitions or inheriting children read as one: each child's rows in the
    parent's column order, followed by the row's key and the oid of the table it comes from."""

    def __init__(self, columns: list[ScopeColumn], parts: list[tuple[TableScan, list[int | None], int]],
                 name: str) -> None:
        self.columns = columns
        self.parts = parts  # (scan, for each parent column its position in the child's rows, child oid)
        self.name = name

        # per part, tests of the query's conditions against its partition bounds (a part none of
        # whose rows could pass is skipped); each test reads its value when the scan starts
        self.prune: list[list[Callable[[], bool]]] = [[] for _ in parts]

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        for (scan, positions, oid), tests in zip(self.parts, self.prune):
            if tests and not all(t() for t in tests):
                continue
            width = len(scan.access.table.columns)
            for r in scan.rows(ctx):
                yield tuple(None if i is None else r[i] for i in positions) + (r[width], oid)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("Append", [scan for (scan, _, _), tests in zip(self.parts, self.prune) if _may_run(tests)])]


def _may_run(tests: list[Callable[[], bool]]) -> bool:
    try:
        return all(t() for t in tests)
    except Exception:  # noqa: BLE001 - EXPLAIN of a statement whose parameters are not bound yet
        return True


class FunctionScan(Plan):
    def __init__(self, columns: list[ScopeColumn], fn: Callable[[ExecContext], Iterator[Row]], name: str,
                 alias: str | None = None, catalog: bool = False) -> None:
        self.columns = columns
        self.fn = fn
        self.name = name
        self.alias = alias  # EXPLAIN names it after the function, as PostgreSQL does
        self.catalog = catalog  # a system catalog's rows: PostgreSQL scans it as a table

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        for n, r in enumerate(self.fn(ctx), 1):
            if n & 4095 == 0:
                ctx.check()
            yield r

    def explain(self) -> list[tuple[str, list[Plan]]]:
        alias = f" {self.alias}" if self.alias and self.alias != self.name else ""
        return [(f"{'Seq' if self.catalog else 'Function'} Scan on {self.name}{alias}", [])]


class Materialized(Plan):
    """Rows computed once per statement (CTEs, uncorrelated subqueries)."""

    def __init__(self, columns: list[ScopeColumn], child: Plan, key: int, name: str = "") -> None:
        self.columns = columns
        self.child = child
        self.key = key
        self.name = name

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        shared = ctx.cte_results.get(self.key)
        if not isinstance(shared, SharedRows):  # (a recursive CTE's working table has the same key)
            shared = ctx.cte_results[self.key] = SharedRows(ctx, self.child.rows(ctx))
        return shared.read()

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [(f"CTE Scan on {self.name}" if self.name else "Materialize", [self.child])]


class Recomputed(Materialized):
    """A CTE that reads columns of an enclosing query (inside a LATERAL or correlated subquery):
    computed again each time it is read, as its rows change with the outer row."""

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        return self.child.rows(ctx)


class SharedRows:
    """A statement-wide result computed once and read by several scans, each at its own pace: rows
    are computed as the furthest reader needs them (so a LIMIT above stops the work) and kept in a
    tuple store (on disk past work_mem) for the readers behind."""

    def __init__(self, ctx: ExecContext, source: Iterator[Row]) -> None:
        spill = statement_spill(ctx)
        self.store = TupleStore(spill, spill.work_mem)
        self.source: Iterator[Row] | None = source

    def read(self) -> Iterator[Row]:
        store = self.store
        i = 0
        while True:
            if i < len(store):
                for row in store.read(i):
                    i += 1
                    yield row
                continue
            source = self.source
            if source is None:
                return
            row = next(source, None)
            if row is None:
                self.source = None
                return
            store.append(row)


class SubqueryScan(Plan):
    def __init__(self, columns: list[ScopeColumn], child: Plan, width: int, name: str) -> None:
        self.columns = columns
        self.child = child
        self.width = width
        self.name = name

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        w = self.width
        for r in self.child.rows(ctx):
            yield r[:w] if len(r) != w else r

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [(f"Subquery Scan on {self.name}", [self.child])]


class Filter(Plan):
    def __init__(self, child: Plan, pred: Fn, sql: object) -> None:  # sql: EXPLAIN's text (str() of it)
        self.columns = child.columns
        self.child = child
        self.pred = pred
        self.sql = sql

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        pred = self.pred
        for r in self.child.rows(ctx):
            if pred(r) is True:
                yield r

    def explain(self) -> list[tuple[str, list[Plan]]]:
        inner = self.child.explain()
        first, children = inner[0]
        return [(first, children)] + inner[1:] + [(f"Filter: {self.sql}", [])] + subplan_entries(self)


class Hash(Plan):
    """The inner side of a hash join as PostgreSQL shows it: the node whose rows fill the join's
    hash table. EXPLAIN ANALYZE adds how many batches the table took and the memory it held."""

    def __init__(self, child: Plan) -> None:
        self.child = child
        self.columns = child.columns
        self.report = HashReport()

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        return self.child.rows(ctx)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("Hash", [self.child])]

    def analyze_lines(self) -> list[str]:
        r = self.report
        if not r.batches:
            return []
        # no Buckets: the table is a Python dict, whose buckets are not PostgreSQL's
        return [f"Batches: {r.batches}  Memory Usage: {max(1, -(-r.peak_bytes // 1024))}kB"]


def _parenthesized_and(parts: list[object]) -> str:
    """Conditions as PostgreSQL prints a node's list of them: (a), or ((a) AND (b))."""
    if len(parts) == 1:
        return f"({parts[0]})"
    return "(" + " AND ".join(f"({p})" for p in parts) + ")"


class Join(Plan):
    """Nested loop or hash join; LATERAL right sides see the left row. hash_sql and filter_sql
    are the text of the hash keys' equalities and of the other conditions, for EXPLAIN's
    Hash Cond: and Join Filter: lines (empty: not shown)."""

    def __init__(self, left: Plan, right: Plan, kind: str, cond: Fn | None, level: int,
                 lateral: bool, hash_keys: tuple[list[Fn], list[Fn]] | None, right_width: int,
                 left_width: int, hash_sql: list[object] | None = None, filter_sql: list[object] | None = None) -> None:
        self.columns = left.columns + right.columns
        self.left = left
        self.right = right
        self.kind = kind  # inner | left | right | full | cross
        self.cond = cond
        self.level = level
        self.lateral = lateral
        self.hash_keys = hash_keys
        self.rw = right_width
        self.lw = left_width
        self.hash = Hash(right) if hash_keys is not None and not lateral else None
        self.hash_sql = hash_sql or []
        self.filter_sql = filter_sql or []
        # the hash keys that are plain columns of both sides (for EXPLAIN's estimate of its rows)
        self.key_columns: list[tuple[ScopeColumn, ScopeColumn]] = []

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        if self.lateral:
            yield from self._lateral(ctx)
            return
        if self.hash_keys is not None and self.hash is not None:
            lkeys, rkeys = self.hash_keys
            nulls_l, nulls_r = (None,) * self.lw, (None,) * self.rw
            yield from hash_join(ctx, self.left.rows(ctx), self.hash.rows(ctx),
                                 lambda lr: tuple([f(lr) for f in lkeys]), lambda rr: tuple([f(rr) for f in rkeys]),
                                 lambda left, right, candidates: self._probe(ctx, left, right, candidates),
                                 (lambda lr: lr + nulls_r) if self.kind in ("left", "full") else None,
                                 (lambda rr: nulls_l + rr) if self.kind in ("right", "full") else None,
                                 self.hash.report)
            return
        spill = statement_spill(ctx)
        right_rows = TupleStore(spill, spill.work_mem)
        try:
            for rr in self.right.rows(ctx):
                right_rows.append(rr)
            every = range(len(right_rows))
            yield from self._probe(ctx, self.left.rows(ctx), right_rows, lambda lr: every)
        finally:
            right_rows.close()

    def _probe(
        self,
        ctx: ExecContext,
        left_rows: Iterable[Row],
        right_rows: Sequence[Row],
        candidates: Callable[[Row], Iterable[int]],
    ) -> Iterator[Row]:
        """Join each left row with the right rows `candidates` names, padding
        unmatched rows with NULLs as the join kind asks."""
        cond = self.cond
        kind = self.kind
        nulls_r = (None,) * self.rw
        matched_right = bytearray(len(right_rows)) if kind in ("right", "full") else None
        n = 0
        for lr in left_rows:
            found = False
            n += 1
            for j in candidates(lr):
                n += 1
                if n & 8191 < 2:
                    ctx.check()
                row = lr + right_rows[j]
                if cond is None or cond(row) is True:
                    found = True
                    if matched_right is not None:
                        matched_right[j] = 1
                    yield row
            if not found and kind in ("left", "full"):
                yield lr + nulls_r
        if matched_right is not None:
            nulls_l = (None,) * self.lw
            for j, rr in enumerate(right_rows):
                if not matched_right[j]:
                    yield nulls_l + rr

    def _lateral(self, ctx: ExecContext) -> Iterator[Row]:
        cond = self.cond
        nulls_r = (None,) * self.rw
        level = self.level
        spill = statement_spill(ctx)
        for lr in self.left.rows(ctx):
            saved = ctx.outer[level]
            ctx.outer[level] = lr
            right_rows = TupleStore(spill, spill.work_mem)
            try:
                for rr in self.right.rows(ctx):
                    right_rows.append(rr)
            finally:
                ctx.outer[level] = saved
            found = False
            try:
                for rr in right_rows:
                    row = lr + rr
                    if cond is None or cond(row) is True:
                        found = True
                        yield row
            finally:
                right_rows.close()
            if not found and self.kind == "left":
                yield lr + nulls_r

    def explain(self) -> list[tuple[str, list[Plan]]]:
        kind = {"inner": "", "cross": "", "left": "Left ", "right": "Right ", "full": "Full "}[self.kind]
        hashed = self.hash is not None
        name = "Hash " + kind + "Join" if hashed else "Nested Loop" + (f" {kind}Join" if kind else "")
        entries: list[tuple[str, list[Plan]]] = [(name.strip(), [])]
        if hashed and self.hash_sql:
            entries.append((f"Hash Cond: {_parenthesized_and(self.hash_sql)}", []))
        if self.filter_sql:
            entries.append((f"Join Filter: {_parenthesized_and(self.filter_sql)}", []))
        # the detail lines come before the children, as PostgreSQL prints them
        last, _ = entries[-1]
        entries[-1] = (last, [self.left, self.hash if self.hash is not None else self.right])
        return entries


class Aggregate(Plan):
    def __init__(self, child: Plan, collector: AggCollector, grouped: bool, columns: list[ScopeColumn]) -> None:
        self.columns = columns
        self.child = child
        self.collector = collector
        self.grouped = grouped

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        from orbitdb.sql.batch.aggregate import aggregate_rows  # (numpy loads at the first aggregate)

        return aggregate_rows(self, ctx)  # on numpy batches when it has that form, else row at a time

    def batch_plan(self) -> BatchAggregate | None:
        if not hasattr(self, "_batch"):
            from orbitdb.sql.batch.aggregate import analyse

            self._batch = analyse(self)
        return self._batch

    def explain(self) -> list[tuple[str, list[Plan]]]:
        line = "HashAggregate" if self.grouped else "Aggregate"
        if getattr(self, "show_batch", False):
            return [(line, []), ("Batch: on", [self.child])]  # orbitdb's own line (orbitdb/sql/batch)
        return [(line, [self.child])]


class WindowAgg(Plan):
    def __init__(self, child: Plan, collector: WindowCollector) -> None:
        self.columns = child.columns
        self.child = child
        self.collector = collector

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        return self.collector.run(self.child.rows(ctx), ctx)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("WindowAgg", [self.child])]


class Project(Plan):
    def __init__(self, child: Plan, fns: list[Fn], columns: list[ScopeColumn], srf: list[int] | None = None,
                 srf_calls: list[Fn] | None = None) -> None:
        self.columns = columns
        self.child = child
        self.fns = fns
        self.srf = srf or []
        self.srf_calls = srf_calls  # set-returning calls inside expressions (orbitdb/sql/expr/srf_slots.py)

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        fns = self.fns
        if self.srf_calls is not None:
            calls = self.srf_calls
            for r in self.child.rows(ctx):
                for extended in step_rows(r, calls, ctx.check):
                    yield tuple([f(extended) for f in fns])
            return
        if self.srf:
            yield from self._srf_rows(ctx)
            return
        if len(fns) == 1:
            f0 = fns[0]
            for r in self.child.rows(ctx):
                yield (f0(r),)
            return
        for r in self.child.rows(ctx):
            yield tuple([f(r) for f in fns])

    def _srf_rows(self, ctx: ExecContext) -> Iterator[Row]:
        # set-returning functions in the select list: rows = longest result
        # the functions run in step, each read as far as it goes (not made into lists)
        srf = self.srf
        for r in self.child.rows(ctx):
            vals = [f(r) for f in self.fns]
            running = {i: iter(vals[i]) for i in srf if vals[i] is not None}
            for current in in_step(running, len(vals), ctx.check):
                out = list(vals)
                for i in srf:
                    out[i] = current[i]
                yield tuple(out)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return self.child.explain() + subplan_entries(self)


class Sort(Plan):
    def __init__(self, child: Plan, keys: list[tuple[Fn, bool, bool, Any]]) -> None:
        self.columns = child.columns
        self.child = child
        self.keys = keys

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        from orbitdb.sql.batch.sort import sort_rows  # (numpy loads at the first such sort)

        batched = sort_rows(self, ctx)  # on numpy batches when it has that form, else row at a time
        if batched is not None:
            yield from batched
            return
        spill = statement_spill(ctx)
        sorter = ExternalSort(spill, self.keys, spill.work_mem, ctx.check)
        try:
            for r in self.child.rows(ctx):
                sorter.add(r)
            ctx.check()
            yield from sorter.sorted()
        finally:
            sorter.close()

    def top(self, ctx: ExecContext, n: int) -> Iterator[Row]:
        """The first n rows only (under a LIMIT): a bounded heap instead of a full sort."""
        from orbitdb.sql.batch.sort import sort_rows

        batched = sort_rows(self, ctx, n)
        if batched is not None:
            return batched
        return top_sorted(statement_spill(ctx), self.keys, n, self.child.rows(ctx), ctx.check)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        note = getattr(self, "batch_note", None)  # orbitdb's own line (orbitdb/sql/batch/explain.py)
        if note is not None:
            return [("Sort", []), (note, [self.child])]
        return [("Sort", [self.child])]


class Limit(Plan):
    def __init__(self, child: Plan, limit: Fn | None, offset: Fn | None) -> None:
        self.columns = child.columns
        self.child = child
        self.limit = limit
        self.offset = offset

    def bounds(self) -> tuple[int, int | None]:
        """OFFSET and LIMIT (None: no limit), with PostgreSQL's errors for negative ones."""
        off = self.offset(()) if self.offset is not None else 0
        lim = self.limit(()) if self.limit is not None else None
        if off is None:
            off = 0
        if off < 0:
            raise SqlError("2201X", "OFFSET must not be negative")
        if lim is not None and lim < 0:
            raise SqlError("2201W", "LIMIT must not be negative")
        return off, lim

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        off, lim = self.bounds()
        if lim == 0:
            return
        n = 0
        child = self.child
        rows = child.top(ctx, off + lim) if lim is not None and isinstance(child, Sort) else child.rows(ctx)
        for r in rows:
            if off > 0:
                off -= 1
                continue
            yield r
            n += 1
            if lim is not None and n >= lim:
                return

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("Limit", [self.child])]


class LimitTies(Plan):
    """FETCH FIRST n ROWS WITH TIES: after OFFSET, n rows and then every row that is a peer of the
    n-th under the ORDER BY keys (the child's order)."""

    def __init__(self, child: Plan, limit: Fn, offset: Fn | None,
                 keys: list[tuple[Fn, bool, bool, Any]]) -> None:
        self.columns = child.columns
        self.child = child
        self.bounded = Limit(child, limit, offset)
        self.keys = keys

    def _peer_key(self, row: Row) -> tuple[Any, ...]:
        out = []
        for fn, _desc, _nulls_first, order_key in self.keys:
            v = fn(row)
            out.append(v if v is None or order_key is None else order_key(v))
        return tuple(out)

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        off, lim = self.bounded.bounds()  # a count computed as NULL: no limit, as in PostgreSQL
        if lim == 0:
            return
        n = 0
        last: Any = _NO_KEY
        for r in self.child.rows(ctx):
            if off > 0:
                off -= 1
                continue
            if lim is not None:
                if n >= lim:
                    if self._peer_key(r) != last:
                        return
                elif n == lim - 1:
                    last = self._peer_key(r)
            yield r
            n += 1

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("Limit", [self.child])]


class Distinct(Plan):
    """The first row of each key. On input sorted by the key (DISTINCT ON under its ORDER BY) a
    row is compared with the one before; otherwise by hashing (spill.distinct)."""

    def __init__(self, child: Plan, key: Callable[[Row], Any], sorted_input: bool = False) -> None:
        self.columns = child.columns
        self.child = child
        self.key = key
        self.sorted_input = sorted_input

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        if not self.sorted_input:
            yield from distinct_rows(ctx, self.child.rows(ctx), self.key, "SELECT DISTINCT")
            return
        key = self.key
        prev: Any = _NO_KEY
        for r in self.child.rows(ctx):
            k = key(r)
            if k != prev:
                prev = k
                yield r

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("HashAggregate", [self.child])]


_NO_KEY = object()


class Strip(Plan):
    """Drops hidden trailing columns (sort keys)."""

    def __init__(self, child: Plan, width: int, columns: list[ScopeColumn]) -> None:
        self.columns = columns
        self.child = child
        self.width = width

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        w = self.width
        for r in self.child.rows(ctx):
            yield r[:w]

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return self.child.explain()


class SetOp(Plan):
    def __init__(self, left: Plan, right: Plan, op: str, all_: bool, lconv: list[Fn], rconv: list[Fn],
                 columns: list[ScopeColumn], key: Callable[[Row], Any]) -> None:
        self.columns = columns
        self.left = left
        self.right = right
        self.op = op
        self.all = all_
        self.lconv = lconv
        self.rconv = rconv
        self.key = key

    def _conv(self, rows: Iterator[Row], conv: list[Fn]) -> Iterator[Row]:
        for r in rows:
            yield tuple(f(r) for f in conv)

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        left = self._conv(self.left.rows(ctx), self.lconv)
        right = self._conv(self.right.rows(ctx), self.rconv)
        if self.op == "union":
            if self.all:
                yield from left
                yield from right
                return
            yield from distinct_rows(ctx, _chain(left, right), self.key, "UNION")
            return
        yield from counted_setop(ctx, left, right, self.key, self.op, self.all)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        name = {"union": "Append" if self.all else "HashAggregate", "intersect": "HashSetOp Intersect",
                "except": "HashSetOp Except"}[self.op]
        return [(name, [self.left, self.right])]


def _chain(*parts: Iterable[Row]) -> Iterator[Row]:
    for part in parts:
        yield from part


class RecursiveUnion(Plan):
    def __init__(self, base: Plan, step: Plan, key: int, all_: bool, columns: list[ScopeColumn],
                 conv_base: list[Fn], conv_step: list[Fn], rowkey: Callable[[Row], Any]) -> None:
        self.columns = columns
        self.base = base
        self.step = step
        self.key = key
        self.all = all_
        self.conv_base = conv_base
        self.conv_step = conv_step
        self.rowkey = rowkey

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        """Rows as they are made: the base query's, then each step's over the rows of the step before
        (the working table, a tuple store). UNION keeps a set of the rows seen, which cannot go to
        disk: past hash_mem it stops with 53200."""
        spill = statement_spill(ctx)
        limit = spill.hash_mem
        seen: set[Any] | None = None if self.all else set()
        meter = Meter(limit, 64)
        rowkey = self.rowkey
        work = TupleStore(spill, spill.work_mem)
        nxt: TupleStore | None = None
        try:
            for r in self.base.rows(ctx):
                r = tuple([f(r) for f in self.conv_base])
                if seen is not None:
                    k = rowkey(r)
                    if k in seen:
                        continue
                    seen.add(k)
                    if meter.add(k if type(k) is tuple else (k,)):
                        raise out_of_memory("the rows seen by the recursive query", limit, spill.describe_hash_mem())
                work.append(r)
                yield r
            while len(work):
                ctx.check()
                ctx.cte_results[self.key] = work
                nxt = TupleStore(spill, spill.work_mem)
                for n, r in enumerate(self.step.rows(ctx), 1):
                    if not n & 1023:
                        ctx.check()
                    r = tuple([f(r) for f in self.conv_step])
                    if seen is not None:
                        k = rowkey(r)
                        if k in seen:
                            continue
                        seen.add(k)
                        if meter.add(k if type(k) is tuple else (k,)):
                            raise out_of_memory("the rows seen by the recursive query", limit,
                                                spill.describe_hash_mem())
                    nxt.append(r)
                    yield r
                work.close()
                work, nxt = nxt, None
        finally:
            ctx.cte_results.pop(self.key, None)
            work.close()
            if nxt is not None:
                nxt.close()

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("Recursive Union", [self.base, self.step])]


class WorkTableScan(Plan):
    def __init__(self, columns: list[ScopeColumn], key: int, name: str) -> None:
        self.columns = columns
        self.key = key
        self.name = name

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        return iter(ctx.cte_results.get(self.key, []))

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [(f"WorkTable Scan on {self.name}", [])]
