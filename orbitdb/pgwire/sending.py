"""Sending a result's rows as DataRows while the statement produces them, a batch at a time.

A query's rows come from a RowStream (orbitdb.sql.exec.rowstream): at most BATCH_ROWS of them are
held before they are encoded and written, and the stream's output buffer is sent every 64 KB, so
the server's memory holds a batch, not the result. Between batches a client that has gone away
stops the statement; a client that stops reading blocks the send, and so the statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from orbitdb.pgwire.errors import ClientGone
from orbitdb.sql.exec.rowstream import RowStream
from orbitdb.sql.result import Notice

if TYPE_CHECKING:
    from orbitdb.pgwire.connection import Connection

BATCH_ROWS = 1000
Row = tuple[Any, ...]


class ListRows:
    """A result whose rows are already made (SHOW, EXPLAIN, RETURNING...), read as a stream."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = rows if isinstance(rows, list) else list(rows)
        self.count = 0

    def fetch(self, n: int) -> list[Row]:
        out = self.rows[self.count : self.count + n]
        self.count += len(out)
        return out

    def take_notices(self) -> list[Notice]:
        return []

    def restart_timeout(self) -> None:
        pass

    def close(self) -> None:
        self.rows = []


RowSource = RowStream | ListRows


def row_source(rows: Iterable[Row]) -> RowSource:
    return rows if isinstance(rows, RowStream) else ListRows(rows)


def send_rows(conn: Connection, source: RowSource, data_row: Callable[[Row], bytes], max_rows: int = 0
              ) -> tuple[int, bool]:
    """DataRows for the next rows of source, up to max_rows (0: all): (rows sent, whether the
    rows are exhausted). Raises the statement's SqlError after the rows before it were sent, and
    ClientGone when the client has disconnected."""
    write = conn.stream.write
    sent = 0
    while True:
        want = BATCH_ROWS if max_rows <= 0 else min(BATCH_ROWS, max_rows - sent)
        if want <= 0:
            return sent, False
        batch = source.fetch(want)  # fewer than want: the end, or an error the next fetch raises
        if not batch:
            return sent, True
        for row in batch:
            write(data_row(row))
        sent += len(batch)
        notices = source.take_notices()
        if notices:
            conn.send_notices(notices)
        if len(batch) == want and conn._client_gone():
            raise ClientGone("the client closed the connection while rows were being sent")
