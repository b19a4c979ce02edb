"""Autocommitted reads see whole commits. An autocommitted statement takes its snapshot only once
its locks are held, and none at all when it reads once (a primary-key lookup): this checks that
every statement whose read spans several engine calls (an index scan and the row reads behind
it, a UNION of two lookups, a join, a scalar subquery, a table scan) still sees each concurrent
commit whole or not at all.

Writer threads move money between accounts of the same group in transactions of two updates; reader
threads, each with its own connection in autocommit mode, check sums that no committed state can
change: a group's total (through the index on grp), the pair's total (the two accounts of group 0,
read by two lookups in one statement), the grand total. A torn read shows up as another sum."""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import orbitdb

GROUPS = 4  # group 0 is the pair: accounts 0 and 1; groups 1.. hold MEMBERS accounts each
MEMBERS = 300  # an index lookup of a group reads its rows in several engine calls (8, 32, 128, ...)
START = 1000
WRITERS = 3
READERS = 2
READS_EACH = 1500


def accounts() -> list[tuple[int, int]]:
    """(id, grp) of every account."""
    rows = [(0, 0), (1, 0)]
    for g in range(1, GROUPS):
        rows.extend((2 + (g - 1) * MEMBERS + i, g) for i in range(MEMBERS))
    return rows


def group_members() -> dict[int, list[int]]:
    members: dict[int, list[int]] = {}
    for account, g in accounts():
        members.setdefault(g, []).append(account)
    return members


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Threads switch often, so that commits land between a reader's engine calls."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    yield
    sys.setswitchinterval(before)


def connect(path: str) -> Any:
    conn = orbitdb.connect(path)
    conn.autocommit = True
    return conn


def writer(path: str, seed: int, stop: threading.Event, done: list[int], errors: list[str]) -> None:
    rng = random.Random(seed)
    members = group_members()
    conn = connect(path)
    cur = conn.cursor()
    cur.execute("SET synchronous_commit = off")  # many commits while the readers read
    try:
        while True:  # at least one transfer, then until the readers are done
            g = 0 if rng.random() < 0.5 else rng.randrange(1, GROUPS)
            src, dst = rng.sample(members[g], 2)
            amount = rng.randrange(1, 50)
            for attempt in range(20):
                try:
                    cur.execute("BEGIN")
                    # the lower id first: two writers of the same pair wait, never deadlock
                    for account, delta in sorted([(src, -amount), (dst, amount)]):
                        cur.execute("UPDATE acct SET bal = bal + %s WHERE id = %s", (delta, account))
                    cur.execute("COMMIT")
                    done.append(1)
                    break
                except orbitdb.Error as e:  # not expected: reported if it keeps happening
                    cur.execute("ROLLBACK")
                    if attempt == 19:
                        errors.append(f"writer gave up: {e}")
            if stop.is_set():
                break
    except Exception as e:  # noqa: BLE001 - reported by the test
        errors.append(f"writer failed: {e!r}")
    finally:
        conn.close()


def reads(members: dict[int, list[int]]) -> list[tuple[str, Callable[[random.Random], tuple[str, tuple[Any, ...]]], int | None]]:
    """(name, a statement and its parameters, the sum it must give; None: by group)."""
    pair = members[0]
    return [
        ("group through its index", lambda rng: ("SELECT sum(bal), count(*) FROM acct WHERE grp = %s",
                                                  (rng.randrange(1, GROUPS),)), None),
        ("pair by UNION ALL of two lookups", lambda rng: (
            ("SELECT sum(b) FROM (SELECT bal AS b FROM acct WHERE id = %s UNION ALL "
             "SELECT bal FROM acct WHERE id = %s) s"), tuple(pair)), 2 * START),
        ("pair by a join of two lookups", lambda rng: (
            "SELECT x.bal + y.bal FROM acct x, acct y WHERE x.id = %s AND y.id = %s", tuple(pair)), 2 * START),
        ("pair by a scalar subquery", lambda rng: (
            "SELECT bal + (SELECT bal FROM acct WHERE id = %s) FROM acct WHERE id = %s", tuple(pair)), 2 * START),
        ("everything by a table scan", lambda rng: ("SELECT sum(bal) FROM acct", ()), len(accounts()) * START),
    ]


def reader(path: str, seed: int, seen: dict[str, int], torn: list[str]) -> None:
    rng = random.Random(seed)
    members = group_members()
    checks = reads(members)
    conn = connect(path)
    cur = conn.cursor()
    try:
        for _ in range(READS_EACH):
            name, make, want = rng.choice(checks)
            sql, params = make(rng)
            row = cur.execute(sql, params).fetchone()
            got = row[0]
            if want is None:
                want = row[1] * START
                if row[1] != MEMBERS:
                    torn.append(f"{name}: {row[1]} rows")
            if got != want:
                torn.append(f"{name}: sum {got}, not {want}")
            seen[name] = seen.get(name, 0) + 1
            time.sleep(0)  # the writers get the GIL between reads (a read itself may be interleaved)
    except Exception as e:  # noqa: BLE001 - reported by the test
        torn.append(f"reader failed: {e!r}")
    finally:
        conn.close()


def test_autocommit_reads_never_see_half_a_commit(tmp_path: Path, fast_switching: None) -> None:
    path = str(tmp_path / "db")
    setup = connect(path)
    cur = setup.cursor()
    cur.execute("CREATE TABLE acct (id integer PRIMARY KEY, grp integer NOT NULL, bal integer NOT NULL)")
    cur.execute("CREATE INDEX acct_grp ON acct (grp)")
    cur.execute("BEGIN")
    cur.executemany("INSERT INTO acct VALUES (%s, %s, %s)", [(a, g, START) for a, g in accounts()])
    cur.execute("COMMIT")
    # the statements are what this test means them to be: several engine calls each
    plans = {name: "\n".join(r[0] for r in cur.execute("EXPLAIN " + make(random.Random(0))[0],
                                                           make(random.Random(0))[1]).fetchall())
             for name, make, _ in reads(group_members())}
    assert "Index Scan using acct_grp" in plans["group through its index"]
    assert plans["pair by a join of two lookups"].count("Index Scan using acct_pkey") == 2

    stop = threading.Event()
    errors: list[str] = []
    torn: list[str] = []
    seen: dict[str, int] = {}
    done: list[int] = []
    writers = [threading.Thread(target=writer, args=(path, i, stop, done, errors)) for i in range(WRITERS)]
    readers = [threading.Thread(target=reader, args=(path, 100 + i, seen, torn)) for i in range(READERS)]
    for t in writers + readers:
        t.start()
    for t in readers:
        t.join()
    stop.set()
    for t in writers:
        t.join()

    assert not errors, errors
    assert not torn, f"{len(torn)} torn reads, first: {torn[:5]}"
    assert set(seen) == {name for name, _, _ in reads(group_members())}, seen
    for g, ids in group_members().items():
        total = cur.execute("SELECT sum(bal) FROM acct WHERE grp = %s", (g,)).fetchone()[0]
        assert total == len(ids) * START
    assert len(done) >= WRITERS  # each writer commits at least one transfer
    changed = cur.execute("SELECT count(*) FROM acct WHERE bal <> %s", (START,)).fetchone()[0]
    assert changed > 0  # the writers moved money
    setup.close()
