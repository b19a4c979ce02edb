"""orbitdb.Row: sqlite3.Row's habits for orbitdb's rows (con.row_factory = orbitdb.Row).

A row is read by position (row[0]) or by column name (row["name"], case-insensitive as
sqlite3's), keys() gives the column names, and it compares equal to a Row of the same
columns and values."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class Row:
    __slots__ = ("_description", "_values")

    def __init__(self, cursor: Any, values: tuple[Any, ...]) -> None:
        self._description = tuple(c[0] for c in cursor.description or ())
        self._values = tuple(values)

    def keys(self) -> list[str]:
        return list(self._description)

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            try:
                return self._values[self._description.index(key)]
            except ValueError:
                folded = key.casefold()
                for i, name in enumerate(self._description):
                    if name.casefold() == folded:
                        return self._values[i]
            raise IndexError(f"No item with that key: {key!r}")
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return self._description == other._description and self._values == other._values

    def __hash__(self) -> int:
        return hash((self._description, self._values))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in zip(self._description, self._values))
        return f"<orbitdb.Row {fields}>"
