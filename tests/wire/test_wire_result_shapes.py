"""A repeated statement keeps its RowDescription and row encoder (orbitdb/pgwire/shapes.py) only while
they are right: after DDL that changes its columns, and after SET DateStyle, IntervalStyle,
bytea_output, extra_float_digits or TimeZone, the same query text gives the new shape and text, as
PostgreSQL 15 gives them, over psycopg2 (simple protocol), psycopg (extended, prepared statements),
a raw protocol client and psql."""

from __future__ import annotations

import os
import struct
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from pgproto import RawClient, bind, describe, error_fields, execute, kinds, msg, parse, query
from reference_pg import reference_postgres

psycopg = pytest.importorskip("psycopg")
psycopg2 = pytest.importorskip("psycopg2")

# values whose text the output settings choose, each query run again after every SET
VALUES = (
    "date '2020-01-02'",
    "date '0099-12-31'",
    "timestamp '2020-01-02 03:04:05.678'",
    "timestamp '2021-12-31 23:59:59'",
    "timestamptz '2020-07-01 12:00:00.5+00'",
    "timestamptz '2020-01-15 08:30:00+00'",
    "interval '1 year 2 mons 3 days 04:05:06.5'",
    "interval '-1 year -2 mons'",
    "interval '3 days -04:00'",
    "interval '-00:00:01.5'",
    "interval '0'",
    "interval '1 mon -1 day'",
    "interval '-2 days'",
    "interval '1 second'",
    "interval '-1 year 2 mons -3 days 04:05:06'",
    "interval '-3 days'",
    "interval '1 year'",
    "interval '-1 mons'",
    "interval '1 day 00:00:00.000001'",
    "interval '-1 days +02:00'",
    "interval '-0.5 seconds'",
    "interval '25 hours 61 minutes'",
    "interval '1 year -1 second'",
    "'\\x00ff5c41207e'::bytea",
    "''::bytea",
    "0.1::float8 + 0.2::float8",
    "1e100::float8",
    "(1.0 / 3)::float4",
    "ARRAY[date '2020-01-02', NULL]",
    "ARRAY[timestamp '2020-01-02 03:04:05']",
    "ARRAY[interval '1 day', interval '-1 hour']",
    "ARRAY['\\x01'::bytea]",
    "ARRAY[0.1::float8 + 0.2::float8]",
    "time '10:11:12.5'",
)
QUERY = "SELECT " + ", ".join(f"{v} AS c{i}" for i, v in enumerate(VALUES))

SETTINGS = (
    "SET DateStyle = 'ISO, MDY'",
    "SET DateStyle = 'SQL, MDY'",
    "SET DateStyle = 'SQL, DMY'",
    "SET DateStyle = 'Postgres, MDY'",
    "SET DateStyle = 'Postgres, DMY'",
    "SET DateStyle = 'German'",
    "SET DateStyle = 'ISO, DMY'",
    "SET IntervalStyle = 'sql_standard'",
    "SET IntervalStyle = 'iso_8601'",
    "SET IntervalStyle = 'postgres_verbose'",
    "SET IntervalStyle = 'postgres'",
    "SET bytea_output = 'escape'",
    "SET bytea_output = 'hex'",
    "SET extra_float_digits = 0",
    "SET extra_float_digits = -3",
    "SET extra_float_digits = 3",
    "SET TimeZone = 'Asia/Tokyo'",
    "SET DateStyle = 'SQL, DMY'",
    "SET TimeZone = 'America/St_Johns'",
    "SET DateStyle = 'Postgres, MDY'",
    "SET TimeZone = 'Europe/Berlin'",
    "SET DateStyle = 'German'",
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'SQL, DMY'",
    "SET DateStyle = 'Postgres'",
    "SET TIME ZONE 0",
    "SET TIME ZONE 'UTC+3'",
    "SET TIME ZONE '<-07>+07'",
    "SET DateStyle = 'German'",
    "SET TIME ZONE 'Etc/GMT+3'",
    "RESET DateStyle",
)


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        yield dsn


