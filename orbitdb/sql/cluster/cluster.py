"""A server's data directory: its databases, each a separate engine directory with its own
catalog, and the sessions connected to them (PostgreSQL's "cluster").

    cluster = Cluster.open("orbit_integrated_data", {"block_cache_size": 1 << 25})
    session = cluster.session(user="orbit", database="actors")   # FATAL 3D000 for a missing one
    cluster.close()

Layout of the data dir:

    databases.json      the list of databases (cluster_registry.py), replaced atomically
    databases.lock      held while a server has the data dir open
    role_passwords.json passwords set with ALTER ROLE (role_passwords.py), replaced atomically
    postgresql/         the engine directory of `actors`, the default database
    databases/<oid>/    the engine directory of every other database (named by oid, so a
                        rename moves no file); made at CREATE DATABASE, or at the first
                        connection for `postgres` and `template1`

Crash safety: a new database's directory is built under `<oid>.new`, flushed and renamed into
place before its entry is saved; DROP DATABASE saves the list without the entry first and
removes the files after. Whatever a crash leaves that no entry names is removed at start-up.
Databases are opened at their first connection and stay open until the server stops.
"""

from __future__ import annotations

import copy
import fcntl
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from orbitdb.sql.cluster.files import make_directory, new_registry, remove_directory, sweep
from orbitdb.sql.cluster.private_files import loose_modes, make_private_dirs, open_private, write_file_atomic
from orbitdb.sql.cluster.registry import (
    DEFAULT_DATABASE,
    DatabaseEntry,
    Registry,
)
from orbitdb.sql.cluster.role_passwords import RolePasswords
from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Notice
from orbitdb.sql.session.database import Database
from orbitdb.sql.session.session import Session
from orbitdb.sql.spill.process import MemoryBudget
from orbitdb.sql.statement_stats import StatementStats
from orbitdb.sql.utility.authorization import check_login
from orbitdb.sql.utility.databases import NewDatabase
from orbitdb.sql.utility.role_store import RoleStore

log = logging.getLogger("orbitdb.cluster")

LOCK_FILE = "databases.lock"
BUSY_WAIT_SECONDS = 5.0  # how long DROP/RENAME/CREATE wait for other sessions to leave (as PostgreSQL)




