"""Durability of the SQL layer: data, schema, sequences and indexes survive a
clean restart and kill -9 in the middle of transactions."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orbitdb

CHILD = str(Path(__file__).with_name("sql_child.py"))


def test_schema_data_sequences_indexes_survive_reopen(tmp_path: Path) -> None:
    p = str(tmp_path / "db")
    c = orbitdb.connect(p)
    c.autocommit = True
    cur = c.cursor()
    cur.execute("CREATE TABLE t (id serial PRIMARY KEY, name varchar(10) UNIQUE, v numeric(5,2) DEFAULT 1.5)")
    cur.execute("CREATE INDEX t_v ON t (v)")
    cur.execute("CREATE VIEW tv AS SELECT name FROM t WHERE v > 1")
    cur.execute("INSERT INTO t (name) VALUES ('a'), ('b')")
    cur.execute("INSERT INTO t (name, v) VALUES ('c', 0.5)")
    c.close()
    c = orbitdb.connect(p)
    c.autocommit = True
    cur = c.cursor()
    cur.execute("INSERT INTO t (name) VALUES ('d') RETURNING id")
    assert cur.fetchone() == (4,)
    cur.execute("SELECT name FROM tv ORDER BY name")
    assert cur.fetchall() == [("a",), ("b",), ("d",)]
    cur.execute("EXPLAIN SELECT * FROM t WHERE v = 0.5")
    assert "t_v" in cur.fetchall()[0][0]
    cur.execute("SELECT id, name FROM t WHERE v = 0.5")
    assert cur.fetchall() == [(3, "c")]
    try:
        cur.execute("INSERT INTO t (name) VALUES ('a')")
        raise AssertionError("unique constraint lost")
    except orbitdb.IntegrityError as e:
        assert e.sqlstate == "23505"
    c.close()


def _run_child(path: str, start: int, kill_after: float) -> list[int]:
    proc = subprocess.Popen([sys.executable, CHILD, path, str(start)], stdout=subprocess.PIPE, text=True)
    acked: list[int] = []
    # the kill comes kill_after seconds after the first acknowledged commit (a loaded
    # machine may take long to start the child; killing it before it began tests nothing)
    deadline = time.monotonic() + 60.0
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    buf = ""
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            chunk = proc.stdout.read()
        except TypeError:
            chunk = None
        if chunk:
            if not buf:
                deadline = time.monotonic() + kill_after
            buf += chunk
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rest = proc.stdout.read()
    if rest:
        buf += rest
    for line in buf.splitlines():
        if line.strip():
            acked.append(int(line))
    return acked


def test_kill9_keeps_committed_and_drops_uncommitted(tmp_path: Path) -> None:
    p = str(tmp_path / "db")
    rng = random.Random(7)
    acked: list[int] = []
    start = 0
    for _ in range(6):
        got = _run_child(p, start, rng.uniform(1.0, 2.5))
        acked.extend(got)
        # a batch may have committed without its acknowledgement reaching us: never reuse its number
        start = (max(acked) if acked else start) + 1000
        c = orbitdb.connect(p)
        cur = c.cursor()
        cur.execute("SELECT n, count(*) FROM items GROUP BY n")
        counts = dict(cur.fetchall())
        c.close()
        assert -1 not in counts, "an uncommitted row survived the crash"
        for i in acked:
            assert counts.get(i) == 2, f"committed batch {i} lost or half-applied: {counts.get(i)}"
        assert all(v == 2 for v in counts.values()), "a transaction was half applied"
    assert acked, "the child never committed"
    c = orbitdb.connect(p)
    cur = c.cursor()
    cur.execute("SELECT count(*) FROM items WHERE n = %s", (acked[-1],))
    assert cur.fetchone() == (2,)
    cur.execute("EXPLAIN SELECT * FROM items WHERE n = 5")
    assert "items_n" in cur.fetchall()[0][0]
    c.close()
