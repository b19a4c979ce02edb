"""Client authentication after the startup packet: trust, md5 or SCRAM-SHA-256.

Credentials are prepared once from the configuration: a plain password serves both md5 and SCRAM;
a stored "md5<hex>" hash serves md5 only; a stored "SCRAM-SHA-256$..." verifier serves SCRAM only
(and md5 falls back to SCRAM for it, as PostgreSQL does). A password set with ALTER ROLE (the
data dir's role passwords, looked up at each authentication) wins over the configuration's; a
role whose password was removed (PASSWORD NULL) cannot authenticate with a password. An unknown
user goes through the same exchange and fails the same way, so the answer does not tell which
users exist; why it failed goes to the server's log only (AuthFailed.reason).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from orbitdb.pgwire import backend, scram
from orbitdb.pgwire.errors import ProtocolError
from orbitdb.pgwire.frontend import Body
from orbitdb.pgwire.stream import AUTH_MESSAGE_LIMIT, Stream
from orbitdb.sql.errors import SqlError
from orbitdb.sql.utility.password_secrets import is_md5_hash, md5_hash

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
    if is_md5_hash(secret):
        return Credential(secret, None)
    return Credential(md5_hash(user, secret), scram.make_verifier(secret))


# (whether the role's password was set in the data dir, its stored form or None for none)
StoredPasswords = Callable[[str], "tuple[bool, str | None]"]


@dataclass
class AuthSettings:
    method: str = "trust"
    credentials: dict[str, Credential] = field(default_factory=dict)
    # keys the fake salts of unknown users, so a probe sees the same salt each time
    mock_secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    stored: StoredPasswords | None = None  # set by the server: the data dir's role passwords

    @classmethod
    def from_passwords(cls, method: str, passwords: dict[str, str]) -> AuthSettings:
        return cls(method, {user: make_credential(user, pw) for user, pw in passwords.items()})

    def credential(self, user: str) -> tuple[Credential | None, str]:
        """The user's credential, or None and why there is none (for the log)."""
        if self.stored is not None:
            found, secret = self.stored(user)
            if found:
                if secret is None:
                    return None, f'User "{user}" has no password assigned.'
                return make_credential(user, secret), ""
        credential = self.credentials.get(user)
        return credential, "" if credential is not None else f'Role "{user}" does not exist.'


def password_expired(valid_until: str | None) -> bool:
    """Whether a role's VALID UNTIL time (role_store.py keeps it as ISO text or 'infinity') has passed."""
    if valid_until is None or valid_until == "infinity":
        return False
    import datetime

    try:
        when = datetime.datetime.fromisoformat(valid_until)
    except ValueError:
        return True
    return when < datetime.datetime.now(datetime.timezone.utc)


class AuthFailed(SqlError):
    """FATAL 28P01, the same for every failure; reason is for the server's log only."""

    def __init__(self, user: str, reason: str) -> None:
        super().__init__("28P01", f'password authentication failed for user "{user}"', severity="FATAL")
        self.user = user
        self.reason = reason


def authenticate(stream: Stream, settings: AuthSettings, user: str) -> None:
    """Runs the exchange; returns when the user is authenticated (AuthenticationOk not yet sent),
    raises SqlError (FATAL 28P01) when not."""
    if settings.method == "trust":
        return
    credential, missing = settings.credential(user)
    use_scram = settings.method == "scram-sha-256" or (credential is not None and credential.md5_hash is None)
    if use_scram:
        _scram(stream, settings, user, credential, missing)
    else:
        _md5(stream, user, credential, missing)


def _read_password_message(stream: Stream) -> bytes:
    stream.flush()
    kind, body = stream.read_message(AUTH_MESSAGE_LIMIT)
    if kind != ord("p"):
        raise ProtocolError(f"expected password response, got message type {kind}")
    return body


def _md5(stream: Stream, user: str, credential: Credential | None, missing: str) -> None:
    salt = secrets.token_bytes(4)
    stream.write(backend.authentication(backend.AUTH_MD5, salt))
    response = _read_password_message(stream)
    if credential is None or credential.md5_hash is None:
        raise AuthFailed(user, missing or f'User "{user}" has no MD5 password.')
    expected = "md5" + hashlib.md5(credential.md5_hash[3:].encode("ascii") + salt).hexdigest()
    if not hmac.compare_digest(response.rstrip(b"\x00"), expected.encode("ascii")):
        raise AuthFailed(user, f'Password does not match for user "{user}".')


def _mock_verifier(settings: AuthSettings, user: str) -> scram.Verifier:
    salt = hmac.new(settings.mock_secret, user.encode("utf-8"), hashlib.sha256).digest()[:16]
    return scram.Verifier(scram.ITERATIONS, salt, b"\x00" * 32, b"\x00" * 32)


def _scram(
    stream: Stream, settings: AuthSettings, user: str, credential: Credential | None, missing: str
) -> None:
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
        if verifier is None:
            reason = missing or f'User "{user}" does not have a valid SCRAM secret.'
        elif str(exc) == "wrong proof":
            reason = f'Password does not match for user "{user}".'
        else:
            reason = f"Malformed SCRAM exchange: {exc}."
        raise AuthFailed(user, reason) from None
    stream.write(backend.authentication(backend.AUTH_SASL_FINAL, server_final))


__all__ = ["METHODS", "AuthFailed", "AuthSettings", "Credential", "authenticate", "make_credential", "password_expired"]
