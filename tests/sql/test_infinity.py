"""'infinity' and '-infinity' of date, timestamp and timestamptz (PostgreSQL 15's special
values): input and output, order against finite values (in sorts, comparisons and index scans),
storage, casts, arithmetic, isfinite, extract/date_part, and how the DB-API hands them to Python
(as psycopg2 does: date.max/min, datetime.max/min)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import orbitdb
from orbitdb.storage.infinite import DATE_INFINITY, DATE_NEG_INFINITY, TS_INFINITY, TSTZ_NEG_INFINITY
from orbitdb.storage.keycodec import encode_value
from orbitdb.storage.rowcodec import RowCodec


@pytest.fixture
def con(tmp_path: Path):
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    yield c
    c.close()


def _one(con, sql: str):
    cur = con.cursor()
    cur.execute(sql)
    return cur.fetchall()


def test_text_input_and_output(con) -> None:
    assert _one(con, "SELECT 'infinity'::date::text, '-infinity'::date::text, ' Infinity '::timestamp::text,"
                     " '-INFINITY'::timestamptz::text") == [("infinity", "-infinity", "infinity", "-infinity")]
    with pytest.raises(orbitdb.DataError) as err:
        _one(con, "SELECT '+infinity'::date")
    assert err.value.sqlstate == "22007"


def test_dbapi_gives_psycopg2_extremes(con) -> None:
    row = _one(con, "SELECT 'infinity'::date, '-infinity'::date, 'infinity'::timestamp, '-infinity'::timestamp,"
                    " 'infinity'::timestamptz, ARRAY['infinity'::date]")[0]
    assert row[:4] == (datetime.date.max, datetime.date.min, datetime.datetime.max, datetime.datetime.min)
    assert row[4].replace(tzinfo=None) == datetime.datetime.max and row[4].tzinfo is not None
    assert row[5] == [datetime.date.max]


def test_order_storage_and_index(con) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE t (d date PRIMARY KEY, ts timestamp, tz timestamptz)")
    cur.execute("CREATE INDEX t_ts ON t (ts)")
    cur.execute("INSERT INTO t VALUES ('infinity', 'infinity', '-infinity'), ('2020-01-01', '2020-01-01', "
                "'2020-01-01'), ('-infinity', '-infinity', 'infinity'), ('9999-12-31', '9999-12-31', '0001-01-01')")
    cur.execute("SELECT d::text FROM t ORDER BY d")
    assert [r[0] for r in cur.fetchall()] == ["-infinity", "2020-01-01", "9999-12-31", "infinity"]
    cur.execute("SELECT d::text FROM t WHERE ts > '9000-01-01' ORDER BY ts DESC")
    assert [r[0] for r in cur.fetchall()] == ["infinity", "9999-12-31"]
    cur.execute("SELECT d::text FROM t WHERE d = 'infinity'")
    assert cur.fetchall() == [("infinity",)]
    cur.execute("SELECT tz::text FROM t ORDER BY tz")
    assert [r[0] for r in cur.fetchall()] == ["-infinity", "0001-01-01 00:00:00+00", "2020-01-01 00:00:00+00",
                                            "infinity"]
    cur.execute("SELECT max(d)::text, min(ts)::text, count(*) FILTER (WHERE isfinite(d)) FROM t")
    assert cur.fetchall() == [("infinity", "-infinity", 2)]


def test_codecs_store_postgres_values() -> None:
    codec = RowCodec(["date", "ts", "tstz"])
    row = (DATE_INFINITY, TS_INFINITY, TSTZ_NEG_INFINITY)
    data = codec.encode(row)
    assert codec.decode(data) == row
    assert data.endswith(bytes.fromhex("ffffff7f") + bytes.fromhex("ffffffffffffff7f") + bytes.fromhex("0000000000000080"))
    assert encode_value(DATE_NEG_INFINITY) < encode_value(datetime.date(1, 1, 1))
    assert encode_value(datetime.date(9999, 12, 31)) < encode_value(DATE_INFINITY)


def test_casts(con) -> None:
    assert _one(con, "SELECT 'infinity'::date::timestamp::text, '-infinity'::timestamp::timestamptz::text,"
                     " 'infinity'::timestamptz::date::text, 'infinity'::timestamp::time") == [
        ("infinity", "-infinity", "infinity", None)]


def test_arithmetic(con) -> None:
    assert _one(con, "SELECT ('infinity'::timestamp + interval '1 day')::text, ('-infinity'::date + 1)::text,"
                     " ('infinity'::date + interval '1 year')::text, ('infinity'::timestamptz - interval '1h')::text,"
                     " date_trunc('day', 'infinity'::timestamp)::text") == [
        ("infinity", "-infinity", "infinity", "infinity", "infinity")]
    for sql, message in [("SELECT 'infinity'::date - '2020-01-01'::date", "cannot subtract infinite dates"),
                         ("SELECT 'infinity'::timestamp - '2020-01-01'::timestamp",
                          "cannot subtract infinite timestamps")]:
        with pytest.raises(orbitdb.DataError) as err:
            _one(con, sql)
        assert err.value.sqlstate == "22008" and message in str(err.value)


def test_isfinite_extract_date_part(con) -> None:
    assert _one(con, "SELECT isfinite('infinity'::date), isfinite('-infinity'::timestamp), isfinite(now()),"
                     " isfinite('2020-01-01'::date)") == [(False, False, True, True)]
    assert _one(con, "SELECT extract(year FROM 'infinity'::timestamp)::text, extract(epoch FROM '-infinity'::"
                     "timestamptz)::text, extract(month FROM 'infinity'::date), date_part('year', '-infinity'::date),"
                     " date_part('hour', 'infinity'::date), to_char('infinity'::timestamp, 'YYYY')") == [
        ("Infinity", "-Infinity", None, float("-inf"), None, None)]
    with pytest.raises(orbitdb.DatabaseError) as err:
        _one(con, "SELECT extract(hour FROM 'infinity'::date)")
    assert err.value.sqlstate == "0A000"
