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
from pg_expectations import HUNDRED_DIMENSIONS, LIMITS, PYTHON_INTERNALS, SEVEN_DIMENSIONS
from pgproto import bind, describe, execute, parse
from watch import MiB, Watch
from wire_client import Client
from wire_support import ServerProcess

SYNC = b"S\x00\x00\x00\x04"
PEAK_GROWTH = 64 * MiB  # none of these statements needs more than a few MiB

DECIMAL_TEXT = "main answers XX000 \"internal error: [<class 'decimal.InvalidOperation'>]\""
# what main answers today where it is not PostgreSQL's answer; a fix removes its entry
TODAY = {
    "SELECT E'a\\000b'": "main accepts NUL in text (answers 'a\\x00b'); PostgreSQL says 22021",
    "SELECT convert_from('\\x610062'::bytea, 'UTF8')": "main accepts NUL in text; PostgreSQL says 22021",
    "SELECT format('%2000000000s', 'x')": "main builds the 2 GB string: MemoryError under the cap, answered "
    "XX000 with an empty message",
    f"SELECT '{HUNDRED_DIMENSIONS}'::int[]": "main accepts a 100-dimension array (PostgreSQL: at most 6)",
    f"SELECT {SEVEN_DIMENSIONS}": "main accepts 7 array dimensions (PostgreSQL: at most 6)",
    "SELECT ('1' || repeat('0', 5000))::int8": 'main answers XX000 "Exceeds the limit (4300 digits) for '
    "integer string conversion\" (Python's int limit) where PostgreSQL says 22003",
    "SELECT 1e5000::float8": DECIMAL_TEXT + " where PostgreSQL says 22003",
    "SELECT floor(1e5000)::bigint": DECIMAL_TEXT + " where PostgreSQL says 22003",
    "SELECT repeat('9', 5000)::numeric::float8": "main answers Infinity where PostgreSQL says 22003",
    "SELECT exp(10000::numeric)": "main answers a 4343-digit number where PostgreSQL says 22003 (value "
    "overflows numeric format)",
    "SELECT interval '1000000000 years'": "main answers 22015 where PostgreSQL says 22008",
    "SELECT 1e28": DECIMAL_TEXT + " over the wire: orbitdb/sql/numeric.py sets its decimal context for the "
    "importing thread only, so a connection's thread computes with Python's default (28 digits)",
    "SELECT round(1e5000, -10000)": DECIMAL_TEXT + " where PostgreSQL answers 0",
    "SELECT 1e5000 / 1e-5000": DECIMAL_TEXT + " where PostgreSQL answers",
    "SELECT mod(1e5000, 7)": DECIMAL_TEXT + " where PostgreSQL answers 2",
    "SELECT log(1e5000)": DECIMAL_TEXT + " where PostgreSQL answers 5000.000000000000",
    "SELECT sqrt(1e5000)": DECIMAL_TEXT + " where PostgreSQL answers",
    "SELECT to_char(1e5000, '9')": DECIMAL_TEXT + " where PostgreSQL answers ' #'",
}


def _limit_cases() -> list:
    return [
        pytest.param(sql, marks=pytest.mark.xfail(strict=True, reason=TODAY[sql])) if sql in TODAY else sql
        for sql in LIMITS
    ]


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


@pytest.mark.parametrize("sql", _limit_cases(), ids=lambda sql: sql[:40])
def test_limit_answers_as_postgres(server, watch: Watch, sql: str):
    client = Client(server.host, server.port)
    watch.start()
    out = client.run(sql, deadline=10)
    assert python_internals(out.message) == [], out.error
    assert out.sqlstate == LIMITS[sql], out.error
    watch.check(peak_growth=PEAK_GROWTH)
    client.close()


@pytest.mark.xfail(strict=True, reason="main accepts NUL in a text parameter (answers 'a\\x00b')")
def test_nul_in_a_text_parameter_is_22021(server):
    """A NUL reaching text through Bind, not only through a literal."""
    client = Client(server.host, server.port)
    client.send(
        parse("SELECT $1::text", oids=(25,)) + bind(params=(b"a\x00b",)) + describe("P") + execute() + SYNC
    )
    out = client.collect(time.monotonic())
    assert out.sqlstate == "22021", out


@pytest.mark.xfail(strict=True, reason="main copies a NUL into a text column (COPY 1)")
def test_nul_in_copy_text_is_22021(server):
    client = Client(server.host, server.port)
    assert client.run("CREATE TABLE nul_target (t text)").error is None
    out = client.run("COPY nul_target FROM STDIN", copy_data=[b"a\x00b\n"])
    assert out.sqlstate == "22021", out
    assert client.run("SELECT count(*) FROM nul_target").first_rows == [("0",)]


@pytest.mark.xfail(strict=True, reason="main keeps identifiers of 70 bytes whole, with no NOTICE 42622")
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


@pytest.mark.xfail(strict=True, reason="main keeps the 70-byte identifier whole")
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
