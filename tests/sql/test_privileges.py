"""GRANT/REVOKE on tables, columns, schemas, sequences and databases, and their enforcement:
a role without the privilege gets 42501 in PostgreSQL's words at the point PostgreSQL checks
(queries and row changes, column lists, views read as their owner, sequences, DDL by owners
only, CREATE in a schema); a superuser passes every check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import orbitdb


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[orbitdb.Connection]:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    cur = c.cursor()
    for sql in ("CREATE ROLE alice", "CREATE ROLE bob", "CREATE ROLE staff",
                "CREATE TABLE t (id int PRIMARY KEY, name text, salary int)",
                "INSERT INTO t VALUES (1, 'ann', 100), (2, 'ben', 200)",
                "CREATE SEQUENCE s", "CREATE TABLE serials (id serial, v text)"):
        cur.execute(sql)
    yield c
    c.close()


def rows(conn: orbitdb.Connection, sql: str) -> list[tuple[Any, ...]]:
    cur = conn.cursor()
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()] if cur.description else []


def denied(conn: orbitdb.Connection, sql: str) -> str:
    with pytest.raises(orbitdb.Error) as info:
        conn.cursor().execute(sql)
    assert info.value.sqlstate == "42501", (sql, info.value)
    return str(info.value).splitlines()[0]


def as_role(conn: orbitdb.Connection, role: str | None) -> None:
    conn.cursor().execute(f"SET ROLE {role}" if role else "RESET ROLE")


def test_table_privileges_are_enforced(conn: orbitdb.Connection) -> None:
    as_role(conn, "alice")
    assert denied(conn, "SELECT * FROM t") == "permission denied for table t"
    assert denied(conn, "INSERT INTO t VALUES (3, 'c', 1)") == "permission denied for table t"
    assert denied(conn, "UPDATE t SET salary = 0") == "permission denied for table t"
    assert denied(conn, "DELETE FROM t") == "permission denied for table t"
    assert denied(conn, "TRUNCATE t") == "permission denied for table t"
    as_role(conn, None)
    conn.cursor().execute("GRANT SELECT, INSERT ON t TO alice")
    as_role(conn, "alice")
    assert rows(conn, "SELECT id, name FROM t ORDER BY id") == [(1, "ann"), (2, "ben")]
    conn.cursor().execute("INSERT INTO t VALUES (3, 'cy', 300)")
    denied(conn, "UPDATE t SET salary = 0")
    as_role(conn, None)
    conn.cursor().execute("REVOKE INSERT ON t FROM alice")
    as_role(conn, "alice")
    denied(conn, "INSERT INTO t VALUES (4, 'd', 1)")
    assert rows(conn, "SELECT count(*) FROM t") == [(3,)]


def test_column_privileges(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("GRANT SELECT (id, name), UPDATE (name) ON t TO alice")
    cur.execute("GRANT INSERT (id, name) ON t TO alice")
    as_role(conn, "alice")
    assert rows(conn, "SELECT id, name FROM t ORDER BY id") == [(1, "ann"), (2, "ben")]
    assert rows(conn, "SELECT count(*) FROM t") == [(2,)]
    assert denied(conn, "SELECT salary FROM t") == "permission denied for table t"
    denied(conn, "SELECT * FROM t")
    denied(conn, "SELECT id FROM t WHERE salary > 0")  # a column read in WHERE needs SELECT too
    cur.execute("UPDATE t SET name = upper(name) WHERE id = 1")
    denied(conn, "UPDATE t SET salary = 1 WHERE id = 1")
    cur.execute("INSERT INTO t (id, name) VALUES (5, 'eve')")
    denied(conn, "INSERT INTO t (id, name, salary) VALUES (6, 'f', 1)")
    denied(conn, "INSERT INTO t (id, name) VALUES (7, 'g') RETURNING salary")
    as_role(conn, None)
    assert rows(conn, "SELECT attname, attacl::text FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 "
                      "ORDER BY attnum") == [("id", "{alice=ar/orbit}"), ("name", "{alice=arw/orbit}"), ("salary", None)]
    assert rows(conn, "SELECT has_column_privilege('alice', 't', 'name', 'UPDATE'), "
                      "has_column_privilege('alice', 't', 'salary', 'SELECT'), has_table_privilege('alice', 't', 'SELECT'), "
                      "has_any_column_privilege('alice', 't', 'SELECT')") == [(True, False, False, True)]


def test_privileges_through_groups_and_public(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("GRANT staff TO bob")
    cur.execute("GRANT SELECT ON t TO staff")
    as_role(conn, "bob")
    assert rows(conn, "SELECT count(*) FROM t") == [(2,)]
    as_role(conn, "alice")
    denied(conn, "SELECT count(*) FROM t")
    as_role(conn, None)
    cur.execute("GRANT SELECT ON t TO PUBLIC")
    as_role(conn, "alice")
    assert rows(conn, "SELECT count(*) FROM t") == [(2,)]
    as_role(conn, None)
    assert rows(conn, "SELECT relacl::text FROM pg_class WHERE relname = 't'") == [
        ("{orbit=arwdDxt/orbit,staff=r/orbit,=r/orbit}",)]


def test_views_read_their_tables_as_the_view_owner(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE VIEW names AS SELECT id, name FROM t")
    cur.execute("GRANT SELECT ON names TO alice")
    as_role(conn, "alice")
    assert rows(conn, "SELECT * FROM names ORDER BY id") == [(1, "ann"), (2, "ben")]  # the owner (a superuser) reads t
    denied(conn, "SELECT * FROM t")
    as_role(conn, None)
    cur.execute("ALTER VIEW names OWNER TO bob")  # bob may not read t: nor may the view, for anyone
    as_role(conn, "alice")
    assert denied(conn, "SELECT * FROM names") == "permission denied for table t"
    as_role(conn, None)
    denied(conn, "SELECT * FROM names")  # a superuser too: the view's owner is checked


def test_schema_privileges(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE SCHEMA app")
    cur.execute("CREATE TABLE app.x (a int)")
    cur.execute("GRANT SELECT ON app.x TO alice")
    as_role(conn, "alice")
    assert denied(conn, "SELECT * FROM app.x") == "permission denied for schema app"
    assert denied(conn, "CREATE TABLE mine (a int)") == "permission denied for schema public"
    as_role(conn, None)
    cur.execute("GRANT USAGE, CREATE ON SCHEMA app TO alice")
    as_role(conn, "alice")
    assert rows(conn, "SELECT * FROM app.x") == []
    cur.execute("CREATE TABLE app.mine (a int)")
    cur.execute("INSERT INTO app.mine VALUES (1)")  # an owner holds every privilege on its table
    cur.execute("DROP TABLE app.mine")
    as_role(conn, None)
    assert rows(conn, "SELECT nspacl::text FROM pg_namespace WHERE nspname = 'app'") == [
        ("{orbit=UC/orbit,alice=UC/orbit}",)]


def test_sequence_privileges(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("GRANT INSERT ON serials TO alice")
    as_role(conn, "alice")
    assert denied(conn, "SELECT nextval('s')") == "permission denied for sequence s"
    denied(conn, "INSERT INTO serials (v) VALUES ('x')")  # the default's nextval needs USAGE too
    as_role(conn, None)
    cur.execute("GRANT USAGE ON SEQUENCE s, serials_id_seq TO alice")
    as_role(conn, "alice")
    assert rows(conn, "SELECT nextval('s')") == [(1,)]
    assert rows(conn, "SELECT currval('s')") == [(1,)]
    denied(conn, "SELECT setval('s', 10)")
    cur.execute("INSERT INTO serials (v) VALUES ('x')")
    as_role(conn, None)
    with pytest.raises(orbitdb.Error) as info:
        cur.execute("GRANT INSERT ON SEQUENCE s TO alice")
    assert info.value.sqlstate == "0LP01"


def test_ddl_is_for_owners(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("GRANT ALL ON t TO alice")
    as_role(conn, "alice")
    assert denied(conn, "ALTER TABLE t ADD COLUMN x int") == "must be owner of table t"
    assert denied(conn, "DROP TABLE t") == "must be owner of table t"
    assert denied(conn, "CREATE INDEX ON t (name)") == "must be owner of table t"
    assert denied(conn, "ALTER TABLE t OWNER TO alice") == "must be owner of table t"
    assert denied(conn, "DROP SEQUENCE s") == "must be owner of sequence s"
    cur.execute("TRUNCATE t")  # a privilege, granted by ALL
    as_role(conn, None)
    cur.execute("ALTER TABLE t OWNER TO alice")
    as_role(conn, "alice")
    cur.execute("ALTER TABLE t ADD COLUMN x int")
    assert denied(conn, "ALTER TABLE t OWNER TO bob") == 'must be member of role "bob"'


def test_grant_option(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("GRANT SELECT ON t TO alice WITH GRANT OPTION")
    as_role(conn, "bob")
    assert denied(conn, "GRANT SELECT ON t TO bob") == "permission denied for table t"
    as_role(conn, "alice")
    cur.execute("GRANT SELECT, DELETE ON t TO bob")  # only what alice may grant is granted
    assert any("not all privileges were granted" in n for n in conn.notices)
    as_role(conn, None)
    assert rows(conn, "SELECT relacl::text FROM pg_class WHERE relname = 't'") == [
        ("{orbit=arwdDxt/orbit,alice=r*/orbit,bob=r/alice}",)]
    assert rows(conn, "SELECT grantee, privilege_type, is_grantable FROM information_schema.table_privileges "
                      "WHERE table_name = 't' AND grantee <> 'orbit' ORDER BY 1") == [
        ("alice", "SELECT", "YES"), ("bob", "SELECT", "NO")]


def test_superuser_only_operations(conn: orbitdb.Connection) -> None:
    as_role(conn, "alice")
    denied(conn, "SET log_statement = 'all'")
    assert "must be superuser" in denied(conn, "COPY t TO '/tmp/orbitdb-should-not-exist'")
    as_role(conn, None)
    conn.cursor().execute("SET log_statement = 'all'")


def test_privilege_checks_follow_a_cached_plan_across_roles(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    for _ in range(3):
        assert rows(conn, "SELECT count(*) FROM t WHERE id > 0") == [(2,)]
    as_role(conn, "alice")
    for _ in range(2):
        denied(conn, "SELECT count(*) FROM t WHERE id > 0")
    as_role(conn, None)
    cur.execute("GRANT SELECT ON t TO alice")
    as_role(conn, "alice")
    assert rows(conn, "SELECT count(*) FROM t WHERE id > 0") == [(2,)]


def test_execute_on_routines(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    for sql in ("CREATE FUNCTION plus1(i int) RETURNS int LANGUAGE sql AS $$ SELECT i + 1 $$",
                "CREATE FUNCTION total() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS $$ SELECT sum(salary) FROM t $$",
                "CREATE FUNCTION total_invoker() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT sum(salary) FROM t); END $$",
                "CREATE PROCEDURE noop() LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$",
                "REVOKE EXECUTE ON FUNCTION plus1(int) FROM PUBLIC", "REVOKE ALL ON PROCEDURE noop() FROM PUBLIC"):
        cur.execute(sql)
    assert rows(conn, "SELECT proname, proacl::text FROM pg_proc WHERE proname IN ('plus1', 'noop') ORDER BY 1") == [
        ("noop", "{orbit=X/orbit}"), ("plus1", "{orbit=X/orbit}")]
    as_role(conn, "alice")
    assert denied(conn, "SELECT plus1(1)") == "permission denied for function plus1"  # inlined, still checked
    assert denied(conn, "CALL noop()") == "permission denied for procedure noop"
    assert rows(conn, "SELECT total()") == [(300,)]  # SECURITY DEFINER: read as its owner
    assert denied(conn, "SELECT total_invoker()") == "permission denied for table t"
    as_role(conn, None)
    cur.execute("GRANT EXECUTE ON FUNCTION plus1(int) TO alice")
    cur.execute("GRANT EXECUTE ON PROCEDURE noop() TO alice")
    as_role(conn, "alice")
    assert rows(conn, "SELECT plus1(1), has_function_privilege('plus1(int)', 'EXECUTE')") == [(2, True)]
    cur.execute("CALL noop()")
