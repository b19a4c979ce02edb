"""Fixtures of the concurrency and crash tests: a fresh `orbitdb serve` per test, and one
PostgreSQL 15 for the session that shows the tests themselves are right."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# the wire tests' helpers (ServerProcess, the reference PostgreSQL) serve here too
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "wire"))

from reference_pg import reference_postgres
from wire_support import REAL_SQL, ServerProcess


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("PostgreSQL 15 cannot be started here")
        yield dsn


@pytest.fixture
def start_orbit_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """start_orbit_server(data_dir=None) -> a ready `orbitdb serve`; all are stopped (or killed)
    at the end of the test."""
    if not REAL_SQL:
        pytest.skip("needs the real SQL layer")
    started: list[ServerProcess] = []

    def start(data_dir: Path | None = None) -> ServerProcess:
        server = ServerProcess(data_dir or tmp_path / "data")
        started.append(server)
        return server.wait_ready()

    yield start
    for server in started:
        if server.proc.poll() is None:
            try:
                server.stop()
            except AssertionError:
                server.kill()
