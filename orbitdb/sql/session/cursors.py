"""SQL cursors: DECLARE, FETCH, MOVE, CLOSE, as PostgreSQL 15 runs them.

A cursor's rows come from the query's row stream as FETCH asks for them: a forward-only cursor
keeps none of them, a SCROLL cursor keeps those it has produced (to go back to them). A WITH HOLD
cursor is produced to its end when its transaction commits and lives on from those rows.

A cursor declared with neither SCROLL nor NO SCROLL is forward-only here (PostgreSQL lets some
plans go backward then): going back needs the rows kept, which only SCROLL asks for.

The position follows PostgreSQL's: 0 before the first row, k on the k-th row, total + 1 after
the last."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.rowstream import QueryRows, RowStream
from orbitdb.sql.parse.parser import Statement, strip_comments
from orbitdb.sql.parse.words import identifier
from orbitdb.sql.result import Column, Result
from orbitdb.sql.session.prepared_sql import inner_statement

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session
    from orbitdb.storage.txn import Transaction

_UTC = datetime.timezone.utc
Row = tuple[Any, ...]
ALL = -1  # a count of FETCH ALL / FORWARD ALL / BACKWARD ALL
_BATCH = 1000
_NAME = r'"(?:[^"]|"")+"|[A-Za-z_][A-Za-z_0-9$]*'
_DECLARE = re.compile(
    rf"\s*DECLARE\s+(?P<name>{_NAME})\s+(?P<opts>(?:(?:BINARY|ASENSITIVE|INSENSITIVE|NO\s+SCROLL|SCROLL)\s+)*)"
    r"CURSOR\s+(?:(?P<hold>WITH|WITHOUT)\s+HOLD\s+)?FOR\b",
    re.IGNORECASE,
)
_FETCH = re.compile(r"\s*(?P<verb>FETCH|MOVE)\b(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_SIGNED = re.compile(r"[+-]?\d+$")


def _forward_only() -> SqlError:
    return SqlError("55000", "cursor can only scan forward", hint="Declare it with SCROLL option to enable backward scan.")


@dataclass
class Cursor:
    name: str
    statement: str  # the DECLARE text (pg_cursors.statement)
    columns: list[Column]
    scroll: bool
    hold: bool
    binary: bool
    txn: Transaction | None  # the declaring transaction (None once held past its commit)
    stream: RowStream | None
    created: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(_UTC))
    kept: list[Row] = field(default_factory=list)  # rows base + 1 ... base + len(kept)
    base: int = 0
    produced: int = 0  # rows taken from the stream so far
    total: int | None = None  # known once the stream is exhausted
    pos: int = 0

    # ---- rows ----
    def _produce(self, n: int, ctx: ExecContext | None) -> None:
        """Takes up to n more rows from the stream into kept (n == ALL: every row)."""
        stream = self.stream
        while stream is not None and (n == ALL or n > 0):
            want = _BATCH if n == ALL else min(n, _BATCH)
            if ctx is not None and stream.ctx is not None:
                stream.ctx.deadline = ctx.deadline  # this FETCH's statement_timeout
            rows = stream.fetch(want)
            error = stream.take_error()
            self.kept.extend(rows)
            self.produced += len(rows)
            if error is not None:
                self.stream = None
                raise error
            if len(rows) < want:
                self.total = self.produced
                self.stream = None
                return
            if n != ALL:
                n -= len(rows)

    def _row(self, k: int, ctx: ExecContext | None) -> Row | None:
        """Row k (1-based), produced if need be; None past the end."""
        if k > self.produced and self.total is None:
            self._produce(k - self.produced, ctx)
        i = k - 1 - self.base
        return self.kept[i] if 0 <= i < len(self.kept) else None

    def _forget_passed(self) -> None:
        """A forward-only cursor keeps no row it has passed."""
        if not self.scroll and self.pos > self.base:
            drop = min(self.pos - self.base, len(self.kept))
            del self.kept[:drop]
            self.base += drop

    # ---- PostgreSQL's PortalRunSelect and DoPortalRewind ----
    def run(self, forward: bool, count: int, ctx: ExecContext | None, emit: bool) -> tuple[int, list[Row]]:
        """Moves count rows (ALL: to the end or the start) forward or backward, handing them out
        when emit; the number of rows passed."""
        out: list[Row] = []
        done = 0
        if forward:
            while count == ALL or done < count:
                if self.total is not None and self.pos > self.total:
                    break
                avail = self.base + len(self.kept) - self.pos  # kept rows after the position
                if avail <= 0:
                    if self.total is not None:
                        self.pos = self.total + 1
                        break
                    self._produce(_BATCH if count == ALL else min(count - done, _BATCH), ctx)
                    continue
                take = avail if count == ALL else min(avail, count - done)
                if emit:
                    start = self.pos - self.base
                    out.extend(self.kept[start:start + take])
                self.pos += take
                done += take
                self._forget_passed()
            return done, out
        if not self.scroll:
            raise _forward_only()
        while count == ALL or done < count:
            if self.pos <= 1:
                self.pos = 0
                break
            self.pos -= 1
            done += 1
            if emit:
                row = self._row(self.pos, ctx)
                assert row is not None
                out.append(row)
        return done, out

    def rewind(self) -> None:
        at_start = self.pos == 0
        if at_start:
            return
        if not self.scroll:
            raise _forward_only()
        self.pos = 0

    def at_end(self) -> bool:
        return self.total is not None and self.pos > self.total

    def fetch(self, direction: str, count: int, ctx: ExecContext | None, emit: bool) -> tuple[int, list[Row]]:
        """PostgreSQL's PortalRunFetch: the rows (or, for MOVE, the count) of one FETCH."""
        if direction == "ABSOLUTE":
            if count > 0:
                current = self.pos if not self.at_end() else (self.total or 0)
                if count - 1 <= current // 2:
                    self.rewind()
                    if count > 1:
                        self.run(True, count - 1, ctx, False)
                else:
                    here = current + 1 if self.at_end() else current
                    if count <= here:
                        self.run(False, here - count + 1, ctx, False)
                    elif count > here + 1:
                        self.run(True, count - here - 1, ctx, False)
                return self.run(True, 1, ctx, emit)
            if count < 0:
                self.run(True, ALL, ctx, False)
                if count < -1:
                    self.run(False, -count - 1, ctx, False)
                return self.run(False, 1, ctx, emit)
            self.rewind()
            return 0, []
        if direction == "RELATIVE":
            if count > 0:
                if count > 1:
                    self.run(True, count - 1, ctx, False)
                return self.run(True, 1, ctx, emit)
            if count < 0:
                if count < -1:
                    self.run(False, -count - 1, ctx, False)
                return self.run(False, 1, ctx, emit)
            direction = "FORWARD"
        forward = direction == "FORWARD"
        if count == 0:
            on_row = self.pos > 0 and not self.at_end()
            if not emit:
                return (1 if on_row else 0), []
            if not on_row:
                return 0, []
            self.run(False, 1, ctx, False)
            count, forward = 1, True
        if not forward and count == ALL and not emit:
            passed = (self.total or 0) if self.at_end() else max(self.pos - 1, 0)
            self.rewind()
            return passed, []
        return self.run(forward, count, ctx, emit)

    # ---- the end of its transaction ----
    def hold_rows(self) -> None:
        """The declaring transaction commits: every row is produced now, and the cursor lives on
        from them (PostgreSQL's PersistHoldablePortal)."""
        if self.stream is not None:
            self._produce(ALL, None)
        self.txn = None

    def close(self) -> None:
        stream, self.stream = self.stream, None
        if stream is not None:
            stream.close()
        self.kept = []


