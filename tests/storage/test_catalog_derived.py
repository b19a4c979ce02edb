"""Catalog.derived (orbitdb/storage/catalog.py): a value worked out from one object of a catalog
version is kept for that version only, never by a version being changed, and never for another
object under the same key. The planner keeps a table's row codec and column types this way; the
SQL tests below check that DDL, committed or rolled back, is seen by the next statement."""

from __future__ import annotations

from pathlib import Path

import orbitdb
from orbitdb.storage.catalog import Catalog, ColumnDef, TableDef


def _table(oid: int = 20000) -> TableDef:
    return TableDef(oid, "public", "t", columns=[ColumnDef("a", "integer", "int", 0)], next_slot=1)


def test_kept_for_the_version_and_object() -> None:
    cat = Catalog()
    t = _table()
    made: list[int] = []

    def make() -> int:
        made.append(1)
        return len(made)

    assert cat.derived(("k", t.oid), t, make) == 1
    assert cat.derived(("k", t.oid), t, make) == 1  # kept
    other = _table()
    assert cat.derived(("k", t.oid), other, make) == 2  # another object under the key: made again
    cat.forget_lookups()  # a new version
    assert cat.derived(("k", t.oid), other, make) == 3


def test_a_version_being_changed_keeps_nothing() -> None:
    cat = Catalog()
    t = _table()
    cat.put(t)  # dirty now, as a transaction's copy during DDL
    made: list[int] = []
    for _ in range(2):
        cat.derived(("k", t.oid), t, lambda: made.append(1))
    assert len(made) == 2


def test_ddl_is_seen_by_the_next_statement(tmp_path: Path) -> None:
    conn = orbitdb.connect(str(tmp_path / "db"))
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (a int, b varchar(3))")
    cur.execute("INSERT INTO t VALUES (1, 'x')")
    conn.commit()
    cur.execute("SELECT * FROM t")
    assert cur.fetchall() == [(1, "x")]
    cur.execute("ALTER TABLE t ADD COLUMN c int DEFAULT 7")
    cur.execute("ALTER TABLE t ALTER COLUMN b TYPE text")
    cur.execute("SELECT * FROM t")
    assert cur.fetchall() == [(1, "x", 7)]
    conn.rollback()
    cur.execute("SELECT * FROM t")
    assert cur.fetchall() == [(1, "x")]
    cur.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')")
    cur.execute("ALTER TABLE t ADD COLUMN m mood")
    conn.commit()
    cur.execute("INSERT INTO t VALUES (2, 'y', 'happy')")
    cur.execute("SELECT a, m FROM t WHERE m = 'happy'")
    assert cur.fetchall() == [(2, "happy")]
    cur.execute("SELECT pg_typeof(m)::text FROM t LIMIT 1")
    assert cur.fetchall() == [("mood",)]
    conn.close()
