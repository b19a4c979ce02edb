"""Database (one per data directory) and Session (one per connection): statement
dispatch, transactions (autocommit, blocks, aborted state, savepoints),
settings, prepared statements and the plan cache. The embedded DB-API and the
wire server are both thin faces of this class."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import settings as S
from orbitdb.sql import spill, statement_scope
from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError, internal_error
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.rowstream import FIRST_BATCH, QueryRows, RowStream
from orbitdb.sql.expr.core import Runtime
from orbitdb.sql.parse.as_of import split_as_of
from orbitdb.sql.parse.errorpos import locate
from orbitdb.sql.parse.parser import Statement, normalize_literals, parse_one, split_statements
from orbitdb.sql.parse.textcache import PlanCache
from orbitdb.sql.plan.compiled import take_relation_locks
from orbitdb.sql.plan.planner import Planner
from orbitdb.sql.plan.statistics import auto_analyze
from orbitdb.sql.result import Column, CopyIn, CopyOut, Notice, Result
from orbitdb.sql.session.as_of import begin_as_of, prepare_as_of, set_transaction_as_of, travel
from orbitdb.sql.session.compile import compile_statement
from orbitdb.sql.session.dispatch import KINDS, Kind
from orbitdb.sql.session.temptables import drop_all
from orbitdb.sql.session.temptables import on_commit as temp_on_commit
from orbitdb.sql.session.twophase import finish_prepared, is_prepare_transaction, prepare_transaction
from orbitdb.sql.spill.process import trim
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.numeric import CTX as NUMERIC_CONTEXT
from orbitdb.sql.types.params import convert_params, param_type
from orbitdb.sql.types.pgtext.zones import session_zone
from orbitdb.sql.types.usertypes import current_type
from orbitdb.sql.utility.statements import (
    explain,
    explain_columns,
    explain_param_types,
    show_columns,
    transaction_control,
)
from orbitdb.storage.advisory import SessionLocks
from orbitdb.storage.catalog import Catalog
from orbitdb.storage.errors import StorageError
from orbitdb.storage.temp import TempObjects
from orbitdb.storage.txn import Transaction
from orbitdb.storage.usage import TUP_DEL, TUP_INS, TUP_UPD

if TYPE_CHECKING:
    from orbitdb.sql.session.cursors import Cursor
    from orbitdb.sql.session.database import Database
    from orbitdb.sql.session.notify import Notify

log = logging.getLogger("orbitdb.sql")
_UTC = datetime.timezone.utc


@dataclass
class Prepared:
    """A parsed, analysed statement ready to run with parameters."""

    sql: str
    stmt: Statement
    param_types: list[SqlType]
    columns: list[Column] | None
    compiled: Any = None
    catalog_key: Any = None
    node: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def param_oids(self) -> list[int]:
        return [t.oid if t.oid != T.UNKNOWN.oid else T.TEXT.oid for t in self.param_types]


_KEPT_STATEMENTS = 128
_KEPT_STATEMENT_TEXT = 16 << 10  # longer statements are prepared each time (their text is not kept)
_NORMALIZED_TEXT_KEPT = 64 << 10  # statements kept with their normalised text for orbitdb_stat_statements
# statements that end or free work: accepted even above the server's memory budget
_UNKNOWN = Kind()  # not a statement: the dispatch answers it with a syntax error
# statements that only read a cursor's rows: the other live queries need not be produced first
_READS_CURSORS = ("FETCH", "MOVE", "CLOSE")


class Session:
    def __init__(self, db: Database, user: str, database: str, application_name: str, pid: int) -> None:
        self.db = db
        self.store = db.store
        self.user = user  # the current role (SET ROLE changes it)
        self.session_user = user  # SET SESSION AUTHORIZATION changes it
        self.authenticated_user = user  # who connected: may SET SESSION AUTHORIZATION if a superuser
        self.authz_cache: dict[Any, Any] = {}  # what authorization.py derived from the role store
        self.on_rollback: list[Callable[[], None]] = []  # undoes role changes of a block that rolls back
        self.database = database
        self.backend_pid = pid
        self.settings: dict[str, str] = dict(S.DEFAULTS)
        self.settings["session_authorization"] = user
        self.settings["application_name"] = application_name
        self.changed: dict[str, str] = {}
        self.txn: Transaction | None = None
        self.in_block = False
        self.failed = False
        self.implicit = False
        self.multi_statement = False  # running a Query message of several statements (an implicit block)
        self.txn_isolation: str | None = None
        self.txn_read_only = False
        self.prepare_catalog: Catalog | None = None  # while a statement AS OF SYSTEM TIME is prepared
        self.txn_deferrable: bool | None = None  # DEFERRABLE of this transaction (None: the default's)
        self.txn_settings_undo: list[tuple[str, str, bool]] = []  # (name, old value, local)
        self.currval: dict[int, int] = {}
        self.lastval_oid: int | None = None
        self.cancel_requested = False
        self.running_context: ExecContext | None = None  # the statement running now (pg_sleep checks it)
        self.terminate_requested = False
        self.closed = False
        self._txn_start = datetime.datetime.now(_UTC)
        self._stmt_time = self._txn_start
        self.plan_cache = PlanCache()  # bounded in bytes (textcache.py)
        self._statements: dict[tuple[str, tuple[int, ...]], Prepared] = {}  # execute()'s statement objects
        self.notices: list[Notice] = []
        self.lock = threading.RLock()
        self.prepared_sql: dict[str, Prepared] = {}  # SQL-level PREPARE
        self.protocol_statements: dict[str, Any] = {}  # the wire's named statements, for DEALLOCATE
        self._tz_cache: tuple[str, datetime.tzinfo] | None = None
        self._timeout_cache: tuple[tuple[str, str, str], tuple[int, int, int]] | None = None
        # set by the wire server: whether the client's socket has gone (lock waits end then)
        self.client_gone: Callable[[], bool] | None = None
        self.temp: TempObjects | None = None  # temporary tables and the pg_temp schema
        self._temp_number = 0
        self._advisory: SessionLocks | None = None
        self.running = False  # a statement is executing (pg_stat_activity's "active")
        self.live_streams: list[RowStream] = []  # queries whose rows are still being read
        # the application's Python functions and aggregates (con.create_function), by name and
        # number of arguments (-1: any); see orbitdb/sql/expr/pycalls.py
        self.python_functions: dict[str, dict[int, Any]] = {}
        self.python_aggregates: dict[str, dict[int, Any]] = {}
        self.current_query = ""
        self.trigger_events: list[Any] = []  # AFTER trigger events of the statements running now
        # AFTER ROW events of foreign-key actions: they run after the statement's own (PostgreSQL's
        # RI triggers are AFTER triggers), and the cascaded tables' statement triggers fire once
        self.late_trigger_events: list[Any] = []
        self.cascade_statements: list[Any] = []
        self.deferred_trigger_events: list[Any] = []  # deferred constraint triggers: run at COMMIT
        self.large_object_fds: dict[int, Any] = {}  # lo_open's descriptors: closed at the transaction's end
        self.trigger_depth = 0  # trigger functions running inside one another
        self.constraint_modes: dict[str | None, bool] = {}  # SET CONSTRAINTS: name (None: ALL) -> deferred
        self.routine_cache: dict[Any, Any] = {}  # user functions' parsed bodies and compiled statements
        self.cursors: dict[str, Cursor] = {}  # DECLARE's cursors (and psycopg2's named cursors)
        self.listening: tuple[str, ...] = ()  # LISTEN's channels, committed (replaced whole, never changed)
        self.notifies: list[Notify] = []  # notifications delivered to this session, not yet taken
        self.notify_wakeup: Callable[[], None] | None = None  # set by the wire server: a notification came
        self.pending_notifies: dict[tuple[str, str], None] = {}  # this transaction's NOTIFYs
        self.pending_listen: list[tuple[str, str | None]] = []  # this transaction's LISTEN/UNLISTEN
        # per savepoint: what the three above held when it was taken (ROLLBACK TO returns to it)
        self._savepoint_marks: list[tuple[str, int, int, frozenset[str], dict[str | None, bool], list[Any], int,
                                          int, bool]] = []

    # ---- information for the wire server ----
    @property
    def transaction_status(self) -> str:
        if self.failed:
            return "E"
        return "T" if self.in_block else "I"

    def parameter_status(self) -> dict[str, str]:
        return {S.REPORTED[k]: self.settings[k] for k in S.REPORTED}

    def take_parameter_changes(self) -> dict[str, str]:
        out = {S.REPORTED[k]: v for k, v in self.changed.items() if k in S.REPORTED}
        self.changed = {}
        return out

    def cancel(self) -> None:
        self.cancel_requested = True

    def terminate(self) -> None:
        """pg_terminate_backend for a session without a wire connection: its running
        statement stops and the session accepts nothing more."""
        self.terminate_requested = True
        self.cancel_requested = True

    def backends(self) -> list[Session]:
        """Every open session this one can see and signal: the server's, or the process's
        sessions on this database when embedded."""
        cluster = self.db.cluster
        if cluster is not None:
            return list(cluster.sessions())
        return [s for s in list(self.db.sessions) if not s.closed]

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.cursors = {}
        self.listening = ()
        self._discard_streams()
        if self.txn is not None:
            self.txn.rollback()
            self.txn = None
        if self._advisory is not None:
            self._advisory.unlock_all()
        if self.temp is not None:
            try:
                self.discard_temp()
            except Exception:
                log.warning("could not drop the temporary tables of session %s", self.backend_pid, exc_info=True)
            self.db.give_back_temp_number(self._temp_number)
            self.temp = None
        self.plan_cache.clear()
        self._statements.clear()
        self.routine_cache.clear()
        trim()  # what the session's statements freed goes back to the system

    def temp_objects(self) -> TempObjects:
        """The session's temporary objects (made at the first temporary table)."""
        if self.temp is None:
            self._temp_number = self.db.take_temp_number()
            self.temp = TempObjects(f"pg_temp_{self._temp_number}")
            if self.txn is not None:
                self.txn.temp = self.temp
        return self.temp

    def discard_temp(self) -> None:
        """Drops every temporary object (DISCARD TEMP, and at the end of the session)."""
        if self.temp is None or not self.temp.objects:
            return
        txn = self.txn
        own = txn is None or txn.done
        if own:
            txn = self.store.begin(owner=self.backend_pid, temp=self.temp)
            txn.begin_statement()
        assert txn is not None
        drop_all(txn)
        if own:
            txn.commit(sync=False)
        self.plan_cache.clear()
        self._statements.clear()

    def discard_session_objects(self) -> None:
        """DISCARD ALL: DEALLOCATE ALL, CLOSE ALL and UNLISTEN * (when the statement commits)."""
        for name in [n for n in self.protocol_statements if n]:
            del self.protocol_statements[name]
        if self.cursors:
            from orbitdb.sql.session.cursors import close_all

            close_all(self)
        self.pending_listen.append(("UNLISTEN", None))

    def advisory_locks(self) -> SessionLocks:
        if self._advisory is None:
            self._advisory = SessionLocks(self.store.locks, self.backend_pid)
        return self._advisory

    # ---- privileges (authorization.py) ----
    def check_permissions(self, required: Any) -> None:
        """42501 unless the current role may run a statement needing these (permissions.py)."""
        if not self.db.role_store().has_roles():
            return  # no role was ever made: every user is a bootstrap superuser
        from orbitdb.sql.utility.authorization import check_permissions

        check_permissions(self, required)

    def check_privilege(self, kind: str, obj: Any, letters: str) -> None:
        """42501 unless the current role holds one of letters on obj (kind: acl.ALL_FOR_KIND's codes)."""
        if not self.db.role_store().has_roles():
            return
        from orbitdb.sql.utility.authorization import check_object

        check_object(self, kind, obj, letters)

    @contextlib.contextmanager
    def running_routine(self, func: Any) -> Iterator[None]:
        """Around a call of a user function or procedure: EXECUTE on it is needed (42501 "permission
        denied for function f"), and a SECURITY DEFINER one runs as its owner."""
        self.check_privilege("f", func, "X")
        if not getattr(func, "security_definer", False) or self.user == func.owner:
            yield
            return
        caller = self.user
        self.user = func.owner
        try:
            yield
        finally:
            self.user = caller

    def check_privilege_of(self, role: str, kind: str, obj: Any, letters: str) -> None:
        """check_privilege for another role than the current one (ALTER ... OWNER TO checks the new owner)."""
        if not self.db.role_store().has_roles():
            return
        from orbitdb.sql.utility.authorization import check_object

        check_object(self, kind, obj, letters, role)

    def check_owner(self, owner: str, noun: str, name: str) -> None:
        """42501 "must be owner of ..." unless the current role is (a member of) owner or a superuser."""
        if not self.db.role_store().has_roles():
            return
        from orbitdb.sql.utility.authorization import check_owner

        check_owner(self, owner, noun, name)

    def check_member(self, role: str) -> None:
        """ALTER ... OWNER TO role: 42501 unless the current role is a member of role (or a superuser)."""
        if not self.db.role_store().has_roles():
            return
        from orbitdb.sql.utility.authorization import is_member

        if not is_member(self, self.user, role):
            raise SqlError("42501", f'must be member of role "{role}"')

    def role_names(self) -> list[str]:
        """The roles made with CREATE ROLE (pg_authid lists them besides the bootstrap ones)."""
        return self.db.role_store().names()

    def role_is_superuser(self, name: str) -> bool:
        from orbitdb.sql.utility.authorization import is_superuser

        return is_superuser(self, name)

    def role_attributes(self, name: str) -> Any:
        """A role's RoleDef (role_store.py) if it was made with CREATE ROLE; None for a bootstrap one."""
        return self.db.role_store().get(name)

    def role_memberships(self) -> list[Any]:
        return self.db.role_store().memberships()

    def privileges_held(self, role: str, acl: list[str] | None, kind: str, owner: str, with_grant: bool = False) -> str:
        """The privilege letters role holds on an object (has_*_privilege)."""
        from orbitdb.sql.utility.authorization import held

        return held(self, role, acl, kind, owner, with_grant)

    def role_in(self, member: str, role: str, usage: bool) -> bool:
        """pg_has_role: MEMBER (usage False) or USAGE (usage True)."""
        from orbitdb.sql.utility.authorization import has_privs_of, is_member

        return has_privs_of(self, member, role) if usage else is_member(self, member, role)

    def require_superuser(self, message: str, hint: str | None = None) -> None:
        if not self.db.role_store().has_roles():
            return
        from orbitdb.sql.utility.authorization import require_superuser

        require_superuser(self, message, hint=hint)

    # ---- settings ----
    def get_setting(self, name: str, missing_ok: bool = False) -> str | None:
        key = S.canonical_name(name)
        if key == "transaction_isolation":
            # the running transaction's level; between transactions, the one the next will have
            txn_level = self.txn.isolation if self.txn is not None else None
            return self.txn_isolation or txn_level or self.settings["default_transaction_isolation"]
        if key == "transaction_deferrable":
            if self.txn_deferrable is None:
                return self.settings["default_transaction_deferrable"]
            return "on" if self.txn_deferrable else "off"
        if key == "transaction_read_only":
            if self.in_block:  # the block's own mode: READ WRITE stays off under a read-only default
                return "on" if self.txn_read_only else "off"
            return "on" if self.txn_read_only else self.settings["default_transaction_read_only"]
        if key in self.settings:
            return self.settings[key]
        if missing_ok:
            return None
        raise SqlError("42704", f'unrecognized configuration parameter "{name}"')

    def set_setting(self, name: str, value: str | None, is_local: bool = False) -> None:
        key = S.canonical_name(name)
        if not S.is_known(key):
            raise SqlError("42704", f'unrecognized configuration parameter "{name}"')
        if key in S.READ_ONLY:
            raise SqlError("55P02", f'parameter "{name}" cannot be changed')
        if key in S.SUPERUSER_ONLY:
            self.require_superuser(f'permission denied to set parameter "{name}"')
        if key == "transaction_isolation":
            if self.txn is not None and self.txn.snapshot is not None and self._txn_has_run:
                raise SqlError("25001", "SET TRANSACTION ISOLATION LEVEL must be called before any query")
            v = S.normalize(key, value or "read committed")
            self.txn_isolation = v
            if self.txn is not None:
                self.txn.isolation = v
            return
        if key == "transaction_read_only":
            read_only = S.normalize(key, value or "off") == "on"
            if not read_only and self.txn_read_only and self.in_block:
                if self._savepoint_marks:
                    raise SqlError("25001", "cannot set transaction read-write mode inside a read-only transaction")
                if self.txn is not None and self.txn.snapshot is not None and self._txn_has_run:
                    raise SqlError("25001", "transaction read-write mode must be set before any query")
            self.txn_read_only = read_only
            if self.txn is not None:
                self.txn.read_only = read_only
            return
        if key == "transaction_deferrable":
            self.txn_deferrable = S.normalize(key, value or "off") == "on"
            return
        old = self.settings.get(key, "")
        new = S.DEFAULTS.get(key, "") if value is None else S.normalize(key, value, old)
        if self.txn is not None and (self.in_block or self.implicit):  # undone if it rolls back
            self.txn_settings_undo.append((key, old, is_local))
        elif is_local:
            self.notices.append(Notice("WARNING", "25P01", "SET LOCAL can only be used in transaction blocks"))
            return
        self.settings[key] = new
        if new != old:
            self.changed[key] = new
            self.plan_cache.clear()
            self._statements.clear()

    def _timeouts(self) -> tuple[int, int, int]:
        """statement_timeout, lock_timeout and deadlock_timeout in milliseconds."""
        key = (self.settings.get("statement_timeout", "0"), self.settings.get("lock_timeout", "0"),
               self.settings.get("deadlock_timeout", "1s"))
        cached = self._timeout_cache
        if cached is None or cached[0] != key:
            cached = (key, (S.ms_value(key[0]), S.ms_value(key[1]), S.ms_value(key[2])))
            self._timeout_cache = cached
        return cached[1]

    def search_schemas(self) -> list[str]:
        """The schemas a relation name is looked up in: the search path, with the session's
        temporary schema first unless the path places pg_temp itself."""
        out = []
        for part in self.settings.get("search_path", "").split(","):
            p = part.strip()
            if not p:
                continue
            if p == '"$user"' or p == "$user":
                p = self.user
            elif p.startswith('"') and p.endswith('"'):
                p = p[1:-1]
            else:
                p = p.lower()
            out.append(p)
        if self.temp is not None:
            name = self.temp.schema_name
            if "pg_temp" in out:
                out = [name if p == "pg_temp" else p for p in out]
            else:
                out.insert(0, name)
        return out

    def resolve_schema(self, name: str) -> str:
        """pg_temp names this session's temporary schema."""
        if name == "pg_temp" and self.temp is not None:
            return self.temp.schema_name
        return name

    def current_schema(self) -> str | None:
        cat = self.catalog()
        for s in self.search_schemas():
            if s.startswith("pg_temp"):
                continue  # objects are created in the temporary schema only when asked to
            if cat.schema(s) is not None:
                return s
        return None

    def creation_schema(self) -> str:
        s = self.current_schema()
        if s is None:
            raise SqlError("3F000", "no schema has been selected to create in")
        return s

    def timezone(self) -> datetime.tzinfo:
        name = self.settings.get("timezone", "UTC")
        cached = self._tz_cache
        if cached is not None and cached[0] == name:
            return cached[1]
        tz = session_zone(name)
        self._tz_cache = (name, tz)
        return tz

    def statement_timestamp(self) -> datetime.datetime:
        return self._stmt_time

    def transaction_time(self) -> datetime.datetime:
        return self._txn_start

    def catalog(self) -> Catalog:
        if self.prepare_catalog is not None:
            return self.prepare_catalog  # a Parse of a statement AS OF SYSTEM TIME
        return self.txn.catalog if self.txn is not None else self.store.catalog

    def query_columns(self, sql: str, catalog: Catalog) -> list[tuple[str, SqlType]]:
        """The output columns (names and types) of a query planned against catalog (a view's)."""
        out = Planner(self, catalog, Runtime([])).plan_query(parse_one(sql), None, {})
        return [(c.name, c.type) for c in out.columns]

    def find_reg_name(self, type_oid: int, oid: int) -> str | None:
        """reg* output: the name of the object with that oid, as the type's output function prints it."""
        # the system catalogs load on first use, not with the session (cold start)
        from orbitdb.sql.pgcatalog.base import Env
        from orbitdb.sql.pgcatalog.lookup import reg_name

        return reg_name(Env(self), type_oid, oid)

    def find_reg_oid(self, kind: str, name: str) -> int | None:
        """reg* input (regclass, regtype...): the oid of a named object in this session's catalog
        along its search_path, or None."""
        # the system catalogs load on first use, not with the session (cold start)
        from orbitdb.sql.pgcatalog.base import Env
        from orbitdb.sql.pgcatalog.lookup import reg_oid

        return reg_oid(Env(self), kind, name)

    # ---- user-defined routines (orbitdb/sql/routines): how lower stages reach them ----
    def call_routine(self, func: Any, args: list[Any], ctx: ExecContext, arg_types: list[SqlType] | None = None
                     ) -> Any:
        """The value of a call of a user-defined function (a list of rows for a set-returning one)."""
        from orbitdb.sql.routines.calls import call

        return call(self, func, args, ctx, arg_types)

    def routine_columns(self, func: Any) -> list[tuple[str, SqlType]] | None:
        """The columns of a routine's row result (OUT parameters, TABLE, a table row type), or None."""
        from orbitdb.sql.routines.calls import out_columns

        return out_columns(self, func)

    def routine_statement(self, st: Statement, param_types: list[SqlType]) -> Prepared:
        """A statement of a routine's body, compiled when first run (then kept with the body)."""
        return Prepared(st.text, st, param_types, None)

    def run_trigger_function(self, func: Any, data: Any, ctx: ExecContext) -> dict[str, Any] | None:
        """Runs a trigger function: the row it returns (by column name), or None for NULL."""
        from orbitdb.sql.routines.calls import run_trigger_function

        return run_trigger_function(self, func, data, ctx)

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + max(0.0, seconds)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            if self.cancel_requested:
                self.cancel_requested = False
                if self.terminate_requested:
                    raise SqlError("57P01", "terminating connection due to administrator command",
                                   severity="FATAL")
                raise SqlError("57014", "canceling statement due to user request")
            if self.running_context is not None:
                self.running_context.check()
            time.sleep(min(left, 0.05))

    # ---- transactions ----
    @property
    def _txn_has_run(self) -> bool:
        return getattr(self, "_statements_in_txn", 0) > 0

    def _begin_txn(self) -> Transaction:
        iso = self.txn_isolation or self.settings["default_transaction_isolation"]
        txn = self.store.begin(iso, self.txn_read_only, owner=self.backend_pid, temp=self.temp)
        self._txn_start = datetime.datetime.now(_UTC)
        self._statements_in_txn = 0
        txn.lock_deadline = None
        return txn

    def begin_block(self, isolation: str | None = None, read_only: bool | None = None,
                    deferrable: bool | None = None) -> None:
        if self.in_block:
            self.notices.append(Notice("WARNING", "25001", "there is already a transaction in progress"))
            return
        if self.txn is None:
            self.txn = self._begin_txn()
        self.in_block = True
        if isolation:
            self.txn_isolation = isolation
            self.txn.isolation = isolation
        if read_only is not None:
            self.txn_read_only = read_only
            self.txn.read_only = read_only
        if deferrable is not None:
            self.txn_deferrable = deferrable

    def prepare_transaction(self, text: str) -> str:
        """PREPARE TRANSACTION 'gid': the command tag."""
        return prepare_transaction(self, text)

    def finish_prepared(self, text: str) -> str:
        """COMMIT PREPARED / ROLLBACK PREPARED 'gid': the command tag."""
        return finish_prepared(self, text)

    def commit(self) -> str:
        """Ends the transaction; an aborted one rolls back (tag ROLLBACK)."""
        if not self.in_block and (self.txn is None or self.implicit):
            # inside an implicit transaction COMMIT commits it, with PostgreSQL's warning
            self.notices.append(Notice("WARNING", "25P01", "there is no transaction in progress"))
            if self.txn is None:
                return "COMMIT"
        if self.failed:
            self._end(False)
            return "ROLLBACK"
        self._end(True)
        return "COMMIT"

    def warn_no_transaction(self) -> None:
        self.notices.append(Notice("WARNING", "25P01", "there is no transaction in progress"))

    def end_transaction(self, commit: bool, prepare_gid: str | None = None) -> None:
        """Ends the transaction: commits, rolls back, or (prepare_gid) prepares it for two-phase commit."""
        self._end(commit, prepare_gid)

    def rollback(self) -> None:
        if not self.in_block and (self.txn is None or self.implicit):
            self.notices.append(Notice("WARNING", "25P01", "there is no transaction in progress"))
            if self.txn is None:
                return
        self._end(False)

    def table_triggers(self, planner: Planner, table: Any, rt: Runtime) -> Any:
        """The enabled triggers of table, compiled for a writer of it (orbitdb.sql.triggers)."""
        from orbitdb.sql.triggers.fire import TableTriggers

        return TableTriggers(planner, table, rt)

    def _end(self, commit: bool, prepare_gid: str | None = None) -> None:
        if self.cursors:
            from orbitdb.sql.session.cursors import at_transaction_end

            try:
                at_transaction_end(self, self.txn, commit)  # WITH HOLD cursors are produced first
            except SqlError:
                self._end(False)
                raise
        if self.live_streams:
            self._discard_streams()
        deferred_error: SqlError | None = None
        if commit and self.deferred_trigger_events and self.txn is not None and not self.failed:
            from orbitdb.sql.triggers.deferred import fire_deferred

            try:
                fire_deferred(self)
            except SqlError as e:  # a deferred trigger's error fails the COMMIT: the transaction rolls back
                deferred_error = e
                commit = False
        self.deferred_trigger_events = []
        if self.large_object_fds:
            self.large_object_fds = {}
        self.trigger_events = []
        self.late_trigger_events = []
        self.cascade_statements = []
        self.constraint_modes = {}
        listen_actions, self.pending_listen = self.pending_listen, []
        self._savepoint_marks = []
        notifications, self.pending_notifies = list(self.pending_notifies), {}
        txn = self.txn
        self.txn = None
        self.in_block = False
        self.failed = False
        self.txn_isolation = None
        self.txn_deferrable = None
        self.txn_read_only = self.settings.get("default_transaction_read_only") == "on"
        undo = self.txn_settings_undo
        self.txn_settings_undo = []
        role_undo = self.on_rollback
        self.on_rollback = []
        if not commit:
            for step in reversed(role_undo):
                step()
        committed = False
        try:
            if txn is not None:
                if commit and prepare_gid is not None:
                    from orbitdb.sql.session.twophase import prepare_in_storage

                    prepare_in_storage(self, txn, prepare_gid)
                elif commit:
                    self._commit_txn(txn)
                    committed = True
                    if listen_actions or notifications:
                        from orbitdb.sql.session.notify import at_commit

                        at_commit(self, listen_actions, notifications)
                else:
                    txn.rollback()
        finally:
            if txn is not None and prepare_gid is None:  # pg_stat_database's xact_commit / xact_rollback
                self.store.usage.transaction_ended(committed)
            # settings: SET LOCAL always reverts; plain SET reverts on rollback
            for key, old, local in reversed(undo):
                if local or not commit:
                    self._restore_setting(key, old)
        if deferred_error is not None:
            raise deferred_error

    def _restore_setting(self, key: str, old: str) -> None:
        """A setting back to its value before a SET that a rollback (or the end of SET LOCAL's
        transaction) undoes; plans made under the other value are dropped (DateStyle, casts)."""
        if self.settings.get(key) != old:
            self.changed[key] = old
            self.plan_cache.clear()
            self._statements.clear()
        self.settings[key] = old

    def _commit_txn(self, txn: Transaction) -> None:
        try:
            if self.temp is not None:
                temp_on_commit(txn)
            # the tables it changed, whose changes may call for an ANALYZE (not those it only read)
            touched = [oid for oid, row in (txn.usage or {}).items() if row[TUP_INS] or row[TUP_UPD] or row[TUP_DEL]]
            txn.commit(sync=self.settings.get("synchronous_commit", "on") != "off")
        except StorageError as e:
            raise SqlError(e.sqlstate, str(e), detail=e.detail) from e
        if touched and self.settings.get("autovacuum", "on") != "off":
            auto_analyze(self.store, touched)

    # ---- the implicit transaction of a multi-statement Query or an extended-protocol pipeline ----
    def begin_implicit(self) -> None:
        """From here to end_implicit(), statements outside a transaction block share one implicit
        transaction, begun by the first of them: PostgreSQL runs the statements of a
        multi-statement Query, and the extended-protocol messages up to Sync, so. A BEGIN among
        them opens a block that takes in what ran before it; a COMMIT or ROLLBACK ends the
        implicit transaction (with a warning) and the statements after it start another."""
        self.implicit = True

    def end_implicit(self, commit: bool) -> None:
        """The end of the Query message, or the Sync: the implicit transaction commits, or rolls
        back when commit is False (a statement or message of it failed). A transaction block
        begun inside stays open."""
        self.implicit = False
        if self.txn is not None and not self.in_block:
            self._end(commit)

    # ---- running statements ----
    def execute_simple(self, sql: str) -> Iterator[Result | CopyIn | CopyOut]:
        """The simple-query protocol: statements run in order; a multi-statement message runs
        in one implicit transaction."""
        stmts = split_statements(sql)
        if len(stmts) < 2:
            for st in stmts:
                self.notices.extend(st.notices)
                yield self._execute_in(sql, st)
            return
        self.begin_implicit()
        self.multi_statement = True
        try:
            for st in stmts:
                self.notices.extend(st.notices)
                result = self._execute_in(sql, st)
                yield result
                _run_to_end(result)  # the wire has read the rows; an embedded caller may not have
        except BaseException:
            self.end_implicit(False)
            raise
        finally:
            self.multi_statement = False
        self.end_implicit(True)

    def execute(self, sql: str, params: list[Any] | None = None) -> list[Result | CopyIn | CopyOut]:
        """Runs every statement of sql with the same parameters (DB-API style)."""
        stmts = split_statements(sql)
        if not stmts:
            return [Result("EMPTY")]
        types = [param_type(v) for v in (params or [])]
        out: list[Result | CopyIn | CopyOut] = []
        for st in stmts:
            if out:
                _run_to_end(out[-1])  # each statement ends before the next starts
            self.notices.extend(st.notices)
            try:
                p = self._statement_for(st, types) if params else None
            except SqlError as e:
                self._pass_notices(e)
                locate(e, st, sql)
                raise
            out.append(self._execute_in(sql, st, p, list(params or [])))
        return out

    def _execute_in(self, sql: str, st: Statement, p: Prepared | None = None, params: list[Any] | None = None
                    ) -> Result | CopyIn | CopyOut:
        """Runs a statement of the message sql: an error's position is the message's."""
        try:
            return self._execute(st, p, params or [])
        except SqlError as e:
            locate(e, st, sql)
            raise

    def _statement_for(self, st: Statement, types: list[SqlType]) -> Prepared:
        """The statement object for st run with parameters of these types: the one made by an
        earlier execute of the same text and types (its plan checked again when it runs), or a
        new one, prepared now."""
        key = (st.text, tuple([t.oid for t in types]))
        p = self._statements.get(key)
        if p is not None and p.compiled is not None and p.stmt is st:
            return p
        p = self._prepare_stmt(st, list(types))
        if p.compiled is not None and len(st.text) <= _KEPT_STATEMENT_TEXT:
            if len(self._statements) >= _KEPT_STATEMENTS:
                self._statements.clear()
            self._statements[key] = p
        return p

    def prepare(self, sql: str, param_oids: list[int] | None = None) -> Prepared:
        stmts = split_statements(sql)
        if len(stmts) > 1:
            raise SqlError("42601", "cannot insert multiple commands into a prepared statement")
        if not stmts:
            return Prepared(sql, Statement("", "", 0), [], None)
        types = [T.by_oid(o) if o else T.UNKNOWN for o in (param_oids or [])]
        self.notices.extend(stmts[0].notices)  # given with the next statement's result
        try:
            return self._prepare_stmt(stmts[0], types)
        except SqlError as e:
            self._pass_notices(e)
            locate(e, stmts[0], sql)
            raise

    def execute_many(self, p: Prepared, param_rows: list[list[Any]]) -> int:
        """Runs a prepared DML statement once per parameter row, as one statement
        (executemany): returns the total row count."""
        total = 0
        if not param_rows:
            return 0
        p.extra["many"] = param_rows
        try:
            r = self._execute(p.stmt, p, list(param_rows[0]))
        finally:
            p.extra.pop("many", None)
        if isinstance(r, Result) and r.rowcount > 0:
            total = r.rowcount
        return total

    def execute_prepared(self, p: Prepared, params: list[Any], first_rows: int = FIRST_BATCH
                         ) -> Result | CopyIn | CopyOut:
        """first_rows: how many of a query's rows to produce before returning, at most (a portal
        read with a row limit asks no more than it will send, as PostgreSQL produces no more)."""
        if not p.stmt.text:
            return Result("EMPTY")
        return self._execute(p.stmt, p, list(params), first_rows)

    def _prepare_stmt(self, st: Statement, types: list[SqlType]) -> Prepared:
        taken = split_as_of(st)  # AS OF SYSTEM TIME: compiled against the catalog of that time
        if taken is not None:
            return prepare_as_of(self, taken[0], taken[1], types)
        p = Prepared(st.text, st, types, None)
        if st.kind in ("EXECUTE", "FETCH", "SHOW", "EXPLAIN"):
            p.columns = self._utility_columns(st)
        if st.kind == "EXPLAIN" and "$" in st.text:
            with self._statement_scope():
                p.param_types = explain_param_types(self, st.text, types)
        elif st.kind == "CALL":
            from orbitdb.sql.routines.calls import call_description

            with self._statement_scope():
                p.param_types, p.columns = call_description(self, st.text, types)
        if KINDS.get(st.kind, _UNKNOWN).planned:
            with self._statement_scope():
                try:
                    self._compile(p)
                except SqlError:
                    if self.txn is None:
                        raise
                    raise
        return p

    def _utility_columns(self, st: Statement) -> list[Column] | None:
        """The rows an EXECUTE, FETCH, SHOW or EXPLAIN will return, known when it is prepared (a
        Describe: clients such as asyncpg and psycopg 3 refuse rows that were not described)."""
        if st.kind == "SHOW":
            return show_columns(self, st)
        if st.kind == "EXPLAIN":
            return explain_columns()
        if st.kind == "EXECUTE":
            from orbitdb.sql.session.prepared_sql import execute_columns

            return execute_columns(self, st.text)
        from orbitdb.sql.session.cursors import fetch_columns

        return fetch_columns(self, st.text)

    # ---- savepoints: NOTIFY, LISTEN, DECLARE and SET CONSTRAINTS after one are undone by ROLLBACK
    # TO it; the deferred checks are as they were then (those run since are due again at COMMIT) ----
    def savepoint_taken(self, name: str) -> None:
        self._savepoint_marks.append((name, len(self.pending_notifies), len(self.pending_listen),
                                      frozenset(self.cursors), dict(self.constraint_modes),
                                      list(self.deferred_trigger_events), len(self.txn_settings_undo),
                                      len(self.on_rollback), self.txn_read_only))

    def _restore_read_only(self, read_only: bool) -> None:
        self.txn_read_only = read_only
        if self.txn is not None:
            self.txn.read_only = read_only

    def savepoint_released(self, name: str) -> None:
        for i in range(len(self._savepoint_marks) - 1, -1, -1):
            if self._savepoint_marks[i][0] == name:
                self._restore_read_only(self._savepoint_marks[i][8])  # the mode ends with the subtransaction
                del self._savepoint_marks[i:]
                return

    def savepoint_rolled_back(self, name: str) -> None:
        for i in range(len(self._savepoint_marks) - 1, -1, -1):
            mark_name, notifies, listens, cursors, modes, deferred, settings, undos, read_only = \
                self._savepoint_marks[i]
            if mark_name != name:
                continue
            del self._savepoint_marks[i + 1:]  # the savepoint itself stays, as in PostgreSQL
            self._restore_read_only(read_only)  # SET TRANSACTION READ ONLY since is undone
            for key, old, _ in reversed(self.txn_settings_undo[settings:]):  # SET and SET LOCAL since
                self._restore_setting(key, old)
            del self.txn_settings_undo[settings:]
            for step in reversed(self.on_rollback[undos:]):  # SET ROLE, ANALYZE's statistics since
                step()
            del self.on_rollback[undos:]
            self.pending_notifies = dict(list(self.pending_notifies.items())[:notifies])
            del self.pending_listen[listens:]
            self.constraint_modes = dict(modes)
            self.deferred_trigger_events = list(deferred)
            for cursor_name in [c for c in self.cursors if c not in cursors]:
                self.cursors.pop(cursor_name).close()
            return

    def queue_notify(self, channel: str | None, payload: str | None) -> None:
        """pg_notify(): a notification sent when the running transaction commits."""
        from orbitdb.sql.session.notify import queue

        queue(self, channel, payload)

    def prepare_statement(self, st: Statement, types: list[SqlType], param_count: int | None = None) -> Prepared:
        """A statement prepared inside the running one (PREPARE's, DECLARE's): compiled now.
        param_count: the parameters it may use (None: as many as it names)."""
        p = Prepared(st.text, st, list(types), None)
        if param_count is not None:
            p.extra["param_count"] = param_count
        self._compile(p)
        return p

    def _compile(self, p: Prepared) -> Any:
        cat = self.catalog()
        count = p.extra.get("param_count")  # a simple query's parameters: none, whatever its text names
        # the join-method settings choose among plans: a plan made under others is not reused
        key = (cat.version, id(cat), self.settings.get("search_path"), tuple(t.oid for t in p.param_types), count,
               S.plan_choice_key(self.settings))
        if p.compiled is not None and p.catalog_key == key:
            return p.compiled
        cache_key = (p.sql, key)
        cached = self.plan_cache.get(cache_key)
        if cached is not None:
            p.compiled, p.param_types, p.columns = cached
            p.catalog_key = key
            return p.compiled
        # a parameter typed as a user type (an enum's labels) takes the type as this catalog has it
        rt = Runtime([current_type(cat, t) for t in p.param_types], count)
        compiled = compile_statement(self, p.stmt, rt)
        p.compiled = compiled
        p.param_types = rt.param_types
        p.columns = compiled.columns
        # keyed by the parameter types the compile settled on: running p next (run_planned after
        # _normalized_prepared) finds its plan instead of compiling again
        p.catalog_key = key[:3] + (tuple(t.oid for t in p.param_types),) + key[4:]
        self.plan_cache[cache_key] = (compiled, list(rt.param_types), compiled.columns)
        return compiled

    class _Scope:
        def __init__(self, s: Session) -> None:
            self.s = s

        def __enter__(self) -> None:
            self.previous = statement_scope.enter(self.s)
            # numeric arithmetic needs orbitdb's precision in whatever thread runs the statement
            # (a new thread starts with Python's default of 28 digits)
            self.decimals = decimal.getcontext()
            decimal.setcontext(NUMERIC_CONTEXT.copy())

        def __exit__(self, *a: object) -> None:
            statement_scope.leave(self.previous)
            decimal.setcontext(self.decimals)

    def _statement_scope(self) -> Session._Scope:
        return Session._Scope(self)

    def _execute(self, st: Statement, p: Prepared | None, params: list[Any], first_rows: int = FIRST_BATCH
                 ) -> Result | CopyIn | CopyOut:
        """Runs one statement. The notices given before an error go with the error (PostgreSQL
        sends them before it), not with the next statement's result."""
        try:
            return self._run_statement(st, p, params, first_rows)
        except SqlError as e:
            self._pass_notices(e)
            locate(e, st)
            raise

    def _pass_notices(self, e: SqlError) -> None:
        """Hands the pending notices to an error, which is sent after them."""
        e.notices[:0] = self.notices
        self.notices = []

    def _run_statement(self, st: Statement, p: Prepared | None, params: list[Any], first_rows: int
                       ) -> Result | CopyIn | CopyOut:
        if self.closed:
            raise SqlError("08003", "connection is closed")
        if self.terminate_requested:
            raise SqlError("57P01", "terminating connection due to administrator command", severity="FATAL")
        kind = st.kind
        self.cancel_requested = False
        if self.live_streams:
            self._settle_streams(kind)
        if self.failed and not self._allowed_when_failed(st):
            raise SqlError("25P02", "current transaction is aborted, commands ignored until end of transaction block")
        as_of: str | None = p.extra.get("as_of") if p is not None else None
        if as_of is not None and p is not None:
            st = p.stmt
        elif p is None:
            taken = split_as_of(st)  # AS OF SYSTEM TIME (orbitdb/sql/session/as_of.py)
            if taken is not None:
                st, as_of = taken
        what = KINDS.get(kind, _UNKNOWN)
        if self.db.cluster is not None and not what.frees_memory:
            self.db.cluster.memory_budget.check("a new statement")
        with self._statement_scope():
            if what.transaction_control or (kind == "PREPARE" and is_prepare_transaction(st.text)):
                try:
                    res = begin_as_of(self, st, as_of) if as_of is not None else transaction_control(self, st)
                except SqlError:
                    raise
                except Exception as e:
                    raise internal_error(e, st.text) from e
                if self.notices:
                    res.notices.extend(self.notices)
                    self.notices = []
                return res
            autocommit = self.txn is None and not self.implicit
            if self.txn is None:
                self.txn = self._begin_txn()
                self.txn.single_statement = autocommit
            txn = self.txn
            assert txn is not None
            self._stmt_time = datetime.datetime.now(_UTC)
            if autocommit:
                self._txn_start = self._stmt_time
            txn.begin_statement()
            ctx = ExecContext(self, txn, params)
            ctx.statement_time = self._txn_start
            timeout, lock_ms, deadlock_ms = self._timeouts()
            if timeout > 0:
                ctx.deadline = time.monotonic() + timeout / 1000.0
            if lock_ms > 0:
                txn.lock_deadline = time.monotonic() + lock_ms / 1000.0
            txn.deadlock_timeout = deadlock_ms / 1000.0
            txn.check = self._waiting_check(ctx)
            self.running_context = ctx
            self.current_query = st.text[:1024]  # as track_activity_query_size cuts it
            self.running = True
            result: Result | CopyIn | CopyOut | None = None
            try:
                if as_of is not None:
                    set_only = set_transaction_as_of(self, st) if kind == "SET" else False
                    travel(self, txn, as_of)
                    if set_only:
                        result = Result("SET")
                if result is None:
                    result = self._dispatch(st, p, params, ctx)
                if kind not in ("SET", "SHOW", "RESET"):  # statements that take no snapshot
                    self._statements_in_txn = getattr(self, "_statements_in_txn", 0) + 1
            except StorageError as e:
                self._fail(autocommit)
                raise SqlError(e.sqlstate, str(e), detail=e.detail) from e
            except SqlError:
                self._fail(autocommit)
                raise
            except RecursionError:
                self._fail(autocommit)
                raise SqlError("54001", "stack depth limit exceeded") from None
            except Exception as e:  # a bug below: XX000 naming the statement, never Python's text
                self._fail(autocommit)
                raise internal_error(e, st.text) from e
            except BaseException:
                self._fail(autocommit)
                raise
            finally:
                self.running_context = None
                txn.lock_deadline = None
                self.running = False
                if not isinstance(getattr(result, "rows", None), (QueryRows, RowStream)):
                    spill.release(ctx, len(st.text))  # its temporary files, what its context held
                # (rows produced as they are read release them when their RowStream stops)
            if isinstance(result, (CopyIn, CopyOut)):
                result.autocommit = autocommit  # type: ignore[attr-defined]
                return result
            if isinstance(result.rows, QueryRows):
                # the rows are produced as they are read; the statement (and an autocommitted
                # statement's transaction) ends when they are exhausted or closed
                stream = RowStream(self, result.rows, autocommit and self.txn is txn, result, timeout, lock_ms)
                result.rows = stream
                # its first rows now: a small result is complete (and an autocommitted statement
                # ended) here; an error in the first row comes before the RowDescription, as an
                # error in a constant expression does in PostgreSQL (it fails when planned)
                stream.prefetch(first_rows)
                if stream.notices:
                    result.notices.extend(stream.take_notices())
                rows = stream.complete_rows()
                if rows is not None:
                    result.rows = rows
            elif autocommit and self.txn is txn:
                self._end(True)
            if self.notices:
                result.notices.extend(self.notices)
                self.notices = []
            return result

    def _settle_streams(self, kind: str) -> None:
        """Before a statement: a query that was its own transaction and whose rows were not all
        read ends now (its caller has moved on). A portal of the transaction keeps its rows, but
        the statement could change what they are made of (its writes, a READ COMMITTED snapshot),
        so the rest of them are produced first, an error kept for the Execute that reaches it."""
        for stream in list(self.live_streams):
            if stream.autocommit:
                stream.close()
            elif not KINDS.get(kind, _UNKNOWN).transaction_control and kind not in _READS_CURSORS:
                stream.materialize(defer_failure=True)

    def _discard_streams(self) -> None:
        """The transaction ends: its queries still producing rows stop first."""
        streams, self.live_streams = self.live_streams, []
        for stream in streams:
            stream.discard()

    def _waiting_check(self, ctx: ExecContext) -> Callable[[], None]:
        """What a lock wait calls every few milliseconds: cancel, statement_timeout, and
        a client that went away (its session is ending; nothing is left to wait for)."""

        def check() -> None:
            ctx.check()
            gone = self.client_gone
            if gone is not None and gone():
                raise SqlError("57P01", "terminating connection because the client went away")

        return check

    def _normalized_prepared(self, st: Statement, norm: Any) -> Prepared:
        p = Prepared(norm.text, Statement(norm.text, st.kind, st.offset), [param_type(v) for v in norm.values], None)
        self._compile(p)
        return p

    def fail_statement(self) -> None:
        """An error found in a statement's result after the statement ran (the wire layer's: a
        character the client's encoding has not): its transaction fails as if the statement had.
        A statement that was its own transaction has committed already."""
        if self.txn is not None:
            self._fail(False)

    def _fail(self, autocommit: bool) -> None:
        if not self.in_block:
            self._end(False)  # a statement by itself, or the implicit transaction it is part of
            return
        self.failed = True  # an explicit block stays, aborted, until it ends
        # as PostgreSQL aborts at the error, not at ROLLBACK: the failed (sub)transaction's
        # changes are undone and its locks released now
        txn = self.txn
        if txn is not None:
            if txn.savepoints:
                txn.rollback_to(txn.savepoints[-1][0])
            else:
                self._discard_streams()
                txn.rollback()

    def _allowed_when_failed(self, st: Statement) -> bool:
        if st.kind in ("ROLLBACK", "ABORT", "COMMIT", "END"):
            return True
        if st.kind == "PREPARE":
            return is_prepare_transaction(st.text)  # it rolls the aborted transaction back
        return False

    def finish_copy(self, autocommit: bool, ok: bool) -> None:
        if autocommit and self.txn is not None:
            self._end(ok)
        elif not ok:
            self._fail(False)

    def _dispatch(self, st: Statement, p: Prepared | None, params: list[Any], ctx: ExecContext) -> Any:
        what = KINDS.get(st.kind)
        if what is None:
            raise SqlError("42601", f'syntax error at or near "{st.text.split()[0] if st.text.split() else ""}"',
                           statement_position=1)
        if what.run is not None:
            if p is not None and st.kind == "CALL" and params:
                # a Parse's CALL: its parameters come as the procedure's argument types say
                from orbitdb.sql.routines.calls import call_statement

                return call_statement(self, st.text, ctx, convert_params(params, p.param_types), p.param_types)
            if p is not None and st.kind == "EXPLAIN" and params:
                return explain(self, st, params, ctx, p.param_types)  # its statement's $n
            return what.run(self, st, params, ctx)
        if what.planned:
            if p is None:
                norm = normalize_literals(st.text) if not params else None
                # kept for orbitdb_stat_statements (statement_stats.py), which would normalise it again;
                # not a huge text, which an idle session would hold on to (it keeps those cut anyway)
                self.normalized_text = (st.text, None if norm is None else norm.text) \
                    if len(st.text) <= _NORMALIZED_TEXT_KEPT else None
                if norm is not None:
                    # literals become parameters: one plan for every statement of this shape
                    try:
                        p = self._normalized_prepared(st, norm)
                        params = norm.values
                    except SqlError:
                        p = None
                if p is None:
                    p = Prepared(st.text, st, [param_type(v) for v in params], None)
                    if not params:
                        p.extra["param_count"] = 0
            return self.run_planned(p, params, ctx)
        raise SqlError("42601", f'syntax error at or near "{st.text.split()[0] if st.text.split() else ""}"',
                       statement_position=1)

    def run_planned(self, p: Prepared, params: list[Any], ctx: ExecContext) -> Any:
        """Runs a prepared query or row change in the running statement (its plan checked
        against the catalog again): the statement's own plan, or EXECUTE's."""
        compiled = self._compile(p)
        single = ctx.txn is not None and ctx.txn.single_statement
        for _ in range(16):
            if not take_relation_locks(compiled, ctx, single):
                break
            compiled = self._compile(p)  # DDL committed while we waited for a lock
        fixed = p.extra.get("fixed_result", compiled.columns)
        if fixed is not compiled.columns:
            # a protocol-level prepared statement keeps the row type its Parse described
            if _row_type(fixed) != _row_type(compiled.columns):
                raise SqlError("0A000", "cached plan must not change result type")
            p.extra["fixed_result"] = compiled.columns
        many = p.extra.get("many")
        compiled.rt.ctx = ctx
        if many is not None:
            types = p.param_types
            # rows a batch can take go in batches; the rest run the statement one by one
            done = count = compiled.run_many(ctx, many, types)
            if done == len(many):
                return Result(f"INSERT 0 {count}", None, [], count)
            for row in many[done:] if done else many:
                ctx.params = convert_params(row, types)
                r = compiled.run(ctx)
                count += sum(1 for _ in r.rows) if isinstance(r.rows, QueryRows) else max(r.rowcount, 0)
            return Result(r.command_tag.rsplit(" ", 1)[0] + f" {count}", None, [], count)
        ctx.params = convert_params(params, p.param_types)
        return compiled.run(ctx)


def _run_to_end(result: Result | CopyIn | CopyOut) -> None:
    """Produces what is left of a query's rows and keeps them; raises its error."""
    if isinstance(result, Result) and isinstance(result.rows, RowStream):
        error = result.rows.materialize()
        if error is not None:
            raise error


def _row_type(columns: list[Column] | None) -> list[tuple[str, int, int]] | None:
    """What PostgreSQL compares when a cached plan is made again (equalTupleDescs)."""
    return None if columns is None else [(c.name, c.type_oid, c.type_modifier) for c in columns]


__all__ = ["Prepared", "Session", "SqlError", "exp"]
