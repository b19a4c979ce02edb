"""Join order by cost for a FROM list of three or more plain relations joined by inner joins
(`FROM a, b, c WHERE ...`, `a JOIN b ON ... JOIN c ON ...`): dynamic programming over the subsets
of relations up to MAX_DP of them, greedy above. Each relation's own conditions go into its scan;
each condition over several relations is checked at the first join that holds them all, as the
hash key when it is an equality of columns of both sides. The joined rows are put back into the
written column order, so everything above the joins (select list, *, ORDER BY, FOR UPDATE) sees
what the written order gives. Anything else (outer joins, LATERAL, USING/NATURAL, functions in
FROM, ON conditions that name columns without their relation) keeps the written order."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.plans import Filter, Join, Plan, TableScan
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import E, ident, unify
from orbitdb.sql.expr.scope import Scope, ScopeColumn
from orbitdb.sql.plan import costs
from orbitdb.sql.plan.explain_names import ConditionText, EqualityText
from orbitdb.sql.types.sortkeys import sort_key_fn
from orbitdb.storage.planstats import plan_stats

if TYPE_CHECKING:
    from orbitdb.sql.plan.planner import CTEInfo, Planner

Row = tuple[Any, ...]
MAX_DP = 10  # PostgreSQL's geqo_threshold is 12; subsets of 10 relations are 3^10 splits


class Reorder(Plan):
    """The joined rows with their columns back in the written order of the FROM list."""

    def __init__(self, child: Plan, columns: list[ScopeColumn], positions: list[int]) -> None:
        self.child = child
        self.columns = columns
        self.pick = operator.itemgetter(*positions)

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        pick = self.pick
        for r in self.child.rows(ctx):
            yield pick(r)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return self.child.explain()


class IndexNestLoop(Plan):
    """A nested loop whose inner side is one table read through its primary key or an index by
    the outer row's join columns (the key values go into the inner scan's key through `cell`)."""

    def __init__(self, outer: Plan, inner: TableScan, outer_keys: list[Callable[[Row], Any]], cell: list[Any],
                 cond: Callable[[Row], Any] | None) -> None:
        self.columns = outer.columns + inner.columns
        self.left = outer
        self.right = inner
        self.outer_keys = outer_keys
        self.cell = cell
        self.cond = cond

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        cond, cell, keys, inner = self.cond, self.cell, self.outer_keys, self.right
        n = 0
        for lr in self.left.rows(ctx):
            values = [f(lr) for f in keys]
            if None in values:
                continue  # = NULL matches no row
            cell[0] = values
            for rr in inner.rows(ctx):
                n += 1
                if n & 8191 == 0:
                    ctx.check()
                row = lr + rr
                if cond is None or cond(row) is True:
                    yield row

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("Nested Loop", [self.left, self.right])]


# types whose key encoding equals SQL equality, as the planner's _KEY_ORDERED_OIDS
_EXACT_KEY_OIDS = {T.INT2.oid, T.INT4.oid, T.INT8.oid, T.TEXT.oid, T.VARCHAR.oid, T.DATE.oid}
PROBE_COST = 0.25  # one key lookup, in cpu_tuple_cost units of 0.01: about 20 scanned rows


@dataclass
class _Probe:
    """How a relation is read by key per outer row: its access path and, per key column, the
    outer column (global index) giving its value and the condition that says so."""

    mode: str  # pk_point | index
    index: Any
    outer_cols: list[int]
    preds: list[int]


@dataclass
class _Rel:
    plan: Plan
    cols: list[ScopeColumn]
    name: str
    offset: int  # first column in the written order
    est: costs.RelEstimate
    scan_rows: float


@dataclass
class _Pred:
    node: exp.Expression
    mask: int
    where: str  # "WHERE" or "JOIN/ON": the clause its errors name
    equi: tuple[int, int] | None  # global column indexes of `a = b` with a, b of different relations
    sel: float = 1.0


def _rel_name(node: exp.Expression) -> str:
    alias = node.args.get("alias")
    if alias is not None and alias.this is not None:
        return ident(alias.this)
    return ident(node.this)


def _plain_table(node: exp.Expression) -> bool:
    return (isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier) and not node.args.get("joins")
            and not node.args.get("pivots") and not node.args.get("sample") and not node.args.get("laterals"))


def _has_subquery_or_aggregate(planner: Planner, node: exp.Expression) -> bool:
    for n in node.walk():
        if isinstance(n, (exp.Select, exp.Subquery, exp.Exists, exp.Window)):
            return True
        if isinstance(n, exp.Func) and planner._has_aggregate(n):
            return True
    return False


def eligible_for_join_order(planner: Planner, first: exp.Expression, joins: list[exp.Join]) -> bool:
    """Whether the FROM list is one whose join order may be chosen freely."""
    if len(joins) < 2 or not _plain_table(first):
        return False
    seen = {_rel_name(first)}
    for j in joins:
        if planner._join_kind(j) not in ("inner", "cross") or j.args.get("using") or j.args.get("method"):
            return False
        if "pivots" in j.args and j.args.get("pivots") or not _plain_table(j.this):
            return False
        name = _rel_name(j.this)
        if name in seen:
            return False  # the written-order path raises PostgreSQL's error
        seen.add(name)
        on = j.args.get("on")
        if on is None:
            continue
        if _has_subquery_or_aggregate(planner, on):
            return False
        for col in on.find_all(exp.Column):
            # an unqualified name resolves among the relations joined so far: keep that order
            if isinstance(col.this, exp.Star) or not col.table or col.args.get("db"):
                return False
            if ident(col.args["table"]) not in seen:
                return False
    return True


def plan_join_order(planner: Planner, first: exp.Expression, joins: list[exp.Join], scope: Scope,
                    ctes: dict[str, CTEInfo], conjuncts: list[exp.Expression]
                    ) -> tuple[Plan, list[exp.Expression]]:
    """The joined plan of an eligible FROM list and the WHERE conditions left for above it."""
    rels: list[_Rel] = []
    store = getattr(planner.session, "store", None)
    stats = plan_stats(store) if store is not None else None
    for node in [first] + [j.this for j in joins]:
        plan, cols, rel = planner._plan_source(node, scope, ctes, lateral_scope=None)
        assert rel is not None
        if rel in scope.rels:
            raise SqlError("42712", f'table name "{rel}" specified more than once')
        scope.rels.add(rel)
        ts = stats.get(plan.access.table.oid) if stats is not None and isinstance(plan, TableScan) else None
        rows = ts.reltuples if ts is not None and ts.reltuples >= 0 else costs.DEFAULT_ROWS
        rels.append(_Rel(plan, cols, rel, len(scope.columns), costs.RelEstimate(max(rows, 1.0), ts), rows))
        scope.columns.extend(cols)
    rel_of = [0] * len(scope.columns)
    for i, r in enumerate(rels):
        for k in range(len(r.cols)):
            rel_of[r.offset + k] = i
    pool = [(cj, "WHERE") for cj in conjuncts] + [
        (part, "JOIN/ON") for j in joins if j.args.get("on") is not None for part in _split_and(j.args["on"])]
    remaining: list[exp.Expression] = []
    preds: list[_Pred] = []
    local: list[list[tuple[exp.Expression, str]]] = [[] for _ in rels]
    for node, where in pool:
        pair = _column_equality(node, scope)
        if pair is not None:  # the common case, named once: `a = b` of two columns found here
            a, b = pair
            mask = 1 << rel_of[a] | 1 << rel_of[b]
            equi = pair if rel_of[a] != rel_of[b] else None
        else:
            mask = _mask(planner, node, scope, rel_of) if not _has_subquery_or_aggregate(planner, node) else None
            equi = None
        if mask is None or mask == 0:
            remaining.append(node)
        elif mask & (mask - 1) == 0:
            local[mask.bit_length() - 1].append((node, where))
        else:
            preds.append(_Pred(node, mask, where, equi if pair is not None else _equi(planner, node, scope, rel_of)))
    for i, r in enumerate(rels):
        if local[i]:
            _restrict(planner, r, local[i], scope)
    for p in preds:
        p.sel = _pred_selectivity(p, rels, scope, rel_of)
    order = _Order(rels, preds, scope, rel_of)
    tree = order.best()
    plan, layout = _build(planner, tree, rels, preds, scope, rel_of, order)
    if layout != list(range(len(rels))):
        where_at = {}
        pos = 0
        for i in layout:
            where_at[i] = pos
            pos += len(rels[i].cols)
        positions = [where_at[i] + k for i, r in enumerate(rels) for k in range(len(r.cols))]
        plan = Reorder(plan, list(scope.columns), positions)
    return plan, remaining


def _split_and(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.And):
        return _split_and(node.this) + _split_and(node.expression)
    if isinstance(node, exp.Paren) and isinstance(node.this, exp.And):
        return _split_and(node.this)
    return [node]


def _column_equality(node: exp.Expression, scope: Scope) -> tuple[int, int] | None:
    """The scope's columns of `a = b` when both sides are plain column names found in it (what
    _mask and _equi would say of it, found without walking it); None for anything else."""
    if type(node) is not exp.EQ:
        return None
    left, right = node.this, node.expression
    if type(left) is not exp.Column or type(right) is not exp.Column:
        return None
    found = []
    for col in (left, right):
        if isinstance(col.this, exp.Star) or col.args.get("db"):
            return None
        try:
            idx = scope.find(ident(col.this), ident(col.args["table"]) if col.table else None)
        except SqlError:
            return None
        if idx is None:
            return None
        found.append(idx)
    return found[0], found[1]


def _mask(planner: Planner, node: exp.Expression, scope: Scope, rel_of: list[int]) -> int | None:
    """The relations a condition reads (bit i: the i-th of the FROM list); None when one of its
    names does not resolve here (its error is raised where it is compiled, above the joins)."""
    mask = 0
    for col in node.find_all(exp.Column):
        if isinstance(col.this, exp.Star):
            return None
        r = ident(col.args["table"]) if col.table else None
        if col.args.get("db"):
            return None
        try:
            idx = scope.find(ident(col.this), r)
        except SqlError:
            return None
        if idx is None:
            if r is not None and r in scope.rels:
                return None
            if scope.parent is None or scope.parent.resolve(ident(col.this), r) is None:
                return None
            continue  # a column of an enclosing query: a constant here
        mask |= 1 << rel_of[idx]
    return mask


def _equi(planner: Planner, node: exp.Expression, scope: Scope, rel_of: list[int]) -> tuple[int, int] | None:
    if not (isinstance(node, exp.EQ) and isinstance(node.this, exp.Column) and isinstance(node.expression, exp.Column)):
        return None
    a = planner._col_index(node.this, scope)
    b = planner._col_index(node.expression, scope)
    if a is None or b is None or rel_of[a] == rel_of[b]:
        return None
    return a, b


def _restrict(planner: Planner, r: _Rel, conds: list[tuple[exp.Expression, str]], scope: Scope) -> None:
    """Puts a relation's own conditions into its scan (its access path) or a filter above it."""
    sub = Scope(list(r.cols), parent=scope.parent, level=scope.level)
    sub.rels = {r.name}
    sub.ctes = scope.ctes
    sub.pk_columns = getattr(scope, "pk_columns", {})  # type: ignore[attr-defined]
    nodes = [n for n, _ in conds]
    plan, rest = planner._pushdown(r.plan, sub, nodes, only_rel=r.name, ctx_scope=scope)
    if rest:
        comp = Compiler(planner, sub, planner.rt, where="WHERE")
        where = {id(n): w for n, w in conds}
        for n in rest:
            plan = Filter(plan, comp.compile_bool(n, where.get(id(n), "WHERE")).fn, ConditionText(n))
    if sub.correlated:
        scope.correlated = True
    r.plan = plan
    sel = 1.0
    for n in nodes:
        sel *= costs.selectivity(n, r.est, r.name)
    r.est.rows = max(1.0, r.est.rows * sel)


