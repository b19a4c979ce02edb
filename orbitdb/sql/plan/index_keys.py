"""The keys of expression and partial indexes: each key expression (CREATE INDEX ON t
((lower(email)))) and the predicate of a partial index (... WHERE deleted_at IS NULL), compiled
once per table definition into the function the storage layer calls for every row it writes
(orbitdb/storage/tables.py computes plain column keys itself)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp, parse_one

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import E, Runtime
from orbitdb.sql.expr.scope import Scope, ScopeColumn
from orbitdb.sql.types import usertypes as U
from orbitdb.storage.catalog import Catalog, IndexDef, TableDef
from orbitdb.storage.tables import KeyValues, set_index_key_compiler

Row = tuple[Any, ...]
_compiled: dict[tuple[Any, ...], KeyValues] = {}  # (table columns, index keys) -> its key function


def _column_type(catalog: Catalog | None, text: str) -> T.SqlType:
    """A column's type; a user type (enum, domain) through the catalog, where there is one."""
    try:
        return T.parse_type_name(text)
    except SqlError:
        if catalog is None:
            raise
        return U.stored_type(catalog, text).sql


def table_scope_of(t: TableDef, rel: str | None = None, catalog: Catalog | None = None) -> Scope:
    cols = [ScopeColumn(rel or t.name, c.name, _column_type(catalog, c.type)) for c in t.columns]
    cols.append(ScopeColumn(rel or t.name, "ctid", T.BYTEA, hidden=True))
    s = Scope(cols, level=0)
    s.rels = {rel or t.name}
    return s


def parse_key(sql: str) -> exp.Expression:
    return parse_one("SELECT " + sql, read="postgres").expressions[0]


def compile_key_exprs(t: TableDef, ix: IndexDef, catalog: Catalog | None = None,
                      where: str = "index expressions") -> tuple[list[E], E | None]:
    """Each key of ix as a compiled expression over a row of t, and its predicate (or None)."""
    from orbitdb.sql.expr.compiler import Compiler
    from orbitdb.sql.plan.planner import Planner

    rt = Runtime([])
    planner = Planner(None, catalog if catalog is not None else Catalog(), rt)  # type: ignore[arg-type]
    comp = Compiler(planner, table_scope_of(t, catalog=planner.catalog), rt, where=where)
    names = [c.name for c in t.columns]
    keys: list[E] = []
    exprs = ix.expressions or [None] * len(ix.columns)
    for col, text in zip(ix.columns, exprs):
        if text is None:
            i = names.index(col)
            keys.append(E(_getter(i), T.parse_type_name(t.columns[i].type)))
        else:
            keys.append(comp.compile(parse_key(text)))
    pred = None
    if ix.predicate is not None:
        pred = Compiler(planner, table_scope_of(t, catalog=planner.catalog), rt, where="index predicate").compile_bool(
            parse_key(ix.predicate), "WHERE")
    return keys, pred


def _getter(i: int) -> Callable[[Row], Any]:
    return lambda r: r[i]


def key_function(t: TableDef, ix: IndexDef) -> KeyValues:
    """What storage calls for a row of t: its key values in ix, or None when the row fails the
    predicate of a partial index (it has no entry)."""
    sig = (tuple((c.name, c.type) for c in t.columns), tuple(ix.columns), tuple(ix.expressions), ix.predicate)
    fn = _compiled.get(sig)
    if fn is not None:
        return fn
    keys, pred = compile_key_exprs(t, ix)
    fns = [k.fn for k in keys]
    pred_fn = pred.fn if pred is not None else None

    def values(row: Row) -> list[Any] | None:
        if pred_fn is not None and pred_fn(row) is not True:
            return None
        return [f(row) for f in fns]

    if len(_compiled) > 1024:
        _compiled.clear()
    _compiled[sig] = values
    return values


set_index_key_compiler(key_function)


# ---- the planner's use of expression and partial indexes ----
def key_names(ix: IndexDef) -> list[str]:
    """What each key of ix goes by in the planner: a column's name, or a name for an expression
    key no column can have."""
    exprs = ix.expressions or [None] * len(ix.columns)
    return [c if e is None else f"\0{ix.oid}:{i}" for i, (c, e) in enumerate(zip(ix.columns, exprs))]


def key_texts(ix: IndexDef) -> list[str]:
    """Each key of ix as ON CONFLICT inference names it: a column's name, or "\0" and the
    normalized text of an expression."""
    exprs = ix.expressions or [None] * len(ix.columns)
    return [c if e is None else "\0" + normalized(parse_key(e)) for c, e in zip(ix.columns, exprs)]


def normalized(node: exp.Expression, rel: str | None = None) -> str:
    """An expression's text with the relation's qualifiers and outer parentheses taken off, so
    that `lower(t.email)` in a query matches the key `lower(email)`."""
    while isinstance(node, exp.Paren):
        node = node.this

    def unqualify(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and n.table and (rel is None or n.table == rel):
            return exp.Column(this=n.this.copy())
        if isinstance(n, exp.Paren) and isinstance(n.this, (exp.Column, exp.Literal, exp.Paren)):
            return n.this.copy()
        return n

    return node.transform(unqualify, copy=True).sql(dialect="postgres")


def expression_keys(t: TableDef, catalog: Catalog) -> dict[str, tuple[str, T.SqlType]]:
    """The expression keys of t's indexes: normalized text -> (key name, type)."""
    out: dict[str, tuple[str, T.SqlType]] = {}
    for ix in t.indexes:
        if not any(e is not None for e in ix.expressions):
            continue
        keys, _ = compile_key_exprs(t, ix, catalog)
        for i, (name, text) in enumerate(zip(key_names(ix), ix.expressions)):
            if text is not None:
                out.setdefault(normalized(parse_key(text)), (name, keys[i].type))
    return out


_OPS = {exp.EQ: "=", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}
_FLIP = {"=": "=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}


def expression_predicates(cj: exp.Expression, rel: str, keys: dict[str, tuple[str, T.SqlType]]
                          ) -> list[tuple[str, str, exp.Expression, T.SqlType]]:
    """(key name, operator, value, key type) of cj's comparisons of an expression key with a value."""
    op = _OPS.get(type(cj))
    if op is None:
        return []
    for side, other, o in ((cj.this, cj.expression, op), (cj.expression, cj.this, _FLIP[op])):
        if isinstance(side, exp.Column) or other.find(exp.Column) is not None:
            continue
        hit = keys.get(normalized(side, rel))
        if hit is not None:
            return [(hit[0], o, other, hit[1])]
    return []


def implies(conjuncts: list[exp.Expression], predicate: str, rel: str) -> bool:
    """Whether a query's conditions imply a partial index's predicate, in the simple cases
    PostgreSQL's planner proves too: each conjunct of the predicate is one of the conditions,
    or `x IS NOT NULL` where a condition compares x by a strict operator."""
    have = {normalized(c, rel) for c in conjuncts}
    parts = _split_and(parse_key(predicate))
    for p in parts:
        if normalized(p) in have:
            continue
        inner = p.this if isinstance(p, exp.Not) else None
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            target = normalized(inner.this)
            if any(type(c) in _OPS and any(normalized(side, rel) == target for side in (c.this, c.expression))
                   for c in conjuncts):
                continue
        return False
    return True


def _split_and(node: exp.Expression) -> list[exp.Expression]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return _split_and(node.this) + _split_and(node.expression)
    return [node]
