"""Declarative partitioning at write time: which partition a row belongs to, and each partition's
constraint (its own bound and its ancestors'). Bounds themselves are in plan/partition_bounds.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.plan.partition_bounds import (
    Bound,
    key_spec,
    load_bound,
    values_text,
)
from orbitdb.storage.catalog import Catalog, TableDef

if TYPE_CHECKING:
    from orbitdb.sql.plan.planner import Planner

Row = tuple[Any, ...]


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
        self.spec = key_spec(table, planner.catalog)
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
                           f"{values_text(key, self.spec.types)}.", schema=self.table.schema,
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
        spec = key_spec(parent, cat)
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
