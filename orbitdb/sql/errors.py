"""SQL errors carry PostgreSQL's SQLSTATE and message fields."""

from __future__ import annotations


class SqlError(Exception):
    """An error with PostgreSQL's fields: the wire server sends them in an ErrorResponse,
    the DB-API maps the SQLSTATE class to a PEP 249 exception."""

    def __init__(
        self,
        sqlstate: str,
        message: str,
        *,
        detail: str | None = None,
        hint: str | None = None,
        position: int | None = None,
        severity: str = "ERROR",
        schema: str | None = None,
        table: str | None = None,
        column: str | None = None,
        constraint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.severity = severity
        self.schema = schema
        self.table = table
        self.column = column
        self.constraint = constraint

    def __str__(self) -> str:
        return self.message
