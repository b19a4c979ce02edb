"""The Cluster (a server's databases) without the wire: kill -9 in the middle of CREATE and DROP
DATABASE, connections arriving during a DROP, a damaged list of databases, engine knobs."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from orbitdb.sql.cluster.cluster import Cluster
from orbitdb.sql.errors import SqlError
from orbitdb.sql.utility.databases import NewDatabase

CHILD = Path(__file__).with_name("cluster_child.py")
TEMPLATE_ROWS = 3000


def _run(session, sql: str) -> list[tuple]:
    out = []
    for result in session.execute_simple(sql):
        out = list(result.rows)
    return out


def _make_template(data: Path) -> None:
    cluster = Cluster.open(str(data))
    try:
        admin = cluster.session("orbit", "actors")
        cluster.create_database(admin, NewDatabase(name="tpl", owner="orbit"))
        tpl = cluster.session("orbit", "tpl")
        _run(tpl, "CREATE TABLE t (id int PRIMARY KEY, pad text)")
        _run(tpl, f"INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, {TEMPLATE_ROWS}) g")
        tpl.close()
        admin.close()
    finally:
        cluster.close()


def _kill_after(data: Path, first: int, seconds: float) -> list[str]:
    """Runs the child for that long, kills it with SIGKILL; returns the lines it acknowledged."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, str(CHILD), str(data), str(first)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    out = b""
    deadline = time.monotonic() + 60
    while b"ready\n" not in out and time.monotonic() < deadline:  # started: the clock runs from here
        ready, _, _ = select.select([proc.stdout], [], [], 1.0)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            assert chunk, proc.stderr.read().decode() if proc.stderr else "child ended"
            out += chunk
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
    proc.send_signal(signal.SIGKILL)
    out += proc.stdout.read()
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode() if proc.stderr else ""
    return [line for line in out.decode().splitlines() if line != "ready"]


def _check(data: Path, created: set[str], dropped: set[str]) -> set[str]:
    """The state after a crash: every acknowledged CREATE there whole, every acknowledged DROP gone,
    no files but those of listed databases. Returns the names listed."""
    cluster = Cluster.open(str(data))
    try:
        names = {e.name for e in cluster.entries()}
        assert created - dropped <= names, f"acknowledged CREATE DATABASE lost: {sorted(created - dropped - names)}"
        assert not (dropped & names), f"acknowledged DROP DATABASE undone: {sorted(dropped & names)}"
        copies = sorted(n for n in names if n.startswith("db"))
        for name in copies:  # the one in flight, if listed, is whole too
            session = cluster.session("orbit", name)
            count = _run(session, "SELECT count(*) FROM pg_tables WHERE tablename = 't'")[0][0]
            if int(name[2:]) % 2:
                assert count == 1 and _run(session, "SELECT count(*) FROM t") == [(TEMPLATE_ROWS,)], name
            else:
                assert count == 0, name
            session.close()
        listed = {e.directory for e in cluster.entries() if e.directory and e.directory.startswith("databases")}
        on_disk = {os.path.join("databases", n) for n in os.listdir(data / "databases")}
        assert on_disk == listed
        return names
    finally:
        cluster.close()


def _crash_rounds(tmp_path: Path, rounds: int, seed: int) -> None:
    print(f"cluster crash test seed={seed}")
    rng = random.Random(seed)
    data = tmp_path / "data"
    _make_template(data)
    created: set[str] = set()
    dropped: set[str] = set()
    first = 1
    for _ in range(rounds):
        lines = _kill_after(data, first, rng.uniform(0.05, 1.0))
        for line in lines:
            verb, name = line.split()
            (created if verb == "created" else dropped).add(name)
        in_flight: set[str] = set()
        if lines and lines[-1].startswith("created") and int(lines[-1].split()[1][2:]) > first:
            in_flight.add(f"db{int(lines[-1].split()[1][2:]) - 1}")  # its DROP may or may not have happened
        names = _check(data, created - in_flight, dropped)
        dropped |= in_flight - names  # the crash came after its DROP was saved: it is gone for good
        first += 1000
    assert len(created) > rounds, "too few CREATE DATABASE were acknowledged for the test to mean anything"


