"""Crash rounds of the ledger: clients commit transfers with durable commits, the process holding the
database is killed with SIGKILL at a random moment, and after reopening every acknowledged transfer
must be there whole, no transfer may be half there, and the total must be unchanged.

Two ways to hold the database: a child process running the ledger embedded (it fsyncs a line per
acknowledged COMMIT to a side file), or `orbitdb serve` as a child with psycopg2 clients in this
process. Either way each client runs a reproducible stream of transfers in order, so the only
transfer of a client that may be stored without an acknowledgement is the next one of its stream
(its COMMIT was in flight at the kill)."""

from __future__ import annotations

import itertools
import os
import random
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ledger_connect import embedded, over_wire
from ledger_run import CLIENT_STRIDE
from ledger_workload import (
    ClientLog,
    Shape,
    Style,
    Transfer,
    create_ledger,
    plan_transfers,
    read_state,
    run_client,
    state_problems,
)
from wire_support import ServerProcess

import orbitdb

HERE = Path(__file__).resolve().parent
CHILD = HERE / "ledger_crash_child.py"
ROUND_STRIDE = 100 * CLIENT_STRIDE  # round r numbers its transfers from r * ROUND_STRIDE
MAX_DELAY = 0.4  # seconds of work before the kill, at most
EARLY_KILLS = 0.1  # share of rounds killed while the database is still opening (recovery)
START_TIMEOUT = 60.0


@dataclass
class CrashLedger:
    """What the clients were told over all rounds, and the checks after each restart."""

    shape: Shape
    style: Style
    clients: int
    seed: int
    acknowledged: dict[int, Transfer] = field(default_factory=dict)
    committed_in_flight: dict[int, Transfer] = field(default_factory=dict)  # stored though never acknowledged
    rounds: int = 0
    early_kills: int = 0
    rounds_without_acks: int = 0

    def streams(self, round_no: int) -> list[tuple[int, int]]:
        """(first transfer id, seed) of each client's stream in a round."""
        first = round_no * ROUND_STRIDE
        seed = self.seed * 1_000_003 + round_no * 1000
        return [(first + k * CLIENT_STRIDE, seed + k) for k in range(self.clients)]

    def _next_of(self, round_no: int, acked: list[Transfer]) -> tuple[dict[int, Transfer], list[str]]:
        """The transfer each client had in flight at the kill (the one after its acknowledged
        prefix), and problems with the acknowledgements themselves."""
        problems: list[str] = []
        in_flight: dict[int, Transfer] = {}
        for k, (first, seed) in enumerate(self.streams(round_no)):
            mine = sorted((t for t in acked if first <= t.id < first + CLIENT_STRIDE), key=lambda t: t.id)
            planned = list(itertools.islice(plan_transfers(self.shape, first, seed), len(mine) + 1))
            if mine != planned[: len(mine)]:
                problems.append(f"round {round_no} client {k}: acknowledgements are not its stream's prefix")
            in_flight[planned[-1].id] = planned[-1]
        return in_flight, problems

    def check_round(
        self, round_no: int, acked: list[Transfer], balances: dict[int, int], stored: dict[int, Transfer]
    ) -> list[str]:
        in_flight, problems = self._next_of(round_no, acked)
        self.acknowledged.update((t.id, t) for t in acked)
        allowed = {**self.committed_in_flight, **in_flight}
        problems += state_problems(self.shape, balances, stored, self.acknowledged.values(), allowed.values())
        self.committed_in_flight.update((i, t) for i, t in in_flight.items() if i in stored)
        self.rounds += 1
        if not acked:
            self.rounds_without_acks += 1
        return [f"after round {round_no}: {p}" for p in problems]

    def figures(self) -> str:
        return (
            f"{self.rounds} kill rounds checked ({self.early_kills} killed while opening),"
            f" {len(self.acknowledged)} transfers acknowledged, {len(self.committed_in_flight)} in-flight"
            f" COMMITs found committed, {self.rounds_without_acks} rounds killed before any acknowledgement"
        )


def _read_acks(path: Path) -> list[Transfer]:
    """The complete lines of a side file (a line cut by the kill names the transfer in flight)."""
    if not path.exists():
        return []
    text = path.read_text()
    return [Transfer.from_line(line) for line in text[: text.rfind("\n") + 1].splitlines()]


def _wait_for_line(proc: subprocess.Popen[bytes], expected: bytes, timeout: float) -> bool:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    buffer = b""
    while expected not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([proc.stdout], [], [], remaining)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                return False
            buffer += chunk
    return True


