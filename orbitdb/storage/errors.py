"""Errors raised by the storage layer. Each carries the SQLSTATE PostgreSQL uses
for the same condition, so the SQL layer can pass it on unchanged."""

from __future__ import annotations


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
