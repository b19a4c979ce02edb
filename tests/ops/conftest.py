"""Fixtures of the operations tests (backup, restore, clone): real `orbitdb serve` processes and
the `orbitdb` command run as a child process, as an operator runs it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# the wire tests' helpers (ServerProcess) serve here too
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "wire"))

from ops_support import SMALL_ENGINE
from wire_support import ServerProcess


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
