"""The parsed form of a PL/pgSQL body. SQL expressions and statements stay text (with the line
they start on); the interpreter compiles each once, the variables it names made parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SqlText:
    text: str
    line: int
    start: int = 0  # where the text starts in the body (error positions)
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)  # compiled forms


@dataclass
class Decl:
    name: str
    type_text: str  # "" for ALIAS
    constant: bool = False
    not_null: bool = False
    default: SqlText | None = None
    alias_of: str | None = None
    line: int = 0
    cursor_args: list[tuple[str, str]] | None = None  # a bound cursor: its arguments, and its query
    cursor_query: SqlText | None = None


@dataclass
class Stmt:
    line: int


@dataclass
class Block(Stmt):
    label: str | None = None
    decls: list[Decl] = field(default_factory=list)
    body: list[Stmt] = field(default_factory=list)
    handlers: list[Handler] | None = None
    variable_conflict: str | None = None  # the body's #variable_conflict directive (outermost block)


@dataclass
class Handler:
    conditions: list[str]  # condition names, or "sqlstate:XXXXX"
    body: list[Stmt]


@dataclass
class Assign(Stmt):
    target: list[str] = field(default_factory=list)  # var, or var.field
    index: list[SqlText] = field(default_factory=list)  # var[i] := ...
    expr: SqlText | None = None


@dataclass
class If(Stmt):
    branches: list[tuple[SqlText, list[Stmt]]] = field(default_factory=list)
    orelse: list[Stmt] | None = None


@dataclass
class Case(Stmt):
    subject: SqlText | None = None
    whens: list[tuple[SqlText, list[Stmt]]] = field(default_factory=list)
    orelse: list[Stmt] | None = None


@dataclass
class Loop(Stmt):
    label: str | None = None
    body: list[Stmt] = field(default_factory=list)


@dataclass
class While(Loop):
    cond: SqlText | None = None


@dataclass
class ForInt(Loop):
    var: str = ""
    reverse: bool = False
    low: SqlText | None = None
    high: SqlText | None = None
    step: SqlText | None = None


@dataclass
class ForQuery(Loop):
    targets: list[str] = field(default_factory=list)
    query: SqlText | None = None
    dynamic: bool = False
    using: list[SqlText] = field(default_factory=list)


@dataclass
class Foreach(Loop):
    targets: list[str] = field(default_factory=list)
    slice: int = 0
    array: SqlText | None = None


@dataclass
class Exit(Stmt):
    is_continue: bool = False
    label: str | None = None
    cond: SqlText | None = None


@dataclass
class Return(Stmt):
    expr: SqlText | None = None


@dataclass
class ReturnNext(Stmt):
    expr: SqlText | None = None


@dataclass
class ReturnQuery(Stmt):
    query: SqlText | None = None
    dynamic: bool = False
    using: list[SqlText] = field(default_factory=list)


@dataclass
class Perform(Stmt):
    query: SqlText | None = None


@dataclass
class ExecSql(Stmt):
    sql: SqlText | None = None
    kind: str = ""  # first keyword
    into: list[str] | None = None
    strict: bool = False


@dataclass
class Dynamic(Stmt):
    command: SqlText | None = None
    into: list[str] | None = None
    strict: bool = False
    using: list[SqlText] = field(default_factory=list)


@dataclass
class Raise(Stmt):
    level: str = "EXCEPTION"
    condition: str | None = None  # a condition name or "sqlstate:XXXXX"
    message: str | None = None
    params: list[SqlText] = field(default_factory=list)
    options: list[tuple[str, SqlText]] = field(default_factory=list)
    reraise: bool = False


@dataclass
class Assert(Stmt):
    cond: SqlText | None = None
    message: SqlText | None = None


@dataclass
class GetDiagnostics(Stmt):
    stacked: bool = False
    items: list[tuple[str, str]] = field(default_factory=list)  # (variable, item)


@dataclass
class Null(Stmt):
    pass


@dataclass
class Transaction(Stmt):
    commit: bool = True
    chain: bool = False


@dataclass
class Open(Stmt):
    cursor: str = ""
    args: list[SqlText] = field(default_factory=list)
    query: SqlText | None = None  # OPEN c FOR query (an unbound cursor)
    dynamic: bool = False
    using: list[SqlText] = field(default_factory=list)


@dataclass
class Fetch(Stmt):
    cursor: str = ""
    direction: str = "next"  # next, prior, first, last, absolute, relative, forward, backward
    count: SqlText | None = None
    all: bool = False
    into: list[str] | None = None  # None: MOVE


@dataclass
class Close(Stmt):
    cursor: str = ""


@dataclass
class ForCursor(Loop):
    target: str = ""
    cursor: str = ""
    args: list[SqlText] = field(default_factory=list)
