"""Malformed and hostile protocol input from many connections at once: every connection gets an
answer or is closed, the server stays up, other sessions are unaffected, and memory stays bounded.
(Random and mutated messages are test_protocol_fuzz.py's.)"""

from __future__ import annotations

import socket
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
from pgproto import msg, parse, query, startup_packet
from wire_support import rss_bytes

SYNC = msg(b"S")


def _raw_startup(params: bytes) -> bytes:
    body = struct.pack("!i", 3 << 16) + params
    return struct.pack("!i", len(body) + 4) + body


def _hostile_cases() -> list[tuple[str, bytes, bytes]]:
    """(name, startup bytes, bytes after a successful startup)."""
    ok = startup_packet()
    cases = [
        ("garbage startup", b"\x00\x01\x02\x03garbage" * 3, b""),
        ("startup length too small", struct.pack("!i", 4), b""),
        ("startup length huge", struct.pack("!ii", 0x7FFFFFFF, 3 << 16) + b"user\x00", b""),
        ("startup length negative", struct.pack("!ii", -5, 3 << 16), b""),
        ("startup truncated", ok[: len(ok) // 2], b""),
        ("startup bad utf8", _raw_startup(b"user\x00orbit\x00application_name\x00\xff\xfe\x00\x00"), b""),
        ("startup without terminator", struct.pack("!ii", 16, 3 << 16) + b"user\x00orbi", b""),
        ("http request", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b""),
        ("tls hello without ssl request", bytes.fromhex("160301002a0100002603") + b"\x00" * 40, b""),
        ("message length below 4", ok, b"Q" + struct.pack("!i", 3)),
        ("message length huge", ok, b"Q" + struct.pack("!i", 0x7FFFFFFF) + b"select 1"),
        ("small message with large length", ok, b"S" + struct.pack("!i", 50_000)),
        ("unknown type", ok, msg(b"\x01", b"whatever")),
        ("truncated query", ok, b"Q" + struct.pack("!i", 100) + b"select"),
        ("query without terminator", ok, msg(b"Q", b"select 1")),
        ("bad utf8 query", ok, msg(b"Q", b"select '\xc3\x28'\x00")),
        (
            "bind negative counts",
            ok,
            parse("select 1") + msg(b"B", b"\x00\x00" + struct.pack("!h", -3)) + SYNC,
        ),
        (
            "bind huge param count",
            ok,
            parse("select 1") + msg(b"B", b"\x00\x00\x00\x00" + struct.pack("!h", 32767)) + SYNC,
        ),
        (
            "bind param length past end",
            ok,
            parse("select $1::text")
            + msg(b"B", b"\x00\x00\x00\x00\x00\x01" + struct.pack("!i", 1000) + b"abc")
            + SYNC,
        ),
        (
            "bind bad format code",
            ok,
            parse("select 1") + msg(b"B", b"\x00\x00\x00\x01\x00\x07\x00\x00\x00\x00") + SYNC,
        ),
        ("parse missing strings", ok, msg(b"P", b"") + SYNC),
        ("parse negative type count", ok, msg(b"P", b"\x00select 1\x00" + struct.pack("!h", -1)) + SYNC),
        ("describe bad kind", ok, msg(b"D", b"Zname\x00") + SYNC),
        ("execute short", ok, msg(b"E", b"\x00\x00") + SYNC),
        ("close trailing bytes", ok, msg(b"C", b"Sname\x00extra") + SYNC),
        ("copy fail outside copy", ok, msg(b"f", b"x\x00") + query("select 1")),
        ("terminate with body", ok, msg(b"X", b"junk")),
        ("password message after startup", ok, msg(b"p", b"secret\x00")),
        ("interleaved ssl request", ok, struct.pack("!ii", 8, 80877103)),
    ]
    return cases


def _run_case(host: str, port: int, startup: bytes, payload: bytes) -> str:
    """Sends the bytes; returns how the server ended it: 'closed' or 'open' (answered, still up)."""
    with socket.create_connection((host, port), timeout=10) as sock:
        try:
            sock.sendall(startup)
            if payload:
                time.sleep(0.02)
                sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)  # we send no more: the server must answer and close
        except (BrokenPipeError, ConnectionResetError):
            return "closed"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                return "closed"
            except TimeoutError:
                return "open"
            if not chunk:
                return "closed"
    return "open"


def _fuzz(server, cases, workers: int) -> None:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(_run_case, server.host, server.port, s, p) for name, s, p in cases}
        outcomes = {name: f.result(timeout=60) for name, f in futures.items()}
    # with our side shut down, every connection must end (no hang waiting for more bytes)
    assert all(outcome == "closed" for outcome in outcomes.values()), outcomes
    assert server.proc.poll() is None, "the server died:\n" + server.log()


def _check_healthy(server) -> None:
    conn = psycopg2.connect(server.dsn)
    cur = conn.cursor()
    cur.execute("select %s", (41,))
    assert cur.fetchone() == (41,)
    conn.close()
    assert "Traceback" not in server.log()


@pytest.fixture(autouse=True)
def fuzz_rows(server):
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = True
    values = ", ".join(f"({i})" for i in range(2000))
    conn.cursor().execute(f"CREATE TABLE fuzz_rows (n INTEGER); INSERT INTO fuzz_rows VALUES {values}")
    conn.close()


def test_hostile_input_from_many_connections(server):
    # a session that stays open through the storm must be unaffected
    bystander = psycopg2.connect(server.dsn)
    bystander.autocommit = True
    rss_before = rss_bytes(server.proc.pid)
    _fuzz(server, _hostile_cases() * 4, workers=24)
    cur = bystander.cursor()
    cur.execute("select 1")
    assert cur.fetchone() == (1,)
    bystander.close()
    _check_healthy(server)
    growth = rss_bytes(server.proc.pid) - rss_before
    assert growth < 64 << 20, f"server RSS grew by {growth >> 20} MiB"


def test_announced_huge_message_costs_only_what_is_sent(server):
    """A client announcing a 1 GiB query and sending a few MiB must not make the server reserve
    the announced size."""
    rss_before = rss_bytes(server.proc.pid)
    socks = []
    for _ in range(20):
        sock = socket.create_connection((server.host, server.port), timeout=10)
        sock.sendall(startup_packet())
        socks.append(sock)
    for sock in socks:
        sock.sendall(b"Q" + struct.pack("!i", (1 << 30) - 1) + b"select " + b" " * (256 << 10))
    time.sleep(0.5)
    growth = rss_bytes(server.proc.pid) - rss_before
    for sock in socks:
        sock.close()
    assert growth < 100 << 20, f"server RSS grew by {growth >> 20} MiB for 5 MiB sent"
    _check_healthy(server)


def test_idle_connections_in_startup_time_out_not_forever(server):
    # half-open connections (no startup packet) are held only until the startup timeout; here we
    # only check they do not block others
    idle = [socket.create_connection((server.host, server.port), timeout=5) for _ in range(30)]
    _check_healthy(server)
    for sock in idle:
        sock.close()


def test_server_survives_parallel_disconnects(server):
    # connections that vanish mid-query (client killed) must not leave the server stuck
    def connect_and_drop():
        sock = socket.create_connection((server.host, server.port), timeout=10)
        sock.sendall(startup_packet() + query("select * from fuzz_rows"))
        sock.close()

    threads = [threading.Thread(target=connect_and_drop) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _check_healthy(server)
