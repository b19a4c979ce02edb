"""Where recently re-keyed rows went. An UPDATE that changes a row's primary key writes
it under a new key; a READ COMMITTED writer that was waiting for the old key follows the
row to its new key, as PostgreSQL follows a tuple's update chain, instead of finding it
gone. Only the most recent moves are kept: a waiter is always about a very recent one."""

from __future__ import annotations

import threading
from collections import OrderedDict

_KEEP = 65536


class Moves:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._to: OrderedDict[bytes, tuple[bytes, int]] = OrderedDict()

    def record(self, moved: dict[bytes, bytes], epoch: int) -> None:
        with self._lock:
            for old, new in moved.items():
                self._to[old] = (new, epoch)
                self._to.move_to_end(old)
            while len(self._to) > _KEEP:
                self._to.popitem(last=False)

    def moved_after(self, key: bytes, epoch: int) -> bytes | None:
        """The key the row at key moved to, if a transaction that committed after epoch moved it."""
        with self._lock:
            hit = self._to.get(key)
        if hit is None or hit[1] <= epoch:
            return None
        return hit[0]
