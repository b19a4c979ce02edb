"""Operators: comparison, arithmetic, IN, CASE, LIKE and regular expressions,
arrays and concatenation, with PostgreSQL's typing rules and NULL semantics."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.array_slices import take_slice
from orbitdb.sql.expr.core import E, coerce, const, strict1, strict2, type_error_operator, unify
from orbitdb.sql.expr.datetimeops import (
    date_minus_date,
    date_plus_interval,
    interval_add,
    interval_div,
    interval_mul,
    interval_neg,
    interval_sub,
    time_minus_time,
    time_plus_interval,
    ts_minus_ts,
    ts_plus_interval,
)
from orbitdb.sql.expr.hstoreops import hstore_operator
from orbitdb.sql.expr.jsonops import array_concat, jsonb_arith, jsonb_concat, jsonb_subscript
from orbitdb.sql.expr.likematch import LikePattern
from orbitdb.sql.expr.moneyops import money_op
from orbitdb.sql.expr.netexpr import is_net, net_not, net_operator
from orbitdb.sql.expr.rangeexpr import range_operator
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import numeric as N
from orbitdb.sql.types.casts import EXPLICIT, find_cast
from orbitdb.sql.types.limits import check_array_depth, check_dimensions, concat_bytes, concat_text
from orbitdb.sql.types.sortkeys import sort_key_fn
from orbitdb.storage.infinite import Infinite, infinite

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler

Fn = Callable[[Any], Any]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
_NODE_OP = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}


def compare_fn(a: E, b: E, op: str) -> Fn:
    """Row -> True/False/None for unified operands a op b."""
    t = a.type
    if t.oid == T.JSON.oid:
        raise type_error_operator(op, a.type, b.type)
    key = sort_key_fn(t)
    pyop = _OPS[op]
    fa, fb = a.fn, b.fn
    if key is None:
        def run(row: Any) -> Any:
            x = fa(row)
            if x is None:
                return None
            y = fb(row)
            if y is None:
                return None
            return pyop(x, y)

        return run

    def run_key(row: Any) -> Any:
        x = fa(row)
        if x is None:
            return None
        y = fb(row)
        if y is None:
            return None
        return pyop(key(x), key(y))

    return run_key


def _unify_cmp(c: Compiler, a: E, b: E, op: str) -> tuple[E, E]:
    try:
        a2, b2, _ = unify(a, b)
    except SqlError as e:
        if e.sqlstate in ("42804", "42846"):
            raise type_error_operator(op, a.type, b.type) from None
        raise
    return a2, b2


def _row_items(node: exp.Expression) -> list[exp.Expression] | None:
    """The fields of a row constructor, (a, b) or ROW(a, b); None for anything else."""
    if isinstance(node, exp.Tuple):
        return list(node.expressions)
    if isinstance(node, exp.Anonymous) and node.name.upper() == "ROW":
        return list(node.expressions)
    return None


def _row_compare(c: Compiler, left: list[exp.Expression], right: exp.Expression, op: str) -> E:
    items = _row_items(right)
    if items is None or len(items) != len(left):
        raise SqlError("42601", "unequal number of entries in row expressions")
    if not items:
        raise SqlError("0A000", "cannot compare rows of zero length")
    pairs = [_unify_cmp(c, c.compile(x), c.compile(y), op) for x, y in zip(left, items)]
    eqs = [compare_fn(a, b, "=") for a, b in pairs]
    if op in ("=", "<>"):
        def run(row: Any) -> Any:
            result: Any = True
            for f in eqs:
                r = f(row)
                if r is False:
                    return op == "<>"
                if r is None:
                    result = None
            return result if op == "=" or result is None else False

        return E(run, T.BOOL)
    lts = [compare_fn(a, b, op[0]) for a, b in pairs]
    final = [compare_fn(a, b, op) for a, b in pairs]

    def run_ord(row: Any) -> Any:
        for i, f in enumerate(eqs):
            r = f(row)
            if r is None:
                return None
            if r is False:
                return lts[i](row)
        return final[-1](row)

    return E(run_ord, T.BOOL)


def compile_comparison(c: Compiler, node: exp.Expression) -> E:
    if isinstance(node, (exp.NullSafeEQ, exp.NullSafeNEQ)):
        a, b = _unify_cmp(c, c.compile(node.this), c.compile(node.expression), "=")
        eq = compare_fn(a, b, "=")
        fa, fb = a.fn, b.fn
        distinct = isinstance(node, exp.NullSafeNEQ)

        def run(row: Any) -> Any:
            x, y = fa(row), fb(row)
            if x is None or y is None:
                same = x is None and y is None
            else:
                same = bool(eq(row))
            return not same if distinct else same

        return E(run, T.BOOL)
    op = _NODE_OP[type(node)]
    right = node.expression
    if isinstance(right, (exp.Any, exp.All)) or (
            isinstance(right, exp.Anonymous) and right.name.upper() in ("ALL", "ANY", "SOME")):
        return _quantified(c, node.this, right, op)
    left = _row_items(node.this)
    if left is not None and (isinstance(node.this, exp.Tuple) or _row_items(right) is not None):
        return _row_compare(c, left, right, op)
    a, b = _unify_cmp(c, c.compile(node.this), c.compile(right), op)
    return E(compare_fn(a, b, op), T.BOOL)


def _quantified(c: Compiler, left_node: exp.Expression, q: exp.Expression, op: str) -> E:
    is_all = isinstance(q, exp.All) or (isinstance(q, exp.Anonymous) and q.name.upper() == "ALL")
    inner = q.this if isinstance(q, (exp.Any, exp.All)) else q.expressions[0]
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if (op == "=" and not is_all or op == "<>" and is_all) and isinstance(inner, (exp.Select, exp.Union, exp.Subquery)):
        # = ANY is IN, <> ALL is NOT IN: hashed (subqueries.py)
        body = inner.this if isinstance(inner, exp.Subquery) else inner
        return c.planner.in_subquery(c, [left_node], body, negate=is_all)
    left = c.compile(left_node)
    if isinstance(inner, exp.Values):  # x op ANY (VALUES ...): the VALUES list is a subquery
        inner = exp.select("*").from_(inner.copy())
    if isinstance(inner, (exp.Select, exp.Union, exp.Subquery)):
        body = inner.this if isinstance(inner, exp.Subquery) else inner
        values_e = c.planner.subquery_values(c, body)
        elem_t = values_e.type
    else:
        arr = c.compile(inner)
        if arr.type.oid == T.UNKNOWN.oid:
            arr = coerce(arr, T.array_of(left.type if left.type.oid != T.UNKNOWN.oid else T.TEXT))
        if arr.type.oid in (T.INT2VECTOR.oid, T.OIDVECTOR.oid):
            arr = E(arr.fn, T.array_of(T.INT2 if arr.type.oid == T.INT2VECTOR.oid else T.OID))
        if arr.type.elem is None:
            raise SqlError("42809", "op ANY/ALL (array) requires array on right side")
        values_e = arr
        elem_t = arr.type.elem
    probe = E(lambda r: r[0], left.type, left.const, left.value)
    elem = E(lambda r: r[1], elem_t)
    a, b = _unify_cmp(c, probe, elem, op)
    cmp = compare_fn(a, b, op)
    fl, fv = left.fn, values_e.fn

    def run(row: Any) -> Any:
        x = fl(row)
        vals = fv(row)
        if vals is None:
            return None
        result: Any = is_all
        for v in _flatten(vals):
            r = cmp((x, v)) if x is not None and v is not None else None
            if r is None:
                result = None
            elif is_all and not r:
                return False
            elif not is_all and r:
                return True
        return result

    return E(run, T.BOOL)


def _flatten(v: list[Any]) -> list[Any]:
    if any(isinstance(x, list) for x in v):
        out: list[Any] = []
        for x in v:
            out.extend(_flatten(x) if isinstance(x, list) else [x])
        return out
    return v


def compile_in(c: Compiler, node: exp.In) -> E:
    query = node.args.get("query")
    if query is not None:
        body = query.this if isinstance(query, exp.Subquery) else query
        lefts = list(node.this.expressions) if isinstance(node.this, exp.Tuple) else [node.this]
        return c.planner.in_subquery(c, lefts, body)
    left = c.compile(node.this)
    if isinstance(node.this, exp.Tuple):
        # (a, b) IN ((1, 2), ...): row comparisons with their NULL rules
        return _any_equal([_row_compare(c, list(node.this.expressions), x, "=").fn for x in node.expressions])
    items = [c.compile(x) for x in node.expressions]
    # a literal is read as the column's type without its length ('nonexistent' IN a varchar(10))
    t = T.strip(T.common_type([left.type] + [i.type for i in items], "IN"))
    left2 = coerce(left, t)
    items2 = [coerce(i, t) for i in items]
    key = sort_key_fn(t)
    fl = left2.fn
    if all(i.const for i in items2) and t.oid not in (T.JSON.oid,):
        vals = [i.value for i in items2]
        has_null = any(v is None for v in vals)
        try:
            lookup = frozenset((key(v) if key else v) for v in vals if v is not None)
        except TypeError:
            lookup = None
        if lookup is not None:
            def run_set(row: Any) -> Any:
                x = fl(row)
                if x is None:
                    return None
                if (key(x) if key else x) in lookup:
                    return True
                return None if has_null else False

            return E(run_set, T.BOOL)
    return _any_equal([compare_fn(left2, i, "=") for i in items2])


def _any_equal(eqs: list[Fn]) -> E:
    """x IN (a, b, ...) as an OR of equalities: true if one is true, else
    NULL if one is NULL, else false."""

    def run(row: Any) -> Any:
        result: Any = False
        for f in eqs:
            r = f(row)
            if r:
                return True
            if r is None:
                result = None
        return result

    return E(run, T.BOOL)


def compile_case(c: Compiler, node: exp.Case) -> E:
    subject = node.args.get("this")
    ifs = node.args.get("ifs") or []
    default = node.args.get("default")
    results = [c.compile(i.args["true"]) for i in ifs]
    dflt = c.compile(default) if default is not None else const(None, T.UNKNOWN)
    t = T.common_type([r.type for r in results] + [dflt.type], "CASE")
    if t.oid == T.UNKNOWN.oid:
        t = T.TEXT
    rfns = [coerce(r, t).fn for r in results]
    dfn = coerce(dflt, t).fn
    if subject is not None:
        subj = c.compile(subject)
        conds = []
        for i in ifs:
            a, b = _unify_cmp(c, subj, c.compile(i.this), "=")
            conds.append(compare_fn(a, b, "="))
    else:
        conds = [c.compile_bool(i.this, "CASE").fn for i in ifs]
    pairs = list(zip(conds, rfns))

    def run(row: Any) -> Any:
        for cond, res in pairs:
            if cond(row):
                return res(row)
        return dfn(row)

    return E(run, t, name="case")


# -- arithmetic --

_ARITH_SYMBOL = {
    exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.Pow: "^", exp.IntDiv: "/",
    exp.BitwiseAnd: "&", exp.BitwiseOr: "|", exp.BitwiseXor: "#", exp.BitwiseLeftShift: "<<",
    exp.BitwiseRightShift: ">>",
}
_INT_CHECKS = {T.INT2.oid: N.CHECK_INT2, T.INT4.oid: N.CHECK_INT4, T.INT8.oid: N.CHECK_INT8}


def _int_op(sym: str, t: SqlType) -> Callable[[int, int], Any] | None:
    check = _INT_CHECKS[t.oid]
    if sym == "+":
        return lambda x, y: check(x + y)
    if sym == "-":
        return lambda x, y: check(x - y)
    if sym == "*":
        return lambda x, y: check(x * y)
    if sym == "/":
        return lambda x, y: check(N.int_div(x, y))
    if sym == "%":
        return N.int_mod
    if sym == "&":
        return operator.and_
    if sym == "|":
        return operator.or_
    if sym == "#":
        return operator.xor
    if sym == "<<":
        return lambda x, y: check(_wrap(x << (y % 64 if t.oid == T.INT8.oid else y % 32), t))
    if sym == ">>":
        return lambda x, y: x >> (y % 64 if t.oid == T.INT8.oid else y % 32)
    return None


def _wrap(v: int, t: SqlType) -> int:
    bits = 64 if t.oid == T.INT8.oid else 32 if t.oid == T.INT4.oid else 16
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >= 1 << (bits - 1) else v


def _numeric_ops(sym: str) -> Callable[[Any, Any], Any] | None:
    if sym == "^":
        from orbitdb.sql.functions.math import numeric_power

        return numeric_power
    return {
        "+": N.numeric_add, "-": N.numeric_sub, "*": N.numeric_mul, "/": N.numeric_div, "%": N.numeric_mod,
    }.get(sym)


def _float_ops(sym: str) -> Callable[[Any, Any], Any] | None:
    if sym == "^":
        from orbitdb.sql.functions.math import float_power

        return float_power
    return {
        "+": N.float_add, "-": N.float_sub, "*": N.float_mul, "/": N.float_div,
        "%": None,
    }.get(sym)


def compile_arithmetic(c: Compiler, node: exp.Expression) -> E:
    sym = _ARITH_SYMBOL[type(node)]
    a = c.compile(node.this)
    b = c.compile(node.expression)
    if isinstance(node, exp.IntDiv):
        # sqlglot reads div(a, b) as IntDiv: PostgreSQL's numeric div() truncates
        a2, b2, _ = unify(a, b)
        a2, b2 = coerce(a2, T.NUMERIC), coerce(b2, T.NUMERIC)
        return E(strict2(N.numeric_trunc_div, a2.fn, b2.fn), T.NUMERIC, name="div")
    return arith(c, sym, a, b)


def arith(c: Compiler, sym: str, a: E, b: E) -> E:
    ta, tb = a.type, b.type
    if ta.native is not None:
        found = hstore_operator(sym, a, b)
        if found is not None:
            return found
    if T.is_range(ta) or T.is_range(tb) or T.is_multirange(ta) or T.is_multirange(tb):
        ranged = range_operator(c, sym, a, b)
        if ranged is not None:
            return ranged
    if is_net(ta) or is_net(tb):
        found = net_operator(c, sym, a, b)
        if found is not None:
            return found
    if ta.oid == T.UNKNOWN.oid and tb.oid == T.UNKNOWN.oid:
        raise SqlError("42725", f"operator is not unique: unknown {sym} unknown",
                       hint="Could not choose a best candidate operator. You might need to add explicit type casts.")
    if ta.oid == T.UNKNOWN.oid:
        a = coerce(a, _unknown_partner(tb, sym))
        ta = a.type
    elif tb.oid == T.UNKNOWN.oid:
        b = coerce(b, _unknown_partner(ta, sym, right=True))
        tb = b.type
    if T.MONEY.oid in (ta.oid, tb.oid):
        mf, ma, mb, mr = money_op(sym, ta, tb)
        if mf is None:
            raise type_error_operator(sym, ta, tb)
        return E(strict2(mf, coerce(a, ma).fn, coerce(b, mb).fn), mr)
    if T.is_numeric(ta) and T.is_numeric(tb):
        if sym == "^" and ta.oid != T.NUMERIC.oid and tb.oid != T.NUMERIC.oid:
            from orbitdb.sql.functions.math import float_power

            a, b = coerce(a, T.FLOAT8), coerce(b, T.FLOAT8)
            return E(strict2(float_power, a.fn, b.fn), T.FLOAT8)
        t = T.numeric_result(ta, tb)
        a, b = coerce(a, t), coerce(b, t)
        if t.oid in T.INTEGER_TYPES:
            f = _int_op(sym, t)
        elif t.oid == T.NUMERIC.oid:
            f = _numeric_ops(sym)
        else:
            f = _float_ops(sym)
            if f is not None and t.oid == T.FLOAT4.oid:
                double = f

                def f(x: float, y: float, double: Callable[[Any, Any], Any] = double) -> float:
                    return N.float4_result(double(x, y), x, y, sym)
        if f is None:
            raise type_error_operator(sym, ta, tb)
        return E(strict2(f, a.fn, b.fn), t)
    f2, rt = _datetime_op(sym, ta, tb)
    if f2 is not None:
        return E(strict2(f2, a.fn, b.fn), rt)
    if ta.oid == T.JSONB.oid or ta.elem is not None:
        r = jsonb_arith(sym, a, b)
        if r is not None:
            return r
    raise type_error_operator(sym, ta, tb)


def _unknown_partner(t: SqlType, sym: str, right: bool = False) -> SqlType:
    if t.oid in (T.DATE.oid, T.TIMESTAMP.oid, T.TIMESTAMPTZ.oid, T.TIME.oid) and sym in "+-":
        # x - unknown is x - x, as PostgreSQL takes an unknown for the other side's type first
        return T.INTERVAL if sym == "+" else t
    if t.oid == T.JSONB.oid and sym == "-":
        return T.TEXT
    return T.strip(t)


def _datetime_op(sym: str, ta: SqlType, tb: SqlType) -> tuple[Callable[[Any, Any], Any] | None, SqlType]:
    a, b = ta.oid, tb.oid
    D, TS, TZ, IV, TM = T.DATE.oid, T.TIMESTAMP.oid, T.TIMESTAMPTZ.oid, T.INTERVAL.oid, T.TIME.oid
    ints = T.INTEGER_TYPES
    if sym == "+":
        if a == D and b in ints:
            return (lambda x, y: _date_add(x, y)), T.DATE
        if a in ints and b == D:
            return (lambda x, y: _date_add(y, x)), T.DATE
        if a == D and b == IV:
            return date_plus_interval, T.TIMESTAMP
        if a == IV and b == D:
            return (lambda x, y: date_plus_interval(y, x)), T.TIMESTAMP
        if a in (TS, TZ) and b == IV:
            return ts_plus_interval, ta
        if a == IV and b in (TS, TZ):
            return (lambda x, y: ts_plus_interval(y, x)), tb
        if a == IV and b == IV:
            return interval_add, T.INTERVAL
        if a == D and b == TM:
            return (lambda x, y: datetime.datetime.combine(x, y)), T.TIMESTAMP
        if a == TM and b == D:
            return (lambda x, y: datetime.datetime.combine(y, x)), T.TIMESTAMP
        if a == TM and b == IV:
            return time_plus_interval, T.TIME
        if a == IV and b == TM:
            return (lambda x, y: time_plus_interval(y, x)), T.TIME
    elif sym == "-":
        if a == D and b in ints:
            return (lambda x, y: _date_add(x, -y)), T.DATE
        if a == D and b == D:
            return date_minus_date, T.INT4
        if a == D and b == IV:
            return (lambda x, y: date_plus_interval(x, y, -1)), T.TIMESTAMP
        if a in (TS, TZ) and b == IV:
            return (lambda x, y: ts_plus_interval(x, y, -1)), ta
        if a == b and a in (TS, TZ):
            return ts_minus_ts, T.INTERVAL
        if {a, b} == {TS, D}:
            return (lambda x, y: ts_minus_ts(_as_ts(x), _as_ts(y))), T.INTERVAL
        if a == IV and b == IV:
            return interval_sub, T.INTERVAL
        if a == TM and b == TM:
            return time_minus_time, T.INTERVAL
        if a == TM and b == IV:
            return (lambda x, y: time_plus_interval(x, y, -1)), T.TIME
    elif sym == "*":
        if a == IV and b in T.NUMERIC_RANK:
            return interval_mul, T.INTERVAL
        if a in T.NUMERIC_RANK and b == IV:
            return (lambda x, y: interval_mul(y, x)), T.INTERVAL
    elif sym == "/" and a == IV and b in T.NUMERIC_RANK:
        return interval_div, T.INTERVAL
    return None, T.UNKNOWN


def _as_ts(v: Any) -> datetime.datetime:
    if type(v) is Infinite:
        return infinite("ts", v.sign)  # type: ignore[return-value]
    return v if isinstance(v, datetime.datetime) else datetime.datetime(v.year, v.month, v.day)


def _date_add(d: datetime.date, n: int) -> datetime.date:
    if type(d) is Infinite:  # date_pli keeps an infinite date
        return d
    try:
        return d + datetime.timedelta(days=n)
    except OverflowError:
        raise SqlError("22008", "date out of range") from None


def compile_negate(c: Compiler, node: exp.Expression) -> E:
    a = c.compile(node.this)
    if isinstance(node, exp.BitwiseNot):
        negated = net_not(a)
        if negated is not None:
            return negated
        if a.type.oid not in T.INTEGER_TYPES:
            raise type_error_operator("~", a.type, None)
        return E(strict1(operator.invert, a.fn), a.type)
    if a.const and isinstance(node.this, exp.Literal) and not node.this.is_string:
        v = a.value
        if a.type.oid == T.INT8.oid and -v >= -2147483648:
            return const(-v, T.INT4)
        if a.type.oid == T.NUMERIC.oid and -v == -9223372036854775808:
            return const(-9223372036854775808, T.INT8)
        return const(-v, a.type)
    t = a.type
    if t.oid == T.UNKNOWN.oid:
        a = coerce(a, T.FLOAT8)
        t = T.FLOAT8
    if t.oid in T.INTEGER_TYPES:
        check = _INT_CHECKS[t.oid]
        return E(strict1(lambda v: check(-v), a.fn), t)
    if t.oid == T.INTERVAL.oid:
        return E(strict1(interval_neg, a.fn), t)
    if t.oid in (T.NUMERIC.oid, T.FLOAT4.oid, T.FLOAT8.oid):
        return E(strict1(operator.neg, a.fn), t)
    raise type_error_operator("-", t, None)


# -- strings --

def compile_concat_op(c: Compiler, node: exp.DPipe) -> E:
    a = c.compile(node.this)
    b = c.compile(node.expression)
    ta, tb = a.type, b.type
    if ta.native is not None or tb.native is not None:
        found = hstore_operator("||", a, b)
        if found is not None:
            return found
    if ta.elem is not None or tb.elem is not None:
        return array_concat(a, b)
    if ta.oid == T.JSONB.oid and tb.oid in (T.JSONB.oid, T.UNKNOWN.oid):
        return jsonb_concat(a, coerce(b, T.JSONB))
    if ta.oid == T.BYTEA.oid and tb.oid in (T.BYTEA.oid, T.UNKNOWN.oid) or (
            tb.oid == T.BYTEA.oid and ta.oid == T.UNKNOWN.oid):
        return E(strict2(concat_bytes, coerce(a, T.BYTEA).fn, coerce(b, T.BYTEA).fn), T.BYTEA)
    if not (T.is_string(ta) or T.is_string(tb)):
        raise type_error_operator("||", ta, tb)
    fa = _as_text_fn(a)
    fb = _as_text_fn(b)
    return E(strict2(concat_text, fa, fb), T.TEXT)


def _as_text_fn(e: E) -> Fn:
    if T.is_string(e.type):
        return coerce(e, T.TEXT).fn
    conv = find_cast(e.type, T.TEXT, EXPLICIT)
    if conv is None:
        raise type_error_operator("||", e.type, T.TEXT)
    return strict1(conv, e.fn)


def compile_like(c: Compiler, node: exp.Expression, escape_node: exp.Expression | None) -> E:
    negate = bool(node.args.get("negate"))
    a0 = c.compile(node.this)
    if not T.is_string(a0.type):
        op = "~~" if not isinstance(node, exp.ILike) else "~~*"
        raise type_error_operator(op, a0.type, T.UNKNOWN)
    a = coerce(a0, T.TEXT)  # a bpchar operand loses its padding here, as in PostgreSQL
    p = coerce(c.compile(node.expression), T.TEXT)
    esc: str | None = "\\"
    if escape_node is not None:
        e = c.compile(escape_node)
        if not e.const:
            raise SqlError("0A000", "non-constant ESCAPE is not supported")
        esc = e.value if e.value else None
        if esc is not None and len(esc) != 1:
            raise SqlError("22025", "invalid escape string", hint="Escape string must be empty or one character.")
    similar = isinstance(node, exp.SimilarTo)
    fold = isinstance(node, exp.ILike)
    check = c.rt.check

    def matcher(pat: str) -> Callable[[str], bool]:
        if similar:
            # the regular expression engine (RE2) loads on first use, not with every start
            from orbitdb.sql.expr.regex_engine import compile_regex as library_regex
            from orbitdb.sql.expr.similar import similar_to_regex

            rx = library_regex("^(?:" + similar_to_regex(pat, esc) + ")$")
            return lambda v: rx.test(v, check)
        like = LikePattern(pat, esc, fold)
        return lambda v: like.match(v, check)

    fa = a.fn
    if p.const:
        if p.value is None:
            return const(None, T.BOOL)
        match = matcher(p.value)

        def run(row: Any) -> Any:
            v = fa(row)
            if v is None:
                return None
            return match(v) is not negate

        return E(run, T.BOOL)
    fp = p.fn
    cache: dict[str, Callable[[str], bool]] = {}

    def run_dyn(row: Any) -> Any:
        v = fa(row)
        pat = fp(row)
        if v is None or pat is None:
            return None
        m = cache.get(pat)
        if m is None:
            if len(cache) > 256:
                cache.clear()
            m = cache[pat] = matcher(pat)
        return m(v) is not negate

    return E(run_dyn, T.BOOL)


def compile_regex(c: Compiler, node: exp.Expression) -> E:
    from orbitdb.sql.expr.regex_engine import compile_regex as library_regex  # loads on first use

    a = coerce(c.compile(node.this), T.TEXT)
    p = coerce(c.compile(node.expression), T.TEXT)
    flags = "i" if isinstance(node, exp.RegexpILike) else ""
    check = c.rt.check
    fa = a.fn
    if p.const and p.value is not None:
        rx = library_regex(p.value, flags)
        return E(strict1(lambda v: rx.test(v, check), fa), T.BOOL)
    fp = p.fn
    return E(strict2(lambda v, pat: library_regex(pat, flags).test(v, check), fa, fp), T.BOOL)


# -- arrays --

def compile_array(c: Compiler, node: exp.Array) -> E:
    exprs = node.expressions
    if len(exprs) == 1 and isinstance(exprs[0], (exp.Select, exp.Union, exp.Subquery)):
        body = exprs[0].this if isinstance(exprs[0], exp.Subquery) else exprs[0]
        vals = c.planner.subquery_values(c, body)
        t = vals.type
        return E(vals.fn, T.array_of(t), name="array")
    items = [c.compile(x) for x in exprs]
    if not items:
        raise SqlError("42P18", "cannot determine type of empty array",
                       hint="Explicitly cast to the desired type, for example ARRAY[]::integer[].")
    t = T.common_type([i.type for i in items], "ARRAY")
    if t.oid == T.UNKNOWN.oid:
        t = T.TEXT
    if t.elem is not None:
        fns = [coerce(i, t).fn for i in items]
        if T.strip(t.elem).oid in (T.JSON.oid, T.JSONB.oid):  # a json element may itself be a list
            return E(lambda row: [f(row) for f in fns], t, name="array")
        return E(lambda row: stack_subarrays([f(row) for f in fns]), t, name="array")
    fns = [coerce(i, t).fn for i in items]
    return E(lambda row: [f(row) for f in fns], T.array_of(t), name="array")


def stack_subarrays(parts: list[Any]) -> list[Any]:
    """ARRAY[sub, sub, ...] of arrays: one more dimension over sub-arrays of one shape (NULL and
    empty ones only when all are, giving an empty array), as PostgreSQL's ExecEvalArrayExpr."""
    filled = [p for p in parts if p]
    if len(filled) != len(parts):
        if filled:
            raise _unmatched_dimensions()
        return []
    shape = _shape(filled[0])
    if any(_shape(p) != shape for p in filled[1:]):
        raise _unmatched_dimensions()
    return check_array_depth(parts)


