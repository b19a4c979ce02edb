"""The session's own objects: pg_prepared_statements (SQL PREPARE's and the wire's named
statements, one namespace) and pg_cursors (DECLARE's cursors)."""

from __future__ import annotations

from collections.abc import Iterator

from orbitdb.sql import types as T
from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.types.regname import RegName


@producer("pg_catalog", "pg_prepared_statements")
def _pg_prepared_statements(env: Env, make: RowMaker) -> Iterator[Row]:
    statements = getattr(env.session, "protocol_statements", None) or {}
    for name, st in list(statements.items()):
        if not name or getattr(st, "prepared", None) is None:
            continue  # the unnamed statement, an empty query
        yield make(name=name, statement=st.query, prepare_time=getattr(st, "prepare_time", None),
                   parameter_types=[_regtype(env, oid) for oid in st.prepared.param_oids],
                   from_sql=bool(getattr(st, "from_sql", False)),
                   generic_plans=0, custom_plans=0)


def _regtype(env: Env, oid: int) -> RegName:
    """A regtype value: the oid, printed as the type's name (as regtype[] prints)."""
    name = env.session.find_reg_name(T.REGTYPE.oid, oid) if hasattr(env.session, "find_reg_name") else None
    return RegName(oid, name or str(oid))


@producer("pg_catalog", "pg_cursors")
def _pg_cursors(env: Env, make: RowMaker) -> Iterator[Row]:
    for cursor in list((getattr(env.session, "cursors", None) or {}).values()):
        yield make(name=cursor.name, statement=cursor.statement, is_holdable=cursor.hold, is_binary=cursor.binary,
                   is_scrollable=cursor.scroll, creation_time=cursor.created)
