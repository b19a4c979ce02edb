"""pgcrypto's functions, as PostgreSQL 15's pgcrypto 1.3 gives them: digest, hmac, crypt, gen_salt
and gen_random_bytes (gen_random_uuid is core, in system.py). The PGP, raw encrypt/decrypt and
armor functions are not provided (calling them is 42883, as for any function that is not there).
They are callable once CREATE EXTENSION pgcrypto has been run, as on PostgreSQL, and are also
callable before: orbitdb does not hide built-in functions."""

from __future__ import annotations

import hashlib
import hmac as _hmac
import secrets

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.password_hashes import CRYPT_ALPHABET, bcrypt, bcrypt_encode, md5_crypt
from orbitdb.sql.functions.registry import register

TEXT, BYTEA, INT4 = T.TEXT, T.BYTEA, T.INT4
_HASHES = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")


def _hash_name(name: str) -> str:
    n = name.lower().replace("-", "")
    if n not in _HASHES:
        raise SqlError("22023", f'Cannot use "{name}": No such hash algorithm')
    return n


def _bytes(v: str | bytes) -> bytes:
    return v.encode("utf-8") if isinstance(v, str) else bytes(v)


@register("digest", [TEXT, TEXT], BYTEA)
@register("digest", [BYTEA, TEXT], BYTEA)
def digest(data: str | bytes, kind: str) -> bytes:
    return hashlib.new(_hash_name(kind), _bytes(data)).digest()


@register("hmac", [TEXT, TEXT, TEXT], BYTEA)
@register("hmac", [BYTEA, BYTEA, TEXT], BYTEA)
def hmac(data: str | bytes, key: str | bytes, kind: str) -> bytes:
    return _hmac.new(_bytes(key), _bytes(data), _hash_name(kind)).digest()


@register("gen_random_bytes", [INT4], BYTEA, volatile=True)
def gen_random_bytes(count: int) -> bytes:
    if not 1 <= count <= 1024:
        raise SqlError("39000", "Length not in range")
    return secrets.token_bytes(count)


# gen_salt's algorithms: default and allowed iteration counts (bf: log2 of the rounds)
_SALT_ROUNDS = {"bf": (6, 4, 31), "md5": (1000, 1000, 1000), "des": (25, 25, 25), "xdes": (725, 1, 16777215)}


@register("gen_salt", [TEXT], TEXT, volatile=True)
@register("gen_salt", [TEXT, INT4], TEXT, volatile=True)
def gen_salt(kind: str, rounds: int | None = None) -> str:
    algo = kind.lower()
    if algo not in _SALT_ROUNDS:
        raise SqlError("22023", "gen_salt: Unknown salt algorithm")
    default, low, high = _SALT_ROUNDS[algo]
    n = default if rounds is None or rounds == 0 else rounds
    if not low <= n <= high or algo == "xdes" and n % 2 == 0:
        raise SqlError("22023", "gen_salt: Incorrect number of rounds")
    if algo == "bf":
        return f"$2a${n:02d}$" + bcrypt_encode(secrets.token_bytes(16))[:22]
    if algo == "md5":
        return "$1$" + "".join(secrets.choice(CRYPT_ALPHABET) for _ in range(8))
    raise SqlError("0A000", f"gen_salt('{algo}') is not supported by orbitdb",
                   detail="orbitdb's crypt() provides the bf and md5 algorithms.")


@register("crypt", [TEXT, TEXT], TEXT)
def crypt(password: str, setting: str) -> str:
    pw = password.encode("utf-8")
    if setting.startswith(("$2a$", "$2x$")):
        return bcrypt(pw, setting)
    if setting.startswith("$1$"):
        return md5_crypt(pw, setting)
    if setting.startswith("$2"):
        raise SqlError("22023", "invalid salt")
    raise SqlError("0A000", "crypt() with DES salts is not supported by orbitdb",
                   detail="orbitdb's crypt() provides the bf ($2a$) and md5 ($1$) algorithms.")


__all__ = ["crypt", "digest", "gen_random_bytes", "gen_salt", "hmac"]
