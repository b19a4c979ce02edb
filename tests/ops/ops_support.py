"""Helpers of the operations tests: the `orbitdb` command run as a child process, the ledger
the live tests write (transfers whose invariants only a copy at one commit keeps), databases made
through orbitdb.connect, and direct engine edits that damage a database."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
from typing import Any

import psycopg

import orbitdb
from orbitdb.engine import Engine
from orbitdb.storage.catalog import Catalog
from orbitdb.storage.keyspace import CATALOG_PREFIX, prefix_end

# small memtables and tables: flushes and compactions run while a backup copies the directory
SMALL_ENGINE = """
[persistence.rocksdb]
write_buffer_size = 65536
target_file_size_base = 65536
max_bytes_for_level_base = 262144
"""


def orbitdb_command(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m orbitdb ARGS` with this tree first on the path."""
    root = os.path.dirname(os.path.dirname(orbitdb.__file__))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "orbitdb", *args], capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)


ACCOUNTS = 20
START = 1000
WRITERS = 3
RETRY = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected, psycopg.errors.LockNotAvailable)


def dsn_of(server: object, database: str = "actors") -> str:
    return f"host={server.host} port={server.port} user=orbit dbname={database}"  # type: ignore[attr-defined]


def make_ledger(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)")
        conn.execute("CREATE TABLE seq (id int PRIMARY KEY, n int NOT NULL)")
        conn.execute("CREATE TABLE ledger (n int PRIMARY KEY, src int, dst int, amount int, note text)")
        conn.execute("INSERT INTO seq VALUES (1, 0)")
        conn.execute("INSERT INTO accounts SELECT g, %s FROM generate_series(1, %s) g", (START, ACCOUNTS))


class Writers:
    """Threads committing transfers until stopped; `committed` counts acknowledged commits."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.committed = 0
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(WRITERS)]

    def __enter__(self) -> Writers:  # noqa: PYI034 - a final test helper
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join()
        assert not self.errors, self.errors

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        try:
            with psycopg.connect(self.dsn) as conn:
                while not self._stop.is_set():
                    a, b = rng.sample(range(1, ACCOUNTS + 1), 2)
                    amount = rng.randint(1, 50)
                    try:
                        with conn.transaction():
                            n = conn.execute("UPDATE seq SET n = n + 1 WHERE id = 1 RETURNING n").fetchone()[0]
                            conn.execute("UPDATE accounts SET balance = balance - %s WHERE id = %s", (amount, a))
                            conn.execute("UPDATE accounts SET balance = balance + %s WHERE id = %s", (amount, b))
                            conn.execute("INSERT INTO ledger VALUES (%s, %s, %s, %s, %s)",
                                         (n, a, b, amount, "x" * rng.randint(10, 300)))
                    except RETRY:
                        continue
                    with self._lock:
                        self.committed += 1
        except BaseException as exc:  # noqa: BLE001 - reported by __exit__
            self.errors.append(exc)


def check_ledger(dsn: str) -> int:
    """Asserts every invariant; returns the number of committed transfers the copy holds."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        n = conn.execute("SELECT n FROM seq").fetchone()[0]
        numbers = [r[0] for r in conn.execute("SELECT n FROM ledger ORDER BY n")]
        assert numbers == list(range(1, n + 1)), "ledger numbers are not exactly 1..seq.n"
        balances = dict(conn.execute("SELECT id, balance FROM accounts").fetchall())
        assert sum(balances.values()) == ACCOUNTS * START
        replay = dict.fromkeys(range(1, ACCOUNTS + 1), START)
        for src, dst, amount in conn.execute("SELECT src, dst, amount FROM ledger"):
            replay[src] -= amount
            replay[dst] += amount
        assert balances == replay, "balances are not what the ledger says"
        return n


def make_database(path: str, statements: list[str]) -> None:
    conn = orbitdb.connect(path)
    try:
        cur = conn.cursor()
        for sql in statements:
            cur.execute(sql)
        conn.commit()
    finally:
        conn.close()


def flush(path: str) -> None:
    """Moves what the WAL holds into table files (so that there are tables to damage)."""
    engine = Engine(path, create_if_missing=False)
    try:
        engine.flush()
    finally:
        engine.close()


def catalog_of(engine: Engine) -> Catalog:
    return Catalog.load(list(engine.items(CATALOG_PREFIX, prefix_end(CATALOG_PREFIX))))


def listing(path: str) -> dict[str, Any]:
    """Every file's size and modification time: what a read-only command must leave as it is."""
    out = {}
    for name in sorted(os.listdir(path)):
        st = os.stat(os.path.join(path, name))
        out[name] = (st.st_size, st.st_mtime_ns)
    return out
