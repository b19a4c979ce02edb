"""A partitioned table's row triggers live on its partitions as clones (pg_trigger.tgparentid),
as PostgreSQL keeps them: made when the trigger is created or a partition is attached, dropped
when the partition is detached or the trigger dropped."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from orbitdb.sql.errors import SqlError
from orbitdb.storage.catalog import Catalog, TableDef, TriggerDef


def clone_row_triggers(cat: Catalog, parent: TableDef, child: TableDef, new_oid: Callable[[], int],
                       only: list[TriggerDef] | None = None) -> None:
    """Clones parent's row triggers (or only those given) onto child and, down, its partitions."""
    made = []
    for trig in only if only is not None else parent.triggers:
        if not trig.for_each_row or trig.timing == "instead":
            continue
        if any(t.name == trig.name for t in child.triggers):
            raise SqlError("42710", f'trigger "{trig.name}" for relation "{child.name}" already exists')
        clone = dataclasses.replace(trig, oid=new_oid(), parent=trig.oid, arguments=list(trig.arguments),
                                    update_columns=list(trig.update_columns), events=list(trig.events))
        child.triggers.append(clone)
        made.append(clone)
    cat.put(child)
    if made and child.partition_strategy:
        for grandchild in partitions(cat, child):
            clone_row_triggers(cat, child, grandchild, new_oid, made)


def partitions(cat: Catalog, table: TableDef) -> list[TableDef]:
    return [t for t in cat.children_of(table) if t.partition_of == table.oid]


def drop_clones(cat: Catalog, table: TableDef, parents: set[int]) -> None:
    """Drops table's clones of the triggers parents, and their clones further down."""
    gone = {t.oid for t in table.triggers if t.parent in parents}
    if not gone:
        return
    table.triggers = [t for t in table.triggers if t.oid not in gone]
    cat.put(table)
    for child in partitions(cat, table):
        drop_clones(cat, child, gone)


def clones_of(cat: Catalog, table: TableDef, trig: TriggerDef) -> list[tuple[TableDef, TriggerDef]]:
    """Every clone of trig below table (partitions, sub-partitions)."""
    out = []
    for child in partitions(cat, table):
        for t in child.triggers:
            if t.parent == trig.oid:
                out.append((child, t))
                out.extend(clones_of(cat, child, t))
    return out
