"""Every statement is honoured or refused. What orbitdb does not honour fails with SQLSTATE 0A000
naming it and changes nothing; the statements it accepts without effect (docs/compatibility.md,
"Statements accepted without effect") check what they name as PostgreSQL 15 does; and a plain
pg_dump of a PostgreSQL 15 database using only what orbitdb has (schemas, tables, identity and
serial columns, sequences, views, constraints, indexes, comments, owners) loads with
psql -v ON_ERROR_STOP=1 and arrives whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_reference import ServerProcess, dump_database, psql_file, reference_pg

import orbitdb
from orbitdb.storage.tables import TableAccess

__all__ = ["reference_pg"]  # the fixture, imported for pytest

SETUP = [
    "CREATE TABLE t (a int PRIMARY KEY, b text)",
    "CREATE INDEX t_b ON t (b)",
    "INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, NULL)",
    "CREATE VIEW v AS SELECT a FROM t",
    "CREATE SEQUENCE s",
]


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[orbitdb.Connection]:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    cur = c.cursor()
    for sql in SETUP:
        cur.execute(sql)
    yield c
    c.close()


def rows(c: orbitdb.Connection, sql: str) -> list[tuple[Any, ...]]:
    cur = c.cursor()
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


def state(c: orbitdb.Connection) -> dict[str, Any]:
    """Everything a refused statement could have changed."""
    return {
        "relations": rows(c, "SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner) FROM pg_class c "
                             "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1"),
        "columns": rows(c, "SELECT table_name, column_name, data_type, is_nullable, column_default "
                           "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"),
        "constraints": rows(c, "SELECT conname, contype FROM pg_constraint ORDER BY 1"),
        "comments": rows(c, "SELECT objoid, classoid, objsubid, description FROM pg_description "
                            "WHERE objoid >= 16384 ORDER BY 1, 2, 3"),
        "schemas": rows(c, "SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace ORDER BY 1"),
        "rows": rows(c, "SELECT a, b FROM t ORDER BY a"),
        "settings": rows(c, "SELECT name, setting FROM pg_settings ORDER BY 1"),
        "sequence": rows(c, "SELECT last_value, is_called FROM s"),
    }


def sqlstate(c: orbitdb.Connection, sql: str) -> str | None:
    try:
        c.cursor().execute(sql)
    except orbitdb.Error as e:
        return e.sqlstate
    return None


REFUSED = {
    "CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f()": "CREATE EVENT TRIGGER",
    "CREATE AGGREGATE ag (int) (sfunc = int4pl, stype = int)": "CREATE AGGREGATE",
    "CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING": "CREATE RULE",
    "CREATE POLICY pol ON t USING (a > 0)": "CREATE POLICY",
    "CREATE PUBLICATION pub FOR ALL TABLES": "CREATE PUBLICATION",
    "CREATE CAST (text AS int) WITH INOUT": "CREATE CAST",
    "CREATE COLLATION c1 (locale = 'C')": "CREATE COLLATION",
    "CREATE STATISTICS st ON a, b FROM t": "CREATE STATISTICS",
    "CREATE MATERIALIZED VIEW mv AS SELECT a FROM t": "CREATE MATERIALIZED VIEW",
    "CREATE EXTENSION IF NOT EXISTS ltree": "ltree",
    "CREATE TABLE p (a int) PARTITION BY HASH (a)": "hash partitioning",
    "CREATE TABLE m2 (a int, b text, FOREIGN KEY (a, b) REFERENCES t (a, b) MATCH FULL)": "MATCH FULL",
    "CREATE TABLE co (a text COLLATE \"de_DE\")": "collation",
    "LOAD 'plpgsql'": "LOAD",
    "SECURITY LABEL ON TABLE t IS 'secret'": "SECURITY LABEL",
    "COMMENT ON FUNCTION now() IS 'x'": "COMMENT ON FUNCTION",
    "COMMENT ON DATABASE actors IS 'x'": "COMMENT ON DATABASE",
    "ALTER DATABASE actors SET timezone TO 'Europe/Paris'": "ALTER DATABASE",
    "ALTER ROLE orbit SET search_path = x": "ALTER ROLE",
    "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC": "ALTER DEFAULT PRIVILEGES",
    "ALTER SYSTEM SET work_mem = '1MB'": "ALTER SYSTEM",
    "ALTER FUNCTION now() OWNER TO orbit": "ALTER FUNCTION",
    "ALTER EXTENSION plpgsql UPDATE": "ALTER EXTENSION",
    "ALTER SEQUENCE s SET SCHEMA pg_catalog": "ALTER SEQUENCE",
    "ALTER VIEW v ALTER COLUMN a SET DEFAULT 1": "ALTER VIEW",
    "ALTER INDEX t_b SET TABLESPACE pg_default": "ALTER INDEX",
    "CLUSTER t": "CLUSTER",
    "CREATE TABLE lk (LIKE t INCLUDING ALL)": "INCLUDING INDEXES",
    "SELECT a FROM t ORDER BY a, generate_series(1, 2)": "set-returning functions in ORDER BY",
    "SELECT 1 FROM t GROUP BY generate_series(1, 2)": "set-returning functions in GROUP BY",
    "SELECT generate_series(1, generate_series(1, 2))": "inside the arguments of another set-returning function",
    "SELECT sum(a) OVER (PARTITION BY generate_series(1, 2)) FROM t": "set-returning functions in window",
    "SELECT sum(a), (SELECT avg(a)) FROM t": "aggregate functions of outer query columns",
}


@pytest.mark.parametrize("sql", list(REFUSED))
def test_refused_with_0a000_and_nothing_changes(conn: orbitdb.Connection, sql: str) -> None:
    before = state(conn)
    with pytest.raises(orbitdb.Error) as e:
        conn.cursor().execute(sql)
    assert e.value.sqlstate == "0A000", (sql, e.value)
    assert REFUSED[sql].lower() in str(e.value).lower()
    assert state(conn) == before


def test_refusal_aborts_a_transaction_block(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("BEGIN")
    cur.execute("INSERT INTO t VALUES (4, 'w')")
    assert sqlstate(conn, "CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f()") == "0A000"
    assert sqlstate(conn, "SELECT 1") == "25P02"
    cur.execute("ROLLBACK")
    assert rows(conn, "SELECT count(*) FROM t") == [(3,)]


# ---------------------------------------------------------------- accepted, checked as PostgreSQL does


@pytest.mark.parametrize(("sql", "code"), [
    ("ANALYZE", None), ("ANALYZE t", None), ("ANALYZE VERBOSE t (a, b), v", None), ("ANALYZE (VERBOSE) t", None),
    ("ANALYZE nosuch", "42P01"), ("ANALYZE t (nosuch)", "42703"),
    ("VACUUM", None), ("VACUUM t", None), ("VACUUM FULL t", None), ("VACUUM (FULL, ANALYZE) t (a)", None),
    ("VACUUM FREEZE VERBOSE ANALYZE t", None), ("VACUUM nosuch", "42P01"), ("VACUUM t (a)", "0A000"),
    ("CHECKPOINT", None),
    ("CLUSTER", None), ("CLUSTER t USING t_b", None), ("CLUSTER t USING t_pkey", None),
    ("CLUSTER t USING nosuch", "42704"), ("CLUSTER nosuch USING t_b", "42P01"), ("CLUSTER v USING t_b", "42809"),
    ("REINDEX TABLE t", None), ("REINDEX INDEX t_b", None), ("REINDEX SCHEMA public", None),
    ("REINDEX DATABASE actors", None), ("REINDEX SYSTEM", None), ("REINDEX TABLE nosuch", "42P01"),
    ("REINDEX INDEX t", "42809"), ("REINDEX TABLE v", "42809"), ("REINDEX DATABASE other", "0A000"),
    ("REINDEX SCHEMA nosuch", "3F000"),
    ("REFRESH MATERIALIZED VIEW v", "42809"), ("REFRESH MATERIALIZED VIEW nosuch", "42P01"),
    ("DEALLOCATE nosuch", "26000"), ("DEALLOCATE PREPARE nosuch", "26000"), ("DEALLOCATE ALL", None),
    ("UNLISTEN *", None), ("UNLISTEN ch", None),
    ("CREATE EXTENSION IF NOT EXISTS plpgsql", None), ("CREATE EXTENSION plpgsql", "42710"),
    ("ALTER TABLE t OWNER TO nobody", "42704"), ("ALTER TABLE nosuch OWNER TO orbit", "42P01"),
    ("ALTER TABLE IF EXISTS nosuch OWNER TO orbit", None), ("ALTER SCHEMA public OWNER TO nobody", "42704"),
    ("ALTER SCHEMA nosuch OWNER TO orbit", "3F000"), ("ALTER VIEW t OWNER TO orbit", "42809"),
    ("ALTER INDEX t_b OWNER TO orbit", None), ("ALTER INDEX t_b SET (fillfactor = 50)", None),
    ("ALTER INDEX t_b RESET (fillfactor)", None), ("ALTER INDEX nosuch SET (fillfactor = 50)", "42P01"),
    ("DROP FUNCTION IF EXISTS f(int)", None), ("DROP FUNCTION f(int)", "42883"),
    ("DROP FUNCTION IF EXISTS now()", "2BP01"), ("DO $$ BEGIN END $$", None), ("CALL nosuch()", "42883"),
    ("DROP TYPE IF EXISTS mood", None), ("DROP TYPE mood", "42704"), ("DROP DOMAIN IF EXISTS posint", None),
    ("DROP TYPE IF EXISTS integer", "2BP01"), ("ALTER TYPE mood ADD VALUE 'x'", "42704"),
    ("COMMENT ON TYPE mood IS 'x'", "42704"), ("DROP ROLE IF EXISTS bob", None),
    ("DROP ROLE bob", "42704"), ("DROP EXTENSION IF EXISTS pgcrypto", None), ("DROP TRIGGER IF EXISTS tr ON t", None),
    ("DROP TRIGGER tr ON t", "42704"), ("DROP TRIGGER IF EXISTS tr ON nosuch", None), ("DROP TRIGGER tr ON nosuch", "42P01"),
    ("DROP RULE IF EXISTS r ON t", None), ("DROP POLICY IF EXISTS p ON t", None),
    ("DROP MATERIALIZED VIEW IF EXISTS mv", None), ("DROP MATERIALIZED VIEW mv", "42P01"),
    ("DROP MATERIALIZED VIEW v", "42809"),
    ("COMMENT ON TABLE nosuch IS 'x'", "42P01"), ("COMMENT ON TABLE v IS 'x'", "42809"),
    ("COMMENT ON COLUMN t.nosuch IS 'x'", "42703"), ("COMMENT ON SCHEMA nosuch IS 'x'", "3F000"),
    ("COMMENT ON CONSTRAINT nosuch ON t IS 'x'", "42704"), ("COMMENT ON INDEX nosuch IS 'x'", "42P01"),
    ("CREATE UNLOGGED TABLE u1 (a int)", None), ("CREATE TABLE u2 (a int) WITH (fillfactor = 70)", None),
    ("CREATE TABLE u3 (a int) TABLESPACE pg_default", None), ("CREATE TABLE u4 (a int) TABLESPACE nosuch", "42704"),
    ("CREATE TABLE u5 (a text COLLATE \"C\", b text COLLATE \"POSIX\")", None),
    ("CREATE TABLE u7 (a int) USING heap", None),
    ("CREATE INDEX part ON t (b) WHERE a > 1", None),
    ("CREATE TABLE lk (LIKE t INCLUDING ALL EXCLUDING INDEXES)", None),
    ("ALTER TABLE t ADD CONSTRAINT t_pkey CHECK (a > 0)", "42710"),
])
def test_accepted_statements_check_what_they_name(conn: orbitdb.Connection, sql: str, code: str | None) -> None:
    """The SQLSTATEs are PostgreSQL 15's for the same statements on the same objects."""
    before = rows(conn, "SELECT a, b FROM t ORDER BY a")
    assert sqlstate(conn, sql) == code, sql
    assert rows(conn, "SELECT a, b FROM t ORDER BY a") == before


