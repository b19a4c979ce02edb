"""PostgreSQL 15's built-in catalog facts (pgdata.py) in the shapes the system
relations and catalog functions look them up by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.pgcatalog import pgdata
from orbitdb.sql.types import SqlType

# catalog column types orbitdb has no type for, and what they are shown as
_STANDIN: dict[int, SqlType] = {
    29: T.XID,  # cid
    2277: T.TEXT,  # anyarray (pg_statistic values, pg_stats)
    3220: T.TEXT,  # pg_lsn
    3361: T.TEXT,  # pg_ndistinct
    3402: T.TEXT,  # pg_dependencies
    5017: T.TEXT,  # pg_mcv_list
    10028: T.TEXT,  # pg_statistic[]
}


def column_type(type_oid: int, typmod: int) -> SqlType:
    """The SqlType of a system catalog column of PostgreSQL type type_oid (information_schema
    domains are given as their base types: name, integer, character varying, timestamptz)."""
    t = T.BY_OID.get(type_oid) or _STANDIN.get(type_oid) or T.TEXT
    if typmod >= 0 and t.elem is None:
        t = t.with_typmod(typmod)
    return t


@dataclass(frozen=True)
class RelSpec:
    oid: int
    schema: str
    name: str
    kind: str  # "r" catalog table, "v" view
    attrs: tuple[tuple[str, int, int, bool], ...]  # (name, PostgreSQL type oid, typmod, not null)

    @property
    def columns(self) -> list[tuple[str, SqlType]]:
        return [(n, column_type(t, m)) for n, t, m, _ in self.attrs]


RELATIONS: dict[tuple[str, str], RelSpec] = {}
RELATION_BY_OID: dict[int, RelSpec] = {}
for _oid, _nsp, _name, _kind, _attrs in pgdata.RELATIONS:
    _spec = RelSpec(_oid, _nsp, _name, _kind, tuple(tuple(a) for a in _attrs))  # type: ignore[misc]
    RELATIONS[(_nsp, _name)] = _spec
    RELATION_BY_OID[_oid] = _spec


def _rows(data: tuple[list[str], list[tuple[Any, ...]]]) -> tuple[list[str], list[dict[str, Any]]]:
    names, rows = data
    return names, [dict(zip(names, r)) for r in rows]


TYPE_COLUMNS, TYPE_ROWS = _rows(pgdata.PG_TYPE)
TYPE_BY_OID: dict[int, dict[str, Any]] = {r["oid"]: r for r in TYPE_ROWS}
PROC_COLUMNS, PROC_ROWS = _rows(pgdata.PG_PROC)
PROC_BY_OID: dict[int, dict[str, Any]] = {r["oid"]: r for r in PROC_ROWS}
PROC_NAMES: frozenset[str] = frozenset(r["proname"] for r in PROC_ROWS)
AM_COLUMNS, AM_ROWS = _rows(pgdata.PG_AM)
AM_BY_OID: dict[int, dict[str, Any]] = {r["oid"]: r for r in AM_ROWS}
OPCLASS_COLUMNS, OPCLASS_ROWS = _rows(pgdata.PG_OPCLASS)
OPFAMILY_COLUMNS, OPFAMILY_ROWS = _rows(pgdata.PG_OPFAMILY)
COLLATION_COLUMNS, COLLATION_ROWS = _rows(pgdata.PG_COLLATION)
COLLATION_BY_OID: dict[int, dict[str, Any]] = {r["oid"]: r for r in COLLATION_ROWS}
LANGUAGE_COLUMNS, LANGUAGE_ROWS = _rows(pgdata.PG_LANGUAGE)
CAST_COLUMNS, CAST_ROWS = _rows(pgdata.PG_CAST)
OPERATOR_COLUMNS, OPERATOR_ROWS = _rows(pgdata.PG_OPERATOR)
EXTENSION_COLUMNS, EXTENSION_ROWS = _rows(pgdata.PG_EXTENSION)
TABLESPACE_COLUMNS, TABLESPACE_ROWS = _rows(pgdata.PG_TABLESPACE)
AUTHID_COLUMNS, AUTHID_ROWS = _rows(pgdata.PG_AUTHID)
SETTINGS_COLUMNS, SETTINGS_ROWS = _rows(pgdata.PG_SETTINGS)
SETTINGS_BY_NAME: dict[str, dict[str, Any]] = {r["name"].lower(): r for r in SETTINGS_ROWS}
NAMESPACES: dict[int, str] = dict(pgdata.PG_NAMESPACE)
VERSION: str = pgdata.VERSION

PREDEFINED_ROLES: dict[str, int] = {r["rolname"]: r["oid"] for r in AUTHID_ROWS}

# default btree operator class of each type, for pg_index.indclass
DEFAULT_BTREE_OPCLASS: dict[int, int] = {
    r["opcintype"]: r["oid"] for r in OPCLASS_ROWS if r["opcmethod"] == 403 and r["opcdefault"]
}
DEFAULT_HASH_OPCLASS: dict[int, int] = {
    r["opcintype"]: r["oid"] for r in OPCLASS_ROWS if r["opcmethod"] == 405 and r["opcdefault"]
}

# operators by (name, left type, right type) -> (oid, result type)
OPERATORS: dict[tuple[str, int, int], tuple[int, int]] = {
    (r["oprname"], r["oprleft"], r["oprright"]): (r["oid"], r["oprresult"]) for r in OPERATOR_ROWS
}
OPERATORS_BY_NAME: dict[str, list[tuple[int, int, int, int]]] = {}
for _r in OPERATOR_ROWS:
    OPERATORS_BY_NAME.setdefault(_r["oprname"], []).append((_r["oid"], _r["oprleft"], _r["oprright"], _r["oprresult"]))

# casts by (source, target) -> (castcontext e/a/i, castmethod f/b/i)
CASTS: dict[tuple[int, int], tuple[str, str]] = {
    (r["castsource"], r["casttarget"]): (r["castcontext"], r["castmethod"]) for r in CAST_ROWS
}


def type_row(oid: int) -> dict[str, Any] | None:
    return TYPE_BY_OID.get(oid)


def proc_name(oid: int) -> str | None:
    r = PROC_BY_OID.get(oid)
    return r["proname"] if r is not None else None
