"""PL/pgSQL's grammar (PostgreSQL 15's, as its documentation gives it) read into ast.py's nodes.
SQL inside the body (expressions, queries) is cut out as text up to the keyword that ends it."""

from __future__ import annotations

from orbitdb.sql.errors import SqlError
from orbitdb.sql.routines import ast as A
from orbitdb.sql.routines.lexer import Token, tokenize

_LEVELS = ("debug", "log", "info", "notice", "warning", "exception")
_SQL_STARTS = ("select", "insert", "update", "delete", "with", "values", "table", "create", "drop", "alter",
               "truncate", "lock", "grant", "revoke", "comment", "set", "reset", "show", "copy", "call",
               "analyze", "vacuum", "listen", "notify", "unlisten", "merge", "refresh", "discard", "explain",
               "savepoint", "release", "import", "reindex", "cluster", "checkpoint", "load", "security")
_DIAG_ITEMS = ("row_count", "pg_context", "returned_sqlstate", "message_text", "pg_exception_detail",
               "pg_exception_hint", "pg_exception_context", "column_name", "constraint_name",
               "pg_datatype_name", "table_name", "schema_name", "pg_routine_oid")


class BodySyntaxError(SqlError):
    pass


class Parser:
    def __init__(self, text: str, offset: int = 0) -> None:
        self.text = text
        self.offset = offset  # where the body starts in the CREATE statement (error positions)
        self.toks = tokenize(text)
        self.i = 0
        self.constants: list[set[str]] = []  # per block: its CONSTANT variables (assigning one is an error)
        self.enclosing: list[tuple[str | None, bool]] = []  # labels of the blocks and loops around, loop?
        self.cursors: set[str] = set()  # bound cursors declared so far (FOR rec IN cursor)

    # ---- token helpers ----
    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def at(self, *words: str, k: int = 0) -> bool:
        t = self.peek(k)
        return t is not None and t.kind == "ident" and t.value in words

    def at_op(self, op: str, k: int = 0) -> bool:
        t = self.peek(k)
        return t is not None and t.kind == "op" and t.value == op

    def take(self, *words: str) -> bool:
        if self.at(*words):
            self.i += 1
            return True
        return False

    def take_op(self, op: str) -> bool:
        if self.at_op(op):
            self.i += 1
            return True
        return False

    def expect(self, *words: str) -> Token:
        if not self.at(*words):
            raise self.error()
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect_op(self, op: str) -> None:
        if not self.take_op(op):
            raise self.error()

    def line(self) -> int:
        t = self.peek()
        return t.line if t is not None else (self.toks[-1].line if self.toks else 1)

    def error(self, tok: Token | None = None) -> SqlError:
        t = tok or self.peek()
        if t is None:
            return BodySyntaxError("42601", "syntax error at end of input",
                                   position=self.offset + len(self.text) + 1 if self.offset else None)
        return BodySyntaxError("42601", f'syntax error at or near "{self.text[t.start:t.end]}"',
                               position=self.offset + t.start + 1 if self.offset else None,
                               detail=f"PL/pgSQL body line {t.line}")

    def name(self) -> str:
        t = self.peek()
        if t is None or t.kind not in ("ident", "qident"):
            raise self.error()
        self.i += 1
        return t.value

    def dotted_name(self) -> str:
        t = self.peek()
        if t is not None and t.kind == "param":  # $1 := ... assigns the first argument
            self.i += 1
            return t.value
        parts = [self.name()]
        while self.at_op("."):
            self.i += 1
            parts.append(self.name())
        return ".".join(parts)

    def sql_until(self, stops: tuple[str, ...], ops: tuple[str, ...] = (";",), allow_empty: bool = False
                  ) -> A.SqlText:
        """The SQL text from here to a stop word or operator outside parentheses and CASE ... END."""
        first = self.peek()
        if first is None:
            raise self.error()
        depth = 0
        cases = 0
        start = first.start
        end = start
        while True:
            t = self.peek()
            if t is None:
                raise self.error()
            if depth == 0 and cases == 0 and (t.kind == "op" and t.value in ops or t.kind == "ident"
                                               and t.value in stops):
                break
            if t.kind == "op" and t.value in ("(", "["):
                depth += 1
            elif t.kind == "op" and t.value in (")", "]"):
                depth -= 1
            elif t.kind == "ident" and t.value == "case":
                cases += 1
            elif t.kind == "ident" and t.value == "end" and cases:
                cases -= 1
            end = t.end
            self.i += 1
        if end == start and not allow_empty:
            raise self.error()
        return A.SqlText(self.text[start:end], first.line, start)

    # ---- the body ----
    def parse_body(self) -> A.Block:
        conflict = None
        while self.at_op("#"):
            self.i += 1
            option = self.name()
            if option == "variable_conflict":
                conflict = self.expect("error", "use_variable", "use_column").value
            elif option in ("print_strict_params",):
                self.expect("on", "off")
            else:
                raise self.error(self.toks[self.i - 1])
        label = self.label()
        self.enclosing.append((label, False))
        block = self.block(label)
        self.take_op(";")
        if self.peek() is not None:
            raise self.error()
        block.variable_conflict = conflict
        return block

    def label(self) -> str | None:
        if self.at_op("<<"):
            self.i += 1
            name = self.name()
            self.expect_op(">>")
            return name
        return None

    def block(self, label: str | None) -> A.Block:
        line = self.line()
        decls: list[A.Decl] = []
        if self.take("declare"):
            while not self.at("begin"):
                if self.take("declare"):
                    continue
                decls.append(self.declaration())
                if decls[-1].cursor_query is not None:
                    self.cursors.add(decls[-1].name)
        self.expect("begin")
        names = {d.name for d in decls}
        self.constants.append({d.name for d in decls if d.constant})
        shadowed = [c - names for c in self.constants[:-1]]
        saved = self.constants[:-1]
        self.constants[:-1] = shadowed
        try:
            body = self.statements(("exception", "end"))
        finally:
            self.constants[:-1] = saved
            self.constants.pop()
        handlers = None
        if self.take("exception"):
            handlers = []
            while self.take("when"):
                conds = [self.condition()]
                while self.take("or"):
                    conds.append(self.condition())
                self.expect("then")
                handlers.append(A.Handler(conds, self.statements(("when", "end"))))
            if not handlers:
                raise self.error()
        self.expect("end")
        if self.peek() is not None and self.peek().kind in ("ident", "qident") and not self.at_op(";"):  # type: ignore[union-attr]
            end_label = self.name()
            if label is not None and end_label != label:
                raise self.error()
        return A.Block(line, label, decls, body, handlers)

    def condition(self) -> str:
        if self.take("sqlstate"):
            t = self.peek()
            if t is None or t.kind != "string":
                raise self.error()
            self.i += 1
            return "sqlstate:" + t.value
        return self.name()

    def declaration(self) -> A.Decl:
        line = self.line()
        name = self.name()
        if self.take("alias"):
            self.expect("for")
            t = self.peek()
            if t is None:
                raise self.error()
            self.i += 1
            self.expect_op(";")
            return A.Decl(name, "", alias_of=t.value, line=line)
        constant = self.take("constant")
        if self.take("no"):
            self.expect("scroll")
        else:
            self.take("scroll")
        if self.take("cursor"):
            args: list[tuple[str, str]] = []
            if self.take_op("("):
                while True:
                    arg = self.name()
                    typ = self.sql_until((), (",", ")"))
                    args.append((arg, typ.text.strip()))
                    if self.take_op(")"):
                        break
                    self.expect_op(",")
            if not self.take("for"):
                self.expect("is")
            query = self.sql_until(())
            self.expect_op(";")
            return A.Decl(name, "refcursor", line=line, cursor_args=args, cursor_query=query)
        type_text = self.sql_until(("not", "default", "collate"), (";", ":=", "="))
        if self.take("collate"):
            self.name()
        not_null = False
        if self.take("not"):
            self.expect("null")
            not_null = True
        default = None
        if self.take("default") or self.take_op(":=") or self.take_op("="):
            default = self.sql_until(())
        self.expect_op(";")
        if (constant or not_null) and default is None:
            what = "constant" if constant else "NOT NULL"
            raise SqlError("22004" if not constant else "42601",
                           f'variable "{name}" must have a default value, since it\'s declared {what}'
                           if not constant else f"initial value required for constant {name}")
        return A.Decl(name, " ".join(type_text.text.split()), constant, not_null, default, line=line)

    def statements(self, stops: tuple[str, ...]) -> list[A.Stmt]:
        out: list[A.Stmt] = []
        while True:
            t = self.peek()
            if t is None:
                raise self.error()
            if t.kind == "ident" and t.value in stops:
                return out
            out.append(self.statement())

    def statement(self) -> A.Stmt:
        label = self.label()
        line = self.line()
        t = self.peek()
        if t is None:
            raise self.error()
        w = t.value if t.kind == "ident" else ""
        if label is not None and w not in ("declare", "begin", "loop", "while", "for", "foreach"):
            raise self.error()
        if w in ("declare", "begin"):
            self.enclosing.append((label, False))
            try:
                block = self.block(label)
            finally:
                self.enclosing.pop()
            self.expect_op(";")
            return block
        if w in ("loop", "while", "for", "foreach"):
            self.enclosing.append((label, True))
            try:
                return self.loop_statement(w, line, label)
            finally:
                self.enclosing.pop()
        return self.simple_statement(w, t, line)

    def loop_statement(self, w: str, line: int, label: str | None) -> A.Stmt:
        if w == "loop":
            self.i += 1
            return A.Loop(line, label, self.loop_body(label))
        if w == "while":
            self.i += 1
            cond = self.sql_until(("loop",), ())
            self.expect("loop")
            return A.While(line, label, self.loop_body(label), cond=cond)
        if w == "for":
            self.i += 1
            return self.for_stmt(line, label)
        if w == "foreach":
            self.i += 1
            targets = self.targets()
            slice_ = 0
            if self.take("slice"):
                tok = self.peek()
                if tok is None or tok.kind != "number":
                    raise self.error()
                self.i += 1
                slice_ = int(tok.value)
            self.expect("in")
            self.expect("array")
            arr = self.sql_until(("loop",), ())
            self.expect("loop")
            return A.Foreach(line, label, self.loop_body(label), targets=targets, slice=slice_, array=arr)
        raise self.error()

    def simple_statement(self, w: str, t: Token, line: int) -> A.Stmt:
        if w == "if":
            return self.if_stmt(line)
        if w == "case":
            return self.case_stmt(line)
        if w in ("exit", "continue"):
            word = self.peek()
            self.i += 1
            lbl = None
            if self.peek() is not None and self.peek().kind in ("ident", "qident") and not self.at("when"):  # type: ignore[union-attr]
                lbl = self.name()
            self._check_exit(w, lbl, word)
            cond = None
            if self.take("when"):
                cond = self.sql_until(())
            self.expect_op(";")
            return A.Exit(line, w == "continue", lbl, cond)
        if w == "return":
            self.i += 1
            if self.take("next"):
                expr = None if self.at_op(";") else self.sql_until(())
                self.expect_op(";")
                return A.ReturnNext(line, expr)
            if self.take("query"):
                if self.take("execute"):
                    cmd = self.sql_until(("using",))
                    using = self.using()
                    self.expect_op(";")
                    return A.ReturnQuery(line, cmd, True, using)
                q = self.sql_until(())
                self.expect_op(";")
                return A.ReturnQuery(line, q)
            expr = None if self.at_op(";") else self.sql_until(())
            self.expect_op(";")
            return A.Return(line, expr)
        if w == "perform":
            self.i += 1
            q = self.sql_until(())
            self.expect_op(";")
            return A.Perform(line, A.SqlText("SELECT " + q.text, q.line, q.start - 7))
        if w == "raise":
            return self.raise_stmt(line)
        if w == "assert":
            self.i += 1
            cond = self.sql_until((), (";", ","))
            msg = self.sql_until(()) if self.take_op(",") else None
            self.expect_op(";")
            return A.Assert(line, cond, msg)
        if w == "get":
            return self.get_diagnostics(line)
        if w == "null":
            self.i += 1
            self.expect_op(";")
            return A.Null(line)
        if w == "execute":
            return self.execute_stmt(line)
        if w in ("commit", "rollback"):
            self.i += 1
            chain = False
            if self.take("and"):
                no = self.take("no")
                self.expect("chain")
                chain = not no
            self.expect_op(";")
            return A.Transaction(line, w == "commit", chain)
        if w == "open":
            self.i += 1
            o = A.Open(line, self.name())
            if self.at_op("("):
                o.args = self.cursor_args()
            self.take("no")
            self.take("scroll")
            if self.take("for"):
                if self.take("execute"):
                    o.query = self.sql_until(("using",))
                    o.dynamic = True
                    o.using = self.using()
                else:
                    o.query = self.sql_until(())
            self.expect_op(";")
            return o
        if w in ("fetch", "move"):
            self.i += 1
            f = A.Fetch(line)
            if self.at("next", "prior", "first", "last"):
                f.direction = self.peek().value  # type: ignore[union-attr]
                self.i += 1
            elif self.at("absolute", "relative"):
                f.direction = self.peek().value  # type: ignore[union-attr]
                self.i += 1
                f.count = self.sql_until(("from", "in"), ())
            elif self.at("forward", "backward"):
                f.direction = self.peek().value  # type: ignore[union-attr]
                self.i += 1
                if self.take("all"):
                    f.all = True
                elif not self.at("from", "in"):
                    f.count = self.sql_until(("from", "in"), ())
            elif self.take("all"):
                f.direction, f.all = "forward", True
            self.take("from") or self.take("in")
            f.cursor = self.name()
            if w == "fetch":
                self.expect("into")
                f.into = self.targets()
            self.expect_op(";")
            return f
        if w == "close":
            self.i += 1
            c = A.Close(line, self.name())
            self.expect_op(";")
            return c
        if w in _SQL_STARTS and not (self.at_op(":=", k=1) or self.at_op("=", k=1) or self.at_op(".", k=1)
                                      or self.at_op("[", k=1)):
            return self.sql_stmt(line, w)
        if t.kind in ("ident", "qident", "param"):
            return self.assignment(line)
        raise self.error()

    def _check_exit(self, word: str, label: str | None, tok: Token | None) -> None:
        """EXIT and CONTINUE need a loop (or, EXIT, a labelled block) around them, as PostgreSQL checks
        when it compiles the body."""
        pos = self.offset + tok.start + 1 if self.offset and tok is not None else None
        what = word.upper()
        if label is None:
            if not any(is_loop for _, is_loop in self.enclosing):
                raise BodySyntaxError("42601", f"{what} cannot be used outside a loop" +
                                      (", unless it has a label" if what == "EXIT" else ""), position=pos)
            return
        for name, is_loop in reversed(self.enclosing):
            if name == label:
                if what == "CONTINUE" and not is_loop:
                    raise BodySyntaxError("42601", f'block label "{label}" cannot be used in CONTINUE',
                                          position=pos)
                return
        raise BodySyntaxError("42601", f'there is no label "{label}" attached to any block or loop enclosing '
                                       "this statement", position=pos)

    def loop_body(self, label: str | None) -> list[A.Stmt]:
        body = self.statements(("end",))
        self.expect("end")
        self.expect("loop")
        if self.peek() is not None and self.peek().kind in ("ident", "qident"):  # type: ignore[union-attr]
            end_label = self.name()
            if end_label != label:
                raise self.error()
        self.expect_op(";")
        return body

    def targets(self) -> list[str]:
        out = [self.dotted_name()]
        while self.take_op(","):
            out.append(self.dotted_name())
        return out

    def using(self) -> list[A.SqlText]:
        out: list[A.SqlText] = []
        if self.take("using"):
            out.append(self.sql_until((), (";", ",")))
            while self.take_op(","):
                out.append(self.sql_until((), (";", ",")))
        return out

    def cursor_args(self) -> list[A.SqlText]:
        self.expect_op("(")
        out = [self.sql_until((), (",", ")"))]
        while self.take_op(","):
            out.append(self.sql_until((), (",", ")")))
        self.expect_op(")")
        return out

    def for_stmt(self, line: int, label: str | None) -> A.Stmt:
        targets = self.targets()
        self.expect("in")
        after = self.peek(1)
        if len(targets) == 1 and self.peek() is not None and self.peek().kind in ("ident", "qident") and \
                self.peek().value in self.cursors and (after is None or after.is_word("loop") or  # type: ignore[union-attr]
                                                       after.kind == "op" and after.value == "("):
            cursor = self.name()
            args = self.cursor_args() if self.at_op("(") else []
            self.expect("loop")
            return A.ForCursor(line, label, self.loop_body(label), target=targets[0], cursor=cursor, args=args)
        if self.take("execute"):
            cmd = self.sql_until(("loop", "using"), ())
            using: list[A.SqlText] = []
            if self.take("using"):
                using.append(self.sql_until(("loop",), (",",)))
                while self.take_op(","):
                    using.append(self.sql_until(("loop",), (",",)))
            self.expect("loop")
            return A.ForQuery(line, label, self.loop_body(label), targets=targets, query=cmd, dynamic=True,
                              using=using)
        reverse = self.take("reverse")
        # a range when ".." follows the first expression at the top level, else a query
        save = self.i
        first = self.sql_until(("loop",), ("..",))
        if self.take_op(".."):
            if len(targets) != 1 or "." in targets[0]:
                raise self.error()
            high = self.sql_until(("loop", "by"), ())
            step = self.sql_until(("loop",), ()) if self.take("by") else None
            self.expect("loop")
            return A.ForInt(line, label, self.loop_body(label), var=targets[0], reverse=reverse, low=first,
                            high=high, step=step)
        if reverse:
            raise self.error()
        self.i = save
        query = self.sql_until(("loop",), ())
        self.expect("loop")
        return A.ForQuery(line, label, self.loop_body(label), targets=targets, query=query)

    def if_stmt(self, line: int) -> A.If:
        self.expect("if")
        branches = []
        cond = self.sql_until(("then",), ())
        self.expect("then")
        branches.append((cond, self.statements(("elsif", "elseif", "else", "end"))))
        orelse = None
        while True:
            if self.take("elsif", "elseif"):
                cond = self.sql_until(("then",), ())
                self.expect("then")
                branches.append((cond, self.statements(("elsif", "elseif", "else", "end"))))
                continue
            if self.take("else"):
                orelse = self.statements(("end",))
            break
        self.expect("end")
        self.expect("if")
        self.expect_op(";")
        return A.If(line, branches, orelse)

    def case_stmt(self, line: int) -> A.Case:
        self.expect("case")
        subject = None if self.at("when") else self.sql_until(("when",), ())
        whens = []
        while self.take("when"):
            cond = self.sql_until(("then",), ())
            self.expect("then")
            whens.append((cond, self.statements(("when", "else", "end"))))
        if not whens:
            raise self.error()
        orelse = self.statements(("end",)) if self.take("else") else None
        self.expect("end")
        self.expect("case")
        self.expect_op(";")
        return A.Case(line, subject, whens, orelse)

    def raise_stmt(self, line: int) -> A.Raise:
        self.expect("raise")
        if self.take_op(";"):
            return A.Raise(line, reraise=True)
        level = "EXCEPTION"
        if self.at(*_LEVELS):
            level = self.peek().value.upper()  # type: ignore[union-attr]
            self.i += 1
        r = A.Raise(line, level)
        t = self.peek()
        if t is not None and t.kind == "string":
            self.i += 1
            r.message = t.value
            while self.take_op(","):
                r.params.append(self.sql_until(("using",), (",", ";")))
            wanted = t.value.replace("%%", "").count("%")
            if wanted != len(r.params):
                raise BodySyntaxError("42601", "too few parameters specified for RAISE" if wanted > len(r.params)
                                      else "too many parameters specified for RAISE",
                                      position=self.offset + t.start + 1 if self.offset else None)
        elif self.take("sqlstate"):
            t = self.peek()
            if t is None or t.kind != "string":
                raise self.error()
            self.i += 1
            r.condition = "sqlstate:" + t.value
        elif t is not None and t.kind in ("ident", "qident") and not self.at("using"):
            r.condition = self.name()
        if self.take("using"):
            while True:
                opt = self.name().lower()
                if opt not in ("message", "detail", "hint", "errcode", "column", "constraint", "datatype", "table",
                               "schema"):
                    raise self.error()
                if not self.take_op("="):
                    self.expect_op(":=")
                r.options.append((opt, self.sql_until((), (",", ";"))))
                if not self.take_op(","):
                    break
        self.expect_op(";")
        return r

    def get_diagnostics(self, line: int) -> A.GetDiagnostics:
        self.expect("get")
        stacked = self.take("stacked")
        if not stacked:
            self.take("current")
        self.expect("diagnostics")
        g = A.GetDiagnostics(line, stacked)
        while True:
            var = self.dotted_name()
            if not self.take_op("="):
                self.expect_op(":=")
            item = self.name().lower()
            if item not in _DIAG_ITEMS:
                raise self.error(self.toks[self.i - 1])
            g.items.append((var, item))
            if not self.take_op(","):
                break
        self.expect_op(";")
        return g

    def execute_stmt(self, line: int) -> A.Dynamic:
        self.expect("execute")
        cmd = self.sql_until(("into", "using"))
        d = A.Dynamic(line, cmd)
        for _ in range(2):
            if self.take("into"):
                d.strict = self.take("strict")
                d.into = self.targets()
            if self.at("using"):
                d.using = self.using()
        self.expect_op(";")
        return d

    def sql_stmt(self, line: int, first: str) -> A.ExecSql:
        """A SQL statement; its INTO [STRICT] targets (not INSERT's INTO) taken out of the text."""
        start_tok = self.i
        depth = 0
        into_at: tuple[int, int] | None = None
        into: list[str] | None = None
        strict = False
        j = self.i
        while True:
            t = self.toks[j] if j < len(self.toks) else None
            if t is None:
                raise self.error()
            if t.kind == "op" and t.value == ";" and depth == 0:
                break
            if t.kind == "op" and t.value in ("(", "["):
                depth += 1
            elif t.kind == "op" and t.value in (")", "]"):
                depth -= 1
            elif (depth == 0 and t.is_word("into") and into is None and
                  not (j > 0 and self.toks[j - 1].is_word("insert", "merge"))):
                self.i = j + 1
                strict = self.take("strict")
                into = self.targets()
                into_at = (t.start, self.toks[self.i - 1].end)
                j = self.i
                continue
            j += 1
        end_tok = j
        s = self.toks[start_tok].start
        e = self.toks[end_tok - 1].end
        text = self.text[s:e]
        if into_at is not None:
            text = self.text[s:into_at[0]] + " " + self.text[into_at[1]:e]
        self.i = end_tok + 1
        return A.ExecSql(line, A.SqlText(text, line, s), first.upper(), into, strict)

    def assignment(self, line: int) -> A.Assign:
        first = self.peek()
        target = self.dotted_name().split(".")
        if len(target) == 1 and any(target[0] in c for c in self.constants):
            raise BodySyntaxError("22005", f'variable "{target[0]}" is declared CONSTANT',
                                  position=self.offset + first.start + 1 if self.offset and first else None)
        index: list[A.SqlText] = []
        while self.take_op("["):
            index.append(self.sql_until((), ("]",)))
            self.expect_op("]")
        if not self.take_op(":=") and not self.take_op("="):
            raise self.error()
        expr = self.sql_until(())
        self.expect_op(";")
        return A.Assign(line, target, index, expr)


