"""The names `client_encoding` takes, as PostgreSQL reads them (encnames.c): a name's letters and
digits only, case-insensitive, so 'utf-8', UTF8 and "Utf_8" are one encoding; then its aliases
(ISO_8859_1 is LATIN1, WIN932 and Mskanji are SJIS ...). The wire server converts between the
client's encoding and UTF8 (orbitdb.pgwire.encodings)."""

from __future__ import annotations

from orbitdb.sql.errors import SqlError

# PostgreSQL's name of each encoding a client may use -> the Python codec that converts it. None:
# no conversion (UTF8; SQL_ASCII, whose bytes PostgreSQL passes as they are, so with a UTF8 server
# they are UTF-8). "euc_jp_pg": PostgreSQL's EUC_JP (euc_jp.py), not Python's euc_jp.
CODECS: dict[str, str | None] = {
    "UTF8": None,
    "SQL_ASCII": None,
    "LATIN1": "latin_1",
    "LATIN2": "iso8859_2",
    "LATIN3": "iso8859_3",
    "LATIN4": "iso8859_4",
    "LATIN5": "iso8859_9",
    "LATIN6": "iso8859_10",
    "LATIN7": "iso8859_13",
    "LATIN8": "iso8859_14",
    "LATIN9": "iso8859_15",
    "LATIN10": "iso8859_16",
    "ISO_8859_5": "iso8859_5",
    "ISO_8859_6": "iso8859_6",
    "ISO_8859_7": "iso8859_7",
    "ISO_8859_8": "iso8859_8",
    "WIN1250": "cp1250",
    "WIN1251": "cp1251",
    "WIN1252": "cp1252",
    "WIN1253": "cp1253",
    "WIN1254": "cp1254",
    "WIN1255": "cp1255",
    "WIN1256": "cp1256",
    "WIN1257": "cp1257",
    "WIN1258": "cp1258",
    "WIN866": "cp866",
    "WIN874": "cp874",
    "KOI8R": "koi8_r",
    "KOI8U": "koi8_u",
    "SJIS": "cp932",  # PostgreSQL's SJIS maps as Microsoft's CP932 does (0x8160 is U+FF5E)
    "EUC_JP": "euc_jp_pg",
    "EUC_KR": "euc_kr",
    "GBK": "gbk",
    "EUC_CN": "gb2312",
}

# encodings PostgreSQL takes that orbitdb cannot convert (no codec): refused, named
# (BIG5, UHC and GB18030: Python's tables differ from PostgreSQL's in places not worked out yet)
UNSUPPORTED = frozenset({"EUC_TW", "MULE_INTERNAL", "JOHAB", "EUC_JIS_2004", "SHIFT_JIS_2004", "BIG5", "UHC",
                         "GB18030"})

# PostgreSQL's aliases (pg_encname_tbl), keyed by the cleaned name
_ALIASES = {
    "abc": "WIN1258", "alt": "WIN866", "big5": "BIG5", "euccn": "EUC_CN", "eucjis2004": "EUC_JIS_2004",
    "eucjp": "EUC_JP", "euckr": "EUC_KR", "euctw": "EUC_TW", "gb18030": "GB18030", "gbk": "GBK",
    "iso88591": "LATIN1", "iso885910": "LATIN6", "iso885913": "LATIN7", "iso885914": "LATIN8",
    "iso885915": "LATIN9", "iso885916": "LATIN10", "iso88592": "LATIN2", "iso88593": "LATIN3",
    "iso88594": "LATIN4", "iso88595": "ISO_8859_5", "iso88596": "ISO_8859_6", "iso88597": "ISO_8859_7",
    "iso88598": "ISO_8859_8", "iso88599": "LATIN5", "johab": "JOHAB", "koi8": "KOI8R", "koi8r": "KOI8R",
    "koi8u": "KOI8U", "latin1": "LATIN1", "latin10": "LATIN10", "latin2": "LATIN2", "latin3": "LATIN3",
    "latin4": "LATIN4", "latin5": "LATIN5", "latin6": "LATIN6", "latin7": "LATIN7", "latin8": "LATIN8",
    "latin9": "LATIN9", "mskanji": "SJIS", "muleinternal": "MULE_INTERNAL", "shiftjis": "SJIS",
    "shiftjis2004": "SHIFT_JIS_2004", "sjis": "SJIS", "sqlascii": "SQL_ASCII", "tcvn": "WIN1258",
    "tcvn5712": "WIN1258", "uhc": "UHC", "unicode": "UTF8", "utf8": "UTF8", "vscii": "WIN1258",
    "win": "WIN1251", "win1250": "WIN1250", "win1251": "WIN1251", "win1252": "WIN1252", "win1253": "WIN1253",
    "win1254": "WIN1254", "win1255": "WIN1255", "win1256": "WIN1256", "win1257": "WIN1257",
    "win1258": "WIN1258", "win866": "WIN866", "win874": "WIN874", "win932": "SJIS", "win936": "GBK",
    "win949": "UHC", "win950": "BIG5", "windows1250": "WIN1250", "windows1251": "WIN1251",
    "windows1252": "WIN1252", "windows1253": "WIN1253", "windows1254": "WIN1254", "windows1255": "WIN1255",
    "windows1256": "WIN1256", "windows1257": "WIN1257", "windows1258": "WIN1258", "windows866": "WIN866",
    "windows874": "WIN874", "windows932": "SJIS", "windows936": "GBK", "windows949": "UHC",
    "windows950": "BIG5",
}


def encoding_name(value: str) -> str | None:
    """PostgreSQL's name of the encoding value names (any alias or spelling), or None."""
    cleaned = "".join(ch for ch in value.lower() if ch.isalnum())
    return _ALIASES.get(cleaned)


def normalize_client_encoding(value: str) -> str:
    """PostgreSQL's name of the client encoding value names; 22023 for no encoding, 0A000 for one
    orbitdb cannot convert."""
    name = encoding_name(value)
    if name is None:
        raise SqlError("22023", f'invalid value for parameter "client_encoding": "{value}"')
    if name in UNSUPPORTED:
        raise SqlError("0A000", f'client_encoding "{name}" is not supported by orbitdb',
                       hint="Use UTF8, or one of " + ", ".join(sorted(n for n in CODECS if n != "UTF8")) + ".")
    return name
