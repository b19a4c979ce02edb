"""Errors raised by the storage layer. Each carries the SQLSTATE PostgreSQL uses
for the same condition, so the SQL layer can pass it on unchanged."""

from __future__ import annotations

from orbitdb.engine import (
    CorruptionError,
    EngineBusyError,
    EngineClosedError,
    EngineError,
    EngineIOError,
    EngineMemoryError,
    InvalidArgumentError,
)


class StorageError(Exception):
    sqlstate = "XX000"

    def __init__(self, message: str, sqlstate: str | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        if sqlstate is not None:
            self.sqlstate = sqlstate
        self.detail = detail


class SerializationFailure(StorageError):
    sqlstate = "40001"


class DeadlockDetected(StorageError):
    sqlstate = "40P01"


class LockNotAvailable(StorageError):
    sqlstate = "55P03"


class QueryCanceled(StorageError):
    sqlstate = "57014"


class DataCorrupted(StorageError):
    """Stored bytes that no version of orbitdb writes (a damaged row, key or record)."""

    sqlstate = "XX001"


class StorageFormatError(StorageError):
    """A database whose storage format this orbitdb does not open (too old: convert it with
    `orbitdb upgrade`; too new: written by a later orbitdb)."""

    sqlstate = "55000"


class EngineFailure(StorageError):
    """The engine failed: an I/O error, a locked directory, an engine closed under a call..."""

    sqlstate = "58000"


# Engine exception class -> PostgreSQL's SQLSTATE for the condition: the one place storage decides
# what an engine error means to SQL. A corruption is DataCorrupted (its own class, as above).
_ENGINE_SQLSTATES: dict[type[EngineError], str] = {
    EngineIOError: "58030",  # io_error
    EngineBusyError: "55006",  # object_in_use: another process has the directory open
    EngineClosedError: "08003",  # connection_does_not_exist: the database was closed
    EngineMemoryError: "53200",  # out_of_memory
    InvalidArgumentError: "22023",  # invalid_parameter_value
}


def engine_failure(e: EngineError, doing: str) -> StorageError:
    """The storage error for engine error e, raised while doing (\"could not commit\")."""
    message = f"{doing}: {e}"
    if isinstance(e, CorruptionError):
        return DataCorrupted(message)
    for cls, sqlstate in _ENGINE_SQLSTATES.items():
        if isinstance(e, cls):
            return EngineFailure(message, sqlstate)
    return EngineFailure(message)


def storage_error_for(exc: BaseException) -> StorageError | None:
    """The storage error for an engine error that escaped a storage call (a read deep in a scan),
    so that it reaches SQL with its SQLSTATE, not as an internal error; None for anything else."""
    if isinstance(exc, EngineError):
        return engine_failure(exc, "could not access the database")
    return None
