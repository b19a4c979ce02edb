"""COPY ... (FORMAT binary) over the wire against PostgreSQL 15: the same table gives the same
bytes out, PostgreSQL's file loads into orbitdb to the same rows, and bad files fail with the
same SQLSTATEs. Also COPY's old option syntax (DELIMITER AS, NULL AS), which psycopg2 sends."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

import psycopg2
import pytest
from reference_pg import reference_postgres

TABLE = """CREATE TABLE cb (i int, b bigint, s smallint, t text, n numeric, f float8, r real, d date,
    ts timestamp, tz timestamptz, bo bool, by bytea, u uuid, j jsonb, a int[], ta text[], iv interval,
    vc varchar(10))"""
ROWS = """INSERT INTO cb VALUES
    (1, 9999999999, 3, 'héllo', 12.345, 1.5, 2.25, '2024-01-02', '2024-01-02 03:04:05.123456',
     '2024-01-02 03:04:05+02', true, '\\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}',
     '{1,NULL,3}', '{a,"b c"}', '1 day 02:00:00', 'abc'),
    (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (-5, -1, -1, '', 'NaN', '-Infinity', 0, 'infinity', '-infinity', '2000-01-01 00:00:00+00', false, '',
     '00000000-0000-0000-0000-000000000000', 'null', '{}', '{}', '-1 mon', '')"""
HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)


@pytest.fixture(scope="module")
def reference() -> Iterator[str]:
    with reference_postgres(options="-c TimeZone=UTC") as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        yield dsn


def _connect(dsn: str) -> psycopg2.extensions.connection:
    con = psycopg2.connect(dsn)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("SET TimeZone = 'UTC'")
    return con


def _fresh(dsn: str) -> psycopg2.extensions.connection:
    con = _connect(dsn)
    with con.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS cb, cb2, small")
        cur.execute(TABLE)
        cur.execute(ROWS)
        cur.execute("CREATE TABLE cb2 (LIKE cb)")
        cur.execute("CREATE TABLE small (a int, b text)")
    return con


def _copy_out(con: psycopg2.extensions.connection, sql: str) -> bytes:
    out = io.BytesIO()
    with con.cursor() as cur:
        cur.copy_expert(sql, out)
    return out.getvalue()


def _copy_in(con: psycopg2.extensions.connection, sql: str, data: bytes) -> str | None:
    """None when the COPY worked, else its SQLSTATE."""
    with con.cursor() as cur:
        try:
            cur.copy_expert(sql, io.BytesIO(data))
        except psycopg2.Error as e:
            return e.pgcode
    return None


def _rows(con: psycopg2.extensions.connection, sql: str) -> list[tuple]:
    with con.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_binary_copy_out_is_postgresqls_bytes(start_server, reference: str) -> None:
    mine, theirs = _fresh(start_server().dsn), _fresh(reference)
    for sql in ("COPY cb TO STDOUT (FORMAT binary)", "COPY (SELECT t, i FROM cb ORDER BY i) TO STDOUT WITH BINARY",
                "COPY cb (vc, a) TO STDOUT (FORMAT 'binary')", "COPY (SELECT 1 WHERE false) TO STDOUT (FORMAT binary)"):
        assert _copy_out(mine, sql) == _copy_out(theirs, sql), sql


def test_postgresqls_binary_file_loads(start_server, reference: str) -> None:
    mine, theirs = _fresh(start_server().dsn), _fresh(reference)
    data = _copy_out(theirs, "COPY cb TO STDOUT (FORMAT binary)")
    assert _copy_in(mine, "COPY cb2 FROM STDIN (FORMAT binary)", data) is None
    assert _copy_in(theirs, "COPY cb2 FROM STDIN (FORMAT binary)", data) is None
    query = "SELECT cb2::text FROM cb2 ORDER BY i NULLS FIRST"
    assert _rows(mine, query) == _rows(theirs, query)
    assert _rows(mine, "SELECT count(*) FROM (SELECT * FROM cb EXCEPT SELECT * FROM cb2) x") == [(0,)]
    # a file split into many CopyData messages at odd places
    with mine.cursor() as cur:
        cur.execute("TRUNCATE cb2")

        class Dribble(io.BytesIO):
            def read(self, n: int = -1) -> bytes:
                return super().read(7)

        cur.copy_expert("COPY cb2 FROM STDIN (FORMAT binary)", Dribble(data))
    assert _rows(mine, query) == _rows(theirs, query)


def _tuple(*fields: bytes | None) -> bytes:
    out = struct.pack("!h", len(fields))
    for f in fields:
        out += struct.pack("!i", -1) if f is None else struct.pack("!i", len(f)) + f
    return out


TRAILER = struct.pack("!h", -1)
ONE = struct.pack("!i", 1)
BAD_FILES = {
    "good": HEADER + _tuple(ONE, b"x") + _tuple(None, None) + TRAILER,
    "bad signature": b"PGCOPY\n\xff\r\n\x01" + HEADER[11:] + TRAILER,
    "text data": b"1\tx\n",
    "no trailer": HEADER + _tuple(ONE, b"x"),
    "cut in a tuple": HEADER + _tuple(ONE, b"x")[:-1],
    "too few fields": HEADER + _tuple(ONE) + TRAILER,
    "too many fields": HEADER + _tuple(ONE, b"x", b"y") + TRAILER,
    "short int4": HEADER + _tuple(b"\x00\x01", b"x") + TRAILER,
    "data after trailer": HEADER + TRAILER + b"\x00\x01",
    "critical flag": b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 1 << 17, 0) + TRAILER,
    "header extension": b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 3) + b"abc" + TRAILER,
    "empty": b"",
}


def test_bad_binary_files_fail_as_in_postgresql(start_server, reference: str) -> None:
    mine, theirs = _fresh(start_server().dsn), _fresh(reference)
    for name, data in BAD_FILES.items():
        got = _copy_in(mine, "COPY small FROM STDIN (FORMAT binary)", data)
        want = _copy_in(theirs, "COPY small FROM STDIN (FORMAT binary)", data)
        assert got == want, name
    assert _rows(mine, "SELECT * FROM small ORDER BY a") == _rows(theirs, "SELECT * FROM small ORDER BY a")


def test_option_errors_and_old_syntax(start_server, reference: str) -> None:
    mine, theirs = _fresh(start_server().dsn), _fresh(reference)
    for sql in ("COPY small TO STDOUT (FORMAT binary, DELIMITER ',')",
                "COPY small TO STDOUT (FORMAT binary, NULL 'x')",
                "COPY small TO STDOUT (FORMAT binary, HEADER)",
                "COPY small TO STDOUT (FORMAT text, QUOTE '\"')"):
        codes = []
        for con in (mine, theirs):
            with con.cursor() as cur:
                try:
                    cur.copy_expert(sql, io.BytesIO())
                    codes.append(None)
                except psycopg2.Error as e:
                    codes.append(e.pgcode)
        assert codes[0] == codes[1] is not None, sql
    for con in (mine, theirs):
        assert _copy_in(con, "COPY small FROM STDIN WITH DELIMITER AS '|' NULL AS 'nil'", b"1|one\nnil|two\n") is None
    sql = "COPY small TO STDOUT WITH DELIMITER AS ';' NULL AS '-'"
    assert _copy_out(mine, sql) == _copy_out(theirs, sql) == b"1;one\n-;two\n"
