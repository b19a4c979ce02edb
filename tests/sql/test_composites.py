"""Composite types (CREATE TYPE ... AS (...)), row constructors, field access and whole-row
references as PostgreSQL has them: values print as record text, a table's row is one value of
its row type (row_to_json(t), SELECT t FROM t, t.*), row IS [NOT] NULL tests every field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from usertype_fixtures import autocommit_db
from usertype_fixtures import fails as _fails
from usertype_fixtures import rows as _all


@pytest.fixture
def cur(tmp_path: Path) -> Any:
    c = autocommit_db(tmp_path / "db").cursor()
    c.execute("CREATE TYPE pair AS (a int, b text)")
    c.execute("CREATE TYPE addr AS (street text, zip varchar(5), since date)")
    return c


def test_row_constructors_casts_and_field_access(cur: Any) -> None:
    assert _all(cur, "SELECT ROW(1, 'x')::pair::text, (ROW(2, 'y')::pair).b") == [("(1,x)", "y")]
    assert _all(cur, "SELECT ('(3,\"hello world\")'::pair).b, ('(,)'::pair).a IS NULL") == [("hello world", True)]
    assert _all(cur, "SELECT ROW(1, 'a b', NULL, '', 'q\"t')::text") == [('(1,"a b",,"","q""t")',)]
    cur.execute("SELECT (ROW(1, 'x')::pair).b AS direct, (ROW(5, 'z')::pair).a")
    assert [d[0] for d in cur.description] == ["direct", "a"]
    _fails(cur, "SELECT (ROW(1, 'x')::pair).nope", "42703")
    _fails(cur, "SELECT ROW(1, 2, 3)::pair", "42846")
    _fails(cur, "SELECT '(1,2,3)'::pair", "22P02")
    _fails(cur, "SELECT 'no parens'::pair", "22P02")
    _fails(cur, "SELECT (1).a", "42809")


def test_columns_of_a_composite_type(cur: Any) -> None:
    cur.execute("CREATE TABLE things (id int PRIMARY KEY, p pair, ad addr)")
    cur.execute("INSERT INTO things VALUES (1, ROW(1, 'x'), ROW('Main St', '12345', '2024-01-02')), "
                "(2, '(2,\"y z\")', NULL), (3, (3, NULL), ROW(NULL, NULL, NULL))")
    assert _all(cur, "SELECT p::text, ad::text FROM things ORDER BY id") == [
        ("(1,x)", '("Main St",12345,2024-01-02)'), ('(2,"y z")', None), ("(3,)", "(,,)")]
    assert _all(cur, "SELECT (p).a, (ad).since + 1 FROM things WHERE id = 1")[0][0] == 1
    assert _all(cur, "SELECT id FROM things WHERE p = ROW(2, 'y z')::pair") == [(2,)]
    assert _all(cur, "SELECT id FROM things ORDER BY p DESC") == [(3,), (2,), (1,)]
    cur.execute("UPDATE things SET p = ROW((p).a * 10, upper((p).b)) WHERE id = 1")
    assert _all(cur, "SELECT p::text FROM things WHERE id = 1") == [("(10,X)",)]
    assert _all(cur, "SELECT id FROM things WHERE ad IS NULL ORDER BY id") == [(2,), (3,)]
    assert _all(cur, "SELECT id FROM things WHERE ad IS NOT NULL") == [(1,)]
    _fails(cur, "INSERT INTO things VALUES (4, ROW('x', 'y'), NULL)", "22P02")
    _fails(cur, "DROP TYPE pair", "2BP01")
    _fails(cur, "CREATE TABLE arr (v pair[])", "0A000")


def test_alter_type_attributes(cur: Any) -> None:
    cur.execute("ALTER TYPE pair ADD ATTRIBUTE flag boolean")
    assert _all(cur, "SELECT ROW(1, 'x', true)::pair::text") == [("(1,x,t)",)]
    cur.execute("ALTER TYPE pair RENAME ATTRIBUTE flag TO ok")
    assert _all(cur, "SELECT (ROW(1, 'x', false)::pair).ok") == [(False,)]
    cur.execute("ALTER TYPE pair DROP ATTRIBUTE ok")
    assert _all(cur, "SELECT attname FROM pg_attribute WHERE attrelid = "
                     "(SELECT typrelid FROM pg_type WHERE typname = 'pair') ORDER BY attnum") == [("a",), ("b",)]
    _fails(cur, "ALTER TYPE pair DROP ATTRIBUTE nope", "42703")


def test_whole_row_references(cur: Any) -> None:
    cur.execute("CREATE TABLE person (id int PRIMARY KEY, name text, nick text)")
    cur.execute("INSERT INTO person VALUES (1, 'ann', NULL), (2, 'ben', 'b')")
    assert _all(cur, "SELECT row_to_json(p)::text FROM person p WHERE id = 1") == [
        ('{"id": 1, "name": "ann", "nick": null}',)]
    assert _all(cur, "SELECT to_jsonb(p.*) ->> 'name' FROM person p WHERE id = 2") == [("ben",)]
    assert _all(cur, "SELECT p::text FROM person p ORDER BY id") == [("(1,ann,)",), ("(2,ben,b)",)]
    assert _all(cur, "SELECT person::text FROM person WHERE id = 2") == [("(2,ben,b)",)]
    assert _all(cur, "SELECT s::text FROM (SELECT 1 AS a, 'x y' AS b) s") == [('(1,"x y")',)]
    assert _all(cur, "SELECT (p).name FROM person p WHERE id = 1") == [("ann",)]
    assert _all(cur, "SELECT count(*) FROM person p WHERE p IS NOT NULL") == [(1,)]
    assert _all(cur, "SELECT jsonb_agg(t ORDER BY id) ->> 1 FROM (SELECT id, name FROM person) t") == [
        ('{"id": 2, "name": "ben"}',)]
    # a whole row from an enclosing query
    assert _all(cur, "SELECT (SELECT row_to_json(o) ->> 'name' FROM (SELECT 1) x) FROM person o "
                     "WHERE id = 2") == [("ben",)]


def test_catalog_rows(cur: Any) -> None:
    assert _all(cur, "SELECT typtype, typcategory, typrelid <> 0 FROM pg_type WHERE typname = 'pair'") == [
        ("c", "C", True)]
    assert _all(cur, "SELECT relkind FROM pg_class WHERE relname = 'pair'") == [("c",)]
    assert _all(cur, "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                     "(SELECT typrelid FROM pg_type WHERE typname = 'addr') ORDER BY attnum") == [
        ("street", "text"), ("zip", "character varying(5)"), ("since", "date")]
