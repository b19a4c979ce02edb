"""pg_catalog and information_schema: PostgreSQL 15's system catalogs and
views as live views of orbitdb's catalog.

    system_relation(session, schema, name) -> SystemRelation | None

The planner asks for a relation it did not find among user tables (schema is
None for an unqualified name: then only pg_catalog's relations answer). The
result has ``columns`` (PostgreSQL's names and types) and ``rows(ctx)``, which
computes the rows from the catalog the statement's session sees.

The reg* types' input and output (regclass, regtype, regnamespace, regrole,
regproc) find names and oids with the functions of ``orbitdb.sql.pgcatalog.lookup``,
wrapped here to take a session: ``regclass_in``/``regclass_out`` and so on.

Importing this package is cheap: PostgreSQL 15's built-in catalog data (pgdata) and the modules
that register the relations' rows load in ``load_catalog()``, the first time a system relation
or a reg* conversion is asked for (catalog functions load them with the function library)."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orbitdb.sql.pgcatalog.base import Env, SystemRelation

__all__ = [
    "load_catalog",
    "regclass_in",
    "regclass_out",
    "regnamespace_in",
    "regnamespace_out",
    "regproc_in",
    "regproc_out",
    "regrole_in",
    "regrole_out",
    "regtype_in",
    "regtype_out",
    "system_relation",
]

_catalog_loaded = False


def load_catalog() -> None:
    """Loads the built-in catalog data and registers every system relation's row producer, once.

    Done on first use rather than at import: the data and these modules cost about 12 ms of
    `import orbitdb` with cached bytecode and over 100 ms without, which a program that never
    reads a catalog should not pay. (The imports are here, in a function, for that reason.)"""
    global _catalog_loaded
    if _catalog_loaded:
        return
    from orbitdb.sql.pgcatalog import (  # noqa: F401  (each module registers its relations' rows)
        information_schema,
        lookup,
        pg_builtin,
        pg_cluster,
        pg_extensions_available,
        pg_objects,
        pg_partitions,
        pg_planstats,
        pg_relations,
        pg_session,
        pg_stats,
        pg_triggers,
        pg_views,
    )

    _catalog_loaded = True


def _lookup() -> ModuleType:
    """orbitdb.sql.pgcatalog.lookup, once the catalog is loaded."""
    load_catalog()
    from orbitdb.sql.pgcatalog import lookup

    return lookup


def _env(session: Any) -> Env:
    load_catalog()
    from orbitdb.sql.pgcatalog.base import Env

    return Env(session)


def system_relation(session: Any, schema: str | None, name: str) -> SystemRelation | None:
    """The system relation schema.name (schema None: pg_catalog's, as if on the search path)."""
    load_catalog()
    from orbitdb.sql.pgcatalog.base import relation

    if schema is None:
        found = relation("pg_catalog", name)
        if found is None and "information_schema" in _search_path(session):
            found = relation("information_schema", name)
        return found
    if schema in ("pg_catalog", "information_schema"):
        return relation(schema, name)
    return None


def _search_path(session: Any) -> list[str]:
    schemas = getattr(session, "search_schemas", None)
    return list(schemas()) if callable(schemas) else []


def regclass_in(session: Any, text: str) -> int | None:
    """The oid of the relation named by text (None: no such relation, 42P01)."""
    return _lookup().relation_oid(_env(session), text)


def regclass_out(session: Any, oid: int) -> str:
    """A relation oid as regclass prints it: its name, qualified when not visible; the number if unknown."""
    if oid == 0:
        return "-"
    return _lookup().relation_regclass_name(_env(session), oid) or str(oid)


def regtype_in(session: Any, text: str) -> int | None:
    return _lookup().type_oid(_env(session), text)


def regtype_out(session: Any, oid: int) -> str:
    if oid == 0:
        return "-"
    return _lookup().type_name(_env(session), oid) or str(oid)


def regnamespace_in(session: Any, text: str) -> int | None:
    return _lookup().namespace_oid(_env(session), text)


def regnamespace_out(session: Any, oid: int) -> str:
    if oid == 0:
        return "-"
    return _lookup().namespace_name(_env(session), oid) or str(oid)


def regrole_in(session: Any, text: str) -> int | None:
    return _lookup().role_oid(_env(session), text)


def regrole_out(session: Any, oid: int) -> str:
    if oid == 0:
        return "-"
    return _lookup().role_name(_env(session), oid) or str(oid)


def regproc_in(session: Any, text: str) -> int | None:
    return _lookup().proc_oid(text)


def regproc_out(session: Any, oid: int) -> str:
    if oid == 0:
        return "-"
    return _lookup().proc_name(oid) or str(oid)
