"""CREATE DATABASE, DROP DATABASE and ALTER DATABASE: parsed here (PostgreSQL 15's grammar),
carried out by the server's Cluster (cluster.py).

A database is made or removed at once and for good, so CREATE and DROP DATABASE cannot run
inside a transaction block, a multi-statement query or a pipeline after other statements
(25001, as PostgreSQL). orbitdb's ALTER DATABASE is not transactional either, so it is refused
inside a transaction block (0A000) rather than applied and then not rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import Statement
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.utility import database_options as O
from orbitdb.sql.utility.database_tokens import Token, syntax_error, tokenize

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session



@dataclass
class NewDatabase:
    """What CREATE DATABASE asks for, its options checked (see databases.py)."""

    name: str
    owner: str
    template: str = "template1"
    collate: str | None = None  # None: the template's
    ctype: str | None = None
    connection_limit: int = -1
    allow_connections: bool = True
    is_template: bool = False
    collation_version: str | None = None
    oid: int | None = None


def is_database_statement(st: Statement) -> bool:
    """CREATE/DROP/ALTER DATABASE (cheap: most CREATE/DROP/ALTER statements are not)."""
    words = st.text.split(None, 2)
    if len(words) >= 2 and words[1].upper() == "DATABASE":
        return True
    if "database" not in st.text.lower():
        return False
    try:
        tokens = tokenize(st.text, st.offset, [])
    except SqlError:
        return False  # not lexable as one of ours: the statement's own handler reports it
    return len(tokens) > 1 and tokens[1].is_word("database")


def database_statement(session: Session, st: Statement) -> Result:
    notices: list[Notice] = []
    parser = _Parser(tokenize(st.text, st.offset, notices))
    verb = parser.next().value
    parser.expect("database")
    if verb == "create":
        tag = _create(session, parser, notices)
    elif verb == "drop":
        tag = _drop(session, parser, notices)
    else:
        tag = _alter(session, parser, notices)
    return Result(tag, notices=notices)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.peek()
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return token

    def accept(self, *words: str) -> bool:
        if self.peek().is_word(*words):
            self.i += 1
            return True
        return False

    def expect(self, word: str) -> None:
        if not self.accept(word):
            raise syntax_error(self.peek())

    def accept_op(self, op: str) -> bool:
        token = self.peek()
        if token.kind == "op" and token.value == op:
            self.i += 1
            return True
        return False

    def name(self) -> str:
        token = self.next()
        if not token.identifier:
            raise syntax_error(token)
        return token.value

    def end(self) -> None:
        self.accept_op(";")
        if self.peek().kind != "end":
            raise syntax_error(self.peek())

    def options(self, stop: tuple[str, ...] = ()) -> list[O.Option]:
        """name [=] value ... as createdb_opt_list: CONNECTION LIMIT is one name; a value is a
        number (with its sign), a word, a quoted name, a string or DEFAULT."""
        out = []
        while self.peek().identifier and not self.peek().is_word(*stop):
            name_token = self.next()
            name = name_token.value
            if name_token.is_word("connection") and self.peek().is_word("limit"):
                self.next()
                name = "connection_limit"
            self.accept_op("=")
            out.append(O.Option(name, name_token, self.value()))
        return out

    def value(self) -> Token | None:
        token = self.next()
        if token.is_word("default"):
            return None
        if token.kind == "op" and token.value in "+-" and self.peek().kind == "number":
            number = self.next()
            text = number.value if token.value == "+" else "-" + number.value
            return Token("number", text, token.text + number.text, token.position)
        if token.kind in ("word", "quoted", "string", "number"):
            return token
        raise syntax_error(token)


# --- transaction rules ----------------------------------------------------------------------------


def _prevent_in_transaction_block(session: Session, what: str) -> None:
    """PostgreSQL's PreventInTransactionBlock."""
    if session.in_block or session.multi_statement:
        raise SqlError("25001", f"{what} cannot run inside a transaction block")
    if session.implicit and session._txn_has_run:
        raise SqlError("25001", f"{what} cannot be executed within a pipeline")


def _not_transactional(session: Session, what: str) -> None:
    if session.in_block or session.multi_statement or (session.implicit and session._txn_has_run):
        raise SqlError("0A000", f"orbitdb cannot run {what} inside a transaction block",
                       detail="orbitdb applies it at once and could not roll it back.",
                       hint="Run it as a statement of its own.")


