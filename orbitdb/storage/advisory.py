"""Session-level advisory locks (pg_advisory_lock and friends): held by a session
across transactions until unlocked or the session ends, re-entrant (each lock call
needs its own unlock). Transaction-level advisory locks are ordinary transaction
locks (Transaction.lock) on the same tags."""

from __future__ import annotations

from collections.abc import Callable

from orbitdb.storage.lockmodes import EXCLUSIVE, SHARE
from orbitdb.storage.locks import SKIP_LOCKED, WAIT, LockManager

AdvisoryTag = tuple[str, int, int, int]


def advisory_tag(key1: int, key2: int | None) -> AdvisoryTag:
    """PostgreSQL's naming: one bigint key is split in two halves (kind 1); two int keys
    are kept as they are (kind 2)."""
    if key2 is None:
        k = key1 & 0xFFFFFFFFFFFFFFFF
        return ("adv", k >> 32, k & 0xFFFFFFFF, 1)
    return ("adv", key1 & 0xFFFFFFFF, key2 & 0xFFFFFFFF, 2)


def advisory_mode(shared: bool) -> int:
    return SHARE if shared else EXCLUSIVE


class SessionLocks:
    def __init__(self, manager: LockManager, owner: int) -> None:
        self.manager = manager
        self.owner = owner
        self.held: dict[tuple[AdvisoryTag, int], int] = {}  # (tag, mode) -> times locked

    def lock(self, tag: AdvisoryTag, mode: int, wait: bool, deadline: float | None,
             check: Callable[[], None] | None, deadlock_timeout: float) -> bool:
        if not self.manager.acquire(tag, self.owner, mode, WAIT if wait else SKIP_LOCKED, deadline, check,
                                    deadlock_timeout):
            return False
        self.held[(tag, mode)] = self.held.get((tag, mode), 0) + 1
        return True

    def unlock(self, tag: AdvisoryTag, mode: int) -> bool:
        n = self.held.get((tag, mode), 0)
        if n == 0:
            return False
        if n == 1:
            del self.held[(tag, mode)]
        else:
            self.held[(tag, mode)] = n - 1
        self.manager.release(tag, self.owner, mode)
        return True

    def unlock_all(self) -> None:
        held, self.held = self.held, {}
        for (tag, mode), n in held.items():
            for _ in range(n):
                self.manager.release(tag, self.owner, mode)


__all__ = ["SessionLocks", "advisory_mode", "advisory_tag"]
