"""One concurrent ledger run: M client threads each commit a fixed number of transfers while a reader
thread checks the total with single statements; afterwards the stored ledger is compared with what
the clients were told."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

from ledger_workload import (
    READ_COMMITTED_RELATIVE,
    ClientLog,
    ConnectFn,
    ReaderLog,
    Shape,
    Style,
    create_ledger,
    plan_transfers,
    read_state,
    run_client,
    run_reader,
    state_problems,
)

CLIENT_STRIDE = 1_000_000  # client k numbers its transfers from k * CLIENT_STRIDE


@dataclass
class LedgerRun:
    shape: Shape
    style: Style
    clients: list[ClientLog]
    reader: ReaderLog
    hung: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def committed(self) -> int:
        return sum(len(c.acknowledged) for c in self.clients)

    @property
    def serialization_failures(self) -> int:
        return sum(c.serialization_failures for c in self.clients)

    def figures(self) -> str:
        return (
            f"{self.style.name}: {len(self.clients)} clients, {self.committed} transfers acknowledged,"
            f" {self.serialization_failures} x 40001, {self.reader.reads} reads"
            f" ({len(self.reader.wrong)} saw a wrong total)"
        )


def run_ledger(
    connect: ConnectFn,
    shape: Shape,
    style: Style,
    clients: int,
    transfers_each: int,
    seed: int,
    timeout: float = 600.0,
) -> LedgerRun:
    setup = connect()
    try:
        create_ledger(setup, shape)
    finally:
        setup.close()
    logs = [ClientLog() for _ in range(clients)]
    reader_log = ReaderLog()
    stop_reading = threading.Event()
    reader = threading.Thread(target=run_reader, args=(connect, shape, stop_reading, reader_log), daemon=True)
    workers = [
        threading.Thread(
            target=run_client,
            args=(
                connect,
                style,
                itertools.islice(plan_transfers(shape, k * CLIENT_STRIDE, seed * 1000 + k), transfers_each),
                logs[k],
            ),
            daemon=True,  # a hung database must fail the test, not hang the interpreter
        )
        for k in range(clients)
    ]
    reader.start()
    for worker in workers:
        worker.start()
    run = LedgerRun(shape, style, logs, reader_log)
    for k, worker in enumerate(workers):
        worker.join(timeout)
        if worker.is_alive():
            run.hung.append(f"client {k} still running after {timeout:.0f}s")
    stop_reading.set()
    reader.join(timeout)
    if reader.is_alive():
        run.hung.append(f"reader still running after {timeout:.0f}s")
    run.problems = _problems(connect, run)
    return run


def _problems(connect: ConnectFn, run: LedgerRun) -> list[str]:
    problems = list(run.hung)
    for k, log in enumerate(run.clients):
        problems += [f"client {k}: {e}" for e in log.errors[:3]]
        if len(log.errors) > 3:
            problems.append(f"client {k}: {len(log.errors) - 3} more errors")
        if log.lost_connection:
            problems.append(f"client {k} lost its connection: {log.lost_connection}")
    if run.style == READ_COMMITTED_RELATIVE and run.serialization_failures:
        problems.append(
            f"{run.serialization_failures} serialization failures (40001) under READ COMMITTED,"
            " which PostgreSQL never raises for relative updates"
        )
    if run.reader.wrong:
        problems.append(
            f"{len(run.reader.wrong)} of {run.reader.reads} single-statement reads saw a wrong total,"
            f" e.g. {run.reader.wrong[:3]}"
        )
    conn = connect()
    try:
        balances, stored = read_state(conn)
    finally:
        conn.close()
    acknowledged = [t for log in run.clients for t in log.acknowledged]
    in_doubt = [t for log in run.clients for t in log.in_doubt]
    return problems + state_problems(run.shape, balances, stored, acknowledged, in_doubt)