def _cluster(session: Session, what: str) -> Any:
    cluster = session.db.cluster
    if cluster is None:
        raise SqlError("0A000", f"{what} is not supported on an embedded connection",
                       detail="orbitdb.connect() opens the one database in its directory; the databases of a "
                       "server (orbitdb serve) are made and removed with CREATE and DROP DATABASE.")
    return cluster


def _role_exists(session: Session, name: str) -> None:
    from orbitdb.sql.pgcatalog.base import Env

    if name not in Env(session).role_names:
        raise SqlError("42704", f'role "{name}" does not exist')


# --- CREATE DATABASE ------------------------------------------------------------------------------


def _create(session: Session, parser: _Parser, notices: list[Notice]) -> str:
    name = parser.name()
    parser.accept("with")
    options = O.collect(parser.options(), O.CREATE_OPTIONS, notices)
    parser.end()
    cluster = _cluster(session, "CREATE DATABASE")
    _prevent_in_transaction_block(session, "CREATE DATABASE")

    def text(option: str) -> str | None:
        token = O.given(options, option)
        return None if token is None else O.as_string(token)

    owner = text("owner")
    template = text("template") or "template1"
    encoding_token = O.given(options, "encoding")
    encoding = O.encoding_name(encoding_token) if encoding_token is not None else None
    locale = text("locale")
    collate = text("lc_collate") or locale
    ctype = text("lc_ctype") or locale
    icu_locale = text("icu_locale")
    provider = text("locale_provider")
    if provider is not None and provider.lower() not in ("libc", "icu"):
        raise SqlError("42P17", f"unrecognized locale provider: {provider}")
    flags = {key: O.as_bool(options[key]) for key in ("is_template", "allow_connections")
             if O.given(options, key) is not None}
    limit = -1
    if O.given(options, "connection_limit") is not None:
        limit = O.connection_limit(options["connection_limit"])
    oid = O.as_oid(options["oid"]) if "oid" in options else None
    if owner is not None:
        _role_exists(session, owner)
    strategy = text("strategy")
    if strategy is not None:
        O.check_strategy(strategy)
    if encoding is not None:
        O.check_encoding(encoding)
    if collate is not None:
        collate = O.check_locale("LC_COLLATE", collate)
    if ctype is not None:
        ctype = O.check_locale("LC_CTYPE", ctype)
    if provider is not None and provider.lower() == "icu":
        raise SqlError("0A000", "LOCALE_PROVIDER icu is not supported by orbitdb",
                       detail="orbitdb orders text by code point, as the C locale does.")
    if icu_locale is not None:
        raise SqlError("42P17", "ICU locale cannot be specified unless locale provider is ICU")
    tablespace = text("tablespace")
    if tablespace is not None:
        O.check_tablespace(tablespace)
    cluster.create_database(session, NewDatabase(
        name=name, owner=owner or session.user, template=template, collate=collate, ctype=ctype,
        connection_limit=limit, allow_connections=flags.get("allow_connections", True),
        is_template=flags.get("is_template", False), collation_version=text("collation_version"), oid=oid))
    return "CREATE DATABASE"


# --- DROP DATABASE --------------------------------------------------------------------------------


def _drop(session: Session, parser: _Parser, notices: list[Notice]) -> str:
    missing_ok = False
    if parser.peek().is_word("if") and parser.peek(1).is_word("exists"):
        parser.next()
        parser.next()
        missing_ok = True
    name = parser.name()
    force = False
    if parser.peek().is_word("with") or (parser.peek().kind == "op" and parser.peek().value == "("):
        parser.accept("with")
        if not parser.accept_op("("):
            raise syntax_error(parser.peek())
        while True:
            parser.expect("force")
            force = True
            if not parser.accept_op(","):
                break
        if not parser.accept_op(")"):
            raise syntax_error(parser.peek())
    parser.end()
    cluster = _cluster(session, "DROP DATABASE")
    _prevent_in_transaction_block(session, "DROP DATABASE")
    notices.extend(cluster.drop_database(session, name, missing_ok, force))
    return "DROP DATABASE"


# --- ALTER DATABASE -------------------------------------------------------------------------------


