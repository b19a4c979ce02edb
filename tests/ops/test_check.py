"""`orbitdb check`: exit codes and reports on clean, damaged and live data directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ops_support import catalog_of, flush, listing, make_database, orbitdb_command
from wire_support import ServerProcess

from orbitdb.engine import Engine
from orbitdb.storage.keyspace import catalog_key, index_prefix
from orbitdb.storage.tables import TableAccess

SCHEMA = [
    "create table t (id int primary key, name text unique, v int)",
    "create index t_v on t (v)",
    "create index t_low on t (lower(name)) where v > 3",
    "create sequence s1",
    "insert into t select g, 'n' || g, g % 10 from generate_series(1, 3000) g",
    "create table h (x int)",
    "create index h_x on h (x)",
    "insert into h values (1), (2), (2)",
]


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "db")
    make_database(path, SCHEMA)
    flush(path)
    return path


def check(path: str, *flags: str) -> tuple[int, str]:
    result = orbitdb_command("check", "--data-dir", path, *flags)
    return result.returncode, result.stdout + result.stderr


def test_clean_database_exits_0_and_writes_nothing(db: str) -> None:
    before = listing(db)
    code, out = check(db, "--deep")
    assert code == 0, out
    assert "db: ok" in out and "4 secondary indexes checked" in out
    assert listing(db) == before


def test_flipped_byte_in_a_table_file_is_named(db: str) -> None:
    table = next(n for n in os.listdir(db) if n.endswith(".sst"))
    with open(os.path.join(db, table), "r+b") as f:
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 0x10]))
    code, out = check(db)
    assert code == 1, out
    assert f"DAMAGE: db: {table} at offset 0:" in out and "checksum mismatch" in out


def test_missing_table_file_is_named(db: str) -> None:
    table = next(n for n in os.listdir(db) if n.endswith(".sst"))
    os.remove(os.path.join(db, table))
    code, out = check(db)
    assert code == 1 and f"table {table} (level" in out and "is missing" in out, out


def test_torn_wal_tail_is_a_note_not_damage(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    make_database(path, SCHEMA[:1] + ["insert into t values (1, 'a', 1)", "insert into t values (2, 'b', 2)"])
    log = max((n for n in os.listdir(path) if n.endswith(".log")), key=lambda n: os.path.getsize(os.path.join(path, n)))
    size = os.path.getsize(os.path.join(path, log))
    os.truncate(os.path.join(path, log), size - 5)
    code, out = check(path)
    assert code == 0, out
    assert f"note: db: {log} at offset" in out and "torn tail" in out and "never acknowledged" in out


def test_damaged_catalog_entry_is_named(db: str) -> None:
    engine = Engine(db, create_if_missing=False)
    try:
        oid = catalog_of(engine).table("public", "t").oid  # type: ignore[union-attr]
        engine.put(catalog_key(oid), b'{"_kind": "table", "oid": ')
    finally:
        engine.close()
    code, out = check(db)
    assert code == 1, out
    assert f"DAMAGE: db: catalog: entry of oid {oid} does not decode" in out
    assert f"rows of table oid {oid}, which the catalog does not have" in out


def test_deleted_index_entry_is_found_only_by_deep(db: str) -> None:
    engine = Engine(db, create_if_missing=False)
    try:
        table = catalog_of(engine).table("public", "t")
        assert table is not None
        ix = next(i for i in table.indexes if i.name == "t_v")
        access = TableAccess(table)
        row = access.decode(engine.get(access.pk_key([42])))
        entry = next(e for e in access.indexes if e[0].oid == ix.oid)
        key = access.index_key(ix, entry[1], entry[2], row, access.pk_key([42]))
        assert key is not None and engine.get(key) is not None
        engine.delete(key)
    finally:
        engine.close()
    assert check(db)[0] == 0
    code, out = check(db, "--deep")
    assert code == 1, out
    assert 'index "public"."t_v" of table "t": row (42,) has no entry for its values (2,)' in out


def test_index_entry_without_its_row_and_unique_violation(db: str) -> None:
    engine = Engine(db, create_if_missing=False)
    try:
        table = catalog_of(engine).table("public", "t")
        assert table is not None
        access = TableAccess(table)
        ix = next(i for i in table.indexes if i.name == "t_v")
        engine.put(index_prefix(ix.oid) + b"\x05garbage", access.pk_key([99999]))
        # row 7 gets row 8's name: the unique index on name now holds one value for two rows
        row = list(access.decode(engine.get(access.pk_key([7]))))[: len(table.columns)]
        row[1] = "n8"
        engine.put(access.pk_key([7]), access.encode(row))
    finally:
        engine.close()
    code, out = check(db, "--deep")
    assert code == 1, out
    assert "which does not exist" in out and '"t_v"' in out
    assert "unique index holds values ('n8',) for two rows" in out


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert orbitdb_command("check", "--no-such-flag").returncode == 2
    assert check(str(tmp_path / "absent"))[0] == 2


def test_live_server_data_dir_is_checked_at_a_moment(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServerProcess(data).wait_ready()
    try:
        server.psql("-c", "create table k (a int primary key, b int); create index k_b on k (b); "
                          "insert into k select g, g from generate_series(1, 500) g")
        code, out = check(str(data), "--deep")
        assert code == 0, out
        assert "actors: " in out and "held open by a server" in out and "actors: ok" in out
        assert "1 secondary indexes checked" in out
        assert server.psql("-At", "-c", "select count(*) from k").stdout.strip() == "500"
    finally:
        server.stop()
    code, out = check(str(data), "--deep")
    assert code == 0 and "held open" not in out, out
