"""Resetting the cumulative statistics: pg_stat_reset() (the current database's counters in
pg_stat_database and pg_stat_*_tables) and orbitdb_stat_statements_reset() (every entry of
orbitdb_stat_statements, as pg_stat_statements_reset() with no arguments). Superusers only, as
PostgreSQL grants them by default."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.functions.registry import register
from orbitdb.sql.statement_stats import statement_stats_of


@register("pg_stat_reset", [], T.VOID, needs_ctx=True, volatile=True)
def pg_stat_reset(ctx: Any) -> str:
    ctx.session.require_superuser("permission denied for function pg_stat_reset")
    ctx.session.store.usage.reset()
    return ""


@register("orbitdb_stat_statements_reset", [], T.VOID, needs_ctx=True, volatile=True)
def orbitdb_stat_statements_reset(ctx: Any) -> str:
    ctx.session.require_superuser("permission denied for function orbitdb_stat_statements_reset")
    stats = statement_stats_of(ctx.session)
    if stats is not None:
        stats.reset()
    return ""
