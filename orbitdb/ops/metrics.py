"""The server's Prometheus metrics: `[metrics] port = N` serves them in Prometheus' text format
at http://host:port/metrics (prometheus-client, the `metrics` extra).

Everything is read when scraped, from counters the server keeps anyway: the wire server's
(orbitdb/pgwire/server_counters.py: connections, statements, errors, latency), each open
database's (orbitdb/storage/usage.py: transactions, rows) and its engine's (csrc/stats.h; only
when the engine runs with enable_statistics, which orbitdb_engine_statistics_enabled says).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

from orbitdb.pgwire.server_counters import LATENCY_BUCKETS
from orbitdb.storage.usage import IDX_TUP_FETCH, SEQ_TUP_READ, TUP_DEL, TUP_INS, TUP_UPD

log = logging.getLogger("orbitdb.metrics")

INSTALL_HINT = "pip install 'orbitdb[metrics]' (or pip install prometheus-client)"

# engine counter -> (metric name without _total, help, divisor to the metric's unit)
ENGINE_COUNTERS = {
    "wal_syncs": ("orbitdb_engine_wal_syncs", "Write-ahead log fsyncs.", 1),
    "wal_writes": ("orbitdb_engine_wal_writes", "Write-ahead log writes.", 1),
    "wal_bytes": ("orbitdb_engine_wal_written_bytes", "Bytes written to the write-ahead log.", 1),
    "bytes_written": ("orbitdb_engine_written_bytes", "Bytes of keys and values written by clients.", 1),
    "keys_written": ("orbitdb_engine_keys_written", "Keys written by clients.", 1),
    "keys_read": ("orbitdb_engine_keys_read", "Keys read by clients.", 1),
    "flushes": ("orbitdb_engine_flushes", "Memtable flushes to level-0 table files.", 1),
    "flush_bytes": ("orbitdb_engine_flush_written_bytes", "Bytes of table files written by flushes.", 1),
    "compactions": ("orbitdb_engine_compactions", "Compactions run.", 1),
    "compaction_bytes_read": ("orbitdb_engine_compaction_read_bytes", "Bytes read by compactions.", 1),
    "compaction_bytes_written": ("orbitdb_engine_compaction_written_bytes", "Bytes written by compactions.", 1),
    "block_cache_hit": ("orbitdb_engine_block_cache_hits", "Block cache hits.", 1),
    "block_cache_miss": ("orbitdb_engine_block_cache_misses", "Block cache misses (blocks read from files).", 1),
    "stall_micros": ("orbitdb_engine_write_stall_seconds", "Time writers waited in write stalls.", 1_000_000),
}


def prometheus_available() -> bool:
    try:
        import prometheus_client  # noqa: F401
    except ImportError:
        return False
    return True


class OrbitCollector:
    """A prometheus-client collector over a running server (orbitdb.pgwire.Server) and its
    databases (orbitdb.sql.cluster.cluster.Cluster)."""

    def __init__(self, server: Any, cluster: Any) -> None:
        self.server = server
        self.cluster = cluster

    def describe(self) -> list[Any]:
        return []  # the metric families depend on the databases open when scraped

    def collect(self) -> Iterator[Any]:
        yield from self._wire()
        yield from self._databases()

    def _wire(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

        s = self.server.side.counters.snapshot()
        yield GaugeMetricFamily("orbitdb_connections_current", "Client connections open now.",
                                value=self.server.connection_count())
        yield CounterMetricFamily("orbitdb_connections", "Client connections that started a session.",
                                  value=s.connections_total)
        yield CounterMetricFamily("orbitdb_connections_refused",
                                  "Connections refused (too many clients, TLS required).", value=s.connections_refused)
        yield CounterMetricFamily("orbitdb_authentication_failures", "Failed authentications.",
                                  value=s.authentication_failures)
        queries = CounterMetricFamily("orbitdb_queries", "Statements completed, by command.", labels=["command"])
        for command, n in sorted(s.queries.items()):
            queries.add_metric([command], n)
        yield queries
        errors = CounterMetricFamily("orbitdb_errors", "Errors sent to clients, by SQLSTATE class.",
                                     labels=["sqlstate_class"])
        for kind, n in sorted(s.errors.items()):
            errors.add_metric([kind], n)
        yield errors
        yield CounterMetricFamily("orbitdb_serialization_failures",
                                  "Serialization failures (SQLSTATE 40001) sent to clients.",
                                  value=s.serialization_failures)
        buckets = []
        cumulative = 0
        for bound, n in zip([*map(str, LATENCY_BUCKETS), "+Inf"], s.latency_buckets):
            cumulative += n
            buckets.append((bound, cumulative))
        latency = HistogramMetricFamily("orbitdb_statement_duration_seconds",
                                        "Time from a statement's start to its last row sent.", labels=[])
        latency.add_metric([], buckets, sum_value=s.latency_sum)
        yield latency

    def _databases(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        names = {e.oid: e.name for e in self.cluster.entries()}
        stores = sorted((names.get(oid, str(oid)), store) for oid, store in self.cluster.open_stores().items())
        label = ["database"]
        commits = CounterMetricFamily("orbitdb_commits", "Transactions committed.", labels=label)
        rollbacks = CounterMetricFamily("orbitdb_rollbacks", "Transactions rolled back.", labels=label)
        transactions = CounterMetricFamily("orbitdb_transactions", "Transactions ended.", labels=label)
        rows = {name: CounterMetricFamily(f"orbitdb_rows_{name}", f"Rows {name}.", labels=label)
                for name in ("inserted", "updated", "deleted", "read")}
        enabled = GaugeMetricFamily("orbitdb_engine_statistics_enabled",
                                    "1 when the engine keeps its statistics (enable_statistics).", labels=label)
        engine = {key: CounterMetricFamily(name, text, labels=label) for key, (name, text, _) in ENGINE_COUNTERS.items()}
        for name, store in stores:
            usage = store.usage
            totals = usage.totals()
            commits.add_metric([name], usage.xact_commit)
            rollbacks.add_metric([name], usage.xact_rollback)
            transactions.add_metric([name], usage.xact_commit + usage.xact_rollback)
            rows["inserted"].add_metric([name], totals[TUP_INS])
            rows["updated"].add_metric([name], totals[TUP_UPD])
            rows["deleted"].add_metric([name], totals[TUP_DEL])
            rows["read"].add_metric([name], totals[SEQ_TUP_READ] + totals[IDX_TUP_FETCH])
            on = bool(store.engine.options.get("enable_statistics"))
            enabled.add_metric([name], 1 if on else 0)
            if not on:
                continue
            try:
                stats = store.engine.stats()
            except Exception:  # a database closing as it is scraped: left out
                log.debug("engine statistics of %s not read", name, exc_info=True)
                continue
            for key, family in engine.items():
                if key in stats:
                    family.add_metric([name], stats[key] / ENGINE_COUNTERS[key][2])
        yield from (commits, rollbacks, transactions, *rows.values(), enabled, *engine.values())


class MetricsServer:
    """The HTTP endpoint, on its own thread."""

    def __init__(self, server: Any, cluster: Any, host: str, port: int) -> None:
        from prometheus_client import CollectorRegistry, start_http_server
        from prometheus_client.process_collector import ProcessCollector

        registry = CollectorRegistry(auto_describe=False)
        registry.register(OrbitCollector(server, cluster))  # type: ignore[arg-type]
        ProcessCollector(registry=registry)  # resident memory, CPU time, open files of the server process
        self.httpd, self.thread = start_http_server(port, host, registry)
        self.port = int(self.httpd.server_port)
        self._stopped = threading.Event()

    def close(self) -> None:
        if not self._stopped.is_set():
            self._stopped.set()
            self.httpd.shutdown()
            self.httpd.server_close()
