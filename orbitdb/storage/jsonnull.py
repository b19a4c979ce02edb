"""JSON's null as a json/jsonb value.

Python's None is SQL NULL everywhere in orbitdb, so a JSON null (`'null'::jsonb`, the value of
`'{"a": null}'::jsonb -> 'a'`, an element of `'[null]'`) is this singleton instead, at the top of
a value and inside objects and arrays alike: nothing that tests `v is None` for SQL NULL can take
it for one. It lives in storage because the row and key codecs read and write it."""

from __future__ import annotations

from typing import Any


class JsonNull:
    """The type of JSON_NULL: use that one instance, never make another."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "JSON_NULL"

    def __reduce__(self) -> str:
        # pickling and copying give back the singleton, so `is JSON_NULL` keeps holding
        return "JSON_NULL"


JSON_NULL = JsonNull()


def from_python(value: Any) -> Any:
    """A value decoded by Python's json module (None for null) as orbitdb holds JSON."""
    if value is None:
        return JSON_NULL
    if isinstance(value, dict):
        return {key: from_python(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [from_python(item) for item in value]
    return value


def to_python(value: Any) -> Any:
    """A JSON value with null as None, as Python's json module and the drivers give it."""
    if value is JSON_NULL:
        return None
    if isinstance(value, dict):
        return {key: to_python(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_python(item) for item in value]
    return value


__all__ = ["JSON_NULL", "JsonNull", "from_python", "to_python"]
