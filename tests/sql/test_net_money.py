"""money, inet, cidr, macaddr and macaddr8 in the embedded database: input forms and their
errors, output, arithmetic and functions, order in sorts and primary keys, storage, and the DB-API
handing them out as psycopg2 does (their text). tests/compat/corpus/37_ranges_net_money.sql runs
the same kinds of statements against PostgreSQL 15."""

from __future__ import annotations

from pathlib import Path

import pytest

import orbitdb
from orbitdb.storage.keycodec import encode_value
from orbitdb.storage.netaddr import MacAddress, NetAddress
from orbitdb.storage.rowcodec import RowCodec


@pytest.fixture
def con(tmp_path: Path):
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    yield c
    c.close()


def _rows(con, sql: str, params=None):
    cur = con.cursor()
    cur.execute(sql, params)
    return cur.fetchall()


def test_money(con) -> None:
    assert _rows(con, "SELECT '$1,234.56'::money, '-1.5'::money::text, '(3)'::money::text, 12.345::money::text,"
                      " ('1.25'::money * 1.5)::text, ('10'::money / 3)::text, '10'::money / '4'::money") == [
        ("$1,234.56", "-$1.50", "-$3.00", "$12.35", "$1.88", "$3.33", 2.5)]
    cur = con.cursor()
    cur.execute("CREATE TABLE pay (id int PRIMARY KEY, amount money)")
    cur.execute("INSERT INTO pay VALUES (1, 12.5), (2, '$1,000'), (3, 7)")
    cur.execute("SELECT id FROM pay ORDER BY amount")
    assert cur.fetchall() == [(3,), (1,), (2,)]
    cur.execute("SELECT sum(amount), sum(amount)::numeric FROM pay")
    assert cur.fetchall() == [("$1,019.50", 1019.5)]
    for sql, state in [("SELECT 'abc'::money", "22P02"), ("SELECT '92233720368547758.08'::money", "22003"),
                       ("SELECT '1'::money / 0", "22012"), ("SELECT '1'::money + 1", "42883")]:
        with pytest.raises(orbitdb.DatabaseError) as err:
            _rows(con, sql)
        assert err.value.sqlstate == state, sql


def test_inet_cidr(con) -> None:
    assert _rows(con, "SELECT '10/8'::inet, '10.1.2.3/32'::inet, '128.1'::cidr, '::ffff:1.2.3.4'::inet,"
                      " '1.2.3.4'::inet::text, abbrev('10.1.0.0/16'::cidr), host('1.2.3.4/24'),"
                      " broadcast('1.2.3.4/24')::text, masklen('::1/64'), family('::1')") == [
        ("10.0.0.0/8", "10.1.2.3", "128.1.0.0/16", "::ffff:1.2.3.4", "1.2.3.4/32", "10.1/16", "1.2.3.4",
         "1.2.3.255/24", 64, 6)]
    assert _rows(con, "SELECT '1.2.3.4'::inet << '1.2.3.0/24', '1.2.3.0/24'::inet <<= '1.2.3.0/24',"
                      " '1.2.3.0/24'::cidr >>= '1.2.3.4', '1.2.3.0/24'::inet && '1.2.0.0/16',"
                      " '1.2.3.4'::inet - '1.2.3.0', ('1.2.3.4'::inet + 300)::text") == [
        (True, True, True, True, 4, "1.2.4.48/32")]
    cur = con.cursor()
    cur.execute("CREATE TABLE hosts (addr inet PRIMARY KEY, net cidr)")
    cur.execute("INSERT INTO hosts VALUES ('10.0.0.1', '10/8'), ('9.0.0.1', '9.0/16'), ('::1', '::/0'),"
                " ('10.0.0.0/8', NULL)")
    cur.execute("SELECT addr FROM hosts ORDER BY addr")
    assert [r[0] for r in cur.fetchall()] == ["9.0.0.1", "10.0.0.0/8", "10.0.0.1", "::1"]
    cur.execute("SELECT addr FROM hosts WHERE addr > '9.255.0.0' AND addr <<= '10/8' ORDER BY addr DESC")
    assert cur.fetchall() == [("10.0.0.1",), ("10.0.0.0/8",)]
    for sql, state in [("SELECT '10.1'::inet", "22P02"), ("SELECT '10.1.2.3/8'::cidr", "22P02"),
                       ("SELECT set_masklen('1.2.3.4'::inet, 33)", "22023"),
                       ("SELECT '255.255.255.255'::inet + 1", "22003")]:
        with pytest.raises(orbitdb.DatabaseError) as err:
            _rows(con, sql)
        assert err.value.sqlstate == state, sql


def test_macaddr(con) -> None:
    assert _rows(con, "SELECT '0800.2b01.0203'::macaddr, trunc('08:00:2b:01:02:03'::macaddr)::text,"
                      " '08:00:2b:01:02:03'::macaddr8::text, '08:00:2b:ff:fe:01:02:03'::macaddr8::macaddr::text") == [
        ("08:00:2b:01:02:03", "08:00:2b:00:00:00", "08:00:2b:ff:fe:01:02:03", "08:00:2b:01:02:03")]
    with pytest.raises(orbitdb.DatabaseError) as err:
        _rows(con, "SELECT '08:00:2b:01:02'::macaddr")
    assert err.value.sqlstate == "22P02"


def test_codecs_and_keys() -> None:
    codec = RowCodec(["inet", "macaddr", "array:inet"])
    row = (NetAddress(6, 1, 128), MacAddress(bytes(range(8))), [NetAddress(4, 0x0A000000, 8), None])
    assert codec.decode(codec.encode(row)) == row
    # PostgreSQL's order: the common prefix, then the mask length, then the whole address
    ordered = [NetAddress(4, 0x09000001, 32), NetAddress(4, 0x0A000000, 8), NetAddress(4, 0x0A800000, 8),
               NetAddress(4, 0x0A000001, 32), NetAddress(4, 0x0A010000, 16), NetAddress(6, 0, 0)]
    assert sorted(ordered) == ordered
    assert [encode_value(v) for v in ordered] == sorted(encode_value(v) for v in ordered)
