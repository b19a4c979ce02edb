"""A daemon thread per session that runs one job at a time.

Daemon, and never joined: a job stuck in a backend that ignores cancellation must not keep the
test process from exiting (concurrent.futures joins its workers at exit)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any


class Job:
    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.done = threading.Event()
        self.result: Any = None
        self.exception: BaseException | None = None

    def wait(self, timeout: float | None) -> bool:
        return self.done.wait(timeout)

    def value(self) -> Any:
        if self.exception is not None:
            raise self.exception
        return self.result


class Worker:
    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=f"isolation-{name}", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job.result = job.fn()
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the job
                job.exception = exc
            job.done.set()

    def submit(self, fn: Callable[[], Any]) -> Job:
        job = Job(fn)
        self._jobs.put(job)
        return job

    def call(self, fn: Callable[[], Any], timeout: float) -> Any:
        """Runs fn on this worker; TimeoutError when it has not returned within timeout."""
        job = self.submit(fn)
        if not job.wait(timeout):
            raise TimeoutError(f"no answer within {timeout:g} s")
        return job.value()

    def stop(self) -> None:
        """Ends the thread after the current job (a stuck job keeps it, as a daemon)."""
        self._jobs.put(None)
