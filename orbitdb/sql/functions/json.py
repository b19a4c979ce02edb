"""PostgreSQL's JSON functions: builders (to_json, json_build_object, ...),
processing (jsonb_set, jsonb_insert, jsonb_strip_nulls, jsonb_pretty, ...)
and the set-returning ones (jsonb_each, jsonb_array_elements, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr import jsonpath
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import E, coerce, const
from orbitdb.sql.expr.funccall import call_compiled
from orbitdb.sql.expr.jsonops import (
    concat_values,
    delete_path,
    one_dimensional_path,
    to_json_value,
    value_json,
)
from orbitdb.sql.functions import hook
from orbitdb.sql.functions.arrays import ndims
from orbitdb.sql.functions.registry import ANY, register
from orbitdb.sql.functions.strings import text_arg
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.jsonb import (
    MISSING,
    as_text,
    contains,
    exists,
    get_path,
    json_text,
    jsonb_object,
    key_order,
    kind,
    normalize_jsonb,
)
from orbitdb.storage.jsonnull import JSON_NULL

JSON, JSONB, TEXT, INT4, BOOL = T.JSON, T.JSONB, T.TEXT, T.INT4, T.BOOL
TEXT_ARRAY = T.array_of(T.TEXT)
JSON_TYPES = (JSON, JSONB)


class Converted:
    """A value already converted to its JSON value at compile time (by its SQL type)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _jv(v: Any) -> Any:
    """An argument's JSON value (precise when a hook converted it, else by Python type)."""
    if isinstance(v, Converted):
        return v.value
    return value_json(v)


def _json_arg(e: E) -> E:
    """An "any" argument wrapped so the implementation sees its JSON value."""
    if e.type.oid == T.UNKNOWN.oid:
        e = coerce(e, T.TEXT)
    conv = to_json_value(e.type)
    f = e.fn

    def run(row: Any) -> Any:
        v = f(row)
        return None if v is None else Converted(conv(v))

    return E(run, T.ANY, name=e.name)


def _key_arg(e: E) -> E:
    """An object key: printed with its type's output function; an array, composite or json one
    fails when the call runs, as in PostgreSQL."""
    t = e.type
    if t.elem is not None or t.fields is not None or t.oid in (T.RECORD.oid, T.JSON.oid, T.JSONB.oid):
        def refuse(row: Any) -> Any:
            raise SqlError("22023", "key value must be scalar, not array, composite, or json")
        return E(refuse, T.TEXT)
    if t.oid == T.BOOL.oid:  # json's spelling, not boolout's t/f
        fn = e.fn
        return E(lambda row: None if (v := fn(row)) is None else ("true" if v else "false"), T.TEXT)
    return text_arg(e)


