"""orbitdb_engine_stats(): the current database's engine statistics as json (levels, files,
bytes, cache, counters and the rates derived from them; orbitdb/storage/enginestats.py), read
from the engine the server has open. `orbitdb stats --host/--port` asks it; from psql:
SELECT * FROM json_each(orbitdb_engine_stats())."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.functions.registry import register
from orbitdb.storage.enginestats import engine_statistics
from orbitdb.storage.keyspace import TEMP_OID_BASE


@register("orbitdb_engine_stats", [], T.JSON, needs_ctx=True, volatile=True)
def orbitdb_engine_stats(ctx: Any) -> Any:
    store = getattr(ctx.session, "store", None)
    engine = getattr(store, "engine", None)
    if engine is None:
        raise SqlError("0A000", "orbitdb_engine_stats() needs a database stored in an engine")
    return engine_statistics(engine)


@register("orbitdb_table_stats", [], T.JSON, needs_ctx=True, volatile=True)
def orbitdb_table_stats(ctx: Any) -> Any:
    """Per table of the current database: rows, and bytes of the keys and values of its rows and
    of its secondary indexes' entries, in the committed state (a scan of each key range, as
    pg_relation_size counts them before its rounding to pages)."""
    store = getattr(ctx.session, "store", None)
    if store is None:
        raise SqlError("0A000", "orbitdb_table_stats() needs a database stored in an engine")
    out = []
    for table in sorted(ctx.session.catalog().tables(), key=lambda t: (t.schema, t.name)):
        if table.kind != "r" or table.partition_strategy or table.oid >= TEMP_OID_BASE:
            continue
        rows, size = store.relation_size(table.oid)
        index_bytes = sum(store.relation_size(ix.oid, True)[1] for ix in table.indexes if not ix.primary)
        out.append({"schema": table.schema, "table": table.name, "rows": rows, "bytes": size,
                    "index_bytes": index_bytes})
    return out
