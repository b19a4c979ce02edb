"""periodic_compaction_seconds: tables written longer ago than the period are compacted, so that
deletion markers and dead versions no other compaction reaches are dropped (RocksDB's meaning).

A table's age is its file's mtime (tables are written once), so the tests age the files with
os.utime instead of waiting."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from orbitdb.config import ConfigError, parse_config
from orbitdb.engine import Engine

# small tables; level 0 never reaches its compaction trigger by itself
KNOBS = {
    "write_buffer_size": 1 << 20,
    "target_file_size_base": 1 << 20,
    "level0_file_num_compaction_trigger": 100,
    "level0_slowdown_writes_trigger": 100,
    "level0_stop_writes_trigger": 100,
}
N = 600
DAY = 86400


def key(i: int) -> bytes:
    return b"k%05d" % i


def value(i: int) -> bytes:
    return bytes((i * 37 + j * 11) % 251 for j in range(120))  # does not compress away


def tables(path: str) -> set[str]:
    return {n for n in os.listdir(path) if n.endswith(".sst")}


def age_tables(path: str, seconds: int) -> None:
    then = time.time() - seconds
    for name in tables(path):
        os.utime(os.path.join(path, name), (then, then))


def live_only_size(path: str) -> int:
    """Bytes of the last level of a database holding just the keys that survive the deletes."""
    with Engine(path, **KNOBS) as db:
        for i in range(1, N, 2):
            db.put(key(i), value(i))
        db.compact_range()
        return int(db.property("orbitdb.bytes-at-level6"))


def wait_until(check: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def deletes_kept_in_last_level(path: str) -> None:
    """A last-level table with N values, N/2 newer deletion markers and N/2 dead values in it: a
    snapshot held while it was compacted kept them; nothing would compact it again."""
    with Engine(path, **KNOBS) as db:
        for i in range(N):
            db.put(key(i), value(i))
        db.compact_range()
        snap = db.snapshot()
        for i in range(0, N, 2):
            db.delete(key(i))
        db.compact_range()
        snap.release()
        assert db.property("orbitdb.num-files-at-level0") == "0"


def deletes_in_level0(path: str) -> None:
    """N values in the last level and a level-0 table of N/2 deletion markers over them."""
    with Engine(path, **KNOBS) as db:
        for i in range(N):
            db.put(key(i), value(i))
        db.compact_range()
        for i in range(0, N, 2):
            db.delete(key(i))
        db.flush()
        assert db.property("orbitdb.num-files-at-level0") == "1"


def check_contents(db: Engine) -> None:
    assert [k for k, _ in db.items()] == [key(i) for i in range(1, N, 2)]
    assert all(db.get(key(i)) == value(i) for i in range(1, N, 2))


@pytest.mark.parametrize("make", [deletes_kept_in_last_level, deletes_in_level0])
def test_old_tables_are_rewritten_without_their_deletes(tmp_path, make: Callable[[str], None]) -> None:
    path = str(tmp_path / "db")
    make(path)
    control = live_only_size(str(tmp_path / "control"))
    before = tables(path)
    with Engine(path, **KNOBS) as db:
        bytes_before = sum(int(db.property(f"orbitdb.bytes-at-level{lv}")) for lv in range(7))
    assert bytes_before > 1.5 * control  # the dead values and the markers take room

    # younger than the period (or the period off): the tables stay as they are
    age_tables(path, 2 * 3600)
    for period in (0, DAY):
        with Engine(path, periodic_compaction_seconds=period, **KNOBS) as db:
            time.sleep(1.0)  # what the background thread would have done at open, it has done
            assert before <= tables(path)
            check_contents(db)

    # older than the period: rewritten, keeping only what a read can still see
    with Engine(path, periodic_compaction_seconds=3600, **KNOBS) as db:
        assert wait_until(lambda: not (before & tables(path)))
        assert wait_until(lambda: db.property("orbitdb.num-files-at-level0") == "0")
        bytes_after = sum(int(db.property(f"orbitdb.bytes-at-level{lv}")) for lv in range(7))
        assert bytes_after < 1.1 * control
        check_contents(db)
        # the new tables are young: nothing is rewritten again until the period passes
        rewritten = tables(path)
        time.sleep(1.0)
        assert tables(path) == rewritten
    with Engine(path, **KNOBS) as db:
        check_contents(db)


def test_periodic_compaction_knob_checks(tmp_path) -> None:
    path = str(tmp_path / "db")
    for bad in (-1, 100 * 365 * DAY + 1):
        with pytest.raises(ValueError, match="periodic_compaction_seconds"):
            Engine(path, periodic_compaction_seconds=bad)
    with pytest.raises(TypeError, match="periodic_compaction_seconds"):
        Engine(path, periodic_compaction_seconds="1d")
    with Engine(path, periodic_compaction_seconds=30 * DAY) as db:
        assert db.options["periodic_compaction_seconds"] == 30 * DAY
    config = parse_config({"persistence": {"rocksdb": {"periodic_compaction_seconds": 7 * DAY}}})
    assert config.engine == {"periodic_compaction_seconds": 7 * DAY}
    with pytest.raises(ConfigError, match="periodic_compaction_seconds"):
        parse_config({"persistence": {"rocksdb": {"periodic_compaction_seconds": -5}}})
