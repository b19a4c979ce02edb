"""AS OF SYSTEM TIME (CockroachDB's syntax) through the embedded DB-API: reads of the committed
past compared with a model of the table's states, the catalog of that moment (a table dropped
since), read-only transactions of the past, and the refusals with their SQLSTATEs."""

from __future__ import annotations

import datetime
import random
import time
from pathlib import Path

import pytest

import orbitdb
from orbitdb.engine import Engine

UTC = datetime.timezone.utc


def stamp() -> datetime.datetime:
    return datetime.datetime.now(UTC)


def at(when: datetime.datetime) -> str:
    return when.isoformat()


@pytest.fixture
def con(tmp_path: Path):
    c = orbitdb.connect(str(tmp_path / "db"), autocommit=True, history_retention_seconds=600,
                        write_buffer_size=32 << 10)
    yield c
    c.close()


def sqlstate(excinfo: pytest.ExceptionInfo) -> str:
    return excinfo.value.sqlstate  # type: ignore[attr-defined,no-any-return]


def test_select_as_of_random_past_times_matches_model(con) -> None:
    rng = random.Random(1616)
    cur = con.cursor()
    cur.execute("CREATE TABLE acct (id int PRIMARY KEY, balance int, note text)")
    state: dict[int, tuple[int, str]] = {}
    moments: list[tuple[datetime.datetime, dict[int, tuple[int, str]]]] = []
    for step in range(150):
        key = rng.randrange(20)
        if key in state and rng.random() < 0.25:
            cur.execute("DELETE FROM acct WHERE id = %s", (key,))
            del state[key]
        elif key in state:
            balance = rng.randrange(1000)
            cur.execute("UPDATE acct SET balance = %s, note = %s WHERE id = %s", (balance, f"u{step}", key))
            state[key] = (balance, f"u{step}")
        else:
            balance = rng.randrange(1000)
            cur.execute("INSERT INTO acct VALUES (%s, %s, %s)", (key, balance, f"i{step}"))
            state[key] = (balance, f"i{step}")
        if step % 3 == 0:
            time.sleep(0.001)
            moments.append((stamp(), dict(state)))  # after the commit, before the next one begins
            time.sleep(0.001)
    for when, expected in rng.sample(moments, 25):
        cur.execute(f"SELECT id, balance, note FROM acct AS OF SYSTEM TIME '{at(when)}' ORDER BY id")
        assert cur.fetchall() == [(k, *v) for k, v in sorted(expected.items())]
        cur.execute(f"SELECT count(*), coalesce(sum(balance), 0) FROM acct AS OF SYSTEM TIME '{at(when)}'")
        assert cur.fetchall() == [(len(expected), sum(b for b, _ in expected.values()))]
    cur.execute("SELECT id, balance, note FROM acct ORDER BY id")  # the present is untouched
    assert cur.fetchall() == [(k, *v) for k, v in sorted(state.items())]


