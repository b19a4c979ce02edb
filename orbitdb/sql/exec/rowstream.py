"""A query's rows produced as they are asked for, so that a client that stops reading (LIMIT, a
portal with a row limit, a cursor that is closed) stops the work below it, and memory holds one
batch rather than the result.

The statement stays live while its rows are: its transaction, snapshot and locks last until the
rows are exhausted, the stream is closed, or the transaction ends (which closes every stream of
the session first). A statement that is its own transaction (autocommit) commits when its rows
are exhausted or the stream is closed, and rolls back when producing them fails."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from orbitdb.sql import statement_scope
from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.spill import release as release_statement
from orbitdb.storage.errors import StorageError

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.expr.core import Runtime
    from orbitdb.sql.session.session import Session

log = logging.getLogger("orbitdb.sql")
Row = tuple[Any, ...]
FIRST_BATCH = 100  # rows a statement produces before it returns (the rest as they are read)


class QueryRows:
    """What a compiled query's run gives back: its rows, not yet produced, and the context they
    are produced in. Iterating it directly (CREATE TABLE AS, EXPLAIN ANALYZE) runs them inside
    the statement that made it; the session turns it into a RowStream when the rows are the
    statement's result."""

    def __init__(self, rows: Iterator[Row], rt: Runtime, ctx: ExecContext) -> None:
        self.rows = rows
        self.rt = rt
        self.ctx = ctx

    def __iter__(self) -> Iterator[Row]:
        return self.rows


