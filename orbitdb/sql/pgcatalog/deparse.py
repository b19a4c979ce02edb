"""Expressions, constraints, indexes and views printed as PostgreSQL 15 prints
them (pg_get_expr, pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef).

orbitdb keeps defaults, check constraints and view queries as SQL text. To print
them as PostgreSQL's ruleutils.c does, the text is parsed (sqlglot), typed the
way PostgreSQL's parser types it (literals, operator resolution with implicit
casts, functions) and printed with ruleutils' rules: constants labelled with
their type unless the type is implied, implicit casts shown except at the top,
parentheses around every operator (or, in pretty mode, only where precedence
needs them), CASE on indented lines, view queries on PostgreSQL's lines.

What cannot be typed (unknown functions, subqueries) is printed from sqlglot's
own SQL; the result is then still valid SQL, only not character for character
what PostgreSQL prints."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr import funcregistry as R
from orbitdb.sql.expr.core import E, ident
from orbitdb.sql.expr.funccall import AGGREGATES, _ensure_library, normalize, resolve
from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import pgdata
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.textio import from_text, to_text

# what printing may run into on text it cannot type or parse: it then falls back to plainer output
FALLBACK_ERRORS = (SqlError, sqlglot.errors.SqlglotError, ValueError, TypeError, KeyError, IndexError,
                   AttributeError, ArithmeticError, RecursionError)

PRETTYINDENT_STD = 8
PRETTYINDENT_JOIN = 4
PRETTYINDENT_VAR = 4

_KEYWORDS = {w for w, _ in pgdata.KEYWORDS}
_SIMPLE_IDENT = re.compile(r"[a-z_][a-z0-9_$]*\Z")


def quote_identifier(name: str) -> str:
    """PostgreSQL's quote_identifier: quotes unless lower-case, simple and not a keyword."""
    if _SIMPLE_IDENT.match(name) and name not in _KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def format_type(t: SqlType | None, typmod_given: bool = True) -> str:
    """format_type(oid, typmod): with typmod_given, an unconstrained bpchar is "bpchar"."""
    if t is None:
        return "???"
    if t.elem is not None:
        return format_type(t.elem, typmod_given) + "[]"
    if t.oid == T.BPCHAR.oid and t.typmod < 0 and typmod_given:
        return "bpchar"
    return t.display()


# ---------------------------------------------------------------- typed nodes


# (schema written or None, function name) -> (the name as ruleutils prints it, its result type if known)
FunctionLabel = Callable[[str | None, str], tuple[str, SqlType | None]]


@dataclass
class N:
    type: SqlType


@dataclass
class Var(N):
    name: str
    rel: str | None = None  # printed as rel.name when set


@dataclass
class Const(N):
    text: str | None  # output-function text; None is NULL


@dataclass
class Op(N):
    name: str
    left: N | None
    right: N


@dataclass
class Func(N):
    name: str
    args: list[N]
    fmt: str = "call"  # call, keyword (CURRENT_DATE), sqlfunc (COALESCE(...)), agg, window
    star: bool = False
    distinct: bool = False
    over: str | None = None


@dataclass
class Coerce(N):
    arg: N
    implicit: bool
    method: str = "f"  # f function (FuncExpr), b binary (RelabelType), i I/O (CoerceViaIO)


@dataclass
class BoolE(N):
    op: str  # AND, OR, NOT
    args: list[N]


@dataclass
class NullTest(N):
    arg: N
    isnull: bool


@dataclass
class BoolTest(N):
    arg: N
    what: str  # "IS TRUE", "IS NOT FALSE", ...


@dataclass
class ArrayOp(N):
    op: str
    left: N
    right: N
    use_or: bool


@dataclass
class ArrayN(N):
    elems: list[N]


@dataclass
class CaseN(N):
    arg: N | None
    whens: list[tuple[N, N]]
    default: N


@dataclass
class Raw(N):
    text: str




# ---------------------------------------------------------------- typing


def _implicit_cast(src: int, dst: int) -> str | None:
    """The method of an implicit cast from src to dst, or None."""
    if src == dst:
        return "b"
    c = B.CASTS.get((src, dst))
    if c is not None and c[0] == "i":
        return c[1]
    return None


def _preferred(oid: int) -> bool:
    r = B.TYPE_BY_OID.get(oid)
    return bool(r and r["typispreferred"])


def _category(oid: int) -> str:
    r = B.TYPE_BY_OID.get(oid)
    return str(r["typcategory"]) if r else "U"


def resolve_operator(name: str, left: int | None, right: int) -> tuple[int | None, int, int] | None:
    """(left type, right type, result type) of the operator PostgreSQL picks for name(left, right);
    705 (unknown) marks an untyped literal."""
    unknown = T.UNKNOWN.oid
    if left is None:
        for _oid, lt, rt, res in B.OPERATORS_BY_NAME.get(name, []):
            if lt == 0 and rt == right:
                return None, rt, res
        return None, right, right
    hit = B.OPERATORS.get((name, left, right))
    if hit is not None:
        return left, right, hit[1]
    if left == unknown and right != unknown:
        hit = B.OPERATORS.get((name, right, right))
        if hit is not None:
            return right, right, hit[1]
    if right == unknown and left != unknown:
        hit = B.OPERATORS.get((name, left, left))
        if hit is not None:
            return left, left, hit[1]
    if left == unknown and right == unknown:
        hit = B.OPERATORS.get((name, T.TEXT.oid, T.TEXT.oid))
        if hit is not None:
            return T.TEXT.oid, T.TEXT.oid, hit[1]
    cands = []
    for _oid, lt, rt, res in B.OPERATORS_BY_NAME.get(name, []):
        if lt == 0:
            continue
        ok = all(a == unknown or _implicit_cast(a, p) is not None for a, p in ((left, lt), (right, rt)))
        if ok:
            cands.append((lt, rt, res))
    if not cands:
        return None
    if len(cands) > 1:
        def exact(c: tuple[int, int, int]) -> int:
            return (c[0] == left) + (c[1] == right)

        best = max(exact(c) for c in cands)
        cands = [c for c in cands if exact(c) == best]
    if len(cands) > 1:
        def pref(c: tuple[int, int, int]) -> int:
            return sum(1 for a, p in ((left, c[0]), (right, c[1])) if a != p and _preferred(p))

        best = max(pref(c) for c in cands)
        cands = [c for c in cands if pref(c) == best]
    if len(cands) > 1 and unknown in (left, right):
        strs = [c for c in cands if all(_category(p) == "S" for a, p in ((left, c[0]), (right, c[1])) if a == unknown)]
        if strs:
            cands = strs
    return cands[0]


