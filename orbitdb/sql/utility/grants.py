"""GRANT / REVOKE of privileges on objects, REASSIGN OWNED and DROP OWNED, as PostgreSQL 15's
grammar has them; the privileges are kept as aclitem texts in the catalog's `acl` fields (acl.py)
within the statement's transaction, and databases' in the server's list of databases.

    GRANT { priv [(col, ...)] [, ...] | ALL [PRIVILEGES] [(col, ...)] }
        ON { [TABLE] t, ... | ALL TABLES IN SCHEMA s, ... | SEQUENCE q, ... | ALL SEQUENCES IN SCHEMA s |
             SCHEMA s, ... | FUNCTION|PROCEDURE|ROUTINE f[(types)], ... | ALL FUNCTIONS IN SCHEMA s |
             TYPE|DOMAIN t, ... | DATABASE d, ... }
        TO { role | PUBLIC | CURRENT_USER | SESSION_USER | CURRENT_ROLE } [, ...]
        [WITH GRANT OPTION] [GRANTED BY current_user]
    REVOKE [GRANT OPTION FOR] ... FROM ... [GRANTED BY ...] [CASCADE | RESTRICT]

Privileges on languages, tablespaces, large objects, foreign servers and parameters are refused
with 0A000 (orbitdb has none of them to grant on)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import Statement
from orbitdb.sql.pgcatalog import aclitems as A
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.utility import authorization as Z
from orbitdb.sql.utility.database_tokens import syntax_error, tokenize
from orbitdb.sql.utility.token_cursor import Cursor
from orbitdb.storage.catalog import FunctionDef, SchemaDef, SequenceDef, TableDef, TypeDef

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.session.session import Session

_PRIVILEGE_WORDS = {"select", "insert", "update", "delete", "truncate", "references", "trigger", "create",
                    "connect", "temporary", "temp", "execute", "usage", "set"}
_REFUSED_KINDS = ("language", "tablespace", "large", "foreign", "parameter")


def is_role_grant(st: Statement) -> bool:
    """GRANT role TO ... / REVOKE role FROM ...: no ON before TO/FROM."""
    try:
        tokens = tokenize(st.text, st.offset, [])
    except SqlError:
        return False
    for t in tokens[1:]:
        if t.is_word("on"):
            return False
        if t.is_word("to", "from"):
            return True
    return False


def describe(obj: Any) -> str:
    """An object as PostgreSQL's dependency messages name it."""
    if isinstance(obj, TableDef):
        return f"{'view' if obj.kind == 'v' else 'table'} {_qualified(obj)}"
    if isinstance(obj, SequenceDef):
        return f"sequence {_qualified(obj)}"
    if isinstance(obj, SchemaDef):
        return f"schema {obj.name}"
    if isinstance(obj, FunctionDef):
        return f"{'procedure' if obj.kind == 'p' else 'function'} {obj.name}({', '.join(obj.arg_types)})"
    if isinstance(obj, TypeDef):
        return f"type {obj.name}"
    return str(getattr(obj, "name", obj))


def _qualified(obj: Any) -> str:
    return obj.name if obj.schema == "public" else f"{obj.schema}.{obj.name}"


def acl_kind(obj: Any) -> str:
    if isinstance(obj, TableDef):
        return "r"
    if isinstance(obj, SequenceDef):
        return "s"
    if isinstance(obj, SchemaDef):
        return "n"
    if isinstance(obj, FunctionDef):
        return "f"
    return "T"


