"""Columns named in EXPLAIN's condition lines (Hash Cond:) as PostgreSQL names them below a
join: qualified by their relation, quoted where an identifier must be. The text is made when
EXPLAIN prints it: quoting needs PostgreSQL's keyword list, which planning a join does not load."""

from __future__ import annotations

from sqlglot import exp

from orbitdb.sql.expr.scope import ScopeColumn


def qualified_name(col: ScopeColumn) -> str:
    from orbitdb.sql.pgcatalog.deparse import quote_identifier  # (loads the keyword list)

    name = quote_identifier(col.name)
    return f"{quote_identifier(col.rel)}.{name}" if col.rel else name


class EqualityText:
    """`left = right`, the way a hash key's equality is shown (the outer side first)."""

    __slots__ = ("left", "right")

    def __init__(self, left: ScopeColumn, right: ScopeColumn) -> None:
        self.left = left
        self.right = right

    def __str__(self) -> str:
        return f"{qualified_name(self.left)} = {qualified_name(self.right)}"


class ConditionText:
    """A condition as EXPLAIN prints it (Filter:, Join Filter:), written out when it is printed:
    generating SQL text from the tree costs more than planning the condition did."""

    __slots__ = ("node",)

    def __init__(self, node: exp.Expression) -> None:
        self.node = node  # a shared (cached) tree, never changed

    def __str__(self) -> str:
        return self.node.sql(dialect="postgres")
