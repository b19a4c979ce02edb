"""Expression and partial indexes, on orbitdb and on PostgreSQL 15 alike: kept on every write,
unique ones enforced with PostgreSQL's detail, inferred by ON CONFLICT, shown by the catalog;
and on orbitdb, used by the planner for the conditions they answer."""

from __future__ import annotations

import tempfile
from typing import Any

from both_engines import engine, failure, reference_pg, rows, run

import orbitdb

__all__ = ["engine", "reference_pg"]


def setup(cur: Any) -> None:
    run(cur, "CREATE TABLE users (id int PRIMARY KEY, email text, deleted_at date, score int, doc jsonb)",
        "INSERT INTO users VALUES (1, 'Ann@X.com', NULL, 10, '{\"n\": 1}'), (2, 'ben@x.com', NULL, 20, '{\"n\": 2}'),"
        " (3, 'ann@x.COM', '2024-01-01', 30, '{\"n\": 3}')")


def test_unique_expression_and_partial_indexes(engine: Any) -> None:
    setup(engine)
    assert failure(engine, "CREATE UNIQUE INDEX all_email ON users ((lower(email)))") == (
        "23505", 'could not create unique index "all_email"', "Key (lower(email))=(ann@x.com) is duplicated.")
    run(engine, "CREATE UNIQUE INDEX live_email ON users ((lower(email))) WHERE deleted_at IS NULL")
    assert failure(engine, "INSERT INTO users VALUES (4, 'ANN@x.com', NULL, 1, '{}')") == (
        "23505", 'duplicate key value violates unique constraint "live_email"',
        "Key (lower(email))=(ann@x.com) already exists.")
    run(engine, "INSERT INTO users VALUES (4, 'ANN@x.com', '2020-01-01', 1, '{}')")
    assert failure(engine, "UPDATE users SET deleted_at = NULL WHERE id = 4")[0] == "23505"
    assert failure(engine, "UPDATE users SET email = 'BEN@X.COM' WHERE id = 1")[0] == "23505"
    run(engine, "UPDATE users SET email = 'cy@x.com' WHERE id = 1", "DELETE FROM users WHERE id = 2",
        "INSERT INTO users VALUES (5, 'Ben@x.com', NULL, 5, '{}')")
    assert rows(engine, "SELECT id FROM users WHERE lower(email) = 'ben@x.com' AND deleted_at IS NULL") == [(5,)]


def test_on_conflict_infers_expression_and_partial_indexes(engine: Any) -> None:
    setup(engine)
    run(engine, "CREATE UNIQUE INDEX live_email ON users ((lower(email))) WHERE deleted_at IS NULL")
    assert rows(engine, "INSERT INTO users VALUES (6, 'ANN@X.COM', NULL, 0, '{}') ON CONFLICT ((lower(email))) "
                        "WHERE deleted_at IS NULL DO UPDATE SET score = users.score + 1 RETURNING id, score") == [
        (1, 11)]
    assert failure(engine, "INSERT INTO users VALUES (6, 'x', NULL, 0, '{}') ON CONFLICT ((lower(email))) "
                           "DO NOTHING")[0] == "42P10"
    assert failure(engine, "INSERT INTO users VALUES (6, 'x', NULL, 0, '{}') ON CONFLICT ((upper(email))) "
                           "WHERE deleted_at IS NULL DO NOTHING")[0] == "42P10"
    run(engine, "INSERT INTO users VALUES (6, 'ben@X.com', NULL, 0, '{}') ON CONFLICT (lower(email)) "
                "WHERE deleted_at IS NULL DO NOTHING")
    assert rows(engine, "SELECT count(*) FROM users") == [(3,)]


