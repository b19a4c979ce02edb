"""Database: one open data directory (its storage) and the sessions using it."""

from __future__ import annotations

import datetime
import itertools
import os
import threading
import weakref
from typing import Any

from orbitdb.sql import spill
from orbitdb.sql.errors import SqlError
from orbitdb.sql.pgcatalog.oids import DATABASE_OID
from orbitdb.sql.session.session import Session
from orbitdb.sql.statement_stats import StatementStats
from orbitdb.sql.utility.role_store import RoleStore
from orbitdb.storage.errors import StorageError
from orbitdb.storage.txn import Store

_UTC = datetime.timezone.utc

class Database:
    """An open data directory: the storage plus the sessions using it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pids = itertools.count(os.getpid() % 100000 * 10 + 1)  # a Cluster shares one among its databases
        self.sessions: weakref.WeakSet[Session] = weakref.WeakSet()
        self.oid = DATABASE_OID  # pg_database.oid; a Cluster sets its own
        self.cluster: Any = None  # the server's Cluster this database is one of (None: embedded, on its own)
        self.started = datetime.datetime.now(_UTC)
        self.closed = False
        self._temp_numbers: set[int] = set()
        self._temp_lock = threading.Lock()
        self._roles: RoleStore | None = None  # an embedded database's own roles (a server's are its Cluster's)
        self.statement_stats = StatementStats()  # orbitdb_stat_statements of an embedded database

    def take_temp_number(self) -> int:
        """The n of a session's pg_temp_<n> schema: the lowest not in use."""
        with self._temp_lock:
            n = 1
            while n in self._temp_numbers:
                n += 1
            self._temp_numbers.add(n)
            return n

    def give_back_temp_number(self, n: int) -> None:
        with self._temp_lock:
            self._temp_numbers.discard(n)

    def role_store(self) -> RoleStore:
        """The roles sessions of this database are checked against: the server's, or (embedded)
        this database's own, kept in its directory."""
        if self.cluster is not None:
            return self.cluster.roles  # type: ignore[no-any-return]
        with self._temp_lock:
            if self._roles is None:
                self._roles = RoleStore.load(self.store.path)
            return self._roles

    @classmethod
    def open(cls, path: str, **knobs: Any) -> Database:
        try:
            store = Store(path, **knobs)
        except StorageError as e:  # the engine's error, or a storage format this orbitdb does not open
            raise SqlError(e.sqlstate, str(e)) from e
        spill.sweep(path)  # temporary files a crash left behind
        return cls(store)

    def session(self, user: str = "orbit", database: str = "actors", application_name: str = "") -> Session:
        s = Session(self, user, database, application_name, next(self.pids))
        self.sessions.add(s)
        self.store.usage.session_started()
        return s

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for s in list(self.sessions):
            s.close()
        self.store.close()
