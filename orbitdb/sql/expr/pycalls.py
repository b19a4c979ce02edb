"""Calls of the functions and aggregates an application registered on its connection in Python
(orbitdb's con.create_function / con.create_aggregate, sqlite3's habit).

They belong to the one session (session.python_functions / python_aggregates: name -> number of
arguments (-1: any) -> the registered object), are looked up before the built-in functions of the
same name and number of arguments (the application named them on purpose), and are never stored
in the catalog: another session, a view or a column default cannot call them. The registered
objects come from the layer above, which converts values between SQL and Python:

    fn.name, fn.returns (SqlType), fn.deterministic, fn.bind(arg_types) -> impl(*values) -> value
    agg.name, agg.returns (SqlType), agg.bind(arg_types) -> a factory of accumulators
        (.add(*values), .result())
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import E, coerce, const
from orbitdb.sql.types import SqlType

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler


def _find(table: Any, name: str, nargs: int) -> Any:
    if not table:
        return None
    by_count = table.get(name)
    if by_count is None:
        return None
    found = by_count.get(nargs)
    return found if found is not None else by_count.get(-1)


def _session(c: Compiler) -> Any:
    planner = c.planner
    return getattr(planner, "session", None) if planner is not None else None


def session_function(c: Compiler, name: str, nargs: int) -> Any:
    return _find(getattr(_session(c), "python_functions", None), name, nargs)


def session_aggregate(c: Compiler, name: str, nargs: int) -> Any:
    return _find(getattr(_session(c), "python_aggregates", None), name, nargs)


def is_session_aggregate(session: Any, name: str) -> bool:
    return bool(getattr(session, "python_aggregates", None)) and name in session.python_aggregates


def _argument(a: E) -> E:
    return coerce(a, T.TEXT) if a.type.oid == T.UNKNOWN.oid else a  # a quoted literal is text


def compile_call(f: Any, args: list[E]) -> E:
    """A call of a session function: values in, its value out (not folded at planning unless the
    application said it is deterministic)."""
    args = [_argument(a) for a in args]
    impl: Callable[..., Any] = f.bind([a.type for a in args])
    fns = [a.fn for a in args]

    def call(row: Any) -> Any:
        return impl(*[g(row) for g in fns])

    returns: SqlType = f.returns
    if f.deterministic and all(a.const for a in args):
        try:
            return const(call(None), returns, f.name)
        except SqlError:
            pass  # raised when a row reaches it, as PostgreSQL would
    return E(call, returns, name=f.name)


def resolve_aggregate(agg: Any, types: list[SqlType]) -> tuple[SqlType, Callable[[], Any], list[SqlType]]:
    """As aggregates.resolve_aggregate: (result type, accumulator factory, argument types)."""
    want = [T.TEXT if t.oid == T.UNKNOWN.oid else t for t in types]
    return agg.returns, agg.bind(want), want
