"""Lets `pytest benchmarks/ --benchmark-only` collect the bench_*.py files."""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    if file_path.suffix == ".py" and file_path.name.startswith("bench_"):
        if parent.session.isinitpath(file_path):
            return None  # named on the command line: pytest's own collector takes it (no duplicates)
        return pytest.Module.from_parent(parent, path=file_path)
    return None
