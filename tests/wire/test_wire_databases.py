"""Separate databases over the wire: connecting to a missing one is FATAL 3D000; `actors`,
`postgres`, `template1` (and the unconnectable `template0`) exist; CREATE/DROP/ALTER DATABASE make,
remove and rename separate databases that survive restarts and kill -9. What is PostgreSQL's
behaviour is compared with a real PostgreSQL 15 (psql's and psycopg2's output, SQLSTATEs and
messages)."""

from __future__ import annotations

import json
import os
import re
import signal
import struct
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from pgproto import RawClient, error_fields, startup_packet
from wire_support import ServerProcess, needs_psycopg3, psycopg

import orbitdb


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("databases") / "data").wait_ready()
    yield proc
    if proc.proc.poll() is None:
        proc.stop()


def _fields(dsn: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in dsn.split())


def _dsn(target: Any, dbname: str) -> str:
    """A libpq connection string for a database of orbitdb (a ServerProcess) or of the reference."""
    if isinstance(target, str):
        f = _fields(target)
        return f"host={f['host']} port={f['port']} user={f['user']} dbname={dbname}"
    return f"host={target.host} port={target.port} user=orbit dbname={dbname}"


def _connect(target: Any, dbname: str = "", autocommit: bool = True) -> Any:
    if not dbname:
        dbname = "postgres" if isinstance(target, str) else "actors"
    conn = psycopg2.connect(_dsn(target, dbname))
    conn.autocommit = autocommit
    return conn


@contextmanager
def _db(target: Any, dbname: str = "") -> Iterator[Any]:
    """An autocommit connection, closed at the end (psycopg2's own `with` only ends a transaction)."""
    conn = _connect(target, dbname)
    try:
        yield conn
    finally:
        conn.close()


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall() if cur.description else []


def _outcome(conn: Any, sql: str) -> tuple[str, ...]:
    """("ok", status, notices...) or (SQLSTATE, message, detail, hint): what a client sees."""
    del conn.notices[:]
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return ("ok", cur.statusmessage, *[n.strip() for n in conn.notices])
    except psycopg2.Error as exc:
        diag = exc.diag
        return (exc.pgcode or "", diag.message_primary or "", diag.message_detail or "", diag.message_hint or "")


def _psql(target: Any, dbname: str, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PGCONNECT_TIMEOUT="10", PAGER="", COLUMNS="200", LC_ALL="C.UTF-8")
    return subprocess.run(["psql", "-X", _dsn(target, dbname), *args], input=input, capture_output=True,
                          text=True, env=env, timeout=60, check=False)


def _port_free(text: str) -> str:
    return re.sub(r"port \d+", "port PORT", text)


def _registry(data_dir: Path) -> dict[str, Any]:
    return json.loads((data_dir / "databases.json").read_text())


# --- connecting ---------------------------------------------------------------------------------


def _startup_answer(host: str, port: int, user: str, database: str) -> list[tuple[str, dict[str, str] | bytes]]:
    client = RawClient(host, port)
    client.send(startup_packet({"user": user, "database": database}))
    out: list[tuple[str, dict[str, str] | bytes]] = []
    try:
        while True:
            kind, body = client.read()
            if kind == "E":
                fields = error_fields(body)
                out.append((kind, {k: v for k, v in fields.items() if k in "SVCM"}))  # not file/line/routine
            else:
                out.append((kind, body))
            if kind in "EZ":
                break
        assert client.closed() if kind == "E" else True
    finally:
        client.close()
    return out


@pytest.mark.parametrize("database", ["nosuch", "Actors", "template0"])
def test_connecting_to_a_database_that_cannot_be_connected_to_is_fatal(server, reference, database):
    f = _fields(reference)
    expected = _startup_answer(f["host"], int(f["port"]), f["user"], database)
    got = _startup_answer(server.host, server.port, "orbit", database)
    # PostgreSQL authenticates first (AuthenticationOk), then looks the database up
    assert got == expected
    assert got[0] == ("R", struct.pack("!i", 0)) and got[1][0] == "E"


