"""Views keep the columns they were created with, as PostgreSQL stores them."""

from __future__ import annotations

from pathlib import Path

import orbitdb


def test_a_view_keeps_the_columns_it_was_created_with(tmp_path: Path) -> None:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    cur = c.cursor()
    cur.execute("CREATE TABLE acct (id int PRIMARY KEY, bal int)")
    cur.execute("INSERT INTO acct VALUES (1, 100)")
    cur.execute("CREATE VIEW v AS SELECT *, bal * 2 AS twice FROM acct")
    cur.execute("ALTER TABLE acct ADD COLUMN note text DEFAULT 'n'")
    cur.execute("SELECT * FROM v WHERE id = 1")
    assert cur.fetchall() == [(1, 100, 200)]
    assert [d[0] for d in cur.description] == ["id", "bal", "twice"]
    cur.execute("SELECT pg_get_viewdef('v')")
    assert "note" not in cur.fetchone()[0]
