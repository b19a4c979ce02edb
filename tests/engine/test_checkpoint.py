"""Engine checkpoints (csrc/checkpoint.c): Engine.checkpoint of an open engine, and
checkpoint_directory of a directory another process is writing to. Writers keep an invariant
that only a copy at one commit satisfies: each writer's batch i puts its key i and sets its
`last` to i, so a copy holds keys 0..last of every writer and no key past it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from orbitdb.engine import Engine, InvalidArgumentError, WriteBatch, checkpoint_directory

SMALL = {"write_buffer_size": 32 << 10, "target_file_size_base": 32 << 10, "max_bytes_for_level_base": 128 << 10}


def _batch(writer: str, i: int) -> WriteBatch:
    b = WriteBatch()
    b.put(f"{writer}:{i:08d}".encode(), b"x" * 40)
    b.put(f"{writer}:last".encode(), str(i).encode())
    return b


def _check_prefix(path: Path, writers: list[str]) -> dict[str, int]:
    """Opens the copy and checks each writer's keys are exactly 0..last; returns the lasts."""
    lasts = {}
    with Engine(str(path), create_if_missing=False) as copy:
        for w in writers:
            raw = copy.get(f"{w}:last".encode())
            last = -1 if raw is None else int(raw)
            keys = [k for k, _ in copy.items(start=f"{w}:0".encode(), stop=f"{w}:9".encode())]
            assert keys == [f"{w}:{i:08d}".encode() for i in range(last + 1)], f"{w}: not a prefix up to {last}"
            lasts[w] = last
        ingested = copy.get(b"ingested:last")
        if ingested is not None:  # an ingestion's key must be there whenever a later write is
            assert copy.get(b"ingested:" + ingested) is not None
    return lasts


def test_checkpoint_holds_every_acknowledged_write_and_whole_batches(tmp_path: Path) -> None:
    writers = ["a", "b", "c"]
    acked = dict.fromkeys(writers, -1)
    stop = threading.Event()
    with Engine(str(tmp_path / "db"), **SMALL) as db:

        def write(name: str) -> None:
            i = 0
            while not stop.is_set():
                db.write(_batch(name, i))
                acked[name] = i
                i += 1

        threads = [threading.Thread(target=write, args=(w,)) for w in writers]
        for t in threads:
            t.start()
        try:
            for n in range(8):
                time.sleep(0.05)
                before = dict(acked)
                info = db.checkpoint(str(tmp_path / f"cp{n}"))
                assert info["attempts"] == 1 and info["tables"] >= 0
                lasts = _check_prefix(tmp_path / f"cp{n}", writers)
                assert all(lasts[w] >= before[w] for w in writers), (lasts, before)
        finally:
            stop.set()
            for t in threads:
                t.join()


def test_checkpoint_links_tables_and_diverges(tmp_path: Path) -> None:
    still = {"level0_file_num_compaction_trigger": 1000, "level0_slowdown_writes_trigger": 1000,
             "level0_stop_writes_trigger": 1000}  # no compaction removes a source table meanwhile
    with Engine(str(tmp_path / "db"), **SMALL, **still) as db:
        for i in range(3000):
            db.write(_batch("a", i))
        db.flush()
        db.checkpoint(str(tmp_path / "cp"))
        db.write(_batch("a", 3000))
    tables = sorted(p.name for p in (tmp_path / "cp").glob("*.sst"))
    assert tables
    for name in tables:  # hard links: the same inode as the source's table
        assert os.stat(tmp_path / "cp" / name).st_ino == os.stat(tmp_path / "db" / name).st_ino
    with Engine(str(tmp_path / "cp")) as copy:
        copy.write(_batch("b", 0))
        assert copy.get(b"a:last") == b"2999"
    with Engine(str(tmp_path / "db"), **still) as db:
        assert db.get(b"a:last") == b"3000" and db.get(b"b:last") is None


def test_checkpoint_target_must_be_empty(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with Engine(str(tmp_path / "db")) as db, pytest.raises(InvalidArgumentError, match="not empty"):
        db.checkpoint(str(tmp_path / "full"))
    with pytest.raises(InvalidArgumentError, match="holds no database"):
        checkpoint_directory(str(tmp_path / "full"), str(tmp_path / "other"))


CHILD = textwrap.dedent(
    """
    import sys
    from orbitdb.engine import Engine, WriteBatch
    db = Engine(sys.argv[1], write_buffer_size=32 << 10, target_file_size_base=32 << 10,
                max_bytes_for_level_base=128 << 10)
    i = 0
    while True:
        b = WriteBatch()
        b.put(b"w:%08d" % i, b"x" * 40)
        b.put(b"w:last", str(i).encode())
        db.write(b, sync=(i % 50 == 0))
        if i % 400 == 0:  # an ingestion: data in no WAL, then a write that names it
            with db.ingest() as ing:
                ing.add(b"ingested:%d" % i, b"1")
            db.put(b"ingested:last", str(i).encode())
        if i == 200:
            print("ready", flush=True)
        i += 1
    """
)


def test_checkpoint_directory_of_a_database_another_process_writes(tmp_path: Path) -> None:
    src = tmp_path / "db"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(src)], stdout=subprocess.PIPE, env=env)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        seen = []
        for n in range(10):
            info = checkpoint_directory(str(src), str(tmp_path / f"cp{n}"))
            assert info["attempts"] >= 1
            seen.append(_check_prefix(tmp_path / f"cp{n}", ["w"])["w"])
            time.sleep(0.03)
        assert seen == sorted(seen) and seen[-1] > seen[0]  # later copies hold more
    finally:
        child.kill()
        child.wait()
    # the writer's directory after a kill -9 still opens with at least what the last copy held
    assert _check_prefix(src, ["w"])["w"] >= seen[-1]


def test_copies_and_checks_of_a_database_with_history_retention(tmp_path: Path) -> None:
    """History retention writes commit times into the WAL (csrc/retention.c): the checkpoint, the
    read-only check and the read-only view read past them as they read past no other record."""
    from orbitdb._engine import ReadOnlyView, verify_dir

    src = tmp_path / "src"
    with Engine(str(src), history_retention_seconds=3600) as db:
        for i in range(50):
            db.put(f"k{i:03d}".encode(), str(i).encode())
        last = db.snapshot().sequence
        assert last is not None and last < 1000
        info = db.checkpoint(str(tmp_path / "copy"))
        assert info["last_sequence"] == last
        report = verify_dir(str(src))
        assert [f for f in report["findings"] if f[0]] == []
        view = ReadOnlyView(str(src))
        try:
            assert view.sequence == last
        finally:
            view.close()
    report = verify_dir(str(tmp_path / "copy"))
    assert [f for f in report["findings"] if f[0]] == []
    assert (tmp_path / "copy" / "HISTORY").exists()
    with Engine(str(tmp_path / "copy"), create_if_missing=False, history_retention_seconds=3600) as copy:
        assert [v for _, v in copy.items()] == [str(i).encode() for i in range(50)]
        assert copy.snapshot().sequence == last
        with copy.snapshot_at(10) as past:  # the copy reads its source's past too
            assert [v for _, v in copy.items(snapshot=past)] == [str(i).encode() for i in range(10)]
