"""The PL/pgSQL interpreter: runs a parsed body (ast.py) with its variables in scopes, each SQL
expression and statement compiled once with the variables it names as parameters (sqlrun.py)."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Notice
from orbitdb.sql.routines import ast as A
from orbitdb.sql.routines.conditions import matches, sqlstate_of
from orbitdb.sql.routines.sqlrun import Outcome, Runner, cast_value, refs, tables_named, tokens_of
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import usertypes as U
from orbitdb.storage.errors import StorageError

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.session.session import Session

_savepoint_numbers = itertools.count(1)
_LEVEL_RANK = {"DEBUG": 0, "LOG": 1, "INFO": 2, "NOTICE": 3, "WARNING": 4, "EXCEPTION": 5}
_MIN_MESSAGES = {"debug5": 0, "debug4": 0, "debug3": 0, "debug2": 0, "debug1": 0, "debug": 0, "log": 1,
                 "notice": 3, "warning": 4, "error": 5}


class Var:
    """A variable: a scalar (type), or a row (fields: its column names and types, value a tuple)."""

    __slots__ = ("constant", "fields", "name", "not_null", "record", "type", "value")

    def __init__(self, name: str, type_: SqlType | None, value: Any = None, *, fields: list[tuple[str, SqlType]]
                 | None = None, record: bool = False, constant: bool = False, not_null: bool = False) -> None:
        self.name = name
        self.type = type_
        self.value = value
        self.fields = fields
        self.record = record  # declared RECORD: takes the shape of what is assigned
        self.constant = constant
        self.not_null = not_null

    @property
    def is_row(self) -> bool:
        return self.record or self.fields is not None

    def as_dict(self) -> dict[str, Any] | None:
        if self.value is None or self.fields is None:
            return None
        return {n: v for (n, _), v in zip(self.fields, self.value)}


class Cursor:
    """An open cursor: its rows and the position in them (-1: before the first)."""

    def __init__(self, out: Outcome) -> None:
        self.out = out
        self.pos = -1


class Flow(Exception):
    """Control leaving a loop or the function (not an error)."""


class ExitLoop(Flow):
    def __init__(self, label: str | None, is_continue: bool) -> None:
        self.label = label
        self.is_continue = is_continue


class ReturnFrom(Flow):
    pass


class Interpreter:
    def __init__(self, session: Session, ctx: ExecContext, name: str, return_type: SqlType | None,
                 returns_set: bool, kind: str = "f") -> None:
        self.session = session
        self.ctx = ctx
        self.runner = Runner(session, ctx)
        self.name = name
        self.return_type = return_type
        self.returns_set = returns_set
        self.kind = kind
        self.scopes: list[dict[str, Var]] = [{}]
        self.labels: dict[str, dict[str, Var]] = {name: self.scopes[0]}
        self.positional: list[Var] = []  # $1, $2 ...
        self.out_vars: list[Var] = []
        self.results: list[Any] = []
        self.returned: Any = None
        self.returned_var: Var | None = None
        self.has_returned = False
        self.row_count = 0
        self.errors: list[SqlError] = []  # the errors being handled (GET STACKED DIAGNOSTICS)
        self.scopes[0]["found"] = Var("found", T.BOOL, False)
        self.dynamic_cache: dict[Any, Any] = {}
        self.nonatomic = False  # COMMIT and ROLLBACK allowed (a procedure CALLed by itself, or DO)
        self.bound: dict[int, A.Decl] = {}  # bound cursor variables (by id) -> their declaration
        self.open_cursors: dict[str, Cursor] = {}  # open cursors by name: their rows, produced at OPEN
        # a name both a variable and a column: "error" (42702), "use_variable" or "use_column"
        self.variable_conflict = "error"

    # ---- variables ----
    def declare(self, var: Var) -> None:
        self.scopes[-1][var.name] = var

    def find(self, name: str) -> Var | None:
        for scope in reversed(self.scopes):
            v = scope.get(name)
            if v is not None:
                return v
        return None

    def lookup(self, parts: list[str]) -> tuple[Any, ...] | None:
        if parts[0].startswith("$"):
            k = int(parts[0][1:]) - 1
            if 0 <= k < len(self.positional):
                return self._hit(self.positional[k], parts[1:], 0)
            raise SqlError("42P02", f"there is no parameter {parts[0]}")
        if len(parts) > 1 and parts[0] in self.labels:
            v = self.labels[parts[0]].get(parts[1])
            if v is not None:
                return self._hit(v, parts[2:], 1)
        v = self.find(parts[0])
        if v is None:
            return None
        return self._hit(v, parts[1:], 0)

    def _hit(self, v: Var, rest: list[str], used: int) -> tuple[Any, ...]:
        if rest and v.is_row:
            field = rest[0]
            if v.fields is None:
                raise SqlError("55000", f'record "{v.name}" is not assigned yet',
                               detail="The tuple structure of a not-yet-assigned record is indeterminate.")
            for i, (n, t) in enumerate(v.fields):
                if n == field:
                    return ((id(v), i), used + 2, v, i, t)
            raise SqlError("42703", f'record "{v.name}" has no field "{field}"')
        return ((id(v), None), used + 1, v, None, v.type if not v.is_row else T.RECORD)

    # ---- SQL ----
    def bind(self, text: A.SqlText, prefix: str = "") -> tuple[str, list[SqlType], list[Any]]:
        # which names are variables is fixed by where the text stands (scopes are static): worked
        # out once; each run looks the names up again (a record's fields may have changed)
        bound = text.cache.get(("bound", prefix))
        if bound is None:
            toks = tokens_of(text.cache, text.text)
            columns: frozenset[str] = frozenset()
            if self.variable_conflict != "use_variable":
                # a name that is both a variable and a column of a table the statement reads: 42702
                # (or the column, under #variable_conflict use_column)
                columns = frozenset(n for name in tables_named(toks) for n, _ in
                                    (table_fields(self.session, ".".join(name)) or []))
            sql, names = refs(toks, text.text, self.lookup, columns, self.variable_conflict == "use_column")
            # (sqlglot's scanner fails on a text that ends in an empty string literal after a parameter)
            bound = (prefix + sql + (" " if sql.endswith("'") else ""), names)
            text.cache[("bound", prefix)] = bound
        sql, names = bound
        types: list[SqlType] = []
        values: list[Any] = []
        for parts in names:
            hit = self.lookup(parts)
            if hit is None:
                raise SqlError("42703", f'column "{".".join(parts)}" does not exist')
            _key, _used, var, idx, typ = hit
            if idx is None:
                values.append(var.value)
                types.append(typ if typ is not None else T.TEXT)
            else:
                values.append(None if var.value is None else var.value[idx])
                types.append(typ)
        return sql, [T.TEXT if t.oid == T.UNKNOWN.oid else t for t in types], values

    def run_sql(self, text: A.SqlText, prefix: str = "") -> Outcome:
        sql, types, values = self.bind(text, prefix)
        return self.runner.run(text.cache, sql, types, values)

    def value(self, text: A.SqlText) -> tuple[Any, SqlType]:
        """An expression's value and type (one column, at most one row)."""
        stripped = text.text.strip()
        if stripped.isidentifier():
            v = self.find(stripped.lower())
            if v is not None and not v.is_row:
                return v.value, v.type or T.TEXT
        sql, types, values = self.bind(text, "SELECT ")
        quick = self.runner.expression(text.cache, sql, types, values)
        if quick is not None:
            return quick
        out = self.runner.run(text.cache, sql, types, values)
        if out.columns is None or len(out.columns) != 1:
            n = 0 if out.columns is None else len(out.columns)
            raise SqlError("42601", f"query \"SELECT {stripped}\" returned {n} columns")
        if len(out.rows) > 1:
            raise SqlError("21000", "query returned more than one row",
                           detail=f"query: SELECT {stripped}")
        return (out.rows[0][0] if out.rows else None), out.columns[0][1]

    def truth(self, text: A.SqlText) -> bool:
        v, t = self.value(text)
        if v is None:
            return False
        if t.oid != T.BOOL.oid:
            v = cast_value(v, t, T.BOOL, self.session)
        return bool(v)

    def row_var_value(self, text: A.SqlText) -> Var | None:
        """The row variable an expression names by itself (RETURN NEW, RETURN NEXT r)."""
        stripped = text.text.strip().lower()
        if stripped.isidentifier():
            v = self.find(stripped)
            if v is not None and v.is_row:
                return v
        return None

    # ---- assignment ----
    def assign(self, var: Var, value: Any, typ: SqlType, fields: list[tuple[str, SqlType]] | None = None) -> None:
        if var.constant:
            raise SqlError("22005", f'variable "{var.name}" is declared CONSTANT')
        if var.is_row:
            self.assign_row(var, value, fields)
            return
        if value is None and var.not_null:
            raise SqlError("22004", f'null value cannot be assigned to variable "{var.name}" declared NOT NULL')
        var.value = cast_value(value, typ, var.type, self.session) if var.type is not None else value
        if var.type is None:
            var.type = typ

    def assign_row(self, var: Var, value: Any, fields: list[tuple[str, SqlType]] | None) -> None:
        if value is None:
            var.value = None
            if var.record and fields is not None:
                var.fields = fields
            return
        values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
        if var.record or var.fields is None:
            var.fields = fields if fields is not None else [(f"f{i + 1}", T.TEXT) for i in range(len(values))]
            var.value = values
            return
        var.value = self._fit(var.fields, values, fields)

    def _fit(self, target: list[tuple[str, SqlType]], values: tuple[Any, ...],
             fields: list[tuple[str, SqlType]] | None) -> tuple[Any, ...]:
        out = []
        for i, (_, t) in enumerate(target):
            v = values[i] if i < len(values) else None
            src = fields[i][1] if fields is not None and i < len(fields) else t
            out.append(cast_value(v, src, t, self.session))
        return tuple(out)

    def target(self, name: str) -> tuple[Var, int | None]:
        parts = name.split(".")
        hit = self.lookup(parts)
        if hit is None or hit[1] != len(parts):
            raise SqlError("42601", f'"{name}" is not a known variable')
        return hit[2], hit[3]

    def assign_target(self, name: str, value: Any, typ: SqlType) -> None:
        var, idx = self.target(name)
        if idx is None:
            self.assign(var, value, typ)
            return
        if var.constant:
            raise SqlError("22005", f'variable "{var.name}" is declared CONSTANT')
        assert var.fields is not None
        vals = list(var.value) if var.value is not None else [None] * len(var.fields)
        vals[idx] = cast_value(value, typ, var.fields[idx][1], self.session)
        var.value = tuple(vals)

    def into(self, targets: list[str], out: Outcome, strict: bool, what: str) -> None:
        rows = out.rows
        if strict:
            if not rows:
                raise SqlError("P0002", "query returned no rows")
            if len(rows) > 1:
                raise SqlError("P0003", "query returned more than one row",
                               hint="Make sure the query returns a single row, or use LIMIT 1.")
        cols = out.columns or []
        row = rows[0] if rows else tuple(None for _ in cols)
        if len(targets) == 1:
            var, idx = self.target(targets[0])
            if idx is None and var.is_row:
                self.assign_row(var, row if rows else None, cols)
                if var.record and not rows:
                    var.fields = list(cols)
                return
        for i, name in enumerate(targets):
            v = row[i] if i < len(row) else None
            t = cols[i][1] if i < len(cols) else T.TEXT
            self.assign_target(name, v, t)

    def set_found(self, found: bool) -> None:
        self.scopes[0]["found"].value = found

    # ---- running ----
    def run_block(self, block: A.Block) -> None:
        if block.variable_conflict is not None:
            self.variable_conflict = block.variable_conflict
        scope: dict[str, Var] = {}
        self.scopes.append(scope)
        if block.label:
            self.labels[block.label] = scope
        try:
            for d in block.decls:
                self.declare_var(d)
            if block.handlers is None:
                self.run_list(block.body)
            else:
                self.run_protected(block)
        finally:
            self.scopes.pop()
            if block.label:
                self.labels.pop(block.label, None)

    def declare_var(self, d: A.Decl) -> None:
        if d.alias_of is not None:
            parts = d.alias_of.lower().split(".")
            hit = self.lookup(parts)
            if hit is None:
                raise SqlError("42704", f'variable "{d.alias_of}" does not exist')
            self.scopes[-1][d.name] = hit[2]
            return
        if d.cursor_query is not None:
            var = Var(d.name, T.TEXT)  # a refcursor: its value names the open cursor
            self.bound[id(var)] = d
            self.declare(var)
            return
        var = self.make_var(d.name, d.type_text)
        var.constant = False
        if d.default is not None:
            rv = self.row_var_value(d.default) if var.is_row else None
            if rv is not None:
                self.assign_row(var, rv.value, rv.fields)
            else:
                v, t = self.value(d.default)
                self.assign(var, v, t)
        if d.not_null and var.value is None:
            raise SqlError("22004", f'null value cannot be assigned to variable "{d.name}" declared NOT NULL')
        var.constant = d.constant
        var.not_null = d.not_null
        self.declare(var)

    def make_var(self, name: str, type_text: str) -> Var:
        low = type_text.lower()
        if low == "record":
            return Var(name, None, record=True)
        if low == "refcursor":
            return Var(name, T.TEXT)
        if low.endswith("%type"):
            ref = low[:-5].strip()
            hit = self.lookup(ref.split("."))
            if hit is not None and hit[1] == len(ref.split(".")):
                v = hit[2]
                if hit[3] is not None:
                    return Var(name, hit[4])
                if v.is_row:
                    return Var(name, None, fields=v.fields, record=v.record)
                return Var(name, v.type)
            from orbitdb.sql.routines.definition import resolve_type_name

            return Var(name, _sql_type(resolve_type_name(self.session, type_text), self.session))
        if low.endswith("%rowtype"):
            low = low[:-8].strip()
        fields = table_fields(self.session, low)
        if fields is not None:
            return Var(name, None, fields=fields)
        return Var(name, _sql_type(type_text, self.session))

    def run_list(self, stmts: list[A.Stmt]) -> None:
        for st in stmts:
            self.run_stmt(st)

    def run_protected(self, block: A.Block) -> None:
        txn = self.ctx.txn
        assert txn is not None
        name = f"plpgsql_{next(_savepoint_numbers)}"
        txn.savepoint(name)
        try:
            self.run_list(block.body)
        except SqlError as e:
            self._handle(block, e, name)
            return
        except StorageError as se:
            self._handle(block, SqlError(se.sqlstate, str(se), detail=se.detail), name)
            return
        except RecursionError:
            self._handle(block, SqlError("54001", "stack depth limit exceeded"), name)
            return
        except BaseException:
            txn.release(name)
            raise
        txn.release(name)

    def _handle(self, block: A.Block, e: SqlError, savepoint: str) -> None:
        txn = self.ctx.txn
        assert txn is not None and block.handlers is not None
        for h in block.handlers:
            if any(matches(c, e.sqlstate) for c in h.conditions):
                txn.rollback_to(savepoint)
                txn.release(savepoint)
                e.notices = []
                scope: dict[str, Var] = {"sqlstate": Var("sqlstate", T.TEXT, e.sqlstate),
                                         "sqlerrm": Var("sqlerrm", T.TEXT, e.message)}
                self.scopes.append(scope)
                self.errors.append(e)
                try:
                    self.run_list(h.body)
                finally:
                    self.errors.pop()
                    self.scopes.pop()
                return
        txn.rollback_to(savepoint)
        txn.release(savepoint)
        raise e

    def run_stmt(self, st: A.Stmt) -> None:
        m = getattr(self, "do_" + type(st).__name__)
        m(st)

    def check(self) -> None:
        self.ctx.check()

    # ---- statements ----
    def do_Block(self, st: A.Block) -> None:
        self.run_block(st)

    def do_Null(self, st: A.Null) -> None:
        pass

    def do_Assign(self, st: A.Assign) -> None:
        assert st.expr is not None
        name = ".".join(st.target)
        if st.index:
            var, idx = self.target(name)
            arr = var.value if idx is None else (var.value[idx] if var.value is not None else None)
            arr = list(arr) if arr is not None else []
            positions = [self.value(i)[0] for i in st.index]
            value, t = self.value(st.expr)
            typ = var.type if idx is None else var.fields[idx][1]  # type: ignore[index]
            elem = typ.elem if typ is not None and typ.elem is not None else t
            value = cast_value(value, t, elem, self.session)
            _set_element(arr, positions, value)
            if idx is None:
                var.value = arr
            else:
                self.assign_target(name, arr, typ)  # type: ignore[arg-type]
            return
        var, idx = self.target(name)
        if idx is None and var.is_row:
            rv = self.row_var_value(st.expr)
            if rv is not None:
                self.assign_row(var, rv.value, rv.fields)
                return
            out = self.run_sql(st.expr, "SELECT ")
            if out.columns and len(out.columns) == 1 and out.rows and isinstance(out.rows[0][0], tuple):
                self.assign_row(var, out.rows[0][0], None)
            else:
                self.assign_row(var, out.rows[0] if out.rows else None, out.columns)
            return
        value, t = self.value(st.expr)
        if idx is None:
            self.assign(var, value, t)
        else:
            self.assign_target(name, value, t)

    def do_If(self, st: A.If) -> None:
        for cond, body in st.branches:
            if self.truth(cond):
                self.run_list(body)
                return
        if st.orelse is not None:
            self.run_list(st.orelse)

    def do_Case(self, st: A.Case) -> None:
        if st.subject is not None:
            subject, stype = self.value(st.subject)
            for when, body in st.whens:
                for part in _split_commas(when):
                    v, t = self.value(part)
                    if subject is not None and v is not None and \
                            cast_value(v, t, stype, self.session) == subject:
                        self.run_list(body)
                        return
        else:
            for when, body in st.whens:
                if self.truth(when):
                    self.run_list(body)
                    return
        if st.orelse is None:
            raise SqlError("20000", "case not found", hint="CASE statement is missing ELSE part.")
        self.run_list(st.orelse)

    def _loop_body(self, st: A.Loop) -> bool:
        """Runs a loop's body once: False when the loop is to end."""
        self.check()
        try:
            self.run_list(st.body)
        except ExitLoop as x:
            if x.label is not None and x.label != st.label:
                raise
            return x.is_continue
        return True

    def do_Loop(self, st: A.Loop) -> None:
        while self._loop_body(st):
            pass

    def do_While(self, st: A.While) -> None:
        assert st.cond is not None
        while self.truth(st.cond):
            if not self._loop_body(st):
                break

    def do_ForInt(self, st: A.ForInt) -> None:
        assert st.low is not None and st.high is not None
        low = _int(self.value(st.low), "lower")
        high = _int(self.value(st.high), "upper")
        step = 1
        if st.step is not None:
            step = _int(self.value(st.step), "BY")
            if step <= 0:
                raise SqlError("22023", "BY value of FOR loop must be greater than zero")
        var = Var(st.var, T.INT4)
        self.scopes.append({st.var: var})
        if st.label:
            self.labels[st.label] = self.scopes[-1]
        found = False
        try:
            i = low
            while (i >= high) if st.reverse else (i <= high):
                found = True
                var.value = i
                if not self._loop_body(st):
                    break
                i = i - step if st.reverse else i + step
        finally:
            self.scopes.pop()
            if st.label:
                self.labels.pop(st.label, None)
        self.set_found(found)

    def do_ForQuery(self, st: A.ForQuery) -> None:
        assert st.query is not None
        out = self.dynamic(st.query, st.using) if st.dynamic else self.run_sql(st.query)
        found = False
        for row in out.rows:
            found = True
            self.into(st.targets, Outcome(out.columns, [row], 1, ""), False, "FOR")
            if not self._loop_body(st):
                break
        self.set_found(found)

    def do_Foreach(self, st: A.Foreach) -> None:
        assert st.array is not None
        arr, t = self.value(st.array)
        if arr is None:
            raise SqlError("22004", "FOREACH expression must not be null")
        if not isinstance(arr, list):
            raise SqlError("42804", f"FOREACH expression must yield an array, not type {t.display()}")
        elem = t.elem or T.TEXT
        items: list[Any] = arr if st.slice else list(_flatten(arr))
        for item in items:
            if len(st.targets) == 1:
                var, idx = self.target(st.targets[0])
                if var.is_row and idx is None:
                    self.assign_row(var, item, None)
                else:
                    self.assign_target(st.targets[0], item, t if st.slice else elem)
            else:
                vals = item if isinstance(item, tuple) else (item,)
                for name, v in zip(st.targets, vals):
                    self.assign_target(name, v, T.TEXT)
            if not self._loop_body(st):
                break

    def do_Exit(self, st: A.Exit) -> None:
        if st.cond is not None and not self.truth(st.cond):
            return
        raise ExitLoop(st.label, st.is_continue)

    def do_Return(self, st: A.Return) -> None:
        self.has_returned = True
        if self.returns_set:
            if st.expr is not None:
                raise SqlError("42804", "RETURN cannot have a parameter in function returning set",
                               hint="Use RETURN NEXT or RETURN QUERY.")
            raise ReturnFrom()
        if st.expr is None:
            if self.out_vars or self.kind == "p" or (self.return_type is not None and
                                                     self.return_type.oid == T.VOID.oid):
                self.returned = self.out_value()
                raise ReturnFrom()
            raise SqlError("42804", "RETURN must specify a record or row variable in function returning row"
                           if self.return_type is not None and self.return_type.oid == T.RECORD.oid
                           else "missing expression at or near \";\"")
        if self.kind == "p" or self.out_vars:
            if self.out_vars and self.kind != "p":
                raise SqlError("42804", "RETURN cannot have a parameter in function with OUT parameters")
            raise SqlError("42601", "RETURN cannot have a parameter in a procedure")
        rv = self.row_var_value(st.expr)
        if rv is not None:
            self.returned_var = rv
            self.returned = rv.value
            raise ReturnFrom()
        if self.return_type is not None and self.return_type.oid == T.RECORD.oid:
            out = self.run_sql(st.expr, "SELECT ")
            row = out.rows[0] if out.rows else None
            self.returned = row[0] if row is not None and len(row) == 1 and isinstance(row[0], tuple) else row
            raise ReturnFrom()
        v, t = self.value(st.expr)
        if self.return_type is not None and self.return_type.oid != T.VOID.oid:
            v = cast_value(v, t, self.return_type, self.session)
        self.returned = v
        raise ReturnFrom()

    def out_value(self) -> Any:
        if not self.out_vars:
            return None
        if len(self.out_vars) == 1 and self.kind != "p":
            return self.out_vars[0].value
        return tuple(v.value for v in self.out_vars)

    def do_ReturnNext(self, st: A.ReturnNext) -> None:
        if not self.returns_set:
            raise SqlError("42804", "cannot use RETURN NEXT in a non-SETOF function")
        if st.expr is None:
            if not self.out_vars:
                raise SqlError("42804", "RETURN NEXT must have a parameter")
            self.results.append(self.out_value())
            return
        if self.out_vars:
            raise SqlError("42804", "RETURN NEXT cannot have a parameter in function with OUT parameters")
        rv = self.row_var_value(st.expr)
        if rv is not None:
            self.results.append(rv.value)
            return
        v, t = self.value(st.expr)
        if self.return_type is not None and self.return_type.oid not in (T.RECORD.oid,) and not isinstance(v, tuple):
            v = cast_value(v, t, self.return_type, self.session)
        self.results.append(v)

    def do_ReturnQuery(self, st: A.ReturnQuery) -> None:
        if not self.returns_set:
            raise SqlError("42804", "cannot use RETURN QUERY in a non-SETOF function")
        assert st.query is not None
        out = self.dynamic(st.query, st.using) if st.dynamic else self.run_sql(st.query)
        single = self.single_column
        for row in out.rows:
            self.results.append(row[0] if single else row)
        self.row_count = len(out.rows)
        self.set_found(bool(out.rows))

    single_column = True

    def do_Perform(self, st: A.Perform) -> None:
        assert st.query is not None
        out = self.run_sql(st.query)
        self.row_count = len(out.rows)
        self.set_found(bool(out.rows))

    def do_ExecSql(self, st: A.ExecSql) -> None:
        assert st.sql is not None
        out = self.run_sql(st.sql)
        self.row_count = out.rowcount if out.columns is None or st.kind not in ("SELECT", "WITH", "VALUES") \
            else len(out.rows)
        if st.into is not None:
            if out.columns is None:
                raise SqlError("42601", "INTO used with a command that cannot return data")
            if st.kind in ("INSERT", "UPDATE", "DELETE", "MERGE") and len(out.rows) > 1:
                # a row change's RETURNING ... INTO is strict about more than one row, STRICT or not
                raise SqlError("P0003", "query returned more than one row",
                               hint="Make sure the query returns a single row, or use LIMIT 1.")
            self.into(st.into, out, st.strict, st.kind)
            self.row_count = min(self.row_count, 1) if not st.strict else self.row_count
            self.set_found(bool(out.rows))
            return
        if out.columns is not None and st.kind in ("SELECT", "VALUES", "TABLE") :
            raise SqlError("42601", "query has no destination for result data",
                           hint="If you want to discard the results of a SELECT, use PERFORM instead.")
        if st.kind in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "MERGE"):
            self.set_found(self.row_count > 0)

    def dynamic(self, command: A.SqlText, using: list[A.SqlText]) -> Outcome:
        text, t = self.value(command)
        if text is None:
            raise SqlError("22004", "query string argument of EXECUTE is null")
        if t.oid != T.TEXT.oid:
            text = cast_value(text, t, T.TEXT, self.session)
        values: list[Any] = []
        types: list[SqlType] = []
        for u in using:
            v, ut = self.value(u)
            values.append(v)
            types.append(T.TEXT if ut.oid == T.UNKNOWN.oid else ut)
        sql = str(text).strip().rstrip(";")
        return self.runner.run(self.dynamic_cache, sql, types, values)

    def do_Dynamic(self, st: A.Dynamic) -> None:
        assert st.command is not None
        out = self.dynamic(st.command, st.using)
        self.row_count = out.rowcount
        if st.into is not None:
            if out.columns is None:
                raise SqlError("42601", "INTO used with a command that cannot return data")
            self.into(st.into, out, st.strict, "EXECUTE")
        # EXECUTE leaves FOUND as it was (only GET DIAGNOSTICS sees its row count)

    def do_Raise(self, st: A.Raise) -> None:
        if st.reraise:
            if not self.errors:
                raise SqlError("0Z002", "RAISE without parameters cannot be used outside an exception handler")
            raise self.errors[-1]
        message = None
        if st.message is not None:
            message = self.format(st.message, st.params)
        sqlstate = sqlstate_of(st.condition) if st.condition is not None else None
        detail = hint = None
        for opt, expr in st.options:
            v, t = self.value(expr)
            text = None if v is None else str(cast_value(v, t, T.TEXT, self.session))
            if text is None:
                raise SqlError("22004", "RAISE statement option cannot be null")
            if opt == "message":
                if message is not None:
                    raise SqlError("42601", "RAISE option already specified: MESSAGE")
                message = text
            elif opt == "detail":
                detail = text
            elif opt == "hint":
                hint = text
            elif opt == "errcode":
                is_code = len(text) == 5 and text.upper() == text and text.isalnum()
                sqlstate = sqlstate_of("sqlstate:" + text if is_code else text)
        if message is None:
            message = st.condition if st.condition and not st.condition.startswith("sqlstate:") else (
                sqlstate or "P0001")
        if st.level == "EXCEPTION":
            raise SqlError(sqlstate or "P0001", message, detail=detail, hint=hint)
        minimum = _MIN_MESSAGES.get(self.session.settings.get("client_min_messages", "notice").lower(), 3)
        if _LEVEL_RANK[st.level] < minimum and st.level != "INFO":
            return
        code = sqlstate or ("01000" if st.level == "WARNING" else "00000")
        self.session.notices.append(Notice(st.level, code, message, detail, hint))

    def format(self, fmt: str, params: list[A.SqlText]) -> str:
        out = []
        k = 0
        i = 0
        while i < len(fmt):
            ch = fmt[i]
            if ch == "%":
                if fmt.startswith("%%", i):
                    out.append("%")
                    i += 2
                    continue
                if k >= len(params):
                    raise SqlError("42601", "too few parameters specified for RAISE")
                v, t = self.value(params[k])
                k += 1
                out.append("<NULL>" if v is None else str(cast_value(v, t, T.TEXT, self.session)))
                i += 1
                continue
            out.append(ch)
            i += 1
        if k < len(params):
            raise SqlError("42601", "too many parameters specified for RAISE")
        return "".join(out)

    def do_Assert(self, st: A.Assert) -> None:
        if self.session.settings.get("plpgsql.check_asserts", "on") == "off":
            return
        assert st.cond is not None
        v, _t = self.value(st.cond)
        if v is None or not v:
            msg = "assertion failed"
            if st.message is not None:
                m, mt = self.value(st.message)
                if m is not None:
                    msg = str(cast_value(m, mt, T.TEXT, self.session))
            raise SqlError("P0004", msg)

    def do_GetDiagnostics(self, st: A.GetDiagnostics) -> None:
        if st.stacked and not self.errors:
            raise SqlError("0Z002", "GET STACKED DIAGNOSTICS cannot be used outside an exception handler")
        e = self.errors[-1] if self.errors else None
        for var, item in st.items:
            if item == "row_count":
                self.assign_target(var, self.row_count, T.INT8)
                continue
            if item == "pg_context":
                self.assign_target(var, f"PL/pgSQL function {self.name}", T.TEXT)
                continue
            if item == "pg_routine_oid":
                self.assign_target(var, 0, T.OID)
                continue
            if not st.stacked or e is None:
                raise SqlError("42601", f"diagnostics item {item.upper()} is not allowed in GET CURRENT DIAGNOSTICS")
            value = {"returned_sqlstate": e.sqlstate, "message_text": e.message,
                     "pg_exception_detail": e.detail or "", "pg_exception_hint": e.hint or "",
                     "pg_exception_context": f"PL/pgSQL function {self.name}",
                     "column_name": e.column or "", "constraint_name": e.constraint or "",
                     "table_name": e.table or "", "schema_name": e.schema or "", "pg_datatype_name": ""}[item]
            self.assign_target(var, value, T.TEXT)

    # ---- cursors (their rows are produced when they are opened) ----
    def open_cursor(self, name: str, args: list[A.SqlText], query: A.SqlText | None, dynamic: bool,
                    using: list[A.SqlText]) -> str:
        var, idx = self.target(name)
        if idx is not None:
            raise SqlError("42804", f'variable "{name}" must be of type cursor or refcursor')
        decl = self.bound.get(id(var))
        portal = var.value if var.value is not None else (name if decl is not None else
                                                           f"<unnamed portal {len(self.open_cursors) + 1}>")
        if portal in self.open_cursors:
            raise SqlError("42P03", f'cursor "{portal}" already in use')
        if decl is not None:
            assert decl.cursor_query is not None and decl.cursor_args is not None
            if query is not None:
                raise SqlError("42601", f'cursor "{name}" is already bound to a query')
            if len(args) != len(decl.cursor_args):
                raise SqlError("42601", f'{"not enough" if len(args) < len(decl.cursor_args) else "too many"} '
                                        f'arguments for cursor "{name}"')
            scope: dict[str, Var] = {}
            for (arg, typ), text in zip(decl.cursor_args, args):
                v, t = self.value(text)
                scope[arg] = Var(arg, _sql_type(typ, self.session), cast_value(v, t, _sql_type(typ, self.session), self.session))
            self.scopes.append(scope)
            try:
                out = self.run_sql(decl.cursor_query)
            finally:
                self.scopes.pop()
        elif query is None:
            raise SqlError("42601", f'cursor "{name}" has no query: OPEN {name} FOR ...')
        else:
            out = self.dynamic(query, using) if dynamic else self.run_sql(query)
        if out.columns is None:
            raise SqlError("42P11", "cannot open a query that returns no rows as a cursor")
        self.open_cursors[portal] = Cursor(out)
        var.value = portal
        return portal

    def cursor_of(self, name: str) -> Cursor:
        var, _ = self.target(name)
        cur = self.open_cursors.get(var.value) if var.value is not None else None
        if cur is None:
            raise SqlError("34000", f'cursor "{var.value or name}" does not exist')
        return cur

    def do_Open(self, st: A.Open) -> None:
        self.open_cursor(st.cursor, st.args, st.query, st.dynamic, st.using)

    def do_Fetch(self, st: A.Fetch) -> None:
        cur = self.cursor_of(st.cursor)
        n = len(cur.out.rows)
        count = 1
        if st.count is not None:
            v, t = self.value(st.count)
            count = int(cast_value(v, t, T.INT8, self.session)) if v is not None else 0
        d = st.direction
        moved_any = False
        if d == "next" or d == "forward" and not st.all:
            cur.pos = min(cur.pos + count, n)
        elif d == "prior" or d == "backward" and not st.all:
            cur.pos = max(cur.pos - count, -1)
        elif d == "first":
            cur.pos = 0 if n else -1
        elif d == "last":
            cur.pos = n - 1 if n else n
        elif d == "absolute":
            cur.pos = count - 1 if count > 0 else (n + count if count < 0 else -1)
            cur.pos = max(-1, min(cur.pos, n))
        elif d == "relative":
            cur.pos = max(-1, min(cur.pos + count, n))
        elif d == "forward":  # ALL
            moved_any = cur.pos + 1 < n
            cur.pos = n
        else:  # BACKWARD ALL
            moved_any = cur.pos > 0
            cur.pos = -1
        row = cur.out.rows[cur.pos] if 0 <= cur.pos < n else None
        if st.into is not None:
            self.into(st.into, Outcome(cur.out.columns, [row] if row is not None else [], 1, ""), False, "FETCH")
        self.set_found(row is not None or moved_any)
        self.row_count = 1 if row is not None else 0

    def do_Close(self, st: A.Close) -> None:
        var, _ = self.target(st.cursor)
        if var.value is None or var.value not in self.open_cursors:
            raise SqlError("34000", f'cursor "{var.value or st.cursor}" does not exist')
        del self.open_cursors[var.value]

    def do_ForCursor(self, st: A.ForCursor) -> None:
        portal = self.open_cursor(st.cursor, st.args, None, False, [])
        cur = self.open_cursors[portal]
        var = Var(st.target, None, record=True)
        self.scopes.append({st.target: var})
        found = False
        try:
            for row in cur.out.rows:
                found = True
                self.assign_row(var, row, cur.out.columns)
                if not self._loop_body(st):
                    break
        finally:
            self.scopes.pop()
            self.open_cursors.pop(portal, None)
        self.set_found(found)

    def do_Transaction(self, st: A.Transaction) -> None:
        if not self.nonatomic:
            raise SqlError("2D000", "invalid transaction termination")
        from orbitdb.sql.routines.calls import end_transaction  # calls runs this module

        end_transaction(self.session, self.ctx, st.commit, st.chain)


