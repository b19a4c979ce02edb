"""Every statement can be interrupted, over a real socket: statement_timeout and cancel requests
(57014), pg_cancel_backend, pg_terminate_backend (57P01), a client that goes away, SIGTERM of a
busy server; another session keeps being answered while one runs heavy work; and the idle
timeouts end sessions with PostgreSQL 15's FATAL errors (compared with a real PostgreSQL 15).

The time bounds only show that an interrupt happened: each statement here would otherwise run for
minutes (or, for the canary, hold every other session for that long)."""

from __future__ import annotations

import re
import signal
import socket
import struct
import threading
import time
from collections.abc import Iterator

import psycopg2
import psycopg2.errors
import pytest
from pgproto import RawClient, error_fields, query
from reference_pg import reference_postgres

pytestmark = pytest.mark.needs_sql

# statements that run for minutes (or for ever) unless interrupted
ENDLESS = {
    "series": "SELECT count(*) FROM generate_series(1, 10000000000)",
    "cross_join": "SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b",
    "recursive_cte": "WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t",
    "backreference_regex": "SELECT repeat('a', 60) ~ '(a*)*\\1b'",
    "string_agg": "SELECT length(string_agg(g::text, ',')) FROM generate_series(1, 1000000000) g",
    "srf_in_select_list": "SELECT count(*) FROM (SELECT generate_series(1, 10000000000)) s",
    "array_subquery": "SELECT cardinality(array(SELECT generate_series(1, 10000000000)))",
    "create_table_as": "CREATE TABLE interrupted_ctas AS SELECT g FROM generate_series(1, 10000000000) g",
    "lateral": "SELECT count(*) FROM generate_series(1, 100000) a, LATERAL (SELECT a.a + b FROM generate_series(1, 100000) b) s",
}
# work that is mostly one sort, window or hash join: minutes on a slow machine at these sizes
HEAVY = {
    "multi_key_sort": "SELECT count(*) FROM (SELECT g FROM generate_series(1, 3000000) g ORDER BY g % 7, g DESC) s",
    "window": "SELECT count(*) FROM (SELECT row_number() OVER (ORDER BY g % 5, g) FROM generate_series(1, 3000000) g) s",
    "hash_join": "SELECT count(*) FROM generate_series(1, 3000000) a JOIN generate_series(1, 3000000) b ON a = b",
}


def _connect(server, autocommit: bool = True):
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = autocommit
    return conn


def _pid(conn) -> int:
    cur = conn.cursor()
    cur.execute("SELECT pg_backend_pid()")
    return cur.fetchone()[0]


def _run_expecting(conn, sql: str, error: type[Exception]) -> tuple[Exception, float]:
    started = time.monotonic()
    with pytest.raises(error) as raised:
        conn.cursor().execute(sql)
    return raised.value, time.monotonic() - started


@pytest.mark.parametrize("name", sorted(ENDLESS))
def test_statement_timeout_ends_an_endless_statement(server, name):
    conn = _connect(server)
    conn.cursor().execute("SET statement_timeout = '100ms'")
    exc, elapsed = _run_expecting(conn, ENDLESS[name], psycopg2.errors.QueryCanceled)
    assert exc.pgcode == "57014"
    assert "statement timeout" in str(exc)
    assert elapsed < 5
    cur = conn.cursor()
    cur.execute("SELECT 1")
    assert cur.fetchone() == (1,)
    conn.close()


@pytest.mark.parametrize("name", sorted(HEAVY))
def test_statement_timeout_ends_sorts_windows_and_joins(server, name):
    conn = _connect(server)
    conn.cursor().execute("SET statement_timeout = '1500ms'")
    exc, elapsed = _run_expecting(conn, HEAVY[name], psycopg2.errors.QueryCanceled)
    assert exc.pgcode == "57014"
    assert elapsed < 8
    conn.close()


def test_pathological_like_and_regex_answer_at_once(server):
    conn = _connect(server)
    cur = conn.cursor()
    cur.execute("SET statement_timeout = '20s'")
    started = time.monotonic()
    cur.execute(
        "SELECT repeat('a', 200) LIKE '%a%a%a%a%a%b', repeat('a', 100000) ~ '(a+)+b', "
        "repeat('a', 100000) ~ '(a|aa)+$', repeat('ab', 100000) LIKE '%a_a_a_a_c%'"
    )
    assert cur.fetchone() == (False, False, True, False)
    assert time.monotonic() - started < 10  # a backtracking matcher: days
    conn.close()


