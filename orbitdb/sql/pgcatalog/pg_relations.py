"""pg_namespace, pg_class, pg_attribute, pg_index, pg_constraint, pg_attrdef,
pg_sequence, pg_depend, pg_description and pg_rewrite: the relations of the
session's catalog (and pg_catalog's and information_schema's own relations)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import model as M
from orbitdb.sql.pgcatalog import oids, pg_functions
from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.pgcatalog.deparse import FALLBACK_ERRORS
from orbitdb.sql.pgcatalog.pg_planstats import class_figures
from orbitdb.sql.pgcatalog.pg_usertypes import (
    catalog_type,
    composite_attributes,
    composite_classes,
    domain_constraints,
    type_descriptions,
    user_type_storage,
)
from orbitdb.sql.types import SqlType
from orbitdb.storage.catalog import IndexDef, SequenceDef, TableDef
from orbitdb.storage.temp import is_temp_oid

_CATALOG_ACL = ["postgres=UC/postgres", "=U/postgres"]
_PUBLIC_ACL = ["pg_database_owner=UC/pg_database_owner", "=U/pg_database_owner"]
_SHARED = {"pg_authid", "pg_auth_members", "pg_database", "pg_db_role_setting", "pg_tablespace",
           "pg_shdepend", "pg_shdescription", "pg_shseclabel", "pg_replication_origin", "pg_subscription",
           "pg_parameter_acl"}


@producer("pg_catalog", "pg_namespace")
def _pg_namespace(env: Env, make: RowMaker) -> Iterator[Row]:
    yield make(oid=oids.PG_TOAST_NAMESPACE, nspname="pg_toast", nspowner=oids.BOOTSTRAP_SUPERUSER)
    yield make(oid=oids.PG_CATALOG_NAMESPACE, nspname="pg_catalog", nspowner=oids.BOOTSTRAP_SUPERUSER,
               nspacl=list(_CATALOG_ACL))
    for s in env.schemas:
        yield make(oid=s.oid, nspname=s.name, nspowner=env.role_oid(s.owner),
                   nspacl=s.acl if s.acl is not None else (list(_PUBLIC_ACL) if s.oid == oids.PUBLIC_NAMESPACE
                                                           else None))
    yield make(oid=oids.INFORMATION_SCHEMA_NAMESPACE, nspname="information_schema",
               nspowner=oids.BOOTSTRAP_SUPERUSER, nspacl=list(_CATALOG_ACL))


_CLASS_DEFAULTS: dict[str, Any] = {
    "reloftype": 0, "relfilenode": 0, "reltablespace": 0, "relpages": 0, "reltuples": -1.0, "relallvisible": 0, "reltoastrelid": 0,
    "relhasindex": False, "relisshared": False, "relpersistence": "p", "relchecks": 0, "relhasrules": False,
    "relhastriggers": False, "relhassubclass": False, "relrowsecurity": False, "relforcerowsecurity": False,
    "relispopulated": True, "relreplident": "n", "relispartition": False, "relrewrite": 0, "relfrozenxid": 0, "relminmxid": 0,
    "reltype": 0, "relam": 0,
}


@producer("pg_catalog", "pg_class", **_CLASS_DEFAULTS)
def _pg_class(env: Env, make: RowMaker) -> Iterator[Row]:
    for spec in B.RELATIONS.values():
        yield make(oid=spec.oid, relname=spec.name, relnamespace=env.nsp(spec.schema),
                   relowner=oids.BOOTSTRAP_SUPERUSER, relam=oids.HEAP_AM if spec.kind == "r" else 0,
                   relkind=spec.kind, relnatts=len(spec.attrs), relhasrules=spec.kind == "v",
                   relhasindex=spec.kind == "r" and spec.schema == "pg_catalog",
                   relisshared=spec.name in _SHARED)
    fk_tables: set[int] = set()
    for t in env.tables:
        for con in t.constraints:
            if con.kind == "f":
                fk_tables.add(t.oid)
                if con.ref_table is not None:
                    fk_tables.add(con.ref_table)
    parents = {t.partition_of for t in env.tables} | {p for t in env.tables for p in t.inherits}
    for kind, obj in M.iter_relations(env):
        if kind == "table":
            t: TableDef = obj
            nsp = env.nsp(t.schema)
            owner = env.role_oid(t.owner)
            if t.kind == "v":
                yield make(oid=t.oid, relname=t.name, relnamespace=nsp, reltype=oids.rowtype_oid(t.oid),
                           relowner=owner, relkind="v", relnatts=len(t.view_columns or t.columns),
                           relhasrules=True, relpersistence=_persistence(t.oid), relacl=t.acl,
                           reloptions=[f"check_option={t.view_check_option}"] if t.view_check_option else None)
            else:
                partitioned = bool(t.partition_strategy)
                yield make(oid=t.oid, relname=t.name, relnamespace=nsp, reltype=oids.rowtype_oid(t.oid),
                           relowner=owner, relam=0 if partitioned else oids.HEAP_AM,
                           relfilenode=0 if partitioned else t.oid, relkind="p" if partitioned else "r",
                           relnatts=len(t.columns), relhasindex=bool(M.indexes(t)),
                           relchecks=sum(1 for c in t.constraints if c.kind == "c"),
                           relhastriggers=t.oid in fk_tables or bool(t.triggers), relreplident="d", relpersistence=_persistence(t.oid),
                           relhassubclass=t.oid in parents, relispartition=t.partition_of is not None,
                           relpartbound=t.partition_bound, relacl=t.acl, **class_figures(env, t.oid))
        elif kind == "index":
            t, ix = obj
            yield make(oid=ix.oid, relname=ix.name, relnamespace=env.nsp(t.schema), relowner=env.role_oid(t.owner),
                       relam=oids.BTREE_AM, relfilenode=ix.oid, relpages=1, reltuples=0.0,
                       relkind="I" if t.partition_strategy else "i",
                       relnatts=len(ix.columns) + len(ix.include), relpersistence=_persistence(ix.oid))
        else:
            s: SequenceDef = obj
            yield make(oid=s.oid, relname=s.name, relnamespace=env.nsp(s.schema), relowner=env.role_oid(s.owner),
                       relfilenode=s.oid, relpages=1, reltuples=1.0, relkind="S", relnatts=3,
                       relpersistence=_persistence(s.oid), relacl=s.acl)
    yield from composite_classes(env, make)


def _persistence(oid: int) -> str:
    return "t" if is_temp_oid(oid) else "p"


# (name, type oid, attnum, length, by value, alignment) of the system columns of tables and sequences
_SYSTEM_COLUMNS = [("tableoid", 26, -6, 4, True, "i"), ("cmax", 29, -5, 4, True, "i"), ("xmax", 28, -4, 4, True, "i"),
                   ("cmin", 29, -3, 4, True, "i"), ("xmin", 28, -2, 4, True, "i"), ("ctid", 27, -1, 6, False, "s")]
_SEQUENCE_COLUMNS = [("last_value", T.INT8), ("log_cnt", T.INT8), ("is_called", T.BOOL)]

_ATTR_DEFAULTS: dict[str, Any] = {
    "attstattarget": -1, "attcacheoff": -1, "atttypmod": -1, "attndims": 0, "attcompression": "", "attnotnull": False,
    "atthasdef": False, "atthasmissing": False, "attidentity": "", "attgenerated": "", "attisdropped": False, "attislocal": True,
    "attinhcount": 0, "attcollation": 0,
}


def type_storage(t: SqlType) -> tuple[int, bool, str, str, int]:
    """(attlen, attbyval, attalign, attstorage, attcollation) of a column of type t."""
    r = B.TYPE_BY_OID.get(t.oid)
    if r is None:
        return -1, False, "i", "x", 0
    return int(r["typlen"]), bool(r["typbyval"]), str(r["typalign"]), str(r["typstorage"]), int(r["typcollation"])


def attribute(make: RowMaker, rel: int, name: str, t: SqlType, num: int,
              stored: tuple[int, bool, str, str, int] | None = None, collation: str | None = None,
              **extra: Any) -> Row:
    """collation: the column's COLLATE (None: its type's default)."""
    length, byval, align, storage, coll = stored or type_storage(t)
    if collation is not None:
        coll = next((r["oid"] for r in B.COLLATION_ROWS if r["collname"] == collation), coll)
    return make(attrelid=rel, attname=name, atttypid=t.oid, attlen=length, attnum=num, attndims=1 if t.elem else 0,
                atttypmod=t.typmod if t.elem is None else (t.elem.typmod if t.elem else -1), attbyval=byval,
                attalign=align, attstorage=storage, attcollation=coll, **extra)


def _system_columns(make: RowMaker, rel: int) -> Iterator[Row]:
    for name, typ, num, length, byval, align in _SYSTEM_COLUMNS:
        yield make(attrelid=rel, attname=name, atttypid=typ, attstattarget=0, attlen=length, attnum=num,
                   attbyval=byval, attalign=align, attstorage="p", attnotnull=True)


_BUILTIN_ATTRIBUTES: list[Row] | None = None


def _builtin_attributes(make: RowMaker) -> list[Row]:
    global _BUILTIN_ATTRIBUTES
    if _BUILTIN_ATTRIBUTES is None:
        rows = []
        for spec in B.RELATIONS.values():
            for i, ((name, _t, _m, notnull), (_n, st)) in enumerate(zip(spec.attrs, spec.columns)):
                rows.append(attribute(make, spec.oid, name, st, i + 1, attnotnull=notnull))
        _BUILTIN_ATTRIBUTES = rows
    return _BUILTIN_ATTRIBUTES


def view_column_types(env: Env, v: TableDef) -> list[tuple[str, SqlType]]:
    """A view's output columns and types (by planning its query)."""
    if v.columns:
        return [(c.name, M.column_type(c)) for c in v.columns]
    names = list(v.view_columns)
    try:
        columns = env.session.query_columns(v.view_sql or "", env.cat)
        types = [t for _, t in columns]
        if not names:
            names = [n for n, _ in columns]
        return [(n, types[i] if i < len(types) else T.TEXT) for i, n in enumerate(names)]
    except FALLBACK_ERRORS:
        return [(n, T.TEXT) for n in names]


