"""orbitdb_stat_statements: what pg_stat_statements counts, per normalised statement text
(constants replaced by $n, as normalize_literals makes it), user and database: calls, total,
minimum, maximum, mean and standard deviation of the execution time, rows returned or
affected. The wire server records each statement that completed (failed ones are not
counted, as in PostgreSQL); orbitdb_stat_statements_reset() empties it.

Entries are bounded (MAX_ENTRIES, pg_stat_statements.max's default): when full, the least
called half is dropped, as pg_stat_statements deallocates its least used entries. A statement
that sets a role's password is kept cut before the password (orbitdb.sql.parse.redact).
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass

from orbitdb.sql.parse.parser import normalize_literals
from orbitdb.sql.parse.redact import redact_sql

MAX_ENTRIES = 5000
MAX_TEXT = 64 << 10  # longer texts are kept cut (normalising them is not worth the time)
_CACHED_TEXTS, _CACHED_TEXT = 2048, 1024  # normalised texts remembered: how many, how long at most


@dataclass
class StatementEntry:
    user: str
    database_oid: int
    query: str
    queryid: int
    calls: int = 0
    total_ms: float = 0.0
    min_ms: float = math.inf
    max_ms: float = 0.0
    sum_squares: float = 0.0  # of the times, for the standard deviation
    rows: int = 0

    @property
    def mean_ms(self) -> float:
        return self.total_ms / self.calls if self.calls else 0.0

    @property
    def stddev_ms(self) -> float:
        """The population standard deviation, as pg_stat_statements reports it."""
        if not self.calls:
            return 0.0
        variance = self.sum_squares / self.calls - self.mean_ms ** 2
        return math.sqrt(variance) if variance > 0 else 0.0


def normalized_text(sql: str) -> str:
    """The statement as pg_stat_statements shows it: its constants as $1, $2, ..."""
    text = sql.strip().rstrip(";").strip()
    if len(text) > MAX_TEXT:
        return redact_sql(text[:MAX_TEXT])
    try:
        norm = normalize_literals(text)
    except Exception:  # noqa: BLE001 - a text the normaliser cannot take is kept as it is
        norm = None
    # a statement the normaliser leaves alone keeps its constants: one setting a password loses it
    return redact_sql(norm.text if norm is not None else text)


def query_id(text: str) -> int:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class StatementStats:
    """One server's (or embedded database's) statement statistics."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, int, str], StatementEntry] = {}
        self.max_entries = max_entries
        self._texts: dict[str, str] = {}  # statement text -> normalised text, for texts that repeat

    def record(self, user: str, database_oid: int, sql: str, elapsed_ms: float, rows: int,
               normalized: tuple[str, str | None] | None = None) -> None:
        """normalized: (statement text, its normalised text or None) as the session worked it
        out when it ran the statement, which spares doing it again here."""
        text = self._normalized(sql, normalized)
        if not text:
            return
        key = (user, database_oid, text)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                if len(self._entries) >= self.max_entries:
                    self._evict()
                entry = self._entries[key] = StatementEntry(user, database_oid, text, query_id(text))
            entry.calls += 1
            entry.total_ms += elapsed_ms
            entry.min_ms = min(entry.min_ms, elapsed_ms)
            entry.max_ms = max(entry.max_ms, elapsed_ms)
            entry.sum_squares += elapsed_ms * elapsed_ms
            entry.rows += rows

    def _normalized(self, sql: str, normalized: tuple[str, str | None] | None) -> str:
        if len(sql) > 2 * MAX_TEXT:  # kept cut: never a copy of a huge text (a 100 MB literal)
            return redact_sql(sql[:2 * MAX_TEXT].strip()[:MAX_TEXT])
        text = sql.strip().rstrip(";").strip()
        if normalized is not None and normalized[0] == text:
            return redact_sql(normalized[1] or text)
        found = self._texts.get(text)
        if found is None:
            found = normalized_text(text)
            if len(text) <= _CACHED_TEXT:  # the extended protocol sends the same text each time
                if len(self._texts) >= _CACHED_TEXTS:
                    self._texts.clear()
                self._texts[text] = found
        return found

    def _evict(self) -> None:
        ranked = sorted(self._entries.items(), key=lambda item: item[1].calls)
        for key, _ in ranked[: max(1, len(ranked) // 2)]:
            del self._entries[key]

    def entries(self) -> list[StatementEntry]:
        with self._lock:
            return [StatementEntry(**vars(e)) for e in self._entries.values()]

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()


def statement_stats_of(session: object) -> StatementStats | None:
    """The statistics a session's statements go to: its server's, else its database's."""
    db = getattr(session, "db", None)
    owner = getattr(db, "cluster", None) or db
    stats = getattr(owner, "statement_stats", None)
    return stats if isinstance(stats, StatementStats) else None
