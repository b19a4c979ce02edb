"""hstore (PostgreSQL's contrib extension, created by CREATE EXTENSION hstore): sets of
key/value pairs of text, a value possibly NULL. A value of the type is kept as its canonical
text form (what hstore_out prints), so storage, equality and output are those of a string:
pairs ordered by the key's length then its bytes, each key once, "key"=>"value" or "key"=>NULL
joined by ", " (backslash escaping " and \\)."""

from __future__ import annotations

from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType

Pairs = dict[str, "str | None"]
_SPACE = " \t\n\r\f\v"


def is_hstore(t: SqlType) -> bool:
    return t.native == "hstore"


def _sort_key(key: str) -> tuple[int, bytes]:
    b = key.encode()
    return len(b), b


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_pairs(pairs: Pairs) -> str:
    """The canonical text of pairs."""
    return ", ".join(f"{_quote(k)}=>{'NULL' if v is None else _quote(v)}"
                     for k, v in sorted(pairs.items(), key=lambda kv: _sort_key(kv[0])))


# hstore_in reports its syntax errors with elog, so their SQLSTATE is XX000 (as PostgreSQL's)
def _syntax_error(text: str, pos: int) -> SqlError:
    if pos >= len(text):
        return SqlError("XX000", "Unexpected end of string")
    return SqlError("XX000", f'syntax error in hstore, near "{text[pos]}" at position {pos}')


def _token(text: str, pos: int, stops: str) -> tuple[str, bool, int]:
    """A key or value at pos (spaces skipped before it): (its text, whether it was quoted, the
    position after it)."""
    n = len(text)
    while pos < n and text[pos] in _SPACE:
        pos += 1
    if pos >= n:
        raise _syntax_error(text, pos)
    out: list[str] = []
    if text[pos] == '"':
        pos += 1
        while True:
            if pos >= n:
                raise _syntax_error(text, pos)
            ch = text[pos]
            if ch == "\\":
                if pos + 1 >= n:
                    raise _syntax_error(text, n)
                out.append(text[pos + 1])
                pos += 2
            elif ch == '"':
                return "".join(out), True, pos + 1
            else:
                out.append(ch)
                pos += 1
    while pos < n and text[pos] not in _SPACE and text[pos] not in stops:
        if text[pos] == "\\":
            if pos + 1 >= n:
                raise _syntax_error(text, n)
            out.append(text[pos + 1])
            pos += 2
        else:
            out.append(text[pos])
            pos += 1
    if not out:
        raise SqlError("XX000", "Unexpected end of string")
    return "".join(out), False, pos


def parse_pairs(text: str) -> Pairs:
    """hstore_in: the pairs of text (a later duplicate key wins, as PostgreSQL 15 keeps it)."""
    pairs: Pairs = {}
    n = len(text)
    pos = 0
    while True:
        while pos < n and text[pos] in _SPACE:
            pos += 1
        if pos >= n:
            return pairs
        key, _, pos = _token(text, pos, "=,")
        while pos < n and text[pos] in _SPACE:
            pos += 1
        if text[pos:pos + 2] != "=>":
            raise _syntax_error(text, pos)
        pos += 2
        value, quoted, pos = _token(text, pos, ",")
        pairs[key] = None if not quoted and value.upper() == "NULL" else value
        while pos < n and text[pos] in _SPACE:
            pos += 1
        if pos < n:
            if text[pos] != ",":
                raise _syntax_error(text, pos)
            pos += 1


def hstore_in(text: str) -> str:
    return format_pairs(parse_pairs(text))


def pairs_of(value: Any) -> Pairs:
    """The pairs of an hstore value (its canonical text)."""
    return parse_pairs(value) if value else {}


def from_pairs(pairs: Pairs) -> str:
    return format_pairs(pairs)


def from_arrays(keys: list[Any], values: list[Any] | None) -> str:
    """hstore(text[], text[]): pairs of keys and values (values None: each key NULL)."""
    if values is not None and len(keys) != len(values):
        raise SqlError("2202E", "arrays must have same bounds")
    pairs: Pairs = {}
    for i, k in enumerate(keys):
        if k is None:
            raise SqlError("22004", "null value not allowed for hstore key")
        pairs[str(k)] = None if values is None or values[i] is None else str(values[i])
    return format_pairs(pairs)


def from_flat_array(items: list[Any]) -> str:
    """hstore(text[]): alternating keys and values, or a two-column two-dimensional array."""
    if items and isinstance(items[0], list):
        if any(len(row) != 2 for row in items):
            raise SqlError("2202E", "wrong number of array subscripts")
        flat = [x for row in items for x in row]
    else:
        flat = list(items)
        if len(flat) % 2:
            raise SqlError("2202E", "array must have even number of elements")
    return from_arrays(flat[0::2], flat[1::2])
