"""The method of one equi-join, by cost: hash join, merge join (its inputs ordered on the keys by
their primary-key scan or by a Sort below) or nested loop. The enable_hashjoin, enable_mergejoin,
enable_nestloop and enable_sort settings act as PostgreSQL's do: a disabled kind of path costs
DISABLE_COST more, so it is still taken when nothing else can do the join.

Costs are in PostgreSQL's units but weigh what orbitdb's operators spend: a table read in primary-
key order costs no more than in any other (a table is stored in that order), so a join of two
tables on their primary keys merges without sorting."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from orbitdb.sql import types as T
from orbitdb.sql.exec.mergejoin import MergeJoin, MergeSort
from orbitdb.sql.exec.plans import Filter, Join, Plan, TableScan
from orbitdb.sql.expr.scope import ScopeColumn
from orbitdb.sql.plan import costs
from orbitdb.sql.plan.explain_names import EqualityText, qualified_name

Row = tuple[Any, ...]
Fn = Callable[[Row], Any]
DISABLE_COST = 1.0e10  # PostgreSQL's disable_cost

# key types whose Python values order and compare as SQL's (and as the primary-key encoding orders
# them), grouped so that a key of one group joined with another of the same group keeps the order
_ORDER_GROUPS = (
    frozenset({T.INT2.oid, T.INT4.oid, T.INT8.oid}),
    frozenset({T.TEXT.oid, T.VARCHAR.oid}),
    frozenset({T.DATE.oid}),
)


# key types compared by a sort key (NaN equal to NaN, -0 to 0, as PostgreSQL's btree): no hash
# key, but a merge join can take them, its inputs sorted by the same key
SORT_KEYED_OIDS = frozenset({T.NUMERIC.oid, T.FLOAT4.oid, T.FLOAT8.oid})
_INT_OIDS = _ORDER_GROUPS[0]


class SortableKey(NamedTuple):
    """An equality of a left and a right column a merge join can take: each side's value (left
    row, right row), the sort key both compare by, its text and the condition it comes from."""

    left: Fn
    right: Fn
    normaliser: Callable[[Any], Any] | None
    text: EqualityText
    node: Any


def enabled(settings: Mapping[str, str], name: str) -> bool:
    return settings.get(name, "on") != "off"


def sort_cost(rows: float) -> float:
    """Sorting rows in memory: PostgreSQL's comparison cost, 2 * cpu_operator_cost * n log2 n."""
    n = max(rows, 2.0)
    return 2.0 * costs.CPU_OPERATOR * n * math.log2(n) + rows * costs.CPU_OPERATOR


def hash_cost(lrows: float, rrows: float, out: float) -> float:
    return rrows * (costs.CPU_OPERATOR + costs.CPU_TUPLE) * 1.5 + lrows * costs.CPU_OPERATOR + out * costs.CPU_TUPLE


def loop_cost(lrows: float, rrows: float, out: float) -> float:
    return lrows * rrows * costs.CPU_OPERATOR + rrows * costs.CPU_TUPLE + out * costs.CPU_TUPLE


def merge_cost(lrows: float, rrows: float, out: float) -> float:
    return (lrows + rrows) * costs.CPU_OPERATOR + out * costs.CPU_TUPLE


def _group(oid: int) -> frozenset[int] | None:
    return next((g for g in _ORDER_GROUPS if oid in g), None)


def _orders(plan: Plan) -> list[list[ScopeColumn]]:
    """The column lists plan's rows are ordered by: a table's primary key when it is scanned whole
    or by a key range, forward (maybe filtered); an inner or left merge join's outer keys (and
    an inner one's inner keys, equal to them)."""
    while isinstance(plan, Filter):
        plan = plan.child
    if isinstance(plan, MergeJoin) and plan.kind in ("inner", "left"):
        return plan.orders
    if not isinstance(plan, TableScan) or plan.mode not in ("seq", "pk_range") or plan.reverse:
        return []
    pk = plan.access.pk_idx
    return [[plan.columns[i] for i in pk]] if pk else []


def _ordered(plan: Plan, cols: list[ScopeColumn]) -> bool:
    return any(len(o) >= len(cols) and all(a is b for a, b in zip(o, cols)) for o in _orders(plan))


def ordered_by(plan: Plan, positions: list[int]) -> bool:
    """Whether plan's rows come ordered (ascending, NULLs last) by its columns at positions."""
    while isinstance(plan, Filter):
        plan = plan.child
    if not isinstance(plan, MergeJoin) or any(p >= len(plan.columns) for p in positions):
        return False
    return _ordered(plan, [plan.columns[p] for p in positions])


