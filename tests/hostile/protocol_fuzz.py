"""Runs protocol fuzz cases against a server and keeps the figures: how each case ended (answered,
or the connection closed), hangs (neither within the deadline), XX000 answers, the server's RSS,
and whether the process is still alive after each batch."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import psutil
from pgproto import error_fields
from protocol_model import Case, framed, sentinel
from wire_client import Client, Closed, Hang

CASE_DEADLINE = 10.0  # seconds for the server to answer a case, or close its connection
BATCH = 250  # cases between two checks that the server process is alive
SESSION_PARAMS = {"options": "-c statement_timeout=2000"}  # a mutated query runs 2 s at most
INTERNAL_ERROR = b"\x00CXX000\x00"


@dataclass
class FuzzFigures:
    cases: int = 0
    answered: int = 0
    closed: int = 0
    hangs: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    sqlstates: Counter[str] = field(default_factory=Counter)
    baseline_rss: int = 0
    peak_rss: int = 0
    died_after: int | None = None  # cases run when the server process was found dead
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: str, errors: list[dict[str, str]], case: Case) -> None:
        with self.lock:
            self.cases += 1
            if outcome == "answered":
                self.answered += 1
            elif outcome == "closed":
                self.closed += 1
            else:
                self.hangs.append(f"case {case.number} ({case.note}): {outcome}; sent {case.payload[:120]!r}")
            for fields in errors:
                self.sqlstates[fields.get("C", "?")] += 1
                if fields.get("C") == "XX000":
                    self.internal_errors.append(
                        f"case {case.number} ({case.note}): {fields.get('M', '')[:160]}; "
                        f"sent {case.payload[:160]!r}"
                    )

    def summary(self, label: str) -> str:
        mib = 1 << 20
        return (
            f"{label}: {self.cases} cases in {self.seconds:.0f}s, {self.answered} answered, "
            f"{self.closed} closed by the server, crashes {0 if self.died_after is None else 1}, "
            f"hangs {len(self.hangs)}, XX000 {len(self.internal_errors)}, peak RSS "
            f"{self.peak_rss // mib} MiB (baseline {self.baseline_rss // mib} MiB); "
            f"top SQLSTATEs {self.sqlstates.most_common(8)}"
        )


def _errors_in_raw(data: bytes) -> list[dict[str, str]]:
    """XX000 answers in bytes that need not be framed (a startup-phase exchange, or what came
    before the server closed): each with the message that follows its code."""
    errors = []
    at = data.find(INTERNAL_ERROR)
    while at >= 0:
        start = data.find(b"\x00M", at + 1)
        end = data.find(b"\x00", start + 2) if start >= 0 else -1
        message = data[start + 2 : end].decode("utf-8", "replace") if end > start >= 0 else ""
        errors.append({"C": "XX000", "M": message})
        at = data.find(INTERNAL_ERROR, at + 1)
    return errors


def _drain_to_eof(sock: socket.socket, deadline: float) -> tuple[str, bytes]:
    received = bytearray()
    until = time.monotonic() + deadline
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return "hang: the server neither answered nor closed after our half-close", bytes(received)
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return "closed", bytes(received)
        if not chunk:
            return "closed", bytes(received)
        received += chunk


def run_connect_case(host: str, port: int, case: Case) -> tuple[str, list[dict[str, str]]]:
    """A connection of its own: send, half-close, and the server must end it."""
    with socket.create_connection((host, port), timeout=CASE_DEADLINE) as sock:
        try:
            sock.sendall(case.payload)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            return "closed", []
        outcome, received = _drain_to_eof(sock, CASE_DEADLINE)
    return outcome, _errors_in_raw(received)


class SessionWorker:
    """Runs session cases on one connection, reconnecting when a case ends it."""

    def __init__(self, host: str, port: int, worker: int) -> None:
        self.host, self.port, self.worker = host, port, worker
        self.client: Client | None = None

    def _connection(self) -> Client:
        if self.client is None:
            self.client = Client(self.host, self.port, SESSION_PARAMS, deadline=CASE_DEADLINE)
        return self.client

    def _drop(self) -> None:
        if self.client is not None:
            try:
                self.client.sock.close()
            except OSError:
                pass
            self.client = None

    def run(self, case: Case) -> tuple[str, list[dict[str, str]]]:
        client = self._connection()
        if not framed(case.payload):
            # the server cannot know where a message ends: whatever it answers, on our
            # half-close it must end the connection
            try:
                client.send(case.payload)
                client.sock.shutdown(socket.SHUT_WR)
            except OSError:
                self._drop()
                return "closed", []
            outcome, received = _drain_to_eof(client.sock, CASE_DEADLINE)
            self._drop()
            return outcome, _errors_in_raw(client.buffered() + received)
        token = f"sentinel-{self.worker}-{case.number}"
        errors: list[dict[str, str]] = []
        try:
            client.send(case.payload + sentinel(token))
            client.extend_deadline(CASE_DEADLINE)
            seen = False
            while True:
                kind, body = client.read_message()
                if kind == "E":
                    errors.append(error_fields(body))
                elif kind == "D" and token.encode() in body:
                    seen = True
                elif kind == "Z" and seen:
                    return "answered", errors
        except Closed:
            self._drop()
            return "closed", errors
        except Hang:
            self._drop()
            return "hang: no answer to the sentinel query after a well-framed case", errors
        except OSError:
            self._drop()
            return "closed", errors


def run_fuzz(server: Any, cases: list[Case], workers: int = 4) -> FuzzFigures:
    figures = FuzzFigures()
    process = psutil.Process(server.proc.pid)
    figures.baseline_rss = figures.peak_rss = process.memory_info().rss
    started = time.monotonic()
    stop = threading.Event()

    def sample_rss() -> None:
        while not stop.wait(0.2):
            try:
                figures.peak_rss = max(figures.peak_rss, process.memory_info().rss)
            except psutil.Error:
                return

    def work(worker: int) -> None:
        session = SessionWorker(server.host, server.port, worker)
        for index in range(worker, len(cases), workers):
            if stop.is_set():
                return
            case = cases[index]
            try:
                if case.kind == "connect":
                    outcome, errors = run_connect_case(server.host, server.port, case)
                else:
                    outcome, errors = session.run(case)
            except (OSError, Closed, Hang) as exc:  # the connection itself could not be made
                outcome, errors = f"hang: could not connect: {exc}", []
                session._drop()
            figures.add(outcome, errors, case)
            if index % BATCH < workers and server.proc.poll() is not None:
                figures.died_after = figures.cases
                stop.set()
                return
        session._drop()

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=work, args=(w,), daemon=True) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    sampler.join()
    if server.proc.poll() is not None and figures.died_after is None:
        figures.died_after = figures.cases
    figures.seconds = time.monotonic() - started
    return figures
