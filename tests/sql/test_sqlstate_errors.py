"""orbitdb.errors: one class per SQLSTATE, generated from orbitdb/sqlstates.py, named and based as
psycopg2.errors (built against PostgreSQL 15's list) names and bases them; the DB-API raises the
most specific class for a failing statement."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import psycopg2
import psycopg2.errors
import pytest

import orbitdb
from orbitdb import errors, exceptions, sqlstates
from orbitdb.sql.session.session import Session

ERRCODES = Path("/usr/share/postgresql/15/errcodes.txt")  # PostgreSQL 15's own list
SAMPLE = {
    "23505": "UniqueViolation", "23503": "ForeignKeyViolation", "23502": "NotNullViolation",
    "40001": "SerializationFailure", "40P01": "DeadlockDetected", "57014": "QueryCanceled",
    "42P01": "UndefinedTable", "42703": "UndefinedColumn", "42601": "SyntaxError",
    "22012": "DivisionByZero", "0A000": "FeatureNotSupported", "55P03": "LockNotAvailable",
    "25P02": "InFailedSqlTransaction", "XX000": "InternalError_", "53200": "OutOfMemory",
}


@pytest.fixture
def con(tmp_path: Path) -> Any:
    c = orbitdb.connect(str(tmp_path / "db"))
    yield c
    c.close()


def _chain(cls: type) -> list[str]:
    """Class names from cls up to (not including) Exception."""
    return [c.__name__ for c in cls.__mro__[: cls.__mro__.index(Exception)]]


def test_errors_module_is_generated_from_the_table() -> None:
    text = Path(errors.__file__).read_text(encoding="utf-8")
    assert text == sqlstates.render_errors_module(), "run `python orbitdb/sqlstates.py`"


def test_table_is_postgresql_15s_list() -> None:
    if not ERRCODES.exists():
        pytest.skip(f"{ERRCODES} (PostgreSQL 15's server files) is not installed")
    listed = set()
    for line in ERRCODES.read_text().splitlines():
        fields = line.split()
        # a code with a condition name; class 00 is success, class 01 warnings
        if len(fields) == 4 and len(fields[0]) == 5 and fields[0][:2] not in ("00", "01"):
            listed.add(fields[0])
    table = [row[0] for row in sqlstates.SQLSTATES]
    assert len(table) == len(set(table))
    assert set(table) == listed


def test_sample_classes_match_psycopg2() -> None:
    for sqlstate, name in SAMPLE.items():
        ours = errors.lookup(sqlstate)
        theirs = psycopg2.errors.lookup(sqlstate)
        assert ours.__name__ == theirs.__name__ == name
        assert getattr(errors, name) is ours
        assert _chain(ours) == _chain(theirs)
        assert ours.sqlstate == sqlstate


def test_every_class_matches_psycopg2() -> None:
    """Same class name and same PEP 249 bases (the whole chain up to Error) for every SQLSTATE
    that both know."""
    compared = 0
    for sqlstate, name, base in sqlstates.SQLSTATES:
        ours = errors.lookup(sqlstate)
        assert ours.__name__ == name and ours.__mro__[1] is getattr(exceptions, base)
        try:
            theirs = psycopg2.errors.lookup(sqlstate)
        except KeyError:
            continue
        assert (sqlstate, _chain(ours)) == (sqlstate, _chain(theirs))
        compared += 1
    assert compared > 200


def test_unknown_codes() -> None:
    with pytest.raises(KeyError):
        errors.lookup("22ZZZ")
    assert errors.for_sqlstate("22ZZZ") is errors.DataException  # the class of its SQLSTATE class
    assert errors.for_sqlstate("ZZ000") is orbitdb.DatabaseError
    plain = errors.UniqueViolation("duplicate")
    assert (plain.sqlstate, plain.pgcode) == ("23505", "23505")


def _raises(cur: Any, sql: str, cls: type, base: type) -> orbitdb.Error:
    with pytest.raises(cls) as info:
        cur.execute(sql)
    error = info.value
    assert type(error) is cls
    assert isinstance(error, base)
    assert error.sqlstate == error.pgcode == cls.sqlstate
    return error


def test_failing_statements_raise_the_specific_class(con: Any) -> None:
    con.autocommit = True
    cur = con.cursor()
    cur.execute("CREATE TABLE parent (id int PRIMARY KEY)")
    cur.execute("CREATE TABLE child (id int PRIMARY KEY, p int REFERENCES parent, n int NOT NULL CHECK (n > 0))")
    cur.execute("INSERT INTO parent VALUES (1)")
    cur.execute("INSERT INTO child VALUES (1, 1, 1)")
    _raises(cur, "INSERT INTO parent VALUES (1)", errors.UniqueViolation, orbitdb.IntegrityError)
    _raises(cur, "INSERT INTO child VALUES (2, 9, 1)", errors.ForeignKeyViolation, orbitdb.IntegrityError)
    _raises(cur, "INSERT INTO child VALUES (2, 1, NULL)", errors.NotNullViolation, orbitdb.IntegrityError)
    _raises(cur, "INSERT INTO child VALUES (2, 1, -1)", errors.CheckViolation, orbitdb.IntegrityError)
    _raises(cur, "SELECT * FROM missing", errors.UndefinedTable, orbitdb.ProgrammingError)
    _raises(cur, "SELECT nope FROM parent", errors.UndefinedColumn, orbitdb.ProgrammingError)
    _raises(cur, "SELEC 1", errors.SyntaxError, orbitdb.ProgrammingError)
    _raises(cur, "SELECT 1 / 0", errors.DivisionByZero, orbitdb.DataError)
    _raises(cur, "SELECT 'x'::int", errors.InvalidTextRepresentation, orbitdb.DataError)
    _raises(cur, "SELECT 2147483647::int + 1", errors.NumericValueOutOfRange, orbitdb.DataError)
    cur.execute("SET statement_timeout = 50")
    error = _raises(cur, "SELECT pg_sleep(5)", errors.QueryCanceled, orbitdb.QueryCanceledError)
    assert isinstance(error, orbitdb.OperationalError)


def test_failed_transaction_and_serialization_failure(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    a, b = orbitdb.connect(path), orbitdb.connect(path)
    try:
        setup = a.cursor()
        setup.execute("CREATE TABLE t (id int PRIMARY KEY, v int)")
        setup.execute("INSERT INTO t VALUES (1, 0)")
        a.commit()
        ca, cb = a.cursor(), b.cursor()
        ca.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        ca.execute("SELECT v FROM t WHERE id = 1")
        cb.execute("UPDATE t SET v = 1 WHERE id = 1")
        b.commit()
        error = _raises(ca, "UPDATE t SET v = 2 WHERE id = 1", errors.SerializationFailure,
                        orbitdb.TransactionRollbackError)
        assert isinstance(error, orbitdb.OperationalError)
        _raises(ca, "SELECT 1", errors.InFailedSqlTransaction, orbitdb.InternalError)
        a.rollback()
    finally:
        a.close()
        b.close()


def test_deadlock_detected(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    a, b = orbitdb.connect(path), orbitdb.connect(path)
    try:
        setup = a.cursor()
        setup.execute("CREATE TABLE t (id int PRIMARY KEY, v int)")
        setup.execute("INSERT INTO t VALUES (1, 0), (2, 0)")
        a.commit()
        ca, cb = a.cursor(), b.cursor()
        for cur in (ca, cb):
            cur.execute("SET deadlock_timeout = 50")
        ca.execute("UPDATE t SET v = 1 WHERE id = 1")
        cb.execute("UPDATE t SET v = 1 WHERE id = 2")
        failures: list[BaseException] = []

        def second_lock() -> None:
            try:
                cb.execute("UPDATE t SET v = 2 WHERE id = 1")
            except orbitdb.Error as e:
                failures.append(e)
                b.rollback()  # the victim's rollback lets the other go on

        waiter = threading.Thread(target=second_lock)
        waiter.start()
        try:
            ca.execute("UPDATE t SET v = 2 WHERE id = 2")
        except orbitdb.Error as e:
            failures.append(e)
            a.rollback()
        waiter.join(timeout=30)
        assert not waiter.is_alive()
        assert len(failures) == 1  # one victim; the other got its lock
        assert type(failures[0]) is errors.DeadlockDetected
        assert isinstance(failures[0], orbitdb.TransactionRollbackError)
    finally:
        a.rollback()
        b.rollback()
        a.close()
        b.close()


def test_python_exception_is_internal_error_naming_the_statement(con: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(self: Session, st: Any, *args: Any) -> Any:
        raise AttributeError("'NoneType' object has no attribute 'x'")

    monkeypatch.setattr(Session, "_dispatch", failing)
    error = _raises(con.cursor(), "SELECT 'marker'", errors.InternalError_, orbitdb.InternalError)
    assert "SELECT 'marker'" in str(error)
    assert "NoneType" not in str(error)


def test_engine_failure_keeps_its_sqlstate(con: Any) -> None:
    """An engine error under a statement (here: the engine closed beneath the connection) reaches
    the user with the SQLSTATE storage gives it, not as an internal error; a scan it cuts short
    fails rather than ending early."""
    con.autocommit = True
    cur = con.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY)")
    cur.execute("INSERT INTO t SELECT generate_series(1, 20000)")
    cur.execute("SELECT id FROM t")
    assert cur.fetchone() == (1,)
    con._session.store.engine.close()
    try:
        rest = cur.fetchall()
    except errors.ConnectionDoesNotExist as e:
        assert "closed" in str(e)
    else:
        assert len(rest) == 19999  # every row was read before the close
    for sql in ("SELECT count(*) FROM t", "INSERT INTO t VALUES (0)"):
        error = _raises(cur, sql, errors.ConnectionDoesNotExist, orbitdb.OperationalError)
        assert "closed" in str(error)
