"""Window functions: ranking, offsets and aggregates over partitions and
frames, computed after grouping and appended to each row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cmp_to_key
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.aggregates import resolve_aggregate
from orbitdb.sql.expr.core import E, coerce, ident
from orbitdb.sql.expr.funccall import AGGREGATES, WINDOW_ONLY, normalize
from orbitdb.sql.expr.funcregistry import FUNCTIONS
from orbitdb.sql.expr.routine_call import candidates, no_user_function
from orbitdb.sql.expr.window_range import range_offset
from orbitdb.sql.interrupts import checked_cmp
from orbitdb.sql.spill import ExternalSort, TupleStore, statement_spill
from orbitdb.sql.types.casts import ASSIGNMENT
from orbitdb.sql.types.sortkeys import equality_key, ordering_key

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.expr.compiler import Compiler
    from orbitdb.sql.spill import StatementSpill

Row = tuple[Any, ...]
Fn = Callable[[Row], Any]


class WindowSpec:
    __slots__ = (
        "agg_args",
        "args",
        "distinct",
        "factory",
        "filter",
        "frame",
        "func",
        "order",
        "partition",
        "type",
    )

    def __init__(self) -> None:
        self.args: list[Fn] = []
        self.partition: list[tuple[Fn, Any]] = []
        self.order: list[tuple[Fn, bool, bool, Any]] = []
        self.frame: tuple[str, Any, Any, Any, Any, str] | None = None
        self.filter: Fn | None = None


def check_window_clause(defs: Sequence[exp.Window]) -> dict[str, exp.Window]:
    """The query's WINDOW clause by name, checked as PostgreSQL checks it even where no call uses
    it: a name defined once, a window built only on one defined before it, without overriding its
    PARTITION BY or ORDER BY and not on one with a frame clause."""
    named: dict[str, exp.Window] = {}
    for w in defs:
        name = ident(w.this)
        if name in named:
            raise SqlError("42P20", f'window "{name}" is already defined')
        ref = w.args.get("alias")
        if ref is not None:
            rname = ident(ref)
            base = named.get(rname)
            if base is None:
                raise SqlError("42704", f'window "{rname}" does not exist')
            if w.args.get("partition_by"):
                raise SqlError("42P20", f'cannot override PARTITION BY clause of window "{rname}"')
            if w.args.get("order") is not None and base.args.get("order") is not None:
                raise SqlError("42P20", f'cannot override ORDER BY clause of window "{rname}"')
            if base.args.get("spec") is not None:
                raise SqlError("42P20", f'cannot copy window "{rname}" because it has a frame clause')
        named[name] = w
    return named


class WindowCollector:
    def __init__(self, base_width: Callable[[], int], named: dict[str, exp.Expression]) -> None:
        self.base_width = base_width
        self.specs: list[WindowSpec] = []
        self.named = named

    def add(self, c: Compiler, node: exp.Window) -> E:
        inner = c.child(agg=c.agg, win=None)
        inner.where = "window function calls cannot be nested"
        spec = WindowSpec()
        fnode = node.this
        filter_node = None
        if isinstance(fnode, exp.Filter):
            filter_node = fnode.expression.this
            fnode = fnode.this
        if isinstance(fnode, exp.WithinGroup):
            raise SqlError("0A000", f"OVER is not supported for ordered-set aggregate {normalize(fnode.this)[0]}")
        name, args, extra = normalize(fnode)
        window_name = node.args.get("alias")
        partition_nodes = list(node.args.get("partition_by") or [])
        order_node = node.args.get("order")
        spec_node = node.args.get("spec")
        seen: set[str] = set()
        copies = partition_nodes or order_node is not None or spec_node is not None
        while window_name is not None:  # a window built on a named one, which may build on another
            wname = ident(window_name)
            base = self.named.get(wname)
            if base is None or wname in seen:
                raise SqlError("42704", f'window "{wname}" does not exist')
            if copies and base.args.get("spec") is not None:
                raise SqlError("42P20", f'cannot copy window "{wname}" because it has a frame clause')
            copies = True
            seen.add(wname)
            if partition_nodes and base.args.get("partition_by"):
                raise SqlError("42P20", f'cannot override PARTITION BY clause of window "{wname}"')
            if order_node is not None and base.args.get("order") is not None:
                raise SqlError("42P20", f'cannot override ORDER BY clause of window "{wname}"')
            partition_nodes = partition_nodes or list(base.args.get("partition_by") or [])
            order_node = order_node or base.args.get("order")
            spec_node = spec_node or base.args.get("spec")
            window_name = base.args.get("alias")
        spec.func = name
        spec.partition = []
        keys = partition_nodes + ([o.this for o in order_node.expressions] if order_node is not None else [])
        if any(c.planner._is_srf(k) or c.planner._holds_srf(k) for k in keys):
            # PostgreSQL expands the set there, as in a query's ORDER BY
            raise SqlError("0A000", "set-returning functions in window PARTITION BY and ORDER BY are not "
                                    "supported by orbitdb")
        for p in partition_nodes:
            e = inner.compile(p)
            spec.partition.append((e.fn, equality_key(e.type)))
        order_types: list[T.SqlType] = []
        if order_node is not None:
            for o in order_node.expressions:
                e = inner.compile(o.this)
                order_types.append(e.type)
                if e.type.oid == T.UNKNOWN.oid:
                    e = coerce(e, T.TEXT)
                desc = bool(o.args.get("desc"))
                nf = o.args.get("nulls_first")
                spec.order.append((e.fn, desc, bool(nf) if nf is not None else desc, ordering_key(e.type)))
        spec.frame = _frame(spec_node, inner, order_types) if spec_node is not None else None
        if filter_node is not None:
            spec.filter = inner.compile_bool(filter_node, "FILTER").fn
        if name in AGGREGATES:
            if extra.get("order"):
                raise SqlError("0A000", "aggregate ORDER BY is not implemented for window functions")
            compiled = [inner.compile(a) for a in args]
            rtype, factory, want = resolve_aggregate(name, [e.type for e in compiled], bool(extra.get("star")))
            spec.agg_args = [coerce(e, t).fn for e, t in zip(compiled, want)] if want else []
            spec.factory = factory
            spec.type = rtype
            spec.distinct = bool(extra.get("distinct"))
            if spec.distinct:
                raise SqlError("0A000", "DISTINCT is not implemented for window functions")
        elif name in WINDOW_ONLY:
            if filter_node is not None:
                raise SqlError("0A000", "FILTER is not implemented for non-aggregate window functions")
            compiled = [inner.compile(a) for a in args]
            _check_arity(name, compiled)
            spec.args = [e.fn for e in compiled]
            spec.type = _window_type(name, compiled)
            if name in ("lag", "lead") and len(compiled) == 3:
                spec.args[2] = coerce(compiled[2], spec.type).fn
            if name in ("lag", "lead", "nth_value", "ntile") and len(compiled) >= 2 and name != "ntile":
                spec.args[1] = coerce(compiled[1], T.INT4).fn
            if name == "ntile":
                spec.args[0] = coerce(compiled[0], T.INT4).fn
        elif name not in FUNCTIONS and (c.planner is None or not candidates(c.planner.session, c.planner.catalog,
                                                                           None, name)):
            raise no_user_function(c, name, args)
        else:
            raise SqlError("42809", f"OVER specified, but {name} is not a window function nor an aggregate function")
        self.specs.append(spec)
        i = len(self.specs) - 1
        pos = _Pos(lambda: self.base_width() + i)
        return E(pos.get, spec.type, name=name)

    def run(self, rows: Iterable[Row], ctx: ExecContext) -> Iterator[Row]:
        """The rows, in their order, each with its window function values appended. While the
        rows fit in work_mem they are computed in memory; beyond, through the disk (_run_on_disk)."""
        spill = statement_spill(ctx)
        store = TupleStore(spill, spill.work_mem)
        try:
            for r in rows:
                store.append(r)
            ctx.check()
            if not self.specs:
                yield from store
                return
            if not store.spilled:
                held = list(store)
                store.close()
                columns = [_compute(spec, held, ctx.check) for spec in self.specs]
                for i, row in enumerate(held):
                    yield row + tuple([col[i] for col in columns])
                return
            yield from _run_on_disk(self.specs, store, spill, ctx)
        finally:
            store.close()


class _Pos:
    __slots__ = ("fn", "pos")

    def __init__(self, fn: Callable[[], int]) -> None:
        self.fn = fn
        self.pos = -1

    def get(self, row: Row) -> Any:
        if self.pos < 0:
            self.pos = self.fn()
        return row[self.pos]


# how many arguments each window function takes (PostgreSQL's pg_proc entries)
_ARITY = {"row_number": (0, 0), "rank": (0, 0), "dense_rank": (0, 0), "percent_rank": (0, 0),
          "cume_dist": (0, 0), "ntile": (1, 1), "lag": (1, 3), "lead": (1, 3), "first_value": (1, 1),
          "last_value": (1, 1), "nth_value": (2, 2)}
# with arguments these names are PostgreSQL's hypothetical-set aggregates, which need WITHIN GROUP
_HYPOTHETICAL = {"rank", "dense_rank", "percent_rank", "cume_dist"}


def _check_arity(name: str, args: list[E]) -> None:
    low, high = _ARITY[name]
    if low <= len(args) <= high:
        return
    if name in _HYPOTHETICAL:
        raise SqlError("42809", f"WITHIN GROUP is required for ordered-set aggregate {name}")
    types = ", ".join(a.type.display() for a in args)
    raise SqlError("42883", f"function {name}({types}) does not exist",
                   hint="No function matches the given name and argument types. You might need to add "
                        "explicit type casts.")


def _window_type(name: str, args: list[E]) -> T.SqlType:
    if name in ("row_number", "rank", "dense_rank"):
        return T.INT8
    if name in ("percent_rank", "cume_dist"):
        return T.FLOAT8
    if name == "ntile":
        return T.INT4
    if not args:
        raise SqlError("42883", f"function {name}() does not exist")
    t = args[0].type
    return T.TEXT if t.oid == T.UNKNOWN.oid else t.with_typmod(-1)  # a function's result: no typmod


def _bound(node: Any, c: Compiler, kind: str, order_types: list[T.SqlType], is_start: bool) -> Any:
    if node is None:
        return None
    if isinstance(node, str):
        return node.upper()
    if kind == "RANGE":
        if len(order_types) != 1:
            raise SqlError("42P20", "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column")
        return range_offset(node, c, order_types[0], is_start)
    e = coerce(c.compile(node), T.INT8, ASSIGNMENT)  # as PostgreSQL: ROWS 1.5 is 2, ROWS 'x' is 22P02
    if not e.const:
        raise SqlError("0A000", "frame offsets must be constants")
    which = "starting" if is_start else "ending"
    if e.value is None:
        raise SqlError("22004", f"frame {which} offset must not be null")
    if isinstance(e.value, (int, float)) and e.value < 0:
        raise SqlError("22013", f"frame {which} offset must not be negative")
    return e.value


def _bound_kind(bound: Any, side: str) -> str:
    if isinstance(bound, str) and bound.upper() == "CURRENT ROW":
        return "CURRENT ROW"
    return ("UNBOUNDED " if isinstance(bound, str) else "OFFSET ") + side


def _check_frame_bounds(start: Any, start_side: str, end: Any, end_side: str) -> None:
    """The frame shapes PostgreSQL's grammar refuses (42P20), with its messages."""
    first = _bound_kind(start, start_side)
    if first == "UNBOUNDED FOLLOWING":
        raise SqlError("42P20", "frame start cannot be UNBOUNDED FOLLOWING")
    if end is None:  # ROWS <start>: the frame ends at the current row
        if first == "OFFSET FOLLOWING":
            raise SqlError("42P20", "frame starting from following row cannot end with current row")
        return
    last = _bound_kind(end, end_side)
    if last == "UNBOUNDED PRECEDING":
        raise SqlError("42P20", "frame end cannot be UNBOUNDED PRECEDING")
    if first == "CURRENT ROW" and last == "OFFSET PRECEDING":
        raise SqlError("42P20", "frame starting from current row cannot have preceding rows")
    if first == "OFFSET FOLLOWING" and last in ("OFFSET PRECEDING", "CURRENT ROW"):
        raise SqlError("42P20", "frame starting from following row cannot have preceding rows")


