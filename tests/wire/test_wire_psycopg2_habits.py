"""What psycopg2's own suite relies on, compared with a real PostgreSQL 15 over a real socket:
copy_from/copy_to's pre-9.0 COPY options (DELIMITER AS, NULL AS), transaction characteristics
shown outside a block (set_session in autocommit), [NOT] DEFERRABLE, callproc with a dict (named
arguments that match no function), cursor.description's table oid and column number, ARRAY[ARRAY[]]
cast, and a table's row type aggregated into an array (register_composite)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import psycopg2
import psycopg2.extras
import pytest
from reference_pg import reference_postgres


@pytest.fixture(scope="module")
def postgres_dsn() -> Iterator[str | None]:
    with reference_postgres() as dsn:
        yield dsn


def _both(server, postgres_dsn) -> list[str]:
    if postgres_dsn is None:
        pytest.skip("no PostgreSQL 15 to compare with")
    return [server.dsn, postgres_dsn]


def _connect(dsn: str):
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    return conn


def _copy_round_trip(dsn: str) -> tuple[list[tuple], str, str | None]:
    conn = _connect(dsn)
    try:
        cur = conn.cursor()
        cur.execute("DROP TABLE IF EXISTS tcopy")
        cur.execute("CREATE TABLE tcopy (id int, data text)")
        cur.copy_from(io.StringIO("1\tone\n2\t\\N\n3\tx|y\n"), "tcopy")  # "x|y" is one field: the delimiter is a tab
        cur.execute("SELECT id, data FROM tcopy ORDER BY id")
        rows = cur.fetchall()
        cur.execute("DELETE FROM tcopy WHERE id IS NULL OR id >= 3")
        out = io.StringIO()
        cur.copy_to(out, "tcopy", sep="|", null="NULL")
        with pytest.raises(psycopg2.Error) as raised:
            cur.copy_to(io.StringIO(), "no_such_table")
        return rows, out.getvalue(), raised.value.pgcode
    finally:
        conn.close()


def test_copy_from_and_copy_to_with_pre_9_0_options(server, postgres_dsn):
    results = [_copy_round_trip(dsn) for dsn in _both(server, postgres_dsn)]
    assert results[0] == results[1]
    assert results[0][1] == "1|one\n2|NULL\n"
    assert results[0][2] == "42P01"


def _characteristics(dsn: str) -> list[tuple]:
    conn = _connect(dsn)
    try:
        cur = conn.cursor()
        seen = []
        conn.set_session(isolation_level="SERIALIZABLE", readonly=True, deferrable=True)  # autocommit: SET default_*
        for name in ("transaction_isolation", "transaction_read_only", "transaction_deferrable"):
            cur.execute(f"SHOW {name}")
            seen.append((name, cur.fetchone()[0]))
        conn.set_session(isolation_level="DEFAULT", readonly="DEFAULT", deferrable="DEFAULT", autocommit=False)
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY, DEFERRABLE")
        cur.execute("SELECT current_setting('transaction_isolation'), current_setting('transaction_deferrable')")
        seen.append(cur.fetchone())
        conn.rollback()
        cur.execute("BEGIN; SET TRANSACTION NOT DEFERRABLE; SHOW transaction_deferrable")
        seen.append(cur.fetchone())
        conn.rollback()
        return seen
    finally:
        conn.close()


def test_transaction_characteristics_shown_as_postgresql_shows_them(server, postgres_dsn):
    results = [_characteristics(dsn) for dsn in _both(server, postgres_dsn)]
    assert results[0] == results[1]
    assert results[0][:3] == [("transaction_isolation", "serializable"), ("transaction_read_only", "on"),
                              ("transaction_deferrable", "on")]


def _callproc(dsn: str) -> list[object]:
    conn = _connect(dsn)
    try:
        cur = conn.cursor()
        name = 'odd "name" --'
        quoted = '"' + name.replace('"', '""') + '"'
        cur.execute(f"CREATE FUNCTION pg_temp.square({quoted} int) RETURNS int AS 'SELECT $1 * $1' LANGUAGE sql")
        cur.callproc("pg_temp.square", {name: 3})
        outcome: list[object] = [cur.fetchone()]
        for arguments in ({name: 3, "other": "x"}, {"missing": 3}):
            with pytest.raises(psycopg2.Error) as raised:
                cur.callproc("pg_temp.square", arguments)
            outcome.append((raised.value.pgcode, str(raised.value).splitlines()[0]))
        return outcome
    finally:
        conn.close()


def test_callproc_with_a_dict(server, postgres_dsn):
    results = [_callproc(dsn) for dsn in _both(server, postgres_dsn)]
    assert results[0] == results[1]
    assert results[0][0] == (9,)


def _descriptions(dsn: str) -> list[list[tuple]]:
    conn = _connect(dsn)
    try:
        cur = conn.cursor()
        cur.execute("DROP TABLE IF EXISTS testcol")
        cur.execute("CREATE TABLE testcol (pi numeric(10, 2), hi text)")
        cur.execute("CREATE TEMP TABLE temp_testcol (x int)")
        cur.execute("SELECT 'testcol'::regclass::oid, 'temp_testcol'::regclass::oid")
        table, temp = cur.fetchone()
        shown = []
        for sql in ("SELECT hi, pi, 42 FROM testcol", "SELECT * FROM testcol", "SELECT t.hi, t.pi + 1 FROM testcol t",
                    "SELECT x FROM temp_testcol"):
            cur.execute(sql)
            shown.append([(d.name, {table: "testcol", temp: "temp_testcol", None: None}[d.table_oid], d.table_column)
                          for d in cur.description])
        return shown
    finally:
        conn.close()


def test_description_names_the_table_and_column(server, postgres_dsn):
    results = [_descriptions(dsn) for dsn in _both(server, postgres_dsn)]
    assert results[0] == results[1]
    assert results[0][0] == [("hi", "testcol", 2), ("pi", "testcol", 1), ("?column?", None, None)]


def _arrays(dsn: str) -> list[object]:
    conn = _connect(dsn)
    try:
        cur = conn.cursor()
        cur.execute("SELECT 10 = ANY(%s::int[]), %s::int[]", ([[]], [[], []]))
        seen: list[object] = [cur.fetchone()]
        cur.execute("DROP TABLE IF EXISTS ctest2, ctest1")
        cur.execute("CREATE TABLE ctest1 (id int PRIMARY KEY, label varchar)")
        cur.execute("CREATE TABLE ctest2 (id serial PRIMARY KEY, label varchar, test_id int REFERENCES ctest1 (id))")
        cur.execute("INSERT INTO ctest1 VALUES (1, 'one')")
        cur.execute("INSERT INTO ctest2 (label, test_id) VALUES ('a', 1), ('b', 1)")
        psycopg2.extras.register_composite("ctest2", cur)
        cur.execute("SELECT ctest1.label, array_agg(ctest2 ORDER BY ctest2.id) FROM ctest1 JOIN ctest2 "
                    "ON ctest1.id = ctest2.test_id GROUP BY ctest1.label")
        seen.append([(label, [tuple(item) for item in items]) for label, items in cur.fetchall()])
        return seen
    finally:
        conn.close()


def test_empty_nested_array_and_an_array_of_a_row_type(server, postgres_dsn):
    results = [_arrays(dsn) for dsn in _both(server, postgres_dsn)]
    assert results[0] == results[1]
    assert results[0][1] == [("one", [(1, "a", 1), (2, "b", 1)])]
