"""SQL run from inside a routine: the text with the routine's variables made parameters ($n),
compiled once (kept with the body's parse tree and in the session's plan cache) and run in the
calling statement's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.parse.parser import Statement
from orbitdb.sql.plan.compiled import take_relation_locks
from orbitdb.sql.routines.lexer import Token, tokenize
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import ASSIGNMENT, EXPLICIT, find_cast
from orbitdb.storage.errors import StorageError

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Prepared, Session


@dataclass
class Outcome:
    """A statement's rows (all of them, produced), its columns and row count."""

    columns: list[tuple[str, SqlType]] | None
    rows: list[tuple[Any, ...]]
    rowcount: int
    tag: str


# words after which a name is a table, a column being assigned or a type, never a variable
_NOT_AFTER = ("from", "join", "into", "update", "table", "as", "::", ".", "only", "returns")


_NOT_CALLS = ("in", "exists", "any", "all", "some", "values", "as", "from", "join", "using", "on", "where", "and",
              "or", "not", "select", "into", "returning", "set", "then", "else", "when", "lateral", "over",
              "filter", "within", "group", "by", "with", "recursive", "case", "is", "between", "like")


def expression_froms(tokens: list[Token]) -> set[int]:
    """Positions of FROM words that are not a FROM clause: inside a function call's parentheses
    (EXTRACT(year FROM d), substring(s FROM 2)) or of IS [NOT] DISTINCT FROM."""
    out: set[int] = set()
    calls: list[bool] = []
    for j, t in enumerate(tokens):
        if t.kind == "op" and t.value == "(":
            prev = tokens[j - 1] if j > 0 else None
            calls.append(prev is not None and prev.kind in ("ident", "qident") and not prev.is_word(*_NOT_CALLS))
        elif t.kind == "op" and t.value == ")":
            if calls:
                calls.pop()
        elif t.is_word("from") and (calls and calls[-1] or j > 0 and tokens[j - 1].is_word("distinct")):
            out.add(j)
    return out


def tables_named(tokens: list[Token]) -> list[list[str]]:
    """The tables whose columns a statement's names may refer to: after FROM, JOIN, UPDATE, USING,
    and an INSERT's target when it has RETURNING or ON CONFLICT."""
    out: list[list[str]] = []
    n = len(tokens)
    words = {t.value for t in tokens if t.kind == "ident"}
    not_clauses = expression_froms(tokens)
    for j, t in enumerate(tokens):
        if not t.is_word("from", "join", "update", "using", "into") or j in not_clauses:
            continue
        if t.is_word("into") and not (j > 0 and tokens[j - 1].is_word("insert") and
                                      ("returning" in words or "conflict" in words)):
            continue
        k = j + 1
        while k < n and tokens[k].kind in ("ident", "qident"):
            if tokens[k].is_word("only", "lateral"):
                k += 1
                continue
            name = [tokens[k].value]
            k += 1
            while k + 1 < n and tokens[k].kind == "op" and tokens[k].value == "." and \
                    tokens[k + 1].kind in ("ident", "qident"):
                name.append(tokens[k + 1].value)
                k += 2
            out.append(name)
            if k < n and tokens[k].is_word("as"):
                k += 2
            elif k < n and tokens[k].kind in ("ident", "qident") and not tokens[k].is_word(
                    "where", "join", "inner", "left", "right", "full", "cross", "natural", "on", "set", "group",
                    "order", "limit", "offset", "returning", "union", "except", "intersect", "window", "having",
                    "for", "values", "select", "default", "overriding", "using", "fetch", "into", "loop"):
                k += 1
            if k < n and tokens[k].kind == "op" and tokens[k].value == ",":
                k += 1
                continue
            break
    return out


