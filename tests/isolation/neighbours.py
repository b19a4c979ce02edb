"""Makes the helpers of the neighbouring suites importable: tests/compat (PgServer,
split_statements) and tests/wire (ServerProcess), whether run by pytest or by run.py."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parent.parent
for _suite in ("compat", "wire"):
    if str(_TESTS / _suite) not in sys.path:
        sys.path.insert(0, str(_TESTS / _suite))
