"""The shape PostgreSQL requires of a recursive WITH query (parse_cte.c's checkWellFormedRecursion):
non-recursive term UNION [ALL] recursive term, the recursive term naming the query once, not in a
sublink, not on the nullable side of an outer join, with no aggregate; the whole without ORDER BY,
LIMIT, OFFSET or FOR UPDATE. Checked before planning, so a malformed query gets PostgreSQL's error
(42P19 / 0A000) rather than "relation does not exist" or rows computed some other way."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import ident


def self_references(node: exp.Expression, name: str) -> list[exp.Table]:
    return [t for t in node.find_all(exp.Table)
            if isinstance(t.this, exp.Identifier) and not t.args.get("db") and ident(t.this) == name]


def check_recursive_form(name: str, body: exp.Expression) -> exp.Expression:
    """body: the WITH RECURSIVE query named name, which refers to itself somewhere; returns it
    without the parentheses around it."""
    while isinstance(body, exp.Subquery) and not body.alias:
        _check_no_order_limit(body)
        body = body.this
    if type(body) is not exp.Union:
        raise SqlError("42P19", f'recursive query "{name}" does not have the form non-recursive-term UNION [ALL] '
                       "recursive-term")
    _check_no_order_limit(body)
    if self_references(body.this, name):
        raise SqlError("42P19", f'recursive reference to query "{name}" must not appear within its non-recursive term')
    term = body.expression
    while isinstance(term, exp.Subquery) and not term.alias:
        term = term.this
    if isinstance(term, exp.Select) and term.args.get("locks"):
        raise SqlError("0A000", "FOR UPDATE/SHARE in a recursive query is not implemented")
    refs = self_references(term, name)
    if len(refs) > 1:
        raise SqlError("42P19", f'recursive reference to query "{name}" must not appear more than once')
    for ref in refs:
        _check_reference_place(name, ref, term)
    if isinstance(term, exp.Select) and any(_own_aggregate(a, term) for a in term.find_all(exp.AggFunc)):
        raise SqlError("42P19", "aggregate functions are not allowed in a recursive query's recursive term")
    return body


def _check_no_order_limit(node: exp.Expression) -> None:
    for arg, what in (("order", "ORDER BY"), ("offset", "OFFSET"), ("limit", "LIMIT")):
        if node.args.get(arg):
            raise SqlError("0A000", f"{what} in a recursive query is not implemented")


def _check_reference_place(name: str, ref: exp.Expression, term: exp.Expression) -> None:
    child: Any = ref
    node: Any = ref.parent
    while node is not None and child is not term:
        if isinstance(node, exp.Subquery) and not isinstance(node.parent, (exp.From, exp.Join)):
            raise SqlError("42P19", f'recursive reference to query "{name}" must not appear within a subquery')
        if isinstance(node, (exp.Intersect, exp.Except)):
            what = "INTERSECT" if isinstance(node, exp.Intersect) else "EXCEPT"
            raise SqlError("42P19", f'recursive reference to query "{name}" must not appear within {what}')
        if isinstance(node, exp.Join) and child is node.this and node.side.upper() in ("LEFT", "FULL"):
            raise _outer_join(name)
        if isinstance(node, exp.From) and isinstance(node.parent, exp.Select) and any(
                j.side.upper() in ("RIGHT", "FULL") for j in node.parent.args.get("joins") or []):
            raise _outer_join(name)
        if isinstance(node, exp.Join) and child is node.this and isinstance(node.parent, exp.Select):
            later = node.parent.args.get("joins") or []
            if any(j.side.upper() in ("RIGHT", "FULL") for j in later[later.index(node) + 1:]):
                raise _outer_join(name)
        child, node = node, node.parent


def _outer_join(name: str) -> SqlError:
    return SqlError("42P19", f'recursive reference to query "{name}" must not appear within an outer join')


def _own_aggregate(agg: Any, term: exp.Select) -> bool:
    """An aggregate of the recursive term's own select (not of a subquery in it, not a window's)."""
    node: Any = agg.parent
    while node is not None and node is not term:
        if isinstance(node, (exp.Window, exp.Select)):
            return False
        node = node.parent
    return node is term
