"""DEFERRABLE unique and primary key constraints: checked at the end of the statement
(INITIALLY IMMEDIATE) or at COMMIT (INITIALLY DEFERRED, SET CONSTRAINTS ... DEFERRED), as
PostgreSQL rechecks them, so that a statement or transaction may hold duplicates in between.

Their index entries are keyed by values and row key (orbitdb.storage.tables); the write intent
on the values' key stands for the values. A row write takes it if it is free and looks for other
rows holding the values: when there are none, no check is needed later (a concurrent writer of
the values waits for the intent before it may pass its own check). Otherwise, or when another
transaction holds the intent, a check is queued, as PostgreSQL queues a recheck when its insert
finds a possible conflict; the check waits for the intent and fails when two rows hold the values.
A non-deferrable unique index never comes here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.modify.deferred_fks import is_deferred
from orbitdb.storage.catalog import ConstraintDef
from orbitdb.storage.tables import IndexEntry, TableAccess

if TYPE_CHECKING:
    from orbitdb.sql.modify.constraints import Row, TableWriter


def note_written(ctx: ExecContext, writer: TableWriter, entry: IndexEntry, con: ConstraintDef, rowkey: bytes,
                 row: Row, intents: bool) -> None:
    """The row at rowkey holds its values in a deferrable unique index now (inserted, or changed
    to them). intents: whether other transactions may write the table (else nobody can)."""
    txn = ctx.txn
    assert txn is not None
    claim = writer.access.claim_key(entry, row)
    if claim is None:
        return
    ours = not intents or TableAccess.claim_values(txn, claim, wait=False)
    if ours and all(k == rowkey for k in TableAccess.claim_holders(txn, claim)):
        return
    _queue(ctx, writer, entry, con, claim, row)


def note_removed(ctx: ExecContext, writer: TableWriter, entry: IndexEntry, row: Row) -> None:
    """The row no longer holds its values (deleted, or changed): a writer of the same values
    waits to see whether we commit, as PostgreSQL's check waits for the row's deleter. Only
    when the values are free: a transaction that checks them holds them already."""
    claim = writer.access.claim_key(entry, row)
    if claim is not None:
        assert ctx.txn is not None
        TableAccess.claim_values(ctx.txn, claim, wait=False)


def _queue(ctx: ExecContext, writer: TableWriter, entry: IndexEntry, con: ConstraintDef, claim: bytes,
           row: Row) -> None:
    def check(c: ExecContext) -> None:
        txn = c.txn
        assert txn is not None
        TableAccess.claim_values(txn, claim, wait=True)
        if len(TableAccess.claim_holders(txn, claim)) > 1:
            writer.raise_unique(entry[0].name, row)

    if is_deferred(ctx, con):
        ctx.session.deferred_trigger_events.append((con, check))
    else:
        ctx.session.trigger_events.append(check)


def deferrable_constraint(table_constraints: list[ConstraintDef], index_oid: int) -> ConstraintDef:
    """The constraint a deferrable unique index enforces (a deferrable index always has one)."""
    return next(c for c in table_constraints if c.index == index_oid)
