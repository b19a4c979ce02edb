"""orbitdb's catalog objects as PostgreSQL's catalogs see them: attribute
numbers, the constraints with their oids and indexes, the indexes of a table,
column defaults, dependencies, relation sizes, and the *_def functions
(pg_get_constraintdef, pg_get_indexdef, pg_get_expr, pg_get_viewdef)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import lookup, oids
from orbitdb.sql.pgcatalog.base import Env
from orbitdb.sql.pgcatalog.deparse import (
    FALLBACK_ERRORS,
    FunctionLabel,
    ViewContext,
    deparse_expr,
    deparse_view,
    quote_identifier,
    referenced_columns,
    table_columns,
)
from orbitdb.sql.pgcatalog.lookup import index_by_oid, indexes
from orbitdb.sql.types import SqlType
from orbitdb.storage.catalog import ColumnDef, ConstraintDef, IndexDef, SequenceDef, TableDef


def attnum(t: TableDef, name: str) -> int:
    """A column's attribute number: its position in the table (as the SQL layer numbers result columns)."""
    for i, c in enumerate(t.columns):
        if c.name == name:
            return i + 1
    return 0


def column_type(c: ColumnDef) -> SqlType:
    try:
        return T.parse_type_name(c.type)
    except FALLBACK_ERRORS:
        return T.TEXT


def has_default(c: ColumnDef) -> bool:
    """PostgreSQL keeps no default for identity columns or DEFAULT NULL; a generated column's
    expression is kept where a default is (pg_attrdef)."""
    if c.generated is not None:
        return True
    return c.default is not None and not c.identity and c.default.strip().upper() != "NULL"


def attr_default(c: ColumnDef) -> str | None:
    """What pg_attrdef holds for the column: its generation expression or its default."""
    return c.generated if c.generated is not None else c.default


@dataclass
class ConInfo:
    oid: int
    table: TableDef
    con: ConstraintDef
    keys: list[int]
    index_oid: int  # conindid: the enforcing index (p/u) or the referenced unique index (f)
    ref_table: TableDef | None
    ref_keys: list[int]


def constraints(env: Env, t: TableDef) -> list[ConInfo]:
    """The table's constraints as pg_constraint rows (NOT NULL is not a constraint in PostgreSQL 15)."""
    out = []
    for k, con in enumerate(t.constraints):
        if con.kind not in ("p", "u", "c", "f", "x"):
            continue
        cols = con.columns
        if con.kind == "c" and not cols and con.check:
            cols = referenced_columns(con.check)
        keys = [attnum(t, c) for c in cols]
        if con.kind == "c":
            keys = sorted(k2 for k2 in keys if k2)
        ref = env.table(con.ref_table) if con.ref_table is not None else None
        ref_keys = [attnum(ref, c) for c in con.ref_columns] if ref is not None else []
        if con.kind in ("p", "u"):
            index_oid = con.index if con.index is not None else _index_for(t, con)
        elif con.kind == "f" and ref is not None:
            index_oid = _unique_index_on(ref, con.ref_columns)
        else:
            index_oid = 0
        out.append(ConInfo(oids.constraint_oid(t.oid, k), t, con, keys, index_oid, ref, ref_keys))
    return out


def _index_for(t: TableDef, con: ConstraintDef) -> int:
    for ix in indexes(t):
        if (con.kind == "p" and ix.primary) or ix.name == con.name:
            return ix.oid
    return 0


def _unique_index_on(t: TableDef, cols: list[str]) -> int:
    for ix in indexes(t):
        if ix.primary and sorted(ix.columns) == sorted(cols):
            return ix.oid
    for ix in indexes(t):
        if ix.unique and sorted(ix.columns) == sorted(cols):
            return ix.oid
    return 0




def constraint_by_oid(env: Env, oid: int) -> ConInfo | None:
    pos = oids.constraint_position(oid)
    if pos is None:
        return None
    t = env.table(pos[0])
    if t is None:
        return None
    for ci in constraints(env, t):
        if ci.oid == oid:
            return ci
    return None




def index_constraint(env: Env, t: TableDef, ix: IndexDef) -> ConInfo | None:
    for ci in constraints(env, t):
        if ci.con.kind in ("p", "u") and ci.index_oid == ix.oid:
            return ci
    return None


def relation_name(env: Env, schema: str, name: str) -> str:
    """generate_relation_name: qualified only when not visible on the search path."""
    if env.relation_visible(schema, name):
        return quote_identifier(name)
    return quote_identifier(schema) + "." + quote_identifier(name)


def qualified_name(schema: str, name: str) -> str:
    return quote_identifier(schema) + "." + quote_identifier(name)


