"""What a trigger function is handed when it fires (PL/pgSQL's NEW, OLD and TG_* variables)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TriggerData:
    tg_name: str
    tg_when: str  # "BEFORE", "AFTER" or "INSTEAD OF"
    tg_level: str  # "ROW" or "STATEMENT"
    tg_op: str  # "INSERT", "UPDATE", "DELETE" or "TRUNCATE"
    tg_relid: int
    tg_table_name: str
    tg_table_schema: str
    tg_argv: list[str] = field(default_factory=list)
    # rows keyed by column name in table order; None where PostgreSQL's NEW/OLD is NULL
    new: dict[str, Any] | None = None
    old: dict[str, Any] | None = None
    columns: list[tuple[str, str]] = field(default_factory=list)  # (name, SQL type name) in table order

    @property
    def tg_nargs(self) -> int:
        return len(self.tg_argv)
