"""System information and session functions: version(), current_database(),
current_schema(s), current_user, current_setting/set_config, pg_backend_pid,
pg_sleep, txid_current, gen_random_uuid, to_regclass & co., format_type."""

from __future__ import annotations

import datetime as dt
import math
import platform
import uuid as _uuid
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.registry import register
from orbitdb.sql.types.regtypes import lookup_reg
from orbitdb.version import __version__

TEXT, NAME, INT4, INT8, BOOL, FLOAT8, VOID = T.TEXT, T.NAME, T.INT4, T.INT8, T.BOOL, T.FLOAT8, T.VOID
NAME_ARRAY = T.array_of(T.NAME)
START_TIME = dt.datetime.now(dt.timezone.utc)


def _setting(ctx: Any, name: str, default: str = "") -> str:
    try:
        value = ctx.session.get_setting(name, True)
    except TypeError:
        value = ctx.session.get_setting(name)
    except SqlError:
        return default
    return default if value is None else str(value)


@register("version", [], TEXT, needs_ctx=True)
def version(ctx: Any) -> str:
    server = _setting(ctx, "server_version", "15.4").split()[0]
    machine = platform.machine() or "x86_64"
    return (f"PostgreSQL {server} on {machine}-pc-linux-gnu, compiled by orbitdb "
            f"{__version__}, 64-bit")


@register("current_database", [], NAME, needs_ctx=True)
def current_database(ctx: Any) -> str:
    return str(ctx.session.database)


@register("current_schema", [], NAME, needs_ctx=True)
def current_schema(ctx: Any) -> str | None:
    s = ctx.session
    if hasattr(s, "current_schema"):
        return s.current_schema()  # type: ignore[no-any-return]
    cat = s.catalog()
    for name in s.search_schemas():
        if cat.schema(name) is not None:
            return str(name)
    return None


@register("current_schemas", [BOOL], NAME_ARRAY, needs_ctx=True)
def current_schemas(ctx: Any, implicit: bool) -> list[str]:
    s = ctx.session
    cat = s.catalog()
    path = [p for p in s.search_schemas() if p in ("pg_catalog", "information_schema") or cat.schema(p) is not None]
    temp = s.temp.schema_name if s.temp is not None else None
    named = [p.strip().strip('"') for p in s.settings.get("search_path", "").split(",")]
    # the temporary schema searched without being named: first, before pg_catalog, and only
    # among the implicit schemas (PostgreSQL's order)
    implicit_temp = temp is not None and temp in path and "pg_temp" not in named
    if implicit_temp:
        path.remove(temp)
    if implicit and "pg_catalog" not in path:
        path.insert(0, "pg_catalog")
    if implicit and implicit_temp:
        path.insert(0, temp)
    return path


@register("current_user", [], NAME, needs_ctx=True)
@register("current_role", [], NAME, needs_ctx=True)
@register("user", [], NAME, needs_ctx=True)
def current_user(ctx: Any) -> str:
    return str(ctx.session.user)


@register("session_user", [], NAME, needs_ctx=True)
def session_user(ctx: Any) -> str:
    return str(getattr(ctx.session, "session_user", ctx.session.user))


@register("current_setting", [TEXT], TEXT, needs_ctx=True)
def current_setting(ctx: Any, name: str, missing_ok: bool = False) -> str | None:
    try:
        value = ctx.session.get_setting(name, missing_ok)
    except TypeError:
        try:
            value = ctx.session.get_setting(name)
        except SqlError:
            if missing_ok:
                return None
            raise
    return None if value is None else str(value)


register("current_setting", [TEXT, BOOL], TEXT, needs_ctx=True)(current_setting)


@register("set_config", [TEXT, TEXT, BOOL], TEXT, needs_ctx=True, volatile=True, strict=False)
def set_config(ctx: Any, name: str | None, value: str | None, is_local: bool | None) -> str | None:
    if name is None:
        raise SqlError("22023", "SET requires parameter name")
    ctx.session.set_setting(name, value, bool(is_local))
    return current_setting(ctx, name, True)


