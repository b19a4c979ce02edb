"""Issue 11's report through the SQL layer: a transaction of 20,000 rows is one WAL record across
several 32 KiB blocks; with the newest log cut 1,000 bytes short, the database opens without that
transaction (never acknowledged as durable) and with every row committed before it."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import logfile
import pytest

import orbitdb


def _newest_log(path: Path) -> Path:
    logs = sorted(f for f in os.listdir(path) if f.endswith(".log"))
    assert logs, os.listdir(path)
    return path / logs[-1]


def _rows(path: Path) -> list[tuple[int, str]]:
    conn = orbitdb.connect(path)
    try:
        cur = conn.cursor()
        cur.execute("SELECT id, v FROM t ORDER BY id")
        return [(int(i), str(v)) for i, v in cur.fetchall()]
    finally:
        conn.close()


def test_torn_20000_row_transaction(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "db"
    conn = orbitdb.connect(path)
    cur = conn.cursor()
    # no automatic ANALYZE: its statistics, written after the big commit, would be the log's last record
    cur.execute("SET autovacuum = off")
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
    conn.commit()
    early = [(i, f"early-{i}") for i in range(30)]
    for row in early:
        cur.execute("INSERT INTO t VALUES (%s, %s)", row)
        conn.commit()
    cur.executemany("INSERT INTO t VALUES (%s, %s)", [(i, f"bulk-{i}") for i in range(1000, 21000)])
    conn.commit()
    conn.close()

    log = _newest_log(path)
    records = logfile.read_records(log.read_bytes())
    assert len(records[-1].fragments) >= 3, "the transaction's record spans several blocks"
    size = log.stat().st_size
    assert records[-1].end == size
    os.truncate(log, size - 1000)

    with caplog.at_level(logging.WARNING, logger="orbitdb.storage"):
        assert _rows(path) == early  # opens; the torn transaction is gone as one
    assert any("torn tail" in r.getMessage() and log.name in r.getMessage() for r in caplog.records)

    conn = orbitdb.connect(path)
    cur = conn.cursor()
    cur.execute("INSERT INTO t VALUES (%s, %s)", (5000, "after"))
    conn.commit()
    conn.close()
    assert _rows(path) == [*early, (5000, "after")]