@producer("pg_catalog", "pg_attribute", **_ATTR_DEFAULTS)
def _pg_attribute(env: Env, make: RowMaker) -> Iterator[Row]:
    yield from _builtin_attributes(make)
    for kind, obj in M.iter_relations(env):
        if kind == "table":
            t: TableDef = obj
            if t.kind == "v":
                for i, (name, typ) in enumerate(view_column_types(env, t)):
                    yield attribute(make, t.oid, name, typ, i + 1)
                continue
            yield from _system_columns(make, t.oid)
            for i, c in enumerate(t.columns):
                yield attribute(make, t.oid, c.name, catalog_type(env, c.type), i + 1,
                                stored=user_type_storage(env, c.type), attnotnull=c.not_null,
                                atthasdef=M.has_default(c), attidentity=c.identity or "",
                                attgenerated="s" if c.generated is not None else "",
                                atthasmissing=c.missing is not None, attacl=c.acl, collation=c.collation)
        elif kind == "index":
            t, ix = obj
            for i, name in enumerate(ix.columns + ix.include):
                c = t.column(name)
                typ = M.column_type(c) if c is not None else T.TEXT
                yield attribute(make, ix.oid, name if c is not None else "expr", T.strip(typ), i + 1,
                                attstattarget=-1)
        else:
            s: SequenceDef = obj
            yield from _system_columns(make, s.oid)
            for i, (name, typ) in enumerate(_SEQUENCE_COLUMNS):
                yield attribute(make, s.oid, name, typ, i + 1, attnotnull=True)
    yield from composite_attributes(env, make, attribute)


