"""Declarative partitioning: partition bounds (RANGE and LIST, and the DEFAULT partition), which
partition a row belongs to, and each partition's constraint (its own bound and its ancestors').

A bound is kept in the catalog as the text pg_get_expr prints for relpartbound
("FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", "FOR VALUES IN (1, 2)", "DEFAULT"), and read
back into key values of the partition key's types. Rows are matched by comparing those values, in
the order the types sort in (text bytewise, as orbitdb compares it)."""

from __future__ import annotations

import functools
from collections.abc import Callable
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
from orbitdb.sql.types.casts import ASSIGNMENT
from orbitdb.sql.types.textio import to_text
from orbitdb.storage.catalog import Catalog, TableDef

if TYPE_CHECKING:
    from orbitdb.sql.plan.planner import Planner

Row = tuple[Any, ...]


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

    def key_of(self, row: Row, names: list[str]) -> tuple[Any, ...]:
        return tuple(row[names.index(c)] for c in self.columns)


def key_spec(table: TableDef) -> KeySpec:
    types = []
    for name in table.partition_key:
        col = table.column(name)
        assert col is not None
        types.append(T.parse_type_name(col.type))
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
                           detail=f"Specified lower bound {_values_text(lower, spec.types)} is greater than or "
                           f"equal to upper bound {_values_text(upper, spec.types)}.")
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


def _values_text(values: tuple[Any, ...] | list[Any], types: list[SqlType]) -> str:
    return "(" + ", ".join(_literal(v, types[min(i, len(types) - 1)]) for i, v in enumerate(values)) + ")"


def bound_text(bound: Bound, spec: KeySpec) -> str:
    if bound.kind == "default":
        return "DEFAULT"
    if bound.kind == "list":
        return "FOR VALUES IN " + _values_text(bound.values, spec.types)
    return f"FOR VALUES FROM {_values_text(bound.lower, spec.types)} TO {_values_text(bound.upper, spec.types)}"


@functools.lru_cache(maxsize=256)
def _bound_node(text: str) -> exp.Expression:
    created = parse_one("CREATE TABLE p PARTITION OF q " + text)
    prop = created.args["properties"].expressions[0]
    return prop.expression


def load_bound(planner: Planner, parent: TableDef, text: str) -> Bound:
    return bound_from_node(planner, key_spec(parent), _bound_node(text), "")


# -- the tree of partitions (kept by the catalog) --
def partitions_of(cat: Catalog, parent: TableDef) -> list[TableDef]:
    return cat.partitions_of(parent)


def children_of(cat: Catalog, parent: TableDef) -> list[TableDef]:
    return cat.children_of(parent)


def descendants_of(cat: Catalog, parent: TableDef) -> list[TableDef]:
    return cat.descendants_of(parent)


class PartitionRouter:
    """Finds the leaf partition of a partitioned table a row belongs to (23514 when none does)."""

    def __init__(self, planner: Planner, table: TableDef) -> None:
        self.table = table
        self.names = [c.name for c in table.columns]
        self.spec = key_spec(table)
        self.parts: list[tuple[TableDef, Bound]] = []
        self.default: TableDef | None = None
        self.sub: dict[int, PartitionRouter] = {}
        for p in partitions_of(planner.catalog, table):
            assert p.partition_bound is not None
            b = load_bound(planner, table, p.partition_bound)
            if b.kind == "default":
                self.default = p
            else:
                self.parts.append((p, b))
            if p.partition_strategy:
                self.sub[p.oid] = PartitionRouter(planner, p)

    def leaf_for(self, row: Row, names: list[str] | None = None) -> TableDef:
        """row: values in the order of names (default: this table's columns)."""
        names = names or self.names
        key = self.spec.key_of(row, names)
        found = next((p for p, b in self.parts if b.contains(key)), None) or self.default
        if found is None:
            raise SqlError("23514", f'no partition of relation "{self.table.name}" found for row',
                           detail=f"Partition key of the failing row contains ({', '.join(self.spec.columns)}) = "
                           f"{_values_text(key, self.spec.types)}.", schema=self.table.schema,
                           table=self.table.name)
        sub = self.sub.get(found.oid)
        return sub.leaf_for(row, names) if sub is not None else found


def partition_check(planner: Planner, table: TableDef) -> Callable[[Row], bool] | None:
    """The partition constraint of table (its bound within its parent, and the parent's within its
    own, up to the root) as a test of a row in table's column order; None for a table that is not
    a partition."""
    tests: list[Callable[[Row], bool]] = []
    names = [c.name for c in table.columns]
    node = table
    cat = planner.catalog
    while node.partition_of is not None and node.partition_bound is not None:
        parent = cat.table_by_oid(node.partition_of)
        if parent is None:
            break
        spec = key_spec(parent)
        idx = [names.index(c) for c in spec.columns]
        bound = load_bound(planner, parent, node.partition_bound)
        if bound.kind == "default":
            siblings = [load_bound(planner, parent, s.partition_bound) for s in partitions_of(cat, parent)
                        if s.oid != node.oid and s.partition_bound is not None]

            def outside(row: Row, idx: list[int] = idx, siblings: list[Bound] = siblings) -> bool:
                key = tuple(row[i] for i in idx)
                return not any(b.contains(key) for b in siblings)
            tests.append(outside)
        else:
            def inside(row: Row, idx: list[int] = idx, bound: Bound = bound) -> bool:
                return bound.contains(tuple(row[i] for i in idx))
            tests.append(inside)
        node = parent
    if not tests:
        return None
    return lambda row: all(t(row) for t in tests)


def map_row(row: Row, from_names: list[str], to_names: list[str]) -> Row:
    """row (in from_names' order) in another table's column order, matching columns by name."""
    pos = {n: i for i, n in enumerate(from_names)}
    return tuple(row[pos[n]] if n in pos else None for n in to_names)


def column_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Column):
        return ident(node.this)
    if isinstance(node, exp.Identifier):
        return ident(node)
    raise SqlError("0A000", "partitioning by an expression is not supported",
                   detail="orbitdb partitions by columns.")
