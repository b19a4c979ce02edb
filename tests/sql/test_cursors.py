"""SQL cursors: DECLARE / FETCH / MOVE / CLOSE with every direction, SCROLL and NO SCROLL, WITH
HOLD across COMMIT and ROLLBACK, pg_cursors, and a forward-only cursor reading a large result
from the row stream without producing all of it."""

from __future__ import annotations

from pathlib import Path

import pytest

import orbitdb


@pytest.fixture
def con(tmp_path: Path) -> orbitdb.Connection:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    cur = c.cursor()
    cur.execute("CREATE TABLE t (a int)")
    cur.execute("INSERT INTO t SELECT generate_series(1, 10)")
    return c


def run(c: orbitdb.Connection, sql: str) -> tuple[str, list[tuple]]:
    cur = c.cursor()
    cur.execute(sql)
    return cur.statusmessage, (cur.fetchall() if cur.description else [])


def values(c: orbitdb.Connection, sql: str) -> list[int]:
    return [r[0] for r in run(c, sql)[1]]


def sqlstate(c: orbitdb.Connection, sql: str) -> str:
    with pytest.raises(orbitdb.Error) as info:
        c.cursor().execute(sql)
    return info.value.sqlstate


def test_declare_needs_a_transaction_block(con: orbitdb.Connection) -> None:
    assert sqlstate(con, "DECLARE c CURSOR FOR SELECT 1") == "25P01"
    assert sqlstate(con, "FETCH c") == "34000"
    assert sqlstate(con, "CLOSE c") == "34000"


def test_forward_directions(con: orbitdb.Connection) -> None:
    run(con, "BEGIN")
    assert run(con, "DECLARE c NO SCROLL CURSOR FOR SELECT a FROM t ORDER BY a") == ("DECLARE CURSOR", [])
    assert values(con, "FETCH c") == [1]
    assert values(con, "FETCH NEXT FROM c") == [2]
    assert values(con, "FETCH 2 IN c") == [3, 4]
    assert values(con, "FETCH FORWARD 2 FROM c") == [5, 6]
    assert values(con, "FETCH RELATIVE 2 FROM c") == [8]
    assert values(con, "FETCH ABSOLUTE 9 FROM c") == [9]
    assert run(con, "MOVE FORWARD ALL IN c") == ("MOVE 1", [])
    assert run(con, "FETCH ALL FROM c") == ("FETCH 0", [])
    assert sqlstate(con, "FETCH PRIOR FROM c") == "55000"
    run(con, "ROLLBACK")


def test_forward_only_cursor_refuses_going_back(con: orbitdb.Connection) -> None:
    for sql in ("FETCH PRIOR FROM c", "FETCH FIRST FROM c", "FETCH LAST FROM c", "FETCH ABSOLUTE 1 FROM c",
                "FETCH BACKWARD 1 FROM c", "MOVE -1 IN c", "FETCH RELATIVE -1 FROM c",
                "FETCH RELATIVE 0 FROM c"):
        run(con, "BEGIN")
        run(con, "DECLARE c CURSOR FOR SELECT a FROM t ORDER BY a")
        values(con, "FETCH 2 FROM c")
        assert sqlstate(con, sql) == "55000", sql
        run(con, "ROLLBACK")
    run(con, "BEGIN")
    run(con, "DECLARE c CURSOR FOR SELECT a FROM t ORDER BY a")
    assert values(con, "FETCH FIRST FROM c") == [1]  # nothing to rewind yet
    run(con, "ROLLBACK")