def _orbitdb_dsn(server: Any) -> str:
    if os.environ.get("ORBITDB_WIRE_REFERENCE"):
        pytest.skip("compares orbitdb with the reference itself")
    return server.dsn


def _raw_texts(cur: Any) -> list[tuple[Any, ...]]:
    """psycopg2 rows as the server's text (every type read as a string)."""
    return [tuple(row) for row in cur.fetchall()]


def _simple_protocol_run(dsn: str, table_ddl: list[str]) -> list[Any]:
    """psycopg2 (values inlined: the simple protocol), one query text repeated after each SET and
    each ALTER TABLE: the description (name, type) and the rows' text every time."""
    con = psycopg2.connect(dsn)
    con.autocommit = True
    raw = psycopg2.extensions.new_type(tuple(range(1, 20000)), "RAW", lambda value, cur: value)
    psycopg2.extensions.register_type(raw, con)
    cur = con.cursor()
    out: list[Any] = []
    try:
        for i, statement in enumerate(table_ddl):
            cur.execute(statement)
            if i < 2:
                continue  # no table yet, or no rows
            cur.execute("SELECT * FROM shapes WHERE id = %s ORDER BY id", (1,))
            out.append((statement, [(d.name, d.type_code) for d in cur.description], _raw_texts(cur)))
        for setting in SETTINGS:
            cur.execute(setting)
            cur.execute(QUERY)
            out.append((setting, [(d.name, d.type_code) for d in cur.description], _raw_texts(cur)))
    finally:
        con.close()
    return out


TABLE_DDL = [
    "DROP TABLE IF EXISTS shapes",
    "CREATE TABLE shapes (id int PRIMARY KEY, a int, b text)",
    "INSERT INTO shapes VALUES (1, 10, 'x'), (2, 20, 'y')",
    "ALTER TABLE shapes ADD COLUMN c date DEFAULT date '2020-02-03'",
    "ALTER TABLE shapes ALTER COLUMN a TYPE text",
    "ALTER TABLE shapes ALTER COLUMN b TYPE varchar(5)",
    "ALTER TABLE shapes DROP COLUMN b",
    "ALTER TABLE shapes RENAME COLUMN a TO renamed",
    "SET DateStyle = 'German'",
    "RESET DateStyle",
]


def test_simple_protocol_repeats_follow_ddl_and_settings(server, postgres):
    ours = _simple_protocol_run(_orbitdb_dsn(server), TABLE_DDL)
    theirs = _simple_protocol_run(postgres, TABLE_DDL)
    for mine, reference in zip(ours, theirs):
        assert mine == reference
    assert len(ours) == len(theirs) == len(TABLE_DDL) - 2 + len(SETTINGS)
    # the shape did change: three columns, then four, then a text column, then one fewer
    assert [len(step[1]) for step in ours[:6]] == [3, 4, 4, 4, 3, 3]
    assert ours[2][1][1] == ("a", 25) and ours[5][1][1] == ("renamed", 25)


def _extended_run(dsn: str) -> list[Any]:
    """psycopg: one prepared statement (Parse once, then Bind/Execute) run after each SET, the
    values read as the server's text."""
    out: list[Any] = []
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=0) as con:
        for setting in SETTINGS:
            con.execute(setting)
            cur = con.cursor()
            cur.execute(QUERY + " WHERE %s::int = 1", (1,), prepare=True)
            result = cur.pgresult
            assert result is not None
            out.append((setting, [result.get_value(0, i) for i in range(result.nfields)]))
    return out


def test_prepared_statement_follows_settings(server, postgres):
    ours = _extended_run(_orbitdb_dsn(server))
    theirs = _extended_run(postgres)
    for mine, reference in zip(ours, theirs):
        assert mine == reference
    assert len(ours) == len(SETTINGS)


def _data_rows(messages: list[tuple[str, bytes]]) -> list[list[bytes | None]]:
    rows = []
    for kind, body in messages:
        if kind != "D":
            continue
        (count,) = struct.unpack("!h", body[:2])
        pos, row = 2, []
        for _ in range(count):
            (size,) = struct.unpack("!i", body[pos : pos + 4])
            pos += 4
            row.append(None if size < 0 else body[pos : pos + size])
            pos += max(size, 0)
        rows.append(row)
    return rows


