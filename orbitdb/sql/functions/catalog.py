"""System catalog information functions: what psql, pg_dump and the drivers
call on the catalogs (pg_get_userbyid, pg_table_is_visible, format_type,
pg_get_indexdef, pg_get_constraintdef, pg_get_expr, pg_get_viewdef,
obj_description, relation sizes, privilege checks, to_reg*, ...).

Object descriptions come from orbitdb.sql.pgcatalog (the live pg_catalog views).
orbitdb has no privilege system: every has_*_privilege and pg_has_role answers
true. Relation sizes are estimates: see orbitdb.sql.pgcatalog.model.table_size."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from orbitdb.sql import settings as S
from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.arrays import flatten
from orbitdb.sql.functions.registry import FUNCTIONS, register
from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import lookup, oids, pg_functions
from orbitdb.sql.pgcatalog import model as M
from orbitdb.sql.pgcatalog.base import Env
from orbitdb.sql.pgcatalog.deparse import deparse_expr, quote_identifier
from orbitdb.sql.pgcatalog.pg_partitions import partition_constraint_def, partition_key_def
from orbitdb.sql.pgcatalog.pg_relations import relation_comment
from orbitdb.sql.pgcatalog.pg_usertypes import (
    domain_check_def,
    domain_constraint,
    user_type_visible,
)
from orbitdb.sql.statement_scope import running_session
from orbitdb.sql.types import usertypes as U

OID, TEXT, NAME, INT4, INT8, BOOL = T.OID, T.TEXT, T.NAME, T.INT4, T.INT8, T.BOOL
REGCLASS, REGTYPE, NODE = T.REGCLASS, T.REGTYPE, T.PG_NODE_TREE

_env_cache: tuple[Any, Any, Env] | None = None


def env_of(ctx: Any) -> Env:
    """The catalog view of the statement's session (one per statement and catalog version)."""
    global _env_cache
    session = ctx.session if ctx is not None else None
    if session is None:
        session = running_session()
    cat = session.catalog()
    cached = _env_cache
    if cached is not None and cached[0] is ctx and cached[1] is cat:
        return cached[2]
    env = Env(session)
    _env_cache = (ctx, cat, env)
    return env


# ---------------------------------------------------------------- names and visibility


@register("pg_get_userbyid", [OID], NAME, needs_ctx=True)
def pg_get_userbyid(ctx: Any, oid: int) -> str:
    name = lookup.role_name(env_of(ctx), oid)
    return name if name is not None else f"unknown (OID={oid})"


@register("pg_table_is_visible", [OID], BOOL, needs_ctx=True)
def pg_table_is_visible(ctx: Any, oid: int) -> bool | None:
    env = env_of(ctx)
    info = lookup.relation_info(env, oid)
    if info is None:
        return None
    return env.relation_visible(info[0], info[1])


@register("pg_type_is_visible", [OID], BOOL, needs_ctx=True)
def pg_type_is_visible(ctx: Any, oid: int) -> bool | None:
    env = env_of(ctx)
    if oid in B.TYPE_BY_OID:
        return True
    rel = oids.rowtype_relation(oid)
    if rel is not None:
        t = env.table(rel[0])
        return env.relation_visible(t.schema, t.name) if t is not None else None
    return user_type_visible(env, oid)


@register("pg_function_is_visible", [OID], BOOL, needs_ctx=True)
def pg_function_is_visible(ctx: Any, oid: int) -> bool | None:
    if oid in B.PROC_BY_OID:
        return True
    env = env_of(ctx)
    f = pg_functions.user_function(env, oid)
    if f is None:
        return None
    # visible: the first schema of the path that has a function of that name and arguments
    for sch in env.session.search_schemas():
        for g in env.cat.functions_named(sch, f.name):
            if [t for t, m in zip(g.arg_types, g.arg_modes) if m in pg_functions.input_modes(g)] == \
                    [t for t, m in zip(f.arg_types, f.arg_modes) if m in pg_functions.input_modes(f)]:
                return g.oid == f.oid
    return False


for _name in ("pg_opclass_is_visible", "pg_opfamily_is_visible", "pg_collation_is_visible",
              "pg_conversion_is_visible", "pg_operator_is_visible", "pg_statistics_obj_is_visible",
              "pg_ts_config_is_visible", "pg_ts_dict_is_visible", "pg_ts_parser_is_visible",
              "pg_ts_template_is_visible"):
    register(_name, [OID], BOOL)(lambda oid: True)