def _pred_selectivity(p: _Pred, rels: list[_Rel], scope: Scope, rel_of: list[int]) -> float:
    if p.equi is not None:
        a, b = p.equi
        ra, rb = rels[rel_of[a]], rels[rel_of[b]]
        return costs.join_selectivity(ra.est, scope.columns[a].name, rb.est, scope.columns[b].name)
    if isinstance(p.node, (exp.LT, exp.GT, exp.LTE, exp.GTE)):
        return costs.DEFAULT_INEQ_SEL
    if isinstance(p.node, exp.NEQ):
        return 1.0 - costs.DEFAULT_EQ_SEL
    return costs.DEFAULT_EQ_SEL


Tree = int | tuple["Tree", "Tree", str]  # a relation's number, or (outer, inner, way) of a join


class _Order:
    """The cheapest join tree by PostgreSQL-like costs: rows of a set of relations are the
    product of their rows and of the selectivities of the conditions among them."""

    def __init__(self, rels: list[_Rel], preds: list[_Pred], scope: Scope, rel_of: list[int]) -> None:
        self.rels = rels
        self.preds = preds
        self.scope = scope
        self.rel_of = rel_of
        self.n = len(rels)
        self._probes: dict[tuple[int, int], _Probe | None] = {}
        self._rows: dict[int, float] = {}
        # per relation: the relations a condition ties it to, and those an equality ties it to
        self.linked = [0] * self.n
        self.equal = [0] * self.n
        for p in preds:
            for i in range(self.n):
                if p.mask >> i & 1:
                    self.linked[i] |= p.mask & ~(1 << i)
                    if p.equi is not None:
                        self.equal[i] |= p.mask & ~(1 << i)
        self._reach: dict[int, tuple[int, int]] = {}
        self._keys: dict[int, list[tuple[int, str, int, int]]] = {}
        self._keyed_mask: int | None = None
        self._parent: list[int] = []  # _tree_subtrees(): each relation's parent in the tree

    def rows(self, mask: int) -> float:
        hit = self._rows.get(mask)
        if hit is None:
            rows = 1.0
            for i in range(self.n):
                if mask >> i & 1:
                    rows *= self.rels[i].est.rows
            for p in self.preds:
                if p.mask & mask == p.mask:
                    rows *= p.sel
            hit = self._rows[mask] = max(rows, 1.0)
        return hit

    def _neighbours(self, mask: int) -> tuple[int, int]:
        """(relations any condition ties to mask, relations an equality ties to it)."""
        hit = self._reach.get(mask)
        if hit is None:
            linked = equal = 0
            for i in range(self.n):
                if mask >> i & 1:
                    linked |= self.linked[i]
                    equal |= self.equal[i]
            hit = self._reach[mask] = (linked, equal)
        return hit

    def join_cost(self, left: int, right: int) -> float:
        return _join_cost(self.rows(left), self.rows(right), self.rows(left | right),
                          bool(self._neighbours(left)[1] & right))

    def probe(self, left: int, r: int) -> _Probe | None:
        """Relation r read by its primary key or an index from equalities with left's columns."""
        key = (left, r)
        if key not in self._probes:
            self._probes[key] = self._find_probe(left, r)
        return self._probes[key]

    def _find_probe(self, left: int, r: int) -> _Probe | None:
        scan = self.rels[r].plan
        if not isinstance(scan, TableScan) or scan.mode != "seq":
            return None
        by_name: dict[str, tuple[int, int]] = {}  # r's column -> (outer column, condition)
        for others, name, other, k in self._key_equalities(r):
            if not others & ~left:
                by_name.setdefault(name, (other, k))
        if not by_name:
            return None
        table = scan.access.table
        pk = list(table.primary_key)
        if pk and all(c in by_name for c in pk):
            return _Probe("pk_point", None, [by_name[c][0] for c in pk], [by_name[c][1] for c in pk])
        best: tuple[int, Any] | None = None
        for entry in scan.access.indexes:
            ix = entry[0]
            if ix.predicate is not None or any(ix.expressions or []):
                continue
            n = 0
            for c in ix.columns:
                if c not in by_name:
                    break
                n += 1
            if n and (best is None or n > best[0]):
                best = (n, entry)
        if best is None:
            return None
        n, entry = best
        names = entry[0].columns[:n]
        return _Probe("index", entry, [by_name[c][0] for c in names], [by_name[c][1] for c in names])

    def _keyed(self) -> int:
        """The relations some equality could key a lookup into (bit i: relation i)."""
        if self._keyed_mask is None:
            self._keyed_mask = sum(1 << r for r in range(self.n) if self._key_equalities(r))
        return self._keyed_mask

    def _key_equalities(self, r: int) -> list[tuple[int, str, int, int]]:
        """The equalities that could key a lookup into relation r, whatever the outer side:
        (the other relations they read, r's column, the other column, the condition)."""
        hit = self._keys.get(r)
        if hit is None:
            cols = self.scope.columns
            hit = []
            scan = self.rels[r].plan
            keyed = isinstance(scan, TableScan) and (scan.access.table.primary_key or scan.access.indexes)
            for k, p in enumerate(self.preds if keyed else ()):
                if p.equi is None or not (p.mask >> r & 1):
                    continue
                a, b = p.equi
                mine, other = (a, b) if self.rel_of[a] == r else (b, a)
                t_mine, t_other = cols[mine].type, cols[other].type
                if t_mine.oid != t_other.oid or t_mine.oid not in _EXACT_KEY_OIDS or cols[mine].hidden:
                    continue
                hit.append((p.mask & ~(1 << r), cols[mine].name, other, k))
            self._keys[r] = hit
        return hit

    def join_total(self, left: int, right: int, left_cost: float, right_cost: float) -> tuple[float, str]:
        """The cost of joining two parts with their own costs, and the way: hash, loop or index."""
        return self._index_or(left, right, left_cost, left_cost + right_cost + self.join_cost(left, right))

    def _index_or(self, left: int, right: int, left_cost: float, cost: float) -> tuple[float, str]:
        """The cheaper of a join costing cost and probing right (one relation) by key."""
        way = "join"
        if right & (right - 1) == 0 and right & self._keyed():
            r = right.bit_length() - 1
            if self.probe(left, r) is not None:
                per_probe = max(self.rows(left | right) / self.rows(left), 1.0)
                probing = left_cost + self.rows(left) * (PROBE_COST + per_probe * costs.CPU_TUPLE) + \
                    self.rows(left | right) * costs.CPU_TUPLE
                if probing < cost:
                    return probing, "index"
        return cost, way

    def leaf_cost(self, i: int) -> float:
        return costs.scan_cost(self.rels[i].scan_rows, 8 * len(self.rels[i].cols))

    def best(self) -> Tree:
        return self._dynamic() if self.n <= MAX_DP else self._greedy()

    def _subset_tables(self) -> tuple[list[float], list[int], list[int]]:
        """rows(), and _neighbours() split in two, of every subset at once, each subset from the
        one without its lowest relation: the dynamic programme's inner loop only indexes them."""
        size = 1 << self.n
        raw = [1.0] * size
        linked = [0] * size
        equal = [0] * size
        by_low = self._by_lowest()
        for s in range(1, size):
            low = s & -s
            i = low.bit_length() - 1
            rows = raw[s ^ low] * self.rels[i].est.rows
            for p in by_low[i]:
                if p.mask & s == p.mask:
                    rows *= p.sel
            raw[s] = rows
            linked[s] = linked[s ^ low] | self.linked[i]
            equal[s] = equal[s ^ low] | self.equal[i]
        return [max(r, 1.0) for r in raw], linked, equal

    def _by_lowest(self) -> list[list[_Pred]]:
        """The conditions by their lowest relation: those a subset adds over the one without its
        lowest relation i are those whose lowest relation is i."""
        by_low: list[list[_Pred]] = [[] for _ in range(self.n)]
        for p in self.preds:
            by_low[(p.mask & -p.mask).bit_length() - 1].append(p)
        return by_low

    def _raw_rows(self, s: int, by_low: list[list[_Pred]]) -> float:
        """_subset_tables' rows of s before the floor of 1, by the same products in the same
        order (from s's highest relation down), so that equal costs stay equal."""
        rows = 1.0
        rest = s
        while rest:
            i = rest.bit_length() - 1
            rest ^= 1 << i
            rows = rows * self.rels[i].est.rows
            for p in by_low[i]:
                if p.mask & s == p.mask:
                    rows *= p.sel
        return rows

    def _dynamic(self) -> Tree:
        """Subsets by size; a subset's best plan joins two of its parts. Only parts a condition
        ties together (no cross products) while the conditions tie every relation together; else
        any two parts."""
        if self._ties_all():
            return self._dynamic_connected()
        rows, linked, equal = self._subset_tables()
        return self._dynamic_any(rows, linked, equal)

    def _ties_all(self) -> bool:
        """Whether the conditions tie every relation to every other (through others)."""
        seen = frontier = 1
        while frontier:
            reach = 0
            while frontier:
                low = frontier & -frontier
                frontier ^= low
                reach |= self.linked[low.bit_length() - 1]
            frontier = reach & ~seen
            seen |= frontier
        return seen == (1 << self.n) - 1

    def _dynamic_connected(self) -> Tree:
        """The dynamic programme over the subsets the conditions tie together only, each grown
        from a smaller one by a neighbour (the others never get a plan without cross products);
        their rows and neighbours are worked out for those subsets only, as _subset_tables does."""
        best: dict[int, tuple[float, Tree]] = {1 << i: (self.leaf_cost(i), i) for i in range(self.n)}
        by_low = self._by_lowest()
        rows: dict[int, float] = {}
        linked: dict[int, int] = {}
        equal: dict[int, int] = {}
        for i in range(self.n):
            rows[1 << i] = max(self._raw_rows(1 << i, by_low), 1.0)
            linked[1 << i] = self.linked[i]
            equal[1 << i] = self.equal[i]
        subtree = self._tree_subtrees()
        parent = self._parent
        layer = list(best)
        for _ in range(self.n - 1):
            grown: dict[int, None] = {}
            for c in layer:
                around = linked[c] & ~c
                while around:
                    low = around & -around
                    around ^= low
                    s = c | low
                    if s not in grown:
                        grown[s] = None
                        j = low.bit_length() - 1
                        linked[s] = linked[c] | self.linked[j]
                        equal[s] = equal[c] | self.equal[j]
                        rows[s] = max(self._raw_rows(s, by_low), 1.0)
            layer = list(grown)
            for s in layer:
                if subtree is not None:
                    parts = []
                    rest = s
                    while rest:  # one edge of s cut: each side of it the outer part
                        low = rest & -rest
                        rest ^= low
                        i = low.bit_length() - 1
                        p = parent[i]
                        if p >= 0 and s >> p & 1:
                            below = s & subtree[i]
                            parts.append(below)
                            parts.append(s ^ below)
                else:
                    parts = []
                    sub = (s - 1) & s
                    while sub:
                        if sub in best and s ^ sub in best and linked[sub] & (s ^ sub):
                            parts.append(sub)
                        sub = (sub - 1) & s
                best[s] = self._cheapest(s, parts, best, rows, equal)
        return best[(1 << self.n) - 1][1]

    def _tree_subtrees(self) -> list[int] | None:
        """When the conditions tie the relations as a tree (each pair by its own conditions, no
        cycle): each relation's subtree, the tree rooted at relation 0; else None. A subset tied
        together then parts in two parts each tied together only by cutting one of its edges: the
        subtree below the edge, within the subset, and the rest."""
        if sum(m.bit_count() for m in self.linked) != 2 * (self.n - 1):
            return None  # (the relations are all tied together: a tree has n - 1 edges)
        parent = [-1] * self.n
        order = [0]
        for i in order:
            around = self.linked[i]
            while around:
                low = around & -around
                around ^= low
                j = low.bit_length() - 1
                if j != parent[i]:
                    parent[j] = i
                    order.append(j)
        subtree = [1 << i for i in range(self.n)]
        for i in reversed(order[1:]):
            subtree[parent[i]] |= subtree[i]
        self._parent = parent
        return subtree

    def _cheapest(self, s: int, parts: list[int], best: dict[int, tuple[float, Tree]],
                  rows: list[float] | dict[int, float], equal: list[int] | dict[int, int]) -> tuple[float, Tree]:
        """The cheapest join of an outer part of s (of parts) with the rest of s; of equal costs
        the one with the largest outer part (the order the search over all subsets met them)."""
        keyed = self._keyed()
        # _join_cost written out (the same arithmetic, in the same order): the innermost loop
        op, hashing, out_cost = costs.CPU_OPERATOR, costs.CPU_OPERATOR + costs.CPU_TUPLE, rows[s] * costs.CPU_TUPLE
        tup = costs.CPU_TUPLE
        found: tuple[float, Tree] | None = None
        for sub in sorted(parts, reverse=True):
            rest = s ^ sub
            a, b = best[sub], best[rest]
            if equal[sub] & rest:
                cost = a[0] + b[0] + (rows[rest] * hashing * 1.5 + rows[sub] * op + out_cost)
            else:
                cost = a[0] + b[0] + (rows[sub] * rows[rest] * op + rows[rest] * tup + out_cost)
            way = "join"
            if rest & keyed and rest & (rest - 1) == 0:
                cost, way = self._index_or(sub, rest, a[0], cost)
            if found is None or cost < found[0]:
                found = (cost, (a[1], b[1], way))
        assert found is not None
        return found

    def _dynamic_any(self, rows: list[float], linked: list[int], equal: list[int]) -> Tree:
        """The dynamic programme over every subset, cross products allowed."""
        best: dict[int, tuple[float, Tree]] = {1 << i: (self.leaf_cost(i), i) for i in range(self.n)}
        for s in _subsets_by_size(self.n):
            if s & (s - 1) == 0:
                continue
            parts = []
            sub = (s - 1) & s
            while sub:
                if sub in best and s ^ sub in best:
                    parts.append(sub)
                sub = (sub - 1) & s
            if parts:
                best[s] = self._cheapest(s, parts, best, rows, equal)
        return best[(1 << self.n) - 1][1]

    def _greedy(self) -> Tree:
        start = min(range(self.n), key=lambda i: self.rels[i].est.rows)
        tree: Tree = start
        mask = 1 << start
        cost = self.leaf_cost(start)
        while mask != (1 << self.n) - 1:
            pick = min((i for i in range(self.n) if not mask >> i & 1),
                       key=lambda i: self.join_total(mask, 1 << i, cost, self.leaf_cost(i))[0])
            cost, way = self.join_total(mask, 1 << pick, cost, self.leaf_cost(pick))
            tree = (tree, pick, way)
            mask |= 1 << pick
        return tree


