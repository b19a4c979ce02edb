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
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from ops_support import Writers, check_ledger, dsn_of, make_ledger, orbitdb_command

import orbitdb
from orbitdb.ops.archive import read_manifest


def run_backup(*args: str) -> str:
    result = orbitdb_command("backup", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_hot_backup_and_incremental_restore_hold_one_commit(tmp_path: Path, start_server, small_config) -> None:
    server = start_server(tmp_path / "data", small_config)
    make_ledger(dsn_of(server))
    with psycopg.connect(dsn_of(server), autocommit=True) as conn:
        conn.execute("CREATE DATABASE second")
    with psycopg.connect(dsn_of(server, "second"), autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int)")
        conn.execute("INSERT INTO t SELECT generate_series(1, 100)")
    bounds = []
    with Writers(dsn_of(server)) as writers:
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
        n = check_ledger(dsn_of(restored))
        assert low <= n <= high, (name, low, n, high)
        with psycopg.connect(dsn_of(restored, "second"), autocommit=True) as conn:
            assert conn.execute("SELECT count(*), sum(a) FROM t").fetchone() == (100, 5050)
        restored.stop()


def test_backup_keeps_the_config_and_restores_it(tmp_path: Path, start_server, small_config) -> None:
    server = start_server(tmp_path / "data", small_config)
    make_ledger(dsn_of(server))
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
    assert check_ledger(dsn_of(start_server(tmp_path / "r", tmp_path / "r.toml"))) == 0


@pytest.mark.parametrize("args", [["backup", "--data-dir", "x"], ["restore"], ["clone", "only-one"]])
def test_bad_command_lines_exit_2(args: list[str]) -> None:
    assert orbitdb_command(*args).returncode == 2


def test_backup_killed_during_a_live_load_leaves_the_server_and_its_data_whole(
    tmp_path: Path, start_server, small_config
) -> None:
    server = start_server(tmp_path / "data", small_config)
    make_ledger(dsn_of(server))
    root = os.path.dirname(os.path.dirname(orbitdb.__file__))
    with Writers(dsn_of(server)) as writers:
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
    assert check_ledger(dsn_of(server)) == writers.committed >= committed_before_stop
    server.stop()
    assert check_ledger(dsn_of(start_server(tmp_path / "data"))) == writers.committed  # reopened: every commit
