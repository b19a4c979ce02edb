"""The password hashes of pgcrypto's crypt(): bcrypt ("$2a$", Blowfish's expensive key schedule)
and the MD5-based crypt ("$1$"), written from their published descriptions.

Blowfish starts from the hexadecimal digits of pi's fraction (its P-array and S-boxes): they are
computed once, on first use, with Machin's formula in integer arithmetic."""

from __future__ import annotations

import functools
import hashlib

from orbitdb.sql.errors import SqlError

# the crypt(3) alphabets: "./0-9A-Za-z" for MD5 crypt, "./A-Za-z0-9" for bcrypt
CRYPT_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_BCRYPT_INDEX = {c: i for i, c in enumerate(BCRYPT_ALPHABET)}
_MASK = 0xFFFFFFFF
_PI_WORDS = 18 + 4 * 256


def invalid_salt() -> SqlError:
    return SqlError("22023", "invalid salt")


# ---- pi and Blowfish ---------------------------------------------------------------------------

def _arctan_inverse(x: int, one: int) -> int:
    """arctan(1/x) * one, by its Taylor series."""
    total = term = one // x
    x2 = x * x
    n = 1
    sign = -1
    while term:
        term //= x2
        total += sign * (term // (2 * n + 1))
        sign = -sign
        n += 1
    return total


@functools.cache
def _pi_fraction_words() -> tuple[int, ...]:
    """The first 1042 32-bit words of pi's fractional part (0x243F6A88, 0x85A308D3, ...)."""
    bits = _PI_WORDS * 32
    guard = 64
    one = 1 << (bits + guard)
    pi = 16 * _arctan_inverse(5, one) - 4 * _arctan_inverse(239, one)
    fraction = (pi - 3 * one) >> guard
    return tuple((fraction >> (bits - 32 * (i + 1))) & _MASK for i in range(_PI_WORDS))


class _Blowfish:
    __slots__ = ("p", "s0", "s1", "s2", "s3")

    def __init__(self) -> None:
        words = _pi_fraction_words()
        self.p = list(words[:18])
        self.s0 = list(words[18:274])
        self.s1 = list(words[274:530])
        self.s2 = list(words[530:786])
        self.s3 = list(words[786:1042])

    def encrypt(self, left: int, right: int) -> tuple[int, int]:
        p, s0, s1, s2, s3 = self.p, self.s0, self.s1, self.s2, self.s3
        for i in range(0, 16, 2):
            left ^= p[i]
            right ^= (((s0[left >> 24] + s1[(left >> 16) & 255]) ^ s2[(left >> 8) & 255]) + s3[left & 255]) & _MASK
            right ^= p[i + 1]
            left ^= (((s0[right >> 24] + s1[(right >> 16) & 255]) ^ s2[(right >> 8) & 255]) + s3[right & 255]) & _MASK
        return right ^ p[17], left ^ p[16]

    def expand(self, key_words: list[int], salt_words: list[int] | None) -> None:
        """Blowfish's key schedule; with salt words (bcrypt's ExpandKey), they are mixed into each
        block encrypted (cycling through them)."""
        p = self.p
        for i in range(18):
            p[i] ^= key_words[i % len(key_words)]
        left = right = 0
        n = 0
        encrypt = self.encrypt
        for box in (p, self.s0, self.s1, self.s2, self.s3):
            for i in range(0, len(box), 2):
                if salt_words is not None:
                    left ^= salt_words[n % 4]
                    right ^= salt_words[(n + 1) % 4]
                    n += 2
                left, right = encrypt(left, right)
                box[i] = left
                box[i + 1] = right


def _words(data: bytes, count: int) -> list[int]:
    """count 32-bit big-endian words read from data cycled (Blowfish_stream2word)."""
    out = []
    j = 0
    for _ in range(count):
        w = 0
        for _ in range(4):
            w = (w << 8) | data[j]
            j = (j + 1) % len(data)
        out.append(w)
    return out


def _bcrypt_decode(text: str, nbytes: int) -> bytes:
    out = bytearray()
    bits = 0
    acc = 0
    for ch in text:
        acc = (acc << 6) | _BCRYPT_INDEX[ch]
        bits += 6
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 255)
            if len(out) == nbytes:
                break
    return bytes(out)


def bcrypt_encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data), 3):
        chunk = data[i : i + 3]
        n = int.from_bytes(chunk + b"\0" * (3 - len(chunk)), "big")
        for k in range(len(chunk) + 1):
            out.append(BCRYPT_ALPHABET[(n >> (18 - 6 * k)) & 63])
    return "".join(out)


def bcrypt(password: bytes, setting: str) -> str:
    """crypt() with a "$2a$NN$<22 salt characters>" setting ("$2x$" reads the same)."""
    if len(setting) < 29 or setting[:4] not in ("$2a$", "$2x$") or setting[6] != "$" \
            or not setting[4:6].isdigit() or any(c not in _BCRYPT_INDEX for c in setting[7:29]):
        raise invalid_salt()
    cost = int(setting[4:6])
    if not 4 <= cost <= 31:
        raise invalid_salt()
    salt = _bcrypt_decode(setting[7:29], 16)
    key = (password + b"\0")[:72]
    key_words = _words(key, 18)
    salt_words = _words(salt, 4)
    bf = _Blowfish()
    bf.expand(key_words, salt_words)
    for _ in range(1 << cost):
        bf.expand(key_words, None)
        bf.expand(salt_words, None)
    ctext = _words(b"OrpheanBeholderScryDoubt", 6)
    for i in range(0, 6, 2):
        left, right = ctext[i], ctext[i + 1]
        for _ in range(64):
            left, right = bf.encrypt(left, right)
        ctext[i], ctext[i + 1] = left, right
    digest = b"".join(w.to_bytes(4, "big") for w in ctext)[:23]
    return setting[:7] + bcrypt_encode(salt) + bcrypt_encode(digest)


# ---- MD5 crypt ---------------------------------------------------------------------------------

def _crypt_encode(value: int, count: int) -> str:
    out = []
    for _ in range(count):
        out.append(CRYPT_ALPHABET[value & 63])
        value >>= 6
    return "".join(out)


def md5_crypt(password: bytes, setting: str) -> str:
    """crypt() with a "$1$<up to 8 salt characters>[$...]" setting (Poul-Henning Kamp's MD5 crypt)."""
    salt = setting[3:].split("$", 1)[0][:8].encode()
    magic = b"$1$"
    alternate = hashlib.md5(password + salt + password).digest()
    ctx = hashlib.md5(password + magic + salt)
    n = len(password)
    while n > 0:
        ctx.update(alternate[: min(n, 16)])
        n -= 16
    n = len(password)
    while n:
        ctx.update(b"\0" if n & 1 else password[:1])
        n >>= 1
    final = ctx.digest()
    for i in range(1000):
        step = hashlib.md5()
        step.update(password if i & 1 else final)
        if i % 3:
            step.update(salt)
        if i % 7:
            step.update(password)
        step.update(final if i & 1 else password)
        final = step.digest()
    groups = ((0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5))
    text = "".join(_crypt_encode((final[a] << 16) | (final[b] << 8) | final[c], 4) for a, b, c in groups)
    text += _crypt_encode(final[11], 2)
    return "$1$" + salt.decode() + "$" + text
