"""Fixtures of the differential compat suite: a throwaway PostgreSQL 15 for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from compat_harness import SESSION_SUMMARY as SUMMARY
from compat_harness import KnownGaps, PgOutcomes, PgServer, mismatch_categories, running


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """PostgreSQL 15 started from the local binaries (initdb into a temp dir, pg_ctl on a free port)."""
    yield from running(PgServer(), "the compat suite")


@pytest.fixture(scope="session")
def known_gaps() -> KnownGaps:
    return KnownGaps.load()


@pytest.fixture(scope="session")
def pg_outcomes(pg_server: PgServer) -> PgOutcomes:
    return PgOutcomes(pg_server)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not SUMMARY.files:
        return
    terminalreporter.section("orbitdb compat")
    for line in SUMMARY.breakdown():
        terminalreporter.write_line(line)
    for fr in SUMMARY.files:
        for ref in fr.stale_gaps:
            terminalreporter.write_line(f"stale known gap (now matches or does not exist): {ref}")
    categories = mismatch_categories(SUMMARY.files, top=15)
    if categories:
        terminalreporter.write_line("top mismatch categories (python tests/compat/run.py lists more):")
        for line in categories:
            terminalreporter.write_line(line)
    terminalreporter.write_line(SUMMARY.line())
