"""Names and oids of relations, types, schemas, roles and functions, both ways,
as the reg* types read and print them (regclass, regtype, regnamespace,
regrole, regproc): user objects from the session's catalog, built-in ones from
PostgreSQL 15's fixed oids. Names print qualified only when not visible on the
search path."""

from __future__ import annotations

from orbitdb.sql import types as T
from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import oids, pg_functions
from orbitdb.sql.pgcatalog.base import BUILTIN_SCHEMAS, Env
from orbitdb.sql.pgcatalog.deparse import FALLBACK_ERRORS, format_type, quote_identifier
from orbitdb.sql.pgcatalog.pg_usertypes import user_type_name, user_type_oid
from orbitdb.sql.types.pgtext.names import split_name
from orbitdb.storage.catalog import IndexDef, SequenceDef, TableDef

# ---------------------------------------------------------------- relations


def find_table(env: Env, schema: str | None, name: str) -> TableDef | None:
    if schema is not None:
        return env.cat.table(schema, name)
    for s in env.search_path:
        if s in BUILTIN_SCHEMAS:
            continue
        t = env.cat.table(s, name)
        if t is not None:
            return t
    return None


def relation_oid(env: Env, text: str) -> int | None:
    """regclassin: the oid of a relation named by text (a number is taken as an oid)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    parts = split_name(text)
    if len(parts) == 3:
        parts = parts[1:]
    if len(parts) == 2:
        schema, name = parts
        if schema in BUILTIN_SCHEMAS:
            spec = B.RELATIONS.get((schema, name))
            return spec.oid if spec is not None else None
        return env.cat.relation_oid(schema, name)
    name = parts[0]
    for s in env.search_path:
        if s in BUILTIN_SCHEMAS:
            spec = B.RELATIONS.get((s, name))
            if spec is not None:
                return spec.oid
            continue
        oid = env.cat.relation_oid(s, name)
        if oid is not None:
            return oid
    return None


def relation_info(env: Env, oid: int) -> tuple[str, str, str] | None:
    """(schema, name, relkind) of a relation oid."""
    spec = B.RELATION_BY_OID.get(oid)
    if spec is not None:
        return spec.schema, spec.name, spec.kind
    obj = env.cat.objects.get(oid)
    if isinstance(obj, TableDef):
        return obj.schema, obj.name, obj.kind
    if isinstance(obj, SequenceDef):
        return obj.schema, obj.name, "S"
    found = index_by_oid(env, oid)
    if found is not None:
        return found[0].schema, found[1].name, "i"
    for td in env.cat.types():
        if td.relid == oid:  # a composite type's pg_class entry
            return td.schema, td.name, "c"
    return None


def relation_regclass_name(env: Env, oid: int) -> str | None:
    """regclassout: the relation's name, qualified when not visible; None for an unknown oid
    (regclassout then prints the number)."""
    info = relation_info(env, oid)
    if info is None:
        return None
    schema, name, _ = info
    if env.relation_visible(schema, name):
        return quote_identifier(name)
    return quote_identifier(schema) + "." + quote_identifier(name)


# ---------------------------------------------------------------- types


_TYPE_ALIASES = {
    "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint", "float8": "double precision",
    "float4": "real", "bool": "boolean", "varchar": "character varying", "char": "character",
    "timestamptz": "timestamp with time zone", "timetz": "time with time zone", "decimal": "numeric",
}


def type_oid(env: Env, text: str) -> int | None:
    """regtypein: a type's oid from its name (SQL spellings, pg_type names, table row types)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    low = text.lower()
    low = low.removeprefix("pg_catalog.")
    for r in B.TYPE_ROWS:
        if r["typname"] == low:
            return int(r["oid"])
    try:
        return T.parse_type_name(low).oid
    except FALLBACK_ERRORS:
        pass
    parts = split_name(text)
    is_array = parts[-1].endswith("[]")
    if is_array:
        parts[-1] = parts[-1][:-2]
    t = find_table(env, parts[0] if len(parts) == 2 else None, parts[-1])
    if t is not None:
        return oids.rowtype_array_oid(t.oid) if is_array else oids.rowtype_oid(t.oid)
    return user_type_oid(env, text)