@register("format_type", [OID, INT4], TEXT, strict=False, needs_ctx=True)
def format_type(ctx: Any, oid: int | None, typmod: int | None) -> str | None:
    if oid is None:
        return None
    if oid == 0:
        return "-"
    name = lookup.type_name(env_of(ctx), oid, typmod if typmod is not None else -1, typmod is not None)
    return name if name is not None else "???"


# ---------------------------------------------------------------- definitions


def _table(env: Env, oid: int) -> Any:
    return env.table(oid)


@register("pg_get_expr", [NODE, OID], TEXT, needs_ctx=True)
def pg_get_expr(ctx: Any, expr: str, relid: int) -> str | None:
    return _get_expr(ctx, expr, relid, False)


@register("pg_get_expr", [NODE, OID, BOOL], TEXT, needs_ctx=True)
def pg_get_expr_pretty(ctx: Any, expr: str, relid: int, pretty: bool) -> str | None:
    return _get_expr(ctx, expr, relid, pretty)


register("pg_get_expr", [TEXT, OID], TEXT, needs_ctx=True)(pg_get_expr)
register("pg_get_expr", [TEXT, OID, BOOL], TEXT, needs_ctx=True)(pg_get_expr_pretty)


def _get_expr(ctx: Any, expr: str, relid: int, pretty: bool) -> str | None:
    if expr.startswith("FOR VALUES ") or expr == "DEFAULT":
        return expr  # relpartbound: kept as the text PostgreSQL prints for it
    env = env_of(ctx)
    t = _table(env, relid) if relid else None
    if t is None:
        return deparse_expr(expr, {}, pretty)
    c = M.default_column(t, expr)  # a column default prints with its (hidden) coercion to the column's type
    if c is not None:
        return M.default_text(env, t, c, pretty)
    return M.expr_text(env, t, expr, pretty)


@register("pg_get_constraintdef", [OID], TEXT, needs_ctx=True)
def pg_get_constraintdef(ctx: Any, oid: int) -> str | None:
    return _constraintdef(ctx, oid, False)


@register("pg_get_constraintdef", [OID, BOOL], TEXT, needs_ctx=True)
def pg_get_constraintdef_pretty(ctx: Any, oid: int, pretty: bool) -> str | None:
    return _constraintdef(ctx, oid, pretty)


def _constraintdef(ctx: Any, oid: int, pretty: bool) -> str | None:
    env = env_of(ctx)
    domain = domain_constraint(env, oid)
    if domain is not None:
        return domain_check_def(env, domain[0], domain[2], pretty)
    ci = M.constraint_by_oid(env, oid)
    return M.constraint_def(env, ci, pretty) if ci is not None else None


@register("pg_get_indexdef", [OID], TEXT, needs_ctx=True)
def pg_get_indexdef(ctx: Any, oid: int) -> str | None:
    return _indexdef(ctx, oid, 0, False)


@register("pg_get_indexdef", [OID, INT4, BOOL], TEXT, needs_ctx=True)
def pg_get_indexdef_col(ctx: Any, oid: int, colno: int, pretty: bool) -> str | None:
    return _indexdef(ctx, oid, colno, pretty)


def _indexdef(ctx: Any, oid: int, colno: int, pretty: bool) -> str | None:
    env = env_of(ctx)
    found = M.index_by_oid(env, oid)
    if found is None:
        return None
    t, ix = found
    if colno:
        return M.index_column_def(t, ix, colno, pretty)
    return M.index_def(env, t, ix, pretty)


@register("pg_get_viewdef", [OID], TEXT, needs_ctx=True)
def pg_get_viewdef(ctx: Any, oid: int) -> str | None:
    return _viewdef(ctx, oid, False)


@register("pg_get_viewdef", [OID, BOOL], TEXT, needs_ctx=True)
def pg_get_viewdef_pretty(ctx: Any, oid: int, pretty: bool) -> str | None:
    return _viewdef(ctx, oid, pretty)


