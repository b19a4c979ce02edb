"""con.row_factory with orbitdb.Row, and orbitdb.connect(":memory:")."""

from __future__ import annotations

import os

import pytest

import orbitdb


def test_row_factory_with_orbitdb_row(db_path: str) -> None:
    con = orbitdb.connect(db_path)
    con.execute("CREATE TABLE t (id int, \"Name\" text, note text)")
    con.execute("INSERT INTO t VALUES (1, 'a', NULL), (2, 'b', 'x')")
    con.row_factory = orbitdb.Row
    cur = con.execute('SELECT id, "Name", note FROM t ORDER BY id')
    first = cur.fetchone()
    assert isinstance(first, orbitdb.Row)
    assert first[0] == 1 and first[-1] is None and first[0:2] == (1, "a")
    assert first["id"] == 1 and first["Name"] == "a" and first["name"] == "a" and first["NOTE"] is None
    assert first.keys() == ["id", "Name", "note"]
    assert len(first) == 3 and tuple(first) == (1, "a", None) and dict(zip(first.keys(), first))["id"] == 1
    with pytest.raises(IndexError):
        first["missing"]
    rest = cur.fetchall()
    assert [r["id"] for r in rest] == [2]
    again = con.execute('SELECT id, "Name", note FROM t ORDER BY id').fetchmany(1)[0]
    assert again == first and hash(again) == hash(first)
    assert [r["id"] for r in con.execute("SELECT id FROM t ORDER BY id")] == [1, 2]

    def as_dict(cursor: orbitdb.Cursor, row: tuple) -> dict:
        return {d[0]: v for d, v in zip(cursor.description or [], row)}

    cur = con.cursor()
    cur.row_factory = as_dict  # a cursor's own factory wins over the connection's
    cur.execute("SELECT id, note FROM t WHERE id = 2")
    assert cur.fetchall() == [{"id": 2, "note": "x"}]
    con.row_factory = None
    assert con.execute("SELECT id FROM t ORDER BY id").fetchall() == [(1,), (2,)]
    con.close()


def test_memory_databases_are_private_and_removed_at_close() -> None:
    one = orbitdb.connect(":memory:")
    two = orbitdb.connect(":memory:")
    one.execute("CREATE TABLE t (a int)")
    one.execute("INSERT INTO t VALUES (1)")
    one.commit()
    with pytest.raises(orbitdb.ProgrammingError) as e:
        two.execute("SELECT * FROM t")  # a database of its own
    assert e.value.sqlstate == "42P01"
    directory = one.path
    assert os.path.isdir(directory)
    with one.serve(port=0) as server:  # servable like any other
        import psycopg2

        wire = psycopg2.connect(host="127.0.0.1", port=server.port, user="orbit", dbname="actors")
        c = wire.cursor()
        c.execute("SELECT a FROM t")
        assert c.fetchall() == [(1,)]
        wire.close()
    one.close()
    two.close()
    assert not os.path.exists(directory)
