"""Large objects over the wire: the server functions answer as PostgreSQL 15's do, statement by
statement; psycopg2's lobject (libpq's FunctionCall messages, client-side lo_import/lo_export)
round-trips; large objects are transactional and survive a kill -9 once committed."""

from __future__ import annotations

import psycopg2
import pytest
from statement_answers import answers

SCRIPT = [
    "SELECT lo_create(0) > 0",
    "SELECT lo_create(7000)",
    "SELECT lo_create(7000)",
    "BEGIN",
    "SELECT lo_open(7000, 393216)",
    "SELECT lowrite(0, 'hello world')",
    "SELECT lo_lseek(0, 5000, 0)",
    "SELECT lowrite(0, 'X')",
    "SELECT lo_tell(0), lo_tell64(0)",
    "SELECT lo_lseek(0, 0, 2)",
    "SELECT lo_lseek(0, -3, 1)",
    "SELECT lo_lseek(0, 2, 0)",
    "SELECT loread(0, 5)",
    "SELECT loread(0, -1)",
    "SELECT lo_lseek(0, 0, 3)",
    "SELECT lo_lseek(0, -1, 0)",
    "SELECT lo_open(7000, 262144)",
    "SELECT lowrite(1, 'no')",
    "SELECT lo_truncate(1, 1)",
    "SELECT lo_close(1)",
    "SELECT lo_close(1)",
    "COMMIT",
    "SELECT loid, pageno, length(data) FROM pg_largeobject WHERE loid = 7000 ORDER BY pageno",
    "SELECT lo_get(7000, 0, 12), lo_get(7000, 4999, 10), length(lo_get(7000))",
    "SELECT lo_get(7000, 0, -1)",
    "SELECT loread(0, 5)",
    "BEGIN",
    "SELECT lo_open(7000, 0)",
    "ROLLBACK",
    "BEGIN",
    "SELECT lo_open(7001, 262144)",
    "ROLLBACK",
    "BEGIN",
    "SELECT lo_open(7000, 131072)",
    "SELECT lo_truncate(0, 4096)",
    "SELECT lo_lseek64(0, 0, 2)",
    "SELECT lo_truncate64(0, 3)",
    "SELECT lo_lseek(0, 0, 2)",
    "COMMIT",
    "SELECT lo_get(7000)",
    "SELECT loid, pageno, length(data) FROM pg_largeobject WHERE loid = 7000 ORDER BY pageno",
    "BEGIN",
    "SELECT lo_from_bytea(7001, 'abc')",
    "SELECT lo_put(7001, 5, 'xy')",
    "SELECT lo_get(7001)",
    "ROLLBACK",
    "SELECT count(*) FROM pg_largeobject_metadata WHERE oid = 7001",
    "SELECT lo_from_bytea(7002, 'abc')",
    "SELECT lo_put(7002, 5, 'xy')",
    "SELECT lo_get(7002)",
    "SELECT lo_from_bytea(7002, 'again')",
    "SELECT lo_unlink(7002)",
    "SELECT lo_unlink(7002)",
    "SELECT lo_put(7002, 0, 'x')",
    "SELECT lo_import('/nonexistent/file')",
    "SELECT oid FROM pg_largeobject_metadata WHERE oid >= 7000 ORDER BY oid",
    "BEGIN READ ONLY",
    "SELECT lo_create(7003)",
    "ROLLBACK",
]


def test_same_answers_as_postgresql(start_server, reference: str) -> None:
    server = start_server()
    mine = answers(server.dsn, SCRIPT)
    theirs = answers(reference, SCRIPT)
    assert len(mine) == len(SCRIPT)
    for got, want in zip(mine, theirs):
        assert got == want


def test_psycopg2_lobject_round_trip(start_server, tmp_path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir=data_dir)
    payload = bytes(range(256)) * 97 + b"tail"
    source = tmp_path / "in.bin"
    source.write_bytes(payload)
    con = psycopg2.connect(server.dsn)
    big = con.lobject(0, "wb")  # lo_creat, lo_open and lowrite as FunctionCall messages
    assert big.write(payload) == len(payload)
    big.seek(-4, 2)
    assert big.read() == b"tail"
    assert big.tell() == len(payload)
    big.truncate(10)
    big.seek(0)
    assert big.read() == payload[:10]
    imported = con.lobject(0, "wb", 0, str(source))  # libpq's client-side lo_import
    con.commit()
    dropped = con.lobject(0, "wb")
    dropped.write(b"never committed")
    lost = dropped.oid
    con.rollback()
    with pytest.raises(psycopg2.OperationalError):
        con.lobject(lost, "rb")
    con.rollback()
    server.kill()

    server = start_server(data_dir=data_dir)
    con = psycopg2.connect(server.dsn)
    again = con.lobject(imported.oid, "rb")
    assert again.read() == payload
    target = tmp_path / "out.bin"
    again.export(str(target))  # libpq's client-side lo_export
    assert target.read_bytes() == payload
    assert con.lobject(big.oid, "rb").read() == payload[:10]
    with con.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_largeobject_metadata")
        assert cur.fetchone() == (2,)
    con.lobject(big.oid).unlink()
    con.commit()
    with con.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_largeobject WHERE loid = %s", (big.oid,))
        assert cur.fetchone() == (0,)
    con.close()


def test_concurrent_writers_of_one_page_wait(start_server) -> None:
    server = start_server()
    a = psycopg2.connect(server.dsn)
    b = psycopg2.connect(server.dsn)
    with a.cursor() as cur:
        cur.execute("SELECT lo_from_bytea(9000, 'abc')")
    a.commit()
    with a.cursor() as cur:
        cur.execute("SELECT lo_put(9000, 0, 'x')")
    with b.cursor() as cur:
        cur.execute("SET lock_timeout = '200ms'")
        with pytest.raises(psycopg2.errors.LockNotAvailable):
            cur.execute("SELECT lo_put(9000, 1, 'y')")
    b.rollback()
    a.commit()
    with b.cursor() as cur:
        cur.execute("SELECT lo_get(9000)")
        assert bytes(cur.fetchone()[0]) == b"xbc"
    a.close()
    b.close()


@pytest.mark.needs_psql
def test_psql_lo_commands(start_server, tmp_path) -> None:
    """psql's \\lo_import (with a comment: COMMENT ON LARGE OBJECT), \\lo_list, \\lo_export, \\lo_unlink."""
    server = start_server()
    source, target = tmp_path / "in.bin", tmp_path / "out.bin"
    source.write_bytes(bytes(range(256)) * 50)
    out = server.psql("-v", "ON_ERROR_STOP=1", input=(
        f"\\lo_import {source} 'the comment'\n\\set loid :LASTOID\n\\lo_list\n"
        f"\\lo_export :loid {target}\n\\lo_unlink :loid\n\\lo_list\n")).stdout
    assert "the comment" in out and "lo_unlink" in out
    assert target.read_bytes() == source.read_bytes()
    assert "(0 rows)" in out.rsplit("Large objects", 1)[1]