def test_kill_9_during_create_and_drop_database(tmp_path: Path) -> None:
    _crash_rounds(tmp_path, rounds=6, seed=20251206)


@pytest.mark.slow
def test_kill_9_during_create_and_drop_database_many_rounds(tmp_path: Path) -> None:
    _crash_rounds(tmp_path, rounds=100, seed=random.SystemRandom().randrange(1 << 32))


def test_a_connection_during_drop_database_waits_and_then_finds_it_gone(tmp_path: Path) -> None:
    cluster = Cluster.open(str(tmp_path / "data"))
    try:
        admin = cluster.session("orbit", "actors")
        cluster.create_database(admin, NewDatabase(name="going", owner="orbit"))
        holder = cluster.session("orbit", "going")
        outcomes: dict[str, object] = {}

        def drop() -> None:
            cluster.drop_database(admin, "going", missing_ok=False, force=False)
            outcomes["drop"] = "done"

        def connect() -> None:
            try:
                cluster.session("orbit", "going")
                outcomes["connect"] = "connected"
            except SqlError as exc:
                outcomes["connect"] = (exc.sqlstate, exc.severity, exc.message)

        dropper = threading.Thread(target=drop)
        dropper.start()
        time.sleep(0.3)  # the DROP now waits for `holder` to leave
        connector = threading.Thread(target=connect)
        connector.start()
        time.sleep(0.3)
        assert "connect" not in outcomes  # waiting for the DROP, not connected to a dying database
        holder.close()
        dropper.join(10)
        connector.join(10)
        assert outcomes == {"drop": "done", "connect": ("3D000", "FATAL", 'database "going" does not exist')}
    finally:
        cluster.close()


def test_a_damaged_list_of_databases_stops_the_start_and_is_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Cluster.open(str(data)).close()
    (data / "databases.json").write_text('{"format": 1, "databases": [')
    with pytest.raises(SqlError) as info:
        Cluster.open(str(data))
    assert info.value.sqlstate == "XX001" and "databases.json" in info.value.message
    assert (data / "databases.json").read_text() == '{"format": 1, "databases": ['
    assert os.listdir(data / "postgresql")


def test_engine_knobs_apply_to_every_database(tmp_path: Path) -> None:
    """A small write buffer flushes table files early, compressed or not as compression_type says:
    in a database made by CREATE DATABASE too."""

    def table_bytes(knobs: dict[str, object], name: str) -> int:
        data = tmp_path / name
        cluster = Cluster.open(str(data), knobs)
        try:
            admin = cluster.session("orbit", "actors")
            cluster.create_database(admin, NewDatabase(name="knobbed", owner="orbit"))
            session = cluster.session("orbit", "knobbed")
            _run(session, "CREATE TABLE t (id int, pad text)")
            for i in range(10):
                _run(session, f"INSERT INTO t SELECT g, repeat('y', 500) FROM generate_series({i * 100}, "
                              f"{i * 100 + 99}) g")
            directory = cluster.directory_of("knobbed")
            assert directory is not None
            return sum(os.path.getsize(os.path.join(directory, f)) for f in os.listdir(directory) if f.endswith(".sst"))
        finally:
            cluster.close()

    plain = table_bytes({"write_buffer_size": 65536, "compression_type": "none"}, "plain")
    compressed = table_bytes({"write_buffer_size": 65536}, "lz4")
    assert plain > 250_000 and compressed > 0
    assert plain > 5 * compressed


def test_the_registry_is_replaced_whole(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cluster = Cluster.open(str(data))
    try:
        admin = cluster.session("orbit", "actors")
        cluster.create_database(admin, NewDatabase(name="a", owner="orbit"))
        cluster.rename_database(admin, "a", "b")
        saved = json.loads((data / "databases.json").read_text())
        assert [e["name"] for e in saved["databases"]] == ["template1", "template0", "postgres", "actors", "b"]
        assert not (data / "databases.json.tmp").exists()
    finally:
        cluster.close()
