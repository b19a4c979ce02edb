"""User-defined types (enums, domains, composites) as the SQL layer sees them: the one place a
type name that may name one is resolved (other parts call these, never the catalog's TypeDefs
directly).

An enum is its own SqlType (category "E", values are their labels as text, ordered by the
labels' declaration order). A domain is, to expressions, its base type: its constraints are
checked where a value becomes the domain's (a column write, a cast), by
orbitdb/sql/expr/domains.py. A composite is a SqlType with fields; its values are tuples.

A column keeps its type as text (ColumnDef.type): a user type's name, schema-qualified unless it
lives in public, with "[]" for an array of it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.pgtext.names import split_name
from orbitdb.storage.catalog import Catalog, TypeDef

_KIND_WORD = {"e": "enum", "d": "domain", "c": "composite", "r": "range", "b": "base"}


@dataclass(frozen=True)
class ResolvedType:
    sql: SqlType  # what expressions see (a domain's base type, with its modifier)
    stored: str  # the text a column keeps for it
    typedef: TypeDef | None = None  # the user type named (the element's, for an array of one)
    is_array: bool = False

    @property
    def domain(self) -> TypeDef | None:
        td = self.typedef
        return td if td is not None and td.kind == "d" and not self.is_array else None

    @property
    def element_domain(self) -> TypeDef | None:
        """The domain an array type's elements are of (posint[]), or None."""
        td = self.typedef
        return td if td is not None and td.kind == "d" and self.is_array else None

    @property
    def catalog_oid(self) -> int:
        """pg_attribute.atttypid: the user type's own oid (a domain's too), or its array's."""
        if self.typedef is None:
            return self.sql.oid
        return self.typedef.array_oid if self.is_array else self.typedef.oid


def quote_name(name: str) -> str:
    if name and (name[0].isalpha() or name[0] == "_") and all(
            c.isalnum() or c in "_$" for c in name) and name == name.lower():
        return name
    return '"' + name.replace('"', '""') + '"'


def stored_name(td: TypeDef) -> str:
    """How a column names the type: unqualified in public, qualified elsewhere."""
    return quote_name(td.name) if td.schema == "public" else f"{quote_name(td.schema)}.{quote_name(td.name)}"


def sqltype_of(cat: Catalog, td: TypeDef, seen: frozenset[int] = frozenset()) -> SqlType:
    """The SqlType values of td have (a domain: its base type's)."""
    if td.oid in seen:
        raise SqlError("42P16", f'type "{td.name}" is defined in terms of itself')
    display = stored_name(td)
    if td.kind == "e":
        return SqlType(display, td.oid, 4, "E", "text", array_oid=td.array_oid, short=td.name,
                       labels=tuple(td.labels))
    if td.kind == "d":
        return stored_type(cat, td.base_type or "text", seen | {td.oid}).sql
    if td.kind == "c":
        fields = tuple((n, stored_type(cat, t, seen | {td.oid}).sql) for n, t in td.attributes)
        # a column of the type stores the value's record text (kind "text")
        return SqlType(display, td.oid, -1, "C", "text", array_oid=td.array_oid, short=td.name, fields=fields)
    if td.kind == "b" and td.base_type == "hstore":  # an extension's base type, values as canonical text
        return SqlType(display, td.oid, -1, "U", "text", array_oid=td.array_oid, short=td.name, native="hstore")
    raise SqlError("0A000", f"{_KIND_WORD.get(td.kind, td.kind)} types are not supported")


def find_typedef(cat: Catalog, schemas: list[str], parts: list[str]) -> TypeDef | None:
    """The user type a (possibly qualified) name names, looked up along schemas."""
    if len(parts) > 1:
        return cat.type(parts[-2], parts[-1])
    for s in schemas:
        td = cat.type(s, parts[0])
        if td is not None:
            return td
    return None


def typedef_by_oid(cat: Catalog, oid: int) -> TypeDef | None:
    obj = cat.objects.get(oid)
    if isinstance(obj, TypeDef):
        return obj
    for td in cat.types():
        if td.array_oid == oid:
            return td
    return None


def _resolved(cat: Catalog, td: TypeDef, is_array: bool, typmod_params: list[exp.Expression],
              seen: frozenset[int] = frozenset()) -> ResolvedType:
    if typmod_params:
        raise SqlError("42601", f'type modifier is not allowed for type "{td.name}"')
    st = sqltype_of(cat, td, seen)
    if is_array:
        if st.elem is not None:
            st = st.elem  # an array of a domain over an array: still one array level
        st = T.array_of(st)
    return ResolvedType(st, stored_name(td) + ("[]" if is_array else ""), td, is_array)


@lru_cache(maxsize=1024)
def _name_parts(name: str) -> tuple[str, ...]:
    """split_name of a column's type text, kept: every statement resolves its tables' columns."""
    return tuple(split_name(name))