def test_psql_and_psycopg2_report_a_missing_database_as_against_postgresql(server, reference):
    ours, theirs = _psql(server, "nosuch", "-c", "SELECT 1"), _psql(reference, "nosuch", "-c", "SELECT 1")
    assert (ours.returncode, _port_free(ours.stderr)) == (theirs.returncode, _port_free(theirs.stderr))
    assert 'FATAL:  database "nosuch" does not exist' in ours.stderr
    errors = []
    for target in (server, reference):
        with pytest.raises(psycopg2.OperationalError) as info:
            _connect(target, "nosuch")
        errors.append(_port_free(str(info.value)))
    assert errors[0] == errors[1]


def test_default_databases_are_postgresql_s_plus_actors(server, reference):
    columns = ("datname, datistemplate, datallowconn, datconnlimit, encoding, datlocprovider, datcollate, "
               "datctype, daticulocale, datcollversion, datacl::text, pg_get_userbyid(datdba)")
    sql = f"SELECT {columns} FROM pg_database WHERE datname IN ('postgres', 'template0', 'template1') ORDER BY oid"
    with _db(server) as ours, _db(reference) as theirs:
        assert _rows(ours, sql) == _rows(theirs, sql)
        oids = "SELECT oid, datname FROM pg_database WHERE datname <> 'actors' ORDER BY oid"
        assert _rows(ours, oids) == _rows(theirs, oids)
        assert _rows(ours, "SELECT datname, pg_get_userbyid(datdba), datistemplate, datallowconn FROM pg_database "
                           "WHERE datname = 'actors'") == [("actors", "orbit", False, True)]
    # psql's \l: PostgreSQL's listing, plus actors
    ours_l = _psql(server, "actors", "-c", "\\l").stdout
    theirs_l = _psql(reference, "postgres", "-c", "\\l").stdout
    actors_line = " actors    | orbit    | UTF8     | C       | C     |            | libc            | \n"
    assert actors_line in ours_l
    assert ours_l.replace(actors_line, "").replace("(4 rows)", "(3 rows)") == theirs_l


@pytest.mark.parametrize("database", ["postgres", "template1"])
def test_postgres_and_template1_are_connectable_empty_databases(server, database):
    with _db(server, database) as conn:
        assert _rows(conn, "SELECT current_database()") == [(database,)]
        assert _rows(conn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]


# --- CREATE DATABASE: a separate database -------------------------------------------------------


def test_a_created_database_is_separate_from_actors(server):
    with _db(server) as actors:
        assert _outcome(actors, "CREATE DATABASE sep") == ("ok", "CREATE DATABASE")
        _rows(actors, "CREATE TABLE only_in_actors (a int)")
        _rows(actors, "INSERT INTO only_in_actors VALUES (1)")
        with _db(server, "sep") as sep:
            assert _rows(sep, "SELECT current_database()") == [("sep",)]
            assert _outcome(sep, "SELECT * FROM only_in_actors")[0] == "42P01"
            _rows(sep, "CREATE TABLE only_in_actors (b text)")  # the same name, another table
            _rows(sep, "INSERT INTO only_in_actors VALUES ('sep')")
            _rows(sep, "CREATE TABLE only_in_sep (c int)")
            assert _rows(sep, "SELECT * FROM only_in_actors") == [("sep",)]
        assert _rows(actors, "SELECT * FROM only_in_actors") == [(1,)]
        assert _outcome(actors, "SELECT * FROM only_in_sep")[0] == "42P01"
        assert ("sep",) in _rows(actors, "SELECT datname FROM pg_database")
    out = _psql(server, "actors", input="\\c sep\nSELECT current_database();\n\\dt\n")
    assert 'You are now connected to database "sep" as user "orbit".' in out.stdout
    assert " sep\n" in out.stdout and "only_in_sep" in out.stdout and out.returncode == 0


def test_psql_connect_switches_between_databases(server, reference):
    for target, home in ((server, "actors"), (reference, "postgres")):
        with _db(target, home) as conn:
            _rows(conn, "CREATE DATABASE switch_a")
    outputs = []
    for target, home in ((server, "actors"), (reference, "postgres")):
        out = _psql(target, home, input="\\c switch_a\nSELECT current_database();\n\\c nosuch\nSELECT 1;\n")
        user = "orbit" if target is server else "postgres"
        outputs.append((out.stdout.replace(f'user "{user}"', 'user "U"'), _port_free(out.stderr)))
    assert outputs[0] == outputs[1]
    assert 'database "nosuch" does not exist' in outputs[0][1]


