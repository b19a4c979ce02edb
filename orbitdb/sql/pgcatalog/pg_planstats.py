"""pg_stats and the figures of ANALYZE in pg_class (reltuples, relpages) and pg_stat_*_tables
(last_analyze, analyze_count, n_mod_since_analyze): from the statistics orbitdb/sql/plan/
statistics.py gathers (kept by orbitdb/storage/planstats.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.storage.planstats import TableStats, plan_stats


def _store(env: Env) -> Any:
    return getattr(env.session, "store", None)


def table_stats(env: Env, oid: int) -> TableStats | None:
    store = _store(env)
    return plan_stats(store).get(oid) if store is not None else None


def class_figures(env: Env, oid: int) -> dict[str, Any]:
    """pg_class's reltuples and relpages of a table: -1 and 0 until its first ANALYZE."""
    ts = table_stats(env, oid)
    return {} if ts is None else {"reltuples": ts.reltuples, "relpages": ts.relpages}


def _when(seconds: float | None) -> datetime.datetime | None:
    if seconds is None:
        return None
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def analyze_counters(env: Env, oid: int) -> dict[str, Any]:
    """pg_stat_*_tables' ANALYZE columns of a table."""
    from orbitdb.sql.plan.statistics import mods_since_analyze

    store = _store(env)
    ts = table_stats(env, oid)
    out: dict[str, Any] = {"n_mod_since_analyze": mods_since_analyze(store, oid) if store is not None else 0}
    if ts is not None:
        out.update(last_analyze=_when(ts.last_analyze), last_autoanalyze=_when(ts.last_autoanalyze),
                   analyze_count=ts.analyze_count, autoanalyze_count=ts.autoanalyze_count)
    return out


@producer("pg_catalog", "pg_stats", inherited=False)
def _pg_stats(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        if t.kind != "r":
            continue
        ts = table_stats(env, t.oid)
        if ts is None:
            continue
        for c in t.columns:
            cs = ts.columns.get(c.name)
            if cs is None or not _may_read(env, t, c):
                continue
            yield make(schemaname=t.schema, tablename=t.name, attname=c.name, null_frac=cs.null_frac,
                       avg_width=cs.avg_width, n_distinct=cs.n_distinct, most_common_vals=cs.mcv_text,
                       most_common_freqs=cs.mcf, histogram_bounds=cs.hist_text, correlation=cs.correlation)


def _may_read(env: Env, table: Any, column: Any) -> bool:
    """pg_stats shows a column's figures only to a role that may SELECT it (its values are
    samples of the column), as PostgreSQL's view tests has_column_privilege."""
    session = env.session
    user = getattr(session, "user", None)
    if user is None:
        return True
    if "r" in session.privileges_held(user, table.acl, "r", table.owner):
        return True
    return bool(column.acl) and "r" in session.privileges_held(user, column.acl, "c", table.owner)
