"""pg_inherits and pg_partitioned_table: which tables are partitions or children of which, and the
partition key of each partitioned table (the rows psql's \\d+ and pg_dump read)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlglot import exp

from orbitdb.sql.parse.parser import parse_one
from orbitdb.sql.pgcatalog import model as M
from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.pgcatalog.deparse import quote_identifier
from orbitdb.sql.pgcatalog.pg_relations import opclass, type_storage

_STRATEGY = {"range": "r", "list": "l", "hash": "h"}


@producer("pg_catalog", "pg_inherits")
def _pg_inherits(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        if t.partition_of is not None:
            yield make(inhrelid=t.oid, inhparent=t.partition_of, inhseqno=1, inhdetachpending=False)
        for i, parent in enumerate(t.inherits, 1):
            yield make(inhrelid=t.oid, inhparent=parent, inhseqno=i, inhdetachpending=False)


@producer("pg_catalog", "pg_partitioned_table")
def _pg_partitioned_table(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        if not t.partition_strategy:
            continue
        default = next((p.oid for p in env.cat.partitions_of(t) if p.partition_bound == "DEFAULT"), 0)
        cols = [t.column(c) for c in t.partition_key]
        types = [M.column_type(c) for c in cols if c is not None]
        yield make(partrelid=t.oid, partstrat=_STRATEGY[t.partition_strategy], partnatts=len(types),
                   partdefid=default, partattrs=[M.attnum(t, c) for c in t.partition_key],
                   partclass=[opclass(ty) for ty in types], partcollation=[type_storage(ty)[4] for ty in types],
                   partexprs=None)


def partition_key_def(env: Env, oid: int) -> str | None:
    """pg_get_partkeydef: "RANGE (d)"."""
    t = env.table(oid)
    if t is None or not t.partition_strategy:
        return None
    return f"{t.partition_strategy.upper()} ({', '.join(quote_identifier(c) for c in t.partition_key)})"


def partition_constraint_def(env: Env, oid: int) -> str | None:
    """pg_get_partition_constraintdef: the partition's bound as a condition, as PostgreSQL prints
    it for one key column ("((d IS NOT NULL) AND (d >= '2023-01-01'::date) AND (d < ...))")."""
    t = env.table(oid)
    if t is None or t.partition_of is None or t.partition_bound is None:
        return None
    parent = env.table(t.partition_of)
    if parent is None:
        return None
    own = _bound_condition(env, parent, t.partition_bound)
    above = partition_constraint_def(env, parent.oid)
    if own is None:
        return above
    return f"({above[1:-1]} AND {own[1:-1]})" if above else own


def _bound_condition(env: Env, parent: Any, bound: str) -> str | None:
    cols = [parent.column(c) for c in parent.partition_key]
    if any(c is None for c in cols):
        return None
    if bound == "DEFAULT":
        siblings = [p.partition_bound for p in env.cat.partitions_of(parent) if p.partition_bound not in (None, "DEFAULT")]
        if not siblings:
            return None
        parts = [_bound_condition(env, parent, s) for s in siblings]
        return "(NOT (" + " OR ".join(p for p in parts if p) + "))"
    names = [quote_identifier(c.name) for c in cols]  # type: ignore[union-attr]
    types = [c.type for c in cols]  # type: ignore[union-attr]
    node = parse_one("CREATE TABLE p PARTITION OF q " + bound).args["properties"].expressions[0].expression
    if node.args.get("from_expressions") is not None:
        terms = [f"({n} IS NOT NULL)" for n in names]
        lower, upper = node.args["from_expressions"], node.args["to_expressions"]
        if len(names) == 1:
            if not _infinite(lower[0]):
                terms.append(f"({names[0]} >= {_typed(lower[0], types[0])})")
            if not _infinite(upper[0]):
                terms.append(f"({names[0]} < {_typed(upper[0], types[0])})")
        else:
            lo = ", ".join(_typed(v, ty) for v, ty in zip(lower, types))
            hi = ", ".join(_typed(v, ty) for v, ty in zip(upper, types))
            terms.append(f"(ROW({', '.join(names)}) >= ROW({lo}))")
            terms.append(f"(ROW({', '.join(names)}) < ROW({hi}))")
        return "(" + " AND ".join(terms) + ")"
    values = [v for v in node.this if not isinstance(v, exp.Null)]
    has_null = len(values) != len(node.this)
    arr = f"({names[0]} = ANY (ARRAY[{', '.join(_typed(v, types[0]) for v in values)}]))"
    if has_null:
        return f"(({names[0]} IS NULL) OR {arr})" if values else f"({names[0]} IS NULL)"
    return f"(({names[0]} IS NOT NULL) AND {arr})"


def _infinite(node: exp.Expression) -> bool:
    return isinstance(node, exp.Var) and node.name.upper() in ("MINVALUE", "MAXVALUE")


def _typed(node: exp.Expression, type_name: str) -> str:
    if isinstance(node, exp.Literal) and not node.is_string and type_name in ("integer", "bigint", "smallint"):
        return str(node.this)
    text = node.this if isinstance(node, exp.Literal) else node.sql(dialect="postgres")
    return "'" + str(text).replace("'", "''") + "'::" + type_name