def test_template_copies_its_tables(server):
    with _db(server) as actors:
        _rows(actors, "CREATE DATABASE tpl_src")
        with _db(server, "tpl_src") as src:
            _rows(src, "CREATE TABLE kept (id int PRIMARY KEY, v text)")
            _rows(src, "INSERT INTO kept VALUES (1, 'one'), (2, 'two')")
            assert _outcome(src, "CREATE DATABASE tpl_self TEMPLATE tpl_src")[0] == "0A000"
        assert _outcome(actors, "CREATE DATABASE tpl_copy TEMPLATE tpl_src") == ("ok", "CREATE DATABASE")
        assert _outcome(actors, "CREATE DATABASE tpl_empty TEMPLATE template0") == ("ok", "CREATE DATABASE")
    with _db(server, "tpl_copy") as copy:
        assert _rows(copy, "SELECT * FROM kept ORDER BY id") == [(1, "one"), (2, "two")]
        _rows(copy, "INSERT INTO kept VALUES (3, 'three')")
    with _db(server, "tpl_src") as src:
        assert _rows(src, "SELECT count(*) FROM kept") == [(2,)]  # the copy is separate
    with _db(server, "tpl_empty") as empty:
        assert _outcome(empty, "SELECT * FROM kept")[0] == "42P01"


# --- PostgreSQL's answers, statement by statement -----------------------------------------------

# (statement, run in database) pairs; each runs on both servers in order, autocommit
_SCRIPT = [
    "CREATE DATABASE cmp_a",
    "CREATE DATABASE cmp_a",
    ('CREATE DATABASE "Cmp B" WITH TEMPLATE = template0 ENCODING = \'UTF8\' LC_COLLATE = \'C\' LC_CTYPE \'C\' '
    "CONNECTION LIMIT = 5 IS_TEMPLATE false ALLOW_CONNECTIONS true STRATEGY = wal_log"),
    "CREATE DATABASE cmp_c ENCODING 'foo'",
    "CREATE DATABASE cmp_c ENCODING 99",
    "CREATE DATABASE cmp_c ENCODING ''",
    "CREATE DATABASE cmp_c TEMPLATE nosuch",
    "CREATE DATABASE cmp_c OWNER nosuch",
    "CREATE DATABASE cmp_c foo 1",
    "CREATE DATABASE cmp_c OWNER a OWNER b",
    "CREATE DATABASE cmp_c CONNECTION LIMIT -5",
    "CREATE DATABASE cmp_c CONNECTION LIMIT '5'",
    "CREATE DATABASE cmp_c IS_TEMPLATE maybe",
    "CREATE DATABASE cmp_c STRATEGY bogus",
    "CREATE DATABASE cmp_c TABLESPACE nosuch",
    "CREATE DATABASE cmp_c TABLESPACE pg_global",
    "CREATE DATABASE cmp_c OID 100",
    "CREATE DATABASE cmp_c OID 'abc'",
    "CREATE DATABASE cmp_c LOCALE_PROVIDER bogus",
    "CREATE DATABASE cmp_c TEMPLATE template0 LOCALE_PROVIDER libc ICU_LOCALE 'en'",
    "CREATE DATABASE cmp_c LC_COLLATE 'POSIX'",
    "CREATE DATABASE cmp_c WITH",
    'CREATE DATABASE ""',
    "CREATE DATABASE cmp_d LOCATION '/somewhere'",
    "CREATE DATABASE " + "x" * 70,
    ("SELECT datname, encoding, datistemplate, datallowconn, datconnlimit, datcollate, datctype FROM pg_database "
    "WHERE datname LIKE 'cmp%' OR datname LIKE 'Cmp%' OR datname LIKE 'xxx%' ORDER BY datname"),
    "DROP DATABASE nosuch",
    "DROP DATABASE IF EXISTS nosuch",
    "DROP DATABASE template1",
    "DROP DATABASE cmp_a WITH (FORCE, foo)",
    "DROP DATABASE IF EXISTS cmp_a, cmp_c",
    "DROP DATABASE cmp_a (FORCE)",
    "DROP DATABASE cmp_c",
    "DROP DATABASE " + "x" * 70,
    'ALTER DATABASE "Cmp B" RENAME TO cmp_d',
    "ALTER DATABASE cmp_d RENAME TO cmp_c",
    "ALTER DATABASE nosuch RENAME TO cmp_e",
    "ALTER DATABASE cmp_c IS_TEMPLATE true CONNECTION LIMIT 3 ALLOW_CONNECTIONS false",
    "DROP DATABASE cmp_c",
    "ALTER DATABASE cmp_c WITH IS_TEMPLATE false ALLOW_CONNECTIONS true",
    "ALTER DATABASE cmp_c TEMPLATE template0",
    "ALTER DATABASE cmp_c ALLOW_CONNECTIONS",
    "ALTER DATABASE cmp_c IS_TEMPLATE 'yes'",
    "ALTER DATABASE cmp_c CONNECTION LIMIT 5.5",
    "ALTER DATABASE cmp_c SET TABLESPACE pg_default",
    "ALTER DATABASE cmp_c SET TABLESPACE nosuch",
    "ALTER DATABASE cmp_c WITH TABLESPACE pg_default IS_TEMPLATE false",
    "ALTER DATABASE cmp_c OWNER TO nosuch",
    "ALTER DATABASE cmp_c OWNER TO CURRENT_USER",
    "ALTER DATABASE cmp_c REFRESH COLLATION VERSION",
    "ALTER DATABASE nosuch OWNER TO CURRENT_USER",
    ("SELECT datname, datistemplate, datallowconn, datconnlimit, pg_get_userbyid(datdba) = current_user "
    "FROM pg_database WHERE datname LIKE 'cmp%' ORDER BY datname"),
    "DROP DATABASE cmp_c",
    "DROP DATABASE cmp_d",
    "SELECT count(*) FROM pg_database WHERE datname LIKE 'cmp%'",
]


