"""CockroachDB's AS OF SYSTEM TIME clause, which sqlglot does not parse: found and taken out of
a statement's text before it is parsed. It follows the FROM list (or a BEGIN's or SET
TRANSACTION's modes) and applies to the whole statement; its argument is a string literal."""

from __future__ import annotations

import re
from dataclasses import replace

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import _DOLLAR, Statement, _comment_end, _string_end

_CLAUSE = re.compile(r"AS\s+OF\s+SYSTEM\s+TIME\b\s*", re.IGNORECASE)
_SCAN = re.compile(r"['\"()$]|--|/\*|\b[Aa][Ss]\b")
_HINT = re.compile(r"system\s+time", re.IGNORECASE)
# what starts a literal, a quoted identifier or a comment (a leading character class: a fast search)
_QUOTED = re.compile(r"['\"$]|--|/\*")

__all__ = ["split_as_of"]


def split_as_of(st: Statement) -> tuple[Statement, str] | None:
    """(the statement without the clause, the literal's text) or None when it has none. A
    clause inside parentheses (a subquery's) or with anything but a string literal is refused."""
    text = st.text
    if not _code_has_hint(text):  # the common case: a few searches, no scan
        return None
    n = len(text)
    depth = 0
    i = 0
    while True:
        m = _SCAN.search(text, i)
        if m is None:
            return None
        i = m.start()
        token = m.group(0)
        if token in ("'", '"', "--", "/*", "$"):
            i = _skip(text, i, token)
        elif token == "(":
            depth += 1
            i += 1
        elif token == ")":
            depth = max(0, depth - 1)
            i += 1
        else:
            clause = _CLAUSE.match(text, i)
            if clause is None:
                i += 2
                continue
            if depth > 0:
                raise SqlError("0A000", "AS OF SYSTEM TIME is only supported for the whole statement, "
                               "not in a subquery")
            start = clause.end()
            if start >= n or text[start] != "'":
                raise SqlError("0A000", "AS OF SYSTEM TIME takes a string literal: a timestamp or a negative "
                               "interval such as '-10s'")
            end = _string_end(text, start + 1, False)
            if end > n or text[end - 1] != "'" or end == start + 1:
                raise SqlError("42601", "unterminated quoted string in AS OF SYSTEM TIME")
            literal = text[start + 1 : end - 1].replace("''", "'")
            stripped = (text[:i].rstrip() + " " + text[end:].lstrip()).strip()
            if split_as_of(replace(st, text=stripped)) is not None:
                raise SqlError("42601", "AS OF SYSTEM TIME given twice")
            return replace(st, text=stripped), literal


def _skip(text: str, i: int, token: str) -> int:
    """The position after the literal, quoted identifier or comment that token starts at i."""
    n = len(text)
    if token == "'":
        escape = i > 0 and text[i - 1] in "eE" and (i == 1 or not text[i - 2].isalnum())
        return _string_end(text, i + 1, escape)
    if token == '"':
        j = text.find('"', i + 1)
        while j != -1 and j + 1 < n and text[j + 1] == '"':
            j = text.find('"', j + 2)
        return n if j == -1 else j + 1
    if token == "--":
        j = text.find("\n", i)
        return n if j == -1 else j + 1
    if token == "/*":
        return _comment_end(text, i + 2)
    dm = _DOLLAR.match(text, i)
    if dm and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
        j = text.find(dm.group(0), dm.end())
        return n if j == -1 else j + len(dm.group(0))
    return i + 1


def _code_has_hint(text: str) -> bool:
    """Whether "SYSTEM TIME" appears outside literals and comments: those are jumped over with
    str.find, so a statement carrying a huge literal costs a few scans of C speed, not a
    case-insensitive search of every character."""
    i, n = 0, len(text)
    while i < n:
        m = _QUOTED.search(text, i)
        end = n if m is None else m.start()
        if _HINT.search(text, i, end) is not None:
            return True
        if m is None:
            return False
        i = _skip(text, m.start(), m.group(0))
    return False
