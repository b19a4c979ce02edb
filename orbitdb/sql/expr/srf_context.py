"""Where a set-returning function call may stand: the select list and FROM take its rows (the
planner refuses it nested inside an expression there); PostgreSQL also expands it in ORDER BY and
GROUP BY; anywhere else (WHERE, HAVING, an aggregate's argument...) it is refused, for built-in
and user-defined functions alike."""

from __future__ import annotations

from orbitdb.sql.errors import SqlError

_SETS_TAKEN = ("", "functions in FROM")
_SETS_EXPANDED = ("ORDER BY", "GROUP BY")
_INSIDE_CALLS = {"aggregate function calls cannot be nested": "aggregate function calls",
                 "window function calls cannot be nested": "window function calls"}


def check_set_returning_context(where: str) -> None:
    if where in _SETS_TAKEN:
        return
    if where in _SETS_EXPANDED:
        raise SqlError("0A000", f"set-returning functions in {where} are not supported by orbitdb",
                       hint="Call the function in FROM and refer to its column.")
    inside = _INSIDE_CALLS.get(where)
    if inside is not None:
        raise SqlError("0A000", f"{inside} cannot contain set-returning function calls")
    raise SqlError("0A000", f"set-returning functions are not allowed in {where or 'this context'}")
