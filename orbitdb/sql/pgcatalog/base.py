"""System relations: pg_catalog and information_schema tables and views whose
rows are computed, on each scan, from the catalog the scanning session sees.

A relation's columns are PostgreSQL 15's (names, types, order: see builtin_data);
a module gives it rows by registering a producer::

    @producer("pg_catalog", "pg_am")
    def _pg_am(env: Env, make: RowMaker) -> Iterator[tuple]:
        yield make(oid=2, amname="heap", amhandler=3, amtype="t")

``make`` builds a row tuple from column names (unnamed columns are NULL or the
defaults given to ``producer``). Relations without a producer are empty.

Values follow the SQL layer's conventions: oid/reg*/xid as int, name/text/"char"
as str, arrays, int2vector and oidvector as lists, pg_node_tree as SQL text."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orbitdb.sql import types as T
from orbitdb.sql.pgcatalog import oids
from orbitdb.sql.pgcatalog.builtin_data import RELATIONS, RelSpec
from orbitdb.sql.types import SqlType
from orbitdb.storage.catalog import Catalog, SchemaDef, SequenceDef, TableDef

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext

Row = tuple[Any, ...]


class RowMaker:
    """Builds rows of one relation from keyword arguments named after its columns."""

    __slots__ = ("base", "index", "names")

    def __init__(self, names: list[str], defaults: dict[str, Any]) -> None:
        self.names = names
        self.index = {n: i for i, n in enumerate(names)}
        base: list[Any] = [None] * len(names)
        for k, v in defaults.items():
            base[self.index[k]] = v
        self.base = base

    def __call__(self, **values: Any) -> Row:
        row = list(self.base)
        index = self.index
        for k, v in values.items():
            row[index[k]] = v
        return tuple(row)

    def from_dict(self, values: dict[str, Any]) -> Row:
        return tuple(values.get(n, b) for n, b in zip(self.names, self.base))


Producer = Callable[["Env", RowMaker], Iterable[Row]]
_PRODUCERS: dict[tuple[str, str], tuple[Producer, dict[str, Any]]] = {}


def producer(schema: str, name: str, **defaults: Any) -> Callable[[Producer], Producer]:
    """Registers the row producer of a system relation (which must exist in PostgreSQL 15)."""

    def deco(fn: Producer) -> Producer:
        if (schema, name) not in RELATIONS:
            raise KeyError(f"{schema}.{name} is not a PostgreSQL 15 system relation")
        _PRODUCERS[(schema, name)] = (fn, defaults)
        return fn

    return deco


class SystemRelation:
    """What the planner scans: columns and a row source computed per scan.

    Catalog tables (not views) also have PostgreSQL's system columns tableoid and xmin
    (pg_dump selects ``tableoid`` from every catalog): ``hidden_columns`` lists them and
    ``rows_with_hidden(ctx)`` yields each row with their values appended; a planner that
    supports them adds them as hidden scope columns (not expanded by ``*``)."""

    def __init__(self, spec: RelSpec) -> None:
        self.spec = spec
        self.schema = spec.schema
        self.name = spec.name
        self.oid = spec.oid
        self.columns: list[tuple[str, SqlType]] = spec.columns
        self.hidden_columns: list[tuple[str, SqlType]] = (
            [("tableoid", T.OID), ("xmin", T.XID)] if spec.kind == "r" else [])
        fn, defaults = _PRODUCERS.get((spec.schema, spec.name), (None, {}))
        self._producer = fn
        self._maker = RowMaker([c[0] for c in self.columns], defaults)

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        """The rows, computed once per statement and catalog state: a correlated subquery scans
        pg_attribute once per outer row (Django's introspection), which must not rebuild it each time."""
        if self._producer is None:
            return iter(())
        session = ctx.session
        key = (self.oid, session.catalog().version, getattr(session, "user", None))
        cached = ctx.system_rows.get(key)
        if cached is None:
            cached = ctx.system_rows[key] = list(self._producer(Env(session), self._maker))
        return iter(cached)

    def rows_with_hidden(self, ctx: ExecContext) -> Iterator[Row]:
        """Rows with the values of hidden_columns appended."""
        extra = (self.oid, 1) if self.hidden_columns else ()
        for r in self.rows(ctx):
            yield r + extra

    def rows_for(self, session: Any) -> list[Row]:
        """All rows as the session sees them (for catalog functions and tests)."""
        if self._producer is None:
            return []
        return list(self._producer(Env(session), self._maker))

    def __repr__(self) -> str:
        return f"<SystemRelation {self.schema}.{self.name}>"


@functools.cache
def relation(schema: str, name: str) -> SystemRelation | None:
    spec = RELATIONS.get((schema, name))
    return SystemRelation(spec) if spec is not None else None


BUILTIN_SCHEMAS = {"pg_catalog": oids.PG_CATALOG_NAMESPACE, "information_schema": oids.INFORMATION_SCHEMA_NAMESPACE,
                   "pg_toast": oids.PG_TOAST_NAMESPACE}


@dataclass
class Env:
    """One scan's view of the session: its catalog, user, database and search path."""

    session: Any

    @functools.cached_property
    def cat(self) -> Catalog:
        return self.session.catalog()  # type: ignore[no-any-return]

    @property
    def user(self) -> str:
        return str(getattr(self.session, "user", "orbit"))

    @property
    def database(self) -> str:
        return str(getattr(self.session, "database", "actors"))

    @property
    def database_oid(self) -> int:
        return int(getattr(getattr(self.session, "db", None), "oid", oids.DATABASE_OID))

    @property
    def cluster(self) -> Any:
        """The server's Cluster (all its databases), or None for an embedded database."""
        return getattr(getattr(self.session, "db", None), "cluster", None)

    # -- schemas --
    @functools.cached_property
    def schemas(self) -> list[SchemaDef]:
        return sorted(self.cat.schemas(), key=lambda s: s.oid)

    @functools.cached_property
    def namespace_oids(self) -> dict[str, int]:
        out = dict(BUILTIN_SCHEMAS)
        for s in self.schemas:
            out[s.name] = s.oid
        return out

    @functools.cached_property
    def namespace_names(self) -> dict[int, str]:
        return {v: k for k, v in self.namespace_oids.items()}

    def nsp(self, schema: str) -> int:
        return self.namespace_oids.get(schema, 0)

    @functools.cached_property
    def search_path(self) -> list[str]:
        """Schemas searched for unqualified names, pg_catalog first unless placed explicitly."""
        path = list(self.session.search_schemas()) if hasattr(self.session, "search_schemas") else ["public"]
        existing = [p for p in path if p in self.namespace_oids]
        if "pg_catalog" not in existing:
            existing.insert(0, "pg_catalog")
        return existing

    # -- relations --
    @functools.cached_property
    def tables(self) -> list[TableDef]:
        return sorted(self.cat.tables(), key=lambda t: t.oid)

    @functools.cached_property
    def sequences(self) -> list[SequenceDef]:
        return sorted(self.cat.sequences(), key=lambda s: s.oid)

    def table(self, oid: int) -> TableDef | None:
        return self.cat.table_by_oid(oid)

    def relation_visible(self, schema: str, name: str) -> bool:
        """pg_table_is_visible: the first relation of that name on the search path is this one."""
        for s in self.search_path:
            if s == schema:
                return True
            if s in BUILTIN_SCHEMAS:
                if RELATIONS.get((s, name)) is not None:
                    return False
            elif self.cat.relation_oid(s, name) is not None:
                return False
        return False

    # -- roles --
    @functools.cached_property
    def role_names(self) -> list[str]:
        """Roles that exist: PostgreSQL's own, the session user, configured users and owners of objects."""
        from orbitdb.sql.pgcatalog.builtin_data import PREDEFINED_ROLES

        names = set(PREDEFINED_ROLES)
        names.add(self.user)
        for who in ("session_user", "authenticated_user"):  # the roles a session connected or is as
            name = getattr(self.session, who, None)
            if isinstance(name, str):
                names.add(name)
        extra = getattr(self.session, "role_names", None)
        if callable(extra):
            names.update(extra())
        for obj in self.cat.objects.values():
            owner = getattr(obj, "owner", None)
            if owner:
                names.add(owner)
        if self.cluster is not None:
            names.update(entry.owner for entry in self.cluster.entries())
            names.update(self.cluster.role_names())
        return sorted(names, key=oids.role_oid)

    def role_oid(self, name: str) -> int:
        return oids.role_oid(name)

    @functools.cached_property
    def role_by_oid(self) -> dict[int, str]:
        return {oids.role_oid(n): n for n in self.role_names}

    def is_superuser(self, name: str) -> bool:
        from orbitdb.sql.pgcatalog.builtin_data import PREDEFINED_ROLES

        if name == "postgres":
            return True
        if name in PREDEFINED_ROLES:
            return False
        check = getattr(self.session, "role_is_superuser", None)
        if callable(check):
            return bool(check(name))
        return True  # orbitdb's users are superusers (no privilege system)
