"""Fills the `TODO say why` reasons of an expected-failures file from a run's JUnit XML: each test's
reason becomes the error it failed with, in a phrase (the SQLSTATE class and message orbitdb sent,
or the assertion that differed). For suites whose failures run into the thousands; a reason a
person writes by hand stays as it is.

    python tests/clients/explain_failures.py sqlalchemy /tmp/run/sqlalchemy-orbitdb.xml"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from outcomes import read_expected, write_expected
from run_suite import PENDING_REASON, expected_path
from suites import SUITES

_DRIVER_ERROR = re.compile(r"^(?:[\w.]+\.)?(\w+): \((?:[\w.]+\.)?(\w+)\) (.*)$")
_STAGE = re.compile(r'^failed on (setup|teardown) with "(.*)$')
_LONGEST = 110


def _phrase(message: str) -> str:
    """One line saying what went wrong, from a failure's message."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return "failed without a message"
    first = lines[0]
    stage = _STAGE.match(first)  # failed on setup with "...": the error of the fixture
    if stage:
        first = stage.group(2).rstrip('"')
    found = _DRIVER_ERROR.match(first)
    if found:  # sqlalchemy.exc.ProgrammingError: (psycopg2.errors.SyntaxError) syntax error at ...
        first = f"{found.group(2)}: {found.group(3)}"
    elif first.startswith("AssertionError"):
        first = "result differs: " + first.removeprefix("AssertionError:").strip()
    first = first.split("[SQL:")[0].strip()
    return first if len(first) <= _LONGEST else first[: _LONGEST - 3] + "..."


def failure_phrases(junit: Path) -> dict[str, str]:
    """test id -> the phrase of its first failure or error."""
    phrases: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        for child in case:
            if child.tag in ("failure", "error") and test_id not in phrases:
                phrases[test_id] = _phrase(child.get("message") or child.text or "")
    return phrases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument("junit", type=Path)
    args = parser.parse_args(argv)
    path = expected_path(SUITES[args.suite])
    header = "\n".join(line[2:] for line in path.read_text().splitlines() if line.startswith("# "))
    expected = read_expected(path)
    phrases = failure_phrases(args.junit)
    filled = 0
    for test_id, reason in expected.items():
        if reason == PENDING_REASON and test_id in phrases:
            expected[test_id] = phrases[test_id]
            filled += 1
    write_expected(path, header, expected)
    print(f"{path}: {filled} reasons filled, {sum(r == PENDING_REASON for r in expected.values())} left")
    return 0


if __name__ == "__main__":
    sys.exit(main())
