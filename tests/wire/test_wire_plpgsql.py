"""Functions and PL/pgSQL over a real socket with real clients: RAISE notices reach psql and
psycopg2, psql's \\df and \\sf list and show user functions, and a pg_dump of a database with
functions loads back into orbitdb and into PostgreSQL 15, where the functions behave the same."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from reference_pg import reference_postgres

pytestmark = pytest.mark.needs_psql

FUNCTIONS = """
CREATE TABLE {t} (id int PRIMARY KEY, name text NOT NULL, qty int DEFAULT 0);
INSERT INTO {t} VALUES (1, 'bolt', 5), (2, 'nut', 0), (3, 'gear', 12);
CREATE FUNCTION {p}_stock(min_qty int DEFAULT 1) RETURNS TABLE(item text, qty int)
  LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY SELECT x.name, x.qty FROM {t} x WHERE x.qty >= min_qty ORDER BY x.id;
END $$;
CREATE FUNCTION {p}_label(i int) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS
  $$ SELECT 'item-' || i $$;
CREATE FUNCTION {p}_total() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE r record; s bigint := 0;
BEGIN
  FOR r IN SELECT qty FROM {t} LOOP s := s + r.qty; END LOOP;
  RAISE NOTICE 'total is %', s;
  RETURN s;
END $$;
CREATE PROCEDURE {p}_restock(n int, INOUT added int DEFAULT 0) LANGUAGE plpgsql AS $$
BEGIN
  UPDATE {t} SET qty = qty + n WHERE qty = 0;
  GET DIAGNOSTICS added = ROW_COUNT;
END $$;
COMMENT ON FUNCTION {p}_label(int) IS 'a label';
"""
CHECKS = [
    "SELECT * FROM {p}_stock()",
    "SELECT * FROM {p}_stock(6)",
    "SELECT {p}_label(7), {p}_label(NULL)",
    "SELECT {p}_total()",
    ("SELECT pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), provolatile, proisstrict "
     "FROM pg_proc p WHERE proname LIKE '{p}%' ORDER BY proname"),
    "SELECT obj_description('{p}_label'::regproc, 'pg_proc')",
]


def test_raise_notices_reach_psql_and_psycopg2(server) -> None:
    out = server.psql("-c", "DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful' USING "
                            "HINT = 'mind it'; END $$")
    assert "NOTICE:  hello 42" in out.stderr and "WARNING:  careful" in out.stderr and "HINT:  mind it" in out.stderr
    out = server.psql("-c", "DO $$ BEGIN RAISE EXCEPTION 'nope' USING ERRCODE = 'P0009'; END $$", check=False)
    assert out.returncode != 0 and "ERROR:  nope" in out.stderr
    con = psycopg2.connect(server.dsn)
    try:
        con.autocommit = True
        cur = con.cursor()
        cur.execute("DO $$ BEGIN RAISE NOTICE 'from %', 'psycopg2'; END $$")
        assert con.notices[-1] == "NOTICE:  from psycopg2\n"
        cur.execute("CREATE FUNCTION wire_twice(x int) RETURNS int LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE NOTICE 'x=%', x; RETURN x * 2; END $$")
        cur.execute("SELECT wire_twice(%s)", (21,))
        assert cur.fetchall() == [(42,)] and con.notices[-1] == "NOTICE:  x=21\n"
        with pytest.raises(psycopg2.Error) as e:
            cur.execute("CREATE FUNCTION wire_bad() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  IF THEN\nEND $$")
        assert e.value.pgcode == "42601"
    finally:
        con.close()


def test_psql_lists_and_shows_functions(server) -> None:
    p = "f" + uuid.uuid4().hex[:6]
    server.psql("-c", f"CREATE FUNCTION {p}(a int, b text DEFAULT 'x') RETURNS int LANGUAGE sql AS $$ SELECT a $$")
    out = server.psql("-c", f"\\df {p}")
    assert f"| {p} " in out.stdout and "a integer, b text DEFAULT 'x'::text" in out.stdout and "func" in out.stdout
    out = server.psql("-c", f"\\df+ {p}")
    assert "sql" in out.stdout and "SELECT a" in out.stdout
    out = server.psql("-c", f"\\sf {p}")
    assert out.stdout.startswith(f"CREATE OR REPLACE FUNCTION public.{p}(a integer, b text DEFAULT 'x'::text)")
    assert "AS $function$ SELECT a $function$" in out.stdout
    out = server.psql("-c", f"CREATE FUNCTION {p}_e() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1 +;\nEND $$",
                      check=False)
    assert "syntax error" in out.stderr and "LINE 3:" in out.stderr


def _rows(dsn: str, sql: str) -> list[tuple]:
    con = psycopg2.connect(dsn)
    try:
        con.autocommit = True
        cur = con.cursor()
        cur.execute(sql)
        return cur.fetchall()
    finally:
        con.close()


def test_pg_dump_with_functions_reloads_into_orbitdb_and_postgresql(server, start_server, tmp_path: Path) -> None:
    t = "inv_" + uuid.uuid4().hex[:6]
    p = "fn_" + uuid.uuid4().hex[:6]
    server.psql("-v", "ON_ERROR_STOP=1", input=FUNCTIONS.format(t=t, p=p))
    checks = [c.format(p=p) for c in CHECKS]
    before = [_rows(server.dsn, c) for c in checks]
    assert before[0] == [("bolt", 5), ("gear", 12)] and before[3] == [(17,)]
    dump = subprocess.run(["pg_dump", "-h", server.host, "-p", str(server.port), "-U", "orbit", "-d", "actors",
                           "-t", t, "--no-owner", "--schema-only"], check=False, capture_output=True, text=True, timeout=120)
    assert dump.returncode == 0, dump.stderr
    full = subprocess.run(["pg_dump", "-h", server.host, "-p", str(server.port), "-U", "orbit", "-d", "actors",
                           "--no-owner", "--no-privileges"], check=False, capture_output=True, text=True, timeout=120)
    assert full.returncode == 0, full.stderr
    text = full.stdout
    assert f"CREATE FUNCTION public.{p}_stock(min_qty integer DEFAULT 1) RETURNS TABLE(item text, qty integer)" in text
    assert f"CREATE PROCEDURE public.{p}_restock(IN n integer, INOUT added integer DEFAULT 0)" in text
    dump_file = tmp_path / "dump.sql"
    dump_file.write_text(text)

    fresh = start_server(data_dir=tmp_path / "fresh")
    fresh.psql("-v", "ON_ERROR_STOP=1", "-f", str(dump_file))
    assert [_rows(fresh.dsn, c) for c in checks] == before
    assert _rows(fresh.dsn, f"CALL {p}_restock(4)") == [(1,)]

    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        host_port = dict(kv.split("=") for kv in dsn.split())
        load = subprocess.run(["psql", "-X", "-h", host_port["host"], "-p", host_port["port"], "-U", "postgres",
                               "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-f", str(dump_file)],
                              check=False, capture_output=True, text=True, timeout=120)
        assert load.returncode == 0, load.stderr
        assert [_rows(dsn, c) for c in checks] == before
        assert _rows(dsn, f"CALL {p}_restock(4)") == [(1,)]
