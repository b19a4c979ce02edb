"""Every kind of statement (its first keyword) and what runs it: the one table the session
consults. A kind not in the table is a syntax error, as PostgreSQL's grammar has no such
statement. Queries and row changes (``planned``) are compiled into plans that the session
caches; transaction control is the session's own; everything else has a handler here.

DDL, maintenance, database and role statements import their modules when first run: a plain
start (connect, queries, row changes) does not load them (cold start)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orbitdb.sql.modify.copycmd import copy_statement
from orbitdb.sql.parse.parser import Statement
from orbitdb.sql.result import Result
from orbitdb.sql.utility.locktable import lock_table
from orbitdb.sql.utility.statements import explain, settings_statement

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.session.session import Session

Handler = Callable[["Session", Statement, list[Any], "ExecContext"], Any]


@dataclass(frozen=True)
class Kind:
    run: Handler | None = None  # None: planned, or transaction control
    planned: bool = False  # compiled to a plan (cached per statement shape)
    transaction_control: bool = False  # BEGIN, COMMIT...: the session's own state machine
    frees_memory: bool = False  # may run when the server is over max_memory: it gives memory back


def _explain(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    return explain(s, st, params, ctx)


def _settings(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    return settings_statement(s, st)


def _lock(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    return lock_table(s, st, ctx)


def _copy(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    return copy_statement(s, st, ctx)


def _ddl(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.ddl.commands import ddl_statement

    return ddl_statement(s, st, ctx, params)


def _create_drop_alter(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    """Databases and roles belong to the server (its Cluster); every other object to the database."""
    from orbitdb.sql.ddl.commands import ddl_statement
    from orbitdb.sql.utility.databases import database_statement, is_database_statement
    from orbitdb.sql.utility.roles import is_role_statement, role_statement

    if is_database_statement(st):
        return database_statement(s, st)
    if is_role_statement(st):
        return role_statement(s, st)
    from orbitdb.sql.utility.grants import alter_owner_statement, is_routine_or_type_owner

    if is_routine_or_type_owner(st):
        return alter_owner_statement(s, st, ctx)
    if st.text.split(None, 2)[:2] and [w.upper() for w in st.text.split(None, 2)[:2]] == ["DROP", "OWNED"]:
        return _owned(s, st, params, ctx)
    return ddl_statement(s, st, ctx, params)


def _grant(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    """GRANT/REVOKE of a role (membership, the server's) or of privileges on objects (the catalog's)."""
    from orbitdb.sql.utility.grants import is_role_grant, privilege_statement
    from orbitdb.sql.utility.roles import membership_statement

    if is_role_grant(st):
        return membership_statement(s, st)
    return privilege_statement(s, st, ctx)


def _owned(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.utility.grants import owned_statement

    return owned_statement(s, st, ctx)


def _analyze(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.utility import maintenance

    return maintenance.analyze(s, st.text)


def _vacuum(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.utility import maintenance

    return maintenance.vacuum(s, st.text)


def _checkpoint(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.utility import maintenance

    return maintenance.checkpoint(s)


def _cluster(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.utility import maintenance

    return maintenance.cluster(s, st.text)


def _reindex(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.utility import maintenance

    return maintenance.reindex(s, ctx, st.text)


def _refresh(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.utility import maintenance

    return maintenance.refresh(s, st.text)


def _deallocate(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.utility import maintenance

    return maintenance.deallocate(s, st.text)


def _unlisten(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    return Result("UNLISTEN")  # LISTEN is refused: no channel is ever listened to


_PLANNED = Kind(planned=True)
_TRANSACTION = Kind(transaction_control=True, frees_memory=True)
_SETTINGS = Kind(_settings, frees_memory=True)
_DDL = Kind(_ddl)  # DDL, and the utility statements refused there with their own messages

KINDS: dict[str, Kind] = {
    **dict.fromkeys(("SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE"), _PLANNED),
    **dict.fromkeys(("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE"),
                    _TRANSACTION),
    **dict.fromkeys(("SET", "RESET", "SHOW", "DISCARD"), _SETTINGS),
    "EXPLAIN": Kind(_explain),
    "LOCK": Kind(_lock),
    "COPY": Kind(_copy),
    **dict.fromkeys(("CREATE", "DROP", "ALTER"), Kind(_create_drop_alter)),
    **dict.fromkeys(("TRUNCATE", "COMMENT"), _DDL),
    **dict.fromkeys(("GRANT", "REVOKE"), Kind(_grant)),
    "REASSIGN": Kind(_owned),
    "ANALYZE": Kind(_analyze),
    "ANALYSE": Kind(_analyze),
    "VACUUM": Kind(_vacuum),
    "CHECKPOINT": Kind(_checkpoint),
    "CLUSTER": Kind(_cluster),
    "REINDEX": Kind(_reindex),
    "REFRESH": Kind(_refresh),
    "DEALLOCATE": Kind(_deallocate, frees_memory=True),
    "UNLISTEN": Kind(_unlisten),
    **dict.fromkeys(("LISTEN", "NOTIFY", "DO", "SECURITY", "LOAD", "EXECUTE", "FETCH", "DECLARE", "MOVE"), _DDL),
    "CLOSE": Kind(_ddl, frees_memory=True),
}