def _alter(session: Session, parser: _Parser, notices: list[Notice]) -> str:
    name = parser.name()
    if parser.peek().is_word("set", "reset") and not parser.peek(1).is_word("tablespace"):
        raise SqlError("0A000", f"ALTER DATABASE ... {parser.peek().value.upper()} is not supported by orbitdb",
                       detail="orbitdb keeps no per-database defaults of settings.",
                       hint="Set it in the session, or in the connection's options (-c name=value).")
    if parser.accept("rename"):
        parser.expect("to")
        new_name = parser.name()
        parser.end()
        cluster = _cluster(session, "ALTER DATABASE")
        _not_transactional(session, "ALTER DATABASE ... RENAME")
        cluster.rename_database(session, name, new_name)
        return "ALTER DATABASE"
    if parser.accept("owner"):
        parser.expect("to")
        role = parser.next()
        if role.is_word("current_user", "current_role", "session_user"):
            owner = session.user
        elif role.identifier:
            owner = role.value
        else:
            raise syntax_error(role)
        parser.end()
        cluster = _cluster(session, "ALTER DATABASE")
        _not_transactional(session, "ALTER DATABASE ... OWNER TO")
        _role_exists(session, owner)
        cluster.alter_database(name, {"owner": owner})
        return "ALTER DATABASE"
    if parser.accept("refresh"):
        parser.expect("collation")
        parser.expect("version")
        parser.end()
        cluster = _cluster(session, "ALTER DATABASE")
        _not_transactional(session, "ALTER DATABASE ... REFRESH COLLATION VERSION")
        _refresh_collation_version(cluster, name, notices)
        return "ALTER DATABASE"
    if parser.accept("set"):
        parser.expect("tablespace")
        tablespace = parser.name()
        parser.end()
        _set_tablespace(session, name, tablespace)
        return "ALTER DATABASE"
    parser.accept("with")
    options = O.collect(parser.options(), O.ALTER_OPTIONS, notices)
    parser.end()
    if "tablespace" in options:
        if len(options) != 1:
            raise SqlError("0A000", 'option "tablespace" cannot be specified with other options',
                           position=options["tablespace"].token.position)
        value = O.given(options, "tablespace")
        _set_tablespace(session, name, "pg_default" if value is None else value.value)
        return "ALTER DATABASE"
    changes: dict[str, Any] = {}
    if O.given(options, "is_template") is not None:
        changes["is_template"] = O.as_bool(options["is_template"])
    if O.given(options, "allow_connections") is not None:
        changes["allow_connections"] = O.as_bool(options["allow_connections"])
    if O.given(options, "connection_limit") is not None:
        changes["connection_limit"] = O.connection_limit(options["connection_limit"])
    cluster = _cluster(session, "ALTER DATABASE")
    _not_transactional(session, "ALTER DATABASE")
    if changes.get("allow_connections") is False:
        entry = _entry(cluster, name)
        if entry is not None and entry.oid == session.db.oid:
            raise SqlError("22023", "cannot disallow connections for current database")
    cluster.alter_database(name, changes)
    return "ALTER DATABASE"


def _entry(cluster: Any, name: str) -> Any:
    for entry in cluster.entries():
        if entry.name == name:
            return entry
    return None


def _set_tablespace(session: Session, name: str, tablespace: str) -> None:
    """Every orbitdb database is in pg_default: moving one there is nothing to do."""
    cluster = _cluster(session, "ALTER DATABASE")
    _prevent_in_transaction_block(session, "ALTER DATABASE SET TABLESPACE")
    entry = _entry(cluster, name)
    if entry is None:
        raise SqlError("3D000", f'database "{name}" does not exist')
    if entry.oid == session.db.oid:
        raise SqlError("55006", "cannot change the tablespace of the currently open database")
    O.check_tablespace(tablespace)


def _refresh_collation_version(cluster: Any, name: str, notices: list[Notice]) -> None:
    """The C locale has no version: a database without one keeps none."""
    entry = _entry(cluster, name)
    if entry is None:
        raise SqlError("3D000", f'database "{name}" does not exist')
    if entry.collation_version is not None:
        raise SqlError("XX000", "invalid collation version change")
    notices.append(Notice("NOTICE", "00000", "version has not changed"))
