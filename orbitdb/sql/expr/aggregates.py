"""Aggregates: the collector that gathers aggregate calls and GROUP BY keys
while a grouped query's output is compiled, the grouping operator, and the
aggregate functions themselves (with PostgreSQL's result types)."""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import E, coerce, ident
from orbitdb.sql.expr.datetimeops import (
    check_interval,
    interval_add,
    interval_div,
    interval_mul,
    interval_sub,
)
from orbitdb.sql.expr.funccall import AGGREGATES, ORDERED_SET
from orbitdb.sql.expr.jsonops import json_agg_result, json_object_agg_result, to_json_value
from orbitdb.sql.expr.pycalls import resolve_aggregate as resolve_session_aggregate
from orbitdb.sql.expr.pycalls import session_aggregate
from orbitdb.sql.spill import (
    ExternalSort,
    Meter,
    Partitions,
    out_of_memory,
    sort_in_memory,
    statement_spill,
)
from orbitdb.sql.spill.collector import fewer_collections
from orbitdb.sql.spill.partition import MAX_DEPTH, buffer_reserve
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import numeric as N
from orbitdb.sql.types.limits import check_array_depth, join_text
from orbitdb.sql.types.pgtext.ranges import canonical_multirange
from orbitdb.sql.types.rangeops import intersection as range_intersection
from orbitdb.sql.types.sortkeys import equality_key, ordering_key, sort_key_fn
from orbitdb.storage.interval import Interval
from orbitdb.storage.ranges import MultiRange

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.expr.compiler import Compiler
    from orbitdb.sql.spill.files import SpillFile

Row = tuple[Any, ...]

# measured (benchmarks/bench_spill_memory.py, 500,000 groups of one int key, CPython 3.11): a group
# with no aggregate holds ~360 bytes, each count/sum state ~160 more; the earlier guesses (200, 80)
# let a GROUP BY at work_mem 64MB grow to 2.6x its hash_mem budget
GROUP_BYTES = 280  # a group's dict entry, key tuples and state list, besides its key values
STATE_BYTES = 160  # one aggregate's state object
ITEM_BYTES = 16  # a collected value's list slot


class Acc:
    """One group's state of one aggregate."""

    __slots__ = ()

    def add(self, *vals: Any) -> None:
        raise NotImplementedError

    def result(self) -> Any:
        raise NotImplementedError


class RangeAgg(Acc):
    """range_agg: the union of the ranges (or multiranges) as a multirange."""

    __slots__ = ("range_oid", "ranges", "seen")

    def __init__(self, range_oid: int) -> None:
        self.range_oid = range_oid
        self.ranges: list[Any] = []
        self.seen = False

    def add(self, v: Any) -> None:
        if v is not None:
            self.seen = True
            self.ranges.extend(v.ranges if isinstance(v, MultiRange) else [v])

    def result(self) -> Any:
        return canonical_multirange(self.range_oid, self.ranges) if self.seen else None


class RangeIntersectAgg(Acc):
    """range_intersect_agg: the intersection of the ranges."""

    __slots__ = ("acc", "range_oid")

    def __init__(self, range_oid: int) -> None:
        self.range_oid = range_oid
        self.acc: Any = None

    def add(self, v: Any) -> None:
        if v is not None:
            self.acc = v if self.acc is None else range_intersection(self.range_oid, self.acc, v)

    def result(self) -> Any:
        return self.acc


def _range_aggregate(name: str, t: SqlType, types: list[SqlType]) -> tuple[SqlType, Callable[[], Acc], list[SqlType]]:
    multi = T.is_multirange(t)
    if not (T.is_range(t) or multi) or (multi and name == "range_intersect_agg"):
        raise _agg_missing(name, types)
    rt = T.MULTIRANGE_RANGE[t.oid] if multi else t
    oid = rt.oid
    if name == "range_agg":
        return T.RANGE_MULTIRANGE[oid], lambda: RangeAgg(oid), [t]
    return rt, lambda: RangeIntersectAgg(oid), [t]


class CountStar(Acc):
    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0

    def add(self, *vals: Any) -> None:
        self.n += 1

    def result(self) -> Any:
        return self.n


class Count(Acc):
    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0

    def add(self, v: Any) -> None:
        if v is not None:
            self.n += 1

    def result(self) -> Any:
        return self.n


