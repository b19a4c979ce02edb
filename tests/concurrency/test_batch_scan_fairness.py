"""A session that scans in batches in a loop must not keep committing writers from the GIL.

A batch is read holding the GIL (the row path lets other threads in at every engine call). A
writer waking from a row lock or an fsync then waited a whole switch interval for the GIL each
time, and the ledger test's 4,000 transfers took minutes instead of seconds. Measured as a ratio
of the reader's statements to the writers' commits over the same span (no clock involved)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import orbitdb

TRANSFERS = 300
WRITERS = 4


@pytest.mark.parametrize("query", ["SELECT sum(bal), count(*) FROM acct", "SELECT id, bal FROM acct"])
def test_writers_commit_while_a_session_scans_in_batches(tmp_path: Path, query: str) -> None:
    path = str(tmp_path / "db")
    setup = orbitdb.connect(path, autocommit=True)
    setup.execute("CREATE TABLE acct (id int PRIMARY KEY, bal bigint)")
    setup.execute("INSERT INTO acct SELECT g, 1000 FROM generate_series(1, 20) g")
    done = threading.Event()
    reads = [0]

    def reader() -> None:
        con = orbitdb.connect(path, autocommit=True)
        cur = con.cursor()
        cur.execute("SET orbitdb.batch_execution = on")
        while not done.is_set():
            cur.execute(query)
            cur.fetchall()
            reads[0] += 1
        con.close()

    def writer(first: int) -> None:
        con = orbitdb.connect(path)
        cur = con.cursor()
        for i in range(TRANSFERS // WRITERS):
            a, b = sorted(((first + i) % 20 + 1, (first + 7 * i + 3) % 20 + 1))
            if a == b:
                b = a % 20 + 1
            cur.execute("UPDATE acct SET bal = bal - 1 WHERE id = %s", (min(a, b),))
            cur.execute("UPDATE acct SET bal = bal + 1 WHERE id = %s", (max(a, b),))
            con.commit()
        con.close()

    scanning = threading.Thread(target=reader)
    scanning.start()
    writers = [threading.Thread(target=writer, args=(w * 5,)) for w in range(WRITERS)]
    for t in writers:
        t.start()
    for t in writers:
        t.join(600)
    done.set()
    scanning.join(60)
    assert setup.execute("SELECT sum(bal) FROM acct").fetchone() == (20_000,)
    setup.close()
    # fair: a few statements per commit (the row path: about one); starved: hundreds per commit
    assert reads[0] < 40 * TRANSFERS, f"{reads[0]} batch scans while {TRANSFERS} transfers committed"


_PAUSES = r"""
import sys, tempfile, threading, time
import orbitdb

con = orbitdb.connect(tempfile.mkdtemp() + "/db", autocommit=True)
con.execute("SET autovacuum = off")  # no ANALYZE thread of its own
con.execute("CREATE TABLE t (id int PRIMARY KEY, x int)")
con.execute("INSERT INTO t SELECT i, i FROM generate_series(1, 3000) i")
con.execute("SET orbitdb.batch_execution = on")
pauses = [0]
real_sleep = time.sleep

def counting_sleep(s):
    pauses[0] += 1
    real_sleep(s)

def scans():
    pauses[0] = 0
    time.sleep = counting_sleep
    try:
        for i in range(50):
            assert con.execute("SELECT sum(x) FROM t WHERE id BETWEEN %s AND %s", (i, i + 999)).fetchone()[0] > 0
    finally:
        time.sleep = real_sleep
    return pauses[0]

assert threading.active_count() == 1, threading.enumerate()
alone = scans()
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
with_other = scans()
stop.set()
other.join()
print(alone, with_other)
"""


def test_a_process_of_one_thread_scans_without_pausing(tmp_path: Path) -> None:
    """The pause costs a timer's slack (~70 us, half of a 1,000-row range sum); with no other
    thread nobody can be waiting for the GIL. Run in a fresh interpreter: the test process
    has threads of its own."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _PAUSES], capture_output=True, text=True, timeout=120, check=True)
    alone, with_other = map(int, out.stdout.split())
    assert alone == 0
    assert with_other >= 50
