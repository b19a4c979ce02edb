"""Text input and output of json and jsonb.

Values are parsed Python data (dict, list, str, int, Decimal, bool, JSON_NULL: None is SQL NULL,
never a JSON value). Numbers keep their
decimal text as Decimal, as jsonb keeps numeric: '1.50' stays 1.50. jsonb output orders object
keys as jsonb stores them (shorter keys first, then bytewise) with ", " and ": " separators; json
output keeps key order (the original spacing of json text is not kept).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.errors import INVALID_TEXT_REPRESENTATION
from orbitdb.sql.types.pgtext.numbers import format_float8, format_numeric, parse_numeric
from orbitdb.storage.jsonnull import JSON_NULL, from_python

_encode_string = json.encoder.encode_basestring  # type: ignore[attr-defined]
_TOKEN_AT = re.compile(r'[^\s,:\[\]{}"]+|.', re.DOTALL)
_TOKEN_CHAR = re.compile(r'[^\s,:\[\]{}"]')
_VALID_TOKEN = re.compile(
    r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z|true\Z|false\Z|null\Z|[\[{\"]"
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _reject_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON


# numbers with a fraction or exponent read as numeric_in reads them ('1e3' -> 1000, '1.50' -> 1.50)
def _parse_json_int(text: str) -> int | Any:
    """A JSON integer: a Python int, or past 4000 digits (Python's int(str) has a limit) the
    numeric it also is."""
    return int(text) if len(text) <= 4000 else parse_numeric(text)


_decoder = json.JSONDecoder(parse_float=parse_numeric, parse_int=_parse_json_int, parse_constant=_reject_constant)


def parse_json(text: str, *, jsonb: bool = False) -> Any:
    try:
        value, end = _decoder.raw_decode(text, _skip_space(text, 0))
    except json.JSONDecodeError as exc:
        raise _syntax_error(text, exc.pos, exc.msg) from None
    except ValueError:  # NaN / Infinity
        raise _syntax_error(text, _skip_space(text, 0), "") from None
    end = _skip_space(text, end)
    if end != len(text):
        raise _syntax_error(text, end, "Extra data")
    if "\\u" in text:
        _check_escapes(value, jsonb)
    if "null" in text:  # Python's decoder gives None for null; a JSON null is JSON_NULL
        value = from_python(value)
    return _jsonb_order(value) if jsonb else value


def _jsonb_order(value: Any) -> Any:
    """jsonb keeps object keys sorted (shorter first, then bytewise): so do its parsed values, and
    everything that walks them sees PostgreSQL's order."""
    if isinstance(value, dict):
        return {key: _jsonb_order(value[key]) for key in sorted(value, key=_jsonb_key_order)}
    if isinstance(value, list):
        return [_jsonb_order(item) for item in value]
    return value


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def _syntax_error(text: str, pos: int, reason: str) -> SqlError:
    """PostgreSQL's DETAIL for the error Python's decoder found at pos."""
    while 0 < pos < len(text) and _TOKEN_CHAR.match(text[pos - 1]) and _TOKEN_CHAR.match(text[pos]):
        pos -= 1  # PostgreSQL names the whole token ("01", not "1")
    match = _TOKEN_AT.match(text, pos)
    token = match.group(0) if match else ""
    if pos >= len(text) or reason.startswith("Unterminated string"):
        detail = "The input string ended unexpectedly."
    elif reason.startswith("Invalid \\escape"):
        detail = f'Escape sequence "{text[pos : pos + 2]}" is invalid.'
    elif reason.startswith("Invalid control character"):
        detail = f"Character with value 0x{ord(text[pos]):02x} must be escaped."
    elif reason.startswith("Expecting ':'"):
        detail = f'Expected ":", but found "{token}".'
    elif token in ("]", "}", ",", ":"):
        detail = f'Expected JSON value, but found "{token}".'
    elif reason == "Extra data" and _VALID_TOKEN.match(token):
        detail = f'Expected end of input, but found "{token}".'
    else:
        detail = f'Token "{token}" is invalid.'
    return SqlError(INVALID_TEXT_REPRESENTATION, "invalid input syntax for type json", detail=detail)


def _check_escapes(value: Any, jsonb: bool) -> None:
    """Lone surrogates are invalid in both types; jsonb cannot hold \\u0000 (text cannot)."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise SqlError(
                INVALID_TEXT_REPRESENTATION,
                "invalid input syntax for type json",
                detail="Unicode low surrogate must follow a high surrogate.",
            )
        if jsonb and "\x00" in value:
            raise SqlError(
                "22P05", "unsupported Unicode escape sequence", detail="\\u0000 cannot be converted to text."
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_escapes(key, jsonb)
            _check_escapes(item, jsonb)
    elif isinstance(value, list):
        for item in value:
            _check_escapes(item, jsonb)


def _jsonb_key_order(key: str) -> tuple[int, bytes]:
    raw = key.encode("utf-8")
    return len(raw), raw


def format_json(value: Any, *, jsonb: bool = False) -> str:
    parts: list[str] = []
    _write(value, jsonb, parts)
    return "".join(parts)


def _write(value: Any, jsonb: bool, out: list[str]) -> None:
    if value is JSON_NULL or value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_encode_string(value))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, Decimal):
        out.append(format_numeric(value))
    elif isinstance(value, float):
        out.append(format_numeric(Decimal(format_float8(value))) if jsonb else format_float8(value))
    elif isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: _jsonb_key_order(kv[0])) if jsonb else value.items()
        out.append("{")
        first = True
        for key, item in items:
            if not first:
                out.append(", ")
            first = False
            out.append(_encode_string(str(key)))
            out.append(": ")
            _write(item, jsonb, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(", ")
            _write(item, jsonb, out)
        out.append("]")
    else:
        out.append(_encode_string(str(value)))