def privilege_statement(session: Session, st: Statement, ctx: ExecContext) -> Result:
    from orbitdb.sql.ddl.commands import DDL

    notices: list[Notice] = []
    cur = Cursor(tokenize(st.text, st.offset, notices))
    granting = cur.next().is_word("grant")
    grant_option_only = not granting and cur.take("grant", "option", "for")
    privileges = _privileges(cur)
    cur.expect("on")
    target_kind, names = _targets(cur)
    cur.expect("to" if granting else "from")
    grantees = [_grantee(session, cur) for _ in _commas(cur)]
    with_grant = granting and cur.take("with", "grant", "option")
    if cur.take("granted", "by"):
        by = cur.next()
        who = session.user if by.is_word("current_user", "current_role") else (
            session.session_user if by.is_word("session_user") else by.value)
        if who != session.user:
            raise SqlError("0A000", "grantor must be current user")
    if not granting:
        cur.take("cascade") or cur.take("restrict")
    cur.expect_end()
    if ctx.txn is not None and ctx.txn.read_only:
        raise SqlError("25006", f"cannot execute {'GRANT' if granting else 'REVOKE'} in a read-only transaction")
    tag = "GRANT" if granting else "REVOKE"
    if target_kind == "database":
        _database_privileges(session, names, [p for p, _ in privileges], grantees, granting, with_grant, grant_option_only, notices)
        session.notices.extend(notices)
        return Result(tag)
    d = DDL(session, ctx)
    table_privileges = [p for p, cols in privileges if not cols]
    column_privileges = [(p, cols) for p, cols in privileges if cols]
    for obj in _objects(session, d, target_kind, names):
        kind = acl_kind(obj)
        letters = _letters(table_privileges, kind, obj, target_kind, notices) if table_privileges else ""
        column_letters = {}
        for p, cols in column_privileges:
            if not isinstance(obj, TableDef):
                raise SqlError("42809", f'"{obj.name}" is not a table')
            for c in _letters([p], kind, obj, target_kind, notices):
                if c in A.ALL_FOR_KIND["c"]:
                    for name in cols:
                        column_letters[name] = column_letters.get(name, "") + c
        wanted = letters + "".join(column_letters.values())
        if not wanted:
            continue
        d.lock_object(obj.oid)
        fresh = d.cat.objects.get(obj.oid)
        if fresh is None:
            continue
        grantor = _grantor(session, fresh, kind, wanted, notices)
        if grantor is None:
            continue
        letters = _grantable_letters(session, fresh, kind, letters, grantor)
        if letters:
            fresh.acl = _change(A.items_of(Z.acl_of(fresh), kind, fresh.owner), grantees, grantor, letters, granting,
                                with_grant, grant_option_only)
            if not granting and isinstance(fresh, TableDef):
                for col in fresh.columns:  # a table's REVOKE takes the columns' privileges too
                    if col.acl:
                        col.acl = _change(A.items_of(col.acl, "c", fresh.owner), grantees, grantor, letters,
                                          False, False, grant_option_only) or None
        for name, col_letters in column_letters.items():
            col = next((c for c in fresh.columns if c.name == name), None)
            if col is None:
                raise SqlError("42703", f'column "{name}" of relation "{fresh.name}" does not exist')
            col_letters = _grantable_letters(session, fresh, kind, col_letters, grantor)
            col.acl = _change(A.items_of(col.acl or [], "c", fresh.owner), grantees, grantor, col_letters,
                              granting, with_grant, grant_option_only) or None
        d.cat.put(fresh)
    session.notices.extend(notices)
    return Result(tag)


def _commas(cur: Cursor) -> Any:
    yield None
    while cur.take_op(","):
        yield None


def _privileges(cur: Cursor) -> list[tuple[str, list[str]]]:
    """The privilege names (upper case; "ALL" for ALL), each with its column list (empty: the whole object)."""
    if cur.take("all"):
        cur.take("privileges")
        return [("ALL", _columns(cur))]
    privileges: list[tuple[str, list[str]]] = []
    for _ in _commas(cur):
        token = cur.next()
        if token.is_word("alter") and cur.take("system"):
            privileges.append(("ALTER SYSTEM", []))
            continue
        if token.kind != "word" or token.value not in _PRIVILEGE_WORDS:
            if token.identifier and not token.is_word("on"):
                raise SqlError("42601", f'unrecognized privilege type "{token.value}"')
            raise syntax_error(token)
        privileges.append(("TEMPORARY" if token.value == "temp" else token.value.upper(), _columns(cur)))
    return privileges


def _columns(cur: Cursor) -> list[str]:
    if not cur.take_op("("):
        return []
    cols = [cur.name() for _ in _commas(cur)]
    cur.expect_op(")")
    return cols


