"""Security that means what it says, against a real `orbitdb serve` with real clients: ALTER
USER ... PASSWORD (and psql's \\password) changes the password authentication uses, durably and
never in the clear; require_tls refuses plain connections (no downgrade); a private key others
can read is refused; trust on a network address is refused unless forced; data files are
private; startup parameters are validated. Compared with PostgreSQL 15 where it behaves the same."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import re
import select
import socket
import stat
import struct
import threading
import time
from pathlib import Path

import psycopg2
import pytest
from pgproto import error_fields, startup_packet
from reference_pg import reference_postgres
from tls_support import make_certificate
from wire_support import ServerProcess

from orbitdb.cli import main
from orbitdb.pgwire import scram

BOOT = "boot-Pässword-7"  # the configured password
NEW = "n3w-Secret-Qx9z"  # set with ALTER USER; must never reach a log or a file in the clear


def _config(tmp_path: Path, body: str, name: str = "orbit.toml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def _scram_config(tmp_path: Path, method: str = "scram-sha-256", extra: str = "") -> Path:
    return _config(
        tmp_path,
        f'[auth]\nmethod = "{method}"\n[auth.users]\norbit = "{BOOT}"\nadmin = "{BOOT}"\n{extra}',
        f"{method}.toml",
    )


def _connect(server: ServerProcess, password: str | None = None, user: str = "orbit", **kw: object):
    conn = psycopg2.connect(server.dsn.replace("user=orbit", f"user={user}"), password=password, **kw)
    conn.autocommit = True
    return conn


def _refused(server: ServerProcess, password: str, user: str = "orbit") -> None:
    with pytest.raises(psycopg2.OperationalError, match=f'password authentication failed for user "{user}"'):
        _connect(server, password, user)


def _stored(data_dir: Path) -> dict[str, str | None]:
    return json.loads((data_dir / "role_passwords.json").read_text())["roles"]


# --- ALTER USER ... PASSWORD ---------------------------------------------------------------------


def test_alter_user_password_is_what_authentication_uses_and_survives_a_crash(start_server, tmp_path):
    config = _scram_config(tmp_path)
    server = start_server(["--config", str(config)])
    conn = _connect(server, BOOT)
    cur = conn.cursor()
    cur.execute("ALTER USER orbit PASSWORD %s", (NEW,))
    assert cur.statusmessage == "ALTER ROLE"
    cur.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'orbit'")
    (verifier,) = cur.fetchone()
    conn.close()
    assert verifier.startswith("SCRAM-SHA-256$4096:") and scram.parse_verifier(verifier) is not None
    _refused(server, BOOT)  # the configured password no longer works for orbit
    _connect(server, NEW).close()
    _connect(server, BOOT, user="admin").close()  # the other configured user is untouched

    data = tmp_path / "data"
    stored = data / "role_passwords.json"
    assert _stored(data) == {"orbit": verifier}
    assert NEW not in stored.read_text()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600

    server.kill()  # no clean shutdown: the password was on disk when ALTER USER answered
    server = start_server(["--config", str(config)])
    _connect(server, NEW).close()
    _refused(server, BOOT)


def test_md5_encryption_and_a_verifier_given_as_is(start_server, tmp_path):
    server = start_server(["--config", str(_scram_config(tmp_path, "md5"))])
    conn = _connect(server, BOOT)
    cur = conn.cursor()
    cur.execute("SET password_encryption = 'md5'")
    cur.execute("ALTER ROLE orbit WITH ENCRYPTED PASSWORD %s", (NEW,))
    cur.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'orbit'")
    assert cur.fetchone() == ("md5" + hashlib.md5((NEW + "orbit").encode()).hexdigest(),)
    _connect(server, NEW).close()  # md5 authentication with the stored hash
    verifier = scram.make_verifier("via-a-verifier").text()
    cur.execute(f"ALTER USER admin PASSWORD '{verifier}'")  # what psql's \password sends
    cur.execute("SELECT passwd FROM pg_shadow WHERE usename = 'admin'")
    assert cur.fetchone() == (verifier,)
    conn.close()
    _connect(server, "via-a-verifier", user="admin").close()  # md5 falls back to SCRAM for a verifier
    _refused(server, BOOT, user="admin")


def test_password_null_and_empty_leave_no_password(start_server, tmp_path):
    server = start_server(["--config", str(_scram_config(tmp_path))])
    conn = _connect(server, BOOT, user="admin")
    cur = conn.cursor()
    cur.execute("ALTER USER orbit PASSWORD NULL")
    _refused(server, BOOT)  # no fallback to the configured password
    assert 'User "orbit" has no password assigned.' in server.log()
    cur.execute("ALTER USER orbit PASSWORD %s", (NEW,))
    _connect(server, NEW).close()
    cur.execute("ALTER USER orbit PASSWORD ''")
    assert conn.notices[-1] == "NOTICE:  empty string is not a valid password, clearing password\n"
    _refused(server, NEW)
    assert _stored(tmp_path / "data") == {"orbit": None}
    conn.close()


def test_password_statement_inside_a_transaction_is_refused(start_server, tmp_path):
    server = start_server(["--config", str(_scram_config(tmp_path))])
    conn = _connect(server, BOOT)
    conn.autocommit = False  # psycopg2's default: every statement inside BEGIN
    with pytest.raises(psycopg2.errors.FeatureNotSupported, match="inside a transaction block"):
        conn.cursor().execute("ALTER USER orbit PASSWORD %s", (NEW,))
    conn.rollback()
    conn.close()
    _connect(server, BOOT).close()  # unchanged


def test_embedded_connection_refuses_passwords_and_keeps_files_private(tmp_path):
    import orbitdb

    conn = orbitdb.connect(str(tmp_path / "embedded"))
    conn.autocommit = True
    with pytest.raises(orbitdb.NotSupportedError, match="embedded connection"):
        conn.cursor().execute("ALTER USER orbit PASSWORD 'x'")
    conn.cursor().execute("CREATE TABLE t AS SELECT generate_series(1, 10) AS a")
    conn.close()
    modes = _modes(tmp_path / "embedded")
    assert len(modes) > 3 and all(mode in (0o600, 0o700) for mode in modes.values()), modes


_ROLE_STATEMENTS = [
    "ALTER USER nobody PASSWORD 'x'",
    "ALTER USER orbit UNENCRYPTED PASSWORD 'x'",
    "ALTER ROLE orbit WITH PASSWORD 'a' PASSWORD 'b'",
    "ALTER USER orbit PASSWORD secret",
    "ALTER USER orbit PASSWORD",
    "ALTER ROLE pg_monitor PASSWORD 'x'",
    "ALTER USER public PASSWORD 'x'",
    "ALTER USER \"none\" PASSWORD 'x'",
    "ALTER USER orbit PASSWORD ''",
    "SET password_encryption = 'sha1'",
    "ALTER USER orbit WITH ENCRYPTED PASSWORD 'x' VALID UNTIL 'infinity'",
    "ALTER ROLE orbit PASSWORD 'md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
    "SELECT rolpassword FROM pg_authid WHERE rolname = 'orbit'",
    "ALTER ROLE orbit PASSWORD 'SCRAM-SHA-256$4096:not-a-verifier'",
    "SELECT left(rolpassword, 19) FROM pg_authid WHERE rolname = 'orbit'",
    "ALTER ROLE orbit",
]


def _role_answers(conn) -> list[tuple]:
    out = []
    cur = conn.cursor()
    for sql in _ROLE_STATEMENTS:
        del conn.notices[:]
        try:
            cur.execute(sql)
            rows = cur.fetchall() if cur.description else None
            out.append((sql, cur.statusmessage, rows, list(conn.notices)))
        except psycopg2.Error as exc:
            out.append((sql, exc.pgcode, exc.diag.message_primary, exc.diag.message_detail))
    return out


def test_role_statements_answer_as_postgresql(start_server):
    server = start_server()
    conn = _connect(server)
    ours = _role_answers(conn)
    conn.close()
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        ref = psycopg2.connect(dsn)
        ref.autocommit = True
        ref.cursor().execute("CREATE ROLE orbit LOGIN")
        theirs = _role_answers(ref)
        ref.close()
    assert ours == theirs


# --- psql's \password ----------------------------------------------------------------------------


def _run_in_pty(argv: list[str], env: dict[str, str], answers: list[tuple[bytes, bytes]]) -> tuple[int, str]:
    """Runs argv on a new terminal (psql reads passwords from its terminal), writing each answer
    once its prompt was printed; returns the exit status and everything printed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: exec at once (nothing else is safe after fork in a threaded process)
        os.execvpe(argv[0], argv, env)
    output = b""
    searched = 0  # where the next prompt is looked for
    deadline = time.monotonic() + 60
    pending = list(answers)
    try:
        while time.monotonic() < deadline:
            readable, _, _ = select.select([fd], [], [], 0.5)
            if readable:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            if pending and pending[0][0] in output[searched:]:
                os.write(fd, pending.pop(0)[1])
                searched = len(output)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