def _shape(value: list[Any]) -> tuple[int, ...]:
    dims = []
    while isinstance(value, list):
        dims.append(len(value))
        value = value[0] if value else None
    return tuple(dims)


def _unmatched_dimensions() -> SqlError:
    return SqlError("2202E", "multidimensional arrays must have array expressions with matching dimensions")


def compile_subscript(c: Compiler, node: exp.Bracket) -> E:
    if isinstance(node.this, exp.Bracket):
        # a[1][2]: PostgreSQL's arrays take all their subscripts at once
        subs = list(node.expressions)
        inner = node.this
        while isinstance(inner, exp.Bracket):
            subs[:0] = inner.expressions
            inner = inner.this
        node = exp.Bracket(this=inner, expressions=subs)
    check_dimensions(len(node.expressions))
    base = c.compile(node.this)
    if base.type.oid == T.JSONB.oid or base.type.oid == T.JSON.oid:
        return jsonb_subscript(c, base, node.expressions)
    if base.type.oid == T.NAME.oid and len(node.expressions) == 1 and not isinstance(node.expressions[0], exp.Slice):
        # name is a fixed char array in PostgreSQL: name[0] is its first character
        idx = coerce(c.compile(node.expressions[0]), T.INT4).fn
        fb0 = base.fn

        def name_char(row: Any) -> Any:
            v, i = fb0(row), idx(row)
            if v is None or i is None or i < 0 or i >= len(v):
                return None
            return v[i]

        return E(name_char, T.CHAR)
    vector = base.type.oid in (T.INT2VECTOR.oid, T.OIDVECTOR.oid)
    if base.type.elem is None and not vector:
        raise SqlError("42804", f"cannot subscript type {base.type.display()} because it does not support subscripting")
    elem_t = base.type.elem if not vector else (T.INT2 if base.type.oid == T.INT2VECTOR.oid else T.OID)
    fb = base.fn
    subs = node.expressions
    offset = int(node.args.get("offset") or 0) + (1 if vector else 0)  # int2vector counts from 0
    getters: list[Any] = []
    any_slice = False
    for s in subs:
        if isinstance(s, exp.Slice):
            any_slice = True
            lo = coerce(c.compile(s.this), T.INT4).fn if s.this is not None else None
            hi = coerce(c.compile(s.expression), T.INT4).fn if s.expression is not None else None
            getters.append(("slice", lo, hi))
        else:
            getters.append(("index", coerce(c.compile(s), T.INT4).fn, None))
    first = 1 - offset if offset else 1

    def run(row: Any) -> Any:
        v = fb(row)
        if any_slice:
            return sliced(v, row)
        v = walk(v, row)
        if isinstance(v, list) and not vector:
            return None  # fewer subscripts than dimensions: NULL, as in PostgreSQL
        return v

    def walk(v: Any, row: Any) -> Any:
        for _, f1, _ in getters:
            if v is None:
                return None
            i = f1(row)
            if i is None:
                return None
            j = i - first
            if not isinstance(v, list) or j < 0 or j >= len(v):
                return None
            v = v[j]
        return v

    def sliced(v: Any, row: Any) -> Any:
        if v is None:
            return None
        bounds: list[tuple[int | None, int | None]] = []
        for kind, f1, f2 in getters:
            if kind == "index":  # a plain subscript among slices stands for first:i
                i = f1(row)
                if i is None:
                    return None
                bounds.append((first, i))
                continue
            lo = f1(row) if f1 is not None else None
            hi = f2(row) if f2 is not None else None
            if (f1 is not None and lo is None) or (f2 is not None and hi is None):
                return None
            bounds.append((lo, hi))
        return take_slice(v, bounds, first)

    return E(run, base.type if any_slice else elem_t)
