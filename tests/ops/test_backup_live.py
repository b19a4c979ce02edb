"""`orbitdb backup` of a real server while psycopg writers commit transfers, and `orbitdb restore`
of the archives: a copy at one commit keeps every invariant of the ledger.

Each transfer is one transaction: it takes the next number from `seq`, moves an amount between
two accounts and records it in `ledger` under that number. So in a copy at one commit the
balances sum to the start, `ledger` holds exactly the numbers 1..seq.n with no gap, every
balance is what replaying the ledger gives, and seq.n is the number of transfers committed,
between those acknowledged before the backup began and those acknowledged when it ended."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from conftest import orbitdb_command

import orbitdb
from orbitdb.ops.archive import read_manifest

ACCOUNTS = 20
START = 1000
WRITERS = 3
RETRY = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected, psycopg.errors.LockNotAvailable)


def _dsn(server: object, database: str = "actors") -> str:
    return f"host={server.host} port={server.port} user=orbit dbname={database}"  # type: ignore[attr-defined]


def make_ledger(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)")
        conn.execute("CREATE TABLE seq (id int PRIMARY KEY, n int NOT NULL)")
        conn.execute("CREATE TABLE ledger (n int PRIMARY KEY, src int, dst int, amount int, note text)")
        conn.execute("INSERT INTO seq VALUES (1, 0)")
        conn.execute("INSERT INTO accounts SELECT g, %s FROM generate_series(1, %s) g", (START, ACCOUNTS))


class Writers:
    """Threads committing transfers until stopped; `committed` counts acknowledged commits."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.committed = 0
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(WRITERS)]

    def __enter__(self) -> Writers:  # noqa: PYI034 - a final test helper
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join()
        assert not self.errors, self.errors

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        try:
            with psycopg.connect(self.dsn) as conn:
                while not self._stop.is_set():
                    a, b = rng.sample(range(1, ACCOUNTS + 1), 2)
                    amount = rng.randint(1, 50)
                    try:
                        with conn.transaction():
                            n = conn.execute("UPDATE seq SET n = n + 1 WHERE id = 1 RETURNING n").fetchone()[0]
                            conn.execute("UPDATE accounts SET balance = balance - %s WHERE id = %s", (amount, a))
                            conn.execute("UPDATE accounts SET balance = balance + %s WHERE id = %s", (amount, b))
                            conn.execute("INSERT INTO ledger VALUES (%s, %s, %s, %s, %s)",
                                         (n, a, b, amount, "x" * rng.randint(10, 300)))
                    except RETRY:
                        continue
                    with self._lock:
                        self.committed += 1
        except BaseException as exc:  # noqa: BLE001 - reported by __exit__
            self.errors.append(exc)


