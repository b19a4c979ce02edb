"""EXPLAIN of subqueries in PostgreSQL's words: ``SubPlan 1`` / ``hashed SubPlan 1`` /
``InitPlan 1 (returns $0)`` under the node that evaluates them, and a WHERE conjunct that is a
hashed (NOT) EXISTS or IN shown as the ``Hash Semi Join`` / ``Hash Anti Join`` it executes as
(the filter probes a hash of the inner rows built once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.plans import Filter, Plan
from orbitdb.sql.expr.core import ident
from orbitdb.sql.expr.scope import Scope

if TYPE_CHECKING:
    from orbitdb.sql.plan.planner import Planner


class SubplanNote:
    """One planned subquery, as EXPLAIN names it. kind: "SubPlan", "hashed SubPlan", "InitPlan"
    or "semi" (a hashed semi join: hash_cond set, numbered by nothing)."""

    def __init__(self, kind: str, plan: Plan, anchor: exp.Expression, number: int, param: int | None,
                 hash_cond: str | None = None, anti: bool = False) -> None:
        self.kind = kind
        self.anti = anti  # NOT of it is an anti join (NOT EXISTS; NOT IN is not: its NULLs)
        self.plan = plan
        self.anchor = anchor
        self.number = number
        self.param = param
        self.hash_cond = hash_cond
        self.claimed = False

    def label(self) -> str:
        if self.kind == "InitPlan":
            return f"InitPlan {self.number} (returns ${self.param})"
        return f"{self.kind} {self.number}"

    def reference(self) -> str:
        """How the evaluating expression shows the subquery."""
        if self.kind == "InitPlan":
            return f"${self.param}"
        return f"({self.kind} {self.number})"


def note_subplan(planner: Planner, kind: str, plan: Plan, body: exp.Expression,
                 hash_cond: str | None = None, anti: bool = False) -> None:
    notes: list[SubplanNote] = planner.subplans
    numbered = [n for n in notes if n.kind != "semi"]
    number = len(numbered) + 1
    param = sum(1 for n in numbered if n.kind == "InitPlan") if kind == "InitPlan" else None
    notes.append(SubplanNote(kind, plan, _anchor(body), number if kind != "semi" else 0, param, hash_cond, anti))


def _anchor(body: exp.Expression) -> exp.Expression:
    """The expression node the subquery stands for: the IN, the EXISTS, the = ANY comparison or
    the parenthesized scalar subquery."""
    node = body
    while isinstance(node.parent, (exp.Subquery, exp.Paren)):
        node = node.parent
    parent = node.parent
    if isinstance(parent, (exp.In, exp.Exists)):
        return parent
    if isinstance(parent, (exp.Any, exp.All)) and parent.parent is not None:
        return parent.parent
    return node


def explained_filter(planner: Planner, plan: Plan, cj: exp.Expression, mark: int) -> Plan:
    """A Filter just made for conjunct cj: its text names the subqueries compiled since mark, which
    EXPLAIN lists under it; a conjunct that is one hashed semi/anti join shows as that join."""
    if not isinstance(plan, Filter):
        return plan
    notes = [n for n in planner.subplans[mark:] if not n.claimed]
    if not notes:
        return plan
    for n in notes:
        n.claimed = True
    negated = isinstance(cj, exp.Not)
    inner = cj.this if negated else cj
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if len(notes) == 1 and notes[0].kind == "semi" and notes[0].anchor is inner and (notes[0].anti or not negated):
        return HashSemiJoinFilter(plan, notes[0], "Anti" if negated else "Semi")
    plan.sql = _text_with_references(planner, cj, notes)
    attach(plan, notes)
    return plan


def attach_rest(planner: Planner, plan: Plan, mark: int) -> None:
    """Lists under plan the subqueries compiled since mark that no filter took (select list,
    HAVING, ORDER BY: evaluated by the node producing the rows)."""
    notes = [n for n in planner.subplans[mark:] if not n.claimed]
    for n in notes:
        n.claimed = True
        _unjoin(planner, n)
    if notes:
        attach(plan, notes)


def _unjoin(planner: Planner, n: SubplanNote) -> None:
    """A hashed probe not shown as a join is a hashed SubPlan (numbered after the others)."""
    if n.kind == "semi":
        n.kind = "hashed SubPlan"
        n.number = max((m.number for m in planner.subplans), default=0) + 1


def attach(plan: Plan, notes: list[SubplanNote]) -> None:
    extra: list[tuple[str, Plan]] = list(getattr(plan, "subplans", []))
    extra.extend((n.label(), n.plan) for n in notes if n.kind != "semi")
    plan.subplans = extra  # type: ignore[attr-defined]


def _text_with_references(planner: Planner, cj: exp.Expression, notes: list[SubplanNote]) -> str:
    text = cj.sql(dialect="postgres")
    for n in notes:
        _unjoin(planner, n)
        text = text.replace(n.anchor.sql(dialect="postgres"), n.reference(), 1)
    return text


class HashSemiJoinFilter(Filter):
    """A Filter whose predicate is one probe of a hash of the inner rows: shown as the join it is."""

    def __init__(self, base: Filter, note: SubplanNote, how: str) -> None:
        # not Filter.__init__: the filter is made already; it runs it, shown otherwise
        self.base = base
        self.columns = base.columns
        self.child = base.child
        self.pred = base.pred
        self.sql = base.sql
        self.note = note
        self.how = how

    def rows(self, ctx: Any) -> Any:
        return self.base.rows(ctx)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        # the condition before the children, as PostgreSQL prints it; one Hash node per filter,
        # so that EXPLAIN ANALYZE finds the node it measured
        if not hasattr(self, "_hash"):
            self._hash = _Hash(self.note.plan)
        return [(f"Hash {self.how} Join", []),
                (f"Hash Cond: ({self.note.hash_cond})", [self.child, self._hash])]


class _Hash(Plan):
    def __init__(self, child: Plan) -> None:
        self.child = child
        self.columns = child.columns

    def rows(self, ctx: Any) -> Any:
        return self.child.rows(ctx)

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("Hash", [self.child])]


def qualified_sql(node: exp.Expression, scope: Scope | None, single_rel: str | None = None) -> str:
    """An expression's text with each unqualified column named by its relation, as PostgreSQL
    shows the columns of a join condition: the relation the scope (or its parents) resolves the
    name to, else single_rel (a subquery's one FROM relation)."""
    out = node.copy()
    for col in list(out.find_all(exp.Column)):
        if col.table or isinstance(col.this, exp.Star):
            continue
        rel = single_rel
        s = scope
        while s is not None:
            try:
                i = s.find(ident(col.this), None)
            except SqlError:
                i = None
            if i is not None:
                rel = s.columns[i].rel
                break
            s = s.parent
        if rel:
            col.set("table", exp.to_identifier(rel))
    return out.sql(dialect="postgres")


def single_relation(body: exp.Expression) -> str | None:
    """The name a subquery's only FROM relation goes by (None: several, or none)."""
    if not isinstance(body, exp.Select) or body.args.get("joins"):
        return None
    src = body.args.get("from_") or body.args.get("from")
    table = src.this if src is not None else None
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
        return None
    alias = table.args.get("alias")
    return ident(alias.this) if alias is not None and alias.this is not None else ident(table.this)
