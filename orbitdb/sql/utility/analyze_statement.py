"""What ANALYZE (and VACUUM ANALYZE) gathers: each table's statistics from the rows the
statement's transaction sees (orbitdb/sql/plan/statistics.py), kept for the planner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.plan.statistics import analyze_table
from orbitdb.storage.catalog import Catalog, TableDef
from orbitdb.storage.keyspace import TEMP_OID_BASE
from orbitdb.storage.planstats import plan_stats

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session


def gather_statistics(s: Session, ctx: ExecContext | None, named: list[tuple[TableDef, list[str]]],
                      everything: bool) -> None:
    """ANALYZE of the tables named (with their listed columns), or of every table."""
    txn = ctx.txn if ctx is not None else None
    own = txn is None
    if own:
        txn = s.store.begin(read_only=True)
        txn.begin_statement()
    assert txn is not None
    catalog = txn.catalog
    try:
        targets = named
        if everything:  # the database's own tables: other sessions' temporary ones are not ours to read
            targets = [(t, []) for t in catalog.tables() if t.kind == "r" and t.oid < TEMP_OID_BASE]
            _forget_dropped(s, catalog)
        for t, cols in targets:
            if t.partition_strategy:
                continue  # its rows are its partitions'
            current = catalog.table_by_oid(t.oid) or t
            if not own:
                _undo_on_rollback(s, t.oid)
            analyze_table(s.store, txn, catalog, current, cols or None)
    finally:
        if own:
            txn.rollback()


def _undo_on_rollback(s: Session, oid: int) -> None:
    """The table's column statistics come back as they are now if the transaction rolls back."""
    ps = plan_stats(s.store)
    before = ps.get(oid)
    columns = dict(before.columns) if before is not None else {}
    s.on_rollback.append(lambda: ps.restore_columns(oid, columns))


def _forget_dropped(s: Session, catalog: Catalog) -> None:
    """Statistics of tables dropped since they were gathered (a database-wide ANALYZE tidies up)."""
    ps = plan_stats(s.store)
    for oid in ps.oids():
        if oid < TEMP_OID_BASE and catalog.table_by_oid(oid) is None and s.store.catalog.table_by_oid(oid) is None:
            ps.forget(oid)
