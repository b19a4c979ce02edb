"""Subqueries in expressions (PostgreSQL's sublinks), planned so that they are not re-run per row.

A subquery is planned once with the enclosing scope as parent; the planner's log of outer column
references (``Planner.outer_refs``) tells exactly which outer values it reads. Then:

- uncorrelated (reads none): run once per execution, on first use (PostgreSQL's InitPlan or
  hashed SubPlan); IN / = ANY / <> ALL probe a hash of its rows;
- correlated with equality correlation (``inner = outer`` conjuncts, nothing else outer): the
  inner side runs once, hashed by its correlation keys (a semi join for EXISTS; per key groups
  for IN and scalar subqueries; GROUP BY on the keys for an aggregate, whose value on an empty
  group comes from the same query over no rows);
- otherwise: run per outer row, with the result kept per distinct tuple of the outer values it
  reads (a memo), unless it calls a volatile function.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.aggregates import _hashable
from orbitdb.sql.expr.core import E, type_error_operator, unify
from orbitdb.sql.expr.funcregistry import FUNCTIONS
from orbitdb.sql.plan.subplan_explain import note_subplan, qualified_sql, single_relation
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.sortkeys import sort_key_fn

if TYPE_CHECKING:
    from orbitdb.sql.exec.plans import Plan
    from orbitdb.sql.expr.compiler import Compiler
    from orbitdb.sql.plan.planner import Output, Planner

Row = Any
_ids = itertools.count(1)
_MEMO_LIMIT = 100_000  # distinct outer tuples remembered per subquery (a bound on memory)
_TOO_MANY = "more than one row returned by a subquery used as an expression"

# functions whose repeated calls may differ: a subquery calling one is re-run for every row
_VOLATILE = {"random", "setseed", "nextval", "setval", "lastval", "clock_timestamp", "timeofday",
             "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4", "pg_sleep", "set_config",
             "txid_current", "pg_current_xact_id", "random_normal"}
# nodes that cannot raise an error on a row: what may be evaluated for inner rows a per-row
# SubPlan would not have visited
_SAFE_NODES = (exp.Column, exp.Identifier, exp.Literal, exp.Null, exp.Boolean, exp.Star, exp.Paren,
               exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.And, exp.Or, exp.Not, exp.Is,
               exp.Between, exp.Count, exp.Max, exp.Min, exp.Avg, exp.Sum, exp.Alias, exp.Distinct,
               exp.Tuple, exp.Parameter, exp.Placeholder, exp.Var)


class SubLink:
    """A planned subquery: its output and the outer (level, column) pairs it reads."""

    def __init__(self, out: Output, refs: list[tuple[int, int]], level: int, volatile: bool,
                 outer_row: Callable[[Row], Row] | None = None) -> None:
        self.out = out
        self.refs = refs
        self.level = level
        self.volatile = volatile
        self.outer_row = outer_row  # the row the subquery reads, from a grouped query's output row

    def __bool__(self) -> bool:  # "correlated", for callers that only ask that
        return bool(self.refs)


def plan_sublink(planner: Planner, c: Compiler, node: exp.Expression) -> SubLink:
    start = len(planner.outer_refs)
    out = planner.plan_query(node, c.scope, {})
    level = c.scope.level
    refs = sorted({r for r in planner.outer_refs[start:] if r[0] <= level})
    return SubLink(out, refs, level, _is_volatile(planner, node), _grouped_outer_row(c, refs))


def _grouped_outer_row(c: Compiler, refs: list[tuple[int, int]]) -> Callable[[Row], Row] | None:
    """In a grouped query's select list or HAVING the row is the aggregate's output: the columns
    the subquery reads are taken from their groups into a row of the query's own layout (an
    ungrouped one is error 42803, as in PostgreSQL)."""
    if c.agg is None:
        return None
    level = c.scope.level
    idxs = [i for lvl, i in refs if lvl == level]
    if not idxs:
        return None
    width = len(c.scope.columns)
    getters = []
    for i in idxs:
        col = c.scope.columns[i]
        node = exp.column(col.name, col.rel) if col.rel else exp.column(col.name)
        try:
            getters.append((i, c.agg.column_ref(c, node, i, col.type, col.name).fn))
        except SqlError as e:
            rel = f"{col.rel}." if col.rel else ""
            raise SqlError("42803", f'subquery uses ungrouped column "{rel}{col.name}" from outer query') from e

    def outer_row(row: Row) -> Row:
        values: list[Any] = [None] * width
        for i, get in getters:
            values[i] = get(row)
        return tuple(values)

    return outer_row


def _is_volatile(planner: Planner, node: exp.Expression) -> bool:
    user: dict[str, bool] | None = None
    for n in node.walk():
        if isinstance(n, exp.Anonymous):
            name = str(n.this).lower()
        elif isinstance(n, exp.Func):
            name = n.sql_name().lower()
        else:
            continue
        if name in _VOLATILE or isinstance(n, exp.Rand):
            return True
        fd = FUNCTIONS.get(name)
        if fd is not None and fd.overloads and any(o.volatile for o in fd.overloads):
            return True
        if isinstance(n, exp.Anonymous):
            if user is None:
                fns = getattr(planner.catalog, "functions", None)
                user = {}
                for f in (fns() if fns is not None else []):
                    user[f.name] = user.get(f.name, False) or f.volatility == "v"
            if user.get(name):
                return True
    return False


def _cache_key() -> tuple[str, int]:
    """A key of ctx.cte_results of its own: the planner's CTEs number theirs from another counter."""
    return ("subquery", next(_ids))


