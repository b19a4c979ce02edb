"""The three places a spec runs: a PostgreSQL 15 started for the test session, orbitdb over the
wire (`orbitdb serve` as a child process) and orbitdb embedded (orbitdb.connect in this process).

Each spec gets a fresh database: its own database in PostgreSQL, its own data directory for
orbitdb. recover() runs after a hang or a session that would not close: it ends whatever is stuck
(terminates the backends, kills the server) or, where it cannot, leaves it behind and starts
afresh, so nothing stuck reaches the next spec."""

from __future__ import annotations

import atexit
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


# Connections whose statement never returned. They are kept referenced for the life of the
# process: closing one waits for its stuck statement, and so would its finalizer, on whatever
# thread the garbage collector happened to run it.
_ABANDONED: list[object] = []


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

    def abandon(self, conn: SqlConnection) -> None:
        """A connection that could not be closed: kept referenced for good (see _ABANDONED)."""
        _ABANDONED.append(conn)

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


class _SpareServer:
    """One `orbitdb serve` started ahead in a directory of its own, so that a spec does not wait
    the second or so a server takes to start; killed at exit if nobody took it."""

    def __init__(self) -> None:
        self._next: tuple[Path, ServerProcess] | None = None

    def take(self) -> tuple[Path, ServerProcess]:
        ready = self._next or self._launch()
        self._next = self._launch()
        return ready

    def _launch(self) -> tuple[Path, ServerProcess]:
        workdir = Path(tempfile.mkdtemp(prefix="orbitdb-iso-wire-"))
        return workdir, ServerProcess(workdir / "data")

    def close(self) -> None:
        if self._next is not None:
            workdir, server = self._next
            self._next = None
            server.kill()
            shutil.rmtree(workdir, ignore_errors=True)


_SPARE_SERVER = _SpareServer()
atexit.register(_SPARE_SERVER.close)


class WireBackend(Backend):
    name = "wire"

    def __init__(self) -> None:
        self.workdir: Path | None = None
        self.server: ServerProcess | None = None

    def _start(self) -> None:
        self._remove()
        self.workdir, server = _SPARE_SERVER.take()
        self.server = server.wait_ready()

    def _remove(self) -> None:
        if self.server is not None:
            try:
                self.server.stop(signal.SIGTERM, timeout=10)
            except AssertionError:  # a server that does not stop on SIGTERM was killed by stop()
                pass
            self.server = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def begin_spec(self, spec_name: str) -> None:
        self._start()

    def connect(self) -> SqlConnection:
        assert self.server is not None
        return PsycopgConnection(self.server.dsn)

    def recover(self) -> None:
        # Killing the server ends every connection and whatever they were stuck in.
        if self.server is not None:
            self.server.kill()
        self._start()

    def end_spec(self) -> None:
        self._remove()


class EmbeddedBackend(Backend):
    name = "embedded"

    def __init__(self) -> None:
        self.workdir: Path | None = None
        self.path = ""
        self._anchor: EmbeddedConnection | None = None
        self._generation = 0
        self._left_open = False  # a connection of this spec's database was abandoned: its files stay

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

    def abandon(self, conn: SqlConnection) -> None:
        super().abandon(conn)
        self._left_open = True

    def recover(self) -> None:
        if not self._left_open:
            return  # every session ended when cancelled: the database is usable as it is
        # A thread is still inside this database: leave it open and referenced, use a new one.
        if self._anchor is not None:
            _ABANDONED.append(self._anchor)
            self._anchor = None
        self._open()

    def end_spec(self) -> None:
        if self._anchor is not None:
            self._anchor.close()
            self._anchor = None
        if self.workdir is not None and not self._left_open:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir = None