def _targets(cur: Cursor) -> tuple[str, list[Any]]:
    """The kind of the objects named and their names (qualified name lists, or schema names for ALL ... IN SCHEMA)."""
    if cur.take("all"):
        what = cur.next()
        if not what.is_word("tables", "sequences", "functions", "procedures", "routines"):
            raise syntax_error(what)
        cur.expect("in", "schema")
        return "all " + what.value, [cur.name() for _ in _commas(cur)]
    kind = "table"
    token = cur.peek()
    if token.is_word(*_REFUSED_KINDS):
        raise SqlError("0A000", f"GRANT and REVOKE on {token.value.upper()} objects are not supported",
                       detail="orbitdb has no such objects to grant privileges on.")
    if token.is_word("table", "sequence", "schema", "function", "procedure", "routine", "type", "domain", "database"):
        kind = cur.next().value
        if kind in ("procedure", "routine"):
            kind = "function"
        if kind == "domain":
            kind = "type"
    names: list[Any] = []
    for _ in _commas(cur):
        if kind in ("schema", "database"):
            names.append(cur.name())
            continue
        parts = cur.qualified()
        args: list[str] | None = None
        if kind == "function" and cur.take_op("("):
            args = []
            depth, text = 0, []
            while True:
                t = cur.next()
                if t.kind == "end":
                    raise syntax_error(t)
                if t.kind == "op" and t.value == ")" and depth == 0:
                    break
                if t.kind == "op" and t.value == "," and depth == 0:
                    args.append(" ".join(text))
                    text = []
                    continue
                depth += 1 if t.text == "(" else -1 if t.text == ")" else 0
                text.append(t.text)
            if text:
                args.append(" ".join(text))
        names.append((parts, args))
    return kind, names


def _grantee(session: Session, cur: Cursor) -> str:
    cur.take("group")
    token = cur.next()
    if token.is_word("public"):
        return ""
    if token.is_word("current_user", "current_role"):
        return session.user
    if token.is_word("session_user"):
        return session.session_user
    if not token.identifier:
        raise syntax_error(token)
    from orbitdb.sql.pgcatalog.base import Env

    if token.value not in Env(session).role_names:
        raise SqlError("42704", f'role "{token.value}" does not exist')
    return token.value


def _builtin(kind: str, name: str) -> bool:
    if kind == "function":
        import orbitdb.sql.functions  # noqa: F401  (registers the library)
        from orbitdb.sql.functions.registry import FUNCTIONS
        from orbitdb.sql.pgcatalog.lookup import proc_oid

        return name in FUNCTIONS or proc_oid(name) is not None
    from orbitdb.sql import types as T

    try:
        T.parse_type_name(name)
    except SqlError:
        return False
    return True


def _objects(session: Session, d: Any, kind: str, names: list[Any], statement: str = "GRANT") -> list[Any]:
    cat = d.cat
    out: list[Any] = []
    if kind.startswith("all "):
        for schema in names:
            if cat.schema(schema) is None:
                raise SqlError("3F000", f'schema "{schema}" does not exist')
            if kind == "all tables":
                out.extend(t for t in cat.objects.values() if isinstance(t, TableDef) and t.schema == schema)
            elif kind == "all sequences":
                out.extend(q for q in cat.objects.values() if isinstance(q, SequenceDef) and q.schema == schema)
            else:
                want = {"all functions": "f", "all procedures": "p"}.get(kind)
                out.extend(f for f in cat.objects.values() if isinstance(f, FunctionDef) and f.schema == schema
                           and (want is None or f.kind == want))
        return out
    for item in names:
        if kind == "schema":
            schema = cat.schema(item)
            if schema is None:
                raise SqlError("3F000", f'schema "{item}" does not exist')
            out.append(schema)
            continue
        parts, args = item
        schemas = [parts[-2]] if len(parts) > 1 else session.search_schemas()
        found = None
        for sch in schemas:
            if kind in ("table", "sequence"):
                found = cat.table(sch, parts[-1]) or cat.sequence(sch, parts[-1])
            elif kind == "type":
                found = cat.type(sch, parts[-1])
            elif kind == "function":
                found = _function(cat, sch, parts[-1], args)
            if found is not None:
                break
        if found is None and kind in ("function", "type") and _builtin(kind, parts[-1]):
            raise SqlError("0A000", f"{statement} of a built-in {kind} is not supported",
                           detail=f"{parts[-1]}{'()' if kind == 'function' else ''} is built into orbitdb.")
        if found is None:
            out_name = ".".join(parts)
            if kind in ("table", "sequence"):
                raise SqlError("42P01", f'relation "{out_name}" does not exist')
            if kind == "type":
                raise SqlError("42704", f'type "{out_name}" does not exist')
            raise SqlError("42883", f"function {out_name}({', '.join(args or [])}) does not exist")
        if kind == "sequence" and not isinstance(found, SequenceDef):
            raise SqlError("42809", f'"{found.name}" is not a sequence')
        out.append(found)
    return out


