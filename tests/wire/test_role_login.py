"""Roles over a real socket: a role made with CREATE ROLE ... LOGIN PASSWORD logs in with
SCRAM-SHA-256 (psql, psycopg2) and gets 42501 for what it was not granted; NOLOGIN roles,
wrong passwords and expired ones are refused; roles outlive a restart; and a pg_dump of a
PostgreSQL 15 database with grants loads with ON_ERROR_STOP and keeps them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg2
import pytest
from reference_pg import reference_postgres

PASSWORD = "boot-pw"


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "scram.toml"
    path.write_text(f'[auth]\nmethod = "scram-sha-256"\n\n[auth.users]\norbit = "{PASSWORD}"\n')
    return path


def _connect(server, user: str, password: str, dbname: str = "actors"):  # type: ignore[no-untyped-def]
    return psycopg2.connect(host=server.host, port=server.port, user=user, password=password, dbname=dbname)


def _admin(server, *statements: str) -> None:  # type: ignore[no-untyped-def]
    conn = _connect(server, "orbit", PASSWORD)
    conn.autocommit = True
    cur = conn.cursor()
    for sql in statements:
        cur.execute(sql)
    conn.close()


def test_created_role_logs_in_and_is_held_to_its_grants(start_server, tmp_path):
    server = start_server(["--config", str(_config(tmp_path))])
    _admin(server, "CREATE ROLE clerk LOGIN PASSWORD 'clerk-pw'", "CREATE TABLE ledger (id int, amount int, note text)",
           "INSERT INTO ledger VALUES (1, 10, 'a')", "GRANT SELECT (id, amount) ON ledger TO clerk",
           "CREATE ROLE ghost NOLOGIN PASSWORD 'ghost-pw'")
    conn = _connect(server, "clerk", "clerk-pw")
    cur = conn.cursor()
    cur.execute("SELECT current_user, session_user, id, amount FROM ledger")
    assert cur.fetchall() == [("clerk", "clerk", 1, 10)]
    assert conn.get_parameter_status("is_superuser") == "off"
    assert conn.get_parameter_status("session_authorization") == "clerk"
    with pytest.raises(psycopg2.Error) as info:
        cur.execute("SELECT note FROM ledger")
    assert info.value.pgcode == "42501" and "permission denied for table ledger" in str(info.value)
    conn.rollback()
    with pytest.raises(psycopg2.Error) as info:
        cur.execute("INSERT INTO ledger VALUES (2, 20, 'b')")
    assert info.value.pgcode == "42501"
    conn.close()
    with pytest.raises(psycopg2.OperationalError) as refused:
        _connect(server, "clerk", "wrong")
    assert 'password authentication failed for user "clerk"' in str(refused.value)
    with pytest.raises(psycopg2.OperationalError) as refused:
        _connect(server, "ghost", "ghost-pw")
    assert 'role "ghost" is not permitted to log in' in str(refused.value)
    # psql, with the role's password, gets PostgreSQL's error text
    out = server.psql("-c", "UPDATE ledger SET amount = 0", user="clerk", env={"PGPASSWORD": "clerk-pw"}, check=False)
    assert out.returncode != 0 and "ERROR:  permission denied for table ledger" in out.stderr


def test_password_change_expiry_and_restart(start_server, tmp_path):
    config = _config(tmp_path)
    server = start_server(["--config", str(config)])
    _admin(server, "CREATE ROLE temp LOGIN PASSWORD 'one' VALID UNTIL '2001-01-01'",
           "CREATE ROLE keeper LOGIN PASSWORD 'first'", "ALTER ROLE keeper PASSWORD 'second'")
    with pytest.raises(psycopg2.OperationalError):
        _connect(server, "temp", "one")  # expired
    with pytest.raises(psycopg2.OperationalError):
        _connect(server, "keeper", "first")
    _connect(server, "keeper", "second").close()
    conn = _connect(server, "keeper", "second")  # a role may change its own password
    conn.autocommit = True
    conn.cursor().execute("ALTER ROLE keeper PASSWORD 'third'")
    conn.close()
    server.stop()
    server = start_server(["--config", str(config)], data_dir=server.data_dir)
    conn = _connect(server, "keeper", "third")
    cur = conn.cursor()
    cur.execute("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('keeper', 'temp') ORDER BY 1")
    assert cur.fetchall() == [("keeper", True), ("temp", True)]
    conn.close()


def test_connect_privilege_and_connection_limit(start_server, tmp_path):
    server = start_server(["--config", str(_config(tmp_path))])
    _admin(server, "CREATE ROLE visitor LOGIN PASSWORD 'v' CONNECTION LIMIT 1", "CREATE DATABASE private",
           "REVOKE CONNECT ON DATABASE private FROM PUBLIC")
    with pytest.raises(psycopg2.OperationalError) as refused:
        _connect(server, "visitor", "v", "private")
    assert 'permission denied for database "private"' in str(refused.value)
    first = _connect(server, "visitor", "v")
    with pytest.raises(psycopg2.OperationalError) as refused:
        _connect(server, "visitor", "v")
    assert 'too many connections for role "visitor"' in str(refused.value)
    first.close()
    _admin(server, "GRANT CONNECT ON DATABASE private TO visitor")
    _connect(server, "visitor", "v", "private").close()


def test_psql_lists_roles_and_privileges(start_server, tmp_path):
    server = start_server(["--config", str(_config(tmp_path))])
    _admin(server, "CREATE ROLE readers", "CREATE ROLE ann LOGIN IN ROLE readers", "CREATE SCHEMA app",
           "CREATE TABLE app.t (a int)", "GRANT USAGE ON SCHEMA app TO readers", "GRANT SELECT ON app.t TO readers")
    env = {"PGPASSWORD": PASSWORD}
    du = server.psql("-c", r"\du ann", env=env).stdout
    assert "ann" in du and "{readers}" in du
    dp = server.psql("-c", r"\dp app.t", env=env).stdout
    assert "readers=r/orbit" in dp and "orbit=arwdDxt/orbit" in dp
    dn = server.psql("-c", r"\dn+ app", env=env).stdout
    assert "readers=U/orbit" in dn


def test_pg_dump_with_grants_loads_and_keeps_them(start_server, tmp_path):
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to dump from")
        pg = psycopg2.connect(dsn)
        pg.autocommit = True
        cur = pg.cursor()
        for sql in ("CREATE ROLE d_ro", "CREATE ROLE d_owner", "CREATE SCHEMA app AUTHORIZATION d_owner",
                    "CREATE TABLE app.items (id serial PRIMARY KEY, name text, secret text)",
                    "ALTER TABLE app.items OWNER TO d_owner", "GRANT USAGE ON SCHEMA app TO d_ro",
                    "GRANT SELECT (id, name) ON app.items TO d_ro", "INSERT INTO app.items (name, secret) VALUES ('a', 's')",
                    "REVOKE ALL ON SCHEMA public FROM PUBLIC", "GRANT SELECT ON app.items_id_seq TO d_ro WITH GRANT OPTION"):
            cur.execute(sql)
        pg.close()
        dump = subprocess.run(["pg_dump", "--no-password", dsn], capture_output=True, text=True, check=True).stdout
    assert "GRANT SELECT(id) ON TABLE app.items TO d_ro;" in dump
    server = start_server(["--config", str(_config(tmp_path))])
    _admin(server, "CREATE ROLE d_ro LOGIN PASSWORD 'ro'", "CREATE ROLE d_owner")
    (tmp_path / "dump.sql").write_text(dump)
    server.psql("-v", "ON_ERROR_STOP=1", "-q", "-f", str(tmp_path / "dump.sql"), env={"PGPASSWORD": PASSWORD})
    conn = _connect(server, "d_ro", "ro")
    cur = conn.cursor()
    cur.execute("SELECT id, name FROM app.items")
    assert cur.fetchall() == [(1, "a")]
    with pytest.raises(psycopg2.Error) as info:
        cur.execute("SELECT secret FROM app.items")
    assert info.value.pgcode == "42501"
    conn.rollback()
    cur.execute("SELECT relacl::text FROM pg_class WHERE relname = 'items_id_seq'")
    assert cur.fetchall() == [("{d_owner=rwU/d_owner,d_ro=r*/d_owner}",)]
    cur.execute("SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public'")
    assert cur.fetchall() == [("{pg_database_owner=UC/pg_database_owner}",)]
    conn.close()


def test_role_settings_apply_at_login(start_server, tmp_path):
    server = start_server(["--config", str(_config(tmp_path))])
    _admin(server, "CREATE ROLE tuned LOGIN PASSWORD 't'", "ALTER ROLE tuned SET work_mem = '8MB'",
           "ALTER ROLE tuned SET search_path = app, public")
    conn = _connect(server, "tuned", "t")
    cur = conn.cursor()
    cur.execute("SELECT current_setting('work_mem'), current_setting('search_path')")
    assert cur.fetchall() == [("8MB", "app, public")]
    conn.close()