# ---------------------------------------------------------------- *_def functions


def regclass_text(env: Env, text: str) -> str:
    """A regclass constant's text as regclassout prints it (qualified only when not visible)."""
    oid = lookup.relation_oid(env, text)
    if oid is None:
        return text
    return lookup.relation_regclass_name(env, oid) or text


# the functions of the extensions orbitdb provides (orbitdb/sql/ddl/extensions.py), by extension
EXTENSION_FUNCTIONS: dict[str, frozenset[str]] = {
    "pgcrypto": frozenset({"crypt", "digest", "gen_random_bytes", "gen_salt", "hmac"}),
    "uuid-ossp": frozenset({"uuid_nil", "uuid_ns_dns", "uuid_ns_url", "uuid_ns_oid", "uuid_ns_x500",
                            "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v3", "uuid_generate_v4",
                            "uuid_generate_v5"}),
}


def function_label(env: Env, home: str) -> FunctionLabel:
    """How ruleutils names a user function in a call: qualified unless the search path finds it
    first. A stored expression keeps the name as written; unqualified, it named the function the
    search path found then (pg_dump reads with an empty path): the one of that name in `home` (the
    schema of the view or table), or the only one."""
    def label(schema: str | None, name: str) -> tuple[str, SqlType | None]:
        if schema == "pg_catalog" or (schema is None and name in B.PROC_NAMES):
            return name, None  # pg_catalog is searched first, whatever the path
        if schema is not None:
            found = env.cat.functions_named(schema, name)
        else:
            found = []
            for sch in [*env.session.search_schemas(), home]:
                found = env.cat.functions_named(sch, name)
                if found:
                    break
            if not found:
                named = [f for f in env.cat.functions() if f.name == name]
                found = named if len({f.schema for f in named}) == 1 else []
        if not found:
            # an installed extension's function lives in the extension's schema
            ext = next((e for e in env.cat.extensions() if name in EXTENSION_FUNCTIONS.get(e.name, ())
                        and schema in (None, e.schema)), None)
            if ext is None or ext.schema in env.session.search_schemas():
                return name, None  # a built-in one, or none: as written
            return quote_identifier(ext.schema) + "." + quote_identifier(name), None
        owner = found[0].schema
        result = _result_type(found[0].return_type) if len(found) == 1 and not found[0].returns_set else None
        for sch in env.session.search_schemas():
            if env.cat.functions_named(sch, name):
                if sch == owner:
                    return quote_identifier(name), result
                break
        return quote_identifier(owner) + "." + quote_identifier(name), result

    return label


def _result_type(name: str) -> SqlType | None:
    try:
        return T.parse_type_name(name)
    except FALLBACK_ERRORS:
        return None


def _timezone(env: Env) -> Any:
    tzf = getattr(env.session, "timezone", None)
    try:
        return tzf() if callable(tzf) else None
    except FALLBACK_ERRORS:
        return None


def expr_text(env: Env, t: TableDef, sql: str, pretty: bool, target: SqlType | None = None) -> str:
    cols = {c.name: column_type(c) for c in t.columns}
    return deparse_expr(sql, cols, pretty, target, regclass_name=lambda s: regclass_text(env, s),
                        tz=_timezone(env), function_name=function_label(env, t.schema))


_ATTNUM_MARK = re.compile(r"\s*/\* column (\d+) \*/\Z")


def default_node_text(t: TableDef, num: int) -> str:
    """pg_attrdef.adbin: the default's SQL text. pg_get_expr gets only this text and the table, and
    prints a default with its coercion to the column's type; when another column of the table has
    the same default text, a comment names the column so that the right type is used."""
    c = t.columns[num - 1]
    text = attr_default(c) or "NULL"
    if any(o is not c and attr_default(o) == attr_default(c) for o in t.columns):
        text += f" /* column {num} */"
    return text


def default_column(t: TableDef, text: str) -> ColumnDef | None:
    """The column whose default adbin text is text (see default_node_text)."""
    m = _ATTNUM_MARK.search(text)
    if m is not None:
        num = int(m.group(1))
        return t.columns[num - 1] if 0 < num <= len(t.columns) and has_default(t.columns[num - 1]) else None
    for c in t.columns:
        if attr_default(c) == text and has_default(c):
            return c
    return None


def default_text(env: Env, t: TableDef, c: ColumnDef, pretty: bool) -> str:
    return expr_text(env, t, attr_default(c) or "NULL", pretty, column_type(c))