def _function(cat: Any, schema: str, name: str, args: list[str] | None) -> FunctionDef | None:
    candidates = cat.functions_named(schema, name)
    if args is None:
        if len(candidates) > 1:
            raise SqlError("42725", f'function name "{name}" is not unique',
                           hint="Specify the argument list to select the function unambiguously.")
        return candidates[0] if candidates else None
    from orbitdb.sql import types as T

    def norm(type_name: str) -> str:
        type_name = re.sub(r"\s*\.\s*", ".", type_name)
        words = [w for w in type_name.split() if w.lower() not in ("in", "variadic")]
        if len(words) > 1 and words[0].lower() not in ("double", "character", "timestamp", "time", "bit"):
            words = words[1:]  # an argument name
        spelled = re.sub(r'^(?:"[^"]*"|\w+)\.', "", " ".join(words))  # schema-qualified, as pg_dump writes
        try:
            return T.parse_type_name(spelled).name
        except SqlError:
            return spelled.lower()

    wanted = [norm(a) for a in args]
    for f in candidates:
        ins = [t for t, m in zip(f.arg_types, f.arg_modes or ["i"] * len(f.arg_types)) if m in ("i", "b", "v")]
        if [norm(t) for t in ins] == wanted:
            return f
    return None


def _letters(privileges: list[str], kind: str, obj: Any, target_kind: str, notices: list[Notice]) -> str:
    allowed = A.ALL_FOR_KIND[kind]
    if privileges == ["ALL"]:
        return allowed
    letters = [A.PRIVILEGE_LETTER[p] for p in privileges]
    bad = [p for p, c in zip(privileges, letters) if c not in allowed]
    if bad and kind == "s" and target_kind == "table":
        notices.append(Notice("WARNING", "01007",
                              f'sequence "{obj.name}" only supports USAGE, SELECT, and UPDATE privileges'))
        return "".join(c for c in letters if c in allowed)
    if bad:
        noun = {"r": "relation", "s": "sequence", "n": "schema", "f": "function", "T": "type"}[kind]
        raise SqlError("0LP01", f"invalid privilege type {bad[0]} for {noun}")
    return "".join(letters)


def _grantor(session: Session, obj: Any, kind: str, letters: str, notices: list[Notice]) -> str | None:
    """Who the privileges are granted by (PostgreSQL's select_best_grantor): the owner when the
    current role is (a member of) it or a superuser, else the current role, which needs the grant option."""
    me = session.user
    if Z.is_superuser(session, me) or Z.is_owner(session, obj.owner):
        return str(obj.owner)
    grantable = Z.held(session, me, Z.acl_of(obj), kind, obj.owner, with_grant=True)
    if not grantable:
        have = Z.held(session, me, Z.acl_of(obj), kind, obj.owner)
        if not have:
            raise SqlError("42501", f"permission denied for {A.KIND_NOUN[kind]} {obj.name}")
        notices.append(Notice("WARNING", "01007", f'no privileges were granted for "{obj.name}"'))
        return None
    if any(c not in grantable for c in letters):
        notices.append(Notice("WARNING", "01007", f'not all privileges were granted for "{obj.name}"'))
    return me


def _grantable_letters(session: Session, obj: Any, kind: str, letters: str, grantor: str) -> str:
    """What a grantor that is not the owner may pass on: the privileges it holds with grant option."""
    if grantor == obj.owner:
        return letters
    grantable = Z.held(session, grantor, Z.acl_of(obj), kind, obj.owner, with_grant=True)
    return "".join(c for c in letters if c in grantable)


