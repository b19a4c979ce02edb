"""Catalogs of built-in things: pg_type (orbitdb's types plus the row types of
user tables), pg_proc (the types' I/O functions), pg_am, pg_opclass,
pg_opfamily, pg_collation, pg_language, pg_cast, pg_operator, pg_extension,
pg_tablespace, all as PostgreSQL 15 has them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import oids
from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.pgcatalog.pg_functions import proc_row
from orbitdb.sql.pgcatalog.pg_usertypes import user_type_rows
from orbitdb.sql.types import SqlType


def _static(schema: str, name: str, rows: list[dict[str, Any]]) -> None:
    cache: dict[int, list[Row]] = {}

    def produce(env: Env, make: RowMaker) -> list[Row]:
        key = id(make)
        if key not in cache:
            cache[key] = [make.from_dict(r) for r in rows]
        return cache[key]

    producer(schema, name)(produce)


_static("pg_catalog", "pg_am", B.AM_ROWS)
_static("pg_catalog", "pg_opclass", B.OPCLASS_ROWS)
_static("pg_catalog", "pg_opfamily", B.OPFAMILY_ROWS)
_static("pg_catalog", "pg_collation", B.COLLATION_ROWS)
_static("pg_catalog", "pg_language", B.LANGUAGE_ROWS)
_static("pg_catalog", "pg_cast", B.CAST_ROWS)
_static("pg_catalog", "pg_operator", B.OPERATOR_ROWS)
_static("pg_catalog", "pg_tablespace", B.TABLESPACE_ROWS)


def _range(typid: int, subtype: int, multirange: int, subopc: int, canonical: int, subdiff: int) -> dict[str, Any]:
    return {"rngtypid": typid, "rngsubtype": subtype, "rngmultitypid": multirange, "rngcollation": 0,
            "rngsubopc": subopc, "rngcanonical": canonical, "rngsubdiff": subdiff}


# PostgreSQL 15's built-in range types (orbitdb has no user-defined ones): asyncpg's type
# introspection reads a range's element type from here
_static("pg_catalog", "pg_range", [
    _range(3904, 23, 4451, 1978, 3914, 3922),  # int4range
    _range(3906, 1700, 4532, 3125, 0, 3924),  # numrange
    _range(3908, 1114, 4533, 3128, 0, 3929),  # tsrange
    _range(3910, 1184, 4534, 3127, 0, 3930),  # tstzrange
    _range(3912, 1082, 4535, 3122, 3915, 3925),  # daterange
    _range(3926, 20, 4536, 3124, 3928, 3923),  # int8range
])


@producer("pg_catalog", "pg_extension")
def _pg_extension(env: Env, make: RowMaker) -> Iterator[Row]:
    """plpgsql (built in), then the extensions created in this database."""
    for r in B.EXTENSION_ROWS:
        yield make.from_dict(r)
    for ext in sorted(env.cat.extensions(), key=lambda e: e.oid):
        yield make(oid=ext.oid, extname=ext.name, extowner=env.role_oid(ext.owner), extnamespace=env.nsp(ext.schema),
                   extrelocatable=True, extversion=ext.version, extconfig=None, extcondition=None)


_BUILTIN_PROCS: dict[int, list[Row]] = {}


@producer("pg_catalog", "pg_proc")
def _pg_proc(env: Env, make: RowMaker) -> Iterator[Row]:
    """The built-in functions, then the user's (pg_functions.py)."""
    key = id(make)
    if key not in _BUILTIN_PROCS:
        from orbitdb.sql.pgcatalog.pg_objects import large_object_proc_rows

        _BUILTIN_PROCS[key] = [make.from_dict(r) for r in B.PROC_ROWS + large_object_proc_rows()]
    yield from _BUILTIN_PROCS[key]
    for f in env.cat.functions():
        yield proc_row(env, f, make)


_ROWTYPE = {"typlen": -1, "typbyval": False, "typtype": "c", "typcategory": "C", "typispreferred": False, "typisdefined": True,
                "typdelim": ",", "typsubscript": 0, "typelem": 0, "typinput": 2290, "typoutput": 2291, "typreceive": 2402,
                "typsend": 2403, "typmodin": 0, "typmodout": 0, "typanalyze": 0, "typalign": "d", "typstorage": "x",
                "typnotnull": False, "typbasetype": 0, "typtypmod": -1, "typndims": 0, "typcollation": 0}
_ARRAYTYPE = dict({k: v for k, v in _ROWTYPE.items() if k != "typelem"}, typtype="b", typcategory="A", typsubscript=6179, typinput=750, typoutput=751,
                  typreceive=2400, typsend=2401, typanalyze=3816, typrelid=0, typarray=0)

_BUILTIN_TYPES: dict[int, list[Row]] = {}


def _synthesized_type(t: SqlType) -> dict[str, Any]:
    """A pg_type row for a type of orbitdb.sql.types that pgdata.py does not have yet (see gen_pgdata)."""
    if t.elem is not None:
        return dict(_ARRAYTYPE, oid=t.oid, typname=t.short, typnamespace=oids.PG_CATALOG_NAMESPACE,
                    typowner=oids.BOOTSTRAP_SUPERUSER, typelem=t.elem.oid, typalign="i")
    return dict(_ROWTYPE, oid=t.oid, typname=t.short or t.name, typnamespace=oids.PG_CATALOG_NAMESPACE,
                typowner=oids.BOOTSTRAP_SUPERUSER, typlen=t.typlen, typbyval=0 < t.typlen <= 8,
                typtype={"P": "p", "R": "m" if t.kind.startswith("multirange:") else "r"}.get(t.category, "b"),
                typcategory=t.category, typispreferred=t.preferred,
                typrelid=0, typarray=t.array_oid, typinput=0, typoutput=0, typreceive=0, typsend=0,
                typalign="i", typstorage="p" if t.typlen > 0 else "x",
                typcollation=oids.DEFAULT_COLLATION if t.category == "S" else 0)


@producer("pg_catalog", "pg_type")
def _pg_type(env: Env, make: RowMaker) -> Iterator[Row]:
    key = id(make)
    if key not in _BUILTIN_TYPES:
        rows = list(B.TYPE_ROWS)
        rows += [_synthesized_type(t) for oid, t in sorted(T.BY_OID.items()) if oid not in B.TYPE_BY_OID]
        _BUILTIN_TYPES[key] = [make.from_dict(r) for r in rows]
    yield from _BUILTIN_TYPES[key]
    for t in env.tables:
        row = oids.rowtype_oid(t.oid)
        arr = oids.rowtype_array_oid(t.oid)
        nsp = env.nsp(t.schema)
        owner = env.role_oid(t.owner)
        yield make(oid=row, typname=t.name, typnamespace=nsp, typowner=owner, typrelid=t.oid, typarray=arr,
                   **_ROWTYPE)
        yield make(oid=arr, typname="_" + t.name, typnamespace=nsp, typowner=owner, typelem=row, **_ARRAYTYPE)
    yield from user_type_rows(env, make)
