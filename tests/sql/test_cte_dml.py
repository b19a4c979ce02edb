"""Data-modifying statements in WITH, on orbitdb and on PostgreSQL 15 alike: each runs exactly
once, its RETURNING rows feed the rest, and no part sees another's changes."""

from __future__ import annotations

from typing import Any

from both_engines import engine, failure, reference_pg, rows, run

__all__ = ["engine", "reference_pg"]


def setup(cur: Any) -> None:
    run(cur, "CREATE TABLE queue (id int PRIMARY KEY, job text)",
        "CREATE TABLE done (id int PRIMARY KEY, job text)",
        "INSERT INTO queue VALUES (1, 'a'), (2, 'b'), (3, 'c')")


def test_move_rows_between_tables(engine: Any) -> None:
    setup(engine)
    run(engine, "WITH moved AS (DELETE FROM queue WHERE id <= 2 RETURNING *) INSERT INTO done SELECT * FROM moved")
    assert rows(engine, "SELECT id FROM queue") == [(3,)]
    assert rows(engine, "SELECT id, job FROM done ORDER BY id") == [(1, "a"), (2, "b")]


def test_the_main_query_sees_the_snapshot_before_the_changes(engine: Any) -> None:
    setup(engine)
    assert rows(engine, "WITH d AS (DELETE FROM queue RETURNING id) "
                        "SELECT (SELECT count(*) FROM queue), (SELECT count(*) FROM d)") == [(3, 3)]
    assert rows(engine, "SELECT count(*) FROM queue") == [(0,)]
    run(engine, "INSERT INTO queue VALUES (1, 'a')")
    assert rows(engine, "WITH u AS (UPDATE queue SET job = 'z' RETURNING job) "
                        "SELECT q.job, u.job FROM queue q, u") == [("a", "z")]
    assert rows(engine, "WITH i AS (INSERT INTO queue VALUES (2, 'b') RETURNING id) "
                        "SELECT (SELECT count(*) FROM queue), (SELECT max(id) FROM i)") == [(1, 2)]


def test_runs_once_even_unread(engine: Any) -> None:
    setup(engine)
    assert rows(engine, "WITH i AS (INSERT INTO done VALUES (9, 'x')) SELECT 1") == [(1,)]
    assert rows(engine, "SELECT count(*) FROM done") == [(1,)]
    assert rows(engine, "WITH i AS (INSERT INTO done VALUES (10, 'y') RETURNING id) "
                        "SELECT a.id FROM i a, i b") == [(10,)]
    assert rows(engine, "SELECT count(*) FROM done") == [(2,)]


def test_chained_and_with_a_dml_main_statement(engine: Any) -> None:
    setup(engine)
    assert rows(engine, "WITH a AS (INSERT INTO done VALUES (5, 'e') RETURNING *), "
                        "b AS (UPDATE queue SET job = job || '!' WHERE id IN (SELECT id - 4 FROM a) RETURNING *) "
                        "SELECT a.job, b.job FROM a, b") == [("e", "a!")]
    assert rows(engine, "WITH gone AS (DELETE FROM queue WHERE id = 3 RETURNING id) "
                        "UPDATE done SET job = 'gone' WHERE id = (SELECT id + 2 FROM gone) RETURNING id, job") == [
        (5, "gone")]


def test_errors(engine: Any) -> None:
    setup(engine)
    assert failure(engine, "WITH i AS (INSERT INTO done VALUES (1, 'x')) SELECT * FROM i")[:2] == (
        "0A000", 'WITH query "i" does not have a RETURNING clause')
    assert failure(engine, "SELECT * FROM (WITH x AS (DELETE FROM queue RETURNING *) SELECT * FROM x) s")[0] == "0A000"
    assert failure(engine, "WITH x AS (INSERT INTO done VALUES (1, 'x'), (1, 'y') RETURNING id) SELECT 1")[0] == "23505"
    assert rows(engine, "SELECT count(*) FROM done") == [(0,)]


def test_update_set_row_forms(engine: Any) -> None:
    run(engine, "CREATE TABLE acc (id int PRIMARY KEY, bal int, st text)",
        "INSERT INTO acc VALUES (1, 10, 'a'), (2, 20, 'b')",
        "UPDATE acc SET (bal, st) = (SELECT 7, 'sub') WHERE id = 1",
        "UPDATE acc SET (bal, st) = ROW(bal + 1, st || '!') WHERE id = 2",
        "UPDATE acc SET (bal) = (SELECT max(bal) FROM acc) WHERE id = 1")
    assert rows(engine, "SELECT * FROM acc ORDER BY id") == [(1, 21, "sub"), (2, 21, "b!")]
    run(engine, "UPDATE acc SET (bal, st) = (SELECT a.bal * 2, a.st FROM acc a WHERE a.id = acc.id)")
    assert rows(engine, "SELECT bal FROM acc ORDER BY id") == [(42,), (42,)]
    assert failure(engine, "UPDATE acc SET (bal, st) = (SELECT id, 'q' FROM acc)")[:2] == (
        "21000", "more than one row returned by a subquery used as an expression")
    assert failure(engine, "UPDATE acc SET (bal, st) = (SELECT 1)")[0] == "42601"
    assert failure(engine, "UPDATE acc SET (bal) = (1)")[:2] == (
        "0A000", "source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression")


def test_referential_and_unique_checks_see_every_part(engine: Any) -> None:
    """The parts read the statement's snapshot, but a foreign key or unique check sees what the
    other parts wrote, as PostgreSQL's checks do."""
    run(engine, "CREATE TABLE parent (id int PRIMARY KEY, name text)",
        "CREATE TABLE child (id serial PRIMARY KEY, parent_id int REFERENCES parent, note text)")
    assert rows(engine, "WITH p AS (INSERT INTO parent VALUES (1, 'a') RETURNING id) INSERT INTO child "
                        "(parent_id, note) SELECT id, (SELECT count(*) FROM parent)::text FROM p "
                        "RETURNING parent_id, note") == [(1, "0")]
    assert failure(engine, "WITH p AS (INSERT INTO parent VALUES (2, 'b') RETURNING id) "
                           "INSERT INTO parent SELECT id, 'again' FROM p")[0] == "23505"
    assert failure(engine, "WITH c AS (INSERT INTO child (parent_id) VALUES (1) RETURNING id) "
                           "DELETE FROM parent WHERE id = 1 AND (SELECT count(*) FROM child) = 1")[0] == "23503"
    run(engine, "WITH d AS (DELETE FROM child RETURNING parent_id) "
                "DELETE FROM parent WHERE id IN (SELECT parent_id FROM d) AND (SELECT count(*) FROM child) = 1")
    assert rows(engine, "SELECT (SELECT count(*) FROM parent), (SELECT count(*) FROM child)") == [(0, 0)]