def test_cancel_request_interrupts_a_sort(server):
    conn = _connect(server)
    timer = threading.Timer(1.0, conn.cancel)
    timer.start()
    exc, elapsed = _run_expecting(conn, HEAVY["multi_key_sort"], psycopg2.errors.QueryCanceled)
    timer.join()
    assert exc.pgcode == "57014"
    assert "user request" in str(exc)
    assert elapsed < 8
    conn.close()


def test_pg_cancel_backend_interrupts_a_backtracking_regex(server):
    victim = _connect(server)
    pid = _pid(victim)
    other = _connect(server)

    def cancel() -> None:
        other.cursor().execute("SELECT pg_cancel_backend(%s)", (pid,))

    timer = threading.Timer(0.5, cancel)
    timer.start()
    exc, elapsed = _run_expecting(victim, ENDLESS["backreference_regex"], psycopg2.errors.QueryCanceled)
    timer.join()
    assert exc.pgcode == "57014"
    assert elapsed < 5  # the match's own budget is 10 s
    cur = victim.cursor()
    cur.execute("SELECT 'aab' ~ '(a)\\1b'")
    assert cur.fetchone() == (True,)
    victim.close()
    other.close()


def _running(server, sql: str) -> tuple[RawClient, int]:
    """A raw client that has sent sql (its answer unread), and its backend's pid."""
    client = RawClient(server.host, server.port, timeout=20)
    messages = client.startup({"user": "orbit", "database": "actors"})
    pid = struct.unpack("!iI", next(body for kind, body in messages if kind == "K"))[0]
    client.send(query(sql))
    return client, pid


def _fatal(client: RawClient) -> dict[str, str]:
    """The FATAL error a client is sent before its connection ends."""
    while True:
        kind, body = client.read()
        if kind == "E":
            fields = error_fields(body)
            assert client.closed()
            return fields


def test_pg_terminate_backend_ends_a_running_statement(server):
    victim = _connect(server)
    pid = _pid(victim)
    other = _connect(server)
    timer = threading.Timer(0.5, lambda: other.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,)))
    timer.start()
    _, elapsed = _run_expecting(victim, ENDLESS["cross_join"], psycopg2.OperationalError)
    timer.join()
    assert elapsed < 5
    assert victim.closed  # psycopg2 says "server closed the connection unexpectedly", as with PostgreSQL

    raw, raw_pid = _running(server, ENDLESS["recursive_cte"])
    time.sleep(0.3)
    other.cursor().execute("SELECT pg_terminate_backend(%s)", (raw_pid,))
    fields = _fatal(raw)
    assert (fields["S"], fields["C"], fields["M"]) == (
        "FATAL", "57P01", "terminating connection due to administrator command")
    other.close()


def _active_backends(conn, marker: str) -> int:
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE %s "
                "AND pid <> pg_backend_pid()", (f"%{marker}%",))
    return cur.fetchone()[0]


def test_client_disconnect_stops_its_statement(server):
    observer = _connect(server)
    client = RawClient(server.host, server.port)
    client.startup({"user": "orbit", "database": "actors"})
    marker = "disconnect_marker_7731"
    client.send(query(f"SELECT count(*) AS {marker} FROM generate_series(1, 10000000000)"))
    deadline = time.monotonic() + 10
    while _active_backends(observer, marker) == 0:
        assert time.monotonic() < deadline, "the statement never showed as active"
        time.sleep(0.05)
    client.sock.shutdown(socket.SHUT_RDWR)
    client.close()
    gone_by = time.monotonic() + 5
    while _active_backends(observer, marker):
        assert time.monotonic() < gone_by, "the statement went on after its client left"
        time.sleep(0.05)
    observer.close()


@pytest.mark.parametrize("work", [
    ENDLESS["backreference_regex"],
    "SELECT regexp_count(repeat('ab', 20000000), 'b(?:a|$)'), regexp_count(repeat('ab', 20000000), '(a)(b)')",
    HEAVY["multi_key_sort"],
    "SELECT count(*) FROM (SELECT g FROM generate_series(1, 3000000) g ORDER BY g DESC) s",
    ENDLESS["cross_join"],
])
def test_a_canary_session_is_served_while_another_works(server, work):
    """One session's heavy work never holds the others: SELECT 1 keeps answering."""
    busy = _connect(server)
    busy_pid = _pid(busy)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            busy.cursor().execute(work)
        except psycopg2.Error:
            pass
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            failure.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    canary = _connect(server)
    cur = canary.cursor()
    time.sleep(0.3)
    slowest = 0.0
    for _ in range(15):
        started = time.monotonic()
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)
        slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.05)
    cur.execute("SELECT pg_cancel_backend(%s)", (busy_pid,))
    worker.join(20)
    assert not worker.is_alive(), "the busy statement did not stop after pg_cancel_backend"
    assert not failure
    assert slowest < 2.0, f"the canary waited {slowest:.2f} s"
    busy.close()
    canary.close()