@lru_cache(maxsize=MAX_DP + 1)
def _subsets_by_size(n: int) -> tuple[int, ...]:
    """The non-empty subsets of n relations, smaller ones first."""
    return tuple(sorted(range(1, 1 << n), key=lambda m: m.bit_count()))


def _join_cost(lrows: float, rrows: float, out: float, hashed: bool) -> float:
    """The cost of a join itself: a hash join on an equality, else a nested loop."""
    if hashed:
        return rrows * (costs.CPU_OPERATOR + costs.CPU_TUPLE) * 1.5 + lrows * costs.CPU_OPERATOR + \
            out * costs.CPU_TUPLE
    return lrows * rrows * costs.CPU_OPERATOR + rrows * costs.CPU_TUPLE + out * costs.CPU_TUPLE


def _build(planner: Planner, tree: Tree, rels: list[_Rel], preds: list[_Pred], scope: Scope,
           rel_of: list[int], order: _Order) -> tuple[Plan, list[int]]:
    """The operator tree of a join tree and the order of the relations in its rows."""
    if isinstance(tree, int):
        return rels[tree].plan, [tree]
    left, lorder = _build(planner, tree[0], rels, preds, scope, rel_of, order)
    right, rorder = _build(planner, tree[1], rels, preds, scope, rel_of, order)
    lmask = sum(1 << i for i in lorder)
    rmask = sum(1 << i for i in rorder)
    layout = lorder + rorder
    start: dict[int, int] = {}
    pos = 0
    for i in layout:
        start[i] = pos
        pos += len(rels[i].cols)
    left_width = sum(len(rels[i].cols) for i in lorder)

    def local(g: int) -> int:
        r = rel_of[g]
        return start[r] + g - rels[r].offset

    join_scope: Scope | None = None  # the joined row's names: made for a condition compiled here
    lk: list[Callable[[Row], Any]] = []
    rk: list[Callable[[Row], Any]] = []
    conds: list[Callable[[Row], Any]] = []
    key_sql: list[object] = []
    filter_sql: list[object] = []
    probe = order.probe(lmask, rorder[0]) if tree[2] == "index" else None
    used = set(probe.preds) if probe is not None else set()
    for k, p in enumerate(preds):
        both = lmask | rmask
        if p.mask & both != p.mask or p.mask & lmask == p.mask or p.mask & rmask == p.mask or k in used:
            continue
        keys = None
        if p.equi is not None and probe is None:
            keys = _hash_pair(p, scope, rel_of, lmask, local, left_width)
        if keys is not None:
            lk.append(keys[0])
            rk.append(keys[1])
            assert p.equi is not None
            a, b = p.equi if lmask >> rel_of[p.equi[0]] & 1 else p.equi[::-1]
            key_sql.append(EqualityText(scope.columns[a], scope.columns[b]))
            continue
        if join_scope is None:
            join_scope = _joined_scope(scope, [rels[i] for i in layout])
        comp = Compiler(planner, join_scope, planner.rt, where=p.where)
        conds.append(comp.compile_bool(p.node, p.where).fn)
        filter_sql.append(ConditionText(p.node))
    if join_scope is not None and join_scope.correlated:
        scope.correlated = True
    cond = None
    if conds:
        cond = conds[0] if len(conds) == 1 else _all_true(conds)
    plan: Plan
    if probe is not None:
        assert isinstance(right, TableScan)
        cell: list[Any] = [None]
        right.mode = probe.mode
        right.index = probe.index
        right.range = None
        right.key_fns = [_cell_value(cell, i) for i in range(len(probe.outer_cols))]
        plan = IndexNestLoop(left, right, [operator.itemgetter(local(g)) for g in probe.outer_cols], cell, cond)
        # EXPLAIN's estimate of one probe: the join's rows spread over the outer rows
        right.est_rows = order.rows(lmask | rmask) / order.rows(lmask)  # type: ignore[attr-defined]
    else:
        plan = Join(left, right, "inner", cond, scope.level, False, (lk, rk) if lk else None,
                    len(right.columns), left_width, key_sql, filter_sql)
    plan.est_rows = order.rows(lmask | rmask)  # type: ignore[attr-defined]  (EXPLAIN's estimate)
    return plan, layout


