"""Hash aggregation over batches: count(*), count, sum, avg, min and max of integer columns
(sum and avg of float columns too), grouped by integer, boolean or text columns, over a table
scan whose filter has a vectorised form. Results are the row path's to the bit: integer sums
exact (sum(int8) and avg as numeric), 22003 where the row path raises it, float sums added one
value after another in scan order, NULLs skipped, groups in the order their first rows came.

Groups beyond hash_mem: the groups in memory go on taking their rows, and the rows of any other
group go to temporary files, partitioned by a hash of their key (partitions.py); each partition
is aggregated the same way once the scan is done (split again when its groups still do not fit),
so every group's rows are aggregated together and in scan order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from orbitdb.sql import types as T
from orbitdb.sql.batch.filters import FLOAT_TYPES, INT_TYPES, Columns, Fallback
from orbitdb.sql.batch.partitions import BatchPartitions, take
from orbitdb.sql.batch.scan import Batch, can_read, column_kinds
from orbitdb.sql.batch.sources import JoinSource, ScanSource, scan_source
from orbitdb.sql.batch.vectors import Vector, vector
from orbitdb.sql.errors import SqlError
from orbitdb.sql.spill import StatementSpill, out_of_memory, statement_spill
from orbitdb.sql.spill.partition import MAX_DEPTH, buffer_reserve
from orbitdb.sql.types import numeric as N
from orbitdb.storage._batch import Unbatchable

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.exec.plans import Aggregate
    from orbitdb.sql.expr.aggregates import AggSpec

Row = tuple[Any, ...]
TEXT_KEYS = {T.TEXT.oid, T.VARCHAR.oid}
GROUP_BYTES = 160  # a group's share of the key map and the accumulators, for the hash_mem bound
INT4_BOUND = 1 << 31  # |v| of every int2 and int4 value
RESULT_CHUNK = 4096  # groups turned into rows at a time
SAFE_INT = 1 << 62  # int64 partial sums stay exact while their bound stays below this
BATCH_NOTE = "Batch: on"  # EXPLAIN's line under a node that runs on batches (not with COSTS OFF)


class AggOp:
    """One aggregate call: what it computes, over which column (None: count(*))."""

    def __init__(self, kind: str, col: int | None) -> None:
        self.kind = kind  # count | sum_int4 | sum_int8 | avg_int | sum_float | avg_float | min | max
        self.col = col


def _op(spec: AggSpec, cols: Columns) -> AggOp | None:
    if spec.distinct or spec.order or spec.filter is not None or spec.ordered_set or spec.inputs is None:
        return None
    name = spec.name
    if name == "count" and (spec.star or not spec.inputs):
        return AggOp("count", None)
    if len(spec.inputs) != 1 or spec.inputs[0].src is None:
        return None
    col = spec.inputs[0].src
    oid = spec.inputs[0].type.oid
    if cols.scope.columns[col].type.oid != oid:
        return None
    cols.used[col] = oid
    if name == "count":
        return AggOp("count", col)
    if oid in INT_TYPES:
        kind = {"sum": "sum_int8" if oid == T.INT8.oid else "sum_int4", "avg": "avg_int", "min": "min",
                "max": "max"}.get(name)
    elif oid in FLOAT_TYPES:
        kind = {"sum": "sum_float", "avg": "avg_float"}.get(name)
    else:
        kind = None
    return None if kind is None else AggOp(kind, col)


class BatchAggregate:
    """An Aggregate over a scan or a join of two scans, run on batches."""

    def __init__(self, source: ScanSource | JoinSource, keys: list[int], key_types: list[int], ops: list[AggOp],
                 grouped: bool, computed: dict[int, Vector] | None = None) -> None:
        self.source = source
        self.keys = keys
        self.key_types = key_types
        self.ops = ops
        self.grouped = grouped
        self.computed = computed or {}  # group keys that are expressions, by the column they fill
        self.floats = any(op.kind in ("sum_float", "avg_float") for op in ops)

    def spilled_columns(self) -> list[int]:
        """The input columns a spilled row keeps: its group key and the aggregates' inputs."""
        return sorted(set(self.keys) | {op.col for op in self.ops if op.col is not None})

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        source = self.source
        if not self.keys and isinstance(source, ScanSource):
            # one group and no hash table: a short range's statement pays for no arrays of its own
            totals = _Totals(self.ops)
            if self.floats or source.pred is not None:
                with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN as the row path makes them
                    for batch in source.batches(ctx):
                        totals.add(batch)
            else:
                for batch in source.batches(ctx):
                    totals.add(batch)
            source.note(ctx)
            return iter((totals.result(),))
        spill = statement_spill(ctx)
        limit = spill.hash_mem
        run = _Run(self, limit, spill, 0, ctx.check)
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN as the row path makes them
                parts = source.batches(ctx, limit) if isinstance(source, JoinSource) else source.batches(ctx)
                computed = self.computed
                for batch in parts:
                    if batch.n:
                        for col, vec in computed.items():
                            batch.values[col], batch.nulls[col] = vec.fn(batch)
                        run.add(batch)
        except BaseException:
            run.close()
            raise
        source.note(ctx)
        return run.result()


