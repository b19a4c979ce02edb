"""The expression compiler: sqlglot expression trees -> typed Python closures.

A compiled expression is an ``E``: ``fn(row)`` computes the value for a row of
the current query level; ``type`` is its PostgreSQL type. Constants keep their
value so that unknown-typed literals can take their type from context, as in
PostgreSQL ('2024-01-01' compared with a date is a date)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlglot import exp

import orbitdb.sql.expr.enumfuncs  # noqa: F401  (registers enum_first, enum_last, enum_range)
from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import (
    MAX_PARAMETERS,
    E,
    Fn,
    ParamRef,
    Row,
    Runtime,
    coerce,
    const,
    ident,
    lit_number,
    strict1,
    type_error_operator,
    unify,
)
from orbitdb.sql.expr.domains import array_domain_checker, domain_checker
from orbitdb.sql.expr.funccall import call_by_name, compile_function
from orbitdb.sql.expr.jsonops import compile_json_op
from orbitdb.sql.expr.operators import (
    compare_fn,
    compile_arithmetic,
    compile_array,
    compile_case,
    compile_comparison,
    compile_concat_op,
    compile_in,
    compile_like,
    compile_negate,
    compile_regex,
    compile_subscript,
)
from orbitdb.sql.expr.overlaps import compile_overlaps
from orbitdb.sql.expr.rowtypes import field_of, row_is_null, whole_row
from orbitdb.sql.expr.scope import STAR_INDEX
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import EXPLICIT, find_cast
from orbitdb.sql.types.sortkeys import sort_key_fn
from orbitdb.sql.types.usertypes import resolve_datatype

if TYPE_CHECKING:
    from orbitdb.sql.expr.aggregates import AggCollector
    from orbitdb.sql.expr.scope import Scope
    from orbitdb.sql.expr.srf_slots import SrfSlots
    from orbitdb.sql.expr.window import WindowCollector
    from orbitdb.sql.plan.planner import Planner

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
        self.srf_slots: SrfSlots | None = None  # a select list's set-returning calls inside expressions

    def child(self, *, agg: AggCollector | None = None, win: WindowCollector | None = None) -> Compiler:
        return Compiler(self.planner, self.scope, self.rt, agg, win, self.where)

    def compile(self, node: exp.Expression) -> E:
        if self.srf_slots is not None and isinstance(node, (exp.Func, exp.Dot, exp.Paren)) \
                and self.planner._is_srf(node):
            return self.srf_slots.add(self, node)
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
        return lit_number(str(node.this))

    def _bytestring(self, node: exp.Expression) -> E:
        return const(node.this, T.UNKNOWN)

    def _null(self, node: exp.Null) -> E:
        return const(None, T.UNKNOWN)

    def _boolean(self, node: exp.Boolean) -> E:
        return const(bool(node.this), T.BOOL, "bool")

    def _column(self, node: exp.Column) -> E:
        if isinstance(node.this, exp.Star):
            whole = whole_row(self, ident(node.args["table"])) if node.table else None
            if whole is None:
                raise SqlError("0A000", "row expansion via \"*\" is not supported here")
            return whole
        name = ident(node.this)
        rel = ident(node.args["table"]) if node.table else None
        hit = self.scope.resolve(name, rel, node.meta.get(STAR_INDEX))
        if hit is None and name == "tableoid":
            oid = self.scope.table_oid(rel)
            if oid is not None:
                return const(oid, T.OID)
        if hit is None and rel is None:
            whole = whole_row(self, name)
            if whole is not None:
                return whole
        if hit is None:
            special = _KEYWORD_COLUMNS.get(name) if rel is None else None
            if special is not None:
                return call_by_name(self, special, [], node)
            if rel is not None and not self.scope.has_rel(rel):
                raise SqlError("42P01", f'missing FROM-clause entry for table "{rel}"')
            if rel is not None:
                raise SqlError("42703", f"column {rel}.{name} does not exist")
            raise SqlError("42703", f'column "{name}" does not exist')
        level, idx, t = hit
        self._note_read(level, idx)
        if level != self.scope.level and self.planner is not None:
            self.planner.outer_refs.append((level, idx))  # subqueries.py: what a subquery reads
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

    def _note_read(self, level: int, idx: int) -> None:
        """A table column read needs SELECT on it (or on its table) when the statement runs."""
        scope: Scope | None = self.scope
        while scope is not None and scope.level != level:
            scope = scope.parent
        if scope is not None:
            col = scope.columns[idx]
            if col.perm is not None and col.attnum:
                col.perm.read.add(col.attnum)

    def _prefix_abs(self, node: exp.Parameter, arg: exp.Expression) -> E:
        """PostgreSQL's prefix @ (absolute value), which sqlglot reads as a parameter marker."""
        parent = node.parent
        if isinstance(parent, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Pow, exp.IntDiv)) \
                and parent.this is node:  # PostgreSQL binds @ looser than these; sqlglot tighter
            raise SqlError("0A000", "prefix operator @ before an arithmetic operator is not supported",
                           hint="Write abs(...) around the operand.")
        return self.compile(exp.Abs(this=exp.column(arg.name) if isinstance(arg, exp.Var) else arg))

    def _parameter(self, node: exp.Expression) -> E:
        if isinstance(node, exp.Parameter):
            arg = node.this
            if isinstance(arg, exp.Expression) and not (isinstance(arg, exp.Literal) and arg.name.isdigit()):
                return self._prefix_abs(node, arg)
            n = int(arg.name if isinstance(arg, exp.Expression) else arg)
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
        return compile_comparison(self, node)

    def _arith(self, node: exp.Expression) -> E:
        return compile_arithmetic(self, node)

    def _neg(self, node: exp.Neg) -> E:
        return compile_negate(self, node)

    def _is(self, node: exp.Is) -> E:
        a = self.compile(node.this)
        target = node.expression
        negate = bool(node.args.get("negate"))
        f = a.fn
        if isinstance(target, exp.Null):
            if a.type.fields is not None or a.type.oid == T.RECORD.oid:
                return row_is_null(a, negate)
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
        return compile_in(self, node)

    def _case(self, node: exp.Case) -> E:
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
        a = self.compile(node.this)
        b = self.compile(node.expression)
        a2, b2, _ = unify(a, b)
        eq = compare_fn(a2, b2, "=")
        # the type of the first argument as the = operator resolved it (nullif(NULL, 1) is integer)
        t = a.type if a.type.oid != T.UNKNOWN.oid else a2.type if a2.type.oid != T.UNKNOWN.oid else T.TEXT
        fa = coerce(a, t).fn

        def run(row: Row) -> Any:
            return None if eq(row) else fa(row)

        return E(run, t, name="nullif")

    def _greatest_least(self, node: exp.Expression) -> E:
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
        domain = element_domain = None
        if isinstance(to, exp.DataType) and self.planner is None:
            target = T.from_datatype(to)  # an expression compiled without a catalog: built-in types only
        elif isinstance(to, exp.DataType):
            session = self.planner.session
            # an index key is compiled without a session: the default search path then
            path = session.search_schemas() if session is not None else ["pg_catalog", "public"]
            resolved = resolve_datatype(self.planner.catalog, path, to)
            target, domain, element_domain = resolved.sql, resolved.domain, resolved.element_domain
        else:
            target = T.parse_type_name(to.sql(dialect="postgres").lower())
        if domain is not None:
            return self._domain_cast(node, target, domain_checker(self.planner, domain, self.rt), domain.name)
        if element_domain is not None:
            return self._domain_cast(node, target, array_domain_checker(self.planner, element_domain, self.rt),
                                     element_domain.name)
        if _empty_array(node.this) and target.elem is not None:
            # ARRAY[]::int[] and ARRAY[ARRAY[]]::int[]: the cast gives the empty array its type
            return const([], target, "array")
        inner = self.compile(node.this)
        e = coerce(inner, target, EXPLICIT)
        name = inner.name if isinstance(node.this, exp.Column) else _type_column_name(target)
        return E(e.fn, target, e.const, e.value, name)

    def _domain_cast(self, node: exp.Cast, target: SqlType, check: Callable[[Any], Any], domain: str) -> E:
        inner = self.compile(node.this)
        fn = coerce(inner, target, EXPLICIT).fn
        name = inner.name if isinstance(node.this, exp.Column) else domain
        return E(lambda row: check(fn(row)), target, name=name)

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
        return compile_array(self, node)

    def _bracket(self, node: exp.Bracket) -> E:
        return compile_subscript(self, node)

    def _dpipe(self, node: exp.DPipe) -> E:
        return compile_concat_op(self, node)

    def _escape(self, node: exp.Escape) -> E:
        return compile_like(self, node.this, node.expression)

    def _like(self, node: exp.Expression) -> E:
        return compile_like(self, node, None)

    def _regex(self, node: exp.Expression) -> E:
        return compile_regex(self, node)

    def _json_op(self, node: exp.Expression) -> E:
        return compile_json_op(self, node)

    def _tuple(self, node: exp.Tuple) -> E:
        parts = [self.compile(x) for x in node.expressions]
        fns = [p.fn for p in parts]
        return E(lambda row: tuple(f(row) for f in fns), T.RECORD, name="row")

    def _at_time_zone(self, node: exp.AtTimeZone) -> E:
        return call_by_name(self, "timezone", [node.args["zone"], node.this], node)

    def _collate(self, node: exp.Collate) -> E:
        # only the bytewise collations, which orbitdb's comparisons already follow; another
        # (an ICU or libc language collation) would be taken and not honoured
        from orbitdb.sql.parse.unsupported import check_collation

        check_collation(node.expression.name)
        return self.compile(node.this)

    def _window(self, node: exp.Window) -> E:
        if self.win is None:
            raise SqlError("42P20", "window functions are not allowed in " + (self.where or "this context"))
        return self.win.add(self, node)

    def _filter(self, node: exp.Filter) -> E:
        return compile_function(self, node.this, filter_node=node.expression.this)

    def _within_group(self, node: exp.WithinGroup) -> E:
        return compile_function(self, node)  # sqlglot's WithinGroup is no Func: it needs its own entry

    def _dot(self, node: exp.Dot) -> E:
        # schema-qualified function calls: pg_catalog.format_type(...)
        inner = node.expression
        if isinstance(node.this, exp.Paren) and isinstance(inner, exp.Identifier):
            whole = self.compile(node.this.this)  # (f(x)).field: a column of a row-returning call
            names = [c[0] for c in whole.columns or []]
            field = ident(inner)
            if field in names and not whole.srf:
                k = names.index(field)
                get = whole.fn
                return E(lambda row: None if (v := get(row)) is None else v[k], (whole.columns or [])[k][1],
                         name=field)
        if isinstance(node.this, exp.Identifier) and isinstance(inner, exp.Func):
            from orbitdb.sql.expr.funccall import normalize
            from orbitdb.sql.expr.routine_call import compile_user_call, no_user_function

            schema = ident(node.this)
            if schema != "pg_catalog":
                name, args, _ = normalize(inner)
                e = compile_user_call(self, schema, name, args)
                if e is not None:
                    return e
                if any(isinstance(a, (exp.Kwarg, exp.PropertyEQ)) for a in args):
                    raise no_user_function(self, f"{schema}.{name}", args)  # no built-in takes named arguments
            return self.compile(inner)
        if isinstance(inner, exp.Identifier) and not isinstance(node.this, exp.Identifier):
            return field_of(self, node)
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
            "<<": lambda: exp.BitwiseLeftShift(this=left, expression=right),
            ">>": lambda: exp.BitwiseRightShift(this=left, expression=right),
            "&<": lambda: exp.ExtendsLeft(this=left, expression=right),
            "&>": lambda: exp.ExtendsRight(this=left, expression=right),
            "-|-": lambda: exp.Adjacent(this=left, expression=right),
        }
        if op in ("<<=", ">>="):  # inet's subnet operators, which have no sqlglot node
            from orbitdb.sql.expr.netexpr import net_operator

            a, b = self.compile(left), self.compile(right)
            found = net_operator(self, op, a, b)
            if found is None:
                raise type_error_operator(op, a.type, b.type)
            return found
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

    def _range_position(self, node: exp.Expression) -> E:
        # &<, &> and -|-: operators only ranges have
        from orbitdb.sql.expr.rangeexpr import range_operator

        op = {exp.ExtendsLeft: "&<", exp.ExtendsRight: "&>", exp.Adjacent: "-|-"}[type(node)]
        a, b = self.compile(node.this), self.compile(node.expression)
        found = range_operator(self, op, a, b)
        if found is None:
            raise type_error_operator(op, a.type, b.type)
        return found

    def _star(self, node: exp.Star) -> E:
        raise SqlError("42601", 'syntax error at or near "*"')




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
    exp.JSONBPathExists: Compiler._json_op,
    exp.MatchAgainst: Compiler._json_op,
    exp.ArrayContainsAll: Compiler._json_op,
    exp.ArrayContainedBy: Compiler._json_op,
    exp.ArrayOverlaps: Compiler._json_op,
    exp.JSONBContainsTopKey: Compiler._json_op,
    exp.JSONBContainsAnyTopKeys: Compiler._json_op,
    exp.JSONBContainsAllTopKeys: Compiler._json_op,
    exp.Tuple: Compiler._tuple,
    exp.Overlaps: compile_overlaps,
    exp.AtTimeZone: Compiler._at_time_zone,
    exp.Collate: Compiler._collate,
    exp.Window: Compiler._window,
    exp.Filter: Compiler._filter,
    exp.WithinGroup: Compiler._within_group,
    exp.Star: Compiler._star,
    exp.Dot: Compiler._dot,
    exp.Lambda: Compiler._lambda,
    exp.Operator: Compiler._operator,
    exp.ExtendsLeft: Compiler._range_position,
    exp.ExtendsRight: Compiler._range_position,
    exp.Adjacent: Compiler._range_position,
}


def _empty_array(node: exp.Expression) -> bool:
    """ARRAY[], or an ARRAY of only such (PostgreSQL makes both the empty array)."""
    return isinstance(node, exp.Array) and all(_empty_array(x) for x in node.expressions)
