"""orbitdb: an embedded, persistent, PostgreSQL-compatible SQL database for Python.

    import orbitdb
    con = orbitdb.connect("data_dir")      # PEP 249, like sqlite3 / psycopg2
    cur = con.cursor()
    cur.execute("SELECT %s + 1", (41,))

Storage is an LSM tree written in C (``csrc/``, ``orbitdb.engine``); SQL is
PostgreSQL's dialect (``orbitdb.sql``); ``orbitdb serve`` speaks PostgreSQL's
wire protocol (``orbitdb.pgwire``).
"""

from orbitdb.dbapi import (
    BINARY,
    DATETIME,
    NUMBER,
    ROWID,
    STRING,
    Binary,
    Connection,
    Cursor,
    DatabaseError,
    DataError,
    Date,
    DateFromTicks,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    Notify,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    QueryCanceledError,
    Time,
    TimeFromTicks,
    Timestamp,
    TimestampFromTicks,
    TransactionRollbackError,
    Warning,
    apilevel,
    connect,
    paramstyle,
    threadsafety,
)
from orbitdb.row import Row
from orbitdb.storage.upgrade import upgrade  # converts a database of an older storage format
from orbitdb.version import __version__

__all__ = [
    "BINARY",
    "DATETIME",
    "NUMBER",
    "ROWID",
    "STRING",
    "Binary",
    "Connection",
    "Cursor",
    "DataError",
    "DatabaseError",
    "Date",
    "DateFromTicks",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "Notify",
    "OperationalError",
    "ProgrammingError",
    "QueryCanceledError",
    "Row",
    "Time",
    "TimeFromTicks",
    "Timestamp",
    "TimestampFromTicks",
    "TransactionRollbackError",
    "Warning",
    "__version__",
    "apilevel",
    "connect",
    "paramstyle",
    "threadsafety",
    "upgrade",
]
