"""`orbitdb upgrade`: converts a database directory to the current storage format.

Databases made before storage formats were versioned store rows in format 1 (marshal); this
rewrites each of them in row format 2 and then records the format (FORMAT.md, "Versions").
Keys, index entries, the catalog and sequences are the same in both formats and stay as they
are. The conversion is restartable: each batch of rows is written atomically, rows already in
format 2 are skipped, and the format record is written last, so a database whose conversion
was interrupted is still refused at open until a later run completes it."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from orbitdb.engine import Engine, EngineError, WriteBatch, upgrade_engine_format
from orbitdb.storage.catalog import Catalog, TableDef
from orbitdb.storage.errors import StorageError
from orbitdb.storage.formatcheck import newer_format_error, stored_format
from orbitdb.storage.keyspace import (
    CATALOG_PREFIX,
    FORMAT_KEY,
    STORAGE_FORMAT,
    TABLE_PREFIX,
    TEMP_OID_BASE,
    prefix_end,
    table_prefix,
)
from orbitdb.storage.rowcodec import FORMAT_V1, RowCodec
from orbitdb.storage.storedform import format1_values

log = logging.getLogger("orbitdb.storage")

BATCH_ROWS = 10_000


@dataclass
class UpgradeResult:
    path: str
    rows_converted: int = 0
    already_current: bool = False
    orphan_rows: int = 0  # format-1 rows of tables the catalog does not have (left as they are)
    engine_format_recorded: bool = False  # the engine's FORMAT file was written (csrc/format.h)
    engine_format_from: int = -1  # the engine format the directory had (-1: none recorded)
    engine_format: int = -1  # the engine format it has now


def _layout(table: TableDef) -> list[str | None]:
    kinds: list[str | None] = [None] * table.next_slot
    for c in table.columns:
        kinds[c.slot] = c.kind
    return kinds


def upgrade(path: str | os.PathLike[str]) -> UpgradeResult:
    """Converts the database directory at path (closed: not open in any process) to storage
    format STORAGE_FORMAT and marks it with the engine's format (csrc/format.h: an older engine
    format's files read as the current one's). StorageError when it is not a database or is of
    a newer format."""
    result = _upgrade_rows(os.fspath(path))
    try:
        result.engine_format_from, result.engine_format = upgrade_engine_format(result.path)
    except EngineError as exc:
        raise StorageError(f"cannot record the engine format of {result.path}: {exc}", "58030") from None
    result.engine_format_recorded = result.engine_format_from < result.engine_format
    return result


def _upgrade_rows(path: str) -> UpgradeResult:
    if not os.path.isdir(path):
        raise StorageError(f"no database directory at {path}", "58P01")
    engine = Engine(path, create_if_missing=False)
    try:
        version = stored_format(engine)
        if version is not None and version > STORAGE_FORMAT:
            raise newer_format_error(path, version)
        result = UpgradeResult(path)
        if version == STORAGE_FORMAT:
            result.already_current = True
            return result
        catalog = Catalog.load(list(engine.items(CATALOG_PREFIX, prefix_end(CATALOG_PREFIX))))
        layouts = {t.oid: _layout(t) for t in catalog.tables()}
        codecs: dict[int, RowCodec] = {}
        batch = WriteBatch()
        for key, data in engine.items(TABLE_PREFIX, table_prefix(TEMP_OID_BASE)):
            if data[:1] != FORMAT_V1:
                continue  # converted by an earlier, interrupted run
            oid = int.from_bytes(key[1:5], "big")
            kinds = layouts.get(oid)
            if kinds is None:
                result.orphan_rows += 1
                continue
            codec = codecs.get(oid)
            if codec is None:
                codec = codecs[oid] = RowCodec(kinds)
            # the row keeps its length: slots past its end still read as their column's added-default
            batch.put(key, codec.encode(format1_values(kinds, data)))
            result.rows_converted += 1
            if len(batch) >= BATCH_ROWS:
                engine.write(batch, sync=False)
                batch = WriteBatch()
        if len(batch):
            engine.write(batch, sync=False)
        engine.flush()  # every converted row in table files before the record says they are converted
        engine.put(FORMAT_KEY, str(STORAGE_FORMAT).encode(), sync=True)
        if result.orphan_rows:
            log.warning("%s: %d rows of tables that no longer exist were left unconverted", path,
                        result.orphan_rows)
        return result
    finally:
        engine.close()
