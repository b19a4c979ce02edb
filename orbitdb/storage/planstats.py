"""Planner statistics that ANALYZE gathers: per table its row count, per column PostgreSQL's
pg_statistic figures (null_frac, avg_width, n_distinct, most common values and their
frequencies, histogram bounds, correlation), values kept in their text form.

Each table's statistics are one JSON value under `\\x00a <table oid>`, written in one engine
write: a crash keeps the old or the new set, never half of one. They are advisory (they choose
plans, never results), so a write lost to a crash is only an older estimate."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

from orbitdb.storage.keyspace import STATS_PREFIX, TEMP_OID_BASE, prefix_end, stats_key

if TYPE_CHECKING:
    from orbitdb.storage.txn import Store

@dataclass
class ColumnStats:
    null_frac: float
    avg_width: int
    n_distinct: float  # > 0: a count; < 0: minus the fraction of rows (PostgreSQL's convention)
    mcv: list[str] | None = None
    mcf: list[float] | None = None
    hist: list[str] | None = None
    correlation: float | None = None
    mcv_text: str | None = None  # the lists as psql shows an anyarray column
    hist_text: str | None = None


@dataclass
class TableStats:
    oid: int
    reltuples: float
    relpages: int
    last_analyze: float | None = None  # seconds since the epoch
    last_autoanalyze: float | None = None
    analyze_count: int = 0
    autoanalyze_count: int = 0
    columns: dict[str, ColumnStats] = field(default_factory=dict)

    def encode(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def decode(cls, data: bytes) -> TableStats:
        d = json.loads(data)
        cols = {name: ColumnStats(**c) for name, c in d.pop("columns", {}).items()}
        return cls(columns=cols, **d)


class PlanStats:
    """The statistics of one database: read once from the engine, written through on ANALYZE.
    Also the count of changed rows (storage/usage.py's, since the database opened) at each
    table's last ANALYZE in this process: what n_mod_since_analyze and auto-analyze start from."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._by_oid: dict[int, TableStats] | None = None
        self.baseline: dict[int, int] = {}
        self._analyzing: set[int] = set()
        self.closing = False  # the store is closing: a background ANALYZE stops at its next check
        self._workers: list[threading.Thread] = []

    def _all(self) -> dict[int, TableStats]:
        if self._by_oid is None:
            loaded: dict[int, TableStats] = {}
            for key, value in self.store.engine.items(STATS_PREFIX, prefix_end(STATS_PREFIX)):
                try:
                    ts = TableStats.decode(value)
                except (ValueError, TypeError, KeyError):
                    continue  # advisory: an unreadable entry is as if never analyzed
                loaded[int.from_bytes(key[len(STATS_PREFIX):], "big")] = ts
            self._by_oid = loaded
        return self._by_oid

    def get(self, oid: int) -> TableStats | None:
        with self._lock:
            return self._all().get(oid)

    def put(self, ts: TableStats, changes_now: int) -> None:
        with self._lock:
            self._all()[ts.oid] = ts
            self.baseline[ts.oid] = changes_now
        if ts.oid < TEMP_OID_BASE:  # a temporary table's go with the session
            self.store.engine.put(stats_key(ts.oid), ts.encode(), sync=False)

    def restore_columns(self, oid: int, columns: dict[str, ColumnStats]) -> None:
        """A table's column statistics put back as they were (an ANALYZE rolled back: like
        pg_statistic's rows they are transactional, while the row count and the counters of
        pg_stat_user_tables stay, as PostgreSQL updates those in place)."""
        with self._lock:
            ts = self._all().get(oid)
            if ts is None:
                return
            ts = replace(ts, columns=dict(columns))
            self._all()[oid] = ts
        if oid < TEMP_OID_BASE:
            self.store.engine.put(stats_key(oid), ts.encode(), sync=False)

    def oids(self) -> list[int]:
        with self._lock:
            return list(self._all())

    def forget(self, oid: int) -> None:
        """A dropped table's statistics."""
        with self._lock:
            if self._all().pop(oid, None) is None:
                return
        self.store.engine.delete(stats_key(oid), sync=False)

    def claim(self, oid: int) -> bool:
        """True for the one caller that may analyze the table now."""
        with self._lock:
            if oid in self._analyzing:
                return False
            self._analyzing.add(oid)
            return True

    def release(self, oid: int) -> None:
        with self._lock:
            self._analyzing.discard(oid)

    def in_background(self, work: Callable[[], None]) -> None:
        """Runs work on a thread of its own (not a daemon: the process waits for it, and closing
        the store stops it first)."""
        with self._lock:
            if self.closing:
                return
            self._workers = [w for w in self._workers if w.is_alive()]
            worker = threading.Thread(target=work, name="orbitdb-autoanalyze")
            self._workers.append(worker)
        worker.start()

    def wait(self) -> None:
        """Until the background work started so far has ended."""
        with self._lock:
            workers = list(self._workers)
        for w in workers:
            w.join()

    def stop(self) -> None:
        self.closing = True
        self.wait()


_MAKE_LOCK = threading.Lock()


def stop_background(store: Store) -> None:
    """Before the engine closes: background ANALYZEs stop and are waited for."""
    ps = getattr(store, "_plan_stats", None)
    if ps is not None:
        ps.stop()


def plan_stats(store: Store) -> PlanStats:
    """The store's statistics, made on first use."""
    ps = getattr(store, "_plan_stats", None)
    if ps is None:
        with _MAKE_LOCK:
            ps = getattr(store, "_plan_stats", None)
            if ps is None:
                ps = PlanStats(store)
                store._plan_stats = ps  # type: ignore[attr-defined]
    return ps
