"""ALTER ROLE / ALTER USER: the role's password (PostgreSQL 15's grammar for it), kept by the
server's Cluster (role_passwords.py) and used by its authentication from then on.

    ALTER ROLE name [WITH] [ENCRYPTED] PASSWORD 'password' | NULL [VALID UNTIL 'infinity']

name may be CURRENT_USER, CURRENT_ROLE or SESSION_USER. A password that is already a SCRAM
verifier or an MD5 hash (psql's \\password sends a verifier it computed) is stored as it is;
another is turned into one as password_encryption says. An empty password clears it, with
PostgreSQL's NOTICE. orbitdb has no privileges (every user is a superuser), so the other role
options, RENAME, SET and RESET are refused with 0A000 naming them.

The password is written at once and for good, so the statement is refused inside a
transaction block (0A000) rather than applied and then not rolled back, as ALTER DATABASE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import Statement
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.utility.database_tokens import Token, syntax_error, tokenize
from orbitdb.sql.utility.password_secrets import encrypt_password

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

_ROLE_WORDS = ("role", "user")
_CURRENT = ("current_user", "current_role", "session_user")
# role options of CREATE/ALTER ROLE that orbitdb does not keep (it has no privileges)
_OPTIONS = {
    "superuser", "nosuperuser", "createdb", "nocreatedb", "createrole", "nocreaterole", "inherit", "noinherit",
    "login", "nologin", "replication", "noreplication", "bypassrls", "nobypassrls", "connection", "sysid",
    "in", "role", "admin", "user",
}


def is_role_statement(st: Statement) -> bool:
    """ALTER ROLE / ALTER USER (not ALTER USER MAPPING)."""
    lowered = st.text.lower()
    if "role" not in lowered and "user" not in lowered:
        return False
    try:
        tokens = tokenize(st.text, st.offset, [])
    except SqlError:
        return False  # not lexable as one of ours: the statement's own handler reports it
    return (len(tokens) > 3 and tokens[0].is_word("alter") and tokens[1].is_word(*_ROLE_WORDS)
            and not tokens[2].is_word("mapping"))


def role_statement(session: Session, st: Statement) -> Result:
    notices: list[Notice] = []
    tokens = tokenize(st.text, st.offset, notices)
    i = 2  # after ALTER ROLE|USER
    target = tokens[i]
    if target.is_word("all"):
        raise SqlError("0A000", "ALTER ROLE ALL is not supported")
    name = _role_name(session, target)
    i += 1
    if tokens[i].is_word("rename", "set", "reset", "in"):
        raise SqlError("0A000", f"ALTER ROLE ... {tokens[i].value.upper()} is not supported")
    if tokens[i].is_word("with"):
        i += 1
    password: tuple[Token, str | None] | None = None
    while not _at_end(tokens[i]):
        token = tokens[i]
        if token.is_word("encrypted") and tokens[i + 1].is_word("password"):
            i += 1
            token = tokens[i]
        elif token.is_word("unencrypted") and tokens[i + 1].is_word("password"):
            raise SqlError("0A000", "UNENCRYPTED PASSWORD is no longer supported", position=token.position,
                           hint="Remove UNENCRYPTED to store the password in encrypted form instead.")
        if token.is_word("password"):
            value = tokens[i + 1]
            if value.kind == "string":
                secret: str | None = value.value
            elif value.is_word("null"):
                secret = None
            else:
                raise syntax_error(value)
            if password is not None:
                raise SqlError("42601", "conflicting or redundant options", position=token.position)
            password = (token, secret)
            i += 2
        elif token.is_word("valid") and tokens[i + 1].is_word("until"):
            value = tokens[i + 2]
            if value.kind != "string":
                raise syntax_error(value)
            if value.value.strip().lower() != "infinity":
                raise SqlError("0A000", "VALID UNTIL is not supported", position=token.position,
                               detail="orbitdb keeps no expiry time for passwords; only 'infinity' is accepted.")
            i += 3
        elif token.kind == "word" and token.value in _OPTIONS:
            raise SqlError("0A000", f"ALTER ROLE ... {token.text.upper()} is not supported", position=token.position,
                           detail="orbitdb has no privileges: every user is a superuser that can log in.")
        else:
            raise syntax_error(token)
    if password is None:
        return Result("ALTER ROLE", notices=notices)  # ALTER ROLE name [WITH] changes nothing, as in PostgreSQL
    _not_in_transaction_block(session)
    _set_password(session, name, password[1], notices)
    return Result("ALTER ROLE", notices=notices)


def _at_end(token: Token) -> bool:
    return token.kind == "end" or (token.kind == "op" and token.value == ";")


def _role_name(session: Session, token: Token) -> str:
    """The role a role specification names; 42704 when there is none, 42939 for reserved names."""
    from orbitdb.sql.pgcatalog.base import Env
    from orbitdb.sql.pgcatalog.builtin_data import PREDEFINED_ROLES

    if token.is_word(*_CURRENT):
        return session.user
    if token.is_word("none") or (token.kind == "quoted" and token.value == "none"):
        raise SqlError("42939", 'role name "none" is reserved', position=token.position)
    if token.kind not in ("word", "quoted"):
        raise syntax_error(token)
    name = token.value
    if name == "public" or name not in Env(session).role_names:
        raise SqlError("42704", f'role "{name}" does not exist')
    if name in PREDEFINED_ROLES and name.startswith("pg_"):
        raise SqlError("42939", f'role name "{name}" is reserved', detail="Cannot alter reserved roles.")
    return name


def _not_in_transaction_block(session: Session) -> None:
    if session.in_block or session.multi_statement or (session.implicit and session._txn_has_run):
        raise SqlError("0A000", "orbitdb cannot run ALTER ROLE ... PASSWORD inside a transaction block",
                       detail="orbitdb changes the password at once and could not roll it back.",
                       hint="Run it as a statement of its own (in autocommit mode).")


def _passwords(session: Session) -> Any:
    cluster = session.db.cluster
    if cluster is None:
        raise SqlError("0A000", "ALTER ROLE ... PASSWORD is not supported on an embedded connection",
                       detail="Passwords are the server's (orbitdb serve): an embedded database has no "
                       "authentication.")
    return cluster.role_passwords


def _set_password(session: Session, name: str, password: str | None, notices: list[Notice]) -> None:
    store = _passwords(session)
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