class Typer:
    """Builds typed nodes from sqlglot expressions.

    rels maps a range-table name to its columns (name -> type); with qualify set,
    column references print as rel.column (view queries)."""

    def __init__(self, rels: dict[str, dict[str, SqlType]], qualify: bool = False,
                 relname_of: Callable[[str], str | None] | None = None,
                 regclass_name: Callable[[str], str] | None = None, tz: Any = None,
                 function_name: FunctionLabel | None = None,
                 subquery: Callable[[exp.Expression], tuple[str, SqlType]] | None = None) -> None:
        self.subquery = subquery  # a sub-SELECT printed as a view query is (its text, its first column's type)
        self.rel_alias: dict[str, str] = {}  # a relation as written -> as printed (renamed in a sub-SELECT)
        self.rels = rels
        self.qualify = qualify
        self.relname_of = relname_of
        self.regclass_name = regclass_name
        self.function_name = function_name  # (schema given, name) -> how the call names it, its type
        self.tz = tz
        self.targets: list[tuple[N, str]] = []  # select list, for ORDER BY/GROUP BY references

    # -- constants --
    def canonical(self, text: str, t: SqlType) -> str:
        """The constant's text after its type's input and output functions."""
        if t.oid == T.REGCLASS.oid and self.regclass_name is not None:
            return self.regclass_name(text)
        if t.oid in (T.TEXT.oid, T.VARCHAR.oid, T.NAME.oid, T.UNKNOWN.oid) or t.oid in (T.REGTYPE.oid,):
            return text
        try:
            if t.oid in (T.TIMESTAMPTZ.oid, T.TIMETZ.oid):
                v = from_text(text, t.oid, self.tz)
                return to_text(v, t.oid, self.tz)
            v = from_text(text, t.oid)
            if t.oid == T.BPCHAR.oid and t.typmod >= 4:
                v = str(v).ljust(t.typmod - 4)
            return to_text(v, t.oid)
        except FALLBACK_ERRORS:
            return text

    def retype(self, c: Const, t: SqlType) -> Const:
        if c.text is None:
            return Const(t, None)
        return Const(t, self.canonical(c.text, t))

    def coerce(self, n: N, t: SqlType, implicit: bool = True) -> N:
        """n converted to t as the parser converts it (unknown literals take the type)."""
        if isinstance(n, Const) and n.type.oid == T.UNKNOWN.oid:
            c = self.retype(n, T.strip(t))
            return Coerce(t, c, implicit, "f") if t.typmod >= 0 else c
        if n.type.oid == t.oid and (t.typmod < 0 or n.type.typmod == t.typmod) and n.type.elem == t.elem:
            return n
        if n.type.oid == T.UNKNOWN.oid:
            return Coerce(t, n, implicit, "i")
        method = "f"
        c = B.CASTS.get((n.type.oid, t.oid))
        if c is not None:
            method = c[1]
        elif n.type.elem is not None and t.elem is not None:
            method = "b"
        return Coerce(t, n, implicit, method)

    # -- entry --
    def expr(self, node: exp.Expression) -> N:
        fn = getattr(self, "_" + type(node).__name__, None)
        if fn is not None:
            return fn(node)  # type: ignore[no-any-return]
        if isinstance(node, exp.Binary) and type(node) in _BINOPS:
            return self.binop(_BINOPS[type(node)], node.this, node.expression)
        if isinstance(node, (exp.JSONExtract, exp.JSONExtractScalar)) and _json_step(node) is not None:
            # doc -> 'key' / doc ->> 0: PostgreSQL's operators, not functions
            op = "->>" if isinstance(node, exp.JSONExtractScalar) else "->"
            return self.binop(op, node.this, _json_step(node))  # type: ignore[arg-type]
        if isinstance(node, (exp.Func, exp.Anonymous)):
            return self.func(node)
        return Raw(T.TEXT, node.sql(dialect="postgres"))

    def _Paren(self, node: exp.Paren) -> N:
        return self.expr(node.this)

    def _Alias(self, node: exp.Alias) -> N:
        return self.expr(node.this)

    def _Column(self, node: exp.Column) -> N:
        name = ident(node.this) if isinstance(node.this, exp.Identifier) else node.name
        rel = ident(node.args["table"]) if node.args.get("table") else None
        if rel is None and not self.qualify and name in ("user", "current_role") and not any(
                name in cols for cols in self.rels.values()):
            return Func(T.NAME, "CURRENT_USER" if name == "user" else "CURRENT_ROLE", [], "keyword")
        if rel is not None and rel in self.rels:
            t = self.rels[rel].get(name, T.TEXT)
            return Var(t, name, self.rel_alias.get(rel, rel) if self.qualify else None)
        if rel is not None and self.qualify:
            return Var(T.TEXT, name, rel)  # a relation this typer does not know: as written
        for r, cols in self.rels.items():
            if name in cols:
                return Var(cols[name], name, self.rel_alias.get(r, r) if self.qualify else None)
        for e, alias in self.targets:  # an output column named in GROUP BY / ORDER BY
            if alias == name:
                return e
        return Var(T.TEXT, name, rel if self.qualify else None)

    def _Literal(self, node: exp.Literal) -> N:
        text = node.this if isinstance(node.this, str) else str(node.this)
        if node.is_string:
            return Const(T.UNKNOWN, text)
        return self.number(text)

    def number(self, text: str) -> Const:
        if re.fullmatch(r"-?\d+", text):
            v = int(text)
            if -2147483648 <= v <= 2147483647:
                return Const(T.INT4, str(v))
            if -9223372036854775808 <= v <= 9223372036854775807:
                return Const(T.INT8, str(v))
            return Const(T.NUMERIC, str(v))
        return Const(T.NUMERIC, self.canonical(text, T.NUMERIC))

    def _Boolean(self, node: exp.Boolean) -> N:
        return Const(T.BOOL, "true" if node.this else "false")

    def _Null(self, node: exp.Null) -> N:
        return Const(T.UNKNOWN, None)

    def _Neg(self, node: exp.Neg) -> N:
        inner = node.this
        if isinstance(inner, exp.Literal) and not inner.is_string:
            text = inner.this if isinstance(inner.this, str) else str(inner.this)
            return self.number("-" + text)
        arg = self.expr(inner)
        r = resolve_operator("-", None, arg.type.oid)
        t = T.BY_OID.get(r[2], arg.type) if r else arg.type
        return Op(t, "-", None, arg)

    def _Cast(self, node: exp.Cast) -> N:
        target = self.datatype(node.args["to"])
        arg = node.this
        if isinstance(arg, exp.Array) and not arg.expressions and target.elem is not None:
            return ArrayN(target, [])
        inner = self.expr(arg)
        if isinstance(inner, Const) and inner.type.oid == T.UNKNOWN.oid:
            return self.retype(inner, target)
        return Coerce(target, inner, False, self.coerce_method(inner.type, target))

    _TryCast = _Cast

    def coerce_method(self, src: SqlType, dst: SqlType) -> str:
        c = B.CASTS.get((src.oid, dst.oid))
        if c is not None:
            return c[1]
        if src.oid == dst.oid:
            return "f"  # a length coercion
        return "i"

    def datatype(self, dt: exp.Expression) -> SqlType:
        try:
            if isinstance(dt, exp.DataType):
                return T.from_datatype(dt)
            return T.parse_type_name(dt.sql(dialect="postgres"))
        except FALLBACK_ERRORS:
            return T.TEXT

    def _Interval(self, node: exp.Interval) -> N:
        text = node.this.name if node.this is not None else ""
        unit = node.args.get("unit")
        if unit is not None:
            text = f"{text} {unit.name.lower()}"
        return Const(T.INTERVAL, self.canonical(text, T.INTERVAL))

    def _Is(self, node: exp.Is) -> N:
        arg = self.expr(node.this)
        neg = bool(node.args.get("negate"))
        other = node.expression
        if isinstance(other, exp.Null):
            return NullTest(T.BOOL, arg, not neg)
        if isinstance(other, exp.Boolean):
            what = ("IS NOT " if neg else "IS ") + ("TRUE" if other.this else "FALSE")
            return BoolTest(T.BOOL, self.coerce(arg, T.BOOL), what)
        return Raw(T.BOOL, node.sql(dialect="postgres"))

    def _Not(self, node: exp.Not) -> N:
        inner = node.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        negated = {exp.Like: "!~~", exp.ILike: "!~~*", exp.RegexpLike: "!~", exp.RegexpILike: "!~*",
                   exp.SimilarTo: "!~"}
        if type(inner) in negated and not isinstance(inner, exp.SimilarTo):
            return self.binop(negated[type(inner)], inner.this, inner.expression)
        if isinstance(inner, exp.In):
            return self.in_list(inner, negate=True)
        if isinstance(inner, exp.Between):
            return self.between(inner, negate=True)
        if isinstance(inner, exp.Is):
            flipped = inner.copy()
            flipped.set("negate", not inner.args.get("negate"))
            return self._Is(flipped)
        return BoolE(T.BOOL, "NOT", [self.coerce(self.expr(inner), T.BOOL)])

    def _And(self, node: exp.And) -> N:
        return self.boolop("AND", node, exp.And)

    def _Or(self, node: exp.Or) -> N:
        return self.boolop("OR", node, exp.Or)

    def boolop(self, op: str, node: exp.Expression, cls: type) -> N:
        items: list[exp.Expression] = []

        def flatten(n: exp.Expression) -> None:
            if isinstance(n, cls):
                flatten(n.this)
                flatten(n.expression)
            else:
                items.append(n)

        flatten(node)
        return BoolE(T.BOOL, op, [self.coerce(self.expr(i), T.BOOL) for i in items])

    def binop(self, name: str, left_node: exp.Expression | None, right_node: exp.Expression) -> N:
        left = self.expr(left_node) if left_node is not None else None
        if isinstance(right_node, (exp.Any, exp.All)) or (
                isinstance(right_node, exp.Anonymous) and right_node.name.lower() in ("any", "all", "some")):
            assert left is not None
            use_or = not (isinstance(right_node, exp.All) or (
                isinstance(right_node, exp.Anonymous) and right_node.name.lower() == "all"))
            inner = right_node.this if not isinstance(right_node, exp.Anonymous) else right_node.expressions[0]
            return self.array_op(name, left, self.expr(inner), use_or)
        right = self.expr(right_node)
        return self.make_op(name, left, right)

    def make_op(self, name: str, left: N | None, right: N) -> N:
        r = resolve_operator(name, left.type.oid if left is not None else None, right.type.oid)
        if r is None:
            res = T.BOOL if name in ("=", "<>", "<", ">", "<=", ">=", "~~", "~~*", "!~~", "!~~*", "~", "!~") \
                else (left.type if left is not None and left.type.oid != T.UNKNOWN.oid else right.type)
            if left is not None and left.type.oid == T.UNKNOWN.oid:
                left = self.coerce(left, right.type if right.type.oid != T.UNKNOWN.oid else T.TEXT)
            if right.type.oid == T.UNKNOWN.oid:
                right = self.coerce(right, left.type if left is not None and left.type.oid != T.UNKNOWN.oid
                                    else T.TEXT)
            return Op(res, name, left, right)
        lt, rt, res = r
        if left is not None and lt is not None:
            left = self.coerce(left, T.BY_OID.get(lt, left.type))
        right = self.coerce(right, T.BY_OID.get(rt, right.type))
        return Op(T.BY_OID.get(res, T.BOOL), name, left, right)

    def array_op(self, name: str, left: N, arr: N, use_or: bool) -> N:
        elem = arr.type.elem
        if elem is None:
            if isinstance(arr, Const) and arr.type.oid == T.UNKNOWN.oid:
                lt = left.type if left.type.oid != T.UNKNOWN.oid else T.TEXT
                arr = self.retype(arr, T.array_of(lt))
                elem = lt
            else:
                return Op(T.BOOL, name, left, arr)
        r = resolve_operator(name, left.type.oid, elem.oid)
        if r is not None and r[0] is not None:
            left = self.coerce(left, T.BY_OID.get(r[0], left.type))
            et = T.BY_OID.get(r[1], elem)
            if et.oid != elem.oid:
                arr = self.coerce(arr, T.array_of(et))
        return ArrayOp(T.BOOL, name, left, arr, use_or)

    def _Subquery(self, node: exp.Subquery) -> N:
        if self.subquery is None:
            return Raw(T.TEXT, node.sql(dialect="postgres"))
        text, typ = self.subquery(node.this)
        return Raw(typ, "(" + text + ")")

    def _Exists(self, node: exp.Exists) -> N:
        if self.subquery is None:
            return Raw(T.BOOL, node.sql(dialect="postgres"))
        return Raw(T.BOOL, "(EXISTS (" + self.subquery(node.this)[0] + "))")

    def _In(self, node: exp.In) -> N:
        return self.in_list(node, negate=False)

    def in_list(self, node: exp.In, negate: bool) -> N:
        query = node.args.get("query")
        if query is not None and self.subquery is not None:
            left = print_expr(self.expr(node.this), False)
            inner = query.this if isinstance(query, exp.Subquery) else query
            text = f"({left} IN ({self.subquery(inner)[0]}))"
            return Raw(T.BOOL, f"(NOT {text})" if negate else text)
        if query is not None or not node.expressions:
            text = node.sql(dialect="postgres")
            return Raw(T.BOOL, ("NOT " + text) if negate else text)
        left = self.expr(node.this)
        items = [self.expr(e) for e in node.expressions]
        try:
            common = T.common_type([left.type] + [i.type for i in items], "IN")
        except FALLBACK_ERRORS:
            common = left.type
        if common.oid == T.UNKNOWN.oid:
            common = T.TEXT
        common = T.strip(common)
        op = "<>" if negate else "="
        if len(items) == 1:
            return self.make_op(op, left, items[0])
        elems = [self.coerce(i, common) for i in items]
        arr = ArrayN(T.array_of(common), elems)
        left = self.coerce(left, common) if left.type.oid == T.UNKNOWN.oid else left
        return self.array_op(op, left, arr, use_or=not negate)

    def _Between(self, node: exp.Between) -> N:
        return self.between(node, negate=False)

    def between(self, node: exp.Between, negate: bool) -> N:
        a = node.this
        if negate:
            return BoolE(T.BOOL, "OR", [self.binop("<", a, node.args["low"]), self.binop(">", a, node.args["high"])])
        return BoolE(T.BOOL, "AND", [self.binop(">=", a, node.args["low"]), self.binop("<=", a, node.args["high"])])

    def _Like(self, node: exp.Like) -> N:
        return self.binop("~~", node.this, node.expression)

    def _ILike(self, node: exp.ILike) -> N:
        return self.binop("~~*", node.this, node.expression)

    def _RegexpLike(self, node: exp.RegexpLike) -> N:
        return self.binop("~", node.this, node.expression)

    def _RegexpILike(self, node: exp.RegexpILike) -> N:
        return self.binop("~*", node.this, node.expression)

    def _Array(self, node: exp.Array) -> N:
        items = [self.expr(e) for e in node.expressions]
        try:
            common = T.common_type([i.type for i in items], "ARRAY") if items else T.TEXT
        except FALLBACK_ERRORS:
            common = T.TEXT
        common = T.strip(common)
        return ArrayN(T.array_of(common), [self.coerce(i, common) for i in items])

    def _Case(self, node: exp.Case) -> N:
        arg = self.expr(node.this) if node.this is not None else None
        whens = []
        for w in node.args.get("ifs") or []:
            cond = self.expr(w.this)
            whens.append((cond, self.expr(w.args["true"])))
        default = self.expr(node.args["default"]) if node.args.get("default") is not None else Const(T.UNKNOWN, None)
        try:
            rt = T.common_type([v.type for _, v in whens] + [default.type], "CASE")
        except FALLBACK_ERRORS:
            rt = T.TEXT
        if rt.oid == T.UNKNOWN.oid:
            rt = T.TEXT
        whens = [(c if arg is not None else self.coerce(c, T.BOOL), self.coerce(v, rt)) for c, v in whens]
        return CaseN(rt, arg, whens, self.coerce(default, rt))

    def _Coalesce(self, node: exp.Coalesce) -> N:
        return self.sqlfunc("COALESCE", [node.this] + list(node.expressions))

    def _Greatest(self, node: exp.Greatest) -> N:
        return self.sqlfunc("GREATEST", [node.this] + list(node.expressions))

    def _Least(self, node: exp.Least) -> N:
        return self.sqlfunc("LEAST", [node.this] + list(node.expressions))

    def _Nullif(self, node: exp.Nullif) -> N:
        a, b = self.expr(node.this), self.expr(node.expression)
        t = a.type if a.type.oid != T.UNKNOWN.oid else b.type
        return Func(t, "NULLIF", [self.coerce(a, t), self.coerce(b, t)], "sqlfunc")

    def sqlfunc(self, name: str, nodes: list[exp.Expression]) -> N:
        args = [self.expr(n) for n in nodes]
        try:
            t = T.common_type([a.type for a in args], name)
        except FALLBACK_ERRORS:
            t = args[0].type
        if t.oid == T.UNKNOWN.oid:
            t = T.TEXT
        return Func(t, name, [self.coerce(a, t) for a in args], "sqlfunc")

    # SQL-standard value functions: printed as keywords
    def _CurrentTimestamp(self, node: exp.Expression) -> N:
        return self.keyword("CURRENT_TIMESTAMP", T.TIMESTAMPTZ, node)

    def _CurrentDate(self, node: exp.Expression) -> N:
        return self.keyword("CURRENT_DATE", T.DATE, node)

    def _CurrentTime(self, node: exp.Expression) -> N:
        return self.keyword("CURRENT_TIME", T.TIMETZ, node)

    def _Localtimestamp(self, node: exp.Expression) -> N:
        return self.keyword("LOCALTIMESTAMP", T.TIMESTAMP, node)

    def _Localtime(self, node: exp.Expression) -> N:
        return self.keyword("LOCALTIME", T.TIME, node)

    def _CurrentUser(self, node: exp.Expression) -> N:
        return self.keyword("CURRENT_USER", T.NAME, node)

    def _SessionUser(self, node: exp.Expression) -> N:
        return self.keyword("SESSION_USER", T.NAME, node)

    def _CurrentSchema(self, node: exp.Expression) -> N:
        return self.keyword("CURRENT_SCHEMA", T.NAME, node)

    def _CurrentCatalog(self, node: exp.Expression) -> N:
        return self.keyword("CURRENT_CATALOG", T.NAME, node)

    def keyword(self, word: str, t: SqlType, node: exp.Expression) -> N:
        prec = node.this if isinstance(node.this, exp.Literal) else None
        if prec is not None:
            word = f"{word}({prec.name})"
        return Func(t, word, [], "keyword")

    def _Dot(self, node: exp.Dot) -> N:
        inner = node.expression
        if isinstance(inner, (exp.Anonymous, exp.Func)):
            found = self.expr(inner)
            if isinstance(found, Func) and found.fmt == "call" and isinstance(node.this, exp.Identifier) \
                    and self.function_name is not None:
                found.name, result = self.function_name(ident(node.this), found.name)
                found.type = result or found.type
            return found
        return Raw(T.TEXT, node.sql(dialect="postgres"))

    def _Window(self, node: exp.Window) -> N:
        f = self.expr(node.this)
        parts = []
        if node.args.get("partition_by"):
            parts.append("PARTITION BY " + ", ".join(print_expr(self.expr(p), False) for p in node.args["partition_by"]))
        order = node.args.get("order")
        if order is not None:
            parts.append("ORDER BY " + ", ".join(self.sort_item(o) for o in order.expressions))
        if isinstance(f, Func):
            f.fmt = "window"
            f.over = " ".join(parts)
            return f
        return Raw(f.type, node.sql(dialect="postgres"))

    def sort_item(self, o: exp.Expression) -> str:
        inner = o.this if isinstance(o, exp.Ordered) else o
        text = print_expr(self.expr(inner), False)
        if isinstance(o, exp.Ordered):
            desc = bool(o.args.get("desc"))
            if desc:
                text += " DESC"
            nf = o.args.get("nulls_first")
            if nf is not None and bool(nf) != desc:
                text += " NULLS FIRST" if nf else " NULLS LAST"
        return text

    def func(self, node: exp.Expression) -> N:
        try:
            name, arg_nodes, extra = normalize(node)
        except FALLBACK_ERRORS:
            return Raw(T.TEXT, node.sql(dialect="postgres"))
        if isinstance(node, exp.Uuid):
            name = "gen_random_uuid"
        if extra.get("star") or (name == "count" and not arg_nodes):
            return Func(T.INT8, "count", [], "agg", star=True)
        args = [self.expr(a) for a in arg_nodes]
        ret, targets = _function_types(name, [a.type for a in args])
        args = [self.coerce(a, t) if t is not None else a for a, t in zip(args, targets)]
        fmt = "agg" if name in AGGREGATES else "call"
        if fmt == "agg":
            ret = _aggregate_type(name, [a.type for a in args]) or ret
        if fmt == "call" and self.function_name is not None and not isinstance(node.parent, exp.Dot):
            name, result = self.function_name(None, name)
            ret = result or ret
        return Func(ret, name, args, fmt, distinct=bool(extra.get("distinct")))


