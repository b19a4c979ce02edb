"""What every hostile case watches while its statement runs: the server's RSS (sampled), and a
canary client on its own connection that must keep getting `SELECT 1` answered."""

from __future__ import annotations

import threading
import time
from typing import Any

import psutil
from wire_client import Client, Closed, Hang

CANARY_BOUND = 1.0  # seconds a canary's `SELECT 1` (or a new connection) may wait for its answer
CANARY_PAUSE = 0.05
NEW_CONNECTION_EVERY = 10  # every tenth canary probe is a fresh connection: accept must not stall
MiB = 1 << 20
SETTLE_SLACK = 64 * MiB  # how far above its baseline an idle server's RSS may stay after a case


class RssWatch:
    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.baseline = self.process.memory_info().rss
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            self._stop.wait(self.interval)

    def now(self) -> int:
        rss = self.process.memory_info().rss
        self.peak = max(self.peak, rss)
        return rss

    @property
    def growth(self) -> int:
        return self.peak - self.baseline

    def settle(self, slack: int = SETTLE_SLACK, within: float = 5.0) -> int:
        """The RSS once it is back within slack of the baseline, or the last sample after
        `within` seconds (idle memory should be given back, not kept)."""
        deadline = time.monotonic() + within
        rss = self.now()
        while rss > self.baseline + slack and time.monotonic() < deadline:
            time.sleep(0.1)
            rss = self.now()
        return rss

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


class Canary:
    """A bystander session probing `SELECT 1` until stopped; each probe must be answered within
    CANARY_BOUND. The first stall is recorded and ends the canary (its connection is then
    mid-answer)."""

    def __init__(self, host: str, port: int, bound: float = CANARY_BOUND) -> None:
        self.host, self.port, self.bound = host, port, bound
        self.client = Client(host, port, deadline=10)
        # the function library and the catalogs load at their first use: loaded before the
        # baseline is taken, as in a server that has been running a while
        self.client.run("SELECT count(*) FROM pg_catalog.pg_class WHERE relname = lower('x')")
        self.answers = 0
        self.slowest = 0.0
        self.problems: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._probe_loop, daemon=True)
        self._thread.start()

    def _probe_loop(self) -> None:
        started = time.monotonic()
        probe = 0
        while not self._stop.is_set():
            probe += 1
            at = time.monotonic() - started
            fresh = probe % NEW_CONNECTION_EVERY == 0
            what = "a new connection" if fresh else "SELECT 1"
            try:
                if fresh:
                    Client(self.host, self.port, deadline=self.bound).close()
                else:
                    out = self.client.run("SELECT 1", deadline=self.bound)
                    if out.first_rows != [("1",)]:
                        self.problems.append(f"canary SELECT 1 answered {out.first_rows} {out.error}")
                        return
            except Hang:
                self.problems.append(f"canary: {what} not answered within {self.bound}s (at {at:.1f}s)")
                return
            except (Closed, OSError) as exc:
                self.problems.append(f"canary: connection lost at {at:.1f}s: {exc}")
                return
            self.answers += 1
            self.slowest = max(self.slowest, time.monotonic() - started - at)
            self._stop.wait(CANARY_PAUSE)

    def stop(self) -> list[str]:
        """Stops probing; the problems seen (empty when every probe was answered in time)."""
        self._stop.set()
        self._thread.join(self.bound + 5)
        if not self.problems and self.answers == 0:
            self.problems.append("canary: no probe was answered")
        try:
            self.client.close()
        except OSError:
            pass
        return self.problems


class Watch:
    """RSS sampling plus a canary, from start() to finish()."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.rss: RssWatch | None = None
        self.canary: Canary | None = None
        self.canary_problems: list[str] = []

    def start(self) -> Watch:
        self.canary = Canary(self.server.host, self.server.port)
        time.sleep(0.2)  # the canary's session exists before the baseline is taken
        self.rss = RssWatch(self.server.proc.pid)
        return self

    def finish(self) -> None:
        if self.canary is not None:
            self.canary_problems = self.canary.stop()
            self.canary = None

    def close(self) -> None:
        self.finish()
        if self.rss is not None:
            self.rss.stop()

    def check(self, peak_growth: int, settle_slack: int = SETTLE_SLACK) -> None:
        """Asserts the server is up, the canary was answered in time throughout, the RSS peak
        stayed within peak_growth of the baseline and the idle RSS came back near it."""
        self.finish()
        assert self.rss is not None
        assert self.server.proc.poll() is None, "the server died:\n" + self.server.log()[-3000:]
        problems = list(self.canary_problems)
        settled = self.rss.settle(settle_slack)
        if self.rss.growth > peak_growth:
            problems.append(
                f"server RSS peaked {self.rss.growth // MiB} MiB above its baseline of "
                f"{self.rss.baseline // MiB} MiB (bound {peak_growth // MiB} MiB)"
            )
        if settled > self.rss.baseline + settle_slack:
            problems.append(
                f"idle server RSS stayed {(settled - self.rss.baseline) // MiB} MiB above its baseline "
                f"(bound {settle_slack // MiB} MiB)"
            )
        assert not problems, problems
        check_alive(self.server)


def check_alive(server: Any) -> None:
    """The server still accepts a new connection and answers on it."""
    assert server.proc.poll() is None, "the server died:\n" + server.log()[-3000:]
    client = Client(server.host, server.port, deadline=10)
    try:
        out = client.run("SELECT 41 + 1", deadline=10)
        assert out.first_rows == [("42",)], out
    finally:
        client.close()