def _frame(spec: exp.Expression, c: Compiler, order_types: list[T.SqlType]) -> tuple[str, Any, Any, Any, Any, str]:
    kind = (spec.args.get("kind") or "RANGE").upper()
    if kind == "GROUPS" and not order_types:
        raise SqlError("42P20", "GROUPS mode requires an ORDER BY clause")
    start = spec.args.get("start")
    start_side = (spec.args.get("start_side") or "").upper()
    end = spec.args.get("end")
    end_side = (spec.args.get("end_side") or "").upper()
    _check_frame_bounds(start, start_side, end, end_side)
    if end is None:
        end, end_side = "CURRENT ROW", ""
    ex = spec.args.get("exclude")
    exclude = (ex.name if isinstance(ex, exp.Expression) else str(ex or "")).upper()
    return (kind, _bound(start, c, kind, order_types, True), start_side, _bound(end, c, kind, order_types, False),
            end_side, exclude)


def _cmp_keys(order: list[tuple[Fn, bool, bool, Any]]) -> Callable[[Any, Any], int]:
    def cmp(a: Any, b: Any) -> int:
        for i, (_, desc, nulls_first, key) in enumerate(order):
            x, y = a[i], b[i]
            if x is None or y is None:
                if x is None and y is None:
                    continue
                return (-1 if x is None else 1) * (1 if nulls_first else -1)
            if key is not None:
                x, y = key(x), key(y)
            if x == y:
                continue
            r = -1 if x < y else 1
            return -r if desc else r
        return 0

    return cmp