@pytest.mark.needs_psql
def test_psql_backslash_password(start_server, tmp_path):
    server = start_server(["--config", str(_scram_config(tmp_path)), "--log-level", "debug"])
    argv = ["psql", "-X", "-h", server.host, "-p", str(server.port), "-U", "orbit", "-d", "actors", "-c", "\\password"]
    env = dict(os.environ, PGPASSWORD=BOOT, PGCONNECT_TIMEOUT="10")
    status, printed = _run_in_pty(
        argv, env, [(b"Enter new password", NEW.encode() + b"\n"), (b"Enter it again", NEW.encode() + b"\n")]
    )
    assert status == 0, printed
    _refused(server, BOOT)
    _connect(server, NEW).close()
    (verifier,) = _stored(tmp_path / "data").values()
    assert verifier is not None and verifier.startswith("SCRAM-SHA-256$4096:")  # computed by psql
    log = server.log()
    assert "ALTER USER orbit PASSWORD <redacted>" in log  # every statement is logged at debug
    assert NEW not in log and verifier.split("$")[2].split(":")[0] not in log


def test_no_password_reaches_the_log(start_server, tmp_path):
    config = _scram_config(tmp_path, extra="[logging]\nlog_min_duration_statement = 0\n")
    server = start_server(["--config", str(config), "--log-level", "debug"])
    conn = _connect(server, BOOT)
    cur = conn.cursor()
    failing = [
        f"ALTER USER orbit PASSWORD '{NEW}",  # unterminated: the error message quotes the text
        f"ALTER USER orbit PASSWORD {NEW}",  # a syntax error at the password
        f"ALTER USER nobody WITH ENCRYPTED PASSWORD '{NEW}'",
        f"CREATE USER orbit PASSWORD '{NEW}'",  # exists already
        f"ALTER/**/USER orbit PASSWORD $${NEW}$$ NOSUPERUSER",  # a bootstrap role stays a superuser
    ]
    for sql in failing:
        with pytest.raises(psycopg2.Error):
            cur.execute(sql)
    cur.execute(f"CREATE USER someone PASSWORD '{NEW}'")
    cur.execute(f"alter user orbit\n  with password E'{NEW}'")
    conn.close()
    _connect(server, NEW).close()
    log = server.log()
    assert log.count("PASSWORD <redacted>") + log.count("password <redacted>") >= 6, log
    assert "duration:" in log and "ERROR 42704" in log
    assert NEW not in log


