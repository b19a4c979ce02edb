"""Running a routine: a call from an expression or FROM, CALL, DO, and a trigger function fired
by the triggers stage. A body is parsed once per definition (kept here by its text) and its
statements compiled once (kept with the parse tree)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from orbitdb.sql import settings as S
from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import parse_one, split_statements
from orbitdb.sql.result import Column, Result
from orbitdb.sql.routines import ast as A
from orbitdb.sql.routines.interpreter import Interpreter, ReturnFrom, Var, table_fields
from orbitdb.sql.routines.parser import check_returns, check_sql, parse_plpgsql
from orbitdb.sql.routines.sqlrun import cast_value
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import usertypes as U
from orbitdb.storage.catalog import FunctionDef

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.session.session import Session

_KEEP = 512


def parsed(s: Session, language: str, body: str, offset: int = 0, names: tuple[str, ...] = ()) -> Any:
    """The parse tree of a body (or a SQL body's statements), kept by the session with each
    statement's compiled form: (language, body, argument names) -> tree, as which names in a
    statement are variables depends on the arguments too. Per session, as a compiled statement
    runs in one session at a time."""
    cache = s.routine_cache
    key = (language, body, names)
    tree = cache.get(key)
    if tree is None:
        if language == "plpgsql":
            tree = parse_plpgsql(body, offset)
        else:
            tree = [A.SqlText(st.text, 1) for st in split_statements(body)]
        if len(cache) >= _KEEP:
            cache.clear()
        cache[key] = tree
    return tree


def check_body(s: Session, f: FunctionDef, offset: int = 0) -> None:
    """What CREATE checks of a body (check_function_bodies): PL/pgSQL's syntax, and that each
    statement of a SQL body parses."""
    if s.settings.get("check_function_bodies", "on") == "off":
        return
    tree = parsed(s, f.language, f.body, offset, tuple(f.arg_names))
    if f.language == "plpgsql":
        check_sql(tree, offset)
        if f.return_type != "trigger":
            outs = any(m in ("o", "b", "t") for m in f.arg_modes)
            check_returns(tree, f.kind, f.returns_set, outs, f.return_type == "void")
    if f.language == "sql":
        for st in tree:
            kind = st.text.lstrip().split(None, 1)[0].upper() if st.text.strip() else ""
            if kind in ("SELECT", "WITH", "VALUES", "INSERT", "UPDATE", "DELETE", "TABLE"):
                parse_one(re.sub(r"\$\d+", "NULL", st.text))
        if f.kind == "f" and f.return_type != "void" and not f.returns_set and tree:
            last = tree[-1].text.lstrip().split(None, 1)[0].upper()
            if last not in ("SELECT", "WITH", "VALUES", "TABLE") and "RETURNING" not in tree[-1].text.upper():
                raise SqlError("42P13", f"return type mismatch in function declared to return {f.return_type}",
                               detail="Function's final statement must be SELECT or INSERT/UPDATE/DELETE "
                                      "RETURNING.")
    if f.return_type == "trigger" and f.arg_types and f.kind == "f":
        raise SqlError("42P13", "trigger functions cannot have declared arguments",
                       hint="The arguments of the trigger can be accessed through TG_NARGS and TG_ARGV instead.")


def sql_type(s: Session, name: str) -> SqlType:
    try:
        return T.parse_type_name(name)
    except SqlError:
        if table_fields(s, name) is not None:
            return T.RECORD
        try:
            return U.stored_type(s.catalog(), name).sql  # an enum, a domain's base type, ...
        except SqlError:
            return T.TEXT


def out_columns(s: Session, f: FunctionDef) -> list[tuple[str, SqlType]] | None:
    """The columns of a routine's result when it is a row (OUT parameters, TABLE, a table's row type)."""
    outs = [(n or f"column{i + 1}", sql_type(s, t)) for i, (n, t, m) in
            enumerate(zip(f.arg_names, f.arg_types, f.arg_modes)) if m in ("o", "b", "t")]
    if len(outs) > 1 or (f.kind == "p" and outs):
        return outs
    if not outs:
        fields = table_fields(s, f.return_type) if f.return_type not in ("void", "record", "trigger") else None
        if fields is not None:
            return fields
    return None


class _Settings:
    """A routine's SET clauses, in force while it runs."""

    def __init__(self, s: Session, items: list[str]) -> None:
        self.s = s
        self.items = items
        self.saved: list[tuple[str, str | None]] = []

    def __enter__(self) -> None:
        for item in self.items:
            name, _, value = item.partition("=")
            key = S.canonical_name(name)
            self.saved.append((key, self.s.settings.get(key)))
            self.s.settings[key] = S.normalize(key, value, self.s.settings.get(key, ""))

    def __exit__(self, *a: object) -> None:
        for key, old in reversed(self.saved):
            if old is None:
                self.s.settings.pop(key, None)
            else:
                self.s.settings[key] = old