def _compute(spec: WindowSpec, rows: list[Row], check: Callable[[], None]) -> list[Any]:
    out: list[Any] = [None] * len(rows)
    parts: dict[Any, list[int]] = {}
    for i, row in enumerate(rows):
        if i & 4095 == 4095:
            check()
        key = tuple((k(f(row)) if k is not None and f(row) is not None else f(row)) for f, k in spec.partition)
        parts.setdefault(key, []).append(i)
    cmp = _cmp_keys(spec.order)
    for idxs in parts.values():
        check()
        keyed = [(tuple(f(rows[i]) for f, _, _, _ in spec.order), i) for i in idxs]
        if spec.order:
            keyed.sort(key=cmp_to_key(checked_cmp(lambda a, b: cmp(a[0], b[0]), check)))
        # peer groups: rows equal in the ORDER BY keys
        peers: list[int] = []
        g = 0
        for j in range(len(keyed)):
            if j > 0 and cmp(keyed[j][0], keyed[j - 1][0]) != 0:
                g += 1
            peers.append(g)
        order_rows = [rows[i] for _, i in keyed]
        values = _partition_values(spec, order_rows, peers, [k for k, _ in keyed], check)
        for (_, i), v in zip(keyed, values):
            out[i] = v
    return out


def _partition_values(spec: WindowSpec, prow: Sequence[Row], peers: list[int], keys: list[Any],
                      check: Callable[[], None]) -> list[Any]:
    n = len(prow)
    name = spec.func
    if name == "row_number":
        return list(range(1, n + 1))
    if name in ("rank", "dense_rank", "percent_rank", "cume_dist"):
        res: list[Any] = []
        rank = 1
        for j in range(n):
            if j > 0 and peers[j] != peers[j - 1]:
                rank = j + 1
            if name == "rank":
                res.append(rank)
            elif name == "dense_rank":
                res.append(peers[j] + 1)
            elif name == "percent_rank":
                res.append((rank - 1) / (n - 1) if n > 1 else 0.0)
            else:
                last = j
                while last + 1 < n and peers[last + 1] == peers[j]:
                    last += 1
                res.append((last + 1) / n)
        return res
    if name == "ntile":
        buckets = spec.args[0](prow[0]) if prow else 1
        if buckets is None or buckets <= 0:
            raise SqlError("22014", "argument of ntile must be greater than zero")
        res = []
        base, extra = divmod(n, buckets)
        b, count, size = 1, 0, base + (1 if extra >= 1 else 0)
        for _ in range(n):
            if count >= size:
                b += 1
                count = 0
                size = base + (1 if extra >= b else 0)
            res.append(b)
            count += 1
        return res
    if name in ("lag", "lead"):
        res = []
        for j, row in enumerate(prow):
            off = spec.args[1](row) if len(spec.args) > 1 else 1
            if off is None:
                res.append(None)
                continue
            k = j - off if name == "lag" else j + off
            if 0 <= k < n:
                res.append(spec.args[0](prow[k]))
            else:
                res.append(spec.args[2](row) if len(spec.args) > 2 else None)
        return res
    frames = _frames(spec, prow, peers, keys)
    excluded = _exclusions(spec, peers)  # per row: [a, b) taken out of its frame, and a row kept back
    if name in ("first_value", "last_value", "nth_value"):
        res = []
        for j, (lo, hi) in enumerate(frames):
            members: Sequence[int] = range(lo, hi) if excluded is None else _members(lo, hi, excluded[j])
            if not members:
                res.append(None)
            elif name == "first_value":
                res.append(spec.args[0](prow[members[0]]))
            elif name == "last_value":
                res.append(spec.args[0](prow[members[-1]]))
            else:
                nth = spec.args[1](prow[j])
                if nth is not None and nth <= 0:
                    raise SqlError("22016", "argument of nth_value must be greater than zero")
                res.append(spec.args[0](prow[members[nth - 1]]) if nth is not None and nth <= len(members) else None)
        return res
    # aggregates over frames
    res = []
    cache: dict[tuple[int, ...], Any] = {}
    for j, (lo, hi) in enumerate(frames):
        key = (lo, hi) if excluded is None else (lo, hi, *excluded[j])
        if key not in cache:
            check()
            acc = spec.factory()
            for k in (range(lo, hi) if excluded is None else _members(lo, hi, excluded[j])):
                r = prow[k]
                if spec.filter is not None and spec.filter(r) is not True:
                    continue
                acc.add(*[f(r) for f in spec.agg_args])
            cache[key] = acc.result()
        res.append(cache[key])
    return res


