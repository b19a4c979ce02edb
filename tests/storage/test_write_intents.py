"""Write intents in the lock manager: one dict entry per key while nobody else asks for it,
turned into a full lock (with its queue and deadlock detection) when another owner does; a batch
of them granted in one call (acquire_free), the busy ones left to wait one by one."""

from __future__ import annotations

import threading
import time

from orbitdb.storage.lockmodes import ACCESS_EXCLUSIVE, FOR_UPDATE
from orbitdb.storage.locks import GRANTED, GRANTED_AFTER_WAIT, LockManager, write_intent_tag

A, B = 101, 202


def test_batch_grants_free_intents_and_names_the_busy_ones() -> None:
    locks = LockManager()
    mine = [write_intent_tag(bytes([i])) for i in range(5)]
    assert locks.acquire_free(mine[:3], A, ACCESS_EXCLUSIVE) == []
    assert not locks.is_free(mine[0])
    assert locks.acquire_free(mine, B, ACCESS_EXCLUSIVE) == mine[:3]  # B got the other two
    assert {(tag, owner) for tag, owner, mode, granted in locks.entries()} == {
        (t, A) for t in mine[:3]} | {(t, B) for t in mine[3:]}
    locks.release_many(A, [(t, 1 << ACCESS_EXCLUSIVE) for t in mine[:3]])
    locks.release_many(B, [(t, 1 << ACCESS_EXCLUSIVE) for t in mine[3:]])
    assert all(locks.is_free(t) for t in mine)
    assert locks.entries() == []


def test_a_second_owner_waits_for_an_intent_and_gets_it_at_release() -> None:
    locks = LockManager()
    tag = write_intent_tag(b"key")
    assert locks.acquire(tag, A, ACCESS_EXCLUSIVE) == GRANTED  # kept as a plain entry
    got: list[int] = []
    waiter = threading.Thread(target=lambda: got.append(locks.acquire(tag, B, ACCESS_EXCLUSIVE)))
    waiter.start()
    for _ in range(10_000):  # B queues behind A (the intent became a lock)
        if locks.waiting_tag(B) is not None:
            break
        time.sleep(0.001)
    assert locks.blocking_owners(B) == [A]
    locks.release(tag, A, ACCESS_EXCLUSIVE)
    waiter.join()
    assert got == [GRANTED_AFTER_WAIT]
    assert [(o, granted) for _, o, _, granted in locks.entries()] == [(B, True)]
    locks.release(tag, B, ACCESS_EXCLUSIVE)
    assert locks.is_free(tag)


def test_row_locks_are_not_intents() -> None:
    locks = LockManager()
    row = b"\x01rowkey"
    assert locks.acquire(row, A, FOR_UPDATE) == GRANTED
    assert locks.acquire_free([write_intent_tag(row)], A, ACCESS_EXCLUSIVE) == []
    assert len(locks.entries()) == 2
    locks.release(row, A, FOR_UPDATE)
    locks.release(write_intent_tag(row), A, ACCESS_EXCLUSIVE)
    assert locks.entries() == []
