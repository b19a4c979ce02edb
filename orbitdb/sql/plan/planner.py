"""The query planner: sqlglot query trees -> operator trees (plans.py), with
name resolution, predicate pushdown into table scans (primary-key and index
access paths), hash joins for equi-joins, grouping, windows, sorting, set
operations and CTEs."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.lockrows import LockRows, clause_name, lock_targets
from orbitdb.sql.exec.plans import (
    Aggregate,
    Append,
    Distinct,
    Filter,
    FunctionScan,
    Join,
    Limit,
    LimitTies,
    Materialized,
    Plan,
    Project,
    Recomputed,
    RecursiveUnion,
    Result1,
    SetOp,
    Sort,
    Strip,
    SubqueryScan,
    TableScan,
    ValuesScan,
    WindowAgg,
    WorkTableScan,
)
from orbitdb.sql.expr import funcregistry as R
from orbitdb.sql.expr.aggregates import AggCollector, _hashable
from orbitdb.sql.expr.compiler import Compiler, _type_column_name
from orbitdb.sql.expr.core import E, Runtime, coerce, const, ident, unify
from orbitdb.sql.expr.funccall import AGGREGATES, _ensure_library, call_by_name, normalize
from orbitdb.sql.expr.pycalls import is_session_aggregate
from orbitdb.sql.expr.routine_call import compile_user_call, no_user_function
from orbitdb.sql.expr.routine_call import returns_set as user_returns_set
from orbitdb.sql.expr.scope import STAR_INDEX, Scope, ScopeColumn
from orbitdb.sql.expr.srf_slots import SrfSlots, check_placement
from orbitdb.sql.expr.window import WindowCollector, check_window_clause
from orbitdb.sql.parse.parser import parse_one
from orbitdb.sql.plan import index_keys  # computes the keys of expression and partial indexes for storage
from orbitdb.sql.plan import subqueries as subq
from orbitdb.sql.plan.explain_costs import Estimator
from orbitdb.sql.plan.explain_names import ConditionText, EqualityText
from orbitdb.sql.plan.joinmethod import (
    SORT_KEYED_OIDS,
    SortableKey,
    choose_method,
    merge_on_sort_keys,
    ordered_by,
)
from orbitdb.sql.plan.joinorder import eligible_for_join_order, plan_join_order
from orbitdb.sql.plan.partition_bounds import Bound, load_bound
from orbitdb.sql.plan.permissions import PermissionSet
from orbitdb.sql.plan.record_functions import declares_columns, record_function_source
from orbitdb.sql.plan.recursive_cte import check_recursive_form, self_references
from orbitdb.sql.plan.subplan_explain import SubplanNote, attach_rest, explained_filter
from orbitdb.sql.plan.subqueries import SubLink
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import usertypes as U
from orbitdb.sql.types.casts import ASSIGNMENT
from orbitdb.sql.types.limits import INT4_MAX
from orbitdb.sql.types.sortkeys import equality_key, ordering_key, sort_key_fn
from orbitdb.storage.catalog import Catalog, TableDef
from orbitdb.storage.lockmodes import ACCESS_SHARE, ROW_SHARE
from orbitdb.storage.tables import TableAccess

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

Row = tuple[Any, ...]
_plan_ids = itertools.count(1)


@dataclass
class CTEInfo:
    name: str
    node: exp.Expression
    columns: list[str]
    plan: Plan | None = None
    out: list[ScopeColumn] | None = None
    key: int = 0
    recursive_ref: bool = False
    scope: Scope | None = None


@dataclass
class Output:
    """A planned query: its plan and its output columns (names and types)."""

    plan: Plan
    columns: list[ScopeColumn]


def split_and(node: exp.Expression | None) -> list[exp.Expression]:
    if node is None:
        return []
    if isinstance(node, exp.And):
        return split_and(node.this) + split_and(node.expression)
    if isinstance(node, exp.Paren) and isinstance(node.this, exp.And):
        return split_and(node.this)
    return [node]


def row_key_fn(types: list[SqlType]) -> Callable[[Row], Any]:
    """Hashable identity of a row for DISTINCT / set operations."""
    norms = [equality_key(t) for t in types]
    if all(n is None for n in norms) and not any(t.elem is not None or t.oid in (T.JSON.oid, T.JSONB.oid)
                                                 for t in types):
        return lambda r: r
    def key(r: Row) -> Any:
        return tuple(_hashable(n(v) if n is not None and v is not None else v) for n, v in zip(norms, r))

    return key


# catalogs PostgreSQL lets only superusers read (they hold password verifiers)
_SUPERUSER_CATALOGS = {"pg_authid": "table pg_authid", "pg_shadow": "view pg_shadow"}


def unique_cte_name(cte: exp.CTE, seen: set[str]) -> str:
    """The name of a WITH query, added to the names `seen` before it in its WITH list; a name
    given twice is PostgreSQL's error."""
    name = ident(cte.args["alias"].this)
    if name in seen:
        raise SqlError("42712", f'WITH query name "{name}" specified more than once')
    seen.add(name)
    return name