def _json_step(node: exp.Expression) -> exp.Expression | None:
    """The key or index of a one-step JSON path (`doc -> 'k'`, `doc ->> 0`), as a literal."""
    path = node.expression
    if not isinstance(path, exp.JSONPath):
        return path if isinstance(path, exp.Literal) else None
    steps = [p for p in path.expressions if not isinstance(p, exp.JSONPathRoot)]
    if len(steps) != 1:
        return None
    step = steps[0]
    if isinstance(step, exp.JSONPathKey) and isinstance(step.this, str):
        return exp.Literal.string(step.this)
    if isinstance(step, exp.JSONPathSubscript) and isinstance(step.this, int):
        return exp.Literal.number(step.this)
    return None


_BINOPS: dict[type, str] = {
    exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<=", exp.Add: "+",
    exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.Pow: "^", exp.DPipe: "||",
    exp.BitwiseAnd: "&", exp.BitwiseOr: "|", exp.BitwiseXor: "#", exp.BitwiseLeftShift: "<<",
    exp.BitwiseRightShift: ">>", exp.ArrayContains: "@>", exp.ArrayContainsAll: "@>",
}

# argument and result types of functions commonly used in defaults and checks (PostgreSQL's)
_FUNCTION_TYPES: dict[str, tuple[list[SqlType], SqlType]] = {
    "now": ([], T.TIMESTAMPTZ), "gen_random_uuid": ([], T.UUID), "nextval": ([T.REGCLASS], T.INT8),
    "currval": ([T.REGCLASS], T.INT8), "length": ([T.TEXT], T.INT4), "char_length": ([T.TEXT], T.INT4),
    "lower": ([T.TEXT], T.TEXT), "upper": ([T.TEXT], T.TEXT), "btrim": ([T.TEXT], T.TEXT),
    "clock_timestamp": ([], T.TIMESTAMPTZ), "statement_timestamp": ([], T.TIMESTAMPTZ),
    "transaction_timestamp": ([], T.TIMESTAMPTZ), "random": ([], T.FLOAT8), "timeofday": ([], T.TEXT),
    "md5": ([T.TEXT], T.TEXT), "octet_length": ([T.TEXT], T.INT4), "trim": ([T.TEXT], T.TEXT),
}