@register("pg_get_viewdef", [OID, INT4], TEXT, needs_ctx=True)
def pg_get_viewdef_wrap(ctx: Any, oid: int, wrap: int) -> str | None:
    return _viewdef(ctx, oid, True)


@register("pg_get_viewdef", [TEXT], TEXT, needs_ctx=True)
def pg_get_viewdef_name(ctx: Any, name: str) -> str | None:
    oid = lookup.relation_oid(env_of(ctx), name)
    if oid is None:
        raise SqlError("42P01", f'relation "{name}" does not exist')
    return _viewdef(ctx, oid, False)


@register("pg_get_viewdef", [TEXT, BOOL], TEXT, needs_ctx=True)
def pg_get_viewdef_name_pretty(ctx: Any, name: str, pretty: bool) -> str | None:
    oid = lookup.relation_oid(env_of(ctx), name)
    if oid is None:
        raise SqlError("42P01", f'relation "{name}" does not exist')
    return _viewdef(ctx, oid, pretty)


def _viewdef(ctx: Any, oid: int, pretty: bool) -> str | None:
    env = env_of(ctx)
    t = env.table(oid)
    if t is None or t.kind != "v":
        return None
    return M.view_def(env, t, pretty)


@register("pg_get_serial_sequence", [TEXT, TEXT], TEXT, needs_ctx=True)
def pg_get_serial_sequence(ctx: Any, table: str, column: str) -> str | None:
    env = env_of(ctx)
    parts = lookup.split_name(table)
    t = lookup.find_table(env, parts[-2] if len(parts) >= 2 else None, parts[-1])
    if t is None:
        raise SqlError("42P01", f'relation "{table}" does not exist')
    if t.column(column) is None:
        raise SqlError("42703", f'column "{column}" of relation "{t.name}" does not exist')
    for s in env.sequences:
        if s.owned_by is not None and s.owned_by[0] == t.oid and s.owned_by[1] == column:
            return quote_identifier(s.schema) + "." + quote_identifier(s.name)
    return None


@register("pg_get_partition_constraintdef", [OID], TEXT, needs_ctx=True)
def pg_get_partition_constraintdef(ctx: Any, oid: int) -> str | None:
    return partition_constraint_def(env_of(ctx), oid)


@register("pg_get_partkeydef", [OID], TEXT, needs_ctx=True)
def pg_get_partkeydef(ctx: Any, oid: int) -> str | None:
    return partition_key_def(env_of(ctx), oid)


@register("pg_get_statisticsobjdef_columns", [OID], TEXT)
def pg_get_statisticsobjdef_columns(oid: int) -> str | None:
    return None


@register("pg_get_statisticsobjdef", [OID], TEXT)
def pg_get_statisticsobjdef(oid: int) -> str | None:
    return None


@register("pg_get_triggerdef", [OID], TEXT, needs_ctx=True)
def pg_get_triggerdef(ctx: Any, oid: int) -> str | None:
    from orbitdb.sql.pgcatalog.pg_triggers import triggerdef

    return triggerdef(env_of(ctx), oid, False)


@register("pg_get_triggerdef", [OID, BOOL], TEXT, needs_ctx=True)
def pg_get_triggerdef_pretty(ctx: Any, oid: int, pretty: bool) -> str | None:
    from orbitdb.sql.pgcatalog.pg_triggers import triggerdef

    return triggerdef(env_of(ctx), oid, bool(pretty))


@register("pg_get_ruledef", [OID], TEXT)
def pg_get_ruledef(oid: int) -> str | None:
    return None


register("pg_get_ruledef", [OID, BOOL], TEXT)(lambda oid, pretty: None)


@register("pg_get_function_result", [OID], TEXT, needs_ctx=True)
def pg_get_function_result(ctx: Any, oid: int) -> str | None:
    r = B.PROC_BY_OID.get(oid)
    if r is None:
        env = env_of(ctx)
        f = pg_functions.user_function(env, oid)
        return pg_functions.result(env, f) if f is not None else None
    return lookup.type_name(env_of(ctx), r["prorettype"]) or "-"


@register("pg_get_function_arguments", [OID], TEXT, needs_ctx=True)
def pg_get_function_arguments(ctx: Any, oid: int) -> str | None:
    r = B.PROC_BY_OID.get(oid)
    env = env_of(ctx)
    if r is None:
        f = pg_functions.user_function(env, oid)
        return pg_functions.arguments(env, f) if f is not None else None
    return ", ".join(lookup.type_name(env, a) or str(a) for a in r["proargtypes"] or [])