def _exclusions(spec: WindowSpec, peers: list[int]) -> list[tuple[int, int, int]] | None:
    """The frame exclusion of each row of a partition: (a, b, kept), rows a..b-1 left out of its
    frame but row kept (-1: none); None without EXCLUDE (or EXCLUDE NO OTHERS)."""
    exclude = spec.frame[5] if spec.frame is not None else ""
    if exclude in ("", "NO OTHERS"):
        return None
    n = len(peers)
    if exclude == "CURRENT ROW":
        return [(j, j + 1, -1) for j in range(n)]
    if exclude not in ("GROUP", "TIES"):
        raise SqlError("42601", f'syntax error at or near "{exclude.split()[0]}"')
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    for j, g in enumerate(peers):
        starts.setdefault(g, j)
        ends[g] = j + 1
    return [(starts[g], ends[g], j if exclude == "TIES" else -1) for j, g in enumerate(peers)]


def _members(lo: int, hi: int, exclusion: tuple[int, int, int]) -> list[int]:
    a, b, kept = exclusion
    return [k for k in range(lo, hi) if not a <= k < b or k == kept]


def _run_on_disk(specs: list[WindowSpec], store: TupleStore, spill: StatementSpill,
                 ctx: ExecContext) -> Iterator[Row]:
    """Window values of rows that do not fit in work_mem: for each window, the rows sorted (on disk)
    by partition, ORDER BY and row number, one partition at a time in a tuple store, the values
    written out as (row number, value) and sorted back into row order; then the rows, read
    again, are joined with each window's values in step."""
    results: list[Iterator[Row]] = []
    sorters: list[ExternalSort] = []
    try:
        for spec in specs:
            ordered = _sorted_by_window(spec, store, spill, ctx)
            sorters.append(ordered)
            back = ExternalSort(spill, [(_first, False, False, None)], spill.work_mem, ctx.check)
            sorters.append(back)
            for part in _partitions(spec, ordered.sorted(), spill):
                try:
                    idxs, prow, peers, keys = part
                    for i, v in zip(idxs, _partition_values(spec, prow, peers, keys, ctx.check)):
                        back.add((i, v))
                finally:
                    part[1].close()
            results.append(back.sorted())
        for row in store:
            yield row + tuple([next(values)[1] for values in results])
    finally:
        for sorter in sorters:
            sorter.close()


