"""pg_available_extensions and pg_available_extension_versions: the extensions CREATE EXTENSION
takes here (orbitdb/sql/ddl/extensions.py) and plpgsql, with what each database has installed.
Clients (SQLAlchemy's test provisioning, pgAdmin, DBeaver) read these to decide what to create."""

from __future__ import annotations

from collections.abc import Iterator

from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.pgcatalog.extension_list import AVAILABLE, BUILT_IN

_PLPGSQL_VERSION, _PLPGSQL_COMMENT = "1.0", "PL/pgSQL procedural language"


def _offered() -> list[tuple[str, str, str]]:
    """(name, default version, comment) of every extension, in name order as PostgreSQL lists them."""
    offered = [(name, spec.version, spec.comment) for name, spec in AVAILABLE.items()]
    offered.append((BUILT_IN, _PLPGSQL_VERSION, _PLPGSQL_COMMENT))
    return sorted(offered)


def _installed(env: Env) -> dict[str, str]:
    found = {ext.name: ext.version for ext in env.cat.extensions()}
    found[BUILT_IN] = _PLPGSQL_VERSION
    return found


@producer("pg_catalog", "pg_available_extensions")
def _pg_available_extensions(env: Env, make: RowMaker) -> Iterator[Row]:
    installed = _installed(env)
    for name, version, comment in _offered():
        yield make(name=name, default_version=version, installed_version=installed.get(name), comment=comment)


@producer("pg_catalog", "pg_available_extension_versions")
def _pg_available_extension_versions(env: Env, make: RowMaker) -> Iterator[Row]:
    installed = _installed(env)
    for name, version, comment in _offered():
        builtin = name == BUILT_IN
        # every extension offered here is trusted (as PostgreSQL 15's control files mark these ones)
        yield make(name=name, version=version, installed=installed.get(name) == version, superuser=True,
                   trusted=True, relocatable=not builtin, schema="pg_catalog" if builtin else None,
                   requires=None, comment=comment)
