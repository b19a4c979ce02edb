"""PostgreSQL's limits and errors where the compat corpus (tests/compat/corpus/30_limits.sql)
cannot reach them: parameters (DB-API, and text and binary Bind over the wire), COPY input,
notices over the wire, numeric precision in every thread, a Python exception from a deliberately
failing internal path (XX000 naming the statement, its traceback logged, never its Python text),
and orbitdb.connect() on a server's data directory. Where PostgreSQL has an answer, it is asked."""

from __future__ import annotations

import datetime
import decimal
import io
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from pg_reference import PgServer, ServerProcess, reference_pg
from pgproto import SYNC, RawClient, bind, error_fields, execute, parse

import orbitdb
from orbitdb.sql.errors import statement_excerpt
from orbitdb.sql.session.database import Database
from orbitdb.sql.session.session import Session

__all__ = ["reference_pg"]  # the fixture, imported for pytest

TEXT_OID, UNKNOWN_OID = 25, 0
LONG_TABLE = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_long_name"


@pytest.fixture(scope="module")
def orbit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path_factory.mktemp("limits") / "data").wait_ready()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pg_database(reference_pg: PgServer) -> str:
    return reference_pg.create_database("limits")


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[orbitdb.Connection]:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    yield c
    c.close()


def _pg_connect(reference_pg: PgServer, database: str) -> Any:
    c = reference_pg.connect(database)
    c.autocommit = True
    return c


def _orbit_connect(server: ServerProcess) -> Any:
    c = psycopg2.connect(host=server.host, port=server.port, user="orbit", dbname="actors")
    c.autocommit = True
    return c


def _failure(cursor: Any, sql: str, params: Any = None) -> tuple[str, str]:
    """(SQLSTATE, message) of a statement that must fail."""
    with pytest.raises(psycopg2.Error) as info:
        cursor.execute(sql, params)
    return info.value.pgcode, info.value.diag.message_primary


# --- parameters ---------------------------------------------------------------------------------


def _bind_error(host: str, port: int, user: str, database: str, value: bytes, fmt: int, oid: int) -> dict[str, str]:
    """The ErrorResponse fields for Parse/Bind/Execute of SELECT $1 with one raw parameter."""
    client = RawClient(host, port)
    try:
        client.startup({"user": user, "database": database})
        client.send(parse("SELECT $1", oids=(oid,)) + bind(params=(value,), param_formats=(fmt,)) + execute() + SYNC)
        messages = client.read_until("Z")
    finally:
        client.close()
    errors = [error_fields(body) for kind, body in messages if kind == "E"]
    assert errors, f"no error for {value!r}: {[kind for kind, _ in messages]}"
    return errors[0]


@pytest.mark.parametrize(("value", "fmt", "oid"), [
    (b"a\x00b", 0, TEXT_OID), (b"a\x00b", 0, UNKNOWN_OID), (b"a\x00b", 1, TEXT_OID), (b"\xff", 0, TEXT_OID),
    (b"ok\xc3", 1, TEXT_OID), (b"\xc3\x28", 0, TEXT_OID), (b"\xe2\x82", 1, TEXT_OID),
])
def test_nul_and_invalid_utf8_in_bind_parameters_as_postgresql(
        orbit_server: ServerProcess, reference_pg: PgServer, pg_database: str, value: bytes, fmt: int, oid: int) -> None:
    ours = _bind_error(orbit_server.host, orbit_server.port, "orbit", "actors", value, fmt, oid)
    theirs = _bind_error("127.0.0.1", reference_pg.port, "postgres", pg_database, value, fmt, oid)
    assert (ours["C"], ours["M"]) == (theirs["C"], theirs["M"]) == (ours["C"], ours["M"])
    assert ours["C"] == "22021"