def test_database_statements_answer_as_postgresql(server, reference):
    with _db(server) as ours, _db(reference) as theirs:
        for sql in _SCRIPT:
            mine = _outcome(ours, sql)
            if mine[0] == "ok" and mine[1].startswith("SELECT"):
                mine = (*mine, *_rows(ours, sql))
            pg = _outcome(theirs, sql)
            if pg[0] == "ok" and pg[1].startswith("SELECT"):
                pg = (*pg, *_rows(theirs, sql))
            assert mine == pg, sql


def test_current_database_cannot_be_dropped_renamed_or_closed(server, reference):
    for target, home in ((server, "actors"), (reference, "postgres")):
        with _db(target, home) as conn:
            _rows(conn, "CREATE DATABASE cur_db")
    results = []
    for target in (server, reference):
        with _db(target, "cur_db") as conn:
            results.append([_outcome(conn, sql) for sql in (
                "DROP DATABASE cur_db", "ALTER DATABASE cur_db RENAME TO cur_db2",
                "ALTER DATABASE cur_db ALLOW_CONNECTIONS false", "ALTER DATABASE cur_db SET TABLESPACE pg_default",
                "SELECT current_database()")])
    assert results[0] == results[1]
    assert results[0][0][0] == "55006" and results[0][1][0] == "0A000"


def test_orbitdb_refuses_what_it_cannot_honour(server):
    with _db(server) as conn:
        for sql, named in (
            ("CREATE DATABASE r1 TEMPLATE template0 ENCODING 'LATIN1'", "LATIN1"),
            ("CREATE DATABASE r1 TEMPLATE template0 ENCODING SQL_ASCII", "SQL_ASCII"),
            ("CREATE DATABASE r1 TEMPLATE template0 LOCALE 'en_US.UTF-8'", "en_US.UTF-8"),
            ("CREATE DATABASE r1 TEMPLATE template0 LC_COLLATE 'de_DE' LC_CTYPE 'C'", "de_DE"),
            ("CREATE DATABASE r1 TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en'", "icu"),
            ("ALTER DATABASE actors SET work_mem = '64MB'", "SET"),
            ("ALTER DATABASE actors RESET ALL", "RESET"),
        ):
            outcome = _outcome(conn, sql)
            assert outcome[0] == "0A000" and named in outcome[1], (sql, outcome)
        assert ("r1",) not in _rows(conn, "SELECT datname FROM pg_database")


