"""Converting between a client's encoding and the server's UTF8, with PostgreSQL's errors:
22021 for bytes that are no character of the client's encoding, 22P05 for a character that has
no equivalent in the other encoding. Python's codecs do the converting; where PostgreSQL's
tables differ from them (SJIS's user-defined area, EUC_JP, two EUC_KR codes) this module or
euc_jp.py says what PostgreSQL does."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass

from orbitdb.pgwire.encodings import euc_jp, sjis  # euc_jp registers the codec euc_jp_pg
from orbitdb.sql.client_encodings import CODECS
from orbitdb.sql.errors import SqlError

INVALID_BYTES = "22021"  # character_not_in_repertoire
NO_EQUIVALENT = "22P05"  # untranslatable_character

_SJIS_REFUSED_CHARS = sjis.REFUSED_CHARS
# codes PostgreSQL maps that Python's codecs do not: read both ways, or (GBK's euro sign) only sent
_EXTRA_DECODED = {"EUC_KR": {b"\xa2\xe8": "\u327e", b"\xa4\xd4": "\u3164"}}
_EXTRA_ENCODED = {"EUC_KR": {"\u327e": b"\xa2\xe8", "\u3164": b"\xa4\xd4"}, "GBK": {"\u20ac": b"\x80"}}


class Untranslatable(SqlError):
    """22P05 for a result the client's encoding cannot hold: found by the wire layer after the
    statement ran, so the connection makes its transaction fail as PostgreSQL's does."""

    def __init__(self, message: str) -> None:
        super().__init__(NO_EQUIVALENT, message)


def _hex_bytes(raw: bytes) -> str:
    return " ".join(f"0x{b:02x}" for b in raw)


def _char_length(name: str, raw: bytes, start: int) -> int:
    """How many bytes the character at start has, by its first byte (PostgreSQL's mblen)."""
    first = raw[start]
    if first < 0x80 or name not in _MULTIBYTE:
        return 1
    if name == "EUC_JP":
        return 3 if first == euc_jp.SS3 else 2
    return 2


_MULTIBYTE = frozenset({"SJIS", "EUC_JP", "EUC_KR", "GBK", "EUC_CN"})


@dataclass(frozen=True)
class ClientEncoding:
    """One client encoding (PostgreSQL's name) and its Python codec (None: the bytes are UTF-8)."""

    name: str
    codec: str | None

    @property
    def converts(self) -> bool:
        return self.codec is not None

    # --- client -> server -------------------------------------------------------------------

    def decode(self, raw: bytes) -> str:
        """The client's bytes as text; SqlError 22021 or 22P05 as PostgreSQL reports them."""
        assert self.codec is not None
        try:
            text = raw.decode(self.codec, errors=f"orbitdb_{self.name}" if self.name in _EXTRA_DECODED else "strict")
        except UnicodeDecodeError as exc:
            raise self._decode_error(bytes(raw), exc.start) from None
        if self.name == "SJIS" and not text.isascii() and not _SJIS_REFUSED_CHARS.isdisjoint(text):
            raise self._sjis_refused(bytes(raw))
        return text

    def _decode_error(self, raw: bytes, start: int) -> SqlError:
        length = _char_length(self.name, raw, start)
        shown = raw[start : start + length]
        if len(shown) < length or not self._well_formed(shown):
            return SqlError(INVALID_BYTES, f'invalid byte sequence for encoding "{self.name}": {_hex_bytes(shown)}')
        return SqlError(NO_EQUIVALENT, f'character with byte sequence {_hex_bytes(shown)} in encoding '
                                       f'"{self.name}" has no equivalent in encoding "UTF8"')

    def _well_formed(self, char: bytes) -> bool:
        """Whether the bytes of one character have the shape the encoding allows (a multibyte
        character's later bytes in their range): unmapped then, not invalid."""
        if len(char) == 1:
            return self.name not in _MULTIBYTE
        if self.name == "SJIS":
            return 0x40 <= char[1] <= 0xFC and char[1] != 0x7F
        return all(b >= 0xA1 for b in char[1:]) if self.name in ("EUC_JP", "EUC_KR", "EUC_CN") else True

    def _sjis_refused(self, raw: bytes) -> SqlError:
        i = 0
        while i < len(raw):
            length = 2 if 0x81 <= raw[i] <= 0x9F or 0xE0 <= raw[i] <= 0xFC else 1
            if raw[i : i + length].decode("cp932") in _SJIS_REFUSED_CHARS:
                return self._decode_error(raw, i)
            i += length
        return self._decode_error(raw, 0)

    def to_utf8(self, raw: bytes) -> bytes:
        return self.decode(raw).encode("utf-8")

    # --- server -> client -------------------------------------------------------------------

    def encode(self, text: str) -> bytes:
        """Text in the client's encoding; SqlError 22P05 for a character it has not."""
        assert self.codec is not None
        try:
            if self.name == "SJIS":
                return sjis.encode(text)
            return text.encode(self.codec, errors=f"orbitdb_{self.name}" if self.name in _EXTRA_ENCODED else "strict")
        except UnicodeEncodeError as exc:
            utf8 = text[exc.start].encode("utf-8")
            raise Untranslatable(f'character with byte sequence {_hex_bytes(utf8)} in encoding "UTF8" '
                                 f'has no equivalent in encoding "{self.name}"') from None

    def encode_lenient(self, text: str) -> bytes:
        """For messages that must go out whatever they hold (errors, notices): a character the
        client's encoding has not becomes '?'."""
        assert self.codec is not None
        try:
            return self.encode(text)
        except SqlError:
            return "".join(_one_or_question(self, ch) for ch in text).encode(self.codec)

    def from_utf8(self, raw: bytes) -> bytes:
        return self.encode(str(raw, "utf-8"))


def _one_or_question(encoding: ClientEncoding, ch: str) -> str:
    try:
        encoding.encode(ch)
        return ch
    except SqlError:
        return "?"


def _extras_handler(name: str) -> Callable[[UnicodeError], tuple[str | bytes, int]]:
    decoded = _EXTRA_DECODED.get(name, {})
    encoded = _EXTRA_ENCODED.get(name, {})

    def extras(exc: UnicodeError) -> tuple[str | bytes, int]:
        if isinstance(exc, UnicodeDecodeError):
            code = bytes(exc.object[exc.start : exc.start + 2])
            if code in decoded:
                return decoded[code], exc.start + 2
        elif isinstance(exc, UnicodeEncodeError) and exc.object[exc.start] in encoded:
            return encoded[exc.object[exc.start]], exc.start + 1
        raise exc

    return extras


for _name in {*_EXTRA_DECODED, *_EXTRA_ENCODED}:
    codecs.register_error(f"orbitdb_{_name}", _extras_handler(_name))

UTF8 = ClientEncoding("UTF8", None)


def client_encoding(name: str) -> ClientEncoding:
    """The encoding of a PostgreSQL encoding name (as orbitdb.sql.client_encodings names it)."""
    return ClientEncoding(name, CODECS.get(name))