def test_dropped_table_and_catalog_of_the_time(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE gone (a int, b text)")
    cur.execute("INSERT INTO gone VALUES (1, 'x'), (2, 'y')")
    time.sleep(0.002)
    before_drop = stamp()
    time.sleep(0.002)
    cur.execute("DROP TABLE gone")
    cur.execute("CREATE TABLE gone (z int)")  # another table of the same name since
    cur.execute(f"SELECT a, b FROM gone AS OF SYSTEM TIME '{at(before_drop)}' ORDER BY a")
    assert cur.fetchall() == [(1, "x"), (2, "y")]
    cur.execute("SELECT * FROM gone")
    assert cur.fetchall() == []
    with pytest.raises(orbitdb.Error) as e:
        cur.execute("SELECT a FROM gone")
    assert sqlstate(e) == "42703"


def test_negative_intervals(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE t (v int)")
    cur.execute("INSERT INTO t VALUES (1)")
    time.sleep(0.3)
    cur.execute("INSERT INTO t VALUES (2)")
    for text in ("-150ms", "-0.15s", "-150000us", "-00:00:00.15", "-0.15 seconds"):
        cur.execute(f"SELECT v FROM t AS OF SYSTEM TIME '{text}'")
        assert cur.fetchall() == [(1,)], text
    cur.execute("SELECT v FROM t AS OF SYSTEM TIME '-1ms' ORDER BY v")
    assert cur.fetchall() == [(1,), (2,)]


def test_timestamp_without_zone_is_in_the_session_time_zone(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE t (v int)")
    cur.execute("INSERT INTO t VALUES (1)")
    time.sleep(0.002)
    when = stamp()
    time.sleep(0.002)
    cur.execute("INSERT INTO t VALUES (2)")
    cur.execute("SET TIME ZONE 'Asia/Tokyo'")
    local = when.astimezone(datetime.timezone(datetime.timedelta(hours=9))).replace(tzinfo=None)
    cur.execute(f"SELECT v FROM t AS OF SYSTEM TIME '{local.isoformat(sep=' ')}'")
    assert cur.fetchall() == [(1,)]


def test_read_only_transaction_of_the_past(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
    cur.execute("INSERT INTO t VALUES (1, 'old')")
    time.sleep(0.002)
    when = stamp()
    time.sleep(0.002)
    cur.execute("UPDATE t SET v = 'new'")
    cur.execute("CREATE TABLE later (x int)")
    for begin in (f"BEGIN READ ONLY AS OF SYSTEM TIME '{at(when)}'",
                  f"BEGIN AS OF SYSTEM TIME '{at(when)}'"):
        cur.execute(begin)
        cur.execute("SELECT v FROM t")
        assert cur.fetchall() == [("old",)]
        cur.execute("SELECT v FROM t WHERE id = 1")  # every statement keeps the time
        assert cur.fetchall() == [("old",)]
        with pytest.raises(orbitdb.Error) as e:
            cur.execute("SELECT * FROM later")  # not yet created then
        assert sqlstate(e) == "42P01"
        cur.execute("ROLLBACK")
    cur.execute("BEGIN")
    cur.execute(f"SET TRANSACTION AS OF SYSTEM TIME '{at(when)}'")
    cur.execute("SELECT v FROM t")
    assert cur.fetchall() == [("old",)]
    for write in ("UPDATE t SET v = 'x'", "INSERT INTO t VALUES (9, 'y')", "DELETE FROM t",
                  "CREATE TABLE nope (a int)"):
        with pytest.raises(orbitdb.Error) as e:
            cur.execute(write)
        assert sqlstate(e) == "25006", write
        cur.execute("ROLLBACK")
        cur.execute(f"BEGIN AS OF SYSTEM TIME '{at(when)}'")
    cur.execute("COMMIT")
    cur.execute("SELECT v FROM t")
    assert cur.fetchall() == [("new",)]


def test_first_statement_of_a_transaction_sets_its_time(tmp_path: Path) -> None:
    con = orbitdb.connect(str(tmp_path / "db"), history_retention_seconds=600)  # not autocommit
    cur = con.cursor()
    cur.execute("CREATE TABLE t (v int)")
    cur.execute("INSERT INTO t VALUES (1)")
    con.commit()
    time.sleep(0.002)
    when = stamp()
    time.sleep(0.002)
    cur.execute("INSERT INTO t VALUES (2)")
    con.commit()
    cur.execute(f"SELECT count(*) FROM t AS OF SYSTEM TIME '{at(when)}'")
    assert cur.fetchall() == [(1,)]
    cur.execute("SELECT count(*) FROM t")  # the same transaction: still the past
    assert cur.fetchall() == [(1,)]
    con.commit()
    cur.execute("SELECT count(*) FROM t")
    assert cur.fetchall() == [(2,)]
    with pytest.raises(orbitdb.Error) as e:
        cur.execute(f"SELECT count(*) FROM t AS OF SYSTEM TIME '{at(when)}'")  # not the first statement
    assert sqlstate(e) == "0A000"
    con.rollback()
    con.close()


@pytest.mark.parametrize(("literal", "state"), [
    ("-1h", "72000"),  # older than the window
    ("2999-01-01 00:00:00+00", "22023"),  # the future
    ("garbage", "22007"),
    ("10s", "22007"),  # an interval must be negative
    ("+10 seconds", "22007"),
])
def test_refusals(con, literal: str, state: str) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE t (v int)")
    with pytest.raises(orbitdb.Error) as e:
        cur.execute(f"SELECT * FROM t AS OF SYSTEM TIME '{literal}'")
    assert sqlstate(e) == state
    cur.execute("SELECT count(*) FROM t")  # the session goes on
    assert cur.fetchall() == [(0,)]


def test_clause_shapes(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE t (v text)")
    cur.execute("INSERT INTO t VALUES ('as of system time')")  # in a literal: not a clause
    cur.execute("SELECT v FROM t WHERE v = 'as of system time'")
    assert cur.fetchall() == [("as of system time",)]
    with pytest.raises(orbitdb.Error) as e:
        cur.execute("SELECT * FROM (SELECT v FROM t AS OF SYSTEM TIME '-1s') s")
    assert sqlstate(e) == "0A000"
    with pytest.raises(orbitdb.Error) as e:
        cur.execute("SELECT v FROM t AS OF SYSTEM TIME now()")
    assert sqlstate(e) == "0A000"
    time.sleep(0.05)
    cur.execute("SELECT v FROM t AS OF SYSTEM TIME '-10ms' WHERE v LIKE 'as%' ORDER BY v")
    assert cur.fetchall() == [("as of system time",)]


def test_retention_off_is_55000(tmp_path: Path) -> None:
    con = orbitdb.connect(str(tmp_path / "db"), autocommit=True)
    cur = con.cursor()
    cur.execute("CREATE TABLE t (v int)")
    with pytest.raises(orbitdb.Error) as e:
        cur.execute("SELECT * FROM t AS OF SYSTEM TIME '-1s'")
    assert sqlstate(e) == "55000"
    con.close()


def test_window_passed_compaction_and_refusal(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    con = orbitdb.connect(path, autocommit=True, history_retention_seconds=1)
    cur = con.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, v int)")
    cur.execute("INSERT INTO t VALUES (1, 0)")
    for i in range(1, 40):
        cur.execute("UPDATE t SET v = %s WHERE id = 1", (i,))
    time.sleep(0.002)
    old = stamp()
    cur.execute(f"SELECT v FROM t AS OF SYSTEM TIME '{at(old)}'")
    assert cur.fetchall() == [(39,)]
    time.sleep(1.3)
    cur.execute("UPDATE t SET v = 100 WHERE id = 1")
    con.close()
    with Engine(path + "/postgresql" if Path(path, "postgresql").exists() else path,
                history_retention_seconds=1) as engine:
        engine.flush()
        engine.compact_range()
        # what is left beyond the newest versions is what the window still holds
        assert int(engine.property("orbitdb.history-versions")) < 10
    con = orbitdb.connect(path, autocommit=True, history_retention_seconds=1)
    cur = con.cursor()
    with pytest.raises(orbitdb.Error) as e:
        cur.execute(f"SELECT v FROM t AS OF SYSTEM TIME '{at(old)}'")
    assert sqlstate(e) == "72000"
    cur.execute("SELECT v FROM t")
    assert cur.fetchall() == [(100,)]
    con.close()
