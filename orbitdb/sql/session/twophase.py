"""PREPARE TRANSACTION, COMMIT PREPARED and ROLLBACK PREPARED, as PostgreSQL runs them; the
storage side (a durable record of the writes, the locks kept) is orbitdb/storage/twophase.py."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orbitdb.sql.errors import SqlError
from orbitdb.storage.errors import StorageError

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session
    from orbitdb.storage.txn import Transaction

_PREPARE = re.compile(r"\s*PREPARE\s+TRANSACTION\b\s*(?P<rest>.*?)\s*;?\s*$", re.IGNORECASE | re.DOTALL)
_FINISH = re.compile(r"\s*(?P<verb>COMMIT|ROLLBACK)\s+PREPARED\b\s*(?P<rest>.*?)\s*;?\s*$",
                     re.IGNORECASE | re.DOTALL)
_LITERAL = re.compile(r"(?P<e>[Ee])?'(?P<body>(?:[^']|'')*)'$", re.DOTALL)


def is_prepare_transaction(text: str) -> bool:
    return _PREPARE.match(text) is not None


def _gid(rest: str) -> str:
    """The transaction identifier: a string literal (PostgreSQL's grammar takes nothing else)."""
    m = _LITERAL.match(rest)
    if m is None:
        word = rest.split()[0] if rest.split() else ""
        if not word:
            raise SqlError("42601", "syntax error at end of input")
        raise SqlError("42601", f'syntax error at or near "{word}"')
    body = m.group("body").replace("''", "'")
    if m.group("e"):
        body = body.encode("latin-1", "backslashreplace").decode("unicode_escape")
    return body


def _limit(s: Session) -> int:
    return int(s.get_setting("max_prepared_transactions", missing_ok=True) or 0)


def prepare_transaction(s: Session, text: str) -> str:
    """PREPARE TRANSACTION 'gid': the command tag. Outside a transaction block it warns and
    does nothing (ROLLBACK); an aborted transaction rolls back."""
    m = _PREPARE.match(text)
    assert m is not None
    gid = _gid(m.group("rest"))
    if not s.in_block and (s.txn is None or not s.implicit):
        s.warn_no_transaction()
        return "ROLLBACK"
    if not s.in_block:
        s.warn_no_transaction()  # an implicit transaction (a multi-statement Query) is prepared, with a warning
    if s.failed:
        s.end_transaction(False)
        return "ROLLBACK"
    if _limit(s) <= 0:
        s.end_transaction(False)
        raise SqlError("55000", "prepared transactions are disabled",
                       hint="Set max_prepared_transactions to a nonzero value.")
    refusal = _cannot_prepare(s)
    if refusal is not None:
        s.end_transaction(False)
        raise SqlError("0A000", refusal)
    s.end_transaction(True, prepare_gid=gid)
    return "PREPARE TRANSACTION"


def _cannot_prepare(s: Session) -> str | None:
    if s.pending_listen or s.pending_notifies:
        return "cannot PREPARE a transaction that has executed LISTEN, UNLISTEN, or NOTIFY"
    if any(c.hold and c.txn is s.txn for c in (s.cursors or {}).values()):
        return "cannot PREPARE a transaction that has created a cursor WITH HOLD"
    return None


def prepare_in_storage(s: Session, txn: Transaction, gid: str) -> None:
    """The commit step of PREPARE TRANSACTION (the session's transaction state has ended)."""
    try:
        txn.prepare(gid, s.user, s.database, _limit(s))
    except StorageError as e:
        raise SqlError(e.sqlstate, str(e), detail=e.detail) from e


def finish_prepared(s: Session, text: str) -> str:
    """COMMIT PREPARED 'gid' / ROLLBACK PREPARED 'gid': the command tag."""
    m = _FINISH.match(text)
    if m is None:
        raise SqlError("42601", "syntax error at end of input")
    verb = m.group("verb").upper()
    gid = _gid(m.group("rest"))
    if s.in_block or s.txn is not None:
        raise SqlError("25001", f"{verb} PREPARED cannot run inside a transaction block")
    store = s.store
    try:
        p = store.prepared.take(gid, s.user, s.role_is_superuser(s.user))
        store.prepared.finish(p, verb == "COMMIT")
    except StorageError as e:
        raise SqlError(e.sqlstate, str(e), detail=e.detail, hint=getattr(e, "hint", None)) from e
    return f"{verb} PREPARED"