class Sum(Acc):
    __slots__ = ("check", "s")

    def __init__(self, check: Callable[[Any], Any] | None = None) -> None:
        self.s: Any = None
        self.check = check

    def add(self, v: Any) -> None:
        if v is not None:
            try:
                self.s = v if self.s is None else self.s + v
            except decimal.InvalidOperation:  # numeric Infinity + -Infinity: NaN, as PostgreSQL's
                self.s = Decimal("NaN")

    def result(self) -> Any:
        if self.s is not None and self.check is not None:
            return self.check(self.s)
        return self.s


class FloatSum(Sum):
    __slots__ = ()

    def result(self) -> Any:
        if self.s is not None and math.isinf(self.s):
            raise SqlError("22003", "value out of range: overflow")
        return self.s


class Avg(Acc):
    __slots__ = ("kind", "n", "s")

    def __init__(self, kind: str) -> None:
        self.s: Any = None
        self.n = 0
        self.kind = kind

    def add(self, v: Any) -> None:
        if v is not None:
            try:
                self.s = v if self.s is None else self.s + v
            except decimal.InvalidOperation:  # numeric Infinity + -Infinity
                self.s = Decimal("NaN")
            self.n += 1

    def result(self) -> Any:
        if self.n == 0:
            return None
        if self.kind == "float":
            return self.s / self.n
        if self.kind == "interval":
            return interval_div(check_interval(self.s), self.n)
        return N.numeric_div(Decimal(self.s), Decimal(self.n))


class MinMax(Acc):
    __slots__ = ("is_max", "key", "v")

    def __init__(self, key: Callable[[Any], Any] | None, is_max: bool) -> None:
        self.v: Any = None
        self.key = key
        self.is_max = is_max

    def add(self, v: Any) -> None:
        if v is None:
            return
        if self.v is None:
            self.v = v
            return
        k = self.key
        a, b = (k(v), k(self.v)) if k else (v, self.v)
        if (a > b) if self.is_max else (a < b):
            self.v = v

    def result(self) -> Any:
        return self.v


class Collect(Acc):
    """Collects values (for array_agg, string_agg, json_agg, ordered/distinct forms)."""

    __slots__ = ("final", "items")

    def __init__(self, final: Callable[[list[Any]], Any]) -> None:
        self.items: list[Any] = []
        self.final = final

    def add(self, *vals: Any) -> None:
        self.items.append(vals if len(vals) != 1 else vals[0])

    def result(self) -> Any:
        return self.final(self.items)


class BoolAgg(Acc):
    __slots__ = ("is_and", "v")

    def __init__(self, is_and: bool) -> None:
        self.v: Any = None
        self.is_and = is_and

    def add(self, v: Any) -> None:
        if v is None:
            return
        if self.v is None:
            self.v = v
        elif self.is_and:
            self.v = self.v and v
        else:
            self.v = self.v or v

    def result(self) -> Any:
        return self.v


class BitAgg(Acc):
    __slots__ = ("op", "v")

    def __init__(self, op: Callable[[int, int], int]) -> None:
        self.v: Any = None
        self.op = op

    def add(self, v: Any) -> None:
        if v is not None:
            self.v = v if self.v is None else self.op(self.v, v)

    def result(self) -> Any:
        return self.v


class Moments(Acc):
    """Variance and standard deviation as PostgreSQL computes them, in constant memory: exact
    sums of x and x² for numeric inputs; Youngs-Cramer's running sums for float inputs."""

    __slots__ = ("as_float", "fn", "n", "nonfinite", "sx", "sxx")

    def __init__(self, fn: str, as_float: bool) -> None:
        self.fn = fn
        self.as_float = as_float
        self.n = 0
        self.sx: Any = 0.0 if as_float else Decimal(0)
        self.sxx: Any = 0.0 if as_float else Decimal(0)
        self.nonfinite = False  # a numeric NaN or infinity was added: the result is NaN, as PostgreSQL

    def add(self, v: Any) -> None:
        if v is None:
            return
        if not self.as_float:
            d = Decimal(v)
            self.n += 1
            if not d.is_finite():
                self.nonfinite = True
                return
            self.sx += d
            self.sxx += d * d
            return
        x = float(v)
        old_n = self.n
        self.n = n = old_n + 1
        old_sx = self.sx
        self.sx = sx = old_sx + x
        if old_n > 0:
            tmp = x * n - sx
            sxx = self.sxx + tmp * tmp / (n * old_n)
            if math.isinf(sx) or math.isinf(sxx):
                if not math.isinf(old_sx) and not math.isinf(x):
                    raise SqlError("22003", "value out of range: overflow")
                sxx = math.nan
            self.sxx = sxx
        elif math.isnan(x) or math.isinf(x):
            self.sxx = math.nan

    def result(self) -> Any:
        n = self.n
        samp = self.fn in ("var_samp", "stddev_samp", "variance", "stddev")
        if n == 0 or (samp and n == 1):
            return None
        if self.as_float:
            var = self.sxx / (n - 1 if samp else n)
            return math.sqrt(var) if "stddev" in self.fn else var
        if self.nonfinite:
            return Decimal("NaN")
        num = n * self.sxx - self.sx * self.sx
        if num <= 0:  # as PostgreSQL: a plain zero (round-off cannot make it negative)
            return Decimal(0)
        den = Decimal(n * (n - 1 if samp else n))
        var = N.numeric_div(num, den)
        if "stddev" in self.fn:
            return _numeric_sqrt(var)
        return var


