"""JSON and array operators: -> ->> #> #>> @> <@ && ? ?| ?& - #- ||, jsonb
subscripts, the SQL-value-to-JSON conversion and jsonb's sort order.

json and jsonb values are parsed Python values (dict, list, str, int,
Decimal/float, bool, JSON_NULL); jsonb objects keep their keys in jsonb's order
(shorter keys first, then bytewise). None is SQL NULL, never a JSON value: a
missing key or element is None, a JSON null is JSON_NULL."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr import jsonpath
from orbitdb.sql.expr.core import E, coerce, const, type_error_operator
from orbitdb.sql.expr.hstoreops import hstore_operator
from orbitdb.sql.expr.netexpr import net_operator
from orbitdb.sql.expr.rangeexpr import range_operator
from orbitdb.sql.statement_scope import running_timezone
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import EXPLICIT, composite_fields, find_cast
from orbitdb.sql.types.jsonb import (
    MISSING,
    _path_index,
    as_text,
    contains,
    exists,
    get_elem,
    get_field,
    get_path,
    is_json,
    jsonb_object,
    jsonb_sort_key,
    kind,
    normalize_jsonb,
)
from orbitdb.sql.types.sortkeys import sort_key_fn
from orbitdb.sql.types.textio import to_text
from orbitdb.storage.infinite import Infinite
from orbitdb.storage.jsonnull import JSON_NULL

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler

Fn = Callable[[Any], Any]
TEXT_ARRAY = T.array_of(T.TEXT)


def to_json_value(t: SqlType) -> Callable[[Any], Any]:
    """The conversion of a non-NULL value of type t to its JSON value (to_json's rules)."""
    oid = t.oid
    if t.elem is not None:
        inner = to_json_value(t.elem)

        def conv_array(v: list[Any]) -> list[Any]:
            return [JSON_NULL if x is None else (conv_array(x) if isinstance(x, list) else inner(x)) for x in v]

        return conv_array
    if oid in (T.JSON.oid, T.JSONB.oid):
        return lambda v: v
    if oid == T.BOOL.oid:
        return bool
    if oid in T.INTEGER_TYPES or oid == T.OID.oid:
        return int
    if oid == T.NUMERIC.oid:
        return _numeric_json
    if oid in (T.FLOAT4.oid, T.FLOAT8.oid):
        return _float_value
    if oid in T.STRING_OIDS:
        if oid == T.BPCHAR.oid:
            return lambda v: v
        return lambda v: v if isinstance(v, str) else str(v)
    if oid in (T.DATE.oid, T.TIMESTAMP.oid, T.TIMESTAMPTZ.oid):
        finite = {T.DATE.oid: _date_json, T.TIMESTAMP.oid: _ts_json, T.TIMESTAMPTZ.oid: _tstz_json}[oid]
        return lambda v: str(v) if type(v) is Infinite else finite(v)  # "infinity", as PostgreSQL
    if oid in (T.INET.oid, T.CIDR.oid, T.MONEY.oid, T.MACADDR.oid, T.MACADDR8.oid) or T.is_range(t) or (
            T.is_multirange(t)):
        if oid in (T.TSTZRANGE.oid, T.TSTZMULTIRANGE.oid):
            return lambda v: to_text(v, oid, running_timezone())
        return lambda v: to_text(v, oid)  # the type's output function (inet's cast to text differs)
    if oid == T.TIME.oid:
        return lambda v: _time_text(v)
    if oid == T.TIMETZ.oid:
        return _timetz_json
    if t.fields is not None:
        return _fields_json(t)
    if oid == T.RECORD.oid:
        return record_json
    conv = find_cast(t, T.TEXT, EXPLICIT)
    if conv is not None:
        return lambda v: conv(v)
    return value_json


def value_json(v: Any) -> Any:
    """to_json by the value's Python type (when the SQL type is not known); NULL inside a
    value (an array element, a record field) is JSON null."""
    if v is None:
        return JSON_NULL
    if isinstance(v, (bool, int, str, dict, type(JSON_NULL))):
        return v
    if isinstance(v, Decimal):
        return _numeric_json(v)
    if isinstance(v, float):
        return _float_value(v)
    if isinstance(v, (list, tuple)) and not isinstance(v, tuple):
        return [value_json(x) for x in v]
    if isinstance(v, tuple):
        return record_json(v)
    if isinstance(v, dt.datetime):
        return _tstz_json(v) if v.tzinfo is not None else _ts_json(v)
    if isinstance(v, dt.date):
        return _date_json(v)
    if isinstance(v, dt.time):
        return _timetz_json(v) if v.tzinfo is not None else _time_text(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(v).hex()
    if isinstance(v, uuid.UUID):
        return str(v)
    return to_text(v, 0)


def _fields_json(t: SqlType) -> Callable[[Any], Any]:
    """A composite value (a whole row, a composite type's value) as a JSON object keyed by its
    field names, each field by its own type's rules."""
    convs = [(name, to_json_value(ft)) for name, ft in t.fields or ()]
    read = composite_fields(t)  # a composite column's value is its stored record text

    def conv(v: tuple[Any, ...]) -> dict[str, Any]:
        v = read(v)
        return {name: JSON_NULL if x is None else f(x) for (name, f), x in zip(convs, v)}

    return conv


def record_json(v: tuple[Any, ...]) -> dict[str, Any]:
    names = getattr(v, "_fields", None)
    keys = list(names) if names else [f"f{i}" for i in range(1, len(v) + 1)]
    return {k: value_json(x) for k, x in zip(keys, v)}


def _numeric_json(v: Decimal) -> Any:
    if v.is_nan():
        return "NaN"
    if v.is_infinite():
        return "Infinity" if v > 0 else "-Infinity"
    return v


def _float_value(v: float) -> Any:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def _frac(us: int) -> str:
    return ("." + f"{us:06d}".rstrip("0")) if us else ""


def _date_json(v: dt.date) -> str:
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"


def _ts_json(v: dt.datetime) -> str:
    return f"{_date_json(v)}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}{_frac(v.microsecond)}"


def _offset(off: dt.timedelta | None) -> str:
    secs = int(off.total_seconds()) if off is not None else 0
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    text = f"{sign}{secs // 3600:02d}:{secs % 3600 // 60:02d}"
    if secs % 60:
        text += f":{secs % 60:02d}"
    return text


def _tstz_json(v: dt.datetime) -> str:
    loc = v.astimezone(running_timezone())
    return _ts_json(loc.replace(tzinfo=None)) + _offset(loc.utcoffset())


def _time_text(v: dt.time) -> str:
    return f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}{_frac(v.microsecond)}"


def _timetz_json(v: dt.time) -> str:
    return _time_text(v) + _offset(v.utcoffset())


def json_agg_result(items: list[Any], conv: Fn, rt: SqlType) -> Any:
    """json_agg / jsonb_agg: a NULL input is a null element; no rows give NULL."""
    if not items:
        return None
    out = [JSON_NULL if x is None else conv(x) for x in items]
    return normalize_jsonb(out) if rt.oid == T.JSONB.oid else out


def json_object_agg_result(items: list[Any], conv: Fn, rt: SqlType) -> Any:
    """json_object_agg / jsonb_object_agg: a NULL value is null; a NULL key is an error."""
    if not items:
        return None
    pairs = []
    for k, v in items:
        if k is None:
            raise SqlError("22023", "field name must not be null")
        pairs.append((str(k), JSON_NULL if v is None else conv(v)))
    if rt.oid == T.JSONB.oid:
        return jsonb_object((k, normalize_jsonb(v)) for k, v in pairs)
    return dict(pairs)


# ---------------------------------------------------------------------------
# compiling the operators


def _strict2(f: Callable[[Any, Any], Any], fa: Fn, fb: Fn) -> Fn:
    def run(row: Any) -> Any:
        a = fa(row)
        if a is None:
            return None
        b = fb(row)
        if b is None:
            return None
        return f(a, b)

    return run


def _json_operand(c: Compiler, node: exp.Expression, op: str, right: SqlType | None = None) -> E:
    e = c.compile(node)
    if e.type.oid == T.UNKNOWN.oid:
        if right is not None and op in ("->", "->>", "#>", "#>>"):
            raise SqlError("42725", f"operator is not unique: unknown {op} {right.display()}",
                           hint="Could not choose a best candidate operator. You might need to add explicit type "
                                "casts.")
        e = coerce(e, T.JSONB)
    return e


def _path_steps(path: exp.JSONPath) -> list[tuple[str, Any]]:
    steps: list[tuple[str, Any]] = []
    for part in path.expressions:
        if isinstance(part, exp.JSONPathRoot):
            continue
        if isinstance(part, exp.JSONPathKey):
            steps.append(("key", str(part.this)))
        elif isinstance(part, exp.JSONPathSubscript):
            v = part.this
            steps.append(("index", int(v) if not isinstance(v, exp.Expression) else int(v.name)))
        else:
            raise SqlError("0A000", f"unsupported JSON path element: {part.sql()}")
    return steps


def compile_json_op(c: Compiler, node: exp.Expression) -> E:
    if isinstance(node, (exp.JSONExtract, exp.JSONExtractScalar)):
        return _compile_arrow(c, node, isinstance(node, exp.JSONExtractScalar))
    if isinstance(node, (exp.JSONBExtract, exp.JSONBExtractScalar)):
        base = _json_operand(c, node.this, "#>", TEXT_ARRAY)
        if not is_json(base.type):
            raise type_error_operator("#>" if isinstance(node, exp.JSONBExtract) else "#>>", base.type,
                                      TEXT_ARRAY)
        path = coerce(c.compile(node.expression), TEXT_ARRAY)
        return path_extract(base, path, isinstance(node, exp.JSONBExtractScalar))
    if isinstance(node, (exp.JSONBContains, exp.ArrayContainsAll, exp.ArrayContainedBy, exp.ArrayOverlaps)):
        return _compile_containment(c, node)
    if isinstance(node, (exp.JSONBPathExists, exp.MatchAgainst)):
        return _compile_path_operator(c, node)
    if isinstance(node, (exp.JSONBContainsTopKey, exp.JSONBContainsAnyTopKeys, exp.JSONBContainsAllTopKeys)):
        base = c.compile(node.this)
        if base.type.oid == T.UNKNOWN.oid:
            base = coerce(base, T.JSONB)
        op = {exp.JSONBContainsTopKey: "?", exp.JSONBContainsAnyTopKeys: "?|",
              exp.JSONBContainsAllTopKeys: "?&"}[type(node)]
        right = c.compile(node.expression)
        if base.type.native is not None:
            found = hstore_operator(op, base, right)
            if found is not None:
                return found
        if base.type.oid != T.JSONB.oid:
            raise type_error_operator(op, base.type, right.type)
        if op == "?":
            if right.type.oid not in T.STRING_OIDS:
                raise type_error_operator(op, base.type, right.type)
            r = coerce(right, T.TEXT)
            return E(_strict2(exists, base.fn, r.fn), T.BOOL)
        if right.type.oid != T.UNKNOWN.oid and (right.type.elem is None or right.type.elem.oid not in T.STRING_OIDS):
            raise type_error_operator(op, base.type, right.type)
        r = coerce(right, TEXT_ARRAY)
        if op == "?|":
            return E(_strict2(lambda v, ks: any(k is not None and exists(v, k) for k in ks), base.fn, r.fn), T.BOOL)
        return E(_strict2(lambda v, ks: all(k is None or exists(v, k) for k in ks), base.fn, r.fn), T.BOOL)
    raise SqlError("0A000", f"unsupported JSON operator: {node.sql(dialect='postgres')[:60]}")


def _compile_arrow(c: Compiler, node: exp.Expression, as_text_result: bool) -> E:
    op = "->>" if as_text_result else "->"
    right_node = node.expression
    extra = list(node.args.get("expressions") or [])
    path_function = node.args.get("only_json_types") is not True and (
        isinstance(right_node, exp.JSONPath) or extra)
    base = c.compile(node.this)
    if base.type.native is not None and not as_text_result and not extra:
        if isinstance(right_node, exp.JSONPath):
            # sqlglot read the key literal as a JSON path: its one step is the key
            key = "".join(str(v) for _, v in _path_steps(right_node))
            right = E(lambda row, k=key: k, T.UNKNOWN, const=True, value=key)
        else:
            right = c.compile(right_node)
        found = hstore_operator("->", base, right)
        if found is not None:
            return found
    if isinstance(right_node, exp.JSONPath):
        steps = _path_steps(right_node)
        if path_function and base.type.oid == T.UNKNOWN.oid:
            base = coerce(base, T.JSON)
        if base.type.oid == T.UNKNOWN.oid:
            rt = T.INT4 if steps and steps[-1][0] == "index" else T.UNKNOWN
            raise SqlError("42725", f"operator is not unique: unknown {op} {rt.display()}",
                           hint="Could not choose a best candidate operator. You might need to add explicit type "
                                "casts.")
        if not is_json(base.type):
            rt = T.INT4 if steps and steps[-1][0] == "index" else T.UNKNOWN
            raise type_error_operator(op, base.type, rt)
        jsonb = base.type.oid == T.JSONB.oid
        if path_function or len(steps) != 1:
            # json_extract_path(j, 'a', 'b'): path semantics (text elements index arrays)
            path_vals = [str(v) for _, v in steps]
            return _const_path(base, path_vals, as_text_result)
        step_kind, step = steps[0]
        fb = base.fn
        if step_kind == "key":
            key = step

            def get_key(row: Any) -> Any:
                v = fb(row)
                if v is None or not isinstance(v, dict):
                    return None
                return v.get(key)

            getter = get_key
        else:
            idx = step

            def get_idx(row: Any) -> Any:
                v = fb(row)
                if v is None:
                    return None
                return get_elem(v, idx, jsonb)

            getter = get_idx
        return _result(getter, base.type, as_text_result, jsonb)
    right = c.compile(right_node)
    if path_function:
        parts = [right] + [c.compile(x) for x in extra]
        texts = [coerce(p, T.TEXT) for p in parts]
        fns = [t.fn for t in texts]
        arr = E(lambda row: [f(row) for f in fns], TEXT_ARRAY)
        if base.type.oid == T.UNKNOWN.oid:
            base = coerce(base, T.JSON)
        return path_extract(base, arr, as_text_result)
    if base.type.oid == T.UNKNOWN.oid:
        raise SqlError("42725", f"operator is not unique: unknown {op} {right.type.display()}",
                       hint="Could not choose a best candidate operator. You might need to add explicit type casts.")
    if not is_json(base.type):
        raise type_error_operator(op, base.type, right.type)
    jsonb = base.type.oid == T.JSONB.oid
    if right.type.oid in T.INTEGER_TYPES:
        r = coerce(right, T.INT4)
        getter = _strict2(lambda v, i: get_elem(v, i, jsonb), base.fn, r.fn)
    elif right.type.oid in T.STRING_OIDS:
        r = coerce(right, T.TEXT)
        getter = _strict2(get_field, base.fn, r.fn)
    else:
        raise type_error_operator(op, base.type, right.type)
    return _result(getter, base.type, as_text_result, jsonb)


def _result(getter: Fn, t: SqlType, as_text_result: bool, jsonb: bool) -> E:
    if as_text_result:
        def run_text(row: Any) -> Any:
            return as_text(getter(row), jsonb)

        return E(run_text, T.TEXT)
    return E(getter, T.strip(t))


def _const_path(base: E, path: list[str], as_text_result: bool) -> E:
    jsonb = base.type.oid == T.JSONB.oid
    fb = base.fn

    def run(row: Any) -> Any:
        v = fb(row)
        if v is None:
            return None
        r = get_path(v, path, jsonb)
        if r is MISSING:
            return None
        return as_text(r, jsonb) if as_text_result else r

    return E(run, T.TEXT if as_text_result else T.strip(base.type))


def _compile_path_operator(c: Compiler, node: exp.Expression) -> E:
    """jsonb @? jsonpath and jsonb @@ jsonpath: jsonb_path_exists / jsonb_path_match with errors
    silenced (NULL instead). sqlglot reads @@ as MatchAgainst(path, [target])."""
    if isinstance(node, exp.MatchAgainst):
        if len(node.expressions) != 1:
            raise SqlError("42601", 'syntax error at or near "@@"')
        op, left_node, right_node, run = "@@", node.expressions[0], node.this, jsonpath.match
    else:
        op, left_node, right_node, run = "@?", node.this, node.expression, jsonpath.exists
    left = c.compile(left_node)
    if left.type.oid == T.UNKNOWN.oid:
        left = coerce(left, T.JSONB)
    right = c.compile(right_node)
    if left.type.oid != T.JSONB.oid or right.type.oid not in T.STRING_OIDS:
        raise type_error_operator(op, left.type, right.type)
    path = coerce(right, T.TEXT)
    return E(_strict2(lambda v, p: run(v, p, None, True), left.fn, path.fn), T.BOOL)


def path_extract(base: E, path: E, as_text_result: bool) -> E:
    """j #> path / j #>> path."""
    jsonb = base.type.oid == T.JSONB.oid

    def get(v: Any, p: list[Any]) -> Any:
        if p and isinstance(p[0], list):  # a multi-dimensional path is read in storage order
            p = _flat(p)
        r = get_path(v, p, jsonb)
        if r is MISSING:
            return None
        if as_text_result:
            return as_text(r, jsonb)
        return r

    return E(_strict2(get, base.fn, path.fn), T.TEXT if as_text_result else T.strip(base.type))


def _flat(v: list[Any]) -> list[Any]:
    out: list[Any] = []
    for x in v:
        if isinstance(x, list):
            out.extend(_flat(x))
        else:
            out.append(x)
    return out


def _compile_containment(c: Compiler, node: exp.Expression) -> E:
    a = c.compile(node.this)
    b = c.compile(node.expression)
    op = {exp.JSONBContains: "@>", exp.ArrayContainsAll: "@>", exp.ArrayContainedBy: "<@",
          exp.ArrayOverlaps: "&&"}[type(node)]
    if a.type.native is not None or b.type.native is not None:
        found = hstore_operator(op, a, b)
        if found is not None:
            return found
    ranged = range_operator(c, op, a, b)
    if ranged is None and op == "&&":
        ranged = net_operator(c, op, a, b)
    if ranged is not None:
        return ranged
    if a.type.oid == T.UNKNOWN.oid and b.type.oid == T.UNKNOWN.oid:
        raise SqlError("42725", f"operator is not unique: unknown {op} unknown",
                       hint="Could not choose a best candidate operator. You might need to add explicit type casts.")
    if T.JSONB.oid in (a.type.oid, b.type.oid) and op != "&&":
        if a.type.oid == T.UNKNOWN.oid:
            a = coerce(a, T.JSONB)
        if b.type.oid == T.UNKNOWN.oid:
            b = coerce(b, T.JSONB)
        if a.type.oid != T.JSONB.oid or b.type.oid != T.JSONB.oid:
            raise type_error_operator(op, a.type, b.type)
        if op == "@>":
            return E(_strict2(contains, a.fn, b.fn), T.BOOL)
        return E(_strict2(lambda x, y: contains(y, x), a.fn, b.fn), T.BOOL)
    if a.type.oid == T.UNKNOWN.oid and b.type.elem is not None:
        a = coerce(a, T.strip(b.type))
    if b.type.oid == T.UNKNOWN.oid and a.type.elem is not None:
        b = coerce(b, T.strip(a.type))
    if a.type.elem is None or b.type.elem is None:
        raise type_error_operator(op, a.type, b.type)
    if T.strip(a.type.elem) != T.strip(b.type.elem):
        raise type_error_operator(op, a.type, b.type)
    key = sort_key_fn(a.type.elem) or (lambda x: x)

    def keys(v: list[Any]) -> list[Any]:
        return [key(x) for x in _flat(v) if x is not None]

    def has_all(x: list[Any], y: list[Any]) -> bool:
        left = keys(x)
        if any(e is None for e in _flat(y)):
            return False
        return all(k in left for k in keys(y))

    if op == "@>":
        return E(_strict2(has_all, a.fn, b.fn), T.BOOL)
    if op == "<@":
        return E(_strict2(lambda x, y: has_all(y, x), a.fn, b.fn), T.BOOL)

    def overlap(x: list[Any], y: list[Any]) -> bool:
        right = keys(y)
        return any(k in right for k in keys(x))

    return E(_strict2(overlap, a.fn, b.fn), T.BOOL)


# ---------------------------------------------------------------------------
# jsonb - and #-, concatenation


def delete_key(v: Any, key: str) -> Any:
    if isinstance(v, dict):
        return {k: x for k, x in v.items() if k != key}
    if isinstance(v, list):
        return [x for x in v if not (isinstance(x, str) and x == key)]
    raise SqlError("22023", "cannot delete from scalar")


def delete_keys(v: Any, keys: list[Any]) -> Any:
    if isinstance(v, dict):
        drop = {k for k in keys if k is not None}
        return {k: x for k, x in v.items() if k not in drop}
    if isinstance(v, list):
        drop = {k for k in keys if k is not None}
        return [x for x in v if not (isinstance(x, str) and x in drop)]
    raise SqlError("22023", "cannot delete from scalar")


def delete_index(v: Any, idx: int) -> Any:
    if isinstance(v, dict):
        raise SqlError("22023", "cannot delete from object using integer index")
    if not isinstance(v, list):
        raise SqlError("22023", "cannot delete from scalar")
    n = len(v)
    i = idx + n if idx < 0 else idx
    if not 0 <= i < n:
        return v
    return v[:i] + v[i + 1:]


def one_dimensional_path(path: list[Any]) -> None:
    """The paths of jsonb_set, jsonb_insert and #- are one-dimensional text arrays."""
    if any(isinstance(p, list) for p in path):
        raise SqlError("2202E", "wrong number of array subscripts")


def delete_path(v: Any, path: list[Any]) -> Any:
    """jsonb #- text[]."""
    if not isinstance(v, (dict, list)):
        raise SqlError("22023", "cannot delete path in scalar")
    one_dimensional_path(path)
    if not path:
        return v
    if any(p is None for p in path):
        raise SqlError("22004", "path element at position "
                       f"{next(i for i, p in enumerate(path, 1) if p is None)} is null")
    return _delete_path(v, path, 0)


def _delete_path(v: Any, path: list[Any], level: int) -> Any:
    p = path[level]
    last = level == len(path) - 1
    if isinstance(v, dict):
        if p not in v:
            return v
        if last:
            return {k: x for k, x in v.items() if k != p}
        out = dict(v)
        child = v[p]
        if isinstance(child, (dict, list)):
            out[p] = _delete_path(child, path, level + 1)
        return out
    if isinstance(v, list):
        idx = _path_index(p)
        if idx is None:
            raise SqlError("22P02", f"path element at position {level + 1} is not an integer: \"{p}\"")
        n = len(v)
        i = idx + n if idx < 0 else idx
        if not 0 <= i < n:
            return v
        if last:
            return v[:i] + v[i + 1:]
        child = v[i]
        if isinstance(child, (dict, list)):
            return v[:i] + [_delete_path(child, path, level + 1)] + v[i + 1:]
        return v
    return v


def jsonb_arith(sym: str, a: E, b: E) -> E | None:
    """jsonb - text | int | text[] (delete); None when the operator does not apply."""
    if a.type.oid != T.JSONB.oid or sym != "-":
        return None
    bt = b.type
    if bt.oid == T.UNKNOWN.oid:
        b = coerce(b, T.TEXT)
        bt = T.TEXT
    if bt.oid in T.STRING_OIDS:
        b = coerce(b, T.TEXT)
        return E(_strict2(delete_key, a.fn, b.fn), T.JSONB)
    if bt.oid in T.INTEGER_TYPES:
        b = coerce(b, T.INT4)
        return E(_strict2(delete_index, a.fn, b.fn), T.JSONB)
    if bt.elem is not None and bt.elem.oid in T.STRING_OIDS:
        b = coerce(b, TEXT_ARRAY)
        return E(_strict2(delete_keys, a.fn, b.fn), T.JSONB)
    return None


def concat_values(a: Any, b: Any) -> Any:
    """jsonb || jsonb."""
    if isinstance(a, dict) and isinstance(b, dict):
        merged = dict(a)
        merged.update(b)
        return jsonb_object(merged.items())
    left = a if isinstance(a, list) else [a]
    right = b if isinstance(b, list) else [b]
    return left + right


def jsonb_concat(a: E, b: E) -> E:
    if a.type.oid == T.UNKNOWN.oid:
        a = coerce(a, T.JSONB)
    if b.type.oid == T.UNKNOWN.oid:
        b = coerce(b, T.JSONB)
    if a.type.oid != T.JSONB.oid or b.type.oid != T.JSONB.oid:
        raise type_error_operator("||", a.type, b.type)
    return E(_strict2(concat_values, a.fn, b.fn), T.JSONB)


# ---------------------------------------------------------------------------
# arrays: ||


def array_cat_values(a: list[Any] | None, b: list[Any] | None) -> list[Any] | None:
    """array_cat: either may be NULL; n-dim || (n-1)-dim appends an element."""
    if a is None:
        return b
    if b is None:
        return a
    if not a:
        return b
    if not b:
        return a
    da, db = _ndims(a), _ndims(b)
    if da == db:
        if da > 1 and _dims(a)[1:] != _dims(b)[1:]:
            raise _dims_error()
        return a + b
    if da == db + 1:
        if _dims(a)[1:] != _dims(b):
            raise _dims_error()
        return a + [b]
    if db == da + 1:
        if _dims(b)[1:] != _dims(a):
            raise _dims_error()
        return [a] + b
    raise SqlError("2202E", "cannot concatenate incompatible arrays",
                   detail=f"Arrays of {da} and {db} dimensions are not compatible for concatenation.")


def _dims_error() -> SqlError:
    return SqlError("2202E", "cannot concatenate incompatible arrays",
                    detail="Arrays with differing element dimensions are not compatible for concatenation.")


def _ndims(v: list[Any]) -> int:
    n = 1
    while v and isinstance(v[0], list):
        n += 1
        v = v[0]
    return n


def _dims(v: list[Any]) -> list[int]:
    out = []
    cur: Any = v
    while isinstance(cur, list):
        out.append(len(cur))
        if not cur:
            break
        cur = cur[0]
    return out


def array_concat(a: E, b: E) -> E:
    """anyarray || anyarray, anyarray || anyelement, anyelement || anyarray."""
    ta, tb = a.type, b.type
    if ta.elem is not None and tb.elem is None:
        if tb.oid == T.UNKNOWN.oid:
            b = coerce(b, T.strip(ta))  # an unknown literal is read as an array
            return _cat(a, b, ta)
        elem = T.strip(ta.elem)
        b2 = _elem_coerce(b, elem, "||", ta, tb)
        fa, fb = a.fn, b2.fn

        def append(row: Any) -> Any:
            x = fa(row)
            y = fb(row)
            return array_cat_values(x, [y]) if x is not None else [y]

        return E(append, T.strip(ta))
    if tb.elem is not None and ta.elem is None:
        if ta.oid == T.UNKNOWN.oid:
            a = coerce(a, T.strip(tb))
            return _cat(a, b, tb)
        elem = T.strip(tb.elem)
        a2 = _elem_coerce(a, elem, "||", ta, tb)
        fa, fb = a2.fn, b.fn

        def prepend(row: Any) -> Any:
            x = fa(row)
            y = fb(row)
            return array_cat_values([x], y) if y is not None else [x]

        return E(prepend, T.strip(tb))
    if ta.elem is None or tb.elem is None:
        raise type_error_operator("||", ta, tb)
    if T.strip(ta.elem) != T.strip(tb.elem):
        try:
            common = T.common_type([ta.elem, tb.elem], "ARRAY")
        except SqlError:
            raise type_error_operator("||", ta, tb) from None
        at = T.array_of(common)
        a, b = coerce(a, at), coerce(b, at)
        return _cat(a, b, at)
    return _cat(a, b, T.strip(ta))


def _elem_coerce(e: E, elem: SqlType, op: str, ta: SqlType, tb: SqlType) -> E:
    if e.type.oid == T.UNKNOWN.oid or T.strip(e.type) == elem:
        return coerce(e, elem)
    try:
        return coerce(e, elem)
    except SqlError:
        raise type_error_operator(op, ta, tb) from None


def _cat(a: E, b: E, t: SqlType) -> E:
    fa, fb = a.fn, b.fn
    return E(lambda row: array_cat_values(fa(row), fb(row)), t)


# ---------------------------------------------------------------------------
# jsonb subscripts


def jsonb_subscript(c: Compiler, base: E, subscripts: list[exp.Expression]) -> E:
    if base.type.oid != T.JSONB.oid:
        raise SqlError("42804", f"cannot subscript type {base.type.display()} because it does not support "
                                "subscripting")
    steps: list[E] = []
    for s in subscripts:
        if isinstance(s, exp.Slice):
            raise SqlError("42804", "jsonb subscript does not support slices")
        e = c.compile(s)
        if e.type.oid == T.UNKNOWN.oid:
            e = coerce(e, T.TEXT)
        if e.type.oid in T.INTEGER_TYPES:
            e = coerce(e, T.INT4)
        elif e.type.oid in T.STRING_OIDS:
            e = coerce(e, T.TEXT)
        else:
            raise SqlError("42804", "subscript type " + e.type.display() + " is not supported as jsonb subscript",
                           hint="jsonb subscript must be coercible to either integer or text.")
        steps.append(e)
    fb = base.fn
    fns = [s.fn for s in steps]

    def run(row: Any) -> Any:
        v = fb(row)
        for f in fns:
            if v is None:
                return None
            k = f(row)
            if k is None:
                return None
            if isinstance(v, dict):
                if isinstance(k, int):
                    return None
                v = v.get(k)
            elif isinstance(v, list):
                idx = k if isinstance(k, int) else _path_index(k)
                if idx is None:
                    return None
                v = get_elem(v, idx)
            else:
                return None
        return v

    return E(run, T.JSONB)


__all__ = [
    "array_cat_values",
    "array_concat",
    "as_text",
    "compile_json_op",
    "concat_values",
    "const",
    "contains",
    "delete_path",
    "exists",
    "get_path",
    "jsonb_arith",
    "jsonb_concat",
    "jsonb_object",
    "jsonb_sort_key",
    "jsonb_subscript",
    "kind",
    "normalize_jsonb",
    "to_json_value",
    "value_json",
]
