"""A regclass/regtype/... value as a query gives it: the oid, with the name it prints as (taken
when the row was made, as PostgreSQL's output function reads the catalog then)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self


class RegName(int):
    """A regclass/regtype... value: an oid that prints as the object's name."""

    name: str

    def __new__(cls, oid: int, name: str) -> Self:
        o = int.__new__(cls, oid)
        o.name = name
        return o

    def __str__(self) -> str:
        return self.name
