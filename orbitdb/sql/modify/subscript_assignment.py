"""UPDATE ... SET col[i] = v (an array element) and SET col['k'][0] = v (a jsonb path), as
PostgreSQL assigns through subscripts: several assignments to one column apply in order, a jsonb
path is created where it is missing (objects for text keys, arrays padded with nulls for integer
ones), an array past its end is padded with NULLs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.array_slices import assign_slice
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import coerce
from orbitdb.sql.modify.constraints import assignment
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import ASSIGNMENT
from orbitdb.sql.types.jsonb import jsonb_object
from orbitdb.storage.jsonnull import JSON_NULL

Row = Any
Fn = Callable[[Row], Any]


def subscript_target(node: exp.Expression) -> tuple[exp.Column, list[exp.Expression]] | None:
    """(the column, its subscripts outermost last) of a target such as a[1] or jb['k'][0]."""
    subscripts: list[exp.Expression] = []
    while isinstance(node, exp.Bracket):
        items = list(node.expressions)
        subscripts.extend(reversed(items))
        node = node.this
    if not subscripts or not isinstance(node, exp.Column):
        return None
    subscripts.reverse()
    return node, subscripts


def compile_subscripted(comp: Compiler, column: exp.Column, column_type: SqlType, name: str,
                        steps: list[tuple[list[exp.Expression], exp.Expression]], table_name: str) -> Fn:
    """The new value of a column that `steps` (subscripts, value) assign into, in order."""
    old = _old_value(comp, column, table_name)
    if column_type.oid == T.JSONB.oid:
        if any(isinstance(sub, exp.Slice) for subs, _ in steps for sub in subs):
            raise SqlError("42804", "jsonb subscript does not support slices")
        compiled = [([comp.compile(s).fn for s in subs], assignment(comp.compile(v), T.JSONB, name))
                    for subs, v in steps]
        apply: Callable[[Any, list[Any], Any], Any] = _assign_jsonb
    elif column_type.elem is not None:
        element = column_type.elem
        flat = element.oid in (T.JSON.oid, T.JSONB.oid)  # their elements may be lists themselves
        compiled = []
        appliers: list[Callable[[Any, list[Any], Any], Any]] = []
        for subs, v in steps:
            if any(isinstance(sub, exp.Slice) for sub in subs):
                bounds = [_compile_bound(comp, sub) for sub in subs]
                compiled.append(([_slice_bounds(bounds)], assignment(comp.compile(v), column_type, name)))
                appliers.append(_slice_assigner(flat))
            else:
                indexes = [coerce(comp.compile(sub), T.INT4, ASSIGNMENT, "array subscript").fn for sub in subs]
                compiled.append((indexes, assignment(comp.compile(v), element, name)))
                appliers.append(_assign_array if len(subs) == 1 else _assign_element)

        def run_array(row: Row) -> Any:
            value = old(row)
            for (subs, new), apply_step in zip(compiled, appliers):
                value = apply_step(value, [s(row) for s in subs], new(row))
            return value

        return run_array
    else:
        raise SqlError("42804", f'cannot subscript type {column_type.display()} because it does not support subscripting')

    def run(row: Row) -> Any:
        value = old(row)
        for subs, new in compiled:
            value = apply(value, [s(row) for s in subs], new(row))
        return value

    return run


def _old_value(comp: Compiler, column: exp.Column, table_name: str) -> Fn:
    """The column's value before the assignment: the target table's column, also where EXCLUDED
    has one of the same name (ON CONFLICT DO UPDATE)."""
    try:
        return comp.compile(column).fn
    except SqlError as e:
        if e.sqlstate != "42702":
            raise
    qualified = exp.Column(this=column.this.copy(), table=exp.Identifier(this=table_name, quoted=True))
    return comp.compile(qualified).fn


def _compile_bound(comp: Compiler, sub: exp.Expression) -> tuple[Fn | None, Fn | None, bool]:
    """(lower, upper, is a slice) of one subscript; a plain subscript i among slices is 1:i."""
    def bound(node: exp.Expression | None) -> Fn | None:
        return None if node is None else coerce(comp.compile(node), T.INT4, ASSIGNMENT, "array subscript").fn
    if isinstance(sub, exp.Slice):
        return bound(sub.this), bound(sub.expression), True
    return None, bound(sub), False


def _slice_bounds(bounds: list[tuple[Fn | None, Fn | None, bool]]) -> Fn:
    def run(row: Row) -> list[tuple[int | None, int | None]]:
        out: list[tuple[int | None, int | None]] = []
        for lo_fn, hi_fn, is_slice in bounds:
            lo = lo_fn(row) if lo_fn is not None else (None if is_slice else 1)
            hi = hi_fn(row) if hi_fn is not None else None
            if (lo_fn is not None and lo is None) or (hi_fn is not None and hi is None):
                raise SqlError("22004", "array subscript in assignment must not be null")
            out.append((lo, hi))
        return out
    return run


def _slice_assigner(flat: bool) -> Callable[[Any, list[Any], Any], Any]:
    def apply(value: Any, subscripts: list[Any], new: Any) -> Any:
        return assign_slice(value, subscripts[0], new, flat)
    return apply


def _assign_element(value: list[Any] | None, subscripts: list[Any], new: Any) -> list[Any]:
    """value[i][j]... = new in a multidimensional array: only within its bounds, as PostgreSQL."""
    if any(i is None for i in subscripts):
        raise SqlError("22004", "array subscript in assignment must not be null")
    if not value:
        if any(i != 1 for i in subscripts):
            raise SqlError("0A000", "assignment to an element of an empty array other than [1][1]... "
                           "(an array with another lower bound) is not supported")
        made: Any = new
        for _ in subscripts:
            made = [made]
        return made
    return _set_element(value, subscripts, new, 0)


def _set_element(value: Any, subscripts: list[Any], new: Any, level: int) -> Any:
    if not isinstance(value, list):
        raise SqlError("2202E", "wrong number of array subscripts")
    index = subscripts[level]
    if index < 1 or index > len(value):
        raise SqlError("2202E", "array subscript out of range")
    items = list(value)
    if level == len(subscripts) - 1:
        if isinstance(items[index - 1], list):
            raise SqlError("2202E", "wrong number of array subscripts")
        items[index - 1] = new
    else:
        items[index - 1] = _set_element(items[index - 1], subscripts, new, level + 1)
    return items


def _assign_array(value: list[Any] | None, subscripts: list[Any], new: Any) -> list[Any]:
    (index,) = subscripts
    if index is None:
        raise SqlError("22004", "array subscript in assignment must not be null")
    items = list(value) if value is not None else []
    if items and isinstance(items[0], list):
        raise SqlError("2202E", "wrong number of array subscripts")
    if index < 1:
        raise SqlError("0A000", "assignment before an array's first element (a lower bound below 1) is not supported")
    if value is None and index != 1:
        raise SqlError("0A000", "assignment to element of a NULL array other than [1] is not supported")
    while len(items) < index:
        items.append(None)
    items[index - 1] = new
    return items


def _assign_jsonb(value: Any, keys: list[Any], new: Any) -> Any:
    for k in keys:
        if k is None:
            raise SqlError("22004", "jsonb subscript in assignment must not be null")
    return _set(value, keys, JSON_NULL if new is None else new, 0)


def _set(value: Any, keys: list[Any], new: Any, level: int) -> Any:
    if level == len(keys):
        return new
    key = keys[level]
    if value is None or value is JSON_NULL and level > 0:
        value = [] if isinstance(key, int) else {}
    if isinstance(value, dict):
        name = str(key)
        pairs = dict(value)
        pairs[name] = _set(value.get(name), keys, new, level + 1)
        return jsonb_object(pairs.items())
    if isinstance(value, list):
        index = _array_index(key, level)
        items = list(value)
        if index < 0:
            index += len(items)
            if index < 0:
                raise SqlError("22023", f"path element at position {level + 1} is out of range: {key}")
        while len(items) <= index:
            items.append(JSON_NULL)
        items[index] = _set(items[index] if items[index] is not JSON_NULL else None, keys, new, level + 1)
        return items
    raise SqlError("22023", "cannot replace existing key" if level else "cannot set path in scalar")


def _array_index(key: Any, level: int) -> int:
    if isinstance(key, int):
        return key
    try:
        return int(str(key).strip())
    except ValueError:
        raise SqlError("22P02", f'path element at position {level + 1} is not an integer: "{key}"') from None
