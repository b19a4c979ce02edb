"""Security that means what it says: ALTER USER ... PASSWORD changes the password and no log line
or data file holds it; idle sessions are ended as PostgreSQL ends them; a startup parameter
cannot smuggle SQL in; an embedded connect() on a server's data directory finds the server's
database, never a second silent one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import signal
import time
from pathlib import Path

import psycopg2
import pytest
from wire_client import Client, Closed

import orbitdb

OLD_PASSWORD = "first-Secret-7"
NEW_PASSWORD = "n3w-Secret-for-alter"
SCRAM_CONFIG = f"""
[auth]
method = "scram-sha-256"

[auth.users]
orbit = "{OLD_PASSWORD}"
"""


def _connects(server, password: str) -> bool:
    try:
        psycopg2.connect(server.dsn, password=password, connect_timeout=10).close()
    except psycopg2.OperationalError as exc:
        assert "28P01" in str(exc) or "password authentication failed" in str(exc), exc
        return False
    return True


def _files_containing(root: Path, secret: bytes) -> list[str]:
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            try:
                if secret in path.read_bytes():
                    found.append(str(path))
            except OSError:
                pass
    return found


def _scram_verifier(password: str, salt: bytes, iterations: int = 4096) -> str:
    """What psql's \\password sends: PostgreSQL's SCRAM-SHA-256 verifier (RFC 5802 / 7677)."""
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def test_alter_user_password_changes_it_and_nothing_keeps_the_text(start_server, tmp_path):
    server = start_server(config=SCRAM_CONFIG)
    conn = psycopg2.connect(server.dsn, password=OLD_PASSWORD)
    conn.autocommit = True
    conn.cursor().execute(f"ALTER USER orbit PASSWORD '{NEW_PASSWORD}'")
    conn.close()
    assert _connects(server, NEW_PASSWORD)
    assert not _connects(server, OLD_PASSWORD)
    assert NEW_PASSWORD not in server.log()
    assert _files_containing(server.data_dir, NEW_PASSWORD.encode()) == []


def test_alter_user_with_a_scram_verifier_as_psql_password_sends_it(start_server):
    server = start_server(config=SCRAM_CONFIG)
    conn = psycopg2.connect(server.dsn, password=OLD_PASSWORD)
    conn.autocommit = True
    verifier = _scram_verifier(NEW_PASSWORD, b"0123456789abcdef")
    conn.cursor().execute(f"ALTER ROLE orbit PASSWORD '{verifier}'")
    conn.close()
    assert _connects(server, NEW_PASSWORD)
    assert not _connects(server, OLD_PASSWORD)


def test_a_statement_holding_a_password_is_never_logged(start_server):
    """Even at log level debug (every statement), and even when it fails."""
    server = start_server(["--log-level", "debug"], config=SCRAM_CONFIG)
    conn = psycopg2.connect(server.dsn, password=OLD_PASSWORD)
    conn.autocommit = True
    secrets = {
        f"ALTER USER orbit WITH PASSWORD '{NEW_PASSWORD}'": NEW_PASSWORD,
        "ALTER USER nobody_here PASSWORD 'n0body-Secret-x'": "n0body-Secret-x",  # no such role
        "CREATE USER 'broken' PASSWORD 'synt4x-Secret-x'": "synt4x-Secret-x",  # a syntax error
    }
    for statement in secrets:
        try:
            conn.cursor().execute(statement)
        except psycopg2.Error:
            pass  # what matters here is the log, whatever the answer
    conn.close()
    log = server.log()
    assert [secret for secret in secrets.values() if secret in log] == []


@pytest.fixture
def target(request, server) -> tuple[str, int, dict[str, str]]:
    """(host, port, startup parameters) of orbitdb or of the reference PostgreSQL 15 (by the
    test's `target` parameter)."""
    if request.param == "orbitdb":
        return server.host, server.port, {}
    dsn = dict(part.split("=", 1) for part in request.getfixturevalue("reference_dsn").split())
    return dsn["host"], int(dsn["port"]), {"user": dsn["user"], "database": dsn["dbname"]}


@pytest.mark.parametrize(
    "target",
    [
        "orbitdb",
        "postgres",
    ],
    indirect=True,
)
def test_idle_in_transaction_session_timeout_ends_the_session(target):
    host, port, params = target
    client = Client(host, port, params)
    assert client.run("SET idle_in_transaction_session_timeout = '300ms'").error is None
    assert client.run("BEGIN").error is None
    assert client.run("SELECT 1").error is None
    time.sleep(1.0)
    with pytest.raises(Closed) as ended:
        client.run("SELECT 2", deadline=5)
    assert ended.value.fatal is not None and ended.value.fatal["C"] == "25P03", ended.value.fatal


@pytest.mark.parametrize(
    "target",
    [
        "orbitdb",
        "postgres",
    ],
    indirect=True,
)
def test_idle_session_timeout_ends_the_session(target):
    host, port, params = target
    client = Client(host, port, params)
    assert client.run("SET idle_session_timeout = '300ms'").error is None
    time.sleep(1.0)
    with pytest.raises(Closed) as ended:
        client.run("SELECT 2", deadline=5)
    assert ended.value.fatal is not None and ended.value.fatal["C"] == "57P05", ended.value.fatal


INJECTION = "search_path\" TO 'public'; CREATE TABLE pwned (id int); SET \"application_name"


@pytest.mark.parametrize(
    "target",
    [
        "orbitdb",
        "postgres",
    ],
    indirect=True,
)
def test_startup_parameter_name_cannot_inject_sql(server, target):
    """PostgreSQL refuses the unknown name with FATAL 42704; orbitdb may refuse it or go on with a
    WARNING, but must never run what the name holds."""
    host, port, params = target
    try:
        client = Client(host, port, {**params, INJECTION: "v"})
    except Closed as exc:
        refused: dict[str, str] | None = exc.fatal
        warnings = []
    else:
        refused = None
        warnings = [kind for kind, _ in client.startup_messages if kind == "N"]
        client.close()
    check = Client(host, port, params)
    assert check.run("SELECT to_regclass('pwned') IS NULL").first_rows == [("t",)], "the name ran as SQL"
    check.close()
    if refused is not None:
        assert refused["C"] == "42704", refused
    else:
        assert warnings, "an unknown startup parameter was accepted silently"


def _listing(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


def test_embedded_connect_on_a_running_servers_data_dir(server):
    """The server holds <data_dir>/postgresql: connect(data_dir) opens that database or fails
    clearly, and creates nothing beside it."""
    client = Client(server.host, server.port)
    assert client.run("CREATE TABLE served (n int); INSERT INTO served VALUES (7)").error is None
    client.close()
    top_level = set(os.listdir(server.data_dir))
    try:
        conn = orbitdb.connect(str(server.data_dir))
    except orbitdb.Error as exc:
        assert "server" in str(exc).lower() or "in use" in str(exc).lower() or "lock" in str(exc).lower(), exc
    else:
        cur = conn.cursor()
        cur.execute("SELECT n FROM served")
        assert cur.fetchall() == [(7,)]
        conn.close()
    assert set(os.listdir(server.data_dir)) == top_level


def test_embedded_connect_on_a_stopped_servers_data_dir(server):
    client = Client(server.host, server.port)
    assert client.run("CREATE TABLE served (n int); INSERT INTO served VALUES (7)").error is None
    client.close()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(30) == 0
    top_level = set(os.listdir(server.data_dir))
    conn = orbitdb.connect(str(server.data_dir))
    cur = conn.cursor()
    cur.execute("SELECT n FROM served")
    assert cur.fetchall() == [(7,)]
    conn.close()
    assert set(os.listdir(server.data_dir)) == top_level