# --- transaction blocks -------------------------------------------------------------------------


def test_create_and_drop_database_cannot_run_in_a_transaction_block(server, reference):
    results = []
    for target in (server, reference):
        out = []
        conn = _connect(target, autocommit=False)  # psycopg2 sends BEGIN first
        for sql in ("CREATE DATABASE blk", "DROP DATABASE IF EXISTS blk"):
            out.append(_outcome(conn, sql))
            conn.rollback()
        conn.autocommit = True
        for sql in ("CREATE DATABASE blk; SELECT 1", "SELECT 1; DROP DATABASE IF EXISTS blk",
                    "ALTER DATABASE nosuch RENAME TO blk2; SELECT 1"):
            out.append(_outcome(conn, sql))
        out.append(_outcome(conn, "SELECT count(*) FROM pg_database WHERE datname = 'blk'"))
        conn.close()
        results.append(out)
    assert results[0][:4] == results[1][:4]
    assert results[0][0] == ("25001", "CREATE DATABASE cannot run inside a transaction block", "", "")
    # PostgreSQL runs ALTER DATABASE in a block (and would roll it back); orbitdb cannot, so refuses it
    assert results[0][4][0] == "0A000" and results[1][4][0] == "3D000"


@needs_psycopg3
def test_create_database_in_a_pipeline(server, reference):
    results = []
    for target, home in ((server, "actors"), (reference, "postgres")):
        with psycopg.connect(_dsn(target, home), autocommit=True) as conn:
            conn.execute("CREATE DATABASE pipe_first")  # alone before Sync: allowed
            try:
                with conn.pipeline():
                    conn.execute("SELECT 1")
                    conn.execute("CREATE DATABASE pipe_second")
                outcome: tuple[str, ...] = ("ok",)
            except psycopg.Error as exc:
                outcome = (exc.sqlstate or "", str(exc.diag.message_primary))
            names = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'pipe%' ORDER BY 1").fetchall()
            results.append((outcome, names))
    assert results[0] == results[1]
    assert results[0][0] == ("25001", "CREATE DATABASE cannot be executed within a pipeline")


# --- other sessions -----------------------------------------------------------------------------


def _drop_busy_database(target: Any, home: str) -> tuple[Any, ...]:
    with _db(target, home) as admin:
        _rows(admin, "CREATE DATABASE busy")
        f = _fields(target) if isinstance(target, str) else {"host": target.host, "port": target.port, "user": "orbit"}
        other = RawClient(f["host"], int(f["port"]))
        other.startup({"user": f["user"], "database": "busy"})
        refused = _outcome(admin, "DROP DATABASE busy")  # waits 5 seconds for it to leave, as PostgreSQL
        renamed = _outcome(admin, "ALTER DATABASE busy RENAME TO busy2")
        forced = _outcome(admin, "DROP DATABASE busy WITH (FORCE)")
        kind, body = other.read()  # what the terminated session is told
        told = (kind, {k: v for k, v in error_fields(body).items() if k in "SCM"}, other.closed())
        other.close()
        gone = _rows(admin, "SELECT count(*) FROM pg_database WHERE datname LIKE 'busy%'")
        return refused, renamed, forced, told, gone


def test_drop_database_waits_for_other_sessions_then_refuses_unless_force(server, reference):
    with ThreadPoolExecutor(2) as pool:  # both wait 10 seconds: at the same time
        results = list(pool.map(_drop_busy_database, (server, reference), ("actors", "postgres")))
    assert results[0] == results[1]
    assert results[0][0] == ("55006", 'database "busy" is being accessed by other users',
                             "There is 1 other session using the database.", "")
    assert results[0][3] == ("E", {"S": "FATAL", "C": "57P01",
                                   "M": "terminating connection due to administrator command"}, True)
    assert results[0][4] == [(0,)]


def _drop_with_a_timeout(target: Any, home: str) -> tuple[Any, ...]:
    with _db(target, home) as admin, _db(target, home) as canceller:
        _rows(admin, "CREATE DATABASE waited")
        with _db(target, "waited"):
            _rows(admin, "SET statement_timeout = '1s'")
            timed_out = _outcome(admin, "DROP DATABASE waited")
            _rows(admin, "RESET statement_timeout")
            threading.Timer(0.5, admin.cancel).start()
            cancelled = _outcome(admin, "DROP DATABASE waited")
        _rows(canceller, "DROP DATABASE waited")
        return timed_out, cancelled


