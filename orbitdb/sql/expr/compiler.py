"""The expression compiler: sqlglot expression trees -> typed Python closures.

A compiled expression is an ``E``: ``fn(row)`` computes the value for a row of
the current query level; ``type`` is its PostgreSQL type. Constants keep their
value so that unknown-typed literals can take their type from context, as in
PostgreSQL ('2024-01-01' compared with a date is a date)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import EXPLICIT, IMPLICIT, cast_error, find_cast

if TYPE_CHECKING:
    from orbitdb.sql.expr.aggregates import AggCollector
    from orbitdb.sql.expr.window import WindowCollector
    from orbitdb.sql.plan.planner import Planner
    from orbitdb.sql.plan.scope import Scope

Row = Any
Fn = Callable[[Row], Any]


class Runtime:
    """Holder of the running statement's context; compiled closures read it so a
    plan compiled once can run many times."""

    __slots__ = ("ctx", "param_count", "param_types")

    def __init__(self, param_types: list[SqlType] | None = None, param_count: int | None = None) -> None:
        self.ctx: Any = None
        self.param_types: list[SqlType] = param_types or []
        self.param_count = param_count  # parameters the statement has, when fixed (a simple query: 0)


MAX_PARAMETERS = 65535  # a Bind message counts its parameters in 16 bits


class ParamRef:
    """Marks a compiled parameter whose type is still open: the first context
    that needs a type decides it (as PostgreSQL infers parameter types)."""

    __slots__ = ("index", "rt")

    def __init__(self, index: int, rt: Runtime) -> None:
        self.index = index
        self.rt = rt


class E:
    __slots__ = ("columns", "const", "fn", "name", "src", "type", "value")

    def __init__(self, fn: Fn, type_: SqlType, const: bool = False, value: Any = None, name: str = "?column?") -> None:
        self.fn = fn
        self.type = type_
        self.const = const
        self.value = value
        self.name = name
        self.columns: list[tuple[str, SqlType]] | None = None  # set-returning functions with several columns
        self.src: int | None = None  # a plain reference to this input column (lets ORDER BY use scan order)


def const(value: Any, t: SqlType, name: str = "?column?") -> E:
    return E(lambda row: value, t, True, value, name)


def _lit_number(text: str) -> E:
    if re.fullmatch(r"\d+", text):
        v = int(text)
        if v <= 2147483647:
            return const(v, T.INT4)
        if v <= 9223372036854775807:
            return const(v, T.INT8)
        return const(Decimal(v), T.NUMERIC)
    try:
        d = Decimal(text)
        exponent = d.as_tuple().exponent
        if isinstance(exponent, int) and exponent > 0:
            d = d.quantize(Decimal(1))  # 1e3 is 1000, with scale 0
        return const(d, T.NUMERIC)
    except (ArithmeticError, ValueError):
        raise SqlError("42601", f'syntax error at or near "{text}"') from None


def type_error_operator(op: str, a: SqlType, b: SqlType | None) -> SqlError:
    desc = f"{a.display()} {op} {b.display()}" if b is not None else f"{op} {a.display()}"
    return SqlError(
        "42883",
        f"operator does not exist: {desc}",
        hint="No operator matches the given name and argument types. You might need to add explicit type casts.",
    )


def coerce(e: E, target: SqlType, ctx: int = IMPLICIT, what: str | None = None) -> E:
    """e converted to target (unknown literals take the type; others need a cast
    allowed in ctx)."""
    src = e.type
    if src == target or (src.oid == target.oid and target.typmod == -1 and src.elem is None):
        return e
    if src.oid == T.UNKNOWN.oid and isinstance(e.value, ParamRef):
        ref = e.value
        types = ref.rt.param_types
        if types[ref.index].oid == T.UNKNOWN.oid:
            types[ref.index] = T.strip(target) if target.oid not in (T.UNKNOWN.oid,) else target
        inferred = types[ref.index]
        e = E(e.fn, inferred, name=e.name)
        if inferred == target:
            return e
        src = inferred
    if src.oid == T.UNKNOWN.oid and e.const:
        if e.value is None:
            return const(None, target, e.name)
        conv = find_cast(T.UNKNOWN, T.strip(target), EXPLICIT)
        assert conv is not None
        v = conv(e.value)
        if target.typmod >= 0:
            # the literal takes the type; its modifier applies as the context says
            from orbitdb.sql.types.casts import typmod_fn

            mod = typmod_fn(target, ctx == EXPLICIT)
            if mod is not None:
                v = mod(v)
        return const(v, target, e.name)
    conv = find_cast(src, target, ctx if src.oid != T.UNKNOWN.oid else EXPLICIT)
    if conv is None:
        if what is not None:
            raise SqlError(
                "42804",
                f"{what} is of type {target.display()} but expression is of type {src.display()}",
                hint="You will need to rewrite or cast the expression.",
            )
        raise cast_error(src, target)
    fn = e.fn

    def run(row: Row) -> Any:
        v = fn(row)
        return None if v is None else conv(v)

    if e.const:
        v = e.value
        return const(None if v is None else conv(v), target, e.name)
    return E(run, target, name=e.name)


def value_cast(src: SqlType, target: SqlType, ctx: int = IMPLICIT) -> Callable[[Any], Any] | None:
    """What coerce() applies to each non-NULL value of a non-constant expression of type src
    (a parameter once its type is known): None when values are taken as they are."""
    if src == target or (src.oid == target.oid and target.typmod == -1 and src.elem is None):
        return None
    conv = find_cast(src, target, ctx if src.oid != T.UNKNOWN.oid else EXPLICIT)
    if conv is None:
        raise cast_error(src, target)
    return conv  # type: ignore[no-any-return]


def unify(a: E, b: E, context: str = "operator") -> tuple[E, E, SqlType]:
    """Brings two operands to a common type for comparison/arithmetic."""
    ta, tb = a.type, b.type
    if ta.oid == T.UNKNOWN.oid and tb.oid == T.UNKNOWN.oid:
        return coerce(a, T.TEXT), coerce(b, T.TEXT), T.TEXT
    if ta.oid == T.UNKNOWN.oid:
        t = T.strip(tb)
        return coerce(a, t), b, t
    if tb.oid == T.UNKNOWN.oid:
        t = T.strip(ta)
        return a, coerce(b, t), t
    if T.strip(ta) == T.strip(tb):
        return a, b, T.strip(ta)
    if T.is_numeric(ta) and T.is_numeric(tb):
        t = T.numeric_result(ta, tb)
        return coerce(a, t), coerce(b, t), t
    if T.is_string(ta) and T.is_string(tb):
        return coerce(a, T.TEXT), coerce(b, T.TEXT), T.TEXT
    if find_cast(tb, ta, IMPLICIT) is not None and find_cast(ta, tb, IMPLICIT) is None:
        return a, coerce(b, ta), T.strip(ta)
    if find_cast(ta, tb, IMPLICIT) is not None:
        return coerce(a, tb), b, T.strip(tb)
    raise SqlError("42804", f"{context} types {ta.display()} and {tb.display()} cannot be matched")


def strict1(f: Callable[[Any], Any], a: Fn) -> Fn:
    def run(row: Row) -> Any:
        v = a(row)
        return None if v is None else f(v)

    return run


def strict2(f: Callable[[Any, Any], Any], a: Fn, b: Fn) -> Fn:
    def run(row: Row) -> Any:
        x = a(row)
        if x is None:
            return None
        y = b(row)
        if y is None:
            return None
        return f(x, y)

    return run


def fold(e: E) -> E:
    """Evaluates an expression over constants once, at compile time."""
    return e


class Compiler:
    """Compiles expressions in one scope. ``agg`` collects aggregate calls when
    compiling the output of a grouped query; ``win`` collects window calls."""

    def __init__(
        self,
        planner: Planner,
        scope: Scope,
        rt: Runtime,
        agg: AggCollector | None = None,
        win: WindowCollector | None = None,
        where: str = "",
    ) -> None:
        self.planner = planner
        self.scope = scope
        self.rt = rt
        self.agg = agg
        self.win = win
        self.where = where  # for "aggregate functions are not allowed in WHERE"

    def child(self, *, agg: AggCollector | None = None, win: WindowCollector | None = None) -> Compiler:
        return Compiler(self.planner, self.scope, self.rt, agg, win, self.where)

    def compile(self, node: exp.Expression) -> E:
        if self.agg is not None:
            hit = self.agg.match_group(self, node)
            if hit is not None:
                return hit
        for cls in type(node).__mro__:
            h = _HANDLERS.get(cls)  # type: ignore[arg-type]
            if h is not None:
                e: E = h(self, node)
                return e
        if isinstance(node, exp.Func):
            from orbitdb.sql.expr.funccall import compile_function

            return compile_function(self, node)
        raise SqlError("0A000", f"unsupported expression: {node.sql(dialect='postgres')[:80]}")

    def compile_bool(self, node: exp.Expression, clause: str) -> E:
        e = self.compile(node)
        if e.type.oid == T.UNKNOWN.oid:
            return coerce(e, T.BOOL)
        if e.type.oid != T.BOOL.oid:
            raise SqlError("42804", f"argument of {clause} must be type boolean, not type {e.type.display()}")
        return e

    # -- leaves --
    def _paren(self, node: exp.Paren) -> E:
        return self.compile(node.this)

    def _literal(self, node: exp.Literal) -> E:
        if node.is_string:
            return const(node.this, T.UNKNOWN)
        return _lit_number(str(node.this))

    def _bytestring(self, node: exp.Expression) -> E:
        return const(node.this, T.UNKNOWN)

    def _null(self, node: exp.Null) -> E:
        return const(None, T.UNKNOWN)

    def _boolean(self, node: exp.Boolean) -> E:
        return const(bool(node.this), T.BOOL, "bool")

    def _column(self, node: exp.Column) -> E:
        if isinstance(node.this, exp.Star):
            raise SqlError("0A000", "row expansion via \"*\" is not supported here")
        name = ident(node.this)
        rel = ident(node.args["table"]) if node.table else None
        hit = self.scope.resolve(name, rel)
        if hit is None:
            special = _KEYWORD_COLUMNS.get(name) if rel is None else None
            if special is not None:
                from orbitdb.sql.expr.funccall import call_by_name

                return call_by_name(self, special, [], node)
            if rel is not None and not self.scope.has_rel(rel):
                raise SqlError("42P01", f'missing FROM-clause entry for table "{rel}"')
            if rel is not None:
                raise SqlError("42703", f"column {rel}.{name} does not exist")
            raise SqlError("42703", f'column "{name}" does not exist')
        level, idx, t = hit
        if self.agg is not None and level == self.scope.level:
            return self.agg.column_ref(self, node, idx, t, name)
        if level == self.scope.level:
            e = E(_getter(idx), t, name=name)
            e.src = idx
            return e
        rt = self.rt
        lvl = level

        def outer(row: Row) -> Any:
            return rt.ctx.outer[lvl][idx]

        return E(outer, t, name=name)

    def _parameter(self, node: exp.Expression) -> E:
        if isinstance(node, exp.Parameter):
            n = int(node.this.name if isinstance(node.this, exp.Expression) else node.this)
        else:
            raise SqlError("42601", "syntax error at or near \"%\"")
        types = self.rt.param_types
        count = self.rt.param_count
        if n < 1 or count is not None and n > count:
            raise SqlError("42P02", f"there is no parameter ${n}")
        if n > MAX_PARAMETERS:  # compile_statement answers first, naming the parameter PostgreSQL names
            raise SqlError("42P18", f"could not determine data type of parameter ${len(types) + 1}")
        if n > len(types):
            types.extend([T.UNKNOWN] * (n - len(types)))
        t = types[n - 1]
        rt = self.rt
        i = n - 1
        ref = ParamRef(i, rt) if t.oid == T.UNKNOWN.oid else None
        return E(lambda row: rt.ctx.params[i], t, value=ref, name="?column?")

    # -- logic --
    def _and(self, node: exp.And) -> E:
        a = self.compile_bool(node.this, "AND").fn
        b = self.compile_bool(node.expression, "AND").fn

        def run(row: Row) -> Any:
            x = a(row)
            if x is False:
                return False
            y = b(row)
            if y is False:
                return False
            if x is None or y is None:
                return None
            return True

        return E(run, T.BOOL)

    def _or(self, node: exp.Or) -> E:
        a = self.compile_bool(node.this, "OR").fn
        b = self.compile_bool(node.expression, "OR").fn

        def run(row: Row) -> Any:
            x = a(row)
            if x is True:
                return True
            y = b(row)
            if y is True:
                return True
            if x is None or y is None:
                return None
            return False

        return E(run, T.BOOL)

    def _not(self, node: exp.Not) -> E:
        a = self.compile_bool(node.this, "NOT").fn

        def run(row: Row) -> Any:
            v = a(row)
            return None if v is None else not v

        return E(run, T.BOOL)

    # -- comparison --
    def _cmp(self, node: exp.Expression) -> E:
        from orbitdb.sql.expr.operators import compile_comparison

        return compile_comparison(self, node)

    def _arith(self, node: exp.Expression) -> E:
        from orbitdb.sql.expr.operators import compile_arithmetic

        return compile_arithmetic(self, node)

    def _neg(self, node: exp.Neg) -> E:
        from orbitdb.sql.expr.operators import compile_negate

        return compile_negate(self, node)

    def _is(self, node: exp.Is) -> E:
        a = self.compile(node.this)
        target = node.expression
        negate = bool(node.args.get("negate"))
        f = a.fn
        if isinstance(target, exp.Null):
            if negate:
                return E(lambda row: f(row) is not None, T.BOOL)
            return E(lambda row: f(row) is None, T.BOOL)
        if isinstance(target, exp.Boolean):
            a = coerce(a, T.BOOL) if a.type.oid == T.UNKNOWN.oid else a
            if a.type.oid != T.BOOL.oid:
                raise SqlError("42804", f"argument of IS {'TRUE' if target.this else 'FALSE'} must be type boolean, "
                               f"not type {a.type.display()}")
            f = a.fn
            want = bool(target.this)
            if negate:
                return E(lambda row: f(row) is not want, T.BOOL)
            return E(lambda row: f(row) is want, T.BOOL)
        raise SqlError("0A000", f"unsupported IS test: {node.sql(dialect='postgres')}")

    def _between(self, node: exp.Between) -> E:
        from orbitdb.sql.expr.operators import compare_fn

        x = self.compile(node.this)
        lo = self.compile(node.args["low"])
        hi = self.compile(node.args["high"])
        x1, lo1, _ = unify(x, lo)
        x2, hi1, _ = unify(x, hi)
        ge = compare_fn(x1, lo1, ">=")
        le = compare_fn(x2, hi1, "<=")
        symmetric = bool(node.args.get("symmetric"))

        def run(row: Row) -> Any:
            a = ge(row)
            if a is False:
                return False
            b = le(row)
            if b is False:
                return False
            if a is None or b is None:
                return None
            return True

        if symmetric:
            ge2 = compare_fn(x2, hi1, ">=")
            le2 = compare_fn(x1, lo1, "<=")

            def run_sym(row: Row) -> Any:
                r = run(row)
                if r:
                    return r
                a, b = ge2(row), le2(row)
                if a and b:
                    return True
                return r if r is None or a is None or b is None else False

            return E(run_sym, T.BOOL)
        return E(run, T.BOOL)

    def _in(self, node: exp.In) -> E:
        from orbitdb.sql.expr.operators import compile_in

        return compile_in(self, node)

    def _case(self, node: exp.Case) -> E:
        from orbitdb.sql.expr.operators import compile_case

        return compile_case(self, node)

    def _coalesce(self, node: exp.Coalesce) -> E:
        args = [self.compile(node.this)] + [self.compile(x) for x in node.expressions]
        t = T.common_type([a.type for a in args], "COALESCE")
        fns = [coerce(a, t).fn for a in args]

        def run(row: Row) -> Any:
            for f in fns:
                v = f(row)
                if v is not None:
                    return v
            return None

        return E(run, t, name="coalesce")

    def _nullif(self, node: exp.Nullif) -> E:
        from orbitdb.sql.expr.operators import compare_fn

        a = self.compile(node.this)
        b = self.compile(node.expression)
        a2, b2, _ = unify(a, b)
        eq = compare_fn(a2, b2, "=")
        fa = a.fn
        t = a.type if a.type.oid != T.UNKNOWN.oid else T.TEXT
        fa = coerce(a, t).fn

        def run(row: Row) -> Any:
            return None if eq(row) else fa(row)

        return E(run, t, name="nullif")

    def _greatest_least(self, node: exp.Expression) -> E:
        from orbitdb.sql.expr.operators import sort_key_fn

        args = [self.compile(node.this)] + [self.compile(x) for x in node.expressions]
        name = "greatest" if isinstance(node, exp.Greatest) else "least"
        t = T.common_type([a.type for a in args], name.upper())
        fns = [coerce(a, t).fn for a in args]
        key = sort_key_fn(t)
        pick = max if name == "greatest" else min

        def run(row: Row) -> Any:
            vals = [v for v in (f(row) for f in fns) if v is not None]
            return pick(vals, key=key) if vals else None

        return E(run, t, name=name)

    def _cast(self, node: exp.Cast) -> E:
        to = node.args["to"]
        if isinstance(to, exp.DataType):
            target = T.from_datatype(to)
        else:
            target = T.parse_type_name(to.sql(dialect="postgres").lower())
        if isinstance(node.this, exp.Array) and not node.this.expressions and target.elem is not None:
            return const([], target, "array")  # ARRAY[]::int[]: the cast gives the empty array its type
        inner = self.compile(node.this)
        e = coerce(inner, target, EXPLICIT)
        name = inner.name if isinstance(node.this, exp.Column) else _type_column_name(target)
        return E(e.fn, target, e.const, e.value, name)

    def _interval(self, node: exp.Interval) -> E:
        text = node.this.name if isinstance(node.this, exp.Literal) else None
        if text is None:
            e = coerce(self.compile(node.this), T.TEXT, EXPLICIT)
            unit = node.args.get("unit")
            u = f" {unit.name}" if unit is not None else ""
            conv = find_cast(T.TEXT, T.INTERVAL, EXPLICIT)
            assert conv is not None
            f = e.fn
            return E(strict1(lambda v: conv(f"{v}{u}"), f), T.INTERVAL, name="interval")
        unit = node.args.get("unit")
        if unit is not None:
            text = f"{text} {unit.name}"
        conv = find_cast(T.UNKNOWN, T.INTERVAL, EXPLICIT)
        assert conv is not None
        return const(conv(text), T.INTERVAL, "interval")

    def _subquery(self, node: exp.Subquery) -> E:
        return self.planner.scalar_subquery(self, node.this)

    def _exists(self, node: exp.Exists) -> E:
        return self.planner.exists_subquery(self, node.this)

    def _array(self, node: exp.Array) -> E:
        from orbitdb.sql.expr.operators import compile_array

        return compile_array(self, node)

    def _bracket(self, node: exp.Bracket) -> E:
        from orbitdb.sql.expr.operators import compile_subscript

        return compile_subscript(self, node)

    def _dpipe(self, node: exp.DPipe) -> E:
        from orbitdb.sql.expr.operators import compile_concat_op

        return compile_concat_op(self, node)

    def _escape(self, node: exp.Escape) -> E:
        from orbitdb.sql.expr.operators import compile_like

        return compile_like(self, node.this, node.expression)

    def _like(self, node: exp.Expression) -> E:
        from orbitdb.sql.expr.operators import compile_like

        return compile_like(self, node, None)

    def _regex(self, node: exp.Expression) -> E:
        from orbitdb.sql.expr.operators import compile_regex

        return compile_regex(self, node)

    def _json_op(self, node: exp.Expression) -> E:
        from orbitdb.sql.expr.jsonops import compile_json_op

        return compile_json_op(self, node)

    def _tuple(self, node: exp.Tuple) -> E:
        parts = [self.compile(x) for x in node.expressions]
        fns = [p.fn for p in parts]
        return E(lambda row: tuple(f(row) for f in fns), T.RECORD, name="row")

    def _at_time_zone(self, node: exp.AtTimeZone) -> E:
        from orbitdb.sql.expr.funccall import call_by_name

        return call_by_name(self, "timezone", [node.args["zone"], node.this], node)

    def _collate(self, node: exp.Collate) -> E:
        return self.compile(node.this)

    def _window(self, node: exp.Window) -> E:
        if self.win is None:
            raise SqlError("42P20", "window functions are not allowed in " + (self.where or "this context"))
        return self.win.add(self, node)

    def _filter(self, node: exp.Filter) -> E:
        from orbitdb.sql.expr.funccall import compile_function

        return compile_function(self, node.this, filter_node=node.expression.this)

    def _dot(self, node: exp.Dot) -> E:
        # schema-qualified function calls: pg_catalog.format_type(...)
        inner = node.expression
        if isinstance(node.this, exp.Identifier) and isinstance(inner, exp.Func):
            return self.compile(inner)
        raise SqlError("0A000", f"unsupported expression: {node.sql(dialect='postgres')[:80]}")

    def _operator(self, node: exp.Expression) -> E:
        # OPERATOR(pg_catalog.~) and friends: the named operator as its plain form
        op = str(node.args.get("operator") or "").split(".")[-1].strip()
        left, right = node.this, node.expression
        if isinstance(right, exp.Collate):
            right = right.this
        builders = {
            "~": lambda: exp.RegexpLike(this=left, expression=right),
            "~*": lambda: exp.RegexpILike(this=left, expression=right),
            "!~": lambda: exp.Not(this=exp.RegexpLike(this=left, expression=right)),
            "!~*": lambda: exp.Not(this=exp.RegexpILike(this=left, expression=right)),
            "~~": lambda: exp.Like(this=left, expression=right),
            "~~*": lambda: exp.ILike(this=left, expression=right),
            "!~~": lambda: exp.Not(this=exp.Like(this=left, expression=right)),
            "!~~*": lambda: exp.Not(this=exp.ILike(this=left, expression=right)),
            "=": lambda: exp.EQ(this=left, expression=right),
            "<>": lambda: exp.NEQ(this=left, expression=right),
            "!=": lambda: exp.NEQ(this=left, expression=right),
            "<": lambda: exp.LT(this=left, expression=right),
            "<=": lambda: exp.LTE(this=left, expression=right),
            ">": lambda: exp.GT(this=left, expression=right),
            ">=": lambda: exp.GTE(this=left, expression=right),
            "+": lambda: exp.Add(this=left, expression=right),
            "-": lambda: exp.Sub(this=left, expression=right),
            "*": lambda: exp.Mul(this=left, expression=right),
            "/": lambda: exp.Div(this=left, expression=right),
            "||": lambda: exp.DPipe(this=left, expression=right),
            "@>": lambda: exp.ArrayContainsAll(this=left, expression=right),
            "<@": lambda: exp.ArrayContainedBy(this=left, expression=right),
            "&&": lambda: exp.ArrayOverlaps(this=left, expression=right),
        }
        build = builders.get(op)
        if build is None:
            raise SqlError("42883", f"operator does not exist: {op}")
        return self.compile(build())

    def _lambda(self, node: exp.Expression) -> E:
        # sqlglot reads "f(col -> 'k')" as a lambda: it is PostgreSQL's json -> operator
        params = node.expressions
        if len(params) == 1 and isinstance(params[0], exp.Identifier):
            col = exp.Column(this=params[0].copy())
            return self.compile(exp.JSONExtract(this=col, expression=node.this.copy()))
        raise SqlError("42601", "syntax error at or near \"->\"")

    def _star(self, node: exp.Star) -> E:
        raise SqlError("42601", 'syntax error at or near "*"')


def ident(node: exp.Expression | None) -> str:
    """An identifier's name as PostgreSQL sees it: folded to lower case unless quoted."""
    if node is None:
        return ""
    if isinstance(node, exp.Identifier):
        return node.this if node.quoted else node.this.lower()
    return node.name.lower() if isinstance(node.name, str) else str(node.name)


