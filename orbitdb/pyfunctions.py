"""con.create_function() and con.create_aggregate(): Python callables usable from SQL in that
connection, as sqlite3's. Values reach Python as the DB-API hands them out (an interval as a
timedelta, json parsed), and what Python returns becomes a value of the declared result type:
`returns="numeric"`, else the return annotation (of the function, or of the aggregate's
finalize), else text.

The SQL layer calls these objects through the interface orbitdb/sql/expr/pycalls.py describes."""

from __future__ import annotations

import datetime
import decimal
import inspect
import typing
import uuid
from collections.abc import Callable
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import EXPLICIT, find_cast
from orbitdb.sql.types.params import convert_params, param_type

# the SQL type of a result annotated with a Python type
_ANNOTATED: dict[Any, SqlType] = {
    bool: T.BOOL, int: T.INT8, float: T.FLOAT8, str: T.TEXT, bytes: T.BYTEA, decimal.Decimal: T.NUMERIC,
    datetime.date: T.DATE, datetime.datetime: T.TIMESTAMP, datetime.time: T.TIME,
    datetime.timedelta: T.INTERVAL, uuid.UUID: T.UUID, dict: T.JSONB,
}

Converter = Callable[[int], Any]  # a type oid -> how a value of it is handed to Python (or None)


def result_type(returns: str | None, fn: Callable[..., Any] | None) -> SqlType:
    """The declared SQL type of a result: returns (a type name), else fn's annotation, else text."""
    if returns is not None:
        try:
            return T.parse_type_name(returns)
        except SqlError as e:
            raise ValueError(f"returns={returns!r}: {e.message}") from None
    if fn is not None:
        try:
            hint = typing.get_type_hints(fn).get("return")
        except Exception:  # noqa: BLE001 - an annotation that does not resolve: as if there were none
            hint = None
        args = typing.get_args(hint)
        if args and type(None) in args:  # Optional[int]: the result may be NULL
            hint = next((a for a in args if a is not type(None)), None)
        if hint in _ANNOTATED:
            return _ANNOTATED[hint]
    return T.TEXT


def check_nargs(nargs: int) -> None:
    if not isinstance(nargs, int) or nargs < -1 or nargs > 100:
        raise ValueError(f"nargs must be -1 (any number) or 0 to 100, not {nargs!r}")


def _to_sql(name: str, value: Any, t: SqlType) -> Any:
    """What Python returned, as a value of SQL type t (cast as an explicit cast would)."""
    if value is None:
        return None
    given = param_type(value)
    if given.oid == T.UNKNOWN.oid and not isinstance(value, str):
        given = T.UNKNOWN if t.oid in (T.TEXT.oid, T.VARCHAR.oid) else _not_of(name, value, t)
    converted = convert_params([value], [t])[0]
    if given.oid in (T.UNKNOWN.oid, t.oid) or (given.elem is not None and t.elem is not None):
        return converted
    cast = find_cast(given, t, EXPLICIT)
    if cast is None:
        raise SqlError("42804", f'function {name} returned a value of type {given.display()}, '
                                f'not of its result type {t.display()}',
                       hint="Declare the result type with returns=... (or a return annotation).")
    return cast(converted)


def _not_of(name: str, value: Any, t: SqlType) -> SqlType:
    raise SqlError("42804", f"function {name} returned a Python {type(value).__name__}, not a value of its "
                            f"result type {t.display()}",
                   hint="Declare the result type with returns=... (or a return annotation).")


def _failure(name: str, e: Exception) -> SqlError:
    if isinstance(e, SqlError):
        return e
    sqlstate = getattr(e, "sqlstate", None)
    if isinstance(sqlstate, str) and len(sqlstate) == 5:  # an orbitdb.Error raised on purpose
        return SqlError(sqlstate, str(e))
    return SqlError("38000", f"Python function {name} raised {type(e).__name__}: {e}")


def _arguments(converter: Converter, arg_types: list[SqlType]) -> Callable[[tuple[Any, ...]], list[Any]]:
    convs = [converter(t.oid) for t in arg_types]

    def python_values(values: tuple[Any, ...]) -> list[Any]:
        return [v if f is None or v is None else f(v) for f, v in zip(convs, values)]

    return python_values


class PythonFunction:
    def __init__(self, name: str, nargs: int, fn: Callable[..., Any], deterministic: bool,
                 returns: SqlType, converter: Converter) -> None:
        self.name = name
        self.nargs = nargs
        self.fn = fn
        self.deterministic = deterministic
        self.returns = returns
        self._converter = converter

    def bind(self, arg_types: list[SqlType]) -> Callable[..., Any]:
        python_values = _arguments(self._converter, arg_types)
        fn, name, returns = self.fn, self.name, self.returns

        def impl(*values: Any) -> Any:
            try:
                out = fn(*python_values(values))
            except Exception as e:  # the application's code: its error, with a SQLSTATE
                raise _failure(name, e) from e
            return _to_sql(name, out, returns)

        return impl


class _Accumulator:
    """One group's instance of the application's aggregate class."""

    __slots__ = ("aggregate", "instance", "python_values")

    def __init__(self, aggregate: PythonAggregate, python_values: Callable[[tuple[Any, ...]], list[Any]]) -> None:
        self.aggregate = aggregate
        self.python_values = python_values
        try:
            self.instance = aggregate.cls()
        except Exception as e:  # the application's code
            raise _failure(aggregate.name, e) from e

    def add(self, *values: Any) -> None:
        try:
            self.instance.step(*self.python_values(values))
        except Exception as e:  # the application's code
            raise _failure(self.aggregate.name, e) from e

    def result(self) -> Any:
        try:
            out = self.instance.finalize()
        except Exception as e:  # the application's code
            raise _failure(self.aggregate.name, e) from e
        return _to_sql(self.aggregate.name, out, self.aggregate.returns)


class PythonAggregate:
    def __init__(self, name: str, nargs: int, cls: type, returns: SqlType, converter: Converter) -> None:
        self.name = name
        self.nargs = nargs
        self.cls = cls
        self.returns = returns
        self._converter = converter

    def bind(self, arg_types: list[SqlType]) -> Callable[[], _Accumulator]:
        python_values = _arguments(self._converter, arg_types)
        return lambda: _Accumulator(self, python_values)


def check_aggregate_class(cls: Any) -> None:
    if not inspect.isclass(cls) or not callable(getattr(cls, "step", None)) or not callable(
            getattr(cls, "finalize", None)):
        raise TypeError("an aggregate is a class with step(*values) and finalize() methods")
