"""Compiled statements: a query or DML statement analysed once and run many
times with new parameters (the plan cache holds these)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.plans import Limit, Plan, Project, TableScan
from orbitdb.sql.exec.rowstream import QueryRows
from orbitdb.sql.expr.core import Runtime
from orbitdb.sql.plan.permissions import Required
from orbitdb.sql.plan.planner import Output, Planner
from orbitdb.sql.result import Column, Result
from orbitdb.sql.types import TEXT, UNKNOWN, SqlType
from orbitdb.sql.types.casts import reg_to_text
from orbitdb.sql.types.regname import RegName
from orbitdb.storage.lockmodes import ACCESS_SHARE
from orbitdb.storage.locks import GRANTED_AFTER_WAIT


def column_of(name: str, t: SqlType, table_oid: int = 0, attnum: int = 0) -> Column:
    """A result column as the protocol describes it."""
    if t.oid == UNKNOWN.oid:
        t = TEXT  # an unresolved literal is reported as text, as PostgreSQL does
    return Column(name, t.oid, t.typlen if t.typlen > 0 else -1, t.typmod, table_oid, attnum,
                  text_binary=t.labels is not None)


class Compiled:
    columns: list[Column] | None
    rt: Runtime
    relation_locks: tuple[tuple[int, int], ...] = ()  # (oid, mask of lock modes) taken before each run
    permissions: tuple[Required, ...] = ()  # privileges checked before each run (permissions.py)
    # a run reads the database in one engine call (a primary-key lookup and nothing else), so an
    # autocommitted run needs no snapshot
    reads_once = False

    def run(self, ctx: ExecContext) -> Result:
        raise NotImplementedError

    def run_many(self, ctx: ExecContext, param_rows: list[list[Any]], types: list[Any]) -> int:
        """executemany: runs the statement for the first parameter rows as one batch where it
        can; how many rows it ran (the caller runs the rest one by one)."""
        return 0


class CompiledQuery(Compiled):
    def __init__(self, out: Output, rt: Runtime) -> None:
        self.out = out
        self.rt = rt
        self.columns = [column_of(c.name, c.type, c.table_oid, c.attnum) for c in out.columns]
        self.reg_columns = [(i, c.type.oid) for i, c in enumerate(out.columns) if c.type.oid in _REG_OIDS]

    def run(self, ctx: ExecContext) -> Result:
        """The rows are produced as they are read (see rowstream.py); the tag gets its count
        when they are exhausted."""
        if self.reg_columns:
            rows = _reg_names(iter(self.out.plan.rows(ctx)), self.reg_columns, ctx.session)
        elif may_run_on_batches(self.out.plan):
            from orbitdb.sql.batch.project import batch_rows  # (numpy loads at the first such query)

            batched = batch_rows(self.out.plan, ctx)  # a select list over a scan: on batches
            rows = batched if batched is not None else iter(self.out.plan.rows(ctx))
        else:
            rows = iter(self.out.plan.rows(ctx))
        return Result("SELECT", self.columns, QueryRows(rows, self.rt, ctx))  # type: ignore[arg-type]


_REG_OIDS = (2205, 2206, 4089, 4096, 24, 2202)


def may_run_on_batches(plan: Plan) -> bool:
    """The shape orbitdb/sql/batch/project.py runs on batches: a select list over a table scan
    or primary-key range, maybe under LIMIT (checked before that module, and numpy, are loaded:
    a point query loads neither). Not when EXPLAIN
    ANALYZE measures the nodes (each node's rows are wrapped then)."""
    node = plan.child if isinstance(plan, Limit) else plan
    return (isinstance(node, Project) and isinstance(node.child, TableScan) and hasattr(node, "batch_exprs")
            and node.child.mode in ("seq", "pk_range") and not node.child.reverse
            and not any("rows" in vars(p) for p in (plan, node, node.child)))




def _reg_names(rows: Iterator[tuple[Any, ...]], cols: list[tuple[int, int]], session: Any
               ) -> Iterator[tuple[Any, ...]]:
    for r in rows:
        lst = list(r)
        for i, oid in cols:
            v = lst[i]
            if v is not None and not isinstance(v, RegName):
                lst[i] = RegName(v, reg_to_text(v, oid, session))
        yield tuple(lst)


_READ_ONLY = 1 << ACCESS_SHARE


def reads_once(planner: Planner) -> bool:
    """Whether the planned query reads table data in one engine call: one table scan in the
    whole statement (subqueries, CTEs and views included), a primary-key point lookup, and no
    row locks (FOR UPDATE takes ROW SHARE)."""
    return (len(planner.scans) == 1 and planner.scans[0].mode == "pk_point"
            and all(mask == _READ_ONLY for mask in planner.relation_locks.values()))


def take_relation_locks(compiled: Compiled, ctx: ExecContext, single_statement: bool = False) -> bool:
    """Takes the relation locks a run of compiled needs; True if the catalog changed
    meanwhile (DDL committed while we waited), so the statement should be compiled again.
    A statement that is its own transaction skips the ACCESS SHARE lock of a plain read when
    nobody holds or awaits any lock on the relation: its snapshot and catalog were taken
    together, and the lock would only make a later DDL wait for it (the one difference: DDL
    may start while such a SELECT runs, which in PostgreSQL would wait for it). A statement
    that waited for a lock renews its READ COMMITTED snapshot."""
    if compiled.permissions:
        ctx.session.check_permissions(compiled.permissions)
    txn = ctx.txn
    if txn is None:
        return False
    waited = False
    locks = txn.store.locks
    for oid, mask in compiled.relation_locks:
        if single_statement and mask == _READ_ONLY and locks.is_free(("rel", oid)):
            continue
        mode = 1
        mask >>= 1
        while mask:
            if mask & 1 and txn.lock_relation(oid, mode) == GRANTED_AFTER_WAIT:
                waited = True
            mask >>= 1
            mode += 1
    if waited:
        return txn.renew_snapshot()
    return txn.settle_statement(single_statement and compiled.reads_once)
