"""Django's own test suite (its sdist's tests/runtests.py, not pytest) against an endpoint: a
settings module that points the aliases `default` and `other` at it, Django's runner with a
result class that records each test's outcome (django_support/recording_runner.py), and the
reading of those outcomes in the `module.Class::method -> passed/failed/skipped` form the other
suites' JUnit files give."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from endpoints import Endpoint
from outcomes import FAILED

if TYPE_CHECKING:
    from suites import Suite

SUPPORT_DIR = Path(__file__).resolve().parent / "django_support"
SETTINGS_MODULE = "orbitdb_suite_settings"
OUTCOMES_ENV = "ORBITDB_DJANGO_OUTCOMES"  # recording_runner.py reads it
BACKEND = "postgresql_c_collations"  # Django's postgresql backend, see django_support/postgresql_c_collations


def settings_text(target: Endpoint) -> str:
    """Django's test settings (as its tests/test_sqlite.py has them) for the postgresql backend.
    Each alias gets a test database of its own, which Django creates and drops."""
    def alias(test_name: str) -> dict[str, object]:
        return {"ENGINE": BACKEND, "NAME": target.dbname, "USER": target.user,
                "PASSWORD": target.password, "HOST": target.host, "PORT": target.port,
                "TEST": {"NAME": test_name}}

    databases = {"default": alias("test_django_default"), "other": alias("test_django_other")}
    return "\n".join([
        f"DATABASES = {databases!r}",
        'SECRET_KEY = "django_tests_secret_key"',
        'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]',
        'DEFAULT_AUTO_FIELD = "django.db.models.AutoField"',
        "USE_TZ = False",
        'TEST_RUNNER = "recording_runner.RecordingRunner"',
        "",
    ])


def read_outcomes(path: Path) -> dict[str, str]:
    """test id -> passed / failed / skipped; a test with any failure (a subtest, teardown) failed."""
    outcomes: dict[str, str] = {}
    if not path.exists():
        return outcomes
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if outcomes.get(record["test"]) != FAILED:
            outcomes[record["test"]] = record["outcome"]
    return outcomes


def run_django(suite: Suite, root: Path, target: Endpoint, full: bool, workdir: Path,
               extra: list[str]) -> dict[str, str]:
    """Runs runtests.py of the sdist at root over the suite's labels; extra: more runtests.py
    arguments (labels given there replace the suite's)."""
    settings_dir = workdir / f"django-settings-{target.kind}"
    settings_dir.mkdir(parents=True, exist_ok=True)
    (settings_dir / f"{SETTINGS_MODULE}.py").write_text(settings_text(target))
    results = workdir / f"{suite.name}-{target.kind}.jsonl"
    results.unlink(missing_ok=True)
    labels = [a for a in extra if not a.startswith("-")] or list(suite.full if full else suite.fast)
    options = [a for a in extra if a.startswith("-")]
    command = [sys.executable, "runtests.py", f"--settings={SETTINGS_MODULE}", "--parallel=1", "--noinput",
               *options, *labels]
    env = dict(os.environ)
    env.update(suite.environment(target))
    # Django from the same sdist as its tests; the settings and the recording runner beside it
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(settings_dir), str(SUPPORT_DIR)])
    env[OUTCOMES_ENV] = str(results)
    log = workdir / f"{suite.name}-{target.kind}.log"
    with open(log, "w") as out:
        try:
            subprocess.run(command, cwd=root / "tests", env=env, stdout=out, stderr=subprocess.STDOUT,
                           timeout=suite.seconds_in_all, check=False)
        except subprocess.TimeoutExpired:
            out.write(f"\n(stopped after {suite.seconds_in_all} s)\n")
    outcomes = read_outcomes(results)
    if not outcomes:
        raise RuntimeError(f"{suite.name} against {target.kind} recorded no test; see {log}")
    return outcomes
