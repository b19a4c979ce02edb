"""Reading a hand-parsed statement token by token (the role and privilege statements)."""

from __future__ import annotations

from orbitdb.sql.errors import SqlError
from orbitdb.sql.utility.database_tokens import Token, syntax_error


class Cursor:
    def __init__(self, tokens: list[Token], i: int = 0) -> None:
        self.tokens = tokens
        self.i = i

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.peek()
        if token.kind != "end":
            self.i += 1
        return token

    def at_end(self) -> bool:
        token = self.peek()
        return token.kind == "end" or (token.kind == "op" and token.value == ";")

    def take(self, *words: str) -> bool:
        """Consumes the words if the next tokens are they."""
        for k, w in enumerate(words):
            if not self.peek(k).is_word(w):
                return False
        self.i += len(words)
        return True

    def take_op(self, op: str) -> bool:
        token = self.peek()
        if token.kind == "op" and token.value == op:
            self.i += 1
            return True
        return False

    def expect(self, *words: str) -> None:
        for w in words:
            if not self.peek().is_word(w):
                raise syntax_error(self.peek())
            self.i += 1

    def expect_op(self, op: str) -> None:
        if not self.take_op(op):
            raise syntax_error(self.peek())

    def expect_end(self) -> None:
        if not self.at_end():
            raise syntax_error(self.peek())

    def name(self) -> str:
        token = self.next()
        if not token.identifier:
            raise syntax_error(token)
        return token.value

    def qualified(self) -> list[str]:
        parts = [self.name()]
        while self.take_op("."):
            parts.append(self.name())
        return parts

    def string(self) -> str:
        token = self.next()
        if token.kind != "string":
            raise syntax_error(token)
        return token.value

    def integer(self) -> int:
        negative = self.take_op("-")
        token = self.next()
        if token.kind != "number" or not token.value.isdigit():
            raise syntax_error(token)
        return -int(token.value) if negative else int(token.value)

    def error(self, message: str, sqlstate: str = "42601") -> SqlError:
        return SqlError(sqlstate, message, position=self.peek().position)