def _first(item: Row) -> Any:
    return item[0]


def _sorted_by_window(spec: WindowSpec, store: TupleStore, spill: StatementSpill, ctx: ExecContext) -> ExternalSort:
    """(partition key..., ORDER BY values..., row number, row...) items, to be sorted so that a
    partition's rows are neighbours in window order (ties in input order, as the sort in memory)."""
    np_, no = len(spec.partition), len(spec.order)
    keys: list[Any] = [(_item(i), False, False, kf) for i, (_, kf) in enumerate(spec.partition)]
    keys += [(_item(np_ + i), desc, nulls_first, kf) for i, (_, desc, nulls_first, kf) in enumerate(spec.order)]
    keys.append((_item(np_ + no), False, False, None))
    sorter = ExternalSort(spill, keys, spill.work_mem, ctx.check)
    pfns = [f for f, _ in spec.partition]
    ofns = [f for f, _, _, _ in spec.order]
    for i, row in enumerate(store):
        sorter.add(tuple([f(row) for f in pfns]) + tuple([f(row) for f in ofns]) + (i,) + row)
    return sorter


def _item(i: int) -> Callable[[Row], Any]:
    return lambda item: item[i]


def _partitions(spec: WindowSpec, items: Iterator[Row],
                spill: StatementSpill) -> Iterator[tuple[list[int], TupleStore, list[int], list[Any]]]:
    """Each partition of sorted items: (row numbers, rows, peer group numbers, ORDER BY values)."""
    np_, no = len(spec.partition), len(spec.order)
    norms = [kf for _, kf in spec.partition]
    cmp = _cmp_keys(spec.order)
    current: Any = None
    idxs: list[int] = []
    prow = TupleStore(spill, spill.work_mem)
    peers: list[int] = []
    keys: list[Any] = []
    for item in items:
        pkey = tuple([kf(v) if kf is not None and v is not None else v for kf, v in zip(norms, item[:np_])])
        okey = item[np_:np_ + no]
        if idxs and pkey != current:
            yield idxs, prow, peers, keys
            idxs, prow, peers, keys = [], TupleStore(spill, spill.work_mem), [], []
        if not idxs:
            current = pkey
            peers.append(0)
        else:
            peers.append(peers[-1] + (1 if cmp(okey, keys[-1]) != 0 else 0))
        idxs.append(item[np_ + no])
        keys.append(okey)
        prow.append(item[np_ + no + 1:])
    if idxs:
        yield idxs, prow, peers, keys
    else:
        prow.close()


