"""The drivers' own test suites against a real `orbitdb serve`: the fast subset of each in the
default run, the whole suite under `-m slow`. Each is held to its expected-failures file."""

from __future__ import annotations

from pathlib import Path

import pytest
from outcomes import FAILED, PASSED, judge, read_expected
from run_suite import PENDING_REASON, check_suite, expected_path
from suites import SUITES

NAMES = sorted(SUITES)


# every driver's fast subset runs by default (about two and a half minutes together on a quiet
# machine); the full suites are run_suite.py --full
DEFAULT_RUN = ("alembic", "asyncpg", "django", "psycopg2", "sqlalchemy")


@pytest.mark.parametrize("name", [n if n in DEFAULT_RUN else pytest.param(n, marks=pytest.mark.slow) for n in NAMES])
def test_fast_subset(name: str, tmp_path: Path) -> None:
    verdict = check_suite(SUITES[name], full=False, workdir=tmp_path)
    assert verdict.count(PASSED) > 0, verdict.summary()
    assert verdict.ok, verdict.explain()


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_whole_suite(name: str, tmp_path: Path) -> None:
    verdict = check_suite(SUITES[name], full=True, workdir=tmp_path)
    assert verdict.ok, verdict.explain()


@pytest.mark.parametrize("name", NAMES)
def test_every_expected_failure_says_why(name: str) -> None:
    for test_id, reason in read_expected(expected_path(SUITES[name])).items():
        assert reason != PENDING_REASON, f"{test_id}: the expected-failures file gives no reason"


def test_judge_holds_the_list_to_shrinking() -> None:
    verdict = judge({"a::x": FAILED, "a::y": PASSED, "a::z": FAILED}, {"a::y": "reason", "a::z": "reason"})
    assert verdict.unexpected_failures == ["a::x"]
    assert verdict.now_passing == ["a::y"]
    assert not verdict.ok
