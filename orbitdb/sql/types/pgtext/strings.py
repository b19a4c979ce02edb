"""Text input and output of bytea, uuid and "char" values, as PostgreSQL 15 does them."""

from __future__ import annotations

import uuid

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.errors import (
    INVALID_PARAMETER_VALUE,
    INVALID_TEXT_REPRESENTATION,
    invalid_syntax,
)

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_HEX_SKIP = " \t\n\r"  # hex_decode skips these between digit pairs


def format_bytea(value: bytes | bytearray | memoryview) -> str:
    """byteaout with bytea_output = hex."""
    return "\\x" + bytes(value).hex()


def parse_bytea(text: str) -> bytes:
    """byteain: '\\x' hex format, else the escape format (\\\\ and \\ooo octal escapes)."""
    if text.startswith("\\x"):
        return _parse_hex(text[2:])
    out = bytearray()
    raw = text.encode("utf-8")
    i = 0
    while i < len(raw):
        byte = raw[i]
        if byte != 0x5C:  # backslash
            out.append(byte)
            i += 1
        elif raw[i + 1 : i + 2] == b"\\":
            out.append(0x5C)
            i += 2
        elif (
            i + 3 < len(raw)
            and raw[i + 1] in b"0123"
            and raw[i + 2] in b"01234567"
            and raw[i + 3] in b"01234567"
        ):
            out.append(int(raw[i + 1 : i + 4], 8))
            i += 4
        else:
            raise SqlError(INVALID_TEXT_REPRESENTATION, "invalid input syntax for type bytea")
    return bytes(out)


def _parse_hex(digits: str) -> bytes:
    out = bytearray()
    i = 0
    n = len(digits)
    while i < n:
        ch = digits[i]
        if ch in _HEX_SKIP:
            i += 1
            continue
        if ch not in _HEX_DIGITS:
            raise SqlError(INVALID_PARAMETER_VALUE, f'invalid hexadecimal digit: "{ch}"')
        if i + 1 >= n:
            raise SqlError(INVALID_PARAMETER_VALUE, "invalid hexadecimal data: odd number of digits")
        low = digits[i + 1]
        if low not in _HEX_DIGITS:
            raise SqlError(INVALID_PARAMETER_VALUE, f'invalid hexadecimal digit: "{low}"')
        out.append(int(ch + low, 16))
        i += 2
    return bytes(out)


def parse_uuid(text: str) -> uuid.UUID:
    """uuid_in: 32 hex digits, a hyphen allowed after any group of four, optional braces."""
    src = text
    braces = src.startswith("{")
    if braces:
        src = src[1:]
    hexdigits = []
    pos = 0
    for i in range(16):
        pair = src[pos : pos + 2]
        if len(pair) != 2 or pair[0] not in _HEX_DIGITS or pair[1] not in _HEX_DIGITS:
            raise invalid_syntax("uuid", text)
        hexdigits.append(pair)
        pos += 2
        if src[pos : pos + 1] == "-" and i % 2 == 1 and i < 15:
            pos += 1
    if braces:
        if src[pos : pos + 1] != "}":
            raise invalid_syntax("uuid", text)
        pos += 1
    if pos != len(src):
        raise invalid_syntax("uuid", text)
    return uuid.UUID("".join(hexdigits))


def format_uuid(value: uuid.UUID | str) -> str:
    return str(value) if isinstance(value, uuid.UUID) else str(uuid.UUID(value))


def parse_char(text: str) -> str:
    """charin: the first byte of the text, or the byte a "\\ooo" octal escape names. A byte past
    ASCII is kept as charout prints it ("\\303"), a zero byte as the empty string."""
    if len(text) == 4 and text[0] == "\\" and all("0" <= c <= "7" for c in text[1:]):
        return char_of_byte(int(text[1:], 8) & 255)
    first = text[:1]
    if first and ord(first) >= 128:
        return char_of_byte(first.encode("utf-8")[0])
    return first


def char_of_byte(n: int) -> str:
    """The "char" value of a byte (0..255), as charout prints it."""
    if n == 0:
        return ""
    return chr(n) if n < 128 else f"\\{n:03o}"


def char_byte(v: str) -> int:
    """The byte a "char" value holds (0 for the empty value)."""
    if not v:
        return 0
    if len(v) == 4 and v[0] == "\\":
        return int(v[1:], 8)
    return ord(v[0]) if ord(v[0]) < 128 else v[0].encode("utf-8")[0]
