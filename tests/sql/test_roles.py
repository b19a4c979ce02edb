"""CREATE/ALTER/DROP ROLE, membership and SET ROLE on an embedded database: roles are kept in
the database's directory (a server keeps them for its whole data dir), survive a restart, and
behave as PostgreSQL 15's do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import orbitdb


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "db")


@pytest.fixture
def conn(path: str) -> Iterator[orbitdb.Connection]:
    c = orbitdb.connect(path)
    c.autocommit = True
    yield c
    c.close()


def rows(conn: orbitdb.Connection, sql: str) -> list[tuple[Any, ...]]:
    cur = conn.cursor()
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


def sqlstate(conn: orbitdb.Connection, sql: str) -> str:
    with pytest.raises(orbitdb.Error) as info:
        conn.cursor().execute(sql)
    return str(info.value.sqlstate)


def test_create_role_options_are_kept(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE ROLE r1 WITH LOGIN CREATEDB NOINHERIT CONNECTION LIMIT 5 PASSWORD 'pw' VALID UNTIL 'infinity'")
    cur.execute("CREATE USER u1")
    cur.execute("CREATE GROUP g1")
    assert rows(conn, "SELECT rolname, rolsuper, rolinherit, rolcreatedb, rolcanlogin, rolconnlimit, rolpassword "
                      "FROM pg_roles WHERE rolname IN ('r1', 'u1', 'g1') ORDER BY 1") == [
        ("g1", False, True, False, False, -1, "********"),
        ("r1", False, False, True, True, 5, "********"),
        ("u1", False, True, False, True, -1, "********"),
    ]
    secret = rows(conn, "SELECT rolpassword FROM pg_authid WHERE rolname = 'r1'")[0][0]
    assert secret.startswith("SCRAM-SHA-256$4096:")  # a verifier, never the password
    assert rows(conn, "SELECT usename FROM pg_user WHERE usename IN ('r1', 'u1', 'g1') ORDER BY 1") == [("r1",), ("u1",)]


def test_role_names_are_checked(conn: orbitdb.Connection) -> None:
    conn.cursor().execute("CREATE ROLE taken")
    assert sqlstate(conn, "CREATE ROLE taken") == "42710"
    assert sqlstate(conn, "CREATE ROLE public") == "42939"
    assert sqlstate(conn, "CREATE ROLE pg_mine") == "42939"
    assert sqlstate(conn, "CREATE ROLE x LOGIN NOLOGIN") == "42601"
    assert sqlstate(conn, "CREATE ROLE y IN ROLE nosuch") == "42704"
    assert sqlstate(conn, "ALTER ROLE nosuch LOGIN") == "42704"
    assert sqlstate(conn, "DROP ROLE nosuch") == "42704"
    conn.cursor().execute("DROP ROLE IF EXISTS nosuch")
    assert conn.notices[-1].rstrip().endswith('role "nosuch" does not exist, skipping')


def test_roles_survive_a_restart(path: str) -> None:
    c = orbitdb.connect(path)
    c.autocommit = True
    cur = c.cursor()
    cur.execute("CREATE ROLE kept LOGIN")
    cur.execute("CREATE ROLE team")
    cur.execute("GRANT team TO kept WITH ADMIN OPTION")
    cur.execute("CREATE TABLE t (a int)")
    cur.execute("GRANT SELECT ON t TO kept")
    c.close()
    c = orbitdb.connect(path)
    assert rows(c, "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('kept', 'team') ORDER BY 1") == [
        ("kept", True), ("team", False)]
    assert rows(c, "SELECT roleid::regrole::text, member::regrole::text, admin_option FROM pg_auth_members "
                   "WHERE member::regrole::text = 'kept'") == [("team", "kept", True)]
    assert rows(c, "SELECT relacl::text FROM pg_class WHERE relname = 't'") == [("{orbit=arwdDxt/orbit,kept=r/orbit}",)]
    c.close()


def test_membership_and_inheritance(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    for sql in ("CREATE ROLE grp", "CREATE ROLE inner_grp IN ROLE grp", "CREATE ROLE heir", "CREATE ROLE stub NOINHERIT",
                "GRANT inner_grp TO heir", "GRANT grp TO stub"):
        cur.execute(sql)
    assert rows(conn, "SELECT pg_has_role('heir', 'grp', 'MEMBER'), pg_has_role('heir', 'grp', 'USAGE'), "
                      "pg_has_role('stub', 'grp', 'MEMBER'), pg_has_role('stub', 'grp', 'USAGE'), "
                      "pg_has_role('grp', 'heir', 'MEMBER')") == [(True, True, True, False, False)]
    assert sqlstate(conn, "GRANT heir TO grp") == "0LP01"  # would make a cycle
    cur.execute("GRANT inner_grp TO heir")
    assert conn.notices[-1].rstrip().endswith('role "heir" is already a member of role "inner_grp"')
    cur.execute("REVOKE inner_grp FROM heir")
    assert rows(conn, "SELECT pg_has_role('heir', 'grp', 'MEMBER')") == [(False,)]
    cur.execute("ALTER GROUP grp ADD USER heir")
    assert rows(conn, "SELECT pg_has_role('heir', 'grp', 'MEMBER')") == [(True,)]
    cur.execute("ALTER GROUP grp DROP USER heir")
    assert rows(conn, "SELECT pg_has_role('heir', 'grp', 'MEMBER')") == [(False,)]


def test_alter_role_rename_and_settings(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE ROLE old_name LOGIN")
    cur.execute("CREATE TABLE owned (a int)")
    cur.execute("ALTER TABLE owned OWNER TO old_name")
    cur.execute("ALTER ROLE old_name RENAME TO new_name")
    assert rows(conn, "SELECT tableowner FROM pg_tables WHERE tablename = 'owned'") == [("new_name",)]
    cur.execute("ALTER ROLE new_name SET search_path = a, b")
    cur.execute("ALTER ROLE new_name NOLOGIN CREATEROLE")
    assert rows(conn, "SELECT rolcanlogin, rolcreaterole, rolconfig FROM pg_roles WHERE rolname = 'new_name'") == [
        (False, True, ["search_path=a, b"])]
    cur.execute("ALTER ROLE new_name RESET ALL")
    assert rows(conn, "SELECT rolconfig FROM pg_roles WHERE rolname = 'new_name'") == [(None,)]


def test_drop_role_refused_while_it_owns_or_holds(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE ROLE holder")
    cur.execute("CREATE TABLE t (a int)")
    cur.execute("CREATE TABLE t2 (a int)")
    cur.execute("GRANT SELECT ON t TO holder")
    cur.execute("ALTER TABLE t2 OWNER TO holder")
    with pytest.raises(orbitdb.Error) as info:
        cur.execute("DROP ROLE holder")
    assert info.value.sqlstate == "2BP01"
    assert 'role "holder" cannot be dropped because some objects depend on it' in str(info.value)
    cur.execute("REASSIGN OWNED BY holder TO CURRENT_USER")
    assert rows(conn, "SELECT tableowner FROM pg_tables WHERE tablename = 't2'") == [("orbit",)]
    cur.execute("DROP OWNED BY holder")
    assert rows(conn, "SELECT relacl::text FROM pg_class WHERE relname = 't'") == [("{orbit=arwdDxt/orbit}",)]
    cur.execute("DROP ROLE holder")
    assert rows(conn, "SELECT count(*) FROM pg_roles WHERE rolname = 'holder'") == [(0,)]


def test_set_role_and_session_authorization(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE ROLE worker")
    cur.execute("CREATE ROLE other")
    cur.execute("SET ROLE worker")
    assert rows(conn, "SELECT current_user, session_user, current_setting('role'), current_setting('is_superuser')") == [
        ("worker", "orbit", "worker", "off")]
    assert sqlstate(conn, "CREATE ROLE nope") == "42501"  # worker has no CREATEROLE
    cur.execute("RESET ROLE")
    assert rows(conn, "SELECT current_user, current_setting('is_superuser')") == [("orbit", "on")]
    cur.execute("SET SESSION AUTHORIZATION worker")
    assert rows(conn, "SELECT current_user, session_user") == [("worker", "worker")]
    assert sqlstate(conn, "SET ROLE other") == "42501"  # worker is not a member of other
    assert sqlstate(conn, "SET ROLE nosuch") == "22023"  # as PostgreSQL 15
    cur.execute("RESET SESSION AUTHORIZATION")  # the connected user was a superuser
    assert rows(conn, "SELECT current_user, session_user") == [("orbit", "orbit")]


def test_role_changes_of_a_rolled_back_block_are_undone(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("BEGIN")
    cur.execute("CREATE ROLE fleeting")
    assert rows(conn, "SELECT count(*) FROM pg_roles WHERE rolname = 'fleeting'") == [(1,)]
    cur.execute("ROLLBACK")
    assert rows(conn, "SELECT count(*) FROM pg_roles WHERE rolname = 'fleeting'") == [(0,)]


def test_createrole_may_manage_ordinary_roles_only(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE ROLE admin CREATEROLE")
    cur.execute("CREATE ROLE boss SUPERUSER")
    cur.execute("SET ROLE admin")
    cur.execute("CREATE ROLE helper LOGIN")
    assert sqlstate(conn, "CREATE ROLE super2 SUPERUSER") == "42501"
    assert sqlstate(conn, "ALTER ROLE boss NOLOGIN") == "42501"
    assert sqlstate(conn, "DROP ROLE boss") == "42501"
    cur.execute("DROP ROLE helper")
    cur.execute("RESET ROLE")
