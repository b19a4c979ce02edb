"""EXPLAIN's estimates and EXPLAIN ANALYZE's measurements per plan node, in PostgreSQL's shape:
`Seq Scan on t  (cost=0.00..155.00 rows=10000 width=244)` and, after running,
`(actual time=0.010..0.120 rows=3 loops=1)`. Estimates come from ANALYZE's statistics
(costs.py) where a node has them and from PostgreSQL's default selectivities elsewhere; the plan
itself is the same with or without them (EXPLAIN (COSTS OFF) prints it as before)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.plans import (
    Aggregate,
    Append,
    Distinct,
    Filter,
    Hash,
    Join,
    Limit,
    Plan,
    Project,
    Result1,
    SetOp,
    Sort,
    Strip,
    SubplanChild,
    TableScan,
    ValuesScan,
    explain_indent,
)
from orbitdb.sql.plan import costs
from orbitdb.sql.plan.joinorder import IndexNestLoop, Reorder
from orbitdb.storage.planstats import TableStats, plan_stats

Row = tuple[Any, ...]
_VARLENA_WIDTH = 32  # PostgreSQL's guess for a variable-width column without statistics


@dataclass
class Estimate:
    startup: float
    total: float
    rows: float
    width: int

    def text(self) -> str:
        return f"(cost={self.startup:.2f}..{self.total:.2f} rows={max(1, round(self.rows))} width={self.width})"


class Estimator:
    """Estimates for each node of one plan, from the statistics of a store."""

    def __init__(self, store: Any) -> None:
        self.stats = plan_stats(store) if store is not None else None
        self._memo: dict[int, Estimate] = {}

    def _table_stats(self, scan: TableScan) -> TableStats | None:
        return self.stats.get(scan.access.table.oid) if self.stats is not None else None

    def width(self, plan: Plan) -> int:
        stats = self._table_stats(plan) if isinstance(plan, TableScan) else None
        total = 0
        for c in plan.columns:
            if c.hidden:
                continue
            # a column of a table (a join's, a projection's): that table's statistics
            ts = stats if stats is not None or not c.table_oid or self.stats is None else self.stats.get(c.table_oid)
            cs = ts.columns.get(c.name) if ts is not None else None
            if cs is not None:
                total += cs.avg_width
            else:
                total += c.type.typlen if c.type.typlen > 0 else _VARLENA_WIDTH
        return total

    def of(self, plan: Plan) -> Estimate:
        hit = self._memo.get(id(plan))
        if hit is None:
            hit = self._memo[id(plan)] = self._estimate(plan)
        return hit

    def _estimate(self, plan: Plan) -> Estimate:
        if isinstance(plan, Join):  # the columns of both sides, each side's widths as it knows them
            return self._join(plan, self.of(plan.left).width + self.of(plan.right).width)
        width = self.width(plan)
        if isinstance(plan, TableScan):
            return self._scan(plan, width)
        if isinstance(plan, Reorder):
            return self.of(plan.child)
        if isinstance(plan, Join):
            return self._join(plan, width)
        if isinstance(plan, Hash):  # filling the table is startup: the join's own cost counts it
            child = self.of(plan.child)
            return Estimate(child.total, child.total, child.rows, width)
        if isinstance(plan, IndexNestLoop):
            outer, inner = self.of(plan.left), self.of(plan.right)
            rows = max(getattr(plan, "est_rows", outer.rows), 1.0)
            return Estimate(outer.startup, outer.total + outer.rows * inner.total + rows * costs.CPU_TUPLE, rows, width)
        if isinstance(plan, Filter):
            child = self.of(plan.child)
            rows = child.rows * _filter_selectivity([plan.sql], None, "")
            return Estimate(child.startup, child.total + child.rows * costs.CPU_OPERATOR, rows, width)
        if isinstance(plan, Sort):
            child = self.of(plan.child)
            n = max(child.rows, 2.0)
            startup = child.total + 2.0 * costs.CPU_OPERATOR * n * math.log2(n)
            return Estimate(startup, startup + child.rows * costs.CPU_OPERATOR, child.rows, width)
        if isinstance(plan, Aggregate):
            child = self.of(plan.child)
            rows = min(child.rows, costs.DEFAULT_NUM_DISTINCT) if plan.grouped else 1.0
            startup = child.total + child.rows * costs.CPU_OPERATOR
            return Estimate(startup, startup + rows * costs.CPU_TUPLE, rows, width)
        if isinstance(plan, Distinct):
            child = self.of(plan.child)
            rows = min(child.rows, costs.DEFAULT_NUM_DISTINCT)
            return Estimate(child.startup, child.total + child.rows * costs.CPU_OPERATOR, rows, width)
        if isinstance(plan, Limit):
            child = self.of(plan.child)
            rows = child.rows
            try:
                n = plan.limit(()) if plan.limit is not None else None
            except Exception:  # noqa: BLE001 -- a parameter not bound at EXPLAIN time: no cap
                n = None
            if isinstance(n, int) and 0 <= n < rows:
                frac = n / rows if rows else 1.0
                return Estimate(child.startup, child.startup + (child.total - child.startup) * frac, n, width)
            return Estimate(child.startup, child.total, rows, width)
        if isinstance(plan, (Result1,)):
            return Estimate(0.0, 0.01, 1.0, width)
        if isinstance(plan, ValuesScan):
            n = float(len(plan.exprs))
            return Estimate(0.0, n * costs.CPU_OPERATOR, n, width)
        if isinstance(plan, SetOp):
            left, right = self.of(plan.left), self.of(plan.right)
            return Estimate(0.0, left.total + right.total, left.rows + right.rows, width)
        if isinstance(plan, Append):
            parts = [self.of(p[0]) for p in plan.parts]
            return Estimate(0.0, sum(p.total for p in parts), sum(p.rows for p in parts), width)
        child_plan = getattr(plan, "child", None)
        if isinstance(child_plan, Plan):
            child = self.of(child_plan)
            return Estimate(child.startup, child.total + child.rows * costs.CPU_OPERATOR, child.rows, width)
        return Estimate(0.0, costs.DEFAULT_ROWS * costs.CPU_TUPLE, costs.DEFAULT_ROWS, width)

    def _scan(self, scan: TableScan, width: int) -> Estimate:
        ts = self._table_stats(scan)
        base = ts.reltuples if ts is not None and ts.reltuples >= 0 else costs.DEFAULT_ROWS
        pages = float(ts.relpages) if ts is not None else max(1.0, base * width / 8192.0)
        est = costs.RelEstimate(max(base, 1.0), ts)
        if scan.mode == "pk_point":
            return Estimate(0.15, 8.17, 1.0, width)
        per_probe = getattr(scan, "est_rows", None)
        if per_probe is not None:  # the inner side of an index nested loop: one probe
            rows = max(per_probe, 1.0)
            return Estimate(0.29, 0.29 + rows * (costs.CPU_TUPLE + 4 * costs.CPU_OPERATOR) + rows * 0.25, rows, width)
        sel = _filter_selectivity(scan.filter_sql, est, scan.alias)
        rows = max(1.0, base * sel) if base > 0 else 1.0
        if scan.mode == "seq":
            return Estimate(0.0, pages + base * costs.CPU_TUPLE + base * costs.CPU_OPERATOR * len(scan.filter_sql),
                            rows, width)
        return Estimate(0.29, 0.29 + rows * (costs.CPU_TUPLE + 4 * costs.CPU_OPERATOR) + rows * 0.25, rows, width)

    def _join(self, join: Join, width: int) -> Estimate:
        left, right = self.of(join.left), self.of(join.right)
        rows = getattr(join, "est_rows", None)
        if rows is None:
            sel = 1.0
            if join.hash_keys is not None and left.rows * right.rows > 1:
                sel *= self._keys_selectivity(join)
            if join.cond is not None:
                sel *= costs.DEFAULT_INEQ_SEL
            rows = left.rows * right.rows * sel
            if join.kind in ("left", "full"):
                rows = max(rows, left.rows)
            if join.kind in ("right", "full"):
                rows = max(rows, right.rows)
        rows = max(rows, 1.0)
        if join.hash_keys is not None and not join.lateral:
            startup = right.total + right.rows * (costs.CPU_OPERATOR + costs.CPU_TUPLE)
            total = startup + left.total + left.rows * costs.CPU_OPERATOR + rows * costs.CPU_TUPLE
            return Estimate(startup, total, rows, width)
        total = left.total + left.rows * right.total + left.rows * right.rows * costs.CPU_OPERATOR + \
            rows * costs.CPU_TUPLE
        return Estimate(left.startup + right.startup, total, rows, width)


    def _keys_selectivity(self, join: Join) -> float:
        """The hash keys' selectivity: 1 / max(n_distinct) per pair of columns whose tables have
        statistics (PostgreSQL's eqjoinsel without MCVs), the default equality's for the rest."""
        assert join.hash_keys is not None
        known = []
        for a, b in join.key_columns:
            sa = self.stats.get(a.table_oid) if self.stats is not None and a.table_oid else None
            sb = self.stats.get(b.table_oid) if self.stats is not None and b.table_oid else None
            if sa is None or sb is None or sa.reltuples < 0 or sb.reltuples < 0:
                continue
            known.append(costs.join_selectivity(costs.RelEstimate(max(sa.reltuples, 1.0), sa), a.name,
                                                costs.RelEstimate(max(sb.reltuples, 1.0), sb), b.name))
        sel = costs.DEFAULT_EQ_SEL ** (len(join.hash_keys[0]) - len(known))
        for k in known:
            sel *= k
        return sel


def _filter_selectivity(conditions: list[object], est: costs.RelEstimate | None, alias: str) -> float:
    """The selectivity of conditions kept as SQL text (a scan's and a Filter's)."""
    from orbitdb.sql.parse.parser import parse_one

    sel = 1.0
    rel = est if est is not None else costs.RelEstimate(costs.DEFAULT_ROWS, None)
    for text in conditions:
        try:
            node = parse_one(f"SELECT 1 WHERE {text}")
            where = node.args.get("where")
            cond: exp.Expression | None = where.this if where is not None else None
        except Exception:  # noqa: BLE001 -- only an estimate: an unparsable text counts as unknown
            cond = None
        sel *= costs.selectivity(cond, rel, alias) if cond is not None else costs.DEFAULT_UNK_SEL
    return sel


def lines(plan: Plan, estimator: Estimator | None, actuals: dict[int, Actual] | None, depth: int = 0,
          timing: bool = True, in_batches: bool = False) -> list[str]:
    """Plan.explain_lines with each node's estimate and, after EXPLAIN ANALYZE, its measurements.
    in_batches: an operator above ran this one's work on batches (orbitdb/sql/batch), so its own
    rows were never asked for: no measurements to show rather than "never executed"."""
    if isinstance(plan, SubplanChild):  # under its SubPlan / InitPlan label, one step further in
        return ["  " + ln for ln in lines(plan.child, estimator, actuals, depth, timing, in_batches)]
    out = []
    batched = in_batches or _runs_in_batches(plan)
    for i, (line, children) in enumerate(plan.explain()):
        if i == 0:
            if estimator is not None:
                line += "  " + estimator.of(plan).text()
            measured = actuals.get(id(plan)) if actuals is not None else None
            if actuals is not None and not (in_batches and (measured is None or measured.loops == 0)):
                line += " " + _actual_text(measured, timing)
        out.append(explain_indent(line, depth, i == 0))
        if i == 0 and actuals is not None:
            out.extend(explain_indent(extra, depth, False) for extra in plan.analyze_lines())
        for ch in children:
            out.extend(lines(ch, estimator, actuals, depth + 1, timing, batched))
    return out


def _runs_in_batches(plan: Plan) -> bool:
    """Whether the node whose lines plan shows (a Project or Strip shows its child's) ran on batches."""
    node: Any = plan
    while node is not None:
        if getattr(node, "show_batch", False):
            return True
        node = node.child if isinstance(node, (Project, Strip)) else None
    return False


@dataclass
class Actual:
    loops: int = 0
    rows: int = 0
    first_ms: float = 0.0  # summed over loops, as PostgreSQL averages them
    total_ms: float = 0.0


def _actual_text(a: Actual | None, timing: bool) -> str:
    if a is None or a.loops == 0:
        return "(never executed)"
    time_part = f"time={a.first_ms / a.loops:.3f}..{a.total_ms / a.loops:.3f} " if timing else ""
    return f"(actual {time_part}rows={round(a.rows / a.loops)} loops={a.loops})"


def instrument(plan: Plan) -> dict[int, Actual]:
    """Counts the rows, runs and time of each node of plan as it runs (EXPLAIN ANALYZE)."""
    found: dict[int, Actual] = {}

    def walk(p: Plan) -> None:
        if id(p) in found:
            return
        found[id(p)] = Actual()
        _measure(p, found[id(p)])
        for _, children in p.explain():
            for ch in children:
                walk(ch)
        for attr in ("child", "left", "right"):
            ch = getattr(p, attr, None)
            if isinstance(ch, Plan):
                walk(ch)

    walk(plan)
    return found


def _measure(plan: Plan, into: Actual) -> None:
    inner: Callable[[ExecContext], Iterator[Row]] = plan.rows

    def rows(ctx: ExecContext) -> Iterator[Row]:
        # only the time spent producing this node's rows: not its consumer's between them
        clock = time.perf_counter
        into.loops += 1
        start = clock()
        it = iter(inner(ctx))
        spent = (clock() - start) * 1000
        first = True
        try:
            while True:
                start = clock()
                try:
                    row = next(it)
                except StopIteration:
                    break
                finally:
                    spent += (clock() - start) * 1000
                if first:
                    into.first_ms += spent
                    first = False
                into.rows += 1
                yield row
        finally:
            if first:
                into.first_ms += spent
            into.total_ms += spent

    plan.rows = rows  # type: ignore[method-assign]


class Shown:
    """What an EXPLAIN prints of a plan: its lines, with estimates unless COSTS OFF, and with each
    node's measurements after an EXPLAIN ANALYZE has run it."""

    def __init__(self, plan: Plan | None, estimator: Estimator | None, actuals: dict[int, Actual] | None,
                 timing: bool = True) -> None:
        self.plan = plan
        self.estimator = estimator
        self.actuals = actuals
        self.timing = timing

    def lines(self) -> list[str]:
        if self.plan is None:
            return []
        if self.estimator is None and self.actuals is None:
            return self.plan.explain_lines()
        return lines(self.plan, self.estimator, self.actuals, timing=self.timing)

    def head(self, text: str) -> str:
        """A data-modifying statement's top line (Insert on t, ...): it returns no rows."""
        if self.estimator is not None and self.plan is not None:
            child = self.estimator.of(self.plan)
            text += f"  (cost={child.startup:.2f}..{child.total:.2f} rows=0 width=0)"
        if self.actuals is not None:
            text += " (actual rows=0 loops=1)"
        return text


def explain_shape(session: Any, costs: bool, timing: bool, analyze: bool, plan: Plan | None) -> Shown:
    """EXPLAIN's options applied to plan; for ANALYZE, plan is instrumented here, before it runs."""
    estimator = Estimator(getattr(session, "store", None)) if costs and plan is not None else None
    if estimator is not None:
        assert plan is not None
        estimator.of(plan)  # estimated before running: instrumenting replaces the nodes' rows()
    actuals = instrument(plan) if analyze and plan is not None else None
    return Shown(plan, estimator, actuals, timing)
