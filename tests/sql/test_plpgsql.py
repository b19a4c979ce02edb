"""The PL/pgSQL interpreter through the embedded DB-API: exception blocks and their
subtransactions, notices, interrupts (statement_timeout, cancel) in loops, trigger functions,
and that a body's statements are compiled once, not parsed per call. Statement-by-statement
comparison with PostgreSQL 15: the compat corpus 32_functions_plpgsql.sql."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import orbitdb
from orbitdb.sql.parse import parser as sql_parser


@pytest.fixture
def conn(tmp_path: Path) -> orbitdb.Connection:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    return c


def rows(c: orbitdb.Connection, sql: str) -> list[tuple[Any, ...]]:
    cur = c.cursor()
    cur.execute(sql)
    return cur.fetchall()


def test_exception_block_rolls_back_its_writes_only(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE acct (id int PRIMARY KEY, bal int CHECK (bal >= 0))")
    cur.execute("INSERT INTO acct VALUES (1, 10), (2, 0)")
    cur.execute("""CREATE FUNCTION transfer(a int, b int, amt int) RETURNS text LANGUAGE plpgsql AS $$
    DECLARE state text; msg text;
    BEGIN
      UPDATE acct SET bal = bal + 1000 WHERE id = 2;  -- kept: outside the inner block
      BEGIN
        UPDATE acct SET bal = bal + amt WHERE id = b;
        UPDATE acct SET bal = bal - amt WHERE id = a;
      EXCEPTION WHEN check_violation THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        RETURN state || ': ' || msg;
      END;
      RETURN 'ok';
    END $$""")
    assert rows(conn, "SELECT transfer(1, 2, 50)")[0][0].startswith("23514: ")
    assert rows(conn, "SELECT id, bal FROM acct ORDER BY id") == [(1, 10), (2, 1000)]
    assert rows(conn, "SELECT transfer(1, 2, 5)") == [("ok",)]
    assert rows(conn, "SELECT id, bal FROM acct ORDER BY id") == [(1, 5), (2, 2005)]


def test_an_unhandled_error_aborts_the_calling_statement(tmp_path: Path) -> None:
    c = orbitdb.connect(str(tmp_path / "db"))
    cur = c.cursor()
    cur.execute("CREATE TABLE t (x int)")
    cur.execute("CREATE FUNCTION boom() RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO t VALUES (1); "
                "RAISE EXCEPTION 'boom %', 7 USING ERRCODE = 'P1234', HINT = 'h'; END $$")
    c.commit()
    with pytest.raises(orbitdb.Error) as e:
        cur.execute("SELECT boom()")
    assert (e.value.sqlstate, str(e.value), e.value.hint) == ("P1234", "boom 7", "h")
    c.rollback()
    assert rows(c, "SELECT count(*) FROM t") == [(0,)]
    c.close()


def test_raise_notices_reach_the_connection(conn: orbitdb.Connection) -> None:
    conn.cursor().execute("DO $$ BEGIN RAISE NOTICE 'n %', 1; RAISE WARNING 'w'; RAISE DEBUG 'hidden'; "
                          "RAISE INFO 'i'; END $$")
    assert conn.notices[-3:] == ["NOTICE:  n 1\n", "WARNING:  w\n", "INFO:  i\n"]
    conn.cursor().execute("SET client_min_messages = warning")
    conn.cursor().execute("DO $$ BEGIN RAISE NOTICE 'quiet'; RAISE WARNING 'loud'; END $$")
    assert conn.notices[-1] == "WARNING:  loud\n" and "NOTICE:  quiet\n" not in conn.notices


def test_an_endless_loop_obeys_statement_timeout_and_cancel(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE FUNCTION spin() RETURNS int LANGUAGE plpgsql AS $$ BEGIN LOOP END LOOP; END $$")
    cur.execute("SET statement_timeout = '200ms'")
    with pytest.raises(orbitdb.Error) as e:
        cur.execute("SELECT spin()")
    assert e.value.sqlstate == "57014"
    with pytest.raises(orbitdb.Error) as e:
        cur.execute("DO $$ DECLARE i int := 0; BEGIN WHILE true LOOP i := i + 1; END LOOP; END $$")
    assert e.value.sqlstate == "57014"
    cur.execute("SET statement_timeout = 0")
    timer = threading.Timer(0.3, conn.cancel)
    timer.start()
    with pytest.raises(orbitdb.Error) as e:
        cur.execute("SELECT spin()")
    timer.join()
    assert e.value.sqlstate == "57014"
    assert rows(conn, "SELECT 1") == [(1,)]


def test_deep_recursion_is_an_error_not_a_crash(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE FUNCTION down(n int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN down(n + 1); END $$")
    with pytest.raises(orbitdb.Error) as e:
        cur.execute("SELECT down(0)")
    assert e.value.sqlstate == "54001"
    cur.execute("CREATE FUNCTION depth(n int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN "
                "IF n = 0 THEN RETURN 0; END IF; RETURN 1 + depth(n - 1); END $$")
    assert rows(conn, "SELECT depth(30)") == [(30,)]


def test_body_statements_are_parsed_once(conn: orbitdb.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE n (v int)")
    cur.execute("""CREATE FUNCTION work(k int) RETURNS int LANGUAGE plpgsql AS $$
    DECLARE total int := 0;
    BEGIN
      INSERT INTO n VALUES (k);
      FOR i IN 1..3 LOOP total := total + i * k; END LOOP;
      IF total > 100 THEN total := 100; END IF;
      RETURN total + (SELECT count(*) FROM n);
    END $$""")
    assert rows(conn, "SELECT work(1)") == [(7,)]
    texts: list[str] = []
    real = sql_parser._parse_cached

    def counting(sql: str) -> Any:
        texts.append(sql)
        return real(sql)

    monkeypatch.setattr(sql_parser, "_parse_cached", counting)
    for k in range(2, 40):
        cur.execute(f"SELECT work({k % 3})")
    assert not [t for t in texts if "$" in t], texts  # the body's statements ($n for variables)


@dataclass
class FakeTrigger:
    """The shape triggers14's TriggerData has (ISSUE14_PLAN.md)."""

    tg_name: str = "tr"
    tg_when: str = "BEFORE"
    tg_level: str = "ROW"
    tg_op: str = "INSERT"
    tg_relid: int = 0
    tg_table_name: str = "items"
    tg_table_schema: str = "public"
    tg_argv: list[str] = field(default_factory=list)
    new: dict[str, Any] | None = None
    old: dict[str, Any] | None = None
    columns: list[tuple[str, Any]] = field(default_factory=list)


