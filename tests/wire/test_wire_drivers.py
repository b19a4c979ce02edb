"""psycopg2 (simple protocol, client-side parameters) and psycopg 3 (extended protocol, server-side
parameters, binary formats, named prepared statements) against the server."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import psycopg2
import psycopg2.errors
import pytest
from wire_support import needs_psycopg3, psycopg

VALUES = [
    True,
    False,
    0,
    -(2**31),
    2**31 - 1,
    2**62,
    1.5,
    -0.1,
    float("inf"),
    Decimal("12.340"),
    Decimal("-0.000001"),
    Decimal("123456789012345678901234567890.5"),
    "",
    "plain",
    "quote ' and \" and \\ and tab\t",
    "ünïcödé ✓ 🎉",
    b"",
    b"\x00\x01\xfe\xff",
    datetime.date(2024, 2, 29),
    datetime.date(1, 1, 1),
    datetime.time(23, 59, 59, 999999),
    datetime.datetime(2024, 1, 2, 3, 4, 5, 678900),
    datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    [1, 2, None, 4],
]
# psycopg sends str as "unknown"; PostgreSQL then returns a text array as text unless cast
TYPED_VALUES = [(["a", "b c", None, "", "NULL", 'q"\\'], "text[]")]


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@needs_psycopg3
def test_psycopg3_round_trips_every_type(server, binary):
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        cur = conn.cursor(binary=binary)
        for value, cast in [(v, "") for v in VALUES] + [(v, "::" + t) for v, t in TYPED_VALUES]:
            cur.execute(f"SELECT %s{cast}", (value,))
            got = cur.fetchone()[0]
            assert got == value and type(got) is type(value), (value, got)


def test_psycopg2_round_trips_every_type(server):
    import psycopg2.extras

    psycopg2.extras.register_uuid()
    conn = psycopg2.connect(server.dsn)
    cur = conn.cursor()
    for value in VALUES:
        cur.execute("SELECT %s", (value,))
        got = cur.fetchone()[0]
        if isinstance(got, memoryview):
            got = bytes(got)
        if isinstance(value, float):
            got = float(got)  # psycopg2 writes -0.1 as a numeric literal, as it does for PostgreSQL
        assert got == value, (value, got)
    conn.rollback()
    conn.close()


@needs_psycopg3
def test_psycopg3_prepares_after_five_runs(server):
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        for i in range(8):
            assert conn.execute("SELECT %s::int4, %s::text", (i, f"v{i}")).fetchone() == (i, f"v{i}")
        assert len(conn._prepared._names) == 1  # psycopg named and reused a server-side statement
        conn.execute("SELECT %s::int4", (1,), prepare=True)
        conn.execute("SELECT %s::int4", (2,), prepare=True)


@needs_psycopg3
def test_psycopg3_executemany_and_pipeline(server):
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        table = "many_" + uuid.uuid4().hex[:8]
        conn.execute(f"CREATE TABLE {table} (id INTEGER, name TEXT)")
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {table} VALUES (%s, %s)", [(i, f"n{i}") for i in range(200)])
        with conn.pipeline():
            for i in range(200, 300):
                conn.execute(f"INSERT INTO {table} VALUES (%s, %s)", (i, f"n{i}"))
        assert conn.execute(f"SELECT * FROM {table}").rowcount == 300


def test_psycopg2_transactions(server):
    conn = psycopg2.connect(server.dsn)
    cur = conn.cursor()
    assert conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_IDLE
    cur.execute("SELECT 1")
    assert conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INTRANS
    with pytest.raises(psycopg2.errors.DivisionByZero):
        cur.execute("SELECT 1/0")
    assert conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INERROR
    with pytest.raises(psycopg2.errors.InFailedSqlTransaction):
        cur.execute("SELECT 1")
    conn.rollback()
    cur.execute("SELECT 2")
    assert cur.fetchone() == (2,)
    conn.commit()
    conn.close()


ERRORS = [
    ("SELECT * FROM no_such_table_x", "42P01", "UndefinedTable"),
    ("SELECT 1/0", "22012", "DivisionByZero"),
    ("SELEKT 1", "42601", "SyntaxError"),
    ("SELECT 'abc'::int4", "22P02", "InvalidTextRepresentation"),
]


@pytest.mark.parametrize(("sql", "sqlstate", "name"), ERRORS, ids=[e[1] for e in ERRORS])
def test_errors_arrive_as_the_right_exception_classes_psycopg2(server, sql, sqlstate, name):
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = True
    with pytest.raises(getattr(psycopg2.errors, name)) as info:
        conn.cursor().execute(sql)
    assert info.value.pgcode == sqlstate
    assert info.value.diag.severity == "ERROR"
    conn.close()


@needs_psycopg3
@pytest.mark.parametrize(("sql", "sqlstate", "name"), ERRORS, ids=[e[1] for e in ERRORS])
def test_errors_arrive_as_the_right_exception_classes_psycopg3(server, sql, sqlstate, name):
    error_class = getattr(psycopg.errors, name)
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        with pytest.raises(error_class) as info:
            conn.execute(sql)
        assert info.value.sqlstate == sqlstate
        assert info.value.diag.severity == "ERROR"
        with pytest.raises(error_class):
            conn.execute(sql, prepare=True)  # the extended protocol too
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_server_version_and_parameters(server):
    conn2 = psycopg2.connect(server.dsn)
    assert conn2.get_parameter_status("standard_conforming_strings") == "on"
    assert conn2.get_parameter_status("integer_datetimes") == "on"
    assert conn2.info.backend_pid > 0
    assert 150000 <= conn2.server_version < 160000
    assert conn2.get_parameter_status("DateStyle") == "ISO, MDY"
    conn2.close()


@needs_psycopg3
def test_timezone_setting_changes_timestamptz_output(server):
    value = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'Asia/Kolkata'")
        assert conn.info.parameter_status("TimeZone") == "Asia/Kolkata"
        cur = conn.execute("SELECT %s::timestamptz", (value,))
        got = cur.fetchone()[0]
        assert got == value and got.utcoffset() == datetime.timedelta(hours=5, minutes=30)


@needs_psycopg3
def test_psycopg3_explains_a_statement_with_parameters(server):
    """A prepared EXPLAIN takes its statement's parameters (asyncpg's PreparedStatement.explain
    and psycopg's server-side binding send them), in every output format."""
    import json

    with psycopg.connect(server.dsn, autocommit=True) as conn:
        rows = conn.execute("EXPLAIN (COSTS OFF) SELECT typname FROM pg_type WHERE typlen > %s", (2,)).fetchall()
        assert rows[0][0] == "Seq Scan on pg_type"
        value = conn.execute("EXPLAIN (FORMAT JSON, ANALYZE) SELECT typname, typlen FROM pg_type WHERE typlen > %s",
                             (2,), prepare=True).fetchone()[0]
        plan = (json.loads(value) if isinstance(value, str) else value)[0]["Plan"]
        assert plan["Relation Name"] == "pg_type" and "Actual Total Time" in plan
        assert plan["Actual Rows"] > 0


def test_asyncpg_prepared_explain_describes_its_parameters(server):
    """asyncpg checks the arguments against the statement's ParameterDescription: a prepared
    EXPLAIN describes the $n of the statement it explains."""
    import asyncio
    import json

    import asyncpg

    async def run() -> tuple[object, object]:
        conn = await asyncpg.connect(host=server.host, port=server.port, user="orbit", database="actors")
        try:
            stmt = await conn.prepare("SELECT typname, typlen FROM pg_type WHERE typlen > $1")
            plan = await stmt.explain(2, analyze=True)
            described = await conn.prepare("EXPLAIN SELECT typname FROM pg_type WHERE typlen > $1 AND typname <> $2")
            return plan, [t.name for t in described.get_parameters()]
        finally:
            await conn.close()

    plan, params = asyncio.run(run())
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert plan[0]["Plan"]["Relation Name"] == "pg_type" and "Actual Total Time" in plan[0]["Plan"]
    assert params == ["int2", "name"]