@register("pg_get_function_identity_arguments", [OID], TEXT, needs_ctx=True)
def pg_get_function_identity_arguments(ctx: Any, oid: int) -> str | None:
    r = B.PROC_BY_OID.get(oid)
    env = env_of(ctx)
    if r is None:
        f = pg_functions.user_function(env, oid)
        return pg_functions.arguments(env, f, identity=True) if f is not None else None
    return ", ".join(lookup.type_name(env, a) or str(a) for a in r["proargtypes"] or [])


@register("pg_get_functiondef", [OID], TEXT, needs_ctx=True)
def pg_get_functiondef(ctx: Any, oid: int) -> str | None:
    env = env_of(ctx)
    f = pg_functions.user_function(env, oid)
    if f is None:
        r = B.PROC_BY_OID.get(oid)
        if r is None:
            return None
        raise SqlError("0A000", f"pg_get_functiondef of the built-in function {r['proname']} is not supported")
    return pg_functions.functiondef(env, f)


@register("pg_get_function_sqlbody", [OID], TEXT)
def pg_get_function_sqlbody(oid: int) -> str | None:
    return None  # no routine has a BEGIN ATOMIC body (they are refused)


@register("pg_relation_is_publishable", [REGCLASS], BOOL)
def pg_relation_is_publishable(oid: int) -> bool:
    return False


def _ancestry(ctx: Any, oid: int) -> list[int]:
    """oid and the partitioned tables above it, nearest first (empty for no partitioned relation)."""
    cat = env_of(ctx).cat
    t = cat.table_by_oid(oid)
    if t is None or not (t.partition_strategy or t.partition_of is not None):
        return []
    out = [t.oid]
    while t is not None and t.partition_of is not None:
        t = cat.table_by_oid(t.partition_of)
        if t is not None:
            out.append(t.oid)
    return out


@register("pg_partition_ancestors", [REGCLASS], REGCLASS, set_returning=True, needs_ctx=True)
def pg_partition_ancestors(ctx: Any, oid: int) -> Iterator[int]:
    return iter(_ancestry(ctx, oid))


pg_partition_ancestors.columns = [("relid", REGCLASS)]  # type: ignore[attr-defined]


@register("pg_partition_root", [REGCLASS], REGCLASS, needs_ctx=True)
def pg_partition_root(ctx: Any, oid: int) -> int | None:
    chain = _ancestry(ctx, oid)
    return chain[-1] if chain else None


@register("pg_partition_tree", [REGCLASS], T.RECORD, set_returning=True, needs_ctx=True)
def pg_partition_tree(ctx: Any, oid: int) -> Iterator[tuple[int, int | None, bool, int]]:
    cat = env_of(ctx).cat
    root = cat.table_by_oid(oid)
    if root is None or not (root.partition_strategy or root.partition_of is not None):
        return

    def walk(t: Any, parent: int | None, level: int) -> Iterator[tuple[int, int | None, bool, int]]:
        yield t.oid, parent, not t.partition_strategy, level
        for p in cat.partitions_of(t):
            yield from walk(p, t.oid, level + 1)

    yield from walk(root, None, 0)


pg_partition_tree.columns = [("relid", REGCLASS), ("parentrelid", REGCLASS), ("isleaf", BOOL),  # type: ignore[attr-defined]
                             ("level", T.INT4)]


# ---------------------------------------------------------------- descriptions


@register("obj_description", [OID, NAME], TEXT, needs_ctx=True)
def obj_description(ctx: Any, oid: int, catalog: str) -> str | None:
    env = env_of(ctx)
    if catalog == "pg_class":
        return relation_comment(env, oid)
    if catalog == "pg_namespace":
        for s in env.schemas:
            if s.oid == oid:
                text = getattr(s, "comment", None)
                if text is None and oid == 2200:
                    return "standard public schema"
                return text if isinstance(text, str) else None
        return None
    if catalog == "pg_constraint":
        found = M.constraint_by_oid(env, oid)
        return getattr(found.con, "comment", None) if found is not None else None
    if catalog == "pg_extension" and oid == 13559:
        return "PL/pgSQL procedural language"
    if catalog == "pg_proc":
        f = pg_functions.user_function(env, oid)
        return f.comment if f is not None else None
    if catalog == "pg_type":
        td = U.typedef_by_oid(env.cat, oid)
        return td.comment if td is not None and td.oid == oid else None
    if catalog == "pg_extension":
        ext = next((e for e in env.cat.extensions() if e.oid == oid), None)
        return ext.comment if ext is not None else None
    if catalog == "pg_largeobject":
        from orbitdb.sql.functions.largeobjects import large_object_comment

        return large_object_comment(ctx, oid)
    return None


