"""DDL of partitioned and inheriting tables: CREATE TABLE ... PARTITION BY / PARTITION OF / INHERITS,
ALTER TABLE ... ATTACH / DETACH PARTITION, and what CREATE INDEX, ADD CONSTRAINT and DROP TABLE do to a
table's partitions, as PostgreSQL 15 does them."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from sqlglot import exp

from orbitdb.sql.ddl.trigger_clones import clone_row_triggers, drop_clones
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import Runtime, ident
from orbitdb.sql.interrupts import checked
from orbitdb.sql.modify.partitions import descendants_of, partition_check, partitions_of
from orbitdb.sql.parse.parser import parse_one
from orbitdb.sql.plan.partition_bounds import (
    Bound,
    KeySpec,
    bound_from_node,
    bound_text,
    column_name,
    key_spec,
    load_bound,
)
from orbitdb.sql.plan.planner import Planner
from orbitdb.sql.result import Result
from orbitdb.storage.catalog import ColumnDef, ConstraintDef, IndexDef, TableDef
from orbitdb.storage.lockmodes import ACCESS_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE
from orbitdb.storage.tables import TableAccess

if TYPE_CHECKING:
    from orbitdb.sql.ddl.commands import DDL

_STRATEGIES = {"RANGE": "range", "LIST": "list", "HASH": "hash"}


def _planner(ddl: DDL) -> Planner:
    rt = Runtime([])
    rt.ctx = ddl.ctx
    return Planner(ddl.s, ddl.cat, rt)


def _props(node: exp.Create) -> list[exp.Expression]:
    props = node.args.get("properties")
    return list(props.expressions) if props is not None else []


def _table_of(node: exp.Expression) -> exp.Table:
    return node.this if isinstance(node, exp.Schema) else node  # type: ignore[return-value]


# ---- CREATE TABLE ----
def inherit_columns(ddl: DDL, t: TableDef, node: exp.Create) -> list[exp.Expression]:
    """Before the table's own columns: a partition takes its parent's columns, an inheriting table its
    parents' (with their NOT NULL and CHECK constraints). Returns the elements a PARTITION OF gives
    (constraints in parentheses after the parent's name)."""
    extra: list[exp.Expression] = []
    for p in _props(node):
        if isinstance(p, exp.PartitionedOfProperty):
            parent = ddl.find_table(_table_of(p.this), mode=ACCESS_EXCLUSIVE)
            assert parent is not None
            if not parent.partition_strategy:
                raise SqlError("42P17", f'"{parent.name}" is not partitioned')
            if t.schema.startswith("pg_temp") != parent.schema.startswith("pg_temp"):
                raise SqlError("42P16", f'cannot create a {"temporary" if t.schema.startswith("pg_temp") else "permanent"} '
                               f'relation as partition of {"permanent" if t.schema.startswith("pg_temp") else "temporary"} '
                               f'relation "{parent.name}"')
            for c in parent.columns:
                ddl.add_column(t, ColumnDef(c.name, c.type, c.kind, 0, c.not_null, c.default,
                                            generated=c.generated))
            _inherit_checks(t, parent)
            t.partition_of = parent.oid
            if isinstance(p.this, exp.Schema):
                extra = list(p.this.expressions)
        elif isinstance(p, exp.InheritsProperty):
            for pnode in p.expressions:
                parent = ddl.find_table(pnode, mode=SHARE_UPDATE_EXCLUSIVE, modify=False)
                assert parent is not None
                if parent.partition_strategy:
                    raise SqlError("42809", f'cannot inherit from partitioned table "{parent.name}"')
                if parent.partition_of is not None:
                    raise SqlError("42809", f'cannot inherit from partition "{parent.name}"')
                if parent.oid in t.inherits:
                    raise SqlError("42P07", f'relation "{parent.name}" would be inherited from more than once')
                for c in parent.columns:
                    mine = t.column(c.name)
                    if mine is None:
                        ddl.add_column(t, ColumnDef(c.name, c.type, c.kind, 0, c.not_null, c.default))
                    else:
                        ddl.notice(f'merging multiple inherited definitions of column "{c.name}"')
                        _same_type(mine, c.type)
                        mine.not_null = mine.not_null or c.not_null
                _inherit_checks(t, parent)
                t.inherits.append(parent.oid)
    return extra


def _same_type(col: ColumnDef, type_name: str) -> None:
    if col.type != type_name:
        raise SqlError("42804", f'column "{col.name}" has a type conflict',
                       detail=f"{col.type} versus {type_name}")


def _inherit_checks(t: TableDef, parent: TableDef) -> None:
    for con in parent.constraints:
        if con.kind == "c" and not any(c.name == con.name for c in t.constraints):
            t.constraints.append(ConstraintDef(con.name, "c", list(con.columns), check=con.check))


def merge_inherited_column(ddl: DDL, t: TableDef, cd: exp.ColumnDef) -> bool:
    """A column the table declares that it also inherits: merged into the inherited one (with its
    NOTICE), True; False for a column of its own."""
    name = ident(cd.this)
    existing = t.column(name)
    if existing is None or not (t.inherits or t.partition_of is not None):
        return False
    if t.partition_of is not None:
        raise SqlError("42701", f'column "{name}" specified more than once')
    ddl.notice(f'merging column "{name}" with inherited definition')
    probe = TableDef(0, t.schema, t.name)
    col = ddl.column_def(probe, cd)
    _same_type(existing, col.type)
    existing.not_null = existing.not_null or col.not_null
    if col.default is not None:
        existing.default = col.default
    t.constraints.extend(c for c in probe.constraints if c.kind == "c")
    return True


def finish_partitioning(ddl: DDL, t: TableDef, node: exp.Create) -> None:
    """After the table's columns and constraints: its partition key, or its bound in its parent."""
    for p in _props(node):
        if isinstance(p, exp.PartitionedByProperty):
            _set_key(t, p)
        elif isinstance(p, exp.PartitionedOfProperty):
            parent = ddl.cat.table_by_oid(t.partition_of) if t.partition_of is not None else None
            assert parent is not None
            t.partition_of = None
            _attach(ddl, parent, t, p.expression, new_table=True)


def _set_key(t: TableDef, p: exp.PartitionedByProperty) -> None:
    spec = p.this
    if isinstance(spec, exp.List):
        strategy, items = "list", list(spec.expressions)
    elif isinstance(spec, exp.Anonymous) and str(spec.this).upper() in _STRATEGIES:
        strategy, items = _STRATEGIES[str(spec.this).upper()], list(spec.expressions)
    else:
        raise SqlError("42601", "syntax error at or near \"PARTITION\"")
    if strategy == "hash":
        raise SqlError("0A000", "hash partitioning is not supported", detail="orbitdb partitions by RANGE and LIST.")
    cols = [column_name(i) for i in items]
    for c in cols:
        if t.column(c) is None:
            raise SqlError("42703", f'column "{c}" named in partition key does not exist')
    if strategy == "list" and len(cols) > 1:
        raise SqlError("42P17", 'cannot use "list" partition strategy with more than one column')
    if t.inherits:
        raise SqlError("42P16", "cannot create partitioned table as inheritance child")
    t.partition_strategy = strategy
    t.partition_key = cols
    for con in t.constraints:
        _check_unique_has_key(t, con)


def _check_unique_has_key(t: TableDef, con: ConstraintDef) -> None:
    if con.kind not in ("p", "u") or not t.partition_strategy:
        return
    missing = [c for c in t.partition_key if c not in con.columns]
    if missing:
        kind = "PRIMARY KEY" if con.kind == "p" else "UNIQUE"
        raise SqlError("0A000", "unique constraint on partitioned table must include all partitioning columns",
                       detail=f'{kind} constraint on table "{t.name}" lacks column "{missing[0]}" which is part '
                       "of the partition key.")


def _attach(ddl: DDL, parent: TableDef, child: TableDef, bound_node: exp.Expression, new_table: bool) -> None:
    planner = _planner(ddl)
    spec = key_spec(parent, ddl.cat)
    bound = bound_from_node(planner, spec, bound_node, child.name)
    _check_overlap(ddl, planner, parent, spec, child, bound)
    child.partition_of = parent.oid
    child.partition_bound = bound_text(bound, spec)
    _clone_constraints(ddl, parent, child)
    clone_row_triggers(ddl.cat, parent, child, lambda: ddl.oid_like(child))
    ddl.cat.put(child)
    if not new_table:
        _validate_rows(ddl, child, f'partition constraint of relation "{child.name}" is violated by some row')
    default = next((s for s in partitions_of(ddl.cat, parent) if s.partition_bound == "DEFAULT" and
                    s.oid != child.oid), None)
    if default is not None:
        _validate_rows(ddl, default, f'updated partition constraint for default partition "{default.name}" '
                       "would be violated by some row")


def _check_overlap(ddl: DDL, planner: Planner, parent: TableDef, spec: KeySpec, child: TableDef,
                   bound: Bound) -> None:
    for sib in partitions_of(ddl.cat, parent):
        if sib.oid == child.oid or sib.partition_bound is None:
            continue
        other = load_bound(planner, parent, sib.partition_bound)
        if bound.kind == "default" and other.kind == "default":
            raise SqlError("42P17", f'partition "{child.name}" conflicts with existing default partition '
                           f'"{sib.name}"')
        if bound.overlaps(other):
            raise SqlError("42P17", f'partition "{child.name}" would overlap partition "{sib.name}"')


def _validate_rows(ddl: DDL, t: TableDef, message: str) -> None:
    """Every row of t (and of its partitions) must meet its partition constraint (23514)."""
    planner = _planner(ddl)
    for leaf in [t, *descendants_of(ddl.cat, t)]:
        if leaf.partition_strategy:
            continue
        test = partition_check(planner, leaf)
        if test is None:
            continue
        for row in checked(TableAccess(leaf).rows(ddl.txn, newest=True), ddl.ctx.check):
            if not test(row):
                raise SqlError("23514", message, table=t.name, schema=t.schema)


def _clone_constraints(ddl: DDL, parent: TableDef, child: TableDef) -> None:
    """A partition has its parent's NOT NULLs, CHECKs, primary key and unique constraints (each a
    constraint and index of its own, named after the partition, as PostgreSQL names them)."""
    for pc in parent.columns:
        col = child.column(pc.name)
        if col is None:
            raise SqlError("42804", f'child table is missing column "{pc.name}"')
        if col.type != pc.type:
            raise SqlError("42804", f'child table "{child.name}" has different type for column "{pc.name}"')
        if pc.not_null and not col.not_null:
            col.not_null = True
    for col in child.columns:
        if parent.column(col.name) is None:
            raise SqlError("42804", f'table "{child.name}" contains column "{col.name}" not found in parent '
                           f'"{parent.name}"', detail="The new partition may contain only the columns present in "
                           "parent.")
    _inherit_checks(child, parent)
    for con in parent.constraints:
        if con.kind in ("p", "u"):
            _clone_unique(ddl, parent, child, con)
    for ix in parent.indexes:
        if not any(c.index == ix.oid for c in parent.constraints):
            clone_index(ddl, child, ix)


def _clone_unique(ddl: DDL, parent: TableDef, child: TableDef, con: ConstraintDef) -> None:
    have = next((c for c in child.constraints if c.kind == con.kind and c.columns == con.columns), None)
    if have is not None:
        return
    before = len(child.constraints)
    if con.kind == "p":
        if child.primary_key:
            raise SqlError("42P16", f'multiple primary keys for table "{child.name}" are not allowed')
        ddl.add_pk(child, list(con.columns), None, (con.deferrable, con.initially_deferred))
    else:
        ddl.add_unique(child, list(con.columns), None, deferral=(con.deferrable, con.initially_deferred))
    ddl.finish_constraints(child)
    ddl.cat.put(child)
    # an attached table's rows are stored again under the new key (or indexed)
    ddl.validate_new_constraints(child, child.constraints[before:])


def clone_index(ddl: DDL, child: TableDef, ix: IndexDef) -> None:
    """The index ix of a partitioned table, made on one of its partitions."""
    if any(i.columns == ix.columns and i.unique == ix.unique for i in child.indexes):
        return
    made = copy.deepcopy(ix)
    made.oid = ddl.oid_like(child)
    made.name = ddl.choose_name(child.schema, child.name, "_".join(ix.columns), "idx")
    made.primary = False
    child.indexes.append(made)
    ddl.build_index(child, made)
    ddl.cat.put(child)


def propagate_index(ddl: DDL, t: TableDef, ix: IndexDef) -> None:
    """CREATE INDEX on a partitioned table makes the index on every partition too."""
    if not t.partition_strategy:
        return
    for part in partitions_of(ddl.cat, t):
        ddl.lock_object(part.oid)
        fresh = ddl.cat.table_by_oid(part.oid)
        assert fresh is not None
        clone_index(ddl, fresh, ix)
        if fresh.partition_strategy:
            propagate_index(ddl, fresh, ix)


def check_new_constraint(ddl: DDL, t: TableDef, con: ConstraintDef) -> None:
    """ALTER TABLE ... ADD CONSTRAINT on a partitioned table: a key must include the partition key,
    and the constraint goes to every partition too (unless ONLY)."""
    _check_unique_has_key(t, con)


def add_constraint_to_partitions(ddl: DDL, t: TableDef, con: ConstraintDef, only: bool) -> None:
    if only:
        return
    if con.kind == "c":  # a CHECK holds in the tables inheriting from t as well
        for heir in [c for c in ddl.cat.tables() if t.oid in c.inherits]:
            fresh = ddl.lock_table(heir, ACCESS_EXCLUSIVE)
            if fresh is None:
                continue
            _inherit_checks(fresh, t)
            ddl.cat.put(fresh)
            ddl.validate_new_constraints(fresh, [c for c in fresh.constraints if c.name == con.name])
            add_constraint_to_partitions(ddl, fresh, con, only)
    if not t.partition_strategy:
        return
    for part in partitions_of(ddl.cat, t):
        fresh = ddl.lock_table(part, ACCESS_EXCLUSIVE)
        if fresh is None:
            continue
        if con.kind in ("p", "u"):
            _clone_unique(ddl, t, fresh, con)
        elif con.kind == "c":
            _inherit_checks(fresh, t)
            ddl.cat.put(fresh)
            ddl.validate_new_constraints(fresh, [c for c in fresh.constraints if c.name == con.name])
        add_constraint_to_partitions(ddl, fresh, con, only)


# ---- DROP TABLE ----
def dependents_to_drop(ddl: DDL, t: TableDef, cascade: bool) -> list[TableDef]:
    """Tables that go with t: its partitions always; tables inheriting from it only with CASCADE
    (else 2BP01)."""
    parts = [c for c in ddl.cat.tables() if c.partition_of == t.oid]
    heirs = [c for c in ddl.cat.tables() if t.oid in c.inherits]
    if heirs and not cascade:
        raise SqlError("2BP01", f"cannot drop table {t.name} because other objects depend on it",
                       detail=f"table {heirs[0].name} depends on table {t.name}",
                       hint="Use DROP ... CASCADE to drop the dependent objects too.")
    for h in heirs:
        ddl.notice(f"drop cascades to table {h.name}")
    return parts + heirs


# ---- ALTER TABLE ... ATTACH / DETACH PARTITION ----
_ATTACH = re.compile(
    r"\s*ALTER\s+TABLE\s+(?P<exists>IF\s+EXISTS\s+)?(?P<only>ONLY\s+)?(?P<parent>.+?)\s+"
    r"(?P<verb>ATTACH|DETACH)\s+PARTITION\s+(?P<child>(?:\"[^\"]*\"|[\w$.])+)\s*(?P<rest>.*?)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def is_partition_command(text: str) -> bool:
    return _ATTACH.match(text) is not None


def partition_command(ddl: DDL, text: str) -> Result:
    m = _ATTACH.match(text)
    assert m is not None
    parent = ddl.find_table(_name_node(m.group("parent")), missing_ok=bool(m.group("exists")))
    if parent is None:
        ddl.notice(f'relation "{m.group("parent")}" does not exist, skipping')
        return Result("ALTER TABLE")
    if not parent.partition_strategy:
        raise SqlError("42809", f'table "{parent.name}" is not partitioned')
    child = ddl.find_table(_name_node(m.group("child")))
    assert child is not None
    rest = m.group("rest").strip()
    if m.group("verb").upper() == "ATTACH":
        if child.partition_of is not None:
            raise SqlError("42P17", f'"{child.name}" is already a partition')
        if child.inherits:
            raise SqlError("42809", "cannot attach inheritance child as partition")
        if child.oid == parent.oid or child.oid in [d.oid for d in _ancestors(ddl, parent)]:
            raise SqlError("42P17", 'circular inheritance not allowed', detail=f'"{child.name}" is already a child of '
                           f'"{parent.name}".')
        if child.schema.startswith("pg_temp") != parent.schema.startswith("pg_temp"):
            raise SqlError("42809", f'cannot attach a {"temporary" if child.schema.startswith("pg_temp") else "permanent"} '
                           f'relation as partition of {"permanent" if child.schema.startswith("pg_temp") else "temporary"} '
                           f'relation "{parent.name}"')
        bound_node = parse_one("CREATE TABLE p PARTITION OF q " + rest).args["properties"].expressions[0].expression
        _attach(ddl, parent, child, bound_node, new_table=False)
        return Result("ALTER TABLE")
    if rest.upper() not in ("", "FINALIZE", "CONCURRENTLY"):
        raise SqlError("42601", f'syntax error at or near "{rest.split()[0]}"')
    if child.partition_of != parent.oid:
        raise SqlError("42P01", f'relation "{child.name}" is not a partition of relation "{parent.name}"')
    child.partition_of = None
    child.partition_bound = None
    ddl.cat.put(child)
    drop_clones(ddl.cat, child, {t.oid for t in parent.triggers})
    return Result("ALTER TABLE")


def _ancestors(ddl: DDL, t: TableDef) -> list[TableDef]:
    out = []
    node = t
    while node.partition_of is not None:
        parent = ddl.cat.table_by_oid(node.partition_of)
        if parent is None:
            break
        out.append(parent)
        node = parent
    return out


def _name_node(text: str) -> exp.Table:
    parts = [p[1:-1].replace('""', '"') if p.startswith('"') else p.lower()
             for p in re.findall(r'"(?:[^"]|"")*"|[^.]+', text.strip())]
    if len(parts) == 1:
        return exp.Table(this=exp.to_identifier(parts[0], quoted=True))
    return exp.Table(this=exp.to_identifier(parts[-1], quoted=True), db=exp.to_identifier(parts[-2], quoted=True))


# ---- ALTER INDEX ... ATTACH PARTITION ----
_INDEX_ATTACH = re.compile(r"\s*ALTER\s+INDEX\s+(?P<parent>(?:\"[^\"]*\"|[\w$.])+)\s+ATTACH\s+PARTITION\s+"
                           r"(?P<child>(?:\"[^\"]*\"|[\w$.])+)\s*;?\s*$", re.IGNORECASE)


def is_index_attach(text: str) -> bool:
    return _INDEX_ATTACH.match(text) is not None


def attach_index(ddl: DDL, text: str) -> Result:
    """ALTER INDEX parent ATTACH PARTITION child, as pg_dump writes it after making a partitioned
    table's index and each partition's own: the child must index its table as the parent does. The
    partition's index already serves its rows, so nothing changes but the check."""
    m = _INDEX_ATTACH.match(text)
    assert m is not None
    found = []
    for which in ("parent", "child"):
        node = _name_node(m.group(which))
        schemas = [ident(node.args["db"])] if node.args.get("db") else ddl.s.search_schemas()
        hit = next((h for h in (ddl.cat.index_owner(sch, ident(node.this)) for sch in schemas) if h), None)
        if hit is None:
            raise SqlError("42P01", f'relation "{ident(node.this)}" does not exist')
        found.append(hit)
    (ptable, pix), (ctable, cix) = found
    if not ptable.partition_strategy:
        raise SqlError("42809", f'"{pix.name}" is not a partitioned index')
    if ctable.partition_of != ptable.oid:
        raise SqlError("55000", f'cannot attach index "{cix.name}" as a partition of index "{pix.name}"',
                       detail=f'Index "{cix.name}" is not an index on any partition of table "{ptable.name}".')
    if cix.columns != pix.columns or cix.unique != pix.unique:
        raise SqlError("55000", f'cannot attach index "{cix.name}" as a partition of index "{pix.name}"',
                       detail="The index definitions do not match.")
    return Result("ALTER INDEX")