class _Totals:
    """The accumulators of an aggregate without GROUP BY: Python numbers, one per call. Results
    are _Run's: integer sums exact (each batch's int64 sum taken only while it cannot overflow),
    float sums added one value after another in scan order, NULLs skipped."""

    def __init__(self, ops: list[AggOp]) -> None:
        self.ops = ops
        self.counts = [0] * len(ops)
        self.acc: list[Any] = [-0.0 if op.kind in ("sum_float", "avg_float") else None for op in ops]

    def add(self, batch: Batch) -> None:
        counts, acc = self.counts, self.acc
        for i, op in enumerate(self.ops):
            if op.col is None:
                counts[i] += batch.n
                continue
            v, m = batch.values[op.col], batch.nulls[op.col]
            nulls = int(np.count_nonzero(m))
            n = batch.n - nulls
            if not n:
                continue
            counts[i] += n
            kind = op.kind
            if kind == "count":
                continue
            if kind in ("sum_int4", "sum_int8", "avg_int"):
                # a NULL's slot holds 0 (Batch), which adds nothing: the values are summed as they are.
                # An int2/int4 column's values are bounded by its type: no pass over them for it.
                big = INT4_BOUND if kind == "sum_int4" else max(abs(int(v.max())), abs(int(v.min())))
                part = int(v.sum()) if big * batch.n < SAFE_INT else sum(v.tolist())
                acc[i] = part if acc[i] is None else acc[i] + part
                continue
            if nulls:
                v = v[~m]
            if kind in ("sum_float", "avg_float"):  # cumsum adds one value after another, as the row path does
                acc[i] = float(np.cumsum(np.concatenate(([acc[i]], v)))[-1])
            elif kind == "min":
                low = int(v.min())
                acc[i] = low if acc[i] is None else min(acc[i], low)
            elif kind == "max":
                high = int(v.max())
                acc[i] = high if acc[i] is None else max(acc[i], high)

    def result(self) -> Row:
        return tuple([_finish(op, c, a) for op, c, a in zip(self.ops, self.counts, self.acc)])


