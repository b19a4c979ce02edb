"""The protocol's message flows, byte by byte, with a raw client."""

from __future__ import annotations

import struct

import pytest
from pgproto import (
    FLUSH,
    SYNC,
    TERMINATE,
    RawClient,
    bind,
    close,
    cstr,
    describe,
    error_fields,
    execute,
    kinds,
    msg,
    parse,
    query,
    startup_packet,
)


@pytest.fixture
def client(server):
    c = RawClient(server.host, server.port)
    yield c
    c.close()


def _params(messages):
    return dict(body.rstrip(b"\x00").decode().split("\x00", 1) for kind, body in messages if kind == "S")


def test_startup_sequence(client):
    messages = client.startup({"application_name": "raw-test"})
    assert messages[0] == ("R", struct.pack("!i", 0))
    assert kinds(messages).endswith("KZ")
    params = _params(messages)
    assert params["server_version"].startswith("15")
    for name in (
        "server_encoding",
        "client_encoding",
        "DateStyle",
        "TimeZone",
        "integer_datetimes",
        "standard_conforming_strings",
        "is_superuser",
        "session_authorization",
        "IntervalStyle",
    ):
        assert name in params
    assert params["client_encoding"] == "UTF8"
    assert params["application_name"] == "raw-test"
    assert messages[-1] == ("Z", b"I")


@pytest.mark.orbitdb_only  # no GSSAPI here
def test_ssl_and_gss_requests_refused_without_tls(client):
    client.send(struct.pack("!ii", 8, 80877104))  # GSSENCRequest
    assert client.read_byte() == b"N"
    client.send(struct.pack("!ii", 8, 80877103))  # SSLRequest
    assert client.read_byte() == b"N"
    messages = client.startup()
    assert messages[-1][0] == "Z"


def test_newer_minor_version_is_negotiated_down(client):
    client.send(startup_packet({"_pq_.something": "1"}, version=(3 << 16) | 2))
    messages = client.read_until("Z")
    kind, body = messages[0]
    assert kind == "v"
    version, count = struct.unpack("!ii", body[:8])
    assert (version, count) == (3 << 16, 1)  # the whole version number, as PostgreSQL sends it
    assert body[8:] == b"_pq_.something\x00"


@pytest.mark.orbitdb_only  # PostgreSQL answers protocol 2 in protocol 2
def test_unsupported_major_version(client):
    client.send(startup_packet(version=2 << 16))
    kind, body = client.read()
    assert kind == "E"
    fields = error_fields(body)
    assert fields["S"] == "FATAL" and fields["C"] == "0A000"
    assert client.closed()


def test_missing_user_is_fatal(client):
    body = struct.pack("!i", 3 << 16) + cstr("database") + cstr("actors") + b"\x00"
    client.send(struct.pack("!i", len(body) + 4) + body)
    kind, body = client.read()
    assert kind == "E" and error_fields(body)["C"] == "28000"


def test_simple_query_several_statements_error_skips_rest(client):
    client.startup()
    client.send(query("select 1; select 1/0; select 2"))
    messages = client.read_until("Z")
    assert kinds(messages) == "TDCEZ"
    assert error_fields(messages[3][1])["C"] == "22012"


def test_empty_query(client):
    client.startup()
    client.send(query(""))
    assert kinds(client.read_until("Z")) == "IZ"
    client.send(query("  ;  "))
    assert kinds(client.read_until("Z")) == "IZ"


def test_error_fields_severity_code_message(client):
    client.startup()
    client.send(query("select * from no_such_table"))
    messages = client.read_until("Z")
    fields = error_fields(messages[0][1])
    assert fields["S"] == "ERROR" and fields["V"] == "ERROR"
    assert fields["C"] == "42P01"
    assert "no_such_table" in fields["M"]


def test_transaction_status_in_ready_for_query(client):
    client.startup()
    client.send(query("begin"))
    assert client.read_until("Z")[-1] == ("Z", b"T")
    client.send(query("select 1/0"))
    assert client.read_until("Z")[-1] == ("Z", b"E")
    client.send(query("select 1"))
    messages = client.read_until("Z")
    assert error_fields(messages[0][1])["C"] == "25P02"
    client.send(query("rollback"))
    assert client.read_until("Z")[-1] == ("Z", b"I")


def test_extended_flow_with_describe(client):
    client.startup()
    client.send(parse("select $1::int4, $2::text", "s1") + describe("S", "s1") + SYNC)
    messages = client.read_until("Z")
    assert kinds(messages) == "1tTZ"
    count, *oids = struct.unpack("!hII", messages[1][1])
    assert count == 2 and oids == [23, 25]
    client.send(bind("p1", "s1", (b"42", b"hi")) + describe("P", "p1") + execute("p1") + SYNC)
    messages = client.read_until("Z")
    assert kinds(messages) == "2TDCZ"
    assert messages[3][1] == b"SELECT 1\x00"


def test_execute_with_row_limit_suspends(client):
    client.startup()
    client.send(query("CREATE TABLE five (n INTEGER); INSERT INTO five VALUES (1), (2), (3), (4), (5)"))
    client.read_until("Z")
    client.send(
        parse("SELECT * FROM five") + bind() + execute("", 2) + execute("", 2) + execute("", 2) + SYNC
    )
    messages = client.read_until("Z")
    assert kinds(messages) == "12DDsDDsDCZ"
    assert messages[-2][1] == b"SELECT 1\x00"


