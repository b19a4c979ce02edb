"""con.serve() and con.stop_serving(): starting, stopping with wire sessions open, closing the
application's connection while serving, authentication, and psql on the served database."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import psycopg2
import pytest

import orbitdb


def dsn(port: int, **extra: str) -> str:
    words = {"host": "127.0.0.1", "port": str(port), "user": "orbit", "dbname": "actors", **extra}
    return " ".join(f"{k}={v}" for k, v in words.items())


def refused(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_stop_serving_ends_wire_sessions_and_keeps_the_application_going(tmp_path: Path) -> None:
    con = orbitdb.connect(tmp_path / "db")
    con.execute("CREATE TABLE t (id int PRIMARY KEY, who text)")
    con.commit()
    server = con.serve(port=0)
    port = server.port
    wire = psycopg2.connect(dsn(port))
    cur = wire.cursor()
    cur.execute("INSERT INTO t VALUES (1, 'wire, committed')")
    wire.commit()
    cur.execute("INSERT INTO t VALUES (2, 'wire, open')")  # its transaction is open at the stop
    con.execute("INSERT INTO t VALUES (3, 'app, open')")  # and so is the application's
    con.stop_serving()
    assert not server.serving
    assert refused(port)
    with pytest.raises(psycopg2.OperationalError):
        cur.execute("SELECT 1")
    con.commit()  # the application's own transaction is untouched
    assert con.execute("SELECT id, who FROM t ORDER BY id").fetchall() == [(1, "wire, committed"), (3, "app, open")]
    con.commit()
    con.execute("INSERT INTO t VALUES (2, 'app, again')")  # the wire session's row lock is gone
    con.commit()
    con.stop_serving()  # not serving: nothing to do
    with con.serve(port=0) as again:  # served again, on the same open database
        other = psycopg2.connect(dsn(again.port))
        c = other.cursor()
        c.execute("SELECT count(*) FROM t")
        assert c.fetchone() == (3,)
        other.close()
    assert refused(again.port)
    con.close()


def test_closing_the_connection_while_serving_stops_the_server(tmp_path: Path) -> None:
    con = orbitdb.connect(tmp_path / "db")
    con.execute("CREATE TABLE t (a int)")
    con.commit()
    server = con.serve(port=0)
    wire = psycopg2.connect(dsn(server.port))
    cur = wire.cursor()
    cur.execute("INSERT INTO t VALUES (1)")  # never committed
    con.close()
    assert not server.serving
    assert refused(server.port)
    with pytest.raises(psycopg2.OperationalError):
        cur.execute("SELECT 1")
    with pytest.raises(orbitdb.InterfaceError):
        con.serve(port=0)
    reopened = orbitdb.connect(tmp_path / "db")  # the database was closed cleanly and opens again
    assert reopened.execute("SELECT count(*) FROM t").fetchone() == (0,)
    reopened.close()


def test_serving_twice_is_refused_and_a_busy_port_is_an_os_error(tmp_path: Path) -> None:
    con = orbitdb.connect(tmp_path / "db")
    with con.serve(port=0) as server:
        with pytest.raises(orbitdb.ProgrammingError, match="serving already"):
            con.serve(port=0)
        other = orbitdb.connect(tmp_path / "other")
        with pytest.raises(OSError, match="could not bind"):
            other.serve(port=server.port)
        other.close()
    con.close()


def test_bad_options_are_refused_before_listening(tmp_path: Path) -> None:
    con = orbitdb.connect(tmp_path / "db")
    with pytest.raises(ValueError, match="auth must be one of"):
        con.serve(port=0, auth="password")
    with pytest.raises(ValueError, match="needs users"):
        con.serve(port=0, auth="scram-sha-256")
    with pytest.raises(ValueError, match="trust authentication"):
        con.serve(port=0, host="0.0.0.0")
    with pytest.raises(ValueError, match="port must be"):
        con.serve(port=70000)
    con.close()


def test_password_authentication_and_the_database_name(tmp_path: Path) -> None:
    con = orbitdb.connect(tmp_path / "db")
    with con.serve(port=0, auth="scram-sha-256", users={"app": "s3cret"}) as server:
        with pytest.raises(psycopg2.OperationalError, match='password authentication failed for user "app"'):
            psycopg2.connect(dsn(server.port, user="app", password="wrong"))
        with pytest.raises(psycopg2.OperationalError, match='database "elsewhere" does not exist'):
            psycopg2.connect(dsn(server.port, user="app", password="s3cret", dbname="elsewhere"))
        ok = psycopg2.connect(dsn(server.port, user="app", password="s3cret"))
        cur = ok.cursor()
        cur.execute("SELECT current_user, current_database()")
        assert cur.fetchone() == ("app", "actors")
        ok.close()
    con.close()


def test_a_server_data_directory_serves_all_its_databases(tmp_path: Path) -> None:
    data = tmp_path / "data"
    from orbitdb.sql.cluster.cluster import Cluster

    Cluster.open(str(data), {}).close()  # a data directory as `orbitdb serve --data-dir` makes it
    con = orbitdb.connect(data, autocommit=True)
    con.execute("CREATE DATABASE second")
    with con.serve(port=0) as server:
        wire = psycopg2.connect(dsn(server.port, dbname="second"))
        cur = wire.cursor()
        cur.execute("SELECT current_database()")
        assert cur.fetchone() == ("second",)
        wire.close()
    con.close()


@pytest.mark.needs_psql
def test_psql_reads_what_the_application_writes(tmp_path: Path) -> None:
    con = orbitdb.connect(tmp_path / "db")
    con.execute("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)")
    con.execute("INSERT INTO notes VALUES (1, 'from the app')")
    con.commit()
    with con.serve(port=0) as server:
        def psql(sql: str) -> str:
            return subprocess.run(
                ["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(server.port), "-U", "orbit", "-d", "actors",
                 "-v", "ON_ERROR_STOP=1", "-c", sql],
                check=True, capture_output=True, text=True, timeout=60).stdout

        assert psql("SELECT body FROM notes") == "from the app\n"
        psql("INSERT INTO notes VALUES (2, 'from psql')")
        assert con.execute("SELECT body FROM notes ORDER BY id").fetchall() == [("from the app",), ("from psql",)]
        con.commit()
        described = psql(r"\d notes")
        assert "body" in described and "not null" in described
    con.close()


def test_stop_serving_while_wire_sessions_wait_for_a_lock_or_sleep(tmp_path: Path) -> None:
    """A wire session waiting for the application's row lock, and one in pg_sleep, end at the
    stop (their statements cancelled); the application's lock and transaction stay."""
    import threading

    con = orbitdb.connect(tmp_path / "db")
    con.execute("CREATE TABLE t (id int PRIMARY KEY, n int)")
    con.execute("INSERT INTO t VALUES (1, 0)")
    con.commit()
    server = con.serve(port=0)
    waiter, sleeper, observer = (psycopg2.connect(dsn(server.port)) for _ in range(3))
    observer.autocommit = True
    con.execute("UPDATE t SET n = 1 WHERE id = 1")  # the application holds the row
    outcomes: dict[str, BaseException | None] = {}

    def attempt(name: str, c: object, sql: str) -> None:
        try:
            c.cursor().execute(sql)  # type: ignore[attr-defined]
            outcomes[name] = None
        except BaseException as e:  # noqa: BLE001 - what the client saw is the outcome
            outcomes[name] = e

    threads = [threading.Thread(target=attempt, args=("lock", waiter, "UPDATE t SET n = 2 WHERE id = 1")),
               threading.Thread(target=attempt, args=("sleep", sleeper, "SELECT pg_sleep(600)"))]
    for thread in threads:
        thread.start()
    cur = observer.cursor()
    for _ in range(3000):  # until both are seen running (a hang here fails on the join below)
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()")
        if cur.fetchone()[0] >= 2:
            break
        threading.Event().wait(0.01)
    assert server.stop(timeout=30)
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()
    assert isinstance(outcomes["lock"], psycopg2.OperationalError)
    assert isinstance(outcomes["sleep"], psycopg2.OperationalError)
    con.commit()
    assert con.execute("SELECT n FROM t").fetchone() == (1,)
    con.close()


