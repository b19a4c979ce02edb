"""Cancel requests, concurrency, and stopping the server with SIGTERM / SIGINT."""

from __future__ import annotations

import signal
import socket
import threading
import time

import psycopg2
import pytest
from pgproto import RawClient, error_fields, query
from wire_support import needs_psycopg3, psycopg


def _connect(server, autocommit: bool = True):
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = autocommit
    return conn


def _one(conn, sql: str, params=None):
    cur = conn.cursor()
    cur.execute(sql, params)
    return cur.fetchone()


def test_cancel_request_cancels_a_long_query(server):
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = True
    cur = conn.cursor()
    timer = threading.Timer(0.5, conn.cancel)
    timer.start()
    started = time.monotonic()
    with pytest.raises(psycopg2.errors.QueryCanceled):
        cur.execute("SELECT pg_sleep(20)")
    assert time.monotonic() - started < 10
    cur.execute("SELECT 1")
    assert cur.fetchone() == (1,)
    conn.close()


@needs_psycopg3
def test_cancel_with_psycopg3(server):
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        threading.Timer(0.5, conn.cancel_safe).start()
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("SELECT pg_sleep(20)")
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_cancel_with_wrong_key_is_ignored(server):
    import struct

    client = RawClient(server.host, server.port)
    messages = client.startup()
    pid, secret = struct.unpack("!iI", next(body for kind, body in messages if kind == "K"))
    other = RawClient(server.host, server.port)
    other.send(struct.pack("!iiiI", 16, 80877102, pid, secret ^ 1))
    assert other.closed()
    client.send(query("SELECT pg_sleep(0.3)"))
    assert client.read_until("Z")[-1] == ("Z", b"I")  # ran to completion
    client.close()


def test_slow_query_does_not_stall_others(server):
    slow = _connect(server)
    outcome: list[object] = []

    def run_slow():
        try:
            slow.cursor().execute("SELECT pg_sleep(3)")
            outcome.append("done")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome.append(exc)

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    fast = _connect(server)
    for _ in range(20):
        assert _one(fast, "SELECT 1") == (1,)
    fast.close()
    assert time.monotonic() - started < 2.0 and not outcome
    thread.join()
    assert outcome == ["done"]
    slow.close()


def test_many_concurrent_clients(server):
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            conn = _connect(server)
            for i in range(20):
                assert _one(conn, "SELECT %s", (n * 100 + i,)) == (n * 100 + i,)
            conn.close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_cleanly_with_open_sessions(start_server, sig):
    server = start_server()
    idle = _connect(server)
    in_tx = _connect(server, autocommit=False)
    in_tx.cursor().execute("SELECT 1")  # psycopg2 opened a transaction (BEGIN)
    busy = _connect(server)
    outcome: list[BaseException] = []

    def run_busy():
        try:
            busy.cursor().execute("SELECT pg_sleep(30)")
        except BaseException as exc:  # noqa: BLE001
            outcome.append(exc)

    thread = threading.Thread(target=run_busy)
    thread.start()
    raw = RawClient(server.host, server.port)  # a running statement seen byte by byte
    raw.startup()
    raw.send(query("SELECT pg_sleep(30)"))
    time.sleep(0.5)
    started = time.monotonic()
    assert server.stop(sig) == 0, server.log()
    assert time.monotonic() - started < 15
    thread.join(10)
    # psycopg2 words it "server closed the connection unexpectedly", as with PostgreSQL itself
    assert outcome and isinstance(outcome[0], psycopg2.OperationalError)
    kind, body = raw.read()
    if kind == "T":  # RowDescription: PostgreSQL sends it when the statement starts running
        kind, body = raw.read()
    fields = error_fields(body)
    assert (kind, fields["S"], fields["C"]) == ("E", "FATAL", "57P01")
    assert fields["M"] == "terminating connection due to administrator command"
    with pytest.raises(psycopg2.OperationalError):
        idle.cursor().execute("SELECT 1")
    log = server.log()
    assert "shutting down" in log
    for conn in (idle, busy):
        conn.close()
    in_tx.close()


def test_fatal_for_idle_client_on_shutdown(start_server):
    server = start_server()
    client = RawClient(server.host, server.port)
    client.startup()
    server.proc.send_signal(signal.SIGTERM)
    kind, body = client.read()
    fields = error_fields(body)
    assert (kind, fields["S"], fields["C"]) == ("E", "FATAL", "57P01")
    assert server.proc.wait(15) == 0


def test_port_in_use_exits_1(start_server, tmp_path):
    first = start_server()
    from wire_support import ServerProcess

    second = ServerProcess(tmp_path / "other", ["--port", str(first.port)])
    assert second.proc.wait(30) == 1
    assert "could not bind" in second.log()


def test_too_many_connections(start_server, tmp_path):
    config = tmp_path / "small.toml"
    config.write_text("[protocols]\npostgres_max_connections = 2\n")
    server = start_server(["--config", str(config)])
    a = _connect(server)
    b = _connect(server)
    with pytest.raises(psycopg2.OperationalError, match="too many clients"):
        _connect(server)
    a.close()
    b.close()
    time.sleep(0.3)
    c = _connect(server)
    assert _one(c, "SELECT 1") == (1,)
    c.close()


def test_shutdown_with_a_client_that_does_not_read(start_server):
    server = start_server()
    conn = _connect(server)
    values = ", ".join(f"({i}, '{'x' * 200}')" for i in range(2000))
    conn.cursor().execute(f"CREATE TABLE wide (id INTEGER, pad TEXT); INSERT INTO wide VALUES {values}")
    conn.close()
    client = RawClient(server.host, server.port)
    client.startup()
    client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    for _ in range(20):  # about 8 MB of rows the client never reads: the server blocks sending
        client.send(query("SELECT * FROM wide"))
    time.sleep(1.0)
    started = time.monotonic()
    assert server.stop() == 0, server.log()
    assert time.monotonic() - started < 20
    client.close()
