"""enum_first, enum_last and enum_range: their answers come from the argument's type (its labels),
not its value, so they are compiled here rather than called on values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import E, Row, coerce, const
from orbitdb.sql.expr.funccall import special
from orbitdb.sql.types import SqlType

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler


def _enum_args(c: Compiler, name: str, args: list[exp.Expression], count: tuple[int, ...]) -> list[E]:
    compiled = [c.compile(a) for a in args]
    known = [e.type for e in compiled if e.type.labels is not None]
    if known:  # a NULL (or a literal) beside an enum takes its type
        compiled = [coerce(e, known[0]) if e.type.oid == T.UNKNOWN.oid else e for e in compiled]
    if len(compiled) not in count or any(e.type.labels is None for e in compiled):
        shown = ", ".join(e.type.display() for e in compiled)
        raise SqlError("42883", f"function {name}({shown}) does not exist",
                       hint="No function matches the given name and argument types. You might need to add "
                            "explicit type casts.")
    if len(compiled) == 2 and compiled[0].type.oid != compiled[1].type.oid:
        raise SqlError("42883", f"function {name}({compiled[0].type.display()}, {compiled[1].type.display()}) "
                       "does not exist")
    return compiled


def _labels(t: SqlType) -> tuple[str, ...]:
    return t.labels or ()


@special("enum_first")
def _enum_first(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    t = _enum_args(c, "enum_first", args, (1,))[0].type
    return const(_labels(t)[0] if _labels(t) else None, t, "enum_first")


@special("enum_last")
def _enum_last(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    t = _enum_args(c, "enum_last", args, (1,))[0].type
    return const(_labels(t)[-1] if _labels(t) else None, t, "enum_last")


@special("enum_range")
def _enum_range(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    compiled = _enum_args(c, "enum_range", args, (1, 2))
    t = compiled[0].type
    labels = list(_labels(t))
    arr = T.array_of(t)
    if len(compiled) == 1:
        return const(labels, arr, "enum_range")
    lo, hi = compiled[0].fn, compiled[1].fn
    position = {label: i for i, label in enumerate(labels)}

    def run(row: Row) -> Any:
        a, b = lo(row), hi(row)
        start = 0 if a is None else position[a]
        stop = len(labels) - 1 if b is None else position[b]
        return labels[start:stop + 1]

    return E(run, arr, name="enum_range")
