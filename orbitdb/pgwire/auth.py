"""Client authentication after the startup packet: trust, md5 or SCRAM-SHA-256.

Credentials are prepared once from the configuration: a plain password serves both md5 and SCRAM;
a stored "md5<hex>" hash serves md5 only; a stored "SCRAM-SHA-256$..." verifier serves SCRAM only
(and md5 falls back to SCRAM for it, as PostgreSQL does). An unknown user goes through the same
exchange and fails the same way, so the answer does not tell which users exist.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field

from orbitdb.pgwire import backend, scram
from orbitdb.pgwire.errors import ProtocolError
from orbitdb.pgwire.frontend import Body
from orbitdb.pgwire.stream import AUTH_MESSAGE_LIMIT, Stream
from orbitdb.sql.errors import SqlError

log = logging.getLogger("orbitdb.pgwire")

METHODS = ("trust", "md5", "scram-sha-256")


@dataclass(frozen=True)
class Credential:
    md5_hash: str | None  # "md5" + md5(password + user), as pg_authid keeps it
    verifier: scram.Verifier | None


def make_credential(user: str, secret: str) -> Credential:
    if secret.startswith(scram.MECHANISM + "$"):
        verifier = scram.parse_verifier(secret)
        if verifier is None:
            raise ValueError(f"the SCRAM verifier of user {user!r} is malformed")
        return Credential(None, verifier)
    if len(secret) == 35 and secret.startswith("md5") and all(c in "0123456789abcdef" for c in secret[3:]):
        return Credential(secret, None)
    md5_hash = "md5" + hashlib.md5((secret + user).encode("utf-8")).hexdigest()
    return Credential(md5_hash, scram.make_verifier(secret))


@dataclass
class AuthSettings:
    method: str = "trust"
    credentials: dict[str, Credential] = field(default_factory=dict)
    # keys the fake salts of unknown users, so a probe sees the same salt each time
    mock_secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))

    @classmethod
    def from_passwords(cls, method: str, passwords: dict[str, str]) -> AuthSettings:
        return cls(method, {user: make_credential(user, pw) for user, pw in passwords.items()})


def auth_failed(user: str) -> SqlError:
    return SqlError("28P01", f'password authentication failed for user "{user}"', severity="FATAL")


def authenticate(stream: Stream, settings: AuthSettings, user: str) -> None:
    """Runs the exchange; returns when the user is authenticated (AuthenticationOk not yet sent),
    raises SqlError (FATAL 28P01) when not."""
    if settings.method == "trust":
        return
    credential = settings.credentials.get(user)
    use_scram = settings.method == "scram-sha-256" or (credential is not None and credential.md5_hash is None)
    if use_scram:
        _scram(stream, settings, user, credential)
    else:
        _md5(stream, user, credential)


def _read_password_message(stream: Stream) -> bytes:
    stream.flush()
    kind, body = stream.read_message(AUTH_MESSAGE_LIMIT)
    if kind != ord("p"):
        raise ProtocolError(f"expected password response, got message type {kind}")
    return body


def _md5(stream: Stream, user: str, credential: Credential | None) -> None:
    salt = secrets.token_bytes(4)
    stream.write(backend.authentication(backend.AUTH_MD5, salt))
    response = _read_password_message(stream)
    if credential is None or credential.md5_hash is None:
        log.info("authentication failed for user %r: no such user with an md5 password", user)
        raise auth_failed(user)
    expected = "md5" + hashlib.md5(credential.md5_hash[3:].encode("ascii") + salt).hexdigest()
    if not hmac.compare_digest(response.rstrip(b"\x00"), expected.encode("ascii")):
        log.info("authentication failed for user %r: wrong md5 password", user)
        raise auth_failed(user)


def _mock_verifier(settings: AuthSettings, user: str) -> scram.Verifier:
    salt = hmac.new(settings.mock_secret, user.encode("utf-8"), hashlib.sha256).digest()[:16]
    return scram.Verifier(scram.ITERATIONS, salt, b"\x00" * 32, b"\x00" * 32)


def _scram(stream: Stream, settings: AuthSettings, user: str, credential: Credential | None) -> None:
    verifier = credential.verifier if credential is not None else None
    # no verifier (unknown user, or only an md5 hash): a mock exchange that fails at the proof
    exchange = scram.ScramExchange(verifier or _mock_verifier(settings, user), real=verifier is not None)
    stream.write(backend.authentication(backend.AUTH_SASL, scram.MECHANISM.encode() + b"\x00\x00"))
    body = Body(_read_password_message(stream))
    mechanism = body.cstring()
    if mechanism != scram.MECHANISM:
        raise ProtocolError("client selected an invalid SASL authentication mechanism")
    length = body.int32()
    client_first = body.raw(length) if length >= 0 else b""
    body.end()
    try:
        stream.write(backend.authentication(backend.AUTH_SASL_CONTINUE, exchange.server_first(client_first)))
        client_final = _read_password_message(stream)
        server_final = exchange.server_final(client_final)
    except scram.ScramError as exc:
        log.info("authentication failed for user %r: %s", user, exc)
        raise auth_failed(user) from None
    stream.write(backend.authentication(backend.AUTH_SASL_FINAL, server_final))


__all__ = ["METHODS", "AuthSettings", "Credential", "authenticate", "make_credential"]