def call(s: Session, f: FunctionDef, args: list[Any], ctx: ExecContext,
         arg_types: list[SqlType] | None = None, nonatomic: bool = False) -> Any:
    """The value of a call: a scalar, a tuple for a row, a list of them for a set-returning function,
    a dict of the OUT values for a procedure."""
    if f.strict and any(a is None for a in args):
        return [] if f.returns_set else None
    with s.running_routine(f):  # EXECUTE on it; a SECURITY DEFINER one runs as its owner
        return _call_checked(s, f, args, ctx, arg_types, nonatomic)


def _call_checked(s: Session, f: FunctionDef, args: list[Any], ctx: ExecContext,
                  arg_types: list[SqlType] | None, nonatomic: bool) -> Any:
    if f.settings:
        with _Settings(s, f.settings):
            out = _call(s, f, args, ctx, arg_types, nonatomic)
    else:
        out = _call(s, f, args, ctx, arg_types, nonatomic)
    if f.return_type == "void" and f.kind == "f" and not f.returns_set and f.language == "plpgsql":
        return ""  # void's text form is empty (a SQL function's void result is NULL)
    return out


def _interpreter(s: Session, f: FunctionDef, args: list[Any], ctx: ExecContext,
                 arg_types: list[SqlType] | None) -> Interpreter:
    ret = None if f.return_type in ("trigger", "event_trigger") else sql_type(s, f.return_type)
    it = Interpreter(s, ctx, f.name, ret, f.returns_set, f.kind)
    k = 0
    scope = it.scopes[0]
    for i, (name, typ, mode) in enumerate(zip(f.arg_names, f.arg_types, f.arg_modes)):
        t = sql_type(s, typ)
        if mode in ("i", "b", "v"):
            if typ in ("anyelement", "anyarray", "anynonarray", "anycompatible", "anycompatiblearray") and \
                    arg_types is not None and k < len(arg_types):
                t = arg_types[k]
            value = args[k] if k < len(args) else None
            fields = table_fields(s, typ) if t.oid == T.RECORD.oid else None
            var = Var(name or f"${k + 1}", t if fields is None else None, value, fields=fields)
            k += 1
            it.positional.append(var)
            if name:
                scope[name] = var
            if mode == "b":
                it.out_vars.append(var)
        elif mode in ("o", "t"):
            var = Var(name or f"column{i + 1}", t)
            if f.kind == "p":
                k += 1  # CALL passes something (NULL) for each OUT argument
            if name:
                scope[name] = var
            it.out_vars.append(var)
            it.positional.append(var)  # OUT parameters are numbered ($n) with the others
    cols = out_columns(s, f)
    it.single_column = cols is None
    if ret is not None and ret.oid == T.RECORD.oid and cols is None and f.returns_set:
        it.single_column = False
    return it


def _call(s: Session, f: FunctionDef, args: list[Any], ctx: ExecContext, arg_types: list[SqlType] | None,
          nonatomic: bool = False) -> Any:
    it = _interpreter(s, f, args, ctx, arg_types)
    it.nonatomic = it.runner.nonatomic = nonatomic and f.kind == "p"
    if f.language == "sql":
        return _run_sql_body(s, f, it)
    body = parsed(s, "plpgsql", f.body, names=tuple(f.arg_names))
    try:
        it.run_block(body)
    except ReturnFrom:
        pass
    return _result(s, f, it)


def _result(s: Session, f: FunctionDef, it: Interpreter) -> Any:
    if f.kind == "p":
        return {v.name: v.value for v in it.out_vars} if it.out_vars else None
    if f.returns_set:
        return it.results
    if it.out_vars:
        return it.returned if it.has_returned else it.out_value()
    if not it.has_returned:
        if f.return_type == "void":
            return None
        raise SqlError("2F005", "control reached end of function without RETURN")
    return it.returned


def _run_sql_body(s: Session, f: FunctionDef, it: Interpreter) -> Any:
    statements = parsed(s, "sql", f.body, names=tuple(f.arg_names))
    out = None
    simple = len(statements) == 1 and not f.returns_set and f.kind == "f" and out_columns(s, f) is None
    for text in statements:
        it.ctx.check()
        sql, types, values = it.bind(text)
        if simple and f.return_type not in ("void", "record"):
            # SELECT <expression>: the compiled expression itself, no plan to run
            quick = it.runner.expression(text.cache, sql, types, values)
            if quick is not None:
                return cast_value(quick[0], quick[1], sql_type(s, f.return_type), s)
        out = it.runner.run(text.cache, sql, types, values)
    if f.kind == "p" or f.return_type == "void" and not f.returns_set:
        return None
    if out is None or out.columns is None:
        if f.returns_set:
            return []
        return None
    cols = out_columns(s, f)
    ret = sql_type(s, f.return_type)
    if f.returns_set:
        if cols is None and len(out.columns) == 1:
            return [cast_value(r[0], out.columns[0][1], ret, s) for r in out.rows]
        return [r if len(r) > 1 else r[0] for r in out.rows]
    if not out.rows:
        return None
    row = out.rows[0]
    if cols is not None or ret.oid == T.RECORD.oid:
        if len(row) == 1 and isinstance(row[0], tuple):
            return row[0]
        return row
    if len(row) != 1:
        raise SqlError("42P13", f"return type mismatch in function declared to return {f.return_type}",
                       detail="Final statement must return exactly one column.")
    return cast_value(row[0], out.columns[0][1], ret, s)


