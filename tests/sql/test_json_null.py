"""JSON null in the embedded database: the DB-API hands it to Python as psycopg2 does (None, as
json.loads gives it), while inside, in storage and in keys it stays apart from SQL NULL.
(tests/wire/test_wire_json_null.py checks the same values against psycopg2 on PostgreSQL 15.)"""

from __future__ import annotations

import marshal
from pathlib import Path

import psycopg2.extras
import pytest

import orbitdb
from orbitdb.storage.jsonnull import JSON_NULL, from_python, to_python
from orbitdb.storage.keycodec import TAG_NULL, encode_value
from orbitdb.storage.rowcodec import FORMAT_V1, RowCodec


@pytest.fixture
def con(tmp_path: Path):
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    yield c
    c.close()


def test_results_give_none_for_json_null_like_psycopg2(con) -> None:
    cur = con.cursor()
    cur.execute(
        "SELECT 'null'::jsonb, 'null'::jsonb IS NULL, '{\"a\": null}'::jsonb, '[null, 1]'::json,"
        " ARRAY['null'::jsonb, NULL, '[null]'], '{\"a\": null}'::jsonb -> 'a'"
    )
    assert cur.fetchall() == [(None, False, {"a": None}, [None, 1], [None, None, [None]], None)]
    cur.execute("SELECT ROW('null'::jsonb, 1), ROW(1, ROW('{\"a\": null}'::jsonb))")
    assert cur.fetchall() == [((None, 1), (1, ({"a": None},)))]


def test_parameters_json_none_and_nested_none(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, j jsonb NOT NULL, k jsonb)")
    cur.execute("INSERT INTO t VALUES (%s, %s, %s)", (1, psycopg2.extras.Json(None), None))
    cur.execute("INSERT INTO t VALUES (%s, %s, %s)", (2, {"a": None, "b": [None, 2]}, psycopg2.extras.Json(None)))
    cur.execute("INSERT INTO t VALUES (%s, %s, %s)", (3, "null", "null"))
    with pytest.raises(orbitdb.IntegrityError) as err:
        cur.execute("INSERT INTO t VALUES (%s, %s, %s)", (4, None, None))
    assert err.value.sqlstate == "23502"
    cur.execute("SELECT id, j, j IS NULL, j::text, k IS NULL, k::text FROM t ORDER BY id")
    assert cur.fetchall() == [
        (1, None, False, "null", True, None),
        (2, {"a": None, "b": [None, 2]}, False, '{"a": null, "b": [null, 2]}', False, "null"),
        (3, None, False, "null", False, "null"),
    ]
    cur.execute("SELECT id FROM t WHERE j = %s ORDER BY id", (psycopg2.extras.Json(None),))
    assert cur.fetchall() == [(1,), (3,)]


def test_json_null_survives_reopen_and_unique_keys(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    con = orbitdb.connect(path)
    cur = con.cursor()
    cur.execute("CREATE TABLE u (id int PRIMARY KEY, j jsonb UNIQUE, a jsonb[])")
    cur.execute("INSERT INTO u VALUES (1, 'null', ARRAY['null'::jsonb, NULL]), (2, NULL, NULL), (3, NULL, NULL)")
    cur.execute("INSERT INTO u VALUES (4, '\"null\"', NULL), (5, '[null]', NULL)")
    cur.execute("ALTER TABLE u ADD COLUMN d jsonb NOT NULL DEFAULT 'null'")  # rows before it read the default
    con.commit()
    con.close()
    con = orbitdb.connect(path)
    cur = con.cursor()
    cur.execute("SELECT id, j IS NULL, j::text, a::text, d IS NULL, d::text FROM u ORDER BY id")
    assert cur.fetchall() == [
        (1, False, "null", '{"null",NULL}', False, "null"),
        (2, True, None, None, False, "null"),
        (3, True, None, None, False, "null"),
        (4, False, '"null"', None, False, "null"),
        (5, False, "[null]", None, False, "null"),
    ]
    with pytest.raises(orbitdb.IntegrityError):
        cur.execute("INSERT INTO u VALUES (6, 'null', NULL)")
    con.rollback()
    cur.execute("SELECT id FROM u WHERE j = 'null'")
    assert cur.fetchall() == [(1,)]
    con.close()


def test_rows_stored_before_json_null_existed_read_back() -> None:
    # before JSON_NULL a top-level null was stored as SQL NULL (None); nested nulls as "null" text
    codec = RowCodec(["int", "json", "array:json"])
    old = FORMAT_V1 + marshal.dumps((1, '{"a":null,"b":[1,null]}', ["null", None, "[null]"]))
    assert codec.decode(old) == (1, {"a": JSON_NULL, "b": [1, JSON_NULL]}, [JSON_NULL, None, [JSON_NULL]])
    assert codec.decode(FORMAT_V1 + marshal.dumps((2, None, None))) == (2, None, None)
    row = (3, JSON_NULL, [JSON_NULL, None])
    assert codec.decode(codec.encode(row)) == row


def test_key_encoding_keeps_json_null_apart() -> None:
    encoded = encode_value(JSON_NULL)
    assert encoded != TAG_NULL
    others = [None, "", "null", "JSON_NULL", [], [[]], False, True, 0, {}]
    assert all(encode_value(v) != encoded for v in others)


def test_python_conversions_round_trip() -> None:
    doc = {"a": None, "b": [None, {"c": None}], "d": 1}
    held = from_python(doc)
    assert held == {"a": JSON_NULL, "b": [JSON_NULL, {"c": JSON_NULL}], "d": 1}
    assert to_python(held) == doc
    assert from_python(None) is JSON_NULL and to_python(JSON_NULL) is None
    import copy
    import pickle

    assert copy.deepcopy(held)["a"] is JSON_NULL
    assert pickle.loads(pickle.dumps(JSON_NULL)) is JSON_NULL
