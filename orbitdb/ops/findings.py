"""What `orbitdb check` found: damage (exit code 1) or notes, each saying where."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    damage: bool  # False: a note (a torn WAL tail, a leftover file): the database is usable
    database: str
    where: str  # a file name, "catalog", or "table t" / "index i"
    message: str
    offset: int | None = None  # byte offset in the file, when the finding has one

    def line(self) -> str:
        kind = "DAMAGE" if self.damage else "note"
        at = f" at offset {self.offset}" if self.offset is not None else ""
        return f"{kind}: {self.database}: {self.where}{at}: {self.message}"
