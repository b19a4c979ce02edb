"""Logs an operator can use, from a real `orbitdb serve`: connections received and authorized,
disconnections with the session's duration, failed authentications (user and host), slow
statements (log_min_duration_statement, in the config and per session), errors with their
SQLSTATE, as text lines shaped like PostgreSQL's or as JSON lines."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import psycopg2
import pytest
from reference_pg import reference_postgres
from tls_support import make_certificate
from wire_support import ServerProcess, psycopg

from orbitdb.cli import main

PASSWORD = "log-test-Pw1"


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "orbit.toml"
    path.write_text(body)
    return path


def _wait_for(lines_of, pattern: str, timeout: float = 10.0) -> re.Match[str]:
    """The first log line matching pattern, waiting for it to be written."""
    deadline = time.monotonic() + timeout
    regex = re.compile(pattern)
    while True:
        for line in lines_of():
            found = regex.search(line)
            if found:
                return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no log line matches {pattern!r}:\n" + "\n".join(lines_of()))
        time.sleep(0.05)


def _messages(server: ServerProcess) -> list[str]:
    """Our log lines without the time, level and peer prefix."""
    return [line.split("] ", 1)[1] for line in list(server.lines) if "] " in line]


def _reference_messages(dsn: str) -> list[str]:
    """PostgreSQL's log lines (LOG/FATAL/...) without their prefix."""
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    cur.execute("SELECT current_setting('data_directory')")
    (data,) = cur.fetchone()
    conn.close()
    text = (Path(data).parent / "log").read_text()
    return [line.split(":  ", 1)[1] for line in text.splitlines() if ":  " in line]


_CONNECTION_LINES = [
    r"^connection received: host=127\.0\.0\.1 port=\d+$",
    r"^connection authorized: user=orbit database=actors application_name=log-test$",
    r"^disconnection: session time: \d+:\d\d:\d\d\.\d{3} user=orbit database=actors host=127\.0\.0\.1 port=\d+$",
]
_SLOW_LINES = [
    r"^duration: \d+\.\d{3} ms  statement: SELECT 'slow enough'$",
    r"^duration: \d+\.\d{3} ms  parse <unnamed>: SELECT \$1::int \+ 1$",
    r"^duration: \d+\.\d{3} ms  execute <unnamed>: SELECT \$1::int \+ 1$",
]


def _session(dsn: str) -> None:
    """One client session: a statement over the simple protocol, one over the extended one."""
    conn = psycopg2.connect(dsn, application_name="log-test")
    conn.autocommit = True
    conn.cursor().execute("SELECT 'slow enough'")
    conn.close()
    if psycopg is not None:
        with psycopg.connect(dsn, application_name="log-test", autocommit=True) as conn3:
            assert conn3.execute("SELECT %s::int + 1", [41]).fetchone() == (42,)


def _lines_match(patterns: list[str], messages_of) -> None:
    for pattern in patterns:
        _wait_for(messages_of, pattern)


def test_connection_and_duration_lines_as_postgresql(start_server, tmp_path):
    server = start_server(["--config", str(_config(tmp_path, "[logging]\nlog_min_duration_statement = 0\n"))])
    _session(server.dsn)
    _lines_match(_CONNECTION_LINES + (_SLOW_LINES if psycopg is not None else _SLOW_LINES[:1]),
                 lambda: _messages(server))
    with reference_postgres(
        options="-c log_connections=on -c log_disconnections=on -c log_min_duration_statement=0"
    ) as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        admin = psycopg2.connect(dsn)
        admin.autocommit = True
        admin.cursor().execute("CREATE ROLE orbit LOGIN")
        admin.cursor().execute("CREATE DATABASE actors")
        admin.close()
        _session(dsn.replace("user=postgres dbname=postgres", "user=orbit dbname=actors"))
        _lines_match(_CONNECTION_LINES + (_SLOW_LINES if psycopg is not None else _SLOW_LINES[:1]),
                     lambda: _reference_messages(dsn))


