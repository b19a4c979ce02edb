"""ANALYZE: a sample of a table's rows (reservoir sampling, 300 x default_statistics_target rows
as PostgreSQL takes) and from it, per column, PostgreSQL's pg_statistic figures computed the way
its compute_scalar_stats does: null_frac, avg_width, n_distinct (the Haas-Stokes estimator,
negative as a fraction of rows when above a tenth of them), most common values and their
frequencies, histogram bounds of the rest, and the correlation of value order with key order.
The result goes to orbitdb/storage/planstats.py; the planner reads it through costs.py."""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import usertypes as U
from orbitdb.sql.types.pgtext import format_text
from orbitdb.sql.types.sortkeys import sort_key_fn
from orbitdb.storage.catalog import Catalog, TableDef
from orbitdb.storage.keyspace import TEMP_OID_BASE
from orbitdb.storage.planstats import ColumnStats, TableStats, plan_stats
from orbitdb.storage.tables import TableAccess
from orbitdb.storage.usage import TUP_DEL, TUP_INS, TUP_UPD

if TYPE_CHECKING:
    from orbitdb.storage.txn import Store, Transaction

log = logging.getLogger(__name__)

STATISTICS_TARGET = 100  # default_statistics_target
SAMPLE_ROWS = 300 * STATISTICS_TARGET
WIDTH_THRESHOLD = 1024  # PostgreSQL's: wider values are left out of the MCVs and the histogram
ANALYZE_THRESHOLD = 50  # autovacuum_analyze_threshold
ANALYZE_SCALE = 0.1  # autovacuum_analyze_scale_factor
_UNORDERED_OIDS = {114, 142, 600, 601, 602, 603, 604, 628, 718}  # json, xml, geometric: no "<"


def sample_rows(rows: Iterable[Sequence[Any]], size: int, seed: int) -> tuple[list[Sequence[Any]], int]:
    """Up to size rows chosen uniformly (Algorithm R), in the order they were read, and the
    number of rows read."""
    rng = random.Random(seed)
    kept: list[tuple[int, Sequence[Any]]] = []
    n = 0
    for row in rows:
        if n < size:
            kept.append((n, row))
        else:
            j = rng.randrange(n + 1)
            if j < size:
                kept[j] = (n, row)
        n += 1
    kept.sort(key=lambda p: p[0])
    return [r for _, r in kept], n


def _width(value: Any, t: SqlType) -> int:
    """The bytes PostgreSQL stores for a value: the type's length, or a varlena's header and data."""
    if t.typlen > 0:
        return t.typlen
    if isinstance(value, str):
        size = len(value.encode())
    elif isinstance(value, (bytes, bytearray, memoryview)):
        size = len(value)
    else:
        size = len(format_text(value, t.oid).encode())
    return size + (1 if size < 127 else 4)


def _text(values: list[Any], t: SqlType) -> str:
    """An array of values as psql shows an anyarray column."""
    if t.array_oid:
        try:
            return format_text(values, t.array_oid)
        except (TypeError, ValueError, SqlError):
            pass
    parts = []
    for v in values:
        s = format_text(v, t.oid)
        if s == "" or any(c in s for c in ' ,{}"\\') or s.upper() == "NULL":
            s = '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(s)
    return "{" + ",".join(parts) + "}"