@register("pg_backend_pid", [], INT4, needs_ctx=True)
def pg_backend_pid(ctx: Any) -> int:
    return int(ctx.session.backend_pid)


@register("pg_sleep", [FLOAT8], VOID, needs_ctx=True, volatile=True)
def pg_sleep(ctx: Any, seconds: float) -> str:
    if not math.isnan(seconds) and seconds > 0:
        ctx.session.sleep(seconds)
    return ""


@register("pg_sleep_for", [T.INTERVAL], VOID, needs_ctx=True, volatile=True)
def pg_sleep_for(ctx: Any, value: Any) -> str:
    secs = (value.months * 30 + value.days) * 86400 + value.microseconds / 1e6
    return pg_sleep(ctx, secs)


@register("pg_sleep_until", [T.TIMESTAMPTZ], VOID, needs_ctx=True, volatile=True)
def pg_sleep_until(ctx: Any, when: dt.datetime) -> str:
    return pg_sleep(ctx, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


@register("pg_is_in_recovery", [], BOOL)
def pg_is_in_recovery() -> bool:
    return False


@register("txid_current", [], INT8, needs_ctx=True, volatile=True)
@register("pg_current_xact_id", [], INT8, needs_ctx=True, volatile=True)
def txid_current(ctx: Any) -> int:
    txn = ctx.txn
    return int(getattr(txn, "id", 0) or 0) + 1000 if txn is not None else 0


@register("txid_current_if_assigned", [], INT8, needs_ctx=True, volatile=True)
@register("pg_current_xact_id_if_assigned", [], INT8, needs_ctx=True, volatile=True)
def txid_current_if_assigned(ctx: Any) -> int | None:
    txn = ctx.txn
    if txn is None or not getattr(txn, "writes", None):
        return None
    return txid_current(ctx)


@register("inet_server_addr", [], T.INET)
@register("inet_client_addr", [], T.INET)
def inet_addr() -> None:
    return None


@register("inet_server_port", [], INT4)
@register("inet_client_port", [], INT4)
def inet_port() -> None:
    return None


@register("pg_postmaster_start_time", [], T.TIMESTAMPTZ)
@register("pg_conf_load_time", [], T.TIMESTAMPTZ)
def pg_postmaster_start_time() -> dt.datetime:
    return START_TIME


@register("gen_random_uuid", [], T.UUID, volatile=True)
@register("uuid_generate_v4", [], T.UUID, volatile=True)
def gen_random_uuid() -> _uuid.UUID:
    return _uuid.uuid4()


def _to_reg(type_oid: int) -> Any:
    def run(ctx: Any, text: str) -> int | None:
        try:
            return lookup_reg(text, type_oid, ctx.session)
        except SqlError:
            return None

    return run


# to_regclass, to_regtype, to_regnamespace, to_regrole, to_regproc and format_type are the
# catalog functions' (orbitdb.sql.functions.catalog)
register("to_regprocedure", [TEXT], T.REGPROCEDURE, needs_ctx=True)(_to_reg(T.REGPROCEDURE.oid))


__all__ = ["current_setting", "gen_random_uuid", "set_config", "version"]


@register("pg_notify", [TEXT, TEXT], VOID, needs_ctx=True, volatile=True, strict=False)
def pg_notify(ctx: Any, channel: str | None, payload: str | None) -> str:
    ctx.session.queue_notify(channel, payload)
    return ""


@register("pg_listening_channels", [], TEXT, needs_ctx=True, volatile=True, set_returning=True)
def pg_listening_channels(ctx: Any) -> list[str]:
    return list(ctx.session.listening)


@register("pg_my_temp_schema", [], T.OID, needs_ctx=True)
def pg_my_temp_schema(ctx: Any) -> int:
    """The oid of the session's temporary schema; 0 before its first temporary table."""
    temp = ctx.session.temp
    if temp is None:
        return 0
    schema = ctx.session.catalog().schema(temp.schema_name)
    return int(schema.oid) if schema is not None else 0
