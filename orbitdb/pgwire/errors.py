"""Errors of the wire protocol and their ErrorResponse/NoticeResponse fields."""

from __future__ import annotations

from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Notice

PROTOCOL_VIOLATION = "08P01"
CHARACTER_NOT_IN_REPERTOIRE = "22021"
INTERNAL_ERROR = "XX000"


class ProtocolError(SqlError):
    """The client broke the protocol. fatal=True: answer FATAL and close the connection
    (the byte stream can no longer be trusted); else an ERROR and the connection goes on."""

    def __init__(self, message: str, *, fatal: bool = True, sqlstate: str = PROTOCOL_VIOLATION) -> None:
        super().__init__(sqlstate, message, severity="FATAL" if fatal else "ERROR")
        self.fatal = fatal


class ClientGone(Exception):
    """The client closed the connection (or it broke) while we read or wrote."""


def error_fields(error: SqlError) -> list[tuple[bytes, str]]:
    """ErrorResponse fields in PostgreSQL's order: S, V, C, M, D, H, P, then schema/table/..."""
    fields: list[tuple[bytes, str]] = [
        (b"S", error.severity),
        (b"V", error.severity),
        (b"C", error.sqlstate),
        (b"M", error.message),
    ]
    if error.detail:
        fields.append((b"D", error.detail))
    if error.hint:
        fields.append((b"H", error.hint))
    if error.position:
        fields.append((b"P", str(error.position)))
    for code, value in (
        (b"s", error.schema),
        (b"t", error.table),
        (b"c", error.column),
        (b"n", error.constraint),
    ):
        if value:
            fields.append((code, value))
    return fields


def notice_fields(notice: Notice) -> list[tuple[bytes, str]]:
    fields: list[tuple[bytes, str]] = [
        (b"S", notice.severity),
        (b"V", notice.severity),
        (b"C", notice.sqlstate),
        (b"M", notice.message),
    ]
    if notice.detail:
        fields.append((b"D", notice.detail))
    if notice.hint:
        fields.append((b"H", notice.hint))
    if notice.position:
        fields.append((b"P", str(notice.position)))
    return fields
