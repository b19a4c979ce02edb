"""Hostile input sizes: a huge query text, a tiny Parse naming an enormous parameter number, and
statement caches filled with many distinct large statements. Memory follows the settings, not the
input, and an idle server gives it back."""

from __future__ import annotations

import time

from pgproto import describe, parse
from watch import MiB, Watch
from wire_client import Client

SYNC = b"S\x00\x00\x00\x04"
PROGRAM_LIMIT_EXCEEDED = "54000"


def test_hundred_megabyte_literal(server, watch: Watch):
    """PostgreSQL answers in under a second. Answering (length 100000000) or refusing the text as
    too long (54000, before any tokenising) are both fine; growing without bound is not."""
    size = 100_000_000
    client = Client(server.host, server.port)
    watch.start()
    out = client.run("SELECT length('" + "x" * size + "')", deadline=60)
    if out.error is None:
        assert out.first_rows == [(str(size),)]
    else:
        assert out.sqlstate == PROGRAM_LIMIT_EXCEEDED, out.error
    # the text itself is 100 MB: a few copies of it are the most a bounded path needs
    watch.check(peak_growth=6 * size)
    client.close()


def test_parse_naming_parameter_one_hundred_million(server, watch: Watch):
    """30 bytes on the wire must not make the server reserve a slot per possible parameter.
    PostgreSQL answers 42P18 (the type of $1 ... cannot be determined); a limit on the parameter
    number (54000) is fine too."""
    client = Client(server.host, server.port)
    watch.start()
    client.extend_deadline(30)
    client.send(parse("SELECT $100000000") + describe("S") + SYNC)
    out = client.collect(time.monotonic())
    assert out.sqlstate in ("42P18", PROGRAM_LIMIT_EXCEEDED), out.error
    watch.check(peak_growth=32 * MiB)
    assert client.run("SELECT 1").first_rows == [("1",)]
    client.close()


def _large_distinct_statement(i: int) -> str:
    # ~20 KB with 2,500 distinct constants: its parse tree is many times its text
    return "SELECT -1 IN (" + ",".join(str(i * 100_000 + j) for j in range(2_500)) + ")"


def test_statement_caches_are_bounded_in_bytes(server, watch: Watch):
    """200 distinct 20 KB statements: caches keyed by text and bounded by entries keep them all
    (over a hundred MiB) after the client has gone."""
    client = Client(server.host, server.port)
    watch.start()
    for i in range(200):
        out = client.run(_large_distinct_statement(i), deadline=30)
        assert out.first_rows == [("f",)], out.error
    client.close()
    watch.check(peak_growth=128 * MiB)