def test_catalog_shows_expressions_order_and_predicate(engine: Any) -> None:
    setup(engine)
    run(engine, "CREATE INDEX by_email_score ON users (lower(email), score DESC NULLS LAST)",
        "CREATE INDEX by_score ON users (score DESC)",
        "CREATE INDEX by_n ON users (((doc ->> 'n')::int)) WHERE score > 5",
        "CREATE INDEX ON users (score NULLS FIRST, id DESC)")
    assert rows(engine, "SELECT indexdef FROM pg_indexes WHERE tablename = 'users' ORDER BY indexname") == [
        ("CREATE INDEX by_email_score ON public.users USING btree (lower(email), score DESC NULLS LAST)",),
        ("CREATE INDEX by_n ON public.users USING btree ((((doc ->> 'n'::text))::integer)) WHERE (score > 5)",),
        ("CREATE INDEX by_score ON public.users USING btree (score DESC)",),
        ("CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)",),
        ("CREATE INDEX users_score_id_idx ON public.users USING btree (score NULLS FIRST, id DESC)",)]
    assert rows(engine, "SELECT indexrelid::regclass::text, indkey::text, indoption::text, indexprs IS NOT NULL, "
                        "pg_get_expr(indpred, indrelid) FROM pg_index WHERE indrelid = 'users'::regclass "
                        "ORDER BY 1") == [
        ("by_email_score", "0 4", "0 1", True, None), ("by_n", "0", "0", True, "(score > 5)"),
        ("by_score", "4", "3", False, None), ("users_pkey", "1", "0", False, None),
        ("users_score_id_idx", "4 1", "2 3", False, None)]


def test_refused_definitions(engine: Any) -> None:
    setup(engine)
    assert failure(engine, "CREATE INDEX bad ON users (sum(score))")[0] == "42803"
    assert failure(engine, "CREATE INDEX bad ON users ((random()))")[:2] == (
        "42P17", "functions in index expression must be marked IMMUTABLE")
    assert failure(engine, "CREATE INDEX bad ON users (score) WHERE score > (SELECT 1)")[:2] == (
        "0A000", "cannot use subquery in index predicate")
    assert failure(engine, "CREATE INDEX bad ON users ((nosuch + 1))")[0] == "42703"


def test_columns_renamed_and_dropped(engine: Any) -> None:
    setup(engine)
    run(engine, "CREATE UNIQUE INDEX live_email ON users ((lower(email))) WHERE deleted_at IS NULL",
        "ALTER TABLE users RENAME COLUMN email TO mail")
    assert rows(engine, "SELECT pg_get_indexdef('live_email'::regclass)") == [
        ("CREATE UNIQUE INDEX live_email ON public.users USING btree (lower(mail)) WHERE (deleted_at IS NULL)",)]
    run(engine, "ALTER TABLE users DROP COLUMN deleted_at", "INSERT INTO users VALUES (9, 'ANN@X.COM', 1, '{}')")
    assert rows(engine, "SELECT indexname FROM pg_indexes WHERE tablename = 'users'") == [("users_pkey",)]


def plan(cur: Any, sql: str) -> str:
    cur.execute("EXPLAIN " + sql)
    return "\n".join(r[0] for r in cur.fetchall())


def test_the_planner_uses_matching_indexes() -> None:
    """(orbitdb alone: its plans, and that an index scan gives what a full scan gives)"""
    conn = orbitdb.connect(tempfile.mkdtemp())
    conn.autocommit = True
    cur = conn.cursor()
    setup(cur)
    run(cur, "CREATE INDEX by_lower ON users (lower(email))",
        "CREATE INDEX live_n ON users (((doc ->> 'n')::int)) WHERE deleted_at IS NULL")
    assert "Index Scan using by_lower" in plan(cur, "SELECT id FROM users WHERE lower(email) = 'ann@x.com'")
    assert rows(cur, "SELECT id FROM users WHERE lower(users.email) = 'ann@x.com' ORDER BY id") == [(1,), (3,)]
    partial = "SELECT id FROM users WHERE (doc ->> 'n')::int >= 2 AND deleted_at IS NULL ORDER BY id"
    assert "Index Scan using live_n" in plan(cur, partial)
    assert rows(cur, partial) == [(2,)]
    # the partial index leaves out rows this query wants: it is not used
    whole = "SELECT id FROM users WHERE (doc ->> 'n')::int >= 2 ORDER BY id"
    assert "live_n" not in plan(cur, whole)
    assert rows(cur, whole) == [(2,), (3,)]
    run(cur, "UPDATE users SET email = 'x@y' WHERE id = 1", "UPDATE users SET deleted_at = NULL WHERE id = 3")
    assert rows(cur, "SELECT id FROM users WHERE lower(email) = 'ann@x.com'") == [(3,)]
    assert rows(cur, partial) == [(2,), (3,)]
    conn.close()