def _converting_hook(name: str, key_positions: str = "") -> None:
    """Compile hook: convert each "any" argument by its type (keys: even positions to text)."""

    def run(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
        compiled = [c.compile(a) for a in args]
        out = []
        for i, a in enumerate(compiled):
            if key_positions == "even" and i % 2 == 0:
                out.append(_key_arg(a))
            elif key_positions == "first" and i > 0:
                out.append(a)  # row_to_json's and array_to_json's pretty flag
            else:
                out.append(_json_arg(a))
        return call_compiled(c, name, out)

    hook(name)(run)


def _jsonb(v: Any) -> Any:
    return normalize_jsonb(v)


# ---------------------------------------------------------------------------
# builders


@register("to_json", [ANY], JSON)
def to_json(v: Any) -> Any:
    return _jv(v)


@register("to_jsonb", [ANY], JSONB)
def to_jsonb(v: Any) -> Any:
    return _jsonb(_jv(v))


@register("array_to_json", [ANY], JSON)
def array_to_json(v: Any, pretty: bool = False) -> Any:
    return _jv(v)


register("array_to_json", [ANY, BOOL], JSON)(array_to_json)


@register("row_to_json", [ANY], JSON)
def row_to_json(v: Any, pretty: bool = False) -> Any:
    return _jv(v)


register("row_to_json", [ANY, BOOL], JSON)(row_to_json)

for _name in ("to_json", "to_jsonb", "json_build_array", "jsonb_build_array"):
    _converting_hook(_name)
for _name in ("array_to_json", "row_to_json"):
    _converting_hook(_name, "first")
for _name in ("json_build_object", "jsonb_build_object"):
    _converting_hook(_name, "even")


def _build_object(args: tuple[Any, ...], jsonb: bool) -> Any:
    if len(args) % 2:
        raise SqlError("22023", "argument list must have even number of elements",
                       hint=f"The arguments of {'jsonb' if jsonb else 'json'}_build_object() must consist of "
                            "alternating keys and values.")
    pairs = []
    for i in range(0, len(args), 2):
        k = args[i]
        if k is None:
            raise SqlError("22023", f"argument {i + 1}: key must not be null")
        key = k if isinstance(k, str) else (_key_text(_jv(k)))
        v = args[i + 1]
        pairs.append((key, JSON_NULL if v is None else _jv(v)))
    if jsonb:
        return jsonb_object((k, _jsonb(v)) for k, v in pairs)
    return dict(pairs)


def _key_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    return as_text(v) or ""


@register("json_build_object", [ANY], JSON, strict=False, variadic=True, min_args=0)
def json_build_object(*args: Any) -> Any:
    return _build_object(args, False)


@register("jsonb_build_object", [ANY], JSONB, strict=False, variadic=True, min_args=0)
def jsonb_build_object(*args: Any) -> Any:
    return _build_object(args, True)


@register("json_build_array", [ANY], JSON, strict=False, variadic=True, min_args=0)
def json_build_array(*args: Any) -> Any:
    return [JSON_NULL if a is None else _jv(a) for a in args]


@register("jsonb_build_array", [ANY], JSONB, strict=False, variadic=True, min_args=0)
def jsonb_build_array(*args: Any) -> Any:
    return [JSON_NULL if a is None else _jsonb(_jv(a)) for a in args]


def _object_from_arrays(keys: list[Any], values: list[Any] | None, jsonb: bool) -> Any:
    if values is None:
        nd = ndims(keys) if keys else 1
        if not keys:
            return {}
        if nd == 1:
            if len(keys) % 2:
                raise SqlError("2202E", "array must have even number of elements")
            pairs = [(keys[i], keys[i + 1]) for i in range(0, len(keys), 2)]
        elif nd == 2:
            if any(len(p) != 2 for p in keys):
                raise SqlError("2202E", "array must have two columns")
            pairs = [(p[0], p[1]) for p in keys]
        else:
            raise SqlError("2202E", "wrong number of array subscripts")
    else:
        if (keys and isinstance(keys[0], list)) or (values and isinstance(values[0], list)):
            raise SqlError("2202E", "wrong number of array subscripts")
        if len(keys) != len(values):
            raise SqlError("2202E", "mismatched array dimensions")
        pairs = list(zip(keys, values))
    for k, _ in pairs:
        if k is None:
            raise SqlError("22004", "null value not allowed for object key")
    pairs = [(k, JSON_NULL if v is None else v) for k, v in pairs]
    if jsonb:
        return jsonb_object(pairs)
    return dict(pairs)


@register("json_object", [TEXT_ARRAY], JSON)
def json_object(keys: list[Any]) -> Any:
    return _object_from_arrays(keys, None, False)


@register("json_object", [TEXT_ARRAY, TEXT_ARRAY], JSON)
def json_object2(keys: list[Any], values: list[Any]) -> Any:
    return _object_from_arrays(keys, values, False)


@register("jsonb_object", [TEXT_ARRAY], JSONB)
def jsonb_object1(keys: list[Any]) -> Any:
    return _object_from_arrays(keys, None, True)


@register("jsonb_object", [TEXT_ARRAY, TEXT_ARRAY], JSONB)
def jsonb_object2(keys: list[Any], values: list[Any]) -> Any:
    return _object_from_arrays(keys, values, True)


# ---------------------------------------------------------------------------
# inspection


@register("jsonb_typeof", [JSONB], TEXT)
@register("json_typeof", [JSON], TEXT)
def json_typeof(v: Any) -> str:
    return kind(v)


def _array_length(v: Any, prefix: str) -> int:
    if isinstance(v, list):
        return len(v)
    if isinstance(v, dict):
        raise SqlError("22023", "cannot get array length of a non-array")
    raise SqlError("22023", "cannot get array length of a scalar")


register("jsonb_array_length", [JSONB], INT4)(lambda v: _array_length(v, "jsonb"))
register("json_array_length", [JSON], INT4)(lambda v: _array_length(v, "json"))


@hook("jsonb_exists")  # sqlglot gives jsonb_exists(j, 'key') its key as a JSON path
def _jsonb_exists_hook(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    out = []
    for a in args:
        if isinstance(a, exp.JSONPath):
            key = ".".join(str(p.this) for p in a.expressions if isinstance(p, exp.JSONPathKey))
            out.append(const(key, T.TEXT))
        else:
            out.append(c.compile(a))
    return call_compiled(c, "jsonb_exists", out)


@register("jsonb_exists", [JSONB, TEXT], BOOL)
def jsonb_exists(v: Any, key: str) -> bool:
    return exists(v, key)


@register("jsonb_exists_any", [JSONB, TEXT_ARRAY], BOOL)
def jsonb_exists_any(v: Any, keys: list[Any]) -> bool:
    return any(k is not None and exists(v, k) for k in keys)


@register("jsonb_exists_all", [JSONB, TEXT_ARRAY], BOOL)
def jsonb_exists_all(v: Any, keys: list[Any]) -> bool:
    return all(k is None or exists(v, k) for k in keys)


@register("jsonb_contains", [JSONB, JSONB], BOOL)
def jsonb_contains(a: Any, b: Any) -> bool:
    return contains(a, b)


@register("jsonb_contained", [JSONB, JSONB], BOOL)
def jsonb_contained(a: Any, b: Any) -> bool:
    return contains(b, a)


# ---------------------------------------------------------------------------
# extraction


def _extract(v: Any, path: tuple[Any, ...], as_text_result: bool, jsonb: bool) -> Any:
    if any(p is None for p in path):
        return None
    r = get_path(v, list(path), jsonb)
    if r is MISSING:
        return None
    return as_text(r, jsonb) if as_text_result else r


register("jsonb_extract_path", [JSONB, TEXT], JSONB, variadic=True, min_args=1)(
    lambda v, *p: _extract(v, p, False, True))
register("jsonb_extract_path_text", [JSONB, TEXT], TEXT, variadic=True, min_args=1)(
    lambda v, *p: _extract(v, p, True, True))
register("json_extract_path", [JSON, TEXT], JSON, variadic=True, min_args=1)(
    lambda v, *p: _extract(v, p, False, False))
register("json_extract_path_text", [JSON, TEXT], TEXT, variadic=True, min_args=1)(
    lambda v, *p: _extract(v, p, True, False))

# jsonb_extract_path's NULL path elements give NULL, not an error: keep it strict
# (a NULL element makes the whole call NULL, as PostgreSQL's strict function does).


# ---------------------------------------------------------------------------
# set-returning


def _columns(fn: Callable[..., Any], cols: list[tuple[str, SqlType]]) -> Callable[..., Any]:
    fn.columns = cols  # type: ignore[attr-defined]
    return fn


def _each(v: Any, fname: str, text_values: bool, jsonb: bool) -> list[tuple[str, Any]]:
    if not isinstance(v, dict):
        raise SqlError("22023", f"cannot call {fname} on a non-object")
    items = v.items()
    if text_values:
        return [(k, as_text(x, jsonb)) for k, x in items]
    return [(k, x) for k, x in items]


register("jsonb_each", [JSONB], T.RECORD, set_returning=True)(
    _columns(lambda v: _each(v, "jsonb_each", False, True), [("key", TEXT), ("value", JSONB)]))
register("jsonb_each_text", [JSONB], T.RECORD, set_returning=True)(
    _columns(lambda v: _each(v, "jsonb_each_text", True, True), [("key", TEXT), ("value", TEXT)]))
register("json_each", [JSON], T.RECORD, set_returning=True)(
    _columns(lambda v: _each(v, "json_each", False, False), [("key", TEXT), ("value", JSON)]))
register("json_each_text", [JSON], T.RECORD, set_returning=True)(
    _columns(lambda v: _each(v, "json_each_text", True, False), [("key", TEXT), ("value", TEXT)]))


def _object_keys(v: Any, fname: str) -> list[str]:
    if isinstance(v, dict):
        return list(v.keys())
    if isinstance(v, list):
        raise SqlError("22023", f"cannot call {fname} on an array")
    raise SqlError("22023", f"cannot call {fname} on a scalar")


register("jsonb_object_keys", [JSONB], TEXT, set_returning=True)(lambda v: _object_keys(v, "jsonb_object_keys"))
register("json_object_keys", [JSON], TEXT, set_returning=True)(lambda v: _object_keys(v, "json_object_keys"))


def _elements(v: Any, fname: str, text_values: bool, jsonb: bool) -> list[Any]:
    if isinstance(v, list):
        return [as_text(x, jsonb) for x in v] if text_values else list(v)
    if isinstance(v, dict):
        raise SqlError("22023", "cannot extract elements from an object" if jsonb else
                       "cannot call json_array_elements on a non-array" if not text_values else
                       "cannot call json_array_elements_text on a non-array")
    raise SqlError("22023", "cannot extract elements from a scalar" if jsonb else
                   f"cannot call {fname} on a scalar")


register("jsonb_array_elements", [JSONB], JSONB, set_returning=True)(
    lambda v: _elements(v, "jsonb_array_elements", False, True))
register("jsonb_array_elements_text", [JSONB], TEXT, set_returning=True)(
    lambda v: _elements(v, "jsonb_array_elements_text", True, True))
register("json_array_elements", [JSON], JSON, set_returning=True)(
    lambda v: _elements(v, "json_array_elements", False, False))
register("json_array_elements_text", [JSON], TEXT, set_returning=True)(
    lambda v: _elements(v, "json_array_elements_text", True, False))


# ---------------------------------------------------------------------------
# modification


def _path_int(p: Any, level: int) -> int:
    try:
        return int(str(p).strip())
    except ValueError:
        raise SqlError("22P02", f'path element at position {level + 1} is not an integer: "{p}"') from None


def _set_path(v: Any, path: list[Any], new: Any, create: bool, insert: int, level: int = 0) -> Any:
    """setPath: insert 0 = replace (jsonb_set), -1 insert before, 1 insert after."""
    p = path[level]
    last = level == len(path) - 1
    if isinstance(v, dict):
        if p in v:
            if last:
                if insert:
                    raise SqlError("22023", "cannot replace existing key",
                                   hint="Try using the function jsonb_set to replace key value.")
                out = dict(v)
                out[p] = new
                return out
            out = dict(v)
            out[p] = _set_path(v[p], path, new, create, insert, level + 1)
            return out
        if last and (create or insert):
            return jsonb_object(list(v.items()) + [(p, new)])
        return v
    if isinstance(v, list):
        idx = _path_int(p, level)
        n = len(v)
        i = idx + n if idx < 0 else idx
        if last:
            if insert:
                if i < 0:
                    pos = 0
                elif i >= n:
                    pos = n
                else:
                    pos = i + (1 if insert > 0 else 0)
                return v[:pos] + [new] + v[pos:]
            if 0 <= i < n:
                return v[:i] + [new] + v[i + 1:]
            if create:
                return [new] + v if i < 0 else v + [new]
            return v
        if 0 <= i < n:
            return v[:i] + [_set_path(v[i], path, new, create, insert, level + 1)] + v[i + 1:]
        return v
    return v


def _check_path(path: list[Any]) -> None:
    one_dimensional_path(path)
    for i, p in enumerate(path, 1):
        if p is None:
            raise SqlError("22004", f"path element at position {i} is null")


@register("jsonb_set", [JSONB, TEXT_ARRAY, JSONB, BOOL], JSONB)
def jsonb_set(target: Any, path: list[Any], new: Any, create_missing: bool = True) -> Any:
    if not isinstance(target, (dict, list)):
        raise SqlError("22023", "cannot set path in scalar")
    if not path:
        return target
    _check_path(path)
    return _set_path(target, path, new, create_missing, 0)


register("jsonb_set", [JSONB, TEXT_ARRAY, JSONB], JSONB)(jsonb_set)


@register("jsonb_set_lax", [JSONB, TEXT_ARRAY, JSONB, BOOL, TEXT], JSONB, strict=False)
def jsonb_set_lax(target: Any, path: list[Any] | None, new: Any, create_missing: bool | None = True,
                  treatment: str | None = "use_json_null") -> Any:
    if target is None or path is None or create_missing is None:
        return None
    if treatment is None:
        raise SqlError("22023", "null_value_treatment must be \"delete_key\", \"return_target\", "
                                "\"use_json_null\", or \"raise_exception\"")
    if new is None:
        if treatment == "raise_exception":
            raise SqlError("22004", "JSON value must not be null",
                           detail="Exception was raised because null_value_treatment is \"raise_exception\".",
                           hint="To avoid, either change the null_value_treatment argument or ensure that an SQL "
                                "NULL is not passed.")
        if treatment == "use_json_null":
            return jsonb_set(target, path, JSON_NULL, create_missing)
        if treatment == "delete_key":
            return delete_path(target, path)
        if treatment == "return_target":
            return target
        raise SqlError("22023", "null_value_treatment must be \"delete_key\", \"return_target\", "
                                "\"use_json_null\", or \"raise_exception\"")
    return jsonb_set(target, path, new, create_missing)


register("jsonb_set_lax", [JSONB, TEXT_ARRAY, JSONB], JSONB, strict=False)(jsonb_set_lax)
register("jsonb_set_lax", [JSONB, TEXT_ARRAY, JSONB, BOOL], JSONB, strict=False)(jsonb_set_lax)


@register("jsonb_insert", [JSONB, TEXT_ARRAY, JSONB, BOOL], JSONB)
def jsonb_insert(target: Any, path: list[Any], new: Any, after: bool = False) -> Any:
    if not isinstance(target, (dict, list)):
        raise SqlError("22023", "cannot set path in scalar")
    if not path:
        return target
    _check_path(path)
    return _set_path(target, path, new, False, 1 if after else -1)


register("jsonb_insert", [JSONB, TEXT_ARRAY, JSONB], JSONB)(jsonb_insert)


@register("jsonb_delete_path", [JSONB, TEXT_ARRAY], JSONB)
@register("j_s_o_n_b_delete_at_path", [JSONB, TEXT_ARRAY], JSONB)  # sqlglot's name for the #- operator
def jsonb_delete_path(v: Any, path: list[Any]) -> Any:
    return delete_path(v, path)


@register("jsonb_concat", [JSONB, JSONB], JSONB)
def jsonb_concat_fn(a: Any, b: Any) -> Any:
    return concat_values(a, b)


def _strip_nulls(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip_nulls(x) for k, x in v.items() if x is not JSON_NULL}
    if isinstance(v, list):
        return [_strip_nulls(x) for x in v]
    return v


register("jsonb_strip_nulls", [JSONB], JSONB)(_strip_nulls)
register("json_strip_nulls", [JSON], JSON)(_strip_nulls)


@register("jsonb_pretty", [JSONB], TEXT)
def jsonb_pretty(v: Any) -> str:
    out: list[str] = []
    _pretty(v, 0, out)
    return "".join(out)


def _pretty(v: Any, level: int, out: list[str]) -> None:
    pad = "    "
    if isinstance(v, dict):
        if not v:
            out.append("{\n" + pad * level + "}")
            return
        out.append("{\n")
        keys = sorted(v, key=key_order)
        for i, k in enumerate(keys):
            out.append(pad * (level + 1) + json_text(k) + ": ")
            _pretty(v[k], level + 1, out)
            out.append(",\n" if i < len(keys) - 1 else "\n")
        out.append(pad * level + "}")
    elif isinstance(v, list):
        if not v:
            out.append("[\n" + pad * level + "]")
            return
        out.append("[\n")
        for i, x in enumerate(v):
            out.append(pad * (level + 1))
            _pretty(x, level + 1, out)
            out.append(",\n" if i < len(v) - 1 else "\n")
        out.append(pad * level + "]")
    else:
        out.append(json_text(v))


# ---------------------------------------------------------------------------
# jsonb_path_exists / _match / _query / _query_array / _query_first (orbitdb/sql/expr/jsonpath.py):
# (target, path [, vars [, silent]]); a NULL vars or silent is NULL, as these functions are strict

def _path_overloads(name: str, ret: Any, impl: Any, set_returning: bool = False) -> None:
    register(name, [JSONB, TEXT], ret, set_returning=set_returning)(impl)
    register(name, [JSONB, TEXT, JSONB], ret, set_returning=set_returning)(impl)
    register(name, [JSONB, TEXT, JSONB, BOOL], ret, set_returning=set_returning)(impl)


def jsonb_path_exists(v: Any, path: str, variables: Any = None, silent: bool = False) -> bool | None:
    return jsonpath.exists(v, path, variables, silent)


def jsonb_path_match(v: Any, path: str, variables: Any = None, silent: bool = False) -> bool | None:
    return jsonpath.match(v, path, variables, silent)


def jsonb_path_query(v: Any, path: str, variables: Any = None, silent: bool = False) -> list[Any]:
    return _json_nulls(jsonpath.query(v, path, variables, silent) or [])


def jsonb_path_query_array(v: Any, path: str, variables: Any = None, silent: bool = False) -> list[Any] | None:
    r = jsonpath.query(v, path, variables, silent)
    return None if r is None else _json_nulls(r)


def jsonb_path_query_first(v: Any, path: str, variables: Any = None, silent: bool = False) -> Any:
    r = jsonpath.query(v, path, variables, silent)
    return _json_nulls(r)[0] if r else None


def _json_nulls(items: list[Any]) -> list[Any]:
    return [normalize_jsonb(x) if isinstance(x, (dict, list)) else x for x in items]


_path_overloads("jsonb_path_exists", BOOL, jsonb_path_exists)
_path_overloads("jsonb_path_match", BOOL, jsonb_path_match)
_path_overloads("jsonb_path_query", JSONB, jsonb_path_query, set_returning=True)
_path_overloads("jsonb_path_query_array", JSONB, jsonb_path_query_array)
_path_overloads("jsonb_path_query_first", JSONB, jsonb_path_query_first)

__all__ = [
    "Converted",
    "json_build_object",
    "jsonb_build_object",
    "jsonb_insert",
    "jsonb_pretty",
    "jsonb_set",
    "to_json",
    "to_jsonb",
]
