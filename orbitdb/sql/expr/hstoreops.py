"""hstore's operators: -> (a key's value, or the values of a key array), ? ?| ?& (keys exist),
@> <@ (containment), || (concatenation, the right side's values win) and - (without a key, keys,
or the pairs of another hstore). The compiler asks here when an operand is an hstore."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.expr.core import E, coerce, strict2, type_error_operator
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.hstore import from_pairs, is_hstore, pairs_of

TEXT_ARRAY = T.array_of(T.TEXT)


def _is_text_array(t: SqlType) -> bool:
    return t.elem is not None and t.elem.oid in T.STRING_OIDS


def _contains(big: Any, small: Any) -> bool:
    outer = pairs_of(big)
    return all(k in outer and outer[k] == v for k, v in pairs_of(small).items())


def _concat(a: Any, b: Any) -> str:
    merged = pairs_of(a)
    merged.update(pairs_of(b))
    return from_pairs(merged)


def _minus_keys(h: Any, keys: list[Any]) -> str:
    pairs = pairs_of(h)
    for k in keys:
        if k is not None:
            pairs.pop(k, None)
    return from_pairs(pairs)


def _minus_pairs(h: Any, other: Any) -> str:
    drop = pairs_of(other)
    return from_pairs({k: v for k, v in pairs_of(h).items() if not (k in drop and drop[k] == v)})


def hstore_operator(op: str, a: E, b: E) -> E | None:
    """The operator op on a and b when one is an hstore (None: not hstore's operator)."""
    ta, tb = a.type, b.type
    if not is_hstore(ta):
        if is_hstore(tb) and op in ("@>", "<@", "||") and ta.oid == T.UNKNOWN.oid:
            a = coerce(a, tb)
            ta = tb
        else:
            return None
    if op == "->":
        if _is_text_array(tb):
            keys = coerce(b, TEXT_ARRAY)
            return E(strict2(lambda h, ks: [pairs_of(h).get(k) if k is not None else None for k in ks], a.fn,
                             keys.fn), TEXT_ARRAY)
        if tb.oid not in T.STRING_OIDS:
            raise type_error_operator(op, ta, tb)
        key = coerce(b, T.TEXT)
        return E(strict2(lambda h, k: pairs_of(h).get(k), a.fn, key.fn), T.TEXT)
    if op == "?":
        if tb.oid not in T.STRING_OIDS:
            raise type_error_operator(op, ta, tb)
        key = coerce(b, T.TEXT)
        return E(strict2(lambda h, k: k in pairs_of(h), a.fn, key.fn), T.BOOL)
    if op in ("?|", "?&"):
        if not (_is_text_array(tb) or tb.oid == T.UNKNOWN.oid):
            raise type_error_operator(op, ta, tb)
        keys = coerce(b, TEXT_ARRAY)
        if op == "?|":
            return E(strict2(lambda h, ks: any(k in pairs_of(h) for k in ks if k is not None), a.fn, keys.fn),
                     T.BOOL)
        return E(strict2(lambda h, ks: all(k in pairs_of(h) for k in ks if k is not None), a.fn, keys.fn), T.BOOL)
    if op in ("@>", "<@", "||"):
        if tb.oid == T.UNKNOWN.oid:
            b = coerce(b, ta)
        elif not is_hstore(tb):
            raise type_error_operator(op, ta, tb)
        if op == "@>":
            return E(strict2(_contains, a.fn, b.fn), T.BOOL)
        if op == "<@":
            return E(strict2(lambda x, y: _contains(y, x), a.fn, b.fn), T.BOOL)
        return E(strict2(_concat, a.fn, b.fn), ta)
    if op == "-":
        if tb.oid == T.UNKNOWN.oid:  # PostgreSQL reads the literal as an hstore (hstore - hstore)
            b = coerce(b, ta)
            tb = ta
        if is_hstore(tb):
            return E(strict2(_minus_pairs, a.fn, b.fn), ta)
        if _is_text_array(tb):
            return E(strict2(_minus_keys, a.fn, coerce(b, TEXT_ARRAY).fn), ta)
        if tb.oid in T.STRING_OIDS:
            return E(strict2(lambda h, k: _minus_keys(h, [k]), a.fn, coerce(b, T.TEXT).fn), ta)
        raise type_error_operator(op, ta, tb)
    raise type_error_operator(op, ta, tb)