def test_order_by_reads_an_index_in_order() -> None:
    """(orbitdb alone: ORDER BY on an index's leading keys reads the index, either direction,
    with PostgreSQL's NULL placement; other NULL placements sort)"""
    conn = orbitdb.connect(tempfile.mkdtemp())
    conn.autocommit = True
    cur = conn.cursor()
    run(cur, "CREATE TABLE u (id int PRIMARY KEY, email text, score int)",
        "INSERT INTO u SELECT g, 'E' || (g % 7), CASE WHEN g % 5 = 0 THEN NULL ELSE g % 11 END "
        "FROM generate_series(1, 40) g",
        "CREATE INDEX u_score ON u (score)", "CREATE INDEX u_lower ON u (lower(email), id)")
    assert "Index Scan using u_score" in plan(cur, "SELECT id FROM u ORDER BY score LIMIT 5")
    assert "Sort" in plan(cur, "SELECT id FROM u ORDER BY score NULLS FIRST LIMIT 5")
    everything = rows(cur, "SELECT score FROM u ORDER BY score")
    assert everything == sorted(everything, key=lambda r: (r[0] is None, r[0] or 0))
    assert rows(cur, "SELECT score FROM u ORDER BY score DESC") == everything[::-1]
    assert rows(cur, "SELECT score FROM u ORDER BY score DESC LIMIT 3") == [(None,)] * 3
    assert "Index Scan using u_lower" in plan(cur, "SELECT id FROM u ORDER BY lower(email) LIMIT 3")
    assert rows(cur, "SELECT id FROM u ORDER BY lower(email), id LIMIT 3") == [(7,), (14,), (21,)]
    assert rows(cur, "SELECT id FROM u WHERE lower(email) = 'e3' ORDER BY id DESC") == [
        (38,), (31,), (24,), (17,), (10,), (3,)]
    conn.close()



def test_table_rewrites_keep_partial_indexes(engine: Any) -> None:
    # pg_restore -j builds indexes before primary keys: adding the key stores every row again, and
    # the rows a partial index leaves out have no entry to move
    run(engine, "CREATE TABLE orders (id int NOT NULL, amount numeric NOT NULL, note text)",
        "CREATE INDEX big ON orders (amount) WHERE amount > 100",
        "CREATE INDEX noted ON orders ((lower(note))) WHERE note IS NOT NULL",
        "INSERT INTO orders VALUES (1, 120, 'A'), (2, 30, NULL), (3, 500, NULL)",
        "ALTER TABLE orders ADD PRIMARY KEY (id)",
        "ALTER TABLE orders ALTER COLUMN amount TYPE bigint")
    assert rows(engine, "SELECT id FROM orders WHERE amount > 100 ORDER BY id") == [(1,), (3,)]
    assert rows(engine, "SELECT id FROM orders WHERE lower(note) = 'a' AND note IS NOT NULL") == [(1,)]
    run(engine, "ALTER TABLE orders DROP CONSTRAINT orders_pkey", "DELETE FROM orders WHERE amount < 200")
    assert rows(engine, "SELECT id, amount FROM orders WHERE amount > 100 ORDER BY id") == [(3, 500)]