def test_vacuum_cluster_and_reindex_refuse_a_transaction_block(conn: orbitdb.Connection) -> None:
    for sql in ("VACUUM", "VACUUM FULL t", "CLUSTER", "REINDEX SCHEMA public", "REINDEX DATABASE actors",
                "REINDEX TABLE CONCURRENTLY t"):
        cur = conn.cursor()
        cur.execute("BEGIN")
        assert sqlstate(conn, sql) == "25001", sql
        cur.execute("ROLLBACK")
    cur = conn.cursor()
    cur.execute("BEGIN")
    for sql in ("ANALYZE t", "CLUSTER t USING t_b", "REINDEX TABLE t", "CHECKPOINT"):
        assert sqlstate(conn, sql) is None, sql
    cur.execute("COMMIT")


def test_checkpoint_flushes_the_engine(conn: orbitdb.Connection) -> None:
    engine = conn._session.store.engine
    conn.cursor().execute("INSERT INTO t SELECT g, 'row ' || g FROM generate_series(10, 2000) g")
    assert int(engine.property("orbitdb.cur-size-all-mem-tables")) > 0
    sst_before = int(engine.property("orbitdb.total-sst-files-size"))
    conn.cursor().execute("CHECKPOINT")
    assert int(engine.property("orbitdb.total-sst-files-size")) > sst_before
    assert rows(conn, "SELECT count(*) FROM t") == [(1994,)]


