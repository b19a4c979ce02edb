"""Text input and output of values (the single place the SQL layer reaches
PostgreSQL's text formats in orbitdb.sql.types.pgtext)."""

from __future__ import annotations

from typing import Any

from orbitdb.sql.types import pgtext


def to_text(value: Any, type_oid: int, tz: Any = None) -> str:
    return pgtext.format_text(value, type_oid, tz) if tz is not None else pgtext.format_text(value, type_oid)


def from_text(text: str, type_oid: int, tz: Any = None) -> Any:
    return pgtext.parse_text(text, type_oid, tz) if tz is not None else pgtext.parse_text(text, type_oid)
