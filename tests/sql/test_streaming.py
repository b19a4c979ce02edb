"""Rows produced on demand, embedded: a query's rows are made as the DB-API fetches them, so
LIMIT and a cursor that stops reading stop the work below, memory holds a batch rather than the
result, and the statement's transaction, snapshot and locks end when its rows do."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

import orbitdb
from orbitdb import dbapi

MB = 1 << 20


@pytest.fixture
def con(tmp_path: Path) -> Iterator[orbitdb.Connection]:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    c.cursor().execute("SET statement_timeout = '60s'")  # a statement that never ends fails instead
    yield c
    c.close()


def peak_growth(work: Callable[[], object]) -> tuple[int, object]:
    """(the peak growth of this process's RSS while work runs, what work returned)."""
    me = psutil.Process(os.getpid())
    base = me.memory_info().rss
    peak = base
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.01):
            peak = max(peak, me.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out = work()
    finally:
        done.set()
        sampler.join()
    return max(peak, me.memory_info().rss) - base, out


def count_with_fetchmany(con: orbitdb.Connection, sql: str) -> int:
    cur = con.cursor()
    cur.execute(sql)
    n = 0
    while True:
        rows = cur.fetchmany(5000)
        if not rows:
            return n
        n += len(rows)


def test_fetchmany_over_a_big_result_keeps_memory_bounded(con: orbitdb.Connection) -> None:
    # two million rows held at once are a few hundred MB; produced on demand, a batch
    growth, n = peak_growth(lambda: count_with_fetchmany(con, "SELECT g, g * 2 FROM generate_series(1, 2000000) g"))
    assert n == 2_000_000
    assert growth < 60 * MB, f"RSS grew {growth / MB:.0f} MB"


@pytest.mark.slow
def test_fetchmany_over_ten_million_rows_keeps_memory_bounded(con: orbitdb.Connection) -> None:
    growth, n = peak_growth(lambda: count_with_fetchmany(con, "SELECT * FROM generate_series(1, 1e7)"))
    assert n == 10_000_000
    assert growth < 60 * MB, f"RSS grew {growth / MB:.0f} MB"


def test_recursive_cte_without_end_under_limit_ends(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT * FROM t LIMIT 10")
    assert [r[0] for r in cur.fetchall()] == list(range(1, 11))
    cur.execute("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) "
                "SELECT n FROM t WHERE n % 1000 = 0 LIMIT 3")
    assert cur.fetchall() == [(1000,), (2000,), (3000,)]


def test_limit_stops_a_series_that_would_not_fit(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("SELECT * FROM generate_series(1, 1e15) LIMIT 3")
    assert [int(r[0]) for r in cur.fetchall()] == [1, 2, 3]
    cur.execute("SELECT generate_series(1, 1000000000000) LIMIT 2")  # in the select list too
    assert cur.fetchall() == [(1,), (2,)]
    cur.execute("WITH s AS (SELECT * FROM generate_series(1, 1000000000000) g) SELECT g FROM s LIMIT 2")
    assert cur.fetchall() == [(1,), (2,)]


def test_select_list_series_run_in_lockstep(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("SELECT generate_series(1, 3), generate_series(1, 2), 'x'")
    assert cur.fetchall() == [(1, 1, "x"), (2, 2, "x"), (3, None, "x")]


def test_a_cursor_stopped_early_reads_only_what_it_needs(con: orbitdb.Connection) -> None:
    # a cursor that reads three rows of a trillion and is closed: the statement ends with it
    cur = con.cursor()
    cur.execute("SELECT * FROM generate_series(1, 1000000000000)")
    assert cur.fetchmany(3) == [(1,), (2,), (3,)]
    assert cur.rowcount == -1  # not known before the end, as DB-API allows
    cur.close()
    assert con.info.txn is None
    assert con.execute("SELECT 42").fetchone() == (42,)


def test_a_small_result_is_complete_at_execute(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("SELECT * FROM generate_series(1, 5)")
    assert cur.rowcount == 5 and cur.statusmessage == "SELECT 5"
    assert con.info.txn is None  # the autocommitted statement has ended
    with pytest.raises(dbapi.DataError) as e:  # an error in its first rows is raised by execute
        cur.execute("SELECT 1 / (g - 3) FROM generate_series(1, 5) g")
    assert e.value.sqlstate == "22012"


def test_rowcount_is_known_when_the_rows_are_exhausted(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("SELECT * FROM generate_series(1, 2500)")
    assert cur.rowcount == -1
    assert len(cur.fetchall()) == 2500
    assert cur.rowcount == 2500 and cur.statusmessage == "SELECT 2500"
    assert cur.rownumber == 2500


def test_autocommit_statement_ends_with_its_rows(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("SELECT * FROM generate_series(1, 5000)")
    txn = con.info.txn
    assert txn is not None and txn.snapshot is not None  # still producing rows
    assert sum(1 for _ in cur) == 5000
    assert con.info.txn is None and txn.done and txn.snapshot is None
    cur.execute("SELECT * FROM generate_series(1, 5000)")
    txn = con.info.txn
    cur.close()
    assert con.info.txn is None and txn.done and txn.snapshot is None


def test_error_after_rows_reaches_the_fetch_after_them(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("SELECT 10 / (2000 - g) FROM generate_series(1, 3000) g")
    got = []
    with pytest.raises(dbapi.DataError) as e:
        while True:
            rows = cur.fetchmany(300)
            if not rows:
                break
            got.extend(rows)
    assert e.value.sqlstate == "22012"
    assert len(got) == 1999  # every row before the failing one, as PostgreSQL sends them
    assert con.info.txn is None  # the autocommitted statement rolled back
    assert con.execute("SELECT 1").fetchone() == (1,)


def test_error_after_rows_aborts_the_transaction_block(tmp_path: Path) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))  # not autocommit: a block, as psycopg2 opens one
    try:
        cur = con.cursor()
        cur.execute("SELECT 10 / (2000 - g) FROM generate_series(1, 3000) g")
        with pytest.raises(dbapi.DataError):
            cur.fetchall()
        with pytest.raises(dbapi.InternalError) as e:
            cur.execute("SELECT 1")
        assert e.value.sqlstate == "25P02"
        con.rollback()
        assert cur.execute("SELECT 1").fetchone() == (1,)
    finally:
        con.close()


def test_the_next_statement_keeps_the_rows_of_the_previous_one(con: orbitdb.Connection) -> None:
    # psycopg2's cursors hold their rows: a second cursor's statement, or a commit, does not
    # take them away. The first statement ends before the next starts; its rows are kept.
    con.execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
    first = con.cursor()
    first.execute("SELECT g FROM generate_series(1, 4000) g")
    assert first.fetchone() == (1,)
    second = con.cursor()
    second.execute("INSERT INTO t VALUES (1, 'a')")
    second.execute("SELECT * FROM generate_series(1, 3000)")
    assert [r[0] for r in first.fetchall()] == list(range(2, 4001))
    assert first.rowcount == 4000
    assert len(second.fetchall()) == 3000


def test_commit_and_rollback_keep_the_rows_already_asked_for(tmp_path: Path) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))
    try:
        cur = con.cursor()
        cur.execute("SELECT * FROM generate_series(1, 3000)")
        con.commit()
        assert len(cur.fetchall()) == 3000
        cur.execute("SELECT * FROM generate_series(1, 3000)")
        con.rollback()
        assert len(cur.fetchall()) == 3000
    finally:
        con.close()


def test_an_error_found_when_the_connection_moves_on_waits_for_the_fetch(tmp_path: Path) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))
    try:
        first = con.cursor()
        first.execute("SELECT 10 / (2000 - g) FROM generate_series(1, 3000) g")
        with pytest.raises(dbapi.InternalError) as e:  # the block failed while first's rows were made
            con.cursor().execute("SELECT 1")
        assert e.value.sqlstate == "25P02"
        assert len(first.fetchmany(5000)) == 1999
        with pytest.raises(dbapi.DataError):
            first.fetchone()
        con.rollback()
    finally:
        con.close()


def test_locks_of_a_block_last_while_its_rows_are_read(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    reader, other = orbitdb.connect(path), orbitdb.connect(path)
    try:
        other.autocommit = True
        other.execute("CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 3000) g")
        cur = reader.cursor()  # not autocommit: the SELECT runs in a block and holds ACCESS SHARE
        cur.execute("SELECT * FROM big")
        assert cur.fetchone() == (1,)
        locks = other.execute("SELECT mode FROM pg_locks WHERE relation = 'big'::regclass").fetchall()
        assert ("AccessShareLock",) in locks
        other.execute("SET lock_timeout = '100ms'")
        with pytest.raises(dbapi.OperationalError) as e:
            other.execute("ALTER TABLE big ADD COLUMN x int")
        assert e.value.sqlstate == "55P03"
        reader.commit()
        assert len(cur.fetchall()) == 2999  # the rest was produced before the commit
        other.execute("ALTER TABLE big ADD COLUMN x int")
    finally:
        reader.close()
        other.close()


def test_closing_the_connection_ends_a_statement_still_producing(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    keep = orbitdb.connect(path)  # keeps the database open
    con = orbitdb.connect(path)
    try:
        cur = con.cursor()
        cur.execute("SELECT * FROM generate_series(1, 1000000000000)")
        txn = con.info.txn
        con.close()
        assert txn.done and txn.snapshot is None
        with pytest.raises(dbapi.InterfaceError):
            cur.fetchall()
    finally:
        keep.close()


def test_executemany_and_copy_after_a_statement_still_producing(con: orbitdb.Connection) -> None:
    con.execute("CREATE TABLE t (id int)")
    cur = con.cursor()
    cur.execute("SELECT * FROM generate_series(1, 5000)")
    cur.executemany("INSERT INTO t VALUES (%s)", [(1,), (2,)])
    assert cur.rowcount == 2
    out = io.StringIO()
    cur.execute("SELECT * FROM generate_series(1, 5000)")
    cur.copy_expert("COPY t TO STDOUT", out)
    assert out.getvalue() == "1\n2\n"


def test_copy_to_streams_rows_as_they_are_made(con: orbitdb.Connection) -> None:
    class Counter(io.RawIOBase):
        def __init__(self) -> None:
            self.lines = 0

        def writable(self) -> bool:
            return True

        def write(self, data: bytes) -> int:  # type: ignore[override]
            self.lines += data.count(b"\n")
            return len(data)

    sink = Counter()
    sql = "COPY (SELECT g, 'row ' || g FROM generate_series(1, 1000000) g) TO STDOUT"
    growth, _ = peak_growth(lambda: con.cursor().copy_expert(sql, sink))
    assert sink.lines == 1_000_000
    assert growth < 60 * MB, f"RSS grew {growth / MB:.0f} MB"
    assert con.info.txn is None


def test_copy_to_error_after_rows(con: orbitdb.Connection) -> None:
    out = io.StringIO()
    with pytest.raises(dbapi.DataError):
        con.cursor().copy_expert("COPY (SELECT 1 / (g - 1500) FROM generate_series(1, 2000) g) TO STDOUT", out)
    assert out.getvalue().count("\n") == 1499
    assert con.info.txn is None
    assert con.execute("SELECT 1").fetchone() == (1,)


def test_create_table_as_and_explain_analyze_run_the_whole_query(con: orbitdb.Connection) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE c AS SELECT * FROM generate_series(1, 5000) g")
    assert cur.rowcount == 5000
    with pytest.raises(dbapi.DataError):  # EXPLAIN ANALYZE runs the query to its end
        cur.execute("EXPLAIN ANALYZE SELECT 1 / (g - 4000) FROM generate_series(1, 5000) g")
    cur.execute("SELECT count(*) FROM c")
    assert cur.fetchone() == (5000,)


def test_session_rows_read_after_the_next_statement_of_a_query_string(tmp_path: Path) -> None:
    # an embedded caller may collect the results of a multi-statement string before reading
    # them: each statement's rows were produced before the next statement ran
    from orbitdb.sql.session.database import Database

    db = Database.open(str(tmp_path / "db"))
    try:
        s = db.session()
        results = list(s.execute_simple("SELECT * FROM generate_series(1, 3000); SELECT 2"))
        assert len(list(results[0].rows)) == 3000
        assert list(results[1].rows) == [(2,)]
        assert s.txn is None
    finally:
        db.close()
