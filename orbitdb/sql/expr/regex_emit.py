"""Writes a parsed PostgreSQL regular expression (orbitdb.sql.expr.regex_syntax) out as RE2 or
Python ``re`` syntax. Every character is spelled by its code point, so no character of the
pattern can mean something else in the target syntax."""

from __future__ import annotations

from orbitdb.sql.expr.regex_syntax import (
    MAX_CODE,
    Alt,
    Anchor,
    AnyChar,
    Backref,
    CharSet,
    Concat,
    Flags,
    Group,
    Lit,
    Node,
    Ranges,
    Repeat,
    complement,
    fold_ascii,
    is_word_only,
    normalize,
)


class CannotEmit(Exception):
    """The target syntax has no spelling for a part of the pattern."""


def _last_is_word(node: Node) -> bool:
    if isinstance(node, Repeat) and node.lo > 0:
        return _last_is_word(node.node)
    if isinstance(node, Group) and not node.look and len(node.body.branches) == 1:
        items = node.body.branches[0].items
        return bool(items) and _last_is_word(items[-1])
    return is_word_only(node)


class Emitter:
    def __init__(self, flags: Flags, target: str) -> None:
        self.flags = flags
        self.re2 = target == "re2"

    # characters
    def char(self, code: int) -> str:
        ch = chr(code)
        if code < 128 and (ch.isalnum() or ch == "_"):
            return ch
        if self.re2:
            return f"\\x{{{code:x}}}"
        return f"\\U{code:08x}"

    def charset(self, ranges: Ranges, negated: bool) -> str:
        if self.flags.icase:
            ranges = fold_ascii(ranges)
        if negated:
            if self.flags.nl_dot:
                ranges = normalize(ranges + [(10, 10)])
            ranges = complement(ranges)
        ranges = normalize(ranges)
        if not ranges:
            return f"[^\\x00-{self.char(MAX_CODE)}]" if self.re2 else "(?!)"
        body = "".join(self.char(lo) if lo == hi else f"{self.char(lo)}-{self.char(hi)}" for lo, hi in ranges)
        return "[" + body + "]"

    # the tree
    def emit(self, node: Node) -> str:
        if isinstance(node, Lit):
            if self.flags.icase and chr(node.code).isascii() and chr(node.code).isalpha():
                return self.charset([(node.code, node.code)], False)
            return self.char(node.code)
        if isinstance(node, CharSet):
            return self.charset(node.ranges, node.negated)
        if isinstance(node, AnyChar):
            return "[^\\n]" if self.flags.nl_dot else "(?s:.)"
        if isinstance(node, Anchor):
            return self.anchor(node.kind)
        if isinstance(node, Backref):
            if self.re2:
                raise CannotEmit("back reference")
            return f"(?:\\{node.number})"
        if isinstance(node, Group):
            return self.group(node)
        if isinstance(node, Repeat):
            return self.repeat(node)
        if isinstance(node, Concat):
            return self.concat(node)
        if isinstance(node, Alt):
            return "|".join(self.emit(b) for b in node.branches)
        raise AssertionError(node)

    def anchor(self, kind: str) -> str:
        if kind == "bol":
            return "(?m:^)" if self.flags.nl_anchor else "\\A"
        if kind == "eol":
            if self.flags.nl_anchor:
                return "(?m:$)"
            return "\\z" if self.re2 else "\\Z"
        if kind == "bot":
            return "\\A"
        if kind == "eot":
            return "\\z" if self.re2 else "\\Z"
        if kind == "word":
            return "\\b"
        if kind == "nonword":
            return "\\B"
        if self.re2:
            raise CannotEmit("word start or end")  # unless a neighbour settles it (concat)
        return "\\b(?=\\w)" if kind == "wstart" else "\\b(?<=\\w)"

    def group(self, node: Group) -> str:
        body = self.emit(node.body)
        if node.look:
            if self.re2:
                raise CannotEmit("lookaround")
            return f"(?{node.look}{body})"
        return f"({body})" if node.capture else f"(?:{body})"

    def repeat(self, node: Repeat) -> str:
        inner = self.emit(node.node)
        if not isinstance(node.node, (Group, CharSet)) and not (isinstance(node.node, Lit) and len(inner) == 1):
            inner = f"(?:{inner})"
        lo, hi = node.lo, node.hi
        if (lo, hi) == (0, None):
            q = "*"
        elif (lo, hi) == (1, None):
            q = "+"
        elif (lo, hi) == (0, 1):
            q = "?"
        elif hi is None:
            q = f"{{{lo},}}"
        elif lo == hi:
            q = f"{{{lo}}}"
        else:
            q = f"{{{lo},{hi}}}"
        return inner + q + ("" if node.greedy else "?")

    def concat(self, node: Concat) -> str:
        out = []
        items = node.items
        for k, item in enumerate(items):
            if self.re2 and isinstance(item, Anchor) and item.kind in ("wstart", "wend"):
                # \m before a word character, \M after one, is a plain word boundary
                if item.kind == "wstart" and k + 1 < len(items) and is_word_only(items[k + 1]):
                    out.append("\\b")
                    continue
                if item.kind == "wend" and k > 0 and _last_is_word(items[k - 1]):
                    out.append("\\b")
                    continue
            out.append(self.emit(item))
        return "".join(out)


def to_re2(tree: Alt, flags: Flags) -> str:
    """RE2 syntax; raises CannotEmit for what only a backtracking engine can run."""
    return Emitter(flags, "re2").emit(tree)


def to_python(tree: Alt, flags: Flags) -> str:
    return Emitter(flags, "python").emit(tree)