def test_scroll_directions(con: orbitdb.Connection) -> None:
    run(con, "BEGIN")
    run(con, "DECLARE s SCROLL CURSOR FOR SELECT a FROM t ORDER BY a")
    assert values(con, "FETCH LAST FROM s") == [10]
    assert values(con, "FETCH PRIOR FROM s") == [9]
    assert values(con, "FETCH FIRST FROM s") == [1]
    assert values(con, "FETCH ABSOLUTE -2 FROM s") == [9]
    assert values(con, "FETCH ABSOLUTE 3 FROM s") == [3]
    assert values(con, "FETCH RELATIVE -2 FROM s") == [1]
    assert values(con, "FETCH RELATIVE -1 FROM s") == []
    assert values(con, "FETCH 3 FROM s") == [1, 2, 3]
    assert values(con, "FETCH BACKWARD 2 FROM s") == [2, 1]
    assert values(con, "FETCH -1 FROM s") == []
    assert values(con, "FETCH FORWARD ALL FROM s") == list(range(1, 11))
    assert values(con, "FETCH ABSOLUTE 11 FROM s") == []
    assert values(con, "FETCH BACKWARD ALL FROM s") == list(range(10, 0, -1))
    assert run(con, "MOVE FORWARD 4 IN s") == ("MOVE 4", [])
    assert values(con, "FETCH 0 FROM s") == [4]
    assert run(con, "MOVE 0 IN s") == ("MOVE 1", [])
    assert run(con, "MOVE ABSOLUTE 100 IN s") == ("MOVE 0", [])
    assert run(con, "MOVE BACKWARD ALL IN s") == ("MOVE 10", [])
    assert values(con, "FETCH NEXT FROM s") == [1]
    run(con, "COMMIT")


def test_with_hold_survives_commit_and_dies_with_rollback(con: orbitdb.Connection) -> None:
    run(con, "BEGIN")
    run(con, "DECLARE h CURSOR WITH HOLD FOR SELECT a FROM t ORDER BY a")
    run(con, "DECLARE n CURSOR FOR SELECT a FROM t")
    assert values(con, "FETCH 2 FROM h") == [1, 2]
    run(con, "INSERT INTO t VALUES (11)")  # after the DECLARE: not seen by the cursor
    run(con, "COMMIT")
    assert sqlstate(con, "FETCH n") == "34000"
    run(con, "INSERT INTO t VALUES (12)")  # after the commit: not in the held rows
    assert values(con, "FETCH 3 FROM h") == [3, 4, 5]
    assert values(con, "FETCH ALL FROM h") == [6, 7, 8, 9, 10]
    assert run(con, "SELECT name, is_holdable, is_scrollable FROM pg_cursors")[1] == [("h", True, False)]
    run(con, "CLOSE h")
    run(con, "BEGIN")
    run(con, "DECLARE r CURSOR WITH HOLD FOR SELECT 1")
    run(con, "ROLLBACK")
    assert sqlstate(con, "FETCH r") == "34000"
    # declared outside a block: a transaction of its own, held when it commits
    run(con, "DECLARE auto SCROLL CURSOR WITH HOLD FOR SELECT a FROM t WHERE a <= 3 ORDER BY a")
    assert values(con, "FETCH LAST FROM auto") == [3]
    assert values(con, "FETCH FIRST FROM auto") == [1]
    run(con, "CLOSE ALL")
    assert run(con, "SELECT count(*) FROM pg_cursors")[1] == [(0,)]


def test_held_cursor_survives_a_later_rollback(con: orbitdb.Connection) -> None:
    run(con, "BEGIN")
    run(con, "DECLARE h CURSOR WITH HOLD FOR SELECT a FROM t ORDER BY a")
    run(con, "COMMIT")
    run(con, "BEGIN")
    assert values(con, "FETCH h") == [1]
    run(con, "ROLLBACK")
    assert values(con, "FETCH h") == [2]


def test_cursor_errors(con: orbitdb.Connection) -> None:
    run(con, "BEGIN")
    run(con, "DECLARE c CURSOR FOR SELECT 1")
    assert sqlstate(con, "DECLARE c CURSOR FOR SELECT 2") == "42P03"
    run(con, "ROLLBACK")
    run(con, "BEGIN")
    assert sqlstate(con, "DECLARE d CURSOR FOR INSERT INTO t VALUES (1)") == "42601"
    run(con, "ROLLBACK")
    run(con, "BEGIN")
    assert sqlstate(con, "DECLARE d SCROLL NO SCROLL CURSOR FOR SELECT 1") == "42601"
    run(con, "ROLLBACK")
    run(con, "BEGIN")
    run(con, "DECLARE z CURSOR FOR SELECT 1 / (g - 5) FROM generate_series(1, 10) g")
    assert values(con, "FETCH 3 FROM z") == [0, 0, 0]
    assert sqlstate(con, "FETCH 3 FROM z") == "22012"
    assert sqlstate(con, "FETCH z") == "25P02"
    run(con, "ROLLBACK")
    assert run(con, "SELECT count(*) FROM t")[1] == [(10,)]


