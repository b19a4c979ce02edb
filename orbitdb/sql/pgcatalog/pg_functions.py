"""User-defined functions and procedures as PostgreSQL shows them: pg_proc rows, and the text of
pg_get_function_arguments / identity_arguments / result and pg_get_functiondef (psql's \\df and
\\sf, pg_dump)."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.pgcatalog import oids
from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker
from orbitdb.sql.pgcatalog.deparse import quote_identifier
from orbitdb.storage.catalog import FunctionDef

LANGUAGE_OIDS = {"sql": 14, "plpgsql": 13563, "internal": 12, "c": 13}
_PSEUDO_OIDS = {"trigger": 2279, "event_trigger": 3838, "void": 2278, "record": 2249, "anyelement": 2283,
                "anyarray": 2277, "anynonarray": 2776, "anycompatible": 5077, "anycompatiblearray": 5078,
                "any": 2276, "internal": 2281, "cstring": 2275}


def user_function(env: Env, oid: int) -> FunctionDef | None:
    obj = env.cat.objects.get(oid)
    return obj if isinstance(obj, FunctionDef) else None


def type_oid(env: Env, name: str) -> int:
    if name in _PSEUDO_OIDS:
        return _PSEUDO_OIDS[name]
    try:
        return T.parse_type_name(name).oid
    except SqlError:
        pass
    base, array = (name[:-2], True) if name.endswith("[]") else (name, False)
    parts = [p.strip('"') for p in base.split(".")]
    for sch in ([parts[0]] if len(parts) > 1 else env.session.search_schemas()):
        t = env.cat.table(sch, parts[-1])
        if t is not None:
            return oids.rowtype_array_oid(t.oid) if array else oids.rowtype_oid(t.oid)
        ty = env.cat.type(sch, parts[-1])
        if ty is not None:
            return int(getattr(ty, "array_oid", 0) or 0) if array else ty.oid
    return 0


def _type_text(env: Env, name: str) -> str:
    """A type as format_type prints it (a table row type qualified when it is not visible)."""
    if name in _PSEUDO_OIDS:
        return name
    try:
        return T.parse_type_name(name).display()
    except SqlError:
        pass
    from orbitdb.sql.pgcatalog.lookup import type_name  # lookup uses this module too

    oid = type_oid(env, name)
    return (type_name(env, oid) if oid else None) or name


def depends(env: Env) -> list[tuple[int, int, int]]:
    """pg_depend's rows of user routines: (routine oid, class of what it uses, that object's oid): its
    schema, and the user types of its arguments and result (pg_dump creates those first)."""
    out = []
    for f in env.cat.functions():
        out.append((f.oid, oids.PG_NAMESPACE_RELID, env.namespace_oids.get(f.schema, 0)))
        for name in {*f.arg_types, f.return_type}:
            if name in _PSEUDO_OIDS:
                continue
            try:
                T.parse_type_name(name)
                continue
            except SqlError:
                pass
            oid = type_oid(env, name)
            if oid:
                out.append((f.oid, oids.PG_TYPE_RELID, oid))
    return out


def input_modes(f: FunctionDef) -> tuple[str, ...]:
    # a procedure's OUT arguments are part of its signature (PostgreSQL 14 and later)
    return ("i", "b", "v", "o") if f.kind == "p" else ("i", "b", "v")


def proc_row(env: Env, f: FunctionDef, make: RowMaker) -> Row:
    modes = input_modes(f)
    ins = [type_oid(env, t) for t, m in zip(f.arg_types, f.arg_modes) if m in modes]
    plain = all(m == "i" for m in f.arg_modes)
    defaults = [d for d in f.arg_defaults if d is not None]
    variadic = next((type_oid(env, t) for t, m in zip(f.arg_types, f.arg_modes) if m == "v"), 0)
    return make(oid=f.oid, proname=f.name, pronamespace=env.namespace_oids.get(f.schema, 0),
                proowner=env.role_oid(f.owner), prolang=LANGUAGE_OIDS.get(f.language, 14), procost=f.cost,
                prorows=f.rows if f.returns_set and f.rows else (1000.0 if f.returns_set else 0.0),
                provariadic=variadic, prosupport=0, prokind=f.kind, prosecdef=f.security_definer,
                proleakproof=f.leakproof, proisstrict=f.strict, proretset=f.returns_set,
                provolatile=f.volatility, proparallel=f.parallel, pronargs=len(ins),
                pronargdefaults=len(defaults), prorettype=type_oid(env, f.return_type), proargtypes=ins,
                proallargtypes=None if plain else [type_oid(env, t) for t in f.arg_types],
                proargmodes=None if plain else list(f.arg_modes),
                proargnames=list(f.arg_names) if any(f.arg_names) else None,
                proargdefaults=("(" + ", ".join(defaults) + ")") if defaults else None, protrftypes=None,
                prosrc=f.body, probin=None, prosqlbody=None,
                proconfig=list(f.settings) if f.settings else None, proacl=f.acl)


def _default_text(default: str, type_name: str) -> str:
    d = default.strip()
    if d.upper() == "NULL" and type_name:
        return f"NULL::{type_name}"
    if d.startswith("'") and d.endswith("'") and type_name:
        return f"{d}::{type_name}"
    return d


def arguments(env: Env, f: FunctionDef, defaults: bool = True, identity: bool = False) -> str:
    out = []
    for n, t, m, d in zip(f.arg_names, f.arg_types, f.arg_modes, f.arg_defaults):
        if m == "t" or identity and m == "o" and f.kind != "p":
            continue
        # a procedure's arguments all say their mode (DROP PROCEDURE's syntax would be ambiguous)
        mode = {"o": "OUT ", "b": "INOUT ", "v": "VARIADIC ", "i": "IN " if f.kind == "p" else ""}.get(m, "")
        text = mode + (quote_identifier(n) + " " if n else "") + _type_text(env, t)
        if defaults and d is not None and not identity:
            text += " DEFAULT " + _default_text(d, t)
        out.append(text)
    return ", ".join(out)


def result(env: Env, f: FunctionDef) -> str | None:
    if f.kind == "p":
        return None
    table = [(n, t) for n, t, m in zip(f.arg_names, f.arg_types, f.arg_modes) if m == "t"]
    if table:
        return "TABLE(" + ", ".join(f"{quote_identifier(n)} {_type_text(env, t)}" for n, t in table) + ")"
    return ("SETOF " if f.returns_set else "") + _type_text(env, f.return_type)


def functiondef(env: Env, f: FunctionDef) -> str:
    is_function = f.kind != "p"
    word = "FUNCTION" if is_function else "PROCEDURE"
    name = quote_identifier(f.schema) + "." + quote_identifier(f.name)
    out = [f"CREATE OR REPLACE {word} {name}({arguments(env, f)})\n"]
    if is_function:
        out.append(f" RETURNS {result(env, f)}\n")
    out.append(f" LANGUAGE {quote_identifier(f.language)}\n")
    opts = ""
    if f.volatility == "i":
        opts += " IMMUTABLE"
    elif f.volatility == "s":
        opts += " STABLE"
    if f.strict:
        opts += " STRICT"
    if f.security_definer:
        opts += " SECURITY DEFINER"
    if f.leakproof:
        opts += " LEAKPROOF"
    if f.parallel == "s":
        opts += " PARALLEL SAFE"
    elif f.parallel == "r":
        opts += " PARALLEL RESTRICTED"
    if f.cost != 100:
        opts += f" COST {f.cost:g}"
    if f.returns_set and f.rows and f.rows != 1000:
        opts += f" ROWS {f.rows:g}"
    if opts:
        out.append(opts + "\n")
    for item in f.settings:
        key, _, value = item.partition("=")
        out.append(f" SET {key} TO " + ", ".join("'" + v.strip().replace("'", "''") + "'"
                                                   for v in value.split(",")) + "\n")
    tag = "$function$" if is_function else "$procedure$"
    while tag in f.body:
        tag = tag[:-1] + "x$"
    out.append(f"AS {tag}{f.body}{tag}\n")
    return "".join(out)


def signature(env: Env, f: FunctionDef) -> str:
    """regprocedure's text: name(type, ...), qualified when not on the search path."""
    modes = input_modes(f)
    types = ", ".join(_type_text(env, t) for t, m in zip(f.arg_types, f.arg_modes) if m in modes)
    return f"{qualified_name(env, f)}({types})"


