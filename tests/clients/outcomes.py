"""What a suite run did, test by test (from pytest's JUnit XML), and the expected-failures file
it is held to: each failing test with the reason in a phrase; the list may only shrink."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


def read_junit(path: Path) -> dict[str, str]:
    """test id ("module.Class::name") -> passed / failed / skipped."""
    outcomes: dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        kinds = {child.tag for child in case}
        if "failure" in kinds or "error" in kinds:
            outcome = FAILED  # a teardown error after a pass is a failure too
        elif "skipped" in kinds:
            outcome = SKIPPED
        else:
            outcome = PASSED
        if outcomes.get(test_id) != FAILED:
            outcomes[test_id] = outcome
    return outcomes


def read_expected(path: Path) -> dict[str, str]:
    """test id -> reason, from lines `test id  # reason` (blank lines and `#` lines are comments)."""
    expected: dict[str, str] = {}
    if not path.exists():
        return expected
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        test_id, sep, reason = stripped.partition("  # ")
        if not sep or not reason.strip():
            raise ValueError(f"{path}:{number}: a listed test needs its reason: `test id  # reason`")
        expected[test_id.strip()] = reason.strip()
    return expected


def write_expected(path: Path, header: str, expected: dict[str, str]) -> None:
    lines = [f"# {line}" for line in header.splitlines()]
    lines += [f"{test_id}  # {reason}" for test_id, reason in sorted(expected.items())]
    path.write_text("\n".join(lines) + "\n")


@dataclass
class Verdict:
    outcomes: dict[str, str]
    expected: dict[str, str]
    unexpected_failures: list[str] = field(default_factory=list)
    now_passing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unexpected_failures and not self.now_passing

    def count(self, outcome: str) -> int:
        return sum(1 for value in self.outcomes.values() if value == outcome)

    def summary(self) -> str:
        return f"{self.count(PASSED)} passed, {self.count(FAILED)} failed, {self.count(SKIPPED)} skipped"

    def explain(self) -> str:
        parts = [self.summary()]
        if self.unexpected_failures:
            parts.append("failed but not in the expected-failures file:")
            parts += [f"  {test_id}" for test_id in self.unexpected_failures]
        if self.now_passing:
            parts.append("listed as expected to fail but passed (remove them from the file):")
            parts += [f"  {test_id}" for test_id in self.now_passing]
        return "\n".join(parts)


def judge(outcomes: dict[str, str], expected: dict[str, str]) -> Verdict:
    verdict = Verdict(outcomes, expected)
    for test_id, outcome in sorted(outcomes.items()):
        if outcome == FAILED and test_id not in expected:
            verdict.unexpected_failures.append(test_id)
        elif outcome == PASSED and test_id in expected:
            verdict.now_passing.append(test_id)
    return verdict
