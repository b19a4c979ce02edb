"""Object identifiers of the system catalogs.

User tables, views, indexes, sequences and schemas carry their own oids (from
16384 on, handed out by the catalog). Built-in objects use PostgreSQL 15's fixed
oids. Catalog rows that orbitdb does not store as objects of their own get
*derived* oids that encode the object they describe, so that an oid alone (as
passed to pg_get_constraintdef, obj_description, ...) leads back to it without
any state:

    row type of relation R       0x40000000 + 2 * (R - 16384)      (its array type: + 1)
    view rule (_RETURN) of R     0x48000000 + (R - 16384)
    constraint k of relation R   0x50000000 + 256 * (R - 16384) + k
    column default of R, attnum  0x60000000 + 2048 * (R - 16384) + attnum
    primary-key index of R       0x58000000 + (R - 16384)          (only when the catalog keeps none)
    role named N                 0x3F000000 + crc32(N) mod 2**20   (except PostgreSQL's own roles)

Derived oids change when the object they are derived from changes (dropping the
third constraint of a table renumbers the later ones), as they would across a
dump and restore in PostgreSQL; within one statement they are stable."""

from __future__ import annotations

import zlib

FIRST_USER_OID = 16384

PG_CATALOG_NAMESPACE = 11
PG_TOAST_NAMESPACE = 99
PUBLIC_NAMESPACE = 2200
INFORMATION_SCHEMA_NAMESPACE = 13207

DATABASE_OID = 16383  # the one database of a data directory
BOOTSTRAP_SUPERUSER = 10  # "postgres"
PG_DATABASE_OWNER = 6171
DEFAULT_TABLESPACE = 1663
GLOBAL_TABLESPACE = 1664
HEAP_AM = 2
BTREE_AM = 403
HASH_AM = 405
DEFAULT_COLLATION = 100
C_COLLATION = 950
PLPGSQL_LANGUAGE = 13563
PLPGSQL_EXTENSION = 13559

# pg_class oids of catalogs referred to by classid/refclassid/objoid columns
PG_CLASS_RELID = 1259
PG_TYPE_RELID = 1247
PG_ATTRIBUTE_RELID = 1249
PG_PROC_RELID = 1255
PG_NAMESPACE_RELID = 2615
PG_CONSTRAINT_RELID = 2606
PG_ATTRDEF_RELID = 2604
PG_REWRITE_RELID = 2618
PG_DATABASE_RELID = 1262
PG_AUTHID_RELID = 1260
PG_EXTENSION_RELID = 3079
PG_TRIGGER_RELID = 2620

_ROWTYPE = 0x40000000
_REWRITE = 0x48000000
_CONSTRAINT = 0x50000000
_PKINDEX = 0x58000000
_ATTRDEF = 0x60000000
_ATTRDEF_END = 0x80000000
_ROLE = 0x3F000000


def rowtype_oid(rel: int) -> int:
    return _ROWTYPE + 2 * (rel - FIRST_USER_OID)


def rowtype_array_oid(rel: int) -> int:
    return rowtype_oid(rel) + 1


def rowtype_relation(oid: int) -> tuple[int, bool] | None:
    """(relation oid, is the array type) for a derived row type oid."""
    if _ROWTYPE <= oid < _REWRITE:
        off = oid - _ROWTYPE
        return FIRST_USER_OID + off // 2, bool(off % 2)
    return None


def rewrite_oid(rel: int) -> int:
    return _REWRITE + (rel - FIRST_USER_OID)


def rewrite_relation(oid: int) -> int | None:
    if _REWRITE <= oid < _CONSTRAINT:
        return FIRST_USER_OID + oid - _REWRITE
    return None


def constraint_oid(rel: int, k: int) -> int:
    return _CONSTRAINT + 256 * (rel - FIRST_USER_OID) + k


def constraint_position(oid: int) -> tuple[int, int] | None:
    """(relation oid, position in its constraint list) for a derived constraint oid."""
    if _CONSTRAINT <= oid < _PKINDEX:
        off = oid - _CONSTRAINT
        return FIRST_USER_OID + off // 256, off % 256
    return None


def pkindex_oid(rel: int) -> int:
    return _PKINDEX + (rel - FIRST_USER_OID)


def pkindex_relation(oid: int) -> int | None:
    if _PKINDEX <= oid < _ATTRDEF:
        return FIRST_USER_OID + oid - _PKINDEX
    return None


def attrdef_oid(rel: int, attnum: int) -> int:
    return _ATTRDEF + 2048 * (rel - FIRST_USER_OID) + attnum


def attrdef_position(oid: int) -> tuple[int, int] | None:
    if _ATTRDEF <= oid < _ATTRDEF_END:
        off = oid - _ATTRDEF
        return FIRST_USER_OID + off // 2048, off % 2048
    return None


def role_oid(name: str) -> int:
    from orbitdb.sql.pgcatalog.builtin_data import PREDEFINED_ROLES

    if name in PREDEFINED_ROLES:
        return PREDEFINED_ROLES[name]
    return _ROLE + (zlib.crc32(name.encode()) & 0xFFFFF)
