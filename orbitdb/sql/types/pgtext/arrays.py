"""Text input and output of arrays ('{1,2,NULL,"a b"}', '{{1,2},{3,4}}'), as PostgreSQL 15 does them.

Arrays are Python lists (nested for more dimensions), NULL elements None. Lower bounds other than
1 ('[0:1]={1,2}') are accepted on input and dropped: a Python list has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.limits import MAXDIM, check_dimensions, check_lower_bound, too_many_dimensions
from orbitdb.sql.types.pgtext.errors import INVALID_TEXT_REPRESENTATION

_ARRAY_SPACE = " \t\n\r\v\f"
_NEEDS_QUOTES = frozenset('{}",\\' + _ARRAY_SPACE)
_DIMENSIONS = re.compile(r"\s*((?:\[\s*[+-]?\d+\s*(?::\s*[+-]?\d+\s*)?\])+)\s*=")
_ONE_DIMENSION = re.compile(r"\[\s*([+-]?\d+)\s*(?::\s*([+-]?\d+)\s*)?\]")


def format_array(value: list[Any], format_element: Callable[[Any], str], *, nested: bool = True) -> str:
    """array_out: elements quoted when empty, NULL-like, or holding braces, quotes, commas,
    backslashes or spaces. nested=False keeps inner lists as elements (json arrays)."""
    parts = []
    for item in value:
        if item is None:
            parts.append("NULL")
        elif nested and isinstance(item, list):
            parts.append(format_array(item, format_element))
        else:
            text = format_element(item)
            if text == "" or text.upper() == "NULL" or any(ch in _NEEDS_QUOTES for ch in text):
                text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
            parts.append(text)
    return "{" + ",".join(parts) + "}"


class _Level(list):  # type: ignore[type-arg]
    """One {...} of the literal, as opposed to an element that is itself a list (a json array)."""


def _malformed(text: str, detail: str) -> SqlError:
    return SqlError(INVALID_TEXT_REPRESENTATION, f'malformed array literal: "{text}"', detail=detail)


class _Parser:
    def __init__(self, text: str, parse_element: Callable[[str], Any]) -> None:
        self.text = text
        self.pos = 0
        self.parse_element = parse_element

    def error(self, detail: str) -> SqlError:
        return _malformed(self.text, detail)

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _ARRAY_SPACE:
            self.pos += 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def parse_level(self, depth: int) -> list[Any]:
        """One {...}; the caller has checked for the '{'."""
        self.pos += 1
        self.skip_spaces()
        items: list[Any] = _Level()
        if self.peek() == "}":
            if depth > 0:
                raise self.error('Unexpected "}" character.')
            self.pos += 1
            return items
        sublists: bool | None = None
        while True:
            self.skip_spaces()
            ch = self.peek()
            if ch == "":
                raise self.error("Unexpected end of input.")
            if ch == "{":
                if sublists is False:
                    raise self.error('Unexpected "{" character.')
                sublists = True
                if depth + 1 >= MAXDIM:
                    raise too_many_dimensions(depth + 2)
                items.append(self.parse_level(depth + 1))
            elif ch in ",}":
                raise self.error(f'Unexpected "{ch}" character.')
            else:
                if sublists:
                    raise self.error("Unexpected array element.")
                sublists = False
                items.append(self.parse_scalar())
            self.skip_spaces()
            ch = self.peek()
            if ch == ",":
                self.pos += 1
            elif ch == "}":
                self.pos += 1
                return items
            elif ch == "":
                raise self.error("Unexpected end of input.")
            else:
                raise self.error("Unexpected array element.")

    def parse_scalar(self) -> Any:
        text = self.text
        out: list[str] = []
        quoted = escaped_any = False
        keep = 0  # length of out that trailing-space trimming must not cut (escaped or quoted)
        if self.peek() == '"':
            quoted = True
            self.pos += 1
            while True:
                if self.pos >= len(text):
                    raise self.error("Unexpected end of input.")
                ch = text[self.pos]
                if ch == '"':
                    self.pos += 1
                    break
                if ch == "\\":
                    self.pos += 1
                    if self.pos >= len(text):
                        raise self.error("Unexpected end of input.")
                    ch = text[self.pos]
                out.append(ch)
                self.pos += 1
            return self.parse_element("".join(out))
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in ",}":
                break
            if ch == '"' or ch == "{":
                raise self.error("Unexpected array element.")
            if ch == "\\":
                self.pos += 1
                if self.pos >= len(text):
                    raise self.error("Unexpected end of input.")
                out.append(text[self.pos])
                escaped_any = True
                keep = len(out)
            else:
                out.append(ch)
            self.pos += 1
        while len(out) > keep and out[-1] in _ARRAY_SPACE:
            out.pop()
        element = "".join(out)
        if not quoted and not escaped_any and element.upper() == "NULL":
            return None
        return self.parse_element(element)


def parse_array(text: str, parse_element: Callable[[str], Any]) -> list[Any]:
    """array_in with element input function parse_element."""
    parser = _Parser(text, parse_element)
    dims: list[int] | None = None
    lows: list[int] = []
    match = _DIMENSIONS.match(text)
    if match is not None:
        dims = []
        bounds = _ONE_DIMENSION.findall(match.group(1))
        check_dimensions(len(bounds))
        for low, high in bounds:
            if not high:
                low, high = "1", low
            if int(high) < int(low) - 1:
                raise SqlError(
                    INVALID_TEXT_REPRESENTATION,
                    f'malformed array literal: "{text}"',
                    detail="Upper bound cannot be less than lower bound.",
                )
            dims.append(int(high) - int(low) + 1)
            lows.append(int(low))
        parser.pos = match.end()
    parser.skip_spaces()
    if parser.peek() != "{":
        raise parser.error('Array value must start with "{" or dimension information.')
    value = parser.parse_level(0)
    parser.skip_spaces()
    if parser.pos != len(text):
        raise parser.error("Junk after closing right brace.")
    shape = _shape(value, text)
    if dims is not None and dims != shape:
        raise parser.error("Specified array dimensions do not match array contents.")
    for length, low in zip(shape, lows):
        check_lower_bound(length, low)
    return _plain(value)


def _plain(value: list[Any]) -> list[Any]:
    return [_plain(item) if isinstance(item, _Level) else item for item in value]


def _shape(value: list[Any], text: str) -> list[int]:
    """The dimensions of a rectangular nested list; an error when sub-arrays differ."""
    if not value or not isinstance(value[0], _Level):
        return [len(value)] if value else []
    inner = [_shape(item, text) for item in value]
    if any(shape != inner[0] for shape in inner):
        raise _malformed(text, "Multidimensional arrays must have sub-arrays with matching dimensions.")
    return [len(value)] + inner[0]
