"""Each engine status code is its own exception class (the binding's one table), and storage
turns each into the SQLSTATE PostgreSQL gives the condition."""

from __future__ import annotations

import pytest

from orbitdb.engine import (
    Engine,
    EngineBusyError,
    EngineClosedError,
    EngineError,
    InvalidArgumentError,
)
from orbitdb.sql.errors import SqlError
from orbitdb.sql.session.database import Database
from orbitdb.storage.errors import EngineFailure, StorageError
from orbitdb.storage.txn import Store

ODB_INVALID_ARGUMENT, ODB_BUSY, ODB_CLOSED = 4, 5, 7  # csrc/status.h


def test_busy_directory(db_path: str) -> None:
    with Engine(db_path):
        with pytest.raises(EngineBusyError, match="already open") as info:
            Engine(db_path)
        assert info.value.code == ODB_BUSY
        with pytest.raises(EngineFailure) as wrapped:
            Store(db_path)
        assert wrapped.value.sqlstate == "55006"
        assert isinstance(wrapped.value.__cause__, EngineBusyError)
        with pytest.raises(SqlError) as sql:
            Database.open(db_path)
        assert sql.value.sqlstate == "55006"
        assert "could not open database" in str(sql.value)


def test_invalid_knob_is_a_value_error_too(db_path: str) -> None:
    with pytest.raises(InvalidArgumentError, match="write_buffer_size") as info:
        Engine(db_path, write_buffer_size=1)
    assert info.value.code == ODB_INVALID_ARGUMENT
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, EngineError)


def test_closed_engine_and_scan(db_path: str) -> None:
    db = Engine(db_path)
    for i in range(100):
        db.put(b"k%03d" % i, b"v")
    scan = db.items()
    assert next(scan) == (b"k000", b"v")
    db.close()
    assert db.closed
    with pytest.raises(EngineClosedError, match="closed during the scan"):
        list(scan)  # a scan cut short by close() must not look finished
    with pytest.raises(EngineClosedError, match="closed") as info:
        db.get(b"k000")
    assert info.value.code == ODB_CLOSED


def test_storage_errors_keep_their_base(db_path: str) -> None:
    with Engine(db_path), pytest.raises(StorageError):
        Store(db_path)