def _getter(idx: int) -> Fn:
    from operator import itemgetter

    return itemgetter(idx)


def _type_column_name(t: SqlType) -> str:
    if t.elem is not None:
        return t.elem.short if t.elem.short else "?column?"
    return {
        "integer": "int4", "bigint": "int8", "smallint": "int2", "double precision": "float8", "real": "float4",
        "boolean": "bool", "character varying": "varchar", "character": "bpchar",
        "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
        "time without time zone": "time", "time with time zone": "timetz",
    }.get(t.name, t.short or t.name)


# bare words that PostgreSQL treats as functions when no column has the name
_KEYWORD_COLUMNS = {
    "current_date": "current_date", "current_timestamp": "now", "current_time": "current_time",
    "localtimestamp": "localtimestamp", "localtime": "localtime", "current_user": "current_user",
    "session_user": "session_user", "user": "current_user", "current_schema": "current_schema",
    "current_catalog": "current_database", "current_role": "current_user",
}

_HANDLERS: dict[type, Callable[[Compiler, Any], E]] = {
    exp.Paren: Compiler._paren,
    exp.Literal: Compiler._literal,
    exp.ByteString: Compiler._bytestring,
    exp.RawString: Compiler._bytestring,  # a dollar-quoted string constant
    exp.Null: Compiler._null,
    exp.Boolean: Compiler._boolean,
    exp.Column: Compiler._column,
    exp.Parameter: Compiler._parameter,
    exp.Placeholder: Compiler._parameter,
    exp.And: Compiler._and,
    exp.Or: Compiler._or,
    exp.Not: Compiler._not,
    exp.EQ: Compiler._cmp,
    exp.NEQ: Compiler._cmp,
    exp.LT: Compiler._cmp,
    exp.LTE: Compiler._cmp,
    exp.GT: Compiler._cmp,
    exp.GTE: Compiler._cmp,
    exp.NullSafeEQ: Compiler._cmp,
    exp.NullSafeNEQ: Compiler._cmp,
    exp.Add: Compiler._arith,
    exp.Sub: Compiler._arith,
    exp.Mul: Compiler._arith,
    exp.Div: Compiler._arith,
    exp.Mod: Compiler._arith,
    exp.Pow: Compiler._arith,
    exp.IntDiv: Compiler._arith,
    exp.BitwiseAnd: Compiler._arith,
    exp.BitwiseOr: Compiler._arith,
    exp.BitwiseXor: Compiler._arith,
    exp.BitwiseLeftShift: Compiler._arith,
    exp.BitwiseRightShift: Compiler._arith,
    exp.BitwiseNot: Compiler._neg,
    exp.Neg: Compiler._neg,
    exp.Is: Compiler._is,
    exp.Between: Compiler._between,
    exp.In: Compiler._in,
    exp.Case: Compiler._case,
    exp.Coalesce: Compiler._coalesce,
    exp.Nullif: Compiler._nullif,
    exp.Greatest: Compiler._greatest_least,
    exp.Least: Compiler._greatest_least,
    exp.Cast: Compiler._cast,
    exp.TryCast: Compiler._cast,
    exp.Interval: Compiler._interval,
    exp.Subquery: Compiler._subquery,
    exp.Exists: Compiler._exists,
    exp.Array: Compiler._array,
    exp.Bracket: Compiler._bracket,
    exp.DPipe: Compiler._dpipe,
    exp.Escape: Compiler._escape,
    exp.Like: Compiler._like,
    exp.ILike: Compiler._like,
    exp.SimilarTo: Compiler._like,
    exp.RegexpLike: Compiler._regex,
    exp.RegexpILike: Compiler._regex,
    exp.JSONExtract: Compiler._json_op,
    exp.JSONExtractScalar: Compiler._json_op,
    exp.JSONBExtract: Compiler._json_op,
    exp.JSONBExtractScalar: Compiler._json_op,
    exp.JSONBContains: Compiler._json_op,
    exp.ArrayContainsAll: Compiler._json_op,
    exp.ArrayContainedBy: Compiler._json_op,
    exp.ArrayOverlaps: Compiler._json_op,
    exp.JSONBContainsTopKey: Compiler._json_op,
    exp.JSONBContainsAnyTopKeys: Compiler._json_op,
    exp.JSONBContainsAllTopKeys: Compiler._json_op,
    exp.Tuple: Compiler._tuple,
    exp.AtTimeZone: Compiler._at_time_zone,
    exp.Collate: Compiler._collate,
    exp.Window: Compiler._window,
    exp.Filter: Compiler._filter,
    exp.Star: Compiler._star,
    exp.Dot: Compiler._dot,
    exp.Lambda: Compiler._lambda,
    exp.Operator: Compiler._operator,
}