def _joined_scope(scope: Scope, rels: list[_Rel]) -> Scope:
    """The names of a join's rows: its relations' columns, in the order of its rows."""
    joined = Scope([c for r in rels for c in r.cols], parent=scope.parent, level=scope.level)
    joined.rels = {r.name for r in rels}
    joined.ctes = scope.ctes
    joined.tables = scope.tables
    joined.pk_columns = getattr(scope, "pk_columns", {})  # type: ignore[attr-defined]
    return joined


def _cell_value(cell: list[Any], i: int) -> Callable[[Row], Any]:
    """The i-th key value the index nested loop put in cell for its current outer row."""
    return lambda _row: cell[0][i]


def _hash_pair(p: _Pred, scope: Scope, rel_of: list[int], lmask: int, local: Callable[[int], int],
               left_width: int) -> tuple[Callable[[Row], Any], Callable[[Row], Any]] | None:
    """The hash keys of `a = b` (left row, right row), when equal keys mean equal values."""
    assert p.equi is not None
    a, b = p.equi
    if not lmask >> rel_of[a] & 1:
        a, b = b, a
    ea = E(operator.itemgetter(local(a)), scope.columns[a].type)
    eb = E(operator.itemgetter(local(b) - left_width), scope.columns[b].type)
    try:
        ea2, eb2, t = unify(ea, eb)
    except SqlError:
        return None
    if sort_key_fn(t) is not None or t.oid == T.JSON.oid:
        return None
    return ea2.fn, eb2.fn


def _all_true(fns: list[Callable[[Row], Any]]) -> Callable[[Row], Any]:
    def run(r: Row) -> Any:
        for f in fns:
            if f(r) is not True:
                return False
        return True

    return run