def refs(tokens: list[Token], text: str, lookup: Any, columns: frozenset[str] = frozenset(),
         prefer_columns: bool = False) -> tuple[str, list[Any]]:
    """text with every name that lookup resolves to a variable replaced by $n: the new text and
    the dotted name each $n stands for. lookup(parts) takes a dotted name (up to three parts) and
    answers (key, how many parts it used, anything) or None."""
    out: list[str] = []
    params: list[Any] = []
    index: dict[Any, int] = {}
    pos = 0
    n = len(tokens)
    insert_columns = False
    zero_based: list[int] = []  # bracket depths of TG_ARGV[...] subscripts (TG_ARGV counts from 0)
    not_clauses = expression_froms(tokens)
    depth = 0
    j = 0
    while j < n:
        t = tokens[j]
        prev = tokens[j - 1] if j > 0 else None
        if t.kind == "op" and t.value == "[":
            depth += 1
        elif t.kind == "op" and t.value == "]":
            if zero_based and zero_based[-1] == depth:
                zero_based.pop()
                out.append(text[pos:t.start])
                out.append(") + 1")
                pos = t.start
            depth -= 1
        if t.is_word("insert"):
            insert_columns = True
        elif insert_columns and t.kind == "op" and t.value == "(" and prev is not None and prev.kind in (
                "ident", "qident"):
            # the column list of INSERT INTO t (a, b): names of columns
            k = j
            while k < n and not (tokens[k].kind == "op" and tokens[k].value == ")"):
                k += 1
            j = k + 1
            insert_columns = False
            continue
        elif t.is_word("values", "select", "default", "overriding", "with"):
            insert_columns = False
        if t.kind in ("ident", "qident", "param"):
            blocked = prev is not None and (prev.kind == "ident" and prev.value in _NOT_AFTER
                                            and (j - 1) not in not_clauses
                                            or prev.kind == "op" and prev.value in (".", "::"))
            nxt = tokens[j + 1] if j + 1 < n else None
            star = (not blocked and nxt is not None and nxt.kind == "op" and nxt.value == "." and j + 2 < n
                    and tokens[j + 2].kind == "op" and tokens[j + 2].value == "*")
            hit = lookup([t.value]) if star else None
            fields = getattr(hit[2], "fields", None) if hit is not None else None
            if star and fields:
                # rec.* (INSERT INTO t VALUES (NEW.*)): one parameter per field
                slots = []
                for field_name, _ in fields:
                    parts = [t.value, field_name]
                    key = (hit[0][0], field_name) if hit is not None else None
                    if key not in index:
                        index[key] = len(params)
                        params.append(parts)
                    slots.append(f"${index[key] + 1}")
                out.append(text[pos:t.start])
                out.append(", ".join(slots))
                pos = tokens[j + 2].end
                j += 3
                continue
            if not blocked and not (nxt is not None and nxt.kind == "op" and nxt.value == "("):
                parts = [t.value]
                k = j + 1
                while len(parts) < 3 and k + 1 < n and tokens[k].kind == "op" and tokens[k].value == "." \
                        and tokens[k + 1].kind in ("ident", "qident"):
                    parts.append(tokens[k + 1].value)
                    k += 2
                is_set_target = (nxt is not None and nxt.kind == "op" and nxt.value == "=" and prev is not None
                                 and (prev.is_word("set") or prev.kind == "op" and prev.value == ","))
                hit = None if is_set_target and t.kind != "param" else lookup(parts)
                if hit is not None:
                    key, used = hit[0], hit[1]
                    if used == 1 and t.kind == "ident" and t.value in columns:
                        if prefer_columns:
                            j += 1
                            continue
                        raise SqlError("42702", f'column reference "{t.value}" is ambiguous',
                                       detail="It could refer to either a PL/pgSQL variable or a table column.")
                    if key not in index:
                        index[key] = len(params)
                        params.append(parts[:used])
                    out.append(text[pos:t.start])
                    out.append(f"${index[key] + 1}")
                    pos = tokens[j + 2 * used - 2].end
                    j += 2 * used - 1
                    after = tokens[j] if j < n else None
                    if parts[0] == "tg_argv" and used == 1 and after is not None and after.kind == "op" \
                            and after.value == "[":
                        depth += 1
                        zero_based.append(depth)
                        out.append(text[pos:after.end] + "(")
                        pos = after.end
                        j += 1
                    continue
        j += 1
    out.append(text[pos:])
    return "".join(out), params


def cast_value(value: Any, src: SqlType, dst: SqlType, session: Any = None) -> Any:
    """A value assigned to a variable or returned: PostgreSQL's assignment cast, else its I/O conversion."""
    if value is None or src.oid == dst.oid and dst.typmod == -1 or dst.oid in (T.RECORD.oid, T.UNKNOWN.oid):
        return value
    if dst.oid == T.ANY.oid:
        return value
    fn = find_cast(src, dst, ASSIGNMENT, session) or find_cast(src, dst, EXPLICIT, session)
    if fn is None:
        fn = find_cast(T.TEXT, dst, EXPLICIT, session)
        to_text = find_cast(src, T.TEXT, EXPLICIT, session)
        if fn is None or to_text is None:
            raise SqlError("42804", f"cannot cast type {src.display()} to {dst.display()}")
        return fn(to_text(value))
    return fn(value)


