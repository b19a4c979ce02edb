"""Where statements typed into the shell end: at a semicolon outside quotes ('...', "...",
E'...', $tag$...$tag$) and comments (--, nested /* */), as psql finds them."""

from __future__ import annotations

import re

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


class StatementBuffer:
    """Lines in, complete statements out; what is left waits for more lines."""

    def __init__(self) -> None:
        self.text = ""

    @property
    def pending(self) -> bool:
        return bool(self.text.strip())

    def clear(self) -> None:
        self.text = ""

    def feed(self, line: str) -> list[str]:
        self.text += line if line.endswith("\n") else line + "\n"
        done: list[str] = []
        while True:
            end = statement_end(self.text)
            if end is None:
                break
            statement, self.text = self.text[:end + 1].strip(), self.text[end + 1:]
            if statement != ";":
                done.append(statement)
        if not self.text.strip():
            self.text = ""
        return done


def statement_end(text: str) -> int | None:
    """The index of the first semicolon that ends a statement, or None."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == ";":
            return i
        if c == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            if j < 0:
                return None
            i = j + 1
            continue
        if c == "/" and text.startswith("/*", i):
            i = _comment_end(text, i)
            if i < 0:
                return None
            continue
        if c in "'\"":
            escapes = c == "'" and i > 0 and text[i - 1] in "eE" and (i < 2 or not (text[i - 2].isalnum()
                                                                                     or text[i - 2] == "_"))
            i = _quote_end(text, i, c, escapes)
            if i < 0:
                return None
            continue
        if c == "$":
            m = _DOLLAR_TAG.match(text, i)
            if m is not None and not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")):
                close = text.find(m.group(0), m.end())
                if close < 0:
                    return None
                i = close + len(m.group(0))
                continue
        i += 1
    return None


def _comment_end(text: str, i: int) -> int:
    depth, i = 1, i + 2
    while depth:
        opening, closing = text.find("/*", i), text.find("*/", i)
        if closing < 0:
            return -1
        if 0 <= opening < closing:
            depth, i = depth + 1, opening + 2
        else:
            depth, i = depth - 1, closing + 2
    return i


def _quote_end(text: str, i: int, quote: str, escapes: bool) -> int:
    j = i + 1
    while j < len(text):
        c = text[j]
        if escapes and c == "\\":
            j += 2
            continue
        if c == quote:
            if text.startswith(quote * 2, j):
                j += 2
                continue
            return j + 1
        j += 1
    return -1
