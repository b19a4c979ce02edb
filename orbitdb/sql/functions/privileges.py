"""has_table_privilege and its kin, pg_has_role: what a role holds on an object, answered from
the catalog's ACLs through the session (Session.privileges_held, authorization.py), as
PostgreSQL's acl.c answers them: any one of the listed privileges suffices; "WITH GRANT
OPTION" after one asks for its grant option. A user or object named by text that does not exist
is an error; one named by an oid that does not exist is NULL."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.registry import register
from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import lookup, oids
from orbitdb.sql.pgcatalog.base import Env

TEXT, OID, BOOL = T.TEXT, T.OID, T.BOOL

# the privilege words each function takes, and their letters
_TABLE = {"SELECT": "r", "INSERT": "a", "UPDATE": "w", "DELETE": "d", "TRUNCATE": "D", "REFERENCES": "x",
          "TRIGGER": "t"}
_COLUMN = {"SELECT": "r", "INSERT": "a", "UPDATE": "w", "REFERENCES": "x"}
_SEQUENCE = {"USAGE": "U", "SELECT": "r", "UPDATE": "w"}
_SCHEMA = {"USAGE": "U", "CREATE": "C"}
_DATABASE = {"CREATE": "C", "CONNECT": "c", "TEMPORARY": "T", "TEMP": "T"}
_FUNCTION = {"EXECUTE": "X"}
_TYPE = {"USAGE": "U"}


def _env(ctx: Any) -> Env:
    from orbitdb.sql.functions.catalog import env_of

    return env_of(ctx)


def _wanted(text: str, allowed: dict[str, str]) -> list[tuple[str, bool]]:
    out = []
    for part in text.split(","):
        words = part.strip().upper().split()
        grant = words[-3:] == ["WITH", "GRANT", "OPTION"]
        if grant:
            words = words[:-3]
        name = " ".join(words)
        if name not in allowed:
            raise SqlError("22023", f'unrecognized privilege type: "{part.strip()}"')
        out.append((allowed[name], grant))
    return out


def _role(ctx: Any, user: Any) -> str | None:
    env = _env(ctx)
    if isinstance(user, int):
        return env.role_by_oid.get(user)
    if user.lower() == "public":
        return ""
    if user not in env.role_names:
        raise SqlError("42704", f'role "{user}" does not exist')
    return str(user)


def _answer(ctx: Any, role: str | None, obj: Any, kind: str, priv: str, allowed: dict[str, str]) -> bool | None:
    wanted = _wanted(priv, allowed)
    if role is None or obj is None:
        return None
    session = ctx.session
    if obj == "builtin":
        superuser = role != "" and session.role_is_superuser(role)
        return superuser or all(letter in ("r", "U", "X") for letter, _ in wanted)
    acl = obj.acl
    if acl is None and kind == "n" and obj.oid == 2200:
        from orbitdb.sql.pgcatalog.pg_relations import _PUBLIC_ACL

        acl = list(_PUBLIC_ACL)
    held = session.privileges_held(role, acl, kind, obj.owner)
    grantable = session.privileges_held(role, acl, kind, obj.owner, True)
    return any((letter in grantable) if grant else (letter in held) for letter, grant in wanted)


def _relation(ctx: Any, rel: Any) -> Any:
    env = _env(ctx)
    oid = rel if isinstance(rel, int) else lookup.relation_oid(env, rel)
    if oid is None:
        raise SqlError("42P01", f'relation "{rel}" does not exist')
    obj = env.cat.objects.get(oid)
    if obj is not None:
        return obj
    if any(spec.oid == oid for spec in B.RELATIONS.values()):
        return "builtin"
    return None


def _column_acl(ctx: Any, rel: Any, column: Any) -> Any:
    table = _relation(ctx, rel)
    if table is None or table == "builtin":
        return table, None
    cols = table.columns
    if isinstance(column, int):
        col = cols[column - 1] if 0 < column <= len(cols) else None
    else:
        col = next((c for c in cols if c.name == column), None)
        if col is None:
            raise SqlError("42703", f'column "{column}" of relation "{table.name}" does not exist')
    return table, col


def _schema(ctx: Any, name: Any) -> Any:
    env = _env(ctx)
    if isinstance(name, int):
        found = next((s for s in env.schemas if s.oid == name), None)
        return found if found is not None else ("builtin" if name in B.NAMESPACES else None)
    if name in ("pg_catalog", "information_schema"):
        return "builtin"
    found = env.cat.schema(name)
    if found is None:
        raise SqlError("3F000", f'schema "{name}" does not exist')
    return found


def _sequence(ctx: Any, rel: Any) -> Any:
    obj = _relation(ctx, rel)
    if obj is not None and (obj == "builtin" or not hasattr(obj, "increment")):
        raise SqlError("42809", f'"{rel}" is not a sequence')
    return obj


def _database(ctx: Any, name: Any) -> Any:
    env = _env(ctx)
    cluster = env.cluster
    entries = cluster.entries() if cluster is not None else []
    for e in entries:
        if (e.oid if isinstance(name, int) else e.name) == name:
            return e
    if cluster is None and (name == env.database or name == env.database_oid):
        return "builtin"
    if isinstance(name, int):
        return None
    raise SqlError("3D000", f'database "{name}" does not exist')


def _function(ctx: Any, fn: Any) -> Any:
    env = _env(ctx)
    cat = env.cat
    if isinstance(fn, int):
        obj = cat.objects.get(fn)
        return obj if obj is not None else ("builtin" if lookup.proc_name(fn) else None)
    name = fn.split("(")[0].strip().strip('"')
    parts = name.split(".")
    for sch in ([parts[0]] if len(parts) > 1 else env.search_path):
        found = cat.functions_named(sch, parts[-1]) if hasattr(cat, "functions_named") else []
        if found:
            return found[0]
    if lookup.proc_oid(parts[-1]) is not None:
        return "builtin"
    raise SqlError("42883", f'function "{fn}" does not exist')


def _type(ctx: Any, name: Any) -> Any:
    env = _env(ctx)
    if isinstance(name, int):
        obj = env.cat.objects.get(name)
        return obj if obj is not None else "builtin"
    parts = name.split(".")
    for sch in ([parts[0]] if len(parts) > 1 else env.search_path):
        found = env.cat.type(sch, parts[-1]) if hasattr(env.cat, "type") else None
        if found is not None:
            return found
    try:
        T.parse_type_name(name)
    except SqlError:
        raise SqlError("42704", f'type "{name}" does not exist') from None
    return "builtin"


_KINDS = {
    "has_table_privilege": (_relation, "r", _TABLE),
    "has_sequence_privilege": (_sequence, "s", _SEQUENCE),
    "has_schema_privilege": (_schema, "n", _SCHEMA),
    "has_database_privilege": (_database, "d", _DATABASE),
    "has_function_privilege": (_function, "f", _FUNCTION),
    "has_type_privilege": (_type, "T", _TYPE),
}


def _make(find: Any, kind: str, allowed: dict[str, str], with_user: bool) -> Any:
    if with_user:
        def fn(ctx: Any, user: Any, obj: Any, priv: str) -> bool | None:
            return _answer(ctx, _role(ctx, user), find(ctx, obj), kind, priv, allowed)
    else:
        def fn(ctx: Any, obj: Any, priv: str) -> bool | None:  # type: ignore[misc]
            return _answer(ctx, ctx.session.user, find(ctx, obj), kind, priv, allowed)
    return fn


# user and object names are taken as text (registered before the oid forms, so that a quoted
# literal resolves to the name form, as PostgreSQL resolves it)
for _name, (_find, _kind, _allowed) in _KINDS.items():
    for _obj in (TEXT, OID):
        register(_name, [_obj, TEXT], BOOL, needs_ctx=True)(_make(_find, _kind, _allowed, False))
    for _user in (TEXT, OID):
        for _obj in (TEXT, OID):
            register(_name, [_user, _obj, TEXT], BOOL, needs_ctx=True)(_make(_find, _kind, _allowed, True))


def _any_column(ctx: Any, role: str | None, rel: Any, priv: str) -> bool | None:
    table = _relation(ctx, rel)
    if _answer(ctx, role, table, "r", priv, _COLUMN):
        return True
    if role is None or table is None or table == "builtin":
        return None if role is None or table is None else False
    return any(_answer(ctx, role, _ColumnObject(c.acl, table.owner), "c", priv, _COLUMN) for c in table.columns
               if c.acl)


class _ColumnObject:
    def __init__(self, acl: list[str] | None, owner: str) -> None:
        self.acl = acl if acl is not None else []
        self.owner = owner
        self.oid = 0


def _column(ctx: Any, role: str | None, rel: Any, column: Any, priv: str) -> bool | None:
    table, col = _column_acl(ctx, rel, column)
    if _answer(ctx, role, table, "r", priv, _COLUMN):
        return True
    if role is None or table is None or col is None or table == "builtin":
        return None if role is None or table is None or col is None else False
    return _answer(ctx, role, _ColumnObject(col.acl, table.owner), "c", priv, _COLUMN)


for _obj in (TEXT, OID):
    register("has_any_column_privilege", [_obj, TEXT], BOOL, needs_ctx=True)(
        lambda ctx, rel, priv: _any_column(ctx, ctx.session.user, rel, priv))
for _user in (TEXT, OID):
    for _obj in (TEXT, OID):
        register("has_any_column_privilege", [_user, _obj, TEXT], BOOL, needs_ctx=True)(
            lambda ctx, user, rel, priv: _any_column(ctx, _role(ctx, user), rel, priv))
for _obj in (TEXT, OID):
    for _col in (TEXT, T.INT2):
        register("has_column_privilege", [_obj, _col, TEXT], BOOL, needs_ctx=True)(
            lambda ctx, rel, col, priv: _column(ctx, ctx.session.user, rel, col, priv))
        for _user in (TEXT, OID):
            register("has_column_privilege", [_user, _obj, _col, TEXT], BOOL, needs_ctx=True)(
                lambda ctx, user, rel, col, priv: _column(ctx, _role(ctx, user), rel, col, priv))


def _always(*_args: Any) -> bool:
    return True


# objects orbitdb has none of but that PostgreSQL grants to PUBLIC (languages, tablespaces, ...)
for _name in ("has_tablespace_privilege", "has_language_privilege", "has_foreign_data_wrapper_privilege",
              "has_server_privilege", "has_parameter_privilege"):
    _objs = (TEXT,) if _name == "has_parameter_privilege" else (TEXT, OID)
    for _obj in _objs:
        register(_name, [_obj, TEXT], BOOL)(_always)
    for _user in (TEXT, OID):
        for _obj in _objs:
            register(_name, [_user, _obj, TEXT], BOOL)(_always)


def _has_role(ctx: Any, user: Any, role: Any, priv: str) -> bool | None:
    member = _role(ctx, user)
    group = _role(ctx, role)
    if member is None or group is None:
        return None
    words = [w.strip().upper() for w in priv.split(",")]
    usage = False
    for w in words:
        base = w.replace(" WITH ADMIN OPTION", "").replace(" WITH GRANT OPTION", "").strip()
        if base not in ("MEMBER", "USAGE"):
            raise SqlError("22023", f'unrecognized privilege type: "{w.lower()}"')
        usage = usage or base == "USAGE"
    if member == group:
        return True
    return bool(ctx.session.role_in(member, group, usage and "MEMBER" not in words))


for _a in (TEXT, OID):
    register("pg_has_role", [_a, TEXT], BOOL, needs_ctx=True)(
        lambda ctx, role, priv: _has_role(ctx, ctx.session.user, role, priv))
for _a in (TEXT, OID):
    for _b in (TEXT, OID):
        register("pg_has_role", [_a, _b, TEXT], BOOL, needs_ctx=True)(_has_role)

__all__ = ["oids"]


@register("aclexplode", [T.array_of(T.ACLITEM)], T.RECORD, set_returning=True, needs_ctx=True)
def aclexplode(ctx: Any, acl: list[str]) -> Any:
    """One row per privilege of each item: (grantor, grantee, privilege_type, is_grantable), roles
    as oids (0 for PUBLIC)."""
    from orbitdb.sql.pgcatalog import aclitems

    env = _env(ctx)
    for text in acl or []:
        if text is None:
            continue
        try:
            item = aclitems.parse_item(str(text))
        except ValueError as exc:
            raise SqlError("22P02", f'invalid input syntax for type aclitem: "{text}"', detail=str(exc)) from None
        grantor = env.role_oid(item.grantor) if item.grantor else 0
        grantee = env.role_oid(item.grantee) if item.grantee else 0
        for letter in aclitems.LETTERS:
            if letter in item.privileges:
                yield grantor, grantee, aclitems.LETTER_PRIVILEGE[letter], letter in item.grantable


aclexplode.columns = [("grantor", OID), ("grantee", OID), ("privilege_type", TEXT),  # type: ignore[attr-defined]
                      ("is_grantable", BOOL)]
