"""The values of the expression compiler, shared by every part of expr/: a compiled expression
(``E``: ``fn(row)`` computes the value for a row of the current query level, ``type`` is its
PostgreSQL type; constants keep their value so that unknown-typed literals take their type from
context, as in PostgreSQL), the statement's Runtime, parameter references, and the rules that
bring an expression to a type (coerce, unify)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import EXPLICIT, IMPLICIT, cast_error, find_cast, typmod_fn

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

    def check(self) -> None:
        """The running statement's interrupt check, for compiled code that may loop long."""
        ctx = self.ctx
        if ctx is not None:
            ctx.check()


MAX_PARAMETERS = 65535  # a Bind message counts its parameters in 16 bits


class ParamRef:
    """Marks a compiled parameter whose type is still open: the first context
    that needs a type decides it (as PostgreSQL infers parameter types)."""

    __slots__ = ("index", "rt")

    def __init__(self, index: int, rt: Runtime) -> None:
        self.index = index
        self.rt = rt


class E:
    __slots__ = ("columns", "const", "fn", "name", "src", "srf", "type", "value")

    def __init__(self, fn: Fn, type_: SqlType, const: bool = False, value: Any = None, name: str = "?column?") -> None:
        self.fn = fn
        self.type = type_
        self.const = const
        self.value = value
        self.name = name
        self.columns: list[tuple[str, SqlType]] | None = None  # set-returning functions with several columns
        self.src: int | None = None  # a plain reference to this input column (lets ORDER BY use scan order)
        self.srf = False  # a call of a user-defined set-returning function (its value: a list of rows)


def const(value: Any, t: SqlType, name: str = "?column?") -> E:
    return E(lambda row: value, t, True, value, name)


def lit_number(text: str) -> E:
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


def ident(node: exp.Expression | None) -> str:
    """An identifier's name as PostgreSQL sees it: folded to lower case unless quoted."""
    if node is None:
        return ""
    if isinstance(node, exp.Identifier):
        return node.this if node.quoted else node.this.lower()
    return node.name.lower() if isinstance(node.name, str) else str(node.name)