# ---- the statements ----
def declare(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Result:
    text = strip_comments(st.text)
    m = _DECLARE.match(text)
    if m is None:
        word = text.split()[1] if len(text.split()) > 1 else ""
        raise SqlError("42601", f'syntax error at or near "{word}"' if word else "syntax error at end of input")
    name = identifier(m.group("name"))
    opts = " ".join(m.group("opts").upper().split())
    scroll = "SCROLL" in opts.replace("NO SCROLL", "")
    if scroll and "NO SCROLL" in opts:
        raise SqlError("42601", "cannot specify both SCROLL and NO SCROLL")
    if "INSENSITIVE" in opts.split() and "ASENSITIVE" in opts.split():
        raise SqlError("42601", "cannot specify both INSENSITIVE and ASENSITIVE")
    hold = (m.group("hold") or "").upper() == "WITH"
    inner = inner_statement(st, text[m.end():], "DECLARE")
    if not hold and not (s.in_block or s.multi_statement):
        raise SqlError("25P01", "DECLARE CURSOR can only be used in transaction blocks")
    if name in s.cursors:
        raise SqlError("42P03", f'cursor "{name}" already exists')
    if hold and re.search(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b", inner.text, re.IGNORECASE):
        raise SqlError("0A000", "DECLARE CURSOR WITH HOLD ... FOR UPDATE is not supported",
                       detail="Holdable cursors must be READ ONLY.")
    p = s.prepare_statement(inner, [], param_count=len(params))
    result = s.run_planned(p, params, _cursor_context(s, ctx, params))
    rows = result.rows
    if not isinstance(rows, QueryRows):  # a query that produced its rows at once
        rows = QueryRows(iter(list(rows)), p.compiled.rt, _cursor_context(s, ctx, params))
    stream = RowStream(s, rows, False)
    stream.leave_failure_to_caller()
    s.cursors[name] = Cursor(name, st.text, list(result.columns or []), scroll, hold, "BINARY" in opts.split(),
                             ctx.txn, stream)
    return Result("DECLARE CURSOR")


def _cursor_context(s: Session, ctx: ExecContext, params: list[Any]) -> ExecContext:
    """The cursor's query runs in a context of its own: it outlives the DECLARE statement."""
    own = ExecContext(s, ctx.txn, list(params))
    own.statement_time = ctx.statement_time
    return own


def _count(tok: str) -> int:
    if tok.upper() == "ALL":
        return ALL
    if not _SIGNED.match(tok):
        raise SqlError("42601", f'syntax error at or near "{tok}"')
    return int(tok)


def _direction(words: list[str]) -> tuple[str, int, list[str]]:
    """(FORWARD/BACKWARD/ABSOLUTE/RELATIVE, count, the words after the direction)."""
    up = [w.upper() for w in words]
    if not up:
        return "FORWARD", 1, words
    head = up[0]
    simple = {"NEXT": ("FORWARD", 1), "PRIOR": ("BACKWARD", 1), "FIRST": ("ABSOLUTE", 1), "LAST": ("ABSOLUTE", -1)}
    if head in simple:
        d, c = simple[head]
        return d, c, words[1:]
    if head in ("ABSOLUTE", "RELATIVE"):
        if len(words) < 2 or not _SIGNED.match(words[1]):
            raise SqlError("42601", f'syntax error at or near "{words[1] if len(words) > 1 else head}"')
        return head, int(words[1]), words[2:]
    if head in ("FORWARD", "BACKWARD"):
        if len(words) > 1 and (up[1] == "ALL" or _SIGNED.match(words[1])):
            c = _count(words[1])
            if c != ALL and c < 0:  # FORWARD -n is BACKWARD n
                return ("BACKWARD" if head == "FORWARD" else "FORWARD"), -c, words[2:]
            return head, c, words[2:]
        return head, 1, words[1:]
    if head == "ALL":
        return "FORWARD", ALL, words[1:]
    if _SIGNED.match(words[0]):
        c = int(words[0])
        return ("FORWARD", c, words[1:]) if c >= 0 else ("BACKWARD", -c, words[1:])
    return "FORWARD", 1, words


def _fetch_words(text: str) -> list[str]:
    return re.findall(r'"(?:[^"]|"")+"|[+-]?\d+|[A-Za-z_][A-Za-z_0-9$]*|\S', text)


def _fetch_statement(text: str) -> tuple[str, str, int, str]:
    """(FETCH or MOVE, direction, count, cursor name) of a FETCH or MOVE statement."""
    m = _FETCH.match(strip_comments(text))
    if m is None:
        raise SqlError("42601", "syntax error at end of input")
    words = _fetch_words(m.group("rest"))
    direction, count, rest = _direction(words)
    if rest and rest[0].upper() in ("FROM", "IN"):
        rest = rest[1:]
    if len(rest) != 1:
        raise SqlError("42601", f'syntax error at or near "{rest[1]}"' if len(rest) > 1 else "syntax error at end of input")
    return m.group("verb").upper(), direction, count, identifier(rest[0])


def fetch_columns(s: Session, text: str) -> list[Column] | None:
    """The row type a FETCH will have (its cursor's), for a Describe before it runs."""
    try:
        verb, _, _, name = _fetch_statement(text)
    except SqlError:
        return None
    cursor = s.cursors.get(name)
    return cursor.columns if verb == "FETCH" and cursor is not None else None


def fetch(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Result:
    verb, direction, count, name = _fetch_statement(st.text)
    cursor = s.cursors.get(name)
    if cursor is None:
        raise SqlError("34000", f'cursor "{name}" does not exist')
    emit = verb == "FETCH"
    passed, rows = cursor.fetch(direction, count, ctx, emit)
    if not emit:
        return Result(f"MOVE {passed}")
    result = Result(f"FETCH {len(rows)}", cursor.columns, rows, len(rows))
    if cursor.binary:
        result.binary = True
    return result


def close(s: Session, st: Statement, params: list[Any], ctx: ExecContext) -> Result:
    words = _fetch_words(strip_comments(st.text))[1:]
    if len(words) != 1:
        raise SqlError("42601", f'syntax error at or near "{words[1]}"' if len(words) > 1 else "syntax error at end of input")
    if words[0].upper() == "ALL":
        close_all(s)
        return Result("CLOSE CURSOR ALL")
    name = identifier(words[0])
    cursor = s.cursors.pop(name, None)
    if cursor is None:
        raise SqlError("34000", f'cursor "{name}" does not exist')
    cursor.close()
    return Result("CLOSE CURSOR")


def close_all(s: Session) -> None:
    cursors, s.cursors = s.cursors, {}
    for cursor in cursors.values():
        cursor.close()


def at_transaction_end(s: Session, txn: Transaction | None, commit: bool) -> None:
    """Before the transaction ends: its WITH HOLD cursors are produced to their end when it
    commits; every other cursor it declared is closed (all of them when it rolls back)."""
    for name, cursor in list(s.cursors.items()):
        if cursor.txn is None:
            continue  # held past an earlier commit
        if commit and cursor.hold and cursor.txn is txn:
            try:
                cursor.hold_rows()
            except SqlError:
                s.cursors.pop(name, None)
                cursor.close()
                raise
            continue
        s.cursors.pop(name, None)
        cursor.close()