def _memo_value(v: Any) -> Any:
    """A key telling apart outer values that could give different results (1.0 and 1.00 print
    differently; -0.0 and 0.0 too)."""
    if v is None or type(v) in (int, str, bool, bytes):
        return v
    if isinstance(v, (Decimal, float)):
        return (type(v), repr(v))
    return (type(v).__name__, repr(v))


def memoized(c: Compiler, link: SubLink, build: Callable[[Row], Any]) -> Callable[[Row], Any]:
    """row -> build(row), run once when the subquery is uncorrelated, once per distinct outer
    values otherwise (every time when volatile). build runs with ctx.outer set to the row."""
    rt = c.rt
    key = _cache_key()
    level = link.level
    refs = link.refs

    outer_row = link.outer_row

    def call(row: Row) -> Any:
        ctx = rt.ctx
        saved = ctx.outer[level]
        ctx.outer[level] = row
        try:
            return build(row)
        finally:
            ctx.outer[level] = saved

    if outer_row is not None:
        def call_grouped(row: Row) -> Any:
            return call(outer_row(row))

        if link.volatile:
            return call_grouped
        mapped = memoized(c, SubLink(link.out, refs, level, link.volatile), build)
        return lambda row: mapped(outer_row(row))

    if not refs:
        def once(row: Row) -> Any:
            cache = rt.ctx.cte_results
            hit = cache.get(key, cache)
            if hit is cache:
                hit = cache[key] = call(row)
            return hit

        return once
    if link.volatile:
        return call

    def memo(row: Row) -> Any:
        ctx = rt.ctx
        table = ctx.cte_results.get(key)
        if table is None:
            table = ctx.cte_results[key] = {}
        outer = ctx.outer
        mk = tuple(_memo_value(row[i] if lvl == level else outer[lvl][i]) for lvl, i in refs)
        hit = table.get(mk, table)
        if hit is table:
            hit = call(row)
            if len(table) < _MEMO_LIMIT:
                table[mk] = hit
        return hit

    return memo


def rows_runner(c: Compiler, link: SubLink) -> Callable[[Row], list[Row]]:
    plan = link.out.plan
    rt = c.rt
    return memoized(c, link, lambda row: list(plan.rows(rt.ctx)))


# ---- hashing values as the comparison compares them ----

class KeyedSide:
    """How to bring values of both sides of an equality to one hashable key."""

    def __init__(self, c: Compiler, left: E, right_type: SqlType) -> None:
        probe = E(lambda r: r[0], left.type, left.const, left.value)
        elem = E(lambda r: r[1], right_type)
        try:
            a, b, _ = unify(probe, elem)
        except SqlError as e:
            if e.sqlstate in ("42804", "42846"):
                raise type_error_operator("=", left.type, right_type) from None
            raise
        if a.type.oid == T.JSON.oid:
            raise type_error_operator("=", left.type, right_type)
        norm = sort_key_fn(a.type)
        # hashable as they are: a scalar type compared by Python equality (no list or dict inside)
        plain = norm is None and a.type.elem is None and a.type.fields is None and a.type.oid not in (
            T.JSONB.oid, T.RECORD.oid)
        self.left_key: Callable[[Any], Any] = _key_fn(a, probe, norm, plain, lambda v: (v, None))
        self.right_key: Callable[[Any], Any] = _key_fn(b, elem, norm, plain, lambda v: (None, v))


