"""SQL-level prepared statements: PREPARE, EXECUTE, DEALLOCATE, pg_prepared_statements, and
their errors (PostgreSQL 15's SQLSTATEs)."""

from __future__ import annotations

from pathlib import Path

import pytest

import orbitdb


@pytest.fixture
def con(tmp_path: Path) -> orbitdb.Connection:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    cur = c.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, name text)")
    cur.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')")
    return c


def rows(c: orbitdb.Connection, sql: str) -> list[tuple]:
    cur = c.cursor()
    cur.execute(sql)
    return cur.fetchall()


def sqlstate(c: orbitdb.Connection, sql: str) -> str:
    with pytest.raises(orbitdb.Error) as info:
        c.cursor().execute(sql)
    return info.value.sqlstate


def test_prepare_execute_with_declared_and_inferred_types(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("PREPARE by_id (int) AS SELECT name FROM t WHERE id = $1")
    assert cur.statusmessage == "PREPARE"
    assert rows(con, "EXECUTE by_id(2)") == [("two",)]
    assert rows(con, "EXECUTE by_id('3')") == [("three",)]  # the argument takes the parameter's type
    cur.execute("PREPARE above AS SELECT id FROM t WHERE id > $1 ORDER BY id")
    assert rows(con, "EXECUTE above(1 + 0)") == [(2,), (3,)]
    cur.execute("PREPARE plain AS SELECT count(*) FROM t")
    assert rows(con, "EXECUTE plain") == [(3,)]


def test_execute_row_changes_and_their_tags(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("PREPARE ins (int, text) AS INSERT INTO t VALUES ($1, $2) RETURNING id")
    cur.execute("EXECUTE ins(10, 'ten')")
    assert cur.fetchall() == [(10,)]
    cur.execute("PREPARE upd (text, int) AS UPDATE t SET name = $1 WHERE id <= $2")
    cur.execute("EXECUTE upd('x', 2)")
    assert cur.statusmessage == "UPDATE 2"
    assert rows(con, "SELECT name FROM t ORDER BY id") == [("x",), ("x",), ("three",), ("ten",)]


def test_execute_sees_later_ddl_but_keeps_its_row_type(con: orbitdb.Connection) -> None:
    con.cursor().execute("PREPARE everything AS SELECT * FROM t WHERE id = 1")
    con.cursor().execute("PREPARE names AS SELECT name FROM t WHERE id = 1")
    con.cursor().execute("ALTER TABLE t ADD COLUMN extra int DEFAULT 7")
    assert sqlstate(con, "EXECUTE everything") == "0A000"  # cached plan must not change result type
    assert rows(con, "EXECUTE names") == [("one",)]
    con.cursor().execute("UPDATE t SET name = 'uno' WHERE id = 1")
    assert rows(con, "EXECUTE names") == [("uno",)]


def test_errors(con: orbitdb.Connection) -> None:
    con.cursor().execute("PREPARE p (int) AS SELECT $1")
    assert sqlstate(con, "PREPARE p AS SELECT 1") == "42P05"
    assert sqlstate(con, "EXECUTE nope") == "26000"
    assert sqlstate(con, "DEALLOCATE nope") == "26000"
    assert sqlstate(con, "EXECUTE p(1, 2)") == "42601"
    assert sqlstate(con, "EXECUTE p") == "42601"
    assert sqlstate(con, "EXECUTE p('x')") == "22P02"
    assert sqlstate(con, "PREPARE q AS CREATE TABLE z (a int)") == "42601"
    outside = con.cursor()
    outside.execute("PREPARE TRANSACTION 'g'")  # outside a transaction block: a warning, nothing prepared
    assert outside.statusmessage == "ROLLBACK"
    assert rows(con, "SELECT count(*) FROM pg_prepared_xacts") == [(0,)]


def test_failed_prepare_in_block_aborts_it(con: orbitdb.Connection) -> None:
    con.autocommit = False
    assert sqlstate(con, "PREPARE bad AS SELECT * FROM missing") == "42P01"
    assert sqlstate(con, "SELECT 1") == "25P02"
    con.rollback()
    assert sqlstate(con, "EXECUTE bad") == "26000"


def test_deallocate_and_catalog_view(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("PREPARE a (int, text) AS SELECT $1, $2")
    cur.execute("PREPARE b AS SELECT 1")
    listed = rows(con, "SELECT name, statement, from_sql, cardinality(parameter_types) FROM pg_prepared_statements "
                       "ORDER BY name")
    assert listed == [("a", "PREPARE a (int, text) AS SELECT $1, $2", True, 2),
                      ("b", "PREPARE b AS SELECT 1", True, 0)]
    cur.execute("DEALLOCATE PREPARE a")
    assert cur.statusmessage == "DEALLOCATE"
    assert rows(con, "SELECT name FROM pg_prepared_statements") == [("b",)]
    cur.execute("DEALLOCATE ALL")
    assert rows(con, "SELECT count(*) FROM pg_prepared_statements") == [(0,)]


def test_discard_all_clears_statements_cursors_and_channels(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("PREPARE a AS SELECT 1")
    cur.execute("LISTEN ch")
    cur.execute("DECLARE h CURSOR WITH HOLD FOR SELECT 1")
    cur.execute("DISCARD ALL")
    assert rows(con, "SELECT count(*) FROM pg_prepared_statements") == [(0,)]
    assert rows(con, "SELECT count(*) FROM pg_cursors") == [(0,)]
    assert rows(con, "SELECT count(*) FROM pg_listening_channels()") == [(0,)]


def test_create_table_as_execute(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("PREPARE q (int) AS SELECT id, name FROM t WHERE id >= $1")
    cur.execute("CREATE TABLE copy AS EXECUTE q(2)")
    assert cur.statusmessage == "SELECT 2"
    assert rows(con, "SELECT * FROM copy ORDER BY id") == [(2, "two"), (3, "three")]
    cur.execute("CREATE TEMP TABLE empty (i, n) AS EXECUTE q(1) WITH NO DATA")
    assert rows(con, "SELECT count(*) FROM empty") == [(0,)]
    assert [d.name for d in cur.execute("SELECT * FROM empty").description] == ["i", "n"]
    cur.execute("PREPARE ins AS INSERT INTO t VALUES (9, 'nine')")
    assert sqlstate(con, "CREATE TABLE nope AS EXECUTE ins") == "42809"
    assert sqlstate(con, "CREATE TABLE nope AS EXECUTE missing") == "26000"
    assert sqlstate(con, "CREATE TABLE nope AS EXECUTE q") == "42601"