class Runner:
    """Runs the routine's statements in the calling statement's transaction."""

    def __init__(self, session: Session, ctx: ExecContext) -> None:
        self.session = session
        self.ctx = ctx
        self.nonatomic = False  # a CALL or DO run from here may COMMIT (its caller may)

    def prepared(self, cache: dict[Any, Any], sql: str, types: list[SqlType]) -> Prepared:
        key = (sql, tuple(t.oid for t in types))
        p = cache.get(key)
        if p is None:
            kind = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
            kind = kind.rstrip("(")
            p = self.session.routine_statement(Statement(sql, kind, 0), list(types))
            if len(cache) > 64:
                cache.clear()
            cache[key] = p
        return p

    def expression(self, cache: dict[Any, Any], sql: str, types: list[SqlType], values: list[Any]
                   ) -> tuple[Any, SqlType] | None:
        """The value of SELECT <one expression> without FROM, computed by the compiled expression
        itself (no plan to run); None when the text is not of that shape."""
        s = self.session
        cat = s.catalog()
        key = ("expr", sql, tuple(t.oid for t in types), cat.version, id(cat), s.settings.get("search_path"))
        hit = cache.get(key)
        if hit is None:
            hit = self._compile_expression(sql, types)
            if len(cache) > 64:
                cache.clear()
            cache[key] = hit
        if hit is False:
            return None
        e, rt = hit
        sub = ExecContext(s, self.ctx.txn, values)
        sub.deadline = self.ctx.deadline
        sub.statement_time = self.ctx.statement_time
        sub.spill = self.ctx.spill
        previous = rt.ctx
        rt.ctx = sub
        try:
            return e.fn(()), e.type
        except StorageError as err:
            raise SqlError(err.sqlstate, str(err), detail=err.detail) from err
        finally:
            rt.ctx = previous

    def _compile_expression(self, sql: str, types: list[SqlType]) -> Any:
        from orbitdb.sql.expr.compiler import Compiler
        from orbitdb.sql.expr.core import Runtime, coerce
        from orbitdb.sql.expr.scope import Scope
        from orbitdb.sql.parse.lone_select import lone_select_expression
        from orbitdb.sql.plan.planner import Planner

        item = lone_select_expression(sql)
        if item is None:
            return False
        rt = Runtime(list(types))
        try:
            planner = Planner(self.session, self.session.catalog(), rt)
            e = Compiler(planner, Scope(), rt).compile(item)
        except SqlError:
            return False
        if e.srf or e.columns is not None:
            return False
        if e.type.oid == T.UNKNOWN.oid:
            e = coerce(e, T.TEXT)
        return e, rt

    def run(self, cache: dict[Any, Any], sql: str, types: list[SqlType], values: list[Any]) -> Outcome:
        s = self.session
        p = self.prepared(cache, sql, types)
        if p.stmt.kind not in ("SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE"):
            return self._utility(sql, values, types)
        try:
            compiled = s._compile(p)
            take_relation_locks(compiled, self.ctx, False)
            sub = ExecContext(s, self.ctx.txn, list(values))
            sub.deadline = self.ctx.deadline
            sub.statement_time = self.ctx.statement_time
            sub.spill = self.ctx.spill
            rt = compiled.rt
            previous = rt.ctx
            rt.ctx = sub
            try:
                res = compiled.run(sub)
                rows = list(res.rows) if res.columns is not None else list(res.rows or [])
            finally:
                rt.ctx = previous
        except StorageError as e:
            raise SqlError(e.sqlstate, str(e), detail=e.detail) from e
        cols = [(c.name, T.by_oid(c.type_oid) if c.type_modifier < 0 else _typed(c)) for c in res.columns] \
            if res.columns is not None else None
        count = res.rowcount if res.rowcount >= 0 else len(rows)
        if res.columns is not None and p.stmt.kind in ("SELECT", "WITH", "VALUES", "TABLE"):
            count = len(rows)
        return Outcome(cols, rows, count, res.command_tag)

    def _utility(self, sql: str, values: list[Any], types: list[SqlType]) -> Outcome:
        """DDL and other statements that are not planned: run by the session's dispatch."""
        s = self.session
        kind = sql.lstrip().split(None, 1)[0].upper()
        if kind == "DO":
            from orbitdb.sql.routines.calls import do_block

            res = do_block(s, sql, self.ctx, nonatomic=self.nonatomic)
            return Outcome(None, [], 0, res.command_tag)
        if kind == "CALL":
            from orbitdb.sql.routines.calls import call_statement

            res = call_statement(s, sql, self.ctx, values, list(types), nonatomic=self.nonatomic)
            cols = [(c.name, T.by_oid(c.type_oid)) for c in res.columns] if res.columns is not None else None
            return Outcome(cols, list(res.rows), 0, res.command_tag)
        if kind in ("COMMIT", "ROLLBACK", "BEGIN", "START", "SAVEPOINT", "RELEASE", "END", "ABORT", "PREPARE"):
            raise SqlError("0A000", f"{kind} is not supported inside a function or DO block")
        if values:
            raise SqlError("0A000", f"{kind} with PL/pgSQL variables is not supported; use EXECUTE format(...)")
        st = Statement(sql, kind, 0)
        res = s._dispatch(st, None, [], self.ctx)
        rows = list(res.rows) if getattr(res, "rows", None) is not None else []
        cols = [(c.name, T.by_oid(c.type_oid)) for c in res.columns] if res.columns is not None else None
        return Outcome(cols, rows, max(res.rowcount, 0), res.command_tag)


def _typed(c: Any) -> SqlType:
    t = T.by_oid(c.type_oid)
    return t


def tokens_of(cache: dict[Any, Any], text: str) -> list[Token]:
    toks = cache.get("tokens")
    if toks is None:
        toks = tokenize(text)
        cache["tokens"] = toks
    return toks
