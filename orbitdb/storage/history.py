"""Reads of the past (AS OF SYSTEM TIME): a snapshot of the committed state at a wall-clock
time and the catalog of that moment, from the engine's history retention (csrc/retention.h).

Why each refusal has its SQLSTATE: retention off is 55000 (object_not_in_prerequisite_state:
the database is not set up to keep history); a time older than the window, before the history
began or whose versions are gone is 72000 (snapshot_too_old, PostgreSQL's code for a snapshot
whose rows may have been removed); a time in the future is 22023 (invalid_parameter_value)."""

from __future__ import annotations

import time

from orbitdb.engine import Engine, InvalidArgumentError, Snapshot
from orbitdb.storage.catalog import Catalog
from orbitdb.storage.errors import StorageError
from orbitdb.storage.keyspace import CATALOG_PREFIX, prefix_end


def retention_seconds(engine: Engine) -> int:
    return int(engine.options.get("history_retention_seconds", 0))


def snapshot_at_time(engine: Engine, micros: int, shown: str) -> Snapshot:
    """The engine's snapshot of time micros (since the Unix epoch); shown names the time in errors."""
    window = retention_seconds(engine)
    if window == 0:
        raise StorageError(f"AS OF SYSTEM TIME {shown}: history retention is off",
                           "55000", detail="Set history_retention_seconds (docs/operations.md, \"Time travel\").")
    if micros > time.time_ns() // 1000:
        raise StorageError(f"AS OF SYSTEM TIME {shown}: the time is in the future", "22023")
    try:
        return engine.snapshot_at_time(micros)
    except InvalidArgumentError as e:
        message = str(e)
        if "in the future" in message:  # the clock moved between the two looks at it
            raise StorageError(f"AS OF SYSTEM TIME {shown}: the time is in the future", "22023") from None
        oldest = engine.property("orbitdb.history-oldest-micros")
        raise StorageError(f"AS OF SYSTEM TIME {shown}: the time is outside the retained history",
                           "72000", detail=f"{message} (history_retention_seconds = {window}; "
                           f"oldest readable time: {_shown_micros(int(oldest or 0))})") from None


def catalog_at(engine: Engine, snapshot: Snapshot) -> Catalog:
    """The catalog as it was committed at snapshot (tables dropped since included)."""
    catalog = Catalog.load(list(engine.items(CATALOG_PREFIX, prefix_end(CATALOG_PREFIX), snapshot=snapshot)))
    catalog.dirty.clear()  # what load() would fill in is not to be written: this is the past
    return catalog


def _shown_micros(micros: int) -> str:
    import datetime

    when = datetime.datetime.fromtimestamp(micros / 1e6, datetime.timezone.utc)
    return when.isoformat(sep=" ", timespec="microseconds")
