"""What `orbitdb restore` refuses (a damaged archive, a non-empty target, a missing or wrong
base), an incremental chain restored exactly, a backup killed with SIGKILL, and backups of an
embedded database directory."""

from __future__ import annotations

import fcntl
import hashlib
import os
import pty
import signal
import struct
import subprocess
import sys
import tarfile
import termios
import time
from pathlib import Path

from ops_support import orbitdb_command

import orbitdb
from orbitdb.ops.archive import read_manifest

STAGING_PREFIX = ".orbitdb-backup-"


def _make_db(path: Path, rows: int, start: int = 0) -> None:
    conn = orbitdb.connect(str(path))
    cur = conn.cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS t (a int PRIMARY KEY, b text)")
    cur.executemany("INSERT INTO t VALUES (%s, %s)", [(i, "v" * 200) for i in range(start, start + rows)])
    conn.commit()
    conn.close()


def _rows(path: Path) -> list[tuple[int, int]]:
    conn = orbitdb.connect(str(path))
    cur = conn.cursor()
    cur.execute("SELECT count(*), coalesce(sum(a), 0) FROM t")
    out = cur.fetchall()
    conn.close()
    return out


def _backup(src: Path, out: Path, *extra: str) -> None:
    result = orbitdb_command("backup", "--data-dir", str(src), "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr


def _restore(archive: Path, target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return orbitdb_command("restore", str(archive), "--data-dir", str(target), *extra)


def _member_offset(archive: Path, suffix: str) -> tuple[str, int]:
    with tarfile.open(archive) as tar:
        for m in tar.getmembers():
            if m.name.endswith(suffix) and m.size > 100:
                return m.name.removeprefix("data/"), m.offset_data + m.size // 2
    raise AssertionError(f"no {suffix} member")


def test_damaged_archive_is_refused_naming_the_file(tmp_path: Path) -> None:
    _make_db(tmp_path / "db", 500)
    _make_db(tmp_path / "db", 500, start=500)  # the first rows are in a table (recovery at open), these in the WAL
    archive = tmp_path / "b.tar"
    _backup(tmp_path / "db", archive)
    for suffix in (".sst", ".log", ".json"):
        damaged = tmp_path / f"damaged{suffix}.tar"
        data = bytearray(archive.read_bytes())
        name, offset = _member_offset(archive, suffix)
        data[offset] ^= 0x01
        damaged.write_bytes(bytes(data))
        result = _restore(damaged, tmp_path / "target")
        assert result.returncode == 1
        if suffix == ".json":  # the manifest itself
            assert f"{damaged}: its manifest orbitdb-backup.json is damaged" in result.stderr
        else:
            assert f"{damaged}: {name} is damaged" in result.stderr
        assert not (tmp_path / "target").exists()  # nothing written
    assert _restore(archive, tmp_path / "target").returncode == 0
    assert _rows(tmp_path / "target") == _rows(tmp_path / "db")


def test_non_empty_target_is_refused_unless_forced(tmp_path: Path) -> None:
    _make_db(tmp_path / "db", 100)
    _backup(tmp_path / "db", tmp_path / "b.tar")
    target = tmp_path / "target"
    _make_db(target, 7, start=1000)
    result = _restore(tmp_path / "b.tar", target)
    assert result.returncode == 1 and "is not empty" in result.stderr
    assert _rows(target) == [(7, sum(range(1000, 1007)))]
    assert _restore(tmp_path / "b.tar", target, "--force").returncode == 0
    assert _rows(target) == [(100, sum(range(100)))]


def test_incremental_chain_restores_exactly_and_needs_its_bases(tmp_path: Path) -> None:
    db = tmp_path / "db"
    knobs_config = tmp_path / "c.toml"
    knobs_config.write_text("")
    _make_db(db, 2000)
    _backup(db, tmp_path / "full.tar")
    _make_db(db, 2000, start=2000)
    _backup(db, tmp_path / "incr1.tar", "--incremental-from", str(tmp_path / "full.tar"))
    conn = orbitdb.connect(str(db))
    conn.cursor().execute("DELETE FROM t WHERE a < 100")
    conn.commit()
    conn.close()
    _backup(db, tmp_path / "incr2.tar", "--incremental-from", str(tmp_path / "incr1.tar"))

    manifests = {n: read_manifest(str(tmp_path / n)) for n in ("full.tar", "incr1.tar", "incr2.tar")}
    inherited = [f for f in manifests["incr2.tar"]["files"] if f["archive"] != manifests["incr2.tar"]["id"]]
    assert inherited, "the second incremental stores every table again"
    assert all(f["name"].endswith(".sst") for f in inherited)

    expected = _rows(db)
    assert _restore(tmp_path / "incr2.tar", tmp_path / "r2").returncode == 0
    assert _rows(tmp_path / "r2") == expected == [(3900, sum(range(100, 4000)))]
    assert _restore(tmp_path / "incr1.tar", tmp_path / "r1").returncode == 0
    assert _rows(tmp_path / "r1") == [(4000, sum(range(4000)))]

    # the base moved away: refused, naming it; given with --base: restored
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    os.rename(tmp_path / "full.tar", moved / "full.tar")
    result = _restore(tmp_path / "incr2.tar", tmp_path / "r3")
    assert result.returncode == 1 and "full.tar" in result.stderr and "--base" in result.stderr
    assert not (tmp_path / "r3").exists()
    assert _restore(tmp_path / "incr2.tar", tmp_path / "r3", "--base", str(moved / "full.tar")).returncode == 0
    assert _rows(tmp_path / "r3") == expected

    # another backup under the base's name: refused (ids differ)
    _backup(db, tmp_path / "full.tar")
    result = _restore(tmp_path / "incr2.tar", tmp_path / "r4")
    assert result.returncode == 1 and "is not the base of" in result.stderr


def _tree_digest(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*")) if p.is_file()
    }


def test_backup_killed_with_sigkill_leaves_the_source_untouched(tmp_path: Path) -> None:
    db = tmp_path / "db"
    _make_db(db, 20000)
    before = _tree_digest(db)
    root = os.path.dirname(os.path.dirname(orbitdb.__file__))
    env = dict(os.environ, PYTHONPATH=root)
    proc = subprocess.Popen([sys.executable, "-m", "orbitdb", "backup", "--data-dir", str(db), "--out",
                             str(tmp_path / "b.tar")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(n.startswith(STAGING_PREFIX) for n in os.listdir(tmp_path)) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _tree_digest(db) == before  # not a byte of the source changed
    assert not (tmp_path / "b.tar").exists()
    assert _rows(db) == [(20000, sum(range(20000)))]
    # the next backup removes what the killed one left
    _backup(db, tmp_path / "b2.tar")
    assert not any(n.startswith(STAGING_PREFIX) for n in os.listdir(tmp_path))
    assert _restore(tmp_path / "b2.tar", tmp_path / "r").returncode == 0
    assert _rows(tmp_path / "r") == [(20000, sum(range(20000)))]


def test_embedded_database_with_its_roles(tmp_path: Path) -> None:
    db = tmp_path / "db"
    _make_db(db, 10)
    conn = orbitdb.connect(str(db))
    conn.cursor().execute("CREATE ROLE reader")
    conn.commit()
    conn.close()
    _backup(db, tmp_path / "b.tar")
    assert _restore(tmp_path / "b.tar", tmp_path / "r").returncode == 0
    assert (tmp_path / "r" / "roles.json").read_text() == (db / "roles.json").read_text()
    conn = orbitdb.connect(str(tmp_path / "r"))
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'reader'")
    assert cur.fetchall() == [(1,)]
    conn.close()


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    _make_db(tmp_path / "db", 50)
    quiet = orbitdb_command("backup", "--data-dir", str(tmp_path / "db"), "--out", str(tmp_path / "q.tar"))
    assert quiet.returncode == 0 and quiet.stderr == ""
    root = os.path.dirname(os.path.dirname(orbitdb.__file__))
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # a terminal 80 columns wide
    proc = subprocess.Popen([sys.executable, "-m", "orbitdb", "backup", "--data-dir", str(tmp_path / "db"), "--out",
                             str(tmp_path / "t.tar")], env=dict(os.environ, PYTHONPATH=root),
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    assert proc.wait() == 0
    assert b"backup" in drawn and b"\r" in drawn  # tqdm's bar, redrawn in place