def test_reindex_rebuilds_a_damaged_index(conn: orbitdb.Connection) -> None:
    # remove one entry of t_b behind orbitdb's back: the index no longer finds that row
    store = conn._session.store
    txn = store.begin()
    txn.begin_statement()
    t = next(x for x in txn.catalog.tables() if x.name == "t")
    access = TableAccess(t)
    ix, cols, prefix = next(e for e in access.indexes if e[0].name == "t_b")
    key, row = next((k, r) for k, r in access.keyed_rows(txn) if r[1] == "y")
    txn.delete(access.index_key(ix, cols, prefix, row, key))
    txn.commit()
    assert rows(conn, "SELECT a FROM t WHERE b = 'y'") == []
    conn.cursor().execute("REINDEX INDEX t_b")
    assert rows(conn, "SELECT a FROM t WHERE b = 'y'") == [(2,)]
    assert rows(conn, "EXPLAIN SELECT a FROM t WHERE b = 'y'")[0][0].startswith("Index Scan using t_b")


def test_partial_index_is_a_whole_index_with_the_same_answers(conn: orbitdb.Connection) -> None:
    conn.cursor().execute("CREATE INDEX part ON t (b) WHERE a > 1")
    assert rows(conn, "SELECT a FROM t WHERE b = 'x'") == [(1,)]
    assert rows(conn, "SELECT a FROM t WHERE b = 'y' AND a > 1") == [(2,)]


