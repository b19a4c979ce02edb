"""The storage format version of a database directory, checked when it opens: a database this
orbitdb cannot read correctly is refused before anything is written to it."""

from __future__ import annotations

from orbitdb.engine import Engine
from orbitdb.storage.errors import DataCorrupted, StorageFormatError
from orbitdb.storage.keyspace import FORMAT_KEY, STORAGE_FORMAT, TABLE_PREFIX, TEMP_OID_BASE, table_prefix


def stored_format(engine: Engine) -> int | None:
    """The database's format version; None for a database that predates the record."""
    raw = engine.get(FORMAT_KEY)
    if raw is None:
        return None
    try:
        return int(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise DataCorrupted(f"the storage format record is damaged: {raw!r}") from None


def holds_rows(engine: Engine) -> bool:
    """Whether any persistent table has a row (temporary tables' rows are cleared at open)."""
    for _ in engine.items(TABLE_PREFIX, table_prefix(TEMP_OID_BASE)):
        return True
    return False


def old_format_error(path: str) -> StorageFormatError:
    return StorageFormatError(
        f"the database at {path} stores its rows in format 1, which this orbitdb no longer opens: "
        f"convert it once with `orbitdb upgrade --data-dir {path}` (or orbitdb.upgrade({path!r}) "
        f"from Python)")


def newer_format_error(path: str, version: int) -> StorageFormatError:
    return StorageFormatError(
        f"the database at {path} has storage format {version}, newer than this orbitdb reads "
        f"(format {STORAGE_FORMAT}): open it with the orbitdb that wrote it, or a later one")


def check_format(engine: Engine, path: str) -> list[tuple[bytes, bytes]]:
    """Raises StorageFormatError for a database of another format; returns the record to write
    for a database that has none yet and holds no rows (a new one, or an old empty one)."""
    version = stored_format(engine)
    if version is None:
        if holds_rows(engine):
            raise old_format_error(path)
        return [(FORMAT_KEY, str(STORAGE_FORMAT).encode())]
    if version > STORAGE_FORMAT:
        raise newer_format_error(path, version)
    if version < STORAGE_FORMAT:
        raise old_format_error(path)
    return []
