"""Engine.close() in one thread while others read, write and scan: every call either completes or
raises EngineClosedError, and the process never crashes (the binding never uses the C handle
after close() freed it). Runs in a child process so that a crash fails the test instead of
killing pytest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("close_race_child.py")
ROUNDS = 30
THREADS = 10


def test_close_while_threads_use_the_engine(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONFAULTHANDLER="1")
    proc = subprocess.run([sys.executable, str(CHILD), str(tmp_path), str(ROUNDS), str(THREADS)],
                          check=False, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, f"child exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr[-4000:]}"
    rounds = proc.stdout.splitlines()
    assert len(rounds) == ROUNDS
    for line in rounds:
        # every worker ended by the engine refusing it, with a message that says why
        assert f"'closed': {THREADS}" in line, line
        assert "unclear" not in line, line