def _int(vt: tuple[Any, SqlType], what: str) -> int:
    v, t = vt
    if v is None:
        raise SqlError("22004", f"{what} bound of FOR loop cannot be null" if what != "BY"
                       else "BY value of FOR loop cannot be null")
    return int(cast_value(v, t, T.INT4) if not isinstance(v, int) else v)


def _set_element(arr: list[Any], positions: list[Any], value: Any) -> None:
    i = int(positions[0])
    while len(arr) < i:
        arr.append(None)
    if len(positions) == 1:
        arr[i - 1] = value
        return
    inner = list(arr[i - 1] or [])
    _set_element(inner, positions[1:], value)
    arr[i - 1] = inner


def _flatten(arr: list[Any]) -> Any:
    for x in arr:
        if isinstance(x, list):
            yield from _flatten(x)
        else:
            yield x


def _split_commas(text: A.SqlText) -> list[A.SqlText]:
    from orbitdb.sql.routines.lexer import tokenize

    cached = text.cache.get("parts")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    parts = []
    depth = 0
    start = 0
    for t in tokenize(text.text):
        if t.kind == "op" and t.value in ("(", "["):
            depth += 1
        elif t.kind == "op" and t.value in (")", "]"):
            depth -= 1
        elif t.kind == "op" and t.value == "," and depth == 0:
            parts.append(A.SqlText(text.text[start:t.start], text.line))
            start = t.end
    parts.append(A.SqlText(text.text[start:], text.line))
    text.cache["parts"] = parts
    return parts


def _sql_type(text: str, session: Session | None = None) -> SqlType:
    try:
        return T.parse_type_name(text)
    except SqlError:
        if session is not None:
            try:
                return U.stored_type(session.catalog(), text).sql  # an enum, a domain's base type, ...
            except SqlError:
                pass
        raise SqlError("42704", f'type "{text}" does not exist') from None


def table_fields(session: Session, name: str) -> list[tuple[str, SqlType]] | None:
    """A table's (or view's) columns, for a row-typed variable."""
    parts = [p.strip('"') for p in name.split(".")]
    cat = session.catalog()
    for sch in ([parts[0]] if len(parts) > 1 else session.search_schemas()):
        t = cat.table(sch, parts[-1])
        if t is not None:
            return [(c.name, U.stored_type(cat, c.type).sql) for c in t.columns]
    return None
