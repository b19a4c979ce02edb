"""`orbitdb stats`: from a data directory's files (read-only) and from a running server's engines."""

from __future__ import annotations

import json
from pathlib import Path

from ops_support import flush, listing, make_database, orbitdb_command
from wire_support import ServerProcess, free_port


def test_stats_of_a_stopped_directory_text_and_json(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    make_database(path, ["create table t (id int primary key, name text)", "create index t_name on t (name)",
                         "insert into t select g, 'n' || g from generate_series(1, 1234) g",
                         "create table e (x int)"])
    flush(path)
    make_database(path, ["insert into e values (1), (2)"])  # these stay in the WAL
    before = listing(path)
    result = orbitdb_command("stats", "--data-dir", path, "--json")
    assert result.returncode == 0, result.stderr
    (db,) = json.loads(result.stdout)
    assert db["database"] == "db"
    tables = {t["table"]: t for t in db["tables"]}
    assert tables["t"]["rows"] == 1234 and tables["t"]["bytes"] > 1234 * 8 and tables["t"]["index_bytes"] > 0
    assert tables["e"]["rows"] == 2 and tables["e"]["index_bytes"] == 0
    engine = db["engine"]
    assert engine["source"] == "files" and engine["table_files"] >= 1 and engine["table_bytes"] > 0
    assert sum(lv["files"] for lv in engine["levels"]) == engine["table_files"]
    assert engine["wal_bytes_not_in_tables"] > 0 and engine["counters"] == {}
    text = orbitdb_command("stats", "--data-dir", path)
    assert text.returncode == 0
    assert "public.t" in text.stdout and "1,234" in text.stdout and "only in the process" in text.stdout
    assert listing(path) == before


def test_stats_of_a_running_server_have_live_counters(tmp_path: Path) -> None:
    config = tmp_path / "orbitdb.toml"
    config.write_text("[persistence.rocksdb]\nenable_statistics = true\nwrite_buffer_size = 65536\n")
    server = ServerProcess(tmp_path / "data", extra_args=["--config", str(config)]).wait_ready()
    try:
        server.psql("-c", "create table k (a int primary key, b text); "
                          "insert into k select g, repeat('x', 50) from generate_series(1, 3000) g")
        server.psql("-c", "select count(*) from k where a < 100")
        result = orbitdb_command("stats", "--host", server.host, "--port", str(server.port), "-d", "actors", "--json")
        assert result.returncode == 0, result.stderr
        (db,) = json.loads(result.stdout)
        engine = db["engine"]
        assert engine["source"] == "live" and engine["statistics_enabled"]
        counters = engine["counters"]
        assert counters["keys_written"] >= 3000 and engine["table_files"] >= 1
        assert counters["block_cache_hit"] + counters["block_cache_miss"] > 0  # the select read table blocks
        assert 0.0 <= engine["derived"]["block_cache_hit_rate"] <= 1.0
        assert {t["table"]: t["rows"] for t in db["tables"]} == {"k": 3000}
        text = orbitdb_command("stats", "--host", server.host, "--port", str(server.port), "-d", "actors")
        assert "write amplification" in text.stdout and "public.k" in text.stdout
        # psql users ask the same functions
        rows = server.psql("-At", "-c", "select value from json_each(orbitdb_engine_stats()) "
                                        "where key = 'statistics_enabled'").stdout.strip()
        assert rows == "true"
    finally:
        server.stop()


def test_stats_usage_and_unreachable_server(tmp_path: Path) -> None:
    assert orbitdb_command("stats", "--data-dir", str(tmp_path), "--port", "1").returncode == 2
    assert orbitdb_command("stats", "--data-dir", str(tmp_path / "absent")).returncode == 2
    refused = orbitdb_command("stats", "--host", "127.0.0.1", "--port", str(free_port()))
    assert refused.returncode == 1 and "orbitdb stats:" in refused.stderr and "Traceback" not in refused.stderr
