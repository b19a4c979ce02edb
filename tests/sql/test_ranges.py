"""Range and multirange types in the embedded database: text forms, canonical discrete ranges, constructors,
operators and functions, range columns (stored, ordered, indexed, compared in keys), and what
the DB-API hands out (a Range with psycopg2's attribute names). The same statements run against
PostgreSQL 15 in tests/compat/corpus/37_ranges_net_money.sql."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

import orbitdb
from orbitdb.storage.keycodec import encode_value
from orbitdb.storage.ranges import MultiRange, Range
from orbitdb.storage.rowcodec import RowCodec


@pytest.fixture
def con(tmp_path: Path):
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    yield c
    c.close()


def _rows(con, sql: str, params=None):
    cur = con.cursor()
    cur.execute(sql, params)
    return cur.fetchall()


@pytest.mark.parametrize(("text", "kind", "shown"), [
    ("[1,5)", "int4range", "[1,5)"), ("(1,5]", "int4range", "[2,6)"), ("(1,2)", "int4range", "empty"),
    ("[3,3]", "int4range", "[3,4)"), (" EMPTY ", "int8range", "empty"), ("(,5]", "int8range", "(,6)"),
    ("[,]", "numrange", "(,)"), ("[1.50,2.5]", "numrange", "[1.50,2.5]"),
    ("[2024-01-01,2024-01-31]", "daterange", "[2024-01-01,2024-02-01)"),
    ('["2024-01-01 10:00",)', "tsrange", '["2024-01-01 10:00:00",)'),
])
def test_text_forms(con, text, kind, shown) -> None:
    assert _rows(con, f"SELECT '{text}'::{kind}::text") == [(shown,)]


@pytest.mark.parametrize(("sql", "state"), [
    ("SELECT '[5,1)'::int4range", "22000"), ("SELECT '[1,5'::int4range", "22P02"),
    ("SELECT '[1,5,6)'::int4range", "22P02"), ("SELECT int4range(1, 2, 'x')", "42601"),
    ("SELECT int4range(2147483647, NULL, '(]')", "22003"), ("SELECT int4range(1, 5) + int4range(7, 9)", "22000"),
    ("SELECT int4range(1, 9) - int4range(3, 4)", "22000"), ("SELECT int4range(1, 5) @> 3::bigint", "42883"),
    ("SELECT '{[1,2) x}'::int4multirange", "22P02"), ("SELECT int4multirange(int4range(1, 2), NULL)", "22004"),
])
def test_errors(con, sql, state) -> None:
    with pytest.raises(orbitdb.DatabaseError) as err:
        _rows(con, sql)
    assert err.value.sqlstate == state


def test_operators_and_functions(con) -> None:
    assert _rows(con, "SELECT int4range(1, 5) @> 3, int4range(1, 5) @> 5, 3 <@ int4range(1, 5),"
                      " int4range(1, 5) && int4range(5, 6), int4range(1, 5) -|- int4range(5, 6),"
                      " int4range(1, 5) << int4range(5, 6), int4range(1, 5) &< int4range(4, 6),"
                      " numrange(1, 2) -|- numrange(2, 3, '(]'), numrange(1.5, 2.5) @> 2.0") == [
        (True, False, True, False, True, True, True, False, True)]
    assert _rows(con, "SELECT (int4range(1, 5) + int4range(5, 8))::text, (int4range(1, 5) * int4range(3, 9))::text,"
                      " (int4range(1, 5) - int4range(3, 9))::text, range_merge(int4range(1, 2), int4range(5, 6))::text,"
                      " lower(int4range(1, 5)), upper('[1,5]'::int4range), lower('(,5)'::int4range),"
                      " isempty('empty'::int4range), lower_inf('(,1)'::int4range), upper_inc('[1,2]'::numrange)") == [
        ("[1,8)", "[3,5)", "[1,3)", "[1,6)", 1, 6, None, True, True, True)]


def test_columns_order_keys_and_dbapi(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE spans (r int4range PRIMARY KEY, d daterange, n numrange)")
    cur.execute("INSERT INTO spans VALUES ('[1,5)', '[2024-01-01,)', '[1.5,2]'), ('[1,3)', NULL, NULL),"
                " ('empty', 'empty', 'empty'), ('(,2)', '(,2024-01-01)', '(,0)'), ('[0,)', NULL, NULL)")
    cur.execute("SELECT r::text AS t FROM spans ORDER BY r")
    assert [row[0] for row in cur.fetchall()] == ["empty", "(,2)", "[0,)", "[1,3)", "[1,5)"]
    cur.execute("SELECT r::text AS t FROM spans WHERE r > '[1,3)' ORDER BY r DESC")
    assert cur.fetchall() == [("[1,5)",)]
    cur.execute("SELECT count(*) FROM spans WHERE d @> '2024-06-01'::date")
    assert cur.fetchall() == [(1,)]
    with pytest.raises(orbitdb.IntegrityError):
        cur.execute("INSERT INTO spans VALUES ('[1,4]')")  # the same range as [1,5)
    cur.execute("SELECT r, d, n FROM spans WHERE r = '[1,5)'")
    r, d, n = cur.fetchone()
    assert (r.lower, r.upper, r.lower_inc, r.upper_inc, r.isempty) == (1, 5, True, False, False)
    assert d.lower == datetime.date(2024, 1, 1) and d.upper_inf
    assert n == Range(Decimal("1.5"), Decimal(2), True, True)
    cur.execute("SELECT r FROM spans WHERE r = %s", (r,))  # a Range is a parameter too
    assert cur.fetchall() == [(r,)]


def test_multiranges(con) -> None:
    assert _rows(con, "SELECT '{[1,3), [2,5), [7,9], empty}'::int4multirange::text, int4multirange()::text,"
                      " ('{[1,10)}'::int4multirange - '{[3,4),[6,7)}')::text, '{[1,3),[5,7)}'::int4multirange @> 6,"
                      " range_merge('{[1,3),[5,7)}'::int4multirange)::text") == [
        ("{[1,5),[7,10)}", "{}", "{[1,3),[4,6),[7,10)}", True, "[1,7)")]
    cur = con.cursor()
    cur.execute("CREATE TABLE shifts (id int PRIMARY KEY, hours int4multirange)")
    cur.execute("INSERT INTO shifts VALUES (1, '{[9,12),[13,17)}'), (2, '{}'), (3, '{[9,12)}')")
    cur.execute("SELECT id, hours FROM shifts ORDER BY hours")
    assert cur.fetchall() == [(2, "{}"), (3, "{[9,12)}"), (1, "{[9,12),[13,17)}")]  # text, as psycopg2 gives it
    cur.execute("SELECT range_agg(hours)::text, range_agg(int4range(id, id + 1))::text FROM shifts")
    assert cur.fetchall() == [("{[9,12),[13,17)}", "{[1,4)}")]


def test_codecs() -> None:
    codec = RowCodec(["range:int", "range:tstz", "array:range:numeric", "multirange:date"])
    row = (Range(1, 5, True, False), Range(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc), None,
                                           True, False), [Range(None, None, False, False, True), None],
           MultiRange([Range(None, datetime.date(2024, 1, 1), False, False)]))
    assert codec.decode(codec.encode(row)) == row
    keys = [encode_value(v) for v in (Range(None, None, False, False, True), Range(None, 3, False, False),
                                      Range(1, 3, True, False), Range(1, 4, True, False), Range(1, None, False, False),
                                      Range(2, 3, True, False))]
    assert keys == sorted(keys)
