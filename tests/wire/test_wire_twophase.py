"""Two-phase commit over the wire: PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED and
pg_prepared_xacts answer as PostgreSQL 15's do; a prepared transaction keeps its locks and
survives a kill -9 of the server, and one cut short before PREPARE returned leaves nothing."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg2
import pytest
from reference_pg import reference_postgres
from statement_answers import answers

SCRIPT = [
    "CREATE TABLE tp (id int PRIMARY KEY, v text)",
    "INSERT INTO tp VALUES (1, 'one'), (2, 'two')",
    "BEGIN",
    "INSERT INTO tp VALUES (3, 'three')",
    "UPDATE tp SET v = 'uno' WHERE id = 1",
    "DELETE FROM tp WHERE id = 2",
    "PREPARE TRANSACTION 'first'",
    "SELECT gid FROM pg_prepared_xacts ORDER BY gid",
    "SELECT * FROM tp ORDER BY id",
    "@2 SET lock_timeout = '200ms'",
    "@2 UPDATE tp SET v = 'x' WHERE id = 1",
    "@2 INSERT INTO tp VALUES (3, 'again')",
    "@2 SELECT count(*) FROM tp",
    "BEGIN",
    "INSERT INTO tp VALUES (10, 'ten')",
    "PREPARE TRANSACTION 'first'",
    "SELECT count(*) FROM tp WHERE id = 10",
    "PREPARE TRANSACTION 'outside'",
    "BEGIN",
    "SELECT 1/0",
    "PREPARE TRANSACTION 'failed'",
    "BEGIN",
    "COMMIT PREPARED 'first'",
    "ROLLBACK",
    "COMMIT PREPARED 'nothing'",
    "ROLLBACK PREPARED 'nothing'",
    "COMMIT PREPARED 'first'",
    "SELECT * FROM tp ORDER BY id",
    "COMMIT PREPARED 'first'",
    "BEGIN",
    "INSERT INTO tp VALUES (20, 'twenty')",
    "PREPARE TRANSACTION 'second'",
    "ROLLBACK PREPARED 'second'",
    "SELECT count(*) FROM tp WHERE id = 20",
    "BEGIN",
    "PREPARE TRANSACTION 'empty'",
    "SELECT gid FROM pg_prepared_xacts ORDER BY gid",
    "COMMIT PREPARED 'empty'",
    "BEGIN",
    "CREATE TEMP TABLE tt (a int)",
    "PREPARE TRANSACTION 'temp'",
    "SELECT gid FROM pg_prepared_xacts ORDER BY gid",
    "BEGIN",
    "SELECT 1",
    "PREPARE TRANSACTION '" + "x" * 200 + "'",
    "BEGIN",
    "PREPARE TRANSACTION '" + "y" * 199 + "'",
    "ROLLBACK PREPARED '" + "y" * 199 + "'",
    "SELECT count(*) FROM pg_prepared_xacts",
]


@pytest.fixture(scope="module")
def reference() -> Iterator[str]:
    with reference_postgres(options="-c max_prepared_transactions=10") as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        yield dsn


def test_same_answers_as_postgresql(start_server, reference: str) -> None:
    server = start_server()
    mine = answers(server.dsn, SCRIPT)
    theirs = answers(reference, SCRIPT)
    for got, want in zip(mine, theirs):
        assert got == want
    assert len(mine) == len(SCRIPT)


def _rows(dsn: str, sql: str) -> list[tuple]:
    con = psycopg2.connect(dsn)
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description is not None else []
    finally:
        con.close()


def test_prepared_transaction_survives_kill_9(start_server, tmp_path) -> None:
    data = tmp_path / "data"
    server = start_server(data_dir=data)
    _rows(server.dsn, "CREATE TABLE acct (id int PRIMARY KEY, balance int)")
    _rows(server.dsn, "INSERT INTO acct SELECT g, 100 FROM generate_series(1, 50) g")
    con = psycopg2.connect(server.dsn)
    with con.cursor() as cur:
        cur.execute("UPDATE acct SET balance = balance - 30 WHERE id = 1")
        cur.execute("UPDATE acct SET balance = balance + 30 WHERE id = 2")
        cur.execute("INSERT INTO acct VALUES (51, 7)")
        cur.execute("PREPARE TRANSACTION 'transfer'")
    # a second transaction cut short by the crash before its PREPARE
    other = psycopg2.connect(server.dsn)
    with other.cursor() as cur:
        cur.execute("INSERT INTO acct VALUES (52, 9)")
    server.kill()

    server = start_server(data_dir=data)
    assert _rows(server.dsn, "SELECT gid, owner FROM pg_prepared_xacts") == [("transfer", "orbit")]
    assert _rows(server.dsn, "SELECT sum(balance), count(*) FROM acct") == [(5000, 50)]
    # its table lock too, held by no backend (pid NULL), as PostgreSQL lists a prepared transaction's
    held = _rows(server.dsn, "SELECT mode FROM pg_locks WHERE relation = 'acct'::regclass AND pid IS NULL")
    assert ("RowExclusiveLock",) in held
    # its row locks are held again: a writer of the same row waits for it
    with pytest.raises(psycopg2.errors.LockNotAvailable):
        _rows(server.dsn, "SET lock_timeout = '200ms'; UPDATE acct SET balance = 0 WHERE id = 1")
    with pytest.raises(psycopg2.errors.LockNotAvailable):
        _rows(server.dsn, "SET lock_timeout = '200ms'; INSERT INTO acct VALUES (51, 0)")
    _rows(server.dsn, "UPDATE acct SET balance = 1 WHERE id = 3")  # other rows are free
    _rows(server.dsn, "COMMIT PREPARED 'transfer'")
    assert _rows(server.dsn, "SELECT balance FROM acct WHERE id IN (1, 2, 51) ORDER BY id") == [(70,), (130,), (7,)]
    server.kill()

    server = start_server(data_dir=data)
    assert _rows(server.dsn, "SELECT count(*) FROM pg_prepared_xacts") == [(0,)]
    assert _rows(server.dsn, "SELECT balance FROM acct WHERE id IN (1, 2, 51, 52) ORDER BY id") == [
        (70,), (130,), (7,)]


def test_rollback_prepared_after_restart(start_server, tmp_path) -> None:
    data = tmp_path / "data"
    server = start_server(data_dir=data)
    _rows(server.dsn, "CREATE TABLE r (id int PRIMARY KEY)")
    _rows(server.dsn, "BEGIN; INSERT INTO r VALUES (1); PREPARE TRANSACTION 'r1'")
    server.stop()
    server = start_server(data_dir=data)
    _rows(server.dsn, "ROLLBACK PREPARED 'r1'")
    assert _rows(server.dsn, "SELECT count(*) FROM r") == [(0,)]
    _rows(server.dsn, "INSERT INTO r VALUES (1)")  # the lock went with it
    server.kill()
    server = start_server(data_dir=data)
    assert _rows(server.dsn, "SELECT count(*), count(*) FILTER (WHERE id = 1) FROM r") == [(1, 1)]
    assert _rows(server.dsn, "SELECT count(*) FROM pg_prepared_xacts") == [(0,)]
