"""Fixtures of the wire-protocol tests (the helpers are in wire_support.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from reference_pg import reference_postgres
from wire_support import ExternalServer, ServerProcess


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_psql: needs PostgreSQL's client binaries")
    config.addinivalue_line(
        "markers", "orbitdb_only: checks orbitdb's own choices (skipped against a reference)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "orbitdb_only" in item.keywords and os.environ.get("ORBITDB_WIRE_REFERENCE"):
            item.add_marker(pytest.mark.skip(reason="orbitdb's own behaviour, not PostgreSQL's"))
        if "needs_psql" in item.keywords and shutil.which("psql") is None:
            item.add_marker(pytest.mark.skip(reason="psql is not installed"))


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator:
    """start_server(extra_args=None, env=None, data_dir=None) -> a ready ServerProcess; all are
    stopped at the end of the test."""
    started: list[ServerProcess] = []

    def start(
        extra_args: list[str] | None = None, env: dict[str, str] | None = None, data_dir: Path | None = None
    ) -> ServerProcess:
        server = ServerProcess(data_dir or tmp_path / "data", extra_args, env)
        started.append(server)
        return server.wait_ready()

    yield start
    for server in started:
        if server.proc.poll() is None:
            try:
                server.stop()
            except AssertionError:
                server.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One trust-auth server shared by a module's tests."""
    reference = os.environ.get("ORBITDB_WIRE_REFERENCE")
    if reference:
        yield ExternalServer(reference)
        return
    proc = ServerProcess(tmp_path_factory.mktemp("wire") / "data").wait_ready()
    yield proc
    if proc.proc.poll() is None:
        try:
            proc.stop()
        except AssertionError:
            proc.kill()


@pytest.fixture(scope="module")
def reference() -> Iterator[str]:
    """The DSN of a fresh PostgreSQL 15 to compare answers with (modules that need server options
    define their own)."""
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        yield dsn
