"""The grammar of CREATE [CONSTRAINT] TRIGGER, DROP TRIGGER, ALTER TRIGGER and ALTER TABLE
{ENABLE|DISABLE} TRIGGER, which sqlglot does not parse: PostgreSQL's CreateTrigStmt read into a
TriggerSpec, with its syntax errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import strip_comments

_TOKEN = re.compile(r'"(?:[^"]|"")*"|[A-Za-z_][A-Za-z_0-9$]*|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+|'
                    r"[Ee]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|\S")


class Cursor:
    """The tokens of a statement with their positions, so a parenthesized expression can be
    taken back out of the text as written."""

    def __init__(self, text: str) -> None:
        self.text = strip_comments(text).strip().rstrip(";").rstrip()
        self.toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(self.text)]
        self.i = 0

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.toks[j][0].upper() if j < len(self.toks) else ""

    def take(self, *words: str) -> bool:
        if all(self.peek(k) == w for k, w in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def next(self) -> str:
        tok = self.toks[self.i][0] if self.i < len(self.toks) else ""
        self.i += 1
        return tok

    def at_end(self) -> bool:
        return self.i >= len(self.toks)

    def error(self) -> SqlError:
        if self.at_end():
            return SqlError("42601", "syntax error at end of input")
        return SqlError("42601", f'syntax error at or near "{self.toks[self.i][0]}"')

    def expect(self, *words: str) -> None:
        for w in words:
            if self.peek() != w:
                raise self.error()
            self.i += 1

    def name(self) -> str:
        tok = self.peek()
        if not tok or not (tok[0].isalpha() or tok[0] in '_"'):
            raise self.error()
        return identifier(self.next())

    def qualified_name(self) -> list[str]:
        parts = [self.name()]
        while self.peek() == ".":
            self.i += 1
            parts.append(self.name())
        return parts

    def parenthesized(self) -> str:
        """The text between a parenthesis that comes next and the one that closes it."""
        if self.peek() != "(":
            raise self.error()
        start = self.toks[self.i][2]
        depth = 0
        while not self.at_end():
            tok = self.next()
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
                if depth == 0:
                    return self.text[start: self.toks[self.i - 1][1]].strip()
        raise SqlError("42601", "syntax error at end of input")

    def expect_end(self) -> None:
        if not self.at_end():
            raise self.error()


def identifier(tok: str) -> str:
    if tok.startswith('"'):
        return tok[1:-1].replace('""', '"')
    return tok.lower()


@dataclass
class TriggerSpec:
    name: str
    table: list[str]
    timing: str  # "before", "after", "instead"
    events: list[str]
    for_each_row: bool = False
    update_columns: list[str] = field(default_factory=list)
    when: str | None = None
    function: list[str] = field(default_factory=list)
    arguments: list[str] = field(default_factory=list)
    replace: bool = False
    constraint: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    ref_table: list[str] | None = None
    old_table: str | None = None
    new_table: str | None = None


_EVENTS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")


def parse_create_trigger(text: str) -> TriggerSpec:
    c = Cursor(text)
    c.expect("CREATE")
    replace = c.take("OR", "REPLACE")
    constraint = c.take("CONSTRAINT")
    c.expect("TRIGGER")
    if replace and constraint:
        raise SqlError("0A000", "CREATE OR REPLACE CONSTRAINT TRIGGER is not supported")
    name = c.name()
    if not constraint and c.take("BEFORE"):
        timing = "before"
    elif c.take("AFTER"):
        timing = "after"
    elif not constraint and c.take("INSTEAD", "OF"):
        timing = "instead"
    else:
        raise c.error()
    events: list[str] = []
    update_columns: list[str] = []
    while True:
        ev = c.peek()
        if ev not in _EVENTS:
            raise c.error()
        c.next()
        if ev == "UPDATE" and c.take("OF"):
            update_columns.append(c.name())
            while c.take(","):
                update_columns.append(c.name())
        if ev.lower() in events:
            raise c.error()  # PostgreSQL's grammar: "duplicate trigger events specified"
        events.append(ev.lower())
        if not c.take("OR"):
            break
    c.expect("ON")
    table = c.qualified_name()
    spec = TriggerSpec(name, table, timing, events, update_columns=update_columns, replace=replace,
                       constraint=constraint)
    if constraint:
        if c.take("FROM"):
            spec.ref_table = c.qualified_name()
        _constraint_attributes(c, spec)
    if c.take("REFERENCING"):
        while c.peek() in ("OLD", "NEW"):
            which = c.next().upper()
            c.expect("TABLE")
            c.take("AS")
            tname = c.name()
            if which == "OLD":
                spec.old_table = tname
            else:
                spec.new_table = tname
        if spec.old_table is None and spec.new_table is None:
            raise c.error()
    if c.take("FOR"):
        c.take("EACH")
        if c.take("ROW"):
            spec.for_each_row = True
        elif not constraint and c.take("STATEMENT"):
            spec.for_each_row = False
        else:
            raise c.error()
    elif constraint:
        raise c.error()
    if c.take("WHEN"):
        spec.when = c.parenthesized()
    c.expect("EXECUTE")
    if not (c.take("FUNCTION") or c.take("PROCEDURE")):
        raise c.error()
    spec.function = c.qualified_name()
    c.expect("(")
    if not c.take(")"):
        while True:
            spec.arguments.append(_argument(c))
            if c.take(")"):
                break
            c.expect(",")
    c.expect_end()
    return spec


def _constraint_attributes(c: Cursor, spec: TriggerSpec) -> None:
    while True:
        if c.take("NOT", "DEFERRABLE"):
            spec.deferrable = False
        elif c.take("DEFERRABLE"):
            spec.deferrable = True
        elif c.take("INITIALLY", "DEFERRED"):
            spec.initially_deferred = True
        elif c.take("INITIALLY", "IMMEDIATE"):
            spec.initially_deferred = False
        else:
            break
    if spec.initially_deferred and not spec.deferrable:
        raise SqlError("42601", "constraint declared INITIALLY DEFERRED must be DEFERRABLE")


def _argument(c: Cursor) -> str:
    """A trigger argument as PostgreSQL keeps it: a string's value, a number's or a name's text."""
    tok = c.next()
    if not tok:
        raise SqlError("42601", "syntax error at end of input")
    if tok == "-" and c.peek()[:1].isdigit():
        return "-" + c.next()
    if tok.startswith("'"):
        return tok[1:-1].replace("''", "'")
    if tok[:2].upper() == "E'":
        return bytes(tok[2:-1].replace("''", "'"), "utf-8").decode("unicode_escape")
    if tok[0].isdigit() or tok[0] == ".":
        return tok
    if tok[0].isalpha() or tok[0] in '_"':
        return identifier(tok)
    raise SqlError("42601", f'syntax error at or near "{tok}"')