def parse_plpgsql(text: str, offset: int = 0) -> A.Block:
    return Parser(text, offset).parse_body()


_EXPRESSION_FIELDS = ("expr", "cond", "low", "high", "step", "array", "subject", "default", "message")


def check_sql(block: A.Block, offset: int) -> None:
    """The syntax of the SQL in a body, as CREATE checks it (PostgreSQL parses each expression and
    query when it validates a function): expressions as SELECT <expr>, and queries."""
    from orbitdb.sql.parse.parser import parse_one

    def check(text: A.SqlText, prefix: str) -> None:
        try:
            parse_one(prefix + text.text)
        except SqlError as e:
            if e.sqlstate != "42601":
                return
            pos = None
            if e.position is not None and offset:
                pos = offset + text.start + max(0, e.position - 1 - len(prefix)) + 1
            elif offset:  # at the end of the expression
                pos = offset + text.start + len(text.text) + 1
            raise BodySyntaxError("42601", e.message, position=pos, detail=f"PL/pgSQL body line {text.line}") \
                from None

    def walk(node: object) -> None:
        if isinstance(node, list):
            for x in node:
                walk(x)
            return
        if isinstance(node, tuple):
            for x in node:
                walk(x)
            return
        if isinstance(node, A.Decl):
            if node.default is not None:
                check(node.default, "SELECT ")
            return
        if not isinstance(node, (A.Stmt, A.Handler)):
            return
        for name in _EXPRESSION_FIELDS:
            v = getattr(node, name, None)
            if isinstance(v, A.SqlText) and not (isinstance(node, A.Raise)):
                check(v, "SELECT ")
        if isinstance(node, A.If) or isinstance(node, A.Case) and node.subject is None:
            for cond, _ in node.branches if isinstance(node, A.If) else node.whens:
                check(cond, "SELECT ")
        if isinstance(node, A.Perform) and node.query is not None:
            check(node.query, "")
        if isinstance(node, A.ForQuery) and not node.dynamic and node.query is not None:
            check(node.query, "")
        if isinstance(node, A.ReturnQuery) and not node.dynamic and node.query is not None:
            check(node.query, "")
        if isinstance(node, A.ExecSql) and node.kind in ("SELECT", "WITH") and node.sql is not None:
            check(node.sql, "")
        if isinstance(node, A.Raise):
            for p in node.params:
                check(p, "SELECT ")
        for name in ("body", "orelse", "decls", "handlers", "branches", "whens"):
            walk(getattr(node, name, None) or [])

    walk(block)


