"""The lock manager of one database: row locks, relation locks, advisory locks and
the exclusive internal locks (write intents on keys, catalog objects, names), with
PostgreSQL's modes, queueing, NOWAIT / SKIP LOCKED, timeouts and deadlock detection.

A lock is named by a tag:
- bytes: an engine key. Row locks (the four FOR ... modes) on a row's key; a key
  prefixed with ``W`` is a write intent (exclusive), held by the transaction that
  inserts, deletes or re-keys that key, so that a concurrent unique check waits for it.
- tuples: ``("rel", oid)`` relation locks, ``("adv", k1, k2, kind)`` advisory locks,
  ``("obj", oid)`` catalog objects being changed, ``("name", schema, name)`` a
  relation name being taken; all with the table-level modes.

Owners are ints (a session's backend pid). The manager counts repeated grants of the
same mode to the same owner (advisory locks are re-entrant); callers that must not
count (a transaction locking a row twice) keep their own record of what they hold.

Waits follow PostgreSQL: a request conflicting with a holder waits in a queue; for
relation and advisory locks a newcomer also queues behind waiters whose modes it
conflicts with (unless it already holds the lock in some mode), and a release grants
waiters in order. Row-lock waiters are served strictly in order, as PostgreSQL's tuple
lock makes them, while a newcomer compatible with the holders is granted at once.
A waiter checks for a deadlock once, after ``deadlock_timeout`` seconds of waiting,
and if it closes a cycle it is the one that fails (PostgreSQL's victim rule)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from orbitdb.storage.errors import DeadlockDetected, LockNotAvailable
from orbitdb.storage.lockmodes import (
    ACCESS_EXCLUSIVE,
    ROW_CONFLICTS,
    ROW_MODE_NAMES,
    TABLE_CONFLICTS,
    TABLE_MODE_NAMES,
)

WAIT = 0
NOWAIT = 1
SKIP_LOCKED = 2

# what acquire answers (truthy when the lock is ours)
NOT_GRANTED = 0
GRANTED = 1
GRANTED_AFTER_WAIT = 2

Tag = Any  # bytes | tuple
_WRITE_INTENT = 0x57  # b"W"


def write_intent_tag(key: bytes) -> bytes:
    return b"W" + key


def _conflicts(tag: Tag) -> list[int]:
    if type(tag) is bytes and tag[0] != _WRITE_INTENT:
        return ROW_CONFLICTS
    return TABLE_CONFLICTS


class _Waiter:
    __slots__ = ("granted", "mode", "owner", "since", "tag")

    def __init__(self, tag: Tag, owner: int, mode: int) -> None:
        self.tag = tag
        self.owner = owner
        self.mode = mode
        self.granted = False
        self.since = time.monotonic()


class _Lock:
    __slots__ = ("holders", "waiters")

    def __init__(self) -> None:
        self.holders: dict[int, int] = {}  # owner -> mask of held modes
        self.waiters: list[_Waiter] = []


class LockManager:
    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._locks: dict[Tag, _Lock] = {}
        self._counts: dict[tuple[Tag, int, int], int] = {}  # (tag, owner, mode) -> grants beyond the first
        self._waiting: dict[int, _Waiter] = {}
        # write intents nobody else has asked for: tag -> owner (who holds it ACCESS EXCLUSIVE);
        # one dict entry each instead of a _Lock, until a second owner asks (_promote)
        self._intents: dict[bytes, int] = {}

    # ---- acquiring ----
    def acquire(
        self,
        tag: Tag,
        owner: int,
        mode: int,
        policy: int = WAIT,
        deadline: float | None = None,
        check: Callable[[], None] | None = None,
        deadlock_timeout: float = 1.0,
        busy_message: str = "could not obtain lock",
    ) -> int:
        """Grants mode on tag to owner, waiting if needed: GRANTED, GRANTED_AFTER_WAIT, or
        NOT_GRANTED (only with SKIP_LOCKED, when the lock is busy). Raises LockNotAvailable
        (NOWAIT, or lock_timeout at deadline), DeadlockDetected, or whatever check() raises
        while waiting (cancel, timeouts, a client that went away)."""
        bit = 1 << mode
        with self._cond:
            lk = self._locks.get(tag)
            if lk is None:
                intents = self._intents
                if tag in intents:
                    lk = self._promote(tag)
                elif mode == ACCESS_EXCLUSIVE and type(tag) is bytes and tag[0] == _WRITE_INTENT:
                    intents[tag] = owner
                    return GRANTED
                else:
                    lk = self._locks[tag] = _Lock()
                    lk.holders[owner] = bit
                    return GRANTED
            conflicts = _conflicts(tag)
            if self._grantable(lk, tag, owner, mode, conflicts, newcomer=True):
                self._grant(lk, tag, owner, bit, mode)
                return GRANTED
            if policy == NOWAIT:
                raise LockNotAvailable(busy_message)
            if policy == SKIP_LOCKED:
                return NOT_GRANTED
            waiter = _Waiter(tag, owner, mode)
            lk.waiters.append(waiter)
            self._waiting[owner] = waiter
            try:
                self._wait(waiter, deadline, check, deadlock_timeout)
            except BaseException:
                if waiter.granted:
                    self._release_locked(tag, owner, mode)
                else:
                    lk.waiters.remove(waiter)
                    self._wake(tag, lk)
                raise
            finally:
                self._waiting.pop(owner, None)
            return GRANTED_AFTER_WAIT

    def acquire_free(self, tags: Iterable[Tag], owner: int, mode: int) -> list[Tag]:
        """Grants mode on each tag nobody holds or awaits, under one hold of the mutex; returns
        the others (the caller acquires them one at a time, waiting as acquire does). A batch
        of inserts takes its write intents so."""
        assert mode == ACCESS_EXCLUSIVE
        wanted = dict.fromkeys(tags, owner)
        with self._cond:
            intents = self._intents
            taken = wanted.keys() & intents.keys()
            taken |= wanted.keys() & self._locks.keys()
            if taken:
                for tag in taken:
                    del wanted[tag]
            intents.update(wanted)
        return [tag for tag in tags if tag in taken] if taken else []

    def _promote(self, tag: Tag) -> _Lock:
        """The write intent on tag as a _Lock (another owner asks for it). The mutex is held."""
        lk = self._locks[tag] = _Lock()
        lk.holders[self._intents.pop(tag)] = 1 << ACCESS_EXCLUSIVE
        return lk

    def is_free(self, tag: Tag) -> bool:
        """Whether nobody holds or awaits tag (a hint: read without the manager's mutex)."""
        return tag not in self._locks and tag not in self._intents

    def _wait(self, waiter: _Waiter, deadline: float | None, check: Callable[[], None] | None,
              deadlock_timeout: float) -> None:
        deadlock_at: float | None = waiter.since + max(deadlock_timeout, 0.0)
        while not waiter.granted:
            now = time.monotonic()
            if deadlock_at is not None and now >= deadlock_at:
                deadlock_at = None
                cycle = self._cycle_from(waiter.owner)
                if cycle:
                    raise DeadlockDetected("deadlock detected", detail=self._describe_cycle(cycle))
                continue
            if deadline is not None and now >= deadline:
                raise LockNotAvailable("canceling statement due to lock timeout")
            timeout = 0.05
            if deadlock_at is not None:
                timeout = min(timeout, deadlock_at - now)
            if deadline is not None:
                timeout = min(timeout, deadline - now)
            self._cond.wait(max(timeout, 0.001))
            if waiter.granted or check is None:
                continue
            self._cond.release()
            try:
                check()
            finally:
                self._cond.acquire()

    def _grantable(self, lk: _Lock, tag: Tag, owner: int, mode: int, conflicts: list[int], newcomer: bool) -> bool:
        want = conflicts[mode]
        for other, mask in lk.holders.items():
            if other != owner and mask & want:
                return False
        if newcomer and lk.waiters and conflicts is TABLE_CONFLICTS and owner not in lk.holders:
            for w in lk.waiters:
                if w.owner != owner and (1 << w.mode) & want:
                    return False
        return True

    def _grant(self, lk: _Lock, tag: Tag, owner: int, bit: int, mode: int) -> None:
        held = lk.holders.get(owner, 0)
        if held & bit:
            key = (tag, owner, mode)
            self._counts[key] = self._counts.get(key, 0) + 1
        else:
            lk.holders[owner] = held | bit

    def _wake(self, tag: Tag, lk: _Lock) -> None:
        """Grants waiters that the holders (and, for relation locks, the waiters ahead of
        them) now allow; wakes everyone waiting if any was granted."""
        if not lk.waiters:
            if not lk.holders:
                del self._locks[tag]
            return
        conflicts = _conflicts(tag)
        rows = conflicts is ROW_CONFLICTS
        ahead = 0
        granted_any = False
        remaining = []
        for w in lk.waiters:
            ok = not (ahead & conflicts[w.mode]) and self._grantable(lk, tag, w.owner, w.mode, conflicts, False)
            if ok:
                self._grant(lk, tag, w.owner, 1 << w.mode, w.mode)
                w.granted = True
                granted_any = True
            else:
                remaining.append(w)
                ahead |= 1 << w.mode
                if rows:
                    ahead = -1  # everyone behind a blocked row-lock waiter stays in line
        lk.waiters = remaining
        if granted_any:
            self._cond.notify_all()

    # ---- prepared transactions: locks that outlive their session ----
    def transfer(self, old: int, new: int, held: Iterable[tuple[Tag, int]]) -> None:
        """Hands the modes in each (tag, mask) from owner old to owner new (PREPARE TRANSACTION:
        the prepared transaction keeps its locks when its session goes)."""
        with self._cond:
            intents = self._intents
            for tag, mask in held:
                if intents.get(tag) == old:
                    intents[tag] = new
                    continue
                lk = self._locks.get(tag)
                if lk is None:
                    continue
                moving = lk.holders.get(old, 0) & mask
                if not moving:
                    continue
                rest = lk.holders[old] & ~moving
                if rest:
                    lk.holders[old] = rest
                else:
                    del lk.holders[old]
                lk.holders[new] = lk.holders.get(new, 0) | moving
                for mode in range(moving.bit_length()):
                    extra = self._counts.pop((tag, old, mode), None)
                    if extra:
                        self._counts[(tag, new, mode)] = extra

    def grant_all(self, owner: int, held: Iterable[tuple[Tag, int]]) -> None:
        """Grants each (tag, mask) to owner without waiting: at open, the locks of prepared
        transactions (nobody else holds anything yet)."""
        with self._cond:
            for tag, mask in held:
                lk = self._locks.get(tag)
                if lk is None:
                    lk = self._locks[tag] = _Lock()
                lk.holders[owner] = lk.holders.get(owner, 0) | mask

    # ---- releasing ----
    def release(self, tag: Tag, owner: int, mode: int) -> None:
        with self._cond:
            self._release_locked(tag, owner, mode)

    def release_many(self, owner: int, held: Iterable[tuple[Tag, int]]) -> None:
        """Releases one grant of each mode in each (tag, mask)."""
        with self._cond:
            intents = self._intents
            for tag, mask in held:
                if intents.get(tag) == owner:
                    del intents[tag]
                    continue
                mode = 0
                while mask:
                    if mask & 1:
                        self._release_locked(tag, owner, mode)
                    mask >>= 1
                    mode += 1

    def _release_locked(self, tag: Tag, owner: int, mode: int) -> None:
        lk = self._locks.get(tag)
        if lk is None:
            if self._intents.get(tag) == owner:
                del self._intents[tag]
            return
        key = (tag, owner, mode)
        extra = self._counts.get(key)
        if extra:
            if extra == 1:
                del self._counts[key]
            else:
                self._counts[key] = extra - 1
            return
        held = lk.holders.get(owner)
        if held is None:
            return
        held &= ~(1 << mode)
        if held:
            lk.holders[owner] = held
        else:
            del lk.holders[owner]
        self._wake(tag, lk)

    # ---- deadlocks ----
    def _blockers(self, waiter: _Waiter) -> list[int]:
        lk = self._locks.get(waiter.tag)
        if lk is None:
            return []
        want = _conflicts(waiter.tag)[waiter.mode]
        out = [o for o, mask in lk.holders.items() if o != waiter.owner and mask & want]
        for w in lk.waiters:
            if w is waiter:
                break
            if w.owner != waiter.owner and (1 << w.mode) & want:
                out.append(w.owner)
        return out

    def _cycle_from(self, start: int) -> list[int]:
        """A waits-for cycle through start (owners in order), or []."""
        path: list[int] = [start]
        on_path = {start}
        done: set[int] = set()

        def visit(owner: int) -> bool:
            waiter = self._waiting.get(owner)
            if waiter is None:
                return False
            for nxt in self._blockers(waiter):
                if nxt == start:
                    return True
                if nxt in on_path or nxt in done:
                    continue
                path.append(nxt)
                on_path.add(nxt)
                if visit(nxt):
                    return True
                path.pop()
                on_path.discard(nxt)
                done.add(nxt)
            return False

        return path if visit(start) else []

    def _describe_cycle(self, cycle: list[int]) -> str:
        lines = []
        for i, owner in enumerate(cycle):
            nxt = cycle[(i + 1) % len(cycle)]
            waiter = self._waiting.get(owner)
            what = describe_tag(waiter.tag, waiter.mode) if waiter is not None else "a lock"
            lines.append(f"Process {owner} waits for {what}; blocked by process {nxt}.")
        return "\n".join(lines)

    # ---- information (pg_locks, pg_stat_activity) ----
    def waiting_tag(self, owner: int) -> Tag | None:
        waiter = self._waiting.get(owner)
        return waiter.tag if waiter is not None else None

    def blocking_owners(self, owner: int) -> list[int]:
        with self._cond:
            waiter = self._waiting.get(owner)
            return sorted(set(self._blockers(waiter))) if waiter is not None else []

    def entries(self) -> list[tuple[Tag, int, int, bool]]:
        """(tag, owner, mode, granted) for every held and awaited lock."""
        out: list[tuple[Tag, int, int, bool]] = []
        with self._cond:
            for tag, lk in self._locks.items():
                for owner, mask in lk.holders.items():
                    for mode in range(1, 9):
                        if mask & (1 << mode):
                            out.append((tag, owner, mode, True))
                for w in lk.waiters:
                    out.append((tag, w.owner, w.mode, False))
            for tag, owner in self._intents.items():
                out.append((tag, owner, ACCESS_EXCLUSIVE, True))
        return out


def describe_tag(tag: Tag, mode: int) -> str:
    if type(tag) is bytes:
        if tag[0] == _WRITE_INTENT:
            return "ShareLock on transaction"
        return f"{ROW_MODE_NAMES[mode]} lock on tuple"
    kind = tag[0]
    name = TABLE_MODE_NAMES[mode]
    if kind == "rel":
        return f"{name} on relation {tag[1]}"
    if kind == "adv":
        return f"{name} on advisory lock [{tag[1]},{tag[2]},{tag[3]}]"
    return f"{name} on object {tag[1:]}"


def wait_event_name(tag: Tag) -> str:
    """pg_stat_activity.wait_event of a session waiting for tag (wait_event_type 'Lock')."""
    if type(tag) is bytes:
        return "transactionid"  # PostgreSQL waits for the holder's transaction to end
    return {"rel": "relation", "adv": "advisory", "obj": "object"}.get(tag[0], "transactionid")


def mode_name(tag: Tag, mode: int) -> str:
    if type(tag) is bytes and tag[0] != _WRITE_INTENT:
        return ROW_MODE_NAMES[mode]
    return TABLE_MODE_NAMES[mode]


__all__ = ["ACCESS_EXCLUSIVE", "NOWAIT", "SKIP_LOCKED", "WAIT", "LockManager", "describe_tag", "mode_name",
           "wait_event_name", "write_intent_tag"]
