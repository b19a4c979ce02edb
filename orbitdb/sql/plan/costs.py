"""Row estimates for the planner: the selectivity of a condition on one relation from its ANALYZE
statistics (orbitdb/storage/planstats.py), with PostgreSQL's defaults where there are none
(0.005 for an equality, 1/3 for a range, 200 distinct values), and of an equi-join from the
distinct counts of its columns. Estimates choose a plan; they never change a result."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlglot import exp

from orbitdb.sql.expr.core import ident
from orbitdb.storage.planstats import ColumnStats, TableStats

DEFAULT_EQ_SEL = 0.005
DEFAULT_INEQ_SEL = 1.0 / 3.0
DEFAULT_RANGE_SEL = 0.005  # a bounded range (BETWEEN) without statistics
DEFAULT_MATCH_SEL = 0.005  # LIKE
DEFAULT_UNK_SEL = 0.005
DEFAULT_NUM_DISTINCT = 200.0
DEFAULT_ROWS = 1000.0  # a table never analyzed: PostgreSQL guesses from its pages; orbitdb has none

# what a row costs to make, in PostgreSQL's units (cpu_tuple_cost, cpu_operator_cost, seq_page_cost)
CPU_TUPLE = 0.01
CPU_OPERATOR = 0.0025
SEQ_PAGE = 1.0


@dataclass
class RelEstimate:
    """One relation of a FROM list: its rows after its own conditions, and its statistics."""

    rows: float
    stats: TableStats | None

    def column(self, name: str) -> ColumnStats | None:
        return self.stats.columns.get(name) if self.stats is not None else None

    def distinct(self, name: str) -> float:
        """Distinct values of a column (PostgreSQL's negative n_distinct is a fraction of rows)."""
        c = self.column(name)
        base = self.stats.reltuples if self.stats is not None else self.rows
        if c is None or c.n_distinct == 0:
            return min(DEFAULT_NUM_DISTINCT, max(base, 1.0))
        nd = -c.n_distinct * base if c.n_distinct < 0 else c.n_distinct
        return max(1.0, min(nd, max(self.rows, 1.0)))


def _literal(node: exp.Expression) -> Any:
    """A constant's value for comparison with statistics, or None when it is not a plain constant."""
    if isinstance(node, exp.Neg):
        v = _literal(node.this)
        return -v if isinstance(v, (int, float)) else None
    if isinstance(node, exp.Cast):
        return _literal(node.this)
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        try:
            return int(node.this)
        except ValueError:
            try:
                return float(node.this)
            except ValueError:
                return None
    return None


def _comparable(text: str, like: Any) -> Any:
    """A statistics value (kept as text) as the kind of the constant it is compared with."""
    if isinstance(like, bool):
        return text == "t"
    if isinstance(like, (int, float, Decimal)):
        try:
            return float(text)
        except ValueError:
            return None
    return text


def _below(c: ColumnStats, value: Any, inclusive: bool) -> float:
    """Fraction of the non-NULL values below value, from the MCVs and the histogram."""
    mcv_total = sum(c.mcf or [])
    below_mcv = 0.0
    for v, f in zip(c.mcv or [], c.mcf or []):
        cv = _comparable(v, value)
        if cv is not None and (cv < value or (inclusive and cv == value)):
            below_mcv += f
    hist = [_comparable(h, value) for h in c.hist or []]
    if len(hist) >= 2 and None not in hist:
        n = len(hist) - 1
        if value <= hist[0]:
            frac = 0.0
        elif value >= hist[-1]:
            frac = 1.0
        else:
            i = next(k for k in range(n) if hist[k + 1] >= value)
            lo, hi = hist[i], hist[i + 1]
            inside = 0.5
            if isinstance(value, float) and hi != lo:
                inside = (value - lo) / (hi - lo)
            frac = (i + inside) / n
        return below_mcv + frac * max(0.0, 1.0 - c.null_frac - mcv_total)
    if c.mcv:
        return below_mcv
    return DEFAULT_INEQ_SEL


def _eq_sel(rel: RelEstimate, col: str, value: Any) -> float:
    c = rel.column(col)
    if c is None:
        return DEFAULT_EQ_SEL if rel.stats is None else 1.0 / rel.distinct(col)
    if value is not None and c.mcv:
        for v, f in zip(c.mcv, c.mcf or []):
            if _comparable(v, value) == value:
                return f
    nd = rel.distinct(col)
    rest_nd = max(nd - len(c.mcv or []), 1.0)
    rest = max(0.0, 1.0 - c.null_frac - sum(c.mcf or []))
    return rest / rest_nd if c.mcv else (1.0 - c.null_frac) / nd


def _range_sel(rel: RelEstimate, col: str, op: str, value: Any) -> float:
    c = rel.column(col)
    if c is None or value is None:
        return DEFAULT_INEQ_SEL
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = float(value)
    try:
        below = _below(c, value, op in ("<=", ">"))
    except TypeError:
        return DEFAULT_INEQ_SEL
    nonnull = 1.0 - c.null_frac
    below = min(below, nonnull)
    return below if op in ("<", "<=") else max(0.0, nonnull - below)


def _column_of(node: exp.Expression, alias: str) -> str | None:
    if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
        if node.table and ident(node.args["table"]) != alias:
            return None
        return ident(node.this)
    return None


_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
_OPS = {exp.LT: "<", exp.GT: ">", exp.LTE: "<=", exp.GTE: ">="}


def selectivity(node: exp.Expression, rel: RelEstimate, alias: str) -> float:
    """The fraction of rel's rows for which node holds."""
    sel = _selectivity(node, rel, alias)
    return min(1.0, max(0.0, sel))


def _selectivity(node: exp.Expression, rel: RelEstimate, alias: str) -> float:
    if isinstance(node, exp.Paren):
        return _selectivity(node.this, rel, alias)
    if isinstance(node, exp.And):
        return selectivity(node.this, rel, alias) * selectivity(node.expression, rel, alias)
    if isinstance(node, exp.Or):
        a, b = selectivity(node.this, rel, alias), selectivity(node.expression, rel, alias)
        return a + b - a * b
    if isinstance(node, exp.Not):
        return 1.0 - selectivity(node.this, rel, alias)
    col = _column_of(node, alias)
    if col is not None:  # a boolean column alone: = true
        return _eq_sel(rel, col, True)
    if isinstance(node, (exp.EQ, exp.NEQ)):
        col, other = _column_of(node.this, alias), node.expression
        if col is None:
            col, other = _column_of(node.expression, alias), node.this
        if col is None:
            return DEFAULT_EQ_SEL if isinstance(node, exp.EQ) else 1.0 - DEFAULT_EQ_SEL
        eq = _eq_sel(rel, col, _literal(other))
        return eq if isinstance(node, exp.EQ) else 1.0 - eq
    for kind, op in _OPS.items():
        if isinstance(node, kind):
            col, other = _column_of(node.this, alias), node.expression
            if col is None:
                col, other, op = _column_of(node.expression, alias), node.this, _FLIP[op]
            return DEFAULT_INEQ_SEL if col is None else _range_sel(rel, col, op, _literal(other))
    if isinstance(node, exp.Between):
        col = _column_of(node.this, alias)
        if col is None or rel.column(col) is None:
            return DEFAULT_RANGE_SEL
        lo = _range_sel(rel, col, ">=", _literal(node.args["low"]))
        hi = _range_sel(rel, col, "<=", _literal(node.args["high"]))
        c = rel.column(col)
        assert c is not None
        return max(lo + hi - (1.0 - c.null_frac), 1.0 / max(rel.rows, 1.0))
    if isinstance(node, exp.In) and node.expressions:
        col = _column_of(node.this, alias)
        if col is None:
            return min(1.0, DEFAULT_EQ_SEL * len(node.expressions))
        return min(1.0, sum(_eq_sel(rel, col, _literal(v)) for v in node.expressions))
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        col = _column_of(node.this, alias)
        c = rel.column(col) if col is not None else None
        return c.null_frac if c is not None else DEFAULT_EQ_SEL
    if isinstance(node, (exp.Like, exp.ILike)):
        col = _column_of(node.this, alias)
        pattern = _literal(node.expression)
        if col is not None and isinstance(pattern, str) and isinstance(node, exp.Like):
            prefix = _like_prefix(pattern)
            if prefix and rel.column(col) is not None:
                upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
                sel = _range_sel(rel, col, ">=", prefix) - _range_sel(rel, col, ">=", upper)
                exact = prefix == pattern
                return _eq_sel(rel, col, prefix) if exact else max(sel, DEFAULT_MATCH_SEL)
        return DEFAULT_MATCH_SEL
    return DEFAULT_UNK_SEL


def _like_prefix(pattern: str) -> str:
    out = []
    escaped = False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "%_":
            break
        else:
            out.append(ch)
    return "".join(out)


def join_selectivity(left: RelEstimate, lcol: str, right: RelEstimate, rcol: str) -> float:
    """a.x = b.y: 1 / max(distinct a.x, distinct b.y), less the NULLs (PostgreSQL's eqjoinsel
    without MCV matching)."""
    lc, rc = left.column(lcol), right.column(rcol)
    nulls = (1.0 - (lc.null_frac if lc else 0.0)) * (1.0 - (rc.null_frac if rc else 0.0))
    return nulls / max(left.distinct(lcol), right.distinct(rcol), 1.0)


def scan_cost(rows: float, width: int) -> float:
    """A sequential scan: its pages and its rows."""
    pages = max(1.0, rows * max(width, 1) / 8192.0)
    return pages * SEQ_PAGE + rows * CPU_TUPLE