def _change(items: list[A.AclItem], grantees: list[str], grantor: str, letters: str, granting: bool,
            with_grant: bool, grant_option_only: bool) -> list[str]:
    for grantee in grantees:
        if granting:
            items = A.grant(items, grantee, grantor, letters, with_grant)
        else:
            items = A.revoke(items, grantee, grantor, letters, grant_option_only)
    return A.texts(items)


def _database_privileges(session: Session, names: list[str], privileges: list[str], grantees: list[str],
                         granting: bool, with_grant: bool, grant_option_only: bool, notices: list[Notice]) -> None:
    cluster = session.db.cluster
    if cluster is None:
        raise SqlError("0A000", "GRANT and REVOKE ON DATABASE are not supported on an embedded connection",
                       detail="Database privileges are the server's (orbitdb serve): they decide who may connect.")
    if session.in_block or session.implicit:
        raise SqlError("0A000", "orbitdb cannot change database privileges inside a transaction block",
                       hint="Run it as a statement of its own (in autocommit mode).")
    for name in names:
        entry = next((e for e in cluster.entries() if e.name == name), None)
        if entry is None:
            raise SqlError("3D000", f'database "{name}" does not exist')

        db = _DatabaseObject(entry.name, entry.owner, entry.acl)
        letters = _letters(privileges, "d", db, "database", notices)
        grantor = _grantor(session, db, "d", letters, notices)
        if grantor is None:
            continue
        acl = _change(A.items_of(entry.acl, "d", entry.owner), grantees, grantor, letters, granting, with_grant,
                      grant_option_only)
        cluster.alter_database(name, {"acl": acl})


class _DatabaseObject:
    """A database as the grant code sees an object: its name, owner and ACL."""

    def __init__(self, name: str, owner: str, acl: list[str] | None) -> None:
        self.name, self.owner, self.acl = name, owner, acl


# ---------------------------------------------------------------- roles named in the catalog


def rename_in_catalog(session: Session, old: str, new: str) -> None:
    """ALTER ROLE ... RENAME: owners and ACLs of this database (and the cluster's databases) follow."""
    ctx = session.running_context
    cluster = session.db.cluster
    if cluster is not None:
        for entry in cluster.entries():
            changes: dict[str, Any] = {}
            if entry.owner == old:
                changes["owner"] = new
            if A.mentions(entry.acl, old):
                changes["acl"] = A.rename_role(entry.acl, old, new)
            if changes:
                cluster.alter_database(entry.name, changes)
    if ctx is None or ctx.txn is None:
        return
    cat = ctx.txn.writable_catalog()
    for obj in list(cat.objects.values()):
        changed = False
        if getattr(obj, "owner", None) == old:
            obj.owner = new
            changed = True
        if A.mentions(getattr(obj, "acl", None), old):
            obj.acl = A.rename_role(obj.acl, old, new)
            changed = True
        for col in getattr(obj, "columns", None) or []:
            if A.mentions(getattr(col, "acl", None), old):
                col.acl = A.rename_role(col.acl, old, new)
                changed = True
        if changed:
            cat.put(obj)


def owned_statement(session: Session, st: Statement, ctx: ExecContext) -> Result:
    """REASSIGN OWNED BY role, ... TO role / DROP OWNED BY role, ... [CASCADE | RESTRICT]."""
    from orbitdb.sql.ddl.commands import DDL

    notices: list[Notice] = []
    cur = Cursor(tokenize(st.text, st.offset, notices))
    reassign = cur.next().is_word("reassign")
    cur.expect("owned", "by")
    roles = [_grantee(session, cur) for _ in _commas(cur)]
    if "" in roles:
        raise SqlError("42704", 'role "public" does not exist')
    target = ""
    if reassign:
        cur.expect("to")
        target = _grantee(session, cur)
    else:
        cur.take("cascade") or cur.take("restrict")
    cur.expect_end()
    for role in roles + ([target] if target else []):
        if not Z.has_privs_of(session, session.user, role):
            raise SqlError("42501", f"permission denied to {'reassign' if reassign else 'drop'} objects")
    d = DDL(session, ctx)
    if reassign:
        for obj in list(d.cat.objects.values()):
            if getattr(obj, "owner", None) in roles:
                d.lock_object(obj.oid)
                fresh = d.cat.objects.get(obj.oid)
                if fresh is not None:
                    fresh.owner = target
                    d.cat.put(fresh)
        return Result("REASSIGN OWNED")
    owned = [o for o in d.cat.objects.values() if getattr(o, "owner", None) in roles]
    for obj in list(d.cat.objects.values()):
        changed = False
        for role in roles:
            if A.mentions(getattr(obj, "acl", None), role):
                obj.acl = A.without_role(obj.acl, role)
                changed = True
            for col in getattr(obj, "columns", None) or []:
                if A.mentions(col.acl, role):
                    col.acl = A.without_role(col.acl, role) or None
                    changed = True
        if changed:
            d.lock_object(obj.oid)
            d.cat.put(obj)
    if owned:
        _drop_objects(session, ctx, owned)
    return Result("DROP OWNED")