def test_sigterm_stops_a_busy_server_promptly(start_server, tmp_path):
    srv = start_server(data_dir=tmp_path / "busy")
    busy = [_connect(srv) for _ in range(3)]
    errors: list[BaseException] = []
    workers = []
    for conn, sql in zip(busy, (ENDLESS["cross_join"], ENDLESS["backreference_regex"], HEAVY["multi_key_sort"])):
        def run(conn=conn, sql=sql) -> None:
            try:
                conn.cursor().execute(sql)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        worker = threading.Thread(target=run)
        worker.start()
        workers.append(worker)
    idle = _connect(srv)
    idle.cursor().execute("BEGIN")
    raw, _ = _running(srv, ENDLESS["series"])
    time.sleep(0.8)
    started = time.monotonic()
    assert srv.stop(signal.SIGTERM, timeout=30) == 0
    assert time.monotonic() - started < 10  # every statement stopped, not waited for
    for worker in workers:
        worker.join(10)
    assert len(errors) == 3
    assert all(isinstance(e, psycopg2.OperationalError) for e in errors)
    fields = _fatal(raw)
    assert (fields["S"], fields["C"], fields["M"]) == (
        "FATAL", "57P01", "terminating connection due to administrator command")


# ---- idle timeouts -------------------------------------------------------------------------

def _fatal_after_idle(host: str, port: int, params: dict[str, str], before: list[str]) -> tuple[dict[str, str], float]:
    client = RawClient(host, port, timeout=20)
    client.startup(params)
    for sql in before:
        client.send(query(sql))
        client.read_until("Z")
    started = time.monotonic()
    kind, body = client.read()
    waited = time.monotonic() - started
    assert kind == "E"
    assert client.closed()
    client.close()
    fields = error_fields(body)
    return {k: fields[k] for k in "SVCM"}, waited


IDLE_CASES = {
    "idle_session": ("-c idle_session_timeout=300", [], ("57P05", "terminating connection due to idle-session timeout")),
    "idle_in_transaction": ("-c idle_in_transaction_session_timeout=300", ["BEGIN"],
                            ("25P03", "terminating connection due to idle-in-transaction timeout")),
    "idle_in_failed_transaction": ("-c idle_in_transaction_session_timeout=300", ["BEGIN", "SELECT 1/0"],
                                   ("25P03", "terminating connection due to idle-in-transaction timeout")),
    "set_in_session": ("", ["SET idle_session_timeout = '250ms'"],
                       ("57P05", "terminating connection due to idle-session timeout")),
}


@pytest.fixture(scope="module")
def postgres_address() -> Iterator[tuple[str, int] | None]:
    with reference_postgres() as dsn:
        if dsn is None:
            yield None
            return
        parts = dict(item.split("=", 1) for item in dsn.split())
        yield parts["host"], int(parts["port"])


@pytest.mark.parametrize("case", sorted(IDLE_CASES))
def test_idle_timeouts_end_the_session_as_postgresql_does(server, postgres_address, case):
    options, before, (code, message) = IDLE_CASES[case]
    params = {"user": "orbit", "database": "actors"}
    if options:
        params["options"] = options
    fields, waited = _fatal_after_idle(server.host, server.port, params, before)
    assert fields == {"S": "FATAL", "V": "FATAL", "C": code, "M": message}
    assert waited < 10
    if postgres_address is not None:
        pg_params = dict(params, user="postgres", database="postgres")
        expected, _ = _fatal_after_idle(*postgres_address, pg_params, before)
        assert fields == expected


def test_idle_timeouts_leave_active_sessions_alone(server):
    conn = _connect(server, autocommit=False)
    cur = conn.cursor()
    cur.execute("SET idle_in_transaction_session_timeout = '400ms'")
    conn.commit()
    cur.execute("SELECT count(*) FROM generate_series(1, 2000000)")  # longer than the timeout: not idle
    assert cur.fetchone() == (2000000,)
    for _ in range(4):  # each pause is shorter than the timeout
        time.sleep(0.15)
        cur.execute("SELECT 1")
        cur.fetchone()
    conn.commit()
    time.sleep(0.6)  # outside a transaction this timeout does not apply
    cur.execute("SELECT 2")
    assert cur.fetchone() == (2,)
    time.sleep(0.6)  # SELECT 2 opened a transaction (psycopg2's BEGIN) that sat idle since
    with pytest.raises(psycopg2.OperationalError) as raised:
        cur.execute("SELECT 3")
    assert re.search("idle-in-transaction timeout|server closed the connection", str(raised.value))
    conn.close()