def column_stats(values: list[Any], total_rows: float, t: SqlType) -> ColumnStats:
    """PostgreSQL's statistics of one column from the sampled values (NULLs included)."""
    samplerows = len(values)
    nonnull = [v for v in values if v is not None]
    null_cnt = samplerows - len(nonnull)
    null_frac = null_cnt / samplerows if samplerows else 0.0
    if not nonnull:  # only NULLs: the type's width when it has one
        return ColumnStats(null_frac=null_frac if samplerows else 0.0, avg_width=max(t.typlen, 0), n_distinct=0.0)
    widths = [_width(v, t) for v in nonnull]
    avg_width = int(sum(widths) / len(widths))  # PostgreSQL's stawidth truncates
    # values wider than the threshold count as distinct and stay out of the lists
    positions = [i for i, v in enumerate(values) if v is not None]
    usable = [(pos, v) for pos, v, w in zip(positions, nonnull, widths) if w <= WIDTH_THRESHOLD]
    toowide = len(nonnull) - len(usable)
    key = sort_key_fn(t)
    ordered = t.oid not in _UNORDERED_OIDS and t.elem is None
    norm: Callable[[Any], Any] = key if key is not None else (lambda v: v)
    counts: dict[Any, int] = {}
    first: dict[Any, Any] = {}
    try:
        for _, v in usable:
            k = norm(v)
            counts[k] = counts.get(k, 0) + 1
            first.setdefault(k, v)
    except TypeError:
        return ColumnStats(null_frac=null_frac, avg_width=avg_width, n_distinct=0.0)
    ndistinct = len(counts) + toowide
    nmultiple = sum(1 for c in counts.values() if c > 1)
    n = float(len(nonnull))
    if nmultiple == 0:
        stadistinct = -1.0 * (1.0 - null_frac)
    elif toowide == 0 and nmultiple == len(counts):
        stadistinct = float(len(counts))
    else:
        f1 = ndistinct - nmultiple
        d = f1 + nmultiple
        big_n = total_rows * (1.0 - null_frac)
        est = (n * d) / ((n - f1) + f1 * n / big_n) if big_n > 0 else 0.0
        est = min(max(est, float(d)), big_n)
        stadistinct = math.floor(est + 0.5)
    if stadistinct > 0.1 * total_rows:
        stadistinct = -(stadistinct / total_rows)
    # most common values: those seen more than once, most frequent first (ties: smaller first)
    try:
        keys_in_order = sorted(counts, key=lambda k: k) if ordered else list(counts)
    except TypeError:
        keys_in_order, ordered = list(counts), False
    track = [k for k in sorted(keys_in_order, key=lambda k: -counts[k]) if counts[k] > 1][:STATISTICS_TARGET]
    num_mcv = STATISTICS_TARGET
    if len(track) == len(counts) and toowide == 0 and stadistinct > 0 and len(track) <= num_mcv:
        num_mcv = len(track)
    else:
        num_mcv = min(num_mcv, len(track))
        num_mcv = _analyze_mcv_list([counts[k] for k in track], num_mcv, stadistinct, null_frac, samplerows,
                                    total_rows)
    mcv_keys = track[:num_mcv]
    cs = ColumnStats(null_frac=null_frac, avg_width=avg_width, n_distinct=float(stadistinct))
    if mcv_keys:
        cs.mcv = [format_text(first[k], t.oid) for k in mcv_keys]
        cs.mcf = [counts[k] / samplerows for k in mcv_keys]
        cs.mcv_text = _text([first[k] for k in mcv_keys], t)
    if not ordered:
        return cs
    mcv_set = set(mcv_keys)
    rest = sorted(((norm(v), pos, v) for pos, v in usable if norm(v) not in mcv_set), key=lambda e: (e[0], e[1]))
    num_hist = len(counts) - len(mcv_keys)
    if num_hist >= 2:
        num_hist = min(num_hist, STATISTICS_TARGET + 1)
        nvals = len(rest)
        delta, deltafrac = divmod(nvals - 1, num_hist - 1)
        pos = posfrac = 0
        bounds = []
        for _ in range(num_hist):
            bounds.append(rest[pos][2])
            pos += delta
            posfrac += deltafrac
            if posfrac >= num_hist - 1:
                pos += 1
                posfrac -= num_hist - 1
        cs.hist = [format_text(v, t.oid) for v in bounds]
        cs.hist_text = _text(bounds, t)
    cs.correlation = _correlation(usable, norm)
    return cs


def _analyze_mcv_list(mcv_counts: list[int], num_mcv: int, stadistinct: float, stanullfrac: float,
                      samplerows: int, totalrows: float) -> int:
    """How many of the tracked values are common enough to keep (PostgreSQL's test: a value is
    kept when its count is well above what an average value would have)."""
    if samplerows == totalrows or totalrows <= 1.0:
        return num_mcv
    ndistinct_table = -stadistinct * totalrows if stadistinct < 0 else stadistinct
    sumcount = float(sum(mcv_counts[:num_mcv - 1]))
    while num_mcv > 0:
        selec = min(max(1.0 - sumcount / samplerows - stanullfrac, 0.0), 1.0)
        otherdistinct = ndistinct_table - (num_mcv - 1)
        if otherdistinct > 1:
            selec /= otherdistinct
        big_n, n = totalrows, float(samplerows)
        k = big_n * mcv_counts[num_mcv - 1] / n
        variance = n * k * (big_n - k) * (big_n - n) / (big_n * big_n * (big_n - 1))
        if mcv_counts[num_mcv - 1] > selec * samplerows + 2 * math.sqrt(max(variance, 0.0)) + 0.5:
            break
        num_mcv -= 1
        if num_mcv == 0:
            break
        sumcount -= mcv_counts[num_mcv - 1]
    return num_mcv