def opclass(t: SqlType) -> int:
    if t.elem is not None:
        return 2745  # array_ops
    oc = B.DEFAULT_BTREE_OPCLASS.get(t.oid)
    if oc is None and t.oid in (T.VARCHAR.oid, T.NAME.oid):
        oc = B.DEFAULT_BTREE_OPCLASS.get(T.TEXT.oid)
    return oc or 0


def named_opclass(ix: IndexDef, i: int) -> int:
    """The operator class CREATE INDEX named for key i (0: none, the type's default)."""
    name = ix.opclasses[i] if i < len(ix.opclasses) else ""
    return next((r["oid"] for r in B.OPCLASS_ROWS if r["opcmethod"] == 403 and r["opcname"] == name), 0) if name else 0


@producer("pg_catalog", "pg_index")
def _pg_index(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        for ix in M.indexes(t):
            exprs = ix.expressions or [None] * len(ix.columns)
            keys = [M.attnum(t, c) if e is None else 0 for c, e in zip(ix.columns, exprs)]
            types = [M.column_type(t.column(c)) if t.column(c) is not None else T.TEXT  # type: ignore[arg-type]
                     for c in ix.columns]
            # indoption: 1 DESC, 2 NULLS FIRST; indexprs/indpred: the expressions' text (pg_get_expr reads it)
            options = [(1 if i < len(ix.descending) and ix.descending[i] else 0) |
                       (2 if i < len(ix.nulls_first) and ix.nulls_first[i] else 0) for i in range(len(keys))]
            indexprs = " ".join(f"({e})" for e in exprs if e is not None) or None
            included = [M.attnum(t, c) for c in ix.include]
            yield make(indexrelid=ix.oid, indrelid=t.oid, indnatts=len(keys) + len(included), indnkeyatts=len(keys),
                       indisunique=ix.unique, indnullsnotdistinct=not ix.nulls_distinct, indisprimary=ix.primary,
                       indisexclusion=False, indimmediate=not ix.deferrable, indisclustered=False, indisvalid=True,
                       indcheckxmin=False, indisready=True, indislive=True, indisreplident=False, indkey=keys + included,
                       indcollation=[type_storage(ty)[4] for ty in types], indclass=[named_opclass(ix, i) or opclass(ty) for i, ty in enumerate(types)],
                       indoption=options, indexprs=indexprs, indpred=ix.predicate)


def eq_operator(t: SqlType) -> int:
    """The = operator of a type (for pg_constraint's conpfeqop)."""
    hit = B.OPERATORS.get(("=", t.oid, t.oid))
    if hit is None and T.is_string(t):
        hit = B.OPERATORS.get(("=", T.TEXT.oid, T.TEXT.oid))
    return hit[0] if hit else 0


@producer("pg_catalog", "pg_constraint")
def _pg_constraint(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        nsp = env.nsp(t.schema)
        for ci in M.constraints(env, t):
            con = ci.con
            fk = con.kind == "f"
            ops = None
            if fk:
                ops = []
                for c in con.columns:
                    col = t.column(c)
                    ops.append(eq_operator(M.column_type(col)) if col is not None else 0)
            yield make(oid=ci.oid, conname=con.name, connamespace=nsp, contype=con.kind, condeferrable=con.deferrable,
                       condeferred=con.initially_deferred, convalidated=True, conrelid=t.oid, contypid=0, conindid=ci.index_oid,
                       conparentid=0, confrelid=ci.ref_table.oid if ci.ref_table is not None else 0,
                       confupdtype=con.on_update if fk else " ", confdeltype=con.on_delete if fk else " ",
                       confmatchtype="s" if fk else " ", conislocal=True, coninhcount=0,
                       connoinherit=con.kind != "c", conkey=ci.keys or None, confkey=ci.ref_keys if fk else None,
                       conpfeqop=ops, conppeqop=ops, conffeqop=ops, conbin=con.check if con.kind == "c" else None)
    yield from domain_constraints(env, make)


@producer("pg_catalog", "pg_attrdef")
def _pg_attrdef(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        for i, c in enumerate(t.columns):
            if M.has_default(c):
                yield make(oid=oids.attrdef_oid(t.oid, i + 1), adrelid=t.oid, adnum=i + 1,
                           adbin=M.default_node_text(t, i + 1))


_SEQ_TYPES = {"smallint": T.INT2.oid, "integer": T.INT4.oid, "bigint": T.INT8.oid}


@producer("pg_catalog", "pg_sequence")
def _pg_sequence(env: Env, make: RowMaker) -> Iterator[Row]:
    for s in env.sequences:
        yield make(seqrelid=s.oid, seqtypid=_SEQ_TYPES.get(s.data_type, T.INT8.oid), seqstart=s.start,
                   seqincrement=s.increment, seqmax=s.max_value, seqmin=s.min_value, seqcache=s.cache,
                   seqcycle=s.cycle)


@producer("pg_catalog", "pg_depend")
def _pg_depend(env: Env, make: RowMaker) -> Iterator[Row]:
    CLS, TYP, NSP, CON, ATD, REW = (oids.PG_CLASS_RELID, oids.PG_TYPE_RELID, oids.PG_NAMESPACE_RELID,
                                    oids.PG_CONSTRAINT_RELID, oids.PG_ATTRDEF_RELID, oids.PG_REWRITE_RELID)

    def dep(classid: int, objid: int, refclassid: int, refobjid: int, refsub: int, deptype: str) -> Row:
        return make(classid=classid, objid=objid, objsubid=0, refclassid=refclassid, refobjid=refobjid,
                     refobjsubid=refsub, deptype=deptype)

    seq_by_name = {(s.schema, s.name): s for s in env.sequences}
    for t in env.tables:
        yield dep(CLS, t.oid, NSP, env.nsp(t.schema), 0, "n")
        yield dep(TYP, oids.rowtype_oid(t.oid), CLS, t.oid, 0, "i")
        yield dep(TYP, oids.rowtype_array_oid(t.oid), TYP, oids.rowtype_oid(t.oid), 0, "i")
        if t.kind == "v":
            rule = oids.rewrite_oid(t.oid)
            yield dep(REW, rule, CLS, t.oid, 0, "i")
            for other in env.tables:
                if other.oid != t.oid and other.name in (t.view_sql or ""):
                    yield dep(REW, rule, CLS, other.oid, 0, "n")
            continue
        for i, c in enumerate(t.columns):
            if M.has_default(c):
                ad = oids.attrdef_oid(t.oid, i + 1)
                yield dep(ATD, ad, CLS, t.oid, i + 1, "a")
                for (schema, name), s in seq_by_name.items():
                    if f"'{name}'" in (c.default or "") or f"'{schema}.{name}'" in (c.default or ""):
                        yield dep(ATD, ad, CLS, s.oid, 0, "n")
        for ci in M.constraints(env, t):
            for k in ci.keys:
                yield dep(CON, ci.oid, CLS, t.oid, k, "a")
            if ci.con.kind == "f" and ci.ref_table is not None:
                if ci.index_oid:
                    yield dep(CON, ci.oid, CLS, ci.index_oid, 0, "n")
                for k in ci.ref_keys:
                    yield dep(CON, ci.oid, CLS, ci.ref_table.oid, k, "n")
        for ix in M.indexes(t):
            ci = M.index_constraint(env, t, ix)
            if ci is not None:
                yield dep(CLS, ix.oid, CON, ci.oid, 0, "i")
            else:
                for c in ix.columns + ix.include:
                    yield dep(CLS, ix.oid, CLS, t.oid, M.attnum(t, c), "a")
    for objid, refclass, refobjid in pg_functions.depends(env):
        yield dep(oids.PG_PROC_RELID, objid, refclass, refobjid, 0, "n")
    for s in env.sequences:
        yield dep(CLS, s.oid, NSP, env.nsp(s.schema), 0, "n")
        if s.owned_by is not None:
            owner = env.table(s.owned_by[0])
            if owner is not None:
                col = owner.column(s.owned_by[1])
                deptype = "i" if col is not None and col.identity else "a"
                yield dep(CLS, s.oid, CLS, owner.oid, M.attnum(owner, s.owned_by[1]), deptype)


@producer("pg_catalog", "pg_description")
def _pg_description(env: Env, make: RowMaker) -> Iterator[Row]:
    for f in env.cat.functions():
        if f.comment is not None:
            yield make(objoid=f.oid, classoid=oids.PG_PROC_RELID, objsubid=0, description=f.comment)
    for t in env.tables:
        if t.comment is not None:
            yield make(objoid=t.oid, classoid=oids.PG_CLASS_RELID, objsubid=0, description=t.comment)
        for i, c in enumerate(t.columns):
            text = getattr(c, "comment", None)
            if text is not None:
                yield make(objoid=t.oid, classoid=oids.PG_CLASS_RELID, objsubid=i + 1, description=text)
        for ix in M.indexes(t):
            if ix.comment is not None:
                yield make(objoid=ix.oid, classoid=oids.PG_CLASS_RELID, objsubid=0, description=ix.comment)
        for ci in M.constraints(env, t):
            if getattr(ci.con, "comment", None) is not None:
                yield make(objoid=ci.oid, classoid=oids.PG_CONSTRAINT_RELID, objsubid=0, description=ci.con.comment)
    for seq in env.sequences:
        if seq.comment is not None:
            yield make(objoid=seq.oid, classoid=oids.PG_CLASS_RELID, objsubid=0, description=seq.comment)
    for s in env.schemas:
        text = getattr(s, "comment", None)
        if text is not None:
            yield make(objoid=s.oid, classoid=oids.PG_NAMESPACE_RELID, objsubid=0, description=text)
    public = next((s for s in env.schemas if s.oid == oids.PUBLIC_NAMESPACE), None)
    if public is not None and getattr(public, "comment", None) is None:
        yield make(objoid=oids.PUBLIC_NAMESPACE, classoid=oids.PG_NAMESPACE_RELID, objsubid=0,
                   description="standard public schema")
    yield make(objoid=oids.PLPGSQL_EXTENSION, classoid=oids.PG_EXTENSION_RELID, objsubid=0,
               description="PL/pgSQL procedural language")
    yield from type_descriptions(env, make)
    for ext in env.cat.extensions():
        if ext.comment is not None:
            yield make(objoid=ext.oid, classoid=oids.PG_EXTENSION_RELID, objsubid=0, description=ext.comment)


@producer("pg_catalog", "pg_rewrite")
def _pg_rewrite(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        if t.kind == "v":
            yield make(oid=oids.rewrite_oid(t.oid), rulename="_RETURN", ev_class=t.oid, ev_type="1", ev_enabled="O",
                       is_instead=True, ev_qual="<>", ev_action=t.view_sql)


def relation_comment(env: Env, oid: int, sub: int = 0) -> str | None:
    t = env.table(oid)
    if t is None:
        if sub != 0:
            return None
        found = M.index_by_oid(env, oid)
        if found is not None:
            return found[1].comment
        seq = next((q for q in env.sequences if q.oid == oid), None)
        return seq.comment if seq is not None else None
    if sub == 0:
        return t.comment
    if 0 < sub <= len(t.columns):
        return getattr(t.columns[sub - 1], "comment", None)
    return None
