"""information_schema views over the session's catalog, following the
definitions in PostgreSQL 15's information_schema.sql (the session user is a
superuser, so every object is listed). The views' domain-typed columns
(sql_identifier, cardinal_number, character_data, yes_or_no, time_stamp) are
given as their base types (name, integer, character varying, timestamptz)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.parse.updatable import updatable_columns, view_is_updatable
from orbitdb.sql.pgcatalog import aclitems
from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import model as M
from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.pgcatalog.deparse import format_type
from orbitdb.sql.pgcatalog.pg_relations import view_column_types
from orbitdb.sql.pgcatalog.pg_usertypes import information_schema_type
from orbitdb.sql.types import SqlType
from orbitdb.storage.catalog import TableDef

IS = "information_schema"


def _yes(flag: bool) -> str:
    return "YES" if flag else "NO"


# ---------------------------------------------------------------- type facts (information_schema._pg_* functions)


def data_type(t: SqlType) -> str:
    if t.elem is not None:
        return "ARRAY"
    return format_type(T.strip(t), typmod_given=False)


def char_max_length(t: SqlType) -> int | None:
    if t.elem is None and t.oid in (T.BPCHAR.oid, T.VARCHAR.oid) and t.typmod >= 4:
        return t.typmod - 4
    return None


def char_octet_length(t: SqlType) -> int | None:
    if t.elem is None and t.oid in (T.BPCHAR.oid, T.VARCHAR.oid, T.TEXT.oid):
        n = char_max_length(t)
        return 1073741824 if n is None else n * 4
    return None


def numeric_precision(t: SqlType) -> int | None:
    if t.elem is not None:
        return None
    if t.oid == T.INT2.oid:
        return 16
    if t.oid == T.INT4.oid:
        return 32
    if t.oid == T.INT8.oid:
        return 64
    if t.oid == T.NUMERIC.oid:
        return ((t.typmod - 4) >> 16) & 0xFFFF if t.typmod >= 4 else None
    if t.oid == T.FLOAT4.oid:
        return 24
    if t.oid == T.FLOAT8.oid:
        return 53
    return None


def numeric_radix(t: SqlType) -> int | None:
    if t.elem is not None:
        return None
    if t.oid in (T.INT2.oid, T.INT4.oid, T.INT8.oid, T.FLOAT4.oid, T.FLOAT8.oid):
        return 2
    if t.oid == T.NUMERIC.oid:
        return 10
    return None


def numeric_scale(t: SqlType) -> int | None:
    if t.elem is not None:
        return None
    if t.oid in (T.INT2.oid, T.INT4.oid, T.INT8.oid):
        return 0
    if t.oid == T.NUMERIC.oid:
        return (t.typmod - 4) & 0xFFFF if t.typmod >= 4 else None
    return None


def datetime_precision(t: SqlType) -> int | None:
    if t.elem is not None:
        return None
    if t.oid == T.DATE.oid:
        return 0
    if t.oid in (T.TIME.oid, T.TIMETZ.oid, T.TIMESTAMP.oid, T.TIMESTAMPTZ.oid, T.INTERVAL.oid):
        return t.typmod if t.typmod >= 0 else 6
    return None


def udt_name(t: SqlType) -> str:
    return t.short if t.elem is None else "_" + t.elem.short


# ---------------------------------------------------------------- views


@producer(IS, "information_schema_catalog_name")
def _catalog_name(env: Env, make: RowMaker) -> Iterator[Row]:
    yield make(catalog_name=env.database)


@producer(IS, "schemata")
def _schemata(env: Env, make: RowMaker) -> Iterator[Row]:
    rows = [("information_schema", "postgres"), ("pg_catalog", "postgres"), ("pg_toast", "postgres")]
    rows += [(s.name, s.owner) for s in env.schemas]
    for name, owner in sorted(rows):
        yield make(catalog_name=env.database, schema_name=name, schema_owner=owner)


def _simple_view(v: TableDef) -> bool:
    """PostgreSQL's automatically updatable views."""
    return view_is_updatable(v.view_sql)