class _Run:
    """The groups and accumulators of one run."""

    def __init__(self, plan: BatchAggregate, limit: int, spill: StatementSpill, depth: int,
                 check: Callable[[], None]) -> None:
        self.plan = plan
        self.limit = limit
        self.spill = spill
        self.depth = depth
        self.check = check
        self.per_group = GROUP_BYTES + 16 * len(plan.ops)
        # groups held in memory: the partitions' buffers take the rest of hash_mem once rows spill
        self.max_groups = max(1, (limit - buffer_reserve(limit)) // self.per_group)
        self.parts: BatchPartitions | None = None
        self.group_of: dict[Any, int] = {}
        self.group_keys: list[Row] = []
        self.cap = 0
        self.counts: list[np.ndarray[Any, Any]] = [np.zeros(0, np.int64) for _ in plan.ops]
        self.acc: list[np.ndarray[Any, Any]] = [self._empty(op, 0) for op in plan.ops]
        self.bound = [0] * len(plan.ops)  # |partial sum| bound of int64 accumulators
        if not plan.keys:
            self._grow(1)
            self.group_keys.append(())
        # one integer key (not a join's coded column): groups found by binary search
        self.int_key = len(plan.keys) == 1 and plan.key_types[0] in INT_TYPES
        self.known_keys = np.zeros(0, np.int64)  # sorted
        self.known_ids = np.zeros(0, np.int64)
        self.null_group = -1

    @staticmethod
    def _empty(op: AggOp, n: int) -> np.ndarray[Any, Any]:
        if op.kind in ("sum_float", "avg_float"):
            return np.full(n, -0.0)  # -0.0 + v is v for every v: the first value starts the sum
        if op.kind == "min":
            return np.full(n, np.iinfo(np.int64).max, np.int64)
        if op.kind == "max":
            return np.full(n, np.iinfo(np.int64).min, np.int64)
        return np.zeros(n, np.int64)

    def _room(self) -> int:
        """New groups the hash table still takes (the rows of any others spill)."""
        return max(0, self.max_groups - len(self.group_keys))

    def _grow(self, need: int) -> None:
        if need <= self.cap:
            return
        # the arrays double, but not past what hash_mem holds
        cap = max(need, min(self.cap * 2, self.max_groups), 64)
        for i, op in enumerate(self.plan.ops):
            counts = np.zeros(cap, np.int64)
            counts[:self.cap] = self.counts[i]
            self.counts[i] = counts
            acc = self._empty(op, cap)
            if self.acc[i].dtype == object:
                acc = acc.astype(object)
            acc[:self.cap] = self.acc[i]
            self.acc[i] = acc
        self.cap = cap

    def _int_group_ids(self, v: np.ndarray[Any, Any], m: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Group ids by one integer key: keys seen before are found by binary search in a sorted
        array; only new ones take a Python step each (made in the order their first rows came)."""
        ids = np.empty(len(v), np.int64)
        present = np.flatnonzero(~m)
        u, first, inv = np.unique(v[present], return_index=True, return_inverse=True)
        known = self.known_keys
        pos = np.searchsorted(known, u)
        found = pos < len(known)
        found[found] = known[pos[found]] == u[found]
        uids = np.full(len(u), -1, np.int64)  # -1: a group the hash table has no room for (spilled)
        uids[found] = self.known_ids[pos[found]]
        fresh = np.flatnonzero(~found)
        fresh = fresh[np.argsort(first[fresh], kind="stable")]  # in the order their first rows came
        null_at = int(np.argmax(m)) if len(present) < len(v) and self.null_group < 0 else -1
        # the NULL group's place among the new ones (by its first row)
        null_rank = int(np.searchsorted(present[first[fresh]], null_at)) if null_at >= 0 else -1
        room = self._room()
        if len(fresh) + (null_at >= 0) > room:  # the first to come get the room left
            if 0 <= null_rank < room:
                fresh = fresh[:room - 1]
            else:
                fresh, null_rank = fresh[:room], -1
        g0 = len(self.group_keys)
        new_keys = [(x,) for x in u[fresh].tolist()]
        gids = np.arange(g0, g0 + len(fresh), dtype=np.int64)
        if null_rank >= 0:
            new_keys.insert(null_rank, (None,))
            gids[null_rank:] += 1
            self.null_group = g0 + null_rank
        uids[fresh] = gids
        self.group_keys.extend(new_keys)
        if len(fresh):
            merged = np.concatenate([known, u[fresh]])
            order = np.argsort(merged, kind="stable")
            self.known_keys = merged[order]
            self.known_ids = np.concatenate([self.known_ids, uids[fresh]])[order]
        ids[present] = uids[inv]
        if len(present) < len(v):
            ids[m] = self.null_group  # -1 when it has no room
        self._grow(len(self.group_keys))
        return ids

    def _group_ids(self, batch: Batch, rows: np.ndarray[Any, Any] | None) -> np.ndarray[Any, Any]:
        n = batch.n if rows is None else len(rows)
        if not self.plan.keys:
            return np.zeros(n, np.int64)
        if self.int_key:
            c = self.plan.keys[0]
            v, m = batch.values[c], batch.nulls[c]
            if rows is not None:
                v, m = v[rows], m[rows]
            return self._int_group_ids(v, m)
        codes: np.ndarray[Any, Any] | None = None
        uniques: list[list[Any]] = []
        per_col: list[np.ndarray[Any, Any]] = []
        for c in self.plan.keys:
            v, m = batch.values[c], batch.nulls[c]
            if rows is not None:
                v, m = v[rows], m[rows]
            present = ~m
            u, inv = np.unique(v[present], return_inverse=True)
            col_codes = np.full(n, len(u), np.int64)  # NULL: a code of its own
            col_codes[present] = inv
            known = batch.dicts.get(c) if batch.dicts else None
            uniques.append([known[k] for k in u.tolist()] + [None] if known is not None else u.tolist() + [None])
            per_col.append(col_codes)
            if codes is None:
                codes = col_codes
            else:
                _, codes = np.unique(codes * (len(u) + 1) + col_codes, return_inverse=True)
        assert codes is not None
        _, first, inv = np.unique(codes, return_index=True, return_inverse=True)
        ids = np.empty(len(first), np.int64)
        group_of = self.group_of
        keys = self.group_keys
        room = self._room()
        for j in np.argsort(first, kind="stable").tolist():  # new groups in the order their rows came
            at = int(first[j])
            key = tuple([uniques[k][int(per_col[k][at])] for k in range(len(per_col))])
            g = group_of.get(key)
            if g is None:
                if not room:
                    ids[j] = -1  # no room: the group's rows spill
                    continue
                room -= 1
                g = group_of[key] = len(keys)
                keys.append(key)
            ids[j] = g
        self._grow(len(keys))
        return ids[inv]

    def add(self, batch: Batch) -> None:
        plan = self.plan
        if not plan.keys:
            self._add_one_group(batch)
            return
        rows: np.ndarray[Any, Any] | None = None
        gid = self._group_ids(batch, rows)
        out = gid < 0
        if out.any():
            self._spill_rows(batch, np.flatnonzero(out))
            rows = np.flatnonzero(~out)
            gid = gid[rows]
        for i, op in enumerate(plan.ops):
            if op.col is None:
                np.add.at(self.counts[i], gid, 1)
                continue
            v, m = batch.values[op.col], batch.nulls[op.col]
            if rows is not None:
                v, m = v[rows], m[rows]
            g = gid
            if m.any():
                keep = ~m
                v, g = v[keep], gid[keep]
            if not len(v):
                continue
            np.add.at(self.counts[i], g, 1)
            kind = op.kind
            if kind in ("sum_int4", "sum_int8", "avg_int"):
                self._sum_int(i, v, g)
            elif kind in ("sum_float", "avg_float"):
                np.add.at(self.acc[i], g, v)  # one value after another, in scan order
            elif kind == "min":
                np.minimum.at(self.acc[i], g, v)
            elif kind == "max":
                np.maximum.at(self.acc[i], g, v)

    def _spill_rows(self, batch: Batch, rows: np.ndarray[Any, Any]) -> None:
        parts = self.parts
        if parts is None:
            if self.depth >= MAX_DEPTH:  # its groups' keys differ in no bit the splits looked at
                raise out_of_memory("the hash table of a GROUP BY", self.limit, self.spill.describe_hash_mem())
            parts = self.parts = BatchPartitions(self.spill, self.limit, self.depth, self.plan.keys,
                                                 self.plan.spilled_columns())
        parts.add(take(batch, rows, parts.cols))

    def _add_one_group(self, batch: Batch) -> None:
        """add() without GROUP BY: whole-batch reductions instead of scatter by group."""
        for i, op in enumerate(self.plan.ops):
            if op.col is None:
                self.counts[i][0] += batch.n
                continue
            v, m = batch.values[op.col], batch.nulls[op.col]
            if m.any():
                v = v[~m]
            if not len(v):
                continue
            self.counts[i][0] += len(v)
            kind = op.kind
            if kind in ("sum_int4", "sum_int8", "avg_int"):
                self._sum_int(i, v, None)
            elif kind in ("sum_float", "avg_float"):
                acc = self.acc[i]  # cumsum adds one value after another, as the row path does
                acc[0] = np.cumsum(np.concatenate([acc[:1], v]))[-1]
            elif kind == "min":
                self.acc[i][0] = min(self.acc[i][0], v.min())
            elif kind == "max":
                self.acc[i][0] = max(self.acc[i][0], v.max())

    def _sum_int(self, i: int, v: np.ndarray[Any, Any], g: np.ndarray[Any, Any] | None) -> None:
        acc = self.acc[i]
        if acc.dtype != object:
            # an int2/int4 column's values are bounded by its type: no pass over them for it
            big = INT4_BOUND if self.plan.ops[i].kind == "sum_int4" else int(max(abs(int(v.max())), abs(int(v.min()))))
            self.bound[i] += big * len(v)
            if self.bound[i] < SAFE_INT:
                if g is None:
                    acc[0] += v.sum()
                else:
                    np.add.at(acc, g, v)
                return
            acc = self.acc[i] = acc.astype(object)  # Python integers from here on: exact at any size
        if g is None:
            acc[0] += sum(v.tolist())
            return
        part = np.zeros(len(acc), object)
        np.add.at(part, g, v.astype(object))
        acc += part

    def result(self) -> Iterator[Row]:
        """The groups' rows, made RESULT_CHUNK at a time as they are read (not all at once: a
        million groups' rows would take more than their accumulators); then each partition's."""
        try:
            yield from self._groups()
            parts = self.parts
            if parts is None:
                return
            parts.finish()
            self._drop_groups()
            for p in range(len(parts.blocks)):
                if not parts.blocks[p]:
                    continue
                sub = _Run(self.plan, self.limit, self.spill, self.depth + 1, self.check)
                try:
                    with np.errstate(over="ignore", invalid="ignore"):
                        for batch in parts.batches(p):
                            self.check()
                            sub.add(batch)
                except BaseException:
                    sub.close()
                    raise
                yield from sub.result()
        finally:
            self.close()

    def _groups(self) -> Iterator[Row]:
        plan = self.plan
        n = len(self.group_keys)
        if plan.keys and not n:
            return
        for lo in range(0, n, RESULT_CHUNK):
            hi = min(n, lo + RESULT_CHUNK)
            out_cols = [_finished(op, self.counts[i][lo:hi], self.acc[i][lo:hi]) for i, op in enumerate(plan.ops)]
            keys = self.group_keys[lo:hi]
            if not out_cols:
                yield from keys
                continue
            yield from [key + rest for key, rest in zip(keys, zip(*out_cols))]

    def _drop_groups(self) -> None:
        """The groups given out: their memory goes before a partition's groups take it."""
        self.group_of = {}
        self.group_keys = []
        self.counts = []
        self.acc = []
        self.known_keys = self.known_ids = np.zeros(0, np.int64)

    def close(self) -> None:
        """Removes the partitions' file (done, or the statement stopped)."""
        parts, self.parts = self.parts, None
        if parts is not None:
            parts.close()


def _finished(op: AggOp, counts: np.ndarray[Any, Any], acc: np.ndarray[Any, Any]) -> list[Any]:
    """The results of a run of groups: as Python values straight from the arrays where the
    kind and the accumulators allow (counts; int64 sums, minima and maxima), else one by one."""
    kind = op.kind
    if kind == "count":
        return counts.tolist()  # type: ignore[no-any-return]
    if acc.dtype == np.int64 and kind in ("sum_int4", "min", "max"):  # an int64 sum is an int8's value
        out = acc.tolist()
        if not counts.all():
            for j in np.flatnonzero(counts == 0).tolist():
                out[j] = None
        return out  # type: ignore[no-any-return]
    return [_finish(op, c, s) for c, s in zip(counts.tolist(), acc.tolist())]


def _finish(op: AggOp, count: int, acc: Any) -> Any:
    kind = op.kind
    if kind == "count":
        return count
    if count == 0:
        return None
    if kind == "sum_int4":
        return N.CHECK_INT8(int(acc))
    if kind == "sum_int8":
        return Decimal(int(acc))
    if kind == "avg_int":
        return N.numeric_div(Decimal(int(acc)), Decimal(count))
    if kind == "sum_float":
        if acc in (float("inf"), float("-inf")):
            raise SqlError("22003", "value out of range: overflow")
        return acc
    if kind == "avg_float":
        return acc / count
    return int(acc)


def analyse(agg: Aggregate) -> BatchAggregate | None:
    """The batch form of an Aggregate, or None when it has none."""
    from orbitdb.sql.exec.plans import Join, TableScan  # plans import this module

    c = agg.collector
    if c.passthrough:
        return None
    scope = c.input.scope
    child = agg.child
    sides: list[ScanSource] = []
    source: ScanSource | JoinSource
    if isinstance(child, TableScan):
        one = scan_source(child, 0)
        if one is None:
            return None
        sides, source = [one], one
    elif isinstance(child, Join) and _joinable(child, TableScan):
        left, right = scan_source(child.left, 0), scan_source(child.right, child.lw)
        if left is None or right is None:
            return None
        (lk, rk), = child.batch_keys
        sides, source = [left, right], JoinSource(left, right, lk, rk)
        if not _same_int_type(scope, lk, rk):
            return None
    else:
        return None
    if sum(len(s.scan.columns) for s in sides) != len(scope.columns):
        return None
    cols = Columns(scope)
    keys: list[int] = []
    computed: dict[int, Vector] = {}
    nodes = getattr(c, "group_nodes", [None] * len(c.group_exprs))
    for g, node in zip(c.group_exprs, nodes):
        src = g.src
        oid = g.type.oid
        if oid not in INT_TYPES and oid != T.BOOL.oid and oid not in TEXT_KEYS:
            return None
        if src is None:  # an expression: computed on each batch into a column past the input's
            if not isinstance(child, TableScan) or node is None:
                return None
            v = vector(node, cols, child)
            if isinstance(v, str) or v.oid != oid:
                return None
            src = len(scope.columns) + len(computed)
            computed[src] = v
            keys.append(src)
            continue
        if src >= len(scope.columns) or scope.columns[src].type.oid != oid:
            return None
        cols.used[src] = oid
        keys.append(src)
    ops = [_op(s, cols) for s in c.specs]
    if any(op is None for op in ops):
        return None
    if isinstance(source, JoinSource):
        cols.used.setdefault(source.lkey, scope.columns[source.lkey].type.oid)
        cols.used.setdefault(source.rkey, scope.columns[source.rkey].type.oid)
    for col, oid in cols.used.items():
        side = next((s for s in reversed(sides) if col >= s.offset), None)
        if side is None or col - side.offset >= side.width:
            return None
        side.needed.add(col - side.offset)
        if not _decoded_as(side, col - side.offset, oid):
            return None
    for side in sides:
        for col, oid in getattr(side, "filter_types", {}).items():
            if not _decoded_as(side, col, oid):
                return None
    key_types = [g.type.oid for g in c.group_exprs]
    return BatchAggregate(source, keys, key_types, [op for op in ops if op is not None], agg.grouped, computed)


def _joinable(join: Any, scan_type: type) -> bool:
    keys = getattr(join, "batch_keys", None)
    return (join.kind == "inner" and not join.lateral and join.cond is None and keys is not None and len(keys) == 1
            and None not in keys[0] and isinstance(join.left, scan_type) and isinstance(join.right, scan_type)
            and len(join.left.columns) == join.lw)


def _same_int_type(scope: Any, a: int, b: int) -> bool:
    ta, tb = scope.columns[a].type.oid, scope.columns[b].type.oid
    return ta == tb and ta in INT_TYPES


def _decoded_as(side: ScanSource, col: int, oid: int) -> bool:
    """The batch decoder reads the column as its SQL type needs (an integer as int64...)."""
    kind = column_kinds(side.scan, [col])[0]
    want = "int" if oid in INT_TYPES else "float" if oid in FLOAT_TYPES else "bool" if oid == T.BOOL.oid else "object"
    return bool(kind == want)


def batch_mode(ctx: ExecContext) -> str:
    return ctx.session.settings.get("orbitdb.batch_execution", "auto")


def batch_rows(agg: Aggregate, ctx: ExecContext) -> Iterator[Row] | None:
    """The Aggregate's rows computed on batches, or None: run it row at a time."""
    if batch_mode(ctx) == "off" or not can_read(ctx):
        return None
    plan = agg.batch_plan() if hasattr(agg, "batch_plan") else analyse(agg)
    if plan is None:
        return None
    try:
        return plan.rows(ctx)
    except (Fallback, Unbatchable):
        return None


def aggregate_rows(agg: Aggregate, ctx: ExecContext) -> Iterator[Row]:
    """An Aggregate's rows, computed when the first is asked for (as the row path's are): on
    batches when it has that form and the run finishes so, else row at a time."""
    batched = batch_rows(agg, ctx)
    if batched is None:
        yield from agg.collector.run(agg.child.rows(ctx), ctx, agg.grouped)
        return
    yield from batched
