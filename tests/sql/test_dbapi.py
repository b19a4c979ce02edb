"""The embedded PEP 249 API: connect, cursors, parameters, types, errors."""

from __future__ import annotations

import datetime
import gc
import os
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

import orbitdb
from orbitdb import dbapi


@pytest.fixture
def con(tmp_path: Path):
    c = orbitdb.connect(str(tmp_path / "db"))
    yield c
    c.close()


def test_module_globals() -> None:
    assert orbitdb.apilevel == "2.0"
    assert orbitdb.paramstyle == "pyformat"
    assert issubclass(orbitdb.IntegrityError, orbitdb.DatabaseError)
    assert issubclass(orbitdb.DatabaseError, orbitdb.Error)


def test_create_insert_select(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, score numeric(6,2))")
    cur.execute("INSERT INTO t VALUES (%s, %s, %s)", (1, "a", Decimal("1.5")))
    cur.executemany("INSERT INTO t VALUES (%s, %s, %s)", [(2, "b", None), (3, "c", Decimal("-2.25"))])
    assert cur.rowcount == 2
    con.commit()
    cur.execute("SELECT id, name, score FROM t ORDER BY id")
    assert [d[0] for d in cur.description] == ["id", "name", "score"]
    assert [d[1] for d in cur.description] == [23, 25, 1700]
    assert cur.fetchone() == (1, "a", Decimal("1.50"))
    assert cur.fetchmany(1) == [(2, "b", None)]
    assert cur.fetchall() == [(3, "c", Decimal("-2.25"))]
    assert cur.fetchone() is None


def test_named_parameters_and_percent(con) -> None:
    cur = con.cursor()
    cur.execute("SELECT %(a)s::int + %(a)s::int, 'x%%'", {"a": 20})
    assert cur.fetchone() == (40, "x%")


def test_python_types_round_trip(con) -> None:
    cur = con.cursor()
    cur.execute(
        "CREATE TABLE ty (i int, b bigint, f float8, n numeric, s text, bo boolean, by bytea, d date, "
        "ts timestamp, tz timestamptz, t time, iv interval, u uuid, j jsonb, arr int[])"
    )
    vals = (
        7, 2**40, 1.25, Decimal("3.14159"), "héllo", True, b"\x00\xff", datetime.date(2024, 2, 29),
        datetime.datetime(2024, 1, 2, 3, 4, 5, 6), datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        datetime.time(12, 30), datetime.timedelta(days=1, seconds=5), uuid.UUID(int=5), {"k": [1, 2]}, [1, None, 3],
    )
    cur.execute("INSERT INTO ty VALUES (" + ", ".join(["%s"] * len(vals)) + ")", vals)
    cur.execute("SELECT * FROM ty")
    row = cur.fetchone()
    assert row == vals