def _aggregate_type(name: str, arg_types: list[SqlType]) -> SqlType | None:
    """The result type of the common aggregates (PostgreSQL's pg_aggregate), None when unsure."""
    if name == "count":
        return T.INT8
    if not arg_types:
        return None
    arg = T.strip(arg_types[0])
    if name in ("min", "max"):
        return arg
    if name == "sum":
        return {T.INT2.oid: T.INT8, T.INT4.oid: T.INT8, T.INT8.oid: T.NUMERIC, T.NUMERIC.oid: T.NUMERIC,
                T.FLOAT4.oid: T.FLOAT4, T.FLOAT8.oid: T.FLOAT8}.get(arg.oid)
    if name == "avg":
        return {T.INT2.oid: T.NUMERIC, T.INT4.oid: T.NUMERIC, T.INT8.oid: T.NUMERIC, T.NUMERIC.oid: T.NUMERIC,
                T.FLOAT4.oid: T.FLOAT8, T.FLOAT8.oid: T.FLOAT8}.get(arg.oid)
    if name in ("bool_and", "bool_or", "every"):
        return T.BOOL
    if name == "string_agg":
        return T.TEXT
    return None


def _function_types(name: str, arg_types: list[SqlType]) -> tuple[SqlType, list[SqlType | None]]:
    """(result type, type each argument is coerced to) of a call, as the function registry resolves it."""
    known = _FUNCTION_TYPES.get(name)
    if known is not None and len(known[0]) == len(arg_types):
        return known[1], list(known[0])
    try:
        _ensure_library()
        fd = R.FUNCTIONS.get(name)
        if fd is not None:
            ov, coerced, ret = resolve(fd, [E(lambda row: None, t) for t in arg_types])
            if ov is not None:
                return ret, [c.type for c in coerced]
    except FALLBACK_ERRORS:
        pass
    return T.TEXT, [T.TEXT if t.oid == T.UNKNOWN.oid else None for t in arg_types]