def _key_fn(e: E, raw: E, norm: Callable[[Any], Any] | None, plain: bool,
            place: Callable[[Any], tuple[Any, Any]]) -> Callable[[Any], Any]:
    if e is raw and plain:
        return _same
    f = e.fn
    if plain:
        return lambda v: f(place(v))
    if norm is None:
        return lambda v: _hashable(f(place(v)))
    return lambda v: _hashable(norm(f(place(v))))


def _same(v: Any) -> Any:
    return v


class ScalarInSet:
    """InSet of one column, for the common x IN (SELECT y ...)."""

    def __init__(self, rows: list[Row], side: KeyedSide) -> None:
        self.empty = not rows
        key = side.right_key
        self.left_key = side.left_key
        self.has_null = any(r[0] is None for r in rows)
        values = [key(r[0]) for r in rows if r[0] is not None]
        try:
            self.keys: set[Any] | list[Any] = set(values)
        except TypeError:  # a value Python cannot hash: compared one by one
            self.keys = values

    def probe1(self, x: Any) -> Any:
        if self.empty:
            return False
        if x is None:
            return None
        try:
            if self.left_key(x) in self.keys:
                return True
        except TypeError:
            k = self.left_key(x)
            if any(k == v for v in self.keys):
                return True
        return None if self.has_null else False


class InSet:
    """The rows of a subquery for x IN (...), with PostgreSQL's NULL rules: true on a match;
    else NULL when x or a compared value is NULL; false for no rows at all."""

    def __init__(self, rows: list[Row], sides: list[KeyedSide]) -> None:
        self.empty = not rows
        self.sides = sides
        self.full: set[Any] = set()
        self.partial: list[tuple[Any, ...]] = []  # rows with a NULL: keys, None where NULL
        for r in rows:
            k = tuple(None if v is None else s.right_key(v) for s, v in zip(sides, r))
            if None in k:
                self.partial.append(k)
            else:
                self.full.add(k)

    def probe(self, values: tuple[Any, ...]) -> Any:
        if self.empty:
            return False
        k = tuple(None if v is None else s.left_key(v) for s, v in zip(self.sides, values))
        if None not in k:
            if k in self.full:
                return True
            return None if any(_could_match(k, p) for p in self.partial) else False
        if all(x is None for x in k):
            return None
        for cand in itertools.chain(self.full, self.partial):
            if _could_match(k, cand):
                return None
        return False


