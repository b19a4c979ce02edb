"""Runs a spec's permutations against one backend and writes the transcript.

Each session has its own connection, driven from its own thread, so a step can block. After a
step is sent the runner waits until it has finished, or until the backend reports (to a separate
observer connection, in pg_stat_activity) that the session waits for a lock; then the step is
recorded as "<waiting ...>" and the permutation goes on. After every step the waiting steps are
looked at again, until each has finished or still waits, and the ones that finished are recorded
as "<... completed>" in the order they were sent. A step that neither finishes nor reports a lock
wait within the step limit is a hang: it is recorded, the sessions are cancelled, the backend
recovers, and the spec's remaining permutations are not run."""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass, field, replace

import neighbours  # noqa: F401  (puts compat_harness on the path)
from backends import Backend
from compat_harness import statement_shape
from connections import SqlConnection
from spec import Spec, Step
from transcript import Outcome, Transcript
from worker import Job, Worker


def _env_seconds(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass(frozen=True)
class Limits:
    # A step that has neither finished nor reported a lock wait after this long is a hang.
    step: float = field(default_factory=lambda: _env_seconds("ORBITDB_ISOLATION_STEP_TIMEOUT", 20.0))
    # The same when the run is compared with a reference (PostgreSQL) that finished every step
    # of the spec in milliseconds or reported its wait at once: a backend that has done neither
    # after this long has already diverged, and waiting out the full limit only slows the run.
    compared_step: float = field(
        default_factory=lambda: _env_seconds("ORBITDB_ISOLATION_COMPARED_STEP_TIMEOUT", 3.0)
    )
    # How long a session's next step waits for that session's blocked step to end (timers the
    # specs use, lock_timeout, statement_timeout and deadlock_timeout, are all shorter).
    blocked_session: float = 2.5
    # A lock wait counts once it has been seen on probes at least this far apart (a wait that
    # was granted a moment ago can still show for a moment).
    lock_settle: float = 0.03
    poll: float = 0.005
    # Setup, teardown, connections, the probe itself.
    admin: float = 20.0
    # How long a cancelled statement may take to give up.
    cancel: float = 5.0
    # Diagnosis only (run.py --assume-wait-after), never in the test suite: count a step that has
    # not finished after this long as waiting, for a backend that does not report its lock waits
    # yet, to see how the rest of a spec would go.
    assume_wait_after: float | None = None


class Hang(Exception):
    """Something that did not answer within its limit; the permutation is abandoned."""


@dataclass
class LiveSession:
    name: str
    conn: SqlConnection
    worker: Worker
    running: RunningStep | None = None
    broken: bool = False  # a statement of it never returned


@dataclass
class RunningStep:
    step: Step
    session: LiveSession
    job: Job
    order: int  # when it was sent, to report completions in a fixed order


@functools.lru_cache(maxsize=4096)
def _ordered(sql: str) -> bool:
    return statement_shape(sql).ordered


def _run_statements(conn: SqlConnection, statements: tuple[str, ...] | list[str]) -> list[Outcome]:
    """A step's statements one after another; an error ends the step, as in a multi-statement query.
    Rows of a statement without a top-level ORDER BY (RETURNING, say) are sorted."""
    outcomes: list[Outcome] = []
    for sql in statements:
        outcome = conn.execute(sql)
        if outcome.rows and len(outcome.rows) > 1 and not _ordered(sql):
            outcome = replace(outcome, rows=tuple(sorted(outcome.rows, key=_row_key)))
        outcomes.append(outcome)
        if outcome.sqlstate is not None:
            break
    return outcomes


def _row_key(row: tuple[str | None, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((v is None, v or "") for v in row)


class SpecRunner:
    def __init__(
        self,
        backend: Backend,
        spec: Spec,
        limits: Limits | None = None,
        compared: bool = False,
    ) -> None:
        """compared: the transcript will be compared with a reference's (limits.compared_step)."""
        self.backend = backend
        self.spec = spec
        self.limits = limits or Limits()
        self.step_limit = self.limits.compared_step if compared else self.limits.step
        self.transcript = Transcript()
        self.waits_seen: set[tuple[int, int]] = set()
        self._sent = 0

    # ---- the whole spec ----
    def run(self) -> Transcript:
        self.backend.begin_spec(self.spec.name)
        try:
            permutations = self.spec.permutations()
            for index, permutation in enumerate(permutations):
                if not self._run_permutation(index, permutation):
                    for rest in permutations[index + 1 :]:
                        self.transcript.add("permutation " + " ".join(rest))
                        self.transcript.add("  <not run: an earlier permutation hung>")
                    break
        finally:
            self.backend.end_spec()
        return self.transcript

    # ---- one permutation ----
    def _run_permutation(self, index: int, permutation: list[str]) -> bool:
        """False when something hung (the backend has recovered; the spec stops here)."""
        t = self.transcript
        t.add("permutation " + " ".join(permutation))
        admin: LiveSession | None = None
        observer: LiveSession | None = None
        sessions: dict[str, LiveSession] = {}
        unclosed: list[str] = []
        clean = True
        try:
            admin = self._open("setup")
            self._admin_sql(admin, "setup", self.spec.setup, show_ok=False)
            for session in self.spec.sessions:
                sessions[session.name] = self._open(session.name)
            for session in self.spec.sessions:
                self._admin_sql(sessions[session.name], f"{session.name} setup", session.setup, show_ok=False)
            observer = self._open("observer")
            self._steps(index, permutation, sessions, observer)
            self._end_sessions(sessions, observer)
            # The sessions go before check and teardown, so that a transaction a permutation
            # left open cannot make the teardown wait.
            unclosed += self._close_all([*sessions.values(), observer])
            sessions, observer = {}, None
            self._admin_sql(admin, "check", self.spec.check, show_ok=True)
            self._admin_sql(admin, "teardown", self.spec.teardown, show_ok=False)
        except Hang as hang:
            t.add(f"  <hang: {hang}>")
            clean = False
        finally:
            unclosed += self._close_all([*sessions.values(), observer, admin])
        if unclosed and clean:
            t.add(f"  <sessions that would not close: {', '.join(unclosed)}>")
        if unclosed or not clean:
            self.backend.recover()
            return False
        return True

    def _close_all(self, sessions: list[LiveSession | None]) -> list[str]:
        """The names of those that could not be closed cleanly."""
        return [live.name for live in sessions if live is not None and not self._close(live)]

    def _open(self, name: str) -> LiveSession:
        worker = Worker(name)
        try:
            conn = worker.call(self.backend.connect, self.limits.admin)
        except TimeoutError:
            worker.stop()
            raise Hang(f"connecting session {name} did not finish") from None
        return LiveSession(name, conn, worker)

    def _admin_sql(self, live: LiveSession, label: str, statements: list[str], show_ok: bool) -> None:
        """Setup and teardown show only their errors; check blocks show everything."""
        for sql in statements:
            try:
                outcome = live.worker.call(lambda sql=sql: live.conn.execute(sql), self.limits.admin)
            except TimeoutError:
                live.broken = True
                raise Hang(f"{label} statement did not finish: {' '.join(sql.split())}") from None
            if show_ok or outcome.sqlstate is not None:
                self.transcript.add(f"{label}: {' '.join(sql.split())}")
                self.transcript.add_outcomes(label, [outcome])

    # ---- the steps ----
    def _steps(
        self, index: int, permutation: list[str], sessions: dict[str, LiveSession], observer: LiveSession
    ) -> None:
        t = self.transcript
        waiting: list[RunningStep] = []
        for position, name in enumerate(permutation):
            step = self.spec.step(name)
            live = sessions[step.session]
            if live.running is not None:
                # The session's previous step still waits: give it time to end (a timer of its own,
                # a deadlock found), reporting whatever finishes meanwhile.
                live.running.job.wait(self.limits.blocked_session)
                self._settle(waiting, observer)
                if live.running is not None:
                    t.add(f"step {name}: {step.one_line}")
                    t.add(
                        f"  <invalid permutation: session {live.name} still waits in {live.running.step.name}>"
                    )
                    return
            self._sent += 1
            running = RunningStep(
                step,
                live,
                live.worker.submit(lambda live=live, step=step: _run_statements(live.conn, step.statements)),
                self._sent,
            )
            live.running = running
            state = self._await(running, observer, self.step_limit)
            t.add(f"step {name}: {step.one_line}")
            if state == "done":
                self._record_done(running)
            elif state == "waiting":
                t.add("  <waiting ...>")
                self.waits_seen.add((index, position))
                waiting.append(running)
            else:
                live.broken = True
                raise Hang(
                    f"step {name} neither finished nor reported a lock wait within {self.step_limit:g} s"
                )
            self._settle(waiting, observer)

    def _record_done(self, running: RunningStep) -> None:
        running.session.running = None
        try:
            outcomes = running.job.value()
        except Exception as exc:  # noqa: BLE001 - the driver itself failed: show it, do not hide it
            outcomes = [Outcome(sqlstate="XX000", message=f"{type(exc).__name__}: {exc}")]
        self.transcript.add_outcomes(running.step.name, outcomes)

    def _probe(self, observer: LiveSession, pid: int) -> bool:
        try:
            return bool(
                observer.worker.call(lambda: self.backend.is_waiting(observer.conn, pid), self.limits.admin)
            )
        except TimeoutError:
            observer.broken = True
            raise Hang("the observer's pg_stat_activity query did not answer") from None
        except RuntimeError as exc:
            raise Hang(str(exc)) from None

    def _await(self, running: RunningStep, observer: LiveSession, limit: float) -> str:
        """'done', 'waiting' (a lock wait reported on probes lock_settle apart) or 'hang'."""
        started = time.monotonic()
        deadline = started + limit
        lock_seen: float | None = None
        if running.job.wait(self.limits.poll):
            return "done"
        while True:
            waits = self._probe(observer, running.session.conn.pid)
            now = time.monotonic()
            if running.job.done.is_set():
                return "done"
            if not waits:
                lock_seen = None
            elif lock_seen is None:
                lock_seen = now
            elif now - lock_seen >= self.limits.lock_settle:
                return "waiting"
            if now >= deadline:
                return "hang"
            assumed = self.limits.assume_wait_after
            if assumed is not None and now - started >= assumed:
                return "waiting"
            running.job.wait(self.limits.poll if lock_seen is None else self.limits.lock_settle / 2)

    def _settle(self, waiting: list[RunningStep], observer: LiveSession) -> None:
        """Looks at the waiting steps until none finishes any more (one finishing can release
        another), records the finished ones in the order they were sent, and drops them from
        waiting."""
        finished: list[RunningStep] = []
        pending = list(waiting)
        changed = True
        while changed:
            changed = False
            for running in list(pending):
                state = self._await(running, observer, self.step_limit)
                if state == "done":
                    pending.remove(running)
                    finished.append(running)
                    changed = True
                elif state == "hang":
                    running.session.broken = True
                    raise Hang(
                        f"step {running.step.name} stopped reporting its lock wait but did not finish"
                        f" within {self.step_limit:g} s"
                    )
        for running in sorted(finished, key=lambda r: r.order):
            self.transcript.add(f"step {running.step.name}: <... completed>")
            self._record_done(running)
        waiting[:] = pending

    # ---- the end of a permutation ----
    def _end_sessions(self, sessions: dict[str, LiveSession], observer: LiveSession) -> None:
        t = self.transcript
        self._settle([live.running for live in sessions.values() if live.running is not None], observer)
        for live in sessions.values():
            if live.running is not None:
                t.add(f"step {live.running.step.name}: <still waiting at the end of the permutation>")
                live.conn.cancel()
                if not live.running.job.wait(self.limits.cancel):
                    live.broken = True
                    raise Hang(f"step {live.running.step.name} did not end when cancelled")
                live.running = None
        for session in self.spec.sessions:
            self._admin_sql(
                sessions[session.name], f"{session.name} teardown", session.teardown, show_ok=False
            )

    def _close(self, live: LiveSession) -> bool:
        """Closes on the session's own thread (a stuck statement there would make close wait);
        False when it could not be closed in time."""
        if live.broken or live.running is not None:
            live.conn.cancel()
        try:
            live.worker.call(live.conn.close, self.limits.cancel)
        except TimeoutError:
            self.backend.abandon(live.conn)
            return False
        finally:
            live.worker.stop()
        return not live.broken
