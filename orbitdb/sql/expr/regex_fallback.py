"""Python ``re`` matches for the patterns RE2 cannot run (back references, lookaround), run in
child processes (orbitdb/sql/expr/regex_worker.py) so that a backtracking match never holds the
server's GIL, can be interrupted (cancel, statement_timeout, terminate: the child is killed)
and ends with 54000 after FALLBACK_BUDGET seconds at most."""

from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from orbitdb.sql.errors import SqlError

WORKER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regex_worker.py")
FALLBACK_BUDGET = 10.0  # seconds one match with back references or lookaround may take
MAX_IDLE_WORKERS = 2
POLL_SECONDS = 0.02

Spans = list[list[tuple[int, int]]]


class _Worker:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", WORKER_SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )

    def request(self, payload: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(struct.pack(">I", len(payload)) + payload)
        self.proc.stdin.flush()

    def ready(self, timeout: float) -> bool:
        assert self.proc.stdout is not None
        readable, _, _ = select.select([self.proc.stdout], [], [], timeout)
        return bool(readable)

    def answer(self) -> tuple[str, object]:
        assert self.proc.stdout is not None
        header = self.proc.stdout.read(4)
        if len(header) != 4:
            raise OSError("regex worker ended")
        body = self.proc.stdout.read(struct.unpack(">I", header)[0])
        return pickle.loads(body)

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass


_idle: list[_Worker] = []
_idle_lock = threading.Lock()


def _take() -> _Worker:
    with _idle_lock:
        while _idle:
            worker = _idle.pop()
            if worker.proc.poll() is None:
                return worker
    return _Worker()


def _give_back(worker: _Worker) -> None:
    with _idle_lock:
        if len(_idle) < MAX_IDLE_WORKERS:
            _idle.append(worker)
            return
    worker.kill()


def run_python(pattern: str, flags: int, text: str, start: int, glob: bool, full: bool,
               check: Callable[[], None]) -> Spans:
    """The spans (group 0 first) of the matches of a Python pattern: the first at or after
    start, every one (glob), or a match of the whole text (full)."""
    payload = pickle.dumps((pattern, flags, text, start, glob, full), protocol=pickle.HIGHEST_PROTOCOL)
    worker = _take()
    deadline = time.monotonic() + FALLBACK_BUDGET
    try:
        worker.request(payload)
        while not worker.ready(POLL_SECONDS):
            check()
            if time.monotonic() > deadline:
                raise SqlError(
                    "54000",
                    "regular expression match with back references or lookaround took too long",
                    detail=f"A match of such a pattern may take at most {FALLBACK_BUDGET:g} seconds.",
                )
        status, value = worker.answer()
    except BaseException:
        worker.kill()
        raise
    _give_back(worker)
    if status != "ok":
        raise SqlError("2201B", f"invalid regular expression: {value}")
    return value  # type: ignore[return-value]
