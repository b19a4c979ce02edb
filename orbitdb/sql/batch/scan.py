"""A table scan read in batches: the key range a TableScan reads (all of the table, or a
primary-key range) as per-column numpy arrays."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from orbitdb.storage._batch import BatchReader, column_plan
from orbitdb.storage.tables import _bounds

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.exec.plans import TableScan

# Batches grow from FIRST_BATCH_ROWS to BATCH_ROWS rows: a short range reads small arrays, a long
# scan pays the per-batch work (a Python step, an engine iterator and seek) once per many rows.
FIRST_BATCH_ROWS = 1024
BATCH_ROWS = 16384


class Fallback(Exception):
    """The batch run cannot finish as the row path would (too many groups for hash_mem, a value
    it has no vectorised form for): the statement runs row at a time instead."""


@dataclass
class Batch:
    """n rows: for each wanted column (by its logical position in the table) its values and
    NULL mask (True: NULL). A NULL's slot in an int64 or float64 array holds 0 (sums add the
    array as it is)."""

    n: int
    values: dict[int, np.ndarray[Any, Any]]
    nulls: dict[int, np.ndarray[Any, Any]]
    # columns given as int64 codes into a list of their distinct values (a join's build side)
    dicts: dict[int, list[Any]] | None = None


def scan_supported(scan: TableScan) -> bool:
    """Batches read a whole table or a primary-key range, forward (the order sums add in)."""
    return scan.mode in ("seq", "pk_range") and not scan.reverse


def column_kinds(scan: TableScan, columns: list[int]) -> list[str]:
    acc = scan.access
    return column_plan(acc.codec, [acc.slots[c] for c in columns])  # type: ignore[no-any-return]


def _range(scan: TableScan) -> tuple[bytes, bytes] | None:
    """[start, stop) of the keys the scan reads; None when it reads nothing (a NULL bound)."""
    acc = scan.access
    if scan.mode == "seq":
        return acc.prefix, acc.stop
    key = scan.key_values()
    if key is None:
        return None
    return _bounds(acc.prefix, *key)


def can_read(ctx: ExecContext) -> bool:
    """The transaction's own uncommitted writes are merged by the row path only."""
    txn = ctx.txn
    return txn is not None and not txn.writes


def _let_other_threads_in() -> None:
    """A batch is read holding the GIL; the row path lets other threads in at every engine call.
    Without a pause a session scanning in a loop takes the GIL from writers waking from a lock or
    an fsync for a whole switch interval each time (a ledger test: 60x fewer commits); sleep(0)
    hands it to a thread waiting for it. It costs a timer's slack (about 70 us, half of a short
    range scan), so only a process with another thread, one that could be waiting, pays it."""
    if threading.active_count() > 1:
        time.sleep(0)


def _reader(scan: TableScan, columns: list[int]) -> BatchReader:
    """The scan's reader of these columns, made at its plan's first run: a reader keeps nothing
    from one read to the next, and a cached plan runs again and again (a short range pays for
    making one as much as for reading it)."""
    acc = scan.access
    kept = scan.__dict__.get("_batch_reader")
    if kept is not None and kept[0] is acc.codec and kept[1] == columns:
        return kept[2]  # type: ignore[no-any-return]
    reader = BatchReader(acc.codec, [acc.slots[c] for c in columns])
    scan._batch_reader = (acc.codec, list(columns), reader)  # type: ignore[attr-defined]
    return reader


def batches(scan: TableScan, ctx: ExecContext, columns: list[int], size: int = BATCH_ROWS,
            past_statement: bool = False) -> Iterator[Batch]:
    """The scan's rows (before its filter) in batches of up to size rows of the given logical
    columns. The caller notes the read counters (pg_stat_user_tables) once its run has finished.
    past_statement: the batches may be read after the statement's snapshot is gone (a cursor's
    FETCH in READ COMMITTED takes a new one): they read a snapshot of their own, of the same
    state, or raise Fallback (before any batch) when a commit came between."""
    txn = ctx.txn
    assert txn is not None
    bounds = _range(scan)
    if bounds is None:
        return
    start, stop = bounds
    if txn.reads is not None:  # a serializable transaction's read set: the range, as txn.scan keeps it
        txn.reads.ranges.append((start, stop))
    reader = _reader(scan, columns)
    engine = txn.store.engine
    snapshot = txn.snapshot
    own = engine.snapshot() if snapshot is None or (past_statement and txn.snapshot_per_statement) else None
    if own is not None and snapshot is not None:
        if own.sequence != snapshot.sequence:  # no copy of the statement's state to be had
            own.release()
            raise Fallback("the statement's snapshot is older than the newest state")
        snapshot = None  # every batch reads the same state, ours
    limit = min(FIRST_BATCH_ROWS, size)
    bulk = False
    try:
        while True:
            _let_other_threads_in()
            # past its first batch a scan is a long one: it does not push blocks out of the cache
            n, values, nulls, last = reader.read(engine, snapshot or own, start, stop, limit, bulk)
            if n:
                yield Batch(n, dict(zip(columns, values)), dict(zip(columns, nulls)))
            if last is None:  # fewer than limit rows: the range is done
                return
            ctx.check()
            start = last + b"\x00"  # the smallest key after the last one read
            limit = min(limit * 4, size)
            bulk = True
    finally:
        if own is not None:
            own.release()