def _key_order(join: Join, pairs: list[tuple[ScopeColumn, ScopeColumn]]) -> list[int]:
    """The order of the keys to merge on: one the left side is ordered by, else one the right
    side is, else as written."""
    n = len(pairs)
    for side in (0, 1):
        for order in _orders(join.left if side == 0 else join.right):
            if len(order) < n:
                continue
            where = {id(p[side]): k for k, p in enumerate(pairs)}
            perm = [where.get(id(c)) for c in order[:n]]
            if None not in perm:
                return perm  # type: ignore[return-value]
    return list(range(n))


def choose_method(join: Join, settings: Mapping[str, str], estimate: Callable[[], tuple[float, float, float]]
                  ) -> Join:
    """join (a hash join on plain column keys, as the planner builds it) as the cheapest method.
    estimate() gives the rows of its left and right inputs and of the join: asked only when the
    choice depends on them (planning many small joins should not pay for estimates)."""
    if join.lateral or join.hash_keys is None or join.hash is None:
        return join
    lk = join.hash_keys[0]
    pairs = [(e.left, e.right) for e in join.hash_sql if isinstance(e, EqualityText)]
    mergeable = len(pairs) == len(lk) and all(
        _group(a.type.oid) is not None and _group(a.type.oid) == _group(b.type.oid) for a, b in pairs)
    defaults = all(enabled(settings, n) for n in ("enable_hashjoin", "enable_mergejoin", "enable_nestloop"))
    if not mergeable and defaults:
        return join
    perm: list[int] = []
    sorted_sides = (False, False)
    if mergeable:
        perm = _key_order(join, pairs)
        lcols = [pairs[k][0] for k in perm]
        rcols = [pairs[k][1] for k in perm]
        sorted_sides = (not _ordered(join.left, lcols), not _ordered(join.right, rcols))
        if defaults and sorted_sides == (False, False):
            # reading both inputs once beats building a table of one of them, whatever their size
            return _merge_join(join, perm, sorted_sides)
        if defaults and sorted_sides[1]:
            # sorting the inner side costs more than hashing it from 8 rows on, whatever the rest
            return join
    lrows, rrows, out = estimate()
    off = DISABLE_COST
    hashed = hash_cost(lrows, rrows, out) + (0.0 if enabled(settings, "enable_hashjoin") else off)
    looped = loop_cost(lrows, rrows, out) + (0.0 if enabled(settings, "enable_nestloop") else off)
    merged = math.inf
    if mergeable:
        merged = merge_cost(lrows, rrows, out) + (0.0 if enabled(settings, "enable_mergejoin") else off)
        for needs_sort, rows in zip(sorted_sides, (lrows, rrows)):
            if needs_sort:
                merged += sort_cost(rows) + (0.0 if enabled(settings, "enable_sort") else off)
    best = min(hashed, merged)
    # a nested loop without an index reads the whole inner side per outer row: an outer side
    # estimated too small makes it quadratic, so an equi-join takes it only when hash and merge
    # joins are both disabled (as the planner before this one never took it)
    if best >= DISABLE_COST and looped < best:
        return _nested_loop(join)
    if best == hashed:
        return join
    return _merge_join(join, perm, sorted_sides)


def _merge_join(join: Join, perm: list[int], sorted_sides: tuple[bool, bool]) -> MergeJoin:
    assert join.hash_keys is not None
    texts = [join.hash_sql[k] for k in perm]
    lk = [_column_getter(join.left, texts[i], "left") or join.hash_keys[0][k] for i, k in enumerate(perm)]
    rk = [_column_getter(join.right, texts[i], "right") or join.hash_keys[1][k] for i, k in enumerate(perm)]
    sides = []
    for needs_sort, child, fns, at in ((sorted_sides[0], join.left, lk, "left"), (sorted_sides[1], join.right, rk, "right")):
        if needs_sort:
            keys = [(f, False, False, None) for f in fns]
            names = [_NameOf(t, at) for t in texts]
            child = MergeSort(child, keys, list(names))
        else:
            _read_in_key_order(child)
        sides.append(child)
    merge = MergeJoin(sides[0], sides[1], join.kind, join.cond, join.level, (lk, rk), [None] * len(lk),
                      join.rw, join.lw, texts, join.filter_sql)
    pairs = [(t.left, t.right) for t in texts if isinstance(t, EqualityText)]
    if len(pairs) == len(texts):
        merge.orders = [[a for a, _ in pairs]] + ([[b for _, b in pairs]] if join.kind == "inner" else [])
    merge.batch_keys = getattr(join, "batch_keys", None)  # type: ignore[attr-defined]
    merge.key_columns = join.key_columns
    for name in ("est_rows",):
        if hasattr(join, name):
            setattr(merge, name, getattr(join, name))
    return merge


