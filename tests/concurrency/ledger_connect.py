"""Connection factories for the ledger: orbitdb embedded, and psycopg2 (orbitdb over the wire or
PostgreSQL 15). Each returns a new connection with autocommit on, or raises ConnectionLost."""

from __future__ import annotations

from typing import Any

import psycopg2
from ledger_workload import ConnectFn, ConnectionLost

import orbitdb


def embedded(path: str) -> ConnectFn:
    def connect() -> Any:
        conn = orbitdb.connect(path)
        conn.autocommit = True
        return conn

    return connect


def over_wire(dsn: str) -> ConnectFn:
    def connect() -> Any:
        try:
            conn = psycopg2.connect(dsn, connect_timeout=10)
        except psycopg2.OperationalError as exc:  # the server is gone (killed by the crash tests)
            raise ConnectionLost(exc, during_commit=False) from exc
        conn.autocommit = True
        return conn

    return connect