# ---------------------------------------------------------------- printing


class Printer:
    """ruleutils.c's get_rule_expr: pretty adds PRETTYFLAG_PAREN (indentation is always on)."""

    def __init__(self, pretty: bool, indent: int = 0) -> None:
        self.pretty = pretty
        self.buf: list[str] = []
        self.indent = indent

    def text(self) -> str:
        return "".join(self.buf)

    def w(self, s: str) -> None:
        self.buf.append(s)

    def keyword(self, s: str, before: int, after: int, plus: int) -> None:
        """appendContextKeyword: a new line, indented."""
        self.indent += before
        self.remove_spaces()
        self.buf.append("\n" + " " * (max(self.indent, 0) + plus) + s)
        self.indent = max(0, self.indent + after)

    def remove_spaces(self) -> None:
        while self.buf:
            last = self.buf[-1]
            stripped = last.rstrip(" ")
            if stripped:
                self.buf[-1] = stripped
                return
            self.buf.pop()

    # -- expressions --
    def expr(self, n: N, showimplicit: bool) -> None:
        if isinstance(n, Var):
            self.w((quote_identifier(n.rel) + "." if n.rel else "") + quote_identifier(n.name))
        elif isinstance(n, Const):
            self.const(n, 0)
        elif isinstance(n, Op):
            if not self.pretty:
                self.w("(")
            if n.left is None:
                self.w(n.name + " ")
                self.paren(n.right, True, n)
            else:
                self.paren(n.left, True, n)
                self.w(f" {n.name} ")
                self.paren(n.right, True, n)
            if not self.pretty:
                self.w(")")
        elif isinstance(n, Coerce):
            if n.implicit and not showimplicit:
                self.paren(n.arg, False, n)
            else:
                self.coercion(n)
        elif isinstance(n, BoolE):
            if n.op == "NOT":
                if not self.pretty:
                    self.w("(")
                self.w("NOT ")
                self.paren(n.args[0], False, n)
                if not self.pretty:
                    self.w(")")
            else:
                if not self.pretty:
                    self.w("(")
                for i, a in enumerate(n.args):
                    if i:
                        self.w(f" {n.op} ")
                    self.paren(a, False, n)
                if not self.pretty:
                    self.w(")")
        elif isinstance(n, NullTest):
            if not self.pretty:
                self.w("(")
            self.paren(n.arg, True, n)
            self.w(" IS NULL" if n.isnull else " IS NOT NULL")
            if not self.pretty:
                self.w(")")
        elif isinstance(n, BoolTest):
            if not self.pretty:
                self.w("(")
            self.paren(n.arg, False, n)
            self.w(" " + n.what)
            if not self.pretty:
                self.w(")")
        elif isinstance(n, ArrayOp):
            if not self.pretty:
                self.w("(")
            self.paren(n.left, True, n)
            self.w(f" {n.op} {'ANY' if n.use_or else 'ALL'} (")
            self.paren(n.right, True, n)
            self.w(")")
            if not self.pretty:
                self.w(")")
        elif isinstance(n, ArrayN):
            self.w("ARRAY[")
            for i, e in enumerate(n.elems):
                if i:
                    self.w(", ")
                self.expr(e, True)
            self.w("]")
        elif isinstance(n, CaseN):
            self.case(n)
        elif isinstance(n, Func):
            self.func(n)
        elif isinstance(n, Raw):
            self.w(n.text)

    def func(self, n: Func) -> None:
        if n.fmt == "keyword":
            self.w(n.name)
            return
        # a function named by a keyword is quoted, as PostgreSQL's ruleutils prints it ("left"(...))
        self.w((quote_identifier(n.name) if n.name in _KEYWORDS else n.name) + "(")  # a qualified name is never one
        if n.star:
            self.w("*")
        elif n.distinct:
            self.w("DISTINCT ")
        for i, a in enumerate(n.args):
            if i:
                self.w(", ")
            self.expr(a, True)
        self.w(")")
        if n.fmt == "window":
            self.w(f" OVER ({n.over or ''})")

    def case(self, n: CaseN) -> None:
        self.keyword("CASE", 0, PRETTYINDENT_VAR, 0)
        if n.arg is not None:
            self.w(" ")
            self.expr(n.arg, True)
        for cond, val in n.whens:
            self.keyword("WHEN ", 0, 0, 0)
            self.expr(cond, False)
            self.w(" THEN ")
            self.expr(val, True)
        self.keyword("ELSE ", 0, 0, 0)
        self.expr(n.default, True)
        self.keyword("END", -PRETTYINDENT_VAR, 0, 0)

    def coercion(self, n: Coerce) -> None:
        arg = n.arg
        if isinstance(arg, Const) and arg.type.oid == n.type.oid and arg.type.typmod < 0:
            self.const(arg, -1)
        else:
            if not self.pretty:
                self.w("(")
            self.paren(arg, False, n)
            if not self.pretty:
                self.w(")")
        self.w("::" + format_type(n.type))

    def const(self, c: Const, showtype: int) -> None:
        t = c.type
        if c.text is None:
            self.w("NULL")
            if showtype >= 0 and t.oid != T.UNKNOWN.oid:
                self.w("::" + format_type(t))
            return
        text = c.text
        needlabel = False
        if t.oid == T.INT4.oid and t.elem is None:
            if not text.startswith("-"):
                self.w(text)
            else:
                self.w(quote_literal(text))
                needlabel = True
        elif t.oid == T.NUMERIC.oid and t.elem is None:
            if text[:1].isdigit() and any(ch in text for ch in "eE."):
                self.w(text)
            else:
                self.w(quote_literal(text))
                needlabel = True
        elif t.oid == T.BOOL.oid and t.elem is None:
            self.w("true" if text in ("t", "true") else "false")
        else:
            self.w(quote_literal(text))
        if showtype < 0:
            return
        if t.elem is None and t.oid in (T.BOOL.oid, T.UNKNOWN.oid):
            needlabel = False
        elif t.elem is None and t.oid == T.INT4.oid:
            pass
        elif t.elem is None and t.oid == T.NUMERIC.oid:
            needlabel = needlabel or t.typmod >= 0
        else:
            needlabel = True
        if needlabel or showtype > 0:
            self.w("::" + format_type(t))

    def paren(self, n: N, showimplicit: bool, parent: N) -> None:
        need = self.pretty and not is_simple(n, parent, self.pretty)
        if need:
            self.w("(")
        self.expr(n, showimplicit)
        if need:
            self.w(")")


