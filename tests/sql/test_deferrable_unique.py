"""DEFERRABLE unique and primary key constraints on the embedded connection, where the compat corpus
(44_deferrable_unique.sql) cannot reach: executemany and COPY (which go row by row for such a
table), PREPARE TRANSACTION (which checks the deferred constraints, as COMMIT does), and values
held across a restart of the database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import orbitdb


@pytest.fixture
def con(tmp_path: Path) -> orbitdb.Connection:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    cur = c.cursor()
    cur.execute("CREATE TABLE slot (id int PRIMARY KEY DEFERRABLE, pos int, "
                "CONSTRAINT slot_pos_key UNIQUE (pos) DEFERRABLE INITIALLY DEFERRED)")
    return c


def rows(con: orbitdb.Connection) -> list[tuple[int, int]]:
    cur = con.cursor()
    cur.execute("SELECT id, pos FROM slot ORDER BY id, pos")
    return cur.fetchall()


def test_executemany_checks_the_immediate_key_per_statement(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    with pytest.raises(orbitdb.IntegrityError, match='"slot_pkey"'):
        cur.executemany("INSERT INTO slot VALUES (%s, %s)", [(1, 1), (2, 2), (1, 3)])
    cur.executemany("INSERT INTO slot VALUES (%s, %s)", [(1, 1), (2, 2), (3, 3)])
    assert rows(con) == [(1, 1), (2, 2), (3, 3)]


def test_executemany_leaves_the_deferred_key_to_commit(con: orbitdb.Connection) -> None:
    con.autocommit = False
    cur = con.cursor()
    cur.executemany("INSERT INTO slot VALUES (%s, %s)", [(1, 1), (2, 1), (3, 1)])
    cur.execute("UPDATE slot SET pos = id")
    con.commit()
    cur.executemany("INSERT INTO slot VALUES (%s, %s)", [(4, 4), (5, 1)])
    with pytest.raises(orbitdb.IntegrityError, match='"slot_pos_key"'):
        con.commit()
    assert rows(con) == [(1, 1), (2, 2), (3, 3)]


def test_copy_checks_the_immediate_key_at_its_end(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    with pytest.raises(orbitdb.IntegrityError, match='"slot_pkey"'):
        cur.copy_expert("COPY slot FROM STDIN", io.StringIO("1\t1\n1\t2\n"))
    assert rows(con) == []
    cur.execute("BEGIN")
    cur.copy_expert("COPY slot FROM STDIN", io.StringIO("1\t5\n2\t5\n"))
    cur.execute("UPDATE slot SET pos = id")
    cur.execute("COMMIT")
    assert rows(con) == [(1, 1), (2, 2)]


def test_prepare_transaction_checks_deferred_keys(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("INSERT INTO slot VALUES (1, 1)")
    cur.execute("BEGIN")
    cur.execute("INSERT INTO slot VALUES (2, 1)")
    with pytest.raises(orbitdb.IntegrityError, match='"slot_pos_key"'):
        cur.execute("PREPARE TRANSACTION 'dup'")
    cur.execute("SELECT count(*) FROM pg_prepared_xacts")
    assert cur.fetchone() == (0,)
    cur.execute("BEGIN")
    cur.execute("INSERT INTO slot VALUES (2, 1)")
    cur.execute("UPDATE slot SET pos = 2 WHERE id = 2")
    cur.execute("PREPARE TRANSACTION 'ok'")
    cur.execute("COMMIT PREPARED 'ok'")
    assert rows(con) == [(1, 1), (2, 2)]


def test_keys_hold_after_reopening(con: orbitdb.Connection, tmp_path: Path) -> None:
    cur = con.cursor()
    cur.execute("INSERT INTO slot SELECT g, g FROM generate_series(1, 50) g")
    cur.execute("UPDATE slot SET id = 51 - id, pos = pos + 1")
    con.close()
    again = orbitdb.connect(str(tmp_path / "db"))
    again.autocommit = True
    cur = again.cursor()
    cur.execute("SELECT pos FROM slot WHERE id = 50")
    assert cur.fetchone() == (2,)
    with pytest.raises(orbitdb.IntegrityError, match='"slot_pkey"'):
        cur.execute("INSERT INTO slot VALUES (7, 100)")
    cur.execute("BEGIN")
    cur.execute("INSERT INTO slot VALUES (100, 51)")
    with pytest.raises(orbitdb.IntegrityError, match='"slot_pos_key"'):
        cur.execute("COMMIT")
    again.close()