def test_nul_in_dbapi_parameters_is_22021_and_changes_nothing(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (a text, tags text[])")
    for sql, params in [("SELECT %s", ["a\x00b"]), ("INSERT INTO t VALUES (%s, NULL)", ["x\x00"]),
                        ("INSERT INTO t VALUES ('x', %s)", [["ok", "b\x00"]]),
                        ("INSERT INTO t VALUES ('x', %s)", [[["ok"], ["b\x00"]]])]:
        with pytest.raises(orbitdb.DataError) as info:
            cur.execute(sql, params)
        assert (info.value.sqlstate, str(info.value)) == ("22021", 'invalid byte sequence for encoding "UTF8": 0x00')
    with pytest.raises(orbitdb.DataError) as info:
        cur.executemany("INSERT INTO t VALUES (%s, NULL)", [["fine"], ["bad\x00"]])
    assert info.value.sqlstate == "22021"
    cur.execute("SELECT count(*) FROM t")
    assert cur.fetchone() == (0,)
    cur.execute("SELECT %s, %s", ["a\\000b", "é"])  # an escape in the text is just text
    assert cur.fetchone() == ("a\\000b", "é")


def test_array_parameters_of_seven_dimensions_are_54000(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    six = [[[[[[1]]]]]]
    cur.execute("SELECT array_ndims(%s)", [six])
    assert cur.fetchone() == (6,)
    with pytest.raises(orbitdb.OperationalError) as info:
        cur.execute("SELECT array_ndims(%s)", [[six]])
    assert (info.value.sqlstate, str(info.value)) == (
        "54000", "number of array dimensions (7) exceeds the maximum allowed (6)")


def test_huge_integer_parameters_are_numerics(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    big = 10**5000 + 1
    cur.execute("SELECT %s::numeric % 7, length(%s::text)", [big, big])
    assert cur.fetchone() == (decimal.Decimal(big % 7), 5001)


# --- COPY ---------------------------------------------------------------------------------------

COPY_CASES = [b"a\x00b\n", b"a\\000b\n", b"\\xff\n", b"\xff\n", b"ok\xc3", b"x\xc3\x28\n", b"\\303\\251\n"]


@pytest.mark.parametrize("data", COPY_CASES)
def test_copy_input_as_postgresql(conn: orbitdb.Connection, reference_pg: PgServer, pg_database: str,
                                  data: bytes) -> None:
    theirs = _pg_connect(reference_pg, pg_database)
    try:
        pg = theirs.cursor()
        pg.execute("DROP TABLE IF EXISTS copied; CREATE TABLE copied (a text)")
        cur = conn.cursor()
        cur.execute("CREATE TABLE copied (a text)")
        try:
            pg.copy_expert("COPY copied FROM STDIN", io.BytesIO(data))
            expected: Any = None
        except psycopg2.Error as e:
            expected = (e.pgcode, e.diag.message_primary)
        try:
            cur.copy_expert("COPY copied FROM STDIN", io.BytesIO(data))
            got: Any = None
        except orbitdb.Error as e:
            got = (e.sqlstate, str(e))
        assert got == expected
        pg.execute("SELECT a FROM copied")
        cur.execute("SELECT a FROM copied")
        assert cur.fetchall() == pg.fetchall()
    finally:
        theirs.close()


# --- notices and numerics over the wire ---------------------------------------------------------


def test_identifier_notices_over_the_wire_as_postgresql(orbit_server: ServerProcess, reference_pg: PgServer,
                                                        pg_database: str) -> None:
    sides = [_orbit_connect(orbit_server), _pg_connect(reference_pg, pg_database)]
    try:
        seen = []
        for c in sides:
            cur = c.cursor()
            cur.execute(f"DROP TABLE IF EXISTS {LONG_TABLE[:63]}")
            del c.notices[:]
            cur.execute(f'CREATE TABLE {LONG_TABLE} ("{"É" * 40}" int)')
            created = list(c.notices)
            del c.notices[:]
            code, _ = _failure(cur, f"INSERT INTO {LONG_TABLE} VALUES ('no')")
            before_error = list(c.notices)
            seen.append((created, code, before_error))
        assert seen[0] == seen[1]
        assert len(seen[0][0]) == 2 and seen[0][1] == "22P02" and len(seen[0][2]) == 1
    finally:
        for c in sides:
            c.close()


def test_numeric_precision_in_server_threads_as_postgresql(orbit_server: ServerProcess, reference_pg: PgServer,
                                                           pg_database: str) -> None:
    sql = ("SELECT 123456789012345678901234567890.5 + 1, 99999999999999999999999999999999::numeric * 3, "
           "1e40::numeric / 3, '1e100'::jsonb, 2::numeric ^ 200")
    answers = []
    for c in (_orbit_connect(orbit_server), _pg_connect(reference_pg, pg_database)):
        try:
            cur = c.cursor()
            cur.execute(sql)
            answers.append(cur.fetchone())
        finally:
            c.close()
    assert answers[0] == answers[1]


def test_numeric_precision_in_any_thread_of_the_program(conn: orbitdb.Connection) -> None:
    got: list[Any] = []

    def run() -> None:
        cur = conn.cursor()
        cur.execute("SELECT 123456789012345678901234567890.5 + 1")
        got.append(cur.fetchone()[0])
        got.append(decimal.getcontext().prec)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert got == [decimal.Decimal("123456789012345678901234567891.5"), 28]  # the thread's own context is back


# --- XX000: a Python exception never reaches a client as Python ---------------------------------


def _fail_on(marker: str, exc: BaseException, monkeypatch: pytest.MonkeyPatch) -> None:
    """Session._dispatch raises exc for statements containing marker: a deliberately failing
    internal path."""
    original = Session._dispatch

    def failing(self: Session, st: Any, *args: Any) -> Any:
        if marker in st.text:
            raise exc
        return original(self, st, *args)

    monkeypatch.setattr(Session, "_dispatch", failing)


def _internal_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "orbitdb.sql" and r.levelno == logging.ERROR]


def test_a_python_exception_is_xx000_naming_the_statement(conn: orbitdb.Connection, monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    _fail_on("boom", KeyError("secret internals"), monkeypatch)
    caplog.set_level(logging.ERROR, logger="orbitdb.sql")
    cur = conn.cursor()
    sql = "SELECT 'boom' AS a_rather_long_column_name_that_goes_on_and_on, 2"
    with pytest.raises(orbitdb.InternalError) as info:
        cur.execute(sql)
    error = info.value
    assert error.sqlstate == "XX000"
    assert str(error) == 'internal error in statement "SELECT \'boom\' AS a_rather_long_column_na..."'
    assert "KeyError" not in str(error) and "secret" not in str(error) and "secret" not in (error.hint or "")
    records = _internal_records(caplog)
    assert len(records) == 1 and records[0].exc_info is not None
    assert isinstance(records[0].exc_info[1], KeyError)
    assert "SELECT 'boom'" in records[0].getMessage()
    cur.execute("SELECT 1")  # the connection goes on
    assert cur.fetchone() == (1,)


def test_an_internal_error_aborts_the_transaction_block_as_errors_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_on("boom", IndexError("list index out of range"), monkeypatch)
    c = orbitdb.connect(str(tmp_path / "db"))
    try:
        cur = c.cursor()
        cur.execute("CREATE TABLE t (a int)")
        cur.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(orbitdb.InternalError):
            cur.execute("SELECT 'boom'")
        with pytest.raises(orbitdb.InternalError) as info:
            cur.execute("SELECT 1")
        assert info.value.sqlstate == "25P02"
        c.rollback()
        cur.execute("SELECT count(*) FROM pg_class WHERE relname = 't'")
        assert cur.fetchone() == (0,)
    finally:
        c.close()


def test_memory_error_is_53200(conn: orbitdb.Connection, monkeypatch: pytest.MonkeyPatch,
                               caplog: pytest.LogCaptureFixture) -> None:
    _fail_on("boom", MemoryError(), monkeypatch)
    caplog.set_level(logging.ERROR, logger="orbitdb.sql")
    with pytest.raises(orbitdb.OperationalError) as info:
        conn.cursor().execute("SELECT 'boom'")
    assert (info.value.sqlstate, str(info.value)) == ("53200", "out of memory")
    assert _internal_records(caplog)


def test_a_python_exception_outside_execution_is_xx000_too(conn: orbitdb.Connection,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(self: Session, st: Any, types: Any) -> Any:
        raise ZeroDivisionError("division by zero in the planner")

    monkeypatch.setattr(Session, "_prepare_stmt", failing)
    with pytest.raises(orbitdb.InternalError) as info:
        conn.cursor().execute("SELECT %s + 1", [1])
    assert info.value.sqlstate == "XX000" and "ZeroDivision" not in str(info.value)
    assert str(info.value) == 'internal error in statement "SELECT %s + 1"'


def test_a_python_exception_over_the_wire_is_xx000_and_the_connection_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from orbitdb.pgwire.server import Server

    _fail_on("boom", ValueError("Exceeds the limit (4300 digits) for integer string conversion"), monkeypatch)
    caplog.set_level(logging.ERROR, logger="orbitdb.sql")
    db = Database.open(str(tmp_path / "db"))
    server = Server(db, host="127.0.0.1", port=0)
    server.bind()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        c = psycopg2.connect(host="127.0.0.1", port=server.port, user="orbit", dbname="actors")
        c.autocommit = True
        cur = c.cursor()
        code, message = _failure(cur, "SELECT 'boom'")
        assert (code, message) == ("XX000", "internal error in statement \"SELECT 'boom'\"")
        assert "4300" not in message
        code, message = _failure(cur, "SELECT 'boom' WHERE $1 = 1", (1,))
        assert code == "XX000"
        cur.execute("SELECT 41 + 1")
        assert cur.fetchone() == (42,)
        c.close()
        records = _internal_records(caplog)
        assert len(records) == 2 and all(isinstance(r.exc_info[1], ValueError) for r in records if r.exc_info)
    finally:
        server.request_stop()
        thread.join(10)
        server.close()
        db.close()


def test_statement_excerpts_are_short_one_line_and_keep_passwords_out() -> None:
    assert statement_excerpt("SELECT 1") == "SELECT 1"
    assert statement_excerpt("SELECT\n    a,\n\tb FROM t") == "SELECT a, b FROM t"
    assert statement_excerpt("SELECT " + "x" * 100) == "SELECT " + "x" * 33 + "..."
    assert statement_excerpt("ALTER ROLE bob PASSWORD 'hunter2'") == "ALTER ROLE bob..."
    assert statement_excerpt("CREATE USER al WITH ENCRYPTED PASSWORD 'x'") == "CREATE USER al WITH..."
    assert statement_excerpt("") == ""


# --- orbitdb.connect() on a server's data directory ---------------------------------------------


def _root_files(data: Path) -> set[str]:
    return {p.name for p in data.iterdir()}


def test_connect_on_a_running_servers_data_dir_fails_naming_its_lock(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServerProcess(data).wait_ready()
    try:
        with _orbit_connect(server) as c, c.cursor() as cur:
            cur.execute("CREATE TABLE served (x int); INSERT INTO served VALUES (42)")
        before = _root_files(data)
        with pytest.raises(orbitdb.OperationalError) as info:
            orbitdb.connect(str(data))
        assert info.value.sqlstate == "55006"
        assert str(data / "databases.lock") in str(info.value) and "orbitdb serve" in (info.value.hint or "")
        assert _root_files(data) == before and "CURRENT" not in before  # no second database beside it
    finally:
        server.stop()


def test_connect_on_a_stopped_servers_data_dir_opens_its_databases(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServerProcess(data).wait_ready()
    try:
        server.psql("-c", "CREATE TABLE served (x int)", "-c", "INSERT INTO served VALUES (42)",
                    "-c", "CREATE DATABASE other")
        server.psql("-c", "CREATE TABLE o (y text)", "-c", "INSERT INTO o VALUES ('hi')", "-d", "other")
    finally:
        server.stop()
    c = orbitdb.connect(str(data))
    other = orbitdb.connect(str(data), database="other")
    try:
        cur = c.cursor()
        cur.execute("SELECT x, current_database() FROM served")
        assert cur.fetchall() == [(42, "actors")]
        cur = other.cursor()
        cur.execute("SELECT y, current_database() FROM o")
        assert cur.fetchall() == [("hi", "other")]
        for name, state in (("nope", "3D000"), ("template0", "55000")):
            with pytest.raises(orbitdb.OperationalError) as info:
                orbitdb.connect(str(data), database=name)
            assert info.value.sqlstate == state
        # while the program has it open, a server cannot start on it
        blocked = ServerProcess(data)
        assert blocked.proc.wait(30) != 0
        assert "databases.lock" in blocked.log() and "in use" in blocked.log()
    finally:
        c.close()
        other.close()
    assert "CURRENT" not in _root_files(data)
    server = ServerProcess(data).wait_ready()  # and once the program is done, the server starts again
    try:
        assert server.psql("-At", "-c", "SELECT x FROM served").stdout.strip() == "42"
    finally:
        server.stop()


def test_connect_on_a_data_dir_from_before_databases_opens_its_postgresql_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = orbitdb.connect(str(data / "postgresql"))
    old.cursor().execute("CREATE TABLE kept (x int)")
    old.commit()
    old.close()
    c = orbitdb.connect(str(data))
    try:
        cur = c.cursor()
        cur.execute("SELECT count(*) FROM kept")
        assert cur.fetchone() == (0,)
    finally:
        c.close()
    assert "CURRENT" not in _root_files(data)


def test_a_database_name_for_a_plain_directory_is_3d000(tmp_path: Path) -> None:
    path = tmp_path / "plain"
    with pytest.raises(orbitdb.OperationalError) as info:
        orbitdb.connect(str(path), database="other")
    assert (info.value.sqlstate, str(info.value)) == ("3D000", 'database "other" does not exist')
    assert not os.path.exists(path)
    c = orbitdb.connect(str(path), database="actors")
    try:
        cur = c.cursor()
        cur.execute("SELECT current_database()")
        assert cur.fetchone() == ("actors",)
    finally:
        c.close()


# --- found by the hostile-client fuzzers ----------------------------------------------------------


@pytest.mark.parametrize("sql", ["SELECT $$abc", "SELECT $q$abc$$", "SELECT 1 + $", "SELECT $_x FROM t"])
def test_dollar_without_a_parameter_number_as_postgresql(conn: orbitdb.Connection, reference_pg: PgServer,
                                                         pg_database: str, sql: str) -> None:
    """An unterminated dollar quote, and a "$" that starts neither a quote nor a parameter (these
    cannot go in the compat corpus: its statements are split at semicolons)."""
    with pytest.raises(orbitdb.ProgrammingError) as info:
        conn.cursor().execute(sql)
    expected = _failure(_pg_connect(reference_pg, pg_database).cursor(), sql)
    assert (info.value.sqlstate, str(info.value)) == expected


def test_interval_beyond_a_python_timedelta_is_a_data_error(conn: orbitdb.Connection) -> None:
    """DB-API hands intervals out as datetime.timedelta, which holds at most 999999999 days:
    beyond it the fetch fails with 22008 (psycopg2 lets OverflowError escape); as text it works."""
    cur = conn.cursor()
    for sql in ("SELECT '178000000 years'::interval", "SELECT ARRAY['-2147483648 days'::interval]"):
        with pytest.raises(orbitdb.DataError) as info:
            cur.execute(sql)
        assert info.value.sqlstate == "22008"
    cur.execute("SELECT '-2147483648 days'::interval::text, '999999999 days'::interval")
    assert cur.fetchall() == [("-2147483648 days", datetime.timedelta(days=999999999))]


def test_thirty_nested_array_constructors_as_postgresql(conn: orbitdb.Connection, reference_pg: PgServer,
                                                       pg_database: str) -> None:
    """sqlglot alone parses nested ARRAY[ in 2^depth steps (this one for days, deaf to
    statement_timeout); PostgreSQL answers at once that 30 dimensions are too many."""
    sql = "SELECT ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
    with pytest.raises(orbitdb.OperationalError) as info:
        conn.cursor().execute(sql)
    expected = _failure(_pg_connect(reference_pg, pg_database).cursor(), sql)
    assert (info.value.sqlstate, str(info.value)) == expected


def test_fetchall_is_one_statement_for_statement_timeout(conn: orbitdb.Connection) -> None:
    """A fetch call is timed as a statement, whatever the batches it takes: fetchall() of a long
    query stops with 57014 instead of filling memory (each 1000-row batch alone is quick)."""
    cur = conn.cursor()
    cur.execute("SET statement_timeout = '500ms'")
    with pytest.raises(orbitdb.OperationalError) as info:
        cur.execute("SELECT pg_sleep(0.0002) FROM generate_series(1, 20000)")
        cur.fetchall()
    assert info.value.sqlstate == "57014"
