"""Enum types (CREATE TYPE ... AS ENUM): values order by their labels' declaration order in
comparisons, ORDER BY, indexes and min/max; ALTER TYPE adds and renames labels; casts check
labels; the type survives a reopen and is dropped only when nothing uses it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from usertype_fixtures import autocommit_db as _db
from usertype_fixtures import fails as _fails
from usertype_fixtures import rows as _all


@pytest.fixture
def cur(tmp_path: Path) -> Any:
    c = _db(tmp_path / "db").cursor()
    c.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
    c.execute("CREATE TABLE person (id int PRIMARY KEY, name text, m mood)")
    c.execute("INSERT INTO person VALUES (1, 'ann', 'happy'), (2, 'ben', 'sad'), (3, 'cat', 'ok'), (4, 'dan', NULL)")
    return c


def test_values_sort_by_declaration_order_not_text(cur: Any) -> None:
    assert _all(cur, "SELECT name FROM person ORDER BY m, id") == [("ben",), ("cat",), ("ann",), ("dan",)]
    assert _all(cur, "SELECT name FROM person ORDER BY m DESC NULLS LAST") == [("ann",), ("cat",), ("ben",),
                                                                              ("dan",)]
    assert _all(cur, "SELECT min(m), max(m) FROM person") == [("sad", "happy")]
    assert _all(cur, "SELECT name FROM person WHERE m > 'ok'") == [("ann",)]
    assert _all(cur, "SELECT 'happy'::mood > 'sad'::mood, greatest('ok'::mood, 'sad')") == [(True, "ok")]


def test_range_predicates_on_an_indexed_enum_use_enum_order(cur: Any) -> None:
    cur.execute("CREATE INDEX person_m ON person (m)")
    # 'happy' < 'ok' < 'sad' as text; sad < ok < happy as the enum
    assert _all(cur, "SELECT name FROM person WHERE m >= 'ok' ORDER BY id") == [("ann",), ("cat",)]
    assert _all(cur, "SELECT name FROM person WHERE m < 'ok' ORDER BY id") == [("ben",)]
    assert _all(cur, "SELECT name FROM person WHERE m = 'ok'") == [("cat",)]


def test_unknown_labels_are_refused_with_postgresql_error(cur: Any) -> None:
    msg = _fails(cur, "INSERT INTO person VALUES (5, 'eve', 'angry')", "22P02")
    assert 'invalid input value for enum mood: "angry"' in msg
    _fails(cur, "SELECT 'x'::mood", "22P02")
    _fails(cur, "SELECT '{ok,nope}'::mood[]", "22P02")
    # text is not implicitly an enum (only a literal is)
    cur.execute("CREATE TABLE src (v text)")
    cur.execute("INSERT INTO src VALUES ('ok')")
    _fails(cur, "INSERT INTO person SELECT 9, 'x', v FROM src", "42804")
    cur.execute("INSERT INTO person SELECT 9, 'x', v::mood FROM src")
    assert _all(cur, "SELECT m::text FROM person WHERE id = 9") == [("ok",)]
    _fails(cur, "SELECT m = 'ok'::text FROM person", "42883")


def test_enum_functions(cur: Any) -> None:
    assert _all(cur, "SELECT enum_first(NULL::mood), enum_last(NULL::mood)") == [("sad", "happy")]
    assert _all(cur, "SELECT enum_range(NULL::mood)") == [(["sad", "ok", "happy"],)]
    assert _all(cur, "SELECT enum_range('ok'::mood, NULL), enum_range(NULL, 'ok'::mood)") == [
        (["ok", "happy"], ["sad", "ok"])]
    _fails(cur, "SELECT enum_first(1)", "42883")


def test_alter_type_add_value_takes_its_place_in_the_order(cur: Any) -> None:
    cur.execute("INSERT INTO person VALUES (5, 'eve', 'ok')")  # a plan cached before ALTER TYPE
    cur.execute("ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'")
    cur.execute("ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy'")
    cur.execute("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok'")
    _fails(cur, "ALTER TYPE mood ADD VALUE 'ok'", "42710")
    _fails(cur, "ALTER TYPE mood ADD VALUE 'z' BEFORE 'nope'", "22023")
    cur.execute("INSERT INTO person VALUES (6, 'fay', 'meh'), (7, 'gus', 'ecstatic')")
    assert _all(cur, "SELECT name FROM person WHERE m IS NOT NULL ORDER BY m, id") == [
        ("ben",), ("fay",), ("cat",), ("eve",), ("ann",), ("gus",)]
    assert _all(cur, "SELECT enumlabel FROM pg_enum WHERE enumtypid = 'mood'::regtype ORDER BY enumsortorder") == [
        ("sad",), ("meh",), ("ok",), ("happy",), ("ecstatic",)]


def test_rename_value_changes_stored_rows(cur: Any) -> None:
    cur.execute("CREATE TABLE log (id int, ms mood[])")
    cur.execute("INSERT INTO log VALUES (1, '{ok,sad}')")
    cur.execute("ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'")
    assert _all(cur, "SELECT m FROM person WHERE id = 3") == [("fine",)]
    assert _all(cur, "SELECT ms FROM log") == [(["fine", "sad"],)]
    _fails(cur, "SELECT 'ok'::mood", "22P02")
    _fails(cur, "ALTER TYPE mood RENAME VALUE 'nope' TO 'x'", "22023")
    _fails(cur, "ALTER TYPE mood RENAME VALUE 'sad' TO 'happy'", "42710")


def test_rename_to_set_schema_and_owner(cur: Any) -> None:
    cur.execute("ALTER TYPE mood RENAME TO feeling")
    assert _all(cur, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                     "WHERE attrelid = 'person'::regclass AND attname = 'm'") == [("feeling",)]
    _fails(cur, "SELECT 'ok'::mood", "42704")
    cur.execute("CREATE SCHEMA s")
    cur.execute("ALTER TYPE feeling SET SCHEMA s")
    assert _all(cur, "SELECT 'ok'::s.feeling, pg_typeof(m)::text FROM person WHERE id = 1") == [("ok", "s.feeling")]
    cur.execute("ALTER TYPE s.feeling OWNER TO CURRENT_USER")
    cur.execute("INSERT INTO person VALUES (8, 'hal', 'sad')")
    assert _all(cur, "SELECT name FROM person WHERE m < 'ok' ORDER BY id") == [("ben",), ("hal",)]


def test_drop_type_refuses_while_a_column_uses_it(cur: Any) -> None:
    msg = _fails(cur, "DROP TYPE mood", "2BP01")
    assert "cannot drop type mood because other objects depend on it" in msg
    cur.execute("DROP TABLE person")
    cur.execute("DROP TYPE mood")
    _fails(cur, "SELECT 'ok'::mood", "42704")
    cur.execute("DROP TYPE IF EXISTS mood")
    _fails(cur, "DROP TYPE mood", "42704")


def test_catalog_rows(cur: Any) -> None:
    rows = _all(cur, "SELECT typname, typtype, typcategory, typarray <> 0 FROM pg_type "
                     "WHERE typname IN ('mood', '_mood') ORDER BY typname")
    assert rows == [("_mood", "b", "A", False), ("mood", "e", "E", True)]
    assert _all(cur, "SELECT 'mood'::regtype::text, 'mood[]'::regtype::text, "
                     "format_type('mood'::regtype, NULL)") == [("mood", "mood[]", "mood")]
    assert _all(cur, "SELECT pg_typeof(m)::text FROM person WHERE id = 1") == [("mood",)]


def test_type_and_rows_survive_reopen(tmp_path: Path) -> None:
    con = _db(tmp_path / "db")
    c = con.cursor()
    c.execute("CREATE TYPE size AS ENUM ('s', 'm', 'l')")
    c.execute("CREATE TABLE shirt (id int, sz size)")
    c.execute("INSERT INTO shirt VALUES (1, 'l'), (2, 's'), (3, 'm')")
    con.close()
    c = _db(tmp_path / "db").cursor()
    assert _all(c, "SELECT id FROM shirt ORDER BY sz") == [(2,), (3,), (1,)]
    _fails(c, "INSERT INTO shirt VALUES (4, 'xl')", "22P02")


def test_create_type_errors(cur: Any) -> None:
    _fails(cur, "CREATE TYPE mood AS ENUM ('x')", "42710")
    _fails(cur, "CREATE TYPE person AS ENUM ('x')", "42710")  # a table's row type has the name
    _fails(cur, "CREATE TYPE long AS ENUM ('" + "a" * 64 + "')", "42602")
    _fails(cur, "CREATE TYPE dup AS ENUM ('a', 'a')", "23505")
    _fails(cur, "CREATE TYPE shell", "0A000")
    _fails(cur, "CREATE TYPE r AS RANGE (subtype = int4)", "0A000")


def test_comment_on_type(cur: Any) -> None:
    cur.execute("COMMENT ON TYPE mood IS 'how one feels'")
    assert _all(cur, "SELECT obj_description('mood'::regtype, 'pg_type')") == [("how one feels",)]
    cur.execute("COMMENT ON TYPE mood IS NULL")
    assert _all(cur, "SELECT obj_description('mood'::regtype, 'pg_type')") == [(None,)]
    _fails(cur, "COMMENT ON DOMAIN mood IS 'x'", "42809")
    _fails(cur, "DROP TYPE IF EXISTS integer", "2BP01")


def test_drop_type_cascade_drops_what_uses_it(cur: Any) -> None:
    cur.execute("CREATE DOMAIN happy_mood AS mood CHECK (VALUE <> 'sad')")
    cur.execute("CREATE TYPE entry AS (at date, m mood)")
    cur.execute("CREATE TABLE diary (id int PRIMARY KEY, hm happy_mood, note text)")
    cur.execute("INSERT INTO diary VALUES (1, 'ok', 'fine')")
    cur.execute("DROP TYPE mood CASCADE")
    notices = "".join(cur.connection.notices)
    assert "drop cascades to 4 other objects" in notices  # happy_mood, entry.m, person.m, diary.hm
    assert _all(cur, "SELECT * FROM person ORDER BY id") == [(1, "ann"), (2, "ben"), (3, "cat"), (4, "dan")]
    assert _all(cur, "SELECT * FROM diary") == [(1, "fine")]
    assert _all(cur, "SELECT attname FROM pg_attribute WHERE attrelid = "
                     "(SELECT typrelid FROM pg_type WHERE typname = 'entry') ORDER BY attnum") == [("at",)]
    _fails(cur, "SELECT 'ok'::happy_mood", "42704")
