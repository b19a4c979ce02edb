"""The options of CREATE DATABASE and ALTER DATABASE, read and checked as PostgreSQL 15's
createdb() and AlterDatabase() read them (define.c's defGetBoolean/defGetInt32/defGetString),
and what orbitdb cannot honour (an encoding other than UTF8, a locale other than C, ICU)
refused with 0A000."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Notice
from orbitdb.sql.utility.database_tokens import Token

FIRST_NORMAL_OID = 16384

# PostgreSQL's server encodings by number (pg_wchar.h); the client-only ones are no database's
SERVER_ENCODINGS = (
    "SQL_ASCII", "EUC_JP", "EUC_CN", "EUC_KR", "EUC_TW", "EUC_JIS_2004", "UTF8", "MULE_INTERNAL",
    "LATIN1", "LATIN2", "LATIN3", "LATIN4", "LATIN5", "LATIN6", "LATIN7", "LATIN8", "LATIN9", "LATIN10",
    "WIN1256", "WIN1258", "WIN866", "WIN874", "KOI8R", "WIN1251", "WIN1252", "ISO_8859_5", "ISO_8859_6",
    "ISO_8859_7", "ISO_8859_8", "WIN1250", "WIN1253", "WIN1254", "WIN1255", "WIN1257", "KOI8U",
)
# other names PostgreSQL accepts for them (encnames.c), compared by their letters and digits
_ALIASES = {
    "abc": "WIN1258", "alt": "WIN866", "iso88591": "LATIN1", "iso88592": "LATIN2", "iso88593": "LATIN3",
    "iso88594": "LATIN4", "iso88599": "LATIN5", "iso885910": "LATIN6", "iso885913": "LATIN7",
    "iso885914": "LATIN8", "iso885915": "LATIN9", "iso885916": "LATIN10", "iso88595": "ISO_8859_5",
    "iso88596": "ISO_8859_6", "iso88597": "ISO_8859_7", "iso88598": "ISO_8859_8", "koi8": "KOI8R",
    "tcvn": "WIN1258", "tcvn5712": "WIN1258", "unicode": "UTF8", "vscii": "WIN1258", "win": "WIN1251",
    **{f"windows{n}": f"WIN{n}" for n in (866, 874, 1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258)},
}
_BY_CLEAN_NAME = {re.sub(r"[^a-z0-9]", "", name.lower()): name for name in SERVER_ENCODINGS} | _ALIASES

# locales that order text by code point, as orbitdb does (glibc's C.UTF-8 is C with UTF-8 characters)
_C_LOCALE = re.compile(r"C|POSIX|C\.(?:UTF-?8|utf-?8)")

CREATE_OPTIONS = frozenset((
    "tablespace", "owner", "template", "encoding", "locale", "lc_collate", "lc_ctype", "icu_locale",
    "locale_provider", "collation_version", "connection_limit", "allow_connections", "is_template", "oid",
    "strategy", "location",
))
ALTER_OPTIONS = frozenset(("is_template", "allow_connections", "connection_limit", "tablespace"))


@dataclass
class Option:
    """name [=] value; value None for DEFAULT."""

    name: str
    token: Token  # the option's name (error positions)
    value: Token | None


def collect(options: list[Option], known: frozenset[str], notices: list[Notice]) -> dict[str, Option]:
    """The options by name: an unknown or repeated one is PostgreSQL's 42601 at its position."""
    seen: dict[str, Option] = {}
    for opt in options:
        if opt.name == "location" and "location" in known:
            notices.append(Notice("WARNING", "0A000", "LOCATION is not supported anymore",
                                  hint="Consider using tablespaces instead.", position=opt.token.position))
            continue
        if opt.name not in known:
            raise SqlError("42601", f'option "{opt.name}" not recognized', position=opt.token.position)
        if opt.name in seen:
            raise SqlError("42601", "conflicting or redundant options", position=opt.token.position)
        seen[opt.name] = opt
        if opt.name == "oid":
            oid = as_oid(opt)
            if oid is not None and oid < FIRST_NORMAL_OID:
                raise SqlError("22023", f"OIDs less than {FIRST_NORMAL_OID} are reserved for system objects")
    return seen


def given(options: dict[str, Option], name: str) -> Token | None:
    """The value of an option written with a value (not absent, not DEFAULT)."""
    opt = options.get(name)
    return opt.value if opt is not None else None


def as_string(token: Token) -> str:
    return token.value


def as_bool(opt: Option) -> bool:
    value = opt.value
    if value is None:
        return True
    if value.kind == "number":
        if value.value in ("0", "1"):
            return value.value == "1"
    else:
        lowered = value.value.lower()
        if lowered in ("true", "on"):
            return True
        if lowered in ("false", "off"):
            return False
    raise SqlError("42601", f"{opt.name} requires a Boolean value")


def as_int32(opt: Option) -> int:
    value = opt.value
    if value is not None and value.kind == "number" and re.fullmatch(r"-?\d+", value.value):
        n = int(value.value)
        if -(2**31) <= n < 2**31:
            return n
    raise SqlError("42601", f"{opt.name} requires an integer value")


def as_oid(opt: Option) -> int | None:
    value = opt.value
    if value is None:
        return None
    if value.kind == "number" and re.fullmatch(r"\d+", value.value) and int(value.value) < 2**32:
        return int(value.value)
    raise SqlError("42601", f"{opt.name} requires a numeric value")


def connection_limit(opt: Option) -> int:
    limit = as_int32(opt)
    if limit < -1:
        raise SqlError("22023", f"invalid connection limit: {limit}")
    return limit


def encoding_name(token: Token) -> str:
    """The canonical name of an encoding given by name or number (42704 for neither)."""
    if token.kind == "number":
        code = int(token.value) if re.fullmatch(r"-?\d+", token.value) else -1
        if 0 <= code < len(SERVER_ENCODINGS):
            return SERVER_ENCODINGS[code]
        raise SqlError("42704", f"{token.value} is not a valid encoding code", position=token.position)
    name = _BY_CLEAN_NAME.get(re.sub(r"[^a-z0-9]", "", token.value.lower()))
    if name is None:
        raise SqlError("42704", f"{token.value} is not a valid encoding name", position=token.position)
    return name


def check_encoding(name: str) -> None:
    if name != "UTF8":
        raise SqlError("0A000", f"ENCODING {name} is not supported by orbitdb",
                       detail="Every orbitdb database is UTF8.")


def check_locale(option: str, value: str) -> str:
    """The locale's canonical name (as setlocale gives it: POSIX is C); 0A000 for one that does
    not order text as orbitdb does."""
    if not _C_LOCALE.fullmatch(value):
        raise SqlError("0A000", f'{option} "{value}" is not supported by orbitdb',
                       detail="orbitdb orders text by code point, as the C locale does.",
                       hint="Use LOCALE 'C' (or leave it out).")
    return "C" if value == "POSIX" else value


def check_tablespace(name: str) -> None:
    if name == "pg_global":
        raise SqlError("22023", "pg_global cannot be used as default tablespace")
    if name != "pg_default":
        raise SqlError("42704", f'tablespace "{name}" does not exist')


def check_strategy(value: str) -> None:
    if value.lower() not in ("wal_log", "file_copy"):
        raise SqlError("22023", f'invalid create database strategy "{value}"',
                       hint='Valid strategies are "wal_log" and "file_copy".')
