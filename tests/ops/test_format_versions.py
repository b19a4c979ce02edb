"""Format versions of a data directory, layer by layer: the engine's FORMAT file (csrc/format.h),
the SQL layer's storage format record (orbitdb/storage/formatcheck.py) and a server's list of
databases. An older format is upgraded by `orbitdb upgrade` or refused naming it; a newer one is
refused; nothing is written to a refused directory."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ops_support import listing, make_database, orbitdb_command
from wire_support import ServerProcess

import orbitdb
from orbitdb.engine import Engine, InvalidArgumentError
from orbitdb.storage.keyspace import FORMAT_KEY


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "db")
    make_database(path, ["create table t (a int primary key)", "insert into t values (1), (2), (3)"])
    return path


def rows(path: str) -> list[tuple[int]]:
    conn = orbitdb.connect(path)
    try:
        cur = conn.cursor()
        cur.execute("select a from t order by a")
        return cur.fetchall()
    finally:
        conn.close()


def test_new_database_records_the_engine_format(db: str) -> None:
    with open(os.path.join(db, "FORMAT")) as f:
        assert f.read() == "orbitdb-engine 2\n"


def test_newer_engine_format_is_refused_and_nothing_written(db: str) -> None:
    with open(os.path.join(db, "FORMAT"), "w") as f:
        f.write("orbitdb-engine 5\n")
    before = listing(db)
    before.pop("LOCK")  # taken (and given the opener's pid) before the format is read
    with pytest.raises(orbitdb.OperationalError, match="engine format 5, newer than this orbitdb reads"):
        orbitdb.connect(db)
    with pytest.raises(InvalidArgumentError, match="engine format 5"):
        Engine(db)
    done = orbitdb_command("upgrade", "--data-dir", db)
    assert done.returncode == 1 and "engine format 5, newer" in done.stderr
    checked = orbitdb_command("check", "--data-dir", db)
    assert checked.returncode == 1 and "engine format 5" in checked.stdout
    after = listing(db)
    after.pop("LOCK")
    assert after == before


def test_older_engine_format_is_refused_naming_it(db: str) -> None:
    with open(os.path.join(db, "FORMAT"), "w") as f:
        f.write("orbitdb-engine 0\n")
    with pytest.raises(orbitdb.OperationalError, match="engine format 0, older than this orbitdb opens"):
        orbitdb.connect(db)


def test_unversioned_engine_directory_is_upgraded(db: str) -> None:
    os.remove(os.path.join(db, "FORMAT"))  # as orbitdb made directories before the file existed
    done = orbitdb_command("upgrade", "--data-dir", db)
    assert done.returncode == 0, done.stderr
    assert "engine format 2 recorded" in done.stdout
    with open(os.path.join(db, "FORMAT")) as f:
        assert f.read() == "orbitdb-engine 2\n"
    assert rows(db) == [(1,), (2,), (3,)]


def test_newer_sql_storage_format_is_refused(db: str) -> None:
    engine = Engine(db, create_if_missing=False)
    try:
        engine.put(FORMAT_KEY, b"9", sync=True)
    finally:
        engine.close()
    with pytest.raises(orbitdb.Error, match="storage format 9, newer than this orbitdb reads"):
        orbitdb.connect(db)
    checked = orbitdb_command("check", "--data-dir", db)
    assert checked.returncode == 0 and "storage format 9" in checked.stdout


def test_newer_list_of_databases_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ServerProcess(data).wait_ready().stop()
    registry = data / "databases.json"
    raw = json.loads(registry.read_text())
    raw["format"] = 4
    registry.write_text(json.dumps(raw))
    server = ServerProcess(data)
    assert server.proc.wait(timeout=60) != 0
    assert "databases.json has format 4, newer than this orbitdb reads (format 1)" in server.log()
    checked = orbitdb_command("check", "--data-dir", str(data))
    assert checked.returncode == 1 and "databases.json has format 4, newer" in checked.stdout
