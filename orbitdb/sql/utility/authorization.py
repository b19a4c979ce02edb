"""Who may do what: the roles of a session (its current role, those it is a member of and
inherits from) checked against the ACLs of the catalog, as PostgreSQL checks them (aclchk.c).
A superuser passes every check; a role made with CREATE ROLE holds what was granted to it, to
the roles it inherits from and to PUBLIC. Failures are SQLSTATE 42501 in PostgreSQL's words.

The session calls these through its methods (Session.check_permissions, check_privilege, ...),
so the planner and the functions below it reach them without importing this stage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.pgcatalog import aclitems as A
from orbitdb.sql.utility.role_store import RoleDef, RoleStore

if TYPE_CHECKING:
    from orbitdb.sql.plan.permissions import Required
    from orbitdb.sql.session.session import Session

BOOTSTRAP_SUPERUSER = "postgres"


def role_store(session: Session) -> RoleStore:
    return session.db.role_store()


def predefined(name: str) -> bool:
    from orbitdb.sql.pgcatalog.builtin_data import PREDEFINED_ROLES

    return name in PREDEFINED_ROLES and name != BOOTSTRAP_SUPERUSER


def role_def(store: RoleStore, name: str) -> RoleDef:
    """A role's attributes: made with CREATE ROLE, or a bootstrap role (a superuser that logs in)."""
    role = store.get(name)
    if role is not None:
        return role
    if predefined(name):
        return RoleDef(name)
    return RoleDef(name, superuser=True, createrole=True, createdb=True, login=True, replication=True,
                   bypassrls=True)


def _cache(session: Session) -> dict[Any, Any]:
    """What this session derived from the role store, dropped when the store changes."""
    store = role_store(session)
    cached = session.authz_cache
    if cached.get("version") != (id(store), store.version):
        cached.clear()
        cached["version"] = (id(store), store.version)
    return cached


def is_superuser(session: Session, name: str) -> bool:
    cache = _cache(session)
    key = ("super", name)
    if key not in cache:
        cache[key] = role_def(role_store(session), name).superuser
    return bool(cache[key])


def database_names(session: Session) -> set[str]:
    """The databases a role setting may name: the server's, or the embedded database itself."""
    cluster = getattr(session.db, "cluster", None)
    if cluster is not None:
        return {e.name for e in cluster.entries()}
    return {session.database}


def database_owner(session: Session) -> str:
    cluster = session.db.cluster
    if cluster is not None:
        for entry in cluster.entries():
            if entry.name == session.database:
                return str(entry.owner)
    return "orbit"


def roles_of(session: Session, name: str, inherit: bool = True) -> frozenset[str]:
    """name, the roles it is a member of (through others too) and "" for PUBLIC; with inherit,
    only through members that inherit (PostgreSQL 15's rolinherit of the member)."""
    cache = _cache(session)
    key = ("roles", name, inherit)
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    out = closure(role_store(session), name, inherit, name == database_owner(session))
    result = frozenset(out)
    cache[key] = result
    return result


def closure(store: RoleStore, name: str, inherit: bool, owns_database: bool) -> set[str]:
    """name, "" (PUBLIC) and the roles name is a member of, directly or through others (with
    inherit, only through members that inherit: PostgreSQL 15's rolinherit)."""
    groups: dict[str, list[str]] = {}
    for m in store.memberships():
        groups.setdefault(m.member, []).append(m.role)
    out = {name, ""}
    if owns_database:
        out.add("pg_database_owner")
    todo = [name]
    while todo:
        member = todo.pop()
        if inherit and not role_def(store, member).inherit:
            continue
        for group in groups.get(member, []):
            if group not in out:
                out.add(group)
                todo.append(group)
    return out


def check_login(store: RoleStore, user: str, database: str, owner: str, acl: list[str] | None,
                sessions_of_user: int) -> None:
    """What PostgreSQL checks when a role connects (FATAL): that it may log in, its connection
    limit, and its CONNECT privilege on the database."""
    role = role_def(store, user)
    if not role.login:
        raise SqlError("28000", f'role "{user}" is not permitted to log in', severity="FATAL")
    if role.superuser:
        return
    if role.connlimit >= 0 and sessions_of_user >= role.connlimit:
        raise SqlError("53300", f'too many connections for role "{user}"', severity="FATAL")
    roles = closure(store, user, True, user == owner)
    if "c" not in A.held(A.items_of(acl, "d", owner), roles):
        raise SqlError("42501", f'permission denied for database "{database}"', severity="FATAL",
                       detail="User does not have CONNECT privilege.")


def is_member(session: Session, member: str, role: str) -> bool:
    """pg_has_role(..., 'MEMBER'): a superuser is a member of every role."""
    return is_superuser(session, member) or role in roles_of(session, member, inherit=False)


