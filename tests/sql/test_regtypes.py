"""reg* values print as PostgreSQL prints them: a system relation by its name (it printed its
oid), a user's relation qualified only when its schema is not on search_path, 0 as "-", an oid
that names nothing as the number; the session is passed to these conversions, not read from
thread state, so they also work when rows are fetched after the statement returned."""

from __future__ import annotations

from pathlib import Path

import orbitdb


def test_reg_outputs(tmp_path: Path) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))
    con.autocommit = True
    cur = con.cursor()
    cur.execute("CREATE TABLE tt (a int PRIMARY KEY)")
    cur.execute("CREATE SCHEMA s2")
    cur.execute("CREATE TABLE s2.u (a int)")
    cur.execute("SELECT 'pg_class'::regclass, 'pg_class'::regclass::text, 'tt'::regclass::text, "
                "'s2.u'::regclass::text, 'tt_pkey'::regclass::text, 'int4'::regtype::text, "
                "'pg_catalog'::regnamespace::text, 0::regclass::text, 999999::regclass::text")
    assert cur.fetchall() == [("pg_class", "pg_class", "tt", "s2.u", "tt_pkey", "integer", "pg_catalog", "-",
                               "999999")]
    cur.execute("SET search_path = s2, public")
    cur.execute("SELECT 'u'::regclass::text, 'tt'::regclass::text")
    assert cur.fetchall() == [("u", "tt")]


def test_reg_names_of_rows_fetched_later(tmp_path: Path) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))
    cur = con.cursor()
    cur.execute("SELECT oid::regclass FROM pg_class WHERE relname IN ('pg_class', 'pg_type') ORDER BY 1")
    first = cur.fetchone()
    rest = cur.fetchall()
    assert [first] + rest == [("pg_type",), ("pg_class",)]  # regclass orders by oid, as in PostgreSQL