def test_a_waiting_drop_database_honours_statement_timeout_and_cancel(server, reference):
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(_drop_with_a_timeout, (server, reference), ("actors", "postgres")))
    assert results[0] == results[1]
    assert results[0][0][0] == "57014" and results[0][1][0] == "57014"


def test_drop_database_waits_for_a_session_that_is_leaving(server):
    with _db(server) as admin:
        _rows(admin, "CREATE DATABASE leaving")
        other = _connect(server, "leaving")
        threading.Timer(0.5, other.close).start()
        assert _outcome(admin, "DROP DATABASE leaving") == ("ok", "DROP DATABASE")


def test_pg_stat_activity_shows_the_sessions_of_every_database(server):
    with _db(server) as admin:
        _rows(admin, "CREATE DATABASE watched")
        with _db(server, "watched") as other:
            pid = _rows(other, "SELECT pg_backend_pid()")[0][0]
            rows = _rows(admin, f"SELECT datname, datid = (SELECT oid FROM pg_database WHERE datname = 'watched') "
                                f"FROM pg_stat_activity WHERE pid = {pid}")
            assert rows == [("watched", True)]
            rows = _rows(admin, "SELECT numbackends FROM pg_stat_database WHERE datname = 'watched'")
            assert rows == [(1,)]


# --- durability -------------------------------------------------------------------------------


