"""Partition bounds (RANGE and LIST, and the DEFAULT partition): read from the statement or the
catalog, matched against key values, and compared with a query's conditions to skip partitions.

A bound is kept in the catalog as the text pg_get_expr prints for relpartbound
("FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", "FOR VALUES IN (1, 2)", "DEFAULT"), and read
back into key values of the partition key's types. Rows are matched by comparing those values, in
the order the types sort in (text bytewise, as orbitdb compares it)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import Runtime, coerce, ident
from orbitdb.sql.expr.scope import Scope
from orbitdb.sql.parse.parser import parse_one
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import usertypes as U
from orbitdb.sql.types.casts import ASSIGNMENT
from orbitdb.sql.types.textio import to_text
from orbitdb.storage.catalog import Catalog, TableDef

if TYPE_CHECKING:
    from orbitdb.sql.plan.planner import Planner



class _Infinite:
    """MINVALUE (below every value) or MAXVALUE (above every value) in a range bound."""

    def __init__(self, sign: int, word: str) -> None:
        self.sign = sign
        self.word = word

    def __repr__(self) -> str:
        return self.word


MINVALUE = _Infinite(-1, "MINVALUE")
MAXVALUE = _Infinite(1, "MAXVALUE")
_BARE_TYPES = {T.INT2.oid, T.INT4.oid, T.INT8.oid, T.NUMERIC.oid, T.FLOAT4.oid, T.FLOAT8.oid}


def _cmp_value(a: Any, b: Any) -> int:
    if isinstance(a, _Infinite) or isinstance(b, _Infinite):
        sa = a.sign if isinstance(a, _Infinite) else 0
        sb = b.sign if isinstance(b, _Infinite) else 0
        return (sa > sb) - (sa < sb)
    return (a > b) - (a < b)


def _holds(c: int, op: str) -> bool:
    """Whether x op v holds, given c = cmp(x, v)."""
    return {"=": c == 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]


def compare_keys(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
    for x, y in zip(a, b):
        c = _cmp_value(x, y)
        if c:
            return c
    return 0


@dataclass
class Bound:
    kind: str  # "range", "list" or "default"
    lower: tuple[Any, ...] = ()
    upper: tuple[Any, ...] = ()
    values: list[Any] = field(default_factory=list)  # list partitions: the key values (None for NULL)

    def contains(self, key: tuple[Any, ...]) -> bool:
        """Whether a row with these key values belongs here (a DEFAULT bound answers False: it
        takes what no sibling takes)."""
        if self.kind == "list":
            return key[0] in self.values if key[0] is not None else None in self.values
        if self.kind == "range":
            if None in key:
                return False
            return compare_keys(self.lower, key) <= 0 and compare_keys(key, self.upper) < 0
        return False

    def may_hold(self, op: str, v: Any, single: bool) -> bool:
        """Whether a row whose first key column compares with v by op (=, <, <=, >, >=) can be
        here; single: the key has one column (a range's upper bound then excludes itself)."""
        if self.kind == "list":
            return any(_holds(_cmp_value(x, v), op) for x in self.values if x is not None)
        if self.kind != "range":
            return True
        lo, hi = self.lower[0], self.upper[0]
        if op in ("=", ">", ">="):
            below_top = _cmp_value(v, hi) < 0 if single or op == ">" else _cmp_value(v, hi) <= 0
            if not below_top:
                return False
        if op in ("=", "<", "<="):
            return _cmp_value(lo, v) < 0 if op == "<" else _cmp_value(lo, v) <= 0
        return True

    def overlaps(self, other: Bound) -> bool:
        if self.kind != other.kind or self.kind == "default":
            return self.kind == other.kind == "default"
        if self.kind == "list":
            return any(v in other.values for v in self.values)
        return compare_keys(self.lower, other.upper) < 0 and compare_keys(other.lower, self.upper) < 0


@dataclass
class KeySpec:
    """A partitioned table's key: strategy, its columns and their types."""
    strategy: str
    columns: list[str]
    types: list[SqlType]

    def key_of(self, row: tuple[Any, ...], names: list[str]) -> tuple[Any, ...]:
        return tuple(row[names.index(c)] for c in self.columns)


def key_spec(table: TableDef, catalog: Catalog | None = None) -> KeySpec:
    types = []
    for name in table.partition_key:
        col = table.column(name)
        assert col is not None
        types.append(U.stored_type(catalog, col.type).sql if catalog is not None else T.parse_type_name(col.type))
    return KeySpec(table.partition_strategy, list(table.partition_key), types)


# -- bounds: from the statement, to and from their catalog text --
def bound_from_node(planner: Planner, spec: KeySpec, node: exp.Expression, partition: str) -> Bound:
    """The bound a CREATE TABLE ... PARTITION OF / ATTACH PARTITION gives, checked against the key."""
    if isinstance(node, exp.Var) and node.name.upper() == "DEFAULT":
        return Bound("default")
    if not isinstance(node, exp.PartitionBoundSpec):
        raise SqlError("42601", "syntax error at or near \"FOR\"")
    if node.args.get("from_expressions") is not None:
        if spec.strategy != "range":
            raise SqlError("42P16", f'invalid bound specification for a {spec.strategy} partition')
        lower = _range_values(planner, spec, node.args["from_expressions"], "lower")
        upper = _range_values(planner, spec, node.args["to_expressions"], "upper")
        if compare_keys(lower, upper) >= 0:
            raise SqlError("42P17", f'empty range bound specified for partition "{partition}"',
                           detail=f"Specified lower bound {values_text(lower, spec.types)} is greater than or "
                           f"equal to upper bound {values_text(upper, spec.types)}.")
        return Bound("range", lower, upper)
    if isinstance(node.this, list):
        if spec.strategy != "list":
            raise SqlError("42P16", f'invalid bound specification for a {spec.strategy} partition')
        values: list[Any] = []
        for item in node.this:
            v = _value(planner, item, spec.types[0], spec.columns[0])
            if v not in values:
                values.append(v)
        return Bound("list", values=values)
    raise SqlError("0A000", "hash partitioning is not supported",
                   detail="orbitdb partitions by RANGE and LIST.")


def _range_values(planner: Planner, spec: KeySpec, items: list[exp.Expression], which: str) -> tuple[Any, ...]:
    if len(items) != len(spec.columns):
        raise SqlError("42P16", f"{'FROM' if which == 'lower' else 'TO'} must specify exactly one value per "
                       "partitioning column")
    out: list[Any] = []
    for item, t, col in zip(items, spec.types, spec.columns):
        if isinstance(item, exp.Var) and item.name.upper() in ("MINVALUE", "MAXVALUE"):
            out.append(MINVALUE if item.name.upper() == "MINVALUE" else MAXVALUE)
            continue
        if out and isinstance(out[-1], _Infinite):
            raise SqlError("42P16", "every bound following MAXVALUE must also be MAXVALUE"
                           if out[-1] is MAXVALUE else "every bound following MINVALUE must also be MINVALUE")
        v = _value(planner, item, t, col)
        if v is None:
            raise SqlError("22004", "cannot specify NULL in range bound")
        out.append(v)
    return tuple(out)


def _value(planner: Planner, node: exp.Expression, t: SqlType, column: str) -> Any:
    rt = Runtime([])
    rt.ctx = planner.rt.ctx
    e = Compiler(planner, Scope(), rt, where="partition bound").compile(node)
    try:
        return coerce(e, t, ASSIGNMENT, f'column "{column}"').fn(())
    except SqlError as err:
        if err.sqlstate == "42804":
            raise SqlError("42804", f'specified value cannot be cast to type {t.display()} for column "{column}"'
                           ) from None
        raise


def _literal(v: Any, t: SqlType) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, _Infinite):
        return v.word
    text = to_text(v, t.oid)
    if t.oid in _BARE_TYPES and not text.startswith("-"):
        return text
    if t.oid == T.BOOL.oid:
        return "true" if v else "false"
    return "'" + text.replace("'", "''") + "'"


def values_text(values: tuple[Any, ...] | list[Any], types: list[SqlType]) -> str:
    return "(" + ", ".join(_literal(v, types[min(i, len(types) - 1)]) for i, v in enumerate(values)) + ")"


def bound_text(bound: Bound, spec: KeySpec) -> str:
    if bound.kind == "default":
        return "DEFAULT"
    if bound.kind == "list":
        return "FOR VALUES IN " + values_text(bound.values, spec.types)
    return f"FOR VALUES FROM {values_text(bound.lower, spec.types)} TO {values_text(bound.upper, spec.types)}"


@functools.lru_cache(maxsize=256)
def _bound_node(text: str) -> exp.Expression:
    created = parse_one("CREATE TABLE p PARTITION OF q " + text)
    prop = created.args["properties"].expressions[0]
    return prop.expression


def load_bound(planner: Planner, parent: TableDef, text: str) -> Bound:
    return bound_from_node(planner, key_spec(parent, planner.catalog), _bound_node(text), "")


def column_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Column):
        return ident(node.this)
    if isinstance(node, exp.Identifier):
        return ident(node)
    raise SqlError("0A000", "partitioning by an expression is not supported",
                   detail="orbitdb partitions by columns.")
