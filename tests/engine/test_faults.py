"""Fault injection from Python (orbitdb._engine's test hooks over csrc/faults.h): a full disk or a
failing device makes the engine return the error, take no more writes while reads go on, and
lose nothing acknowledged at the next open; through SQL, a failed COMMIT is SQLSTATE 58030 and
every committed row is there after a restart. (csrc/tests/test_faults.c runs random faults.)"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import orbitdb
from orbitdb import _engine
from orbitdb.engine import Engine, EngineIOError


@pytest.fixture(autouse=True)
def disarmed() -> Iterator[None]:
    yield
    _engine._fault_disarm()


def acked_puts(engine: Engine, start: int, n: int) -> list[int]:
    done = []
    for i in range(start, start + n):
        engine.put(b"k%05d" % i, b"v%d" % i, sync=True)
        done.append(i)
    return done


@pytest.mark.parametrize(("ops", "match", "code"), [
    (_engine.FAULT_WRITE, ".log", errno.ENOSPC),
    (_engine.FAULT_SYNC, ".log", errno.EIO),
])
def test_wal_fault_stops_writes_keeps_reads_and_loses_nothing_acknowledged(
        db_path: str, ops: int, match: str, code: int) -> None:
    engine = Engine(db_path)
    acked = acked_puts(engine, 0, 50)
    _engine._fault_arm(db_path, match, ops, after=3, errno_value=code)
    acked += acked_puts(engine, 50, 3)
    with pytest.raises(EngineIOError, match=os.strerror(code)):
        engine.put(b"k%05d" % 53, b"v53", sync=True)
    assert _engine._fault_count() == 1
    _engine._fault_disarm()
    with pytest.raises(EngineIOError, match=os.strerror(code)):  # stopped: the log's tail is unknown
        engine.put(b"k%05d" % 54, b"v54", sync=True)
    assert engine.get(b"k00010") == b"v10"  # reads go on
    engine.close()
    engine = Engine(db_path)
    try:
        for i in acked:
            assert engine.get(b"k%05d" % i) == b"v%d" % i
        # the write that failed is there whole or not at all; the one refused after it is not
        assert engine.get(b"k00053") in (None, b"v53")
        assert engine.get(b"k00054") is None
        engine.put(b"after", b"reopen", sync=True)  # writable again
    finally:
        engine.close()


def test_failed_flush_keeps_the_data_in_the_wal(db_path: str) -> None:
    engine = Engine(db_path)
    acked = acked_puts(engine, 0, 200)
    _engine._fault_arm(db_path, ".sst", _engine.FAULT_WRITE | _engine.FAULT_SYNC, errno_value=errno.ENOSPC,
                       sticky=True)
    with pytest.raises(EngineIOError, match="No space left on device"):
        engine.flush()
    with pytest.raises(EngineIOError):
        engine.put(b"x", b"y", sync=True)
    engine.close()
    _engine._fault_disarm()
    engine = Engine(db_path)
    try:
        assert [k for k, _ in engine.items()] == [b"k%05d" % i for i in acked]
        engine.flush()
    finally:
        engine.close()
    report = _engine.verify_dir(db_path)  # the torn table was removed at the open, nothing damaged
    assert report["findings"] == [] and report["tables"] >= 1


def test_open_under_a_rename_fault_fails_cleanly_then_opens(db_path: str) -> None:
    engine = Engine(db_path)
    acked = acked_puts(engine, 0, 20)
    engine.close()
    _engine._fault_arm(db_path, "CURRENT", _engine.FAULT_RENAME, errno_value=errno.EIO)
    with pytest.raises(EngineIOError, match="rename of .*CURRENT failed: Input/output error"):
        Engine(db_path)
    _engine._fault_disarm()
    engine = Engine(db_path)
    try:
        assert [engine.get(b"k%05d" % i) for i in acked] == [b"v%d" % i for i in acked]
    finally:
        engine.close()


def test_sql_commit_under_a_failing_fsync(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    conn = orbitdb.connect(path)
    cur = conn.cursor()
    cur.execute("create table t (a int primary key, b text)")
    cur.execute("insert into t select g, 'row ' || g from generate_series(1, 100) g")
    conn.commit()
    _engine._fault_arm(path, ".log", _engine.FAULT_SYNC, errno_value=errno.EIO)
    cur.execute("insert into t values (101, 'unacknowledged')")
    with pytest.raises(orbitdb.OperationalError) as info:
        conn.commit()
    assert info.value.sqlstate == "58030" and "Input/output error" in str(info.value)
    _engine._fault_disarm()
    cur.execute("select count(*) from t where a <= 100")  # reads go on
    assert cur.fetchone() == (100,)
    cur.execute("insert into t values (102, 'refused')")
    with pytest.raises(orbitdb.OperationalError, match="fdatasync"):
        conn.commit()
    conn.close()
    conn = orbitdb.connect(path)
    try:
        cur = conn.cursor()
        cur.execute("select a from t order by a")
        got = [a for (a,) in cur.fetchall()]
        assert got[:100] == list(range(1, 101)) and got[100:] in ([], [101])
    finally:
        conn.close()
