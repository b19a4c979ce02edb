"""Columnar fetch for the DB-API cursor: a result as {column: numpy array} (NULLs as masked
arrays), a pandas DataFrame or a pyarrow Table. Integer, float and boolean columns become
int64, float64 and bool arrays, dates datetime64[D]; every other type keeps the values
fetchall() gives in an object array."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import numpy as np

INT_OIDS = {20, 21, 23, 26}  # int8, int2, int4, oid
FLOAT_OIDS = {700, 701}
BOOL_OID = 16
DATE_OID = 1082

Array = Any  # np.ndarray or np.ma.MaskedArray


def _column(values: Sequence[Any], oid: int) -> Array:
    has_null = None in values  # (a scan in C; the mask is built only for a column with NULLs)
    nulls = np.fromiter((v is None for v in values), dtype=np.bool_, count=len(values)) if has_null else None
    dtype: Any = object
    fill: Any = None
    if oid in INT_OIDS:
        dtype, fill = np.int64, 0
    elif oid in FLOAT_OIDS:
        dtype, fill = np.float64, 0.0
    elif oid == BOOL_OID:
        dtype, fill = np.bool_, False
    elif oid == DATE_OID and all(type(v) is datetime.date for v in values if v is not None):
        dtype, fill = "datetime64[D]", datetime.date(1970, 1, 1)  # (infinity stays an object)
    if dtype is object:
        arr = np.empty(len(values), dtype=object)
        arr[:] = list(values)
    else:
        try:
            arr = np.array([fill if v is None else v for v in values] if has_null else values, dtype=dtype)
        except OverflowError:  # an oid past int64 cannot happen; anything else keeps its objects
            arr = np.empty(len(values), dtype=object)
            arr[:] = list(values)
    return np.ma.MaskedArray(arr, mask=nulls) if has_null else arr


def to_numpy(description: Sequence[Any], rows: list[tuple[Any, ...]]) -> dict[str, Array]:
    # a column at a time with itemgetter (a loop in C); zip(*rows) is slow for many rows
    columns = [list(map(itemgetter(i), rows)) for i in range(len(description))]
    return {d[0]: _column(col, d[1]) for d, col in zip(description, columns)}


_NATIVE = [(INT_OIDS, np.int64, 0), (FLOAT_OIDS, np.float64, 0.0), ({BOOL_OID}, np.bool_, False)]


def merge_numpy(description: Sequence[Any], convs: Sequence[Any] | None, rows: list[tuple[Any, ...]],
                columns: list[tuple[Any, Any]]) -> dict[str, Array]:
    """to_numpy of rows followed by the rows given as columns ((values, NULL mask) arrays, as
    the batch executor makes them): the same arrays, dtypes and masks as to_numpy of all of them.
    An int, float or bool column whose values need no conversion stays a numpy array throughout;
    any other column goes through the row path's values (with the cursor's converters)."""
    out: dict[str, Array] = {}
    for i, (d, (values, nulls)) in enumerate(zip(description, columns)):
        conv = convs[i] if convs is not None else None
        native = next(((t, fill) for oids, t, fill in _NATIVE if d[1] in oids), None)
        if conv is None and native is not None and values.dtype == native[0]:
            dtype, fill = native
            head = list(map(itemgetter(i), rows))
            head_nulls = np.fromiter((v is None for v in head), dtype=np.bool_, count=len(head))
            head_arr = np.array([fill if v is None else v for v in head], dtype=dtype)
            data = np.concatenate([head_arr, values]) if len(head) else values.copy()
            mask = np.concatenate([head_nulls, nulls]) if len(head) else nulls
            if mask.any():
                data[mask] = fill
                out[d[0]] = np.ma.MaskedArray(data, mask=mask)
            else:
                out[d[0]] = data
            continue
        rest = values.tolist()
        for j in np.flatnonzero(nulls).tolist():
            rest[j] = None
        if conv is not None:
            rest = [v if v is None else conv(v) for v in rest]
        out[d[0]] = _column(list(map(itemgetter(i), rows)) + rest, d[1])
    return out


def _objects(arr: Any) -> Any:
    """A masked object array's values with None for its NULLs (filled() would put a fill value)."""
    out = np.empty(len(arr), dtype=object)
    out[:] = list(arr.data)
    out[np.ma.getmaskarray(arr)] = None
    return out


def to_dataframe(arrays: dict[str, Array]) -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("cursor.fetchdf() needs pandas: pip install 'orbitdb[pandas]'") from None
    data: dict[str, Any] = {}
    for name, arr in arrays.items():
        if isinstance(arr, np.ma.MaskedArray) and arr.dtype != object:
            mask = np.ma.getmaskarray(arr)
            if arr.dtype == np.int64:
                data[name] = pd.arrays.IntegerArray(arr.data, mask)
            elif arr.dtype == np.float64:
                data[name] = pd.arrays.FloatingArray(arr.data, mask)
            elif arr.dtype == np.bool_:
                data[name] = pd.arrays.BooleanArray(arr.data, mask)
            else:
                data[name] = pd.Series(np.where(mask, np.datetime64("NaT"), arr.data))
        elif isinstance(arr, np.ma.MaskedArray):
            data[name] = _objects(arr)
        else:
            data[name] = arr
    return pd.DataFrame(data)


def to_arrow(arrays: dict[str, Array]) -> Any:
    try:
        import pyarrow as pa
    except ImportError:
        raise ImportError("cursor.fetch_arrow_table() needs pyarrow: pip install 'orbitdb[arrow]'") from None
    cols = {}
    for name, arr in arrays.items():
        if isinstance(arr, np.ma.MaskedArray):
            mask = np.ma.getmaskarray(arr)
            cols[name] = pa.array(arr.data if arr.dtype != object else _objects(arr), mask=mask)
        else:
            cols[name] = pa.array(arr)
    return pa.table(cols)