def check_returns(block: A.Block, kind: str, returns_set: bool, out_params: bool, void: bool) -> None:
    """The RETURN forms PostgreSQL rejects when it compiles a function, for its result type."""

    def fail(code: str, message: str) -> None:
        raise BodySyntaxError(code, message)

    def walk(node: object) -> None:
        if isinstance(node, (list, tuple)):
            for x in node:
                walk(x)
            return
        if isinstance(node, A.Return):
            if node.expr is not None:
                if kind == "p":
                    fail("42601", "RETURN cannot have a parameter in a procedure")
                if returns_set:
                    fail("42804", "RETURN cannot have a parameter in function returning set")
                if out_params:
                    fail("42804", "RETURN cannot have a parameter in function with OUT parameters")
                if void:
                    fail("42804", "RETURN cannot have a parameter in function returning void")
            elif kind == "f" and not (returns_set or out_params or void):
                fail("42601", 'missing expression at or near ";"')
        elif isinstance(node, A.ReturnNext):
            if not returns_set:
                fail("42804", "cannot use RETURN NEXT in a non-SETOF function")
            if node.expr is not None and out_params:
                fail("42804", "RETURN NEXT cannot have a parameter in function with OUT parameters")
        elif isinstance(node, A.ReturnQuery) and not returns_set:
            fail("42804", "cannot use RETURN QUERY in a non-SETOF function")
        if isinstance(node, (A.Stmt, A.Handler)):
            for name in ("body", "orelse", "handlers"):
                walk(getattr(node, name, None) or [])
            if isinstance(node, A.If):
                for _, body in node.branches:
                    walk(body)
            if isinstance(node, A.Case):
                for _, body in node.whens:
                    walk(body)

    walk(block)