def _drop_objects(session: Session, ctx: ExecContext, owned: list[Any]) -> None:
    """DROP OWNED's drops, run as the DROP statements they stand for (views first, schemas last)."""
    from orbitdb.sql.ddl.commands import ddl_statement
    from orbitdb.sql.parse.parser import split_statements

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    order = sorted(owned, key=lambda o: (isinstance(o, SchemaDef),
                                         not (isinstance(o, TableDef) and o.kind == "v"), o.oid))
    for obj in order:
        if obj.oid not in ctx.txn.writable_catalog().objects:  # type: ignore[union-attr]
            continue  # gone with another (CASCADE)
        if isinstance(obj, SchemaDef):
            text = f"DROP SCHEMA {quoted(obj.name)} CASCADE"
        elif isinstance(obj, TableDef):
            text = f"DROP {'VIEW' if obj.kind == 'v' else 'TABLE'} {quoted(obj.schema)}.{quoted(obj.name)} CASCADE"
        elif isinstance(obj, SequenceDef):
            text = f"DROP SEQUENCE {quoted(obj.schema)}.{quoted(obj.name)} CASCADE"
        else:
            raise SqlError("0A000", f"DROP OWNED cannot drop {describe(obj)} yet",
                           hint="Drop it first, then run DROP OWNED again.")
        for st in split_statements(text):
            ddl_statement(session, st, ctx, [])


def is_routine_or_type_owner(st: Statement) -> bool:
    """ALTER FUNCTION | PROCEDURE | ROUTINE | TYPE | DOMAIN ... OWNER TO role."""
    words = st.text.split(None, 2)
    if len(words) < 3 or words[0].upper() != "ALTER" or words[1].upper() not in (
            "FUNCTION", "PROCEDURE", "ROUTINE", "TYPE", "DOMAIN"):
        return False
    try:
        tokens = tokenize(st.text, st.offset, [])
    except SqlError:
        return False
    return any(t.is_word("owner") and tokens[i + 1].is_word("to") for i, t in enumerate(tokens[:-1]))


def alter_owner_statement(session: Session, st: Statement, ctx: ExecContext) -> Result:
    """ALTER FUNCTION f[(types)] OWNER TO r, ALTER TYPE t OWNER TO r (functions and types of this database)."""
    from orbitdb.sql.ddl.commands import DDL

    notices: list[Notice] = []
    cur = Cursor(tokenize(st.text, st.offset, notices))
    cur.expect("alter")
    word = cur.next().value
    kind = "type" if word in ("type", "domain") else "function"
    cur.i -= 1
    target_kind, names = _targets(cur)
    cur.expect("owner", "to")
    role = _grantee(session, cur)
    if role == "":
        raise SqlError("42704", 'role "public" does not exist')
    cur.expect_end()
    d = DDL(session, ctx)
    for obj in _objects(session, d, target_kind if target_kind != "table" else kind, names,
                        f"ALTER {word.upper()}"):
        noun = "type" if kind == "type" else ("procedure" if getattr(obj, "kind", "f") == "p" else "function")
        session.check_owner(obj.owner, noun, obj.name)
        session.check_member(role)
        d.lock_object(obj.oid)
        fresh = d.cat.objects.get(obj.oid)
        if fresh is not None:
            fresh.owner = role
            d.cat.put(fresh)
    return Result(f"ALTER {'TYPE' if word == 'type' else 'DOMAIN' if word == 'domain' else word.upper()}")
