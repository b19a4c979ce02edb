"""SELECT ... FOR UPDATE | NO KEY UPDATE | SHARE | KEY SHARE [OF ...] [NOWAIT | SKIP LOCKED].

The LockRows operator sits above the sort and below LIMIT, as in PostgreSQL, so a row
that is skipped (locked by another, under SKIP LOCKED, or no longer matching) does not
count towards the limit. Each output row carries the scan row it came from as a hidden
last column; a locked row whose newest committed version differs from the one the
statement's snapshot saw is re-read, the WHERE clause re-checked and the select list
computed again on it (READ COMMITTED), or the statement fails with 40001 (REPEATABLE
READ and SERIALIZABLE)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.plans import Plan
from orbitdb.sql.expr.core import ident
from orbitdb.sql.expr.scope import Scope
from orbitdb.storage.errors import SerializationFailure
from orbitdb.storage.lockmodes import FOR_KEY_SHARE, FOR_NO_KEY_UPDATE, FOR_SHARE, FOR_UPDATE
from orbitdb.storage.locks import NOWAIT, SKIP_LOCKED, WAIT
from orbitdb.storage.tables import TableAccess
from orbitdb.storage.temp import is_temp_oid

Row = tuple[Any, ...]
Fn = Callable[[Row], Any]

_CLAUSE = {FOR_UPDATE: "FOR UPDATE", FOR_NO_KEY_UPDATE: "FOR NO KEY UPDATE", FOR_SHARE: "FOR SHARE",
           FOR_KEY_SHARE: "FOR KEY SHARE"}


@dataclass
class LockTarget:
    """One locked relation: where its columns and row key sit in the scan row."""

    rel: str
    start: int
    width: int
    access: TableAccess
    mode: int
    policy: int

    @property
    def key_pos(self) -> int:
        return self.start + self.width


def lock_mode(lock: exp.Lock) -> int:
    if lock.args.get("update"):
        return FOR_NO_KEY_UPDATE if lock.args.get("key") else FOR_UPDATE
    return FOR_KEY_SHARE if lock.args.get("key") else FOR_SHARE


def _policy(lock: exp.Lock) -> int:
    wait = lock.args.get("wait")
    if wait is True:
        return NOWAIT
    if wait is False:
        return SKIP_LOCKED
    return WAIT


def clause_name(locks: list[exp.Lock]) -> str:
    return _CLAUSE[lock_mode(locks[0])]


def lock_targets(locks: list[exp.Lock], scope: Scope, nullable: set[str],
                 accesses: dict[str, TableAccess]) -> list[LockTarget]:
    """The relations each locking clause names (all tables of FROM when none is named);
    the strongest clause wins for a relation named twice."""
    starts: dict[str, int] = {}
    widths: dict[str, int] = {}
    for i, c in enumerate(scope.columns):
        if c.rel is None:
            continue
        if c.name == "ctid" and c.hidden and c.rel in accesses:
            widths[c.rel] = i - starts[c.rel]
        elif c.rel not in starts:
            starts[c.rel] = i
    chosen: dict[str, tuple[int, int]] = {}
    for lock in locks:
        mode, policy = lock_mode(lock), _policy(lock)
        named = lock.expressions
        if named:
            rels = []
            for t in named:
                rel = ident(t.this) if isinstance(t, exp.Table) else ident(t)
                if rel not in starts:
                    raise SqlError("42P01", f'relation "{rel}" in {_CLAUSE[mode]} clause not found in FROM clause')
                if rel not in accesses:
                    raise SqlError("0A000", f"{_CLAUSE[mode]} cannot be applied to a relation that is not a table")
                rels.append(rel)
        else:
            rels = [rel for rel in starts if rel in accesses]
            others = [rel for rel in starts if rel not in accesses]
            if others:
                raise SqlError("0A000", f"{_CLAUSE[mode]} of a view, subquery or function in FROM is not supported",
                               hint="Name the tables to lock with FOR UPDATE OF.")
        for rel in rels:
            if rel in nullable:
                raise SqlError("0A000", f"{_CLAUSE[mode]} cannot be applied to the nullable side of an outer join")
            prev = chosen.get(rel)
            if prev is None or mode > prev[0]:
                chosen[rel] = (mode, policy)
    return [LockTarget(rel, starts[rel], widths[rel], accesses[rel], mode, policy)
            for rel, (mode, policy) in chosen.items()]


class LockRows(Plan):
    def __init__(self, child: Plan, targets: list[LockTarget], recheck: Fn | None, project: list[Fn]) -> None:
        self.child = child
        self.columns = getattr(child, "columns", [])
        self.targets = targets
        self.recheck = recheck
        self.project = project  # the select list and hidden sort keys, over the scan row

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        txn = ctx.txn
        assert txn is not None
        if txn.read_only:
            # a row lock needs UPDATE rights, which a read-only transaction (or one AS OF SYSTEM
            # TIME, reading the past) does not exercise; temporary tables are the session's own
            for t in self.targets:
                if not is_temp_oid(t.access.table.oid):
                    raise SqlError("25006", f"cannot execute SELECT {_CLAUSE[t.mode]} in a read-only transaction")
        per_statement = txn.snapshot_per_statement
        for r in self.child.rows(ctx):
            scan_row = r[-1]
            changed = False
            keep = True
            for t in self.targets:
                key = scan_row[t.key_pos]
                if key is None:
                    continue
                if not txn.lock_row(key, t.mode, t.policy,
                                    f'could not obtain lock on row in relation "{t.access.table.name}"'):
                    keep = False  # SKIP LOCKED
                    break
                latest, moved = t.access.newest(txn, key)
                if not moved:
                    continue
                if not per_statement:
                    raise SerializationFailure("could not serialize access due to concurrent update")
                while latest is None:
                    forward = txn.moved_to(key)
                    if forward is None:
                        break  # deleted by the transaction that held it
                    key = forward  # re-keyed meanwhile: follow the row, as PostgreSQL's update chain
                    txn.lock_row(key, t.mode, t.policy, f'could not obtain lock on row in relation '
                                 f'"{t.access.table.name}"')
                    latest, _ = t.access.newest(txn, key)
                if latest is None:
                    keep = False
                    break
                scan_row = scan_row[: t.start] + latest + (key,) + scan_row[t.key_pos + 1:]
                changed = True
            if not keep:
                continue
            if changed:
                if self.recheck is not None and self.recheck(scan_row) is not True:
                    continue
                r = tuple([f(scan_row) for f in self.project]) + (scan_row,)
            yield r

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("LockRows", [self.child])]
