"""Columns named in EXPLAIN's condition lines (Hash Cond:, Join Filter:) as PostgreSQL names
them below a join: qualified by their relation, quoted where an identifier must be."""

from __future__ import annotations

from orbitdb.sql.expr.scope import ScopeColumn
from orbitdb.sql.pgcatalog.deparse import quote_identifier


def qualified_name(col: ScopeColumn) -> str:
    name = quote_identifier(col.name)
    return f"{quote_identifier(col.rel)}.{name}" if col.rel else name


def equality_text(left: ScopeColumn, right: ScopeColumn) -> str:
    """`left = right`, the way a hash key's equality is shown (the outer side first)."""
    return f"{qualified_name(left)} = {qualified_name(right)}"
