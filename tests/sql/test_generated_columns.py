"""GENERATED ALWAYS AS (...) STORED columns, on orbitdb and on PostgreSQL 15 alike: computed on
every write path, never given a value, checked when defined, kept in the catalog."""

from __future__ import annotations

from typing import Any

from both_engines import engine, failure, reference_pg, rows, run

__all__ = ["engine", "reference_pg"]

TABLE = ("CREATE TABLE item (id int PRIMARY KEY, price numeric, qty int, "
         "total numeric GENERATED ALWAYS AS (price * qty) STORED, "
         "label text GENERATED ALWAYS AS ('#' || id) STORED)")


def test_computed_by_insert_update_and_on_conflict(engine: Any) -> None:
    run(engine, TABLE, "INSERT INTO item (id, price, qty) VALUES (1, 2.5, 4), (2, 1, NULL)",
        "INSERT INTO item VALUES (3, 10, 1, DEFAULT, DEFAULT)")
    assert rows(engine, "SELECT id, total, label FROM item ORDER BY id") == [
        (1, rows(engine, "SELECT 10.0")[0][0], "#1"), (2, None, "#2"), (3, 10, "#3")]
    assert rows(engine, "UPDATE item SET qty = 3 WHERE id = 2 RETURNING total") == [(3,)]
    assert rows(engine, "UPDATE item SET id = 20 WHERE id = 2 RETURNING label") == [("#20",)]
    assert rows(engine, "INSERT INTO item (id, price, qty) VALUES (1, 3, 3) ON CONFLICT (id) DO UPDATE "
                        "SET qty = excluded.qty + 1 RETURNING total") == [(rows(engine, "SELECT 10.0")[0][0],)]
    assert rows(engine, "UPDATE item SET total = DEFAULT, price = 1 WHERE id = 3 RETURNING total") == [(1,)]


def test_explicit_values_are_refused(engine: Any) -> None:
    run(engine, TABLE)
    code, message, detail = failure(engine, "INSERT INTO item (id, total) VALUES (1, 5)")
    assert (code, message, detail) == ("428C9", 'cannot insert a non-DEFAULT value into column "total"',
                                       'Column "total" is a generated column.')
    assert failure(engine, "INSERT INTO item (id, label) SELECT 1, 'x'")[0] == "428C9"
    run(engine, "INSERT INTO item (id, price, qty) VALUES (1, 1, 1)")
    code, message, _ = failure(engine, "UPDATE item SET label = 'x'")
    assert (code, message) == ("428C9", 'column "label" can only be updated to DEFAULT')
    assert rows(engine, "SELECT label FROM item") == [("#1",)]


def test_definitions_postgresql_refuses(engine: Any) -> None:
    bad = {
        "b int GENERATED ALWAYS AS (a * 2) STORED, c int GENERATED ALWAYS AS (b + 1) STORED": "42P17",
        "b float8 GENERATED ALWAYS AS (random()) STORED": "42P17",
        "b timestamptz GENERATED ALWAYS AS (now()) STORED": "42P17",
        "b int GENERATED ALWAYS AS ((SELECT 1)) STORED": "0A000",
        "b int DEFAULT 1 GENERATED ALWAYS AS (a) STORED": "42601",
        "b int GENERATED ALWAYS AS (nosuch) STORED": "42703",
        "b int GENERATED ALWAYS AS (sum(a)) STORED": "42803",
        "b int GENERATED ALWAYS AS (a::text) STORED": "42804",
    }
    for columns, code in bad.items():
        assert failure(engine, f"CREATE TABLE g (a int, {columns})")[0] == code, columns
    assert failure(engine, "CREATE TABLE g (a int, b int GENERATED ALWAYS AS (ctid) STORED)")[:2] == (
        "42P10", 'cannot use system column "ctid" in column generation expression')


def test_catalog_and_alter_table(engine: Any) -> None:
    run(engine, "CREATE TABLE p (id int PRIMARY KEY, first text, last text)",
        "INSERT INTO p VALUES (1, 'ann', 'lee'), (2, 'bo', NULL)",
        "ALTER TABLE p ADD COLUMN full_name text GENERATED ALWAYS AS (first || ' ' || last) STORED")
    assert rows(engine, "SELECT full_name FROM p ORDER BY id") == [("ann lee",), (None,)]
    assert rows(engine, "SELECT attname, attgenerated FROM pg_attribute WHERE attrelid = 'p'::regclass "
                        "AND attnum > 0 ORDER BY attnum") == [("id", ""), ("first", ""), ("last", ""),
                                                              ("full_name", "s")]
    assert rows(engine, "SELECT column_default, is_generated, generation_expression FROM "
                        "information_schema.columns WHERE table_name = 'p' AND column_name = 'full_name'") == [
        (None, "ALWAYS", "((first || ' '::text) || last)")]
    assert failure(engine, "ALTER TABLE p DROP COLUMN first")[0] == "2BP01"
    assert failure(engine, "ALTER TABLE p ALTER COLUMN last TYPE varchar(5)")[0] == "0A000"
    run(engine, "ALTER TABLE p RENAME COLUMN last TO surname", "UPDATE p SET surname = 'ray' WHERE id = 2")
    assert rows(engine, "SELECT full_name FROM p WHERE id = 2") == [("bo ray",)]
    run(engine, "ALTER TABLE p ALTER COLUMN full_name DROP EXPRESSION", "UPDATE p SET full_name = 'x' WHERE id = 1")
    assert rows(engine, "SELECT full_name FROM p ORDER BY id") == [("x",), ("bo ray",)]
    assert failure(engine, "ALTER TABLE p ALTER COLUMN full_name DROP EXPRESSION")[0] == "55000"
    run(engine, "ALTER TABLE p DROP COLUMN first CASCADE")


def test_generated_key_and_check(engine: Any) -> None:
    run(engine, "CREATE TABLE k (a int, b int GENERATED ALWAYS AS (a + 1) STORED PRIMARY KEY CHECK (b < 100))",
        "INSERT INTO k (a) VALUES (1), (2)")
    assert failure(engine, "INSERT INTO k (a) VALUES (1)")[0] == "23505"
    assert failure(engine, "INSERT INTO k (a) VALUES (200)")[0] == "23514"
    run(engine, "UPDATE k SET a = 10 WHERE a = 1")
    assert rows(engine, "SELECT a, b FROM k ORDER BY b") == [(2, 3), (10, 11)]


def test_copy_skips_generated_columns() -> None:
    """(orbitdb alone: the COPY data path of its embedded connection)"""
    import io
    import tempfile

    import orbitdb

    conn = orbitdb.connect(tempfile.mkdtemp())
    conn.autocommit = True
    cur = conn.cursor()
    run(cur, TABLE)
    cur.copy_expert("COPY item FROM STDIN", io.StringIO("1\t2\t3\n2\t1\t1\n"))
    assert rows(cur, "SELECT id, total, label FROM item ORDER BY id") == [(1, 6, "#1"), (2, 1, "#2")]
    out = io.StringIO()
    cur.copy_expert("COPY item TO STDOUT", out)
    assert out.getvalue() == "1\t2\t3\n2\t1\t1\n"
    assert failure(cur, "COPY item (id, total) FROM STDIN")[0] == "42P10"
    conn.close()