@producer(IS, "tables")
def _tables(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        if t.kind == "v":
            ins = _simple_view(t)
            yield make(table_catalog=env.database, table_schema=t.schema, table_name=t.name, table_type="VIEW",
                       is_insertable_into=_yes(ins), is_typed="NO")
        else:
            yield make(table_catalog=env.database, table_schema=t.schema, table_name=t.name, table_type="BASE TABLE",
                       is_insertable_into="YES", is_typed="NO")
    for spec in B.RELATIONS.values():
        yield make(table_catalog=env.database, table_schema=spec.schema, table_name=spec.name,
                   table_type="BASE TABLE" if spec.kind == "r" else "VIEW",
                   is_insertable_into=_yes(spec.kind == "r"), is_typed="NO")


@producer(IS, "columns")
def _columns(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        if t.kind == "v":
            types = view_column_types(env, t)
            writable = updatable_columns(t.view_sql, len(types))
            for i, (name, typ) in enumerate(types):
                yield _column_row(env, make, t, name, typ, i + 1, nullable=True, default=None,
                                  updatable=_yes(writable[i]))
            continue
        seqs = {s.owned_by[1]: s for s in env.sequences if s.owned_by is not None and s.owned_by[0] == t.oid}
        for i, c in enumerate(t.columns):
            extra: dict[str, Any] = {}
            if c.identity:
                s = seqs.get(c.name)
                extra = {"is_identity": "YES", "identity_generation": "ALWAYS" if c.identity == "a" else "BY DEFAULT"}
                if s is not None:
                    extra.update(identity_start=str(s.start), identity_increment=str(s.increment),
                                 identity_maximum=str(s.max_value), identity_minimum=str(s.min_value),
                                 identity_cycle=_yes(s.cycle))
            default = M.default_text(env, t, c, False) if M.has_default(c) else None
            typ, user = information_schema_type(env, c.type)
            if c.generated is not None:
                extra.update(is_generated="ALWAYS", generation_expression=default)
                default = None
            yield _column_row(env, make, t, c.name, typ or M.column_type(c), i + 1, nullable=not c.not_null,
                              default=default, updatable="YES", **extra, **user)
    for spec in B.RELATIONS.values():
        for i, ((name, _t, _m, notnull), (_n, typ)) in enumerate(zip(spec.attrs, spec.columns)):
            yield _column_row(env, make, None, name, typ, i + 1, nullable=not notnull, default=None,
                              updatable=_yes(spec.kind == "r"), schema=spec.schema, table=spec.name)


def _column_row(env: Env, make: RowMaker, t: TableDef | None, name: str, typ: SqlType, num: int, nullable: bool,
                default: str | None, updatable: str, schema: str | None = None, table: str | None = None,
                **extra: Any) -> Row:
    values: dict[str, Any] = {
        "table_catalog": env.database, "table_schema": schema if t is None else t.schema,
        "table_name": table if t is None else t.name, "column_name": name, "ordinal_position": num, "column_default": default,
        "is_nullable": _yes(nullable), "data_type": data_type(typ), "character_maximum_length": char_max_length(typ),
        "character_octet_length": char_octet_length(typ), "numeric_precision": numeric_precision(typ),
        "numeric_precision_radix": numeric_radix(typ), "numeric_scale": numeric_scale(typ),
        "datetime_precision": datetime_precision(typ), "udt_catalog": env.database, "udt_schema": "pg_catalog",
        "udt_name": udt_name(typ), "dtd_identifier": str(num), "is_self_referencing": "NO", "is_identity": "NO",
        "identity_cycle": "NO", "is_generated": "NEVER", "is_updatable": updatable}
    if typ.oid == T.NAME.oid and typ.elem is None:
        values.update(collation_catalog=env.database, collation_schema="pg_catalog", collation_name="C")
    values.update(extra)
    return make(**values)


_CON_TYPES = {"p": "PRIMARY KEY", "u": "UNIQUE", "f": "FOREIGN KEY", "c": "CHECK"}


def _not_null_name(env: Env, t: TableDef, num: int) -> str:
    return f"{env.nsp(t.schema)}_{t.oid}_{num}_not_null"


@producer(IS, "table_constraints")
def _table_constraints(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        if t.kind != "r":
            continue
        base = {"constraint_catalog": env.database, "constraint_schema": t.schema, "table_catalog": env.database,
                    "table_schema": t.schema, "table_name": t.name, "is_deferrable": "NO", "initially_deferred": "NO",
                    "enforced": "YES"}
        for ci in M.constraints(env, t):
            nd = None
            if ci.con.kind == "u":
                ix = next((i for i in M.indexes(t) if i.oid == ci.index_oid), None)
                nd = _yes(ix is None or ix.nulls_distinct)
            deferral = {"is_deferrable": _yes(ci.con.deferrable), "initially_deferred": _yes(ci.con.initially_deferred)}
            yield make(constraint_name=ci.con.name, constraint_type=_CON_TYPES.get(ci.con.kind, "CHECK"),
                       nulls_distinct=nd, **{**base, **deferral})
        for i, c in enumerate(t.columns):
            if c.not_null:
                yield make(constraint_name=_not_null_name(env, t, i + 1), constraint_type="CHECK", **base)


@producer(IS, "check_constraints")
def _check_constraints(env: Env, make: RowMaker) -> Iterator[Row]:
    from orbitdb.sql.pgcatalog.deparse import quote_identifier

    for t in env.tables:
        if t.kind != "r":
            continue
        for ci in M.constraints(env, t):
            if ci.con.kind == "c":
                text = M.constraint_def(env, ci, False)
                clause = text.removeprefix("CHECK ")  # PostgreSQL keeps the ()
                yield make(constraint_catalog=env.database, constraint_schema=t.schema, constraint_name=ci.con.name,
                           check_clause=clause)
        for i, c in enumerate(t.columns):
            if c.not_null:
                yield make(constraint_catalog=env.database, constraint_schema=t.schema,
                           constraint_name=_not_null_name(env, t, i + 1),
                           check_clause=f"{quote_identifier(c.name)} IS NOT NULL")


@producer(IS, "key_column_usage")
def _key_column_usage(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        for ci in M.constraints(env, t):
            if ci.con.kind not in ("p", "u", "f"):
                continue
            for pos, col in enumerate(ci.con.columns):
                in_unique = None
                if ci.con.kind == "f" and ci.ref_table is not None:
                    # position of the referenced column within the referenced unique constraint
                    ref_cons = [c for c in M.constraints(env, ci.ref_table) if c.index_oid == ci.index_oid]
                    if ref_cons and pos < len(ci.con.ref_columns):
                        refcol = ci.con.ref_columns[pos]
                        cols = ref_cons[0].con.columns
                        in_unique = cols.index(refcol) + 1 if refcol in cols else None
                    else:
                        in_unique = pos + 1
                yield make(constraint_catalog=env.database, constraint_schema=t.schema, constraint_name=ci.con.name,
                           table_catalog=env.database, table_schema=t.schema, table_name=t.name, column_name=col,
                           ordinal_position=pos + 1, position_in_unique_constraint=in_unique)


_RULES = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


@producer(IS, "referential_constraints")
def _referential_constraints(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        for ci in M.constraints(env, t):
            if ci.con.kind != "f":
                continue
            uname = uschema = None
            if ci.ref_table is not None:
                for rc in M.constraints(env, ci.ref_table):
                    if rc.con.kind in ("p", "u") and rc.index_oid == ci.index_oid:
                        uname, uschema = rc.con.name, ci.ref_table.schema
                        break
            yield make(constraint_catalog=env.database, constraint_schema=t.schema, constraint_name=ci.con.name,
                       unique_constraint_catalog=env.database if uname else None,
                       unique_constraint_schema=uschema, unique_constraint_name=uname, match_option="NONE",
                       update_rule=_RULES.get(ci.con.on_update, "NO ACTION"),
                       delete_rule=_RULES.get(ci.con.on_delete, "NO ACTION"))


@producer(IS, "constraint_column_usage")
def _constraint_column_usage(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        for ci in M.constraints(env, t):
            if ci.con.kind == "f":
                if ci.ref_table is None:
                    continue
                target, cols = ci.ref_table, ci.con.ref_columns
            else:
                target, cols = t, ci.con.columns
            for col in cols:
                yield make(table_catalog=env.database, table_schema=target.schema, table_name=target.name,
                           column_name=col, constraint_catalog=env.database, constraint_schema=t.schema,
                           constraint_name=ci.con.name)


@producer(IS, "constraint_table_usage")
def _constraint_table_usage(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        for ci in M.constraints(env, t):
            if ci.con.kind == "c":
                continue
            target = ci.ref_table if ci.con.kind == "f" and ci.ref_table is not None else t
            yield make(table_catalog=env.database, table_schema=target.schema, table_name=target.name,
                       constraint_catalog=env.database, constraint_schema=t.schema, constraint_name=ci.con.name)


@producer(IS, "views")
def _views(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        if t.kind == "v":
            simple = _simple_view(t)
            yield make(table_catalog=env.database, table_schema=t.schema, table_name=t.name,
                       view_definition=M.view_def(env, t, False),
                       check_option=(t.view_check_option or "none").upper(), is_updatable=_yes(simple),
                       is_insertable_into=_yes(simple), is_trigger_updatable="NO", is_trigger_deletable="NO",
                       is_trigger_insertable_into="NO")


_SEQ_PRECISION = {"smallint": 16, "integer": 32, "bigint": 64}


@producer(IS, "sequences")
def _sequences(env: Env, make: RowMaker) -> Iterator[Row]:
    for s in env.sequences:
        yield make(sequence_catalog=env.database, sequence_schema=s.schema, sequence_name=s.name,
                   data_type=s.data_type, numeric_precision=_SEQ_PRECISION.get(s.data_type, 64),
                   numeric_precision_radix=2, numeric_scale=0, start_value=str(s.start),
                   minimum_value=str(s.min_value), maximum_value=str(s.max_value), increment=str(s.increment),
                   cycle_option=_yes(s.cycle))


@producer(IS, "character_sets")
def _character_sets(env: Env, make: RowMaker) -> Iterator[Row]:
    yield make(character_set_name="UTF8", character_repertoire="UCS", form_of_use="UTF8",
               default_collate_catalog=env.database)


@producer(IS, "enabled_roles")
def _enabled_roles(env: Env, make: RowMaker) -> Iterator[Row]:
    for name in env.role_names:
        yield make(role_name=name)


@producer(IS, "applicable_roles")
def _applicable_roles(env: Env, make: RowMaker) -> Iterator[Row]:
    yield make(grantee=env.user, role_name="pg_database_owner", is_grantable="NO")
    for member in ("pg_read_all_settings", "pg_read_all_stats", "pg_stat_scan_tables"):
        yield make(grantee="pg_monitor", role_name=member, is_grantable="NO")


_TABLE_PRIVILEGES = ("INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def _visible_to(env: Env) -> Any:
    """The filter of PostgreSQL's privilege views: grants the current role holds the privileges
    of the grantor or grantee of, and those to PUBLIC."""
    role_in = getattr(env.session, "role_in", None)
    user = env.user

    def visible(grantor: str, grantee: str) -> bool:
        if grantee == "" or not callable(role_in):
            return True
        return bool(role_in(user, grantor, True) or role_in(user, grantee, True))

    return visible


def _table_privileges(env: Env, make: RowMaker) -> Iterator[Row]:
    visible = _visible_to(env)
    for t in env.tables:
        for item in aclitems.items_of(t.acl, "r", t.owner):
            if not visible(item.grantor, item.grantee):
                continue
            for letter in aclitems.LETTERS:
                if letter not in item.privileges:
                    continue
                p = aclitems.LETTER_PRIVILEGE[letter]
                yield make(grantor=item.grantor, grantee=item.grantee or "PUBLIC", table_catalog=env.database,
                           table_schema=t.schema, table_name=t.name, privilege_type=p,
                           is_grantable=_yes(letter in item.grantable or item.grantee == t.owner),
                           with_hierarchy=_yes(p == "SELECT"))


producer(IS, "table_privileges")(_table_privileges)
producer(IS, "role_table_grants")(_table_privileges)
