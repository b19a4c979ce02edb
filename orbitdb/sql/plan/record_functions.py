"""json[b]_to_record and json[b]_to_recordset in FROM: functions returning "record", whose columns
the query declares (AS r(a int, b text)). Each declared column takes the object's key of its
name: JSON null or a missing key is NULL, a json/jsonb column takes the JSON value, an array
column a JSON array element by element, any other type the value's text through its input
function (and the column's type modifier), as PostgreSQL's populate_record does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.plans import FunctionScan
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import coerce, ident
from orbitdb.sql.expr.scope import Scope, ScopeColumn
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import EXPLICIT, find_cast, typmod_fn
from orbitdb.sql.types.jsonb import json_text, normalize_jsonb
from orbitdb.storage.jsonnull import JSON_NULL

if TYPE_CHECKING:
    from orbitdb.sql.plan.planner import Planner

RECORD_FUNCTIONS = {"json_to_record", "jsonb_to_record", "json_to_recordset", "jsonb_to_recordset"}


def declares_columns(fnode: exp.Expression, alias: exp.Expression | None) -> bool:
    """Whether fnode is one of the json record functions and its alias a column definition list
    (r(a int, ...)); other functions returning record (user functions) are planned as functions."""
    name = (fnode.name if isinstance(fnode, exp.Anonymous) else fnode.sql_name()).lower()
    return name in RECORD_FUNCTIONS and alias is not None and any(isinstance(c, exp.ColumnDef) and c.args.get("kind") is not None
                                     for c in alias.args.get("columns") or [])


def record_function_source(planner: Planner, fnode: exp.Expression, alias: exp.Expression, scope: Scope,
                           lateral_scope: Scope | None) -> tuple[Any, list[ScopeColumn], str | None]:
    name = (fnode.name if isinstance(fnode, exp.Anonymous) else fnode.sql_name()).lower()
    if name not in RECORD_FUNCTIONS:
        raise SqlError("42601", "a column definition list is only allowed for functions returning \"record\"")
    args = list(fnode.expressions) if isinstance(fnode, exp.Anonymous) else [fnode.this, *fnode.expressions]
    if len(args) != 1:
        raise SqlError("42883", f"function {name} takes one argument")
    if lateral_scope is not None:
        inner_scope = Scope([], parent=lateral_scope, level=lateral_scope.level + 1)
    else:
        inner_scope = Scope([], parent=scope.parent, level=scope.level + 1) if scope.parent else Scope()
    comp = Compiler(planner, inner_scope, planner.rt, where="functions in FROM")
    jsonb = name.startswith("jsonb")
    arg = coerce(comp.compile(args[0]), T.JSONB if jsonb else T.JSON)
    columns = []
    for c in alias.args["columns"]:
        if not isinstance(c, exp.ColumnDef) or c.args.get("kind") is None:
            raise SqlError("42601", "a column definition list requires types for every column")
        columns.append((ident(c.this), T.from_datatype(c.args["kind"])))
    convert = [_converter(t) for _, t in columns]
    keys = [n for n, _ in columns]
    many = name.endswith("recordset")
    fn = arg.fn

    def row_of(obj: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(conv(obj.get(k, JSON_NULL)) for k, conv in zip(keys, convert))

    def gen(ctx: ExecContext) -> Iterator[tuple[Any, ...]]:
        v = fn(())
        if v is None:
            if not many:  # json[b]_to_record(NULL) is a row of NULLs, as in PostgreSQL
                yield tuple(None for _ in keys)
            return
        if not many:
            if not isinstance(v, dict):
                raise SqlError("22023", f"cannot call populate_composite on {_kind(v)}")
            yield row_of(v)
            return
        if isinstance(v, dict):
            raise SqlError("22023", f"cannot call {name} on an object")
        if not isinstance(v, list):
            raise SqlError("22023", f"cannot call {name} on a scalar")
        for item in v:
            if not isinstance(item, dict):
                raise SqlError("22023", f"argument of {name} must be an array of objects")
            yield row_of(item)

    rel = ident(alias.this) if alias.this is not None else name
    cols = [ScopeColumn(rel, n, t) for n, t in columns]
    plan = FunctionScan(cols, gen, name, rel)
    plan.correlated = lateral_scope is not None and inner_scope.correlated  # type: ignore[attr-defined]
    return plan, cols, rel


def _kind(v: Any) -> str:
    return "an array" if isinstance(v, list) else "a scalar"


def _converter(t: SqlType) -> Callable[[Any], Any]:
    """JSON value -> value of the declared column type."""
    if t.oid == T.JSONB.oid:
        return lambda v: None if v is JSON_NULL else normalize_jsonb(v)
    if t.oid == T.JSON.oid:
        return lambda v: None if v is JSON_NULL else v
    if t.elem is not None:
        element = _converter(t.elem)

        def array(v: Any) -> Any:
            if v is JSON_NULL:
                return None
            if not isinstance(v, list):
                return _scalar(t)(v)  # a string holding an array literal ('{1,2}')
            return [array(x) if isinstance(x, list) else element(x) for x in v]

        return array
    return _scalar(t)


def _scalar(t: SqlType) -> Callable[[Any], Any]:
    parse = find_cast(T.UNKNOWN, T.strip(t), EXPLICIT)
    assert parse is not None
    modifier = typmod_fn(t, False) if t.typmod >= 0 else None

    def conv(v: Any) -> Any:
        if v is JSON_NULL or v is None:
            return None
        text = v if isinstance(v, str) else json_text(v, jsonb=False)
        out = parse(text)
        return modifier(out) if modifier is not None else out

    return conv
