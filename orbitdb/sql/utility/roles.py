"""CREATE / ALTER / DROP ROLE (USER, GROUP), GRANT role TO role, REVOKE role FROM role, as
PostgreSQL 15's grammar has them. Roles are kept in the role store (role_store.py: the
server's, shared by its databases, or an embedded database's own).

    CREATE ROLE name [[WITH] option ...]   option: SUPERUSER | CREATEDB | CREATEROLE | INHERIT |
        LOGIN | REPLICATION | BYPASSRLS (and their NO forms) | CONNECTION LIMIT n |
        [ENCRYPTED] PASSWORD 'p' | PASSWORD NULL | VALID UNTIL 'ts' | IN ROLE r, ... |
        IN GROUP r, ... | ROLE r, ... | USER r, ... | ADMIN r, ... | SYSID n
    ALTER ROLE name [[WITH] option ...] | RENAME TO new | [IN DATABASE d] SET p {TO|=} v | RESET p|ALL
    ALTER GROUP g ADD|DROP USER r, ...
    DROP ROLE [IF EXISTS] name, ...

A bootstrap user (the server's configured users, who existed before roles) keeps its password
in role_passwords.json as before; ALTER ROLE of any other option of it is refused (0A000): it
is a superuser that logs in. Changes are written at once; inside a transaction block they are
undone if it rolls back (Session.on_rollback)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import Statement
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.utility import authorization as Z
from orbitdb.sql.utility.database_tokens import syntax_error, tokenize
from orbitdb.sql.utility.password_secrets import encrypt_password
from orbitdb.sql.utility.role_store import Membership, RoleDef
from orbitdb.sql.utility.token_cursor import Cursor

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

_ROLE_WORDS = ("role", "user", "group")
_CURRENT = ("current_user", "current_role", "session_user")
_FLAGS = {"superuser": "superuser", "createdb": "createdb", "createrole": "createrole", "inherit": "inherit",
          "login": "login", "replication": "replication", "bypassrls": "bypassrls"}


def is_role_statement(st: Statement) -> bool:
    """CREATE/ALTER/DROP ROLE|USER|GROUP (not ALTER USER MAPPING)."""
    lowered = st.text.lower()
    if "role" not in lowered and "user" not in lowered and "group" not in lowered:
        return False
    try:
        tokens = tokenize(st.text, st.offset, [])
    except SqlError:
        return False  # not lexable as one of ours: the statement's own handler reports it
    return (len(tokens) > 2 and tokens[0].is_word("alter", "create", "drop") and tokens[1].is_word(*_ROLE_WORDS)
            and not tokens[2].is_word("mapping"))


def role_statement(session: Session, st: Statement) -> Result:
    notices: list[Notice] = []
    cur = Cursor(tokenize(st.text, st.offset, notices))
    verb = cur.next().value
    noun = cur.next().value
    if verb == "create":
        result = _create(session, cur, noun)
    elif verb == "drop":
        result = _drop(session, cur, noun, notices)
    elif noun == "group" and not cur.peek(1).is_word("rename"):
        result = _alter_group(session, cur, notices)
    else:
        result = _alter(session, cur, notices)
    session.notices.extend(notices)
    return result


def membership_statement(session: Session, st: Statement) -> Result:
    """GRANT role, ... TO role, ... [WITH ADMIN OPTION] [GRANTED BY r] /
    REVOKE [ADMIN OPTION FOR] role, ... FROM role, ... [GRANTED BY r] [CASCADE | RESTRICT]."""
    notices: list[Notice] = []
    cur = Cursor(tokenize(st.text, st.offset, notices))
    granting = cur.next().is_word("grant")
    admin_only = not granting and cur.take("admin", "option", "for")
    groups = _name_list(cur)
    cur.expect("to" if granting else "from")
    members = [_role_spec(session, cur, must_exist=True) for _ in _comma_loop(cur)]
    with_admin = granting and cur.take("with", "admin", "option")
    if granting and cur.take("with") and not with_admin:
        raise syntax_error(cur.peek())
    grantor = session.user
    if cur.take("granted", "by"):
        grantor = _role_spec(session, cur, must_exist=True)
    if not granting:
        cur.take("cascade") or cur.take("restrict")
    cur.expect_end()
    store = Z.role_store(session)
    members_now = store.memberships()
    for group in groups:
        _existing(session, group)
        _check_may_grant(session, group)
        for member in members:
            if granting:
                _add_member(session, members_now, group, member, grantor, with_admin, notices)
            else:
                found = [m for m in members_now if m.role == group and m.member == member]
                if not found:
                    notices.append(Notice("WARNING", "01007", f'role "{member}" is not a member of role "{group}"'))
                    continue
                for m in found:
                    if admin_only:
                        m.admin_option = False
                    else:
                        members_now.remove(m)
    _remember(session, store.set_members(members_now))
    session.notices.extend(notices)
    return Result("GRANT ROLE" if granting else "REVOKE ROLE")


def _comma_loop(cur: Cursor) -> Any:
    yield None
    while cur.take_op(","):
        yield None


def _name_list(cur: Cursor) -> list[str]:
    return [cur.name() for _ in _comma_loop(cur)]


def _role_spec(session: Session, cur: Cursor, must_exist: bool) -> str:
    token = cur.next()
    if token.is_word(*_CURRENT):
        return session.session_user if token.value == "session_user" else session.user
    if token.is_word("public") and token.kind == "word":
        raise SqlError("42704", 'role "public" does not exist')
    if not token.identifier:
        raise syntax_error(token)
    if token.value == "none":
        raise SqlError("42939", 'role name "none" is reserved', position=token.position)
    if must_exist:
        _existing(session, token.value)
    return token.value


def _existing(session: Session, name: str, sqlstate: str = "42704") -> None:
    from orbitdb.sql.pgcatalog.base import Env

    if name not in Env(session).role_names:
        raise SqlError(sqlstate, f'role "{name}" does not exist')


def _remember(session: Session, undo: Any) -> None:
    if session.in_block or session.implicit:
        session.on_rollback.append(undo)


def _check_name(name: str) -> None:
    if name in ("public", "none"):
        raise SqlError("42939", f'role name "{name}" is reserved')
    if name.startswith("pg_"):
        raise SqlError("42939", f'role name "{name}" is reserved',
                       detail='Role names starting with "pg_" are reserved.')


def _may_create_role(session: Session) -> bool:
    return Z.is_superuser(session, session.user) or Z.role_def(Z.role_store(session), session.user).createrole


def _options(session: Session, cur: Cursor, role: RoleDef, creating: bool) -> dict[str, list[str]]:
    """Applies the options to role; the role lists (IN ROLE, ROLE, ADMIN) of CREATE are returned."""
    lists: dict[str, list[str]] = {}
    seen: set[str] = set()

    def once(what: str) -> None:
        if what in seen:
            raise cur.error("conflicting or redundant options")
        seen.add(what)

    cur.take("with")
    while not cur.at_end():
        token = cur.peek()
        word = token.value if token.kind == "word" else ""
        if word in _FLAGS or (word.startswith("no") and word[2:] in _FLAGS):
            key = _FLAGS[word.removeprefix("no") if word not in _FLAGS else word]
            once(key)
            setattr(role, key, not (word.startswith("no") and word not in _FLAGS))
            cur.next()
        elif cur.take("connection", "limit"):
            once("connlimit")
            limit = cur.integer()
            if limit < -1:
                raise SqlError("22023", f"invalid connection limit: {limit}")
            role.connlimit = limit
        elif word in ("password", "encrypted") or cur.peek().is_word("unencrypted"):
            if cur.take("unencrypted"):
                raise SqlError("0A000", "UNENCRYPTED PASSWORD is no longer supported",
                               hint="Remove UNENCRYPTED to store the password in encrypted form instead.")
            cur.take("encrypted")
            cur.expect("password")
            once("password")
            if cur.take("null"):
                role.password = None
            else:
                role.password = _stored_password(session, role.name, cur.string())
        elif cur.take("valid", "until"):
            once("valid")
            role.valid_until = _valid_until(cur.string())
        elif creating and (cur.take("in", "role") or cur.take("in", "group")):
            once("in")
            lists["in"] = _name_list(cur)
        elif creating and (cur.take("role") or cur.take("user")):
            once("role")
            lists["role"] = _name_list(cur)
        elif creating and cur.take("admin"):
            once("admin")
            lists["admin"] = _name_list(cur)
        elif creating and cur.take("sysid"):
            cur.integer()  # ignored, as PostgreSQL ignores it
        else:
            raise syntax_error(token)
    return lists


def _valid_until(text: str) -> str | None:
    import datetime

    lowered = text.strip().lower()
    if lowered == "infinity":
        return "infinity"
    try:
        when = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        raise SqlError("22007", f'invalid input syntax for type timestamp with time zone: "{text}"') from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when.isoformat()


def _stored_password(session: Session, name: str, password: str) -> str | None:
    if password == "":
        session.notices.append(Notice("NOTICE", "00000", "empty string is not a valid password, clearing password"))
        return None
    encryption = session.get_setting("password_encryption", missing_ok=True) or "scram-sha-256"
    return encrypt_password(name, password, encryption)


def _create(session: Session, cur: Cursor, noun: str) -> Result:
    name = cur.name()
    _check_name(name)
    if not _may_create_role(session):
        raise SqlError("42501", "permission denied to create role",
                       detail='Only roles with the CREATEROLE attribute may create roles.')
    from orbitdb.sql.pgcatalog.base import Env

    if name in Env(session).role_names:
        raise SqlError("42710", f'role "{name}" already exists')
    role = RoleDef(name, login=(noun == "user"))
    lists = _options(session, cur, role, creating=True)
    if (role.superuser or role.replication or role.bypassrls) and not Z.is_superuser(session, session.user):
        what = "superusers" if role.superuser else ("replication users" if role.replication else "bypassrls users")
        raise SqlError("42501", f"must be superuser to create {what}")
    for other in [*lists.get("in", []), *lists.get("role", []), *lists.get("admin", [])]:
        _existing(session, other)
    store = Z.role_store(session)
    _remember(session, store.put(role))
    members = store.memberships()
    notices: list[Notice] = []
    for group in lists.get("in", []):
        _add_member(session, members, group, name, session.user, False, notices)
    for member in lists.get("role", []):
        _add_member(session, members, name, member, session.user, False, notices)
    for member in lists.get("admin", []):
        _add_member(session, members, name, member, session.user, True, notices)
    if members != store.memberships():
        _remember(session, store.set_members(members))
    session.notices.extend(notices)
    return Result("CREATE ROLE")


def _add_member(session: Session, members: list[Membership], group: str, member: str, grantor: str,
                admin: bool, notices: list[Notice]) -> None:
    if group == member or _is_member_via(members, group, member):
        raise SqlError("0LP01", f'role "{group}" is a member of role "{member}"')
    for m in members:
        if m.role == group and m.member == member:
            if admin and not m.admin_option:
                m.admin_option = True
                return
            notices.append(Notice("NOTICE", "00000", f'role "{member}" is already a member of role "{group}"'))
            return
    members.append(Membership(group, member, grantor, admin))


def _is_member_via(members: list[Membership], member: str, group: str) -> bool:
    """Whether member is already (through others) a member of group."""
    todo, seen = [member], {member}
    while todo:
        cur = todo.pop()
        for m in members:
            if m.member == cur and m.role not in seen:
                if m.role == group:
                    return True
                seen.add(m.role)
                todo.append(m.role)
    return False


def _check_may_grant(session: Session, group: str) -> None:
    if Z.is_superuser(session, session.user):
        return
    store = Z.role_store(session)
    target = Z.role_def(store, group)
    if target.superuser:
        raise SqlError("42501", "must be superuser to alter superusers")
    if Z.role_def(store, session.user).createrole:
        return
    for m in store.memberships():
        if m.role == group and m.admin_option and m.member in Z.roles_of(session, session.user, inherit=False):
            return
    raise SqlError("42501", f'must have admin option on role "{group}"')


def _drop(session: Session, cur: Cursor, noun: str, notices: list[Notice]) -> Result:
    if_exists = cur.take("if", "exists")
    names = _name_list(cur)
    cur.expect_end()
    if not _may_create_role(session):
        raise SqlError("42501", "permission denied to drop role",
                       detail="Only roles with the CREATEROLE attribute may drop roles.")
    store = Z.role_store(session)
    from orbitdb.sql.pgcatalog.base import Env

    existing = Env(session).role_names
    for name in names:
        if name not in existing:
            if if_exists:
                notices.append(Notice("NOTICE", "00000", f'role "{name}" does not exist, skipping'))
                continue
            raise SqlError("42704", f'role "{name}" does not exist')
        if name == session.user:
            raise SqlError("55006", "current user cannot be dropped")
        if name == session.session_user:
            raise SqlError("55006", "session user cannot be dropped")
        if Z.predefined(name) or store.get(name) is None:
            raise SqlError("0A000", f'orbitdb cannot drop role "{name}"',
                           detail="It is a bootstrap role (a configured user, a database owner or PostgreSQL's own).")
        if store.get(name).superuser and not Z.is_superuser(session, session.user):  # type: ignore[union-attr]
            raise SqlError("42501", "must be superuser to drop superusers")
        uses = dependents(session, name)
        if uses:
            raise SqlError("2BP01", f'role "{name}" cannot be dropped because some objects depend on it',
                           detail="\n".join(uses))
        _remember(session, store.remove(name))
    return Result("DROP ROLE")


def dependents(session: Session, name: str) -> list[str]:
    """What in this database (and the cluster's list of databases) names the role: pg_shdepend's
    lines of PostgreSQL's DETAIL."""
    from orbitdb.sql.pgcatalog import aclitems as A
    from orbitdb.sql.utility.grants import describe

    out = []
    cluster = session.db.cluster
    if cluster is not None:
        for entry in cluster.entries():
            if entry.owner == name:
                out.append(f"owner of database {entry.name}")
            if A.mentions(entry.acl, name):
                out.append(f"privileges for database {entry.name}")
    for obj in session.catalog().objects.values():
        if getattr(obj, "owner", None) == name:
            out.append(f"owner of {describe(obj)}")
        if A.mentions(getattr(obj, "acl", None), name):
            out.append(f"privileges for {describe(obj)}")
        for col in getattr(obj, "columns", None) or []:
            if A.mentions(getattr(col, "acl", None), name):
                out.append(f"privileges for column {col.name} of {describe(obj)}")
    return out


def _alter_group(session: Session, cur: Cursor, notices: list[Notice]) -> Result:
    group = _role_spec(session, cur, must_exist=True)
    adding = cur.take("add")
    if not adding:
        cur.expect("drop")
    cur.expect("user")
    members = [_role_spec(session, cur, must_exist=True) for _ in _comma_loop(cur)]
    cur.expect_end()
    _check_may_grant(session, group)
    store = Z.role_store(session)
    now = store.memberships()
    for member in members:
        if adding:
            _add_member(session, now, group, member, session.user, False, notices)
        else:
            now = [m for m in now if not (m.role == group and m.member == member)]
    _remember(session, store.set_members(now))
    return Result("ALTER ROLE")


def _alter(session: Session, cur: Cursor, notices: list[Notice]) -> Result:
    if cur.peek().is_word("all"):
        raise SqlError("0A000", "ALTER ROLE ALL is not supported")
    name = _role_spec(session, cur, must_exist=True)
    if Z.predefined(name):
        raise SqlError("42939", f'role name "{name}" is reserved', detail="Cannot alter reserved roles.")
    store = Z.role_store(session)
    role = store.get(name)
    if cur.take("rename", "to"):
        return _rename(session, cur, name, role)
    database = None
    if cur.take("in", "database"):
        database = cur.name()
        if database not in Z.database_names(session):
            raise SqlError("3D000", f'database "{database}" does not exist')
    if cur.peek().is_word("set", "reset") or database is not None:
        return _alter_config(session, cur, name, role, database)
    if role is None:
        return _alter_bootstrap(session, cur, name, notices)
    new = dataclasses.replace(role, config=list(role.config))
    _options(session, cur, new, creating=False)
    me = session.user
    if not Z.is_superuser(session, me):
        only_password = all(getattr(new, f.name) == getattr(role, f.name) for f in dataclasses.fields(RoleDef)
                            if f.name != "password")
        if role.superuser or new.superuser != role.superuser or new.replication != role.replication \
                or new.bypassrls != role.bypassrls:
            raise SqlError("42501", "must be superuser to alter superuser roles or change superuser attribute"
                           if role.superuser or new.superuser != role.superuser
                           else "must be superuser to alter replication roles or change replication attribute")
        if not (only_password and name == me) and not Z.role_def(store, me).createrole:
            raise SqlError("42501", "permission denied", detail="Only roles with the CREATEROLE attribute may alter roles.")
    _remember(session, store.put(new))
    return Result("ALTER ROLE")


def _rename(session: Session, cur: Cursor, name: str, role: RoleDef | None) -> Result:
    new_name = cur.name()
    cur.expect_end()
    if role is None:
        raise SqlError("0A000", f'orbitdb cannot rename role "{name}"', detail="It is a bootstrap role.")
    if name == session.session_user or name == session.user:
        raise SqlError("0A000", "session user cannot be renamed" if name == session.session_user
                       else "current user cannot be renamed")
    if not _may_create_role(session):
        raise SqlError("42501", "permission denied to rename role")
    _check_name(new_name)
    from orbitdb.sql.pgcatalog.base import Env

    if new_name in Env(session).role_names:
        raise SqlError("42710", f'role "{new_name}" already exists')
    from orbitdb.sql.utility.grants import rename_in_catalog

    rename_in_catalog(session, name, new_name)
    store = Z.role_store(session)
    renamed = dataclasses.replace(role, name=new_name)
    notices = []
    if role.password is not None and role.password.startswith("md5"):
        renamed.password = None  # an MD5 hash is salted with the name
        notices.append(Notice("NOTICE", "00000", "MD5 password cleared because of role rename"))
    _remember(session, store.put(renamed, old_name=name))
    session.notices.extend(notices)
    return Result("ALTER ROLE")


def _alter_config(session: Session, cur: Cursor, name: str, role: RoleDef | None,
                  database: str | None = None) -> Result:
    if role is None:
        raise SqlError("0A000", f'ALTER ROLE ... SET is not supported for the bootstrap role "{name}"',
                       detail=f'"{name}" is a configured user of the server; make a role with CREATE ROLE to keep '
                       "settings for it.")
    new = dataclasses.replace(role, config=list(role.config),
                              database_config={d: list(c) for d, c in role.database_config.items()})
    config = new.config if database is None else new.database_config.setdefault(database, [])
    if cur.take("reset"):
        if cur.take("all"):
            config.clear()
        else:
            key = cur.name()
            config[:] = [c for c in config if c.split("=", 1)[0] != key]
    else:
        cur.expect("set")
        key = cur.name()
        while cur.take_op("."):
            key += "." + cur.name()
        if cur.take("from", "current"):
            value = session.get_setting(key) or ""
        else:
            if not cur.take("to"):
                cur.expect_op("=")
            values = []
            for _ in _comma_loop(cur):
                token = cur.next()
                if token.kind == "end":
                    raise syntax_error(token)
                values.append(token.value)
            value = ", ".join(values)
        from orbitdb.sql import settings as S

        if not S.is_known(S.canonical_name(key)) and "." not in key:
            raise SqlError("42704", f'unrecognized configuration parameter "{key}"')
        config[:] = [c for c in config if c.split("=", 1)[0] != key] + [f"{key}={value}"]
    cur.expect_end()
    new.database_config = {d: c for d, c in new.database_config.items() if c}
    if not Z.is_superuser(session, session.user) and not (
            name == session.user or Z.role_def(Z.role_store(session), session.user).createrole):
        raise SqlError("42501", "permission denied")
    _remember(session, Z.role_store(session).put(new))
    return Result("ALTER ROLE")


# the attributes of a configured user (a superuser that can log in), which ALTER ROLE may restate
_BOOTSTRAP_HAS = {"superuser", "inherit", "createrole", "createdb", "login", "replication", "bypassrls"}


def _alter_bootstrap(session: Session, cur: Cursor, name: str, notices: list[Notice]) -> Result:
    """A configured user: only its password is kept (role_passwords.json), as before roles."""
    cur.take("with")
    password: tuple[bool, str | None] | None = None
    while not cur.at_end():
        if cur.take("unencrypted"):
            raise SqlError("0A000", "UNENCRYPTED PASSWORD is no longer supported",
                           hint="Remove UNENCRYPTED to store the password in encrypted form instead.")
        cur.take("encrypted")
        if cur.take("password"):
            if password is not None:
                raise cur.error("conflicting or redundant options")
            password = (True, None) if cur.take("null") else (True, cur.string())
        elif cur.take("valid", "until"):
            if cur.string().strip().lower() != "infinity":
                raise SqlError("0A000", "VALID UNTIL is not supported for a bootstrap role",
                               detail=f'"{name}" is a configured user of the server; only \'infinity\' is accepted.')
        elif cur.peek().kind == "word" and cur.peek().text.lower() in _BOOTSTRAP_HAS:
            cur.next()  # what a configured user already is (pg_dumpall --roles-only restates it)
        elif cur.peek().kind == "word":
            raise SqlError("0A000", f"ALTER ROLE ... {cur.peek().text.upper()} is not supported for a bootstrap role",
                           position=cur.peek().position,
                           detail=f'"{name}" is a configured user of the server: a superuser that can log in.')
        else:
            raise syntax_error(cur.peek())
    if password is None:
        return Result("ALTER ROLE")
    if not Z.is_superuser(session, session.user) and name != session.user:
        raise SqlError("42501", "must be superuser to alter superuser roles or change superuser attribute")
    _not_in_transaction_block(session)
    _set_password(session, name, password[1], notices)
    return Result("ALTER ROLE")


def _not_in_transaction_block(session: Session) -> None:
    if session.in_block or session.multi_statement or (session.implicit and session._txn_has_run):
        raise SqlError("0A000", "orbitdb cannot run ALTER ROLE ... PASSWORD inside a transaction block",
                       detail="orbitdb changes the password at once and could not roll it back.",
                       hint="Run it as a statement of its own (in autocommit mode).")


def _set_password(session: Session, name: str, password: str | None, notices: list[Notice]) -> None:
    cluster = session.db.cluster
    if cluster is None:
        raise SqlError("0A000", "ALTER ROLE ... PASSWORD is not supported on an embedded connection",
                       detail="Passwords are the server's (orbitdb serve): an embedded database has no "
                       "authentication.")
    store = cluster.role_passwords
    if password == "":
        notices.append(Notice("NOTICE", "00000", "empty string is not a valid password, clearing password"))
        password = None
    secret = None
    if password is not None:
        encryption = session.get_setting("password_encryption", missing_ok=True) or "scram-sha-256"
        secret = encrypt_password(name, password, encryption)
    try:
        store.set(name, secret)
    except OSError as exc:
        raise SqlError("58030", f'could not write file "{store.path}": {exc.strerror or exc}') from None


# ---------------------------------------------------------------- SET ROLE, SET SESSION AUTHORIZATION


def set_role(session: Session, name: str | None) -> None:
    """SET ROLE name | NONE (None), RESET ROLE: the current role, which must be one the session
    user is a member of."""
    if name is None or name == "none":
        _become(session, session.session_user, "none")
        return
    _existing(session, name, "22023")  # as PostgreSQL's check of the setting "role"
    if not Z.is_member(session, session.session_user, name):
        raise SqlError("42501", f'permission denied to set role "{name}"')
    _become(session, name, name)


def set_session_authorization(session: Session, name: str | None) -> None:
    """SET SESSION AUTHORIZATION name | DEFAULT (None): only a superuser who connected may be another."""
    target = session.authenticated_user if name is None else name
    _existing(session, target, "22023")
    if target != session.authenticated_user and not Z.is_superuser(session, session.authenticated_user):
        raise SqlError("42501", f'permission denied to set session authorization "{target}"')
    session.session_user = target
    session.settings["session_authorization"] = target
    session.changed["session_authorization"] = target
    _become(session, target, "none")


def _become(session: Session, role: str, shown: str) -> None:
    session.user = role
    session.settings["role"] = shown
    superuser = "on" if Z.is_superuser(session, role) else "off"
    if session.settings.get("is_superuser") != superuser:
        session.changed["is_superuser"] = superuser
    session.settings["is_superuser"] = superuser
    session.plan_cache.clear()
    session._statements.clear()
