"""COPY FROM STDIN and COPY TO STDOUT through psql, psycopg2 and psycopg 3."""

from __future__ import annotations

import io
import uuid

import psycopg2
import pytest
from pgproto import RawClient, error_fields, kinds, msg, query
from wire_support import needs_psycopg3, psycopg


def _table(conn_execute) -> str:
    name = "copy_" + uuid.uuid4().hex[:8]
    conn_execute(f"CREATE TABLE {name} (id INTEGER, name TEXT)")
    return name


@needs_psycopg3
def test_psycopg3_copy_in_and_out(server):
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        table = _table(conn.execute)
        with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
            for i in range(1000):
                copy.write_row((i, None if i % 10 == 0 else f"name {i}"))
        assert conn.execute(f"SELECT * FROM {table}").rowcount == 1000
        out = io.BytesIO()
        with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
            for chunk in copy:
                out.write(chunk)
        lines = out.getvalue().decode().splitlines()
        assert len(lines) == 1000
        assert lines[0] == "0\t\\N" and lines[1] == "1\tname 1"


def test_psycopg2_copy_expert_csv_header(server):
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = True
    cur = conn.cursor()
    table = _table(cur.execute)
    data = 'id,name\n1,alice\n2,"bob, jr"\n'
    cur.copy_expert(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)", io.StringIO(data))
    assert cur.rowcount == 2
    cur.execute(f"SELECT * FROM {table}")
    assert cur.fetchall() == [(1, "alice"), (2, "bob, jr")]
    out = io.StringIO()
    cur.copy_expert(f"COPY {table} TO STDOUT", out)
    assert out.getvalue() == "1\talice\n2\tbob, jr\n"
    conn.close()


@needs_psycopg3
def test_copy_fail_from_client_and_connection_goes_on(server):
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        table = _table(conn.execute)
        # psycopg sends CopyFail, then re-raises
        with pytest.raises(RuntimeError), conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
            copy.write_row((1, "x"))
            raise RuntimeError("client gives up")
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute(f"SELECT * FROM {table}").rowcount == 0
    client = RawClient(server.host, server.port)
    client.startup()
    client.send(query(f"COPY {table} FROM STDIN"))
    assert client.read()[0] == "G"
    client.send(msg(b"d", b"1\tx\n") + msg(b"f", b"no more\x00"))
    messages = client.read_until("Z")
    fields = error_fields(messages[0][1])
    assert (fields["C"], fields["M"]) == ("57014", "COPY from stdin failed: no more")
    client.close()


@needs_psycopg3
def test_bad_copy_data_is_an_error_and_connection_goes_on(server):
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        table = _table(conn.execute)
        with (
            pytest.raises(psycopg.errors.InvalidTextRepresentation),
            conn.cursor().copy(f"COPY {table} FROM STDIN") as copy,
        ):
            copy.write(b"BADROW\tx\n" * 10)
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_raw_copy_in_ignores_sync_and_flush_and_rejects_others(server):
    client = RawClient(server.host, server.port)
    client.startup()
    table = "raw_copy_" + uuid.uuid4().hex[:8]
    client.send(query(f"CREATE TABLE {table} (id INTEGER, name TEXT)"))
    client.read_until("Z")
    client.send(query(f"COPY {table} FROM STDIN"))
    kind, body = client.read()
    assert kind == "G" and body[:3] == b"\x00\x00\x02"
    client.send(msg(b"d", b"1\ta\n") + msg(b"H") + msg(b"S") + msg(b"d", b"2\tb\n") + msg(b"c"))
    messages = client.read_until("Z")
    assert kinds(messages) == "CZ" and messages[0][1] == b"COPY 2\x00"
    client.send(query(f"COPY {table} FROM STDIN"))
    client.read()
    client.send(query("select 1"))  # not allowed during COPY: the connection is lost, as in PostgreSQL
    first, second = error_fields(client.read()[1]), error_fields(client.read()[1])
    assert (first["S"], first["C"]) == ("ERROR", "08P01") and "during COPY from stdin" in first["M"]
    assert (second["S"], second["C"]) == ("FATAL", "08P01")
    assert client.closed()


@pytest.mark.needs_psql
def test_psql_backslash_copy_csv_header(server, tmp_path):
    table = "psql_copy_" + uuid.uuid4().hex[:8]
    server.psql("-c", f"CREATE TABLE {table} (id INTEGER, name TEXT)")
    csv_file = tmp_path / "users.csv"
    csv_file.write_text("id,name\n1,alice\n2,bob\n3,\n")
    out = server.psql("-c", f"\\COPY {table}(id,name) FROM '{csv_file}' CSV HEADER;")
    assert out.stdout.strip() == "COPY 3"
    out = server.psql("-At", "-c", f"SELECT * FROM {table}")
    assert out.stdout.splitlines() == ["1|alice", "2|bob", "3|"]
    out_file = tmp_path / "out.txt"
    server.psql("-c", f"\\COPY {table} TO '{out_file}'")
    assert out_file.read_text() == "1\talice\n2\tbob\n3\t\\N\n"
