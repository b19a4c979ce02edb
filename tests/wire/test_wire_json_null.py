"""JSON null over the wire: a jsonb/json value distinct from SQL NULL in both result formats, in
binary and text parameters, and in COPY (text and CSV), byte for byte as PostgreSQL 15 sends it."""

from __future__ import annotations

import struct
import uuid

import pytest
from pgproto import SYNC, RawClient, bind, execute, kinds, parse, query
from wire_support import needs_psycopg3, psycopg

JSONB, JSON = 3802, 114

# every value in one row: JSON nulls at the top and inside, and SQL NULLs, of both types
VALUES_SQL = (
    "SELECT 'null'::jsonb, NULL::jsonb, '{\"a\": null}'::jsonb -> 'a', '{\"a\": null}'::jsonb -> 'b',"
    " '[null]'::jsonb -> 0, '{\"a\": null}'::jsonb ->> 'a', '{\"a\": [null, 1]}'::jsonb,"
    " 'null'::json, NULL::json, jsonb_build_object('k', NULL), to_jsonb(NULL::int)"
)


def _raw(dsn_or_server) -> RawClient:
    if isinstance(dsn_or_server, str):
        fields = dict(part.split("=", 1) for part in dsn_or_server.split())
        client = RawClient(fields["host"], int(fields["port"]))
        client.startup({"user": fields["user"], "database": fields["dbname"]})
    else:
        client = RawClient(dsn_or_server.host, dsn_or_server.port)
        client.startup()
    return client


def _cells(body: bytes) -> list[bytes | None]:
    (count,) = struct.unpack("!h", body[:2])
    pos, out = 2, []
    for _ in range(count):
        (length,) = struct.unpack("!i", body[pos : pos + 4])
        pos += 4
        if length < 0:
            out.append(None)
        else:
            out.append(body[pos : pos + length])
            pos += length
    return out


def _data_rows(client: RawClient, sql: str, result_format: int) -> list[list[bytes | None]]:
    client.send(parse(sql) + bind(result_formats=(result_format,)) + execute() + SYNC)
    messages = client.read_until("Z")
    assert "E" not in kinds(messages), messages
    return [_cells(body) for kind, body in messages if kind == "D"]


@pytest.mark.parametrize("result_format", [0, 1], ids=["text", "binary"])
def test_result_bytes_match_postgres(server, reference, result_format):
    ours, theirs = _raw(server), _raw(reference)
    try:
        got = _data_rows(ours, VALUES_SQL, result_format)
        want = _data_rows(theirs, VALUES_SQL, result_format)
    finally:
        ours.close()
        theirs.close()
    assert got == want
    row = got[0]
    # the JSON nulls are the value null, the SQL NULLs have length -1
    null_bytes = b"\x01null" if result_format else b"null"
    assert row[0] == null_bytes and row[2] == null_bytes and row[4] == null_bytes
    assert row[1] is None and row[3] is None and row[5] is None and row[8] is None and row[10] is None
    assert row[7] == b"null"  # json's binary form is its text


def _bind_and_read(client: RawClient, table: str, params: tuple[bytes | None, ...], formats: tuple[int, ...]):
    client.send(
        parse(f"INSERT INTO {table} VALUES ($1, $2)", oids=(23, JSONB))
        + bind(params=params, param_formats=formats)
        + execute()
        + SYNC
    )
    messages = client.read_until("Z")
    assert "E" not in kinds(messages), messages


@pytest.mark.parametrize("param_format", [0, 1], ids=["text", "binary"])
def test_parameters_keep_json_null_apart_from_sql_null(server, reference, param_format):
    table = "jp_" + uuid.uuid4().hex[:8]
    null_value = b"\x01null" if param_format else b"null"
    results = []
    for target in (server, reference):
        client = _raw(target)
        try:
            client.send(query(f"CREATE TABLE {table} (id int, j jsonb)"))
            assert "E" not in kinds(client.read_until("Z"))
            one = struct.pack("!i", 1) if param_format else b"1"
            two = struct.pack("!i", 2) if param_format else b"2"
            _bind_and_read(client, table, (one, null_value), (param_format, param_format))
            _bind_and_read(client, table, (two, None), (param_format, param_format))
            results.append(
                _data_rows(client, f"SELECT id, j IS NULL, j::text, jsonb_typeof(j) FROM {table} ORDER BY id", 0)
            )
        finally:
            client.close()
    assert results[0] == results[1]
    assert results[0] == [[b"1", b"f", b"null", b"null"], [b"2", b"t", None, None]]