@register("obj_description", [OID], TEXT, needs_ctx=True)
def obj_description_any(ctx: Any, oid: int) -> str | None:
    # the one-argument form looks at every catalog (oids are unique across them here)
    for catalog in ("pg_class", "pg_proc", "pg_type", "pg_namespace", "pg_constraint", "pg_extension"):
        text = obj_description(ctx, oid, catalog)
        if text is not None:
            return text
    return None


@register("col_description", [OID, INT4], TEXT, needs_ctx=True)
def col_description(ctx: Any, oid: int, column: int) -> str | None:
    if column <= 0:
        return None
    return relation_comment(env_of(ctx), oid, column)


@register("shobj_description", [OID, NAME], TEXT)
def shobj_description(oid: int, catalog: str) -> str | None:
    return None


# ---------------------------------------------------------------- sizes


def _relation_size(ctx: Any, oid: int) -> int | None:
    return M.relation_size(env_of(ctx), oid)


@register("pg_relation_size", [REGCLASS], INT8, needs_ctx=True)
def pg_relation_size(ctx: Any, oid: int) -> int | None:
    return _relation_size(ctx, oid)


@register("pg_relation_size", [REGCLASS, TEXT], INT8, needs_ctx=True)
def pg_relation_size_fork(ctx: Any, oid: int, fork: str) -> int | None:
    if fork not in ("main", "fsm", "vm", "init"):
        raise SqlError("22023", "invalid fork name", hint='Valid fork names are "main", "fsm", "vm", and "init".')
    return _relation_size(ctx, oid) if fork == "main" else 0


@register("pg_table_size", [REGCLASS], INT8, needs_ctx=True)
def pg_table_size(ctx: Any, oid: int) -> int | None:
    """The table with its TOAST table (as PostgreSQL counts it), without indexes."""
    env = env_of(ctx)
    own = M.relation_size(env, oid)
    t = env.table(oid)
    if own is None or t is None or t.kind != "r":
        return own
    return own + M.toast_size(t)


@register("pg_indexes_size", [REGCLASS], INT8, needs_ctx=True)
def pg_indexes_size(ctx: Any, oid: int) -> int | None:
    env = env_of(ctx)
    if M.relation_size(env, oid) is None:
        return None
    return M.indexes_size(env, oid)


@register("pg_total_relation_size", [REGCLASS], INT8, needs_ctx=True)
def pg_total_relation_size(ctx: Any, oid: int) -> int | None:
    env = env_of(ctx)
    own = M.relation_size(env, oid)
    if own is None:
        return None
    t = env.table(oid)
    return own + M.indexes_size(env, oid) + (M.toast_size(t) if t is not None and t.kind == "r" else 0)


def _database_size(ctx: Any) -> int:
    env = env_of(ctx)
    total = 0
    for t in env.tables:
        if t.kind == "r":
            total += M.table_size(env, t.oid) + M.indexes_size(env, t.oid)
    total += 8192 * len(env.sequences)
    return total + 7 * 1024 * 1024  # what an empty PostgreSQL 15 database takes (its catalogs)


@register("pg_database_size", [NAME], INT8, needs_ctx=True)
def pg_database_size(ctx: Any, name: str) -> int:
    env = env_of(ctx)
    if name == env.database:
        return _database_size(ctx)
    size = env.cluster.database_size(name) if env.cluster is not None else None
    if size is None:
        raise SqlError("3D000", f'database "{name}" does not exist')
    return int(size)  # another database of the server: its files on disk


