"""JSON text of json/jsonb values as rows store them: Decimal numbers written exactly and read
back as Decimal, JSON's null as JSON_NULL (never as SQL NULL)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from orbitdb.storage.jsonnull import JSON_NULL, from_python


def json_text(v: Any) -> str:
    """JSON text of a json/jsonb value; Decimal numbers are written exactly."""
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if v is JSON_NULL or v is None:
        return "null"
    if isinstance(v, (bool, int, float)):
        return json.dumps(v)
    if isinstance(v, Decimal):
        return str(v) if v.is_finite() else json.dumps(str(v))
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + json_text(x) for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(json_text(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False)


def json_value(s: str) -> Any:
    v = json.loads(s, parse_float=Decimal)
    # a stored null (top level since JSON_NULL, inside objects and arrays always) is JSON_NULL
    return from_python(v) if "null" in s else v