class Planner:
    def __init__(self, session: Session, catalog: Catalog, rt: Runtime) -> None:
        self.session = session
        self.catalog = catalog
        self.rt = rt
        self.tables_used: set[int] = set()
        self.scans: list[TableScan] = []  # every table scan of the statement
        self.relation_locks: dict[int, int] = {}  # oid -> mask of the lock modes a run takes
        self.permissions = PermissionSet()  # what a run needs the current role to hold
        # CREATE VIEW: write each * out as the columns it stands for, as PostgreSQL stores a view
        self.freeze_stars = False
        self.outer_refs: list[tuple[int, int]] = []  # (level, column) of each outer reference compiled
        self.subplans: list[SubplanNote] = []  # the subqueries compiled, for EXPLAIN (subplan_explain.py)
        self._search_schemas: list[str] | None = None  # lookup_table()'s, read once per statement

    def lock_relation(self, oid: int, mode: int) -> None:
        """Records that running the statement takes mode on the relation."""
        self.relation_locks[oid] = self.relation_locks.get(oid, 0) | (1 << mode)

    # ---- queries ----
    def plan_query(self, node: exp.Expression, parent: Scope | None = None,
                   ctes: dict[str, CTEInfo] | None = None) -> Output:
        ctes = dict(ctes or {})
        with_ = node.args.get("with_") or node.args.get("with")
        if with_ is not None:
            self._add_ctes(with_, parent, ctes)
        if isinstance(node, exp.Select):
            return self._plan_select(node, parent, ctes)
        if isinstance(node, (exp.Union, exp.Intersect, exp.Except)):
            return self._plan_setop(node, parent, ctes)
        if isinstance(node, exp.Values):
            return self._plan_values(node, parent, ctes)
        if isinstance(node, exp.Subquery):
            out = self.plan_query(node.this, parent, ctes)
            return self._order_limit_wrapper(node, out, parent, ctes)
        if isinstance(node, exp.Paren):
            return self.plan_query(node.this, parent, ctes)
        raise SqlError("0A000", f"unsupported query: {node.sql(dialect='postgres')[:60]}")

    def _add_ctes(self, with_: exp.With, parent: Scope | None, ctes: dict[str, CTEInfo]) -> None:
        recursive = bool(with_.args.get("recursive"))
        seen: set[str] = set()
        for cte in with_.expressions:
            alias = cte.args["alias"]
            name = unique_cte_name(cte, seen)
            cols = [ident(c) for c in alias.columns] if alias.columns else []
            info = CTEInfo(name, cte.this, cols, key=next(_plan_ids))
            body = cte.this
            if recursive and self_references(body, name):
                body = check_recursive_form(name, body)
            refs_before = len(self.outer_refs)
            if recursive and isinstance(body, exp.Union) and self_references(body.expression, name):
                self._plan_recursive_cte(info, body, parent, ctes)
            else:
                if isinstance(body, (exp.Insert, exp.Update, exp.Delete)):
                    raise SqlError("0A000", "WITH clause containing a data-modifying statement must be at the top level")
                out = self.plan_query(body, parent, ctes)
                info.out = self._rename(out.columns, cols, name)
                info.plan = Materialized(info.out, out.plan, info.key, name)
            if parent is not None and any(level <= parent.level for level, _ in self.outer_refs[refs_before:]):
                # it reads the enclosing query's row: computed per row, not once per statement
                assert isinstance(info.plan, Materialized)
                info.plan = Recomputed(info.plan.columns, info.plan.child, info.plan.key, name)
            ctes[name] = info

    def _plan_recursive_cte(self, info: CTEInfo, body: exp.Union, parent: Scope | None,
                            ctes: dict[str, CTEInfo]) -> None:
        base = self.plan_query(body.this, parent, ctes)
        cols = self._rename(base.columns, info.columns, info.name)
        info.out = cols
        info.recursive_ref = True
        work = WorkTableScan(cols, info.key, info.name)
        info.plan = work
        inner = dict(ctes)
        inner[info.name] = info
        step = self.plan_query(body.expression, parent, inner)
        if len(step.columns) != len(cols):
            raise SqlError("42601", "each UNION query must have the same number of columns")
        types = []
        conv_base: list[Callable[[Row], Any]] = []
        conv_step: list[Callable[[Row], Any]] = []
        for i, (bc, sc) in enumerate(zip(base.columns, step.columns)):
            t = bc.type if bc.type.oid != T.UNKNOWN.oid else T.TEXT
            types.append(t)
            conv_base.append(coerce(E(_get(i), bc.type), t).fn)
            try:
                conv_step.append(coerce(E(_get(i), sc.type), t).fn)
            except SqlError:
                raise SqlError("42804", f'recursive query "{info.name}" column {i + 1} has type {t.display()} in '
                               f"non-recursive term but type {sc.type.display()} overall",
                               hint="Cast the output of the non-recursive term to the correct type.") from None
        cols = [ScopeColumn(info.name, c.name, t) for c, t in zip(cols, types)]
        info.out = cols
        work.columns = cols
        rec = RecursiveUnion(base.plan, step.plan, info.key, not body.args.get("distinct"), cols, conv_base,
                             conv_step, row_key_fn(types))
        info.plan = Materialized(cols, rec, next(_plan_ids), info.name)
        info.recursive_ref = False

    def _rename(self, cols: list[ScopeColumn], names: list[str], rel: str) -> list[ScopeColumn]:
        if len(names) > len(cols):
            raise SqlError("42P10", f'table "{rel}" has {len(cols)} columns available but {len(names)} columns specified')
        out = []
        for i, c in enumerate(cols):
            out.append(ScopeColumn(rel, names[i] if i < len(names) else c.name, c.type))
        return out

    # ---- SELECT ----
    def _plan_select(self, sel: exp.Select, parent: Scope | None, ctes: dict[str, CTEInfo]) -> Output:
        level = parent.level + 1 if parent is not None else 0
        select_mark = len(self.subplans)
        scope = Scope([], parent=parent, level=level)
        scope.ctes = ctes
        scope.pk_columns = {}  # type: ignore[attr-defined]
        from_ = sel.args.get("from_") or sel.args.get("from")
        conjuncts = split_and(sel.args.get("where").this) if sel.args.get("where") else []
        if from_ is None:
            plan: Plan = Result1()
            if sel.args.get("joins"):
                raise SqlError("42601", "syntax error at or near \"JOIN\"")
        else:
            if eligible_for_join_order(self, from_.this, sel.args.get("joins") or []):  # cost-based join order
                plan, conjuncts = plan_join_order(self, from_.this, sel.args["joins"], scope, ctes, conjuncts)
            else:
                plan, conjuncts = self._plan_from(from_.this, sel.args.get("joins") or [], scope, ctes, conjuncts)
        locks = sel.args.get("locks")
        comp = Compiler(self, scope, self.rt, where="WHERE")
        for cj in conjuncts:
            sub_mark = len(self.subplans)
            e = comp.compile_bool(cj, "WHERE")
            plan = explained_filter(self, Filter(plan, e.fn, ConditionText(cj)), cj, sub_mark)

        # grouping
        group = sel.args.get("group")
        group_nodes = list(group.expressions) if group is not None else []
        having = sel.args.get("having")
        projections = self._expand_star(sel.expressions, scope)
        if self.freeze_stars and [id(p) for p in projections] != [id(e) for e in sel.expressions]:
            # (a * over one column expands to a list as long as the original)
            sel.set("expressions", projections)
        select_nodes = [p.this if isinstance(p, exp.Alias) else p for p in projections]
        aliases = {ident(p.args["alias"]): p.this for p in projections if isinstance(p, exp.Alias)}
        group_nodes = [self._resolve_group_ref(g, select_nodes, aliases, scope) for g in group_nodes]
        needs_agg = bool(group_nodes) or having is not None or any(
            self._has_aggregate(n) for n in select_nodes) or any(
            self._has_aggregate(o.this) for o in (sel.args.get("order").expressions if sel.args.get("order") else []))
        agg: AggCollector | None = None
        if needs_agg:
            gcomp = Compiler(self, scope, self.rt, where="GROUP BY")
            group_exprs = [gcomp.compile(g) for g in group_nodes]
            agg = AggCollector(Compiler(self, scope, self.rt, where="GROUP BY"), group_nodes, group_exprs)
        windows = check_window_clause(sel.args.get("windows") or [])
        base_width_holder: list[int] = [0]
        win = WindowCollector(lambda: base_width_holder[0], windows)
        out_comp = Compiler(self, scope, self.rt, agg=agg, win=win, where="")
        out_exprs: list[E] = []
        names: list[str] = []
        srf: list[int] = []
        slots: SrfSlots | None = None
        if any(self._holds_srf(_unparenthesized(n)) for n in select_nodes):
            # a set-returning call inside an expression: every call of the list runs as a slot
            for n in select_nodes:
                check_placement(n, self._is_srf)
            slots = out_comp.srf_slots = SrfSlots()
        for p, n in zip(projections, select_nodes):
            e = out_comp.compile(n)
            out_exprs.append(e)  # an unknown literal stays unknown: UNION and INSERT resolve it
            names.append(ident(p.args["alias"]) if isinstance(p, exp.Alias) else self._column_name(n, e))
            if slots is None and self._is_srf(n):
                srf.append(len(out_exprs) - 1)
        out_comp.srf_slots = None
        having_e = None
        if having is not None:
            hc = Compiler(self, scope, self.rt, agg=agg, where="HAVING")
            having_e = hc.compile_bool(having.this, "HAVING")
        # ORDER BY keys (compiled against the same rows as the select list)
        order = sel.args.get("order")
        distinct = sel.args.get("distinct")
        hidden: list[E] = []
        order_out_idx: list[int | None] = []
        if order is not None:
            for o in order.expressions:
                idx = self._order_ref(o.this, projections, names)
                if idx is None and distinct is not None:
                    idx = _same_column(o.this, projections, scope)
                if idx is not None:
                    order_out_idx.append(idx)
                    continue
                if distinct is not None and not distinct.args.get("on"):
                    raise SqlError("42P10", "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
                if self._is_srf(o.this) or self._holds_srf(o.this):
                    raise SqlError("0A000", "set-returning functions in ORDER BY are not supported by orbitdb",
                                   hint="Call the function in FROM and refer to its column.")
                e = out_comp.compile(o.this)
                if e.type.oid == T.UNKNOWN.oid:
                    e = coerce(e, T.TEXT)
                hidden.append(e)
                order_out_idx.append(None)
        distinct_on = self._distinct_on_keys(distinct, order, order_out_idx, projections, names, out_comp, hidden)
        if agg is not None:
            agg.freeze()
            base_width_holder[0] = agg.n_groups + len(agg.passthrough) + len(agg.specs)
            out_scope_cols = [ScopeColumn(None, f"g{i}", T.TEXT) for i in range(base_width_holder[0])]
            plan = Aggregate(plan, agg, bool(group_nodes), out_scope_cols)
        else:
            base_width_holder[0] = len(scope.columns)
        if having_e is not None:
            plan = Filter(plan, having_e.fn, having.this.sql(dialect="postgres"))
        if win.specs:
            plan = WindowAgg(plan, win)
        out_cols = [_output_column(nm, e, scope if agg is None else None) for nm, e in zip(names, out_exprs)]
        fns = [e.fn for e in out_exprs] + [h.fn for h in hidden]
        lock_node = None
        if locks:
            self._check_lockable(sel, locks, agg is not None, bool(win.specs), bool(srf) or slots is not None,
                                 from_ is None)
            targets = lock_targets(locks, scope, _nullable_rels(from_, sel.args.get("joins") or []), scope.tables)
            for t in targets:
                self.lock_relation(t.access.table.oid, ROW_SHARE)
            lock_node = LockRows(Result1(), targets, self._recheck_fn(sel, scope), list(fns))
            fns = fns + [_whole_row]
            hidden = hidden + [E(_whole_row, T.TEXT)]
        plan = Project(plan, fns, out_cols + [ScopeColumn(None, "?sort?", h.type, hidden=True) for h in hidden], srf,
                       slots.calls if slots is not None else None)
        if agg is None and not win.specs and slots is None:
            plan.batch_exprs = (select_nodes, scope)  # type: ignore[attr-defined]  # orbitdb/sql/batch/project.py
        attach_rest(self, plan, select_mark)
        width = len(out_exprs)
        if distinct is not None:
            if distinct_on is not None:
                # positions in the projected row: an output column, or a hidden one after them
                key_idx = [i if i is not None else width + h for i, h in distinct_on]  # type: ignore[operator]
                if order is not None:
                    plan = Sort(plan, self._sort_keys(order, order_out_idx, out_exprs, hidden, width))
                rk = row_key_fn([out_exprs[i].type if i is not None else hidden[h].type  # type: ignore[index]
                                 for i, h in distinct_on])
                # ORDER BY led by the DISTINCT ON keys makes equal keys neighbours
                order_pos = []
                h_seen = 0
                for i in order_out_idx:
                    order_pos.append(i if i is not None else width + h_seen)
                    h_seen += i is None
                if order is not None:
                    _check_distinct_on_order(order_pos, set(key_idx))
                else:  # as PostgreSQL's plan, which sorts by the keys to find the first row of each
                    types = [out_exprs[i].type if i is not None else hidden[h].type  # type: ignore[index]
                             for i, h in distinct_on]
                    plan = Sort(plan, [(_get(p), False, False, ordering_key(t)) for p, t in zip(key_idx, types)])
                adjacent = order is None or set(order_pos[:len(key_idx)]) == set(key_idx)
                plan = Distinct(plan, lambda r, ki=key_idx, rk=rk: rk(tuple(r[i] for i in ki)), adjacent)
                order = None
            else:
                rk = row_key_fn([e.type for e in out_exprs])
                plan = Distinct(plan, lambda r, w=width, rk=rk: rk(r[:w]))
        order_keys = self._sort_keys(order, order_out_idx, out_exprs, hidden, width) if order is not None else None
        if order_keys is not None and not _order_by_scan(plan, order, order_out_idx, out_exprs, hidden):
            plan = Sort(plan, order_keys)
        if lock_node is not None:
            lock_node.child = plan
            plan = lock_node
        plan = self._limit(sel, plan, scope, order_keys)
        if hidden:
            plan = Strip(plan, width, out_cols)
        return Output(plan, out_cols)

    def _check_lockable(self, sel: exp.Select, locks: list[exp.Lock], grouped: bool, windowed: bool, srf: bool,
                        no_from: bool) -> None:
        what = clause_name(locks)
        if sel.args.get("distinct") is not None:
            raise SqlError("0A000", f"{what} is not allowed with DISTINCT clause")
        if sel.args.get("group") is not None:
            raise SqlError("0A000", f"{what} is not allowed with GROUP BY clause")
        if sel.args.get("having") is not None:
            raise SqlError("0A000", f"{what} is not allowed with HAVING clause")
        if grouped:
            raise SqlError("0A000", f"{what} is not allowed with aggregate functions")
        if windowed:
            raise SqlError("0A000", f"{what} is not allowed with window functions")
        if srf:
            raise SqlError("0A000", f"{what} is not allowed with set-returning functions in the target list")

    def _recheck_fn(self, sel: exp.Select, scope: Scope) -> Callable[[Row], Any] | None:
        """WHERE and inner-join conditions over the scan row: what a re-read row must still meet."""
        parts = split_and(sel.args.get("where").this) if sel.args.get("where") else []
        for j in sel.args.get("joins") or []:
            if j.args.get("on") is not None and not j.args.get("side"):
                parts.extend(split_and(j.args["on"]))
        if not parts:
            return None
        comp = Compiler(self, scope, self.rt, where="WHERE")
        return all_true([comp.compile_bool(p, "WHERE").fn for p in parts])

    def _distinct_on_keys(self, distinct: exp.Expression | None, order: exp.Order | None,
                          order_out_idx: list[int | None], projections: list[exp.Expression], names: list[str],
                          comp: Compiler, hidden: list[E]) -> list[tuple[int | None, int | None]] | None:
        """The keys of DISTINCT ON, each (output column, None) or (None, hidden column): an expression
        the select list does not have is computed beside it (as an ORDER BY key is), or taken from
        the ORDER BY key of the same text. None without DISTINCT ON."""
        on = distinct.args.get("on") if distinct is not None else None
        if on is None:
            return None
        order_hidden = [o.this.sql(dialect="postgres") for o, i in
                        zip(order.expressions if order is not None else [], order_out_idx) if i is None]
        keys: list[tuple[int | None, int | None]] = []
        if isinstance(on, exp.Tuple) and not on.expressions:
            raise SqlError("42601", 'syntax error at or near ")"')
        for n in on.expressions if isinstance(on, exp.Tuple) else [on]:
            if _is_ordinal(n) and not 1 <= _ordinal(n, "DISTINCT ON") <= len(projections):
                raise SqlError("42P10", f"DISTINCT ON position {_ordinal(n, 'DISTINCT ON')} is not in select list")
            idx = self._order_ref(n, projections, names)
            if idx is not None:
                keys.append((idx, None))
                continue
            text = n.sql(dialect="postgres")
            if text in order_hidden:
                keys.append((None, order_hidden.index(text)))
                continue
            if self._is_srf(n) or self._holds_srf(n):
                raise SqlError("0A000", "set-returning functions in DISTINCT ON are not supported by orbitdb")
            e = comp.compile(n)
            hidden.append(coerce(e, T.TEXT) if e.type.oid == T.UNKNOWN.oid else e)
            keys.append((None, len(hidden) - 1))
        return keys

    def _sort_keys(self, order: exp.Order, idxs: list[int | None], out_exprs: list[E], hidden: list[E],
                   width: int) -> list[tuple[Callable[[Row], Any], bool, bool, Any]]:
        keys = []
        h = 0
        for o, idx in zip(order.expressions, idxs):
            if idx is not None:
                t = out_exprs[idx].type
                pos = idx
            else:
                t = hidden[h].type
                pos = width + h
                h += 1
            desc = bool(o.args.get("desc"))
            nf = o.args.get("nulls_first")
            keys.append((_get(pos), desc, bool(nf) if nf is not None else desc, ordering_key(t)))
        return keys

    def _limit(self, node: exp.Expression, plan: Plan, scope: Scope | None,
               order_keys: list[tuple[Callable[[Row], Any], bool, bool, Any]] | None) -> Plan:
        """LIMIT/OFFSET/FETCH over plan; order_keys are the ORDER BY keys (None without one),
        the peers FETCH ... WITH TIES adds."""
        limit = node.args.get("limit")
        offset = node.args.get("offset")
        if limit is None and offset is None:
            return plan
        options = limit.args.get("limit_options") if isinstance(limit, exp.Fetch) else None
        if options is not None and options.args.get("percent"):  # another dialect's; not PostgreSQL's grammar
            raise SqlError("42601", 'syntax error at or near "PERCENT"')
        with_ties = options is not None and bool(options.args.get("with_ties"))
        if with_ties:
            if order_keys is None:
                raise SqlError("42601", "WITH TIES cannot be specified without ORDER BY clause")
            if any(lock.args.get("wait") is False for lock in node.args.get("locks") or []):
                raise SqlError("42601", "SKIP LOCKED and WITH TIES options cannot be used together")
            if isinstance(limit.args.get("count"), exp.Null):
                raise SqlError("2201W", "row count cannot be null in FETCH FIRST ... WITH TIES clause")
        c = Compiler(self, scope or Scope(), self.rt, where="LIMIT")
        lf = None
        if limit is not None:
            if isinstance(limit, exp.Fetch):
                le = limit.args.get("count") or exp.Literal.number(1)
            else:
                le = limit.expression if isinstance(limit, exp.Limit) else limit
            if isinstance(le, exp.Var) and le.name.upper() == "ALL":
                lf = None
            else:
                lf = _limit_argument(c, le, "LIMIT")  # as PostgreSQL: LIMIT 1.5 is 2
        of = None
        if offset is not None:
            oe = offset.expression if isinstance(offset, exp.Offset) else offset
            of = _limit_argument(c, oe, "OFFSET")
        if with_ties and lf is not None and order_keys is not None:
            return LimitTies(plan, lf, of, order_keys)
        return Limit(plan, lf, of)

    def _order_ref(self, node: exp.Expression, projections: list[exp.Expression], names: list[str]) -> int | None:
        """An ORDER BY / DISTINCT ON item that names an output column (ordinal or alias)."""
        if _is_ordinal(node):
            n = _ordinal(node, "ORDER BY")
            if n < 1 or n > len(projections):
                raise SqlError("42P10", f"ORDER BY position {n} is not in select list")
            return n - 1
        if isinstance(node, exp.Column) and not node.table:
            name = ident(node.this)
            hits = [i for i, p in enumerate(projections) if isinstance(p, exp.Alias) and ident(p.args["alias"]) == name]
            if len(hits) == 1:
                return hits[0]
        sql = node.sql(dialect="postgres")
        for i, p in enumerate(projections):
            inner = p.this if isinstance(p, exp.Alias) else p
            if inner.sql(dialect="postgres") == sql:
                return i
        return None

    def _resolve_group_ref(self, g: exp.Expression, select_nodes: list[exp.Expression],
                           aliases: dict[str, exp.Expression], scope: Scope) -> exp.Expression:
        if _is_ordinal(g):
            n = _ordinal(g, "GROUP BY")
            if n < 1 or n > len(select_nodes):
                raise SqlError("42P10", f"GROUP BY position {n} is not in select list")
            return select_nodes[n - 1]
        if isinstance(g, exp.Column) and not g.table:
            name = ident(g.this)
            if scope.find(name, None) is None and name in aliases:
                return aliases[name]
        return g

    def _has_aggregate(self, node: exp.Expression) -> bool:
        for n in node.walk(bfs=False):
            if isinstance(n, (exp.Subquery, exp.Select)) and n is not node:
                continue
            if isinstance(n, exp.Window):
                continue
            if isinstance(n, exp.Func) and not isinstance(n, exp.Window):
                parent = n.parent
                if isinstance(parent, exp.Window) or (isinstance(parent, exp.Filter) and
                                                      isinstance(parent.parent, exp.Window)):
                    continue
                if self._inside_subquery(n, node):
                    continue
                try:
                    name = normalize(n)[0]
                except Exception:  # noqa: BLE001, S112 - a node sqlglot cannot name is no aggregate
                    continue
                if name in AGGREGATES or is_session_aggregate(self.session, name):
                    return True
        return False

    def _inside_subquery(self, n: exp.Expression, root: exp.Expression) -> bool:
        if n is root:
            return False
        p = n.parent
        while p is not None and p is not root:
            if isinstance(p, (exp.Subquery, exp.Select, exp.Exists)):
                return True
            p = p.parent
        return False

    def _holds_srf(self, node: exp.Expression) -> bool:
        """Whether a set-returning function is inside the expression (subqueries aside)."""
        node = _schema_call(node)
        for child in node.iter_expressions():
            if isinstance(child, (exp.Select, exp.Subquery, exp.Union)):
                continue
            if self._is_srf(child) or self._holds_srf(child):
                return True
        return False

    def _is_srf(self, node: exp.Expression) -> bool:
        while isinstance(node, exp.Paren):
            node = node.this
        schema = ident(node.this) if isinstance(node, exp.Dot) and isinstance(node.this, exp.Identifier) else None
        node = _schema_call(node)
        if isinstance(node, exp.Func) and not isinstance(node, exp.Window):
            try:
                name = normalize(node)[0]
            except Exception:  # noqa: BLE001 - a node sqlglot cannot name is no set-returning function
                return False
            _ensure_library()
            fd = R.FUNCTIONS.get(name)
            if fd is None or schema not in (None, "pg_catalog"):
                return user_returns_set(self.session, self.catalog, name, schema)
            return fd.set_returning
        return False

    def _column_name(self, node: exp.Expression, e: E) -> str:
        name = figure_colname(node)
        return name if name is not None else "?column?"

    def _expand_star(self, exprs: list[exp.Expression], scope: Scope) -> list[exp.Expression]:
        out: list[exp.Expression] = []
        for e in exprs:
            if isinstance(e, exp.Star):
                order = getattr(scope, "star", None)
                if order is None:
                    order = [i for i, c in enumerate(scope.columns) if not c.hidden and not c.using_merged]
                if not scope.columns:
                    raise SqlError("42601", "SELECT * with no tables specified is not valid")
                for i in order:
                    out.append(_col_node(scope.columns[i], i))
            elif isinstance(e, exp.Column) and isinstance(e.this, exp.Star):
                rel = ident(e.args["table"])
                found = [i for i, c in enumerate(scope.columns) if c.rel == rel and not c.hidden]
                if not found and rel not in scope.rels:
                    raise SqlError("42P01", f'missing FROM-clause entry for table "{rel}"')
                for i in found:
                    out.append(_col_node(scope.columns[i], i))
            else:
                out.append(e)
        return out

    # ---- FROM ----
    def _plan_from(self, first: exp.Expression, joins: list[exp.Join], scope: Scope, ctes: dict[str, CTEInfo],
                   conjuncts: list[exp.Expression]) -> tuple[Plan, list[exp.Expression]]:
        items: list[tuple[Plan, list[ScopeColumn], str | None]] = []
        plan, cols, rel = self._plan_source(first, scope, ctes, lateral_scope=None)
        scope.columns.extend(cols)
        if rel:
            if rel in scope.rels:
                raise SqlError("42712", f'table name "{rel}" specified more than once')
            scope.rels.add(rel)
        items.append((plan, cols, rel))
        pushed_all_inner = not joins or all(self._join_kind(j) in ("inner", "cross") for j in joins)
        remaining = list(conjuncts)
        if not joins:
            plan, remaining = self._pushdown(plan, scope, remaining)
            return plan, remaining
        # pushdown of single-relation predicates for inner-only join trees
        plan0 = plan
        if pushed_all_inner:
            plan0, remaining = self._pushdown(plan, scope, remaining, only_rel=rel)
        plan = plan0
        for j in joins:
            kind = self._join_kind(j)
            if ("pivots" in j.args and kind == "cross" and not j.args.get("kind") and
                    not isinstance(j.this, exp.Lateral)):
                raise SqlError("42601", "syntax error at end of input")
            target = j.this
            lateral = isinstance(target, exp.Lateral) or (
                isinstance(target, exp.Subquery) and False)
            left_width = len(scope.columns)
            group = _join_group(target)
            if group is not None:
                # a parenthesized join, `a LEFT JOIN (b JOIN c ON ...) ON ...`: joined first, its
                # relations keeping their own names
                rplan, rcols, group_rels = self._plan_join_group(group, scope, ctes)
                rrel = None
            else:
                rplan, rcols, rrel = self._plan_source(target, scope, ctes,
                                                       lateral_scope=scope if lateral or self._is_function_source(target)
                                                       else None)
                group_rels = {rrel} if rrel else set()
            lateral = lateral or self._source_is_correlated(rplan, target)
            for name in sorted(group_rels & scope.rels):
                raise SqlError("42712", f'table name "{name}" specified more than once')
            # predicates on the right relation alone can go into its scan (inner joins)
            right_scope = Scope(list(rcols), parent=scope.parent, level=scope.level)
            right_scope.rels = set(group_rels)
            if pushed_all_inner and not lateral and group is None:
                rplan, remaining = self._pushdown(rplan, right_scope, remaining, only_rel=rrel, ctx_scope=scope)
            using = j.args.get("using")
            natural = (j.args.get("method") or "").upper() == "NATURAL" if isinstance(j.args.get("method"), str) else \
                bool(j.args.get("method")) and str(j.args.get("method")).upper() == "NATURAL"
            on = j.args.get("on")
            new_cols = list(rcols)
            join_conds: list[tuple[int, int, SqlType, SqlType]] = []
            if natural:
                left_names = {c.name for c in scope.columns if not c.hidden}
                using_names = [c.name for c in rcols if c.name in left_names and not c.hidden]
            elif using:
                using_names = [ident(u) if isinstance(u, exp.Identifier) else ident(u.this) for u in using]
            else:
                using_names = []
            for name in using_names:
                li = scope.find(name, None)
                ri = next((k for k, c in enumerate(rcols) if c.name == name), None)
                if li is None or ri is None:
                    side = "left" if li is None else "right"
                    raise SqlError("42703", f'column "{name}" specified in USING clause does not exist in {side} table')
                join_conds.append((li, left_width + ri, scope.columns[li].type, rcols[ri].type))
            scope.columns.extend(new_cols)
            scope.rels.update(group_rels)
            comp = Compiler(self, scope, self.rt, where="JOIN conditions")
            cond_fn = None
            hash_keys = None
            batch_keys: list[tuple[int | None, int | None]] | None = None
            cond_parts: list[Callable[[Row], Any]] = []
            lk: list[Callable[[Row], Any]] = []
            rk: list[Callable[[Row], Any]] = []
            key_sql: list[object] = []  # EXPLAIN's Hash Cond, one equality per key
            filter_sql: list[object] = []  # EXPLAIN's Join Filter
            key_columns: list[tuple[ScopeColumn, ScopeColumn]] = []
            for li, ri, lt, rt_ in join_conds:
                key_sql.append(EqualityText(scope.columns[li], scope.columns[ri]))
                key_columns.append((scope.columns[li], scope.columns[ri]))
                le, re_ = E(_get(li), lt), E(_get(ri - left_width), rt_)
                try:
                    le2, re2, _ = unify(le, re_)
                except SqlError:
                    raise SqlError("42883", f"operator does not exist: {lt.display()} = {rt_.display()}") from None
                lk.append(le2.fn)
                rk.append(re2.fn)
            if using_names:
                # SELECT * lists the merged USING columns first, then the rest of each side
                prev = getattr(scope, "star", None)
                left_vis = prev if prev is not None else [i for i in range(left_width)
                                                          if not scope.columns[i].hidden and
                                                          not scope.columns[i].using_merged]
                lmerged = [li for li, _, _, _ in join_conds]
                rmerged = [ri for _, ri, _, _ in join_conds]
                if kind == "full":
                    first = list(range(len(scope.columns), len(scope.columns) + len(join_conds)))
                elif kind == "right":
                    first = rmerged
                else:
                    first = lmerged
                right_vis = [left_width + k for k, c in enumerate(rcols) if not c.hidden]
                scope.star = first + [i for i in left_vis if i not in lmerged] + [  # type: ignore[attr-defined]
                    i for i in right_vis if i not in rmerged]
                merged = []
                for li, ri, lt, rt_ in join_conds:
                    if kind in ("right",):
                        scope.columns[li].using_merged = True
                    elif kind == "full":
                        scope.columns[li].using_merged = True
                        scope.columns[ri].using_merged = True
                        merged.append((li, ri))
                    else:
                        scope.columns[ri].using_merged = True
                if merged:
                    for li, _ri in merged:
                        scope.columns.append(ScopeColumn(None, scope.columns[li].name, scope.columns[li].type))
                    # computed coalesce columns are appended after the join (see below)
            sortable: list[SortableKey] = []  # equalities a merge join could take (no hash key)
            compiled_rest: list[tuple[exp.Expression, Callable[[Row], Any], object]] = []
            if on is None and kind == "cross" and not using_names and not lateral:
                # FROM a, b WHERE a.x = b.y: take the equalities from WHERE as join keys (those
                # without a hash key as the join's conditions, which a merge join may take)
                keep = []
                for cj in remaining:
                    found = len(sortable)
                    pairs, _ = self._equi_pairs([cj], scope, left_width, len(rcols) + left_width, key_sql,
                                                key_columns, sortable)
                    if pairs:
                        for le2, re2 in pairs:
                            lk.append(le2.fn)
                            rk.append(_shift(re2.fn, left_width))
                    elif len(sortable) > found:
                        cond_parts.append(comp.compile_bool(cj, "WHERE").fn)
                        filter_sql.append(ConditionText(cj))
                        compiled_rest.append((cj, cond_parts[-1], filter_sql[-1]))
                    else:
                        keep.append(cj)
                if len(keep) != len(remaining):
                    remaining = keep
                    kind = "inner"
            if on is not None:
                on_parts = split_and(on)
                eq_pairs, rest = self._equi_pairs(on_parts, scope, left_width, len(rcols) + left_width, key_sql,
                                                  key_columns, sortable)
                for le2, re2 in eq_pairs:
                    lk.append(le2.fn)
                    rk.append(_shift(re2.fn, left_width))
                if len(lk) == len(eq_pairs) and not rest:  # keys of a join on batches (orbitdb/sql/batch)
                    batch_keys = [(le2.src, re2.src) for le2, re2 in eq_pairs]
                for part in rest:
                    cond_parts.append(comp.compile_bool(part, "JOIN/ON").fn)
                    filter_sql.append(ConditionText(part))
                    compiled_rest.append((part, cond_parts[-1], filter_sql[-1]))
            if lk and not lateral:
                hash_keys = (lk, rk)
            elif lk:
                for lf, rf in zip(lk, rk):
                    cond_parts.append(_eq_fn(lf, _unshift(rf, left_width)))
                filter_sql[:0] = key_sql
            if cond_parts:
                cond_fn = all_true(cond_parts)
            if kind == "cross" and (using_names or on is not None):
                kind = "inner"
            plan = Join(plan, rplan, kind if kind != "cross" else "inner", cond_fn, scope.level, lateral, hash_keys,
                        len(rcols), left_width, key_sql, filter_sql)
            plan.batch_keys = batch_keys  # type: ignore[attr-defined]
            if hash_keys is not None:
                plan.key_columns = key_columns
                plan = self._join_method(plan)
            elif sortable and not lateral:
                plan = self._sorted_merge(plan, sortable, compiled_rest, left_width)
            if using_names and kind == "full":
                # the merged USING columns of a FULL join are COALESCE(left, right)
                plan = _MergedUsing(plan, list(scope.columns), [(li, ri) for li, ri, _, _ in join_conds])
        return plan, remaining

    def _join_method(self, join: Join) -> Join:
        """A hash join of two relations as the method that costs least (plan/joinmethod.py)."""
        def estimate() -> tuple[float, float, float]:
            est = Estimator(getattr(self.session, "store", None))
            return est.of(join.left).rows, est.of(join.right).rows, est.of(join).rows

        return choose_method(join, self.session.settings, estimate)

    def _sorted_merge(self, join: Join, sortable: list[SortableKey],
                      rest: list[tuple[exp.Expression, Callable[[Row], Any], object]], left_width: int) -> Join:
        """A nested loop on equalities that have no hash key (numeric, float) as a merge join on
        them when that costs less (plan/joinmethod.py)."""
        merged = {id(k.node) for k in sortable}
        others = [(fn, sql) for part, fn, sql in rest if id(part) not in merged]
        keys = [SortableKey(k.left, _shift(k.right, left_width), k.normaliser, k.text, k.node) for k in sortable]
        est = Estimator(getattr(self.session, "store", None))
        lrows, rrows = est.of(join.left).rows, est.of(join.right).rows
        return merge_on_sort_keys(join, keys, all_true([f for f, _ in others]) if others else None,
                                  [sql for _, sql in others], self.session.settings, lrows, rrows, est.of(join).rows)

    def _plan_join_group(self, group: tuple[exp.Expression, list[exp.Join]], scope: Scope,
                         ctes: dict[str, CTEInfo]) -> tuple[Plan, list[ScopeColumn], set[str]]:
        """The plan and columns of a parenthesized join, and the names of its relations."""
        first, joins = group
        inner = Scope([], parent=scope.parent, level=scope.level)
        inner.ctes = scope.ctes
        inner.pk_columns = getattr(scope, "pk_columns", {})  # type: ignore[attr-defined]  (shared: keys of every relation)
        plan, _ = self._plan_from(first, joins, inner, ctes, [])
        scope.tables.update(inner.tables)
        return plan, list(inner.columns), set(inner.rels)

    def _equi_pairs(self, parts: list[exp.Expression], scope: Scope, left_width: int,
                    total: int, texts: list[object], columns: list[tuple[ScopeColumn, ScopeColumn]],
                    sortable: list[SortableKey] | None = None) -> tuple[list[tuple[E, E]], list[exp.Expression]]:
        """The equalities of a left and a right column among parts (each pair's text, left first,
        appended to texts, its columns to columns) and the other parts. Those among the other
        parts that a merge join could take as keys (compared by their sort key) go to sortable."""
        pairs: list[tuple[E, E]] = []
        rest: list[exp.Expression] = []
        comp = Compiler(self, scope, self.rt, where="JOIN conditions")
        for p in parts:
            if isinstance(p, exp.EQ) and isinstance(p.this, exp.Column) and isinstance(p.expression, exp.Column):
                a = self._col_index(p.this, scope)
                b = self._col_index(p.expression, scope)
                if a is not None and b is not None and (a < left_width) != (b < left_width):
                    if a >= left_width:
                        a, b = b, a
                    ea = E(_get(a), scope.columns[a].type)
                    eb = E(_get(b), scope.columns[b].type)
                    try:
                        ea2, eb2, t = unify(ea, eb)
                    except SqlError:
                        rest.append(p)
                        continue
                    if sort_key_fn(t) is None and t.oid not in (T.JSON.oid,):
                        if ea2 is ea and eb2 is eb:  # columns compared as they are: batch joins read them
                            ea2.src, eb2.src = a, b
                        pairs.append((ea2, eb2))
                        texts.append(EqualityText(scope.columns[a], scope.columns[b]))
                        columns.append((scope.columns[a], scope.columns[b]))
                        continue
                    if sortable is not None and t.oid in SORT_KEYED_OIDS:
                        sortable.append(SortableKey(ea2.fn, eb2.fn, sort_key_fn(t),
                                                    EqualityText(scope.columns[a], scope.columns[b]), p))
            rest.append(p)
        del comp
        return pairs, rest

    def _col_index(self, col: exp.Column, scope: Scope) -> int | None:
        try:
            idx = scope.find(ident(col.this), ident(col.args["table"]) if col.table else None)
        except SqlError:
            return None
        return idx

    def _join_kind(self, j: exp.Join) -> str:
        side = (j.args.get("side") or "").upper() if isinstance(j.args.get("side"), str) else str(j.args.get("side") or "").upper()
        kind = (j.args.get("kind") or "").upper() if isinstance(j.args.get("kind"), str) else str(j.args.get("kind") or "").upper()
        if side == "LEFT":
            return "left"
        if side == "RIGHT":
            return "right"
        if side == "FULL":
            return "full"
        if kind == "CROSS":
            return "cross"
        if not j.args.get("on") and not j.args.get("using") and not j.args.get("method"):
            return "cross"
        return "inner"

    def _is_function_source(self, node: exp.Expression) -> bool:
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Func):
            return True
        return isinstance(node, exp.Unnest)

    def _source_is_correlated(self, plan: Plan, node: exp.Expression) -> bool:
        return bool(getattr(plan, "correlated", False))

    def _pushdown(self, plan: Plan, scope: Scope, conjuncts: list[exp.Expression], only_rel: str | None = None,
                  ctx_scope: Scope | None = None) -> tuple[Plan, list[exp.Expression]]:
        """Moves predicates that reference only this relation into its scan, choosing
        a primary-key or index access path when one applies."""
        if isinstance(plan, Append) and not plan.renamed:  # type: ignore[attr-defined]
            return self._pushdown_append(plan, scope, conjuncts, only_rel)
        if not isinstance(plan, TableScan):
            if only_rel is None and not isinstance(plan, (Result1,)):
                comp = Compiler(self, scope, self.rt, where="WHERE")
                rest = []
                for cj in conjuncts:
                    if self._local_to(cj, scope, only_rel):
                        e = comp.compile_bool(cj, "WHERE")
                        plan = Filter(plan, e.fn, cj.sql(dialect="postgres"))
                    else:
                        rest.append(cj)
                return plan, rest
            return plan, conjuncts
        local, rest = self._split_local(conjuncts, scope, only_rel)
        if not local:
            return plan, rest
        self._filter_scan(plan, local, scope, Compiler(self, scope, self.rt, where="WHERE"))
        return plan, rest

    def _filter_scan(self, scan: TableScan, local: list[exp.Expression], scope: Scope, comp: Compiler) -> None:
        """Puts `local`'s conditions on `scan`: its access path, and a filter of the rest."""
        fns = [comp.compile_bool(cj, "WHERE").fn for cj in local]
        scan.filter_sql = [ConditionText(cj) for cj in local]
        in_key = self._choose_access(scan, local, scope, comp)
        # a condition the key lookup answers exactly is not checked again on each row
        kept = [f for i, f in enumerate(fns) if i not in in_key]
        scan.filter = all_true(kept) if kept else None
        scan.batch_filter = ([cj for i, cj in enumerate(local) if i not in in_key], scope)  # orbitdb/sql/batch

    def _split_local(self, conjuncts: list[exp.Expression], scope: Scope, only_rel: str | None
                     ) -> tuple[list[exp.Expression], list[exp.Expression]]:
        """The conditions a scan of `scope` can check itself, and the rest."""
        local: list[exp.Expression] = []
        rest: list[exp.Expression] = []
        for cj in conjuncts:
            (local if self._local_to(cj, scope, only_rel) else rest).append(cj)
        return local, rest

    def _pushdown_append(self, plan: Append, scope: Scope, conjuncts: list[exp.Expression], only_rel: str | None
                         ) -> tuple[Plan, list[exp.Expression]]:
        """A partitioned (or inherited) table's conditions go into each part's scan (with its own
        access path), and skip the partitions whose bounds no row meeting them could be in."""
        local, rest = self._split_local(conjuncts, scope, only_rel)
        if not local:
            return plan, rest
        rel = plan.parts[0][0].alias if plan.parts else None
        for (scan, _, _), bounds, tests in zip(plan.parts, plan.bounds, plan.prune):  # type: ignore[attr-defined]
            part_scope = Scope(list(scan.columns), parent=scope.parent, level=scope.level)
            part_scope.rels = set(scope.rels)
            part_scope.ctes = scope.ctes
            comp = Compiler(self, part_scope, self.rt, where="WHERE")
            self._filter_scan(scan, local, part_scope, comp)
            if bounds and rel is not None:
                tests.extend(self._prune_tests(local, rel, bounds, comp))
        return plan, rest

    def _prune_tests(self, local: list[exp.Expression], rel: str, bounds: list[tuple[str, Bound, bool]],
                     comp: Compiler) -> list[Callable[[], bool]]:
        tests: list[Callable[[], bool]] = []
        for cj in local:
            for col, op, val in self._simple_predicates(cj, rel):
                for key_col, bound, single in bounds:
                    if col != key_col or not self._is_param_or_outer(val):
                        continue
                    hit = comp.scope.find(col, None)
                    if hit is None:
                        continue
                    try:
                        value = coerce(comp.compile(val), comp.scope.columns[hit].type).fn
                    except SqlError:
                        continue

                    def test(value: Callable[[Row], Any] = value, bound: Bound = bound, op: str = op,
                             single: bool = single) -> bool:
                        v = value(())
                        return v is None or bound.may_hold(op, v, single)
                    tests.append(test)
        return tests

    def _local_to(self, cj: exp.Expression, scope: Scope, rel: str | None) -> bool:
        """Whether cj references only columns of scope (and outer queries), no subqueries."""
        for n in cj.walk():
            if isinstance(n, (exp.Select, exp.Subquery, exp.Exists)):
                return False
            if isinstance(n, exp.Func) and self._has_aggregate(n):
                return False
            if isinstance(n, exp.Column) and not isinstance(n.this, exp.Star):
                name = ident(n.this)
                r = ident(n.args["table"]) if n.table else None
                try:
                    idx = scope.find(name, r)
                except SqlError:
                    return False
                if idx is None:
                    if r is not None and r in scope.rels:
                        return False
                    # an outer reference or a column of another relation
                    if scope.parent is not None and scope.parent.resolve(name, r) is not None and (
                            r is None or not any(c.rel == r for c in scope.columns)):
                        continue
                    return False
        return True

    def _choose_access(self, scan: TableScan, local: list[exp.Expression], scope: Scope, comp: Compiler) -> set[int]:
        """Points the scan at a primary-key point or range, or an index, from local's simple
        conditions; returns the positions in local of the conditions the chosen key answers
        exactly (`col = value` on a key column whose key encoding equals SQL equality)."""
        table = scan.access.table
        eq: dict[str, E] = {}
        eq_from: dict[str, int] = {}  # the conjunct each eq value came from, when it is just that
        lo: dict[str, tuple[E, bool]] = {}
        hi: dict[str, tuple[E, bool]] = {}
        # expression index keys, by their normalized text: (the name the key goes by here, its type)
        expr_keys = index_keys.expression_keys(table, self.catalog)
        usable = [e for e in scan.access.indexes
                  if e[0].predicate is None or index_keys.implies(local, e[0].predicate, scan.alias)]
        # a range bound's conjunct, when the bound answers it exactly (see ranged_answered)
        lo_from: dict[str, int] = {}
        hi_from: dict[str, int] = {}
        bounds_of: dict[int, int] = {}  # conjunct -> how many bounds it gave
        for n_cj, cj in enumerate(local):
            found = [(col, op, val, None) for col, op, val in self._simple_predicates(cj, scan.alias)]
            found += index_keys.expression_predicates(cj, scan.alias, expr_keys) if expr_keys else []
            bounds_of[n_cj] = len(found)
            for col, op, val, key_type in found:
                c = table.column(col)
                if c is None and key_type is None:
                    continue
                ct = key_type if key_type is not None else U.stored_type(self.catalog, c.type).sql  # type: ignore[union-attr]
                if op != "=" and ct.labels is not None:
                    continue  # index keys hold labels in text order, not the enum's order
                try:
                    ve = comp.compile(val)
                    if not (ve.const or self._is_param_or_outer(val)):
                        continue
                    if T.strip(ve.type) != T.strip(ct) and ve.type.oid != T.UNKNOWN.oid:
                        if not (ve.type.oid in T.INTEGER_TYPES and ct.oid in T.INTEGER_TYPES):
                            continue
                        if T.NUMERIC_RANK[ve.type.oid] > T.NUMERIC_RANK[ct.oid]:
                            continue
                    ve = coerce(ve, T.strip(ct))
                except SqlError:
                    continue
                if op == "=":
                    eq[col] = ve
                    if isinstance(cj, exp.EQ) and T.strip(ct).oid in _KEY_ORDERED_OIDS:
                        eq_from[col] = n_cj
                    else:
                        eq_from.pop(col, None)
                elif op in (">", ">="):
                    lo[col] = (ve, op == ">=")
                    _note_bound(lo_from, col, n_cj, key_type is None and T.strip(ct).oid in _RANGE_EXACT_OIDS)
                elif op in ("<", "<="):
                    hi[col] = (ve, op == "<=")
                    _note_bound(hi_from, col, n_cj, key_type is None and T.strip(ct).oid in _RANGE_EXACT_OIDS)
        def answered(cols: Sequence[str]) -> set[int]:
            return {eq_from[c] for c in cols if c in eq_from}

        def ranged_answered(col: str | None) -> set[int]:
            """The conjuncts whose every bound is the key range's bound on col: the range
            reads exactly the rows they pass (integer keys: key order is SQL order)."""
            if col is None:
                return set()
            used = [lo_from.get(col), hi_from.get(col)]
            return {n for n in used if n is not None and used.count(n) == bounds_of[n]}

        pk = table.primary_key
        if pk and all(c in eq for c in pk):
            scan.mode = "pk_point"
            scan.key_fns = [eq[c].fn for c in pk]
            return answered(pk)
        if pk:
            prefix = []
            for c in pk:
                if c in eq:
                    prefix.append(eq[c].fn)
                else:
                    break
            nxt = pk[len(prefix)] if len(prefix) < len(pk) else None
            if prefix or (nxt is not None and (nxt in lo or nxt in hi)):
                scan.mode = "pk_range"
                scan.key_fns = prefix
                if nxt is not None and (nxt in lo or nxt in hi):
                    lo_e = lo.get(nxt)
                    hi_e = hi.get(nxt)
                    scan.range = (lo_e[0].fn if lo_e else None, lo_e[1] if lo_e else True,
                                  hi_e[0].fn if hi_e else None, hi_e[1] if hi_e else True)
                    return answered(pk[:len(prefix)]) | ranged_answered(nxt)
                return answered(pk[:len(prefix)])
        best = None
        for ix, cols, prefix_bytes in usable:
            names = index_keys.key_names(ix)
            n = 0
            for c in names:
                if c in eq:
                    n += 1
                else:
                    break
            nxt = names[n] if n < len(names) else None
            ranged = nxt is not None and (nxt in lo or nxt in hi)
            score = n * 2 + (1 if ranged else 0) + (1 if ix.unique and n == len(names) else 0)
            if score > 0 and (best is None or score > best[0]):
                best = (score, ix, cols, prefix_bytes, n, nxt if ranged else None)
        if best is not None:
            _, ix, cols, prefix_bytes, n, nxt = best
            names = index_keys.key_names(ix)
            scan.mode = "index"
            scan.index = (ix, cols, prefix_bytes)
            scan.key_fns = [eq[c].fn for c in names[:n]]
            if nxt is not None:
                lo_e = lo.get(nxt)
                hi_e = hi.get(nxt)
                scan.range = (lo_e[0].fn if lo_e else None, lo_e[1] if lo_e else True,
                              hi_e[0].fn if hi_e else None, hi_e[1] if hi_e else True)
            # an index keeps NULL keys at one end, inside an open range: only a NOT NULL column's
            # range is exact
            nxt_column = table.column(nxt) if nxt is not None else None
            exact_range = nxt_column is not None and nxt_column.not_null
            return answered(names[:n]) | (ranged_answered(nxt) if exact_range else set())
        return set()

    def _is_param_or_outer(self, node: exp.Expression) -> bool:
        return all(not isinstance(n, exp.Column) for n in node.walk()) and not any(
            isinstance(n, (exp.Select, exp.Func)) and _volatile(n) for n in node.walk())

    def _simple_predicates(self, cj: exp.Expression, rel: str) -> list[tuple[str, str, exp.Expression]]:
        """(column, operator, value) of cj's comparisons of a column of relation rel (unqualified,
        or qualified by rel: not an outer query's column of the same name) with a value."""
        ops = {exp.EQ: "=", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}
        flip = {"=": "=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}

        def of_rel(n: exp.Expression) -> bool:
            return isinstance(n, exp.Column) and (not n.table or ident(n.args["table"]) == rel)

        out = []
        if type(cj) in ops:
            op = ops[type(cj)]
            if of_rel(cj.this) and not isinstance(cj.expression, exp.Column):
                out.append((ident(cj.this.this), op, cj.expression))
            elif of_rel(cj.expression) and not isinstance(cj.this, exp.Column):
                out.append((ident(cj.expression.this), flip[op], cj.this))
        elif isinstance(cj, exp.Between) and of_rel(cj.this) and not cj.args.get("symmetric"):
            name = ident(cj.this.this)
            out.append((name, ">=", cj.args["low"]))
            out.append((name, "<=", cj.args["high"]))
        return out

    def _plan_source(self, node: exp.Expression, scope: Scope, ctes: dict[str, CTEInfo],
                     lateral_scope: Scope | None) -> tuple[Plan, list[ScopeColumn], str | None]:
        alias_node = node.args.get("alias")
        alias = ident(alias_node.this) if alias_node is not None and alias_node.this is not None else None
        col_aliases = [ident(c) for c in alias_node.columns] if alias_node is not None and alias_node.columns else []
        parent_for_sub = lateral_scope if lateral_scope is not None else scope.parent
        if isinstance(node, exp.Table):
            inner = node.this
            if isinstance(inner, (exp.Func, exp.Anonymous)) and declares_columns(inner, alias_node):
                if node.args.get("ordinality"):
                    raise SqlError("42601", "WITH ORDINALITY cannot be used with a column definition list")
                return record_function_source(self, inner, alias_node, scope, lateral_scope)
            if isinstance(inner, (exp.Func, exp.Anonymous)):
                coldefs = [(ident(c.this), T.from_datatype(c.args["kind"])) for c in alias_node.columns
                           if isinstance(c, exp.ColumnDef) and isinstance(c.args.get("kind"), exp.DataType)
                           ] if alias_node is not None and alias_node.columns else []
                return self._function_source(inner, alias, col_aliases, scope, lateral_scope,
                                             ordinality=bool(node.args.get("ordinality")),
                                             schema=ident(node.args["db"]) if node.args.get("db") else None,
                                             coldefs=coldefs)
            name = ident(inner)
            schema = ident(node.args["db"]) if node.args.get("db") else None
            rel = alias or name
            info = ctes.get(name) if schema is None else None
            if info is None and schema is None:
                info = scope.find_cte(name)
            if info is not None:
                assert info.plan is not None and info.out is not None
                cols = [ScopeColumn(rel, col_aliases[i] if i < len(col_aliases) else c.name, c.type)
                        for i, c in enumerate(info.out)]
                return info.plan, cols, rel
            return self._relation_source(schema, name, rel, col_aliases, scope, bool(node.args.get("only")))
        if isinstance(node, exp.Subquery):
            if alias is None and lateral_scope is None:
                raise SqlError("42601", "subquery in FROM must have an alias",
                               hint='For example, FROM (SELECT ...) [AS] foo.')
            sub_scope_parent = parent_for_sub
            out = self.plan_query(node.this, sub_scope_parent, ctes)
            out = self._order_limit_wrapper(node, out, sub_scope_parent, ctes)
            if alias is None:
                alias = None
            rel = alias
            if len(col_aliases) > len(out.columns):
                raise SqlError("42P10", f'table "{rel}" has {len(out.columns)} columns available but '
                               f"{len(col_aliases)} columns specified")
            cols = [ScopeColumn(rel, col_aliases[i] if i < len(col_aliases) else c.name, c.type)
                    for i, c in enumerate(out.columns)]
            plan = SubqueryScan(cols, out.plan, len(out.columns), rel or "subquery")
            plan.correlated = lateral_scope is not None and self._mentions_outer(node.this, lateral_scope)  # type: ignore[attr-defined]
            return plan, cols, rel
        if isinstance(node, exp.Lateral):
            sub = node.this
            if isinstance(sub, exp.Subquery):
                sub.set("alias", alias_node)
                plan, cols, rel = self._plan_source(sub, scope, ctes, lateral_scope=scope)
                plan.correlated = True  # type: ignore[attr-defined]
                return plan, cols, rel
            if declares_columns(sub, alias_node):
                return record_function_source(self, sub, alias_node, scope, scope)
            return self._function_source(sub, alias, col_aliases, scope, scope)
        if isinstance(node, exp.Values):
            out = self._plan_values(node, parent_for_sub, ctes)
            rel = alias or "*VALUES*"
            cols = [ScopeColumn(rel, col_aliases[i] if i < len(col_aliases) else c.name, c.type)
                    for i, c in enumerate(out.columns)]
            return out.plan, cols, rel
        if isinstance(node, exp.Unnest):
            return self._function_source(node, alias, col_aliases, scope, lateral_scope)
        raise SqlError("0A000", f"unsupported FROM item: {node.sql(dialect='postgres')[:60]}")

    def _mentions_outer(self, node: exp.Expression, scope: Scope) -> bool:
        names = {c.name for c in scope.columns}
        rels = scope.rels
        for col in node.find_all(exp.Column):
            if col.table and ident(col.args["table"]) in rels:
                return True
        del names
        return False

    def _function_source(self, fnode: exp.Expression, alias: str | None, col_aliases: list[str], scope: Scope,
                         lateral_scope: Scope | None, ordinality: bool = False, schema: str | None = None,
                         coldefs: list[tuple[str, Any]] | None = None
                         ) -> tuple[Plan, list[ScopeColumn], str | None]:
        with_ordinality = ordinality
        if isinstance(fnode, exp.Unnest):
            name = "unnest"
            args = list(fnode.expressions)
            with_ordinality = bool(fnode.args.get("offset"))
            # sqlglot takes the last column alias for the ordinality column's name
            if isinstance(fnode.args.get("offset"), exp.Identifier) and len(col_aliases) <= len(args):
                col_aliases = col_aliases + [ident(fnode.args["offset"])]
        else:
            name, args, _ = normalize(fnode)
        if lateral_scope is not None:
            inner_scope = Scope([], parent=lateral_scope, level=lateral_scope.level + 1)
        else:
            inner_scope = Scope([], parent=scope.parent, level=scope.level + 1) if scope.parent else Scope()
        if any(self._is_srf(a) or self._holds_srf(a) for a in args):
            raise SqlError("0A000", "set-returning functions must appear at top level of FROM")
        comp = Compiler(self, inner_scope, self.rt, where="functions in FROM")
        e = None
        if schema is not None and schema != "pg_catalog":
            e = compile_user_call(comp, schema, name, args)
            if e is None and any(isinstance(a, (exp.Kwarg, exp.PropertyEQ)) for a in args):
                raise no_user_function(comp, f"{schema}.{name}", args)  # no built-in takes named arguments
        if e is None:
            e = call_by_name(comp, name, args, fnode)
        rel = alias or name
        fd = None if e.srf else R.FUNCTIONS.get(name)
        if e.srf or fd is None:  # a user function: one returning record takes the column definition list
            if e.type.oid == T.RECORD.oid and e.columns is None:
                if not coldefs:
                    raise SqlError("42601", 'a column definition list is required for functions returning "record"')
                e.columns = list(coldefs)
            elif coldefs:
                raise SqlError("42601", 'a column definition list is only allowed for functions returning "record"')
        # a function returning one row (OUT parameters, a table's row type): its columns
        user_row = (e.columns is not None and not e.srf and not (fd is not None and fd.set_returning)
                    and e.type.oid == T.RECORD.oid)
        out_name = None
        if fd is not None and fd.set_returning or e.srf:
            out_name = _OUT_COLUMN_NAMES.get(name) if not e.srf and not e.columns else None
            cols_spec = e.columns or ([(out_name or name, e.type)])
            single_named = bool(e.columns) and len(e.columns) == 1 or out_name is not None
        elif user_row:
            cols_spec = list(e.columns or [])
            single_named = False
        elif fd is None and e.columns is not None and len(e.columns) == 1:
            cols_spec = list(e.columns)  # one OUT parameter: the column has its name
            single_named = True
        else:
            cols_spec = [(name, e.type)]
            single_named = False
        fn = e.fn
        if user_row:
            def gen(ctx: ExecContext) -> Iterator[Row]:
                v = fn(())
                r = tuple(v) if v is not None else tuple(None for _ in cols_spec)
                yield (r + (1,)) if with_ordinality else r
        elif fd is not None and fd.set_returning or e.srf:
            multi = len(cols_spec) > 1

            def gen(ctx: ExecContext) -> Iterator[Row]:
                vals = fn(())
                if vals is None:
                    return
                for i, v in enumerate(vals, 1):
                    r = v if multi else (v,)
                    yield (r + (i,)) if with_ordinality else r
        else:
            def gen(ctx: ExecContext) -> Iterator[Row]:
                v = fn(())
                yield ((v, 1) if with_ordinality else (v,))

        names = [c[0] for c in cols_spec]
        types = [c[1] for c in cols_spec]
        if len(cols_spec) == 1 and alias is not None and not col_aliases and not (
                (fd is None or fd.set_returning or e.srf) and single_named):
            names = [alias]
        if with_ordinality:
            names.append("ordinality")
            types.append(T.INT8)
        cols = [ScopeColumn(rel, col_aliases[i] if i < len(col_aliases) else n, t) for i, (n, t) in
                enumerate(zip(names, types))]
        if out_name is not None and not with_ordinality:
            cols[0].function_value = True
        plan = FunctionScan(cols, gen, name, rel)
        plan.correlated = lateral_scope is not None and inner_scope.correlated  # type: ignore[attr-defined]
        return plan, cols, rel

    def _relation_source(self, schema: str | None, name: str, rel: str, col_aliases: list[str],
                         scope: Scope, only: bool = False) -> tuple[Plan, list[ScopeColumn], str | None]:
        # pg_catalog is searched before the search path, as in PostgreSQL
        table = None if (schema is None and name.startswith("pg_")) else self.lookup_table(schema, name)
        if table is None:
            sysrel = _system_relation(self.session, schema, name)
            if sysrel is None and schema is None and name.startswith("pg_"):
                table = self.lookup_table(schema, name)
            if sysrel is not None:
                if name in _SUPERUSER_CATALOGS:
                    self.permissions.superuser_only(_SUPERUSER_CATALOGS[name])
                cols = [ScopeColumn(rel, col_aliases[i] if i < len(col_aliases) else n, t)
                        for i, (n, t) in enumerate(sysrel.columns)]
                hidden = list(getattr(sysrel, "hidden_columns", []) or [])
                rows = sysrel.rows
                if hidden:
                    cols += [ScopeColumn(rel, n, t, hidden=True) for n, t in hidden]
                    rows = sysrel.rows_with_hidden
                return FunctionScan(cols, rows, name, rel, catalog=True), cols, rel
        if table is None:
            seq = self._lookup_sequence(schema, name)
            if seq is not None:
                return self._sequence_source(seq, rel)
        if table is None:
            qual = f"{schema}.{name}" if schema else name
            raise SqlError("42P01", f'relation "{qual}" does not exist')
        required = self.permissions.relation(table.oid)
        required.scan = True
        if table.kind == "v":
            return self._view_source(table, rel, col_aliases, scope)
        self.tables_used.add(table.oid)
        self.lock_relation(table.oid, ACCESS_SHARE)
        if not only:
            children = self.catalog.descendants_of(table)
            if children:
                return self._append_source(table, children, rel, col_aliases)
        access, types = self._table_reading(table)
        scope.tables[rel] = access
        cols = []
        for i, c in enumerate(table.columns):
            cols.append(ScopeColumn(rel, col_aliases[i] if i < len(col_aliases) else c.name, types[i],
                                    table_oid=table.oid, attnum=i + 1, perm=required))
        cols.append(ScopeColumn(rel, "ctid", T.BYTEA, hidden=True, table_oid=table.oid))
        scope.pk_columns[rel] = list(table.primary_key)  # type: ignore[attr-defined]
        scan = TableScan(cols, access, self.rt, rel)
        self.scans.append(scan)
        return scan, cols, rel

    def _table_reading(self, table: TableDef) -> tuple[TableAccess, list[SqlType]]:
        """A table's row codec and its columns' types, kept by the catalog version: both follow
        from the table's definition (and the user types it names) alone."""
        cat = self.catalog
        return cat.derived(("reading", table.oid), table, lambda: (
            TableAccess(table), [U.stored_type(cat, c.type).sql for c in table.columns]))

    def _append_source(self, table: TableDef, children: list[TableDef], rel: str, col_aliases: list[str]
                       ) -> tuple[Plan, list[ScopeColumn], str | None]:
        """A table with partitions or inheriting children: its rows and theirs (partition pruning is
        left to the filter above)."""
        names = [c.name for c in table.columns]
        parts = []
        bounds: list[list[tuple[str, Bound, bool]]] = []
        for t in [table, *children]:
            if t.partition_strategy:
                continue  # a partitioned table holds no rows
            self.tables_used.add(t.oid)
            self.lock_relation(t.oid, ACCESS_SHARE)
            child_names = [c.name for c in t.columns]
            positions = [child_names.index(n) if n in child_names else None for n in names]
            cols = [ScopeColumn(rel, c.name, U.stored_type(self.catalog, c.type).sql, table_oid=t.oid, attnum=i + 1)
                    for i, c in enumerate(t.columns)]
            cols.append(ScopeColumn(rel, "ctid", T.BYTEA, hidden=True, table_oid=t.oid))
            parts.append((TableScan(cols, TableAccess(t), self.rt, rel), positions, t.oid))
            bounds.append(self._bounds_up_to(t, table))
        # the parent's privileges cover its children's rows, as in PostgreSQL
        required = self.permissions.relation(table.oid)
        cols = [ScopeColumn(rel, col_aliases[i] if i < len(col_aliases) else c.name, U.stored_type(self.catalog, c.type).sql,
                            table_oid=table.oid, attnum=i + 1, perm=required) for i, c in enumerate(table.columns)]
        cols.append(ScopeColumn(rel, "ctid", T.BYTEA, hidden=True))
        cols.append(ScopeColumn(rel, "tableoid", T.OID, hidden=True))
        plan = Append(cols, parts, table.name)
        plan.bounds = bounds  # type: ignore[attr-defined]
        plan.renamed = bool(col_aliases)  # type: ignore[attr-defined]
        return plan, cols, rel

    def _bounds_up_to(self, t: TableDef, root: TableDef) -> list[tuple[str, Bound, bool]]:
        """(key column, bound, the key has one column) of t in its parent, and of the parent in
        its own, up to root: what a condition on a key column must meet for t to hold rows."""
        out = []
        node = t
        while node.oid != root.oid and node.partition_of is not None and node.partition_bound is not None:
            parent = self.catalog.table_by_oid(node.partition_of)
            if parent is None:
                break
            bound = load_bound(self, parent, node.partition_bound)
            out.append((parent.partition_key[0], bound, len(parent.partition_key) == 1))
            node = parent
        return out

    def _lookup_sequence(self, schema: str | None, name: str) -> Any:
        for s in ([schema] if schema else self.session.search_schemas()):
            seq = self.catalog.sequence(s, name)
            if seq is not None:
                return seq
        return None

    def _sequence_source(self, seq: Any, rel: str) -> tuple[Plan, list[ScopeColumn], str | None]:
        """SELECT ... FROM a sequence: its one row (last_value, log_cnt, is_called)."""
        cols = [ScopeColumn(rel, "last_value", T.INT8), ScopeColumn(rel, "log_cnt", T.INT8),
                ScopeColumn(rel, "is_called", T.BOOL)]
        store = self.session.store

        def row(ctx: ExecContext) -> Iterator[Row]:
            value, called = store.sequence_peek(seq)
            yield (value, 0, called)

        return FunctionScan(cols, row, seq.name), cols, rel

    def _view_source(self, table: TableDef, rel: str, col_aliases: list[str],
                     scope: Scope) -> tuple[Plan, list[ScopeColumn], str | None]:
        node = parse_one(table.view_sql or "")
        outer_role = self.permissions.check_as
        self.permissions.check_as = table.owner  # a view reads its tables with its owner's privileges
        try:
            out = self.plan_query(node, None, {})
        finally:
            self.permissions.check_as = outer_role
        names = table.view_columns or [c.name for c in out.columns]
        # a view keeps the columns it was created with (a view stored before its stars were
        # written out may now expand to more: the ones added to its tables come last)
        width = min(len(names), len(out.columns))
        cols = [ScopeColumn(rel, col_aliases[i] if i < len(col_aliases) else names[i], c.type)
                for i, c in enumerate(out.columns[:width])]
        return SubqueryScan(cols, out.plan, width, rel), cols, rel

    def lookup_table(self, schema: str | None, name: str) -> TableDef | None:
        if schema is not None:
            if schema in ("pg_catalog", "information_schema"):
                return None
            t = self.catalog.table(self.session.resolve_schema(schema), name)
            if t is not None:
                self.permissions.schema(t.schema)
            return t
        schemas = self._search_schemas
        if schemas is None:  # the search path cannot change while a statement is planned
            schemas = self._search_schemas = self.session.search_schemas()
        for s in schemas:
            t = self.catalog.table(s, name)
            if t is not None:
                self.permissions.schema(t.schema)
                return t
        return None

    def _plan_values(self, node: exp.Values, parent: Scope | None, ctes: dict[str, CTEInfo]) -> Output:
        rows = node.expressions
        if not rows:
            raise SqlError("42601", "VALUES must have at least one row")
        comp = Compiler(self, parent.child() if parent else Scope(), self.rt, where="VALUES")
        compiled = []
        width = None
        for r in rows:
            items = r.expressions if isinstance(r, exp.Tuple) else [r]
            if width is None:
                width = len(items)
            elif len(items) != width:
                raise SqlError("42601", "VALUES lists must all be the same length")
            compiled.append([comp.compile(i) for i in items])
        assert width is not None
        types = []
        for j in range(width):
            t = T.common_type([row[j].type for row in compiled], "VALUES")
            types.append(T.TEXT if t.oid == T.UNKNOWN.oid else t)
        fns = [[coerce(row[j], types[j]).fn for j in range(width)] for row in compiled]
        cols = [ScopeColumn(None, f"column{j + 1}", types[j]) for j in range(width)]
        plan: Plan = ValuesScan(cols, fns)
        out = Output(plan, cols)
        return self._order_limit_wrapper(node, out, parent, ctes)

    def _order_limit_wrapper(self, node: exp.Expression, out: Output, parent: Scope | None,
                             ctes: dict[str, CTEInfo]) -> Output:
        order = node.args.get("order")
        plan = out.plan
        if order is not None:
            s = Scope(list(out.columns), parent=parent, level=(parent.level + 1) if parent else 0)
            comp = Compiler(self, s, self.rt, where="ORDER BY")
            keys = []
            names = [c.name for c in out.columns]
            for o in order.expressions:
                idx = None
                if _is_ordinal(o.this):
                    idx = _ordinal(o.this, "ORDER BY") - 1
                    if idx < 0 or idx >= len(out.columns):
                        raise SqlError("42P10", f"ORDER BY position {idx + 1} is not in select list")
                elif isinstance(o.this, exp.Column) and not o.this.table and ident(o.this.this) in names:
                    idx = names.index(ident(o.this.this))
                if idx is not None:
                    f, t = _get(idx), out.columns[idx].type
                else:
                    if isinstance(node, (exp.Union, exp.Intersect, exp.Except)):
                        raise SqlError("0A000", "invalid UNION/INTERSECT/EXCEPT ORDER BY clause",
                                       detail="Only result column names can be used, not expressions or functions.")
                    e = comp.compile(o.this)
                    f, t = e.fn, e.type
                desc = bool(o.args.get("desc"))
                nf = o.args.get("nulls_first")
                keys.append((f, desc, bool(nf) if nf is not None else desc, ordering_key(t)))
            plan = Sort(plan, keys)
        if not isinstance(node, exp.Select):
            plan = self._limit(node, plan, parent, keys if order is not None else None)
        return Output(plan, out.columns)

    def _plan_setop(self, node: exp.Expression, parent: Scope | None, ctes: dict[str, CTEInfo]) -> Output:
        for operand in (node.this, node.expression):  # sqlglot hangs a trailing FOR UPDATE on the last one
            while isinstance(operand, (exp.Subquery, exp.Paren)):
                operand = operand.this
            locks = operand.args.get("locks") if isinstance(operand, exp.Select) else None
            if locks:
                raise SqlError("0A000", f"{clause_name(locks)} is not allowed with UNION/INTERSECT/EXCEPT")
        left = self.plan_query(node.this, parent, ctes)
        right = self.plan_query(node.expression, parent, ctes)
        op = {exp.Union: "union", exp.Intersect: "intersect", exp.Except: "except"}[type(node)]
        if len(left.columns) != len(right.columns):
            raise SqlError("42601", f"each {op.upper()} query must have the same number of columns")
        types = []
        lconv = []
        rconv = []
        for i, (lc, rc) in enumerate(zip(left.columns, right.columns)):
            t = T.common_type([lc.type, rc.type], op.upper())
            if t.oid == T.UNKNOWN.oid:
                t = T.TEXT
            types.append(t)
            lconv.append(coerce(E(_get(i), lc.type), t).fn)
            rconv.append(coerce(E(_get(i), rc.type), t).fn)
        cols = [ScopeColumn(None, lc.name, t) for lc, t in zip(left.columns, types)]
        all_ = not node.args.get("distinct")
        plan: Plan = SetOp(left.plan, right.plan, op, all_, lconv, rconv, cols, row_key_fn(types))
        out = Output(plan, cols)
        return self._order_limit_wrapper(node, out, parent, ctes)

    # ---- subqueries in expressions (subqueries.py) ----
    def _sub_plan(self, c: Compiler, node: exp.Expression) -> tuple[Output, SubLink]:
        link = subq.plan_sublink(self, c, node)
        return link.out, link

    def _runner(self, c: Compiler, out: Output, link: SubLink) -> Callable[[Row], list[Row]]:
        return subq.rows_runner(c, link)

    def scalar_subquery(self, c: Compiler, node: exp.Expression) -> E:
        return subq.scalar_subquery(self, c, node)

    def exists_subquery(self, c: Compiler, node: exp.Expression) -> E:
        return subq.exists_subquery(self, c, node.this if isinstance(node, exp.Subquery) else node)

    def in_subquery(self, c: Compiler, left: list[exp.Expression], node: exp.Expression, negate: bool = False) -> E:
        return subq.in_subquery(self, c, left, node, negate)

    def subquery_values(self, c: Compiler, node: exp.Expression, multi: bool = False) -> E:
        link = subq.plan_sublink(self, c, node)
        if len(link.out.columns) != 1 and not multi:
            raise SqlError("42601", "subquery has too many columns")
        run = subq.rows_runner(c, link)
        if multi:
            return E(lambda row: run(row), T.RECORD)
        return E(lambda row: [r[0] for r in run(row)], link.out.columns[0].type)


_OPERATOR_FUNCS = (exp.JSONExtract, exp.JSONExtractScalar, exp.JSONBExtract, exp.JSONBExtractScalar,
                   exp.JSONBContains, exp.ArrayContainsAll, exp.ArrayContainedBy, exp.ArrayOverlaps,
                   exp.JSONBContainsTopKey, exp.JSONBContainsAnyTopKeys, exp.JSONBContainsAllTopKeys, exp.DPipe,
                   exp.MatchAgainst)


class _MergedUsing(Plan):
    """Appends COALESCE(left, right) of each USING column of a FULL join."""

    def __init__(self, child: Plan, columns: list[ScopeColumn], pairs: list[tuple[int, int]]) -> None:
        self.child = child
        self.columns = columns
        self.pairs = pairs

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        pairs = self.pairs
        for r in self.child.rows(ctx):
            yield r + tuple(r[li] if r[li] is not None else r[ri] for li, ri in pairs)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return self.child.explain()


def figure_colname(node: exp.Expression) -> str | None:
    """PostgreSQL's FigureColname: the default name of a select-list item (None: "?column?")."""
    return _figure(node)[0]


def _figure(node: exp.Expression) -> tuple[str | None, int]:
    """(name, strength): 2 for names from columns and functions, 1 for type names
    (which an enclosing cast overrides), 0 for none."""
    if isinstance(node, exp.Column):
        return (ident(node.this), 2) if not isinstance(node.this, exp.Star) else (None, 0)
    if isinstance(node, exp.Overlaps):
        return "overlaps", 2  # the function the operator calls
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Identifier) and isinstance(node.this, exp.Paren):
        return ident(node.expression), 2  # (composite).field
    if isinstance(node, (exp.Cast, exp.TryCast)):
        name, strength = _figure(node.this)
        if strength > 1:
            return name, strength
        to = node.args.get("to")
        try:
            t = T.from_datatype(to) if isinstance(to, exp.DataType) else T.parse_type_name(to.sql().lower())
        except SqlError:
            t = _user_type_named(to)
            if t is None:
                return None, 0
        return _type_column_name(t), 1
    if isinstance(node, exp.Paren):
        return _figure(node.this)
    if isinstance(node, exp.Dot) and isinstance(node.this, exp.Paren) and isinstance(node.expression, exp.Identifier):
        return ident(node.expression), 2  # (f(x)).field
    if isinstance(node, exp.Subquery):
        inner = node.this
        if isinstance(inner, exp.Select) and inner.expressions:
            first = inner.expressions[0]
            if isinstance(first, exp.Alias):
                return ident(first.args["alias"]), 2
            return _figure(first)
        return None, 0
    if isinstance(node, exp.Case):
        name, strength = _figure(node.args["default"]) if node.args.get("default") is not None else (None, 0)
        return (name, strength) if strength > 1 else ("case", 1)
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):
        return _figure(node.expression)
    if isinstance(node, exp.Bracket):
        return _figure(node.this)
    simple = {exp.Exists: "exists", exp.Array: "array", exp.Interval: "interval",
              exp.AtTimeZone: "timezone", exp.Coalesce: "coalesce", exp.Nullif: "nullif",
              exp.Greatest: "greatest", exp.Least: "least"}
    for cls, name in simple.items():
        if isinstance(node, cls):
            if cls is exp.Interval and isinstance(node.this, exp.Literal):
                return "interval", 1
            return name, 2 if cls is not exp.Boolean else 1
    if isinstance(node, exp.Window):
        inner = node.this.this if isinstance(node.this, exp.Filter) else node.this
        return _figure(inner)
    if isinstance(node, (exp.Filter, exp.WithinGroup)):
        return _figure(node.this)
    if isinstance(node, (*_OPERATOR_FUNCS, exp.Binary, exp.Unary, exp.Pow, exp.Mod)):
        return None, 0
    if isinstance(node, (exp.Literal, exp.Null, exp.Tuple, exp.Is, exp.In, exp.Between, exp.Not, exp.Neg,
                         exp.Placeholder, exp.Parameter)):
        return None, 0
    if isinstance(node, exp.CurrentTimestamp):
        sql = node.sql(dialect="postgres").lower()
        return ("now" if sql.startswith("now") else "current_timestamp"), 2
    if isinstance(node, exp.Func):
        try:
            name = normalize(node)[0]
        except Exception:  # noqa: BLE001 - unnamed nodes get PostgreSQL's ?column?
            return None, 0
        return {"substring_regex": "substring", "log10": "log", "encode_base64": "encode"}.get(name, name), 2
    return None, 0