def run_trigger_function(s: Session, f: FunctionDef, data: Any, ctx: ExecContext) -> dict[str, Any] | None:
    """Fires a trigger function with PostgreSQL's NEW, OLD and TG_* variables; the row it returns
    (a dict by column), or None for NULL."""
    if f.return_type != "trigger":
        raise SqlError("42P17", f'function {f.name} must return type trigger')
    it = Interpreter(s, ctx, f.name, None, False, "f")
    scope = it.scopes[0]
    fields = [(n, t if isinstance(t, SqlType) else sql_type(s, str(t))) for n, t in data.columns]
    for name, row in (("new", data.new), ("old", data.old)):
        value = None if row is None else tuple(row.get(n) for n, _ in fields)
        # a row trigger's absent OLD/NEW is a NULL row of the table (OLD.id is NULL in an INSERT
        # trigger, as in PostgreSQL 15); a statement trigger's is unassigned
        row_level = data.tg_level == "ROW"
        scope[name] = Var(name, None, value, fields=fields if row is not None or row_level else None,
                          record=row is None and not row_level)
    argv = list(data.tg_argv)
    for name, value, typ in (("tg_name", data.tg_name, T.NAME), ("tg_when", data.tg_when, T.TEXT),
                             ("tg_level", data.tg_level, T.TEXT), ("tg_op", data.tg_op, T.TEXT),
                             ("tg_relid", data.tg_relid, T.OID), ("tg_relname", data.tg_table_name, T.NAME),
                             ("tg_table_name", data.tg_table_name, T.NAME),
                             ("tg_table_schema", data.tg_table_schema, T.NAME), ("tg_nargs", len(argv), T.INT4),
                             ("tg_argv", argv or None, T.array_of(T.TEXT))):  # no arguments: NULL
        scope[name] = Var(name, typ, value)
    if f.language != "plpgsql":
        raise SqlError("0A000", f"trigger functions in language {f.language} are not supported")
    body = parsed(s, "plpgsql", f.body, names=("trigger",))
    try:
        if f.settings:
            with _Settings(s, f.settings):
                it.run_block(body)
        else:
            it.run_block(body)
    except ReturnFrom:
        pass
    if not it.has_returned:
        raise SqlError("2F005", "control reached end of trigger procedure without RETURN")
    value = it.returned
    if value is None:
        return None
    if not isinstance(value, tuple) or len(value) != len(fields):
        raise SqlError("42804", "returned row structure does not match the structure of the triggering table",
                       detail="Number of returned columns does not match expected column count.")
    src = it.returned_var.fields if it.returned_var is not None and it.returned_var.fields else fields
    return {n: cast_value(v, st, t, s) for (n, t), (_, st), v in zip(fields, src, value)}


def do_block(s: Session, text: str, ctx: ExecContext, nonatomic: bool | None = None) -> Result:
    """DO [LANGUAGE plpgsql] 'body'."""
    from orbitdb.sql.routines.definition import Cursor
    from orbitdb.sql.routines.lexer import tokenize

    c = Cursor(tokenize(text), text)
    c.expect_word("do")
    body = None
    language = "plpgsql"
    offset = 0
    while not c.done():
        if c.take_word("language"):
            language = c.next().value.lower()
            continue
        t = c.next()
        if t.kind != "string" or body is not None:
            c.i -= 1
            raise c.error()
        body = t.value
        offset = text.index(body, t.start) if body else t.start
    if body is None:
        raise SqlError("42601", "no inline code specified")
    if language != "plpgsql":
        if language == "sql":
            raise SqlError("0A000", 'language "sql" does not support inline code execution')
        raise SqlError("42704", f'language "{language}" does not exist')
    tree = parsed(s, "plpgsql", body, offset)
    check_sql(tree, offset)
    it = Interpreter(s, ctx, "inline_code_block", T.VOID, False, "p")
    it.nonatomic = it.runner.nonatomic = nonatomic if nonatomic is not None else top_level(s)
    start = ctx.txn
    try:
        it.run_block(tree)
    except ReturnFrom:
        pass
    if ctx.txn is not start and nonatomic is None:
        s._end(True)  # the block committed: its last transaction ends with the statement
    return Result("DO")


