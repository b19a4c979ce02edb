"""psycopg2's named (server-side) cursors against `orbitdb serve`: DECLARE / FETCH FORWARD n /
MOVE / CLOSE as psycopg2 sends them, itersize, scroll(), withhold, and pg_cursors; psycopg 3's
server-side cursors and EXECUTE / FETCH through the extended protocol."""

from __future__ import annotations

import psycopg2
import psycopg2.errors
import pytest
from wire_support import needs_psycopg3, psycopg


@pytest.fixture
def conn(server):  # type: ignore[no-untyped-def]
    c = psycopg2.connect(server.dsn)
    c.autocommit = True
    cur = c.cursor()
    cur.execute("DROP TABLE IF EXISTS nc_items")
    cur.execute("CREATE TABLE nc_items (id int PRIMARY KEY, label text)")
    cur.execute("INSERT INTO nc_items SELECT g, 'item ' || g FROM generate_series(1, 5000) g")
    c.autocommit = False
    yield c
    c.close()


def test_iterate_in_batches(conn) -> None:  # type: ignore[no-untyped-def]
    cur = conn.cursor("walk")
    cur.itersize = 700
    cur.execute("SELECT id, label FROM nc_items WHERE id > %s ORDER BY id", (10,))
    assert cur.fetchone() == (11, "item 11")
    assert cur.fetchmany(2) == [(12, "item 12"), (13, "item 13")]
    seen = [row[0] for row in cur]
    assert seen == list(range(14, 5001))
    assert [d.name for d in cur.description] == ["id", "label"]
    cur.close()
    conn.commit()


def test_fetchall_and_pg_cursors(conn) -> None:  # type: ignore[no-untyped-def]
    cur = conn.cursor("everything")
    cur.execute("SELECT id FROM nc_items WHERE id <= 3 ORDER BY id")
    plain = conn.cursor()
    # (is_scrollable differs: PostgreSQL lets this plan go backward; orbitdb only a SCROLL cursor)
    plain.execute("SELECT name, is_holdable, is_binary FROM pg_cursors")
    assert plain.fetchall() == [("everything", False, False)]
    assert cur.fetchall() == [(1,), (2,), (3,)]
    assert cur.fetchall() == []
    cur.close()
    plain.execute("SELECT count(*) FROM pg_cursors")
    assert plain.fetchone() == (0,)
    conn.commit()


def test_scroll(conn) -> None:  # type: ignore[no-untyped-def]
    cur = conn.cursor("scrolling", scrollable=True)
    cur.execute("SELECT id FROM nc_items WHERE id <= 20 ORDER BY id")
    cur.scroll(5, mode="absolute")
    assert cur.fetchone() == (6,)
    cur.scroll(-3)
    assert cur.fetchone() == (4,)
    cur.scroll(10)
    assert cur.fetchmany(2) == [(15,), (16,)]
    cur.scroll(0, mode="absolute")
    assert cur.fetchone() == (1,)
    conn.commit()


def test_forward_only_refuses_backward_scroll(conn) -> None:  # type: ignore[no-untyped-def]
    cur = conn.cursor("onward", scrollable=False)
    cur.execute("SELECT id FROM nc_items ORDER BY id")
    assert cur.fetchone() == (1,)
    with pytest.raises(psycopg2.errors.ObjectNotInPrerequisiteState, match="can only scan forward"):
        cur.scroll(-1)
    conn.rollback()


def test_withhold_outlives_the_transaction(conn) -> None:  # type: ignore[no-untyped-def]
    cur = conn.cursor("held", withhold=True)
    cur.execute("SELECT id FROM nc_items WHERE id <= 4 ORDER BY id")
    conn.commit()
    assert cur.fetchone() == (1,)
    other = conn.cursor()
    other.execute("DELETE FROM nc_items WHERE id = 2")
    conn.commit()
    assert cur.fetchall() == [(2,), (3,), (4,)]
    cur.close()
    conn.commit()


def test_sql_cursor_statements_through_psql_shapes(conn) -> None:  # type: ignore[no-untyped-def]
    cur = conn.cursor()
    cur.execute("DECLARE c SCROLL CURSOR FOR SELECT id FROM nc_items WHERE id <= 5 ORDER BY id")
    cur.execute("FETCH LAST FROM c")
    assert cur.fetchall() == [(5,)] and cur.statusmessage == "FETCH 1"
    cur.execute("MOVE BACKWARD 2 IN c")
    assert cur.statusmessage == "MOVE 2"
    cur.execute("FETCH ALL FROM c")
    assert cur.fetchall() == [(4,), (5,)]
    cur.execute("CLOSE c")
    assert cur.statusmessage == "CLOSE CURSOR"
    with pytest.raises(psycopg2.errors.InvalidCursorName):
        cur.execute("FETCH c")
    conn.rollback()


@needs_psycopg3
def test_psycopg3_server_side_cursor_and_execute(server) -> None:  # type: ignore[no-untyped-def]
    """psycopg 3 sends these through the extended protocol: Describe must announce the rows of
    an EXECUTE and a FETCH, and of a cursor described as a portal."""
    with psycopg.connect(server.dsn) as conn:
        with conn.cursor(name="ss3") as cur:
            cur.execute("SELECT g, 'x' || g AS label FROM generate_series(1, 5) g")
            assert cur.fetchmany(2) == [(1, "x1"), (2, "x2")]
            assert cur.fetchall() == [(3, "x3"), (4, "x4"), (5, "x5")]
        conn.execute("PREPARE p3 (int) AS SELECT $1 + 1 AS next")
        cur = conn.execute("EXECUTE p3(41)")
        assert [d.name for d in cur.description] == ["next"] and cur.fetchall() == [(42,)]
        conn.execute("DECLARE c3 SCROLL CURSOR FOR SELECT g FROM generate_series(1, 5) g")
        cur = conn.execute("FETCH 2 FROM c3")
        assert [d.name for d in cur.description] == ["g"] and cur.fetchall() == [(1,), (2,)]
        assert conn.execute("FETCH PRIOR FROM c3").fetchall() == [(1,)]
        conn.rollback()


@pytest.mark.needs_psql
def test_pg_dump_inserts_reads_through_a_cursor(server, conn) -> None:  # type: ignore[no-untyped-def]
    """pg_dump --inserts reads each table with DECLARE ... CURSOR and FETCH 100."""
    import subprocess

    out = subprocess.run(
        ["pg_dump", "-h", server.host, "-p", str(server.port), "-U", "orbit", "-d", "actors", "--inserts",
         "-t", "nc_items"],
        check=False, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    inserts = [line for line in out.stdout.splitlines() if line.startswith("INSERT INTO public.nc_items")]
    assert len(inserts) == 5000
    assert inserts[0] == "INSERT INTO public.nc_items VALUES (1, 'item 1');"