def _binop_class(op: str) -> int:
    if op in ("+", "-"):
        return 1
    if op in ("*", "/", "%"):
        return 2
    return 0


def _is_cast_parent(parent: N) -> bool:
    return isinstance(parent, Coerce)


def is_simple(n: N, parent: N, pretty: bool) -> bool:
    """ruleutils.c's isSimpleNode."""
    if isinstance(n, (Var, Const, ArrayN, CaseN)):
        return True
    if isinstance(n, Func):
        return True
    if isinstance(n, Coerce):
        if n.method == "f":
            return True
        return is_simple(n.arg, n, pretty)
    if isinstance(n, Op):
        if pretty and isinstance(parent, Op) and n.left is not None and parent.left is not None:
            mine, theirs = _binop_class(n.name), _binop_class(parent.name)
            if not mine or not theirs:
                return False
            if mine == 2 and theirs == 1:
                return True
            if mine == 1 and theirs == 2:
                return False
            return parent.left is n
        return _simple_under(parent)
    if isinstance(n, (NullTest, BoolTest, Raw)):
        return _simple_under(parent)
    if isinstance(n, BoolE):
        if isinstance(parent, BoolE):
            if pretty:
                if n.op in ("NOT", "AND") and parent.op in ("AND", "OR"):
                    return True
                if n.op == "OR" and parent.op == "OR":
                    return True
            return False
        return _simple_under(parent)
    return False


def _simple_under(parent: N) -> bool:
    if isinstance(parent, Coerce):
        return False
    if isinstance(parent, Func):
        return parent.fmt != "keyword"
    return isinstance(parent, (BoolE, ArrayN, CaseN))


def print_expr(n: N, pretty: bool, showimplicit: bool = False, indent: int = 0) -> str:
    p = Printer(pretty, indent)
    p.expr(n, showimplicit)
    return p.text()


# ---------------------------------------------------------------- parsing stored text

_NOW = re.compile(r"(?i)(?<![\w.])(?:pg_catalog\s*\.\s*)?now\s*\(\s*\)")


