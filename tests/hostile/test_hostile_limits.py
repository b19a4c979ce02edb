"""PostgreSQL's limits and error codes on hostile values: NUL in text, huge string functions, deep
arrays, numbers out of range, long identifiers. Each answer is PostgreSQL's (pg_expectations.py,
checked against PostgreSQL 15 by test_pg_expectations.py), no message shows Python internals, and
the server stays small and responsive."""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator

import pytest
from capped_server import SharedServer
from pg_expectations import LIMITS, PYTHON_INTERNALS
from pgproto import bind, describe, execute, parse
from watch import MiB, Watch
from wire_client import Client
from wire_support import ServerProcess

SYNC = b"S\x00\x00\x00\x04"
PEAK_GROWTH = 64 * MiB  # none of these statements needs more than a few MiB


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Iterator[SharedServer]:
    keeper = SharedServer(tmp_path_factory.mktemp("limits"))
    yield keeper
    keeper.close()


@pytest.fixture
def server(shared: SharedServer) -> ServerProcess:
    """These cases are cheap: they share a server while it stays healthy."""
    return shared.healthy()


def python_internals(message: str) -> list[str]:
    return [word for word in PYTHON_INTERNALS if word in message]


@pytest.mark.parametrize("sql", list(LIMITS), ids=lambda sql: sql[:40])
def test_limit_answers_as_postgres(server, watch: Watch, sql: str):
    client = Client(server.host, server.port)
    watch.start()
    out = client.run(sql, deadline=10)
    assert python_internals(out.message) == [], out.error
    assert out.sqlstate == LIMITS[sql], out.error
    watch.check(peak_growth=PEAK_GROWTH)
    client.close()


def test_nul_in_a_text_parameter_is_22021(server):
    """A NUL reaching text through Bind, not only through a literal."""
    client = Client(server.host, server.port)
    client.send(
        parse("SELECT $1::text", oids=(25,)) + bind(params=(b"a\x00b",)) + describe("P") + execute() + SYNC
    )
    out = client.collect(time.monotonic())
    assert out.sqlstate == "22021", out


def test_nul_in_copy_text_is_22021(server):
    client = Client(server.host, server.port)
    assert client.run("CREATE TABLE nul_target (t text)").error is None
    out = client.run("COPY nul_target FROM STDIN", copy_data=[b"a\x00b\n"])
    assert out.sqlstate == "22021", out
    assert client.run("SELECT count(*) FROM nul_target").first_rows == [("0",)]


def test_identifier_of_70_bytes_is_cut_to_63_with_a_notice(server):
    client = Client(server.host, server.port)
    out = client.run("CREATE TABLE " + "t" * 70 + " (x int)")
    assert out.error is None, out.error
    assert [n["C"] for n in out.notices] == ["42622"], out.notices
    out = client.run("SELECT relname FROM pg_class WHERE relname LIKE 'ttt%'")
    assert out.first_rows == [("t" * 63,)]
    out = client.run("SELECT 1 AS " + "a" * 70)
    assert out.columns == ["a" * 63]
    assert [n["C"] for n in out.notices] == ["42622"], out.notices


def test_multibyte_identifier_is_cut_on_a_character_boundary(server):
    """35 two-byte letters are 70 bytes: PostgreSQL keeps 31 of them (62 bytes), not half a letter."""
    client = Client(server.host, server.port)
    out = client.run('SELECT 1 AS "' + "é" * 35 + '"')
    assert out.error is None, out.error
    assert out.columns == ["é" * 31]


def test_parameter_number_in_a_huge_bind_is_checked(server, watch: Watch):
    """A Bind announcing 32767 parameters but sending none is a protocol error, not an allocation."""
    client = Client(server.host, server.port)
    watch.start()
    body = b"\x00\x00" + struct.pack("!hh", 0, 32767)
    client.send(parse("SELECT 1") + b"B" + struct.pack("!i", len(body) + 4) + body + SYNC)
    closed = client.is_closed(5)
    assert closed or client.run("SELECT 1").first_rows == [("1",)]
    watch.check(peak_growth=PEAK_GROWTH)
