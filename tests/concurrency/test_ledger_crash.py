"""SIGKILL at random moments while clients commit ledger transfers with durable commits; after each
restart every acknowledged transfer is there whole, no transfer is half there, the total is
unchanged. Embedded (the ledger in a child process) and over the wire (`orbitdb serve` as a child).

Clients either read then write under REPEATABLE READ (retrying 40001) or apply relative updates
under READ COMMITTED (which must lose nothing to concurrency either)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from ledger_crash import CrashLedger, run_embedded_rounds, run_server_rounds
from ledger_workload import READ_COMMITTED_RELATIVE, REPEATABLE_READ_READ_WRITE, Shape, Style

RUNNERS: dict[str, Callable[[Path, CrashLedger, int, random.Random], list[str]]] = {
    "embedded": run_embedded_rounds,
    "server": run_server_rounds,
}

STYLES: dict[str, Style] = {"repeatable-read": REPEATABLE_READ_READ_WRITE, "read-committed": READ_COMMITTED_RELATIVE}


def _crash_rounds(tmp_path: Path, runner: str, rounds: int, seed: int, style: Style = REPEATABLE_READ_READ_WRITE
                  ) -> None:
    ledger = CrashLedger(Shape(accounts=10), style, clients=3, seed=seed)
    problems = RUNNERS[runner](tmp_path, ledger, rounds, random.Random(seed))
    print(f"{runner}: {ledger.figures()}")
    assert not problems, ledger.figures() + "\n" + "\n".join(problems)
    assert ledger.rounds == rounds
    assert ledger.acknowledged, "no round acknowledged a transfer: the test proved nothing"


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_ledger_survives_sigkill(tmp_path: Path, runner: str, style: str) -> None:
    _crash_rounds(tmp_path, runner, rounds=10, seed=20, style=STYLES[style])


@pytest.mark.slow
@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_ledger_survives_sigkill_long(tmp_path: Path, runner: str, style: str) -> None:
    _crash_rounds(tmp_path, runner, rounds=1000, seed=1000, style=STYLES[style])