def test_binary_result_format(client):
    client.startup()
    client.send(
        parse("select $1::int4")
        + bind(params=(struct.pack("!i", 7),), param_formats=(1,), result_formats=(1,))
        + execute()
        + SYNC
    )
    messages = client.read_until("Z")
    data_row = next(body for kind, body in messages if kind == "D")
    assert data_row == struct.pack("!hi", 1, 4) + struct.pack("!i", 7)


def test_error_discards_until_sync(client):
    client.startup()
    bad_bind = bind(params=(b"\x00" * 5,), param_formats=(1,))
    client.send(
        parse("select $1::int4") + bad_bind + execute() + parse("select 1") + bind() + execute() + SYNC
    )
    messages = client.read_until("Z")
    assert kinds(messages) == "1EZ"
    client.send(parse("select 1") + bind() + execute() + SYNC)
    assert kinds(client.read_until("Z")) == "12DCZ"


def test_bind_parameter_count_mismatch(client):
    client.startup()
    client.send(parse("select $1::int4") + bind(params=()) + SYNC)
    messages = client.read_until("Z")
    assert kinds(messages) == "1EZ"
    fields = error_fields(messages[1][1])
    assert fields["C"] == "08P01" and "supplies 0 parameters" in fields["M"]


def test_bad_binary_parameter(client):
    client.startup()
    client.send(parse("select $1::int4") + bind(params=(b"\x01\x02",), param_formats=(1,)) + SYNC)
    messages = client.read_until("Z")
    assert error_fields(messages[1][1])["C"] == "08P01"  # too short: insufficient data
    client.send(parse("select $1::int4") + bind(params=(b"\x00" * 5,), param_formats=(1,)) + SYNC)
    messages = client.read_until("Z")
    fields = error_fields(messages[1][1])
    assert (fields["C"], fields["M"]) == ("22P03", "incorrect binary data format in bind parameter 1")


def test_named_statement_exists_and_close(client):
    client.startup()
    client.send(parse("select 1", "dup") + parse("select 2", "dup") + SYNC)
    messages = client.read_until("Z")
    assert kinds(messages) == "1EZ" and error_fields(messages[1][1])["C"] == "42P05"
    client.send(close("S", "dup") + parse("select 2", "dup") + close("S", "never") + SYNC)
    assert kinds(client.read_until("Z")) == "313Z"


def test_unknown_statement_and_portal(client):
    client.startup()
    client.send(bind("", "nope") + SYNC)
    assert error_fields(client.read_until("Z")[0][1])["C"] == "26000"
    client.send(execute("nope") + SYNC)
    assert error_fields(client.read_until("Z")[0][1])["C"] == "34000"


def test_flush_sends_without_sync(client):
    client.startup()
    client.send(parse("select 1") + FLUSH)
    assert client.read() == ("1", b"")


def test_empty_prepared_statement(client):
    client.startup()
    client.send(parse("") + bind() + describe("P") + execute() + SYNC)
    assert kinds(client.read_until("Z")) == "12nIZ"


def test_notice_response(client):
    client.startup()
    client.send(query("begin; begin"))
    messages = client.read_until("Z")
    notices = [error_fields(body) for kind, body in messages if kind == "N"]
    assert notices and notices[0]["S"] == "WARNING" and notices[0]["C"] == "25001"
    client.send(query("rollback"))
    client.read_until("Z")


def test_parameter_status_after_set(client):
    client.startup()
    client.send(query("SET application_name = 'renamed'"))
    messages = client.read_until("Z")
    assert ("S", b"application_name\x00renamed\x00") in messages


def test_copy_data_outside_copy_is_ignored(client):
    client.startup()
    client.send(msg(b"d", b"stray") + msg(b"c") + query("select 1"))
    assert kinds(client.read_until("Z")) == "TDCZ"


def test_function_call(client):
    """FunctionCall (libpq's large-object calls): a cut message and an unknown oid are errors the
    connection survives; lo_creat (oid 957) then lo_unlink (964) answer FunctionCallResponse."""
    client.startup()
    client.send(msg(b"F", struct.pack("!I", 1)))
    messages = client.read_until("Z")
    assert error_fields(messages[0][1])["C"] == "08P01"
    client.send(msg(b"F", struct.pack("!Ihhh", 1, 0, 0, 0)))  # function oid 1, no arguments
    messages = client.read_until("Z")
    assert error_fields(messages[0][1])["C"] == "42883"
    client.send(msg(b"F", struct.pack("!Ihhhiih", 957, 1, 1, 1, 4, 0x60000, 1)))  # lo_creat(INV_READ|INV_WRITE)
    messages = client.read_until("Z")
    assert kinds(messages) == "VZ"
    size, loid = struct.unpack("!iI", messages[0][1])
    assert size == 4 and loid > 0
    client.send(msg(b"F", struct.pack("!IhhhiIh", 964, 1, 1, 1, 4, loid, 0)))  # lo_unlink, a text result
    messages = client.read_until("Z")
    assert kinds(messages) == "VZ" and messages[0][1] == struct.pack("!i", 1) + b"1"


def test_invalid_utf8_in_query_is_an_error_not_a_disconnect(client):
    client.startup()
    client.send(msg(b"Q", b"select '\xff\xfe'\x00"))
    messages = client.read_until("Z")
    assert error_fields(messages[0][1])["C"] == "22021"
    client.send(query("select 1"))
    assert kinds(client.read_until("Z")) == "TDCZ"


def test_unknown_message_type_is_fatal(client):
    client.startup()
    client.send(msg(b"@", b"x"))
    kind, body = client.read()
    assert kind == "E"
    fields = error_fields(body)
    assert fields["S"] == "FATAL" and fields["C"] == "08P01"
    assert client.closed()


def test_terminate_closes(client):
    client.startup()
    client.send(TERMINATE)
    assert client.closed()
