"""Partitioned and inheriting tables through the embedded API: every write path routes rows to their
partition (INSERT, executemany, INSERT ... SELECT, COPY), the partitions survive a restart, and a
rolled-back move leaves the row where it was. Statement-by-statement behaviour against PostgreSQL is
in tests/compat/corpus/39_partitions.sql."""

from __future__ import annotations

import io

import pytest

import orbitdb


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "db")
    con = orbitdb.connect(path, autocommit=True)
    cur = con.cursor()
    cur.execute("CREATE TABLE events (id int, kind text, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)")
    cur.execute("CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')")
    cur.execute("CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")
    cur.execute("CREATE TABLE events_other PARTITION OF events DEFAULT")
    yield path, con
    con.close()


def _where(con) -> list[tuple[str, int]]:
    cur = con.cursor()
    cur.execute("SELECT tableoid::regclass::text, id FROM events ORDER BY id")
    return cur.fetchall()


def test_executemany_and_insert_select_route_each_row(db):
    _, con = db
    cur = con.cursor()
    cur.executemany("INSERT INTO events VALUES (%s, %s, %s)",
                    [(1, "a", "2023-02-02"), (2, "b", "2024-02-02"), (3, "c", "2020-01-01")])
    cur.execute("INSERT INTO events SELECT id + 10, kind, at + 366 FROM events")
    assert _where(con) == [("events_2023", 1), ("events_2024", 2), ("events_other", 3),
                           ("events_2024", 11), ("events_other", 12), ("events_other", 13)]


def test_copy_routes_rows(db):
    _, con = db
    cur = con.cursor()
    cur.copy_expert("COPY events FROM STDIN WITH (FORMAT csv)", io.StringIO("1,a,2023-05-05\n2,b,2024-05-05\n"))
    assert _where(con) == [("events_2023", 1), ("events_2024", 2)]


def test_partitions_survive_a_restart(db):
    path, con = db
    con.cursor().execute("INSERT INTO events VALUES (1, 'a', '2024-03-03')")
    con.close()
    again = orbitdb.connect(path, autocommit=True)
    try:
        assert _where(again) == [("events_2024", 1)]
        cur = again.cursor()
        with pytest.raises(orbitdb.IntegrityError, match="partition constraint"):
            cur.execute("INSERT INTO events_2023 VALUES (2, 'b', '2024-03-03')")
    finally:
        again.close()


def test_a_rolled_back_move_leaves_the_row_in_place(db):
    _, con = db
    cur = con.cursor()
    cur.execute("INSERT INTO events VALUES (1, 'a', '2023-03-03')")
    con.autocommit = False
    cur.execute("UPDATE events SET at = '2024-03-03' WHERE id = 1")
    assert _where(con) == [("events_2024", 1)]
    con.rollback()
    assert _where(con) == [("events_2023", 1)]


def test_on_conflict_on_a_partitioned_table_is_refused(db):
    _, con = db
    with pytest.raises(orbitdb.NotSupportedError):
        con.cursor().execute("INSERT INTO events VALUES (1, 'a', '2023-03-03') ON CONFLICT DO NOTHING")


def test_hash_partitioning_is_refused(db):
    _, con = db
    with pytest.raises(orbitdb.NotSupportedError, match="hash partitioning"):
        con.cursor().execute("CREATE TABLE h (a int) PARTITION BY HASH (a)")


def test_conditions_on_the_key_skip_partitions(db):
    _, con = db
    cur = con.cursor()
    cur.execute("INSERT INTO events SELECT g, 'k', DATE '2023-01-01' + g FROM generate_series(1, 800) g")
    cur.execute("EXPLAIN SELECT * FROM events WHERE at = '2023-06-06'")
    plan = "\n".join(r[0] for r in cur.fetchall())
    assert "events_2023" in plan and "events_2024" not in plan and "events_other" in plan
    cur.execute("EXPLAIN SELECT * FROM events WHERE at >= '2024-01-01' AND id = 400")
    plan = "\n".join(r[0] for r in cur.fetchall())
    assert "events_2023" not in plan and "Index Scan using events_2024_pkey" in plan
    for sql, params, want in [
        ("SELECT count(*) FROM events WHERE at < %s", ("2024-01-01",), 364),
        ("SELECT count(*) FROM events WHERE at <= %s", ("2024-01-01",), 365),
        ("SELECT count(*) FROM events WHERE at > %s", ("2023-12-31",), 436),
        ("SELECT count(*) FROM events WHERE at = %s", ("2025-02-02",), 1),
        ("SELECT count(*) FROM events WHERE at = %s", (None,), 0),
    ]:
        cur.execute(sql, params)
        assert cur.fetchone()[0] == want, sql
