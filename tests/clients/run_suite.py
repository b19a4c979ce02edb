"""Runs a driver's own test suite against a fresh `orbitdb serve` (and, to compare, a fresh
PostgreSQL 15) and holds the orbitdb run to tests/clients/expected/<suite>.txt.

    python tests/clients/run_suite.py psycopg2                # the fast subset, orbitdb only
    python tests/clients/run_suite.py psycopg2 --full --against both
    python tests/clients/run_suite.py psycopg2 --full --update-expected

Exit status 1 when a test not in the expected-failures file fails, or a listed one passes."""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from endpoints import ORBITDB, POSTGRES, Endpoint, endpoint
from outcomes import Verdict, judge, read_expected, read_junit, write_expected
from sdist import unpacked_sdist
from suites import SUITES, Suite

EXPECTED_DIR = Path(__file__).resolve().parent / "expected"
PENDING_REASON = "TODO say why"


def expected_path(suite: Suite) -> Path:
    return EXPECTED_DIR / f"{suite.name}.txt"


def run_pytest(suite: Suite, target: Endpoint, full: bool, workdir: Path, extra: list[str]) -> dict[str, str]:
    root = unpacked_sdist(suite.package, suite.version)
    junit = workdir / f"{suite.name}-{target.kind}.xml"
    python = [sys.executable, "-P"] if suite.safe_path else [sys.executable]
    command = [*python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rN", f"--junitxml={junit}"]
    if importlib.util.find_spec("pytest_timeout") is not None:
        command += [f"--timeout={suite.seconds_per_test}"]
    command += suite.arguments(target) + list(suite.full if full else suite.fast) + extra
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # the suite imports the installed driver, never its sdist's sources
    env.update(suite.environment(target))  # (a suite may set its own, for a plugin of tests/clients)
    log = workdir / f"{suite.name}-{target.kind}.log"
    with open(log, "w") as out:
        subprocess.run(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                       timeout=suite.seconds_in_all, check=False)
    if not junit.exists():
        raise RuntimeError(f"{suite.name} against {target.kind} wrote no results; see {log}")
    return read_junit(junit)


def run_against(suite: Suite, kind: str, full: bool, workdir: Path, extra: list[str]) -> dict[str, str]:
    with endpoint(kind, workdir / f"orbitdb-server-{suite.name}.log") as target:
        if suite.runner is not None:
            return suite.runner(suite, unpacked_sdist(suite.package, suite.version), target, full, workdir, extra)
        return run_pytest(suite, target, full, workdir, extra)


def check_suite(suite: Suite, full: bool, workdir: Path, extra: list[str] | None = None) -> Verdict:
    """The orbitdb run judged against the expected-failures file."""
    outcomes = run_against(suite, ORBITDB, full, workdir, extra or [])
    return judge(outcomes, read_expected(expected_path(suite)))


def update_expected(suite: Suite, verdict: Verdict) -> None:
    """Lists the new failures (with a reason to be filled in) and drops the tests that now pass."""
    expected = dict(verdict.expected)
    for test_id in verdict.now_passing:
        expected.pop(test_id, None)
    for test_id in verdict.unexpected_failures:
        expected[test_id] = PENDING_REASON
    header = (
        f"{suite.name} {suite.version} (its sdist's own tests) against orbitdb serve: the tests that fail,\n"
        "each with the reason. tests/clients/run_suite.py fails when another test fails or one of these passes."
    )
    write_expected(expected_path(suite), header, expected)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument("--full", action="store_true", help="the whole suite, not the fast subset")
    parser.add_argument("--against", choices=[ORBITDB, POSTGRES, "both"], default=ORBITDB)
    parser.add_argument("--update-expected", action="store_true")
    parser.add_argument("--workdir", type=Path, help="keep JUnit files and logs here")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    args = parser.parse_args(argv)
    suite = SUITES[args.suite]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix=f"suite-{suite.name}-"))
    workdir.mkdir(parents=True, exist_ok=True)
    status = 0
    if args.against in (POSTGRES, "both"):
        outcomes = run_against(suite, POSTGRES, args.full, workdir, args.pytest_args)
        counts = judge(outcomes, {})
        print(f"{suite.name} {suite.version} against PostgreSQL 15: {counts.summary()}")
    if args.against in (ORBITDB, "both"):
        verdict = check_suite(suite, args.full, workdir, args.pytest_args)
        print(f"{suite.name} {suite.version} against orbitdb: {verdict.summary()}")
        if args.update_expected:
            update_expected(suite, verdict)
            print(f"updated {expected_path(suite)}")
        elif not verdict.ok:
            print(verdict.explain())
            status = 1
    print(f"logs and JUnit files: {workdir}")
    return status


if __name__ == "__main__":
    sys.exit(main())
