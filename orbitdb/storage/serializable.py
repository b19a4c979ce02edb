"""SERIALIZABLE by read-set validation: a serializable transaction records the keys
and key ranges it read; at commit, if a transaction that committed after its snapshot
wrote any of them, it fails with 40001. Together with first-committer-wins on
written rows (REPEATABLE READ's rule) this makes every committed serializable
transaction equivalent to running alone at its commit point, so write skew and
phantom anomalies cannot commit. The price: a serializable transaction may fail
where PostgreSQL's SSI would find no dangerous cycle (it does not track whether
the writer also depends on the reader), and reads cost a set insertion each.

A write that would make a transaction the middle of a dangerous structure (a concurrent
serializable transaction that already committed read the key, and this transaction read
something a concurrent one committed over, so it cannot commit anyway) fails at once, as
PostgreSQL's SSI fails it during the write rather than at COMMIT.

Commits are numbered by an epoch counter that is advanced after the engine write;
a transaction's epoch is read after its snapshot is taken, so a commit counted as
"before" is always visible to the snapshot (the safe direction)."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable


class ReadSet:
    """Keys and half-open key ranges a transaction read."""

    __slots__ = ("keys", "ranges")

    def __init__(self) -> None:
        self.keys: set[bytes] = set()
        self.ranges: list[tuple[bytes, bytes]] = []

    def covers(self, key: bytes) -> bool:
        if key in self.keys:
            return True
        for start, stop in self.ranges:
            if start <= key < stop:
                return True
        return False


class CommitLog:
    """Write sets of transactions committed while serializable ones were running."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.epoch = 0
        self._active: dict[int, int] = {}  # serializable transaction id -> its epoch
        self._log: list[tuple[int, list[bytes]]] = []  # (commit epoch, sorted written keys)
        self._readers: list[tuple[int, ReadSet]] = []  # (commit epoch, reads) of serializable commits

    def register(self, txn_id: int) -> None:
        """Called before the transaction's snapshot is taken."""
        with self._lock:
            self._active[txn_id] = -1

    def set_epoch(self, txn_id: int) -> int:
        """Called after the snapshot is taken: commits up to this epoch are visible to it."""
        with self._lock:
            self._active[txn_id] = self.epoch
            return self.epoch

    def unregister(self, txn_id: int) -> None:
        with self._lock:
            self._active.pop(txn_id, None)
            self._prune()

    def committed(self, keys: Iterable[bytes], reads: ReadSet | None = None) -> int:
        """Called after a transaction's engine write, with the keys it wrote (and, for a
        serializable one, what it read); its epoch. The writes of a transaction that is not
        serializable (reads None) are not logged: they make no read/write conflict."""
        with self._lock:
            self.epoch += 1
            if self._active:
                if keys and reads is not None:  # as PostgreSQL's SSI: only a serializable writer conflicts
                    self._log.append((self.epoch, sorted(keys)))
                if reads is not None and (reads.keys or reads.ranges):
                    self._readers.append((self.epoch, reads))
            return self.epoch

    def read_by_committed(self, epoch: int, key: bytes) -> bool:
        """Whether a serializable transaction that committed after epoch read key (so a
        writer of key that started by epoch has a read/write dependency coming in)."""
        with self._lock:
            readers = [reads for e, reads in self._readers if e > epoch]
        return any(reads.covers(key) for reads in readers)

    def conflicts(self, epoch: int, reads: ReadSet) -> bool:
        """Whether a transaction committed after epoch wrote something in reads."""
        with self._lock:
            entries = [keys for e, keys in self._log if e > epoch]
        for keys in entries:
            for k in reads.keys:
                i = bisect.bisect_left(keys, k)
                if i < len(keys) and keys[i] == k:
                    return True
            for start, stop in reads.ranges:
                i = bisect.bisect_left(keys, start)
                if i < len(keys) and keys[i] < stop:
                    return True
        return False

    def _prune(self) -> None:
        if not self._active:
            self._log.clear()
            self._readers.clear()
            return
        oldest = min((e for e in self._active.values() if e >= 0), default=self.epoch)
        if self._log and self._log[0][0] <= oldest:
            self._log = [entry for entry in self._log if entry[0] > oldest]
        if self._readers and self._readers[0][0] <= oldest:
            self._readers = [entry for entry in self._readers if entry[0] > oldest]
