"""A small scanner of SQL text for routine definitions and PL/pgSQL bodies: identifiers, strings
(plain, E'', dollar-quoted), numbers, parameters and operators, each with its place in the text so
that SQL fragments can be cut out unchanged."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orbitdb.sql.errors import SqlError


@dataclass(frozen=True)
class Token:
    kind: str  # "ident", "qident", "string", "number", "param", "op"
    value: str  # identifiers lower-cased (unless quoted), strings unescaped
    start: int
    end: int
    line: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "ident" and self.value in words


_WORD = re.compile(r"[A-Za-z_\u0080-\U0010ffff][A-Za-z_0-9$\u0080-\U0010ffff]*")
_NUMBER = re.compile(r"(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)")
_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")
_PARAM = re.compile(r"\$\d+")
_OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?"
_TWO = (":=", "..", "=>", "::", "<=", ">=", "<>", "!=", "||")


def tokenize(text: str, base_line: int = 1) -> list[Token]:
    out: list[Token] = []
    i = 0
    n = len(text)
    line = base_line
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
            continue
        if ch.isspace():
            i += 1
            continue
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j == -1 else j
            continue
        if text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            line += text.count("\n", i, j)
            i = j
            continue
        start = i
        if ch in "eE" and i + 1 < n and text[i + 1] == "'":
            value, i = _string(text, i + 1, escape=True)
            out.append(Token("string", value, start, i, line))
        elif ch == "'":
            value, i = _string(text, i, escape=False)
            out.append(Token("string", value, start, i, line))
        elif ch == '"':
            j = i + 1
            parts = []
            while True:
                k = text.find('"', j)
                if k == -1:
                    raise SqlError("42601", "unterminated quoted identifier")
                parts.append(text[j:k])
                if k + 1 < n and text[k + 1] == '"':
                    parts.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            out.append(Token("qident", "".join(parts), start, i, line))
        elif ch == "$":
            m = _PARAM.match(text, i)
            dm = _DOLLAR.match(text, i)
            if m:
                out.append(Token("param", m.group(0), start, m.end(), line))
                i = m.end()
            elif dm:
                tag = dm.group(0)
                j = text.find(tag, dm.end())
                if j == -1:
                    raise SqlError("42601", "unterminated dollar-quoted string")
                out.append(Token("string", text[dm.end():j], start, j + len(tag), line))
                i = j + len(tag)
            else:
                out.append(Token("op", "$", start, i + 1, line))
                i += 1
        elif ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            m = _NUMBER.match(text, i)
            assert m is not None
            end = m.end()
            if text.startswith("..", end - 1) and "." in m.group(0):  # 1..10: the number is 1
                end = text.index(".", i)
            out.append(Token("number", text[i:end], start, end, line))
            i = end
        elif _WORD.match(text, i):
            m = _WORD.match(text, i)
            assert m is not None
            out.append(Token("ident", m.group(0).lower(), start, m.end(), line))
            i = m.end()
        else:
            two = text[i:i + 2]
            if two in _TWO:
                out.append(Token("op", two, start, i + 2, line))
                i += 2
            elif ch in _OPERATOR_CHARS:
                j = i
                while j < n and text[j] in _OPERATOR_CHARS and not text.startswith("--", j) \
                        and not text.startswith("/*", j):
                    j += 1
                out.append(Token("op", text[i:j], start, j, line))
                i = j
            else:
                out.append(Token("op", ch, start, i + 1, line))
                i += 1
        line += text.count("\n", start, i)
    return out


def _string(text: str, i: int, escape: bool) -> tuple[str, int]:
    """A quoted literal starting at the quote at i: its value and the position after it."""
    n = len(text)
    j = i + 1
    parts: list[str] = []
    while j < n:
        ch = text[j]
        if ch == "'":
            if j + 1 < n and text[j + 1] == "'":
                parts.append("'")
                j += 2
                continue
            return "".join(parts), j + 1
        if escape and ch == "\\" and j + 1 < n:
            nxt = text[j + 1]
            parts.append({"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}.get(nxt, nxt))
            j += 2
            continue
        parts.append(ch)
        j += 1
    raise SqlError("42601", "unterminated quoted string")


def quote_ident(name: str) -> str:
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
