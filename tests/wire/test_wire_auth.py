"""Authentication (trust, md5, SCRAM-SHA-256) and TLS, with psycopg2, psycopg 3 and psql."""

from __future__ import annotations

import struct
from pathlib import Path

import psycopg2
import pytest
from pgproto import RawClient, error_fields
from tls_support import make_certificate as _make_certificate
from wire_support import psycopg

from orbitdb.pgwire import scram

PASSWORD = "s3cret-pässword"


def _write_config(path: Path, body: str) -> Path:
    path.write_text(body)
    return path


def _auth_config(tmp_path: Path, method: str, extra: str = "") -> Path:
    verifier = scram.make_verifier("verifier-pw").text()
    return _write_config(
        tmp_path / f"{method}.toml",
        f"""
[auth]
method = "{method}"

[auth.users]
orbit = "{PASSWORD}"
stored = "{verifier}"
{extra}
""",
    )


@pytest.mark.parametrize("method", ["md5", "scram-sha-256"])
def test_password_methods_with_both_drivers(start_server, tmp_path, method):
    server = start_server(["--config", str(_auth_config(tmp_path, method))])
    if psycopg is not None:
        with psycopg.connect(server.dsn, password=PASSWORD) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    conn2 = psycopg2.connect(server.dsn, password=PASSWORD)
    cur = conn2.cursor()
    cur.execute("select 1")
    assert cur.fetchone() == (1,)
    conn2.close()
    # a stored SCRAM verifier works for both methods (md5 falls back to SCRAM, as PostgreSQL does)
    conn3 = psycopg2.connect(server.dsn.replace("user=orbit", "user=stored"), password="verifier-pw")
    conn3.close()


@pytest.mark.parametrize("method", ["md5", "scram-sha-256"])
def test_wrong_password_and_unknown_user_are_refused(start_server, tmp_path, method):
    server = start_server(["--config", str(_auth_config(tmp_path, method))])
    for user, password in (("orbit", "wrong"), ("nobody", PASSWORD)):
        if psycopg is not None:
            with pytest.raises(psycopg.OperationalError) as info:
                psycopg.connect(server.dsn.replace("user=orbit", f"user={user}"), password=password)
            assert f'password authentication failed for user "{user}"' in str(info.value)
        with pytest.raises(psycopg2.OperationalError) as info2:
            psycopg2.connect(server.dsn.replace("user=orbit", f"user={user}"), password=password)
        assert "password authentication failed" in str(info2.value)


def test_wrong_password_sqlstate_is_28P01(start_server, tmp_path):
    server = start_server(["--config", str(_auth_config(tmp_path, "md5"))])
    client = RawClient(server.host, server.port)
    from pgproto import msg, startup_packet

    client.send(startup_packet())
    kind, body = client.read()
    assert kind == "R" and struct.unpack("!i", body[:4])[0] == 5  # AuthenticationMD5Password
    client.send(msg(b"p", b"md5" + b"0" * 32 + b"\x00"))
    kind, body = client.read()
    fields = error_fields(body)
    assert (kind, fields["S"], fields["C"]) == ("E", "FATAL", "28P01")
    assert client.closed()


def test_no_password_reaches_no_data(start_server, tmp_path):
    server = start_server(["--config", str(_auth_config(tmp_path, "scram-sha-256"))])
    from pgproto import query, startup_packet

    client = RawClient(server.host, server.port)
    client.send(startup_packet())
    kind, body = client.read()
    assert kind == "R" and struct.unpack("!i", body[:4])[0] == 10  # AuthenticationSASL
    client.send(query("select * from users"))  # skipping authentication is a protocol violation
    kind, body = client.read()
    assert kind == "E" and error_fields(body)["S"] == "FATAL"
    assert client.closed()


@pytest.mark.needs_psql
def test_psql_with_password(start_server, tmp_path):
    server = start_server(["--config", str(_auth_config(tmp_path, "scram-sha-256"))])
    out = server.psql("-At", "-c", "select 1", env={"PGPASSWORD": PASSWORD})
    assert out.stdout.strip() == "1"
    bad = server.psql("-At", "-c", "select 1", env={"PGPASSWORD": "nope"}, check=False)
    assert bad.returncode != 0 and "password authentication failed" in bad.stderr


@pytest.fixture
def tls_server(start_server, tmp_path):
    cert, key = _make_certificate(tmp_path)
    config = _auth_config(
        tmp_path,
        "scram-sha-256",
        extra=f'\n[security]\nenable_tls = true\ncert_path = "{cert}"\nkey_path = "{key}"\n',
    )
    server = start_server(["--config", str(config)])
    server.cert = cert
    return server


def test_tls_require_with_both_drivers(tls_server):
    if psycopg is not None:
        with psycopg.connect(tls_server.dsn, password=PASSWORD, sslmode="require") as conn:
            assert conn.pgconn.ssl_in_use
            assert conn.execute("select 'over tls'").fetchone() == ("over tls",)
    conn2 = psycopg2.connect(tls_server.dsn, password=PASSWORD, sslmode="require")
    assert conn2.info.ssl_in_use
    conn2.close()


def test_tls_verify_full_with_the_certificate(tls_server):
    dsn = tls_server.dsn.replace("host=127.0.0.1", "host=localhost")
    with psycopg.connect(
        dsn, password=PASSWORD, sslmode="verify-full", sslrootcert=str(tls_server.cert)
    ) as conn:
        assert conn.execute("select 1").fetchone() == (1,)


def test_tls_wrong_password_refused(tls_server):
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(tls_server.dsn, password="wrong", sslmode="require")


@pytest.mark.needs_psql
def test_psql_over_tls(tls_server):
    out = tls_server.psql("-At", "-c", "select 1", env={"PGPASSWORD": PASSWORD, "PGSSLMODE": "require"})
    assert out.stdout.strip() == "1"


def test_tls_config_errors_exit_2(tmp_path):
    from orbitdb.cli import main

    config = _write_config(
        tmp_path / "bad.toml", '[security]\nenable_tls = true\ncert_path = "/nonexistent.crt"\n'
    )
    assert main(["serve", "--config", str(config), "--port", "0"]) == 2


def test_scram_exchange_matches_rfc7677_example():
    # RFC 7677 section 3: user "user", password "pencil"
    verifier = scram.make_verifier("pencil", salt=__import__("base64").b64decode("W22ZaJ0SNY7soEsUEjb6gQ=="))
    exchange = scram.ScramExchange(verifier)
    exchange.server_nonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
    first = exchange.server_first(b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
    assert first == b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    final = exchange.server_final(
        b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    )
    assert final == b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
