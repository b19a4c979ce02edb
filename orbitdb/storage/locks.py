"""Row locks: a writer locks a key until its transaction ends, so two
transactions never write the same row at once; a second writer waits, as in
PostgreSQL, and a cycle of waiters is a deadlock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from orbitdb.storage.errors import DeadlockDetected, LockNotAvailable


class LockManager:
    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._owner: dict[bytes, int] = {}
        self._waits_for: dict[int, int] = {}

    def try_acquire(self, key: bytes, txn_id: int) -> bool:
        with self._cond:
            owner = self._owner.get(key)
            if owner is None:
                self._owner[key] = txn_id
                return True
            return owner == txn_id

    def acquire(
        self,
        key: bytes,
        txn_id: int,
        deadline: float | None = None,
        check: Callable[[], None] | None = None,
    ) -> bool:
        """Waits until key is ours. Returns True if it had to wait (another
        transaction held it). check() is called while waiting and may raise
        (cancel, statement timeout)."""
        waited = False
        with self._cond:
            while True:
                owner = self._owner.get(key)
                if owner is None or owner == txn_id:
                    self._owner[key] = txn_id
                    self._waits_for.pop(txn_id, None)
                    return waited
                waited = True
                self._waits_for[txn_id] = owner
                seen = {txn_id}
                cur = owner
                while cur in self._waits_for:
                    cur = self._waits_for[cur]
                    if cur in seen:
                        self._waits_for.pop(txn_id, None)
                        raise DeadlockDetected("deadlock detected")
                    seen.add(cur)
                if deadline is not None and time.monotonic() >= deadline:
                    self._waits_for.pop(txn_id, None)
                    raise LockNotAvailable("could not obtain lock on row")
                self._cond.wait(0.05)
                if check is not None:
                    try:
                        self._cond.release()
                        try:
                            check()
                        finally:
                            self._cond.acquire()
                    except BaseException:
                        self._waits_for.pop(txn_id, None)
                        raise

    def release_all(self, keys: set[bytes], txn_id: int) -> None:
        with self._cond:
            for key in keys:
                if self._owner.get(key) == txn_id:
                    del self._owner[key]
            self._waits_for.pop(txn_id, None)
            self._cond.notify_all()

    def holder(self, key: bytes) -> int | None:
        with self._cond:
            return self._owner.get(key)