@register("pg_database_size", [OID], INT8, needs_ctx=True)
def pg_database_size_oid(ctx: Any, oid: int) -> int | None:
    env = env_of(ctx)
    if oid == env.database_oid:
        return _database_size(ctx)
    if env.cluster is None:
        return None
    for entry in env.cluster.entries():
        if entry.oid == oid:
            return env.cluster.database_size(entry.name)  # type: ignore[no-any-return]
    return None


@register("pg_tablespace_size", [NAME], INT8, needs_ctx=True)
def pg_tablespace_size(ctx: Any, name: str) -> int:
    return _database_size(ctx) if name == "pg_default" else 0


@register("pg_tablespace_location", [OID], TEXT)
def pg_tablespace_location(oid: int) -> str:
    return ""  # pg_default and pg_global live in the data directory


def _half_rounded(x: int) -> int:
    q = x + (-1 if x < 0 else 1)
    return q // 2 if q >= 0 else -((-q) // 2)


def size_pretty(size: int) -> str:
    """PostgreSQL 15's pg_size_pretty: bytes below 10 kB, then kB, MB, GB, TB, PB, halves rounded away from 0."""
    if abs(size) < 10 * 1024:
        return f"{size} bytes"
    size >>= 9  # one extra bit for rounding
    for unit in ("kB", "MB", "GB", "TB"):
        if abs(size) < 20 * 1024 - 1:
            return f"{_half_rounded(size)} {unit}"
        size >>= 10
    return f"{_half_rounded(size)} PB"


@register("pg_size_pretty", [INT8], TEXT)
def pg_size_pretty(size: int) -> str:
    return size_pretty(size)


@register("pg_size_pretty", [T.NUMERIC], TEXT)
def pg_size_pretty_numeric(size: Decimal) -> str:
    if not size.is_finite():  # PostgreSQL divides NaN and the infinities down to PB unchanged
        return f"{'NaN' if size.is_nan() else ('-' if size < 0 else '') + 'Infinity'} PB"
    whole = int(size)
    if abs(whole) < 1 << 64:
        return size_pretty(whole)
    # past 2^64 bytes it is PB: Python will not print an int of more than 4300 digits
    pb = Decimal(_half_rounded(abs(whole) >> 49) * (-1 if whole < 0 else 1))
    return f"{pb:f} PB"


