"""Fixtures of the isolation suite: a PostgreSQL 15 for the whole test session, and its
transcript of each spec, computed once and kept in memory."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backends import IsolationPgServer, PostgresBackend
from compat_harness import running
from runner import SpecRunner
from spec import Spec
from transcript import Transcript


@dataclass(frozen=True)
class Reference:
    """PostgreSQL's transcript of a spec, and where its steps waited for a lock."""

    transcript: Transcript
    waits: frozenset[tuple[int, int]]


@pytest.fixture(scope="session")
def isolation_pg() -> Iterator[IsolationPgServer]:
    yield from running(IsolationPgServer(), "the isolation suite")


@pytest.fixture(scope="session")
def reference(isolation_pg: IsolationPgServer) -> Callable[[Spec], Reference]:
    cache: dict[str, Reference] = {}

    def get(spec: Spec) -> Reference:
        if spec.name not in cache:
            runner = SpecRunner(PostgresBackend(isolation_pg), spec)
            transcript = runner.run()
            cache[spec.name] = Reference(transcript, frozenset(runner.waits_seen))
        return cache[spec.name]

    return get