def _correlation(usable: list[tuple[int, Any]], norm: Callable[[Any], Any]) -> float | None:
    """Correlation between the values' order and the order the rows were read (key order)."""
    values_cnt = len(usable)
    if values_cnt <= 1:
        return None
    ranked = sorted(range(values_cnt), key=lambda i: (norm(usable[i][1]), i))
    xysum = float(sum(tupno * rank for rank, tupno in enumerate(ranked)))
    n = float(values_cnt)
    xsum = ((n - 1) * n) / 2.0
    x2sum = ((n - 1) * n * (2 * n - 1)) / 6.0
    denom = n * x2sum - xsum * xsum
    return (n * xysum - xsum * xsum) / denom if denom else None


def analyze_table(store: Store, txn: Transaction, catalog: Catalog, table: TableDef,
                  columns: list[str] | None = None, auto: bool = False,
                  check: Callable[[], None] | None = None) -> TableStats:
    """Samples the table's rows as txn sees them and records their statistics."""
    ps = plan_stats(store)
    access = TableAccess(table)
    sample, total = sample_rows(access.rows(txn, check=check), SAMPLE_ROWS, seed=table.oid)
    old = ps.get(table.oid)
    keep = dict(old.columns) if old is not None and columns else {}
    widths = 0
    for i, c in enumerate(table.columns):
        if (columns and c.name not in columns) or total == 0:
            continue  # an empty table gets no column statistics, as in PostgreSQL
        t = U.stored_type(catalog, c.type).sql
        keep[c.name] = column_stats([r[i] for r in sample], float(total), t)
    for c in table.columns:
        cs = keep.get(c.name)
        widths += cs.avg_width if cs is not None else 8
    now = time.time()
    ts = TableStats(oid=table.oid, reltuples=float(total),
                    relpages=0 if total == 0 else max(1, math.ceil(total * (widths + 24) / 8192)),
                    columns=keep)
    if old is not None:
        ts.last_analyze, ts.last_autoanalyze = old.last_analyze, old.last_autoanalyze
        ts.analyze_count, ts.autoanalyze_count = old.analyze_count, old.autoanalyze_count
    if auto:
        ts.last_autoanalyze, ts.autoanalyze_count = now, ts.autoanalyze_count + 1
    else:
        ts.last_analyze, ts.analyze_count = now, ts.analyze_count + 1
    ps.put(ts, changes_now=changes(store, table.oid))
    return ts


def changes(store: Store, oid: int) -> int:
    """Rows inserted, updated and deleted in the table since the database opened."""
    row = store.usage.table(oid)
    return row[TUP_INS] + row[TUP_UPD] + row[TUP_DEL]


def mods_since_analyze(store: Store, oid: int) -> int:
    return max(0, changes(store, oid) - plan_stats(store).baseline.get(oid, 0))


class _Closing(Exception):
    """The store is closing: a background ANALYZE gives up."""


def auto_analyze(store: Store, touched: Iterable[int]) -> None:
    """After a commit: each table it changed whose changes since its last ANALYZE pass
    autovacuum's threshold (50 rows + 10% of its rows) is analyzed on a thread of its own, in a
    transaction of its own, so the commit's statement returns without waiting. Statistics are
    advisory: a failure there is logged, never the committed statement's."""
    ps = plan_stats(store)
    due = []
    for oid in touched:
        if oid >= TEMP_OID_BASE:
            continue  # a temporary table is its session's: analyzed when it says so
        ts = ps.get(oid)
        threshold = ANALYZE_THRESHOLD + ANALYZE_SCALE * (ts.reltuples if ts is not None and ts.reltuples > 0 else 0)
        if mods_since_analyze(store, oid) > threshold and ps.claim(oid):
            due.append(oid)
    if due:
        ps.in_background(lambda: _analyze_due(store, due))


def _analyze_due(store: Store, due: list[int]) -> None:
    ps = plan_stats(store)

    def check() -> None:
        if ps.closing:
            raise _Closing

    for oid in due:
        try:
            if ps.closing:
                continue
            catalog = store.catalog
            table = catalog.table_by_oid(oid)
            if table is None or table.kind != "r" or table.partition_strategy:
                continue
            txn = store.begin(read_only=True)
            try:
                txn.begin_statement()
                analyze_table(store, txn, catalog, table, auto=True, check=check)
            finally:
                txn.rollback()
        except _Closing:
            pass
        except Exception:  # advisory statistics never fail anything
            log.warning("automatic ANALYZE of table %d failed", oid, exc_info=True)
        finally:
            ps.release(oid)
