"""AS OF SYSTEM TIME in a session (CockroachDB's syntax; docs/operations.md, "Time travel"):
a statement, or a whole transaction (BEGIN ... / SET TRANSACTION ... AS OF SYSTEM TIME), reads
the committed state of a past moment, rows and catalog, read-only.

The time is a timestamp (with a time zone, or in the session's TimeZone without one) or a
negative interval back from now: CockroachDB's '-10s', '-1m30s', '-250ms', or PostgreSQL's
interval text ('-10 seconds', '-00:05:00')."""

from __future__ import annotations

import datetime
import re
import time
from typing import TYPE_CHECKING

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Result
from orbitdb.sql.types.pgtext import parse_text
from orbitdb.storage.catalog import Catalog
from orbitdb.storage.errors import StorageError
from orbitdb.storage.history import catalog_at, snapshot_at_time

if TYPE_CHECKING:
    from orbitdb.sql.parse.parser import Statement
    from orbitdb.sql.session.session import Prepared, Session
    from orbitdb.sql.types import SqlType
    from orbitdb.storage.txn import Transaction

# CockroachDB's (Go's) durations: a sign and number-unit pairs
_DURATION = re.compile(r"\s*-\s*((?:\d+(?:\.\d*)?|\.\d+)(?:h|m|s|ms|us|µs|ns)\s*)+")
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)")
_UNIT_MICROS = {"h": 3_600_000_000, "m": 60_000_000, "s": 1_000_000, "ms": 1000, "us": 1, "µs": 1, "ns": 0.001}
_DAY_MICROS = 86_400_000_000


def resolve_time(s: Session, literal: str) -> int:
    """Microseconds since the Unix epoch for the clause's literal; 22007 when it is not a time."""
    text = literal.strip()
    if text.startswith("-"):
        return time.time_ns() // 1000 - _interval_micros(text, literal)
    try:
        when = parse_text(text, T.TIMESTAMPTZ.oid, s.timezone())
    except (SqlError, ValueError) as e:
        raise SqlError("22007", f'AS OF SYSTEM TIME: invalid timestamp or negative interval: "{literal}"') from e
    if not isinstance(when, datetime.datetime):  # infinity
        raise SqlError("22007", f'AS OF SYSTEM TIME: "{literal}" is not a finite time')
    return int(when.timestamp()) * 1_000_000 + when.microsecond


def _interval_micros(text: str, literal: str) -> int:
    """The length of a negative interval, in microseconds (positive)."""
    if _DURATION.fullmatch(text):
        return round(sum(float(n) * _UNIT_MICROS[u] for n, u in _PART.findall(text)))
    try:
        iv = parse_text(text, T.INTERVAL.oid)
    except (SqlError, ValueError) as e:
        raise SqlError("22007", f'AS OF SYSTEM TIME: invalid timestamp or negative interval: "{literal}"') from e
    micros = (iv.months * 30 + iv.days) * _DAY_MICROS + iv.microseconds  # months as 30 days, as PostgreSQL
    if micros >= 0:
        raise SqlError("22023", f'AS OF SYSTEM TIME: interval "{literal}" must be negative (a time in the past)')
    return -micros


def past_view(s: Session, literal: str) -> tuple[object, Catalog]:
    """The engine snapshot and the catalog of the literal's time."""
    micros = resolve_time(s, literal)
    engine = s.store.engine
    try:
        snapshot = snapshot_at_time(engine, micros, f"'{literal}'")
    except StorageError as e:
        raise SqlError(e.sqlstate, str(e), detail=e.detail) from None
    try:
        return snapshot, catalog_at(engine, snapshot)
    except BaseException:
        snapshot.release()
        raise


def travel(s: Session, txn: Transaction, literal: str) -> None:
    """Makes txn read the past from its next read on. It must not have run a statement: the
    time is given on the transaction's first statement, or in its BEGIN / SET TRANSACTION."""
    if txn.as_of is not None:
        if txn.as_of != literal:
            raise SqlError("0A000", f"inconsistent AS OF SYSTEM TIME timestamp: the transaction reads "
                           f"'{txn.as_of}', the statement asks for '{literal}'")
        return
    if s._txn_has_run or txn.writes:
        raise SqlError("0A000", "AS OF SYSTEM TIME must be given on the first statement of a transaction "
                       "(or in BEGIN / SET TRANSACTION)")
    snapshot, catalog = past_view(s, literal)
    txn.travel(snapshot, catalog, literal)  # type: ignore[arg-type]
    s.txn_read_only = True


def prepare_catalog(s: Session, literal: str) -> Catalog:
    """The catalog a statement with the clause is compiled against when it is prepared (a
    Parse): the one of that time, so that a table dropped since is found."""
    txn = s.txn
    if txn is not None and txn.as_of is not None:
        return txn.catalog
    snapshot, catalog = past_view(s, literal)
    snapshot.release()  # type: ignore[attr-defined]
    return catalog


def begin_as_of(s: Session, st: Statement, literal: str) -> Result:
    """BEGIN / START TRANSACTION ... AS OF SYSTEM TIME: a read-only transaction of the past."""
    if st.kind not in ("BEGIN", "START"):
        raise SqlError("0A000", f"AS OF SYSTEM TIME is not supported in {st.kind}")
    from orbitdb.sql.utility.statements import transaction_control

    res = transaction_control(s, st)
    assert s.txn is not None
    try:
        travel(s, s.txn, literal)
    except SqlError:
        s.rollback()  # the BEGIN fails whole: no transaction is left open
        raise
    return res


def set_transaction_as_of(s: Session, st: Statement) -> bool:
    """SET TRANSACTION [modes] AS OF SYSTEM TIME, checked before travel() makes the transaction
    read the past: True when the clause is all it says; its other modes are set by the statement
    as usual."""
    words = st.text.split()
    if len(words) < 2 or words[1].upper() != "TRANSACTION":
        raise SqlError("0A000", f"AS OF SYSTEM TIME is not supported in SET {words[1] if len(words) > 1 else ''}")
    if not s.in_block:
        raise SqlError("25P01", "SET TRANSACTION AS OF SYSTEM TIME can only be used in transaction blocks")
    return len(words) == 2


def prepare_as_of(s: Session, st: Statement, literal: str, types: list[SqlType]) -> Prepared:
    """A Parse of a statement with the clause (st is without it): compiled against the catalog
    of its time; the time is taken again when it runs."""
    s.prepare_catalog = prepare_catalog(s, literal)
    try:
        p = s._prepare_stmt(st, types)
    finally:
        s.prepare_catalog = None
    p.extra["as_of"] = literal
    return p