class RowStream:
    """The rows of one running query. fetch(n) produces up to n more; fewer means the end.

    An error while producing rows is raised by the fetch after the rows before it have been
    handed out (PostgreSQL sends those DataRows before its ErrorResponse); the statement fails
    as if it had failed at once (the transaction, or the block, is aborted)."""

    def __init__(self, session: Session, rows: QueryRows, autocommit: bool, result: Result | None = None,
                 timeout_ms: int = 0, lock_timeout_ms: int = 0) -> None:
        self.session = session
        self.ctx: ExecContext | None = rows.ctx
        self.txn = rows.ctx.txn
        self.rt = rows.rt
        self._rows: Iterator[Row] | None = rows.rows
        self._buffer: list[Row] = []  # produced ahead (prefetch, materialize), from _buffer_pos on
        self._buffer_pos = 0
        self._error: BaseException | None = None  # raised by the next fetch
        self.autocommit = autocommit
        self.result = result  # gets its tag ("SELECT n") when the rows are exhausted
        self.timeout_ms = timeout_ms
        self.lock_timeout_ms = lock_timeout_ms  # a row lock (FOR UPDATE) waited for while producing
        self._lock_check = self.txn.check if self.txn is not None else None  # the statement's
        self.count = 0  # rows handed out
        self.notices: list[Notice] = []  # raised while rows were produced; the caller sends them
        self._defer_failure = False  # materialize(defer_failure=True) is running
        self._fail_when_raised = False  # the error, when raised, aborts the transaction then
        self._caller_aborts = False  # see leave_failure_to_caller
        session.live_streams.append(self)

    @property
    def exhausted(self) -> bool:
        """Every row has been handed out and the statement ended without an error."""
        return self._rows is None and not self._buffer and self._error is None

    def __iter__(self) -> Iterator[Row]:
        while True:
            batch = self.fetch(1000)
            if not batch:
                return
            yield from batch

    def restart_timeout(self) -> None:
        """statement_timeout counts again from now: the rows of a suspended portal or of a
        DB-API cursor are asked for by a new message or call, as a FETCH is a new statement."""
        if self.timeout_ms > 0 and self.ctx is not None:
            self.ctx.deadline = time.monotonic() + self.timeout_ms / 1000.0

    def leave_failure_to_caller(self) -> None:
        """An error while producing rows does not abort the transaction here: the statement
        that fetches them (a cursor's FETCH) fails with it, and that aborts it."""
        self._caller_aborts = True

    def take_error(self) -> BaseException | None:
        """The error kept by a fetch that handed out the rows before it."""
        error, self._error = self._error, None
        self._fail_when_raised = False
        return error

    def take_notices(self) -> list[Notice]:
        out, self.notices = self.notices, []
        return out

    def prefetch(self, n: int) -> None:
        """Produces up to n rows now and keeps them for the next fetch; raises as fetch does."""
        rows = self.fetch(n)
        self.count -= len(rows)
        self._buffer = rows + self._buffer[self._buffer_pos :]
        self._buffer_pos = 0

    def complete_rows(self) -> list[Row] | None:
        """Every row, when all were produced without an error and none handed out (a small
        result after prefetch): the caller holds them as a list and the stream is done."""
        if self._rows is not None or self._error is not None or self.count:
            return None
        rows = self._buffer[self._buffer_pos :]
        self._buffer, self._buffer_pos = [], 0
        self.count = len(rows)
        return rows

    def fetch(self, n: int) -> list[Row]:
        if self._buffer:
            pos = self._buffer_pos
            out = self._buffer[pos : pos + n]
            self._buffer_pos = pos + len(out)
            if self._buffer_pos >= len(self._buffer):
                self._buffer, self._buffer_pos = [], 0
            self.count += len(out)
            return out
        if self._error is not None:
            error, self._error = self._error, None
            if self._fail_when_raised:
                self._fail_when_raised = False
                self._abort_transaction()
            raise error
        if self._rows is None:
            return []
        s = self.session
        if s.failed and s.txn is self.txn:
            raise SqlError("25P02", "current transaction is aborted, commands ignored until end of transaction block")
        out: list[Row] = []
        failure = self._produce(out, n)
        self.count += len(out)
        if failure is None and len(out) < n:
            self._finish()
            failure, self._error = self._error, None  # the commit of an autocommitted statement
        if failure is not None:
            if not out:
                raise failure
            self._error = failure
        return out

    def fetch_columns(self) -> list[tuple[Any, Any]] | None:
        """Every row not handed out yet as columns ((values, NULL mask) numpy arrays per column),
        when the query runs on batches (orbitdb/sql/batch/project.py) and no rows wait in the
        buffer; else None, and fetch() goes on. The stream is exhausted after it; an error is
        raised as fetch raises it."""
        rows = self._rows
        rest = getattr(rows, "rest_columns", None)
        if rest is None or self._buffer or self._error is not None:
            return None
        s = self.session
        if s.failed and s.txn is self.txn:
            raise SqlError("25P02", "current transaction is aborted, commands ignored until end of transaction block")
        got: list[Any] = []

        def take(out: list[Row], n: int) -> None:  # (_produce_in_scope's step, columns instead of rows)
            cols = rest()
            if cols is not None:
                got.append(cols)
        failure = self._produce_with(take)
        if failure is not None:
            raise failure
        if not got:
            return None
        self.count += len(got[0][0][0]) if got[0] else 0
        self._finish()
        failure, self._error = self._error, None  # the commit of an autocommitted statement
        if failure is not None:
            raise failure
        return got[0]  # type: ignore[no-any-return]

    def _produce(self, out: list[Row], n: int) -> BaseException | None:
        """Appends up to n rows to out, inside the statement's scope; the error that stopped it."""
        return self._produce_with(lambda o, k: o.extend(islice(self._rows, k)), out, n)  # type: ignore[arg-type]

    def _produce_with(self, step: Callable[[list[Row], int], None], out: list[Row] | None = None, n: int = 0
                      ) -> BaseException | None:
        s = self.session
        if statement_scope.running_session() is s:  # called by the statement itself (prefetch): its scope is set
            return self._produce_in_scope(step, out if out is not None else [], n)
        with s._statement_scope():
            return self._produce_in_scope(step, out if out is not None else [], n)

    def _produce_in_scope(self, step: Callable[[list[Row], int], None], out: list[Row], n: int
                          ) -> BaseException | None:
        s = self.session
        ctx = self.ctx
        assert ctx is not None and self._rows is not None
        self.rt.ctx = ctx  # the plan may be shared with another running statement (same query)
        s.running_context = ctx
        s.running = True
        txn = self.txn
        if txn is not None:
            txn.check = self._lock_check
            if self.lock_timeout_ms > 0:
                txn.lock_deadline = time.monotonic() + self.lock_timeout_ms / 1000.0
        try:
            ctx.check()
            step(out, n)
        except SqlError as exc:
            return self._failed(exc)
        except StorageError as exc:
            return self._failed(SqlError(exc.sqlstate, str(exc), detail=exc.detail))
        except RecursionError:
            return self._failed(SqlError("54001", "stack depth limit exceeded"))
        except BaseException as exc:
            self._failed(exc)
            raise
        finally:
            s.running_context = None
            s.running = False
            if txn is not None:
                txn.lock_deadline = None
            if s.notices:
                self.notices.extend(s.notices)
                s.notices = []
        return None

    def _failed(self, error: BaseException) -> BaseException:
        """The statement failed while producing rows: it ends, and its transaction (or block)
        is aborted as for any failed statement (when the error is raised, if it is deferred)."""
        self._stop()
        if self._caller_aborts:
            pass
        elif self._defer_failure:
            self._fail_when_raised = True
        else:
            self._abort_transaction()
        return error

    def _abort_transaction(self) -> None:
        s = self.session
        if s.txn is self.txn:
            s._fail(self.autocommit)

    def _finish(self) -> None:
        """The rows are exhausted: an autocommitted statement commits."""
        self._stop(close_rows=False)
        if self.result is not None and self.result.command_tag == "SELECT":
            # called by the fetch that found the end (the buffer is empty then): count is all
            self.result.command_tag = f"SELECT {self.count}"
            self.result.rowcount = self.count
        self._end_own_transaction()

    def _end_own_transaction(self) -> None:
        s = self.session
        if self.autocommit and s.txn is self.txn and not s.in_block:
            try:
                s._end(True)
            except SqlError as exc:
                self._error = exc

    def _stop(self, close_rows: bool = True) -> None:
        """Stops producing (the plan's generators are closed, releasing what they hold)."""
        rows, self._rows = self._rows, None
        ctx, self.ctx = self.ctx, None
        try:
            self.session.live_streams.remove(self)
        except ValueError:
            pass
        close = getattr(rows, "close", None) if close_rows else None  # an exhausted one has nothing left
        if close is not None:
            try:
                close()
            except Exception:
                log.debug("closing the rows of a statement failed", exc_info=True)
        if ctx is not None:
            release_statement(ctx)  # its temporary files, what it kept for CTEs, parameters
            if self.rt.ctx is ctx:
                self.rt.ctx = None  # the plan stays cached; its last statement's rows need not

    def close(self) -> None:
        """The consumer wants no more rows: the statement ends (an autocommitted one commits)."""
        self._buffer, self._buffer_pos = [], 0
        self._error = None
        if self._rows is None:
            return
        self._stop()
        self._end_own_transaction()
        self._error = None

    def discard(self) -> None:
        """The transaction is ending under the stream: stop without touching it."""
        self._buffer, self._buffer_pos = [], 0
        self._stop()

    def materialize(self, defer_failure: bool = False) -> BaseException | None:
        """Produces the remaining rows now and keeps them, so that the statement ends before the
        next one starts (a DB-API cursor that is no longer the connection's current one, the
        statements of one query string run for an embedded caller, a portal before another
        statement of its transaction). An error stays pending for the fetch after the rows
        before it; it is also returned. defer_failure: the transaction is aborted by that fetch,
        not now (a portal's error belongs to the Execute that reaches it, as in PostgreSQL)."""
        if self._rows is None:
            return self._error
        rows: list[Row] = []
        counted = self.count
        self._defer_failure = defer_failure
        try:
            while self._rows is not None and self._error is None:
                rows.extend(self.fetch(1000))
        except Exception as exc:  # noqa: BLE001 - raised by the fetch after the rows before it
            self._error = exc
        finally:
            self._defer_failure = False
        self.count = counted
        self._buffer, self._buffer_pos = rows, 0
        return self._error
