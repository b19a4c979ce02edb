"""Array slices as PostgreSQL takes and assigns them: once any subscript is a slice, every
subscript is one (a plain `i` stands for `1:i`), each applies to its own dimension, and the
dimensions left without a subscript are taken whole. Arrays are nested Python lists with
every lower bound 1 (orbitdb keeps no other lower bound), so an assignment that would move one
is refused."""

from __future__ import annotations

from typing import Any

from orbitdb.sql.errors import SqlError

Bound = int | None  # None: the slice's bound was left out (a[:3], a[2:])
ARRAY_SUBSCRIPT_ERROR = "2202E"


def take_slice(value: list[Any], bounds: list[tuple[Bound, Bound]], first: int = 1) -> list[Any]:
    """value[lo:hi][lo:hi]..., the elements whose subscripts fall in the bounds (clipped to the
    array); an empty array when any dimension keeps nothing. `first` is the subscript of the
    first element (0 for int2vector and oidvector)."""
    taken = _take(value, bounds, 0, first)
    return taken if taken is not None else []


def _take(value: list[Any], bounds: list[tuple[Bound, Bound]], level: int, first: int) -> list[Any] | None:
    if level == len(bounds) or not isinstance(value, list):
        return value
    lo, hi = bounds[level]
    start = max((lo if lo is not None else first) - first, 0)
    stop = (hi - first + 1) if hi is not None else len(value)
    part = value[start:max(stop, start)]
    if not part:
        return None
    out = []
    for item in part:
        inner = _take(item, bounds, level + 1, first)
        if inner is None:
            return None
        out.append(inner)
    return out


def assign_slice(value: list[Any] | None, bounds: list[tuple[Bound, Bound]], source: list[Any] | None,
                 flat_elements: bool = False) -> Any:
    """value with the slice `bounds` replaced by source's elements in row-major order (source's
    own shape does not matter; elements past the slice's size are ignored). A NULL source
    leaves value as it was. A one-dimensional array grows (padded with NULLs) to take a slice
    past its end; a multidimensional one does not. flat_elements: the elements may themselves
    be lists (json, jsonb), so the arrays are taken as one-dimensional."""
    if source is None:
        return value
    elements = list(source) if flat_elements else _flatten(source)
    if not value:
        return _new_array(bounds, elements)
    dims = [len(value)] if flat_elements else _dimensions(value)
    if len(bounds) > len(dims):
        raise SqlError(ARRAY_SUBSCRIPT_ERROR, "wrong number of array subscripts")
    full = [(lo if lo is not None else 1, hi if hi is not None else dims[d])
            for d, (lo, hi) in enumerate(bounds)]
    full += [(1, dims[d]) for d in range(len(bounds), len(dims))]
    for lo, hi in full:
        if hi < lo:
            raise SqlError(ARRAY_SUBSCRIPT_ERROR, "upper bound cannot be less than lower bound")
    if len(dims) == 1:
        (lo, hi), = full
        if lo < 1:
            raise SqlError("0A000", "assignment to a slice that starts before an array's first element "
                           "(a lower bound below 1) is not supported")
        _need(elements, hi - lo + 1)
        items = list(value)
        items.extend([None] * (hi - len(items)))
        items[lo - 1:hi] = elements[:hi - lo + 1]
        return items
    for d, (lo, hi) in enumerate(full):
        if lo < 1 or hi > dims[d]:
            raise SqlError(ARRAY_SUBSCRIPT_ERROR, "array subscript out of range")
    count = 1
    for lo, hi in full:
        count *= hi - lo + 1
    _need(elements, count)
    feed = iter(elements)
    return _place(value, full, 0, feed)


def _place(value: list[Any], full: list[tuple[int, int]], level: int, feed: Any) -> list[Any]:
    lo, hi = full[level]
    items = list(value)
    for i in range(lo - 1, hi):
        items[i] = next(feed) if level == len(full) - 1 else _place(items[i], full, level + 1, feed)
    return items


def _new_array(bounds: list[tuple[Bound, Bound]], elements: list[Any]) -> list[Any]:
    """The array a slice assignment makes of a NULL or empty one: exactly the slice."""
    sizes = []
    for lo, hi in bounds:
        if lo is None or hi is None:
            raise SqlError(ARRAY_SUBSCRIPT_ERROR, "array slice subscript must provide both boundaries",
                           detail="When assigning to a slice of an empty array value, slice boundaries must "
                           "be fully specified.")
        if hi < lo:
            raise SqlError(ARRAY_SUBSCRIPT_ERROR, "upper bound cannot be less than lower bound")
        if lo != 1:
            raise SqlError("0A000", "assignment to a slice of an empty array that does not start at "
                           "subscript 1 (an array with another lower bound) is not supported")
        sizes.append(hi - lo + 1)
    count = 1
    for n in sizes:
        count *= n
    _need(elements, count)
    return _shape(elements[:count], sizes)


def _shape(elements: list[Any], sizes: list[int]) -> list[Any]:
    if len(sizes) == 1:
        return list(elements)
    step = len(elements) // sizes[0]
    return [_shape(elements[i * step:(i + 1) * step], sizes[1:]) for i in range(sizes[0])]


def _need(elements: list[Any], count: int) -> None:
    if len(elements) < count:
        raise SqlError(ARRAY_SUBSCRIPT_ERROR, "source array too small")


def _dimensions(value: list[Any]) -> list[int]:
    dims = []
    level: Any = value
    while isinstance(level, list) and level:
        dims.append(len(level))
        level = level[0]
    return dims


def _flatten(value: Any) -> list[Any]:
    if not isinstance(value, list):
        return [value]
    out: list[Any] = []
    for item in value:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out
