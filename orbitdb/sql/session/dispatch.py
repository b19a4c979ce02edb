"""Every kind of statement (its first keyword) and what runs it: the one table the session
consults. A kind not in the table is a syntax error, as PostgreSQL's grammar has no such
statement. Queries and row changes (``planned``) are compiled into plans that the session
caches; transaction control is the session's own; everything else has a handler here.

DDL, maintenance, database and role statements import their modules when first run: a plain
start (connect, queries, row changes) does not load them (cold start)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.modify.copycmd import copy_statement
from orbitdb.sql.parse.parser import Statement
from orbitdb.sql.utility.locktable import lock_table
from orbitdb.sql.utility.statements import explain, settings_statement

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.session.session import Session

_SET_CONSTRAINTS = re.compile(r"\s*SET\s+CONSTRAINTS\s", re.IGNORECASE)
_LARGE_OBJECT_COMMENT = re.compile(r"\s*COMMENT\s+ON\s+LARGE\s+OBJECT\b", re.IGNORECASE)
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
    if _SET_CONSTRAINTS.match(st.text):
        from orbitdb.sql.triggers.constraints import set_constraints

        return set_constraints(s, st.text, ctx)
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
    from orbitdb.sql.triggers.ddl import is_trigger_statement, trigger_statement
    from orbitdb.sql.utility.databases import database_statement, is_database_statement
    from orbitdb.sql.utility.roles import is_role_statement, role_statement

    if is_trigger_statement(st.text):
        return trigger_statement(s, st, ctx)
    if is_database_statement(st):
        return database_statement(s, st)
    if is_role_statement(st):
        return role_statement(s, st)
    from orbitdb.sql.utility.grants import alter_owner_statement, is_routine_or_type_owner

    if is_routine_or_type_owner(st):
        return alter_owner_statement(s, st, ctx)
    if [w.upper() for w in st.text.split(None, 2)[:2]] == ["DROP", "OWNED"]:
        return _owned(s, st, params, ctx)
    routine = _routine_statement(s, st, ctx)
    if routine is not None:
        return routine
    if re.search(r"\bAS\s+EXECUTE\b", st.text, re.IGNORECASE):
        from orbitdb.sql.session.prepared_sql import create_table_as_execute

        created = create_table_as_execute(s, st, ctx)
        if created is not None:
            return created
    return ddl_statement(s, st, ctx, params)


def _routine_statement(s: Session, st: Statement, ctx: ExecContext) -> Any:
    """CREATE [OR REPLACE] FUNCTION | PROCEDURE, DROP FUNCTION | PROCEDURE | ROUTINE (orbitdb/sql/routines)."""
    from orbitdb.sql.parse.unsupported import object_kind

    kind = object_kind(st.text)
    if kind not in ("FUNCTION", "PROCEDURE", "ROUTINE") or st.kind not in ("CREATE", "DROP", "ALTER", "COMMENT"):
        return None
    if ctx.txn is not None and ctx.txn.read_only:
        raise SqlError("25006", f"cannot execute {st.kind} {kind} in a read-only transaction")
    from orbitdb.sql.routines import definition

    if st.kind == "CREATE":
        if kind == "ROUTINE":
            return None
        return definition.create_routine(s, st.text, ctx)
    if st.kind == "ALTER":
        return definition.alter_routine(s, st.text, ctx)
    if st.kind == "COMMENT":
        return definition.comment_on_routine(s, st.text, ctx)
    return definition.drop_routine(s, st.text, ctx)


def _comment(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    if _LARGE_OBJECT_COMMENT.match(st.text):
        from orbitdb.sql.functions.largeobjects import comment_on_large_object

        return comment_on_large_object(s, st.text, ctx)
    routine = _routine_statement(s, st, ctx)
    if routine is not None:
        return routine
    return _ddl(s, st, params, ctx)


def _do(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.routines.calls import do_block

    return do_block(s, st.text, ctx)


def _call(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.routines.calls import call_statement

    return call_statement(s, st.text, ctx)


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

    return maintenance.analyze(s, st.text, ctx)


def _vacuum(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.utility import maintenance

    return maintenance.vacuum(s, st.text, ctx)


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


def _prepare(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.session import prepared_sql

    return prepared_sql.prepare(s, st)


def _execute(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.session import prepared_sql

    return prepared_sql.execute(s, st, ctx)


def _declare(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.session import cursors

    return cursors.declare(s, st, params, ctx)


def _fetch(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.session import cursors

    return cursors.fetch(s, st, params, ctx)


def _close(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.session import cursors

    return cursors.close(s, st, params, ctx)


def _listen(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.session import notify

    return notify.listen(s, st)


def _notify(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Any:
    from orbitdb.sql.session import notify

    return notify.notify(s, st)


_PLANNED = Kind(planned=True)
_TRANSACTION = Kind(transaction_control=True, frees_memory=True)
_SETTINGS = Kind(_settings, frees_memory=True)
_DDL = Kind(_ddl)  # DDL, and the utility statements refused there with their own messages

KINDS: dict[str, Kind] = {
    **dict.fromkeys(("SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE"), _PLANNED),
    **dict.fromkeys(("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE"),
                    _TRANSACTION),
    "PREPARE": Kind(_prepare),
    "EXECUTE": Kind(_execute),
    "DECLARE": Kind(_declare),
    **dict.fromkeys(("FETCH", "MOVE"), Kind(_fetch)),
    "CLOSE": Kind(_close, frees_memory=True),
    **dict.fromkeys(("LISTEN", "UNLISTEN"), Kind(_listen, frees_memory=True)),
    "NOTIFY": Kind(_notify),
    **dict.fromkeys(("SET", "RESET", "SHOW", "DISCARD"), _SETTINGS),
    "EXPLAIN": Kind(_explain),
    "LOCK": Kind(_lock),
    "COPY": Kind(_copy),
    **dict.fromkeys(("CREATE", "DROP", "ALTER"), Kind(_create_drop_alter)),
    **dict.fromkeys(("TRUNCATE",), _DDL),
    "COMMENT": Kind(_comment),
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
    **dict.fromkeys(("SECURITY", "LOAD"), _DDL),
    "DO": Kind(_do),
    "CALL": Kind(_call),
}