def type_name(env: Env, oid: int, typmod: int = -1, typmod_given: bool = False) -> str | None:
    """format_type / regtypeout text of a type oid; None when there is no such type."""
    t = T.BY_OID.get(oid)
    if t is not None:
        if typmod >= 0 and t.elem is None:
            t = t.with_typmod(typmod)
        elif typmod >= 0 and t.elem is not None:
            t = T.array_of(t.elem.with_typmod(typmod))
        return format_type(t, typmod_given)
    r = B.TYPE_BY_OID.get(oid)
    if r is not None:
        return str(r["typname"])
    user = user_type_name(env, oid)
    if user is not None:
        return user
    rel = oids.rowtype_relation(oid)
    if rel is not None:
        tbl = env.table(rel[0])
        if tbl is not None:
            name = quote_identifier(tbl.name)
            if not env.relation_visible(tbl.schema, tbl.name):
                name = quote_identifier(tbl.schema) + "." + name
            return name + ("[]" if rel[1] else "")
    return None


# ---------------------------------------------------------------- schemas, roles, functions


def namespace_oid(env: Env, text: str) -> int | None:
    parts = split_name(text.strip())
    return env.namespace_oids.get(parts[-1])


def namespace_name(env: Env, oid: int) -> str | None:
    name = env.namespace_names.get(oid)
    if name is None:
        name = B.NAMESPACES.get(oid)
    return quote_identifier(name) if name is not None else None


def role_oid(env: Env, text: str) -> int | None:
    name = split_name(text.strip())[-1]
    return oids.role_oid(name) if name in env.role_names else None


def role_name(env: Env, oid: int) -> str | None:
    return env.role_by_oid.get(oid)


def proc_name(oid: int) -> str | None:
    return B.proc_name(oid)


def proc_oid(text: str) -> int | None:
    name = split_name(text.strip())[-1]
    for r in B.PROC_ROWS:
        if r["proname"] == name:
            return int(r["oid"])
    return None


def indexes(t: TableDef) -> list[IndexDef]:
    """The table's indexes; a primary key without an index entry in the catalog gets one."""
    out = list(t.indexes)
    if t.primary_key and not any(ix.primary for ix in out):
        out.insert(0, IndexDef(oids.pkindex_oid(t.oid), f"{t.name}_pkey", list(t.primary_key), unique=True,
                               primary=True))
    return out


def index_by_oid(env: Env, oid: int) -> tuple[TableDef, IndexDef] | None:
    rel = oids.pkindex_relation(oid)
    if rel is not None:
        t = env.table(rel)
        if t is not None:
            for ix in indexes(t):
                if ix.oid == oid:
                    return t, ix
        return None
    for t in env.tables:
        for ix in t.indexes:
            if ix.oid == oid:
                return t, ix
    return None


def reg_oid(env: Env, kind: str, body: str) -> int | None:
    """The oid a reg* input function finds for a name of that kind (class, type, namespace,
    role, proc) along the session's search_path, or None when there is no such object."""
    if kind == "type":
        return type_oid(env, body)  # type: ignore[no-any-return]
    if kind == "class":
        return relation_oid(env, body)  # type: ignore[no-any-return]
    if kind == "namespace":
        return namespace_oid(env, body)  # type: ignore[no-any-return]
    if kind == "role":
        return role_oid(env, body)  # type: ignore[no-any-return]
    f = pg_functions.find(env, body, kind == "procedure")
    if f is not None:
        return int(f.oid)
    return proc_oid(body.split("(")[0])  # type: ignore[no-any-return]


def reg_name(env: Env, type_oid: int, oid: int) -> str | None:
    """The text a reg* output function prints for an oid, or None when no object has it."""
    if type_oid == T.REGCLASS.oid:
        return relation_regclass_name(env, oid)
    if type_oid == T.REGTYPE.oid:
        return type_name(env, oid)
    if type_oid == T.REGNAMESPACE.oid:
        return namespace_name(env, oid)
    if type_oid == T.REGROLE.oid:
        return role_name(env, oid)
    if type_oid in (T.REGPROC.oid, T.REGPROCEDURE.oid):
        f = pg_functions.user_function(env, oid)
        if f is not None:
            if type_oid == T.REGPROC.oid:
                return pg_functions.qualified_name(env, f)
            return pg_functions.signature(env, f)
        return proc_name(oid)
    return None
