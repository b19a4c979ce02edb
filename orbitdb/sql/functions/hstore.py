"""hstore's functions (CREATE EXTENSION hstore): hstore(...) constructors, akeys/avals,
skeys/svals/each (set-returning), exist/exists_any/exists_all/defined, delete, slice, fetchval,
hstore_to_json(b), hstore_to_array/matrix. The hstore type's oid is one database's, so a function
taking one is registered for any type and checks its argument when the call is compiled."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.registry import ANY, register
from orbitdb.sql.statement_scope import running_session
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.hstore import Pairs, from_arrays, from_flat_array, from_pairs, is_hstore, pairs_of
from orbitdb.sql.types.usertypes import find_typedef, sqltype_of

TEXT_ARRAY = T.array_of(T.TEXT)
TEXT_MATRIX = TEXT_ARRAY  # a two-dimensional text[] is still text[]


def _session_hstore() -> SqlType:
    """The hstore type the running statement sees (its extension's, along the search path)."""
    s = running_session()
    if s is not None:
        cat = s.catalog()
        td = find_typedef(cat, s.search_schemas(), ["hstore"])
        if td is not None and td.kind == "b":
            return sqltype_of(cat, td)
    raise SqlError("42704", 'type "hstore" does not exist')


def _taking_hstore(name: str, result: SqlType | None = None) -> Any:
    """The result type of a function whose first argument is an hstore (result None: the hstore)."""

    def ret(types: list[SqlType]) -> SqlType:
        first = types[0]
        # (a literal argument reaches here as text: PostgreSQL would read it as the hstore it spells)
        if not is_hstore(first) and first.oid not in (T.UNKNOWN.oid, T.TEXT.oid):
            raise SqlError("42883", f"function {name}({', '.join(t.display() for t in types)}) does not exist",
                           hint="No function matches the given name and argument types. You might need to add "
                                "explicit type casts.")
        if result is not None:
            return result
        return first if is_hstore(first) else _session_hstore()

    return ret


def _pairs(h: Any) -> Pairs:
    return pairs_of(h)


def _sorted_items(h: Any) -> list[tuple[str, str | None]]:
    pairs = _pairs(h)
    return sorted(pairs.items(), key=lambda kv: (len(kv[0].encode()), kv[0].encode()))


@register("hstore", [T.TEXT, T.TEXT], lambda types: _session_hstore(), strict=False)
def hstore_pair(key: str | None, value: str | None) -> str | None:
    if key is None:
        return None
    return from_pairs({key: value})


@register("hstore", [TEXT_ARRAY, TEXT_ARRAY], lambda types: _session_hstore(), strict=False)
def hstore_arrays(keys: list[Any] | None, values: list[Any] | None) -> str | None:
    if keys is None:
        return None
    if values is None:
        return from_arrays(keys, [None] * len(keys))
    return from_arrays(keys, values)


@register("hstore", [TEXT_ARRAY], lambda types: _session_hstore())
def hstore_array(items: list[Any]) -> str:
    return from_flat_array(items)


register("akeys", [ANY], _taking_hstore("akeys", TEXT_ARRAY))(lambda h: [k for k, _ in _sorted_items(h)])
register("avals", [ANY], _taking_hstore("avals", TEXT_ARRAY))(lambda h: [v for _, v in _sorted_items(h)])
register("skeys", [ANY], _taking_hstore("skeys", T.TEXT), set_returning=True)(
    lambda h: [k for k, _ in _sorted_items(h)])
register("svals", [ANY], _taking_hstore("svals", T.TEXT), set_returning=True)(
    lambda h: [v for _, v in _sorted_items(h)])


def _each(h: Any) -> list[tuple[str, str | None]]:
    return _sorted_items(h)


_each.columns = [("key", T.TEXT), ("value", T.TEXT)]  # type: ignore[attr-defined]
register("each", [ANY], _taking_hstore("each", T.RECORD), set_returning=True)(_each)

register("exist", [ANY, T.TEXT], _taking_hstore("exist", T.BOOL))(lambda h, k: k in _pairs(h))
register("exists_any", [ANY, TEXT_ARRAY], _taking_hstore("exists_any", T.BOOL))(
    lambda h, ks: any(k in _pairs(h) for k in ks if k is not None))
register("exists_all", [ANY, TEXT_ARRAY], _taking_hstore("exists_all", T.BOOL))(
    lambda h, ks: all(k in _pairs(h) for k in ks if k is not None))
register("defined", [ANY, T.TEXT], _taking_hstore("defined", T.BOOL))(lambda h, k: _pairs(h).get(k) is not None)
register("fetchval", [ANY, T.TEXT], _taking_hstore("fetchval", T.TEXT))(lambda h, k: _pairs(h).get(k))


def _delete(h: Any, what: Any) -> str:
    pairs = _pairs(h)
    if isinstance(what, list):
        for k in what:
            pairs.pop(k, None)
    else:
        pairs.pop(what, None)
    return from_pairs(pairs)


register("delete", [ANY, T.TEXT], _taking_hstore("delete"))(_delete)
register("delete", [ANY, TEXT_ARRAY], _taking_hstore("delete"))(_delete)


@register("slice", [ANY, TEXT_ARRAY], _taking_hstore("slice"))
def hstore_slice(h: Any, keys: list[Any]) -> str:
    pairs = _pairs(h)
    return from_pairs({k: pairs[k] for k in keys if k is not None and k in pairs})


register("hstore_to_json", [ANY], _taking_hstore("hstore_to_json", T.JSON))(lambda h: dict(_sorted_items(h)))
register("hstore_to_jsonb", [ANY], _taking_hstore("hstore_to_jsonb", T.JSONB))(lambda h: dict(_sorted_items(h)))
register("hstore_to_array", [ANY], _taking_hstore("hstore_to_array", TEXT_ARRAY))(
    lambda h: [x for kv in _sorted_items(h) for x in kv])
register("hstore_to_matrix", [ANY], _taking_hstore("hstore_to_matrix", TEXT_MATRIX))(
    lambda h: [list(kv) for kv in _sorted_items(h)])
