"""The statement objects execute() keeps between runs of the same text (and what the DB-API keeps
for their results): a change of the catalog, of search_path, of the parameters' types or of the
time zone must show in the next run's result, as if nothing were kept; and key lookups that skip
re-checking their condition on each row still give PostgreSQL's answers."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import orbitdb


@pytest.fixture
def con(tmp_path: Path) -> Iterator[Any]:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    yield c
    c.close()


def test_ddl_changes_what_the_same_statement_returns(con: Any) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, a text)")
    cur.execute("INSERT INTO t VALUES (1, 'x')")
    query = "SELECT * FROM t WHERE id = %s"
    cur.execute(query, (1,))
    assert cur.fetchall() == [(1, "x")]
    assert [d[0] for d in cur.description] == ["id", "a"]
    cur.execute("ALTER TABLE t ADD COLUMN b int DEFAULT 7")
    cur.execute(query, (1,))
    assert cur.fetchall() == [(1, "x", 7)]
    assert [d[0] for d in cur.description] == ["id", "a", "b"]
    cur.execute("DROP TABLE t")
    with pytest.raises(orbitdb.ProgrammingError) as err:
        cur.execute(query, (1,))
    assert err.value.sqlstate == "42P01"


def test_search_path_is_part_of_what_a_statement_means(con: Any) -> None:
    cur = con.cursor()
    cur.execute("CREATE SCHEMA s1")
    cur.execute("CREATE SCHEMA s2")
    cur.execute("CREATE TABLE s1.t (id int PRIMARY KEY, v text)")
    cur.execute("CREATE TABLE s2.t (id int PRIMARY KEY, v text)")
    cur.execute("INSERT INTO s1.t VALUES (1, 'one')")
    cur.execute("INSERT INTO s2.t VALUES (1, 'two')")
    for schema, expected in (("s1", "one"), ("s2", "two"), ("s1", "one")):
        cur.execute(f"SET search_path = {schema}")
        cur.execute("SELECT v FROM t WHERE id = %s", (1,))
        assert cur.fetchall() == [(expected,)]


def test_parameter_types_are_part_of_the_key(con: Any) -> None:
    cur = con.cursor()
    seen: dict[type, str] = {}
    for value in (1, "a", 1.5, 1, "a", 1.5):
        cur.execute("SELECT pg_typeof(%s)::text", (value,))
        got = cur.fetchone()[0]
        assert seen.setdefault(type(value), got) == got
    assert seen[int] == "integer"
    assert len(set(seen.values())) == 3


def test_timestamptz_follows_the_time_zone_of_each_run(con: Any) -> None:
    cur = con.cursor()
    query = "SELECT %s::timestamptz"
    cur.execute("SET TimeZone = 'UTC'")
    cur.execute(query, ("2024-01-01 12:00:00+00",))
    first = cur.fetchone()[0]
    assert first.utcoffset() == datetime.timedelta(0)
    cur.execute("SET TimeZone = 'Asia/Tokyo'")
    cur.execute(query, ("2024-01-01 12:00:00+00",))
    second = cur.fetchone()[0]
    assert second.utcoffset() == datetime.timedelta(hours=9)
    assert first == second


def test_key_lookups_answer_their_condition_exactly(con: Any) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE items (id int PRIMARY KEY, k int NOT NULL, name varchar(10))")
    cur.execute("CREATE INDEX ON items (k)")
    cur.execute("CREATE INDEX ON items (name)")
    cur.execute("INSERT INTO items SELECT g, g % 10, 'n' || (g % 3) FROM generate_series(1, 100) g")
    cur.execute("SELECT count(*) FROM items WHERE k = %s", (5,))
    assert cur.fetchone() == (10,)
    cur.execute("SELECT count(*) FROM items WHERE k = 5 AND k = 6")
    assert cur.fetchone() == (0,)
    cur.execute("SELECT count(*) FROM items WHERE k = %s AND id > %s", (5, 50))
    assert cur.fetchone() == (5,)
    cur.execute("SELECT count(*) FROM items WHERE name = %s", ("n1",))
    assert cur.fetchone() == (34,)
    cur.execute("SELECT id FROM items WHERE id = %s AND k = %s", (15, 4))
    assert cur.fetchall() == []
    cur.execute("SELECT count(*) FROM items WHERE k = NULL")
    assert cur.fetchone() == (0,)
    # the transaction's own changes: the index entry moves with the row
    cur.execute("BEGIN")
    cur.execute("UPDATE items SET k = 99 WHERE id = 5")
    cur.execute("SELECT count(*) FROM items WHERE k = %s", (5,))
    assert cur.fetchone() == (9,)
    cur.execute("SELECT id FROM items WHERE k = %s", (99,))
    assert cur.fetchall() == [(5,)]
    cur.execute("ROLLBACK")
    cur.execute("SELECT id FROM items WHERE k = 99")
    assert cur.fetchall() == []


def test_an_outer_column_of_the_same_name_is_not_a_key_of_the_inner_table(con: Any) -> None:
    """`o.k = 5` inside a subquery over a table that also has k is a condition on the outer row:
    it must not become a lookup of the inner table's index on k."""
    cur = con.cursor()
    cur.execute("CREATE TABLE outer_t (k int)")
    cur.execute("CREATE TABLE inner_t (k int PRIMARY KEY, v text)")
    cur.execute("CREATE TABLE inner_ix (id int PRIMARY KEY, k int)")
    cur.execute("CREATE INDEX ON inner_ix (k)")
    cur.execute("INSERT INTO outer_t VALUES (5), (6)")
    cur.execute("INSERT INTO inner_t VALUES (1, 'a'), (2, 'b'), (5, 'c')")
    cur.execute("INSERT INTO inner_ix VALUES (1, 1), (2, 2), (3, 5)")
    cur.execute("SELECT o.k, (SELECT count(*) FROM inner_t i WHERE o.k = 5) FROM outer_t o ORDER BY 1")
    assert cur.fetchall() == [(5, 3), (6, 0)]
    cur.execute("SELECT o.k, (SELECT count(*) FROM inner_ix i WHERE o.k = 5) FROM outer_t o ORDER BY 1")
    assert cur.fetchall() == [(5, 3), (6, 0)]
    cur.execute("SELECT o.k, (SELECT count(*) FROM inner_ix i WHERE i.k = o.k) FROM outer_t o ORDER BY 1")
    assert cur.fetchall() == [(5, 1), (6, 0)]
