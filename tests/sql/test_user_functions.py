"""User-defined functions and procedures (CREATE/DROP/ALTER FUNCTION, CALL), LANGUAGE sql and the
catalog rows psql and pg_dump read, through the embedded DB-API. The statement-by-statement
comparison with PostgreSQL 15 is the compat corpus 32_functions_plpgsql.sql."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import orbitdb


@pytest.fixture
def conn(tmp_path: Path) -> orbitdb.Connection:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    return c


def rows(c: orbitdb.Connection, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    cur = c.cursor()
    cur.execute(sql, params)
    return cur.fetchall()


def fails(c: orbitdb.Connection, sql: str) -> orbitdb.Error:
    with pytest.raises(orbitdb.Error) as e:
        c.cursor().execute(sql)
    return e.value


def test_sql_function_overloads_defaults_and_named_arguments(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE FUNCTION f(a int, b int DEFAULT 10) RETURNS int LANGUAGE sql AS 'SELECT a * b'")
    cur.execute("CREATE FUNCTION f(a text) RETURNS text LANGUAGE sql AS $$ SELECT upper(a) $$")
    assert rows(conn, "SELECT f(2), f(2, 3), f(b => 4, a => 5), f('x'), f(a := 3)") == [(20, 6, 20, "X", 30)]
    assert rows(conn, "SELECT f(%s)", [7]) == [(70,)]  # a parameter, typed by the driver
    e = fails(conn, "SELECT f(1, 2, 3)")
    assert e.sqlstate == "42883" and "f(integer, integer, integer)" in str(e)
    e = fails(conn, "CREATE FUNCTION f(x int, y int) RETURNS int LANGUAGE sql AS 'SELECT 1'")
    assert e.sqlstate == "42723"


def test_strict_set_returning_and_row_results(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
    cur.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    cur.execute("CREATE FUNCTION s(x int) RETURNS int STRICT LANGUAGE sql AS 'SELECT 1'")
    assert rows(conn, "SELECT s(NULL), s(5)") == [(None, 1)]
    cur.execute("CREATE FUNCTION above(n int) RETURNS SETOF t LANGUAGE sql AS 'SELECT * FROM t WHERE id > n'")
    assert rows(conn, "SELECT v FROM above(1) ORDER BY v DESC") == [("c",), ("b",)]
    cur.execute("CREATE FUNCTION pairs() RETURNS TABLE(k int, w text) LANGUAGE sql AS 'SELECT id, v FROM t'")
    assert sorted(rows(conn, "SELECT * FROM pairs()")) == [(1, "a"), (2, "b"), (3, "c")]
    cur.execute("CREATE FUNCTION mm(OUT lo int, OUT hi int) LANGUAGE sql AS 'SELECT min(id), max(id) FROM t'")
    assert rows(conn, "SELECT * FROM mm()") == [(1, 3)]
    assert rows(conn, "SELECT (mm()).hi") == [(3,)]
    assert rows(conn, "SELECT id FROM t WHERE id = s(id)") == [(1,)]


def test_create_function_is_transactional_and_persists(tmp_path: Path) -> None:
    c = orbitdb.connect(str(tmp_path / "db"))
    cur = c.cursor()
    cur.execute("CREATE FUNCTION gone() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    c.rollback()
    assert fails(c, "SELECT gone()").sqlstate == "42883"
    c.rollback()
    cur.execute("CREATE FUNCTION kept(x int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN x * 2; END $$")
    c.commit()
    c.close()
    c = orbitdb.connect(str(tmp_path / "db"))
    assert rows(c, "SELECT kept(21)") == [(42,)]
    c.close()


def test_create_or_replace_changes_the_body_for_cached_statements(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE FUNCTION v() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    assert rows(conn, "SELECT v()") == [(1,)]
    cur.execute("CREATE OR REPLACE FUNCTION v() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 2; END $$")
    assert rows(conn, "SELECT v()") == [(2,)]
    e = fails(conn, "CREATE OR REPLACE FUNCTION v() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$")
    assert e.sqlstate == "42P13"


def test_procedures_and_call(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE log (m text)")
    cur.execute("CREATE PROCEDURE note(m text) LANGUAGE sql AS $$ INSERT INTO log VALUES (m) $$")
    cur.execute("CALL note('one')")
    cur.execute("CREATE PROCEDURE twice(INOUT x int) LANGUAGE plpgsql AS $$ BEGIN x := x * 2; END $$")
    cur.execute("CALL twice(21)")
    assert cur.fetchall() == [(42,)] and cur.description[0][0] == "x"
    assert rows(conn, "SELECT m FROM log") == [("one",)]
    assert fails(conn, "SELECT note('x')").sqlstate == "42809"
    assert fails(conn, "CALL nosuch()").sqlstate == "42883"
    cur.execute("DROP PROCEDURE note(text)")
    assert fails(conn, "CALL note('two')").sqlstate == "42883"


def test_drop_alter_and_comment(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE FUNCTION a(x int) RETURNS int LANGUAGE sql AS 'SELECT x'")
    cur.execute("CREATE FUNCTION a(x text) RETURNS text LANGUAGE sql AS 'SELECT x'")
    assert fails(conn, "DROP FUNCTION a").sqlstate == "42725"
    cur.execute("ALTER FUNCTION a(int) RENAME TO b")
    cur.execute("ALTER FUNCTION b(int) IMMUTABLE STRICT")
    cur.execute("COMMENT ON FUNCTION b(integer) IS 'the b'")
    assert rows(conn, "SELECT provolatile, proisstrict, obj_description(oid, 'pg_proc') FROM pg_proc "
                      "WHERE proname = 'b'") == [("i", True, "the b")]
    cur.execute("DROP FUNCTION b(int), a(text)")
    assert rows(conn, "SELECT count(*) FROM pg_proc WHERE proname IN ('a', 'b')") == [(0,)]
    cur.execute("DROP FUNCTION IF EXISTS a(int)")
    assert fails(conn, "DROP FUNCTION a(int)").sqlstate == "42883"
    assert fails(conn, "DROP FUNCTION now()").sqlstate == "2BP01"
    assert fails(conn, "ALTER FUNCTION now() OWNER TO orbit").sqlstate == "0A000"


def test_pg_proc_and_the_function_text(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE FUNCTION g(a int, b text DEFAULT 'z', OUT c int) LANGUAGE plpgsql STABLE STRICT "
                "SET search_path = public AS $$ BEGIN c := a; END $$")
    got = rows(conn, "SELECT pronargs, proargtypes, proallargtypes, proargmodes, proargnames, prorettype, "
                     "proretset, provolatile, proisstrict, prokind, l.lanname, prosrc, proconfig "
                     "FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE proname = 'g'")
    assert got == [(2, [23, 25], [23, 25, 23], ["i", "i", "o"], ["a", "b", "c"], 23, False, "s", True, "f",
                    "plpgsql", " BEGIN c := a; END ", ["search_path=public"])]
    assert rows(conn, "SELECT pg_get_function_arguments('g'::regproc), pg_get_function_identity_arguments("
                      "'g'::regproc), pg_get_function_result('g'::regproc)") == [
        ("a integer, b text DEFAULT 'z'::text, OUT c integer", "a integer, b text", "integer")]
    expected = ("CREATE OR REPLACE FUNCTION public.g(a integer, b text DEFAULT 'z'::text, OUT c integer)\n"
                " RETURNS integer\n LANGUAGE plpgsql\n STABLE STRICT\n SET search_path TO 'public'\n"
                "AS $function$ BEGIN c := a; END $function$\n")
    assert rows(conn, "SELECT pg_get_functiondef('g(int, text)'::regprocedure)") == [(expected,)]
    assert rows(conn, "SELECT lanname FROM pg_language WHERE lanname IN ('sql', 'plpgsql') ORDER BY 1") == [
        ("plpgsql",), ("sql",)]


def test_definition_errors(conn: orbitdb.Connection) -> None:
    assert fails(conn, "CREATE FUNCTION x() RETURNS int AS 'SELECT 1'").sqlstate == "42P13"
    assert fails(conn, "CREATE FUNCTION x() RETURNS int LANGUAGE plperl AS 'x'").sqlstate == "0A000"
    assert fails(conn, "CREATE FUNCTION x() RETURNS int LANGUAGE nope AS 'x'").sqlstate == "42704"
    assert fails(conn, "CREATE FUNCTION x(a int DEFAULT 1, b int) RETURNS int LANGUAGE sql AS 'SELECT 1'"
                 ).sqlstate == "42P13"
    assert fails(conn, "CREATE FUNCTION x(OUT a int) RETURNS text LANGUAGE sql AS 'SELECT 1'").sqlstate == "42P13"
    assert fails(conn, "CREATE FUNCTION x() RETURNS nosuchtype LANGUAGE sql AS 'SELECT 1'").sqlstate == "42704"
    assert fails(conn, "CREATE FUNCTION x() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END").sqlstate in (
        "0A000", "42601")
    e = fails(conn, "CREATE FUNCTION x() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1 +;\nEND $$")
    assert e.sqlstate == "42601" and e.detail == "PL/pgSQL body line 3"