def test_log_min_duration_statement_per_session(start_server, tmp_path):
    server = start_server(["--config", str(_config(tmp_path, "[logging]\nlog_min_duration_statement = 250\n"))])
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SHOW log_min_duration_statement")
    assert cur.fetchone() == ("250ms",)  # the server's setting is the session's
    cur.execute("SET log_min_duration_statement = '1h'")
    cur.execute("SELECT 'not an hour'")
    cur.execute("SET log_min_duration_statement = -1")
    cur.execute("SELECT 'not logged either'")
    cur.execute("SET log_min_duration_statement = 0")
    cur.execute("SELECT 'logged'")
    with pytest.raises(psycopg2.errors.InvalidParameterValue, match="outside the valid range"):
        cur.execute("SET log_min_duration_statement = -2")
    cur.execute("ALTER USER orbit PASSWORD 'never-in-a-log'")
    conn.close()
    _wait_for(lambda: server.lines, r"duration: \d+\.\d{3} ms  statement: SELECT 'logged'")
    _wait_for(lambda: server.lines, r"duration: \d+\.\d{3} ms  statement: ALTER USER orbit PASSWORD <redacted>$")
    log = server.log()
    assert "not an hour" not in log and "not logged either" not in log
    assert "never-in-a-log" not in log


def test_failed_authentication_is_a_warning_naming_user_and_host(start_server, tmp_path):
    config = _config(
        tmp_path, f'[auth]\nmethod = "scram-sha-256"\n[auth.users]\norbit = "{PASSWORD}"\n'
    )
    server = start_server(["--config", str(config)])
    for user, password in (("orbit", "wrong"), ("nobody", PASSWORD)):
        with pytest.raises(psycopg2.OperationalError):
            psycopg2.connect(server.dsn.replace("user=orbit", f"user={user}"), password=password)
    psycopg2.connect(server.dsn, password=PASSWORD).close()
    pattern = r'WARNING orbitdb.pgwire: \[127\.0\.0\.1:\d+\] FATAL 28P01: password authentication failed for user "{}" \({}\)'
    _wait_for(lambda: server.lines, pattern.format("orbit", re.escape('Password does not match for user "orbit".')))
    _wait_for(lambda: server.lines, pattern.format("nobody", re.escape('Role "nobody" does not exist.')))
    assert "wrong" not in server.log()


def test_tls_connections_say_so(start_server, tmp_path):
    cert, key = make_certificate(tmp_path)
    config = _config(tmp_path, f'[security]\nenable_tls = true\ncert_path = "{cert}"\nkey_path = "{key}"\n')
    server = start_server(["--config", str(config)])
    psycopg2.connect(server.dsn, sslmode="require", application_name="log-test").close()
    _wait_for(
        lambda: server.lines,
        r"connection authorized: user=orbit database=actors application_name=log-test SSL enabled "
        r"\(protocol=TLSv1\.[23], cipher=[A-Z0-9_-]+, bits=\d+\)$",
    )


def test_errors_are_logged_with_their_sqlstate(start_server):
    server = start_server()
    conn = psycopg2.connect(server.dsn)
    with pytest.raises(psycopg2.errors.UndefinedTable):
        conn.cursor().execute("SELECT * FROM missing_table")
    conn.close()
    _wait_for(
        lambda: server.lines,
        r'INFO orbitdb.pgwire: \[127\.0\.0\.1:\d+\] ERROR 42P01: relation "missing_table" does not exist '
        r"\(statement: SELECT \* FROM missing_table\)",
    )


def test_connection_lines_can_be_turned_off(start_server, tmp_path):
    config = _config(tmp_path, "[logging]\nlog_connections = false\nlog_disconnections = false\n")
    server = start_server(["--config", str(config)])
    psycopg2.connect(server.dsn).close()
    with pytest.raises(psycopg2.errors.UndefinedTable):
        conn = psycopg2.connect(server.dsn)
        conn.cursor().execute("SELECT * FROM nothing_here")
    conn.close()
    _wait_for(lambda: server.lines, "ERROR 42P01")  # the server did log, but not the connections
    log = server.log()
    assert "connection received" not in log and "connection authorized" not in log and "disconnection" not in log