def check_ledger(dsn: str) -> int:
    """Asserts every invariant; returns the number of committed transfers the copy holds."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        n = conn.execute("SELECT n FROM seq").fetchone()[0]
        numbers = [r[0] for r in conn.execute("SELECT n FROM ledger ORDER BY n")]
        assert numbers == list(range(1, n + 1)), "ledger numbers are not exactly 1..seq.n"
        balances = dict(conn.execute("SELECT id, balance FROM accounts").fetchall())
        assert sum(balances.values()) == ACCOUNTS * START
        replay = dict.fromkeys(range(1, ACCOUNTS + 1), START)
        for src, dst, amount in conn.execute("SELECT src, dst, amount FROM ledger"):
            replay[src] -= amount
            replay[dst] += amount
        assert balances == replay, "balances are not what the ledger says"
        return n


def run_backup(*args: str) -> str:
    result = orbitdb_command("backup", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_hot_backup_and_incremental_restore_hold_one_commit(tmp_path: Path, start_server, small_config) -> None:
    server = start_server(tmp_path / "data", small_config)
    make_ledger(_dsn(server))
    with psycopg.connect(_dsn(server), autocommit=True) as conn:
        conn.execute("CREATE DATABASE second")
    with psycopg.connect(_dsn(server, "second"), autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int)")
        conn.execute("INSERT INTO t SELECT generate_series(1, 100)")
    bounds = []
    with Writers(_dsn(server)) as writers:
        for name, extra in (("full.tar", []), ("incr.tar", ["--incremental-from", str(tmp_path / "full.tar")])):
            time.sleep(1.0)  # let transfers pile up (and tables flush and compact) between backups
            before = writers.committed
            report = run_backup("--data-dir", str(tmp_path / "data"), "--out", str(tmp_path / name),
                                "--config", str(small_config), *extra)
            assert "2 database(s)" in report
            bounds.append((before, writers.committed))
    assert bounds[1][0] > 0
    server.stop()
    for name, (low, high) in zip(("full.tar", "incr.tar"), bounds):
        target = tmp_path / f"restored-{name}"
        result = orbitdb_command("restore", str(tmp_path / name), "--data-dir", str(target))
        assert result.returncode == 0, result.stderr
        restored = start_server(target)
        n = check_ledger(_dsn(restored))
        assert low <= n <= high, (name, low, n, high)
        with psycopg.connect(_dsn(restored, "second"), autocommit=True) as conn:
            assert conn.execute("SELECT count(*), sum(a) FROM t").fetchone() == (100, 5050)
        restored.stop()


def test_backup_keeps_the_config_and_restores_it(tmp_path: Path, start_server, small_config) -> None:
    server = start_server(tmp_path / "data", small_config)
    make_ledger(_dsn(server))
    run_backup("--data-dir", str(tmp_path / "data"), "--out", str(tmp_path / "b.tar"), "--config", str(small_config))
    server.stop()
    result = orbitdb_command("restore", str(tmp_path / "b.tar"), "--data-dir", str(tmp_path / "r"),
                             "--config-out", str(tmp_path / "r.toml"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.toml").read_text() == small_config.read_text()
    manifest = read_manifest(str(tmp_path / "b.tar"))
    assert manifest["format"] == 1 and manifest["kind"] == "server" and manifest["created"].endswith("Z")
    assert [d["path"] for d in manifest["databases"]] == ["postgresql"]
    assert manifest["databases"][0]["last_sequence"] > 0
    for f in manifest["files"]:  # the restored files are byte for byte what the manifest lists
        data = (tmp_path / "r" / f["name"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (f["size"], f["sha256"])
    assert {f["name"] for f in manifest["files"]} >= {"databases.json", "postgresql/CURRENT"}
    assert check_ledger(_dsn(start_server(tmp_path / "r", tmp_path / "r.toml"))) == 0


@pytest.mark.parametrize("args", [["backup", "--data-dir", "x"], ["restore"], ["clone", "only-one"]])
def test_bad_command_lines_exit_2(args: list[str]) -> None:
    assert orbitdb_command(*args).returncode == 2


def test_backup_killed_during_a_live_load_leaves_the_server_and_its_data_whole(
    tmp_path: Path, start_server, small_config
) -> None:
    server = start_server(tmp_path / "data", small_config)
    make_ledger(_dsn(server))
    root = os.path.dirname(os.path.dirname(orbitdb.__file__))
    with Writers(_dsn(server)) as writers:
        while writers.committed < 100:
            time.sleep(0.01)
        proc = subprocess.Popen([sys.executable, "-m", "orbitdb", "backup", "--data-dir", str(tmp_path / "data"),
                                 "--out", str(tmp_path / "b.tar")], env=dict(os.environ, PYTHONPATH=root),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not any(n.startswith(".orbitdb-backup-") for n in os.listdir(tmp_path)) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        committed_before_stop = writers.committed
    assert not (tmp_path / "b.tar").exists()
    assert check_ledger(_dsn(server)) == writers.committed >= committed_before_stop
    server.stop()
    assert check_ledger(_dsn(start_server(tmp_path / "data"))) == writers.committed  # reopened: every commit
