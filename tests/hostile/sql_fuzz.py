"""Runs generated statements embedded (orbitdb in a child process, as the compat harness runs it)
and over the wire (a capped `orbitdb serve`), each with a statement_timeout, and keeps the
figures: crashes (a process that died, or an error that is not a PEP 249 error / ErrorResponse
with a SQLSTATE), hangs (no answer long after the timeout), XX000 answers with their statement,
and peak RSS."""

from __future__ import annotations

import re
import resource
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from capped_server import MEMORY_CAP, start_capped, stop_hard
from compat_harness import OrbitProcessSide
from wire_client import Client, Closed, Hang

STATEMENT_TIMEOUT_MS = 2000
HANG_DEADLINE = 10.0  # seconds: five times the statement_timeout
SQLSTATE = re.compile(r"^[0-9A-Z]{5}$")


@dataclass
class SideFigures:
    side: str
    statements: int = 0
    succeeded: int = 0
    sqlstates: Counter[str] = field(default_factory=Counter)
    internal_errors: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    restarts: int = 0
    examples: dict[str, tuple[int, str]] = field(default_factory=dict)  # bug message -> (count, statement)
    baseline_rss: int = 0
    peak_rss: int = 0
    seconds: float = 0.0

    def error(self, sql: str, sqlstate: str | None, message: str) -> None:
        if sqlstate is None or not SQLSTATE.match(sqlstate):
            self.crash(f"error without a SQLSTATE: {message}", sql)
            return
        self.sqlstates[sqlstate] += 1
        if sqlstate == "XX000":
            self.internal_errors.append(f"{message[:160]} <- {sql[:300]}")
            self._example(message, sql)

    def crash(self, message: str, sql: str) -> None:
        self.crashes.append(f"{message[:300]} <- {sql[:300]}")
        self._example(message, sql)

    def _example(self, message: str, sql: str) -> None:
        """Bugs grouped by their message (digits blanked), with the shortest statement that hit it."""
        key = re.sub(r"\d+", "#", message)[:120]
        count, example = self.examples.get(key, (0, sql))
        self.examples[key] = (count + 1, min(example, sql, key=len))

    def bug_lines(self, top: int = 12) -> list[str]:
        ranked = sorted(self.examples.items(), key=lambda item: -item[1][0])[:top]
        return [f"{count}x {message} <- {example[:200]}" for message, (count, example) in ranked]

    def summary(self) -> str:
        mib = 1 << 20
        return (
            f"{self.side}: {self.statements} statements in {self.seconds:.0f}s, {self.succeeded} succeeded, "
            f"crashes {len(self.crashes)}, hangs {len(self.hangs)}, XX000 {len(self.internal_errors)}, "
            f"restarts {self.restarts}, peak RSS {self.peak_rss // mib} MiB (baseline {self.baseline_rss // mib} "
            f"MiB); top SQLSTATEs {self.sqlstates.most_common(8)}"
        )


def _rss(pid: int) -> int:
    try:
        return psutil.Process(pid).memory_info().rss
    except psutil.Error:
        return 0


class EmbeddedSide:
    """orbitdb.connect() in a child process (tests/compat's OrbitProcessSide), capped as the
    server is, with the statement_timeout set again after every restart."""

    def __init__(self, data_dir: Path) -> None:
        self.side = OrbitProcessSide(str(data_dir), timeout=HANG_DEADLINE)
        self.restarts = -1
        self._prepare()

    def _prepare(self) -> None:
        if self.side.restarts == self.restarts or self.side.proc is None:
            return
        self.restarts = self.side.restarts
        resource.prlimit(self.side.proc.pid, resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
        self.side.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")

    @property
    def pid(self) -> int:
        return self.side.proc.pid if self.side.proc is not None else 0

    def run(self, sql: str, figures: SideFigures) -> None:
        self._prepare()
        outcome = self.side.execute(sql)
        figures.statements += 1
        if outcome.crashed:
            if outcome.message.startswith("timed out"):
                figures.hangs.append(f"{outcome.message[:200]} <- {sql[:300]}")
            else:
                figures.crash(outcome.message, sql)
        elif outcome.ok:
            figures.succeeded += 1
        else:
            figures.error(sql, outcome.sqlstate, outcome.message)
        figures.restarts = max(self.side.restarts, 0)

    def close(self) -> None:
        self.side.close()


class WireSide:
    """A capped `orbitdb serve`, restarted on its data directory when a statement kills or
    wedges it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.server: Any = None
        self.client: Client | None = None
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        self.server = start_capped(self.data_dir)
        self.client = None

    def _restart(self) -> None:
        stop_hard(self.server)
        self.restarts += 1
        self._start()

    @property
    def pid(self) -> int:
        return self.server.proc.pid

    def _connection(self) -> Client:
        if self.client is None:
            self.client = Client(
                self.server.host,
                self.server.port,
                {"options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"},
            )
        return self.client

    def run(self, sql: str, figures: SideFigures) -> None:
        figures.statements += 1
        try:
            out = self._connection().run(sql, deadline=HANG_DEADLINE)
        except Hang:
            figures.hangs.append(f"no answer within {HANG_DEADLINE}s <- {sql[:300]}")
            self._restart()
        except Closed as exc:
            self.client = None
            if self.server.proc.poll() is not None:
                figures.crash(f"the server died: {self.server.log()[-300:]}", sql)
                self._restart()
            elif exc.fatal is not None:
                figures.error(sql, exc.fatal.get("C"), "FATAL " + exc.fatal.get("M", ""))
            else:
                figures.crash("connection closed without an error", sql)
        else:
            if out.error is None:
                figures.succeeded += 1
            else:
                figures.error(sql, out.error.get("C"), out.error.get("M", ""))
        figures.restarts = self.restarts

    def close(self) -> None:
        stop_hard(self.server)


def run_side(
    side: EmbeddedSide | WireSide, name: str, setup: list[str], statements: Callable[[], list[str]]
) -> SideFigures:
    """The corpus's schema first (its failures do not count), then the generated statements."""
    scratch = SideFigures(name + " (setup)")
    for sql in setup:
        side.run(sql, scratch)
    figures = SideFigures(name, baseline_rss=_rss(side.pid))
    figures.peak_rss = figures.baseline_rss
    done = threading.Event()

    def sample() -> None:  # follows the process across restarts
        while not done.wait(0.05):
            figures.peak_rss = max(figures.peak_rss, _rss(side.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    try:
        for sql in statements():
            side.run(sql, figures)
    finally:
        done.set()
        sampler.join()
    figures.seconds = time.monotonic() - started
    return figures
