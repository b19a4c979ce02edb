"""Fixtures of the operations tests (backup, restore, clone): real `orbitdb serve` processes and
the `orbitdb` command run as a child process, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# the wire tests' helpers (ServerProcess) serve here too
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "wire"))

from wire_support import ServerProcess

import orbitdb

# small memtables and tables: flushes and compactions run while a backup copies the directory
SMALL_ENGINE = """
[persistence.rocksdb]
write_buffer_size = 65536
target_file_size_base = 65536
max_bytes_for_level_base = 262144
"""


def orbitdb_command(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m orbitdb ARGS` with this tree first on the path."""
    root = os.path.dirname(os.path.dirname(orbitdb.__file__))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "orbitdb", *args], capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)


@pytest.fixture
def small_config(tmp_path: Path) -> Path:
    path = tmp_path / "orbit.toml"
    path.write_text(SMALL_ENGINE)
    return path


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """start_server(data_dir, config=None) -> a ready `orbitdb serve`; all are stopped (or killed)
    at the end of the test."""
    started: list[ServerProcess] = []

    def start(data_dir: Path, config: Path | None = None) -> ServerProcess:
        server = ServerProcess(data_dir, ["--config", str(config)] if config else None)
        started.append(server)
        return server.wait_ready()

    yield start
    for server in started:
        if server.proc.poll() is None:
            try:
                server.stop()
            except AssertionError:
                server.kill()
