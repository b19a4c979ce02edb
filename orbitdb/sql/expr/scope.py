"""Name resolution: the columns visible at a point of a query, and the
statement-wide execution context the compiled code reads from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types import SqlType

# the meta key of a column reference * expanded to: its index in the scope it was expanded in
STAR_INDEX = "star_index"
_SCANNED = 16  # columns up to which find() reads them all rather than keep their positions by name


@dataclass
class ScopeColumn:
    rel: str | None  # the table alias it belongs to
    name: str
    type: SqlType
    hidden: bool = False  # not expanded by *
    table_oid: int = 0
    attnum: int = 0
    using_merged: bool = False  # a JOIN USING column hidden from qualified *
    perm: Any = None  # the plan's privilege requirement a read of this column adds to (permissions.py)
    function_value: bool = False  # the one column of a function in FROM returning a base type


@dataclass
class Scope:
    """Columns of the rows at one query level; parent is the enclosing query's
    scope (for correlated references); level is the depth from the outermost."""

    columns: list[ScopeColumn] = field(default_factory=list)
    parent: Scope | None = None
    level: int = 0
    rels: set[str] = field(default_factory=set)
    # a lateral/correlated reference into a parent level marks the subquery as correlated
    correlated: bool = False
    ctes: dict[str, Any] = field(default_factory=dict)  # WITH queries visible here (and in subqueries)
    tables: dict[str, Any] = field(default_factory=dict)  # alias -> TableAccess of each base table here
    # find()'s positions of each name: (the column list and its length they were taken from, them)
    _by_name: tuple[list[ScopeColumn], int, dict[str, list[int]]] | None = field(
        default=None, repr=False, compare=False)

    def find_cte(self, name: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            hit = scope.ctes.get(name)
            if hit is not None:
                return hit
            scope = scope.parent
        return None

    def child(self, columns: list[ScopeColumn] | None = None) -> Scope:
        return Scope(columns or [], parent=self, level=self.level + 1)

    def resolve(self, name: str, rel: str | None, star_index: int | None = None
                ) -> tuple[int, int, SqlType] | None:
        """(level, index, type) of a column reference, searching outwards. star_index: the
        column's place here when * expanded to it (one of several of that name)."""
        if star_index is not None and star_index < len(self.columns):
            c = self.columns[star_index]
            if c.name == name and c.rel == rel:
                return self.level, star_index, c.type
        scope: Scope | None = self
        while scope is not None:
            hit = scope.find(name, rel)
            if hit is not None:
                if scope is not self:
                    self.correlated = True
                return scope.level, hit, scope.columns[hit].type
            scope = scope.parent
        return None

    def table_oid(self, rel: str | None) -> int | None:
        """The system column tableoid: the oid of the base table rel (the only one here when rel
        is None) reads from; None when there is no such table at this level."""
        oids = {c.rel: c.table_oid for c in self.columns if c.table_oid and (rel is None or c.rel == rel)}
        if len(oids) > 1:
            raise SqlError("42702", 'column reference "tableoid" is ambiguous')
        return next(iter(oids.values()), None)

    def find(self, name: str, rel: str | None) -> int | None:
        cols = self.columns
        if len(cols) <= _SCANNED:
            at: Any = range(len(cols))
        else:
            # a join's scope is searched for every column its conditions and select list name:
            # the positions by name, taken again when the list was replaced or grew
            index = self._by_name
            if index is None or index[0] is not cols or index[1] != len(cols):
                positions: dict[str, list[int]] = {}
                for i, c in enumerate(cols):
                    positions.setdefault(c.name, []).append(i)
                index = self._by_name = (cols, len(cols), positions)
            at = index[2].get(name, ())
        found: int | None = None
        for i in at:
            c = cols[i]
            if c.name != name:
                continue
            if rel is not None:
                if c.rel != rel:
                    continue
            elif c.using_merged:
                continue
            if found is not None:
                raise SqlError("42702", f'column reference "{name}" is ambiguous')
            found = i
        if found is None and rel is None:
            for i in at:
                c = cols[i]
                if c.name == name and c.using_merged:
                    return i
        return found

    def has_rel(self, rel: str) -> bool:
        scope: Scope | None = self
        while scope is not None:
            if rel in scope.rels:
                return True
            scope = scope.parent
        return False
