"""kill -9 of `orbitdb serve` while a client commits transactions that hold duplicates of
DEFERRABLE INITIALLY DEFERRED unique and primary keys until COMMIT: after each restart every
acknowledged transaction is there whole, none is half there, the deferrable indexes agree with
the rows, and the constraints still hold."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import psycopg2
import pytest

RING = 60  # rows of the ring, whose positions every transaction rotates by one


def _setup(dsn: str) -> None:
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE TABLE ring (id int PRIMARY KEY, pos int NOT NULL, "
                "CONSTRAINT ring_pos_key UNIQUE (pos) DEFERRABLE INITIALLY DEFERRED)")
    cur.execute(f"INSERT INTO ring SELECT g, g FROM generate_series(0, {RING - 1}) g")
    cur.execute("CREATE TABLE turn (n int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED, kind text)")
    conn.close()


def _rotate(dsn: str, start: int, acked: list[int], stop: threading.Event) -> None:
    """Commits turn after turn until the server dies: each rotates the ring (every intermediate
    row state repeats a position) and inserts its turn twice, deleting the extra row before COMMIT."""
    try:
        conn = psycopg2.connect(dsn)
        cur = conn.cursor()
        n = start
        while not stop.is_set():
            cur.execute(f"UPDATE ring SET pos = (pos + 1) % {RING}")
            cur.execute("INSERT INTO turn VALUES (%s, 'kept'), (%s, 'extra')", (n, n))
            cur.execute("DELETE FROM turn WHERE n = %s AND kind = 'extra'", (n,))
            conn.commit()
            acked.append(n)
            n += 1
    except psycopg2.Error:
        return  # the server was killed


def _check(dsn: str, acked: list[int]) -> int:
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    cur.execute("SELECT n, kind FROM turn ORDER BY n")
    turns = cur.fetchall()
    done = [n for n, _ in turns]
    assert all(kind == "kept" for _, kind in turns), f"an extra row survived its transaction: {turns}"
    assert done == list(range(len(done))), f"turns are missing or repeated: {done}"
    assert set(acked) <= set(done), "an acknowledged transaction was lost"
    assert len(done) - len(acked) <= 1, "more than the one unacknowledged transaction committed"
    cur.execute("SELECT id, pos FROM ring ORDER BY id")
    ring = cur.fetchall()
    shift = len(done) % RING
    assert ring == [(i, (i + shift) % RING) for i in range(RING)], "the ring is half rotated"
    # the deferrable indexes find every row by its values, once
    for pos in random.Random(len(done)).sample(range(RING), 10):
        cur.execute("SELECT count(*) FROM ring WHERE pos = %s", (pos,))
        assert cur.fetchone()[0] == 1
    for n in done[-5:]:
        cur.execute("SELECT count(*) FROM turn WHERE n = %s", (n,))
        assert cur.fetchone()[0] == 1
    conn.rollback()
    # and the constraints still hold
    cur.execute("INSERT INTO ring VALUES (%s, 0)", (RING,))
    with pytest.raises(psycopg2.errors.UniqueViolation):
        conn.commit()
    cur.execute("INSERT INTO turn VALUES (0, 'again')")
    with pytest.raises(psycopg2.errors.UniqueViolation):
        conn.commit()
    conn.close()
    return len(done)


def test_kill9_while_committing_deferred_duplicates(start_server: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start_server(data_dir=data)
    _setup(server.dsn)
    rng = random.Random(15)
    acked: list[int] = []
    done = 0
    for _ in range(3):
        stop = threading.Event()
        worker = threading.Thread(target=_rotate, args=(server.dsn, done, acked, stop), daemon=True)
        worker.start()
        target = len(acked) + rng.randint(5, 40)
        while len(acked) < target and worker.is_alive():
            worker.join(0.01)
        worker.join(rng.uniform(0, 0.03))
        server.kill()  # SIGKILL, in the middle of whatever the worker was committing
        stop.set()
        worker.join(30)
        server = start_server(data_dir=data)
        done = _check(server.dsn, acked)
    assert acked, "no transaction committed before the kills"
