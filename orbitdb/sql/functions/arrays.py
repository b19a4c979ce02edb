"""PostgreSQL's array functions. Arrays are Python lists (nested lists for
more dimensions); every dimension's lower bound is 1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.jsonops import array_cat_values
from orbitdb.sql.functions.registry import ANY, ANYARRAY, ANYELEMENT, register
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.limits import check_dimensions, check_lower_bound

INT4, TEXT, BOOL = T.INT4, T.TEXT, T.BOOL
INT4_ARRAY = T.array_of(T.INT4)


def _array_ret(types: list[SqlType]) -> SqlType:
    for t in types:
        if t.elem is not None:
            return T.strip(t)
    for t in types:
        if t.oid != T.UNKNOWN.oid:
            return T.array_of(T.strip(t))
    return T.array_of(T.TEXT)


def _elem_ret(types: list[SqlType]) -> SqlType:
    for t in types:
        elem = T.element_type(t)
        if elem is not None:
            return T.strip(elem)
    return T.TEXT


def dims(v: list[Any]) -> list[int]:
    out = []
    cur: Any = v
    while isinstance(cur, list):
        if not cur:
            break
        out.append(len(cur))
        cur = cur[0]
    return out


def ndims(v: list[Any]) -> int:
    return len(dims(v))


def flatten(v: list[Any]) -> Iterator[Any]:
    for x in v:
        if isinstance(x, list):
            yield from flatten(x)
        else:
            yield x


def _same(a: Any, b: Any) -> bool:
    """IS NOT DISTINCT FROM for array elements."""
    if a is None or b is None:
        return a is None and b is None
    return bool(a == b)


@register("array_length", [ANYARRAY, INT4], INT4)
def array_length(v: list[Any], dim: int) -> int | None:
    d = dims(v)
    return d[dim - 1] if 1 <= dim <= len(d) else None


@register("array_lower", [ANYARRAY, INT4], INT4)
def array_lower(v: list[Any], dim: int) -> int | None:
    return 1 if 1 <= dim <= ndims(v) else None


@register("array_upper", [ANYARRAY, INT4], INT4)
def array_upper(v: list[Any], dim: int) -> int | None:
    return array_length(v, dim)


@register("array_ndims", [ANYARRAY], INT4)
def array_ndims(v: list[Any]) -> int | None:
    n = ndims(v)
    return n or None


@register("array_dims", [ANYARRAY], TEXT)
def array_dims(v: list[Any]) -> str | None:
    d = dims(v)
    if not d:
        return None
    return "".join(f"[1:{n}]" for n in d)


@register("cardinality", [ANYARRAY], INT4)
def cardinality(v: list[Any]) -> int:
    return sum(1 for _ in flatten(v))


@register("array_append", [ANYARRAY, ANYELEMENT], _array_ret, strict=False)
def array_append(v: list[Any] | None, x: Any) -> list[Any]:
    if v is None:
        return [x]
    if v and isinstance(v[0], list):
        raise SqlError("22000", "argument must be empty or one-dimensional array")
    return v + [x]


@register("array_prepend", [ANYELEMENT, ANYARRAY], _array_ret, strict=False)
def array_prepend(x: Any, v: list[Any] | None) -> list[Any]:
    if v is None:
        return [x]
    if v and isinstance(v[0], list):
        raise SqlError("22000", "argument must be empty or one-dimensional array")
    return [x] + v


# sqlglot hands array_prepend(elem, arr) over as (arr, elem)
register("array_prepend", [ANYARRAY, ANYELEMENT], _array_ret, strict=False)(lambda v, x: array_prepend(x, v))


@register("array_cat", [ANYARRAY, ANYARRAY], _array_ret, strict=False)
def array_cat(a: list[Any] | None, b: list[Any] | None) -> list[Any] | None:
    return array_cat_values(a, b)


def _one_dim(v: list[Any], what: str) -> None:
    if v and isinstance(v[0], list):
        raise SqlError("0A000", f"{what} from multidimensional arrays is not supported")


@register("array_remove", [ANYARRAY, ANYELEMENT], _array_ret, strict=False)
def array_remove(v: list[Any] | None, x: Any) -> list[Any] | None:
    if v is None:
        return None
    _one_dim(v, "removing elements")
    return [e for e in v if not _same(e, x)]


@register("array_replace", [ANYARRAY, ANYELEMENT, ANYELEMENT], _array_ret, strict=False)
def array_replace(v: list[Any] | None, old: Any, new: Any) -> list[Any] | None:
    if v is None:
        return None

    def rep(a: list[Any]) -> list[Any]:
        return [rep(e) if isinstance(e, list) else (new if _same(e, old) else e) for e in a]

    return rep(v)


@register("array_position", [ANYARRAY, ANYELEMENT], INT4, strict=False)
def array_position(v: list[Any] | None, x: Any, start: int | None = 1) -> int | None:
    if v is None:
        return None
    if v and isinstance(v[0], list):
        raise SqlError("0A000", "searching for elements in multidimensional arrays is not supported")
    if start is None:
        raise SqlError("22004", "initial position must not be null")
    for i in range(max(start, 1) - 1, len(v)):
        if _same(v[i], x):
            return i + 1
    return None


register("array_position", [ANYARRAY, ANYELEMENT, INT4], INT4, strict=False)(array_position)


@register("array_positions", [ANYARRAY, ANYELEMENT], INT4_ARRAY, strict=False)
def array_positions(v: list[Any] | None, x: Any) -> list[int] | None:
    if v is None:
        return None
    if v and isinstance(v[0], list):
        raise SqlError("0A000", "searching for elements in multidimensional arrays is not supported")
    return [i + 1 for i, e in enumerate(v) if _same(e, x)]


@register("unnest", [ANYARRAY], _elem_ret, set_returning=True)
def unnest(v: list[Any]) -> Iterator[Any]:
    return flatten(v)


def _unnest_columns(types: list[SqlType]) -> list[tuple[str, SqlType]]:
    """Columns of unnest(a1, a2, ...) in FROM: one "unnest" column per array."""
    elems = [T.element_type(t) for t in types]
    for t, elem in zip(types, elems):
        if elem is None and t.oid != T.UNKNOWN.oid:
            names = ", ".join(x.display() for x in types)
            raise SqlError("42883", f"function unnest({names}) does not exist",
                           hint="No function matches the given name and argument types. You might need to add "
                                "explicit type casts.")
    return [("unnest", T.strip(elem) if elem is not None else T.TEXT) for elem in elems]


def _unnest_ret(types: list[SqlType]) -> SqlType:
    _unnest_columns(types)
    return T.RECORD


def unnest_many(*arrays: list[Any] | None) -> Iterator[tuple[Any, ...]]:
    """unnest(a1, a2, ...): the arrays side by side, the shorter ones padded with NULLs."""
    from itertools import zip_longest

    flat = [list(flatten(a)) if a is not None else [] for a in arrays]
    return iter(zip_longest(*flat))


unnest_many.columns = _unnest_columns  # type: ignore[attr-defined]  (columns as a function of the arg types)
for _n in range(2, 101):  # unnest(a1, ..., an) in FROM: Django's bulk_create passes one array per column
    register("unnest", [ANY] * _n, _unnest_ret, strict=False, set_returning=True)(unnest_many)


@register("generate_subscripts", [ANYARRAY, INT4], INT4, set_returning=True)
def generate_subscripts(v: list[Any], dim: int, reverse: bool = False) -> list[int]:
    d = dims(v)
    if not 1 <= dim <= len(d):
        return []
    r = list(range(1, d[dim - 1] + 1))
    return r[::-1] if reverse else r


register("generate_subscripts", [ANYARRAY, INT4, BOOL], INT4, set_returning=True)(generate_subscripts)


def _fill_ret(types: list[SqlType]) -> SqlType:
    t = types[0]
    return T.array_of(T.strip(t) if t.oid != T.UNKNOWN.oid else T.TEXT)


@register("array_fill", [ANYELEMENT, INT4_ARRAY], _fill_ret, strict=False)
def array_fill(x: Any, lengths: list[Any] | None, lower: list[Any] | None = None) -> list[Any] | None:
    if lengths is None:
        raise SqlError("22004", "dimension array or low bound array cannot be null")
    if lengths and isinstance(lengths[0], list):
        raise SqlError("2202E", "wrong number of array subscripts",
                       detail="Dimension array must be one dimensional.")
    if lower is not None and len(lower) != len(lengths):
        raise SqlError("2202E", "wrong number of array subscripts",
                       detail="Low bound array has different size than dimensions array.")
    if any(n is None for n in lengths):
        raise SqlError("22004", "dimension values cannot be null")
    check_dimensions(len(lengths))
    total = 1
    for n in lengths:
        total *= n
    if any(n < 0 for n in lengths) or total > 134217727:
        raise SqlError("54000", "array size exceeds the maximum allowed (134217727)")
    for n, low in zip(lengths, lower or ()):
        if low is None:
            raise SqlError("22004", "dimension values cannot be null")
        check_lower_bound(n, low)
    if not lengths or total == 0:
        return []

    def build(level: int) -> list[Any]:
        if level == len(lengths) - 1:
            return [x] * lengths[level]
        return [build(level + 1) for _ in range(lengths[level])]

    return build(0)


@register("array_fill", [ANYELEMENT, INT4_ARRAY, INT4_ARRAY], _fill_ret, strict=False)
def array_fill_with_bounds(x: Any, lengths: list[Any] | None, lower: list[Any] | None) -> list[Any] | None:
    if lower is None:
        raise SqlError("22004", "dimension array or low bound array cannot be null")
    return array_fill(x, lengths, lower)


@register("trim_array", [ANYARRAY, INT4], _array_ret)
def trim_array(v: list[Any], n: int) -> list[Any]:
    length = len(v)
    if n < 0 or n > length:
        raise SqlError("2202E", "number of elements to trim must be between 0 and " + str(length))
    return v[: length - n]


__all__ = ["array_append", "array_cat", "array_prepend", "dims", "flatten", "ndims"]
