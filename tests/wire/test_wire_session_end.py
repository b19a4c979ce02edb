"""A session ends the moment its client goes: a client process killed (SIGKILL: no Terminate
message, the socket simply closes) while it holds row, table and advisory locks and temporary
tables, while it waits for a lock, or in the middle of a statement, frees its connection slot,
its locks and its temporary objects; temporary tables are private to their session;
pg_cancel_backend, pg_terminate_backend and the CancelRequest message reach a lock waiter and a
backend's own statement. The signalled scenarios run against orbitdb and a real PostgreSQL 15 and
must end the same way on both. The killed-client ones run on orbitdb only: PostgreSQL 15 notices a
dead client only when it next reads or writes (or every client_connection_check_interval), so its
backend keeps waiting for the lock or sleeping, with the client's locks held; orbitdb's waits and
statements look at the socket and end at once. max_connections is checked with a small limit.

Waits here poll for a state with a generous bound (a client's death is noticed at once, the
bound only keeps a broken build from hanging the run); nothing asserts how long anything took."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psycopg2
import psycopg2.errors
import pytest
from reference_pg import reference_postgres

SETTLE_SECONDS = 30.0  # the bound on waiting for a state the server reaches at once


@dataclass(frozen=True)
class Target:
    kind: str  # "orbitdb" or "postgres"
    dsn: str


@pytest.fixture(scope="module")
def postgres_dsn() -> Iterator[str | None]:
    with reference_postgres() as dsn:
        yield dsn


@pytest.fixture(params=["orbitdb", "postgres"])
def target(request, server, postgres_dsn) -> Target:
    if request.param == "orbitdb":
        return Target("orbitdb", server.dsn)
    if postgres_dsn is None:
        pytest.skip("no PostgreSQL 15 to compare with")
    return Target("postgres", postgres_dsn)


def _connect(dsn: str, autocommit: bool = True):
    conn = psycopg2.connect(dsn)
    conn.autocommit = autocommit
    return conn


def _one(conn, sql: str, params=None):
    cur = conn.cursor()
    cur.execute(sql, params)
    return cur.fetchone()


def _wait_for(what: str, check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + SETTLE_SECONDS
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not so after {SETTLE_SECONDS:.0f} s: {what}")
        time.sleep(0.05)


class ClientProcess:
    """A psycopg2 client in its own process: runs its setup statements, reports its backend pid,
    then runs its last statement (which may block) until it is killed."""

    def __init__(self, dsn: str, setup: list[str], last: str | None) -> None:
        program = (
            "import sys, time, psycopg2\n"
            f"conn = psycopg2.connect({dsn!r})\n"
            "cur = conn.cursor()\n"
            f"for sql in {setup!r}:\n"
            "    cur.execute(sql)\n"
            "cur.execute('SELECT pg_backend_pid()')\n"
            "print(cur.fetchone()[0], flush=True)\n"
            f"last = {last!r}\n"
            "if last is not None:\n"
            "    cur.execute(last)\n"
            "time.sleep(600)\n"
        )
        self.proc = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout is not None else ""
        if not line.strip().isdigit():
            self.kill()
            raise AssertionError(f"client did not start: {line!r}")
        self.pid = int(line)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _backend_listed(conn, pid: int) -> bool:
    return _one(conn, "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))[0] == 1


def _waiting_for_lock(conn, pid: int) -> bool:
    return _one(conn, "SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'",
                (pid,))[0] == 1


def _gone(conn, pid: int) -> Callable[[], bool]:
    return lambda: not _backend_listed(conn, pid) and _one(
        conn, "SELECT count(*) FROM pg_locks WHERE pid = %s", (pid,))[0] == 0


@pytest.fixture
def tables(target: Target) -> Iterator[Callable[..., object]]:
    """held (a row to lock), other (a table to lock), both fresh; yields a connection maker."""
    yield from _fresh_tables(target.dsn)


@pytest.fixture
def orbitdb(server) -> Target:
    return Target("orbitdb", server.dsn)


@pytest.fixture
def orbitdb_tables(orbitdb: Target) -> Iterator[Callable[..., object]]:
    yield from _fresh_tables(orbitdb.dsn)


def _fresh_tables(dsn: str) -> Iterator[Callable[..., object]]:
    opened = []

    def connect(autocommit: bool = True):
        conn = _connect(dsn, autocommit)
        opened.append(conn)
        return conn

    admin = connect()
    cur = admin.cursor()
    cur.execute("DROP TABLE IF EXISTS held, other")
    cur.execute("CREATE TABLE held (id int PRIMARY KEY, v int)")
    cur.execute("CREATE TABLE other (id int)")
    cur.execute("INSERT INTO held VALUES (1, 0)")
    yield connect
    for conn in opened:
        conn.close()


def test_killed_client_frees_its_locks_temp_tables_and_slot(orbitdb, orbitdb_tables):
    target, tables = orbitdb, orbitdb_tables
    observer = tables()
    before = _one(observer, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")[0]
    holder = ClientProcess(target.dsn, [
        "CREATE TEMP TABLE scratch_1501 (x int)",
        "INSERT INTO scratch_1501 VALUES (1)",
        "COMMIT",
        "BEGIN",  # psycopg2 does not know of the COMMIT above: it sends no BEGIN itself
        "UPDATE held SET v = 1 WHERE id = 1",
        "LOCK TABLE other IN ACCESS EXCLUSIVE MODE",
        "SELECT pg_advisory_lock(1501)",
    ], None)
    try:
        waiter = tables(autocommit=False)
        waiter_pid = _one(waiter, "SELECT pg_backend_pid()")[0]
        waited: list[object] = []

        def update() -> None:
            waiter.cursor().execute("UPDATE held SET v = 2 WHERE id = 1")
            waited.append(True)

        thread = threading.Thread(target=update)
        thread.start()
        _wait_for("the session waits for the row lock", lambda: _waiting_for_lock(observer, waiter_pid))
        assert _one(observer, "SELECT pg_try_advisory_lock(1501)") == (False,)
    finally:
        holder.kill()
    thread.join(SETTLE_SECONDS)
    assert waited == [True]  # the row lock went with the killed client
    waiter.commit()
    _wait_for("the killed client's backend and locks are gone", _gone(observer, holder.pid))
    assert _one(observer, "SELECT v FROM held WHERE id = 1") == (2,)  # its update rolled back, the waiter's won
    assert _one(observer, "SELECT pg_try_advisory_lock(1501)") == (True,)
    observer.cursor().execute("SELECT pg_advisory_unlock(1501)")
    locked = tables(autocommit=False)
    locked.cursor().execute("SET lock_timeout = '5s'")
    locked.cursor().execute("LOCK TABLE other IN ACCESS EXCLUSIVE MODE")
    locked.rollback()
    after = _one(observer, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")[0]
    assert after == before + 2  # the waiter and the last connection; the killed client's slot is free


# what the killed client waits for, and what the test's own session holds to make it wait
LOCK_WAITS = {
    "row": ("UPDATE held SET v = 1 WHERE id = 1", "UPDATE held SET v = 9 WHERE id = 1"),
    "table": ("SELECT * FROM other", "ALTER TABLE other ADD COLUMN extra int"),
    "advisory": ("SELECT pg_advisory_lock(1502)", "SELECT pg_advisory_lock(1502)"),
}


@pytest.mark.parametrize("wait", sorted(LOCK_WAITS))
def test_client_killed_in_a_lock_wait_frees_its_slot_and_locks(orbitdb, orbitdb_tables, wait):
    target, tables = orbitdb, orbitdb_tables
    holds, waits_with = LOCK_WAITS[wait]
    holder = tables(autocommit=False)
    holder.cursor().execute(holds)
    waiter = ClientProcess(target.dsn, [
        "SELECT pg_advisory_lock(1503)",
        "LOCK TABLE held IN ROW EXCLUSIVE MODE",
        "INSERT INTO held VALUES (2, 2)",
    ], waits_with)
    observer = tables()
    try:
        _wait_for("the client waits for the lock", lambda: _waiting_for_lock(observer, waiter.pid))
    finally:
        waiter.kill()
    _wait_for("the killed waiter's backend and locks are gone", _gone(observer, waiter.pid))
    assert _one(observer, "SELECT pg_try_advisory_lock(1503)") == (True,)
    observer.cursor().execute("SELECT pg_advisory_unlock(1503)")
    assert _one(observer, "SELECT count(*) FROM held WHERE id = 2") == (0,)  # its insert rolled back
    holder.rollback()
    holder.cursor().execute("SELECT pg_advisory_unlock_all()")
    observer.cursor().execute("SET lock_timeout = '5s'")
    observer.cursor().execute(waits_with)  # what it waited for is free: nobody is left in the queue
    observer.cursor().execute("SELECT pg_advisory_unlock_all()")


def test_client_killed_mid_statement_frees_its_locks(orbitdb, orbitdb_tables):
    target, tables = orbitdb, orbitdb_tables
    worker = ClientProcess(target.dsn, ["UPDATE held SET v = 5 WHERE id = 1"], "SELECT pg_sleep(600)")
    observer = tables()
    try:
        _wait_for("the statement runs", lambda: _one(
            observer, "SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND state = 'active'",
            (worker.pid,))[0] == 1)
    finally:
        worker.kill()
    _wait_for("the killed client's backend and locks are gone", _gone(observer, worker.pid))
    observer.cursor().execute("SET lock_timeout = '5s'")
    observer.cursor().execute("UPDATE held SET v = 6 WHERE id = 1")
    assert _one(observer, "SELECT v FROM held WHERE id = 1") == (6,)


def test_temporary_tables_are_private_to_their_session(target):
    first, second, third = (_connect(target.dsn) for _ in range(3))
    try:
        first.cursor().execute("CREATE TEMP TABLE mine (a int)")
        first.cursor().execute("INSERT INTO mine VALUES (1), (2)")
        second.cursor().execute("CREATE TEMP TABLE mine (b text)")
        second.cursor().execute("INSERT INTO mine VALUES ('x')")
        assert _one(first, "SELECT count(*), sum(a) FROM mine") == (2, 3)
        assert _one(second, "SELECT count(*), min(b) FROM mine") == (1, "x")
        with pytest.raises(psycopg2.errors.UndefinedTable):
            third.cursor().execute("SELECT * FROM mine")
        own = "SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()"
        first_schema, second_schema = _one(first, own)[0], _one(second, own)[0]
        assert first_schema != second_schema and first_schema.startswith("pg_temp_")  # each its own pg_temp_N
    finally:
        for conn in (first, second, third):
            conn.close()


def _error_of(conn, sql: str) -> tuple[str | None, str]:
    with pytest.raises(psycopg2.Error) as raised:
        conn.cursor().execute(sql)
    return raised.value.pgcode, str(raised.value).splitlines()[0]


def test_cancelling_ones_own_backend_cancels_the_statement(target):
    conn = _connect(target.dsn)
    try:
        assert _error_of(conn, "SELECT pg_cancel_backend(pg_backend_pid())") == (
            "57014", "canceling statement due to user request")
        assert _one(conn, "SELECT 1") == (1,)  # the session goes on
    finally:
        conn.close()


def test_terminating_ones_own_backend_ends_the_connection(target):
    conn = _connect(target.dsn)
    observer = _connect(target.dsn)
    try:
        pid = _one(conn, "SELECT pg_backend_pid()")[0]
        with pytest.raises(psycopg2.OperationalError):  # psycopg2 says "server closed the connection"
            conn.cursor().execute("SELECT pg_terminate_backend(pg_backend_pid())")
        assert conn.closed
        _wait_for("the terminated backend is gone", _gone(observer, pid))
    finally:
        conn.close()
        observer.close()


@pytest.mark.parametrize("how", ["pg_cancel_backend", "cancel_request"])
def test_cancel_reaches_a_lock_waiter(target, tables, how):
    holder = tables(autocommit=False)
    holder.cursor().execute("UPDATE held SET v = 1 WHERE id = 1")
    waiter = tables(autocommit=False)
    observer = tables()
    pid = _one(waiter, "SELECT pg_backend_pid()")[0]
    outcome: list[tuple[str | None, str]] = []

    def wait() -> None:
        outcome.append(_error_of(waiter, "UPDATE held SET v = 2 WHERE id = 1"))

    thread = threading.Thread(target=wait)
    thread.start()
    _wait_for("the session waits for the row lock", lambda: _waiting_for_lock(observer, pid))
    if how == "pg_cancel_backend":
        assert _one(observer, "SELECT pg_cancel_backend(%s)", (pid,)) == (True,)
    else:
        waiter.cancel()
    thread.join(SETTLE_SECONDS)
    assert outcome == [("57014", "canceling statement due to user request")]
    assert _error_of(waiter, "SELECT 1")[0] == "25P02"  # its transaction is aborted, the connection lives
    waiter.rollback()
    holder.commit()
    assert _one(waiter, "SELECT v FROM held WHERE id = 1") == (1,)


def test_terminating_a_lock_waiter_frees_its_locks(target, tables):
    holder = tables(autocommit=False)
    holder.cursor().execute("UPDATE held SET v = 1 WHERE id = 1")
    waiter = tables(autocommit=False)
    observer = tables()
    pid = _one(waiter, "SELECT pg_backend_pid()")[0]
    waiter.cursor().execute("SELECT pg_advisory_lock(1504)")
    outcome: list[object] = []

    def wait() -> None:
        try:
            waiter.cursor().execute("UPDATE held SET v = 2 WHERE id = 1")
        except psycopg2.OperationalError:
            outcome.append(bool(waiter.closed))

    thread = threading.Thread(target=wait)
    thread.start()
    _wait_for("the session waits for the row lock", lambda: _waiting_for_lock(observer, pid))
    assert _one(observer, "SELECT pg_terminate_backend(%s)", (pid,)) == (True,)
    thread.join(SETTLE_SECONDS)
    assert outcome == [True]  # the connection ended (FATAL 57P01, which psycopg2 reports as closed)
    _wait_for("the terminated backend and its locks are gone", _gone(observer, pid))
    assert _one(observer, "SELECT pg_try_advisory_lock(1504)") == (True,)
    observer.cursor().execute("SELECT pg_advisory_unlock(1504)")
    holder.commit()


def test_client_min_messages_and_the_debug_messages_of_create_table(target):
    conn = _connect(target.dsn)
    try:
        cur = conn.cursor()
        cur.execute("SET client_min_messages = warning")
        cur.execute("DROP TABLE IF EXISTS no_such_table_1505")
        assert conn.notices == []  # a NOTICE is below warning: not sent
        cur.execute("SET client_min_messages = debug1")
        cur.execute("CREATE TEMP TABLE chatty_1505 (id serial PRIMARY KEY)")
        implicit = [n for n in conn.notices if "will create implicit" in n]
        assert implicit == [
            ('DEBUG:  CREATE TABLE will create implicit sequence "chatty_1505_id_seq" for serial column '
             '"chatty_1505.id"\n'),
            ('DEBUG:  CREATE TABLE / PRIMARY KEY will create implicit index "chatty_1505_pkey" for table '
             '"chatty_1505"\n'),
        ]
    finally:
        conn.close()


def test_slots_come_back_when_clients_are_killed(start_server, tmp_path):
    config = tmp_path / "three.toml"
    config.write_text("[protocols]\npostgres_max_connections = 3\n")
    server = start_server(["--config", str(config)])
    admin = _connect(server.dsn)
    admin.cursor().execute("CREATE TABLE held (id int PRIMARY KEY, v int)")
    admin.cursor().execute("INSERT INTO held VALUES (1, 0)")
    assert _one(admin, "SHOW max_connections") == ("3",)
    assert _one(admin, "SELECT setting FROM pg_settings WHERE name = 'max_connections'") == ("3",)
    holder = _connect(server.dsn, autocommit=False)
    holder.cursor().execute("UPDATE held SET v = 1 WHERE id = 1")
    for _ in range(3):  # each round fills the last slot with a client that dies waiting for the lock
        waiter = ClientProcess(server.dsn, [], "UPDATE held SET v = 2 WHERE id = 1")
        try:
            _wait_for("the client waits for the lock", lambda pid=waiter.pid: _waiting_for_lock(admin, pid))
            with pytest.raises(psycopg2.OperationalError, match="too many clients"):
                _connect(server.dsn)
        finally:
            waiter.kill()
        _wait_for("the killed client's slot is free", _gone(admin, waiter.pid))
    holder.rollback()
    last = _connect(server.dsn)
    assert _one(last, "SELECT count(*) FROM pg_stat_activity") == (3,)
    for conn in (last, holder, admin):
        conn.close()