def test_trigger_function_gets_new_old_and_tg_variables(tmp_path: Path) -> None:
    from orbitdb.sql import types as T
    from orbitdb.sql.exec.context import ExecContext

    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    cur = c.cursor()
    cur.execute("CREATE TABLE items (id int, name text, n int)")
    cur.execute("""CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      IF NEW.n < 0 THEN RETURN NULL; END IF;
      NEW.name := upper(NEW.name) || TG_ARGV[0] || TG_NARGS || TG_TABLE_NAME || TG_WHEN;
      NEW.n := NEW.n * 10;
      RETURN NEW;
    END $$""")
    session = c._session  # type: ignore[attr-defined]
    func = session.catalog().functions_named("public", "trg")[0]
    cols = [("id", T.INT4), ("name", T.TEXT), ("n", T.INT4)]
    session.begin_block()
    try:
        ctx = ExecContext(session, session.txn, [])
        data = FakeTrigger(tg_argv=["!"], new={"id": 1, "name": "ab", "n": 4}, columns=cols)
        assert session.run_trigger_function(func, data, ctx) == {"id": 1, "name": "AB!1itemsBEFORE", "n": 40}
        data = FakeTrigger(new={"id": 1, "name": "ab", "n": -1}, columns=cols)
        assert session.run_trigger_function(func, data, ctx) is None
        data = FakeTrigger(tg_op="DELETE", old={"id": 2, "name": "x", "n": 1}, columns=cols)
        assert session.run_trigger_function(func, data, ctx) == {"id": 2, "name": "x", "n": 1}
    finally:
        session.rollback()
    c.close()


def test_procedures_commit_and_roll_back_when_called_by_themselves(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE b (x int)")
    cur.execute("""CREATE PROCEDURE work() LANGUAGE plpgsql AS $$
    BEGIN
      FOR i IN 1..4 LOOP
        INSERT INTO b VALUES (i);
        IF i % 2 = 0 THEN COMMIT; ELSE ROLLBACK; END IF;
      END LOOP;
      INSERT INTO b VALUES (100);
    END $$""")
    cur.execute("CALL work()")
    assert rows(conn, "SELECT x FROM b ORDER BY x") == [(2,), (4,), (100,)]
    cur.execute("BEGIN")
    with pytest.raises(orbitdb.Error) as e:
        cur.execute("CALL work()")
    assert e.value.sqlstate == "2D000"
    cur.execute("ROLLBACK")
    cur.execute("CREATE PROCEDURE fails_late() LANGUAGE plpgsql AS $$ BEGIN INSERT INTO b VALUES (7); COMMIT; "
                "INSERT INTO b VALUES (8); PERFORM 1 / 0; END $$")
    with pytest.raises(orbitdb.Error):
        cur.execute("CALL fails_late()")
    assert rows(conn, "SELECT x FROM b ORDER BY x") == [(2,), (4,), (7,), (100,)]  # 7 committed, 8 not


def test_two_connections_run_the_same_function_at_once(tmp_path: Path) -> None:
    """Each session compiles a body's statements for itself: concurrent calls never see each
    other's variables."""
    path = str(tmp_path / "db")
    setup = orbitdb.connect(path)
    setup.autocommit = True
    setup.cursor().execute("""CREATE FUNCTION mix(k int) RETURNS int LANGUAGE plpgsql AS $$
    DECLARE acc int := 0;
    BEGIN
      FOR i IN 1..300 LOOP acc := acc + k; END LOOP;
      RETURN acc + (SELECT k);
    END $$""")
    errors: list[str] = []

    def worker(k: int) -> None:
        c = orbitdb.connect(path)
        c.autocommit = True
        cur = c.cursor()
        for _ in range(8):
            cur.execute("SELECT mix(%s)", [k])
            got = cur.fetchall()[0][0]
            if got != 301 * k:
                errors.append(f"{k}: {got}")
        c.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in (1, 1000)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    setup.close()
    assert errors == []