def _numeric_sqrt(d: Decimal) -> Decimal:
    """The square root at the variance's scale (PostgreSQL's sqrt_var at the division's scale)."""
    scale = N.dscale(d)
    r = d.sqrt(context=decimal.Context(prec=max(d.adjusted() // 2 + 2, 1) + scale + 3))
    return N.round_numeric(r, scale)


def _string_agg(items: list[Any]) -> Any:
    parts = [(v, sep) for v, sep in items if v is not None]
    if not parts:
        return None
    out = [parts[0][0]]
    for v, sep in parts[1:]:
        out.append(sep or "")
        out.append(v)
    if isinstance(out[0], str):
        return join_text(out)
    return "".join(out)


def _array_shape(value: Any) -> tuple[int, ...]:
    dims = []
    while isinstance(value, list):
        dims.append(len(value))
        value = value[0] if value else None
    return tuple(dims)


def _stack_arrays(arrays: list[Any]) -> Any:
    """array_agg over arrays: one dimension more, so every input must be a non-empty array of
    the first one's shape (PostgreSQL's accumArrayResultArr)."""
    if not arrays:
        return None
    first: tuple[int, ...] | None = None
    for a in arrays:
        if a is None:
            raise SqlError("22004", "cannot accumulate null arrays")
        if not a:
            raise SqlError("2202E", "cannot accumulate empty arrays")
        shape = _array_shape(a)
        if first is None:
            first = shape
        elif shape != first:
            raise SqlError("2202E", "cannot accumulate arrays of different dimensionality")
    return check_array_depth(arrays)


def _percentile(cont: bool) -> Callable[[list[Any]], Any]:
    def final(items: list[Any]) -> Any:
        vals = [v for v, f in items if v is not None]
        if not vals:
            return None
        frac = items[0][1]
        if frac is None:
            return None
        if frac < 0 or frac > 1:
            raise SqlError("22003", f"percentile value {frac} is not between 0 and 1")
        if not cont:
            idx = max(0, math.ceil(frac * len(vals)) - 1)
            return vals[idx]
        pos = frac * (len(vals) - 1)
        lo = math.floor(pos)
        hi = math.ceil(pos)
        if isinstance(vals[lo], Interval):  # PostgreSQL's interval_lerp
            if lo == hi:
                return vals[lo]
            return interval_add(vals[lo], interval_mul(interval_sub(vals[hi], vals[lo]), pos - lo))
        a, b = float(vals[lo]), float(vals[hi])
        return a + (b - a) * (pos - lo)

    return final


def _mode(items: list[Any]) -> Any:
    best, count, cur, n = None, 0, None, 0
    for v in items:
        if v is None:
            continue
        if v == cur:
            n += 1
        else:
            cur, n = v, 1
        if n > count:
            best, count = cur, n
    return best


def resolve_aggregate(name: str, types: list[SqlType], star: bool) -> tuple[SqlType, Callable[[], Acc], list[SqlType]]:
    """(result type, accumulator factory, argument types to coerce to)."""
    if name == "count":
        if star:
            return T.INT8, CountStar, []
        if not types:
            raise SqlError("42809", "count(*) must be used to call a parameterless aggregate function")
        return T.INT8, Count, types[:1]
    if not types:
        raise SqlError("42883", f"function {name}() does not exist")
    t = types[0]
    if t.oid == T.UNKNOWN.oid and name not in ("string_agg",):
        t = T.TEXT
    oid = t.oid
    if name in ("range_agg", "range_intersect_agg"):
        return _range_aggregate(name, t, types)
    if name == "sum":
        if oid in (T.INT2.oid, T.INT4.oid):
            return T.INT8, lambda: Sum(N.CHECK_INT8), [t]
        if oid == T.INT8.oid:
            return T.NUMERIC, lambda: Sum(), [T.NUMERIC]
        if oid == T.NUMERIC.oid:
            return T.NUMERIC, Sum, [T.strip(t)]
        if oid in (T.FLOAT4.oid, T.FLOAT8.oid):
            return t, FloatSum, [t]
        if oid == T.INTERVAL.oid:
            return t, lambda: Sum(check_interval), [t]
        if oid == T.MONEY.oid:
            return t, Sum, [t]
        raise _agg_missing(name, types)
    if name == "avg":
        if oid in T.INTEGER_TYPES or oid == T.NUMERIC.oid:
            return T.NUMERIC, lambda: Avg("numeric"), [T.strip(t)]
        if oid in (T.FLOAT4.oid, T.FLOAT8.oid):
            return T.FLOAT8, lambda: Avg("float"), [T.FLOAT8]
        if oid == T.INTERVAL.oid:
            return T.INTERVAL, lambda: Avg("interval"), [t]
        raise _agg_missing(name, types)
    if name in ("min", "max"):
        if oid in (T.JSON.oid, T.JSONB.oid):
            raise _agg_missing(name, types)
        key = sort_key_fn(t)
        rt = T.strip(t)
        return rt, lambda: MinMax(key, name == "max"), [rt]
    if name in ("bool_and", "bool_or", "every"):
        if oid != T.BOOL.oid:
            raise _agg_missing(name, types)
        return T.BOOL, lambda: BoolAgg(name != "bool_or"), [T.BOOL]
    if name in ("bit_and", "bit_or", "bit_xor"):
        import operator

        if oid not in T.INTEGER_TYPES:
            raise _agg_missing(name, types)
        op = {"bit_and": operator.and_, "bit_or": operator.or_, "bit_xor": operator.xor}[name]
        return t, lambda: BitAgg(op), [t]
    if name == "array_agg":
        if t.elem is not None and T.strip(t.elem).oid not in (T.JSON.oid, T.JSONB.oid):
            # arrays of arrays: one dimension more
            return t, lambda: Collect(_stack_arrays), [t]
        if t.elem is not None:
            return t, lambda: Collect(lambda xs: xs or None), [t]
        return T.array_of(T.strip(t)), lambda: Collect(lambda xs: xs or None), [T.strip(t)]
    if name == "string_agg":
        if len(types) != 2:
            raise _agg_missing(name, types)
        if oid == T.BYTEA.oid:
            return T.BYTEA, lambda: Collect(lambda xs: _bytes_agg(xs)), [T.BYTEA, T.BYTEA]
        if not T.is_string(t) or not T.is_string(types[1]):
            raise _agg_missing(name, types)
        return T.TEXT, lambda: Collect(_string_agg), [T.TEXT, T.TEXT]
    if name in ("json_agg", "jsonb_agg"):
        rt = T.JSON if name == "json_agg" else T.JSONB
        conv = to_json_value(t)
        return rt, lambda: Collect(lambda xs: json_agg_result(xs, conv, rt)), [t]
    if name in ("json_object_agg", "jsonb_object_agg"):
        rt = T.JSON if name == "json_object_agg" else T.JSONB
        conv = to_json_value(types[1])
        return rt, lambda: Collect(lambda xs: json_object_agg_result(xs, conv, rt)), [T.TEXT, types[1]]
    if name in ("stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop"):
        if not T.is_numeric(t):
            raise _agg_missing(name, types)
        as_float = oid in (T.FLOAT4.oid, T.FLOAT8.oid)
        return (T.FLOAT8 if as_float else T.NUMERIC), lambda: Moments(name, as_float), [T.strip(t)]
    if name in ("percentile_cont", "percentile_disc"):
        return T.FLOAT8, lambda: Collect(_percentile(name == "percentile_cont")), [T.FLOAT8]
    if name == "mode":
        return T.strip(t), lambda: Collect(_mode), [T.strip(t)]
    raise _agg_missing(name, types)


def _bytes_agg(items: list[Any]) -> Any:
    parts = [(v, s) for v, s in items if v is not None]
    if not parts:
        return None
    out = parts[0][0]
    for v, s in parts[1:]:
        out += (s or b"") + v
    return out


def _agg_missing(name: str, types: list[SqlType]) -> SqlError:
    return SqlError(
        "42883",
        f"function {name}({', '.join(t.display() for t in types)}) does not exist",
        hint="No function matches the given name and argument types. You might need to add explicit type casts.",
    )


def _check_call_shape(name: str, args: list[exp.Expression], extra: dict[str, Any], ordered_set: bool) -> None:
    """The aggregate call shapes PostgreSQL's parse analysis refuses."""
    if name in ORDERED_SET and not ordered_set:
        if len(args) == (1 if name == "mode" else 2):  # PostgreSQL finds the aggregate by its argument count
            raise SqlError("42809", f"WITHIN GROUP is required for ordered-set aggregate {name}")
        raise SqlError("42883", f"function {name} with {len(args)} arguments does not exist")
    if not extra.get("distinct"):
        return
    if extra.get("star"):
        raise SqlError("42601", 'syntax error at or near "*"')
    # DISTINCT sorts by the arguments themselves: an ORDER BY key must be one of them
    arg_sql = {_bare(a).sql(dialect="postgres") for a in args}
    if any(_bare(o.this).sql(dialect="postgres") not in arg_sql for o in extra.get("order") or []):
        raise SqlError("42P10", "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list")


def _bare(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


class AggSpec:
    __slots__ = ("arg_keys", "args", "direct", "distinct", "factory", "filter", "inputs", "item_keys", "name",
                 "order", "ordered_set", "star", "type")

    def __init__(self) -> None:
        self.args: list[Callable[[Row], Any]] = []
        self.arg_keys: list[Any] = []  # sort key normalisers of the arguments (DISTINCT sorts by them)
        self.order: list[tuple[Callable[[Row], Any], bool, bool, Any]] = []
        self.filter: Callable[[Row], Any] | None = None
        self.direct: list[Callable[[Row], Any]] = []
        self.item_keys: list[tuple[Callable[[Row], Any], bool, bool, Any]] = []
        # a built-in aggregate's arguments before coercion, for batch execution (orbitdb/sql/batch)
        self.inputs: list[E] | None = None
        self.star = False

    @property
    def buffered(self) -> bool:
        """Inputs are kept, sorted and (DISTINCT) deduplicated before the aggregate sees them."""
        return bool(self.order) or self.distinct

    def make_item_keys(self) -> None:
        """Sort keys of a buffered input (its ORDER BY values, then its argument values): by ORDER
        BY, then for DISTINCT by the values, so that equal values are neighbours."""
        keys: list[tuple[Callable[[Row], Any], bool, bool, Any]] = [
            (_getter(i), desc, nulls_first, kf) for i, (_, desc, nulls_first, kf) in enumerate(self.order)]
        if self.distinct:
            n = len(self.order)
            keys += [(_getter(n + j), False, False, kf) for j, kf in enumerate(self.arg_keys)]
        self.item_keys = keys


class AggCollector:
    """Collects GROUP BY keys and aggregate calls of a grouped query. The rows it
    produces are [group key values..., passthrough columns..., aggregate results...]."""

    def __init__(self, input_compiler: Compiler, group_nodes: list[exp.Expression], group_exprs: list[E]) -> None:
        self.input = input_compiler
        self.group_sql = [g.sql(dialect="postgres") for g in group_nodes]
        self.group_exprs = group_exprs
        self.group_nodes = group_nodes  # (a batch aggregate computes expression keys on arrays)
        self.group_cols: dict[int, int] = {}  # input column index -> group slot
        for i, g in enumerate(group_nodes):
            if isinstance(g, exp.Column) and not isinstance(g.this, exp.Star):
                hit = input_compiler.scope.resolve(_col_name(g), _col_rel(g))
                if hit is not None and hit[0] == input_compiler.scope.level:
                    self.group_cols.setdefault(hit[1], i)
        self.passthrough: list[int] = []  # input columns carried through (functionally dependent)
        self.specs: list[AggSpec] = []
        self.dependent_rels = self._dependent_rels()
        self.frozen = False

    def _dependent_rels(self) -> set[str]:
        """Relations whose primary key is fully grouped: their other columns may be used."""
        rels: set[str] = set()
        scope = self.input.scope
        pk_of = getattr(scope, "pk_columns", {})
        for rel, pk in pk_of.items():
            idxs = [scope.find(c, rel) for c in pk]
            if pk and all(i is not None and i in self.group_cols for i in idxs):
                rels.add(rel)
        return rels

    @property
    def n_groups(self) -> int:
        return len(self.group_exprs)

    def match_group(self, c: Compiler, node: exp.Expression) -> E | None:
        if not self.group_sql or isinstance(node, (exp.Literal, exp.Column)):
            return None
        sql = node.sql(dialect="postgres")
        for i, g in enumerate(self.group_sql):
            if g == sql:
                t = self.group_exprs[i].type
                return E(_getter(i), t, name=self.group_exprs[i].name)
        return None

    def column_ref(self, c: Compiler, node: exp.Expression, idx: int, t: SqlType, name: str) -> E:
        slot = self.group_cols.get(idx)
        if slot is not None:
            return E(_getter(slot), t, name=name)
        col = c.scope.columns[idx]
        if col.rel in self.dependent_rels:
            if idx not in self.passthrough:
                if self.frozen:
                    raise SqlError("42803", "internal: late passthrough column")
                self.passthrough.append(idx)
            return E(_LatePos(self, pos_fn=lambda: self.n_groups + self.passthrough.index(idx)).get, t, name=name)
        rel = f"{col.rel}." if col.rel else ""
        raise SqlError(
            "42803",
            f'column "{rel}{col.name}" must appear in the GROUP BY clause or be used in an aggregate function',
        )

    def add(self, c: Compiler, name: str, args: list[exp.Expression], extra: dict[str, Any],
            filter_node: exp.Expression | None, node: exp.Expression, ordered_set: bool) -> E:
        inner = self.input.child()  # arguments see input rows, and may not nest aggregates
        inner.where = "aggregate function calls cannot be nested"
        inner.agg = None
        for a in args:
            for sub in a.find_all(exp.Func):
                if (type(sub).__name__.lower() in AGGREGATES or isinstance(sub, exp.AggFunc)) and not any(
                        isinstance(p, exp.Select) for p in _parents_until(sub, a)):  # a subquery's own is fine
                    raise SqlError("42803", "aggregate function calls cannot be nested")
        _check_call_shape(name, args, extra, ordered_set)
        spec = AggSpec()
        spec.name = name
        spec.distinct = bool(extra.get("distinct"))
        spec.ordered_set = ordered_set
        if ordered_set:
            for a in args:  # direct arguments are per group: only grouped columns in them
                for col in a.find_all(exp.Column):
                    if not any(isinstance(p, exp.Select) for p in _parents_until(col, a)):
                        c.compile(col)
            direct = [inner.compile(a) for a in args]
            if direct and direct[0].type.is_array:
                raise SqlError("0A000", f"{name} over an array of fractions is not supported by orbitdb")
            order_nodes = extra.get("order") or []
            values = [inner.compile(o.this) for o in order_nodes]
            rtype, factory, want = resolve_aggregate(name, [values[0].type] if values else [], False)
            if name in ("percentile_cont",):
                interval = values[0].type.oid == T.INTERVAL.oid
                if not interval and T.strip(values[0].type).oid not in (*T.INTEGER_TYPES, T.NUMERIC.oid,
                                                                        T.FLOAT4.oid, T.FLOAT8.oid):
                    raise SqlError("42883", f"function {name}(double precision, {values[0].type.display()}) "
                                            "does not exist")
                vals = values if interval else [coerce(values[0], T.FLOAT8)]
                rtype = T.INTERVAL if interval else T.FLOAT8
            else:
                vals = values
                rtype = T.strip(values[0].type) if name in ("percentile_disc", "mode") else rtype
            spec.args = [vals[0].fn, coerce(direct[0], T.FLOAT8).fn] if direct else [vals[0].fn]
            spec.order = [_order_key(inner, o) for o in order_nodes]
            spec.factory = factory
            spec.type = rtype
        else:
            compiled = [inner.compile(a) for a in args]
            mine = session_aggregate(c, name, len(args))
            if mine is not None:  # the application's own (con.create_aggregate)
                rtype, factory, want = resolve_session_aggregate(mine, [e.type for e in compiled])
            else:
                rtype, factory, want = resolve_aggregate(name, [e.type for e in compiled], bool(extra.get("star")))
                spec.inputs, spec.star = compiled, bool(extra.get("star"))
            spec.args = [coerce(e, t).fn for e, t in zip(compiled, want)] if want else []
            spec.arg_keys = [sort_key_fn(t) for t in want] if want else []
            spec.order = [_order_key(inner, o) for o in (extra.get("order") or [])]
            spec.factory = factory
            spec.type = rtype
        if filter_node is not None:
            spec.filter = inner.compile_bool(filter_node, "FILTER").fn
        spec.make_item_keys()
        self.specs.append(spec)
        i = len(self.specs) - 1
        return E(_LatePos(self, pos_fn=lambda: self.n_groups + len(self.passthrough) + i).get, spec.type, name=name)

    def freeze(self) -> None:
        self.frozen = True

    def run(self, rows: Iterator[Row], ctx: ExecContext, grouped: bool) -> Iterator[Row]:
        """Output rows of the groups (in the order their first rows came while the groups fit in
        hash_mem; groups that did not fit follow, from their partitions on disk)."""
        return _HashAgg(self, ctx).run(rows, not grouped, 0)


class _HashAgg:
    """One run of a grouped query's aggregation, in bounded memory. Groups are made as their keys
    come; past hash_mem no new group is made in memory and the rows of new keys go to partitions
    (Grace hashing), each aggregated afterwards on its own. Inputs kept for DISTINCT and ORDER BY
    aggregates go to sorted runs on disk when they outgrow hash_mem."""

    def __init__(self, collector: AggCollector, ctx: ExecContext) -> None:
        self.c = collector
        self.ctx = ctx
        self.spill = statement_spill(ctx)
        self.limit = self.spill.hash_mem
        self.keyfns = [g.fn for g in collector.group_exprs]
        self.normalizers = [equality_key(g.type) for g in collector.group_exprs]
        self.buffered = any(s.buffered for s in collector.specs)
        # every aggregate a plain state (no FILTER, nothing kept): a group holds the states
        # themselves, without a _State around each; fewer objects per group for the cyclic
        # garbage collector to walk, which took most of a big GROUP BY's time
        self.plain = not any(s.filter is not None or s.buffered or isinstance(s.factory(), Collect)
                             for s in collector.specs)
        self.runs_file: SpillFile | None = None  # sorted runs of buffered inputs, shared by the groups

    def _key(self, row: Row) -> tuple[Row, Any]:
        return self._hash_key(tuple([f(row) for f in self.keyfns]))

    def _hash_key(self, kv: Row) -> tuple[Row, Any]:
        hk = tuple([_hashable(nf(v) if nf is not None and v is not None else v)
                    for nf, v in zip(self.normalizers, kv)])
        return kv, hk

    def run(self, rows: Iterable[Row], empty_group: bool, depth: int) -> Iterator[Row]:
        c = self.c
        specs = c.specs
        passthrough = c.passthrough
        check = self.ctx.check
        keyed = bool(self.keyfns)
        groups: dict[Any, tuple[Row, list[Any], list[_State]]] = {}
        # the table stops growing early enough that the partitions' buffers fit beside it
        meter = Meter(self.limit - buffer_reserve(self.limit) if keyed else self.limit,
                      GROUP_BYTES + STATE_BYTES * len(specs))
        items = Meter(self.limit, ITEM_BYTES)
        items_over = False
        parts: Partitions | None = None
        plain = self.plain
        argfns = [s.args for s in specs]
        try:
            with fewer_collections():  # the groups' states would be walked again and again
                nk = len(self.keyfns)
                for n, row in enumerate(rows, 1):
                    if not n & 1023:
                        check()
                    if depth:  # a partition's row: its key values, then the row
                        kv, hk = self._hash_key(row[:nk])
                        row = row[nk:]
                    else:
                        kv, hk = self._key(row) if keyed else ((), ())
                    g = groups.get(hk)
                    if g is None:
                        if parts is not None:
                            parts.add(hk, kv + row)  # the key goes along: not computed again
                            continue
                        g = (kv, tuple([row[i] for i in passthrough]), self._states(items))
                        groups[hk] = g
                        if meter.add(kv) and keyed:
                            parts = self._partitions(depth)
                    if plain:
                        for acc, fns in zip(g[2], argfns):
                            acc.add(*[f(row) for f in fns])
                        continue
                    for st in g[2]:
                        st.feed(row)
                    if not items_over and items.over():
                        if self.buffered:
                            self._write_buffers(groups)
                            items.reset()
                        else:
                            # collected values cannot go to disk: no more groups in memory
                            items_over = True
                            if keyed and parts is None:
                                parts = self._partitions(depth)
            if not groups and empty_group:
                groups[()] = ((), (None,) * len(passthrough), self._states(items))
            for kv, pt, states in groups.values():
                if plain:
                    yield kv + pt + tuple([acc.result() for acc in states])
                else:
                    yield kv + pt + tuple([st.finish(self) for st in states])
            groups = {}
            if parts is not None:
                for run in parts.each():
                    yield from self.run(run, False, depth + 1)
        finally:
            if parts is not None:
                parts.close()
            if depth == 0 and self.runs_file is not None:
                self.runs_file.close()
                self.runs_file = None

    def _states(self, items: Meter) -> list[Any]:
        if self.plain:
            return [s.factory() for s in self.c.specs]
        return [_State(s, items) for s in self.c.specs]

    def _partitions(self, depth: int) -> Partitions:
        if depth >= MAX_DEPTH:
            raise out_of_memory("the hash table of GROUP BY", self.limit, self.spill.describe_hash_mem())
        return Partitions(self.spill, self.limit, depth)

    def _write_buffers(self, groups: dict[Any, tuple[Row, list[Any], list[_State]]]) -> None:
        """Every group's kept inputs to sorted runs: the memory they held is needed."""
        if self.runs_file is None:
            self.runs_file = self.spill.create()
        for _, _, states in groups.values():
            for st in states:
                if st.buffer:
                    st.write_buffer(self)


class _State:
    __slots__ = ("acc", "buffer", "grows", "items", "sorter", "spec")

    def __init__(self, spec: AggSpec, items: Meter) -> None:
        self.spec = spec
        self.acc = spec.factory()
        self.buffer: list[Row] | None = [] if spec.buffered else None
        self.sorter: ExternalSort | None = None
        self.items = items
        self.grows = self.buffer is not None or isinstance(self.acc, Collect)

    def feed(self, row: Row) -> None:
        spec = self.spec
        if spec.filter is not None and spec.filter(row) is not True:
            return
        vals = tuple([f(row) for f in spec.args])
        if self.buffer is not None:
            item = tuple([k(row) for k, _, _, _ in spec.order]) + vals if spec.order else vals
            self.buffer.append(item)
            self.items.add(item)
            return
        self.acc.add(*vals)
        if self.grows:
            self.items.add(vals)

    def write_buffer(self, agg: _HashAgg) -> None:
        if self.sorter is None:
            self.sorter = ExternalSort(agg.spill, self.spec.item_keys, agg.limit, agg.ctx.check, agg.runs_file)
        assert self.buffer is not None
        self.sorter.load(self.buffer)
        self.buffer = []
        self.sorter.write_run()

    def finish(self, agg: _HashAgg) -> Any:
        buffer = self.buffer
        if buffer is None:
            return self.acc.result()
        spec = self.spec
        items: Iterable[Row]
        if self.sorter is not None:
            self.sorter.load(buffer)
            items = self.sorter.sorted()
        elif spec.item_keys:
            items = sort_in_memory(buffer, spec.item_keys)
        else:
            items = buffer
        self.buffer = []
        skip = len(spec.order)
        add = self.acc.add
        if not spec.distinct:
            for item in items:
                add(*item[skip:])
            return self.acc.result()
        norms = spec.arg_keys
        prev: Any = _NOTHING
        for item in items:
            vals = item[skip:]
            k = tuple([_hashable(kf(v) if kf is not None and v is not None else v) for kf, v in zip(norms, vals)])
            if k == prev:
                continue
            prev = k
            add(*vals)
        return self.acc.result()


_NOTHING = object()


def _parents_until(node: exp.Expression, top: exp.Expression) -> list[exp.Expression]:
    out: list[exp.Expression] = []
    if node is top:
        return out
    p = node.parent
    while p is not None and p is not top:
        out.append(p)
        p = p.parent
    return out


def _hashable(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    return v


def _order_key(c: Compiler, o: exp.Expression) -> tuple[Callable[[Row], Any], bool, bool, Any]:
    node = o.this if isinstance(o, exp.Ordered) else o
    e = c.compile(node)
    if e.type.oid == T.UNKNOWN.oid:
        e = coerce(e, T.TEXT)
    desc = bool(o.args.get("desc")) if isinstance(o, exp.Ordered) else False
    nf = o.args.get("nulls_first") if isinstance(o, exp.Ordered) else None
    nulls_first = bool(nf) if nf is not None else desc
    return e.fn, desc, nulls_first, ordering_key(e.type)


class _LatePos:
    """Reads a slot whose position is known only after every aggregate is collected."""

    __slots__ = ("collector", "pos", "pos_fn")

    def __init__(self, collector: AggCollector, pos_fn: Callable[[], int]) -> None:
        self.collector = collector
        self.pos_fn = pos_fn
        self.pos = -1

    def get(self, row: Row) -> Any:
        p = self.pos
        if p < 0:
            p = self.pos = self.pos_fn()
        return row[p]


def _getter(i: int) -> Callable[[Row], Any]:
    return lambda row: row[i]


def _col_name(g: exp.Column) -> str:
    return ident(g.this)


def _col_rel(g: exp.Column) -> str | None:
    return ident(g.args["table"]) if g.table else None

