"""A transaction's write set kept compact (orbitdb/storage/writeset.py) and a large commit
ingested as a table of its own: the same answers as a dict of writes, with thresholds made
tiny so that every path (frozen runs, merges, writes taken back by a savepoint rollback,
ingestion) runs on small data."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import orbitdb
from orbitdb.storage import txn, writeset
from orbitdb.storage.writeset import WriteSet

PREFIXES = [b"\x01\x00\x00\x00\x01", b"\x01\x00\x00\x00\x02", b"\x02\x00\x00\x00\x01", b"\x01"]
MISSING = object()


@pytest.fixture
def tiny_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writeset, "RECENT_ENTRIES", 7)
    monkeypatch.setattr(txn, "INGEST_BYTES", 64)


@pytest.mark.parametrize("seed", range(60))
def test_write_set_reads_as_a_dict_of_writes(tiny_thresholds: None, seed: int) -> None:
    rnd = random.Random(seed)
    writes = WriteSet()
    model: dict[bytes, bytes | None] = {}
    keys = [p + bytes([rnd.randrange(40)]) for p in PREFIXES for _ in range(8)] + [b"\x01"]
    for op in range(rnd.randrange(20, 150)):
        r = rnd.random()
        # mostly a few keys written over and over; sometimes keys in increasing order, as a COPY writes
        key = rnd.choice(keys) if rnd.random() < 0.7 else PREFIXES[0] + b"\xff" + op.to_bytes(2, "big")
        if r < 0.1:  # a batch (executemany): distinct keys, some perhaps written before
            batch = list(dict.fromkeys([key] + rnd.sample(keys, 3)))
            values = [b"b%d.%d" % (op, i) for i in range(len(batch))]
            writes.update_many(batch, values)
            model.update(zip(batch, values))
        elif r < 0.55:
            writes[key] = model[key] = b"v%d" % op
        elif r < 0.75:
            writes[key] = model[key] = None
        else:
            assert writes.pop(key, MISSING) == model.pop(key, MISSING)
        for k in set(keys) | set(model):
            assert writes.get(k, MISSING) == model.get(k, MISSING), (op, k)
        every = sorted(set(keys) | set(model))
        assert writes.get_many(every, MISSING) == [model.get(k, MISSING) for k in every]
        expected = sorted(model.items())
        assert list(writes.items()) == expected
        if rnd.random() < 0.2:  # what a commit reads (it freezes the recent writes when runs exist)
            assert [kv for chunk in writes.sorted_chunks(3) for kv in chunk] == expected
        assert list(writes) == [k for k, _ in expected]
        lo, hi = sorted([rnd.choice(keys), rnd.choice(keys)])
        assert list(writes.items(lo, hi)) == [(k, v) for k, v in expected if lo <= k < hi]
        assert list(writes.items(lo, hi, reverse=True)) == [(k, v) for k, v in reversed(expected) if lo <= k < hi]


def test_large_transaction_reads_its_writes_rolls_back_to_savepoints_and_commits(
    tiny_thresholds: None, tmp_path: Path
) -> None:
    path = str(tmp_path / "db")
    conn = orbitdb.connect(path)
    cur = conn.cursor()
    cur.execute("CREATE TABLE big (id int PRIMARY KEY, tag text UNIQUE, n int)")
    cur.execute("CREATE TABLE plain (n int)")
    conn.commit()
    cur.execute("INSERT INTO big SELECT g, 't' || g, g FROM generate_series(1, 300) g")
    cur.execute("INSERT INTO plain SELECT g FROM generate_series(1, 300) g")
    cur.execute("UPDATE big SET n = -n WHERE id % 3 = 0")
    cur.execute("DELETE FROM big WHERE id % 7 = 0")
    cur.execute("SAVEPOINT s")
    cur.execute("INSERT INTO big SELECT g, 't' || g, 0 FROM generate_series(301, 400) g")
    cur.execute("UPDATE big SET n = 1000 WHERE id < 50")
    cur.execute("DELETE FROM plain WHERE n > 100")
    cur.execute("ROLLBACK TO SAVEPOINT s")
    with pytest.raises(orbitdb.IntegrityError):  # the unique index sees the transaction's rows
        cur.execute("INSERT INTO big VALUES (1000, 't5', 0)")
    cur.execute("ROLLBACK TO SAVEPOINT s")
    expected = sorted((i, -i if i % 3 == 0 else i) for i in range(1, 301) if i % 7)
    cur.execute("SELECT id, n FROM big ORDER BY id")
    assert cur.fetchall() == expected
    cur.execute("SELECT id FROM big ORDER BY id DESC LIMIT 3")
    assert cur.fetchall() == [(i,) for i, _ in reversed(expected[-3:])]
    conn.commit()  # ingested: past INGEST_BYTES and no catalog change
    cur.execute("SELECT id, n FROM big ORDER BY id")
    assert cur.fetchall() == expected
    cur.execute("SELECT count(*), sum(n) FROM plain")
    assert cur.fetchall() == [(300, sum(range(1, 301)))]
    conn.close()
    conn = orbitdb.connect(path)
    cur = conn.cursor()
    cur.execute("SELECT id, n FROM big WHERE tag = 't299'")
    assert cur.fetchall() == [(299, 299)]
    cur.execute("SELECT count(*) FROM big")
    assert cur.fetchall() == [(len(expected),)]
    conn.close()


def test_rolled_back_large_transaction_leaves_nothing(tiny_thresholds: None, tmp_path: Path) -> None:
    conn = orbitdb.connect(str(tmp_path / "db"))
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (n int)")
    conn.commit()
    cur.execute("INSERT INTO t SELECT g FROM generate_series(1, 500) g")
    conn.rollback()
    cur.execute("SELECT count(*) FROM t")
    assert cur.fetchall() == [(0,)]
    conn.close()
