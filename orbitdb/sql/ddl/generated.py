"""Generated columns (GENERATED ALWAYS AS (expr) STORED): the checks PostgreSQL 15 makes of a
generation expression when a table gets one, and the value it gives existing rows. The value of
each written row is computed by the table's writer (orbitdb/sql/modify/constraints.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlglot import exp, parse_one

from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import Runtime, coerce, ident
from orbitdb.sql.expr.funcregistry import FUNCTIONS
from orbitdb.sql.modify.constraints import column_type, table_scope
from orbitdb.sql.plan.planner import Planner
from orbitdb.sql.types.casts import ASSIGNMENT
from orbitdb.storage.catalog import ColumnDef, TableDef

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

_WHERE = "column generation expressions"
_SYSTEM_COLUMNS = {"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid", "oid"}
# SQL-standard functions sqlglot reads as nodes of their own; none is immutable in PostgreSQL
_NOT_IMMUTABLE_NODES = (exp.CurrentTimestamp, exp.CurrentDate, exp.CurrentTime, exp.CurrentUser, exp.Rand)
_NOT_IMMUTABLE_WORDS = {"current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
                        "current_user", "session_user", "user", "current_schema", "current_catalog", "current_role"}


# PostgreSQL functions none of whose versions is immutable (stable or volatile)
_NOT_IMMUTABLE_PG = {
    "now", "statement_timestamp", "transaction_timestamp", "clock_timestamp", "timeofday", "random", "setseed",
    "nextval", "currval", "lastval", "setval", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4", "concat",
    "concat_ws", "format", "to_char", "to_date", "current_setting", "set_config", "pg_backend_pid", "txid_current",
    "pg_current_xact_id", "version", "current_database", "pg_sleep", "to_json", "to_jsonb", "row_to_json",
    "json_build_object", "json_build_array", "jsonb_build_object", "jsonb_build_array", "format_type", "pg_typeof",
    "age", "inet_client_addr", "pg_postmaster_start_time", "has_table_privilege", "pg_get_expr",
    "pg_get_indexdef", "pg_get_viewdef", "obj_description", "col_description", "current_schemas",
}


@lru_cache(maxsize=1)
def _not_immutable_functions() -> frozenset[str]:
    """Names of functions that are not immutable: PostgreSQL's, and orbitdb's volatile ones."""
    names = set(_NOT_IMMUTABLE_PG)
    names.update(n for n, fd in FUNCTIONS.items() if fd.overloads and all(o.volatile for o in fd.overloads))
    return frozenset(names)


def is_immutable(node: exp.Expression) -> bool:
    """Whether an expression calls only immutable functions (as far as the names tell)."""
    bad = _not_immutable_functions()
    for n in node.walk():
        if isinstance(n, _NOT_IMMUTABLE_NODES) or _function_name(n) in bad:
            return False
        if isinstance(n, exp.Column) and isinstance(n.this, exp.Identifier) and not n.table and (
                ident(n.this).lower() in _NOT_IMMUTABLE_WORDS):
            return False
    return True


def _user_volatile(cat: Any, node: exp.Expression) -> bool:
    """Whether node calls a user-defined function of that name that is not IMMUTABLE."""
    name = _function_name(node)
    if not name or not hasattr(cat, "functions"):
        return False
    return any(f.name == name and f.volatility != "i" for f in cat.functions())


def _function_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    return node.sql_name().lower() if isinstance(node, exp.Func) else ""


def check_generation(s: Session, cat: Any, t: TableDef, col: ColumnDef) -> None:
    """Raises PostgreSQL's error for a generation expression it would not accept."""
    name, table = col.name, t.name
    if col.identity:
        raise SqlError("42601", f'both identity and generation expression specified for column "{name}" of table '
                       f'"{table}"')
    if col.default is not None:
        raise SqlError("42601", f'both default and generation expression specified for column "{name}" of table '
                       f'"{table}"')
    assert col.generated is not None
    node = parse_one("SELECT " + col.generated, read="postgres").expressions[0]
    immutable_bad = _not_immutable_functions()
    for n in node.walk():
        if isinstance(n, (exp.Select, exp.Subquery, exp.Exists)):
            raise SqlError("0A000", "cannot use subquery in column generation expression")
        if isinstance(n, exp.Column):
            if isinstance(n.this, exp.Star):
                raise SqlError("42P17", "cannot use whole-row variable in column generation expression")
            cname = ident(n.this)
            if n.table and n.table != table:
                raise SqlError("42P01", f'missing FROM-clause entry for table "{n.table}"')
            if cname in _SYSTEM_COLUMNS and t.column(cname) is None:
                raise SqlError("42P10", f'cannot use system column "{cname}" in column generation expression')
            other = t.column(cname)
            if other is not None and other.generated is not None:
                raise SqlError("42P17", f'cannot use generated column "{cname}" in column generation expression',
                               detail="A generated column cannot reference another generated column.")
            if other is None and cname.lower() in _NOT_IMMUTABLE_WORDS:
                raise SqlError("42P17", "generation expression is not immutable")
        if isinstance(n, _NOT_IMMUTABLE_NODES) or _function_name(n) in immutable_bad or _user_volatile(cat, n):
            raise SqlError("42P17", "generation expression is not immutable")
    rt = Runtime([])
    comp = Compiler(Planner(s, cat, rt), table_scope(t, table, catalog=cat), rt, where=_WHERE)
    e = comp.compile(node)
    target = column_type(cat, col.type)
    try:
        coerce(e, target, ASSIGNMENT, f'column "{name}"')
    except SqlError as err:
        if err.sqlstate != "42804":
            raise
        raise SqlError("42804", f'column "{name}" is of type {target.display()} but default expression is of type '
                       f"{e.type.display()}", hint="You will need to rewrite or cast the expression.") from None


def generated_value(s: Session, cat: Any, t: TableDef, col: ColumnDef) -> Callable[[tuple[Any, ...]], Any]:
    """The column's value for a row of t (t's columns, the new one included, then the row key)."""
    assert col.generated is not None
    rt = Runtime([])
    comp = Compiler(Planner(s, cat, rt), table_scope(t, t.name, catalog=cat), rt, where=_WHERE)
    node = parse_one("SELECT " + col.generated, read="postgres").expressions[0]
    return coerce(comp.compile(node), column_type(cat, col.type), ASSIGNMENT, f'column "{col.name}"').fn


def uses_column(col: ColumnDef, name: str) -> bool:
    """Whether col's generation expression reads column name."""
    return col.generated is not None and text_uses_column(col.generated, name)


def text_uses_column(sql: str, name: str) -> bool:
    """Whether a stored expression text reads column name."""
    node = parse_one("SELECT " + sql, read="postgres")
    return any(ident(c.this) == name for c in node.find_all(exp.Column) if isinstance(c.this, exp.Identifier))
