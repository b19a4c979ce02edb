"""The catalog rows of user-defined types: pg_type (enums, domains, composites and their array
types), pg_enum, pg_class and pg_attribute of composites, pg_constraint of domain CHECKs; and
the names format_type and regtype give them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import oids
from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.pgcatalog.deparse import deparse_expr, quote_identifier
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import usertypes as U
from orbitdb.storage.catalog import TypeDef

_DOMAIN_CONSTRAINT = 0x90000000
_PG_TYPE_RELID = 1247
_ROW = {"typisdefined": True, "typdelim": ",", "typsubscript": 0, "typelem": 0, "typmodin": 0, "typmodout": 0,
        "typanalyze": 0, "typnotnull": False, "typbasetype": 0, "typtypmod": -1, "typndims": 0,
        "typcollation": 0, "typrelid": 0, "typispreferred": False, "typdefault": None, "typdefaultbin": None}
_ENUM = dict(_ROW, typlen=4, typbyval=True, typtype="e", typcategory="E", typinput=3504, typoutput=3505,
             typreceive=3532, typsend=3533, typalign="i", typstorage="p")
_COMPOSITE = dict(_ROW, typlen=-1, typbyval=False, typtype="c", typcategory="C", typinput=2290, typoutput=2291,
                  typreceive=2402, typsend=2403, typalign="d", typstorage="x")
_ARRAY = dict(_ROW, typlen=-1, typbyval=False, typtype="b", typcategory="A", typsubscript=6179, typinput=750,
              typoutput=751, typreceive=2400, typsend=2401, typanalyze=3816, typalign="i", typstorage="x",
              typarray=0)


def catalog_type(env: Env, text: str) -> SqlType:
    """A column's type as the catalogs show it: a domain is its own type there (an expression
    sees its base type)."""
    try:
        resolved = U.stored_type(env.cat, text)
    except Exception:  # noqa: BLE001 - a catalog row is still listed for a type that went wrong
        return T.TEXT
    td = resolved.typedef
    if td is None or td.kind != "d":
        return resolved.sql
    shown = SqlType(U.stored_name(td), td.oid, resolved.sql.typlen, resolved.sql.category, resolved.sql.kind,
                    array_oid=td.array_oid, short=td.name)
    return T.array_of(shown) if resolved.is_array else shown


def information_schema_type(env: Env, text: str) -> tuple[SqlType | None, dict[str, Any]]:
    """information_schema.columns of a user-type column: (the type its data_type and lengths come
    from, or None for a built-in type; the udt_* / domain_* values PostgreSQL shows)."""
    try:
        resolved = U.stored_type(env.cat, text)
    except Exception:  # noqa: BLE001 - the catalogs list a column whose type went wrong as text
        return None, {}
    td = resolved.typedef
    if td is None:
        return None, {}
    if td.kind == "d" and not resolved.is_array:
        base = U.stored_type(env.cat, td.base_type or "text")
        info: dict[str, Any] = {"domain_catalog": env.database, "domain_schema": td.schema, "domain_name": td.name}
        if base.typedef is not None:
            info.update(data_type="USER-DEFINED", udt_schema=base.typedef.schema, udt_name=base.typedef.name)
        return base.sql, info
    return resolved.sql, {"data_type": "ARRAY" if resolved.is_array else "USER-DEFINED", "udt_schema": td.schema,
                          "udt_name": ("_" if resolved.is_array else "") + td.name}


def user_type_storage(env: Env, text: str) -> tuple[int, bool, str, str, int] | None:
    """(attlen, attbyval, attalign, attstorage, attcollation) of a column of a user type, as its
    pg_type row has them (None: not a user type)."""
    try:
        resolved = U.stored_type(env.cat, text)
    except Exception:  # noqa: BLE001 - the catalogs list a column whose type went wrong as text
        return None
    td = resolved.typedef
    if td is None:
        return None
    if resolved.is_array or td.kind == "c":
        return -1, False, "d" if td.kind == "c" else "i", "x", 0
    if td.kind == "e":
        return 4, True, "i", "p", 0
    if td.kind == "b":
        return -1, False, "i", "x", 0
    row = _base_row(env, td)
    return (int(row.get("typlen", -1)), bool(row.get("typbyval", False)), str(row.get("typalign", "i")),
            str(row.get("typstorage", "x")), int(row.get("typcollation", 0)))


def _base_row(env: Env, td: TypeDef) -> dict[str, Any]:
    base = U.stored_type(env.cat, td.base_type or "text")
    base_oid = base.catalog_oid
    builtin = B.TYPE_BY_OID.get(T.strip(base.sql).oid) if base.typedef is None else None
    default = deparse_expr(td.default, {}, False, target=base.sql) if td.default is not None else None
    row = dict(_ROW, typtype="d", typbasetype=base_oid, typtypmod=base.sql.typmod, typnotnull=td.not_null,
               typdefault=default, typdefaultbin=td.default, typcategory=base.sql.category)
    if builtin is not None:
        for k in ("typlen", "typbyval", "typalign", "typstorage", "typinput", "typoutput", "typreceive",
                  "typsend", "typcollation", "typmodin", "typmodout", "typanalyze", "typsubscript", "typelem"):
            row[k] = builtin[k]
    else:
        row.update(typlen=-1 if base.sql.typlen < 0 else base.sql.typlen, typbyval=0 < base.sql.typlen <= 8,
                   typalign="i", typstorage="x" if base.sql.typlen < 0 else "p", typinput=3504, typoutput=3505,
                   typreceive=3532, typsend=3533)
    return row


def user_type_rows(env: Env, make: RowMaker) -> Iterator[Row]:
    for td in sorted(env.cat.types(), key=lambda t: t.oid):
        nsp = env.nsp(td.schema)
        owner = env.role_oid(td.owner)
        if td.kind == "e":
            row = dict(_ENUM)
        elif td.kind == "c":
            row = dict(_COMPOSITE, typrelid=td.relid)
        elif td.kind == "d":
            row = _base_row(env, td)
        elif td.kind == "b":  # an extension's base type (hstore): a varlena of category U
            row = dict(_ROW, typtype="b", typcategory="U", typlen=-1, typbyval=False, typalign="i",
                       typstorage="x", typinput=0, typoutput=0, typreceive=0, typsend=0)
        else:
            continue
        yield make(oid=td.oid, typname=td.name, typnamespace=nsp, typowner=owner, typarray=td.array_oid,
                   typacl=td.acl, **row)
        yield make(oid=td.array_oid, typname="_" + td.name, typnamespace=nsp, typowner=owner, typelem=td.oid,
                   typalign="d" if td.kind == "c" else "i",
                   **{k: v for k, v in _ARRAY.items() if k not in ("typelem", "typalign")})


@producer("pg_catalog", "pg_enum")
def _pg_enum(env: Env, make: RowMaker) -> Iterator[Row]:
    for td in sorted(env.cat.types(), key=lambda t: t.oid):
        if td.kind != "e":
            continue
        label_oids = td.label_oids if len(td.label_oids) == len(td.labels) else [0] * len(td.labels)
        for i, (label, oid) in enumerate(zip(td.labels, label_oids)):
            yield make(oid=oid, enumtypid=td.oid, enumsortorder=float(i + 1), enumlabel=label)


def composite_classes(env: Env, make: RowMaker) -> Iterator[Row]:
    """pg_class entries (relkind "c") of composite types."""
    for td in env.cat.types():
        if td.kind == "c" and td.relid:
            yield make(oid=td.relid, relname=td.name, relnamespace=env.nsp(td.schema), reltype=td.oid,
                       relowner=env.role_oid(td.owner), relkind="c", relnatts=len(td.attributes))


def composite_attributes(env: Env, make: RowMaker, attribute: Any) -> Iterator[Row]:
    for td in env.cat.types():
        if td.kind == "c" and td.relid:
            for i, (name, text) in enumerate(td.attributes):
                yield attribute(make, td.relid, name, catalog_type(env, text), i + 1)


def type_descriptions(env: Env, make: RowMaker) -> Iterator[Row]:
    """pg_description rows of COMMENT ON TYPE / DOMAIN."""
    for td in env.cat.types():
        if td.comment is not None:
            yield make(objoid=td.oid, classoid=_PG_TYPE_RELID, objsubid=0, description=td.comment)


def domain_constraints(env: Env, make: RowMaker) -> Iterator[Row]:
    for td in env.cat.types():
        if td.kind != "d":
            continue
        for i, (name, text) in enumerate(td.checks[:16]):
            yield make(oid=_constraint_oid(td, i), conname=name, connamespace=env.nsp(td.schema), contype="c",
                       condeferrable=False, condeferred=False, convalidated=True, conrelid=0, contypid=td.oid,
                       conindid=0, conparentid=0, confrelid=0, confupdtype=" ", confdeltype=" ",
                       confmatchtype=" ", conislocal=True, coninhcount=0, connoinherit=False, conkey=None,
                       confkey=None, conbin=text)


def _constraint_oid(td: TypeDef, i: int) -> int:
    # a domain constraint has no oid of its own in orbitdb's catalog: one derived from the
    # domain's, above the ranges pgcatalog.oids derives other oids in
    return _DOMAIN_CONSTRAINT + (td.oid - oids.FIRST_USER_OID) * 16 + i


def domain_constraint(env: Env, oid: int) -> tuple[TypeDef, str, str] | None:
    """(domain, name, CHECK text) of a domain constraint oid."""
    if oid < _DOMAIN_CONSTRAINT:
        return None
    td = env.cat.objects.get((oid - _DOMAIN_CONSTRAINT) // 16 + oids.FIRST_USER_OID)
    i = (oid - _DOMAIN_CONSTRAINT) % 16
    if isinstance(td, TypeDef) and td.kind == "d" and i < len(td.checks):
        return td, td.checks[i][0], td.checks[i][1]
    return None


def domain_check_def(env: Env, td: TypeDef, text: str, pretty: bool = False) -> str:
    """pg_get_constraintdef of a domain CHECK: PostgreSQL's deparsed form, VALUE in capitals."""
    base = U.stored_type(env.cat, td.base_type or "text").sql
    body = deparse_expr(text, {"value": base}, pretty)
    if body == text:  # not deparsed: as written
        return f"CHECK ({text})" if text.startswith("(") and text.endswith(")") else f"CHECK (({text}))"
    parts = re.split(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")", body)
    body = "".join(p if p[:1] in ("'", '"') else re.sub(r"\bvalue\b", "VALUE", p) for p in parts)
    if pretty:
        return f"CHECK ({body})"
    return f"CHECK ({body})" if body.startswith("(") else f"CHECK (({body}))"


