"""Engine format 2 (csrc/format.h): WAL time records, range deletions and manifest tags 16/17
are records engine format 1 does not have. A format-1 directory still opens and is marked 2
before the first such record is written (or by `orbitdb upgrade`), so that an engine that reads
only format 1 refuses it naming the format instead of misreading it; and the wal_archive_dir
knob's configuration checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ops_support import make_database, orbitdb_command

import orbitdb
from orbitdb.config import ConfigError, parse_config
from orbitdb.engine import Engine, InvalidArgumentError


def engine_format(path: str) -> str:
    with open(os.path.join(path, "FORMAT")) as f:
        return f.read()


def format_1_engine(path: str) -> None:
    """A directory as an engine of format 1 leaves it: plain writes, FORMAT saying 1."""
    with Engine(path) as e:
        e.put(b"a", b"1", sync=True)
    with open(os.path.join(path, "FORMAT"), "w") as f:
        f.write("orbitdb-engine 1\n")


def test_format_1_opens_and_is_marked_at_the_first_range_deletion(tmp_path: Path) -> None:
    path = str(tmp_path / "e")
    format_1_engine(path)
    with Engine(path) as e:
        e.put(b"b", b"2", sync=True)
        assert e.property("orbitdb.engine-format") == "1"
        assert engine_format(path) == "orbitdb-engine 1\n"  # nothing of format 2 written yet
        e.delete_range(b"a", b"b", sync=True)
        assert engine_format(path) == "orbitdb-engine 2\n"
        assert e.property("orbitdb.engine-format") == "2"
    with Engine(path) as e:
        assert list(e.items(b"", b"\xff")) == [(b"b", b"2")]


@pytest.mark.parametrize("knob", ["history_retention_seconds", "wal_archive_dir"])
def test_format_1_is_marked_when_commit_times_will_be_written(tmp_path: Path, knob: str) -> None:
    path = str(tmp_path / "e")
    format_1_engine(path)
    value = 60 if knob == "history_retention_seconds" else str(tmp_path / "archive")
    with Engine(path, **{knob: value}) as e:
        assert engine_format(path) == "orbitdb-engine 2\n"
        assert e.get(b"a") == b"1"


def test_unversioned_directory_counts_as_format_1(tmp_path: Path) -> None:
    path = str(tmp_path / "e")
    format_1_engine(path)
    os.remove(os.path.join(path, "FORMAT"))  # made before the file existed
    with Engine(path) as e:
        assert e.get(b"a") == b"1"
    assert engine_format(path) == "orbitdb-engine 1\n"


def test_upgrade_marks_a_format_1_database(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    make_database(path, ["create table t (a int primary key)", "insert into t values (1), (2)"])
    with open(os.path.join(path, "FORMAT"), "w") as f:
        f.write("orbitdb-engine 1\n")
    done = orbitdb_command("upgrade", "--data-dir", path)
    assert done.returncode == 0, done.stderr
    assert "engine format 2 recorded (was 1" in done.stdout
    assert engine_format(path) == "orbitdb-engine 2\n"
    conn = orbitdb.connect(path)
    try:
        cur = conn.cursor()
        cur.execute("select a from t order by a")
        assert cur.fetchall() == [(1,), (2,)]
    finally:
        conn.close()


def test_a_newer_format_is_refused_naming_it(tmp_path: Path) -> None:
    path = str(tmp_path / "e")
    format_1_engine(path)
    with open(os.path.join(path, "FORMAT"), "w") as f:
        f.write("orbitdb-engine 3\n")
    with pytest.raises(InvalidArgumentError, match=r"engine format 3, newer than this orbitdb reads \(engine format 2\)"):
        Engine(path)
    assert engine_format(path) == "orbitdb-engine 3\n"


def test_wal_archive_dir_configuration(tmp_path: Path) -> None:
    config = parse_config({"persistence": {"data_dir": str(tmp_path / "data"),
                                           "wal_archive_dir": str(tmp_path / "archive")}})
    assert config.engine["wal_archive_dir"] == str(tmp_path / "archive")
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="wal_archive_dir .* exists and is not a directory"):
        parse_config({"persistence": {"wal_archive_dir": str(tmp_path / "file")}})
    with pytest.raises(ConfigError, match="wal_archive_dir must not be empty"):
        parse_config({"persistence": {"wal_archive_dir": ""}})
    with pytest.raises(ConfigError, match="must not be the data directory"):
        parse_config({"persistence": {"data_dir": str(tmp_path), "wal_archive_dir": str(tmp_path)}})
    with pytest.raises(ConfigError, match=r"\[persistence.rocksdb\].wal_archive_dir is not a RocksDB knob"):
        parse_config({"persistence": {"rocksdb": {"wal_archive_dir": str(tmp_path / "a")}}})
    with pytest.raises(InvalidArgumentError, match="enable_wal is false: there is no WAL to archive"):
        Engine(str(tmp_path / "e"), enable_wal=False, wal_archive_dir=str(tmp_path / "a"))


def test_each_database_archives_into_its_own_directory(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    conn = orbitdb.connect(str(tmp_path / "db"), wal_archive_dir=str(archive), write_buffer_size=4096)
    try:
        cur = conn.cursor()
        cur.execute("create table t (a int primary key, b text)")
        for i in range(100):
            cur.execute("insert into t values (%s, %s)", (i, "z" * 200))
            conn.commit()
    finally:
        conn.close()
    names = os.listdir(archive / "db")
    assert names and all(n.endswith(".log") for n in names)
    assert not (set(os.listdir(tmp_path / "db")) & set(names))  # moved, not copied
