"""client_encoding over a real socket, orbitdb beside a PostgreSQL 15: the names PostgreSQL takes
(asyncpg's quoted 'utf-8', aliases), text converted both ways for LATIN1, WIN1252, EUC_JP, SJIS
and UTF8 in the simple and extended protocols and COPY, and PostgreSQL's errors for bytes that are
no character of the client's encoding (22021) and characters it has not (22P05)."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
from pgproto import RawClient, error_fields
from reference_pg import reference_postgres

psycopg = pytest.importorskip("psycopg")
psycopg2 = pytest.importorskip("psycopg2")
asyncpg = pytest.importorskip("asyncpg")

ENCODINGS = ("LATIN1", "WIN1252", "EUC_JP", "SJIS", "UTF8")
# text each encoding holds (and the client's Python codec can write: the characters PostgreSQL
# maps its own way are checked code by code in test_conversion_tables_match_postgresql)
SAMPLES = {
    "LATIN1": "café ñ ¿ß ÿ",
    "WIN1252": "€ “quotes” – Œuvre",
    "EUC_JP": "日本語のテキスト ｶﾀｶﾅ",
    "SJIS": "日本語のテキスト ｶﾀｶﾅ",
    "UTF8": "日本語 € café 😀",
}
# a character each encoding has not
MISSING = {"LATIN1": "€", "WIN1252": "日", "EUC_JP": "€", "SJIS": "é"}
# bytes that are no character of the encoding, or a character that has no equivalent in UTF8
BAD_BYTES = {"SJIS": b"\x82", "EUC_JP": b"\xa4", "WIN1252": b"\x81", "UTF8": b"\xc3("}


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        yield dsn


@pytest.fixture(scope="module")
def both(server: Any, postgres: str) -> dict[str, str]:
    if os.environ.get("ORBITDB_WIRE_REFERENCE"):
        pytest.skip("compares orbitdb with the reference itself")
    return {"orbitdb": server.dsn, "postgres": postgres}


def _fields(dsn: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in dsn.split())


def _psycopg2_outcomes(dsn: str, encoding: str, statements: list[str], autocommit: bool = True) -> list[Any]:
    out: list[Any] = []
    conn = psycopg2.connect(dsn, client_encoding=encoding)
    try:
        conn.autocommit = autocommit
        cur = conn.cursor()
        for sql in statements:
            try:
                cur.execute(sql)
                out.append((cur.fetchall(), [d.name for d in cur.description]) if cur.description else None)
            except psycopg2.Error as exc:
                out.append((exc.pgcode, exc.pgerror.splitlines()[0]))
    finally:
        conn.close()
    return out


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_text_round_trip_in_each_encoding(both: dict[str, str], encoding: str) -> None:
    sample = SAMPLES[encoding]
    table = f"enc_{encoding.lower()}"
    statements = [
        f"DROP TABLE IF EXISTS {table}",
        f'CREATE TABLE {table} (id int, "naïve" text)' if encoding != "SJIS" else f"CREATE TABLE {table} (id int, t text)",
        f"INSERT INTO {table} VALUES (1, '{sample}')",
        f"SELECT * FROM {table}",
        f"SELECT length('{sample}'), octet_length('{sample}'), '{sample}' AS \"{sample[:3]}\"",
        "SHOW client_encoding",
    ]
    if encoding in MISSING:
        code = ord(MISSING[encoding])
        statements += [f"SELECT chr({code})", "SELECT 1", f"SELECT 1 AS ok, chr({code}) AS bad"]
    outcomes = {name: _psycopg2_outcomes(dsn, encoding, statements) for name, dsn in both.items()}
    assert outcomes["orbitdb"] == outcomes["postgres"]
    assert outcomes["orbitdb"][3] == ([(1, sample)], ["id", "naïve" if encoding != "SJIS" else "t"])
    if encoding in MISSING:
        assert [o[0] for o in outcomes["orbitdb"][-3:]] == ["22P05", [(1,)], "22P05"]


@pytest.mark.parametrize("encoding", sorted(MISSING))
def test_a_result_the_client_cannot_read_fails_its_transaction(both: dict[str, str], encoding: str) -> None:
    """The conversion fails while the rows are sent, after the statement ran: as in PostgreSQL,
    the transaction is aborted, and a row change it returned is undone."""
    code = ord(MISSING[encoding])
    statements = ["DROP TABLE IF EXISTS enc_undone", "CREATE TABLE enc_undone (t text)", "BEGIN",
                  f"INSERT INTO enc_undone VALUES ('a') RETURNING t || chr({code})", "SELECT 1", "ROLLBACK",
                  "SELECT count(*) FROM enc_undone"]
    outcomes = {name: _psycopg2_outcomes(dsn, encoding, statements) for name, dsn in both.items()}
    assert outcomes["orbitdb"] == outcomes["postgres"]
    assert [o[0] for o in outcomes["orbitdb"][3:5]] == ["22P05", "25P02"]
    assert outcomes["orbitdb"][-1][0] == [(0,)]


def _raw_errors(dsn: str, encoding: str, raw: bytes) -> list[tuple[str, str]]:
    fields = _fields(dsn)
    client = RawClient(fields["host"], int(fields["port"]))
    try:
        client.startup({"user": fields["user"], "database": fields["dbname"], "client_encoding": encoding})
        body = b"SELECT '" + raw + b"'\x00"
        client.send(b"Q" + (len(body) + 4).to_bytes(4, "big") + body)
        answers = client.read_until()
        found = [error_fields(b) for kind, b in answers if kind == "E"]
        return [(f["C"], f["M"]) for f in found]
    finally:
        client.close()


@pytest.mark.parametrize("encoding", sorted(BAD_BYTES))
def test_bytes_the_encoding_does_not_hold(both: dict[str, str], encoding: str) -> None:
    outcomes = {name: _raw_errors(dsn, encoding, BAD_BYTES[encoding]) for name, dsn in both.items()}
    assert outcomes["orbitdb"] == outcomes["postgres"]
    assert outcomes["orbitdb"][0][0] in ("22021", "22P05")


@pytest.mark.parametrize("spelling", ["'utf-8'", "utf-8", "Unicode", "latin1", "ISO_8859_1", "Mskanji", "win932",
                                      "euc-jp", "windows1252", "foo"])
def test_names_postgresql_takes(both: dict[str, str], spelling: str) -> None:
    statements = [f"SET client_encoding TO '{spelling.replace(chr(39), chr(39) * 2)}'", "SHOW client_encoding",
                  "SET NAMES 'utf8'", "SHOW client_encoding"]
    outcomes = {name: _psycopg2_outcomes(dsn, "UTF8", statements) for name, dsn in both.items()}
    assert outcomes["orbitdb"] == outcomes["postgres"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_extended_protocol_text_and_binary(both: dict[str, str], encoding: str) -> None:
    sample = SAMPLES[encoding]

    def run(dsn: str) -> list[Any]:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"SET client_encoding TO '{encoding}'")
            out: list[Any] = []
            for binary in (False, True):
                cur = conn.cursor(binary=binary)
                cur.execute("SELECT %s::text AS t, length(%s::text), %s::varchar || 'x'", (sample, sample, sample))
                out.append((cur.fetchall(), [d.name for d in cur.description]))
            if encoding in MISSING:
                try:
                    conn.execute("SELECT chr(%s)", (ord(MISSING[encoding]),)).fetchall()
                except psycopg.Error as exc:
                    out.append((exc.sqlstate, str(exc).splitlines()[0]))
            return out

    outcomes = {name: run(dsn) for name, dsn in both.items()}
    assert outcomes["orbitdb"] == outcomes["postgres"]
    assert outcomes["orbitdb"][0][0] == [(sample, len(sample), sample + "x")]


@pytest.mark.parametrize("encoding", ["LATIN1", "SJIS", "EUC_JP"])
def test_copy_both_ways(both: dict[str, str], encoding: str) -> None:
    sample = SAMPLES[encoding]
    data = "".join(f"{i}\t{sample} {i}\n" for i in range(200)).encode(psycopg2.extensions.encodings[encoding])

    def run(dsn: str) -> tuple[bytes, list[Any]]:
        with psycopg2.connect(dsn, client_encoding=encoding) as conn:
            cur = conn.cursor()
            cur.execute("DROP TABLE IF EXISTS copy_enc; CREATE TABLE copy_enc (id int, t text)")
            # small reads: CopyData messages end inside characters
            cur.copy_expert("COPY copy_enc FROM STDIN", io.BytesIO(data), size=7)
            out = io.BytesIO()
            cur.copy_expert("COPY copy_enc TO STDOUT", out)
            cur.execute("SELECT count(*), min(length(t)) FROM copy_enc")
            counts = cur.fetchall()
        conn.close()
        return out.getvalue(), counts

    outcomes = {name: run(dsn) for name, dsn in both.items()}
    assert outcomes["orbitdb"] == outcomes["postgres"]
    assert outcomes["orbitdb"][0] == data


def test_asyncpg_connects_and_prepares_utility_statements(both: dict[str, str]) -> None:
    """asyncpg sends client_encoding 'utf-8' (quoted) and prepares every statement: SHOW and
    EXPLAIN must be described as returning rows, and its type introspection must be answered."""

    async def run(dsn: str) -> list[Any]:
        fields = _fields(dsn)
        conn = await asyncpg.connect(host=fields["host"], port=int(fields["port"]), user=fields["user"],
                                     database=fields["dbname"])
        try:
            out: list[Any] = [await conn.fetchval("SHOW client_encoding")]
            statement = await conn.prepare("SHOW TimeZone")
            out.append([(a.name, a.type.name) for a in statement.get_attributes()])
            out.append(await statement.fetch())
            explained = await conn.prepare("EXPLAIN SELECT 1")
            out.append([(a.name, a.type.name) for a in explained.get_attributes()])
            out.append(len(await explained.fetch()) > 0)
            out.append(await conn.fetchval("SELECT pg_advisory_lock(42)"))
            out.append(await conn.fetchval("SELECT pg_advisory_unlock_all()"))
            out.append(await conn.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
            # arrays and ranges need asyncpg's introspection of their element types
            out.append(await conn.fetchval("SELECT $1::int4[]", [1, 2, 3]))
            out.append(await conn.fetchval("SELECT $1::oid[]", [1, 2]))
            out.append(str(await conn.fetchval("SELECT int4range(1, 5)")))
            # what asyncpg's introspection and utilities send besides
            out.append(await conn.fetchval("SELECT $1::_int4", [4, 5]))
            out.append(await conn.fetch("SELECT DISTINCT * FROM (VALUES (1, 'b'), (1, 'b'), (2, 'a')) t(n, s)"
                                        " ORDER BY s DESC"))
            await conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            out.append(await conn.fetchval("SHOW TRANSACTION ISOLATION LEVEL"))
            async with conn.transaction(isolation="serializable"):
                out.append(await conn.fetchval("SHOW transaction_isolation"))
            out.append(await conn.fetch("SELECT rngtypid::regtype::text, rngsubtype::regtype::text FROM pg_range"
                                        " ORDER BY 1"))
            return out
        finally:
            await conn.close()

    outcomes = {name: asyncio.run(run(dsn)) for name, dsn in both.items()}
    assert outcomes["orbitdb"] == outcomes["postgres"]
    assert outcomes["orbitdb"][0] == "UTF8"


def test_psycopg_prepared_utility_statements_are_described(both: dict[str, str]) -> None:
    def run(dsn: str) -> list[Any]:
        with psycopg.connect(dsn, autocommit=True) as conn:
            out: list[Any] = []
            for sql in ("SHOW DateStyle", "SHOW ALL", "EXPLAIN SELECT 1", "SHOW transaction isolation level"):
                cur = conn.execute(sql, prepare=True)
                out.append([(d.name, d.type_code) for d in cur.description or []])
                out.append(bool(cur.fetchall()))
            try:
                conn.execute("SHOW no_such_setting", prepare=True)
            except psycopg.Error as exc:
                out.append(exc.sqlstate)
            # CALL: its parameters typed by the procedure's arguments, its OUT values a described row
            conn.execute("CREATE OR REPLACE PROCEDURE enc_out(INOUT a int, OUT b text) LANGUAGE plpgsql"
                         " AS $$ BEGIN a := a + 1; b := 'x' || a; END $$")
            conn.execute("CREATE OR REPLACE PROCEDURE enc_none(a int) LANGUAGE plpgsql AS $$ BEGIN END $$")
            for binary in (False, True):
                cur = conn.cursor(binary=binary)
                cur.execute("CALL enc_out(%s, NULL)", (41,), prepare=True)
                out.append(([(d.name, d.type_code) for d in cur.description or []], cur.fetchall()))
                cur.execute("CALL enc_none(%s)", (1,), prepare=True)
                out.append((cur.description, cur.statusmessage))
            return out

    outcomes = {name: run(dsn) for name, dsn in both.items()}
    assert outcomes["orbitdb"] == outcomes["postgres"]


@pytest.mark.orbitdb_only
def test_an_encoding_orbitdb_cannot_convert_is_refused(server: Any) -> None:
    with psycopg2.connect(server.dsn) as conn:
        cur = conn.cursor()
        with pytest.raises(psycopg2.errors.FeatureNotSupported, match="EUC_TW"):
            cur.execute("SET client_encoding TO 'euc_tw'")
    conn.close()
    with pytest.raises(psycopg2.OperationalError, match="EUC_TW"):
        psycopg2.connect(server.dsn, client_encoding="EUC_TW")


def _pg_conversions(dsn: str, encoding: str, codes: list[bytes], chars: list[str]) -> tuple[list[Any], list[Any]]:
    """PostgreSQL's convert_from of each code and convert_to of each character (None: an error)."""
    conn = psycopg2.connect(dsn)
    try:
        cur = conn.cursor()
        cur.execute(
            "CREATE FUNCTION pg_temp.each_from(b bytea[], enc text) RETURNS SETOF text LANGUAGE plpgsql AS $$"
            " DECLARE x bytea; BEGIN FOREACH x IN ARRAY b LOOP"
            " BEGIN RETURN NEXT convert_from(x, enc); EXCEPTION WHEN others THEN RETURN NEXT NULL; END;"
            " END LOOP; END $$;"
            "CREATE FUNCTION pg_temp.each_to(t text[], enc text) RETURNS SETOF bytea LANGUAGE plpgsql AS $$"
            " DECLARE x text; BEGIN FOREACH x IN ARRAY t LOOP"
            " BEGIN RETURN NEXT convert_to(x, enc); EXCEPTION WHEN others THEN RETURN NEXT NULL; END;"
            " END LOOP; END $$")
        cur.execute("SELECT pg_temp.each_from(%s::bytea[], %s)", ([psycopg2.Binary(c) for c in codes], encoding))
        decoded = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT pg_temp.each_to(%s::text[], %s)", (chars, encoding))
        encoded = [None if row[0] is None else bytes(row[0]) for row in cur.fetchall()]
        return decoded, encoded
    finally:
        conn.close()


