"""Triggers fire as PostgreSQL 15 fires them: BEFORE ROW triggers replace or skip rows, AFTER ROW
and statement triggers run when the statement ends, in name order, under INSERT, UPDATE, DELETE,
COPY FROM, executemany, ON CONFLICT, FK cascades and TRUNCATE; constraint triggers can wait for
COMMIT. The trigger functions are PL/pgSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import orbitdb

AUDIT = """
CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit (tg, op, lvl, old, new)
  VALUES (TG_NAME, TG_OP, TG_LEVEL,
          CASE WHEN TG_LEVEL = 'ROW' AND TG_OP IN ('UPDATE', 'DELETE') THEN OLD::text END,
          CASE WHEN TG_LEVEL = 'ROW' AND TG_OP IN ('UPDATE', 'INSERT') THEN NEW::text END);
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$
"""
TIMES10 = """
CREATE FUNCTION times10() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.x := NEW.x * 10;
  RETURN NEW;
END $$
"""


@pytest.fixture
def con(tmp_path: Path) -> Iterator[Any]:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    yield c
    c.close()


def rows(con: Any, sql: str) -> list[tuple[Any, ...]]:
    cur = con.cursor()
    cur.execute(sql)
    return list(cur.fetchall())


def run(con: Any, sql: str) -> Any:
    cur = con.cursor()
    cur.execute(sql)
    return cur


def setup_audit(con: Any) -> None:
    run(con, "CREATE TABLE audit (n serial, tg text, op text, lvl text, old text, new text)")
    run(con, AUDIT)


def test_before_insert_multiplies_and_null_skips(con: Any) -> None:
    run(con, TIMES10)
    run(con, """CREATE FUNCTION skip_negative() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.x < 0 THEN RETURN NULL; END IF; RETURN NEW; END $$""")
    run(con, "CREATE TABLE t (id int PRIMARY KEY, x int CHECK (x < 1000))")
    run(con, "CREATE TRIGGER b_times BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION times10()")
    run(con, "CREATE TRIGGER a_skip BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION skip_negative()")
    cur = run(con, "INSERT INTO t VALUES (1, 4), (2, -1), (3, 7) RETURNING id, x")
    assert cur.fetchall() == [(1, 40), (3, 70)]
    assert cur.rowcount == 2
    run(con, "INSERT INTO t SELECT g, g FROM generate_series(10, 12) g")
    assert rows(con, "SELECT * FROM t ORDER BY id") == [(1, 40), (3, 70), (10, 100), (11, 110), (12, 120)]
    # the row the trigger returns is what the CHECK constraint sees
    with pytest.raises(orbitdb.IntegrityError):
        run(con, "INSERT INTO t VALUES (20, 500)")


def test_updated_at_trigger_reaches_constraints_and_indexes(con: Any) -> None:
    run(con, """CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  NEW.updated_at := OLD.updated_at + 1;
                  NEW.k := upper(NEW.k);
                  RETURN NEW;
                END $$""")
    run(con, "CREATE TABLE doc (id int PRIMARY KEY, k text UNIQUE, body text, updated_at int DEFAULT 0)")
    run(con, "CREATE TRIGGER set_updated BEFORE UPDATE ON doc FOR EACH ROW EXECUTE FUNCTION touch()")
    run(con, "INSERT INTO doc (id, k, body) VALUES (1, 'a', 'x'), (2, 'B', 'y')")
    cur = run(con, "UPDATE doc SET body = 'z' WHERE id = 1 RETURNING k, body, updated_at")
    assert cur.fetchall() == [("A", "z", 1)]
    run(con, "UPDATE doc SET body = 'w'")
    assert rows(con, "SELECT id, k, updated_at FROM doc ORDER BY id") == [(1, "A", 2), (2, "B", 1)]
    # the upper-cased key is what the unique index checks
    with pytest.raises(orbitdb.IntegrityError):
        run(con, "UPDATE doc SET k = 'b' WHERE id = 1")
    assert rows(con, "SELECT id FROM doc WHERE k = 'A'") == [(1,)]


def test_updated_at_with_now(con: Any) -> None:
    run(con, """CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN NEW.updated_at = now(); RETURN NEW; END $$""")
    run(con, "CREATE TABLE acct (id int PRIMARY KEY, bal int, updated_at timestamptz)")
    run(con, "CREATE TRIGGER acct_updated BEFORE INSERT OR UPDATE ON acct FOR EACH ROW "
             "EXECUTE FUNCTION set_updated_at()")
    run(con, "BEGIN")
    run(con, "INSERT INTO acct (id, bal) VALUES (1, 10)")
    assert rows(con, "SELECT updated_at = now() FROM acct") == [(True,)]
    run(con, "COMMIT")
    run(con, "UPDATE acct SET bal = 11")
    assert rows(con, "SELECT updated_at > now() - interval '1 hour' AND updated_at <= now() FROM acct") == [(True,)]


def test_audit_log_after_insert_update_delete(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE t (id int PRIMARY KEY, x int)")
    run(con, "CREATE TRIGGER t_audit AFTER INSERT OR UPDATE OR DELETE ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "INSERT INTO t VALUES (1, 10), (2, 20)")
    run(con, "UPDATE t SET x = x + 1 WHERE id = 2")
    run(con, "DELETE FROM t WHERE id = 1")
    assert rows(con, "SELECT op, old, new FROM audit ORDER BY n") == [
        ("INSERT", None, "(1,10)"),
        ("INSERT", None, "(2,20)"),
        ("UPDATE", "(2,20)", "(2,21)"),
        ("DELETE", "(1,10)", None),
    ]


def test_after_row_triggers_see_the_final_rows_at_statement_end(con: Any) -> None:
    run(con, "CREATE TABLE seen (n int)")
    run(con, """CREATE FUNCTION look() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO seen SELECT count(*) FROM t; RETURN NULL; END $$""")
    run(con, "CREATE TABLE t (id int)")
    run(con, "CREATE TRIGGER t_look AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION look()")
    run(con, "INSERT INTO t VALUES (1), (2), (3)")
    assert rows(con, "SELECT n FROM seen") == [(3,), (3,), (3,)]


def test_statement_triggers_fire_once_even_for_no_rows_and_order_by_name(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE t (id int, x int)")
    for name, when in (("b_after", "AFTER"), ("a_after", "AFTER"), ("c_before", "BEFORE")):
        run(con, f"CREATE TRIGGER {name} {when} INSERT OR UPDATE OR DELETE ON t "
                 "FOR EACH STATEMENT EXECUTE FUNCTION audit()")
    run(con, "UPDATE t SET x = 1")
    run(con, "INSERT INTO t VALUES (1, 1), (2, 2)")
    assert rows(con, "SELECT tg, op, lvl FROM audit ORDER BY n") == [
        ("c_before", "UPDATE", "STATEMENT"), ("a_after", "UPDATE", "STATEMENT"), ("b_after", "UPDATE", "STATEMENT"),
        ("c_before", "INSERT", "STATEMENT"), ("a_after", "INSERT", "STATEMENT"), ("b_after", "INSERT", "STATEMENT"),
    ]


def test_when_condition_and_update_of_columns(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE t (id int, x int, y int)")
    run(con, "CREATE TRIGGER big AFTER UPDATE ON t FOR EACH ROW WHEN (new.x > 10) EXECUTE FUNCTION audit()")
    run(con, "CREATE TRIGGER ofy AFTER UPDATE OF y ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "INSERT INTO t VALUES (1, 1, 1), (2, 20, 2)")
    run(con, "UPDATE t SET x = x + 1")
    run(con, "UPDATE t SET y = y")
    assert rows(con, "SELECT tg, new FROM audit ORDER BY n") == [
        ("big", "(2,21,2)"), ("ofy", "(1,2,1)"), ("big", "(2,21,2)"), ("ofy", "(2,21,2)")]


def test_copy_from_fires_row_and_statement_triggers(con: Any) -> None:
    setup_audit(con)
    run(con, TIMES10)
    run(con, "CREATE TABLE t (id int, x int)")
    run(con, "CREATE TRIGGER a BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION times10()")
    run(con, "CREATE TRIGGER b AFTER INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION audit()")
    cur = con.cursor()
    cur.copy_expert("COPY t FROM STDIN", io.StringIO("1\t1\n2\t2\n"))
    assert rows(con, "SELECT * FROM t ORDER BY id") == [(1, 10), (2, 20)]
    assert rows(con, "SELECT tg, lvl FROM audit") == [("b", "STATEMENT")]


def test_executemany_takes_the_trigger_path(con: Any) -> None:
    run(con, TIMES10)
    run(con, "CREATE TABLE t (id int, x int)")
    run(con, "CREATE TRIGGER a BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION times10()")
    con.cursor().executemany("INSERT INTO t VALUES (%s, %s)", [(i, i) for i in range(50)])
    assert rows(con, "SELECT sum(x) FROM t") == [(sum(range(50)) * 10,)]


def test_on_conflict_fires_before_insert_then_update_triggers(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE t (id int PRIMARY KEY, x int)")
    run(con, "CREATE TRIGGER r BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "CREATE TRIGGER s AFTER INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "INSERT INTO t VALUES (1, 1)")
    run(con, "DELETE FROM audit")
    run(con, "INSERT INTO t VALUES (1, 5) ON CONFLICT (id) DO UPDATE SET x = t.x + excluded.x")
    assert rows(con, "SELECT tg, op FROM audit ORDER BY n") == [("r", "INSERT"), ("r", "UPDATE"), ("s", "UPDATE")]
    assert rows(con, "SELECT * FROM t") == [(1, 6)]


def test_cascade_fires_the_child_triggers(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE p (id int PRIMARY KEY)")
    run(con, "CREATE TABLE c (id int PRIMARY KEY, pid int REFERENCES p ON DELETE CASCADE ON UPDATE SET NULL)")
    run(con, "CREATE TRIGGER c_audit AFTER DELETE OR UPDATE ON c FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "INSERT INTO p VALUES (1), (2)")
    run(con, "INSERT INTO c VALUES (10, 1), (11, 1), (20, 2)")
    run(con, "DELETE FROM p WHERE id = 1")
    run(con, "UPDATE p SET id = 3 WHERE id = 2")
    assert rows(con, "SELECT op, old, new FROM audit ORDER BY n") == [
        ("DELETE", "(10,1)", None), ("DELETE", "(11,1)", None), ("UPDATE", "(20,2)", "(20,)")]


def test_a_trigger_writing_another_table_fires_its_triggers(con: Any) -> None:
    setup_audit(con)
    run(con, """CREATE FUNCTION copy_to_b() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO b VALUES (NEW.id); RETURN NULL; END $$""")
    run(con, "CREATE TABLE a (id int)")
    run(con, "CREATE TABLE b (id int)")
    run(con, "CREATE TRIGGER a_copy AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION copy_to_b()")
    run(con, "CREATE TRIGGER b_audit AFTER INSERT ON b FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "INSERT INTO a VALUES (7)")
    assert rows(con, "SELECT tg, new FROM audit") == [("b_audit", "(7)")]


def test_endless_recursion_is_stack_depth_exceeded(con: Any) -> None:
    run(con, """CREATE FUNCTION again() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO a VALUES (1); RETURN NULL; END $$""")
    run(con, "CREATE TABLE a (id int)")
    run(con, "CREATE TRIGGER loop AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION again()")
    with pytest.raises(orbitdb.Error) as e:
        run(con, "INSERT INTO a VALUES (1)")
    assert e.value.sqlstate == "54001"
    assert rows(con, "SELECT count(*) FROM a") == [(0,)]


def test_truncate_and_disabled_triggers(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE t (id int)")
    run(con, "CREATE TRIGGER tb BEFORE TRUNCATE ON t EXECUTE FUNCTION audit()")
    run(con, "CREATE TRIGGER ta AFTER TRUNCATE ON t EXECUTE FUNCTION audit()")
    run(con, "CREATE TRIGGER ti AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "ALTER TABLE t DISABLE TRIGGER ti")
    run(con, "INSERT INTO t VALUES (1)")
    run(con, "TRUNCATE t")
    run(con, "ALTER TABLE t ENABLE TRIGGER ALL")
    run(con, "INSERT INTO t VALUES (2)")
    assert rows(con, "SELECT tg, op FROM audit ORDER BY n") == [("tb", "TRUNCATE"), ("ta", "TRUNCATE"), ("ti", "INSERT")]
    assert rows(con, "SELECT tgname, tgenabled FROM pg_trigger ORDER BY 1") == [("ta", "O"), ("tb", "O"), ("ti", "O")]


LIMIT = """
CREATE FUNCTION at_most_one() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM t) > 1 THEN
    RAISE EXCEPTION 'too many rows' USING ERRCODE = 'P0001';
  END IF;
  RETURN NULL;
