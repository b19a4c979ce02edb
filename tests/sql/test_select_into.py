"""SELECT ... INTO makes a table of the query's columns and rows (it made one with no columns),
with the statement's parameters, TEMP and UNLOGGED; where a SELECT INTO cannot be (COPY, a view)
it is refused as PostgreSQL refuses it, and EXPLAIN shows the query's plan."""

from __future__ import annotations

from pathlib import Path

import pytest

import orbitdb


@pytest.fixture
def cur(tmp_path: Path) -> orbitdb.Cursor:
    con = orbitdb.connect(str(tmp_path / "db"))
    con.autocommit = True
    c = con.cursor()
    c.execute("CREATE TABLE src (x int, label text)")
    c.execute("INSERT INTO src VALUES (1, 'one'), (2, 'two')")
    return c


def test_select_into_copies_columns_and_rows(cur: orbitdb.Cursor) -> None:
    cur.execute("SELECT x, label, x * 10 AS tens INTO copied FROM src")
    assert cur.rowcount == 2
    cur.execute("SELECT * FROM copied ORDER BY x")
    assert [d[0] for d in cur.description] == ["x", "label", "tens"]
    assert cur.fetchall() == [(1, "one", 10), (2, "two", 20)]
    cur.execute("SELECT atttypid::regtype::text FROM pg_attribute WHERE attrelid = 'copied'::regclass "
                "AND attnum > 0 ORDER BY attnum")
    assert cur.fetchall() == [("integer",), ("text",), ("integer",)]


def test_select_into_with_literals_parameters_and_no_from(cur: orbitdb.Cursor) -> None:
    cur.execute("SELECT 1 AS a, 'q' AS b INTO lone")
    cur.execute("SELECT * FROM lone")
    assert cur.fetchall() == [(1, "q")]
    cur.execute("SELECT x + %s AS z, 5 AS five INTO shifted FROM src", (10,))
    cur.execute("SELECT * FROM shifted ORDER BY z")
    assert cur.fetchall() == [(11, 5), (12, 5)]


def test_select_into_temp(cur: orbitdb.Cursor) -> None:
    cur.execute("SELECT x INTO TEMP scratch FROM src")
    cur.execute("SELECT relpersistence FROM pg_class WHERE relname = 'scratch'")
    assert cur.fetchall() == [("t",)]


def test_select_into_where_it_cannot_be(cur: orbitdb.Cursor) -> None:
    with pytest.raises(orbitdb.errors.FeatureNotSupported, match=r"COPY \(SELECT INTO\)"):
        cur.execute("COPY (SELECT x INTO nowhere FROM src) TO STDOUT")
    with pytest.raises(orbitdb.errors.FeatureNotSupported, match="views must not contain SELECT INTO"):
        cur.execute("CREATE VIEW v AS SELECT x INTO nowhere FROM src")
    cur.execute("EXPLAIN SELECT x INTO nowhere FROM src")
    assert "Scan" in cur.fetchall()[0][0]
    cur.execute("SELECT count(*) FROM pg_class WHERE relname = 'nowhere'")
    assert cur.fetchall() == [(0,)]
