"""Shared fixtures of the orbitdb test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    """A directory path, not yet created, for one engine."""
    return os.fspath(tmp_path / "db")


def pytest_report_header() -> list[str]:
    try:
        import orbitdb
    except ImportError as exc:  # pragma: no cover - reported by the tests themselves
        return [f"orbitdb: not importable ({exc})"]
    return [f"orbitdb {orbitdb.__version__} from {os.path.dirname(orbitdb.__file__)}"]
