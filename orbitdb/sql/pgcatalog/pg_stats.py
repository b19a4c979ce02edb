"""Cumulative statistics views with real counters: pg_stat_database, pg_stat_*_tables,
pg_stat_xact_*_tables (this transaction's counts, not yet added to the database's) and
orbitdb_stat_statements (pg_stat_statements' columns).

Where the counters come from: orbitdb/storage/usage.py (scans, rows read and written,
transactions), orbitdb/sql/statement_stats.py (statements), the engine's statistics (blocks
read and hit, when the engine runs with enable_statistics). Counters start at zero when a
database is opened. n_live_tup is the table's committed row count; n_dead_tup is 0: old
versions of rows are the LSM engine's, dropped by its compactions, not per-table dead tuples
that a VACUUM would reclaim.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import model as M
from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.pgcatalog.pg_planstats import analyze_counters
from orbitdb.sql.statement_stats import statement_stats_of
from orbitdb.storage.usage import FIELDS, IDX_TUP_FETCH, SEQ_TUP_READ, TUP_DEL, TUP_INS, TUP_UPD

_OID, _BOOL, _INT8, _TEXT, _FLOAT8, _NUMERIC = 26, 16, 20, 25, 701, 1700
STAT_STATEMENTS_OID = 8900  # free in PostgreSQL 15's system oids

# pg_stat_statements 1.10's columns (PostgreSQL 15), in order
_STAT_STATEMENTS_COLUMNS = (
    [("userid", _OID), ("dbid", _OID), ("toplevel", _BOOL), ("queryid", _INT8), ("query", _TEXT), ("plans", _INT8)]
    + [(f"{a}_plan_time", _FLOAT8) for a in ("total", "min", "max", "mean", "stddev")]
    + [("calls", _INT8)]
    + [(f"{a}_exec_time", _FLOAT8) for a in ("total", "min", "max", "mean", "stddev")]
    + [("rows", _INT8)]
    + [(f"{kind}_blks_{what}", _INT8) for kind in ("shared", "local") for what in ("hit", "read", "dirtied", "written")]
    + [("temp_blks_read", _INT8), ("temp_blks_written", _INT8)]
    + [(name, _FLOAT8) for name in ("blk_read_time", "blk_write_time", "temp_blk_read_time", "temp_blk_write_time")]
    + [("wal_records", _INT8), ("wal_fpi", _INT8), ("wal_bytes", _NUMERIC), ("jit_functions", _INT8),
       ("jit_generation_time", _FLOAT8)]
    + [(f"jit_{what}_{unit}", _INT8 if unit == "count" else _FLOAT8)
       for what in ("inlining", "optimization", "emission") for unit in ("count", "time")]
)


def _register_stat_statements() -> None:
    spec = B.RelSpec(STAT_STATEMENTS_OID, "pg_catalog", "orbitdb_stat_statements", "v",
                     tuple((name, oid, -1, False) for name, oid in _STAT_STATEMENTS_COLUMNS))
    B.RELATIONS[(spec.schema, spec.name)] = spec
    B.RELATION_BY_OID[spec.oid] = spec


_register_stat_statements()


def _stores(env: Env) -> dict[int, Any]:
    """The storage of each open database, by database oid."""
    cluster = env.cluster
    if cluster is not None and hasattr(cluster, "open_stores"):
        return cluster.open_stores()  # type: ignore[no-any-return]
    store = getattr(env.session, "store", None)
    return {env.database_oid: store} if store is not None else {}


def _blocks(store: Any) -> tuple[int, int]:
    """(blocks read from table files, blocks found in the block cache): the engine's counters
    when it keeps them (enable_statistics), else 0."""
    engine = getattr(store, "engine", None)
    if engine is None or not engine.options.get("enable_statistics"):
        return 0, 0
    stats = engine.stats()
    return stats.get("block_cache_miss", 0), stats.get("block_cache_hit", 0)


@producer("pg_catalog", "pg_stat_database")
def _pg_stat_database(env: Env, make: RowMaker) -> Iterator[Row]:
    times = {name: 0.0 for name in ("blk_read_time", "blk_write_time", "session_time", "active_time",
                                    "idle_in_transaction_time")}
    zeros = {name: 0 for name in make.index if name not in times and name not in (
        "datid", "datname", "stats_reset", "checksum_last_failure", "checksum_failures")}
    # the row of shared objects, as PostgreSQL has it
    yield make(datid=0, datname=None, **{k: v for k, v in zeros.items() if k != "numbackends"}, **times)
    databases = [(e.oid, e.name) for e in env.cluster.entries()] if env.cluster is not None else [
        (env.database_oid, env.database)]
    stores = _stores(env)
    from orbitdb.sql.pgcatalog.pg_cluster import _sessions

    sessions = _sessions(env)
    for oid, name in databases:
        backends = sum(1 for s in sessions if getattr(getattr(s, "db", None), "oid", env.database_oid) == oid)
        counts = dict(zeros, numbackends=backends)
        store = stores.get(oid)
        reset = None
        if store is not None:
            usage = store.usage
            totals = usage.totals()
            blks_read, blks_hit = _blocks(store)
            counts.update(
                xact_commit=usage.xact_commit, xact_rollback=usage.xact_rollback,
                tup_returned=totals[SEQ_TUP_READ] + totals[IDX_TUP_FETCH], tup_fetched=totals[IDX_TUP_FETCH],
                tup_inserted=totals[TUP_INS], tup_updated=totals[TUP_UPD], tup_deleted=totals[TUP_DEL],
                blks_read=blks_read, blks_hit=blks_hit, sessions=usage.sessions,
                temp_files=usage.temp_files, temp_bytes=usage.temp_bytes)
            reset = usage.reset_at
        yield make(datid=oid, datname=name, **counts, **times, checksum_failures=0, stats_reset=reset)


def _table_stats(env: Env, make: RowMaker, schema_filter: str, this_transaction: bool) -> Iterator[Row]:
    if schema_filter == "sys":
        return  # orbitdb's system catalogs are not tables that scans count
    store = getattr(env.session, "store", None)
    txn = getattr(env.session, "txn", None)
    pending = (getattr(txn, "usage", None) or {}) if this_transaction else {}
    for t in env.tables:
        if t.kind != "r":
            continue
        if this_transaction:
            row = pending.get(t.oid) or [0] * len(FIELDS)
        else:
            row = store.usage.table(t.oid) if store is not None else [0] * len(FIELDS)
        counters: dict[str, Any] = {name: 0 for name in make.index if name.startswith(("seq_", "idx_", "n_")) or
                                    name.endswith("_count")}
        counters.update({name: row[i] for i, name in enumerate(FIELDS) if name in counters})
        if "n_live_tup" in counters:
            counters["n_live_tup"] = M.row_estimate(env, t)
        if not M.indexes(t):  # no index to scan: NULL, as PostgreSQL shows it
            counters["idx_scan"] = None
            counters["idx_tup_fetch"] = None
        if not this_transaction and "analyze_count" in counters:
            counters.update(analyze_counters(env, t.oid))
        yield make(relid=t.oid, schemaname=t.schema, relname=t.name, **counters)


def _table_view(schema_filter: str, this_transaction: bool) -> Any:
    def produce(env: Env, make: RowMaker) -> Iterator[Row]:
        return _table_stats(env, make, schema_filter, this_transaction)

    return produce


for _name, _filter, _xact in (("pg_stat_user_tables", "user", False), ("pg_stat_all_tables", "all", False),
                              ("pg_stat_sys_tables", "sys", False), ("pg_stat_xact_user_tables", "user", True),
                              ("pg_stat_xact_all_tables", "all", True)):
    producer("pg_catalog", _name)(_table_view(_filter, _xact))


@producer("pg_catalog", "orbitdb_stat_statements")
def _orbitdb_stat_statements(env: Env, make: RowMaker) -> Iterator[Row]:
    stats = statement_stats_of(env.session)
    if stats is None:
        return
    zeros = {name: (0.0 if oid == _FLOAT8 else Decimal(0) if oid == _NUMERIC else 0)
             for name, oid in _STAT_STATEMENTS_COLUMNS}
    for e in stats.entries():
        yield make(**dict(zeros, userid=env.role_oid(e.user), dbid=e.database_oid, toplevel=True,
                          queryid=e.queryid, query=e.query, calls=e.calls, total_exec_time=e.total_ms,
                          min_exec_time=e.min_ms, max_exec_time=e.max_ms, mean_exec_time=e.mean_ms,
                          stddev_exec_time=e.stddev_ms, rows=e.rows))