def _column_getter(side: Plan, text: object, at: str) -> Fn | None:
    """The key column read straight from the side's rows: within an order group the values
    compare as their common type's would (a right key function pads the row to the join's width)."""
    if not isinstance(text, EqualityText):
        return None
    col = text.left if at == "left" else text.right
    at_index = next((i for i, c in enumerate(side.columns) if c is col), None)
    return None if at_index is None else operator.itemgetter(at_index)


class _NameOf:
    """One side's column of a key equality, as a Sort Key names it (made when EXPLAIN prints)."""

    __slots__ = ("side", "text")

    def __init__(self, text: object, side: str) -> None:
        self.text = text
        self.side = side

    def __str__(self) -> str:
        t = self.text
        if isinstance(t, EqualityText):
            return qualified_name(t.left if self.side == "left" else t.right)
        return str(t)


def _nested_loop(join: Join) -> Join:
    """join as a nested loop: its key equalities checked as the join's filter."""
    assert join.hash_keys is not None
    lk, rk = join.hash_keys
    lw = join.lw
    checks: list[Fn] = [_key_equal(a, b, lw) for a, b in zip(lk, rk)]
    if join.cond is not None:
        checks.append(join.cond)
    loop = Join(join.left, join.right, join.kind, _all_true(checks), join.level, False, None, join.rw, lw,
                None, list(join.hash_sql) + list(join.filter_sql))
    loop.batch_keys = None  # type: ignore[attr-defined]
    if hasattr(join, "est_rows"):
        loop.est_rows = join.est_rows  # type: ignore[attr-defined]
    return loop


def _key_equal(left: Fn, right: Fn, lw: int) -> Fn:
    tail = operator.itemgetter(slice(lw, None))

    def equal(row: Row) -> Any:
        x, y = left(row), right(tail(row))
        return None if x is None or y is None else x == y

    return equal


def _all_true(fns: list[Fn]) -> Fn:
    if len(fns) == 1:
        return fns[0]
    return lambda r: all(f(r) is True for f in fns)


def merge_on_sort_keys(join: Join, keys: list[SortableKey], cond: Fn | None, filter_sql: list[object],
                       settings: Mapping[str, str], lrows: float, rrows: float, out: float) -> Join:
    """join (a nested loop whose conditions include the equalities of keys) as a merge join on
    keys when that costs less; cond and filter_sql: its other conditions."""
    if join.kind not in ("inner", "left", "right", "full"):
        return join
    looped = loop_cost(lrows, rrows, out) + (0.0 if enabled(settings, "enable_nestloop") else DISABLE_COST)
    merged = merge_cost(lrows, rrows, out) + (0.0 if enabled(settings, "enable_mergejoin") else DISABLE_COST)
    # a side whose integer primary key is the one key is in order (a cast to numeric keeps it)
    presorted = [len(keys) == 1 and _int_column(col) and _ordered(side, [col])
                 for side, col in ((join.left, keys[0].text.left), (join.right, keys[0].text.right))]
    for ordered, rows in zip(presorted, (lrows, rrows)):
        if not ordered:
            merged += sort_cost(rows) + (0.0 if enabled(settings, "enable_sort") else DISABLE_COST)
    if merged >= looped:
        return join
    sides = []
    for ordered, child, fns, at in ((presorted[0], join.left, [k.left for k in keys], "left"),
                                    (presorted[1], join.right, [k.right for k in keys], "right")):
        if ordered:
            _read_in_key_order(child)
        else:
            child = MergeSort(child, [(f, False, False, k.normaliser) for f, k in zip(fns, keys)],
                              [_NameOf(k.text, at) for k in keys])
        sides.append(child)
    texts: list[object] = [k.text for k in keys]
    merge = MergeJoin(sides[0], sides[1], join.kind, cond, join.level, ([k.left for k in keys], [k.right for k in keys]),
                      [k.normaliser for k in keys], join.rw, join.lw, texts, filter_sql)
    merge.batch_keys = None  # type: ignore[attr-defined]
    return merge


def _int_column(col: ScopeColumn) -> bool:
    return col.type.oid in _INT_OIDS


def _read_in_key_order(plan: Plan) -> None:
    while isinstance(plan, Filter):
        plan = plan.child
    if isinstance(plan, TableScan) and plan.mode == "seq":
        plan.mode = "pk_range"  # read in key order by the primary key: PostgreSQL's index scan