# --- TLS ---------------------------------------------------------------------------------------


def _tls_config(tmp_path: Path, extra: str = "") -> tuple[Path, Path]:
    cert, key = make_certificate(tmp_path)
    config = _config(
        tmp_path,
        f'[security]\nenable_tls = true\ncert_path = "{cert}"\nkey_path = "{key}"\nrequire_tls = true\n{extra}',
        "tls.toml",
    )
    return config, cert


def _plain_refusal(dsn: str) -> str:
    with pytest.raises(psycopg2.OperationalError) as info:
        psycopg2.connect(dsn, sslmode="disable", gssencmode="disable")
    return str(info.value).strip().splitlines()[-1].split("FATAL:", 1)[1].strip()


def _ssl_row(conn) -> tuple:
    cur = conn.cursor()
    cur.execute("SELECT ssl, version, cipher IS NOT NULL, bits > 0 FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    return cur.fetchone()


def test_require_tls_refuses_plain_connections_as_postgresql(start_server, tmp_path):
    config, _cert = _tls_config(tmp_path)
    server = start_server(["--config", str(config)])
    ours = _plain_refusal(server.dsn)
    assert ours == 'no pg_hba.conf entry for host "127.0.0.1", user "orbit", database "actors", no encryption'
    prefer = psycopg2.connect(server.dsn, sslmode="prefer")  # libpq's default: gets TLS
    assert prefer.info.ssl_in_use
    ours_ssl = _ssl_row(prefer)
    assert ours_ssl[0] is True and ours_ssl[1].startswith("TLSv1.")
    cur = prefer.cursor()
    cur.execute("SELECT count(*), count(*) FILTER (WHERE ssl) FROM pg_stat_ssl")
    assert cur.fetchone() == (1, 1)
    prefer.close()
    assert "WARNING" in server.log() and "TLS is required" in server.log()

    key = tmp_path / "server.key"
    files = {"server.crt": (tmp_path / "server.crt").read_bytes(), "server.key": key.read_bytes()}
    with reference_postgres(
        hba="hostssl all all 127.0.0.1/32 trust\n",
        options="-c ssl=on -c ssl_cert_file={dir}/server.crt -c ssl_key_file={dir}/server.key",
        files=files,
    ) as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        admin = psycopg2.connect(dsn)
        admin.autocommit = True
        admin.cursor().execute("CREATE ROLE orbit LOGIN")
        admin.cursor().execute("CREATE DATABASE actors")
        admin.close()
        ref_dsn = dsn.replace("user=postgres dbname=postgres", "user=orbit dbname=actors")
        assert _plain_refusal(ref_dsn) == ours
        ref = psycopg2.connect(ref_dsn, sslmode="prefer")
        assert _ssl_row(ref)[0] is True and _ssl_row(ref)[2:] == ours_ssl[2:]
        ref.close()


def _stripping_proxy(port: int) -> tuple[socket.socket, int]:
    """A man in the middle that answers the client's SSLRequest "N" itself (a downgrade attack)
    and relays the rest to the server in the clear."""
    listener = socket.create_server(("127.0.0.1", 0))

    def pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            first = client.recv(8)
            while len(first) == 8 and struct.unpack("!ii", first)[1] in (80877103, 80877104):
                client.sendall(b"N")  # "the server does not do TLS"
                first = client.recv(8)
            upstream = socket.create_connection(("127.0.0.1", port))
            upstream.sendall(first)
            threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return listener, listener.getsockname()[1]


def test_a_prefer_client_cannot_be_downgraded(start_server, tmp_path):
    config, _cert = _tls_config(tmp_path)
    server = start_server(["--config", str(config)])
    listener, port = _stripping_proxy(server.port)
    try:
        with pytest.raises(psycopg2.OperationalError, match="no pg_hba.conf entry .* no encryption"):
            psycopg2.connect(f"host=127.0.0.1 port={port} user=orbit dbname=actors sslmode=prefer")
    finally:
        listener.close()


def test_allow_plain_from_lists_networks_that_may_skip_tls(start_server, tmp_path):
    config, _cert = _tls_config(tmp_path, 'allow_plain_from = ["10.0.0.0/8", "127.0.0.1/32"]\n')
    server = start_server(["--config", str(config)])
    conn = psycopg2.connect(server.dsn, sslmode="disable")
    assert not conn.info.ssl_in_use
    assert _ssl_row(conn) == (False, None, False, None)
    conn.close()


def test_tls_settings_are_checked_at_start(tmp_path, capsys):
    cert, key = make_certificate(tmp_path)
    for body, message in [
        ("require_tls = true\n", "require_tls = true needs enable_tls = true"),
        (
            f'enable_tls = true\ncert_path = "{cert}"\nkey_path = "{key}"\nallow_plain_from = ["10.0.0.0/33"]\n',
            "is not an IP address or network",
        ),
    ]:
        config = _config(tmp_path, "[security]\n" + body, "bad.toml")
        assert main(["serve", "--config", str(config), "--port", "0", "--data-dir", str(tmp_path / "d")]) == 2
        assert message in capsys.readouterr().err


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_others_can_read_is_refused(tmp_path, capsys, mode):
    cert, key = make_certificate(tmp_path)
    key.chmod(mode)
    config = _config(tmp_path, f'[security]\nenable_tls = true\ncert_path = "{cert}"\nkey_path = "{key}"\n')
    assert main(["serve", "--config", str(config), "--port", "0", "--data-dir", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert f'private key file "{key}" has group or world access' in err
    assert not (tmp_path / "d").exists()


# --- trust on a network address -----------------------------------------------------------------


def test_trust_on_a_network_address_needs_to_be_forced(start_server, tmp_path, capsys):
    for host in ("0.0.0.0", "*", "::"):
        assert main(["serve", "--host", host, "--port", "0", "--data-dir", str(tmp_path / "d")]) == 2
        err = capsys.readouterr().err
        assert "allow_trust_on_network" in err and "--allow-trust-on-network" in err
    assert not (tmp_path / "d").exists()
    # a password method, or the operator's explicit word, lets it start
    config = _scram_config(tmp_path)
    server = start_server(["--config", str(config), "--host", "0.0.0.0"], data_dir=tmp_path / "a")
    _connect(server, BOOT).close()
    server = start_server(["--host", "0.0.0.0", "--allow-trust-on-network"], data_dir=tmp_path / "b")
    _connect(server).close()
    forced = _config(tmp_path, "[auth]\nallow_trust_on_network = true\n", "forced.toml")
    server = start_server(["--config", str(forced), "--host", "0.0.0.0"], data_dir=tmp_path / "c")
    _connect(server).close()


# --- file modes -------------------------------------------------------------------------------


def _modes(root: Path) -> dict[str, int]:
    out = {}
    for path in [root, *root.rglob("*")]:
        out[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return out


def test_data_files_are_private_and_loosened_modes_only_warn(start_server, tmp_path):
    data = tmp_path / "data"
    server = start_server(["--config", str(_scram_config(tmp_path))])
    conn = _connect(server, BOOT)
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (a int)")
    cur.execute("INSERT INTO t SELECT generate_series(1, 100)")
    cur.execute("CREATE DATABASE other")
    cur.execute("ALTER USER admin PASSWORD %s", (NEW,))
    conn.close()
    _connect(server, NEW, user="admin", dbname="other").close()
    assert server.stop() == 0
    modes = _modes(data)
    assert any(name.startswith("databases/") for name in modes)
    loose = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert not loose
    assert all(mode == 0o700 for name, mode in modes.items() if (data / name).is_dir())

    # the migration guide's troubleshooting step
    for path in [data, *data.rglob("*")]:
        path.chmod(0o755)
    server = start_server(["--config", str(_scram_config(tmp_path))])
    conn = _connect(server, BOOT)
    conn.cursor().execute("CREATE TABLE u AS SELECT * FROM t")
    conn.close()
    log = server.log()
    assert re.search(r'WARNING orbitdb.cluster: data directory ".*" has group or world access \(mode 0755\)', log)
    assert "chmod -R go-rwx" in log
    assert server.stop() == 0
    new_files = [name for name, mode in _modes(data).items() if mode == 0o600]
    assert new_files  # what the server wrote since is private again


# --- startup parameters ------------------------------------------------------------------------


_STARTUP_CASES = [
    {"foo": "bar"},
    {"statement_timeout": "abc"},
    {'x" TO 1; DROP TABLE guarded; --': "1"},
    {'a.b" TO 1; DROP TABLE guarded; --': "1"},
    {"options": "-c foo"},
    {"options": "-X"},
    {"options": "-c server_version=1"},
    {"options": "-c statement_timeout=abc"},
    {"options": "--statement-timeout=abc"},
    {"options": "-c work_mem=1MB", "DateStyle": "nonsense"},
]


def _startup_answer(host: str, port: int, user: str, params: dict[str, str]) -> tuple:
    sock = socket.create_connection((host, port), timeout=10)
    sock.sendall(startup_packet({"user": user, "database": "actors", **params}))
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    sock.close()
    i, kinds = 0, ""
    while i + 5 <= len(data):
        kind, length = chr(data[i]), struct.unpack("!i", data[i + 1 : i + 5])[0]
        if kind == "E":
            fields = error_fields(data[i + 5 : i + 1 + length])
            return kinds, fields["S"], fields["C"], fields["M"], fields.get("D"), fields.get("H")
        kinds += kind
        i += 1 + length
    return (kinds,)


def test_bad_startup_parameters_end_the_connection_as_in_postgresql(start_server):
    server = start_server()
    conn = _connect(server)
    conn.cursor().execute("CREATE TABLE guarded (a int)")
    ours = [_startup_answer(server.host, server.port, "orbit", case) for case in _STARTUP_CASES]
    conn.cursor().execute("SELECT count(*) FROM guarded")  # nothing a client sent ran as SQL
    conn.close()
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        admin = psycopg2.connect(dsn)
        admin.autocommit = True
        admin.cursor().execute("CREATE ROLE orbit LOGIN")
        admin.cursor().execute("CREATE DATABASE actors")
        admin.close()
        port = int(re.search(r"port=(\d+)", dsn).group(1))
        theirs = [_startup_answer("127.0.0.1", port, "orbit", case) for case in _STARTUP_CASES]
    assert [a[:1] for a in ours] == [("R",)] * len(ours)  # authenticated first, then refused
    assert ours == theirs


def test_startup_options_that_are_valid_apply(start_server):
    server = start_server()
    options = r"-c search_path=app,public --statement-timeout=5s -c application\ name=x -c lock_timeout=2s"
    with pytest.raises(psycopg2.OperationalError, match='unrecognized configuration parameter "application name"'):
        psycopg2.connect(server.dsn, options=options)
    conn = psycopg2.connect(server.dsn, options=options.replace(r" -c application\ name=x", ""))
    cur = conn.cursor()
    cur.execute("SELECT current_setting('search_path'), current_setting('statement_timeout'), "
                "current_setting('lock_timeout')")
    path, timeout, lock = cur.fetchone()
    assert (path.replace(" ", ""), timeout, lock) == ("app,public", "5s", "2s")
    conn.close()
