"""SQL-level prepared statements: PREPARE name [(types)] AS statement, EXECUTE name [(args)].

They share one namespace with the wire's named statements (Parse), as in PostgreSQL: EXECUTE runs
either, DEALLOCATE removes either, and pg_prepared_statements lists both."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import Runtime
from orbitdb.sql.modify.statements import compile_node
from orbitdb.sql.parse.parser import Statement, parse_one, strip_comments
from orbitdb.sql.parse.words import identifier
from orbitdb.sql.plan.compiled import take_relation_locks
from orbitdb.sql.result import Column, Result

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.session.session import Prepared, Session

_UTC = datetime.timezone.utc
# what PostgreSQL's grammar accepts after PREPARE ... AS (PreparableStmt) and DECLARE ... FOR
PREPARABLE = ("SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE")
_NAME = r'"(?:[^"]|"")+"|[A-Za-z_][A-Za-z_0-9$]*'
_HEAD = re.compile(rf"\s*(?:PREPARE|EXECUTE)\s+(?P<name>{_NAME})\s*", re.IGNORECASE)
_AS = re.compile(r"AS\b\s*", re.IGNORECASE)


@dataclass
class SqlStatement:
    """A prepared statement made by SQL PREPARE. Its attributes are those the wire's named
    statements have, so that either kind can be bound, executed and listed."""

    query: str
    prepared: Prepared
    param_oids: list[int]
    columns: list[Column] | None
    from_sql: bool = True
    prepare_time: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(_UTC))


def _quote_end(text: str, i: int) -> int:
    """The index of the quote that closes the one at text[i] (a doubled quote stays inside), or -1."""
    q = text[i]
    n = len(text)
    end = text.find(q, i + 1)
    while end != -1 and end + 1 < n and text[end + 1] == q:
        end = text.find(q, end + 2)
    return end


def balanced(text: str, start: int) -> int:
    """The index just past the parenthesis that closes the one at text[start] (quotes and
    nested parentheses skipped); raises a syntax error when it is not closed."""
    depth = 0
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            end = _quote_end(text, i)
            if end == -1:
                break
            i = end
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise SqlError("42601", "syntax error at end of input")


def split_top_level(text: str) -> list[str]:
    """The comma-separated items of a parenthesised list's inside (quotes, parentheses and
    brackets kept together)."""
    items: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            end = _quote_end(text, i)
            i = n - 1 if end == -1 else end
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            items.append(text[start:i].strip())
            start = i + 1
        i += 1
    last = text[start:].strip()
    if last or items:
        items.append(last)
    return items


def _statement_kind(text: str) -> str:
    m = re.match(r"\s*\(*\s*([A-Za-z]+)", text)
    return m.group(1).upper() if m else ""


def inner_statement(st: Statement, text: str, what: str) -> Statement:
    """The statement PREPARE ... AS or DECLARE ... FOR names, as a Statement of its own."""
    body = text.strip()
    kind = _statement_kind(body)
    if kind not in PREPARABLE or (what == "DECLARE" and kind in ("INSERT", "UPDATE", "DELETE")):
        word = body.split()[0] if body.split() else ""
        if not word:
            raise SqlError("42601", "syntax error at end of input")
        raise SqlError("42601", f'syntax error at or near "{word}"')
    return Statement(body, kind, st.offset + max(0, st.text.find(body)))


def _check_parameters_typed(inner: Statement, declared: list[T.SqlType], count: int) -> None:
    """PostgreSQL's 42P18 for a parameter below the highest one that the statement neither uses
    nor declares (PREPARE q AS SELECT $2)."""
    if count <= len(declared):
        return
    from sqlglot import exp

    try:
        node = parse_one(inner.text)
    except Exception:  # noqa: BLE001 - a statement sqlglot cannot read was compiled another way
        return
    used = {int(str(getattr(p.this, "name", p.this))) for p in node.find_all(exp.Parameter)
            if str(getattr(p.this, "name", p.this)).isdigit()}
    for i in range(1, count + 1):
        if i not in used and (i > len(declared) or declared[i - 1].oid == T.UNKNOWN.oid):
            raise SqlError("42P18", f"could not determine data type of parameter ${i}")


def prepare(s: Session, st: Statement) -> Result:
    text = strip_comments(st.text)
    m = _HEAD.match(text)
    if m is None:
        raise SqlError("42601", "syntax error at end of input" if len(text.split()) < 2
                       else f'syntax error at or near "{text.split()[1]}"')
    name = identifier(m.group("name"))
    pos = m.end()
    types: list[T.SqlType] = []
    if text[pos:pos + 1] == "(":
        end = balanced(text, pos)
        types = [_parse_type(t) for t in split_top_level(text[pos + 1:end - 1])]
        pos = end
    rest = text[pos:].lstrip()
    a = _AS.match(rest)
    if a is None:
        word = rest.split()[0] if rest.split() else ""
        raise SqlError("42601", f'syntax error at or near "{word}"' if word else "syntax error at end of input")
    if name in s.protocol_statements:
        raise SqlError("42P05", f'prepared statement "{name}" already exists')
    inner = inner_statement(st, rest[a.end():], "PREPARE")
    p = s.prepare_statement(inner, types)
    _check_parameters_typed(inner, types, len(p.param_types))
    p.extra["fixed_result"] = p.columns  # as a Parse's: its EXECUTEs keep this row type
    s.protocol_statements[name] = SqlStatement(st.text, p, list(p.param_oids), p.columns)
    return Result("PREPARE")


def _parse_type(text: str) -> T.SqlType:
    if not text:
        raise SqlError("42601", 'syntax error at or near ")"')
    if text[:11].lower() == "pg_catalog.":
        text = text[11:]  # pg_dump's PREPAREs name built-in types qualified
    try:
        return T.parse_type_name(text)
    except SqlError:
        raise
    except Exception:  # noqa: BLE001 - a name the type parser does not know
        raise SqlError("42704", f'type "{text}" does not exist') from None


def _execute_target(s: Session, text: str, ctx: ExecContext) -> tuple[Prepared | None, list[Any], str]:
    """The prepared statement an EXECUTE names, its argument values, and what follows them."""
    m = _HEAD.match(text)
    if m is None:
        raise SqlError("42601", "syntax error at end of input")
    name = identifier(m.group("name"))
    pos = m.end()
    args: list[str] = []
    if text[pos:pos + 1] == "(":
        end = balanced(text, pos)
        args = split_top_level(text[pos + 1:end - 1])
        pos = end
    named = s.protocol_statements.get(name)
    if named is None:
        raise SqlError("26000", f'prepared statement "{name}" does not exist')
    p = named.prepared
    if p is None:  # a Parse of an empty query
        return None, [], text[pos:]
    expected = len(p.param_types)
    if len(args) != expected:
        raise SqlError("42601", f'wrong number of parameters for prepared statement "{name}"',
                       detail=f"Expected {expected} parameters but got {len(args)}.")
    values = _argument_values(s, args, p.param_types, ctx) if args else []
    return p, values, text[pos:]


def execute(s: Session, st: Statement, ctx: ExecContext) -> Any:
    p, values, rest = _execute_target(s, strip_comments(st.text), ctx)
    if rest.strip():
        raise SqlError("42601", f'syntax error at or near "{rest.split()[0]}"')
    if p is None:
        return Result("EMPTY")
    return s.run_planned(p, values, ctx)


_CTAS_EXECUTE = re.compile(r"(?P<head>\s*CREATE\s+.*?\bTABLE\s+.*?\bAS)\s+(?P<exec>EXECUTE\b.*)$",
                           re.IGNORECASE | re.DOTALL)
_WITH_DATA = re.compile(r"\s*(?:WITH\s+(?:NO\s+)?DATA\s*)?$", re.IGNORECASE)


def create_table_as_execute(s: Session, st: Statement, ctx: ExecContext) -> Result | None:
    """CREATE TABLE ... AS EXECUTE name (args) [WITH [NO] DATA]: the CREATE TABLE AS of the
    prepared query with its parameter types and the arguments' values; None when the statement
    is not one."""
    from orbitdb.sql.ddl.commands import DDL  # DDL loads on first use (cold start)

    text = strip_comments(st.text)
    m = _CTAS_EXECUTE.match(text)
    if m is None:
        return None
    p, values, rest = _execute_target(s, m.group("exec"), ctx)
    if p is None or p.stmt.kind not in ("SELECT", "WITH", "VALUES", "TABLE"):
        raise SqlError("42809", "prepared statement is not a SELECT")
    if _WITH_DATA.match(rest) is None:
        raise SqlError("42601", f'syntax error at or near "{rest.split()[0]}"')
    if ctx.txn is not None and ctx.txn.read_only:
        raise SqlError("25006", "cannot execute CREATE TABLE AS in a read-only transaction")
    node = parse_one(f"{m.group('head')} {p.stmt.text} {rest.strip()}".rstrip())
    rt = Runtime(list(p.param_types))
    compiled = compile_node(s, node.args["expression"], rt)
    ctx.params = values
    return DDL(s, ctx).create_table(node, compiled)


def execute_columns(s: Session, text: str) -> list[Column] | None:
    """The row type an EXECUTE will have (its statement's), for a Describe before it runs."""
    m = _HEAD.match(strip_comments(text))
    named = s.protocol_statements.get(identifier(m.group("name"))) if m is not None else None
    return getattr(named, "columns", None)


def _argument_values(s: Session, args: list[str], types: list[T.SqlType], ctx: ExecContext) -> list[Any]:
    """EXECUTE's arguments, evaluated and converted to the statement's parameter types."""
    casts = []
    for arg, t in zip(args, types):
        if not arg:
            raise SqlError("42601", 'syntax error at or near ","')
        target = t if t.oid != T.UNKNOWN.oid else T.TEXT
        casts.append(f"CAST(({arg}) AS {target.display()})")
    rt = Runtime([])
    compiled = compile_node(s, parse_one("SELECT " + ", ".join(casts)), rt)
    rt.ctx = ctx
    take_relation_locks(compiled, ctx)
    rows = list(compiled.run(ctx).rows)
    return list(rows[0])