def has_privs_of(session: Session, member: str, role: str) -> bool:
    """pg_has_role(..., 'USAGE'): member holds role's privileges (its owner rights too)."""
    return is_superuser(session, member) or role in roles_of(session, member, inherit=True)


def held(session: Session, role: str, acl: list[str] | None, kind: str, owner: str,
         with_grant: bool = False) -> str:
    """The privilege letters role ("" for PUBLIC) holds on an object (all of its kind for a superuser)."""
    if role == "":
        return A.held(A.items_of(acl, kind, owner), {""}, with_grant)
    if is_superuser(session, role):
        return A.ALL_FOR_KIND.get(kind, A.LETTERS)
    roles = roles_of(session, role)
    letters = A.held(A.items_of(acl, kind, owner), set(roles), with_grant)
    if owner in roles and with_grant:
        letters = A.ALL_FOR_KIND.get(kind, A.LETTERS)  # an owner may always grant
    return letters


def is_owner(session: Session, owner: str, role: str | None = None) -> bool:
    role = session.user if role is None else role
    return has_privs_of(session, role, owner)


def check_owner(session: Session, owner: str, noun: str, name: str) -> None:
    if not is_owner(session, owner):
        raise SqlError("42501", f"must be owner of {noun} {name}")


PUBLIC_SCHEMA_OID = 2200
PUBLIC_SCHEMA_ACL = ["pg_database_owner=UC/pg_database_owner", "=U/pg_database_owner"]  # as PostgreSQL 15's initdb


def acl_of(obj: Any) -> list[str] | None:
    """An object's ACL; the schema public's default is initdb's, not its owner's alone."""
    if obj.acl is None and getattr(obj, "oid", None) == PUBLIC_SCHEMA_OID and not hasattr(obj, "columns"):
        return list(PUBLIC_SCHEMA_ACL)
    return obj.acl  # type: ignore[no-any-return]


def check_object(session: Session, kind: str, obj: Any, letters: str, role: str | None = None) -> None:
    """42501 unless role (the current one) holds one of letters on obj (any one suffices)."""
    role = session.user if role is None else role
    if is_superuser(session, role):
        return
    have = held(session, role, acl_of(obj), kind, obj.owner)
    if not any(c in have for c in letters):
        noun = "procedure" if kind == "f" and getattr(obj, "kind", "f") == "p" else A.KIND_NOUN[kind]
        raise SqlError("42501", f"permission denied for {noun} {obj.name}")


def check_permissions(session: Session, required: tuple[Required, ...]) -> None:
    """ExecCheckPermissions: each relation a statement reads or writes, and each schema it looked in."""
    current = session.user
    cat = session.catalog()
    for req in required:
        role = req.as_role or current
        if is_superuser(session, role):
            continue
        if req.superuser_only is not None:
            raise SqlError("42501", f"permission denied for {req.superuser_only}")
        if req.schema is not None:
            schema = cat.schema(req.schema)
            if schema is not None and schema.oid >= 0:
                check_object(session, "n", schema, "U", role)
            continue
        table = cat.objects.get(req.oid)
        if table is None:
            continue  # a temporary table (the session's own)
        if req.routine:
            check_object(session, "f", table, "X", role)
            continue
        _check_relation(session, table, req, role)


def _check_relation(session: Session, table: Any, req: Required, role: str) -> None:
    have = held(session, role, table.acl, "r", table.owner)
    roles = set(roles_of(session, role))

    def columns_hold(letter: str, attnums: set[int], any_one: bool = False) -> bool:
        held_by = [letter in A.held(A.items_of(c.acl, "c", table.owner), roles) if c.acl else False
                   for c in table.columns]
        if any_one:
            return any(held_by)
        return all(0 < n <= len(held_by) and held_by[n - 1] for n in attnums)

    denied = False
    if (req.scan or req.read) and "r" not in have:
        denied = not (columns_hold("r", req.read) if req.read else columns_hold("r", set(), any_one=True))
    for letter in sorted(req.letters):
        if letter in have or denied:
            continue
        if letter == "a" and req.inserted:
            denied = not columns_hold("a", req.inserted)
        elif letter == "w" and req.updated:
            denied = not columns_hold("w", req.updated)
        else:
            denied = True
    if denied:
        noun = "view" if table.kind == "v" else "table"
        raise SqlError("42501", f"permission denied for {noun} {table.name}")


def require_superuser(session: Session, message: str, detail: str | None = None, hint: str | None = None) -> None:
    if not is_superuser(session, session.user):
        raise SqlError("42501", message, detail=detail, hint=hint)