def test_cursor_with_parameters_and_for_update(con: orbitdb.Connection) -> None:
    con.autocommit = False
    cur = con.cursor()
    cur.execute("DECLARE p CURSOR FOR SELECT a FROM t WHERE a > %s ORDER BY a", (7,))
    cur.execute("FETCH ALL FROM p")
    assert cur.fetchall() == [(8,), (9,), (10,)]
    cur.execute("DECLARE u CURSOR FOR SELECT a FROM t WHERE a = 1 FOR UPDATE")
    cur.execute("FETCH u")
    assert cur.fetchall() == [(1,)]
    con.rollback()


def test_forward_only_cursor_streams(con: orbitdb.Connection) -> None:
    """A forward-only cursor over a large generated result: each FETCH produces only what it
    returns (the whole result would be 10**12 rows)."""
    run(con, "BEGIN")
    run(con, "DECLARE big CURSOR FOR SELECT g FROM generate_series(1, 1000000000000) g")
    assert values(con, "FETCH 3 FROM big") == [1, 2, 3]
    assert run(con, "MOVE FORWARD 10000 IN big") == ("MOVE 10000", [])
    assert values(con, "FETCH 2 FROM big") == [10004, 10005]
    run(con, "CLOSE big")
    run(con, "COMMIT")


def test_statement_in_between_keeps_the_cursor_snapshot(con: orbitdb.Connection) -> None:
    run(con, "BEGIN")
    run(con, "DECLARE c CURSOR FOR SELECT a FROM t ORDER BY a")
    assert values(con, "FETCH 2 FROM c") == [1, 2]
    run(con, "DELETE FROM t WHERE a > 5")
    assert values(con, "FETCH ALL FROM c") == [3, 4, 5, 6, 7, 8, 9, 10]
    run(con, "ROLLBACK")


def test_binary_cursor_rows_embedded(con: orbitdb.Connection) -> None:
    run(con, "BEGIN")
    run(con, "DECLARE b BINARY CURSOR FOR SELECT a FROM t WHERE a = 1")
    assert run(con, "SELECT is_binary FROM pg_cursors")[1] == [(True,)]
    assert values(con, "FETCH b") == [1]
    run(con, "ROLLBACK")


def test_rollback_to_savepoint_undoes_declare_notify_and_listen(tmp_path: Path) -> None:
    path = str(tmp_path / "sp")
    con, other = orbitdb.connect(path), orbitdb.connect(path)
    con.autocommit = other.autocommit = True
    try:
        other.cursor().execute("LISTEN sp")
        run(con, "BEGIN")
        run(con, "DECLARE before_sp CURSOR FOR SELECT 1")
        run(con, "NOTIFY sp, 'kept'")
        run(con, "SAVEPOINT a")
        run(con, "DECLARE after_sp CURSOR FOR SELECT 2")
        run(con, "NOTIFY sp, 'undone'")
        run(con, "LISTEN undone")
        run(con, "ROLLBACK TO SAVEPOINT a")
        assert sqlstate(con, "FETCH after_sp") == "34000"
        run(con, "ROLLBACK TO SAVEPOINT a")
        assert values(con, "FETCH before_sp") == [1]
        run(con, "COMMIT")
        assert [(n.channel, n.payload) for n in other.notifies] == [("sp", "kept")]
        assert run(con, "SELECT count(*) FROM pg_listening_channels()")[1] == [(0,)]
    finally:
        con.close()
        other.close()


def test_where_current_of_is_refused(con: orbitdb.Connection) -> None:
    run(con, "BEGIN")
    run(con, "DECLARE u CURSOR FOR SELECT a FROM t FOR UPDATE")
    values(con, "FETCH u")
    assert sqlstate(con, "UPDATE t SET a = 0 WHERE CURRENT OF u") == "0A000"
    run(con, "ROLLBACK")
    assert values(con, "SELECT min(a) FROM t") == [1]
