"""Triggers fire as PostgreSQL 15 fires them: BEFORE ROW triggers replace or skip rows, AFTER ROW
and statement triggers run when the statement ends, in name order, under INSERT, UPDATE, DELETE,
COPY FROM, ON CONFLICT, FK cascades and TRUNCATE. The trigger functions here are Python functions
put in the catalog by the test (what PL/pgSQL runs is tested with the interpreter); they see
exactly what a PL/pgSQL trigger function sees (TriggerData)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import orbitdb
from orbitdb.sql.errors import SqlError
from orbitdb.sql.session.session import Session
from orbitdb.sql.triggers.data import TriggerData
from orbitdb.storage.catalog import FunctionDef

PyTrigger = Callable[[Session, TriggerData], "dict[str, Any] | None"]


@pytest.fixture
def con(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    functions: dict[str, PyTrigger] = {}
    original = getattr(Session, "run_trigger_function", None)

    def run(self: Session, func: FunctionDef, data: TriggerData, ctx: Any) -> dict[str, Any] | None:
        if func.name in functions:
            return functions[func.name](self, data)
        assert original is not None
        return original(self, func, data, ctx)  # type: ignore[no-any-return]

    monkeypatch.setattr(Session, "run_trigger_function", run, raising=False)
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    c.py_functions = functions  # type: ignore[attr-defined]
    yield c
    c.close()


def define(con: Any, name: str, fn: PyTrigger, returns: str = "trigger") -> None:
    """A trigger function in the catalog, as CREATE FUNCTION ... RETURNS trigger makes it."""
    cur = con.cursor()
    cur.execute("BEGIN")
    cat = con._session.txn.writable_catalog()
    cat.put(FunctionDef(oid=cat.new_oid(), schema="public", name=name, language="plpgsql", return_type=returns))
    cur.execute("COMMIT")
    con.py_functions[name] = fn


def rows(con: Any, sql: str) -> list[tuple[Any, ...]]:
    cur = con.cursor()
    cur.execute(sql)
    return list(cur.fetchall())


def run(con: Any, sql: str) -> Any:
    cur = con.cursor()
    cur.execute(sql)
    return cur


def audit(s: Session, d: TriggerData) -> dict[str, Any] | None:
    s.execute("INSERT INTO audit (tg, op, lvl, old, new) VALUES ($1, $2, $3, $4, $5)",
              [d.tg_name, d.tg_op, d.tg_level, None if d.old is None else repr(sorted(d.old.items())),
               None if d.new is None else repr(sorted(d.new.items()))])
    return None


def times10(s: Session, d: TriggerData) -> dict[str, Any] | None:
    assert d.new is not None
    return {**d.new, "x": d.new["x"] * 10}


def skip_negative(s: Session, d: TriggerData) -> dict[str, Any] | None:
    assert d.new is not None
    return None if d.new["x"] < 0 else d.new


def setup_audit(con: Any) -> None:
    run(con, "CREATE TABLE audit (n serial, tg text, op text, lvl text, old text, new text)")
    define(con, "audit", audit)


def test_before_insert_multiplies_and_null_skips(con: Any) -> None:
    define(con, "times10", times10)
    define(con, "skip_negative", skip_negative)
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
    def touch(s: Session, d: TriggerData) -> dict[str, Any] | None:
        assert d.new is not None and d.old is not None and d.tg_when == "BEFORE" and d.tg_op == "UPDATE"
        return {**d.new, "updated_at": d.old["updated_at"] + 1, "k": d.new["k"].upper()}

    define(con, "touch", touch)
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


def test_audit_log_after_insert_update_delete(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE t (id int PRIMARY KEY, x int)")
    run(con, "CREATE TRIGGER t_audit AFTER INSERT OR UPDATE OR DELETE ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "INSERT INTO t VALUES (1, 10), (2, 20)")
    run(con, "UPDATE t SET x = x + 1 WHERE id = 2")
    run(con, "DELETE FROM t WHERE id = 1")
    assert rows(con, "SELECT op, old, new FROM audit ORDER BY n") == [
        ("INSERT", None, "[('id', 1), ('x', 10)]"),
        ("INSERT", None, "[('id', 2), ('x', 20)]"),
        ("UPDATE", "[('id', 2), ('x', 20)]", "[('id', 2), ('x', 21)]"),
        ("DELETE", "[('id', 1), ('x', 10)]", None),
    ]


def test_after_row_triggers_see_the_final_rows_at_statement_end(con: Any) -> None:
    seen: list[list[tuple[Any, ...]]] = []

    def look(s: Session, d: TriggerData) -> dict[str, Any] | None:
        seen.append([tuple(r) for r in s.execute("SELECT id FROM t ORDER BY id")[0].rows])
        return None

    define(con, "look", look)
    run(con, "CREATE TABLE t (id int)")
    run(con, "CREATE TRIGGER t_look AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION look()")
    run(con, "INSERT INTO t VALUES (1), (2), (3)")
    assert seen == [[(1,), (2,), (3,)]] * 3


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
        ("big", "[('id', 2), ('x', 21), ('y', 2)]"),
        ("ofy", "[('id', 1), ('x', 2), ('y', 1)]"),
        ("big", "[('id', 2), ('x', 21), ('y', 2)]"),
        ("ofy", "[('id', 2), ('x', 21), ('y', 2)]"),
    ]


def test_copy_from_fires_row_and_statement_triggers(con: Any) -> None:
    setup_audit(con)
    define(con, "times10", times10)
    run(con, "CREATE TABLE t (id int, x int)")
    run(con, "CREATE TRIGGER a BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION times10()")
    run(con, "CREATE TRIGGER b AFTER INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION audit()")
    cur = con.cursor()
    cur.copy_expert("COPY t FROM STDIN", io.StringIO("1\t1\n2\t2\n"))
    assert rows(con, "SELECT * FROM t ORDER BY id") == [(1, 10), (2, 20)]
    assert rows(con, "SELECT tg, lvl FROM audit") == [("b", "STATEMENT")]


def test_executemany_takes_the_trigger_path(con: Any) -> None:
    define(con, "times10", times10)
    run(con, "CREATE TABLE t (id int, x int)")
    run(con, "CREATE TRIGGER a BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION times10()")
    con.cursor().executemany("INSERT INTO t VALUES (%s, %s)", [(i, i) for i in range(50)])
    assert rows(con, "SELECT sum(x) FROM t") == [(sum(range(50)) * 10,)]


def test_on_conflict_fires_before_insert_then_update_triggers(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE t (id int PRIMARY KEY, x int)")
    define(con, "pass_through", lambda s, d: (audit(s, d), d.new)[1])
    run(con, "CREATE TRIGGER r BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION pass_through()")
    run(con, "CREATE TRIGGER s AFTER INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "INSERT INTO t VALUES (1, 1)")
    run(con, "DELETE FROM audit")
    run(con, "INSERT INTO t VALUES (1, 5) ON CONFLICT (id) DO UPDATE SET x = t.x + excluded.x")
    assert rows(con, "SELECT tg, op FROM audit ORDER BY n") == [("r", "INSERT"), ("r", "UPDATE"), ("s", "UPDATE")]
    assert rows(con, "SELECT * FROM t") == [(1, 6)]


def test_cascade_fires_the_child_delete_triggers(con: Any) -> None:
    setup_audit(con)
    run(con, "CREATE TABLE p (id int PRIMARY KEY)")
    run(con, "CREATE TABLE c (id int PRIMARY KEY, pid int REFERENCES p ON DELETE CASCADE ON UPDATE SET NULL)")
    run(con, "CREATE TRIGGER c_audit AFTER DELETE OR UPDATE ON c FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "INSERT INTO p VALUES (1), (2)")
    run(con, "INSERT INTO c VALUES (10, 1), (11, 1), (20, 2)")
    run(con, "DELETE FROM p WHERE id = 1")
    run(con, "UPDATE p SET id = 3 WHERE id = 2")
    assert rows(con, "SELECT op, old, new FROM audit ORDER BY n") == [
        ("DELETE", "[('id', 10), ('pid', 1)]", None),
        ("DELETE", "[('id', 11), ('pid', 1)]", None),
        ("UPDATE", "[('id', 20), ('pid', 2)]", "[('id', 20), ('pid', None)]"),
    ]


def test_a_trigger_writing_another_table_fires_its_triggers(con: Any) -> None:
    setup_audit(con)

    def copy_to_b(s: Session, d: TriggerData) -> dict[str, Any] | None:
        assert d.new is not None
        s.execute("INSERT INTO b VALUES ($1)", [d.new["id"]])
        return None

    define(con, "copy_to_b", copy_to_b)
    run(con, "CREATE TABLE a (id int)")
    run(con, "CREATE TABLE b (id int)")
    run(con, "CREATE TRIGGER a_copy AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION copy_to_b()")
    run(con, "CREATE TRIGGER b_audit AFTER INSERT ON b FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "INSERT INTO a VALUES (7)")
    assert rows(con, "SELECT tg, new FROM audit") == [("b_audit", "[('id', 7)]")]


def test_endless_recursion_is_stack_depth_exceeded(con: Any) -> None:
    def again(s: Session, d: TriggerData) -> dict[str, Any] | None:
        s.execute("INSERT INTO a VALUES (1)")
        return None

    define(con, "again", again)
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


def test_deferred_constraint_trigger_runs_at_commit(con: Any) -> None:
    def refuse(s: Session, d: TriggerData) -> dict[str, Any] | None:
        n = s.execute("SELECT count(*) FROM t")[0].rows[0][0]
        if n > 1:
            raise SqlError("P0001", "too many rows")
        return None

    define(con, "refuse", refuse)
    run(con, "CREATE TABLE t (id int)")
    run(con, "CREATE CONSTRAINT TRIGGER lim AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED "
             "FOR EACH ROW EXECUTE FUNCTION refuse()")
    run(con, "BEGIN")
    run(con, "INSERT INTO t VALUES (1)")
    run(con, "INSERT INTO t VALUES (2)")  # not yet: the check waits for COMMIT
    with pytest.raises(orbitdb.Error) as e:
        run(con, "COMMIT")
    assert e.value.sqlstate == "P0001"
    assert rows(con, "SELECT count(*) FROM t") == [(0,)]


def test_instead_of_insert_on_a_view(con: Any) -> None:
    def redirect(s: Session, d: TriggerData) -> dict[str, Any] | None:
        assert d.new is not None and d.tg_when == "INSTEAD OF"
        s.execute("INSERT INTO base VALUES ($1, upper($2))", [d.new["id"], d.new["name"]])
        return d.new

    define(con, "redirect", redirect)
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
    define(con, "notrig", audit, returns="integer")
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
    run(con, "DROP TRIGGER y ON t")
    run(con, "DROP TRIGGER IF EXISTS y ON t")
    run(con, "INSERT INTO t VALUES (1)")
    assert rows(con, "SELECT count(*) FROM audit") == [(0,)]
    run(con, "CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit()")
    run(con, "DROP TABLE t")
    assert rows(con, "SELECT count(*) FROM pg_trigger") == [(0,)]


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
    assert e.value.sqlstate == "55000"
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