def _could_match(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return all(x is None or y is None or x == y for x, y in zip(a, b))


def in_subquery(planner: Planner, c: Compiler, left_nodes: list[exp.Expression], body: exp.Expression,
                negate: bool = False) -> E:
    """x IN (subquery) / (x, y) IN (subquery) (negate: x <> ALL (subquery), i.e. NOT IN)."""
    hashed = _correlated_in(planner, c, left_nodes, body)
    link = plan_sublink(planner, c, body) if hashed is None else None
    width = len(link.out.columns) if link is not None else len(left_nodes)
    if width > len(left_nodes):
        raise SqlError("42601", "subquery has too many columns")
    if width < len(left_nodes):
        raise SqlError("42601", "subquery has too few columns")
    if hashed is not None:
        fn = hashed
    else:
        assert link is not None
        lefts = [c.compile(n) for n in left_nodes]
        sides = [KeyedSide(c, e, col.type) for e, col in zip(lefts, link.out.columns)]
        plan = link.out.plan
        rt = c.rt
        if len(sides) == 1:
            get_one = memoized(c, link, lambda row: ScalarInSet(list(plan.rows(rt.ctx)), sides[0]))
            lf = lefts[0].fn

            def fn1(row: Row) -> Any:
                return get_one(row).probe1(lf(row))

            fn = fn1
        else:
            get_set = memoized(c, link, lambda row: InSet(list(plan.rows(rt.ctx)), sides))
            lfns = [e.fn for e in lefts]

            def fn_rows(row: Row) -> Any:
                return get_set(row).probe(tuple(f(row) for f in lfns))

            fn = fn_rows
        if link.refs:
            note_subplan(planner, "SubPlan", plan, body)
        elif negate or len(left_nodes) != 1:
            note_subplan(planner, "hashed SubPlan", plan, body)
        else:
            item = body.expressions[0] if isinstance(body, exp.Select) and body.expressions else None
            right = qualified_sql(item.unalias(), None, single_relation(body)) if item is not None else \
                link.out.columns[0].name
            cond = f"{qualified_sql(left_nodes[0], c.scope)} = {right}"
            note_subplan(planner, "semi", plan, body, cond)

    if not negate:
        return E(fn, T.BOOL)

    def run_not(row: Row) -> Any:
        r = fn(row)
        return None if r is None else not r

    return E(run_not, T.BOOL)


def exists_subquery(planner: Planner, c: Compiler, node: exp.Expression) -> E:
    hashed = _correlated_exists(planner, c, node)
    if hashed is not None:
        return E(hashed, T.BOOL, name="exists")
    link = plan_sublink(planner, c, node)
    plan = link.out.plan
    rt = c.rt
    found = memoized(c, link, lambda row: next(iter(plan.rows(rt.ctx)), None) is not None)
    note_subplan(planner, "SubPlan" if link.refs else "InitPlan", plan, node)
    return E(found, T.BOOL, name="exists")


def scalar_subquery(planner: Planner, c: Compiler, node: exp.Expression) -> E:
    hashed = _correlated_scalar(planner, c, node)
    if hashed is not None:
        return hashed
    link = plan_sublink(planner, c, node)
    if len(link.out.columns) != 1:
        raise SqlError("42601", "subquery must return only one column")
    run = rows_runner(c, link)
    note_subplan(planner, "SubPlan" if link.refs else "InitPlan", link.out.plan, node)

    def fn(row: Row) -> Any:
        rows = run(row)
        if not rows:
            return None
        if len(rows) > 1:
            raise SqlError("21000", _TOO_MANY)
        return rows[0][0]

    col = link.out.columns[0]
    return E(fn, col.type, name=col.name)


# ---- decorrelation ----

class _Correlation:
    """A subquery SELECT split into its equality correlation (inner and outer key expressions)
    and the rest, which reads no outer value."""

    def __init__(self, inner: list[exp.Expression], outer: list[E], outer_sql: list[str],
                 rest: list[exp.Expression]) -> None:
        self.inner = inner
        self.outer = outer
        self.outer_sql = outer_sql
        self.rest = rest

    def hash_cond(self) -> str:
        """The equalities as PostgreSQL's Hash Cond shows them: outer side first, each in
        parentheses when there are several (the caller adds the outer pair)."""
        parts = [f"{o} = {i.sql(dialect='postgres')}" for o, i in zip(self.outer_sql, self.inner)]
        return parts[0] if len(parts) == 1 else " AND ".join(f"({p})" for p in parts)


def _simple_select(node: exp.Expression) -> bool:
    if not isinstance(node, exp.Select) or node.args.get("where") is None:
        return False
    for arg in ("with", "with_", "group", "having", "limit", "offset", "distinct", "windows", "qualify",
                "locks", "into", "order", "fetch"):
        if node.args.get(arg):
            return False
    return (node.args.get("from_") or node.args.get("from")) is not None


def _from_only(node: exp.Select, items: list[exp.Expression], where: list[exp.Expression] | None = None,
               group: list[exp.Expression] | None = None) -> exp.Select:
    sel = exp.Select(expressions=[i.copy() for i in items])
    key = "from_" if node.args.get("from_") is not None else "from"
    sel.set(key, node.args[key].copy())
    if node.args.get("joins"):
        sel.set("joins", [j.copy() for j in node.args["joins"]])
    if where:
        cond = where[0].copy()
        for w in where[1:]:
            cond = exp.And(this=cond, expression=w.copy())
        sel.set("where", exp.Where(this=cond))
    if group:
        sel.set("group", exp.Group(expressions=[g.copy() for g in group]))
    return sel


def _trial_plan(planner: Planner, c: Compiler, node: exp.Expression) -> Output | None:
    """node planned only to learn about it (None: it does not plan); EXPLAIN does not list it."""
    mark = len(planner.subplans)
    try:
        return planner.plan_query(node, c.scope, {})
    except SqlError:
        return None
    finally:
        del planner.subplans[mark:]


def _reads_outer(planner: Planner, c: Compiler, sel: exp.Select, item: exp.Expression) -> bool | None:
    """Whether item, placed in sel's FROM, reads an outer value (None: it does not plan)."""
    start = len(planner.outer_refs)
    if _trial_plan(planner, c, _from_only(sel, [item])) is None:
        return None
    return any(r[0] <= c.scope.level for r in planner.outer_refs[start:])


def _split_correlation(planner: Planner, c: Compiler, sel: exp.Expression) -> _Correlation | None:
    if not _simple_select(sel):
        return None
    assert isinstance(sel, exp.Select)
    if any(isinstance(n, (exp.Subquery, exp.Exists, exp.Window)) or (isinstance(n, exp.Select) and n is not sel)
           for n in sel.walk()):
        return None
    if _is_volatile(planner, sel):
        return None
    from orbitdb.sql.plan.planner import split_and
    inner: list[exp.Expression] = []
    outer: list[E] = []
    outer_sql: list[str] = []
    rest: list[exp.Expression] = []
    for cj in split_and(sel.args["where"].this):
        reads = _reads_outer(planner, c, sel, cj)
        if reads is None:
            return None
        if not reads:
            rest.append(cj)
            continue
        if not isinstance(cj, exp.EQ):
            return None
        sides = [cj.this, cj.expression]
        kinds = [_side_kind(planner, c, sel, s) for s in sides]
        if kinds == ["inner", "outer"]:
            i_node, o_node = sides
        elif kinds == ["outer", "inner"]:
            o_node, i_node = sides
        else:
            return None
        try:
            o_e = c.compile(o_node.copy())
        except SqlError:
            return None
        outer.append(o_e)
        outer_sql.append(o_node.sql(dialect="postgres"))
        inner.append(i_node)
    if not inner:
        return None
    return _Correlation(inner, outer, outer_sql, rest)


def _side_kind(planner: Planner, c: Compiler, sel: exp.Select, node: exp.Expression) -> str:
    """'inner' (reads only the subquery's rows), 'outer' (only outer values: every column an
    outer one) or 'mixed'."""
    reads = _reads_outer(planner, c, sel, node)
    if reads is None:
        return "mixed"
    if not reads:
        return "inner" if any(isinstance(n, exp.Column) for n in node.walk()) else "mixed"
    if any(isinstance(n, exp.AggFunc) for n in node.walk()):
        return "mixed"
    cols = list(node.find_all(exp.Column))
    for col in cols:
        if not _reads_outer(planner, c, sel, col):
            return "mixed"
    return "outer"


def _keyed_rows(planner: Planner, c: Compiler, sel: exp.Select, corr: _Correlation,
                items: list[exp.Expression], group: bool = False
                ) -> tuple[Callable[[Row], Any], Callable[[], dict[Any, list[Row]]], list[SqlType], Plan] | None:
    """(outer row -> key or None when a key value is NULL, () -> {key: inner rows' items}) of the
    inner query with its correlation keys first; None when the rewrite reads outer values."""
    start = len(planner.outer_refs)
    q = _from_only(sel, corr.inner + items, corr.rest, corr.inner if group else None)
    try:
        out = planner.plan_query(q, c.scope, {})
    except SqlError:
        return None
    if any(r[0] <= c.scope.level for r in planner.outer_refs[start:]):
        return None
    n = len(corr.inner)
    sides = [KeyedSide(c, o, col.type) for o, col in zip(corr.outer, out.columns[:n])]
    ofns = [o.fn for o in corr.outer]
    plan = out.plan
    rt = c.rt
    key = _cache_key()

    def outer_key_many(row: Row) -> Any:
        vals = []
        for f, s in zip(ofns, sides):
            v = f(row)
            if v is None:
                return None
            vals.append(s.left_key(v))
        return tuple(vals)

    f0, left0, right0 = ofns[0], sides[0].left_key, sides[0].right_key

    def outer_key_one(row: Row) -> Any:  # one key: the value itself, no tuple per row
        v = f0(row)
        return None if v is None else left0(v)

    outer_key = outer_key_one if n == 1 else outer_key_many

    def inner_key(r: Row) -> Any:
        return right0(r[0]) if n == 1 else tuple(s.right_key(v) for s, v in zip(sides, r[:n]))

    def table() -> dict[Any, list[Row]]:
        cache = rt.ctx.cte_results
        hit = cache.get(key)
        if hit is None:
            hit = {}
            for r in plan.rows(rt.ctx):
                if any(v is None for v in r[:n]):
                    continue  # a NULL key equals nothing
                hit.setdefault(inner_key(r), []).append(r[n:])
            cache[key] = hit
        return hit

    return outer_key, table, [col.type for col in out.columns[n:]], plan


def _correlated_exists(planner: Planner, c: Compiler, node: exp.Expression) -> Callable[[Row], Any] | None:
    if not isinstance(node, exp.Select) or not all(
            isinstance(i, (exp.Column, exp.Literal, exp.Star, exp.Null, exp.Boolean, exp.Parameter)) for i in node.expressions):
        return None
    if _trial_plan(planner, c, node) is None:  # its select list is checked though EXISTS ignores it
        return None
    corr = _split_correlation(planner, c, node)
    if corr is None:
        return None
    keyed = _keyed_rows(planner, c, node, corr, [])
    if keyed is None:
        return None
    outer_key, table, _, plan = keyed
    note_subplan(planner, "semi", plan, node, corr.hash_cond(), anti=True)

    def probe(row: Row) -> Any:
        k = outer_key(row)
        return k is not None and k in table()

    return probe


def _safe(nodes: list[exp.Expression]) -> bool:
    return all(isinstance(n, _SAFE_NODES) for node in nodes for n in node.walk())


def _correlated_in(planner: Planner, c: Compiler, left_nodes: list[exp.Expression],
                   node: exp.Expression) -> Callable[[Row], Any] | None:
    if not isinstance(node, exp.Select) or len(node.expressions) != len(left_nodes):
        return None
    if not _safe(list(node.expressions)) or any(isinstance(n, exp.AggFunc) for n in node.walk()):
        return None
    if not _quick_correlated(node):
        return None
    corr = _split_correlation(planner, c, node)
    if corr is None or not _safe(corr.rest):
        return None
    items = [i.this if isinstance(i, exp.Alias) else i for i in node.expressions]
    if any(isinstance(i, exp.Star) for i in items):
        return None
    keyed = _keyed_rows(planner, c, node, corr, items)
    if keyed is None:
        return None
    outer_key, table, item_types, plan = keyed
    note_subplan(planner, "SubPlan", plan, node)
    lefts = [c.compile(n) for n in left_nodes]
    sides = [KeyedSide(c, e, t) for e, t in zip(lefts, item_types)]
    lfns = [e.fn for e in lefts]
    rt = c.rt
    sets_key = _cache_key()
    empty = InSet([], sides)

    def probe(row: Row) -> Any:
        k = outer_key(row)
        if k is None:
            return False  # no inner row matches: IN over no rows
        groups = table()
        cache = rt.ctx.cte_results
        per = cache.get(sets_key)
        if per is None:
            per = cache[sets_key] = {}
        s = per.get(k)
        if s is None:
            rows = groups.get(k)
            s = per[k] = InSet(rows, sides) if rows else empty
        return s.probe(tuple(f(row) for f in lfns))

    return probe


def _quick_correlated(node: exp.Select) -> bool:
    """A cheap first look: the WHERE has an equality naming a column (so a correlation may be there)."""
    where = node.args.get("where")
    return where is not None and any(isinstance(n, exp.EQ) for n in where.walk())


def _correlated_scalar(planner: Planner, c: Compiler, node: exp.Expression) -> E | None:
    if not isinstance(node, exp.Select) or len(node.expressions) != 1 or not _quick_correlated(node):
        return None
    item = node.expressions[0]
    name_node = item
    item = item.this if isinstance(item, exp.Alias) else item
    if isinstance(item, exp.Star) or not _safe([item]):
        return None
    aggregated = any(isinstance(n, exp.AggFunc) for n in item.walk())
    corr = _split_correlation(planner, c, node)
    if corr is None or not _safe(corr.rest):
        return None
    keyed = _keyed_rows(planner, c, node, corr, [item], group=aggregated)
    if keyed is None:
        return None
    outer_key, table, _, keyed_plan = keyed
    note_subplan(planner, "SubPlan", keyed_plan, node)
    shape = _trial_plan(planner, c, _from_only(node, [name_node], [exp.false()]))
    if shape is None:
        return None
    col = shape.columns[0]
    rt = c.rt
    empty_key = _cache_key()
    plan = shape.plan

    def empty_value() -> Any:
        # an aggregate over no rows (count: 0, max: NULL); no aggregate: no row, NULL
        if not aggregated:
            return None
        cache = rt.ctx.cte_results
        if empty_key not in cache:
            rows = list(plan.rows(rt.ctx))
            cache[empty_key] = rows[0][0] if rows else None
        return cache[empty_key]

    def fn(row: Row) -> Any:
        k = outer_key(row)
        rows = table().get(k) if k is not None else None
        if not rows:
            return empty_value()
        if len(rows) > 1:
            raise SqlError("21000", _TOO_MANY)
        return rows[0][0]

    return E(fn, col.type, name=col.name)