def _user_type_named(to: Any) -> SqlType | None:
    """A cast to a user type names its column after the type (PostgreSQL's FigureColname)."""
    if isinstance(to, exp.DataType) and isinstance(to.args.get("kind"), (exp.Identifier, exp.Dot)):
        kind = to.args["kind"]
        name = ident(kind.expression if isinstance(kind, exp.Dot) else kind)
        return SqlType(name, 0, -1, "U", "text", short=name)
    if isinstance(to, exp.DataType) and to.this == exp.DataType.Type.HSTORE:  # the hstore extension's type
        return SqlType("hstore", 0, -1, "U", "text", short="hstore")
    return None


def _system_relation(session: Session, schema: str | None, name: str) -> Any:
    try:
        from orbitdb.sql.pgcatalog import system_relation
    except ImportError:  # the system catalogs are optional while they are being built
        return None
    return system_relation(session, schema, name)


def _unparenthesized(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _signed_number(node: exp.Expression) -> tuple[int, exp.Literal] | None:
    """(sign, literal) of a number constant, negated or parenthesized as PostgreSQL's grammar
    folds it (-1, -(1)); None for anything else."""
    sign = 1
    while isinstance(node, (exp.Paren, exp.Neg)):
        if isinstance(node, exp.Neg):
            sign = -sign
        node = node.this
    if isinstance(node, exp.Literal) and not node.is_string:
        return sign, node
    return None


def _is_ordinal(node: exp.Expression) -> bool:
    return _signed_number(node) is not None


def _ordinal(node: exp.Expression, clause: str) -> int:
    """ORDER BY 2 / GROUP BY 2: the position a number constant names. Only a constant the scanner
    reads as an integer (digits, up to 2147483647) is one: 1.5, 1e3 and 2147483648 are 42601."""
    signed = _signed_number(node)
    assert signed is not None
    sign, literal = signed
    text = str(literal.this)
    if not text.isdigit() or len(text.lstrip("0")) > 10 or int(text) > INT4_MAX:
        raise SqlError("42601", f"non-integer constant in {clause}")
    return sign * int(text)


def _schema_call(node: exp.Expression) -> exp.Expression:
    """The function of a schema-qualified call (pg_catalog.f(...) parses as a Dot)."""
    if isinstance(node, exp.Dot) and isinstance(node.this, exp.Identifier) and isinstance(node.expression, exp.Func):
        return node.expression
    return node


# built-in set-returning functions whose one OUT parameter has a name: their column in FROM
_OUT_COLUMN_NAMES = {"json_array_elements": "value", "jsonb_array_elements": "value",
                     "json_array_elements_text": "value", "jsonb_array_elements_text": "value"}


def _volatile(n: exp.Expression) -> bool:
    return isinstance(n, exp.Select)


# Types whose key encoding orders values exactly as Sort does.
_KEY_ORDERED_OIDS = {T.INT2.oid, T.INT4.oid, T.INT8.oid, T.TEXT.oid, T.VARCHAR.oid, T.DATE.oid}
# types whose key order is SQL's order (text is not: collations), for range bounds
_RANGE_EXACT_OIDS = {T.INT2.oid, T.INT4.oid, T.INT8.oid}


def _note_bound(bound_from: dict[str, int], col: str, n_cj: int, exact: bool) -> None:
    """The conjunct a column's (latest) range bound came from, when the bound is exact."""
    if exact:
        bound_from[col] = n_cj
    else:
        bound_from.pop(col, None)


def _order_by_scan(plan: Plan, order: exp.Order, idxs: list[int | None], out_exprs: list[E],
                   hidden: list[E]) -> bool:
    """When ORDER BY names a leading part of a scanned table's primary key, all
    in one direction, points the scan that way and returns True: no sort is
    needed, so ORDER BY pk LIMIT n reads n rows."""
    if not isinstance(plan, Project) or plan.srf:
        return False
    scan = plan.child
    while isinstance(scan, Filter):
        scan = scan.child
    if isinstance(scan, TableScan) and scan.mode in ("seq", "index") and _order_by_index(
            scan, order, idxs, out_exprs, hidden):
        return True
    if isinstance(scan, Join):
        return _order_by_merge(scan, order, idxs, out_exprs, hidden)
    if not isinstance(scan, TableScan) or scan.mode not in ("seq", "pk_range", "pk_point"):
        return False
    pk = scan.access.pk_idx
    items = order.expressions
    if not pk or len(items) > len(pk):
        return False
    descs = {bool(o.args.get("desc")) for o in items}
    if len(descs) != 1:
        return False
    h = 0
    for i, idx in enumerate(idxs):
        if idx is not None:
            e = out_exprs[idx]
        else:
            e = hidden[h]
            h += 1
        if e.src != pk[i] or e.type.oid not in _KEY_ORDERED_OIDS:
            return False
    scan.reverse = descs.pop()
    return True


def _order_by_merge(join: Join, order: exp.Order, idxs: list[int | None], out_exprs: list[E],
                    hidden: list[E]) -> bool:
    """When ORDER BY names leading keys of a merge join, ascending with NULLs last: its rows
    come in that order (no sort, and ORDER BY ... LIMIT n reads little more than n rows)."""
    items = order.expressions
    if any(o.args.get("desc") or o.args.get("nulls_first") for o in items):
        return False
    exprs = iter(hidden)
    srcs = []
    for idx in idxs:
        e = out_exprs[idx] if idx is not None else next(exprs)
        if e.src is None or e.type.oid not in _KEY_ORDERED_OIDS:
            return False
        srcs.append(e.src)
    return ordered_by(join, srcs)


def _order_by_index(scan: TableScan, order: exp.Order, idxs: list[int | None], out_exprs: list[E],
                    hidden: list[E]) -> bool:
    """When ORDER BY names the leading keys of a secondary index (columns, or expressions written
    as the index's are), all in one direction with the default NULLS placement, reads the scan
    through that index in that direction (an index scan already chosen keeps its conditions):
    no sort, and ORDER BY ... LIMIT n reads n rows. A partial index serves only when the scan
    already uses it (its conditions imply the predicate)."""
    items = order.expressions
    desc = bool(items[0].args.get("desc"))
    if any(bool(o.args.get("desc")) != desc or bool(o.args.get("nulls_first")) != desc for o in items):
        return False
    table = scan.access.table
    names = [c.name for c in table.columns]
    exprs: list[E] = []
    h = 0
    for idx in idxs:
        if idx is not None:
            exprs.append(out_exprs[idx])
        else:
            exprs.append(hidden[h])
            h += 1
    if scan.mode == "index":
        candidates = [scan.index]
    else:
        candidates = [e for e in scan.access.indexes if e[0].predicate is None]
    for entry in candidates:
        ix = entry[0]
        keys = ix.expressions or [None] * len(ix.columns)
        start = len(scan.key_fns) if scan.mode == "index" and scan.range is None else 0
        for offset in sorted({0, start}):
            if len(items) > len(keys) - offset:
                continue
            types = None
            ok = True
            for i, (o, e) in enumerate(zip(items, exprs)):
                key = keys[offset + i]
                if key is None:
                    if e.src != names.index(ix.columns[offset + i]) or e.type.oid not in _KEY_ORDERED_OIDS:
                        ok = False
                        break
                    continue
                if types is None:
                    types = index_keys.compile_key_exprs(table, ix)[0]
                if (index_keys.normalized(o.this, scan.alias) != index_keys.normalized(index_keys.parse_key(key))
                        or types[offset + i].type.oid not in _KEY_ORDERED_OIDS):
                    ok = False
                    break
            if ok:
                if scan.mode == "seq":
                    scan.mode = "index"
                    scan.index = entry
                    scan.key_fns = []
                    scan.range = None
                scan.reverse = desc
                return True
    return False


def _get(i: int) -> Callable[[Row], Any]:
    def get(r: Row) -> Any:
        return r[i]
    get.position = i  # type: ignore[attr-defined]  # a sort on batches reads the column (orbitdb/sql/batch/sort.py)
    return get


def _shift(f: Callable[[Row], Any], offset: int) -> Callable[[Row], Any]:
    """A function over combined rows used on right-side rows alone."""
    return lambda r: f((None,) * offset + r)


def _unshift(f: Callable[[Row], Any], offset: int) -> Callable[[Row], Any]:
    return lambda r: f(r[offset:])


def _eq_fn(a: Callable[[Row], Any], b: Callable[[Row], Any]) -> Callable[[Row], Any]:
    def run(r: Row) -> Any:
        x, y = a(r), b(r)
        if x is None or y is None:
            return None
        return x == y

    return run


def all_true(fns: list[Callable[[Row], Any]]) -> Callable[[Row], Any]:
    """A predicate true when every one of fns is (SQL's AND of conditions that must hold)."""
    if len(fns) == 1:
        f0 = fns[0]
        return lambda r: f0(r) is True
    return lambda r: all(f(r) is True for f in fns)


def _same_column(node: exp.Expression, projections: list[exp.Expression], scope: Scope) -> int | None:
    """The select-list item that is the very column an ORDER BY column reference names (b, t.b,
    "t"."b" as * spells it), as PostgreSQL matches them for SELECT DISTINCT."""
    if not isinstance(node, exp.Column) or isinstance(node.this, exp.Star):
        return None
    wanted = _scope_index(node, scope)
    if wanted is None:
        return None
    for i, p in enumerate(projections):
        if isinstance(p, exp.Column) and not isinstance(p.this, exp.Star) and _scope_index(p, scope) == wanted:
            return i
    return None


def _scope_index(column: exp.Column, scope: Scope) -> int | None:
    if column.args.get("db"):
        return None
    return scope.find(ident(column.this), ident(column.args["table"]) if column.table else None)


def _check_distinct_on_order(order_pos: list[int], keys: set[int]) -> None:
    """As PostgreSQL: the ORDER BY items that are DISTINCT ON keys must lead it, and a key
    ORDER BY lacks may be added only when no other item comes between."""
    lead = 0
    while lead < len(order_pos) and order_pos[lead] in keys:
        lead += 1
    skipped = lead < len(order_pos)
    if any(p in keys for p in order_pos[lead:]) or skipped and not keys <= set(order_pos[:lead]):
        raise SqlError("42P10", "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")


def _col_node(c: ScopeColumn, index: int | None = None) -> exp.Expression:
    """A reference to c; index: c's place in its scope, which tells apart columns of one name
    that * expands (unnest(a, b) gives two columns "unnest")."""
    col = exp.Column(this=exp.Identifier(this=c.name, quoted=True))
    if c.rel is not None:
        col.set("table", exp.Identifier(this=c.rel, quoted=True))
    if index is not None:
        col.meta[STAR_INDEX] = index
    return col


__all__ = ["CTEInfo", "Output", "Planner", "const", "split_and"]


def _whole_row(r: Row) -> Row:
    return r


def _rel_name(node: exp.Expression) -> str | None:
    alias = node.args.get("alias")
    if alias is not None and alias.this is not None:
        return ident(alias.this)
    if isinstance(node, exp.Table):
        return ident(node.this)
    return None


def _nullable_rels(from_: exp.Expression | None, joins: list[exp.Join]) -> set[str]:
    """Relations on the nullable side of an outer join."""
    seen = [r for r in [_rel_name(from_.this)] if r] if from_ is not None else []
    nullable: set[str] = set()
    for j in joins:
        rel = _rel_name(j.this)
        side = (j.args.get("side") or "").upper()
        if side in ("RIGHT", "FULL"):
            nullable.update(seen)
        if side in ("LEFT", "FULL") and rel:
            nullable.add(rel)
        if rel:
            seen.append(rel)
    return nullable


def _output_column(name: str, e: E, scope: Scope | None) -> ScopeColumn:
    """A select-list column; a plain reference to a table's column keeps its table and attnum,
    which RowDescription reports (as PostgreSQL does, for drivers' cursor.description)."""
    if scope is not None and e.src is not None and e.src < len(scope.columns):
        source = scope.columns[e.src]
        return ScopeColumn(None, name, e.type, table_oid=source.table_oid, attnum=source.attnum)
    return ScopeColumn(None, name, e.type)


def _join_group(node: exp.Expression) -> tuple[exp.Expression, list[exp.Join]] | None:
    """(first relation, its joins) of a parenthesized join such as `(b JOIN c ON ...)`, which sqlglot
    reads as an alias-less subquery of a table carrying joins; None for anything else. The shared
    parse tree is not changed: the first relation is a copy without the joins."""
    if not isinstance(node, exp.Subquery) or node.alias or not isinstance(node.this, exp.Table):
        return None
    joins = list(node.this.args.get("joins") or [])
    if not joins:
        return None
    first = node.this.copy()
    first.set("joins", None)
    return first, joins


def _limit_argument(c: Compiler, node: exp.Expression, clause: str) -> Callable[[Any], Any]:
    """A LIMIT / OFFSET count: coerced to bigint as an assignment would be (PostgreSQL's
    coerce_to_specific_type), naming the clause when its type has no such cast."""
    e = c.compile(node)
    try:
        return coerce(e, T.INT8, ASSIGNMENT).fn
    except SqlError as err:
        if err.sqlstate != "42846":
            raise
        raise SqlError("42804", f"argument of {clause} must be type bigint, not type {e.type.display()}") from None
