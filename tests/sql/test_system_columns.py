"""System columns PostgreSQL shows on every table: tableoid names the table a row comes from."""

from __future__ import annotations

import pytest

import orbitdb


@pytest.fixture
def cur(tmp_path):
    con = orbitdb.connect(str(tmp_path / "db"), autocommit=True)
    c = con.cursor()
    c.execute("CREATE TABLE p (id int)")
    c.execute("INSERT INTO p VALUES (1)")
    yield c
    con.close()


def test_tableoid_is_the_tables_oid(cur):
    cur.execute("SELECT tableoid::regclass::text, tableoid = 'p'::regclass, id FROM p")
    assert cur.fetchall() == [("p", True, 1)]
    cur.execute("SELECT q.tableoid = (SELECT oid FROM pg_class WHERE relname = 'p') FROM p q")
    assert cur.fetchall() == [(True,)]


def test_tableoid_in_returning_and_where(cur):
    cur.execute("UPDATE p SET id = 2 WHERE tableoid = 'p'::regclass RETURNING tableoid::regclass::text")
    assert cur.fetchall() == [("p",)]


def test_tableoid_of_two_tables_is_ambiguous(cur):
    with pytest.raises(orbitdb.ProgrammingError, match="ambiguous"):
        cur.execute("SELECT tableoid FROM p JOIN p q ON true")


def test_a_subquery_has_no_tableoid(cur):
    with pytest.raises(orbitdb.ProgrammingError, match='column "tableoid" does not exist'):
        cur.execute("SELECT tableoid FROM (SELECT 1) s")
