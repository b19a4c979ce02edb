"""What a role's password is kept as: a SCRAM-SHA-256 verifier or an MD5 hash, never the clear
text (PostgreSQL's pg_authid.rolpassword).

    "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"   (base64 parts, RFC 5802)
    "md5" + md5(password + user) in hex

A password given to ALTER ROLE is stored as it is when it already is one of these (psql's
\\password computes the verifier on the client), otherwise turned into one as
password_encryption says, as PostgreSQL does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import stringprep
import unicodedata
from dataclasses import dataclass

from orbitdb.sql.errors import SqlError

MECHANISM = "SCRAM-SHA-256"
ITERATIONS = 4096
ENCRYPTIONS = ("scram-sha-256", "md5")  # the values of password_encryption


@dataclass(frozen=True)
class Verifier:
    iterations: int
    salt: bytes
    stored_key: bytes
    server_key: bytes

    def text(self) -> str:
        b64 = base64.b64encode
        return (
            f"{MECHANISM}${self.iterations}:{b64(self.salt).decode()}"
            f"${b64(self.stored_key).decode()}:{b64(self.server_key).decode()}"
        )


def hmac_sha256(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


def saslprep(password: str) -> str:
    """RFC 4013 SASLprep, as PostgreSQL applies it: when the password is not valid under it, the
    password is used as it is."""
    mapped = "".join(
        " " if stringprep.in_table_c12(ch) else ch for ch in password if not stringprep.in_table_b1(ch)
    )
    normalized = unicodedata.normalize("NFKC", mapped)
    if not normalized:
        return password
    prohibited = (
        stringprep.in_table_c12,
        stringprep.in_table_c21_c22,
        stringprep.in_table_c3,
        stringprep.in_table_c4,
        stringprep.in_table_c5,
        stringprep.in_table_c6,
        stringprep.in_table_c7,
        stringprep.in_table_c8,
        stringprep.in_table_c9,
        stringprep.in_table_a1,
    )
    if any(check(ch) for ch in normalized for check in prohibited):
        return password
    if any(stringprep.in_table_d1(ch) for ch in normalized):
        if not (stringprep.in_table_d1(normalized[0]) and stringprep.in_table_d1(normalized[-1])):
            return password
        if any(stringprep.in_table_d2(ch) for ch in normalized):
            return password
    return normalized


def make_verifier(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> Verifier:
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", saslprep(password).encode("utf-8"), salt, iterations)
    client_key = hmac_sha256(salted, b"Client Key")
    return Verifier(iterations, salt, hashlib.sha256(client_key).digest(), hmac_sha256(salted, b"Server Key"))


def parse_verifier(text: str) -> Verifier | None:
    """A stored "SCRAM-SHA-256$..." verifier, or None if text is not one."""
    try:
        mechanism, params, keys = text.split("$")
        iterations, salt = params.split(":")
        stored, server = keys.split(":")
        if mechanism != MECHANISM:
            return None
        b64 = base64.b64decode
        verifier = Verifier(
            int(iterations), b64(salt, validate=True), b64(stored, validate=True), b64(server, validate=True)
        )
    except ValueError:
        return None
    if verifier.iterations < 1 or len(verifier.stored_key) != 32 or len(verifier.server_key) != 32:
        return None
    return verifier


def is_md5_hash(text: str) -> bool:
    return len(text) == 35 and text.startswith("md5") and all(c in "0123456789abcdef" for c in text[3:])


def md5_hash(user: str, password: str) -> str:
    return "md5" + hashlib.md5((password + user).encode("utf-8")).hexdigest()


def is_stored_form(text: str) -> bool:
    """Whether a password is already a verifier or an MD5 hash (kept as given)."""
    return is_md5_hash(text) or parse_verifier(text) is not None


def encrypt_password(user: str, password: str, encryption: str) -> str:
    """What ALTER ROLE ... PASSWORD stores (PostgreSQL's encrypt_password)."""
    if is_stored_form(password):
        return password
    if encryption == "md5":
        return md5_hash(user, password)
    if encryption == "scram-sha-256":
        return make_verifier(password).text()
    raise SqlError("22023", f'invalid value for parameter "password_encryption": "{encryption}"',
                   hint="Available values: md5, scram-sha-256.")