def test_databases_survive_a_restart(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server(data_dir=data)
    with _db(first) as admin:
        _rows(admin, "CREATE DATABASE kept")
        _rows(admin, "CREATE DATABASE renamed_from")
        _rows(admin, "ALTER DATABASE renamed_from RENAME TO renamed_to")
        _rows(admin, "CREATE DATABASE dropped")
        _rows(admin, "DROP DATABASE dropped")
        _rows(admin, "CREATE TABLE in_actors (a int)")
        _rows(admin, "INSERT INTO in_actors VALUES (7)")
    with _db(first, "kept") as kept:
        _rows(kept, "CREATE TABLE in_kept (a text)")
        _rows(kept, "INSERT INTO in_kept VALUES ('still here')")
    assert first.stop() == 0
    second = start_server(data_dir=data)
    with _db(second) as admin:
        names = {r[0] for r in _rows(admin, "SELECT datname FROM pg_database")}
        assert names == {"actors", "postgres", "template0", "template1", "kept", "renamed_to"}
        assert _rows(admin, "SELECT * FROM in_actors") == [(7,)]
    with _db(second, "kept") as kept:
        assert _rows(kept, "SELECT * FROM in_kept") == [("still here",)]
    assert sorted(os.listdir(data / "databases")) == sorted(
        str(e["oid"]) for e in _registry(data)["databases"] if e["directory"] and e["name"] != "actors")


def test_kill_9_right_after_create_and_drop_database_keeps_the_acknowledged_state(start_server, tmp_path):
    data = tmp_path / "data"
    server = start_server(data_dir=data)
    with _db(server) as admin:
        _rows(admin, "CREATE DATABASE k_dropped")
        _rows(admin, "CREATE DATABASE k_created")
    server.stop(signal.SIGKILL)
    server = start_server(data_dir=data)
    with _db(server, "k_created") as conn:
        _rows(conn, "CREATE TABLE t (a int)")
        _rows(conn, "INSERT INTO t VALUES (1)")
    with _db(server) as admin:
        _rows(admin, "DROP DATABASE k_dropped")
    server.stop(signal.SIGKILL)
    server = start_server(data_dir=data)
    with _db(server) as admin:
        names = {r[0] for r in _rows(admin, "SELECT datname FROM pg_database")}
        assert "k_created" in names and "k_dropped" not in names
    with _db(server, "k_created") as conn:
        assert _rows(conn, "SELECT * FROM t") == [(1,)]
    with pytest.raises(psycopg2.OperationalError, match='database "k_dropped" does not exist'):
        _connect(server, "k_dropped")
    assert sorted(os.listdir(data / "databases")) == sorted(
        str(e["oid"]) for e in _registry(data)["databases"] if e["directory"] and e["name"] != "actors")


def test_start_up_removes_what_an_interrupted_create_or_drop_left(start_server, tmp_path):
    data = tmp_path / "data"
    server = start_server(data_dir=data)
    with _db(server) as admin:
        _rows(admin, "CREATE DATABASE survivor")
    assert server.stop() == 0
    registry_before = _registry(data)
    for leftover in ("99998.new", "99999", "16500.dropped"):  # half built, built but not registered, half removed
        (data / "databases" / leftover).mkdir()
        (data / "databases" / leftover / "000001.log").write_bytes(b"x" * 100)
    (data / "databases" / "notes.txt").write_text("not orbitdb's: left alone")
    server = start_server(data_dir=data)
    with _db(server, "survivor") as conn:
        assert _rows(conn, "SELECT current_database()") == [("survivor",)]
    assert sorted(os.listdir(data / "databases")) == sorted(
        [str(_registry(data)["databases"][-1]["oid"]), "notes.txt"])
    assert _registry(data) == registry_before
    assert "removing" in server.log()


def test_a_data_dir_made_before_databases_keeps_its_data_as_actors(start_server, tmp_path):
    """What the previous orbitdb made: an engine directory in <data-dir>/postgresql, no registry."""
    data = tmp_path / "data"
    db = orbitdb.connect(str(data / "postgresql"))
    cur = db.cursor()
    cur.execute("CREATE TABLE legacy (id int PRIMARY KEY, v text)")
    cur.execute("INSERT INTO legacy VALUES (1, 'from before')")
    db.commit()
    db.close()
    server = start_server(data_dir=data)
    with _db(server) as conn:
        assert _rows(conn, "SELECT * FROM legacy") == [(1, "from before")]
        assert {r[0] for r in _rows(conn, "SELECT datname FROM pg_database")} == {
            "actors", "postgres", "template0", "template1"}
    # the migration guide's health checks
    health = subprocess.run(["psql", "-h", "localhost", "-p", str(server.port), "-U", "orbit", "-d", "actors",
                             "-c", "SELECT 1;"], capture_output=True, text=True, timeout=60, check=False)
    assert health.returncode == 0, health.stderr
    assert os.listdir(data / "postgresql")


def test_a_second_server_cannot_open_the_same_data_dir(start_server, tmp_path):
    data = tmp_path / "data"
    start_server(data_dir=data)
    second = ServerProcess(data, None, None)
    assert second.proc.wait(30) == 1
    assert "in use" in second.log()


# --- the embedded API ---------------------------------------------------------------------------


def test_embedded_connect_opens_one_database_and_refuses_create_database(tmp_path):
    conn = orbitdb.connect(str(tmp_path / "embedded"))
    cur = conn.cursor()
    cur.execute("SELECT current_database()")
    assert cur.fetchall() == [("actors",)]
    for sql in ("CREATE DATABASE other", "DROP DATABASE IF EXISTS other", "ALTER DATABASE actors RENAME TO x"):
        with pytest.raises(orbitdb.NotSupportedError):
            cur.execute(sql)
        conn.rollback()
    cur.execute("SELECT datname FROM pg_database")
    assert cur.fetchall() == [("actors",)]
    conn.close()


def test_databases_keep_their_own_data_under_concurrent_use(server):
    """Two databases written at once by several connections each: every row lands in its own."""
    with _db(server) as admin:
        _rows(admin, "CREATE DATABASE conc_a")
        _rows(admin, "CREATE DATABASE conc_b")
    for name in ("conc_a", "conc_b"):
        with _db(server, name) as conn:
            _rows(conn, "CREATE TABLE t (db text, n int)")

    def write(name: str, worker: int) -> None:
        with _db(server, name) as conn:
            for n in range(20):
                _rows(conn, f"INSERT INTO t VALUES ('{name}', {worker * 100 + n})")

    threads = [threading.Thread(target=write, args=(name, w)) for name in ("conc_a", "conc_b") for w in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in ("conc_a", "conc_b"):
        with _db(server, name) as conn:
            assert _rows(conn, "SELECT db, count(*), count(DISTINCT n) FROM t GROUP BY db") == [(name, 60, 60)]
