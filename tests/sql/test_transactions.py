"""Transactions: blocks, savepoints, transactional DDL, isolation levels and
the PostgreSQL outcome of conflicting writers in two connections."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import orbitdb


@pytest.fixture
def path(tmp_path: Path) -> str:
    p = str(tmp_path / "db")
    c = orbitdb.connect(p)
    c.autocommit = True
    c.cursor().execute("CREATE TABLE acct (id int PRIMARY KEY, bal int NOT NULL)")
    c.cursor().execute("INSERT INTO acct VALUES (1, 100), (2, 200)")
    c.close()
    return p


def conn(path: str, autocommit: bool = True) -> orbitdb.Connection:
    c = orbitdb.connect(path)
    c.autocommit = autocommit
    return c


def scalar(c: orbitdb.Connection, sql: str) -> object:
    cur = c.cursor()
    cur.execute(sql)
    row = cur.fetchone()
    return row[0] if row else None


def test_savepoints(path: str) -> None:
    c = conn(path)
    cur = c.cursor()
    for sql in ["BEGIN", "INSERT INTO acct VALUES (3, 1)", "SAVEPOINT a", "INSERT INTO acct VALUES (4, 1)",
                "ROLLBACK TO SAVEPOINT a", "INSERT INTO acct VALUES (5, 1)", "RELEASE a", "COMMIT"]:
        cur.execute(sql)
    cur.execute("SELECT id FROM acct ORDER BY id")
    assert cur.fetchall() == [(1,), (2,), (3,), (5,)]


def test_savepoint_recovers_failed_transaction(path: str) -> None:
    c = conn(path)
    cur = c.cursor()
    cur.execute("BEGIN")
    cur.execute("SAVEPOINT s")
    with pytest.raises(orbitdb.IntegrityError):
        cur.execute("INSERT INTO acct VALUES (1, 0)")
    with pytest.raises(orbitdb.InternalError) as e:
        cur.execute("SELECT 1")
    assert e.value.sqlstate == "25P02"
    cur.execute("ROLLBACK TO s")
    cur.execute("INSERT INTO acct VALUES (6, 6)")
    cur.execute("COMMIT")
    assert scalar(c, "SELECT count(*) FROM acct") == 3


def test_commit_of_failed_transaction_rolls_back(path: str) -> None:
    c = conn(path)
    cur = c.cursor()
    cur.execute("BEGIN")
    cur.execute("INSERT INTO acct VALUES (7, 7)")
    with pytest.raises(orbitdb.DataError):
        cur.execute("SELECT 1/0")
    cur.execute("COMMIT")
    assert cur.statusmessage == "ROLLBACK"
    assert scalar(c, "SELECT count(*) FROM acct WHERE id = 7") == 0


def test_ddl_is_transactional(path: str) -> None:
    c = conn(path)
    cur = c.cursor()
    cur.execute("BEGIN")
    cur.execute("CREATE TABLE tmp (a int)")
    cur.execute("INSERT INTO tmp VALUES (1)")
    cur.execute("DROP TABLE acct")
    cur.execute("ROLLBACK")
    with pytest.raises(orbitdb.ProgrammingError):
        cur.execute("SELECT * FROM tmp")
    assert scalar(c, "SELECT count(*) FROM acct") == 2


def test_read_committed_sees_new_commits(path: str) -> None:
    a, b = conn(path), conn(path)
    ca, cb = a.cursor(), b.cursor()
    cb.execute("BEGIN")
    assert scalar(b, "SELECT bal FROM acct WHERE id = 1") == 100
    ca.execute("UPDATE acct SET bal = 150 WHERE id = 1")
    assert scalar(b, "SELECT bal FROM acct WHERE id = 1") == 150  # a new snapshot per statement
    cb.execute("COMMIT")


def test_repeatable_read_keeps_snapshot(path: str) -> None:
    a, b = conn(path), conn(path)
    cb = b.cursor()
    cb.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    assert scalar(b, "SELECT bal FROM acct WHERE id = 1") == 100
    a.cursor().execute("UPDATE acct SET bal = 150 WHERE id = 1")
    assert scalar(b, "SELECT bal FROM acct WHERE id = 1") == 100
    assert scalar(b, "SHOW transaction_isolation") == "repeatable read"
    cb.execute("COMMIT")
    assert scalar(b, "SELECT bal FROM acct WHERE id = 1") == 150


def test_repeatable_read_write_conflict_is_40001(path: str) -> None:
    a, b = conn(path), conn(path)
    cb = b.cursor()
    cb.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    scalar(b, "SELECT bal FROM acct WHERE id = 1")
    a.cursor().execute("UPDATE acct SET bal = bal + 1 WHERE id = 1")
    with pytest.raises(orbitdb.TransactionRollbackError) as e:
        cb.execute("UPDATE acct SET bal = bal + 10 WHERE id = 1")
    assert e.value.sqlstate == "40001"
    cb.execute("ROLLBACK")
    assert scalar(a, "SELECT bal FROM acct WHERE id = 1") == 101


def test_read_committed_update_waits_and_applies_on_new_row(path: str) -> None:
    a, b = conn(path), conn(path)
    ca = a.cursor()
    ca.execute("BEGIN")
    ca.execute("UPDATE acct SET bal = bal + 1 WHERE id = 1")
    done: list[object] = []

    def other() -> None:
        cur = b.cursor()
        cur.execute("UPDATE acct SET bal = bal + 10 WHERE id = 1")
        done.append(cur.rowcount)

    t = threading.Thread(target=other)
    t.start()
    time.sleep(0.3)
    assert not done, "the second writer must wait for the first"
    ca.execute("COMMIT")
    t.join(10)
    assert done == [1]
    assert scalar(a, "SELECT bal FROM acct WHERE id = 1") == 111


def test_concurrent_duplicate_insert_waits_then_fails(path: str) -> None:
    a, b = conn(path), conn(path)
    ca = a.cursor()
    ca.execute("BEGIN")
    ca.execute("INSERT INTO acct VALUES (10, 1)")
    errors: list[str] = []

    def other() -> None:
        try:
            b.cursor().execute("INSERT INTO acct VALUES (10, 2)")
        except orbitdb.Error as e:
            errors.append(e.sqlstate or "")

    t = threading.Thread(target=other)
    t.start()
    time.sleep(0.3)
    assert not errors
    ca.execute("COMMIT")
    t.join(10)
    assert errors == ["23505"]


def test_deadlock_detected(path: str) -> None:
    a, b = conn(path), conn(path)
    ca, cb = a.cursor(), b.cursor()
    ca.execute("BEGIN")
    cb.execute("BEGIN")
    ca.execute("UPDATE acct SET bal = 0 WHERE id = 1")
    cb.execute("UPDATE acct SET bal = 0 WHERE id = 2")
    results: list[str] = []

    def first() -> None:
        try:
            ca.execute("UPDATE acct SET bal = 1 WHERE id = 2")
            results.append("ok")
        except orbitdb.Error as e:
            results.append(e.sqlstate or "")

    t = threading.Thread(target=first)
    t.start()
    time.sleep(0.2)
    try:
        cb.execute("UPDATE acct SET bal = 1 WHERE id = 1")
        results.append("ok")
    except orbitdb.Error as e:
        results.append(e.sqlstate or "")
    if "40P01" in results[-1:]:
        cb.execute("ROLLBACK")
    t.join(10)
    assert sorted(results) == ["40P01", "ok"]


def test_statement_timeout(path: str) -> None:
    a, b = conn(path), conn(path)
    ca = a.cursor()
    ca.execute("BEGIN")
    ca.execute("UPDATE acct SET bal = 0 WHERE id = 1")
    cb = b.cursor()
    cb.execute("SET lock_timeout = '200ms'")
    with pytest.raises(orbitdb.OperationalError) as e:
        cb.execute("UPDATE acct SET bal = 5 WHERE id = 1")
    assert e.value.sqlstate == "55P03"
    ca.execute("ROLLBACK")