_FK_ACTION = {"r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def constraint_def(env: Env, ci: ConInfo, pretty: bool) -> str:
    con, t = ci.con, ci.table
    cols = ", ".join(quote_identifier(c) for c in con.columns)
    if con.kind in ("p", "u"):
        ix = next((i for i in indexes(t) if i.oid == ci.index_oid), None)
        include = index_include(ix) if ix is not None else ""
        if con.kind == "p":
            return f"PRIMARY KEY ({cols}){include}" + _deferral_text(con)
        nnd = " NULLS NOT DISTINCT" if ix is not None and not ix.nulls_distinct else ""
        return f"UNIQUE{nnd} ({cols}){include}" + _deferral_text(con)
    if con.kind == "f":
        ref = ci.ref_table
        refname = relation_name(env, ref.schema, ref.name) if ref is not None else "???"
        refcols = ", ".join(quote_identifier(c) for c in con.ref_columns)
        text = f"FOREIGN KEY ({cols}) REFERENCES {refname}({refcols})"
        if con.on_update in _FK_ACTION:
            text += " ON UPDATE " + _FK_ACTION[con.on_update]
        if con.on_delete in _FK_ACTION:
            text += " ON DELETE " + _FK_ACTION[con.on_delete]
        return text + _deferral_text(con)
    if con.kind == "c":
        return "CHECK (" + expr_text(env, t, con.check or "true", pretty) + ")"
    return ""


def _deferral_text(con: ConstraintDef) -> str:
    if not con.deferrable:
        return ""
    return " DEFERRABLE INITIALLY DEFERRED" if con.initially_deferred else " DEFERRABLE"


_FUNCTION_CALL = re.compile(r'("?[\w$]+"?\.)?"?[\w$]+"?\(')


def _looks_like_function(text: str) -> bool:
    """Whether deparsed text is one function call (PostgreSQL prints those without parentheses)."""
    m = _FUNCTION_CALL.match(text)
    if m is None or not text.endswith(")"):
        return False
    depth = 0
    for i, ch in enumerate(text[m.end() - 1:], m.end() - 1):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return i == len(text) - 1
    return False


def index_key_text(t: TableDef, ix: IndexDef, i: int, pretty: bool = False) -> str:
    """Key i of an index as pg_get_indexdef prints it: a column name, a function call, or
    a parenthesized expression (pretty: with only the parentheses precedence needs)."""
    expr = ix.expressions[i] if i < len(ix.expressions) else None
    if expr is None:
        name = ix.columns[i] if i < len(ix.columns) else ""
        return quote_identifier(name) if t.column(name) is not None else name
    text = deparse_expr(expr, {c.name: column_type(c) for c in t.columns}, pretty)
    return text if _looks_like_function(text) else f"({text})"


def index_column_def(t: TableDef, ix: IndexDef, colno: int, pretty: bool = False) -> str:
    if 0 < colno <= len(ix.columns):
        return index_key_text(t, ix, colno - 1, pretty)
    if len(ix.columns) < colno <= len(ix.columns) + len(ix.include):
        return quote_identifier(ix.include[colno - 1 - len(ix.columns)])
    return ""


def index_include(ix: IndexDef) -> str:
    """ INCLUDE (b, c) as pg_get_indexdef and pg_get_constraintdef print it, or nothing."""
    return f" INCLUDE ({', '.join(quote_identifier(c) for c in ix.include)})" if ix.include else ""


def index_opclass(ix: IndexDef, i: int) -> str:
    return " " + ix.opclasses[i] if i < len(ix.opclasses) and ix.opclasses[i] else ""


def index_options(ix: IndexDef, i: int) -> str:
    """A key's ordering options as pg_get_indexdef prints them."""
    desc = i < len(ix.descending) and ix.descending[i]
    nulls_first = i < len(ix.nulls_first) and ix.nulls_first[i]
    if desc:
        return " DESC" if nulls_first else " DESC NULLS LAST"
    return " NULLS FIRST" if nulls_first else ""


def index_predicate_text(t: TableDef, ix: IndexDef, pretty: bool = False) -> str:
    assert ix.predicate is not None
    return deparse_expr(ix.predicate, {c.name: column_type(c) for c in t.columns}, pretty)


def index_def(env: Env, t: TableDef, ix: IndexDef, pretty: bool) -> str:
    """pg_get_indexdef(oid): qualified table name unless pretty and visible."""
    table = relation_name(env, t.schema, t.name) if pretty else qualified_name(t.schema, t.name)
    cols = ", ".join(index_column_def(t, ix, i + 1, pretty) + index_opclass(ix, i) + index_options(ix, i)
                     for i in range(len(ix.columns)))
    unique = "UNIQUE " if ix.unique else ""
    nnd = " NULLS NOT DISTINCT" if ix.unique and not ix.nulls_distinct else ""
    where = f" WHERE {index_predicate_text(t, ix, pretty)}" if ix.predicate is not None else ""
    return (f"CREATE {unique}INDEX {quote_identifier(ix.name)} ON {table} USING btree ({cols}){index_include(ix)}"
            f"{nnd}{where}")


def view_def(env: Env, v: TableDef, pretty: bool) -> str:
    def find(schema: str | None, name: str) -> TableDef | None:
        t = lookup.find_table(env, schema, name)
        if t is None and schema is None:
            # the view was made where the name resolved (pg_dump reads views with an empty
            # search_path): the one table of that name, or the one in the view's own schema
            named = [o for o in env.tables if o.name == name]
            t = next((o for o in named if o.schema == v.schema), named[0] if len(named) == 1 else None)
        return t

    def table_cols(schema: str | None, name: str) -> list[tuple[str, SqlType]] | None:
        t = find(schema, name)
        if t is None:
            return None
        if t.kind == "v":
            return [(n, T.TEXT) for n in t.view_columns]
        return [(c.name, column_type(c)) for c in t.columns]

    def label(schema: str | None, name: str) -> str:
        t = find(schema, name)
        if t is None:
            return quote_identifier(name)
        return relation_name(env, t.schema, t.name)

    vc = ViewContext(table_cols, label, regclass_name=lambda s: regclass_text(env, s), tz=_timezone(env),
                     out_names=list(v.view_columns), function_name=function_label(env, v.schema))
    return deparse_view(v.view_sql or "", vc, pretty)


def check_columns(t: TableDef) -> dict[str, SqlType]:
    return table_columns([(c.name, c.type) for c in t.columns])


# ---------------------------------------------------------------- sizes


def _range_bytes(env: Env, oid: int, index: bool = False) -> tuple[int, int]:
    """(entries, bytes of keys and values) of a table's rows or an index's entries (committed
    data), as storage reckons them."""
    store = getattr(env.session, "store", None)
    if store is None:
        return 0, 0
    return store.relation_size(oid, index)  # type: ignore[no-any-return]


_PAGE = 8192


def _pages(size: int) -> int:
    return 0 if size == 0 else -(-size // _PAGE) * _PAGE


def table_size(env: Env, oid: int) -> int:
    """Bytes of a table's rows, rounded up to 8 kB pages as PostgreSQL counts heap pages.

    orbitdb stores rows as LSM key/value pairs (compressed on disk): the figure is the
    logical size of the committed keys and values, computed by scanning the table's key
    range, not the bytes its table files take."""
    return _pages(_range_bytes(env, oid)[1])


def index_size(env: Env, t: TableDef, ix: IndexDef) -> int:
    """Bytes of an index: its entries; a primary key (the rows' own keys) counts the row keys."""
    if ix.primary and not ix.deferrable:
        n, _ = _range_bytes(env, t.oid)
        width = 16 + 8 * len(ix.columns)
        return _pages(n * width) if n else _PAGE
    return max(_PAGE, _pages(_range_bytes(env, ix.oid, index=True)[1]))


def toast_size(t: TableDef) -> int:
    """PostgreSQL gives a table with a variable-length column a TOAST table, whose (empty) index takes a page."""
    for c in t.columns:
        if column_type(c).typlen == -1:
            return _PAGE
    return 0


def relation_size(env: Env, oid: int) -> int | None:
    """pg_relation_size: a table's, an index's or a sequence's own size; None if no such relation."""
    t = env.table(oid)
    if t is not None:
        return table_size(env, oid) if t.kind == "r" else 0
    found = index_by_oid(env, oid)
    if found is not None:
        return index_size(env, found[0], found[1])
    obj = env.cat.objects.get(oid)
    if isinstance(obj, SequenceDef):
        return _PAGE
    if oid in B.RELATION_BY_OID:
        return 0
    return None


def indexes_size(env: Env, oid: int) -> int:
    t = env.table(oid)
    if t is None:
        return 0
    return sum(index_size(env, t, ix) for ix in indexes(t))


def row_estimate(env: Env, t: TableDef) -> int:
    return _range_bytes(env, t.oid)[0]


def iter_relations(env: Env) -> Iterator[tuple[str, Any]]:
    """Every user relation: ("table", TableDef), ("index", (TableDef, IndexDef)), ("sequence", SequenceDef)."""
    for t in env.tables:
        yield "table", t
        if t.kind == "r":
            for ix in indexes(t):
                yield "index", (t, ix)
    for s in env.sequences:
        yield "sequence", s
