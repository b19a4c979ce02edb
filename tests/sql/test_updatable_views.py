"""Automatically updatable views, on orbitdb and on PostgreSQL 15 alike: writes through a simple
view reach its table, CHECK OPTIONs hold, and other views are refused with PostgreSQL's reason."""

from __future__ import annotations

from typing import Any

from both_engines import engine, failure, reference_pg, rows, run

__all__ = ["engine", "reference_pg"]


def setup(cur: Any) -> None:
    run(cur, "CREATE TABLE staff (id int PRIMARY KEY, name text NOT NULL, team text, pay int CHECK (pay >= 0))",
        "INSERT INTO staff VALUES (1, 'ann', 'red', 10), (2, 'ben', 'red', 20), (3, 'cy', 'blue', 30)",
        "CREATE VIEW red AS SELECT id, name, pay AS salary, upper(name) AS shout FROM staff WHERE team = 'red'")


def test_insert_update_delete_through_a_view(engine: Any) -> None:
    setup(engine)
    assert rows(engine, "UPDATE red SET salary = salary + 1 RETURNING id, salary, shout") == [
        (1, 11, "ANN"), (2, 21, "BEN")]
    assert rows(engine, "INSERT INTO red (id, name, salary) VALUES (4, 'dee', 40) RETURNING *") == [
        (4, "dee", 40, "DEE")]
    assert rows(engine, "DELETE FROM red r WHERE r.shout = 'ANN' RETURNING r.id") == [(1,)]
    assert rows(engine, "SELECT id, name, team, pay FROM staff ORDER BY id") == [
        (2, "ben", "red", 21), (3, "cy", "blue", 30), (4, "dee", None, 40)]
    assert failure(engine, "UPDATE red SET salary = -1")[0] == "23514"


def test_columns_that_are_expressions(engine: Any) -> None:
    setup(engine)
    code, message, detail = failure(engine, "UPDATE red SET shout = 'x'")
    assert (code, message, detail) == ("0A000", 'cannot update column "shout" of view "red"',
                                       "View columns that are not columns of their base relation are not updatable.")
    assert failure(engine, "INSERT INTO red (id, shout) VALUES (9, 'x')")[:2] == (
        "0A000", 'cannot insert into column "shout" of view "red"')


def test_check_options(engine: Any) -> None:
    setup(engine)
    run(engine, "CREATE VIEW red_c AS SELECT id, name, team FROM staff WHERE team = 'red' WITH CHECK OPTION",
        "CREATE VIEW red_c_rich AS SELECT id, name, team FROM red_c WHERE id > 100",
        "CREATE VIEW red_c_local AS SELECT id, name, team FROM red_c WHERE id > 100 WITH LOCAL CHECK OPTION")
    assert failure(engine, "INSERT INTO red_c VALUES (5, 'eve', 'blue')")[:2] == (
        "44000", 'new row violates check option for view "red_c"')
    assert failure(engine, "UPDATE red_c SET team = 'blue' WHERE id = 1")[0] == "44000"
    run(engine, "INSERT INTO red_c_rich VALUES (6, 'fay', 'red')")  # below 100: red_c's option only
    assert failure(engine, "INSERT INTO red_c_rich VALUES (7, 'gus', 'blue')")[1] == (
        'new row violates check option for view "red_c"')
    assert failure(engine, "INSERT INTO red_c_local VALUES (8, 'hal', 'red')")[1] == (
        'new row violates check option for view "red_c_local"')
    assert rows(engine, "SELECT table_name, check_option, is_updatable FROM information_schema.views "
                        "WHERE table_schema = 'public' ORDER BY 1") == [
        ("red", "NONE", "YES"), ("red_c", "CASCADED", "YES"), ("red_c_local", "LOCAL", "YES"),
        ("red_c_rich", "NONE", "YES")]
    assert rows(engine, "SELECT id FROM staff ORDER BY id") == [(1,), (2,), (3,), (6,)]


def test_views_postgresql_does_not_update(engine: Any) -> None:
    setup(engine)
    run(engine, "CREATE VIEW teams AS SELECT team, count(*) AS n FROM staff GROUP BY team",
        "CREATE VIEW pairs AS SELECT a.id, b.id AS other FROM staff a JOIN staff b ON a.id = b.id",
        "CREATE VIEW firsts AS SELECT id FROM staff LIMIT 1")
    code, message, detail = failure(engine, "DELETE FROM teams")
    assert (code, message, detail) == ("55000", 'cannot delete from view "teams"',
                                       "Views containing GROUP BY are not automatically updatable.")
    assert failure(engine, "UPDATE pairs SET id = 1")[2] == (
        "Views that do not select from a single table or view are not automatically updatable.")
    assert failure(engine, "INSERT INTO firsts VALUES (1)")[:3] == (
        "55000", 'cannot insert into view "firsts"', "Views containing LIMIT or OFFSET are not automatically updatable.")
    assert failure(engine, "CREATE VIEW bad AS SELECT DISTINCT team FROM staff WITH CHECK OPTION")[0] == "0A000"
    assert rows(engine, "SELECT table_name, is_updatable, is_insertable_into FROM information_schema.views "
                        "WHERE table_schema = 'public' ORDER BY 1") == [
        ("firsts", "NO", "NO"), ("pairs", "NO", "NO"), ("red", "YES", "YES"), ("teams", "NO", "NO")]


def test_writes_through_a_view_in_a_data_modifying_with(engine: Any) -> None:
    setup(engine)
    assert rows(engine, "WITH gone AS (DELETE FROM red WHERE id = 2 RETURNING name) "
                        "INSERT INTO red (id, name, salary) SELECT 10, name || '2', 1 FROM gone RETURNING id, name") == [
        (10, "ben2")]
    assert rows(engine, "SELECT id, name FROM staff ORDER BY id") == [(1, "ann"), (3, "cy"), (10, "ben2")]
