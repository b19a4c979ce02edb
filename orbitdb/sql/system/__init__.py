"""pg_catalog and information_schema: PostgreSQL 15's system catalogs and
views as live views of orbitdb's catalog.

    system_relation(session, schema, name) -> SystemRelation | None

The planner asks for a relation it did not find among user tables (schema is
None for an unqualified name: then only pg_catalog's relations answer). The
result has ``columns`` (PostgreSQL's names and types) and ``rows(ctx)``, which
computes the rows from the catalog the statement's session sees.

The reg* types' input and output (regclass, regtype, regnamespace, regrole,
regproc) find names and oids with the functions of ``orbitdb.sql.system.lookup``,
wrapped here to take a session: ``regclass_in``/``regclass_out`` and so on."""

from __future__ import annotations

from typing import Any

from orbitdb.sql.system import (  # noqa: F401  (each module registers its relations' rows)
    information_schema,
    lookup,
    pg_builtin,
    pg_cluster,
    pg_relations,
    pg_views,
)
from orbitdb.sql.system.base import Env, SystemRelation, relation

__all__ = [
    "SystemRelation",
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


def system_relation(session: Any, schema: str | None, name: str) -> SystemRelation | None:
    """The system relation schema.name (schema None: pg_catalog's, as if on the search path)."""
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
    return lookup.relation_oid(Env(session), text)


def regclass_out(session: Any, oid: int) -> str:
    """A relation oid as regclass prints it: its name, qualified when not visible; the number if unknown."""
    if oid == 0:
        return "-"
    return lookup.relation_regclass_name(Env(session), oid) or str(oid)


def regtype_in(session: Any, text: str) -> int | None:
    return lookup.type_oid(Env(session), text)


def regtype_out(session: Any, oid: int) -> str:
    if oid == 0:
        return "-"
    return lookup.type_name(Env(session), oid) or str(oid)


def regnamespace_in(session: Any, text: str) -> int | None:
    return lookup.namespace_oid(Env(session), text)


def regnamespace_out(session: Any, oid: int) -> str:
    if oid == 0:
        return "-"
    return lookup.namespace_name(Env(session), oid) or str(oid)


def regrole_in(session: Any, text: str) -> int | None:
    return lookup.role_oid(Env(session), text)


def regrole_out(session: Any, oid: int) -> str:
    if oid == 0:
        return "-"
    return lookup.role_name(Env(session), oid) or str(oid)


def regproc_in(session: Any, text: str) -> int | None:
    return lookup.proc_oid(text)


def regproc_out(session: Any, oid: int) -> str:
    if oid == 0:
        return "-"
    return lookup.proc_name(oid) or str(oid)
