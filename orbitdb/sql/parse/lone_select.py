"""The one expression of a SELECT that is nothing more: the shape a LANGUAGE sql function body
must have to be inlined, and a PL/pgSQL expression to be compiled without a plan."""

from __future__ import annotations

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import parse_one

_CLAUSES = ("from", "from_", "where", "group", "having", "order", "limit", "offset", "with", "distinct", "joins",
            "qualify", "windows", "locks")


def lone_select_expression(sql: str) -> exp.Expression | None:
    """The expression of `sql` when it is SELECT <expression> with no other clause and no
    subquery, *, window or aggregate in it (its alias dropped); None for any other text."""
    try:
        node = parse_one(sql)
    except SqlError:
        return None
    if not isinstance(node, exp.Select) or len(node.expressions) != 1 or any(node.args.get(k) for k in _CLAUSES):
        return None
    item = node.expressions[0]
    if isinstance(item, exp.Alias):
        item = item.this
    if any(isinstance(n, (exp.Select, exp.Subquery, exp.Star, exp.Window, exp.AggFunc)) for n in item.walk()):
        return None
    return item