def _frames(spec: WindowSpec, prow: Sequence[Row], peers: list[int], keys: list[Any]) -> list[tuple[int, int]]:
    n = len(prow)
    frame = spec.frame
    if frame is None:
        if not spec.order:
            return [(0, n)] * n
        # RANGE UNBOUNDED PRECEDING .. CURRENT ROW: up to the last peer
        ends: list[tuple[int, int]] = []
        last = n
        for j in range(n - 1, -1, -1):
            if j + 1 < n and peers[j + 1] != peers[j]:
                last = j + 1
            ends.append((0, last))
        ends.reverse()
        return ends
    kind, start, start_side, end, end_side, _ = frame
    out = []
    for j in range(n):
        lo = _frame_edge(kind, start, start_side, j, n, peers, keys, spec, True)
        hi = _frame_edge(kind, end, end_side, j, n, peers, keys, spec, False)
        out.append((max(lo, 0), min(hi, n)))
    return out


def _frame_edge(kind: str, bound: Any, side: str, j: int, n: int, peers: list[int], keys: list[Any],
                spec: WindowSpec, is_start: bool) -> int:
    if bound == "UNBOUNDED":
        return 0 if side == "PRECEDING" else n
    if bound == "CURRENT ROW":
        if kind == "ROWS":
            return j if is_start else j + 1
        k = j
        if is_start:
            while k > 0 and peers[k - 1] == peers[j]:
                k -= 1
            return k
        while k + 1 < n and peers[k + 1] == peers[j]:
            k += 1
        return k + 1
    off = bound
    if kind == "ROWS":
        pos = j - off if side == "PRECEDING" else j + off
        return pos if is_start else pos + 1
    if kind == "GROUPS":
        g = peers[j] - off if side == "PRECEDING" else peers[j] + off
        if is_start:
            k = 0
            while k < n and peers[k] < g:
                k += 1
            return k
        k = n
        while k > 0 and peers[k - 1] > g:
            k -= 1
        return k
    # RANGE with an offset: compare the ORDER BY key with the bound PostgreSQL's in_range reaches
    cur = keys[j][0]
    if cur is None:
        return j
    desc = spec.order[0][1]
    target = off.target(cur, (side == "PRECEDING") != desc)
    key = off.key
    if is_start:
        k = 0
        while k < n and keys[k][0] is not None and ((key(keys[k][0]) < target) if not desc
                                                    else (key(keys[k][0]) > target)):
            k += 1
        return k
    k = n
    while k > 0 and (keys[k - 1][0] is None or ((key(keys[k - 1][0]) > target) if not desc
                                                 else (key(keys[k - 1][0]) < target))):
        k -= 1
    return k
