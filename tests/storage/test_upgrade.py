"""Storage format versions: a database of row format 1 (as orbitdb wrote before format 2) is
refused at open with a message naming `orbitdb upgrade`, which converts it to the same data; a
database of a newer format is refused; a new database records its format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import format1_codec as old
import pytest

import orbitdb
from orbitdb.engine import Engine, WriteBatch
from orbitdb.sql.cluster.cluster import Cluster
from orbitdb.sql.errors import SqlError
from orbitdb.storage.catalog import Catalog
from orbitdb.storage.errors import StorageFormatError
from orbitdb.storage.keyspace import (
    CATALOG_PREFIX,
    FORMAT_KEY,
    TABLE_PREFIX,
    TEMP_OID_BASE,
    prefix_end,
    table_prefix,
)
from orbitdb.storage.rowcodec import RowCodec

SETUP = [
    ("CREATE TABLE t (id int PRIMARY KEY, a text, b numeric(10,2), c date[], d jsonb, e timestamptz, f interval,"
     " g uuid, h timetz, i float8, j bytea, k bool, l time, m timestamp, n bigint[])"),
    ("INSERT INTO t VALUES (1, 'x\u00e9\\0', 1.5, ARRAY[DATE '2020-01-01', NULL], '{\"a\": null, \"b\": [1, 2.5]}',"
     " '2020-01-01 10:00+02', '1 mon 2 days 3 sec', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '10:00+05:30', 'NaN',"
     " '\\x00ff', true, '23:59:59.999999', '1999-12-31 23:59:59', '{{1,2},{3,NULL}}'),"
     " (2, NULL, NULL, NULL, 'null', NULL, NULL, NULL, NULL, '-Infinity', NULL, NULL, NULL, NULL, NULL)"),
    "ALTER TABLE t ADD COLUMN z int DEFAULT 42",  # rows 1 and 2 stay short: z comes from the default
    "ALTER TABLE t DROP COLUMN a",
    "ALTER TABLE t ALTER COLUMN i TYPE numeric USING 0",
    "INSERT INTO t (id, z) VALUES (3, 9)",
    "CREATE INDEX ON t (z)",
    "CREATE TABLE u (x text)",  # no primary key: hidden row ids
    "INSERT INTO u SELECT 'row ' || g FROM generate_series(1, 2500) g",
    "INSERT INTO u VALUES (NULL)",
]
QUERIES = ["SELECT * FROM t ORDER BY id", "SELECT id FROM t WHERE z = 42 ORDER BY id",
           "SELECT count(*), count(x), min(x), max(x) FROM u"]


def make_database(path: str) -> list[list[Any]]:
    con = orbitdb.connect(path)
    con.autocommit = True
    cur = con.cursor()
    for sql in SETUP:
        cur.execute(sql)
    results = [query(cur, q) for q in QUERIES]
    con.close()
    return results


def query(cur: Any, sql: str) -> list[Any]:
    cur.execute(sql)
    return list(cur.fetchall())


def read_database(path: str) -> list[list[Any]]:
    con = orbitdb.connect(path)
    cur = con.cursor()
    try:
        return [query(cur, q) for q in QUERIES]
    finally:
        con.close()


def row_formats(path: str) -> set[int]:
    engine = Engine(path)
    try:
        return {data[0] for _, data in engine.items(TABLE_PREFIX, table_prefix(TEMP_OID_BASE))}
    finally:
        engine.close()


def stored_slots(data: bytes) -> int:
    """How many slots a format-2 row stores (its varint after the version and flags bytes)."""
    n, shift, i = 0, 0, 2
    while True:
        n |= (data[i] & 0x7F) << shift
        if data[i] < 0x80:
            return n
        shift, i = shift + 7, i + 1


def downgrade(path: str, fraction: float = 1.0) -> int:
    """Rewrites (that fraction of) the rows in format 1 with the codec orbitdb used to have, and
    removes the format record: the database as an orbitdb before format 2 left it."""
    engine = Engine(path)
    try:
        catalog = Catalog.load(list(engine.items(CATALOG_PREFIX, prefix_end(CATALOG_PREFIX))))
        batch = WriteBatch()
        rows = 0
        for table in catalog.tables():
            kinds: list[str | None] = [None] * table.next_slot
            for c in table.columns:
                kinds[c.slot] = c.kind
            new = RowCodec(kinds)
            former = old.RowCodec([k or "text" for k in kinds])
            items = list(engine.items(table_prefix(table.oid), prefix_end(table_prefix(table.oid))))
            for key, data in items[: int(len(items) * fraction)]:
                values = new.decode(data)[: stored_slots(data)]
                batch.put(key, former.encode(values))
                rows += 1
        batch.delete(FORMAT_KEY)
        engine.write(batch, sync=True)
        return rows
    finally:
        engine.close()


def run_upgrade(data_dir: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run([sys.executable, "-m", "orbitdb", "upgrade", "--data-dir", data_dir], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[Any]]]:
    path = tmp_path_factory.mktemp("made") / "db"
    return path, make_database(str(path))


@pytest.fixture
def format1_db(made: tuple[Path, list[list[Any]]], tmp_path: Path) -> tuple[str, list[list[Any]]]:
    path = tmp_path / "db"
    subprocess.run(["cp", "-r", str(made[0]), str(path)], check=True)
    assert downgrade(str(path)) == 2504
    assert row_formats(str(path)) == {1}
    return str(path), made[1]


def test_old_database_is_refused_naming_the_command(format1_db: tuple[str, list[list[Any]]]) -> None:
    path, _ = format1_db
    with pytest.raises(orbitdb.OperationalError) as info:
        orbitdb.connect(path)
    assert f"orbitdb upgrade --data-dir {path}" in str(info.value)
    assert info.value.sqlstate == "55000"
    assert row_formats(path) == {1}  # nothing was written to it


def test_upgrade_command_converts_to_the_same_data(format1_db: tuple[str, list[list[Any]]]) -> None:
    path, expected = format1_db
    done = run_upgrade(path)
    assert done.returncode == 0, done.stderr
    assert "2,504 rows converted" in done.stdout
    assert row_formats(path) == {2}
    assert read_database(path) == expected
    again = run_upgrade(path)
    assert again.returncode == 0 and "already in the current storage format" in again.stdout


def test_interrupted_upgrade_is_refused_then_completed(format1_db: tuple[str, list[list[Any]]]) -> None:
    path, expected = format1_db
    engine = Engine(path)
    try:  # an upgrade that converted some rows, then stopped before recording the format
        catalog = Catalog.load(list(engine.items(CATALOG_PREFIX, prefix_end(CATALOG_PREFIX))))
        t = next(x for x in catalog.tables() if x.name == "t")
        kinds: list[str | None] = [None] * t.next_slot
        for c in t.columns:
            kinds[c.slot] = c.kind
        key, data = next(iter(engine.items(table_prefix(t.oid), prefix_end(table_prefix(t.oid)))))
        engine.put(key, RowCodec(kinds).encode(old.RowCodec([k or "text" for k in kinds]).decode(data)), sync=True)
    finally:
        engine.close()
    assert row_formats(path) == {1, 2}
    with pytest.raises(orbitdb.OperationalError, match="orbitdb upgrade"):
        orbitdb.connect(path)
    result = orbitdb.upgrade(path)
    assert result.rows_converted == 2503 and not result.already_current
    assert read_database(path) == expected


def test_newer_format_is_refused(made: tuple[Path, list[list[Any]]], tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    subprocess.run(["cp", "-r", str(made[0]), path], check=True)
    engine = Engine(path)
    engine.put(FORMAT_KEY, b"3", sync=True)
    engine.close()
    with pytest.raises(orbitdb.OperationalError) as info:
        orbitdb.connect(path)
    assert "storage format 3, newer than this orbitdb reads (format 2)" in str(info.value)
    with pytest.raises(StorageFormatError, match="newer"):
        orbitdb.upgrade(path)
    done = run_upgrade(path)
    assert done.returncode == 1 and "newer" in done.stderr


def test_new_and_empty_old_databases_record_the_format(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    orbitdb.connect(path).close()
    engine = Engine(path)
    assert engine.get(FORMAT_KEY) == b"2"
    engine.delete(FORMAT_KEY, sync=True)  # as an orbitdb before format 2 left a database without rows
    engine.close()
    con = orbitdb.connect(path)
    con.cursor().execute("CREATE TABLE e (a int)")
    con.commit()
    con.close()
    engine = Engine(path)
    assert engine.get(FORMAT_KEY) == b"2"
    engine.close()


def test_upgrade_of_a_server_data_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cluster = Cluster.open(str(data))
    try:
        session = cluster.session("orbit", "actors")
        for sql in ["CREATE TABLE s (id int PRIMARY KEY, v text)", "INSERT INTO s VALUES (1, 'one'), (2, NULL)"]:
            list(session.execute_simple(sql))
        session.close()
    finally:
        cluster.close()
    assert downgrade(str(data / "postgresql")) == 2
    with pytest.raises(SqlError, match="orbitdb upgrade"):
        cluster = Cluster.open(str(data))
        try:
            cluster.open_database("actors")
        finally:
            cluster.close()
    done = run_upgrade(str(data))
    assert done.returncode == 0, done.stderr
    assert "2 rows converted" in done.stdout
    cluster = Cluster.open(str(data))
    try:
        session = cluster.session("orbit", "actors")
        rows = [list(r.rows) for r in session.execute_simple("SELECT * FROM s ORDER BY id")]
        session.close()
    finally:
        cluster.close()
    assert rows == [[(1, "one"), (2, None)]]


def test_upgrade_of_a_missing_directory_fails(tmp_path: Path) -> None:
    done = run_upgrade(str(tmp_path / "nothing"))
    assert done.returncode == 1 and "no directory" in done.stderr
