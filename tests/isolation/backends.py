"""The three places a spec runs: a PostgreSQL 15 started for the test session, orbitdb over the
wire (`orbitdb serve` as a child process) and orbitdb embedded (orbitdb.connect in this process).

Each spec gets a fresh database: its own database in PostgreSQL, its own data directory for
orbitdb. recover() is for after a session that would not end (a hang): it leaves the stuck state
behind so the next permutation starts clean."""

from __future__ import annotations

import shutil
import signal
import tempfile
from pathlib import Path
from typing import ClassVar

import neighbours  # noqa: F401  (puts compat_harness and wire_support on the path)
from compat_harness import PgServer
from connections import EmbeddedConnection, PsycopgConnection, SqlConnection
from wire_support import ServerProcess

# What counts as "this session waits for a lock": the wait PostgreSQL reports in
# pg_stat_activity for row, relation and advisory lock waits.
WAIT_PROBE = "SELECT wait_event_type FROM pg_stat_activity WHERE pid = {pid}"
# PostgreSQL's waiter clears wait_event_type itself once it runs again, so just after a grant the
# old 'Lock' can still show; the lock manager's own view (pg_blocking_pids) is exact.
PG_WAIT_PROBE = (
    "SELECT CASE WHEN cardinality(pg_blocking_pids(pid)) > 0 THEN wait_event_type END"
    " FROM pg_stat_activity WHERE pid = {pid}"
)


class IsolationPgServer(PgServer):
    """PgServer with a short deadlock_timeout (deadlock specs pick their victim per session) and
    room for the sessions of a spec."""

    SETTINGS: ClassVar[dict[str, str]] = {
        **PgServer.SETTINGS,
        "deadlock_timeout": "'100ms'",
        "max_connections": "40",
    }


class Backend:
    name = ""
    probe_sql = WAIT_PROBE

    def begin_spec(self, spec_name: str) -> None:
        raise NotImplementedError

    def connect(self) -> SqlConnection:
        raise NotImplementedError

    def recover(self) -> None:
        raise NotImplementedError

    def end_spec(self) -> None:
        raise NotImplementedError

    def is_waiting(self, observer: SqlConnection, pid: int) -> bool:
        outcome = observer.execute(self.probe_sql.format(pid=int(pid)))
        if outcome.sqlstate is not None:
            raise RuntimeError(f"wait probe failed: {outcome.sqlstate} {outcome.message}")
        return bool(outcome.rows) and outcome.rows[0][0] == "Lock"


class PostgresBackend(Backend):
    name = "postgresql"
    probe_sql = PG_WAIT_PROBE

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self.database = ""

    def _dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.server.port} user=postgres dbname={dbname}"

    def _admin(self, sql: str) -> None:
        conn = PsycopgConnection(self._dsn("postgres"))
        try:
            outcome = conn.execute(sql)
            if outcome.sqlstate is not None:
                raise RuntimeError(f"{sql}: {outcome.sqlstate} {outcome.message}")
        finally:
            conn.close()

    def begin_spec(self, spec_name: str) -> None:
        self.database = "iso_" + spec_name.lower()
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self._admin(f"CREATE DATABASE \"{self.database}\" TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")

    def connect(self) -> SqlConnection:
        return PsycopgConnection(self._dsn(self.database))

    def recover(self) -> None:
        self._admin(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
            f" WHERE datname = '{self.database}' AND pid <> pg_backend_pid()"
        )

    def end_spec(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


class WireBackend(Backend):
    name = "wire"

    def __init__(self) -> None:
        self.workdir: Path | None = None
        self.server: ServerProcess | None = None
        self._generation = 0

    def _start(self) -> None:
        assert self.workdir is not None
        self._generation += 1
        self.server = ServerProcess(self.workdir / f"data{self._generation}").wait_ready()

    def _stop(self) -> None:
        if self.server is None:
            return
        try:
            self.server.stop(signal.SIGTERM, timeout=10)
        except AssertionError:  # a server that does not stop on SIGTERM was killed by stop()
            pass
        self.server = None

    def begin_spec(self, spec_name: str) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix=f"orbitdb-iso-{spec_name}-"))
        self._start()

    def connect(self) -> SqlConnection:
        assert self.server is not None
        return PsycopgConnection(self.server.dsn)

    def recover(self) -> None:
        # Killing the server ends every connection and whatever they were stuck in.
        if self.server is not None:
            self.server.kill()
            self.server = None
        self._start()

    def end_spec(self) -> None:
        self._stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def server_log(self) -> str:
        return self.server.log() if self.server is not None else ""


# Connections whose statement never returned. They are kept referenced for the life of the
# process: closing one waits for its stuck statement, and so would its finalizer, on whatever
# thread the garbage collector happened to run it.
_ABANDONED: list[object] = []


def abandon(conn: object) -> None:
    _ABANDONED.append(conn)


class EmbeddedBackend(Backend):
    name = "embedded"

    def __init__(self) -> None:
        self.workdir: Path | None = None
        self.path = ""
        self._anchor: EmbeddedConnection | None = None
        self._generation = 0
        self._left_open = False  # a database of this spec was abandoned: its files stay

    def _open(self) -> None:
        assert self.workdir is not None
        self._generation += 1
        self.path = str(self.workdir / f"db{self._generation}")
        # Keeps the database open between permutations (closing the last connection closes it).
        self._anchor = EmbeddedConnection(self.path)

    def begin_spec(self, spec_name: str) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix=f"orbitdb-iso-{spec_name}-"))
        self._left_open = False
        self._open()

    def connect(self) -> SqlConnection:
        return EmbeddedConnection(self.path)

    def recover(self) -> None:
        # A thread may still be inside this database: leave it open and referenced, use a new one.
        abandon(self._anchor)
        self._anchor = None
        self._left_open = True
        self._open()

    def end_spec(self) -> None:
        if self._anchor is not None:
            self._anchor.close()
            self._anchor = None
        if self.workdir is not None and not self._left_open:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir = None
