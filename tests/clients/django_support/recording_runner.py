"""Django's test runner, recording each test's outcome as a JSON line in the file
$ORBITDB_DJANGO_OUTCOMES (written as the run goes, so a run cut short still tells what it did).
Loaded by the settings module tests/clients/django_suite.py writes; runs inside Django's
runtests.py, where Django is importable."""

from __future__ import annotations

import json
import os
import time
import traceback
import unittest
from typing import Any

from django.test.runner import DiscoverRunner

OUTCOMES_ENV = "ORBITDB_DJANGO_OUTCOMES"


def _test_id(test: Any) -> str:
    """`module.Class::method`, as pytest's JUnit names a test; a failing setUpClass and the like
    (unittest's _ErrorHolder) by its description."""
    parts = test.id().rsplit(".", 1)
    if len(parts) == 2 and hasattr(test, "_testMethodName"):
        return f"{parts[0]}::{parts[1]}"
    return str(test.id())


class RecordingResult(unittest.TextTestResult):
    def _record(self, test: Any, outcome: str, err: Any = None) -> None:
        record = {"test": _test_id(test), "outcome": outcome, "at": time.time()}
        if err is not None:  # the error's last line: what the expected-failures file's reason is written from
            record["error"] = "".join(traceback.format_exception_only(err[0], err[1])).strip()[-400:]
        with open(os.environ[OUTCOMES_ENV], "a") as out:
            out.write(json.dumps(record) + "\n")

    def addSuccess(self, test: Any) -> None:
        super().addSuccess(test)
        self._record(test, "passed")

    def addError(self, test: Any, err: Any) -> None:
        super().addError(test, err)
        self._record(test, "failed", err)

    def addFailure(self, test: Any, err: Any) -> None:
        super().addFailure(test, err)
        self._record(test, "failed", err)

    def addSubTest(self, test: Any, subtest: Any, err: Any) -> None:
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record(test, "failed", err)

    def addSkip(self, test: Any, reason: str) -> None:
        super().addSkip(test, reason)
        self._record(test, "skipped")

    def addExpectedFailure(self, test: Any, err: Any) -> None:
        super().addExpectedFailure(test, err)
        self._record(test, "skipped")  # as pytest reports an xfail

    def addUnexpectedSuccess(self, test: Any) -> None:
        super().addUnexpectedSuccess(test)
        self._record(test, "failed")


class RecordingRunner(DiscoverRunner):
    def get_resultclass(self) -> Any:
        if self.debug_sql or self.pdb:
            return super().get_resultclass()
        return RecordingResult
