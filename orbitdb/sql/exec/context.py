"""The running statement's state that compiled expressions and operators read: its session and
transaction, parameters, the current row of each enclosing query level, deadlines, its memory
budgets and temporary files, and the interrupt check every long loop calls."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session
    from orbitdb.storage.txn import Transaction


CLIENT_PROBE_SECONDS = 0.1


def _no_row() -> None:
    return None


class ExecContext:
    """Per-statement state read by compiled expressions and operators."""

    __slots__ = ("_probe_at", "canceled", "cte_results", "deadline", "outer", "params", "session", "spill",
                 "statement_time", "system_rows", "txn")

    def __init__(self, session: Session, txn: Transaction | None, params: list[Any]) -> None:
        self.session = session
        self.txn = txn
        self.params = params
        # the current row of each enclosing query level (any depth: subqueries nest without limit)
        self.outer: defaultdict[int, Any] = defaultdict(_no_row)
        self.statement_time = session.statement_timestamp()
        self.deadline: float | None = None
        self.cte_results: dict[int, Any] = {}
        self.canceled = False
        self._probe_at = 0.0
        self.spill: Any = None  # the statement's memory budgets and temporary files (orbitdb.sql.spill)
        # rows of the system relations this statement scanned (orbitdb.sql.pgcatalog.base)
        self.system_rows: dict[Any, list[Any]] = {}

    def check(self) -> None:
        """Called in long loops: cancel requests, terminate, statement_timeout, and a client
        that went away (looked at every CLIENT_PROBE_SECONDS, as it costs a system call)."""
        session = self.session
        if session.cancel_requested:
            session.cancel_requested = False
            if session.terminate_requested:
                raise SqlError("57P01", "terminating connection due to administrator command", severity="FATAL")
            raise SqlError("57014", "canceling statement due to user request")
        now = time.monotonic()
        if self.deadline is not None and now > self.deadline:
            raise SqlError("57014", "canceling statement due to statement timeout")
        if now >= self._probe_at:
            self._probe_at = now + CLIENT_PROBE_SECONDS
            gone = session.client_gone
            if gone is not None and gone():
                raise SqlError("57P01", "terminating connection because the client went away", severity="FATAL")
