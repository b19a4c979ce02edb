"""Threads: synced writers share fsyncs (group commit), readers never see torn or stale state."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from orbitdb.engine import Engine, WriteBatch


def _run_threads(targets: list[Callable[[], None]]) -> None:
    """Runs the targets in threads started together; re-raises the first failure."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(targets))

    def wrap(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                barrier.wait()
                target()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                errors.append(exc)

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
        assert not t.is_alive(), "a thread hung"
    if errors:
        raise errors[0]


@pytest.mark.parametrize("writers", [2, 4])
def test_synced_writers_share_fsyncs(db_path: str, writers: int) -> None:
    per_writer = 300
    with Engine(db_path, enable_statistics=True) as db:
        before = db.stats()

        def writer(w: int) -> Callable[[], None]:
            def run() -> None:
                for i in range(per_writer):
                    db.put(b"w%d:%05d" % (w, i), b"v%d" % i, sync=True)

            return run

        _run_threads([writer(w) for w in range(writers)])
        stats = db.stats()
        commits = writers * per_writer
        syncs = stats["wal_syncs"] - before["wal_syncs"]
        groups = stats["write_groups"] - before["write_groups"]
        print(f"{commits} synced commits by {writers} threads: {syncs} fsyncs, {groups} write groups")
        assert 0 < syncs < commits, f"no fsync was shared: {syncs} fsyncs for {commits} commits"
        assert groups <= commits
        for w in range(writers):
            for i in range(per_writer):
                assert db.get(b"w%d:%05d" % (w, i)) == b"v%d" % i
        assert len(list(db.items())) == commits
    with Engine(db_path) as db:
        assert len(list(db.items())) == commits


@pytest.mark.parametrize("knobs", [{}, {"write_buffer_size": 8192}], ids=["default", "tiny_buffer"])
def test_concurrent_reads_and_writes(db_path: str, knobs: dict[str, object]) -> None:
    rounds = 1500
    writers = 2
    stop = threading.Event()
    with Engine(db_path, **knobs) as db:
        for w in range(writers):
            db.put(b"w%d:a" % w, b"0")
            db.put(b"w%d:b" % w, b"0")

        def writer(w: int) -> Callable[[], None]:
            def run() -> None:
                for n in range(1, rounds + 1):
                    batch = WriteBatch()  # a and b always move together
                    batch.put(b"w%d:a" % w, b"%d" % n)
                    batch.put(b"w%d:b" % w, b"%d" % n)
                    batch.put(b"w%d:log:%06d" % (w, n), b"x" * 50)
                    db.write(batch)

            return run

        def reader() -> None:
            last = [0] * writers
            while not stop.is_set():
                with db.snapshot() as snap:
                    for w in range(writers):
                        a = db.get(b"w%d:a" % w, snapshot=snap)
                        b = db.get(b"w%d:b" % w, snapshot=snap)
                        assert a == b, (w, a, b)
                        assert a is not None and int(a) >= last[w], "a reader went back in time"
                        last[w] = int(a)
                        logs = list(db.items(start=b"w%d:log:" % w, stop=b"w%d:log;" % w, snapshot=snap))
                        assert len(logs) == last[w], (w, len(logs), last[w])
                for w in range(writers):  # without a snapshot: monotonic too
                    now = int(db.get(b"w%d:a" % w) or b"0")
                    assert now >= last[w]

        def writers_then_stop() -> None:
            try:
                _run_threads([writer(w) for w in range(writers)])
            finally:
                stop.set()

        _run_threads([writers_then_stop, reader, reader])
        for w in range(writers):
            assert db.get(b"w%d:a" % w) == b"%d" % rounds
            assert len(list(db.items(start=b"w%d:log:" % w, stop=b"w%d:log;" % w))) == rounds


@pytest.mark.parametrize("concurrent", [True, False])
def test_concurrent_memtable_write_knob(tmp_path, concurrent: bool) -> None:
    """allow_concurrent_memtable_write: group members insert their own batches in parallel."""
    import threading

    from orbitdb.engine import Engine

    db = Engine(str(tmp_path / "db"), enable_statistics=True, allow_concurrent_memtable_write=concurrent)
    n_threads, per = 4, 1500

    def work(t: int) -> None:
        for i in range(per):
            db.put(b"t%d-%05d" % (t, i), b"v" * 50, sync=(i % 25 == 0))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(1 for _ in db.items()) == n_threads * per
    for t in range(n_threads):
        assert db.get(b"t%d-%05d" % (t, per - 1)) == b"v" * 50
    groups = db.stats()["concurrent_memtable_groups"]
    if concurrent:
        assert groups > 0, "writers that shared a group never inserted concurrently"
    else:
        assert groups == 0
    db.close()


@pytest.mark.parametrize("pipelined", [True, False])
def test_pipelined_write_knob(tmp_path, pipelined: bool) -> None:
    """enable_pipelined_write: a group fills the memtable while the next writes its WAL record;
    every write is there and sequences become visible in order."""
    db = Engine(str(tmp_path / "db"), enable_statistics=True, enable_pipelined_write=pipelined,
                write_buffer_size=64 << 10)
    n_threads, per = 4, 1500

    def work(t: int) -> None:
        for i in range(per):
            b = WriteBatch()
            b.put(b"p%d-%05d" % (t, i), b"x" * 40)
            b.put(b"count-%d" % t, b"%d" % i)
            db.write(b, sync=(i % 50 == 0))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(1 for k, _ in db.items() if k.startswith(b"p")) == n_threads * per
    for t in range(n_threads):
        assert db.get(b"count-%d" % t) == b"%d" % (per - 1)
    assert (db.stats()["pipelined_groups"] > 0) == pipelined
    db.close()
    with Engine(str(tmp_path / "db")) as again:
        assert sum(1 for k, _ in again.items() if k.startswith(b"p")) == n_threads * per
