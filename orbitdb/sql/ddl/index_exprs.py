"""CREATE INDEX keys that are expressions and partial-index predicates: PostgreSQL 15's checks of
them, the names it gives such an index, and the `Key (...)=(...)` detail of a duplicate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.ddl.generated import is_immutable
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import Runtime
from orbitdb.sql.modify.constraints import fmt_value
from orbitdb.sql.pgcatalog.model import index_key_text
from orbitdb.sql.plan.index_keys import compile_key_exprs, table_scope_of
from orbitdb.sql.plan.planner import Planner
from orbitdb.storage.catalog import IndexDef, TableDef

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

_SYSTEM_COLUMNS = {"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"}


def _check(s: Session, cat: Any, t: TableDef, node: exp.Expression, what: str, plural: str) -> None:
    for n in node.walk():
        if isinstance(n, (exp.Select, exp.Subquery, exp.Exists)):
            raise SqlError("0A000", f"cannot use subquery in {what}")
        if isinstance(n, exp.Column) and isinstance(n.this, exp.Identifier) and ident_name(n) in _SYSTEM_COLUMNS \
                and t.column(ident_name(n)) is None:
            raise SqlError("0A000", "index creation on system columns is not supported")
    rt = Runtime([])
    e = Compiler(Planner(s, cat, rt), table_scope_of(t, catalog=cat), rt, where=plural).compile(node)
    if what == "index predicate" and T.strip(e.type).oid not in (T.BOOL.oid, T.UNKNOWN.oid):
        raise SqlError("42804", f"argument of WHERE must be type boolean, not type {e.type.display()}")
    if not is_immutable(node):
        raise SqlError("42P17", f"functions in {what} must be marked IMMUTABLE")


def ident_name(c: exp.Column) -> str:
    return c.this.this if c.this.quoted else str(c.this.this).lower()


def check_index_expression(s: Session, cat: Any, t: TableDef, node: exp.Expression) -> str:
    """The stored text of an index key expression PostgreSQL would accept."""
    _check(s, cat, t, node, "index expression", "index expressions")
    return node.sql(dialect="postgres")


def check_index_predicate(s: Session, cat: Any, t: TableDef, node: exp.Expression) -> str:
    _check(s, cat, t, node, "index predicate", "index predicates")
    return node.sql(dialect="postgres")


def default_index_name_parts(cols: list[str], exprs: list[str | None]) -> list[str]:
    """What PostgreSQL's index name is made of: each column's name, a function key's function
    name, a cast key's type name, else "expr"."""
    from orbitdb.sql.plan.index_keys import parse_key

    out = []
    for c, text in zip(cols, exprs):
        if text is None:
            out.append(c)
            continue
        node = parse_key(text)
        if isinstance(node, exp.Cast):
            target = T.from_datatype(node.to)
            out.append(target.short or target.name)
        elif isinstance(node, exp.Anonymous):
            out.append(str(node.this).lower())
        elif isinstance(node, exp.Func) and not isinstance(node, (exp.Binary, exp.JSONExtract, exp.JSONExtractScalar)):
            out.append(node.sql_name().lower())
        else:
            out.append("expr")
    return out


def key_detail_of(cat: Any, t: TableDef, ix: IndexDef, values: list[Any]) -> str:
    """`Key (lower(email))=(a@x)`, as PostgreSQL words a unique index's key."""
    keys, _ = compile_key_exprs(t, ix, cat)
    texts = ", ".join(index_key_text(t, ix, i) for i in range(len(ix.columns)))
    vals = ", ".join(fmt_value(v, k.type) for v, k in zip(values, keys))
    return f"Key ({texts})=({vals})"