def stored_type(cat: Catalog, text: str, seen: frozenset[int] = frozenset()) -> ResolvedType:
    """A column's (or a domain's base, or a field's) type as kept in the catalog."""
    name = text.strip()
    is_array = name.endswith("[]")
    if is_array:
        name = name[:-2].rstrip()
    parts = _name_parts(name)
    if len(parts) == 1 and name[:1] != '"' and name.lower() in T._BY_NAME:
        return ResolvedType(T.parse_type_name(text), text)
    td = None
    if cat.objects and len(parts) <= 2:
        td = find_typedef(cat, ["public"], list(parts)) if len(parts) == 1 else cat.type(parts[0], parts[1])
    if td is None:
        return ResolvedType(T.parse_type_name(text), text)
    return _resolved(cat, td, is_array, [], seen)


def _user_name(dt: exp.DataType) -> list[str] | None:
    kind = dt.args.get("kind")
    if isinstance(kind, exp.Dot):
        left, right = kind.this, kind.expression
        if isinstance(left, exp.Identifier) and isinstance(right, exp.Identifier):
            return [_ident(left), _ident(right)]
        return None
    if isinstance(kind, exp.Identifier):
        return [_ident(kind)]
    return None


def _ident(i: exp.Identifier) -> str:
    return str(i.this) if i.quoted else str(i.this).lower()


def resolve_datatype(cat: Catalog, schemas: list[str], dt: exp.DataType) -> ResolvedType:
    """A type as a statement spells it (a column definition, a cast target): built-in types by
    T.from_datatype, user types along the search path."""
    key = dt.this.name if hasattr(dt.this, "name") else str(dt.this)
    if key == "ARRAY" and dt.expressions and isinstance(dt.expressions[0], exp.DataType):
        inner = resolve_datatype(cat, schemas, dt.expressions[0])
        if inner.typedef is None:
            st = T.array_of(inner.sql)
            return ResolvedType(st, st.display())
        return _resolved(cat, inner.typedef, True, [])
    if key == "HSTORE":  # sqlglot knows the name; the type is the hstore extension's, if created
        td = find_typedef(cat, schemas, ["hstore"])
        if td is None:
            raise SqlError("42704", 'type "hstore" does not exist')
        return _resolved(cat, td, False, list(dt.expressions))
    if key == "USERDEFINED":
        parts = _user_name(dt)
        if parts is not None and not (len(parts) == 2 and parts[0] == "pg_catalog"):
            td = find_typedef(cat, schemas, parts)
            if td is not None:
                return _resolved(cat, td, False, list(dt.expressions))
    st = T.from_datatype(dt)
    return ResolvedType(st, st.display())


def resolve_type_text(cat: Catalog, schemas: list[str], text: str) -> ResolvedType:
    """A type named in text (a domain's base type, a composite's field, regtype input)."""
    try:
        cast = sqlglot.parse_one(f"SELECT NULL::{text}", dialect="postgres").expressions[0]
    except Exception:  # noqa: BLE001 - sqlglot rejects odd type text in many ways
        raise SqlError("42704", f'type "{text.strip()}" does not exist') from None
    dt = cast.args.get("to") if isinstance(cast, exp.Cast) else None
    if not isinstance(dt, exp.DataType):
        raise SqlError("42704", f'type "{text.strip()}" does not exist')
    return resolve_datatype(cat, schemas, dt)


def uses_of_type(cat: Catalog, td: TypeDef) -> list[str]:
    """What depends on td (PostgreSQL's DROP TYPE detail lines): columns, domains and composites
    over it."""
    names = {stored_name(td), stored_name(td) + "[]"}
    out: list[str] = []
    for t in cat.tables():
        for c in t.columns:
            if c.type in names:
                what = "view" if t.kind == "v" else "table"
                out.append(f"column {c.name} of {what} {t.name} depends on type {td.name}")
    for other in cat.types():
        if other.oid == td.oid:
            continue
        if other.kind == "d" and (other.base_type or "") in names:
            out.append(f"type {other.name} depends on type {td.name}")
        if other.kind == "c" and any(t in names for _, t in other.attributes):
            out.append(f"composite type {other.name} column depends on type {td.name}")
    return out


def domain_default(cat: Catalog, resolved: ResolvedType) -> str | None:
    """The DEFAULT a column of a domain type takes when it has none of its own: the nearest
    domain's in the chain that has one."""
    td = resolved.domain
    seen: set[int] = set()
    while td is not None and td.kind == "d" and td.oid not in seen:
        if td.default is not None:
            return td.default
        seen.add(td.oid)
        td = stored_type(cat, td.base_type or "text").typedef
    return None


def current_type(cat: Catalog, t: SqlType) -> SqlType:
    """t as cat defines it now: a plan made before ALTER TYPE keeps an enum's old labels in the
    types of its parameters."""
    if t.elem is not None:
        return T.array_of(current_type(cat, t.elem)) if t.elem.is_user_defined else t
    if not t.is_user_defined or t.oid == T.RECORD.oid:
        return t
    td = cat.objects.get(t.oid)
    return sqltype_of(cat, td) if isinstance(td, TypeDef) else t


_FIRST_USER_OID = 16384


def table_rowtype_oid(rel: int) -> int:
    """The oid of a table's row type: the one orbitdb.sql.pgcatalog.oids.rowtype_oid lists in
    pg_type (the expression layer cannot import the catalogs)."""
    return 0x40000000 + 2 * (rel - _FIRST_USER_OID)
