"""A small lexer for the database statements (CREATE/DROP/ALTER DATABASE), which sqlglot does
not parse: PostgreSQL's rules for identifiers (unquoted ones folded to lower case, every one cut
to 63 bytes with a NOTICE), string constants and numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Notice

NAMEDATALEN = 64
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_WORD = re.compile(r"[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_$\u0080-\U0010ffff]*")
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DOLLAR = re.compile(r"\$([A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_\u0080-\U0010ffff]*)?\$")
_SPACE = re.compile(r"\s+")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@dataclass(frozen=True)
class Token:
    kind: str  # "word" (an unquoted identifier or keyword), "quoted", "string", "number", "op", "end"
    value: str  # a word folded to lower case, a quoted identifier or string unquoted
    text: str  # as written
    position: int  # 1-based, in the whole query message (for error positions)

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.value in words

    @property
    def identifier(self) -> bool:
        return self.kind in ("word", "quoted")


def tokenize(sql: str, offset: int, notices: list[Notice]) -> list[Token]:
    """The tokens of one statement (offset: where it starts in its message), ending with an
    "end" token. Truncated identifiers add PostgreSQL's NOTICE to notices."""
    tokens: list[Token] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        start = i
        if ch.isspace():
            m = _SPACE.match(sql, i)
            assert m is not None
            i = m.end()
            continue
        if sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j == -1 else j + 1
            continue
        if sql.startswith("/*", i):
            i = _skip_comment(sql, i)
            continue
        if ch == '"':
            value, i = _quoted_identifier(sql, i, offset)
            tokens.append(Token("quoted", _truncate(value, notices), sql[start:i], offset + start + 1))
            continue
        if ch in "eE" and sql.startswith("'", i + 1):
            value, i = _string(sql, i + 1, offset, escapes=True)
            tokens.append(Token("string", value, sql[start:i], offset + start + 1))
            continue
        if ch == "'":
            value, i = _string(sql, i, offset, escapes=False)
            tokens.append(Token("string", value, sql[start:i], offset + start + 1))
            continue
        if ch == "$":
            m = _DOLLAR.match(sql, i)
            if m is not None:
                end = sql.find(m.group(0), m.end())
                if end == -1:
                    raise SqlError("42601", "unterminated dollar-quoted string at or near "
                                   f'"{sql[i:]}"', position=offset + i + 1)
                i = end + len(m.group(0))
                tokens.append(Token("string", sql[m.end():end], sql[start:i], offset + start + 1))
                continue
        m = _WORD.match(sql, i)
        if m is not None:
            i = m.end()
            word = m.group(0).translate(_ASCII_LOWER)
            tokens.append(Token("word", _truncate(word, notices), m.group(0), offset + start + 1))
            continue
        m = _NUMBER.match(sql, i)
        if m is not None:
            i = m.end()
            tokens.append(Token("number", m.group(0), m.group(0), offset + start + 1))
            continue
        if ch in "=(),;+-.*":
            i += 1
            tokens.append(Token("op", ch, ch, offset + start + 1))
            continue
        raise SqlError("42601", f'syntax error at or near "{ch}"', position=offset + i + 1)
    tokens.append(Token("end", "", "", offset + n + 1))
    return tokens


def syntax_error(token: Token) -> SqlError:
    if token.kind == "end":
        return SqlError("42601", "syntax error at end of input", position=token.position)
    return SqlError("42601", f'syntax error at or near "{token.text}"', position=token.position)


def _skip_comment(sql: str, i: int) -> int:
    depth = 0
    n = len(sql)
    while i < n:
        if sql.startswith("/*", i):
            depth += 1
            i += 2
        elif sql.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def _quoted_identifier(sql: str, i: int, offset: int) -> tuple[str, int]:
    parts = []
    j = i + 1
    while True:
        end = sql.find('"', j)
        if end == -1:
            raise SqlError("42601", f'unterminated quoted identifier at or near "{sql[i:]}"',
                           position=offset + i + 1)
        parts.append(sql[j:end])
        if sql.startswith('"', end + 1):
            parts.append('"')
            j = end + 2
            continue
        value = "".join(parts)
        if not value:
            raise SqlError("42601", 'zero-length delimited identifier at or near """"', position=offset + i + 1)
        return value, end + 1


def _string(sql: str, i: int, offset: int, escapes: bool) -> tuple[str, int]:
    """A string constant starting at the quote at i: its value and the index after it."""
    out = []
    j = i + 1
    n = len(sql)
    while j < n:
        c = sql[j]
        if c == "'":
            if sql.startswith("'", j + 1):
                out.append("'")
                j += 2
                continue
            return "".join(out), j + 1
        if escapes and c == "\\" and j + 1 < n:
            nxt = sql[j + 1]
            out.append(_ESCAPES.get(nxt, nxt))
            j += 2
            continue
        out.append(c)
        j += 1
    raise SqlError("42601", f'unterminated quoted string at or near "{sql[i:]}"', position=offset + i + 1)


def _truncate(name: str, notices: list[Notice]) -> str:
    """PostgreSQL keeps the first 63 bytes of an identifier (whole characters)."""
    raw = name.encode("utf-8")
    if len(raw) < NAMEDATALEN:
        return name
    cut = raw[:NAMEDATALEN - 1].decode("utf-8", errors="ignore")
    notices.append(Notice("NOTICE", "42622", f'identifier "{name}" will be truncated to "{cut}"'))
    return cut
