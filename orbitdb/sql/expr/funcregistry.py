"""The function registry: PostgreSQL functions by name, each with overloads
that the expression compiler resolves against argument types.

An overload's ``args`` are SqlTypes or the polymorphic markers below; its
``ret`` is a SqlType or a function of the resolved argument types. ``impl``
receives Python values already cast to the declared argument types (a strict
function is not called when an argument is NULL: the result is NULL)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orbitdb.sql.types import SqlType

ANY = "any"  # any type (anyelement)
ANYARRAY = "anyarray"  # any array; "anyelement" in the same overload is its element type
ANYELEMENT = "anyelement"
ANYNUMERIC = "anynumeric"  # any numeric type, passed as is (result often follows it)
ANYSTRING = "anystring"  # text-like types (text, varchar, char, name, unknown)

ArgSpec = "SqlType | str"
RetSpec = "SqlType | Callable[[list[SqlType]], SqlType]"


@dataclass
class Overload:
    args: list[Any]  # list of ArgSpec
    ret: Any  # RetSpec
    impl: Callable[..., Any]
    strict: bool = True  # NULL argument -> NULL result, impl not called
    variadic: bool = False  # last arg repeats (e.g. concat(any...))
    volatile: bool = False  # never constant-folded (random, nextval, now is stable: fold per statement only)
    needs_ctx: bool = False  # impl(ctx, *args): ctx is the statement's ExecContext
    min_args: int | None = None  # with variadic: the fewest arguments accepted


@dataclass
class FuncDef:
    name: str
    overloads: list[Overload] = field(default_factory=list)
    set_returning: bool = False  # returns an iterable of rows/values (generate_series, unnest)


FUNCTIONS: dict[str, FuncDef] = {}


def register(
    name: str,
    args: list[Any],
    ret: Any,
    *,
    strict: bool = True,
    variadic: bool = False,
    volatile: bool = False,
    needs_ctx: bool = False,
    min_args: int | None = None,
    set_returning: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator adding an overload of a PostgreSQL function."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        fd = FUNCTIONS.get(name)
        if fd is None:
            fd = FUNCTIONS[name] = FuncDef(name, set_returning=set_returning)
        fd.overloads.append(Overload(args, ret, fn, strict, variadic, volatile, needs_ctx, min_args))
        return fn

    return deco


def result_type(ov: Overload, arg_types: list[SqlType]) -> SqlType:
    return ov.ret(arg_types) if callable(ov.ret) and not isinstance(ov.ret, SqlType) else ov.ret
