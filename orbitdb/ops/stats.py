"""`orbitdb stats`: engine and SQL statistics of every database, as text or JSON
(docs/operations.md, "Statistics").

Where each number comes from:
- `--host/--port` (a running server): the server's own engines, through the SQL functions
  orbitdb_engine_stats() and orbitdb_table_stats() on each database: levels, files, bytes,
  memtables, block cache, and the live counters (cache hits, bloom, flushes, compactions,
  stalls; with enable_statistics) since the server started.
- `--data-dir` (stopped, or held by a server): a read-only view of each engine directory
  (csrc/readonly.c): levels, files, bytes and the WAL not yet in a table, and each table's rows
  and bytes by a scan. Counters exist only in the process that has a database open, so there
  are none here; nothing in the directory is written."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO

from orbitdb._engine import EngineError, ReadOnlyView
from orbitdb.ops.catalog_check import load_catalog
from orbitdb.ops.findings import Finding
from orbitdb.ops.targets import targets
from orbitdb.sql.errors import SqlError
from orbitdb.storage.enginestats import NUM_LEVELS
from orbitdb.storage.keyspace import TEMP_OID_BASE, index_prefix, prefix_end, table_prefix

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _range(view: ReadOnlyView, prefix: bytes) -> tuple[int, int]:
    n = size = 0
    for k, v in view.items(prefix, prefix_end(prefix)):
        n += 1
        size += len(k) + len(v)
    return n, size


def view_statistics(view: ReadOnlyView, database: str) -> dict[str, Any]:
    levels = [{"level": n, "files": files, "bytes": size} for n, (files, size) in enumerate(view.levels())]
    problems: list[Finding] = []
    catalog = load_catalog(view, database, problems)
    tables = []
    for table in sorted(catalog.tables() if catalog else [], key=lambda t: (t.schema, t.name)):
        if table.kind != "r" or table.partition_strategy or table.oid >= TEMP_OID_BASE:
            continue
        rows, size = _range(view, table_prefix(table.oid))
        index_bytes = sum(_range(view, index_prefix(ix.oid))[1] for ix in table.indexes if not ix.primary)
        tables.append({"schema": table.schema, "table": table.name, "rows": rows, "bytes": size,
                       "index_bytes": index_bytes})
    engine = {
        "source": "files",
        "levels": levels[:NUM_LEVELS],
        "table_files": sum(lv["files"] for lv in levels),
        "table_bytes": sum(lv["bytes"] for lv in levels),
        "wal_bytes_not_in_tables": view.wal_bytes,
        "last_sequence": view.sequence,
        "statistics_enabled": False,
        "counters": {},
        "derived": {},
    }
    return {"database": database, "engine": engine, "tables": tables,
            "problems": [f.line() for f in problems]}


def dir_statistics(data_dir: str) -> list[dict[str, Any]]:
    out = []
    for target in targets(data_dir):
        try:
            with ReadOnlyView(target.path) as view:
                out.append(view_statistics(view, target.database))
        except EngineError as exc:
            out.append({"database": target.database, "error": str(exc)})
    return out


def _connect(host: str, port: int, user: str, dbname: str) -> Any:
    try:
        import psycopg

        return psycopg.connect(host=host, port=port, user=user, dbname=dbname, autocommit=True)
    except ImportError:
        pass
    try:
        import psycopg2
    except ImportError:
        raise SystemExit("orbitdb stats --host needs psycopg or psycopg2 installed; from any client, run "
                         "SELECT orbitdb_engine_stats(), orbitdb_table_stats()") from None
    conn = psycopg2.connect(host=host, port=port, user=user, dbname=dbname)
    conn.autocommit = True
    return conn


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def server_statistics(host: str, port: int, user: str, dbnames: list[str]) -> list[dict[str, Any]]:
    if not dbnames:
        conn = _connect(host, port, user, "postgres")
        try:
            cur = conn.cursor()
            cur.execute("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1")
            dbnames = [row[0] for row in cur.fetchall()]
        finally:
            conn.close()
    out = []
    for name in dbnames:
        conn = _connect(host, port, user, name)
        try:
            cur = conn.cursor()
            cur.execute("SELECT orbitdb_engine_stats(), orbitdb_table_stats()")
            engine, tables = cur.fetchone()
            out.append({"database": name, "engine": _json(engine), "tables": _json(tables), "problems": []})
        finally:
            conn.close()
    return out


def _mib(n: int) -> str:
    return f"{n / 1048576:,.2f} MiB"


def format_text(stats: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for db in stats:
        lines.append(f"== database {db['database']}")
        if "error" in db:
            lines.append(f"  cannot be read: {db['error']}")
            continue
        e = db["engine"]
        lines.append("  level  files        bytes")
        for lv in e["levels"]:
            lines.append(f"  L{lv['level']:<5} {lv['files']:>5}  {lv['bytes']:>11,}")
        lines.append(f"  tables: {e['table_files']} files, {_mib(e['table_bytes'])}")
        if e["source"] == "live":
            lines.append(f"  memtables: {_mib(e['memtable_bytes'])}; block cache: {_mib(e['block_cache_usage'])} of "
                         f"{_mib(e['block_cache_capacity'])}; compaction backlog: {_mib(e['compaction_backlog_bytes'])}")
            if e["statistics_enabled"]:
                d, c = e["derived"], e["counters"]
                lines.append(f"  block cache hit rate: {d['block_cache_hit_rate']}; memtable hit rate: "
                             f"{d['memtable_hit_rate']}; bloom useful: {d['bloom_useful_rate']}")
                lines.append(f"  write amplification: {d['write_amplification']}; stalls: {d['stall_seconds']} s; "
                             f"flushes: {c.get('flushes', 0)}; compactions: {c.get('compactions', 0)}")
            else:
                lines.append("  counters: off (set enable_statistics = true in [persistence.rocksdb] to count cache "
                             "hits, stalls and compaction bytes)")
        else:
            lines.append(f"  WAL not yet in tables: {e['wal_bytes_not_in_tables']:,} bytes; last sequence "
                         f"{e['last_sequence']:,}")
            lines.append("  counters (cache hits, stalls, write amplification): only in the process that has the "
                         "database open; ask a running server with --host/--port")
        lines.append("  table                                       rows        bytes  index bytes")
        for t in db["tables"]:
            name = f"{t['schema']}.{t['table']}"
            lines.append(f"  {name:<38} {t['rows']:>11,} {t['bytes']:>12,} {t['index_bytes']:>12,}")
        lines.extend(f"  {p}" for p in db.get("problems", []))
    return "\n".join(lines)


def run_stats(data_dir: str | None, host: str | None, port: int | None, user: str, dbnames: list[str],
              as_json: bool, out: TextIO = sys.stdout) -> int:
    if host is not None or port is not None:
        try:
            stats = server_statistics(host or "127.0.0.1", port or 15432, user, dbnames)
        except Exception as exc:  # noqa: BLE001 - any client error (refused, no such function): said, not a traceback
            print(f"orbitdb stats: {type(exc).__name__}: {str(exc).strip()}", file=sys.stderr)
            return EXIT_FAILURE
    else:
        assert data_dir is not None
        if not os.path.isdir(data_dir):
            print(f"orbitdb stats: no directory {data_dir}", file=sys.stderr)
            return EXIT_USAGE
        try:
            stats = dir_statistics(data_dir)
        except SqlError as exc:  # databases.json damaged or of a newer format
            print(f"orbitdb stats: {data_dir}: {exc.message}", file=sys.stderr)
            return EXIT_FAILURE
        if dbnames:
            stats = [s for s in stats if s["database"] in dbnames]
    print(json.dumps(stats, indent=2) if as_json else format_text(stats), file=out)
    return EXIT_FAILURE if any("error" in s for s in stats) else EXIT_OK
