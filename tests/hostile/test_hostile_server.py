"""The suite's premise: the server it attacks runs under the memory cap and works there."""

from __future__ import annotations

import psutil
from capped_server import MEMORY_CAP
from watch import MiB, Watch, check_alive
from wire_client import Client


def test_server_starts_and_answers_under_the_memory_cap(server):
    limits = psutil.Process(server.proc.pid).rlimit(psutil.RLIMIT_AS)
    assert limits == (MEMORY_CAP, MEMORY_CAP)
    check_alive(server)


def test_watch_sees_an_ordinary_statement_as_harmless(server, watch: Watch):
    """The watch itself: a small statement passes every check (so a failing case is the case's)."""
    client = Client(server.host, server.port)
    watch.start()
    out = client.run("SELECT count(*) FROM generate_series(1, 10000)")
    assert out.first_rows == [("10000",)]
    watch.check(peak_growth=32 * MiB)
    client.close()
