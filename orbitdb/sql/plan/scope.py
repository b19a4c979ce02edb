"""Name resolution: the columns visible at a point of a query, and the
statement-wide execution context the compiled code reads from."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session
    from orbitdb.storage.txn import Transaction


@dataclass
class ScopeColumn:
    rel: str | None  # the table alias it belongs to
    name: str
    type: SqlType
    hidden: bool = False  # not expanded by *
    table_oid: int = 0
    attnum: int = 0
    using_merged: bool = False  # a JOIN USING column hidden from qualified *


@dataclass
class Scope:
    """Columns of the rows at one query level; parent is the enclosing query's
    scope (for correlated references); level is the depth from the outermost."""

    columns: list[ScopeColumn] = field(default_factory=list)
    parent: Scope | None = None
    level: int = 0
    rels: set[str] = field(default_factory=set)
    # a lateral/correlated reference into a parent level marks the subquery as correlated
    correlated: bool = False
    ctes: dict[str, Any] = field(default_factory=dict)  # WITH queries visible here (and in subqueries)
    tables: dict[str, Any] = field(default_factory=dict)  # alias -> TableAccess of each base table here

    def find_cte(self, name: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            hit = scope.ctes.get(name)
            if hit is not None:
                return hit
            scope = scope.parent
        return None

    def child(self, columns: list[ScopeColumn] | None = None) -> Scope:
        return Scope(columns or [], parent=self, level=self.level + 1)

    def resolve(self, name: str, rel: str | None) -> tuple[int, int, SqlType] | None:
        """(level, index, type) of a column reference, searching outwards."""
        scope: Scope | None = self
        while scope is not None:
            hit = scope.find(name, rel)
            if hit is not None:
                if scope is not self:
                    self.correlated = True
                return scope.level, hit, scope.columns[hit].type
            scope = scope.parent
        return None

    def find(self, name: str, rel: str | None) -> int | None:
        found: int | None = None
        for i, c in enumerate(self.columns):
            if c.name != name:
                continue
            if rel is not None:
                if c.rel != rel:
                    continue
            elif c.using_merged:
                continue
            if found is not None:
                raise SqlError("42702", f'column reference "{name}" is ambiguous')
            found = i
        if found is None and rel is None:
            for i, c in enumerate(self.columns):
                if c.name == name and c.using_merged:
                    return i
        return found

    def has_rel(self, rel: str) -> bool:
        scope: Scope | None = self
        while scope is not None:
            if rel in scope.rels:
                return True
            scope = scope.parent
        return False


CLIENT_PROBE_SECONDS = 0.1


def _no_row() -> None:
    return None


class ExecContext:
    """Per-statement state read by compiled expressions and operators."""

    __slots__ = ("_probe_at", "canceled", "cte_results", "deadline", "outer", "params", "session", "spill",
                 "statement_time", "txn")

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
        self.spill: Any = None  # the statement's memory budgets and temporary files (orbitdb.sql.exec.spill)

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
