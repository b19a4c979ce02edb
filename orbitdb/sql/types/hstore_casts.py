"""The casts of the hstore type: text in (a literal at once, text explicitly), text out (assignment
or explicit), hstore -> json / jsonb and text[] -> hstore (explicit, as the extension declares them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.hstore import from_flat_array, hstore_in, pairs_of

_TEXTS = (T.TEXT.oid, T.VARCHAR.oid, T.BPCHAR.oid, T.NAME.oid, T.CHAR.oid)
_ASSIGNMENT, _EXPLICIT = 1, 2


def hstore_cast(src: SqlType, dst: SqlType, ctx: int) -> Callable[[Any], Any] | None:
    if dst.native == "hstore":
        if src.native == "hstore":
            return lambda v: v
        if src.oid == T.UNKNOWN.oid or (src.oid in _TEXTS and ctx == _EXPLICIT):
            return hstore_in
        if src.elem is not None and src.elem.oid in _TEXTS and ctx == _EXPLICIT:
            return from_flat_array
        return None
    if src.native == "hstore":
        if dst.oid in _TEXTS and ctx >= _ASSIGNMENT:
            return lambda v: v
        if dst.oid in (T.JSON.oid, T.JSONB.oid) and ctx == _EXPLICIT:
            return lambda v: dict(pairs_of(v))
    return None
