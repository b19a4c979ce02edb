"""SCRAM-SHA-256 (RFC 5802, RFC 7677), the server side, as PostgreSQL speaks it.

PostgreSQL ignores the user name inside the SCRAM messages (the startup packet named the user),
offers no channel binding here (SCRAM-SHA-256 without -PLUS, so clients send "n" or "y"), and
stores a verifier "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>" (base64 parts;
orbitdb/sql/utility/password_secrets.py makes and reads them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from orbitdb.sql.utility.password_secrets import (  # the stored forms live with the roles that keep them
    ITERATIONS,
    MECHANISM,
    Verifier,
    make_verifier,
    parse_verifier,
    saslprep,
)
from orbitdb.sql.utility.password_secrets import hmac_sha256 as _hmac


class ScramError(Exception):
    """The exchange failed: malformed message or wrong proof. Reported to the client as a failed
    password authentication, never with the reason."""


def _attributes(message: str) -> list[tuple[str, str]]:
    pairs = []
    for part in message.split(","):
        if len(part) < 2 or part[1] != "=":
            raise ScramError("malformed SCRAM message")
        pairs.append((part[0], part[2:]))
    return pairs


class ScramExchange:
    """One server-side exchange: client-first -> server-first, client-final -> server-final."""

    def __init__(self, verifier: Verifier, *, real: bool = True) -> None:
        self.verifier = verifier
        self.real = real  # False: a mock exchange for an unknown user, which always fails
        self.server_nonce = base64.b64encode(secrets.token_bytes(18)).decode()
        self._client_first_bare = ""
        self._server_first = ""
        self._gs2_header = ""
        self._nonce = ""

    def server_first(self, client_first: bytes) -> bytes:
        try:
            text = client_first.decode("utf-8")
        except UnicodeDecodeError:
            raise ScramError("malformed SCRAM message") from None
        flag, _, rest = text.partition(",")
        if flag not in ("n", "y") or "," not in rest:
            raise ScramError("unsupported channel binding or malformed message")
        authzid, _, bare = rest.partition(",")
        if authzid:
            raise ScramError("authorization identities are not supported")
        attrs = _attributes(bare)
        if len(attrs) < 2 or attrs[0][0] != "n" or attrs[1][0] != "r" or not attrs[1][1]:
            raise ScramError("malformed SCRAM message")
        if any(key == "m" for key, _ in attrs):
            raise ScramError("extensions are not supported")
        self._gs2_header = f"{flag},{authzid},"
        self._client_first_bare = bare
        self._nonce = attrs[1][1] + self.server_nonce
        salt = base64.b64encode(self.verifier.salt).decode()
        self._server_first = f"r={self._nonce},s={salt},i={self.verifier.iterations}"
        return self._server_first.encode("ascii")

    def server_final(self, client_final: bytes) -> bytes:
        try:
            text = client_final.decode("utf-8")
        except UnicodeDecodeError:
            raise ScramError("malformed SCRAM message") from None
        without_proof, sep, proof_b64 = text.rpartition(",p=")
        if not sep:
            raise ScramError("missing proof")
        attrs = _attributes(without_proof)
        if len(attrs) < 2 or attrs[0][0] != "c" or attrs[1][0] != "r":
            raise ScramError("malformed SCRAM message")
        if attrs[0][1] != base64.b64encode(self._gs2_header.encode()).decode():
            raise ScramError("channel binding mismatch")
        if attrs[1][1] != self._nonce:
            raise ScramError("nonce mismatch")
        try:
            proof = base64.b64decode(proof_b64, validate=True)
        except ValueError:
            raise ScramError("malformed proof") from None
        auth_message = f"{self._client_first_bare},{self._server_first},{without_proof}".encode()
        client_signature = _hmac(self.verifier.stored_key, auth_message)
        if len(proof) != len(client_signature):
            raise ScramError("wrong proof")
        client_key = bytes(a ^ b for a, b in zip(proof, client_signature))
        if not self.real or not hmac.compare_digest(
            hashlib.sha256(client_key).digest(), self.verifier.stored_key
        ):
            raise ScramError("wrong proof")
        server_signature = _hmac(self.verifier.server_key, auth_message)
        return b"v=" + base64.b64encode(server_signature)


__all__ = ["ITERATIONS", "MECHANISM", "ScramError", "ScramExchange", "Verifier", "make_verifier",
           "parse_verifier", "saslprep"]
