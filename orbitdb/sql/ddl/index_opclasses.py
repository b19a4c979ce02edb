"""Operator classes and collations named on an index key. orbitdb's btree keys order text bytewise
(as the "C" collation does), so a string key's *_pattern_ops class (which orders by bytes for
LIKE 'prefix%') and a key type's default btree class order the same as no class at all: these are
taken and recorded (pg_index.indclass, pg_get_indexdef); any other class is refused."""

from __future__ import annotations

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.pgcatalog.builtin_data import OPCLASS_ROWS
from orbitdb.sql.types import SqlType

BTREE = 403
_PATTERN_OPS = {"text_pattern_ops": T.TEXT.oid, "varchar_pattern_ops": T.TEXT.oid,
                "bpchar_pattern_ops": T.BPCHAR.oid}
_STRING_OIDS = {T.TEXT.oid, T.VARCHAR.oid, T.BPCHAR.oid, T.NAME.oid}


def btree_opclass_oid(name: str) -> int | None:
    return next((r["oid"] for r in OPCLASS_ROWS if r["opcmethod"] == BTREE and r["opcname"] == name), None)


def check_opclass(name: str, key_type: SqlType | None) -> str:
    """The operator class to record for a key (of key_type, None when orbitdb cannot tell it
    before the index exists): "" when it is the type's default."""
    row = next((r for r in OPCLASS_ROWS if r["opcmethod"] == BTREE and r["opcname"] == name), None)
    if row is None:
        raise SqlError("42704", f'operator class "{name}" does not exist for access method "btree"')
    if name in _PATTERN_OPS:
        if key_type is not None and key_type.oid not in _STRING_OIDS:
            raise SqlError("42804", f'operator class "{name}" does not accept data type {key_type.display()}')
        return name
    if not row["opcdefault"]:
        raise SqlError("0A000", f'operator class "{name}" is not supported',
                       detail="orbitdb orders index keys by their type's default btree operator class.")
    if key_type is not None and row["opcintype"] != key_type.oid and not (
            key_type.oid in _STRING_OIDS and row["opcintype"] in _STRING_OIDS):
        raise SqlError("42804", f'operator class "{name}" does not accept data type {key_type.display()}')
    return ""
