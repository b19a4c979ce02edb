"""The server's Prometheus endpoint ([metrics] port), scraped over HTTP while a real `orbitdb
serve` is driven with psycopg: every counter moves by what the client did."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2
import pytest
from wire_support import free_port, needs_psycopg3, psycopg

import orbitdb
from orbitdb.cli import main

pytest.importorskip("prometheus_client")
from prometheus_client.parser import text_string_to_metric_families

PASSWORD = "metrics-Pw1"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "orbit.toml"
    path.write_text(body)
    return path


def _start(start_server, tmp_path: Path, extra: str = "", statistics: bool = True) -> tuple[object, int]:
    port = free_port()
    body = f"[metrics]\nport = {port}\n{extra}"
    if statistics:
        body += "[persistence.rocksdb]\nenable_statistics = true\n"
    server = start_server(["--config", str(_config(tmp_path, body))])
    assert f"metrics on http://127.0.0.1:{port}/metrics" in server.log()
    return server, port


def scrape(port: int) -> Samples:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def _wait_no_connections(port: int) -> Samples:
    """A scrape once the server has seen every client go (disconnection is asynchronous)."""
    deadline = time.monotonic() + 10
    while True:
        samples = scrape(port)
        if value(samples, "orbitdb_connections_current") == 0 or time.monotonic() > deadline:
            return samples
        time.sleep(0.05)


@needs_psycopg3
def test_counters_move_by_what_the_client_did(start_server, tmp_path):
    server, port = _start(start_server, tmp_path)
    before = scrape(port)
    db = {"database": "actors"}
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        during = scrape(port)
        assert value(during, "orbitdb_connections_current") == 1
        assert delta(before, during, "orbitdb_connections_total") == 1
        conn.execute("CREATE TABLE m (id int PRIMARY KEY, v text)")
        conn.execute("INSERT INTO m VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        conn.execute("UPDATE m SET v = 'z' WHERE id = %s", [2])  # the extended protocol
        conn.execute("DELETE FROM m WHERE id = 3")
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT * FROM nope")
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("SELECT 1 / 0")
        conn.execute("BEGIN")
        conn.execute("INSERT INTO m VALUES (9, 'rolled back')")
        conn.execute("ROLLBACK")
        conn.execute("CHECKPOINT")  # the memtable flushed: the next read goes to a table file
        assert conn.execute("SELECT id, v FROM m ORDER BY id").fetchall() == [(1, "a"), (2, "z")]
    after = _wait_no_connections(port)
    assert value(after, "orbitdb_connections_current") == 0
    assert delta(before, after, "orbitdb_connections_total") == 1
    assert delta(before, after, "orbitdb_connections_refused_total") == 0
    for command, n in {"CREATE TABLE": 1, "INSERT": 2, "UPDATE": 1, "DELETE": 1, "SELECT": 1, "BEGIN": 1,
                       "ROLLBACK": 1, "CHECKPOINT": 1}.items():
        assert delta(before, after, "orbitdb_queries_total", command=command) == n, command
    assert delta(before, after, "orbitdb_errors_total", sqlstate_class="42") == 1
    assert delta(before, after, "orbitdb_errors_total", sqlstate_class="22") == 1
    assert delta(before, after, "orbitdb_serialization_failures_total") == 0
    # the statements that completed, each once in the histogram
    assert delta(before, after, "orbitdb_statement_duration_seconds_count") == 9
    assert delta(before, after, "orbitdb_statement_duration_seconds_bucket", le="+Inf") == 9
    assert delta(before, after, "orbitdb_statement_duration_seconds_sum") > 0
    # CREATE, INSERT, UPDATE, DELETE, CHECKPOINT, SELECT committed; two failed statements and the block rolled back
    assert delta(before, after, "orbitdb_commits_total", **db) == 6
    assert delta(before, after, "orbitdb_rollbacks_total", **db) == 3
    assert delta(before, after, "orbitdb_transactions_total", **db) == 9
    assert delta(before, after, "orbitdb_rows_inserted_total", **db) == 4  # a rolled-back insert counts
    assert delta(before, after, "orbitdb_rows_updated_total", **db) == 1
    assert delta(before, after, "orbitdb_rows_deleted_total", **db) == 1
    # the engine's own counters
    assert value(after, "orbitdb_engine_statistics_enabled", **db) == 1
    assert delta(before, after, "orbitdb_engine_wal_syncs_total", **db) >= 4  # each committed write is synced
    assert delta(before, after, "orbitdb_engine_written_bytes_total", **db) > 0
    assert delta(before, after, "orbitdb_engine_wal_written_bytes_total", **db) > 0
    assert delta(before, after, "orbitdb_engine_flushes_total", **db) == 1
    assert delta(before, after, "orbitdb_engine_flush_written_bytes_total", **db) > 0
    blocks = sum(delta(before, after, f"orbitdb_engine_block_cache_{kind}_total", **db) for kind in ("hits", "misses"))
    assert blocks > 0
    assert ("orbitdb_engine_write_stall_seconds_total", frozenset(db.items())) in after
    assert value(after, "process_resident_memory_bytes") > 0


@needs_psycopg3
def test_serialization_failures_are_counted(start_server, tmp_path):
    server, port = _start(start_server, tmp_path)
    with psycopg.connect(server.dsn, autocommit=True) as setup:
        setup.execute("CREATE TABLE s (id int PRIMARY KEY, v int)")
        setup.execute("INSERT INTO s VALUES (1, 0)")
    before = scrape(port)
    with psycopg.connect(server.dsn, autocommit=True) as first, psycopg.connect(server.dsn, autocommit=True) as other:
        first.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        assert first.execute("SELECT v FROM s WHERE id = 1").fetchone() == (0,)
        other.execute("UPDATE s SET v = 1 WHERE id = 1")
        with pytest.raises(psycopg.errors.SerializationFailure):
            first.execute("UPDATE s SET v = 2 WHERE id = 1")
        first.execute("ROLLBACK")
    after = _wait_no_connections(port)
    assert delta(before, after, "orbitdb_serialization_failures_total") == 1
    assert delta(before, after, "orbitdb_errors_total", sqlstate_class="40") == 1
    assert delta(before, after, "orbitdb_connections_total") == 2
    assert delta(before, after, "orbitdb_rollbacks_total", database="actors") == 1
    assert delta(before, after, "orbitdb_commits_total", database="actors") == 1


def test_refused_connections_and_failed_logins(start_server, tmp_path):
    extra = (f'[auth]\nmethod = "scram-sha-256"\n[auth.users]\norbit = "{PASSWORD}"\n'
             "[protocols]\npostgres_max_connections = 1\n")
    server, port = _start(start_server, tmp_path, extra)
    before = scrape(port)
    kept = psycopg2.connect(server.dsn, password=PASSWORD)
    with pytest.raises(psycopg2.OperationalError, match="too many clients"):
        psycopg2.connect(server.dsn, password=PASSWORD)
    kept.close()
    middle = _wait_no_connections(port)
    assert delta(before, middle, "orbitdb_connections_refused_total") == 1
    assert delta(before, middle, "orbitdb_errors_total", sqlstate_class="53") == 1
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(server.dsn, password="wrong")
    after = _wait_no_connections(port)
    assert delta(middle, after, "orbitdb_authentication_failures_total") == 1
    assert delta(middle, after, "orbitdb_errors_total", sqlstate_class="28") == 1
    assert delta(before, after, "orbitdb_connections_total") == 1  # only the one that got a session


def test_without_engine_statistics_the_engine_counters_are_left_out(start_server, tmp_path):
    server, port = _start(start_server, tmp_path, statistics=False)
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = True
    conn.cursor().execute("CREATE TABLE q (id int)")
    conn.close()
    samples = _wait_no_connections(port)
    assert value(samples, "orbitdb_engine_statistics_enabled", database="actors") == 0
    assert not any(name.startswith("orbitdb_engine_") and name != "orbitdb_engine_statistics_enabled"
                   for name, _ in samples)
    assert value(samples, "orbitdb_commits_total", database="actors") >= 1  # the SQL layer's counters stay


@pytest.mark.parametrize(("body", "message"), [
    ('[metrics]\nport = "9187"\n', "[metrics].port must be an integer"),
    ("[metrics]\nport = 70000\n", "[metrics].port must be between 0 and 65535"),
    ('[metrics]\nhost = "127.0.0.1"\n', "[metrics] needs port"),
    ('[metrics]\nport = 9187\npath = "/m"\n', "unknown key(s) in"),
    ('[metrics]\nport = 9187\nhost = ""\n', "[metrics].host must not be empty"),
])
def test_metrics_settings_are_checked(tmp_path, capsys, body, message):
    config = _config(tmp_path, body)
    assert main(["serve", "--config", str(config), "--port", "0", "--data-dir", str(tmp_path / "d")]) == 2
    assert message in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "d")


def test_missing_prometheus_client_is_a_startup_error(tmp_path, capsys, monkeypatch):
    import orbitdb.ops.metrics

    monkeypatch.setattr(orbitdb.ops.metrics, "prometheus_available", lambda: False)
    config = _config(tmp_path, "[metrics]\nport = 9187\n")
    assert main(["serve", "--config", str(config), "--port", "0", "--data-dir", str(tmp_path / "d")]) == 2
    assert "pip install 'orbitdb[metrics]'" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "d")


def test_metrics_port_in_use_stops_the_server(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = _config(tmp_path, f"[metrics]\nport = {port}\n")
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(orbitdb.__file__)))
        done = subprocess.run(
            [sys.executable, "-m", "orbitdb", "serve", "--config", str(config), "--port", "0", "--data-dir",
             str(tmp_path / "d")], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 1
    assert f"could not serve metrics on 127.0.0.1:{port}" in done.stderr


def test_flushes_and_compactions_are_counted(start_server, tmp_path):
    server, port = _start(start_server, tmp_path, "[persistence.rocksdb]\nlevel0_file_num_compaction_trigger = 2\n"
                          "enable_statistics = true\n", statistics=False)
    db = {"database": "actors"}
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE TABLE c (id int PRIMARY KEY, v text)")
    before = scrape(port)
    for batch in range(2):  # two level-0 files: the trigger compacts them into level 1
        cur.execute("INSERT INTO c SELECT g, md5(g::text) || md5((-g)::text) FROM generate_series(%s, %s) g",
                    [batch * 1000 + 1, batch * 1000 + 1000])
        cur.execute("CHECKPOINT")
    conn.close()
    deadline = time.monotonic() + 20
    while True:  # compactions run in the background
        after = scrape(port)
        if delta(before, after, "orbitdb_engine_compactions_total", **db) >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert delta(before, after, "orbitdb_engine_flushes_total", **db) == 2
    assert delta(before, after, "orbitdb_engine_compactions_total", **db) >= 1
    flushed = delta(before, after, "orbitdb_engine_flush_written_bytes_total", **db)
    assert flushed > 2000 * 64 / 2  # 2,000 rows of 64 hexadecimal digits, compressed
    # what a compaction reads and writes depends on the engine's choices (files moved whole are not)
    assert delta(before, after, "orbitdb_engine_compaction_read_bytes_total", **db) > 0
    assert delta(before, after, "orbitdb_engine_compaction_written_bytes_total", **db) > 0
    assert delta(before, after, "orbitdb_rows_inserted_total", **db) == 2000
