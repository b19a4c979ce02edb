"""Point-in-time recovery: `orbitdb restore FILE --data-dir D --as-of TIME` from a backup and the
WAL files a database archived (`wal_archive_dir`): against a model of what was committed when,
after a kill -9 of the writer, and each way it refuses (a target before the backup or beyond
the archive, a gap in the archive, damage)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ops_support import orbitdb_command

import orbitdb
from orbitdb.engine import Engine, InvalidArgumentError, checkpoint_directory, pitr_replay
from orbitdb.ops.backup import run_backup
from orbitdb.ops.errors import OpsError
from orbitdb.ops.pitr import parse_time, show_time
from orbitdb.ops.restore import run_restore

# small memtables: the model's writes fill several WAL files, each archived once it is flushed
KNOBS = {"write_buffer_size": 4096}
Model = dict[int, str]


def now_micros() -> int:
    return time.time_ns() // 1000


def rows(path: str, **knobs: object) -> Model:
    conn = orbitdb.connect(path, **knobs)
    try:
        cur = conn.cursor()
        cur.execute("select k, v from t order by k")
        return dict(cur.fetchall())
    finally:
        conn.close()


def archive_everything(path: str, archive: str) -> None:
    """Opens and closes the database: the open replays and archives every WAL file left."""
    orbitdb.connect(path, wal_archive_dir=archive, **KNOBS).close()


def restored(backup: str, target: Path, as_of: int, archive: str) -> Model:
    shutil.rmtree(target, ignore_errors=True)
    run_restore(backup, str(target), False, [], as_of, archive)
    return rows(str(target))


class History:
    """A database written with known commit times: (time between commits, state then)."""

    def __init__(self, tmp_path: Path, commits: int = 60) -> None:
        self.db = str(tmp_path / "db")
        self.archive = str(tmp_path / "archive")
        self.backup = str(tmp_path / "base.tar")
        self.points: list[tuple[int, Model]] = []  # a time after each commit, before the next
        rng = random.Random(16)
        model: Model = {}
        conn = orbitdb.connect(self.db, wal_archive_dir=self.archive, **KNOBS)
        cur = conn.cursor()
        cur.execute("create table t (k int primary key, v text)")
        conn.commit()
        for i in range(commits):
            k = rng.randrange(40)
            if k in model and rng.random() < 0.3:
                cur.execute("delete from t where k = %s", (k,))
                del model[k]
            else:
                value = f"{i}-" + "x" * rng.randrange(50, 300)
                cur.execute("insert into t values (%s, %s) on conflict (k) do update set v = excluded.v", (k, value))
                model[k] = value
            conn.commit()
            time.sleep(0.002)
            self.points.append((now_micros(), dict(model)))
            time.sleep(0.002)
            if i == commits // 3:
                run_backup(self.db, self.backup, None, None)  # live: the connection stays open
                self.backup_index = i
        # the last commit's WAL is archived only once a later one exists: one more, not in the model
        cur.execute("insert into t values (1000, 'after')")
        conn.commit()
        conn.close()
        archive_everything(self.db, self.archive)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return History(tmp_path_factory.mktemp("pitr"))


def test_restore_as_of_gives_the_model_state_at_each_time(history: History, tmp_path: Path) -> None:
    archived = os.listdir(os.path.join(history.archive, "db"))
    assert len(archived) >= 4, archived  # several WAL files were flushed and archived
    chosen = [history.backup_index, history.backup_index + 1, history.backup_index + 7, 40, len(history.points) - 1]
    for index in chosen:
        at, state = history.points[index]
        assert restored(history.backup, tmp_path / "r", at, history.archive) == state, index


def test_restore_as_of_on_the_command_line(history: History, tmp_path: Path) -> None:
    at, state = history.points[-5]
    target = tmp_path / "cli"
    done = orbitdb_command("restore", history.backup, "--data-dir", str(target), "--as-of", show_time(at),
                           "--wal-archive", history.archive)
    assert done.returncode == 0, done.stderr
    assert "replayed" in done.stdout and "archived WAL files" in done.stdout
    assert rows(str(target)) == state


def test_time_before_the_backup_is_refused(history: History, tmp_path: Path) -> None:
    at, _ = history.points[history.backup_index - 3]
    target = tmp_path / "early"
    done = orbitdb_command("restore", history.backup, "--data-dir", str(target), "--as-of", show_time(at),
                           "--wal-archive", history.archive)
    assert done.returncode == 1
    assert "before the backup's last commit" in done.stderr and "restore an earlier backup" in done.stderr
    assert not target.exists()  # nothing written on a refusal


def test_time_beyond_the_archive_is_refused_saying_how_far_it_reaches(history: History, tmp_path: Path) -> None:
    late = now_micros() + 3_600_000_000
    with pytest.raises(OpsError, match=r"beyond the end of the WAL archive .*: the archive reaches sequence \d+, "
                                       r"committed 20\d\d-"):
        run_restore(history.backup, str(tmp_path / "late"), False, [], late, history.archive)
    assert not (tmp_path / "late").exists()


def test_bad_time_and_missing_archive(history: History, tmp_path: Path) -> None:
    with pytest.raises(OpsError, match="is not a timestamp"):
        parse_time("yesterday")
    assert parse_time("1970-01-01 00:00:01.5") == 1_500_000  # UTC without an offset
    assert parse_time("1970-01-01T02:00:00+02:00") == 0
    done = orbitdb_command("restore", history.backup, "--data-dir", str(tmp_path / "x"), "--as-of",
                           show_time(history.points[-1][0]))
    assert done.returncode == 1 and "give --wal-archive DIR" in done.stderr
    with pytest.raises(OpsError, match="no WAL archive at"):
        run_restore(history.backup, str(tmp_path / "y"), False, [], history.points[-1][0], str(tmp_path / "none"))


def copy_archive(history: History, tmp_path: Path) -> tuple[str, list[str]]:
    root = tmp_path / "archive-copy"
    shutil.copytree(history.archive, root)
    files = sorted(os.listdir(root / "db"))
    return str(root), [str(root / "db" / f) for f in files]


def test_a_gap_in_the_archive_is_refused(history: History, tmp_path: Path) -> None:
    root, files = copy_archive(history, tmp_path)
    nonempty = [f for f in files if os.path.getsize(f) > 0]
    os.remove(nonempty[-2])  # one in the middle of what follows the backup
    with pytest.raises(OpsError, match="has a gap|does not continue the backup"):
        run_restore(history.backup, str(tmp_path / "gap"), False, [], history.points[-1][0], root)


def test_damaged_archived_wal_is_refused(history: History, tmp_path: Path) -> None:
    root, files = copy_archive(history, tmp_path)
    victim = [f for f in files if os.path.getsize(f) > 0][-2]
    with open(victim, "r+b") as f:
        f.seek(40)
        byte = f.read(1)
        f.seek(40)
        f.write(bytes([byte[0] ^ 0x55]))
    with pytest.raises(OpsError, match="archived WAL .*(checksum|offset)"):
        run_restore(history.backup, str(tmp_path / "bad"), False, [], history.points[-1][0], root)


def test_torn_tail_at_the_archive_end_is_accepted(history: History, tmp_path: Path) -> None:
    root, files = copy_archive(history, tmp_path)
    last = [f for f in files if os.path.getsize(f) > 0][-1]
    os.truncate(last, os.path.getsize(last) - 3)  # as a crash leaves the newest WAL
    # not corruption: the archive just ends before the torn group, and says where
    with pytest.raises(OpsError, match="beyond the end of the WAL archive .*: the archive reaches sequence"):
        run_restore(history.backup, str(tmp_path / "torn"), False, [], now_micros(), root)
    at, state = history.points[-2]
    assert restored(history.backup, tmp_path / "torn2", at, root) == state


WRITER = """
import sys, time
import orbitdb
conn = orbitdb.connect(sys.argv[1], wal_archive_dir=sys.argv[2], write_buffer_size=4096)
cur = conn.cursor()
i = 0
while True:
    cur.execute("insert into t values (%s, %s)", (i, "y" * 100))
    conn.commit()
    print(i, time.time_ns() // 1000, flush=True)
    i += 1
"""


def test_kill_9_of_a_writer_loses_nothing_acknowledged(tmp_path: Path) -> None:
    db, archive, backup = str(tmp_path / "db"), str(tmp_path / "archive"), str(tmp_path / "b.tar")
    conn = orbitdb.connect(db, wal_archive_dir=archive, **KNOBS)
    conn.cursor().execute("create table t (k int primary key, v text)")
    conn.commit()
    conn.close()
    run_backup(db, backup, None, None)
    root = os.path.dirname(os.path.dirname(orbitdb.__file__))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, db, archive], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    acked: list[tuple[int, int]] = []
    for line in proc.stdout:
        k, at = line.split()
        acked.append((int(k), int(at)))
        if len(acked) >= 150:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for line in proc.stdout:  # acknowledged before the kill landed
        k, at = line.split()
        acked.append((int(k), int(at)))
    proc.stdout.close()
    keys = {k for k, _ in acked}
    live = rows(db, wal_archive_dir=archive, **KNOBS)  # an open without the knob would delete the WAL
    assert keys <= set(live)
    # one later commit, so that the archive reaches past the last acknowledged one
    conn = orbitdb.connect(db, wal_archive_dir=archive, **KNOBS)
    conn.cursor().execute("insert into t values (-1, 'later')")
    conn.commit()
    conn.close()
    archive_everything(db, archive)
    state = restored(backup, tmp_path / "r", acked[-1][1], archive)
    # exactly the acknowledged commits: the next one began after the last acknowledgement
    assert set(state) == keys


def test_writes_without_commit_times_are_refused(tmp_path: Path) -> None:
    """WAL written before the archive was turned on has no commit times: a replay through it
    cannot tell what was committed by the target, and says so."""
    db, archive, base = str(tmp_path / "db"), str(tmp_path / "archive"), str(tmp_path / "base")
    with Engine(db) as e:
        e.put(b"a", b"1", sync=True)
    checkpoint_directory(db, base)
    with Engine(db) as e:
        e.put(b"b", b"2", sync=True)  # no archive: no commit time
    for _ in range(2):  # the first open archives the unstamped WAL, the second the stamped one
        with Engine(db, wal_archive_dir=archive) as e:
            e.put(b"c", b"3", sync=True)
    with pytest.raises(InvalidArgumentError, match="has no commit time"):
        pitr_replay(base, archive, now_micros())
