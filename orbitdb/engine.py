"""The orbitdb storage engine: an LSM tree in C (csrc/), bound in orbitdb._engine.

    from orbitdb.engine import Engine, WriteBatch
    with Engine("data") as db:
        db.put(b"k", b"v", sync=True)
"""

from orbitdb._engine import (
    KNOBS,
    CorruptionError,
    Engine,
    EngineBusyError,
    EngineClosedError,
    EngineError,
    EngineIOError,
    EngineMemoryError,
    Ingest,
    InvalidArgumentError,
    Snapshot,
    WriteBatch,
    check_knobs,
    checkpoint_directory,
    pitr_replay,
    upgrade_engine_format,
)

__all__ = [
    "KNOBS",
    "CorruptionError",
    "Engine",
    "EngineBusyError",
    "EngineClosedError",
    "EngineError",
    "EngineIOError",
    "EngineMemoryError",
    "Ingest",
    "InvalidArgumentError",
    "Snapshot",
    "WriteBatch",
    "check_knobs",
    "checkpoint_directory",
    "pitr_replay",
    "upgrade_engine_format",
]
