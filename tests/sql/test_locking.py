"""Row locks, relation locks, advisory locks, per-relation DDL locks, READ COMMITTED
re-checks, SERIALIZABLE and temporary tables, embedded (two connections, threads).
The same behaviours are compared with PostgreSQL 15 step by step in tests/isolation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import orbitdb


def conn(path: str, autocommit: bool = True) -> orbitdb.Connection:
    c = orbitdb.connect(path)
    c.autocommit = autocommit
    return c


@pytest.fixture
def path(tmp_path: Path) -> str:
    p = str(tmp_path / "db")
    c = conn(p)
    cur = c.cursor()
    cur.execute("CREATE TABLE acct (id int PRIMARY KEY, bal int NOT NULL)")
    cur.execute("INSERT INTO acct VALUES (1, 100), (2, 100), (3, 100)")
    cur.execute("CREATE TABLE other (id int PRIMARY KEY)")
    c.close()
    return p


class Background:
    """Runs one statement on a connection in a thread; tells whether it is blocked."""

    def __init__(self, con: orbitdb.Connection, sql: str, params: Any = None) -> None:
        self.result: Any = None
        self.error: orbitdb.Error | None = None
        self.cur = con.cursor()

        def run() -> None:
            try:
                self.cur.execute(sql, params)
                self.result = self.cur.fetchall() if self.cur.description else self.cur.rowcount
            except orbitdb.Error as e:
                self.error = e

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def blocked(self, wait: float = 0.3) -> bool:
        self.thread.join(wait)
        return self.thread.is_alive()

    def finish(self, timeout: float = 10.0) -> Any:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "statement still blocked"
        if self.error is not None:
            raise self.error
        return self.result


def one(con: orbitdb.Connection, sql: str, params: Any = None) -> Any:
    cur = con.cursor()
    cur.execute(sql, params)
    return cur.fetchall() if cur.description else cur.rowcount


def test_read_committed_update_follows_the_newest_version(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "BEGIN")
    one(a, "UPDATE acct SET bal = bal + 10 WHERE id = 1")
    bg = Background(b, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
    assert bg.blocked()
    one(a, "COMMIT")
    assert bg.finish() == 1
    assert one(a, "SELECT bal FROM acct WHERE id = 1") == [(111,)]


def test_read_committed_skips_a_row_that_stopped_matching(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "BEGIN")
    one(a, "UPDATE acct SET bal = 0 WHERE id = 2")
    bg = Background(b, "UPDATE acct SET bal = bal + 1 WHERE bal = 100")
    assert bg.blocked()
    one(a, "COMMIT")
    assert bg.finish() == 2  # rows 1 and 3; row 2 no longer matches
    assert one(a, "SELECT id, bal FROM acct ORDER BY id") == [(1, 101), (2, 0), (3, 101)]


def test_repeatable_read_update_of_a_changed_row_is_40001(path: str) -> None:
    a, b = conn(path), conn(path)
    one(b, "BEGIN ISOLATION LEVEL REPEATABLE READ")
    assert one(b, "SELECT bal FROM acct WHERE id = 1") == [(100,)]
    one(a, "UPDATE acct SET bal = 5 WHERE id = 1")
    with pytest.raises(orbitdb.Error) as e:
        one(b, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
    assert e.value.sqlstate == "40001"
    one(b, "ROLLBACK")


def test_concurrent_increments_lose_nothing(path: str) -> None:
    def worker() -> None:
        c = conn(path, autocommit=False)
        for _ in range(150):
            one(c, "UPDATE acct SET bal = bal + 1 WHERE id = 3")
            c.commit()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert one(conn(path), "SELECT bal FROM acct WHERE id = 3") == [(100 + 4 * 150,)]


def test_select_for_update_blocks_writers_and_nowait_fails(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "BEGIN")
    assert one(a, "SELECT bal FROM acct WHERE id = 1 FOR UPDATE") == [(100,)]
    with pytest.raises(orbitdb.Error) as e:
        one(b, "SELECT * FROM acct WHERE id = 1 FOR UPDATE NOWAIT")
    assert e.value.sqlstate == "55P03"
    assert one(b, "SELECT bal FROM acct WHERE id = 1") == [(100,)]  # plain reads never wait
    bg = Background(b, "UPDATE acct SET bal = 7 WHERE id = 1")
    assert bg.blocked()
    one(a, "COMMIT")
    assert bg.finish() == 1


def test_for_share_and_for_key_share_conflicts(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "BEGIN")
    one(a, "SELECT * FROM acct WHERE id = 1 FOR KEY SHARE")
    one(b, "BEGIN")
    assert one(b, "UPDATE acct SET bal = 1 WHERE id = 1") == 1  # a non-key update: no conflict
    one(b, "COMMIT")
    bg = Background(b, "DELETE FROM acct WHERE id = 1")  # needs FOR UPDATE: waits
    assert bg.blocked()
    one(a, "COMMIT")
    assert bg.finish() == 1


def test_skip_locked_hands_each_job_to_one_worker(path: str) -> None:
    c = conn(path)
    one(c, "CREATE TABLE jobs (id int PRIMARY KEY, taken_by text)")
    one(c, "INSERT INTO jobs SELECT g, NULL FROM generate_series(1, 40) g")
    taken: list[int] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        w = conn(path, autocommit=False)
        while True:
            rows = one(w, "SELECT id FROM jobs WHERE taken_by IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED")
            if not rows:
                w.commit()
                return
            one(w, "UPDATE jobs SET taken_by = %s WHERE id = %s", (name, rows[0][0]))
            time.sleep(0.001)
            w.commit()
            with lock:
                taken.append(rows[0][0])

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(taken) == list(range(1, 41))
    assert one(c, "SELECT count(*) FROM jobs WHERE taken_by IS NULL") == [(0,)]


def test_for_update_is_refused_with_aggregates(path: str) -> None:
    with pytest.raises(orbitdb.Error) as e:
        one(conn(path), "SELECT count(*) FROM acct FOR UPDATE")
    assert e.value.sqlstate == "0A000"


def test_lock_table_modes(path: str) -> None:
    a, b = conn(path), conn(path)
    with pytest.raises(orbitdb.Error) as e:
        one(a, "LOCK TABLE acct")
    assert e.value.sqlstate == "25P01"
    one(a, "BEGIN")
    one(a, "LOCK TABLE acct IN SHARE MODE")
    assert one(b, "SELECT count(*) FROM acct") == [(3,)]  # SHARE lets readers in
    one(b, "BEGIN")
    with pytest.raises(orbitdb.Error) as e:
        one(b, "LOCK TABLE acct IN ROW EXCLUSIVE MODE NOWAIT")
    assert e.value.sqlstate == "55P03"
    one(b, "ROLLBACK")
    bg = Background(b, "UPDATE acct SET bal = 0 WHERE id = 2")  # ROW EXCLUSIVE waits for SHARE
    assert bg.blocked()
    one(a, "COMMIT")
    assert bg.finish() == 1
    one(a, "BEGIN")
    one(a, "LOCK acct")  # ACCESS EXCLUSIVE: even readers wait
    bg = Background(b, "SELECT count(*) FROM acct")
    assert bg.blocked()
    one(a, "ROLLBACK")
    assert bg.finish() == [(3,)]


def test_advisory_locks(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "SELECT pg_advisory_lock(42)")
    assert one(b, "SELECT pg_try_advisory_lock(42)") == [(False,)]
    bg = Background(b, "SELECT pg_advisory_lock(42)")
    assert bg.blocked()
    assert one(a, "SELECT pg_advisory_unlock(42)") == [(True,)]
    bg.finish()
    assert one(a, "SELECT pg_advisory_unlock(42)") == [(False,)]  # not ours
    one(b, "SELECT pg_advisory_unlock_all()")
    assert one(a, "SELECT pg_try_advisory_lock_shared(1, 2)") == [(True,)]
    assert one(b, "SELECT pg_try_advisory_lock_shared(1, 2)") == [(True,)]
    assert one(b, "SELECT pg_try_advisory_lock(1, 2)") == [(False,)]
    one(a, "BEGIN")
    one(a, "SELECT pg_advisory_xact_lock(7)")
    assert one(b, "SELECT pg_try_advisory_xact_lock(7)") == [(False,)]
    one(a, "COMMIT")
    assert one(b, "SELECT pg_try_advisory_xact_lock(7)") == [(True,)]


def test_advisory_locks_go_with_their_connection(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "SELECT pg_advisory_lock(5)")
    a.close()
    assert one(b, "SELECT pg_try_advisory_lock(5)") == [(True,)]


def test_ddl_on_one_table_does_not_wait_for_work_on_another(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "BEGIN")
    one(a, "UPDATE acct SET bal = 1 WHERE id = 1")
    done: list[Any] = []
    t = threading.Thread(target=lambda: done.append(one(b, "ALTER TABLE other ADD COLUMN note text")))
    t.start()
    t.join(5)
    assert len(done) == 1, "ALTER TABLE other waited for a transaction on acct"
    bg = Background(b, "ALTER TABLE acct ADD COLUMN note text")  # waits for the writer of acct
    assert bg.blocked()
    one(a, "COMMIT")
    bg.finish()
    assert one(a, "SELECT note FROM acct WHERE id = 1") == [(None,)]


def test_concurrent_ddl_on_two_tables_both_survive(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "BEGIN")
    one(b, "BEGIN")
    one(a, "CREATE TABLE fresh_a (x int)")
    one(b, "ALTER TABLE other ADD COLUMN y int")
    one(a, "COMMIT")
    one(b, "COMMIT")
    c = conn(path)
    assert one(c, "SELECT count(*) FROM fresh_a") == [(0,)]
    assert one(c, "SELECT y FROM other") == []
    assert one(c, "SELECT attname FROM pg_attribute WHERE attrelid = 'other'::regclass AND attnum > 0") == [
        ("id",), ("y",)]


def test_concurrent_create_of_the_same_name_waits_then_fails(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "BEGIN")
    one(a, "CREATE TABLE dup (x int)")
    bg = Background(b, "CREATE TABLE dup (y int)")
    assert bg.blocked()
    one(a, "COMMIT")
    with pytest.raises(orbitdb.Error) as e:
        bg.finish()
    assert e.value.sqlstate == "42P07"


def test_deadlock_victim_is_the_first_waiter(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "SET deadlock_timeout = '100ms'")
    one(a, "BEGIN")
    one(b, "BEGIN")
    one(a, "UPDATE acct SET bal = 1 WHERE id = 1")
    one(b, "UPDATE acct SET bal = 2 WHERE id = 2")
    first = Background(a, "UPDATE acct SET bal = 1 WHERE id = 2")
    assert first.blocked(0.05)
    second = Background(b, "UPDATE acct SET bal = 2 WHERE id = 1")
    with pytest.raises(orbitdb.Error) as e:
        first.finish()
    assert e.value.sqlstate == "40P01"
    assert second.finish() == 1  # the victim's locks went with its error
    one(a, "ROLLBACK")
    one(b, "COMMIT")


def test_lock_timeout_and_statement_timeout_while_waiting(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "BEGIN")
    one(a, "UPDATE acct SET bal = 0 WHERE id = 1")
    one(b, "SET lock_timeout = '100ms'")
    with pytest.raises(orbitdb.Error) as e:
        one(b, "UPDATE acct SET bal = 5 WHERE id = 1")
    assert e.value.sqlstate == "55P03"
    one(b, "SET lock_timeout = 0")
    one(b, "SET statement_timeout = '100ms'")
    with pytest.raises(orbitdb.Error) as e:
        one(b, "UPDATE acct SET bal = 5 WHERE id = 1")
    assert e.value.sqlstate == "57014"
    one(a, "ROLLBACK")


def _run_pair(path: str, isolation: str, body: Callable[[orbitdb.Connection, int], None]) -> list[str]:
    """Two write-skew transactions interleaved: both read, then both write, then commit."""
    a, b = conn(path), conn(path)
    outcomes = []
    for c in (a, b):
        one(c, f"BEGIN ISOLATION LEVEL {isolation}")
    for i, c in enumerate((a, b)):
        body(c, i + 1)
    for c in (a, b):
        try:
            one(c, "COMMIT")
            outcomes.append("ok")
        except orbitdb.Error as e:
            outcomes.append(e.sqlstate or "")
            one(c, "ROLLBACK")
    return outcomes


def test_write_skew_commits_under_repeatable_read_and_fails_under_serializable(path: str) -> None:
    setup = conn(path)
    one(setup, "CREATE TABLE doctors (name text PRIMARY KEY, on_call bool)")

    def reset() -> None:
        one(setup, "DELETE FROM doctors")
        one(setup, "INSERT INTO doctors VALUES ('alice', true), ('bob', true)")

    def takes_off(c: orbitdb.Connection, i: int) -> None:
        if one(c, "SELECT count(*) FROM doctors WHERE on_call")[0][0] >= 2:
            one(c, "UPDATE doctors SET on_call = false WHERE name = %s", ("alice" if i == 1 else "bob",))

    reset()
    assert _run_pair(path, "REPEATABLE READ", takes_off) == ["ok", "ok"]
    assert one(setup, "SELECT count(*) FROM doctors WHERE on_call") == [(0,)]
    reset()
    assert _run_pair(path, "SERIALIZABLE", takes_off) == ["ok", "40001"]
    assert one(setup, "SELECT count(*) FROM doctors WHERE on_call") == [(1,)]


def test_serializable_phantom_insert_fails(path: str) -> None:
    setup = conn(path)
    one(setup, "CREATE TABLE shifts (day int, who text)")

    def add_if_empty(c: orbitdb.Connection, i: int) -> None:
        if one(c, "SELECT count(*) FROM shifts WHERE day = 1") == [(0,)]:
            one(c, "INSERT INTO shifts VALUES (1, %s)", (f"w{i}",))

    assert _run_pair(path, "SERIALIZABLE", add_if_empty) == ["ok", "40001"]
    assert one(setup, "SELECT count(*) FROM shifts") == [(1,)]


def test_temporary_tables_are_private(path: str) -> None:
    a, b = conn(path), conn(path)
    one(a, "CREATE TEMP TABLE acct (x text)")  # hides the permanent one for this session only
    one(a, "INSERT INTO acct VALUES ('mine')")
    assert one(a, "SELECT * FROM acct") == [("mine",)]
    assert one(b, "SELECT count(*) FROM acct") == [(3,)]
    one(b, "CREATE TEMP TABLE acct (y int)")  # the same name in another session is its own
    assert one(b, "SELECT * FROM acct") == []
    one(a, "BEGIN")
    one(a, "CREATE TEMP TABLE gone (x int) ON COMMIT DROP")
    one(a, "COMMIT")
    with pytest.raises(orbitdb.Error):
        one(a, "SELECT * FROM gone")
    a.close()
    assert one(b, "SELECT count(*) FROM pg_class WHERE relname = 'acct'") == [(2,)]  # b's and the permanent

