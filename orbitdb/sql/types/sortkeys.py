"""Keys that order and compare values of each type as PostgreSQL's btree operators do (NaN
above every float, arrays element by element then by dimensions, records field by field with
NULLs last, jsonb in its own order); json has neither equality nor ordering."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.jsonb import jsonb_sort_key


def _float_key(v: float) -> tuple[int, float]:
    return (1, 0.0) if math.isnan(v) else (0, v)


def sort_key_fn(t: SqlType) -> Callable[[Any], Any] | None:
    """A key making Python order values as PostgreSQL orders the type (None: as is)."""
    if t.oid in (T.FLOAT4.oid, T.FLOAT8.oid):
        return _float_key
    if t.oid == T.BPCHAR.oid:
        return lambda v: v.rstrip(" ")
    if t.oid == T.NUMERIC.oid:
        return lambda v: (1, Decimal(0)) if v.is_nan() else (0, v)
    if t.oid == T.BOOL.oid:
        return int
    if t.elem is not None:
        inner = sort_key_fn(t.elem)
        nested = T.strip(t.elem).oid not in (T.JSON.oid, T.JSONB.oid)  # a json element may be a list

        def arr_key(v: list[Any]) -> Any:
            # as PostgreSQL's array_cmp: the elements in storage order (a NULL after every value),
            # then the number of dimensions and their lengths; a tuple, so hashable too
            flat: list[Any] = []
            dims: list[int] = []

            def walk(level: list[Any], depth: int) -> None:
                if depth == len(dims):
                    dims.append(len(level))
                for x in level:
                    if nested and isinstance(x, list):
                        walk(x, depth + 1)
                    else:
                        flat.append((1, 0) if x is None else (0, inner(x) if inner else x))

            walk(v, 0)
            return tuple(flat), len(dims) if v else 0, tuple(dims)

        return arr_key
    if t.labels is not None:
        # an enum sorts by its labels' declaration order
        position = {label: i for i, label in enumerate(t.labels)}
        return lambda v: position.get(v, len(position))
    if t.oid == T.RECORD.oid or t.fields is not None:
        return _record_key if t.fields is None else _fields_key(t)
    if t.oid == T.JSONB.oid:
        return jsonb_sort_key
    return None


def _no_operators(t: SqlType) -> bool:
    """json (and arrays of it) has neither equality nor ordering in PostgreSQL."""
    return t.oid == T.JSON.oid or (t.elem is not None and T.strip(t.elem).oid == T.JSON.oid)


def ordering_key(t: SqlType) -> Callable[[Any], Any] | None:
    """sort_key_fn for a sort key (ORDER BY, a window's ORDER BY): 42883 for a type PostgreSQL
    cannot order."""
    if _no_operators(t):
        raise SqlError("42883", f"could not identify an ordering operator for type {t.display()}",
                       hint="Use an explicit ordering operator or modify the query.")
    return sort_key_fn(t)


def equality_key(t: SqlType) -> Callable[[Any], Any] | None:
    """sort_key_fn for a grouping key (GROUP BY, DISTINCT, set operations, PARTITION BY): 42883
    for a type PostgreSQL cannot compare."""
    if _no_operators(t):
        raise SqlError("42883", f"could not identify an equality operator for type {t.display()}")
    return sort_key_fn(t)


def _record_key(v: tuple[Any, ...]) -> Any:
    """A record's fields in order, a NULL after every value (PostgreSQL's record ordering; its
    field types are not known here, so nested records and arrays are keyed alike)."""
    return tuple((1, 0) if x is None else (0, _record_key(x) if isinstance(x, tuple)
                                              else _list_key(x) if isinstance(x, list) else x) for x in v)


def _fields_key(t: SqlType) -> Callable[[Any], Any]:
    from orbitdb.sql.types.casts import composite_fields  # casts are above sort keys

    fields = t.fields or ()
    keys = [sort_key_fn(ft) for _, ft in fields]
    read = composite_fields(t) if t.oid != T.RECORD.oid else (lambda v: v)

    def key(v: tuple[Any, ...]) -> Any:
        v = read(v)
        return tuple((1, 0) if x is None else (0, k(x) if k is not None else x) for x, k in zip(v, keys))

    return key


def _list_key(v: list[Any]) -> Any:
    return tuple((1, 0) if x is None else (0, _list_key(x) if isinstance(x, list) else x) for x in v)