_SIZE_UNITS = {"bytes": 1, "b": 1, "kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "tb": 1024 ** 4, "pb": 1024 ** 5}


@register("pg_size_bytes", [TEXT], INT8)
def pg_size_bytes(text: str) -> int:
    import re

    m = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*", text)
    if not m:
        raise SqlError("22023", f'invalid size: "{text}"')
    unit = m.group(2).lower() or "bytes"
    if unit not in _SIZE_UNITS:
        raise SqlError("22023", f'invalid size: "{text}"', detail=f'Invalid size unit: "{m.group(2)}".',
                       hint='Valid units are "bytes", "kB", "MB", "GB", "TB", and "PB".')
    return int(Decimal(m.group(1)) * _SIZE_UNITS[unit])


from orbitdb.sql.functions import privileges as _privileges  # noqa: F401  (has_*_privilege, pg_has_role)

# ---------------------------------------------------------------- encodings

_ENCODINGS = {0: "SQL_ASCII", 6: "UTF8", 8: "LATIN1"}


@register("pg_encoding_to_char", [INT4], NAME)
def pg_encoding_to_char(enc: int) -> str:
    return _ENCODINGS.get(enc, "")


@register("pg_char_to_encoding", [NAME], INT4)
def pg_char_to_encoding(name: str) -> int:
    key = name.upper().replace("-", "").replace("_", "")
    for k, v in _ENCODINGS.items():
        if v.replace("_", "") == key:
            return k
    return -1


@register("pg_encoding_max_length", [INT4], INT4)
def pg_encoding_max_length(enc: int) -> int:
    return 4 if enc == 6 else 1


# ---------------------------------------------------------------- to_reg*


@register("to_regclass", [TEXT], REGCLASS, needs_ctx=True)
def to_regclass(ctx: Any, text: str) -> int | None:
    return lookup.relation_oid(env_of(ctx), text) if not text.strip().isdigit() else None


@register("to_regtype", [TEXT], REGTYPE, needs_ctx=True)
def to_regtype(ctx: Any, text: str) -> int | None:
    return lookup.type_oid(env_of(ctx), text) if not text.strip().isdigit() else None


@register("to_regnamespace", [TEXT], T.REGNAMESPACE, needs_ctx=True)
def to_regnamespace(ctx: Any, text: str) -> int | None:
    return lookup.namespace_oid(env_of(ctx), text)


@register("to_regrole", [TEXT], T.REGROLE, needs_ctx=True)
def to_regrole(ctx: Any, text: str) -> int | None:
    return lookup.role_oid(env_of(ctx), text)


@register("to_regproc", [TEXT], T.REGPROC)
def to_regproc(text: str) -> int | None:
    return lookup.proc_oid(text)


# ---------------------------------------------------------------- privileges as pg_dump reads them

_ACL_LETTERS = {"r": "arwdDxt", "s": "rwU", "f": "X", "l": "U", "n": "UC", "T": "U", "F": "U", "S": "U", "L": "rw",
                "d": "CTc", "t": "C", "p": "sA"}
_PUBLIC_DEFAULT = {"f": "X", "l": "U", "T": "U", "d": "Tc"}


@register("acldefault", [T.CHAR, OID], T.array_of(T.ACLITEM), needs_ctx=True)
def acldefault(ctx: Any, objtype: str, owner: int) -> list[str]:
    """The privileges an object of that type has by default: its owner's, plus PUBLIC's for some types."""
    if objtype not in _ACL_LETTERS:
        raise SqlError("XX000", f'unrecognized object type abbreviation: "{objtype}"')
    name = lookup.role_name(env_of(ctx), owner) or str(owner)
    out = []
    if objtype in _PUBLIC_DEFAULT:
        out.append(f"={_PUBLIC_DEFAULT[objtype]}/{name}")
    out.append(f"{name}={_ACL_LETTERS[objtype]}/{name}")
    return out


# ---------------------------------------------------------------- session information (unless the library has them)


def _register_missing(name: str, args: list[Any], ret: Any, **kw: Any) -> Any:
    """Registers the overload unless the library already has one with as many arguments."""

    def deco(fn: Any) -> Any:
        fd = FUNCTIONS.get(name)
        if fd is None or not any(len(ov.args) == len(args) for ov in fd.overloads):
            register(name, args, ret, **kw)(fn)
        return fn

    return deco


@_register_missing("current_database", [], NAME, needs_ctx=True)
def current_database(ctx: Any) -> str:
    return env_of(ctx).database


@_register_missing("version", [], TEXT)
def version() -> str:
    return (f"PostgreSQL {S.SERVER_VERSION} (orbitdb) on x86_64-pc-linux-gnu, compiled by gcc, 64-bit")


@_register_missing("pg_backend_pid", [], INT4, needs_ctx=True)
def pg_backend_pid(ctx: Any) -> int:
    return int(getattr(ctx.session, "backend_pid", 0))


@_register_missing("current_schemas", [BOOL], T.array_of(NAME), needs_ctx=True)
def current_schemas(ctx: Any, implicit: bool) -> list[str]:
    env = env_of(ctx)
    path = [s for s in env.search_path]
    if not implicit:
        explicit = env.session.search_schemas() if hasattr(env.session, "search_schemas") else []
        path = [s for s in path if s in explicit]
    return path


@_register_missing("pg_is_in_recovery", [], BOOL)
def pg_is_in_recovery() -> bool:
    return False


@_register_missing("pg_postmaster_start_time", [], T.TIMESTAMPTZ, needs_ctx=True)
def pg_postmaster_start_time(ctx: Any) -> Any:
    db = getattr(ctx.session, "db", None)
    return getattr(db, "started", None)


@register("pg_options_to_table", [T.array_of(T.TEXT)], T.TEXT, set_returning=True)
def _pg_options_to_table(options: list[str]) -> list[tuple[str, str | None]]:
    """Storage options (name=value) as rows; orbitdb tables have none, pg_dump asks anyway."""
    out = []
    for o in flatten(options):  # a multi-dimensional array is read in storage order
        name, _, value = (o or "").partition("=")
        out.append((name, value if _ else None))
    return out


_pg_options_to_table.columns = [("option_name", T.TEXT), ("option_value", T.TEXT)]  # type: ignore[attr-defined]
