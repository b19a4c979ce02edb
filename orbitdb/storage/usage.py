"""What a database's transactions did, counted as PostgreSQL's cumulative statistics count it:
per table, scans and the rows they read, rows inserted, updated and deleted; per database,
transactions committed and rolled back. pg_stat_database and pg_stat_*_tables show them, the
server's Prometheus metrics export them.

A transaction counts into its own dictionary (one thread uses a transaction) and hands it to
the store's Usage when it ends, committed or not: as in PostgreSQL, a rolled-back insert was
still an insert. Counters live in memory and start at zero when the database is opened.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

SEQ_SCAN, SEQ_TUP_READ, IDX_SCAN, IDX_TUP_FETCH, TUP_INS, TUP_UPD, TUP_DEL = range(7)
FIELDS = ("seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch", "n_tup_ins", "n_tup_upd", "n_tup_del")

TableCounts = dict[int, list[int]]  # table oid -> counters, indexed as FIELDS


def note(txn: Any, oid: int, field: int, n: int = 1) -> None:
    """Counts n events of a table in a transaction (one that has ended: straight into the
    store's counters, as a scan closed after its transaction did)."""
    if txn.done:
        txn.store.usage.add_tables({oid: [n if i == field else 0 for i in range(len(FIELDS))]})
        return
    counts = txn.usage
    if counts is None:
        counts = txn.usage = {}
    row = counts.get(oid)
    if row is None:
        row = counts[oid] = [0] * len(FIELDS)
    row[field] += n


class Usage:
    """One open database's counters, shared by its sessions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tables: TableCounts = {}
        self.xact_commit = 0
        self.xact_rollback = 0
        self.sessions = 0  # sessions established
        self.temp_files = 0  # temporary files of statements, counted when removed (as PostgreSQL)
        self.temp_bytes = 0
        self.reset_at = datetime.datetime.now(datetime.timezone.utc)

    def add_tables(self, counts: TableCounts) -> None:
        with self._lock:
            for oid, row in counts.items():
                mine = self._tables.get(oid)
                self._tables[oid] = list(row) if mine is None else [a + b for a, b in zip(mine, row)]

    def transaction_ended(self, committed: bool) -> None:
        with self._lock:
            if committed:
                self.xact_commit += 1
            else:
                self.xact_rollback += 1

    def temp_file_removed(self, nbytes: int) -> None:
        with self._lock:
            self.temp_files += 1
            self.temp_bytes += nbytes

    def session_started(self) -> None:
        with self._lock:
            self.sessions += 1

    def table(self, oid: int) -> list[int]:
        with self._lock:
            row = self._tables.get(oid)
            return list(row) if row is not None else [0] * len(FIELDS)

    def totals(self) -> list[int]:
        """Every table's counters added up."""
        with self._lock:
            out = [0] * len(FIELDS)
            for row in self._tables.values():
                for i, n in enumerate(row):
                    out[i] += n
            return out

    def reset(self) -> None:
        """pg_stat_reset(): every counter of this database back to zero."""
        with self._lock:
            self._tables = {}
            self.xact_commit = self.xact_rollback = self.sessions = 0
            self.temp_files = self.temp_bytes = 0
            self.reset_at = datetime.datetime.now(datetime.timezone.utc)