def _pairs(leads: range | list[int], trails: range | list[int]) -> list[bytes]:
    return [bytes((a, b)) for a in leads for b in trails]


@pytest.mark.parametrize("encoding", ["LATIN1", "WIN1252", "EUC_JP", "SJIS", "KOI8R", "EUC_KR", "GBK"])
def test_conversion_tables_match_postgresql(postgres: str, encoding: str) -> None:
    """Every one- and two-byte code (and EUC_JP's three-byte ones) read as PostgreSQL 15 reads
    it, and every character it gave back written as PostgreSQL writes it."""
    from orbitdb.pgwire.encodings.codec import client_encoding
    from orbitdb.sql.errors import SqlError

    codes = [bytes((b,)) for b in range(0x80, 0x100)]
    if encoding == "SJIS":
        codes += _pairs(range(0x81, 0x100), range(0x40, 0x100))
    elif encoding == "EUC_JP":
        codes += _pairs(range(0xA1, 0xFF), range(0xA1, 0xFF)) + _pairs([0x8E], range(0xA0, 0xE1))
        codes += [bytes((0x8F,)) + pair for pair in _pairs(range(0xA1, 0xFF), range(0xA1, 0xFF))]
    elif encoding in ("EUC_KR", "GBK"):
        codes += _pairs(range(0x81, 0xFF), range(0x40, 0xFF))
    ours = client_encoding(encoding)

    def decoded(code: bytes) -> str | None:
        try:
            return ours.decode(code)
        except SqlError:
            return None

    def encoded(ch: str) -> bytes | None:
        try:
            return ours.encode(ch)
        except SqlError:
            return None

    first, _ = _pg_conversions(postgres, encoding, codes, [])
    chars = sorted({ch for text in first if text for ch in text} | {chr(c) for c in range(0x80, 0x3000, 3)} | {"\u301c", "\uff5e"})
    _, back = _pg_conversions(postgres, encoding, [], chars)
    assert [(c.hex(), decoded(c)) for c in codes] == [(c.hex(), pg) for c, pg in zip(codes, first)]
    assert [(hex(ord(ch)), encoded(ch)) for ch in chars] == [(hex(ord(ch)), pg) for ch, pg in zip(chars, back)]
