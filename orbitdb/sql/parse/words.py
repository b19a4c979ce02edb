"""A cursor over the words of a statement that sqlglot does not parse (maintenance and some DDL
statements): PostgreSQL's identifiers (folded unless quoted), keywords and qualified names."""

from __future__ import annotations

import re

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import strip_comments

_TOKEN = re.compile(r'"(?:[^"]|"")*"|[A-Za-z_][A-Za-z_0-9$]*|\d+|\'(?:[^\']|\'\')*\'|\S')


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(strip_comments(text).strip().rstrip(";"))


def identifier(tok: str) -> str:
    if tok.startswith('"'):
        return tok[1:-1].replace('""', '"')
    return tok.lower()


class Words:
    """A cursor over a statement's tokens."""

    def __init__(self, text: str) -> None:
        self.toks = tokens(text)
        self.i = 0

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.toks[j].upper() if j < len(self.toks) else ""

    def take(self, *words: str) -> bool:
        """Consumes the words if they come next."""
        if all(self.peek(k) == w for k, w in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def next(self) -> str:
        tok = self.toks[self.i] if self.i < len(self.toks) else ""
        self.i += 1
        return tok

    def at_end(self) -> bool:
        return self.i >= len(self.toks)

    def qualified_name(self) -> list[str]:
        tok = self.next()
        if not tok or not (tok[0].isalpha() or tok[0] in '_"'):
            raise SqlError("42601", f'syntax error at or near "{tok}"' if tok else "syntax error at end of input")
        parts = [identifier(tok)]
        while self.peek() == ".":
            self.i += 1
            parts.append(identifier(self.next()))
        return parts

    def paren_list(self) -> list[str]:
        """(a, b, ...) as names (or option words), if a parenthesis comes next."""
        out: list[str] = []
        if self.peek() != "(":
            return out
        self.i += 1
        depth = 1
        item: list[str] = []
        while not self.at_end():
            tok = self.next()
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
                if depth == 0:
                    break
            if tok == "," and depth == 1:
                out.append(" ".join(item))
                item = []
            else:
                item.append(tok)
        if item:
            out.append(" ".join(item))
        return out

    def expect_end(self) -> None:
        if not self.at_end():
            raise SqlError("42601", f'syntax error at or near "{self.toks[self.i]}"')
