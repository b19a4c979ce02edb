"""What the wire server counts for its metrics (orbitdb/ops/metrics.py exports them):
connections accepted, refused and failing authentication; statements by command, their
latency (a histogram), errors by SQLSTATE class and serialization failures (40001).

Plain counters under one lock, so that the wire server needs no metrics library; the exporter
reads a snapshot when it is scraped.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field

# statement latency bucket bounds, seconds (Prometheus' "le"), from 0.5 ms to 10 s
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SERIALIZATION_FAILURE = "40001"


@dataclass
class CountersSnapshot:
    connections_total: int = 0  # sessions started (authenticated)
    connections_refused: int = 0
    authentication_failures: int = 0
    queries: dict[str, int] = field(default_factory=dict)  # command (SELECT, INSERT, ...) -> count
    errors: dict[str, int] = field(default_factory=dict)  # SQLSTATE class (two characters) -> count
    serialization_failures: int = 0
    latency_buckets: list[int] = field(default_factory=list)  # counts per bucket (not cumulative), +Inf last
    latency_sum: float = 0.0  # seconds
    latency_count: int = 0


def command_of(tag: str) -> str:
    """The command a CommandComplete tag names: "INSERT 0 1" -> INSERT, "CREATE TABLE" -> CREATE TABLE."""
    words = tag.split()
    while words and words[-1].isdigit():
        words.pop()
    return " ".join(words) or "UNKNOWN"


class ServerCounters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._s = CountersSnapshot(latency_buckets=[0] * (len(LATENCY_BUCKETS) + 1))

    def connection_started(self) -> None:
        """A client authenticated and got a session."""
        with self._lock:
            self._s.connections_total += 1

    def connection_refused(self) -> None:
        with self._lock:
            self._s.connections_refused += 1

    def authentication_failed(self) -> None:
        with self._lock:
            self._s.authentication_failures += 1

    def query(self, command: str) -> None:
        with self._lock:
            self._s.queries[command] = self._s.queries.get(command, 0) + 1

    def statement_time(self, seconds: float) -> None:
        with self._lock:
            self._s.latency_buckets[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
            self._s.latency_sum += seconds
            self._s.latency_count += 1

    def error(self, sqlstate: str) -> None:
        with self._lock:
            kind = sqlstate[:2]
            self._s.errors[kind] = self._s.errors.get(kind, 0) + 1
            if sqlstate == SERIALIZATION_FAILURE:
                self._s.serialization_failures += 1

    def snapshot(self) -> CountersSnapshot:
        with self._lock:
            s = self._s
            return CountersSnapshot(s.connections_total, s.connections_refused, s.authentication_failures,
                                    dict(s.queries), dict(s.errors), s.serialization_failures,
                                    list(s.latency_buckets), s.latency_sum, s.latency_count)