def test_roles_made_in_the_database_log_in_with_their_password(tmp_path: Path) -> None:
    con = orbitdb.connect(tmp_path / "db", autocommit=True)
    con.execute("CREATE ROLE reader LOGIN PASSWORD 'r-pass'")
    with con.serve(port=0, auth="scram-sha-256", users={"orbit": "admin-pass"}) as server:
        ok = psycopg2.connect(dsn(server.port, user="reader", password="r-pass"))
        cur = ok.cursor()
        cur.execute("SELECT current_user")
        assert cur.fetchone() == ("reader",)
        ok.close()
        with pytest.raises(psycopg2.OperationalError, match='password authentication failed for user "reader"'):
            psycopg2.connect(dsn(server.port, user="reader", password="admin-pass"))
    con.close()


def test_max_connections(tmp_path: Path) -> None:
    con = orbitdb.connect(tmp_path / "db")
    with con.serve(port=0, max_connections=2) as server:
        first, second = psycopg2.connect(dsn(server.port)), psycopg2.connect(dsn(server.port))
        with pytest.raises(psycopg2.OperationalError, match="sorry, too many clients already"):
            psycopg2.connect(dsn(server.port))
        first.close()
        second.close()
    con.close()


def test_tls(tmp_path: Path) -> None:
    from tls_support import make_certificate

    cert, key = make_certificate(tmp_path)
    con = orbitdb.connect(tmp_path / "db")
    with pytest.raises(ValueError, match="both tls_cert and tls_key"):
        con.serve(port=0, tls_cert=str(cert))
    with con.serve(port=0, tls_cert=str(cert), tls_key=str(key)) as server:
        secure = psycopg2.connect(dsn(server.port, sslmode="require"))
        cur = secure.cursor()
        cur.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        assert cur.fetchone() == (True,)
        secure.close()
    con.close()
