"""Numpy columns as bytes for temporary files: each column's values (raw bytes of a numeric
array, a list of the values of an object array: str, int, None...) and its NULL mask, written
with marshal (C speed; it refuses any value that is not a plain one)."""

from __future__ import annotations

import marshal
from typing import Any

import numpy as np

from orbitdb.sql.errors import SqlError

Array = np.ndarray[Any, Any]
Columns = list[tuple[Array, Array]]  # (values, NULL mask) per column


def encode_columns(n: int, columns: Columns) -> bytes:
    parts = []
    for v, m in columns:
        if v.dtype == object:
            parts.append(("O", v.tolist(), m.tobytes()))
        else:
            parts.append((v.dtype.str, v.tobytes(), m.tobytes()))
    try:
        return marshal.dumps((n, parts))
    except ValueError as e:  # a value of a kind marshal does not write (never a batch's own)
        raise SqlError("XX000", f"cannot write a batch column to a temporary file: {e}") from None


def decode_columns(data: bytes) -> tuple[int, Columns]:
    n, parts = marshal.loads(data)
    out: Columns = []
    for dtype, payload, mask in parts:
        if dtype == "O":
            v = np.empty(n, object)
            v[:] = payload
        else:
            v = np.frombuffer(payload, np.dtype(dtype))
        out.append((v, np.frombuffer(mask, np.bool_)))
    return n, out


def columns_bytes(columns: Columns) -> int:
    """Memory the columns hold: their arrays, and OBJECT_BYTES for each object value."""
    return sum(v.nbytes + m.nbytes + (OBJECT_BYTES * len(v) if v.dtype == object else 0) for v, m in columns)


OBJECT_BYTES = 64  # an object value's share of memory (a short str: its object, its slot)