def _protocol_prepared_after_ddl(dsn: str) -> list[Any]:
    """A statement prepared by Parse whose table changes under it: PostgreSQL refuses to run it
    with another row type (0A000), and runs it when the change leaves its row type alone."""
    fields = dict(part.split("=", 1) for part in dsn.split())
    client = RawClient(fields["host"], int(fields["port"]))
    client.startup({"user": fields.get("user", "postgres"), "database": fields.get("dbname", "postgres")})
    out: list[Any] = []

    def run(sql: str) -> None:
        client.send(query(sql))
        client.read_until()

    def execute_both() -> None:
        for name in ("star", "listed"):
            client.send(bind("", name) + execute() + msg(b"S"))
            answer = client.read_until()
            errors = [error_fields(body) for kind, body in answer if kind == "E"]
            out.append((name, [(e["C"], e["M"]) for e in errors], _data_rows(answer)))

    try:
        run("DROP TABLE IF EXISTS prepared_shapes")
        run("CREATE TABLE prepared_shapes (a int, b int)")
        run("INSERT INTO prepared_shapes VALUES (1, 2)")
        client.send(parse("SELECT * FROM prepared_shapes", "star") + parse("SELECT a, b FROM prepared_shapes", "listed")
                    + msg(b"S"))
        assert kinds(client.read_until()) == "11Z"
        execute_both()
        run("ALTER TABLE prepared_shapes ADD COLUMN c text DEFAULT 'x'")
        execute_both()
        run("ALTER TABLE prepared_shapes ALTER COLUMN b TYPE bigint")
        execute_both()
        client.send(describe("S", "listed") + msg(b"S"))
        out.append(("describe", kinds(client.read_until())))
    finally:
        client.close()
    return out


def test_protocol_prepared_statement_after_ddl(server, postgres):
    ours = _protocol_prepared_after_ddl(_orbitdb_dsn(server))
    theirs = _protocol_prepared_after_ddl(postgres)
    assert ours[:2] == theirs[:2] == [("star", [], [[b"1", b"2"]]), ("listed", [], [[b"1", b"2"]])]
    # after ADD COLUMN: "*" would change its row type and is refused; the listed columns run on
    assert ours[2] == theirs[2] == ("star", [("0A000", "cached plan must not change result type")], [])
    assert ours[3] == theirs[3] == ("listed", [], [[b"1", b"2"]])
    # after b becomes bigint, both are refused
    assert ours[4] == theirs[4] == ("star", [("0A000", "cached plan must not change result type")], [])
    assert ours[5] == theirs[5] == ("listed", [("0A000", "cached plan must not change result type")], [])


@pytest.mark.needs_psql
def test_psql_shows_the_settings_text(server, postgres):
    script = "\n".join(
        f"{setting};\nSELECT date '2020-01-02', timestamptz '2020-07-01 12:00:00+00', "
        "interval '1 day -02:03:04', '\\x5c00'::bytea, 0.1::float8 + 0.2::float8;"
        for setting in ("SET DateStyle = 'Postgres, DMY'", "SET TimeZone = 'Asia/Tokyo'",
                        "SET IntervalStyle = 'sql_standard'", "SET bytea_output = 'escape'",
                        "SET extra_float_digits = 0", "RESET ALL")
    )
    ours = server.psql("-A", "-t", "-q", input=script).stdout if not os.environ.get("ORBITDB_WIRE_REFERENCE") \
        else pytest.skip("compares orbitdb with the reference itself")
    fields = dict(part.split("=", 1) for part in postgres.split())
    theirs = subprocess.run(
        ["psql", "-X", "-A", "-t", "-q", "-h", fields["host"], "-p", fields["port"], "-U",
         fields.get("user", "postgres"), "-d", fields.get("dbname", "postgres")],
        input=script, capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    assert ours == theirs
    assert "Wed 01 Jul 21:00:00 2020 JST" in ours
