"""Rows as values: a whole-row reference (``t`` or ``t.*`` naming a FROM item), a composite
value's field (``(c).a``, ``(t).a``), and the type of such rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import E, Row, ident
from orbitdb.sql.types import SqlType

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler


def whole_row(c: Compiler, rel: str) -> E | None:
    """The row of FROM item rel as one composite value, or None if no FROM item is called rel.
    """
    scope = c.scope
    while scope is not None and rel not in scope.rels:
        scope = scope.parent
    if scope is None:
        return None
    idxs = [i for i, col in enumerate(scope.columns) if col.rel == rel and not col.hidden]
    if not idxs:
        return None
    cols = [scope.columns[i] for i in idxs]
    fields = tuple((col.name, T.strip(col.type)) for col in cols)
    # a table's row is sent as an anonymous record (PostgreSQL names the table's row type)
    t = SqlType("record", T.RECORD.oid, -1, "P", "record", short="record", fields=fields)
    level = scope.level
    if level == c.scope.level:
        def run(row: Row) -> Any:
            return tuple(row[i] for i in idxs)
    else:
        rt = c.rt

        def run(row: Row) -> Any:
            outer = rt.ctx.outer[level]
            return tuple(outer[i] for i in idxs)

    if c.agg is not None and level == c.scope.level:
        # grouped: a whole row is a grouping column list; PostgreSQL refuses it ungrouped
        raise SqlError("42803", f'column "{rel}" must appear in the GROUP BY clause or be used in an aggregate '
                       "function")
    return E(run, t, name=rel)


def field_of(c: Compiler, node: exp.Dot) -> E:
    """(expr).field: a field of a composite value."""
    base = c.compile(node.this)
    fname = ident(node.expression) if isinstance(node.expression, exp.Identifier) else node.expression.name
    t = base.type
    if t.fields is None:
        if t.oid == T.RECORD.oid:
            raise SqlError("42809", "could not identify column \"" + fname + "\" in record data type")
        raise SqlError("42809", f"column notation .{fname} applied to type {t.display()}, which is not a "
                       "composite type")
    for i, (name, ft) in enumerate(t.fields):
        if name == fname:
            f = base.fn
            k = i

            def run(row: Row) -> Any:
                v = f(row)
                return None if v is None else v[k]

            return E(run, ft, name=fname)
    raise SqlError("42703", f'column "{fname}" not found in data type {t.display()}')