def _protect_now(sql: str) -> str:
    """sqlglot reads now() as CURRENT_TIMESTAMP; PostgreSQL prints them differently."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(p if i % 2 else _NOW.sub("pg_catalog.now()", p) for i, p in enumerate(parts))


def parse_expression(sql: str) -> exp.Expression:
    tree = sqlglot.parse_one("SELECT " + _protect_now(sql), read="postgres")
    assert isinstance(tree, exp.Select)
    return tree.expressions[0]


def table_columns(columns: list[tuple[str, str]]) -> dict[str, SqlType]:
    out = {}
    for name, typ in columns:
        try:
            out[name] = T.parse_type_name(typ)
        except FALLBACK_ERRORS:
            out[name] = T.TEXT
    return out


def deparse_expr(sql: str, columns: dict[str, SqlType], pretty: bool, target: SqlType | None = None,
                 regclass_name: Callable[[str], str] | None = None, tz: Any = None,
                 function_name: FunctionLabel | None = None) -> str:
    """pg_get_expr of a stored expression over one relation's columns; target is the type it
    is assigned to (a column default: the hidden top-level cast)."""
    try:
        typer = Typer({"": columns}, regclass_name=regclass_name, tz=tz, function_name=function_name)
        node = typer.expr(parse_expression(sql))
        if target is not None and node.type.oid != T.UNKNOWN.oid or target is not None:
            node = typer.coerce(node, target)
        return print_expr(node, pretty)
    except FALLBACK_ERRORS:
        return sql


def referenced_columns(sql: str) -> list[str]:
    """Column names an expression refers to (pg_constraint.conkey of a check)."""
    try:
        names: list[str] = []
        for col in parse_expression(sql).find_all(exp.Column):
            n = ident(col.this) if isinstance(col.this, exp.Identifier) else col.name
            if n not in names:
                names.append(n)
        return names
    except FALLBACK_ERRORS:
        return []


# ---------------------------------------------------------------- views


@dataclass
class ViewContext:
    """What deparsing a view needs from the catalog."""

    table_columns: Callable[[str | None, str], list[tuple[str, SqlType]] | None]  # (schema, name) -> columns
    relation_label: Callable[[str | None, str], str]  # how the FROM item's relation is named
    regclass_name: Callable[[str], str] | None = None
    tz: Any = None
    out_names: list[str] = field(default_factory=list)
    function_name: FunctionLabel | None = None  # a user function as the call names it, and its type


def deparse_view(sql: str, vc: ViewContext, pretty: bool) -> str:
    """pg_get_viewdef: the view's query on PostgreSQL's lines, ending with ';'."""
    try:
        tree = sqlglot.parse_one(_protect_now(sql), read="postgres")
        p = Printer(pretty)
        _query(p, tree, vc, top=True)
        return p.text() + ";"
    except FALLBACK_ERRORS:
        try:
            body = sqlglot.transpile(sql, read="postgres", write="postgres", pretty=True)[0]
        except FALLBACK_ERRORS:
            body = sql
        return " " + body + ";"


@dataclass
class Outer:
    """The relations of the queries around a sub-SELECT: it may name their columns, and its own
    relations are printed under names none of them has."""

    rels: dict[str, dict[str, SqlType]] = field(default_factory=dict)  # as written -> columns
    alias: dict[str, str] = field(default_factory=dict)  # as written -> as printed, when renamed

    def printed(self) -> set[str]:
        return {self.alias.get(r, r) for r in self.rels}


def _query(p: Printer, node: exp.Expression, vc: ViewContext, top: bool, outer: Outer | None = None) -> list[SqlType]:
    """Prints a query; returns the types of its output columns."""
    if isinstance(node, exp.Subquery):
        node = node.this
    if isinstance(node, (exp.Union, exp.Intersect, exp.Except)):
        word = {exp.Union: "UNION", exp.Intersect: "INTERSECT", exp.Except: "EXCEPT"}[type(node)]
        if not node.args.get("distinct"):
            word += " ALL"
        types = _query(p, node.this, vc, top, outer)
        p.remove_spaces()
        p.w("\n" + word + "\n")
        _query(p, node.expression, vc, False, outer)
        return types
    if not isinstance(node, exp.Select):
        raise TypeError("not a SELECT")
    return _select(p, node, vc, top, outer or Outer())


def _from_items(node: exp.Select) -> list[exp.Expression]:
    items: list[exp.Expression] = []
    frm = node.args.get("from_") or node.args.get("from")
    if frm is not None:
        items.append(frm.this)
        items.extend(frm.expressions or [])
    return items


def _select(p: Printer, node: exp.Select, vc: ViewContext, top: bool, outer: Outer) -> list[SqlType]:
    rels: dict[str, dict[str, SqlType]] = {}
    order_cols: dict[str, list[str]] = {}
    labels: dict[int, str] = {}
    alias_of: dict[str, str] = {}
    taken = outer.printed()

    def add_rel(t: exp.Expression) -> None:
        if isinstance(t, exp.Table):
            name = ident(t.this)
            schema = ident(t.args["db"]) if t.args.get("db") else None
            cols = vc.table_columns(schema, name)
            if cols is None:
                raise ValueError(f"unknown relation {name}")
            alias = t.args.get("alias")
            ref = ident(alias.this) if alias is not None and alias.this is not None else name
            rels[ref] = dict(cols)
            order_cols[ref] = [c for c, _ in cols]
            label = vc.relation_label(schema, name)
            # ruleutils' set_rtable_names: a name an enclosing query uses gets a suffix
            shown, n = ref, 0
            while shown in taken:
                n += 1
                shown = f"{ref}_{n}"
            if shown != ref:
                alias_of[ref] = shown
            if (alias is not None and alias.this is not None) or shown != ref:
                label += " " + quote_identifier(shown)
            taken.add(shown)
            labels[id(t)] = label
        else:
            raise TypeError("unsupported FROM item")

    items = _from_items(node)
    for it in items:
        add_rel(it)
    joins = node.args.get("joins") or []
    for j in joins:
        add_rel(j.this)
    def subquery(q: exp.Expression) -> tuple[str, SqlType]:
        # ruleutils prints a sub-SELECT as a query of its own, indented under the expression
        sub = Printer(p.pretty, p.indent)
        inner = Outer({**rels, **{r: cols for r, cols in outer.rels.items() if r not in rels}},
                      {**{r: a for r, a in outer.alias.items() if r not in rels}, **alias_of})
        types = _query(sub, q, vc, False, inner)
        return sub.text(), types[0] if types else T.TEXT

    visible = {**rels, **{r: cols for r, cols in outer.rels.items() if r not in rels}}  # the nearest wins
    typer = Typer(visible, qualify=True, regclass_name=vc.regclass_name, tz=vc.tz, function_name=vc.function_name,
                  subquery=subquery)
    typer.rel_alias = {**{r: a for r, a in outer.alias.items() if r not in rels}, **alias_of}

    p.indent += PRETTYINDENT_STD
    p.w(" SELECT")
    distinct = node.args.get("distinct")
    if distinct is not None:
        on = distinct.args.get("on")
        if on is not None:
            exprs = on.expressions if isinstance(on, exp.Tuple) else [on]
            p.w(" DISTINCT ON (" + ", ".join(print_expr(typer.expr(e), p.pretty) for e in exprs) + ")")
        else:
            p.w(" DISTINCT")
    # targets
    targets: list[tuple[N, str, str | None]] = []  # node, output name, attname when a plain column
    for e in node.expressions:
        alias = None
        inner = e
        if isinstance(e, exp.Alias):
            alias = ident(e.args["alias"]) if isinstance(e.args.get("alias"), exp.Identifier) else e.alias
            inner = e.this
        if isinstance(inner, exp.Star) or (isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star)):
            which = [ident(inner.args["table"])] if isinstance(inner, exp.Column) and inner.args.get("table") \
                else list(rels)
            for r in which:
                for c in order_cols[r]:
                    targets.append((Var(rels[r][c], c, alias_of.get(r, r)), c, c))
            continue
        n = typer.expr(inner)
        if isinstance(n, Var):
            targets.append((n, alias or n.name, n.name))
        else:
            targets.append((n, alias or _default_name(inner), None))
    if vc.out_names and top:
        targets = [(n, vc.out_names[i] if i < len(vc.out_names) else name, att)
                   for i, (n, name, att) in enumerate(targets)]
    typer.targets = [(n, name) for n, name, _ in targets]
    sep = " "
    for i, (n, name, att) in enumerate(targets):
        p.w(sep)
        sep = ", "
        sub = Printer(p.pretty, p.indent)
        sub.expr(n, True)
        text = sub.text()
        if (att is None and name != "?column?") or (att is not None and att != name):
            text += " AS " + quote_identifier(name)  # unless the name is the one it would get anyway
        if text.startswith("\n"):
            p.remove_spaces()  # the field starts its own line (a CASE)
        elif i > 0:
            p.keyword("", -PRETTYINDENT_STD, PRETTYINDENT_STD, PRETTYINDENT_VAR)
        p.w(text)
    # FROM
    if items:
        p.keyword(" FROM ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 2)
        for i, it in enumerate(items):
            if i:
                p.w(", ")
            if i == 0 and joins:
                _joins(p, it, joins, labels, typer)
            else:
                p.w(labels[id(it)])
    where = node.args.get("where")
    if where is not None:
        p.keyword(" WHERE ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 1)
        p.expr(typer.coerce(typer.expr(where.this), T.BOOL), False)
    group = node.args.get("group")
    if group is not None:
        p.keyword(" GROUP BY ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 1)
        p.w(", ".join(_sortgroup(typer, g, targets, p.pretty) for g in group.expressions))
    having = node.args.get("having")
    if having is not None:
        p.keyword(" HAVING ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 0)
        p.expr(typer.coerce(typer.expr(having.this), T.BOOL), False)
    order = node.args.get("order")
    if order is not None:
        p.keyword(" ORDER BY ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 1)
        parts = []
        for o in order.expressions:
            inner = o.this if isinstance(o, exp.Ordered) else o
            text = _sortgroup(typer, inner, targets, p.pretty)
            if isinstance(o, exp.Ordered):
                desc = bool(o.args.get("desc"))
                if desc:
                    text += " DESC"
                nf = o.args.get("nulls_first")
                if nf is not None and bool(nf) != desc:
                    text += " NULLS FIRST" if nf else " NULLS LAST"
            parts.append(text)
        p.w(", ".join(parts))
    offset = node.args.get("offset")
    limit = node.args.get("limit")
    if offset is not None:
        p.keyword(" OFFSET ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 0)
        p.expr(typer.expr(offset.expression), False)
    if limit is not None:
        p.keyword(" LIMIT ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 0)
        p.expr(typer.expr(limit.expression), False)
    p.indent -= PRETTYINDENT_STD
    return [n.type for n, _, _ in targets]


def _joins(p: Printer, first: exp.Expression, joins: list[exp.Join], labels: dict[int, str], typer: Typer) -> None:
    if not p.pretty:
        p.w("(" * len(joins))
    p.w(labels[id(first)])
    for j in joins:
        side = (j.args.get("side") or "").upper()
        kind = (j.args.get("kind") or "").upper()
        on = j.args.get("on")
        using = j.args.get("using")
        if side:
            word = f" {side} JOIN "
        elif kind == "CROSS" or (on is None and not using):
            word = " CROSS JOIN "
        else:
            word = " JOIN "
        p.keyword(word, -PRETTYINDENT_STD, PRETTYINDENT_STD, PRETTYINDENT_JOIN)
        p.w(labels[id(j.this)])
        if using:
            p.w(" USING (" + ", ".join(quote_identifier(ident(u) if isinstance(u, exp.Identifier) else u.name)
                                       for u in using) + ")")
        elif on is not None:
            p.w(" ON ")
            if not p.pretty:
                p.w("(")
            p.expr(typer.coerce(typer.expr(on), T.BOOL), False)
            if not p.pretty:
                p.w(")")
        elif side:
            p.w(" ON TRUE")
        if not p.pretty:
            p.w(")")


def _sortgroup(typer: Typer, node: exp.Expression, targets: list[tuple[N, str, str | None]], pretty: bool) -> str:
    """get_rule_sortgroupclause: an ordinal or output name stands for its target expression."""
    n: N | None = None
    if isinstance(node, exp.Literal) and not node.is_string and str(node.this).isdigit():
        idx = int(str(node.this)) - 1
        if 0 <= idx < len(targets):
            n = targets[idx][0]
    elif isinstance(node, exp.Column) and not node.args.get("table"):
        name = ident(node.this)
        in_rels = any(name in cols for cols in typer.rels.values())
        if not in_rels:
            for t, out, _ in targets:
                if out == name:
                    n = t
                    break
    if n is None:
        n = typer.expr(node)
    if isinstance(n, Const):
        p = Printer(pretty)
        p.const(n, 1)
        return p.text()
    if isinstance(n, Var):
        return print_expr(n, pretty, True)
    need = pretty or isinstance(n, Func)
    text = print_expr(n, pretty, True)
    return f"({text})" if need else text


def _default_name(node: exp.Expression) -> str:
    """The output column name PostgreSQL gives an unaliased expression."""
    if isinstance(node, exp.Cast):
        inner = node.this
        if isinstance(inner, exp.Literal):
            dt = node.args["to"]
            try:
                t = T.from_datatype(dt) if isinstance(dt, exp.DataType) else T.TEXT
                return t.short or "?column?"
            except FALLBACK_ERRORS:
                return "?column?"
        return _default_name(inner)
    if isinstance(node, exp.Column):
        return node.name
    if isinstance(node, (exp.Func, exp.Anonymous)):
        try:
            kw = {exp.CurrentTimestamp: "current_timestamp", exp.CurrentDate: "current_date",
                  exp.Coalesce: "coalesce", exp.Greatest: "greatest", exp.Least: "least", exp.Nullif: "nullif"}
            if type(node) in kw:
                return kw[type(node)]
            return normalize(node)[0]
        except FALLBACK_ERRORS:
            return "?column?"
    if isinstance(node, exp.Dot) and isinstance(node.expression, (exp.Func, exp.Anonymous)):
        return _default_name(node.expression)
    if isinstance(node, exp.Case):
        return "case"
    return "?column?"
