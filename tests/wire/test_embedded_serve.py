"""con.serve(): the wire server inside the application's process, on the database it has open.

The application's connection (orbitdb.connect) and a psycopg2 session over a real socket are two
sessions of one database: each scenario runs the same steps with session A = the application's
connection and B = psycopg2 on con.serve()'s port, and again against a PostgreSQL 15 with A and B
two psycopg2 sessions; the transcripts (rows, row counts, SQLSTATEs and messages) must be equal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from reference_pg import reference_postgres

import orbitdb

Transcript = list[Any]
Scenario = Callable[[Any, Any, Callable[[], int]], Transcript]

WAIT_LIMIT = 30.0  # seconds a blocked statement may take to show up as waiting (a hang fails the test)


def run(con: Any, sql: str) -> Any:
    """What a statement gives: its rows, its row count, or its error as (SQLSTATE, message); an
    error rolls the transaction back, as an application would."""
    cur = con.cursor()
    try:
        cur.execute(sql)
        return cur.fetchall() if cur.description is not None else cur.rowcount
    except (orbitdb.Error, psycopg2.Error) as e:
        con.rollback()
        message = e.diag.message_primary if isinstance(e, psycopg2.Error) else str(e)
        return ("error", e.pgcode, message)


class Blocked:
    """A statement run on its own thread because it is expected to wait for a lock."""

    def __init__(self, con: Any, sql: str, waiting: Callable[[], int]) -> None:
        self.result: Any = None
        self.thread = threading.Thread(target=self._run, args=(con, sql), daemon=True)
        self.thread.start()
        deadline = time.monotonic() + WAIT_LIMIT
        while waiting() == 0:  # the server says it waits for a lock
            assert self.thread.is_alive(), f"did not wait for the lock: {self.result}"
            assert time.monotonic() < deadline, "the statement never waited for a lock"
            time.sleep(0.02)

    def _run(self, con: Any, sql: str) -> None:
        self.result = run(con, sql)

    def finish(self) -> Any:
        self.thread.join(WAIT_LIMIT)
        assert not self.thread.is_alive(), "the waiting statement did not end after the lock was freed"
        return self.result


def read_committed(a: Any, b: Any, waiting: Callable[[], int]) -> Transcript:
    out = [run(a, "SELECT n FROM acct WHERE id = 1")]
    out.append(run(b, "UPDATE acct SET n = 10 WHERE id = 1"))
    out.append(run(a, "SELECT n FROM acct WHERE id = 1"))  # B has not committed: old value
    b.commit()
    out.append(run(a, "SELECT n FROM acct WHERE id = 1"))  # read committed: B's commit is seen now
    out.append(run(a, "INSERT INTO acct VALUES (3, 30)"))
    out.append(run(b, "SELECT id, n FROM acct ORDER BY id"))
    a.commit()
    out.append(run(b, "SELECT id, n FROM acct ORDER BY id"))
    b.commit()
    return out


def repeatable_read(a: Any, b: Any, waiting: Callable[[], int]) -> Transcript:
    out = [run(a, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")]
    out.append(run(a, "SELECT n FROM acct WHERE id = 1"))
    out.append(run(b, "UPDATE acct SET n = n + 5 WHERE id = 1"))
    out.append(run(b, "INSERT INTO acct VALUES (4, 40)"))
    b.commit()
    out.append(run(a, "SELECT id, n FROM acct ORDER BY id"))  # A's snapshot: neither change
    a.commit()
    out.append(run(a, "SELECT id, n FROM acct ORDER BY id"))  # a new transaction sees both
    a.commit()
    return out


def write_write_conflict(a: Any, b: Any, waiting: Callable[[], int]) -> Transcript:
    """A repeatable-read update of a row that another session changed and committed after A's
    snapshot: 40001, as PostgreSQL 15 says it."""
    out = [run(b, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")]
    out.append(run(b, "SELECT n FROM acct WHERE id = 2"))
    out.append(run(a, "UPDATE acct SET n = 21 WHERE id = 2"))
    a.commit()
    out.append(run(b, "UPDATE acct SET n = 22 WHERE id = 2"))
    b.rollback()
    out.append(run(a, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
    out.append(run(a, "SELECT n FROM acct WHERE id = 2"))
    out.append(run(b, "UPDATE acct SET n = 23 WHERE id = 2"))
    b.commit()
    out.append(run(a, "DELETE FROM acct WHERE id = 2"))
    a.rollback()
    out.append(run(a, "SELECT n FROM acct WHERE id = 2"))
    a.commit()
    return out


def blocked_writer_then_conflict(a: Any, b: Any, waiting: Callable[[], int]) -> Transcript:
    """B (repeatable read) waits for A's row lock; A commits: B fails with 40001. Then the other
    way round in read committed: A waits for B, B commits, A's update applies to B's row."""
    out = [run(b, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")]
    out.append(run(b, "SELECT n FROM acct WHERE id = 1"))
    out.append(run(a, "UPDATE acct SET n = n + 1 WHERE id = 1"))
    waiter = Blocked(b, "UPDATE acct SET n = n + 100 WHERE id = 1", waiting)
    a.commit()
    out.append(waiter.finish())
    b.rollback()
    out.append(run(b, "UPDATE acct SET n = n * 2 WHERE id = 1"))
    waiter = Blocked(a, "UPDATE acct SET n = n + 1 WHERE id = 1 RETURNING n", waiting)
    b.commit()
    out.append(waiter.finish())
    a.commit()
    out.append(run(b, "SELECT n FROM acct WHERE id = 1"))
    b.commit()
    return out


def row_lock_nowait(a: Any, b: Any, waiting: Callable[[], int]) -> Transcript:
    out = [run(a, "SELECT n FROM acct WHERE id = 1 FOR UPDATE")]
    out.append(run(b, "SELECT n FROM acct WHERE id = 1 FOR UPDATE NOWAIT"))
    out.append(run(b, "SELECT n FROM acct WHERE id = 2 FOR UPDATE NOWAIT"))  # another row: free
    out.append(run(b, "SELECT id FROM acct ORDER BY id FOR UPDATE SKIP LOCKED"))
    b.commit()
    out.append(run(b, "SELECT n FROM acct WHERE id = 1 FOR SHARE NOWAIT"))
    b.rollback()
    a.commit()
    out.append(run(b, "SELECT n FROM acct WHERE id = 1 FOR UPDATE NOWAIT"))  # A committed: free
    out.append(run(a, "SELECT n FROM acct WHERE id = 1 FOR SHARE NOWAIT"))  # B holds it now
    b.commit()
    out.append(run(a, "SELECT n FROM acct WHERE id = 1 FOR UPDATE NOWAIT"))
    a.commit()
    return out


def unique_conflict_waits(a: Any, b: Any, waiting: Callable[[], int]) -> Transcript:
    """Two sessions insert the same key: the second waits for the first, then fails (23505) when
    it commits, or goes ahead when it rolls back."""
    out = [run(a, "INSERT INTO acct VALUES (7, 70)")]
    waiter = Blocked(b, "INSERT INTO acct VALUES (7, 71)", waiting)
    a.commit()
    out.append(waiter.finish())
    b.rollback()
    out.append(run(b, "INSERT INTO acct VALUES (8, 80)"))
    waiter = Blocked(a, "INSERT INTO acct VALUES (8, 81)", waiting)
    b.rollback()
    out.append(waiter.finish())
    a.commit()
    out.append(run(b, "SELECT id, n FROM acct WHERE id > 6 ORDER BY id"))
    b.commit()
    return out


SCENARIOS: list[Scenario] = [read_committed, repeatable_read, write_write_conflict,
                             blocked_writer_then_conflict, row_lock_nowait, unique_conflict_waits]

SETUP = ["CREATE TABLE acct (id int PRIMARY KEY, n int NOT NULL)", "INSERT INTO acct VALUES (1, 1), (2, 2)"]


def lock_waiters(con: Any) -> Callable[[], int]:
    def count() -> int:
        cur = con.cursor()
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return int(cur.fetchone()[0])

    return count


def on_postgres(dsn: str, scenario: Scenario) -> Transcript:
    setup = psycopg2.connect(dsn)
    setup.autocommit = True
    cur = setup.cursor()
    cur.execute("DROP TABLE IF EXISTS acct")
    for sql in SETUP:
        cur.execute(sql)
    a, b = psycopg2.connect(dsn), psycopg2.connect(dsn)
    try:
        return scenario(a, b, lock_waiters(setup))
    finally:
        a.close()
        b.close()
        setup.close()


def on_orbitdb(path: Path, scenario: Scenario) -> Transcript:
    a = orbitdb.connect(path)
    try:
        for sql in SETUP:
            a.execute(sql)
        a.commit()
        with a.serve(port=0) as server:
            dsn = f"host=127.0.0.1 port={server.port} user=orbit dbname=actors"
            b, observer = psycopg2.connect(dsn), psycopg2.connect(dsn)
            observer.autocommit = True
            try:
                return scenario(a, b, lock_waiters(observer))
            finally:
                b.close()
                observer.close()
    finally:
        a.close()


@pytest.fixture(scope="module")
def postgres_transcripts() -> Iterator[dict[str, Transcript] | None]:
    with reference_postgres() as dsn:
        if dsn is None:
            yield None
            return
        yield {s.__name__: on_postgres(dsn, s) for s in SCENARIOS}


# What PostgreSQL 15 answers (checked against it when it can be started here).
EXPECTED_ERRORS = {
    "write_write_conflict": [("error", "40001", "could not serialize access due to concurrent update")] * 2,
    "blocked_writer_then_conflict": [("error", "40001", "could not serialize access due to concurrent update")],
    "row_lock_nowait": [("error", "55P03", 'could not obtain lock on row in relation "acct"')] * 3,
    "unique_conflict_waits": [("error", "23505", 'duplicate key value violates unique constraint "acct_pkey"')],
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_two_faces_are_two_postgres_sessions(scenario: Scenario, tmp_path: Path,
                                            postgres_transcripts: dict[str, Transcript] | None) -> None:
    got = on_orbitdb(tmp_path / "db", scenario)
    errors = [step for step in got if isinstance(step, tuple) and step and step[0] == "error"]
    assert errors == EXPECTED_ERRORS.get(scenario.__name__, [])
    if postgres_transcripts is not None:
        assert got == postgres_transcripts[scenario.__name__]


def test_transcripts_as_postgres_says(postgres_transcripts: dict[str, Transcript] | None) -> None:
    """The expectations above are PostgreSQL 15's own answers."""
    if postgres_transcripts is None:
        pytest.skip("no PostgreSQL 15 could be started here")
    for name, transcript in postgres_transcripts.items():
        errors = [step for step in transcript if isinstance(step, tuple) and step and step[0] == "error"]
        assert errors == EXPECTED_ERRORS.get(name, []), name
