"""The data types of orbitdb's datatypes work over a real socket with real clients: 'infinity'
dates and timestamps (psycopg2 in text, psycopg 3 in binary: PostgreSQL's INT32/INT64 extremes),
void results in both formats (asyncpg asks for binary), and the types added with them (ranges,
money, inet/cidr/macaddr) in text and binary."""

from __future__ import annotations

import asyncio
import datetime

import psycopg2
import pytest
from wire_support import needs_psycopg3, psycopg

from orbitdb.pgwire import binary

try:
    import asyncpg
except ImportError:  # pragma: no cover - asyncpg is in the test extras
    asyncpg = None


def test_psycopg2_reads_infinity_as_its_extremes(server) -> None:
    with psycopg2.connect(server.dsn) as conn:
        cur = conn.cursor()
        cur.execute("SELECT 'infinity'::date, '-infinity'::date, 'infinity'::timestamp, '-infinity'::timestamp,"
                    " 'infinity'::timestamptz, '-infinity'::timestamptz::text")
        row = cur.fetchone()
        assert row[:4] == (datetime.date.max, datetime.date.min, datetime.datetime.max, datetime.datetime.min)
        assert row[4].replace(tzinfo=None) == datetime.datetime.max
        assert row[5] == "-infinity"
        cur.execute("CREATE TABLE inf_t (d date, ts timestamptz)")
        cur.execute("INSERT INTO inf_t VALUES (%s, 'infinity'), ('-infinity', %s)",
                    (datetime.date(2024, 1, 1), datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)))
        cur.execute("SELECT d::text, ts::text FROM inf_t ORDER BY ts DESC")
        assert cur.fetchall() == [("2024-01-01", "infinity"), ("-infinity", "2024-01-01 00:00:00+00")]


@needs_psycopg3
def test_binary_infinity_is_postgres_extremes(server) -> None:
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        cur = conn.cursor(binary=True)
        cur.execute("SELECT 'infinity'::date, '-infinity'::date, 'infinity'::timestamp, '-infinity'::timestamptz")
        res = cur.pgresult
        assert [res.get_value(0, i) for i in range(4)] == [
            bytes.fromhex("7fffffff"), bytes.fromhex("80000000"),
            bytes.fromhex("7fffffffffffffff"), bytes.fromhex("8000000000000000")]
        cur = conn.cursor()
        cur.execute("SELECT %s::date::text, %s::timestamptz > now()", ["infinity", "infinity"])
        assert cur.fetchone() == ("infinity", True)
    # a binary parameter of those values is read as infinity
    assert str(binary.decoder(1082)(bytes.fromhex("7fffffff"))) == "infinity"
    assert str(binary.decoder(1184)(bytes.fromhex("8000000000000000"))) == "-infinity"


@needs_psycopg3
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_void_in_both_formats(server, binary) -> None:
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        cur = conn.cursor(binary=binary)
        cur.execute("SELECT pg_sleep(0)")
        assert cur.description[0].type_code == 2278
        assert cur.pgresult.get_value(0, 0) == b""


@pytest.mark.skipif(asyncpg is None, reason="asyncpg is not installed")
def test_asyncpg_void(server) -> None:
    async def run() -> object:
        conn = await asyncpg.connect(host=server.host, port=server.port, user="orbit", database="actors")
        try:
            return await conn.fetchval("SELECT pg_sleep(0)")
        finally:
            await conn.close()

    assert asyncio.run(run()) is None


_SAMPLES = (
    "SELECT int4range(1, 5), '(,5]'::int8range, '[1.5,)'::numrange, 'empty'::daterange,"
    " '[2024-01-01 10:00, 2024-01-02)'::tsrange, '[2024-01-01 10:00+02,)'::tstzrange,"
    " ARRAY[int4range(1, 2), NULL], '$1,234.56'::money, '10.1.2.3/24'::inet, '10/8'::cidr, '::1'::inet,"
    " '08:00:2b:01:02:03'::macaddr, '08:00:2b:01:02:03:04:05'::macaddr8, 'infinity'::timestamptz,"
    " '-infinity'::date, pg_sleep(0), '{[1,3),[5,7)}'::int4multirange, '{}'::datemultirange"
)


@pytest.fixture(scope="module")
def reference():
    from reference_pg import reference_postgres

    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        yield dsn


@needs_psycopg3
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_results_match_postgres_byte_for_byte(server, reference, binary) -> None:
    """The same values from orbitdb and from PostgreSQL 15: same column types, same bytes."""
    answers = []
    for dsn in (server.dsn, reference):
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("SET TimeZone = 'UTC'")
            cur = conn.cursor(binary=binary)
            cur.execute(_SAMPLES)
            res = cur.pgresult
            answers.append(([d.type_code for d in cur.description], [res.get_value(0, i) for i in range(res.nfields)]))
    assert answers[0] == answers[1]


def test_psycopg2_reads_the_types_as_from_postgres(server, reference) -> None:
    import psycopg2.extras

    answers = []
    for dsn in (server.dsn, reference):
        with psycopg2.connect(dsn) as conn:
            cur = conn.cursor()
            cur.execute("SET TimeZone = 'UTC'")
            cur.execute(_SAMPLES)
            answers.append(cur.fetchone())
    assert answers[0] == answers[1]
    assert isinstance(answers[0][0], psycopg2.extras.NumericRange) and answers[0][7] == "$1,234.56"
    # parameters: psycopg2's Range and str adaptations are read by the server
    with psycopg2.connect(server.dsn) as conn:
        cur = conn.cursor()
        cur.execute("SELECT %s::int4range @> 3, %s::inet << '10.0.0.0/8'", (psycopg2.extras.NumericRange(1, 5),
                                                                             "10.1.2.3"))
        assert cur.fetchone() == (True, True)


def test_copy_round_trip(server) -> None:
    import io

    data = ("1\t[1,5)\t[2024-01-01,)\t$1,234.50\t10.1.2.3/24\t10.0.0.0/8\t08:00:2b:01:02:03\tinfinity\n"
            "2\tempty\t\\N\t-0.50\t::1\t::/0\t08-00-2b-01-02-04\t-infinity\n")
    with psycopg2.connect(server.dsn) as conn:
        cur = conn.cursor()
        cur.execute("CREATE TABLE copy_types (id int PRIMARY KEY, r int4range, d daterange, m money, i inet,"
                    " c cidr, mac macaddr, t timestamptz)")
        cur.copy_expert("COPY copy_types FROM STDIN", io.StringIO(data))
        out = io.StringIO()
        cur.copy_expert("COPY copy_types TO STDOUT", out)
        assert out.getvalue() == data.replace("08-00-2b-01-02-04", "08:00:2b:01:02:04").replace(
            "-0.50", "-$0.50")
