"""Fixtures of the hostile-client suite: a fresh memory-capped `orbitdb serve` per test (a case
that wrecks its server must not spoil the next), a watch (RSS and a canary) on it, and a
reference PostgreSQL 15 for the cases whose error is PostgreSQL's."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(TESTS / "wire"), str(TESTS / "compat")]  # pgproto, wire_support; compat_harness

from capped_server import start_capped, stop_hard
from fuzz_report import REPORTS
from reference_pg import reference_postgres
from watch import Watch
from wire_support import ServerProcess


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """start_server(extra_args=None, env=None, config="", data_dir=None) -> a capped, ready server
    (config: TOML for its configuration file); all are killed at the end of the test."""
    started: list[ServerProcess] = []

    def start(
        extra_args: list[str] | None = None,
        env: dict[str, str] | None = None,
        config: str = "",
        data_dir: Path | None = None,
    ) -> ServerProcess:
        server = start_capped(data_dir or tmp_path / f"data{len(started)}", extra_args, env, config)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_hard(server)


@pytest.fixture
def server(start_server: Callable[..., ServerProcess]) -> ServerProcess:
    return start_server()


@pytest.fixture
def watch(server: ServerProcess) -> Iterator[Watch]:
    """A Watch on `server`, not yet started (the test starts it once its own setup is done)."""
    w = Watch(server)
    yield w
    w.close()


@pytest.fixture(scope="session")
def reference_dsn() -> Iterator[str]:
    """A PostgreSQL 15 to check what PostgreSQL answers (skips the comparison where absent)."""
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("PostgreSQL 15 could not be started here")
        yield dsn


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not REPORTS:
        return
    terminalreporter.section("hostile-client figures")
    for line in REPORTS:
        terminalreporter.write_line(line)
