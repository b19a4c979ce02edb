"""Pattern matching that backtracking engines take exponential time on: the answer comes at
PostgreSQL's speed, other sessions keep being answered meanwhile, and a long match over many
rows stops on statement_timeout, cancel, pg_cancel_backend, pg_terminate_backend and SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import pytest
from pg_expectations import PATTERNS
from pgproto import query
from watch import MiB, Watch
from wire_client import Client, Closed

STOP_GRACE = 3.0  # seconds an interrupted statement may take to end (generous: the machine is shared)
# every row a catastrophic match for a backtracking engine, a quick one for a linear engine
SLOW_MATCHES = "SELECT count(*) FROM generate_series(1, 10000000) g WHERE (repeat('a', 40) || g) ~ '(a+)+b'"


LIKE, REGEX = PATTERNS


@pytest.mark.parametrize("sql", [LIKE, REGEX], ids=["like", "regex"])
def test_catastrophic_pattern_is_answered_and_blocks_nobody(server, watch: Watch, sql: str):
    client = Client(server.host, server.port)
    watch.start()
    out = client.run(sql, deadline=10)
    assert out.error is None, out.error
    assert out.first_rows == [("f",)]
    watch.check(peak_growth=64 * MiB)
    client.close()


def test_statement_timeout_stops_pattern_matching(server, watch: Watch):
    client = Client(server.host, server.port)
    assert client.run("SET statement_timeout = '300ms'").error is None
    watch.start()
    out = client.run(SLOW_MATCHES, deadline=0.3 + STOP_GRACE)
    assert out.sqlstate == "57014", out.error
    watch.check(peak_growth=64 * MiB)


def test_cancel_request_stops_pattern_matching(server, watch: Watch):
    client = Client(server.host, server.port)
    watch.start()
    timer = threading.Timer(0.3, client.cancel)
    timer.start()
    out = client.run(SLOW_MATCHES, deadline=0.3 + STOP_GRACE)
    timer.join()
    assert out.sqlstate == "57014", out.error
    watch.check(peak_growth=64 * MiB)


def test_pg_cancel_backend_stops_pattern_matching(server, watch: Watch):
    client = Client(server.host, server.port)
    admin = Client(server.host, server.port)
    watch.start()
    timer = threading.Timer(0.3, lambda: admin.send(query(f"SELECT pg_cancel_backend({client.pid})")))
    timer.start()
    out = client.run(SLOW_MATCHES, deadline=0.3 + STOP_GRACE)
    timer.join()
    assert out.sqlstate == "57014", out.error
    watch.check(peak_growth=64 * MiB)


def test_pg_terminate_backend_stops_pattern_matching(server, watch: Watch):
    client = Client(server.host, server.port)
    admin = Client(server.host, server.port)
    watch.start()
    terminate = f"SELECT pg_terminate_backend({client.pid})"
    timer = threading.Timer(0.3, lambda: admin.send(query(terminate)))
    timer.start()
    with pytest.raises(Closed) as ended:
        client.run(SLOW_MATCHES, deadline=0.3 + STOP_GRACE)
    timer.join()
    assert ended.value.fatal is not None and ended.value.fatal["C"] == "57P01", ended.value.fatal
    watch.check(peak_growth=64 * MiB)


def test_sigterm_stops_a_server_busy_matching(server):
    client = Client(server.host, server.port)
    client.send(query(SLOW_MATCHES))
    time.sleep(0.3)
    server.proc.send_signal(signal.SIGTERM)
    try:
        code = server.proc.wait(STOP_GRACE + 2)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server did not stop within {STOP_GRACE + 2}s of SIGTERM")
    assert code == 0, server.log()[-2000:]
