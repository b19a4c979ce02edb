"""Rows as values: a whole-row reference (``t`` or ``t.*`` naming a FROM item), a composite
value's field (``(c).a``, ``(t).a``), and the type of such rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import E, Row, ident
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import composite_fields
from orbitdb.sql.types.usertypes import table_rowtype_oid

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
    if len(cols) == 1 and cols[0].function_value:
        # FROM f(...) AS e, f returning a base type: e is its value, as in PostgreSQL
        return c.compile(exp.column(cols[0].name, table=rel, quoted=True))
    fields = tuple((col.name, T.strip(col.type)) for col in cols)
    oid, name, array_oid = T.RECORD.oid, "record", 0
    table_oids = {col.table_oid for col in cols}
    if len(table_oids) == 1 and 0 not in table_oids and c.planner is not None:
        table = c.planner.catalog.table_by_oid(next(iter(table_oids)))
        if table is not None and table.kind == "r" and len(cols) == len(table.columns):
            oid, name = table_rowtype_oid(table.oid), table.name  # the table's row type
            array_oid = oid + 1  # as pg_type lists its array type (array_agg(t) reports it)
    t = SqlType(name, oid, -1, "C", "record", short=name, fields=fields, array_oid=array_oid)
    level = scope.level
    # a table's hidden ctid is NULL only in the row an outer join adds for no match: there the
    # whole row is NULL (not a row of NULLs: count(t.*) skips it), as in PostgreSQL
    marker = next((i for i, col in enumerate(scope.columns) if col.rel == rel and col.hidden
                   and col.name == "ctid"), None)
    if level == c.scope.level and marker is not None:
        def run(row: Row) -> Any:
            return None if row[marker] is None else tuple(row[i] for i in idxs)
    elif level == c.scope.level:
        def run(row: Row) -> Any:
            return tuple(row[i] for i in idxs)
    else:
        rt = c.rt
        if c.planner is not None:
            c.planner.outer_refs.extend((level, i) for i in idxs)  # subqueries.py: what a subquery reads

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
    names = [name for name, _ in t.fields]
    if fname not in names:
        raise SqlError("42703", f'column "{fname}" not found in data type {t.display()}')
    k = names.index(fname)
    f = base.fn
    read = composite_fields(t)

    def run(row: Row) -> Any:
        v = f(row)
        return None if v is None else read(v)[k]

    return E(run, t.fields[k][1], name=fname)


def row_is_null(e: E, negate: bool) -> E:
    """row IS NULL: every field is NULL; row IS NOT NULL: no field is (PostgreSQL's rule for
    composite values, so both can be false)."""
    f = e.fn
    read = composite_fields(e.type) if e.type.fields is not None else (lambda v: v)

    def run(row: Row) -> bool:
        v = f(row)
        if v is None:
            return not negate
        v = read(v)
        if not isinstance(v, tuple):
            return (v is not None) if negate else (v is None)
        if negate:
            return all(x is not None for x in v)
        return all(x is None for x in v)

    return E(run, T.BOOL)