END $$
"""


def test_deferred_constraint_trigger_runs_at_commit(con: Any) -> None:
    run(con, LIMIT)
    run(con, "CREATE TABLE t (id int)")
    run(con, "CREATE CONSTRAINT TRIGGER lim AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED "
             "FOR EACH ROW EXECUTE FUNCTION at_most_one()")
    run(con, "BEGIN")
    run(con, "INSERT INTO t VALUES (1)")
    run(con, "INSERT INTO t VALUES (2)")  # not yet: the check waits for COMMIT
    run(con, "DELETE FROM t WHERE id = 2")
    run(con, "COMMIT")
    assert rows(con, "SELECT count(*) FROM t") == [(1,)]
    run(con, "BEGIN")
    run(con, "INSERT INTO t VALUES (2)")
    with pytest.raises(orbitdb.Error) as e:
        run(con, "COMMIT")
    assert e.value.sqlstate == "P0001"
    assert rows(con, "SELECT count(*) FROM t") == [(1,)]


def test_set_constraints_moves_constraint_triggers(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE t (id int)")
    run(con, "CREATE CONSTRAINT TRIGGER d1 AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED "
             "FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "CREATE CONSTRAINT TRIGGER i1 AFTER INSERT ON t DEFERRABLE FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "CREATE CONSTRAINT TRIGGER n1 AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "BEGIN")
    run(con, "INSERT INTO t VALUES (1)")
    assert rows(con, "SELECT tg FROM audit ORDER BY n") == [("i1",), ("n1",)]
    run(con, "SET CONSTRAINTS d1 IMMEDIATE")  # its pending event runs now
    assert rows(con, "SELECT tg FROM audit ORDER BY n") == [("i1",), ("n1",), ("d1",)]
    with pytest.raises(orbitdb.Error) as e:
        run(con, "SET CONSTRAINTS n1 DEFERRED")
    assert e.value.sqlstate == "42809"
    run(con, "ROLLBACK")
    run(con, "BEGIN")
    with pytest.raises(orbitdb.Error) as e:
        run(con, "SET CONSTRAINTS nosuch DEFERRED")
    assert e.value.sqlstate == "42704"
    run(con, "ROLLBACK")
    run(con, "BEGIN")
    run(con, "SET CONSTRAINTS ALL DEFERRED")
    run(con, "INSERT INTO t VALUES (2)")
    assert rows(con, "SELECT tg FROM audit ORDER BY n") == [("n1",)]
    run(con, "COMMIT")
    assert rows(con, "SELECT tg FROM audit ORDER BY n") == [("n1",), ("d1",), ("i1",)]


def test_instead_of_insert_on_a_view(con: Any) -> None:
    run(con, """CREATE FUNCTION redirect() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  INSERT INTO base VALUES (NEW.id, upper(NEW.name));
                  RETURN NEW;
                END $$""")
    run(con, "CREATE TABLE base (id int, name text)")
    run(con, "CREATE VIEW v AS SELECT id, name FROM base")
    run(con, "CREATE TRIGGER v_ins INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION redirect()")
    cur = run(con, "INSERT INTO v VALUES (1, 'a'), (2, 'b')")
    assert cur.rowcount == 2
    assert rows(con, "SELECT * FROM v ORDER BY id") == [(1, "A"), (2, "B")]


@pytest.mark.parametrize(("sql", "state"), [
    ("CREATE TRIGGER x INSTEAD OF INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit()", "42809"),
    ("CREATE TRIGGER x BEFORE INSERT ON v FOR EACH ROW EXECUTE FUNCTION audit()", "42809"),
    ("CREATE TRIGGER x INSTEAD OF INSERT ON v EXECUTE FUNCTION audit()", "0A000"),
    ("CREATE TRIGGER x BEFORE TRUNCATE ON t FOR EACH ROW EXECUTE FUNCTION audit()", "0A000"),
    ("CREATE TRIGGER x BEFORE INSERT ON t WHEN (new.id > 0) EXECUTE FUNCTION audit()", "42P17"),
    ("CREATE TRIGGER x BEFORE DELETE ON t FOR EACH ROW WHEN (new.id > 0) EXECUTE FUNCTION audit()", "42P17"),
    ("CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION notrig()", "42P17"),
    ("CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION nosuch()", "42883"),
    ("CREATE TRIGGER x BEFORE UPDATE OF nosuch ON t FOR EACH ROW EXECUTE FUNCTION audit()", "42703"),
    ("CREATE CONSTRAINT TRIGGER x BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit()", "42601"),
    ("CREATE TRIGGER x AFTER INSERT ON t REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION audit()",
     "0A000"),
    ("DROP TRIGGER nosuch ON t", "42704"),
    ("ALTER TABLE t DISABLE TRIGGER nosuch", "42704"),
])
def test_errors(con: Any, sql: str, state: str) -> None:
    setup_audit(con)
    run(con, "CREATE FUNCTION notrig() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    run(con, "CREATE TABLE t (id int)")
    run(con, "CREATE VIEW v AS SELECT * FROM t")
    with pytest.raises(orbitdb.Error) as e:
        run(con, sql)
    assert e.value.sqlstate == state


def test_drop_rename_and_dependencies(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE t (id int)")
    run(con, "CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit('a', 1)")
    run(con, "ALTER TRIGGER x ON t RENAME TO y")
    assert rows(con, "SELECT pg_get_triggerdef(oid) FROM pg_trigger") == [
        ("CREATE TRIGGER y AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION audit('a', '1')",)]
    with pytest.raises(orbitdb.Error) as e:
        run(con, "DROP FUNCTION audit()")
    assert e.value.sqlstate == "2BP01"
    run(con, "DROP TRIGGER y ON t")
    run(con, "DROP TRIGGER IF EXISTS y ON t")
    run(con, "INSERT INTO t VALUES (1)")
    assert rows(con, "SELECT count(*) FROM audit") == [(0,)]
    run(con, "CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "DROP FUNCTION audit() CASCADE")
    assert rows(con, "SELECT count(*) FROM pg_trigger") == [(0,)]
    run(con, "INSERT INTO t VALUES (2)")
    run(con, AUDIT)
    run(con, "CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "DROP TABLE t")
    assert rows(con, "SELECT count(*) FROM pg_trigger") == [(0,)]


def test_triggers_survive_a_reopen(tmp_path: Path) -> None:
    c = orbitdb.connect(str(tmp_path / "db"), autocommit=True)
    run(c, TIMES10)
    run(c, "CREATE TABLE t (id int, x int)")
    run(c, "CREATE TRIGGER a BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION times10()")
    c.close()
    c = orbitdb.connect(str(tmp_path / "db"), autocommit=True)
    run(c, "INSERT INTO t VALUES (1, 2)")
    assert rows(c, "SELECT x FROM t") == [(20,)]
    c.close()
