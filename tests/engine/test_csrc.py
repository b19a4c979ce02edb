"""The C core's own tests (csrc/tests), built and run under AddressSanitizer and UBSan."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CSRC = Path(__file__).resolve().parents[2] / "csrc"


def test_c_tests_under_sanitizers() -> None:
    if os.environ.get("ORBITDB_SKIP_C_TESTS"):
        pytest.skip(f"ORBITDB_SKIP_C_TESTS={os.environ['ORBITDB_SKIP_C_TESTS']}")
    if not (CSRC / "Makefile").exists():
        pytest.skip(f"no C sources at {CSRC} (tests run outside a source checkout)")
    if shutil.which("make") is None:
        pytest.skip("`make` is not installed")
    cc = os.environ.get("CC", "cc")
    if shutil.which(cc) is None:
        pytest.skip(f"no C compiler ({cc!r} not found)")
    env = {k: v for k, v in os.environ.items() if k not in ("CFLAGS", "LDFLAGS")}  # keep the sanitizer flags
    proc = subprocess.run(
        ["make", "-C", str(CSRC), f"-j{os.cpu_count() or 1}", "test"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
    )
    output = (proc.stdout + proc.stderr)[-20000:]
    assert proc.returncode == 0, f"make -C csrc test exited {proc.returncode}:\n{output}"
    assert ": ok" in proc.stdout, output
