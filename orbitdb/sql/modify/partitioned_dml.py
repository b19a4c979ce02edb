"""UPDATE and DELETE of a table that has partitions or inheriting children: the statement runs on
each table that holds rows (with ONLY), all of them planned and scanned before the first write, and a
row an UPDATE moves out of its partition goes to the partition it now belongs to afterwards (as
PostgreSQL moves it: deleted from the one, inserted into the other)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.expr.core import Runtime
from orbitdb.sql.modify.constraints import TableWriter
from orbitdb.sql.modify.partitions import descendants_of, map_row
from orbitdb.sql.modify.trigger_events import with_after_triggers
from orbitdb.sql.plan.compiled import Compiled
from orbitdb.sql.result import Result
from orbitdb.storage.catalog import TableDef

if TYPE_CHECKING:
    from orbitdb.sql.modify.dml import CompiledModify
    from orbitdb.sql.plan.planner import Planner


def targets_of(planner: Planner, table: TableDef) -> list[TableDef]:
    """The tables an UPDATE/DELETE of table (without ONLY) writes: table itself unless it is
    partitioned (it has no rows), and every descendant that is not partitioned."""
    return [t for t in [table, *descendants_of(planner.catalog, table)] if not t.partition_strategy]


def on_table(node: exp.Expression, table: TableDef, alias: str) -> exp.Expression:
    """node with its target replaced by ONLY table, under the alias the statement's clauses use."""
    out = node.copy()
    target = exp.Table(this=exp.to_identifier(table.name, quoted=True), db=exp.to_identifier(table.schema, quoted=True),
                       only=True, alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
    out.set("this", target)
    return out


class CompiledPartitionedModify(Compiled):
    def __init__(self, planner: Planner, root: TableDef, parts: list[CompiledModify], rt: Runtime) -> None:
        self.rt = rt
        self.parts = parts
        self.is_update = parts[0].is_update if parts else False
        self.columns = parts[0].columns if parts else None
        self.root_writer = TableWriter(planner, root, rt) if root.partition_strategy else None
        # the statement triggers of the table the statement names fire, not its partitions'
        self.root_triggers: Any = planner.session.table_triggers(planner, root, rt) if any(
            t.enabled != "D" for t in root.triggers) else None
        for part in parts:
            part.statement_triggers = False

    def run(self, ctx: ExecContext) -> Result:
        return with_after_triggers(ctx, lambda: self._run(ctx))

    def _run(self, ctx: ExecContext) -> Result:
        op = "UPDATE" if self.is_update else "DELETE"
        set_cols = self.parts[0].set_cols if self.parts else None
        if self.root_triggers is not None:
            self.root_triggers.before_statement(ctx, op, set_cols)
        moved: list[tuple[TableWriter, Any]] = []
        for part in self.parts:
            part.writer.moved_rows = moved if self.root_writer is not None else None
        count = 0
        rows: list[Any] = []
        for part in self.parts:
            res = part.run_rows(ctx)
            count += res.rowcount
            rows.extend(res.rows)
        if self.root_writer is not None:
            root = self.root_writer
            for writer, row in moved:
                root.insert(ctx, map_row(row, writer.names, root.names))
        if self.root_triggers is not None:
            self.root_triggers.after_statement(ctx, op, set_cols)
        return Result(f"{op} {count}", self.columns, rows, count)