def test_json_lines(start_server, tmp_path):
    config = _config(tmp_path, "[logging]\nformat = \"json\"\nlog_min_duration_statement = 0\n")
    server = start_server(["--config", str(config)])
    conn = psycopg2.connect(server.dsn, application_name="json-test")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT 1")
    with pytest.raises(psycopg2.errors.UndefinedTable):
        cur.execute("SELECT * FROM missing_table")
    cur.execute("ALTER USER orbit PASSWORD 'json-secret'")
    conn.close()
    _wait_for(lambda: server.lines, '"event": "disconnection"')
    assert server.stop() == 0
    records = [json.loads(line) for line in server.lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    by_event: dict[str, list[dict]] = {}
    for record in records:
        by_event.setdefault(record.get("event", ""), []).append(record)
    (received,) = by_event["connection_received"]
    assert received["host"] == "127.0.0.1" and isinstance(received["port"], int)
    (authorized,) = by_event["connection_authorized"]
    assert (authorized["user"], authorized["database"], authorized["application_name"]) == (
        "orbit", "actors", "json-test")
    (gone,) = by_event["disconnection"]
    assert gone["session_time_ms"] >= 0 and gone["user"] == "orbit"
    durations = {r["statement"]: r["duration_ms"] for r in by_event["duration"]}
    assert "SELECT 1" in durations and "ALTER USER orbit PASSWORD <redacted>" in durations
    (error,) = by_event["error"]
    assert (error["sqlstate"], error["level"], error["statement"]) == ("42P01", "INFO", "SELECT * FROM missing_table")
    assert "json-secret" not in "\n".join(server.lines)
    assert any(r["message"].startswith("listening on ") for r in records)


def test_logging_settings_are_checked(tmp_path, capsys):
    for body, message in [
        ('format = "xml"', 'format = "xml" is not one of text, json'),
        ("log_min_duration_statement = -2", "must be between -1 and 2147483647"),
        ('log_connections = "yes"', "log_connections must be true or false"),
    ]:
        config = _config(tmp_path, f"[logging]\n{body}\n")
        assert main(["serve", "--config", str(config), "--port", "0", "--data-dir", str(tmp_path / "d")]) == 2
        assert message in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "d")


SECRETS = ["alice-Secret-1", "alice-Secret-2", "bob-Secret-3", "wrong-Secret-4", "orbit-Secret-5", "typo-Secret-6"]


@pytest.mark.parametrize("form", ["text", "json"])
def test_passwords_never_reach_the_log_even_at_debug(start_server, tmp_path, form):
    """Every statement is logged at debug: those setting a password, through either protocol, a
    failing one among them, and failed and successful logins, leave no secret in the log (nor
    in orbitdb_stat_statements)."""
    a1, a2, b3, wrong, o5, typo = SECRETS
    config = _config(tmp_path, f'[auth]\nmethod = "scram-sha-256"\n[auth.users]\norbit = "{PASSWORD}"\n'
                               f'[logging]\nformat = "{form}"\nlog_min_duration_statement = 0\n')
    server = start_server(["--config", str(config), "--log-level", "debug"])
    conn = psycopg2.connect(server.dsn, password=PASSWORD)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(f"CREATE ROLE alice LOGIN PASSWORD '{a1}'")
    cur.execute(f"ALTER ROLE alice PASSWORD '{a2}'")
    cur.execute(f"CREATE USER bob WITH ENCRYPTED PASSWORD '{b3}' VALID UNTIL 'infinity'")
    with pytest.raises(psycopg2.errors.SyntaxError):
        cur.execute(f"ALTER ROLE bob PASSWORD '{typo}' NOT_AN_OPTION")
    if psycopg is not None:  # the extended protocol: Parse, Bind and Execute are each logged at debug
        with psycopg.connect(server.dsn, password=PASSWORD, autocommit=True) as conn3:
            conn3.execute(f"ALTER USER orbit PASSWORD '{o5}'")
    else:
        cur.execute(f"ALTER USER orbit PASSWORD '{o5}'")
    cur.execute("SELECT query FROM orbitdb_stat_statements")
    recorded = "\n".join(row[0] for row in cur.fetchall())
    conn.close()
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(server.dsn.replace("user=orbit", "user=alice"), password=wrong)
    psycopg2.connect(server.dsn.replace("user=orbit", "user=alice"), password=a2).close()
    _wait_for(lambda: server.lines, "disconnection.*alice|alice.*disconnection")
    assert server.stop() == 0
    log = "\n".join(server.lines)
    assert "ALTER ROLE alice PASSWORD <redacted>" in log and "CREATE ROLE alice LOGIN PASSWORD <redacted>" in log
    assert re.search(r"statement: ALTER ROLE alice PASSWORD <redacted>", log)  # the debug line of every statement
    assert re.search(r'password authentication failed for user \\?"alice\\?"', log)
    assert re.search(r"connection authorized: user=alice database=actors", log)
    assert "ALTER ROLE alice PASSWORD <redacted>" in recorded
    for secret in SECRETS:
        assert secret not in log, secret
        assert secret not in recorded, secret