def test_errors_carry_sqlstate(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE u (id int PRIMARY KEY)")
    cur.execute("INSERT INTO u VALUES (1)")
    con.commit()
    with pytest.raises(orbitdb.IntegrityError) as e:
        cur.execute("INSERT INTO u VALUES (1)")
    assert e.value.sqlstate == "23505"
    con.rollback()
    with pytest.raises(orbitdb.ProgrammingError) as e2:
        cur.execute("SELECT * FROM missing")
    assert e2.value.sqlstate == "42P01"
    con.rollback()
    with pytest.raises(orbitdb.DataError) as e3:
        cur.execute("SELECT 1/0")
    assert e3.value.sqlstate == "22012"
    con.rollback()
    with pytest.raises(orbitdb.ProgrammingError) as e4:
        cur.execute("SELEC 1")
    assert e4.value.sqlstate == "42601"


def test_failed_transaction_rejects_until_rollback(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE v (id int PRIMARY KEY)")
    con.commit()
    with pytest.raises(orbitdb.DataError):
        cur.execute("SELECT 1/0")
    with pytest.raises(orbitdb.InternalError) as e:
        cur.execute("SELECT 1")
    assert e.value.sqlstate == "25P02"
    con.rollback()
    cur.execute("SELECT 1")
    assert cur.fetchone() == (1,)


def test_autocommit_and_context_manager(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    with orbitdb.connect(path) as c:
        c.cursor().execute("CREATE TABLE w (id int)")
        c.cursor().execute("INSERT INTO w VALUES (1)")
    c2 = orbitdb.connect(path)
    cur = c2.cursor()
    cur.execute("SELECT count(*) FROM w")
    assert cur.fetchone() == (1,)
    with pytest.raises(orbitdb.ProgrammingError):
        c2.autocommit = True  # not inside a transaction, as psycopg
    c2.commit()
    c2.autocommit = True
    cur.execute("INSERT INTO w VALUES (2)")
    c2.close()
    c.close()
    c3 = orbitdb.connect(path)
    cur = c3.cursor()
    cur.execute("SELECT count(*) FROM w")
    assert cur.fetchone() == (2,)
    c3.close()


def test_rollback_discards(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE r (id int)")
    con.commit()
    cur.execute("INSERT INTO r VALUES (1)")
    con.rollback()
    cur.execute("SELECT count(*) FROM r")
    assert cur.fetchone() == (0,)


def test_closed_connection_raises(tmp_path: Path) -> None:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.close()
    with pytest.raises(orbitdb.InterfaceError):
        c.cursor()


def test_config_knobs(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        orbitdb.connect(str(tmp_path / "a"), no_such_knob=1)
    c = orbitdb.connect(str(tmp_path / "b"), config={"persistence": {"rocksdb": {"write_buffer_size": 65536}}})
    c.cursor().execute("SELECT 1")
    c.close()


def test_leaked_connection_finalized_inside_connect_does_not_deadlock(tmp_path: Path) -> None:
    path = str(tmp_path / "leaked")
    leaked = orbitdb.connect(path)
    leaked.self_ref = leaked  # type: ignore[attr-defined]  # only the cycle collector can free it
    del leaked
    # connect() holds the registry lock while it opens a database, and the
    # collector may run right there; the finalizer must not wait for that lock.
    with dbapi._SharedDatabase.lock:
        gc.collect()
        assert os.path.realpath(path) in dbapi._SharedDatabase.open
    deadline = time.monotonic() + 10
    while os.path.realpath(path) in dbapi._SharedDatabase.open and time.monotonic() < deadline:
        time.sleep(0.01)
    assert os.path.realpath(path) not in dbapi._SharedDatabase.open
    again = orbitdb.connect(path)
    again.cursor().execute("SELECT 1")
    again.close()


def test_order_by_primary_key_reads_the_scan_in_order(tmp_path: Path) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))
    cur = con.cursor()
    cur.execute("CREATE TABLE items (id int PRIMARY KEY, v text)")
    cur.execute("INSERT INTO items SELECT g, (100 - g)::text FROM generate_series(1, 50) g")
    con.commit()
    cur.execute("EXPLAIN SELECT * FROM items ORDER BY id DESC LIMIT 3")
    assert "Sort" not in " ".join(r[0] for r in cur.fetchall())
    cur.execute("EXPLAIN SELECT v AS id FROM items ORDER BY id")  # the output column, not the key
    assert "Sort" in " ".join(r[0] for r in cur.fetchall())
    # uncommitted writes merge into the scan in both directions
    cur.execute("INSERT INTO items VALUES (0, 'z'), (100, 'y')")
    cur.execute("UPDATE items SET v = 'u' WHERE id = 50")
    cur.execute("DELETE FROM items WHERE id = 49")
    cur.execute("SELECT id, v FROM items ORDER BY id DESC LIMIT 3")
    assert cur.fetchall() == [(100, "y"), (50, "u"), (48, "52")]
    cur.execute("SELECT id FROM items WHERE id BETWEEN 47 AND 60 ORDER BY id")
    assert cur.fetchall() == [(47,), (48,), (50,)]
    cur.execute("SELECT v FROM items ORDER BY id LIMIT 2")
    assert cur.fetchall() == [("z",), ("99",)]
    con.rollback()
    cur.execute("SELECT id FROM items ORDER BY id DESC LIMIT 2")
    assert cur.fetchall() == [(50,), (49,)]
    con.close()


def test_connect_autocommit_keyword(tmp_path: Path) -> None:
    """connect(autocommit=True), as psycopg and sqlite3 take it: each statement commits by itself."""
    path = str(tmp_path / "db")
    con = orbitdb.connect(path, autocommit=True)
    assert con.autocommit is True
    con.cursor().execute("CREATE TABLE t (a int)")
    con.cursor().execute("INSERT INTO t VALUES (1)")
    con.close()
    con = orbitdb.connect(path)
    assert con.autocommit is False
    cur = con.cursor()
    cur.execute("SELECT a FROM t")
    assert cur.fetchall() == [(1,)]  # committed without commit(): close() would have rolled it back


def test_the_applications_decimal_context_is_its_own(con) -> None:
    """orbitdb computes numerics with PostgreSQL's precision, but in its own context: the
    application's Decimal arithmetic keeps Python's (or the application's) settings."""
    import decimal

    before = decimal.getcontext()
    cur = con.cursor()
    cur.execute("SELECT 1::numeric / 7, 10::numeric ^ 100 + 1")
    one_seventh, big = cur.fetchone()
    assert one_seventh == decimal.Decimal("0.14285714285714285714")
    assert big == 10**100 + 1
    assert decimal.getcontext() is before and before.prec == 28
    assert len(str(decimal.Decimal(1) / 7)) == 30  # "0." and 28 digits


def test_leaked_connection_collected_off_the_main_thread_is_closed_by_its_own_thread(tmp_path: Path) -> None:
    """A worker that closing a database joins (auto-analyze) may run the collector: a leaked
    connection's close there would wait for the registry lock its joiner holds (a deadlock)."""
    path = str(tmp_path / "leaked_in_worker")
    leaked = orbitdb.connect(path)
    leaked.self_ref = leaked  # type: ignore[attr-defined]  # only the cycle collector can free it
    del leaked
    closed_on: list[str] = []
    real_close = dbapi.Connection.close

    def recording_close(self: dbapi.Connection) -> None:
        closed_on.append(threading.current_thread().name)
        real_close(self)

    dbapi.Connection.close = recording_close  # type: ignore[method-assign]
    try:
        worker = threading.Thread(target=gc.collect, name="collecting-worker")
        worker.start()
        worker.join()
        deadline = time.monotonic() + 10
        while os.path.realpath(path) in dbapi._SharedDatabase.open and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        dbapi.Connection.close = real_close  # type: ignore[method-assign]
    assert closed_on and "collecting-worker" not in closed_on, closed_on
    assert os.path.realpath(path) not in dbapi._SharedDatabase.open


def test_closing_a_database_does_not_hold_up_connects_to_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last connection's close joins the database's threads (auto-analyze), and one of them
    may need to connect or close a connection meanwhile: the close must not hold the registry
    lock that connect needs."""
    from orbitdb.sql.session.database import Database

    closing, other = str(tmp_path / "closing"), str(tmp_path / "other")
    real_close = Database.close
    connected: list[bool] = []

    def close_while_another_thread_connects(self: Database) -> None:
        if self is not con._db:
            real_close(self)
            return

        def connect_other() -> None:
            c = orbitdb.connect(other)
            c.close()
            connected.append(True)

        worker = threading.Thread(target=connect_other)  # as a database's own thread would be
        worker.start()
        worker.join(timeout=20)
        real_close(self)

    monkeypatch.setattr(Database, "close", close_while_another_thread_connects)
    con = orbitdb.connect(closing)
    con.close()
    monkeypatch.setattr(Database, "close", real_close)
    assert connected == [True]


def test_a_connect_during_the_last_close_waits_and_opens_the_directory_again(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A connect to a directory whose database is being closed gets a freshly opened database
    once the close is done (never the closing one, never 55006 for the directory's lock)."""
    from orbitdb.sql.session.database import Database

    path = str(tmp_path / "db")
    con = orbitdb.connect(path)
    con.execute("CREATE TABLE t (a int)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    real_close = Database.close
    outcome: list[object] = []
    started = threading.Event()

    def connect_again() -> None:
        started.set()
        try:
            again = orbitdb.connect(path)
            outcome.append(again.execute("SELECT a FROM t").fetchall())
            again.close()
        except Exception as e:  # noqa: BLE001  (the assertion below shows it)
            outcome.append(e)

    worker = threading.Thread(target=connect_again)

    def slow_close(self: Database) -> None:
        if worker.is_alive() or outcome:  # the worker's own database closes as usual
            real_close(self)
            return
        worker.start()
        started.wait()
        time.sleep(0.3)  # the worker's connect arrives while the database is still open
        real_close(self)

    monkeypatch.setattr(Database, "close", slow_close)
    con.close()
    monkeypatch.setattr(Database, "close", real_close)
    worker.join(timeout=20)
    assert outcome == [[(1,)]]