def top_level(s: Session) -> bool:
    """Whether a CALL or DO may COMMIT and ROLLBACK: run by itself, outside a transaction block."""
    return not s.in_block and not s.implicit


def call_statement(s: Session, text: str, ctx: ExecContext, params: list[Any] | None = None,
                   types: list[SqlType] | None = None, nonatomic: bool | None = None) -> Result:
    """CALL proc(args): the procedure's OUT and INOUT values come back as one row."""
    f, values, arg_types = _resolve_call(s, _call_node(text), ctx, params or [], types or [])
    start = ctx.txn
    out = call(s, f, values, ctx, arg_types, top_level(s) if nonatomic is None else nonatomic)
    if ctx.txn is not start and nonatomic is None:
        s._end(True)  # the procedure committed: its last transaction ends with the CALL
    if not out:
        return Result("CALL")
    cols = out_columns(s, f) or []
    columns = [Column(n, t.oid) for n, t in cols]
    return Result("CALL", columns, [tuple(out.values())], 1)


def _call_node(text: str) -> Any:
    """The procedure call of a CALL statement, parsed as a function call."""
    from sqlglot import exp

    m = re.match(r"\s*CALL\s+", text, re.IGNORECASE)
    assert m is not None
    node = parse_one("SELECT " + text[m.end():])
    if not isinstance(node, exp.Select) or len(node.expressions) != 1:
        raise SqlError("42601", "syntax error in CALL")
    return node.expressions[0]


def call_description(s: Session, text: str, types: list[SqlType]) -> tuple[list[SqlType], list[Column] | None]:
    """What a Parse of a CALL tells the client: its parameters' types (from the procedure's
    arguments) and the row of its OUT and INOUT values, or None when it has none."""
    f, _, _, rt = _resolved_call(s, _call_node(text), types)
    cols = out_columns(s, f) or []
    return list(rt.param_types), [Column(n, t.oid) for n, t in cols] or None


def _resolve_call(s: Session, node: Any, ctx: ExecContext, params: list[Any], types: list[SqlType]
                  ) -> tuple[FunctionDef, list[Any], list[SqlType]]:
    from orbitdb.sql.exec.context import ExecContext

    f, compiled, arg_types, rt = _resolved_call(s, node, types)
    sub = ExecContext(s, ctx.txn, list(params))
    sub.deadline = ctx.deadline
    rt.ctx = sub
    values = [a.fn(()) for a in compiled]
    return f, values, arg_types


def _resolved_call(s: Session, node: Any, types: list[SqlType]) -> tuple[FunctionDef, list[Any], list[SqlType], Any]:
    """The procedure a call names, its arguments compiled, their types, and the Runtime."""
    from orbitdb.sql.expr.compiler import Compiler
    from orbitdb.sql.expr.core import Runtime
    from orbitdb.sql.expr.funccall import normalize
    from orbitdb.sql.expr.routine_call import call_name, resolve
    from orbitdb.sql.expr.scope import Scope
    from orbitdb.sql.plan.planner import Planner

    rt = Runtime(list(types))
    comp = Compiler(Planner(s, s.catalog(), rt), Scope(), rt)
    schema, fnode = call_name(node)
    name, args, _ = normalize(fnode)
    hit = resolve(comp, schema, name, args, procedure_call=True)
    if hit is None or hit[0].kind != "p":
        if hit is not None:
            raise SqlError("42809", f"{hit[0].name}({', '.join(t.display() for t in hit[2])}) is not a procedure",
                           hint="To call a function, use SELECT.")
        shown = ", ".join(comp.compile(a).type.display() for a in args)
        raise SqlError("42883", f"procedure {name}({shown}) does not exist",
                       hint="No procedure matches the given name and argument types. You might need to add "
                            "explicit type casts.")
    f, compiled, arg_types = hit
    return f, compiled, arg_types, rt


def end_transaction(s: Session, ctx: ExecContext, commit: bool, chain: bool) -> None:
    """COMMIT or ROLLBACK inside a procedure: the transaction ends and the procedure goes on in a
    new one (with the same characteristics under AND CHAIN)."""
    old = ctx.txn
    assert old is not None
    if old.savepoints:
        raise SqlError("2D000", "cannot commit while a subtransaction is active" if commit
                       else "cannot roll back while a subtransaction is active")
    isolation, read_only = old.isolation, old.read_only
    if commit:
        s._commit_txn(old)
    else:
        old.rollback()
    new = s._begin_txn()
    if chain:
        new.isolation, new.read_only = isolation, read_only
    new.check = old.check
    new.deadlock_timeout = old.deadlock_timeout
    new.begin_statement()
    s.txn = new
    ctx.txn = new
