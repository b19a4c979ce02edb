"""The engine at scale, through its Python API: a bounded table cache (max_open_files), compaction
of a key range, and files no manifest names removed at open."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from orbitdb.config import ConfigError, parse_config
from orbitdb.engine import Engine

# Small tables, and no automatic compaction: each flush leaves one more level-0 table.
MANY_TABLES = {
    "write_buffer_size": 4096,
    "target_file_size_base": 4096,
    "level0_file_num_compaction_trigger": 1000,
    "level0_slowdown_writes_trigger": 1000,
    "level0_stop_writes_trigger": 1000,
}


def open_tables(path: str) -> int:
    """Table files this process holds open in the database directory."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed while we looked
        if os.path.dirname(target) == os.path.abspath(path) and target.endswith(".sst"):
            count += 1
    return count


def key(table: int, i: int) -> bytes:
    return b"t%03d-%04d" % (table, i)


def value(table: int, i: int) -> bytes:
    """About 100 bytes that do not compress away, so that tables split where expected."""
    return b"value-%d-%d-" % (table, i) + bytes((table * 131 + i * 71 + j * j) % 251 for j in range(90))


def fill_tables(db: Engine, tables: int) -> None:
    """One level-0 table per batch of keys, each batch its own key range."""
    for t in range(tables):
        for i in range(20):
            db.put(key(t, i), value(t, i))
        db.flush()


@pytest.mark.parametrize(("max_open_files", "bound"), [(20, 10), (-1, None)])
def test_max_open_files_bounds_the_open_tables(db_path: str, max_open_files: int, bound: int | None) -> None:
    tables = 40
    with Engine(db_path, max_open_files=max_open_files, **MANY_TABLES) as db:
        fill_tables(db, tables)
        assert int(db.property("orbitdb.num-files-at-level0")) == tables
        for t in range(tables):
            for i in (0, 19):
                assert db.get(key(t, i)) == value(t, i)
        if bound is None:
            assert open_tables(db_path) == tables  # unbounded: every table stays open
        else:
            assert open_tables(db_path) <= bound
        # an iterator holds every level-0 table it reads from; released, the bound holds again
        assert sum(1 for _ in db.items()) == tables * 20
        if bound is not None:
            assert open_tables(db_path) <= bound
    with Engine(db_path, max_open_files=max_open_files, **MANY_TABLES) as db:
        # reopened: every table is opened (and checked) once, at most the bound stays open
        if bound is not None:
            assert open_tables(db_path) <= bound
        assert db.get(key(tables - 1, 5)) == value(tables - 1, 5)
        db.compact_range()
        assert db.get(key(0, 0)) == value(0, 0)
        assert sum(1 for _ in db.items()) == tables * 20


def test_max_open_files_knob_checks(db_path: str) -> None:
    for bad in (0, 5, 19, -2):
        with pytest.raises(ValueError, match="max_open_files"):
            Engine(db_path, max_open_files=bad)
    with Engine(db_path, max_open_files=20) as db:
        assert db.options["max_open_files"] == 20
    config = parse_config({"persistence": {"rocksdb": {"max_open_files": -1}}})
    assert config.engine == {"max_open_files": -1}
    with pytest.raises(ConfigError, match="max_open_files"):
        parse_config({"persistence": {"rocksdb": {"max_open_files": 3}}})


def test_compact_range_rewrites_only_its_range(db_path: str) -> None:
    with Engine(db_path, **MANY_TABLES) as db:
        fill_tables(db, 30)
        db.compact_range()
        before = {n for n in os.listdir(db_path) if n.endswith(".sst")}
        assert len(before) >= 10
        for i in range(20):
            db.put(key(15, i), b"new-%d" % i)
        db.delete(key(15, 3))
        db.compact_range(key(15, 0), key(15, 19))
        after = {n for n in os.listdir(db_path) if n.endswith(".sst")}
        assert len(before & after) >= len(before) - 3  # only the tables around table 15's keys
        assert before - after  # and those were rewritten
        for level in range(6):
            assert db.property(f"orbitdb.num-files-at-level{level}") == "0"
        assert db.get(key(15, 2)) == b"new-2"
        assert db.get(key(15, 3)) is None
        assert db.get(key(14, 19)) == value(14, 19)
        assert db.get(key(16, 0)) == value(16, 0)
        expected = 30 * 20 - 1
        assert sum(1 for _ in db.items()) == expected
        db.compact_range(stop=key(3, 0))  # open at one end
        db.compact_range(bytearray(key(28, 0)), None)
        assert sum(1 for _ in db.items()) == expected
        with pytest.raises(TypeError):
            db.compact_range("t015", None)
    with Engine(db_path) as db:
        assert db.get(key(15, 19)) == b"new-19"
        assert sum(1 for _ in db.items()) == expected


def test_files_no_manifest_names_are_removed_at_open(db_path: str) -> None:
    with Engine(db_path, **MANY_TABLES) as db:
        fill_tables(db, 5)
    names = sorted(n for n in os.listdir(db_path) if n.endswith(".sst"))
    # what a crash in the middle of a compaction leaves: an output table the manifest never
    # named (here a copy of a real one, so it would read as a valid table), and a temp file
    shutil.copy(os.path.join(db_path, names[0]), os.path.join(db_path, "009999.sst"))
    with open(os.path.join(db_path, "CURRENT.12345.tmp"), "wb") as f:
        f.write(b"MANIFEST-000")
    with Engine(db_path, **MANY_TABLES) as db:
        left = set(os.listdir(db_path))
        assert "009999.sst" not in left
        assert "CURRENT.12345.tmp" not in left
        assert {n for n in left if n.endswith(".sst")} == set(names)
        assert sum(1 for _ in db.items()) == 5 * 20


CRASHING_COMPACTOR = textwrap.dedent(
    """
    import sys
    from orbitdb.engine import Engine

    db = Engine(sys.argv[1], write_buffer_size=4096, target_file_size_base=4096)
    n = 0
    while True:  # killed by the test at some point inside a compaction, most likely
        for i in range(300):
            db.put(b"k%06d" % ((n * 7919 + i * 104729) % 5000), b"v" * 40)
        n += 1
        db.compact_range()
        if n == 1:
            print("ready", flush=True)
    """
)


def live_tables(db: Engine) -> int:
    return sum(int(db.property(f"orbitdb.num-files-at-level{level}")) for level in range(7))


def test_tables_left_by_a_killed_compaction_are_removed_at_open(db_path: str) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHING_COMPACTOR, db_path], stdout=subprocess.PIPE, env=env
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(0.3)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    with Engine(db_path) as db:
        tables = {n for n in os.listdir(db_path) if n.endswith(".sst")}
        assert len(tables) == live_tables(db)  # every table on disk is one the manifest names
        keys = [k for k, _ in db.items()]
        assert keys == sorted(set(keys)) and len(keys) > 0
        assert all(db.get(k) == b"v" * 40 for k in keys[:50])
