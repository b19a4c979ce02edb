"""A query or a row change (INSERT, UPDATE, DELETE) compiled into something to run: the part of
statement compilation that other statements nest (COPY (query), CREATE VIEW, CREATE TABLE AS,
EXPLAIN). SELECT INTO creates a table, so only a statement of its own may be one (see
orbitdb/sql/session/compile.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import Runtime
from orbitdb.sql.modify.dml import compile_dml
from orbitdb.sql.modify.with_dml import CompiledWithDml, has_dml_cte
from orbitdb.sql.plan.compiled import Compiled, CompiledQuery, reads_once
from orbitdb.sql.plan.planner import Planner

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

_QUERIES = (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Values, exp.Subquery)


def is_select_into(node: exp.Expression) -> bool:
    return isinstance(node, exp.Select) and node.args.get("into") is not None


def compile_node(session: Session, node: exp.Expression, rt: Runtime, freeze_stars: bool = False,
                 select_into: str = "SELECT INTO is not allowed here") -> Compiled:
    """freeze_stars: rewrite node's SELECT * lists into the columns they stand for (CREATE VIEW).
    select_into: the error a SELECT INTO gets here (PostgreSQL names the context)."""
    if is_select_into(node):
        raise SqlError("0A000", select_into)
    planner = Planner(session, session.catalog(), rt)
    planner.freeze_stars = freeze_stars
    compiled = _compile_with(planner, node, rt)
    compiled.relation_locks = tuple(planner.relation_locks.items())
    compiled.permissions = planner.permissions.frozen()
    return compiled


def compile_insert_overriding(session: Session, node: exp.Expression, rt: Runtime, overriding: str) -> Compiled:
    """INSERT ... OVERRIDING SYSTEM|USER VALUE (the clause already taken out of node)."""
    planner = Planner(session, session.catalog(), rt)
    compiled = compile_dml(planner, node, rt, overriding=overriding)
    compiled.relation_locks = tuple(planner.relation_locks.items())
    compiled.permissions = planner.permissions.frozen()
    return compiled


def _compile_with(planner: Planner, node: exp.Expression, rt: Runtime) -> Compiled:
    if has_dml_cte(node):
        return CompiledWithDml(planner.session, node, rt, planner.relation_locks)
    if isinstance(node, _QUERIES):
        query = CompiledQuery(planner.plan_query(node), rt)
        query.reads_once = reads_once(planner)
        return query
    if isinstance(node, (exp.Insert, exp.Update, exp.Delete)):
        return compile_dml(planner, node, rt)
    if isinstance(node, exp.Table):
        return CompiledQuery(planner.plan_query(exp.select("*").from_(node)), rt)
    raise SqlError("0A000", f"statement not supported: {node.sql(dialect='postgres')[:60]}")
