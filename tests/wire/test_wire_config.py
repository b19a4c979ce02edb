"""The TOML configuration and the command line: every key documented, the guide's examples valid,
mistakes reported clearly with exit status 2 before anything is opened."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from wire_support import ServerProcess

from orbitdb.cli import main
from orbitdb.config import ConfigError, load_config, parse_config, tomllib
from orbitdb.engine import KNOBS

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
GUIDE = [
    Path("/work/shared/seed/migration-guide.md"),
    Path(__file__).resolve().parents[3] / "shared/seed/migration-guide.md",
]


def _run(tmp_path: Path, text: str, *extra: str, capsys=None) -> int:
    config = tmp_path / "c.toml"
    config.write_text(text)
    return main(["serve", "--config", str(config), "--port", "0", "--data-dir", str(tmp_path / "d"), *extra])


def test_every_key_and_knob_is_documented():
    doc = DOC.read_text()
    keys = {
        "provider",
        "data_dir",
        "enable_tls",
        "cert_path",
        "key_path",
        "postgres_enabled",
        "postgres_bind_address",
        "postgres_port",
        "postgres_max_connections",
        "method",
        "users",
        "level",
        "max_memory",
        "port",
        "host",
    }
    for key in keys | set(KNOBS):
        assert f"| `{key}` |" in doc, f"{key} is not in the tables of docs/configuration.md"


def test_documented_example_is_valid():
    doc = DOC.read_text()
    for block in re.findall(r"```toml\n(.*?)```", doc, re.DOTALL):
        data = tomllib.loads(block)
        try:
            parse_config(data, "docs")
        except ConfigError as exc:
            assert "no such file" in str(exc)  # the example's certificate paths


def test_the_guides_toml_examples_are_valid():
    guide = next((p for p in GUIDE if p.exists()), None)
    if guide is None:
        pytest.skip("the migration guide is not available")
    blocks = re.findall(r"```toml\n(.*?)```", guide.read_text(), re.DOTALL)
    assert len(blocks) >= 5
    for block in blocks:
        try:
            parse_config(tomllib.loads(block), "guide")
        except ConfigError as exc:
            assert "no such file" in str(exc), exc  # /etc/orbit/tls/server.crt


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[persistence]\nprovider = "sled"\n', "provider"),
        ('[persistence]\ndatadir = "x"\n', "unknown key(s) in "),
        ("[persistence.rocksdb]\nwrite_buffer = 5\n", "write_buffer"),
        ('[persistence.rocksdb]\nwrite_buffer_size = "big"\n', "write_buffer_size"),
        ("[persistence.rocksdb]\nenable_wal = 1\n", "enable_wal"),
        ("[persistence.rocksdb]\nblock_cache_size = -1\n", "block_cache_size"),
        ('[persistence.rocksdb]\ncompression_type = "zstd"\n', "compression_type"),
        ("[protocols]\npostgres_port = 70000\n", "postgres_port"),
        ('[protocols]\npostgres_port = "5432"\n', "postgres_port"),
        ("[protocols]\npostgres_enabled = false\n", "postgres_enabled"),
        ('[auth]\nmethod = "password"\n', "method"),
        ('[auth]\nmethod = "md5"\n', "needs at least one user"),
        ('[auth]\nmethod = "md5"\n[auth.users]\norbit = 5\n', "users.orbit"),
        ("[security]\nenable_tls = true\n", "cert_path"),
        ('[logging]\nlevel = "loud"\n', "level"),
        ("[telemetry]\nport = 1\n", "unknown section"),
        ('[metrics]\nport = "1"\n', "[metrics].port must be an integer"),
        ("[firewall]\nallow = [5432]\n", "firewall"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_bad_configuration_exits_2_with_a_clear_message(tmp_path, capsys, text, message):
    assert _run(tmp_path, text) == 2
    err = capsys.readouterr().err
    assert "configuration error" in err and message in err, err
    assert not (tmp_path / "d").exists()  # nothing was opened or created


def test_missing_config_file_and_bad_flags(tmp_path, capsys):
    assert main(["serve", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "not found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["serve", "--port", "abc"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["serve", "--log-level", "loud"])
    assert info.value.code == 2


def test_bad_orbitdb_log_env_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ORBITDB_LOG", "chatty")
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path / "d")]) == 2
    assert "ORBITDB_LOG" in capsys.readouterr().err


def test_load_config_returns_values(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text(
        '[persistence]\nprovider = "RocksDB"\ndata_dir = "/srv/orbit"\n'
        "[persistence.rocksdb]\nwrite_buffer_size = 1048576\nenable_statistics = true\n"
        '[protocols]\npostgres_bind_address = "0.0.0.0"\npostgres_port = 5433\n'
        '[auth]\nmethod = "SCRAM-SHA-256"\n[auth.users]\norbit = "pw"\n'
        '[logging]\nlevel = "DEBUG"\n[firewall]\n'
    )
    config = load_config(str(path))
    assert (config.provider, config.data_dir, config.host, config.port) == (
        "rocksdb",
        "/srv/orbit",
        "0.0.0.0",
        5433,
    )
    assert config.engine == {"write_buffer_size": 1048576, "enable_statistics": True}
    assert (config.auth_method, config.users, config.log_level) == ("scram-sha-256", {"orbit": "pw"}, "debug")


def test_flags_override_the_file_and_log_levels(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(
        f'[persistence]\ndata_dir = "{tmp_path / "from_file"}"\n[protocols]\npostgres_port = 1\n'
        '[logging]\nlevel = "warning"\n'
    )
    server = ServerProcess(
        tmp_path / "from_flag", ["--config", str(config), "--port", "0", "--log-level", "debug"]
    )
    try:
        server.wait_ready()
        assert server.port != 1
        assert str(tmp_path / "from_flag" / "postgresql") in server.log()
        assert (tmp_path / "from_flag").exists()
    finally:
        server.stop()
    # ORBITDB_LOG applies when no flag is given and beats the file
    server = ServerProcess(tmp_path / "d2", ["--config", str(config)], env={"ORBITDB_LOG": "debug"})
    try:
        server.wait_ready()
        import psycopg2

        conn = psycopg2.connect(f"host=127.0.0.1 port={server.port} user=orbit dbname=actors")
        conn.cursor().execute("SELECT 1")
        conn.close()
        assert "statement: SELECT 1" in server.log()
    finally:
        server.stop()


def test_python_dash_m_orbitdb_help():
    out = subprocess.run(
        [sys.executable, "-m", "orbitdb", "serve", "--help"], check=False, capture_output=True, text=True
    )
    assert out.returncode == 0 and "--data-dir" in out.stdout and "--config" in out.stdout