def qualified_name(env: Env, f: FunctionDef) -> str:
    schemas = env.session.search_schemas()
    name = quote_identifier(f.name)
    return name if f.schema in schemas else quote_identifier(f.schema) + "." + name


def find(env: Env, text: str, with_args: bool) -> Any:
    """The user function a regproc / regprocedure input names, or None."""
    body = text.strip()
    args: list[str] | None = None
    if "(" in body and body.endswith(")"):
        body, _, rest = body.partition("(")
        inner = rest[:-1].strip()
        args = [a.strip() for a in inner.split(",")] if inner else []
    parts = [p.strip('"') if p.strip().startswith('"') else p.strip().lower() for p in body.split(".")]
    schemas = [parts[0]] if len(parts) > 1 else env.session.search_schemas()
    found = []
    for sch in schemas:
        found.extend(env.cat.functions_named(sch, parts[-1]))
    if args is not None:
        want = []
        for a in args:
            try:
                want.append(T.strip(T.parse_type_name(a)).display())
            except SqlError:
                want.append(a.lower())
        for f in found:
            have = [_strip(t) for t, m in zip(f.arg_types, f.arg_modes) if m in input_modes(f)]
            if have == want:
                return f
        return None
    if len(found) > 1:
        raise SqlError("42725", f'more than one function named "{body}"')
    return found[0] if found else None


def _strip(t: str) -> str:
    try:
        return T.strip(T.parse_type_name(t)).display()
    except SqlError:
        return t
