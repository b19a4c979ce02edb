"""What executing SQL gives back: the shapes shared by the embedded DB-API and the wire server."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    """A result column as PostgreSQL's RowDescription describes it."""

    name: str
    type_oid: int
    type_size: int = -1  # pg_type.typlen
    type_modifier: int = -1  # atttypmod (e.g. varchar(n) -> n + 4)
    table_oid: int = 0
    column_number: int = 0
    text_binary: bool = False  # a user type whose binary form is its text (an enum's, as enum_send)


@dataclass
class Result:
    """The outcome of one statement.

    columns is None for statements that return no rows (DDL, DML without RETURNING);
    rows hold Python values (int, Decimal, float, str, bytes, bool, datetime types,
    Interval, UUID, dict/list for json, list for arrays, None). A query's rows are a
    RowStream (orbitdb.sql.exec.rowstream), produced as they are read: its tag is "SELECT"
    until they are exhausted, then "SELECT n"; other statements' rows are a list.
    """

    command_tag: str  # "SELECT 2", "INSERT 0 1", "UPDATE 3", "CREATE TABLE", "BEGIN", ...
    columns: list[Column] | None = None
    rows: Iterable[tuple[Any, ...]] = field(default_factory=list)
    rowcount: int = -1
    notices: list[Notice] = field(default_factory=list)
    binary: bool = False  # rows of a BINARY cursor: sent in binary format even by a simple Query


@dataclass(frozen=True)
class Notice:
    severity: str  # NOTICE, WARNING, INFO
    sqlstate: str
    message: str
    detail: str | None = None
    hint: str | None = None
    position: int | None = None  # 1-based, in the query message (as an error's)


class CopyIn:
    """COPY ... FROM STDIN: the caller feeds the data, then finishes (or aborts)."""

    format: str  # "text" | "csv" | "binary"
    column_count: int

    def feed(self, data: bytes) -> None:
        raise NotImplementedError

    def finish(self) -> Result:
        """Loads what was fed; returns Result("COPY n"). Raises SqlError on bad data."""
        raise NotImplementedError

    def abort(self, message: str) -> None:
        raise NotImplementedError


class CopyOut:
    """COPY ... TO STDOUT: the caller streams the encoded rows, then reports the tag."""

    format: str
    column_count: int

    def chunks(self) -> Iterator[bytes]:
        """Each chunk is one encoded row (text or CSV line with its newline)."""
        raise NotImplementedError

    def result(self) -> Result:
        raise NotImplementedError