def test_like_copies_what_it_includes(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE src (a int DEFAULT 5 CHECK (a > 0), b text NOT NULL)")
    cur.execute("COMMENT ON COLUMN src.a IS 'ay'")
    cur.execute("CREATE TABLE plain (LIKE src)")
    cur.execute("CREATE TABLE everything (LIKE src INCLUDING ALL)")
    query = ("SELECT column_name, column_default, is_nullable, col_description('{0}'::regclass, ordinal_position::int) "
             "FROM information_schema.columns WHERE table_name = '{0}' ORDER BY ordinal_position")
    assert rows(conn, query.format("plain")) == [("a", None, "YES", None), ("b", None, "NO", None)]
    assert rows(conn, query.format("everything")) == [("a", "5", "YES", "ay"), ("b", None, "NO", None)]
    assert sqlstate(conn, "INSERT INTO everything (a, b) VALUES (0, 'x')") == "23514"
    assert sqlstate(conn, "INSERT INTO plain (a, b) VALUES (0, 'x')") is None


def test_renamed_sequences_and_schemas_keep_defaults_and_views(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    for sql in ("CREATE SCHEMA blog", "CREATE SEQUENCE blog.s1",
                ("CREATE TABLE blog.items (id serial PRIMARY KEY, n int DEFAULT nextval('blog.s1'), "
                "label text DEFAULT 'blog.s1')"),
                "CREATE VIEW pv AS SELECT i.id, blog.items.n FROM blog.items i JOIN blog.items ON blog.items.id = i.id",
                "INSERT INTO blog.items DEFAULT VALUES", "ALTER SCHEMA blog RENAME TO journal",
                "INSERT INTO journal.items DEFAULT VALUES", "ALTER SEQUENCE journal.s1 RENAME TO s2",
                "INSERT INTO journal.items DEFAULT VALUES"):
        cur.execute(sql)
    assert rows(conn, "SELECT id, n, label FROM journal.items ORDER BY id") == [
        (1, 1, "blog.s1"), (2, 2, "blog.s1"), (3, 3, "blog.s1")]
    assert rows(conn, "SELECT id, n FROM pv ORDER BY id") == [(1, 1), (2, 2), (3, 3)]
    assert rows(conn, "SELECT currval('journal.s2')") == [(3,)]
    assert sqlstate(conn, "SELECT * FROM blog.items") == "42P01"
    assert sqlstate(conn, "SELECT nextval('journal.s1')") == "42P01"
    assert sqlstate(conn, "ALTER SEQUENCE journal.s2 RENAME TO items_id_seq") == "42P07"
    assert sqlstate(conn, "ALTER SCHEMA journal RENAME TO public") == "42P06"
    assert sqlstate(conn, "ALTER SCHEMA nosuch RENAME TO other") == "3F000"


def test_owner_to_an_existing_role_is_recorded(conn: orbitdb.Connection) -> None:
    cur = conn.cursor()
    for sql in ("ALTER TABLE t OWNER TO postgres", "ALTER VIEW v OWNER TO postgres", "ALTER SEQUENCE s OWNER TO postgres",
                "ALTER SCHEMA public OWNER TO postgres"):
        cur.execute(sql)
    assert rows(conn, "SELECT tableowner FROM pg_tables WHERE tablename = 't'") == [("postgres",)]
    assert rows(conn, "SELECT viewowner FROM pg_views WHERE viewname = 'v'") == [("postgres",)]
    assert rows(conn, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 's'") == [("postgres",)]
    assert rows(conn, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'") == [("postgres",)]
    cur.execute("ALTER TABLE t OWNER TO CURRENT_USER")
    assert rows(conn, "SELECT tableowner FROM pg_tables WHERE tablename = 't'") == [("orbit",)]


def test_comments_are_kept_across_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    c = orbitdb.connect(path)
    c.autocommit = True
    cur = c.cursor()
    for sql in SETUP + ["COMMENT ON TABLE t IS 'the table'", "COMMENT ON COLUMN t.b IS 'bee'",
                        "COMMENT ON VIEW v IS 'the view'", "COMMENT ON SCHEMA public IS 'pub'",
                        "COMMENT ON SEQUENCE s IS 'seq'", "COMMENT ON INDEX t_b IS 'by b'",
                        "COMMENT ON CONSTRAINT t_pkey ON t IS 'the key'", "COMMENT ON INDEX t_pkey IS 'pk index'"]:
        cur.execute(sql)
    c.close()
    c = orbitdb.connect(path)
    c.autocommit = True
    want = [("the table", "bee", "the view", "pub", "seq", "by b", "the key", "pk index")]
    assert rows(c, "SELECT obj_description('t'::regclass, 'pg_class'), col_description('t'::regclass, 2), "
                   "obj_description('v'::regclass, 'pg_class'), obj_description('public'::regnamespace, 'pg_namespace'), "
                   "obj_description('s'::regclass, 'pg_class'), obj_description('t_b'::regclass, 'pg_class'), "
                   "obj_description((SELECT oid FROM pg_constraint WHERE conname = 't_pkey'), 'pg_constraint'), "
                   "obj_description('t_pkey'::regclass, 'pg_class')") == want
    c.cursor().execute("COMMENT ON TABLE t IS NULL")
    c.cursor().execute("COMMENT ON COLUMN t.b IS ''")
    assert rows(c, "SELECT obj_description('t'::regclass, 'pg_class'), col_description('t'::regclass, 2)") == [
        (None, None)]
    c.close()


def test_deallocate_removes_a_wire_prepared_statement(tmp_path: Path) -> None:
    psycopg = pytest.importorskip("psycopg")
    server = ServerProcess(tmp_path / "orbit").wait_ready()
    try:
        with psycopg.connect(server.dsn, autocommit=True) as c:
            c.pgconn.prepare(b"q1", b"SELECT 41 + 1")
            assert c.pgconn.exec_prepared(b"q1", []).get_value(0, 0) == b"42"
            c.execute("DEALLOCATE q1")
            with pytest.raises(psycopg.Error) as e:
                c.execute("DEALLOCATE q1")
            assert e.value.sqlstate == "26000"
            assert c.pgconn.exec_prepared(b"q1", []).error_field(ord("C")) == b"26000"
            c.pgconn.prepare(b"q1", b"SELECT 1")  # the name is free again
            c.pgconn.prepare(b"q2", b"SELECT 2")
            c.execute("DEALLOCATE ALL")
            assert c.pgconn.exec_prepared(b"q2", []).error_field(ord("C")) == b"26000"
    finally:
        server.stop()


# ---------------------------------------------------------------- a real pg_dump loads


RICH = """
CREATE SCHEMA shop;
COMMENT ON SCHEMA shop IS 'the shop';
CREATE TABLE shop.customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text,
    created date DEFAULT '2024-01-01', score numeric(10,2) CHECK (score >= 0));
CREATE TABLE shop.orders (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    customer int NOT NULL REFERENCES shop.customers (id) ON DELETE CASCADE,
    total numeric(12,2) NOT NULL DEFAULT 0, note text, placed timestamp);
CREATE INDEX orders_customer_idx ON shop.orders (customer);
CREATE TABLE tags (name text PRIMARY KEY, weight int DEFAULT 1);
CREATE TABLE order_tags (order_id bigint REFERENCES shop.orders (id), tag text REFERENCES tags (name),
    PRIMARY KEY (order_id, tag));
CREATE SEQUENCE ticket_seq START 100 INCREMENT 5;
CREATE TABLE tickets (id int DEFAULT nextval('ticket_seq'), body text);
CREATE TABLE events (id int GENERATED ALWAYS AS IDENTITY (START WITH 10), what text);
CREATE VIEW shop.big_orders AS SELECT o.id, c.email, o.total FROM shop.orders o
    JOIN shop.customers c ON c.id = o.customer LEFT JOIN order_tags ot ON ot.order_id = o.id WHERE o.total > 100;
COMMENT ON TABLE shop.customers IS 'people who buy';
COMMENT ON COLUMN shop.customers.email IS 'login';
COMMENT ON VIEW shop.big_orders IS 'large';
COMMENT ON INDEX shop.orders_customer_idx IS 'fk lookup';
COMMENT ON SEQUENCE ticket_seq IS 'tickets';
COMMENT ON CONSTRAINT customers_score_check ON shop.customers IS 'no debt';
INSERT INTO shop.customers (email, name, score) SELECT 'u' || g || '@x.org', 'user ' || g, g * 1.5
    FROM generate_series(1, 50) g;
INSERT INTO shop.orders (customer, total, note, placed) SELECT (g * 7) % 50 + 1, g * 7.25,
    CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END, '2024-02-01'::timestamp + g * interval '1 hour'
    FROM generate_series(1, 200) g;
INSERT INTO tags VALUES ('red', 1), ('blue', 2), ('it''s', 3);
INSERT INTO order_tags SELECT g, CASE WHEN g % 2 = 0 THEN 'red' ELSE 'blue' END FROM generate_series(1, 100) g;
INSERT INTO tickets (body) VALUES ('a'), ('b'), (E'tab\\there'), (NULL);
INSERT INTO events (what) VALUES ('x'), ('y');
"""

COMPARE = [
    "SELECT * FROM shop.customers ORDER BY id",
    "SELECT * FROM shop.orders ORDER BY id",
    "SELECT * FROM tags ORDER BY name",
    "SELECT * FROM order_tags ORDER BY order_id, tag",
    "SELECT * FROM tickets ORDER BY id",
    "SELECT * FROM events ORDER BY id",
    "SELECT * FROM shop.big_orders ORDER BY id",
    ("SELECT conname, contype FROM pg_constraint WHERE connamespace IN (SELECT oid FROM pg_namespace "
    "WHERE nspname IN ('public', 'shop')) ORDER BY 1"),
    "SELECT schemaname, tablename, indexname FROM pg_indexes WHERE schemaname IN ('public', 'shop') ORDER BY 1, 2, 3",
    ("SELECT obj_description('shop.customers'::regclass, 'pg_class'), col_description('shop.customers'::regclass, 2), "
    "obj_description('shop.big_orders'::regclass, 'pg_class'), obj_description('shop'::regnamespace, 'pg_namespace'), "
    "obj_description('ticket_seq'::regclass, 'pg_class'), obj_description('shop.orders_customer_idx'::regclass, 'pg_class')"),
    "SELECT nextval('ticket_seq'), nextval('shop.customers_id_seq')",
    "INSERT INTO shop.orders (customer, total) VALUES (3, 1) RETURNING id",
    "INSERT INTO events (what) VALUES ('z') RETURNING id",
    "INSERT INTO shop.customers (email) VALUES ('u1@x.org')",
    "INSERT INTO order_tags VALUES (1, 'green')",
    "DELETE FROM shop.customers WHERE id = 8",
    "SELECT count(*) FROM shop.orders",
]


def test_pg_dump_of_a_postgres_database_loads(reference_pg: Any, tmp_path: Path) -> None:
    psycopg2 = pytest.importorskip("psycopg2")
    db = reference_pg.create_database("rich")
    pg = reference_pg.connect(db)
    pg.autocommit = True
    pg.cursor().execute(RICH)
    dump = dump_database(reference_pg, db, tmp_path / "rich.sql")
    text = dump.read_text()
    for emitted in ("OWNER TO postgres", "COMMENT ON SCHEMA", "ADD GENERATED BY DEFAULT AS IDENTITY",
                    "SELECT pg_catalog.set_config('search_path', '', false)", "COPY public.tickets"):
        assert emitted in text  # what this test is about
    server = ServerProcess(tmp_path / "orbit").wait_ready()
    try:
        psql_file(server, dump)
        orbit = psycopg2.connect(host=server.host, port=server.port, user="orbit", dbname="actors")
        orbit.autocommit = True
        try:
            for sql in COMPARE:
                got, want = _outcome(orbit, sql), _outcome(pg, sql)
                assert got == want, sql
        finally:
            orbit.close()
    finally:
        server.stop()
        pg.close()


def _outcome(conn: Any, sql: str) -> Any:
    cur = conn.cursor()
    try:
        cur.execute(sql)
    except Exception as e:  # noqa: BLE001 - psycopg2's errors: the SQLSTATE is the outcome
        return ("error", getattr(e, "pgcode", None))
    return cur.fetchall() if cur.description else cur.rowcount


def test_every_statement_kind_reaches_its_handler(tmp_path: Path) -> None:
    """One dispatch table: ANALYSE (PostgreSQL's other spelling) runs; an unknown word is 42601."""
    con = orbitdb.connect(str(tmp_path / "db"))
    con.autocommit = True
    cur = con.cursor()
    cur.execute("CREATE TABLE kinds (a int)")
    for text in ("ANALYSE kinds", "ANALYZE kinds", "VACUUM kinds", "CHECKPOINT", "UNLISTEN *", "DEALLOCATE ALL"):
        cur.execute(text)
    with pytest.raises(orbitdb.errors.SyntaxError) as err:
        cur.execute("FROBNICATE kinds")
    assert err.value.sqlstate == "42601"
    with pytest.raises(orbitdb.errors.FeatureNotSupported):
        cur.execute("LOAD 'kinds'")