class Cluster:
    def __init__(self, data_dir: str, knobs: dict[str, Any], registry: Registry, lock_fd: int) -> None:
        self.data_dir = data_dir
        self.knobs = dict(knobs)
        self.registry = registry
        self._lock_fd = lock_fd
        self._cond = threading.Condition()
        self._open: dict[int, Database] = {}
        self._busy: set[int] = set()  # databases being dropped, renamed or copied: connections wait
        self._reserved: set[str] = set()  # names of databases being created
        self._pids = itertools.count(os.getpid() % 100000 * 10 + 1)  # backend pids, unique across databases
        # set by the wire server: ends the connection of a backend pid (DROP DATABASE ... FORCE)
        self.terminate_backend: Callable[[int], bool] | None = None
        self.memory_budget = MemoryBudget(None)  # [server] max_memory, set by the server
        self.closed = False
        self.role_passwords = RolePasswords.load(data_dir)  # ALTER ROLE ... PASSWORD of bootstrap users
        self.roles = RoleStore.load(data_dir, write_file_atomic)  # CREATE ROLE: the cluster's roles
        self.configured_roles: set[str] = set()  # set by the server: the users of its [auth.users]
        # set by the server: settings fixed when it started (max_connections, port), as every session shows them
        self.server_settings: dict[str, str] = {}
        self.statement_stats = StatementStats()  # orbitdb_stat_statements, of every database

    def open_stores(self) -> dict[int, Any]:
        """The storage of each open database, by database oid (their statistics counters)."""
        with self._cond:
            return {oid: db.store for oid, db in self._open.items()}

    @classmethod
    def open(cls, data_dir: str, knobs: dict[str, Any] | None = None) -> Cluster:
        """Opens (making it if needed) a data dir. SqlError when it is in use by another server
        or its list of databases cannot be read."""
        make_private_dirs(data_dir)
        for warning in loose_modes(data_dir):
            log.warning("%s", warning)
        lock_path = os.path.join(data_dir, LOCK_FILE)
        fd = open_private(lock_path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise SqlError(
                "55006", f"data directory {data_dir} is in use: another orbitdb process holds its lock {lock_path}",
                hint="An orbitdb server (orbitdb serve --data-dir) or a program that opened it with "
                     "orbitdb.connect() has it open: connect to that server, or stop the other process first.",
            ) from None
        try:
            registry = Registry.load(data_dir) or new_registry(data_dir, knobs or {})
            cluster = cls(data_dir, knobs or {}, registry, fd)
            sweep(data_dir, registry)
        except BaseException:
            os.close(fd)
            raise
        return cluster

    def close(self) -> None:
        with self._cond:
            if self.closed:
                return
            self.closed = True
            databases = list(self._open.values())
            self._open.clear()
        try:
            for db in databases:
                db.close()
        finally:
            os.close(self._lock_fd)  # releases the flock

    def directory_of(self, name: str) -> str | None:
        """The engine directory of a database (None: missing, or not made yet)."""
        with self._cond:
            entry = self.registry.by_name(name)
            if entry is None or entry.directory is None:
                return None
            return os.path.join(self.data_dir, entry.directory)

    def open_database(self, name: str) -> None:
        """Opens a database now rather than at its first connection (the server opens `actors`
        at start-up, so that a damaged or locked one stops it there)."""
        with self._cond:
            entry = self.registry.by_name(name)
            if entry is not None:
                self._database(entry)

    # --- sessions -----------------------------------------------------------------------------

    def session(self, user: str = "orbit", database: str = DEFAULT_DATABASE, application_name: str = "") -> Session:
        """A session connected to a database, checked as PostgreSQL checks a connection: FATAL
        3D000 when it does not exist, 55000 when it does not allow connections; 53200 while the
        server is above its memory budget."""
        self.memory_budget.check("a new connection", fatal=True)
        with self._cond:
            entry = self._idle_entry(database)
            if entry is None:
                raise SqlError("3D000", f'database "{database}" does not exist', severity="FATAL")
            if not entry.allow_connections:
                raise SqlError("55000", f'database "{database}" is not currently accepting connections',
                               severity="FATAL")
            if self.roles.has_roles():
                check_login(self.roles, user, entry.name, entry.owner, entry.acl,
                            sum(1 for d in self._open.values() for s in list(d.sessions)
                                if not s.closed and s.session_user == user))
            db = self._database(entry)
            session = db.session(user, entry.name, application_name)
        session.settings.update(self.server_settings)
        session.settings["lc_collate"] = entry.collate
        session.settings["lc_ctype"] = entry.ctype
        role = self.roles.get(user)
        if role is not None and not role.superuser:
            session.settings["is_superuser"] = "off"  # reported to the client at startup
        # ALTER ROLE ... SET: the role's defaults, then those it has in this database (they win)
        configured = [*role.config, *role.database_config.get(entry.name, [])] if role is not None else []
        for item in configured:
            name, _, value = item.partition("=")
            try:
                session.set_setting(name, value)
            except SqlError as exc:
                log.warning('role "%s": setting %s not applied: %s', user, name, exc)
        session.changed.clear()  # the startup's ParameterStatus messages report them
        return session

    def role_names(self) -> set[str]:
        """Login roles beyond those owning something: the configured users and those whose
        password was set with ALTER ROLE."""
        return set(self.configured_roles) | set(self.role_passwords.roles()) | set(self.roles.names())

    def entries(self) -> list[DatabaseEntry]:
        """The databases, as pg_database lists them (copies: the caller may keep them)."""
        with self._cond:
            return [copy.deepcopy(e) for e in sorted(self.registry.entries, key=lambda e: e.oid)]

    def sessions(self) -> list[Session]:
        """Every open session of every database."""
        with self._cond:
            return [s for db in self._open.values() for s in list(db.sessions) if not s.closed]

    def database_size(self, name: str) -> int | None:
        """Bytes on disk of a database's files; None when there is no such database."""
        with self._cond:
            entry = self.registry.by_name(name)
            if entry is None:
                return None
            directory = entry.directory
        if directory is None:
            return 0
        total = 0
        for root, _dirs, files in os.walk(os.path.join(self.data_dir, directory)):
            for f in files:
                try:
                    total += os.path.getsize(os.path.join(root, f))
                except OSError:
                    pass  # a file compacted away meanwhile
        return total

    # --- CREATE / DROP / ALTER DATABASE -------------------------------------------------------

    def create_database(self, current: Session, new: NewDatabase) -> None:
        with self._cond:
            template = self._idle_entry(new.template)
            if template is None:
                raise SqlError("3D000", f'template database "{new.template}" does not exist')
            self._check_locale_matches(new, template)
            if self.registry.by_name(new.name) is not None or new.name in self._reserved:
                raise SqlError("42P04", f'database "{new.name}" already exists')
            if new.oid is not None:
                holder = self.registry.by_oid(new.oid)
                if holder is not None:
                    raise SqlError("22023", f'database OID {new.oid} is already in use by database "{holder.name}"')
            oid = new.oid if new.oid is not None else self.registry.allocate_oid()
            copying = template.directory is not None and not _is_empty(self._database(template))
            if copying and template.oid == getattr(current.db, "oid", None):
                raise SqlError("0A000", f'orbitdb cannot copy database "{template.name}" while this session is '
                               "connected to it", hint="Connect to another database to create a copy of it.")
            self._reserved.add(new.name)
            if copying:
                self._busy.add(template.oid)
        try:
            source = None
            if copying:
                self._wait_for_sessions(template.oid, False, f'source database "{template.name}"', current.sleep)
                with self._cond:
                    source = self._closed_directory(template)
            directory = make_directory(self.data_dir, oid, source, self.knobs)
            entry = DatabaseEntry(oid, new.name, new.owner, directory, template.encoding,
                                  new.collate or template.collate, new.ctype or template.ctype,
                                  new.is_template, new.allow_connections, new.connection_limit,
                                  new.collation_version if new.collation_version is not None
                                  else template.collation_version)
            with self._cond:
                self.registry.entries.append(entry)
                try:
                    self.registry.save()
                except BaseException:
                    self.registry.entries.remove(entry)
                    raise
            log.info('database "%s" created (oid %d, %s)', new.name, oid, directory)
        finally:
            with self._cond:
                self._reserved.discard(new.name)
                if copying:
                    self._busy.discard(template.oid)
                self._cond.notify_all()

    def drop_database(self, current: Session, name: str, missing_ok: bool, force: bool) -> list[Notice]:
        with self._cond:
            entry = self._idle_entry(name)
            if entry is None:
                if missing_ok:
                    return [Notice("NOTICE", "00000", f'database "{name}" does not exist, skipping')]
                raise SqlError("3D000", f'database "{name}" does not exist')
            if entry.is_template:
                raise SqlError("42809", "cannot drop a template database")
            if entry.oid == getattr(current.db, "oid", None):
                raise SqlError("55006", "cannot drop the currently open database")
            self._busy.add(entry.oid)
        try:
            self._wait_for_sessions(entry.oid, force, f'database "{name}"', current.sleep)
            with self._cond:
                db = self._open.pop(entry.oid, None)
                if db is not None:
                    db.close()
                self.registry.entries.remove(entry)
                try:
                    self.registry.save()
                except BaseException:
                    self.registry.entries.append(entry)
                    raise
        finally:
            with self._cond:
                self._busy.discard(entry.oid)
                self._cond.notify_all()
        remove_directory(self.data_dir, entry)
        log.info('database "%s" dropped', name)
        return []

    def rename_database(self, current: Session, name: str, new_name: str) -> None:
        with self._cond:
            entry = self._idle_entry(name)
            if entry is None:
                raise SqlError("3D000", f'database "{name}" does not exist')
            if self.registry.by_name(new_name) is not None or new_name in self._reserved:
                raise SqlError("42P04", f'database "{new_name}" already exists')
            if entry.oid == getattr(current.db, "oid", None):
                raise SqlError("0A000", "current database cannot be renamed")
            self._busy.add(entry.oid)
        try:
            self._wait_for_sessions(entry.oid, False, f'database "{name}"', current.sleep)
            with self._cond:
                if self.registry.by_name(new_name) is not None or new_name in self._reserved:
                    raise SqlError("42P04", f'database "{new_name}" already exists')
                entry.name = new_name
                try:
                    self.registry.save()
                except BaseException:
                    entry.name = name
                    raise
        finally:
            with self._cond:
                self._busy.discard(entry.oid)
                self._cond.notify_all()
        log.info('database "%s" renamed to "%s"', name, new_name)

    def alter_database(self, name: str, changes: dict[str, Any]) -> None:
        """Sets attributes of an entry (owner, allow_connections, connection_limit, is_template)."""
        with self._cond:
            entry = self._idle_entry(name)
            if entry is None:
                raise SqlError("3D000", f'database "{name}" does not exist')
            before = copy.deepcopy(entry)
            for key, value in changes.items():
                setattr(entry, key, value)
            try:
                self.registry.save()
            except BaseException:
                for key in changes:
                    setattr(entry, key, getattr(before, key))
                raise

    # --- inside -------------------------------------------------------------------------------

    def _idle_entry(self, name: str) -> DatabaseEntry | None:
        """The entry of that name once no DROP/RENAME/copy is busy with it (caller holds the lock)."""
        while True:
            if self.closed:
                raise SqlError("57P01", "terminating connection due to administrator command", severity="FATAL")
            entry = self.registry.by_name(name)
            if entry is None or entry.oid not in self._busy:
                return entry
            self._cond.wait()

    def _sessions_of(self, oid: int) -> list[Session]:
        db = self._open.get(oid)
        if db is None:
            return []
        return [s for s in list(db.sessions) if not s.closed]

    def _wait_for_sessions(self, oid: int, force: bool, what: str, pause: Callable[[float], None]) -> None:
        """Waits up to 5 seconds for the other sessions of a database to end (after asking their
        connections to end, with force), as PostgreSQL's CountOtherDBBackends; 55006 if some stay.
        pause sleeps, or raises when the waiting statement is cancelled or times out."""
        if force:
            terminate = self.terminate_backend
            with self._cond:
                pids = [s.backend_pid for s in self._sessions_of(oid)]
            for pid in pids:
                if terminate is not None:
                    terminate(pid)
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        while True:
            with self._cond:
                count = len(self._sessions_of(oid))
            if count == 0:
                return
            if time.monotonic() >= deadline:
                break
            pause(0.1)
        detail = ("There is 1 other session using the database." if count == 1
                  else f"There are {count} other sessions using the database.")
        raise SqlError("55006", f"{what} is being accessed by other users", detail=detail)

    def _database(self, entry: DatabaseEntry) -> Database:
        """The open Database of an entry, opened (and its directory made) if need be. Caller holds
        the lock."""
        db = self._open.get(entry.oid)
        if db is not None:
            return db
        if entry.directory is None:  # postgres or template1 before their first connection
            entry.directory = make_directory(self.data_dir, entry.oid, None, self.knobs)
            try:
                self.registry.save()
            except BaseException:
                entry.directory = None
                raise
        path = os.path.join(self.data_dir, entry.directory)
        if not os.path.isdir(path):
            raise SqlError("58P01", f'could not open database "{entry.name}": its directory {path} is missing',
                           severity="FATAL")
        db = Database.open(path, **self.knobs)
        db.cluster = self
        db.oid = entry.oid
        db.pids = self._pids
        self._open[entry.oid] = db
        log.info('database "%s" opened at %s', entry.name, path)
        return db

    def _closed_directory(self, template: DatabaseEntry) -> str:
        """The template's directory, its files at rest (closed if it was open: no session is
        connected, and none can connect while it is busy)."""
        assert template.directory is not None
        db = self._open.pop(template.oid, None)
        if db is not None:
            db.close()
        return os.path.join(self.data_dir, template.directory)

    def _check_locale_matches(self, new: NewDatabase, template: DatabaseEntry) -> None:
        """PostgreSQL copies a template's data sorted by its collation, so only template0 (which
        has no data of its own) takes another one."""
        if new.template == "template0":
            return
        if new.collate is not None and new.collate != template.collate:
            raise SqlError("22023", f"new collation ({new.collate}) is incompatible with the collation of the "
                           f"template database ({template.collate})",
                           hint="Use the same collation as in the template database, or use template0 as template.")
        if new.ctype is not None and new.ctype != template.ctype:
            raise SqlError("22023", f"new LC_CTYPE ({new.ctype}) is incompatible with the LC_CTYPE of the "
                           f"template database ({template.ctype})",
                           hint="Use the same LC_CTYPE as in the template database, or use template0 as template.")


def _is_empty(db: Database) -> bool:
    """Whether a database holds nothing but the schema public every database starts with (then
    a copy of it is a new empty database, made without closing it)."""
    objects = db.store.catalog.objects
    return all(oid == 2200 for oid in objects)