@needs_psycopg3
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_psycopg3_cursors_and_jsonb_parameters(server, reference, binary):
    from psycopg.types.json import Jsonb

    table = "jq_" + uuid.uuid4().hex[:8]
    outcomes = []
    for dsn in (server.dsn, reference):
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, j jsonb NOT NULL, k jsonb)")
            with conn.cursor(binary=binary) as cur:
                cur.execute(
                    f"INSERT INTO {table} VALUES (%s, %s, %s)", (1, Jsonb(None), None)
                )
                cur.execute(
                    f"INSERT INTO {table} VALUES (%s, %s, %s)", (2, Jsonb({"a": None, "b": [None]}), Jsonb(None))
                )
                with pytest.raises(psycopg.errors.NotNullViolation):
                    cur.execute(f"INSERT INTO {table} VALUES (%s, %s, %s)", (3, None, None))
                cur.execute(
                    f"SELECT id, j, j IS NULL, j::text, k, k IS NULL, k::text FROM {table} ORDER BY id"
                )
                rows = cur.fetchall()
                cur.execute(VALUES_SQL)
                outcomes.append((rows, cur.fetchall()))
    assert outcomes[0] == outcomes[1]
    rows = outcomes[0][0]
    # psycopg gives None for a JSON null as for SQL NULL; IS NULL and ::text tell them apart
    assert rows == [
        (1, None, False, "null", None, True, None),
        (2, {"a": None, "b": [None]}, False, '{"a": null, "b": [null]}', None, False, "null"),
    ]


@needs_psycopg3
@pytest.mark.parametrize("options", ["", "WITH (FORMAT csv)"], ids=["text", "csv"])
def test_copy_out_and_in_keep_null_and_sql_null(server, reference, options):
    table = "jc_" + uuid.uuid4().hex[:8]
    outcomes = []
    for dsn in (server.dsn, reference):
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"CREATE TABLE {table} (id int, j jsonb, t json)")
            conn.execute(
                f"INSERT INTO {table} VALUES (1, 'null', 'null'), (2, NULL, NULL), (3, '[null]', '{{\"a\": null}}'),"
                " (4, '\"null\"', '\"\"')"
            )
            out = bytearray()
            with conn.cursor().copy(f"COPY {table} TO STDOUT {options}") as copy:
                for chunk in copy:
                    out += chunk
            conn.execute(f"CREATE TABLE {table}_back (id int, j jsonb, t json)")
            with conn.cursor().copy(f"COPY {table}_back FROM STDIN {options}") as copy:
                copy.write(bytes(out))
            back = conn.execute(
                f"SELECT id, j IS NULL, j::text, t IS NULL, t::text FROM {table}_back ORDER BY id"
            ).fetchall()
            outcomes.append((bytes(out), back))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1] == [
        (1, False, "null", False, "null"),
        (2, True, None, True, None),
        (3, False, "[null]", False, '{"a": null}'),
        (4, False, '"null"', False, '""'),
    ]


def test_psycopg2_values_match_postgres_and_the_embedded_api(server, reference):
    # tests/sql/test_json_null.py expects these same Python values from orbitdb's embedded DB-API
    import psycopg2
    import psycopg2.extras

    sql = (
        "SELECT 'null'::jsonb, 'null'::jsonb IS NULL, '{\"a\": null}'::jsonb, '[null, 1]'::json,"
        " ARRAY['null'::jsonb, NULL, '[null]'], '{\"a\": null}'::jsonb -> 'a', %s::jsonb IS NULL, %s::jsonb::text"
    )
    outcomes = []
    for dsn in (server.dsn, reference):
        conn = psycopg2.connect(dsn)
        try:
            cur = conn.cursor()
            cur.execute(sql, (psycopg2.extras.Json(None), psycopg2.extras.Json({"a": None})))
            outcomes.append(cur.fetchall())
        finally:
            conn.close()
    assert outcomes[0] == outcomes[1]
    assert outcomes[0] == [(None, False, {"a": None}, [None, 1], [None, None, [None]], None, False, '{"a": null}')]
