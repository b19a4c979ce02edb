"""jsonb values as orbitdb holds them: parsed Python values (dict, list, str, int, Decimal/float,
bool, JSON_NULL); jsonb objects keep their keys in jsonb's order (shorter keys first, then
bytewise). None is SQL NULL, never a JSON value: a missing key or element is None, a JSON null is
JSON_NULL. Reading, containment, equality and jsonb's sort order, on values only."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.pgtext.jsons import format_json
from orbitdb.sql.types.pgtext.numbers import format_float8
from orbitdb.storage.jsonnull import JSON_NULL, from_python

# ---------------------------------------------------------------------------
# value helpers


def is_json(t: SqlType) -> bool:
    return t.oid in (T.JSON.oid, T.JSONB.oid)


def key_order(key: str) -> tuple[int, bytes]:
    raw = key.encode("utf-8")
    return len(raw), raw


def jsonb_object(pairs: Any) -> dict[str, Any]:
    """A dict with jsonb's key order (later duplicates win)."""
    d = dict(pairs)
    return {k: d[k] for k in sorted(d, key=key_order)}


def normalize_jsonb(v: Any) -> Any:
    """A JSON value as jsonb holds it: keys in jsonb order, floats as numerics."""
    if v is None:
        return JSON_NULL
    if isinstance(v, dict):
        return {k: normalize_jsonb(v[k]) for k in sorted(v, key=key_order)}
    if isinstance(v, list):
        return [normalize_jsonb(x) for x in v]
    if isinstance(v, float):
        return _float_json(v)
    return v


def python_json(v: Any, jsonb: bool) -> Any:
    """A JSON document given as Python data (a DB-API parameter: None is null there)."""
    v = from_python(v)
    return normalize_jsonb(v) if jsonb else v


def _float_json(v: float) -> Any:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    text = format_float8(v)
    d = Decimal(text)
    return int(d) if d == d.to_integral_value() and "e" not in text.lower() and "." not in text else d


def kind(v: Any) -> str:
    """jsonb_typeof."""
    if v is JSON_NULL or v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float, Decimal)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def json_text(v: Any, jsonb: bool = True) -> str:
    return format_json(v, jsonb=jsonb)


def as_text(v: Any, jsonb: bool = True) -> str | None:
    """->> : a JSON value as text (strings unquoted, null as NULL)."""
    if v is None or v is JSON_NULL:
        return None
    if isinstance(v, str):
        if "\x00" in v:  # a json string may hold \u0000; text cannot
            raise SqlError("22P05", "unsupported Unicode escape sequence",
                           detail="\\u0000 cannot be converted to text.")
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    return json_text(v, jsonb)


def get_field(v: Any, key: str) -> Any:
    if isinstance(v, dict):
        return v.get(key)
    return None


def get_elem(v: Any, idx: int, jsonb: bool = True) -> Any:
    if isinstance(v, list):
        n = len(v)
        if idx < 0:
            idx += n
        if 0 <= idx < n:
            return v[idx]
        return None
    if jsonb and not isinstance(v, dict) and idx in (0, -1):  # a raw scalar acts as a one-element array
        return v
    return None


MISSING = object()


def get_path(v: Any, path: list[Any], jsonb: bool = True) -> Any:
    """#> : follow text path elements (integers for arrays); MISSING if absent."""
    cur = v
    for p in path:
        if p is None:
            return MISSING
        if isinstance(cur, dict):
            if p not in cur:
                return MISSING
            cur = cur[p]
        elif isinstance(cur, list):
            idx = _path_index(p)
            if idx is None:
                return MISSING
            n = len(cur)
            if idx < 0:
                idx += n
            if not 0 <= idx < n:
                return MISSING
            cur = cur[idx]
        else:
            return MISSING
    return cur


def _path_index(p: Any) -> int | None:
    if isinstance(p, int):
        return p
    text = str(p).strip()
    try:
        return int(text)
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# containment, existence


def contains(a: Any, b: Any, top: bool = True) -> bool:
    """jsonb @> (JsonbDeepContains)."""
    if isinstance(a, dict):
        if not isinstance(b, dict):
            return False
        for k, bv in b.items():
            if k not in a:
                return False
            av = a[k]
            if isinstance(bv, (dict, list)) or isinstance(av, (dict, list)):
                if type(av) is not type(bv) and not (isinstance(av, list) and isinstance(bv, list)):
                    return False
                if not contains(av, bv, False):
                    return False
            elif not scalar_eq(av, bv):
                return False
        return True
    if isinstance(a, list):
        if isinstance(b, dict):
            return False
        if not isinstance(b, list):
            if not top:
                return False
            b = [b]
        for bv in b:
            if isinstance(bv, (dict, list)):
                if not any(isinstance(av, type(bv)) and contains(av, bv, False) for av in a):
                    return False
            elif not any(not isinstance(av, (dict, list)) and scalar_eq(av, bv) for av in a):
                return False
        return True
    if isinstance(b, (dict, list)):
        return False
    return scalar_eq(a, b)


def scalar_eq(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if a is JSON_NULL or b is JSON_NULL:
        return a is JSON_NULL and b is JSON_NULL
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    return Decimal(str(a)) == Decimal(str(b)) if isinstance(a, float) or isinstance(b, float) else a == b


def exists(v: Any, key: str) -> bool:
    """jsonb ? text."""
    if isinstance(v, dict):
        return key in v
    if isinstance(v, list):
        return any(isinstance(x, str) and x == key for x in v)
    return isinstance(v, str) and v == key


# ---------------------------------------------------------------------------
# sort order


def jsonb_sort_key(v: Any) -> Any:
    """A key giving PostgreSQL's jsonb ordering: Object > Array > Boolean > Number >
    String > Null; an empty top-level array sorts below null."""
    if isinstance(v, list) and not v:
        return (-1,)
    return _sort_key(v)


def _sort_key(v: Any) -> Any:
    if v is JSON_NULL or v is None:
        return (0,)
    if isinstance(v, bool):
        return (3, v)
    if isinstance(v, (int, Decimal)):
        return (2, v)
    if isinstance(v, float):
        return (2, Decimal(repr(v)) if math.isfinite(v) else Decimal(0))
    if isinstance(v, str):
        return (1, v.encode("utf-8"))
    if isinstance(v, list):
        return (4, len(v), tuple(_sort_key(x) for x in v))
    if isinstance(v, dict):
        keys = sorted(v, key=key_order)
        return (5, len(v), tuple((key_order(k), _sort_key(v[k])) for k in keys))
    return (1, str(v).encode("utf-8"))


# ---------------------------------------------------------------------------
# SQL values -> JSON values