def user_type_oid(env: Env, text: str) -> int | None:
    """regtypein of a user type's name (with [] for its array)."""
    try:
        resolved = U.resolve_type_text(env.cat, list(env.search_path), text)
    except Exception:  # noqa: BLE001 - not a type name
        return None
    return resolved.catalog_oid if resolved.typedef is not None else None


def user_type_name(env: Env, oid: int) -> str | None:
    """format_type / regtypeout of a user type's oid: qualified when not visible."""
    td = U.typedef_by_oid(env.cat, oid)
    if td is None:
        return None
    name = quote_identifier(td.name)
    visible = next((s for s in env.search_path if env.cat.type(s, td.name) is not None or s == td.schema), None)
    if visible != td.schema:
        name = quote_identifier(td.schema) + "." + name
    return name + ("[]" if oid == td.array_oid else "")


def user_type_visible(env: Env, oid: int) -> bool | None:
    """pg_type_is_visible of a user type's oid: the first type of its name on the search path is it."""
    td = U.typedef_by_oid(env.cat, oid)
    if td is None:
        return None
    visible = next((s for s in env.search_path if env.cat.type(s, td.name) is not None or s == td.schema), None)
    return visible == td.schema


__all__ = [
    "catalog_type",
    "composite_attributes",
    "composite_classes",
    "domain_check_def",
    "domain_constraint",
    "domain_constraints",
    "user_type_name",
    "user_type_oid",
    "user_type_rows",
    "user_type_storage",
    "user_type_visible",
]