def _child_env() -> dict[str, str]:
    package_root = os.path.dirname(os.path.dirname(orbitdb.__file__))
    paths = [package_root, str(HERE), str(HERE.parent / "wire"), os.environ.get("PYTHONPATH", "")]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p))


def run_embedded_rounds(workdir: Path, ledger: CrashLedger, rounds: int, rng: random.Random) -> list[str]:
    """Rounds of a child process running the ledger embedded, killed at random; the database is
    reopened here after each kill and checked."""
    db_path = str(workdir / "db")
    setup = embedded(db_path)()
    try:
        create_ledger(setup, ledger.shape)
    finally:
        setup.close()
    for round_no in range(rounds):
        ack_path = workdir / f"acks-{round_no}.txt"
        stderr_path = workdir / f"child-{round_no}.stderr"
        first, seed = ledger.streams(round_no)[0]
        args = [
            db_path,
            str(ack_path),
            str(ledger.shape.accounts),
            str(ledger.shape.initial),
            ledger.style.name,
            str(ledger.clients),
            str(first),
            str(seed),
        ]
        with open(stderr_path, "wb") as stderr:
            child = subprocess.Popen(
                [sys.executable, str(CHILD), *args],
                stdout=subprocess.PIPE,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                env=_child_env(),
            )
        try:
            if rng.random() < EARLY_KILLS:
                ledger.early_kills += 1
                time.sleep(rng.uniform(0, 0.6))
            elif not _wait_for_line(child, b"ready\n", START_TIMEOUT):
                return [f"round {round_no}: child never got ready: {stderr_path.read_text()[-2000:]}"]
            else:
                time.sleep(rng.uniform(0, MAX_DELAY))
            if child.poll() is not None:
                output = stderr_path.read_text()[-2000:]
                return [f"round {round_no}: child exited by itself ({child.returncode}): {output}"]
        finally:
            child.kill()
            child.wait()
            assert child.stdout is not None
            child.stdout.close()
        errors = [line for line in stderr_path.read_text().splitlines() if line.startswith("error:")]
        if errors:
            return [f"round {round_no}: {e}" for e in errors[:5]]
        conn = embedded(db_path)()
        try:
            balances, stored = read_state(conn)
        finally:
            conn.close()
        problems = ledger.check_round(round_no, _read_acks(ack_path), balances, stored)
        if problems:
            return problems
    return []


def _start_server(data_dir: Path) -> ServerProcess:
    return ServerProcess(data_dir).wait_ready(START_TIMEOUT)


def _kill(server: ServerProcess) -> None:
    os.kill(server.proc.pid, signal.SIGKILL)
    server.proc.wait()


def run_server_rounds(workdir: Path, ledger: CrashLedger, rounds: int, rng: random.Random) -> list[str]:
    """Rounds of `orbitdb serve` as a child with psycopg2 clients here, the server killed at random
    and restarted; the restarted server is checked, then serves the next round."""
    data_dir = workdir / "data"
    server = _start_server(data_dir)
    try:
        setup = over_wire(server.dsn)()
        try:
            create_ledger(setup, ledger.shape)
        finally:
            setup.close()
        for round_no in range(rounds):
            logs = [ClientLog() for _ in range(ledger.clients)]
            threads = [
                threading.Thread(
                    target=run_client,
                    args=(
                        over_wire(server.dsn),
                        ledger.style,
                        plan_transfers(ledger.shape, first, seed),
                        logs[k],
                    ),
                    daemon=True,
                )
                for k, (first, seed) in enumerate(ledger.streams(round_no))
            ]
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0, MAX_DELAY))
            _kill(server)
            for k, thread in enumerate(threads):
                thread.join(START_TIMEOUT)
                if thread.is_alive():
                    return [f"round {round_no}: client {k} still running after the server was killed"]
            errors = [f"client {k}: {e}" for k, log in enumerate(logs) for e in log.errors]
            if errors:
                return [f"round {round_no}: {e}" for e in errors[:5]]
            if rng.random() < EARLY_KILLS:
                ledger.early_kills += 1
                opening = ServerProcess(data_dir)
                time.sleep(rng.uniform(0, 1.0))
                _kill(opening)
            server = _start_server(data_dir)
            conn = over_wire(server.dsn)()
            try:
                balances, stored = read_state(conn)
            finally:
                conn.close()
            acked = [t for log in logs for t in log.acknowledged]
            problems = ledger.check_round(round_no, acked, balances, stored)
            if problems:
                return problems
        return []
    finally:
        if server.proc.poll() is None:
            server.stop()
