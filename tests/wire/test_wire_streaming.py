"""Results streamed over the wire: a real `orbitdb serve`, real sockets, psycopg2, psycopg 3, psql
and raw protocol messages; the server's RSS measured with psutil while each case runs.

A query's rows are produced as the client asks for them and sent a batch at a time: a portal
read with a row limit, a psycopg 3 stream left early and LIMIT stop the work below; a big result
read to its end, COPY TO and COPY FROM keep the server's memory bounded; an error after some rows
reaches the client as PostgreSQL 15 sends it (compared with a real one); a client that goes away
stops its statement; the idle server's memory comes back to where it was."""

from __future__ import annotations

import io
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import psutil
import pytest
from pgproto import FLUSH, SYNC, RawClient, bind, close, error_fields, execute, parse, query
from reference_pg import reference_postgres
from wire_support import ServerProcess, needs_psycopg3, psycopg

if TYPE_CHECKING:
    from typing_extensions import Self

pytestmark = pytest.mark.orbitdb_only

MB = 1 << 20
BOUND = 60 * MB  # what a case may add to the server's RSS: batches, buffers, caches; never a result


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("streaming") / "data").wait_ready()
    yield proc
    if proc.proc.poll() is None:
        proc.stop()


class PeakRss:
    """The server's peak RSS growth while a block runs (sampled every 10 ms)."""

    def __init__(self, server: ServerProcess) -> None:
        self.proc = psutil.Process(server.proc.pid)
        self.base = 0
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.01):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __enter__(self) -> Self:
        self.base = self.peak = self.proc.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def growth(self) -> int:
        return self.peak - self.base


def _raw(server: ServerProcess, timeout: float = 30.0) -> RawClient:
    client = RawClient(server.host, server.port, timeout=timeout)
    client.startup()
    return client


def _psycopg2(server: ServerProcess, autocommit: bool = True) -> Any:
    import psycopg2

    conn = psycopg2.connect(server.dsn)
    conn.autocommit = autocommit
    return conn


def test_portal_row_limit_reads_a_prefix_of_a_huge_series(server: ServerProcess) -> None:
    # 1e8 rows could not be held (the issue: MemoryError); a portal reads 1,000 at a time
    client = _raw(server)
    try:
        with PeakRss(server) as rss:
            client.send(parse("SELECT * FROM generate_series(1, 1e8)") + bind() + execute("", 1000) + FLUSH)
            first = client.read_until("s")
            client.send(execute("", 1000) + FLUSH)
            second = client.read_until("s")
            client.send(close("P") + SYNC)
            assert [kind for kind, _ in client.read_until("Z")] == ["3", "Z"]
        assert [kind for kind, _ in first] == ["1", "2"] + ["D"] * 1000 + ["s"]
        assert [kind for kind, _ in second] == ["D"] * 1000 + ["s"]
        assert first[2][1][6:] == b"1" and second[-2][1][6:] == b"2000"  # the second Execute went on
        assert rss.growth < BOUND, f"server RSS grew {rss.growth / MB:.0f} MB"
        client.send(query("SELECT 1"))
        assert [kind for kind, _ in client.read_until("Z")] == ["T", "D", "C", "Z"]
    finally:
        client.close()


@needs_psycopg3
def test_psycopg3_stream_left_early(server: ServerProcess) -> None:
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        with PeakRss(server) as rss:
            got = []
            for row in conn.cursor().stream("SELECT * FROM generate_series(1, 1e8)"):
                got.append(row[0])
                if len(got) == 1000:
                    break  # psycopg 3 cancels the query and reads what was already sent
        assert [int(v) for v in got] == list(range(1, 1001))
        assert rss.growth < BOUND, f"server RSS grew {rss.growth / MB:.0f} MB"
        assert conn.execute("SELECT 42").fetchone() == (42,)


def test_limit_stops_an_endless_recursive_cte(server: ServerProcess) -> None:
    conn = _psycopg2(server)
    try:
        cur = conn.cursor()
        cur.execute("SET statement_timeout = '30s'")  # were it not stopped, it would fail, not hang
        with PeakRss(server) as rss:
            cur.execute("WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT * FROM t LIMIT 10")
            assert [r[0] for r in cur.fetchall()] == list(range(1, 11))
        assert rss.growth < BOUND
    finally:
        conn.close()


def _psql_lines(server: ServerProcess, sql: str) -> int:
    """Runs sql in psql (unaligned, tuples only) and counts the lines it printed."""
    cmd = ["psql", "-X", "-At", "-h", server.host, "-p", str(server.port), "-U", "orbit", "-d", "actors", "-c", sql]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=dict(os.environ, PGCONNECT_TIMEOUT="10"))
    assert proc.stdout is not None
    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: proc.stdout.read(1 << 16), b""))  # type: ignore[union-attr]
    assert proc.wait(600) == 0
    return lines


@pytest.mark.needs_psql
def test_psql_reads_a_big_result_with_bounded_server_memory(server: ServerProcess) -> None:
    with PeakRss(server) as rss:
        assert _psql_lines(server, "SELECT * FROM generate_series(1, 1e6)") == 1_000_000
    assert rss.growth < BOUND, f"server RSS grew {rss.growth / MB:.0f} MB"


@pytest.mark.slow
@pytest.mark.needs_psql
def test_psql_reads_thirty_million_rows_with_bounded_server_memory(server: ServerProcess) -> None:
    with PeakRss(server) as rss:
        assert _psql_lines(server, "SELECT * FROM generate_series(1, 3e7)") == 30_000_000
    assert rss.growth < BOUND, f"server RSS grew {rss.growth / MB:.0f} MB"


class _Lines(io.RawIOBase):
    def __init__(self) -> None:
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.lines += bytes(data).count(b"\n")
        return len(data)


def _copy_to(server: ServerProcess, rows: int) -> int:
    conn = _psycopg2(server)
    try:
        sink = _Lines()
        conn.cursor().copy_expert(f"COPY (SELECT g, 'row ' || g FROM generate_series(1, {rows}) g) TO STDOUT", sink)
        return sink.lines
    finally:
        conn.close()


def test_copy_to_stdout_streams(server: ServerProcess) -> None:
    with PeakRss(server) as rss:
        assert _copy_to(server, 500_000) == 500_000
    assert rss.growth < BOUND, f"server RSS grew {rss.growth / MB:.0f} MB"


@pytest.mark.slow
def test_copy_to_stdout_ten_million_rows(server: ServerProcess) -> None:
    with PeakRss(server) as rss:
        assert _copy_to(server, 10_000_000) == 10_000_000
    assert rss.growth < BOUND, f"server RSS grew {rss.growth / MB:.0f} MB"


class _Generated(io.RawIOBase):
    """size bytes of COPY text made as they are read (the test holds none of it)."""

    LINE = "%d\tsome text of a row that is not short, so that the bytes add up\n"

    def __init__(self, size: int) -> None:
        self.rows = size // len(self.LINE % 1_000_000)
        self.next = 0
        self.pending = b""

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        want = 1 << 16 if n is None or n < 0 else n
        while len(self.pending) < want and self.next < self.rows:
            stop = min(self.rows, self.next + 1000)
            self.pending += "".join(self.LINE % k for k in range(self.next, stop)).encode()
            self.next = stop
        out, self.pending = self.pending[:want], self.pending[want:]
        return out


def _copy_from(server: ServerProcess, size: int) -> tuple[int, int]:
    """(rows loaded, the server's peak RSS growth) for size bytes of COPY FROM STDIN."""
    conn = _psycopg2(server)
    try:
        cur = conn.cursor()
        cur.execute("DROP TABLE IF EXISTS loaded")
        cur.execute("CREATE TABLE loaded (id int, note text)")
        source = _Generated(size)
        with PeakRss(server) as rss:
            cur.copy_expert("COPY loaded FROM STDIN", source, size=1 << 16)
        cur.execute("SELECT count(*), max(id) FROM loaded")
        count, top = cur.fetchone()
        assert count == source.rows and top == source.rows - 1
        cur.execute("DROP TABLE loaded")
        return count, rss.growth
    finally:
        conn.close()


# The input is parsed, converted and written a chunk at a time. What grows with it is the
# transaction's private write set, which holds every loaded row until the commit writes them to
# the engine in one batch (storage/txn.py): about three bytes of Python objects per byte of text,
# then the batch and the memtable besides during the commit. That floor is orbitdb's storage
# design; this bound holds it, and fails if the input were also held as text or as parsed rows
# (the server this branch started from peaked at 7.5 times the input).
COPY_FROM_FACTOR = 6


def test_copy_from_stdin_in_chunks(server: ServerProcess) -> None:
    size = 20 * MB
    _, growth = _copy_from(server, size)
    assert growth < COPY_FROM_FACTOR * size + 20 * MB, f"server RSS grew {growth / MB:.0f} MB for 20 MB"


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="a transaction's write set is held in memory until commit (issue 12, open)")
def test_copy_from_stdin_hundred_megabytes_bounded(server: ServerProcess) -> None:
    # what issue 12 asks: memory bounded by settings, not by the input
    size = 100 * MB
    _, growth = _copy_from(server, size)
    assert growth < 100 * MB, f"server RSS grew {growth / MB:.0f} MB for 100 MB"


def _backends(server: ServerProcess) -> int:
    conn = _psycopg2(server)
    try:
        cur = conn.cursor()
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()")
        return int(cur.fetchone()[0])
    finally:
        conn.close()


def _gone_within(server: ServerProcess, before: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _backends(server) == before:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("reads", [True, False], ids=["reads-some-rows", "reads-nothing"])
def test_a_client_that_disconnects_stops_its_statement(server: ServerProcess, reads: bool) -> None:
    before = _backends(server)
    cpu = psutil.Process(server.proc.pid)
    client = _raw(server)
    client.send(query("SELECT * FROM generate_series(1, 1e10)"))
    if reads:
        for _ in range(100):
            client.read()
    else:
        time.sleep(0.5)  # the server fills the socket's buffers, then waits to send
    client.sock.close()
    assert _gone_within(server, before, 10.0), "the session outlived its client"
    # nothing runs on: a statement left running would keep a core busy in every half second;
    # background work of its own (auto-analyze of the tables loaded before) ends, so some half
    # second within ten is quiet
    busy = []
    for _ in range(20):
        used = cpu.cpu_times()
        time.sleep(0.5)
        after = cpu.cpu_times()
        busy.append(round((after.user + after.system) - (used.user + used.system), 2))
        if busy[-1] < 0.25:
            break
    assert busy[-1] < 0.25, f"the server kept working after its client left: CPU seconds per half second {busy}"


def _summary(messages: list[tuple[str, bytes]]) -> list[str]:
    """Kinds, tags, SQLSTATEs; a run of DataRows as one entry with its count."""
    out: list[str] = []
    rows = 0
    for kind, body in messages:
        if kind == "D":
            rows += 1
            continue
        if rows:
            out.append(f"D*{rows}")
            rows = 0
        if kind == "E":
            f = error_fields(body)
            out.append(f"E:{f.get('C')}:{f.get('M')}")
        elif kind == "C":
            out.append("C:" + body.rstrip(b"\0").decode())
        elif kind == "Z":
            out.append("Z:" + body.decode())
        else:
            out.append(kind)
    return out


# (what is sent, how many ReadyForQuery end it): errors after rows, portals with row limits,
# a portal that lives on in a block, COPY TO failing after rows
ERROR_SCENARIOS: list[tuple[str, Callable[[], bytes], int]] = [
    ("simple: error after rows", lambda: query("SELECT 1 / (g - 1500) FROM generate_series(1, 2000) g"), 1),
    ("simple: error in a constant", lambda: query("SELECT 1/0"), 1),
    ("simple: many rows, the tag counts them", lambda: query("SELECT * FROM generate_series(1, 2500)"), 1),
    ("simple: the second statement fails after rows",
     lambda: query("SELECT 1; SELECT 1 / (g - 1200) FROM generate_series(1, 2000) g; SELECT 2"), 1),
    ("portal: exactly the rows left is still suspended",
     lambda: parse("SELECT * FROM generate_series(1, 6)") + bind() + execute("", 3) + execute("", 3)
     + execute("", 3) + execute("", 3) + SYNC, 1),
    ("portal: error in the second Execute",
     lambda: parse("SELECT 1 / (g - 5) FROM generate_series(1, 10) g") + bind() + execute("", 3)
     + execute("", 3) + SYNC, 1),
    ("portal: after Sync the unnamed portal is gone",
     lambda: parse("SELECT * FROM generate_series(1, 6)") + bind() + execute("", 2) + SYNC + execute("", 2)
     + SYNC, 2),
    ("block: a named portal lives across Syncs and simple queries, an error aborts the block",
     lambda: query("BEGIN") + parse("SELECT 1 / (g - 5) FROM generate_series(1, 10) g") + bind("p1")
     + execute("p1", 2) + SYNC + query("SELECT 1") + execute("p1", 1) + SYNC + execute("p1", 3) + SYNC
     + execute("p1", 3) + SYNC + query("ROLLBACK"), 7),
    ("copy to: error after rows", lambda: query("COPY (SELECT 1 / (g - 3) FROM generate_series(1, 5) g) TO STDOUT"),
     1),
]


def _scenario(host: str, port: int, user: str, database: str, build: Callable[[], bytes], syncs: int) -> list[str]:
    client = RawClient(host, port, timeout=30.0)
    try:
        client.startup({"user": user, "database": database})
        client.send(build())
        out: list[str] = []
        for _ in range(syncs):
            out += _summary(client.read_until("Z"))
        return out
    finally:
        client.close()


@pytest.fixture(scope="module")
def reference() -> Iterator[dict[str, str]]:
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        yield dict(part.split("=", 1) for part in dsn.split())


@pytest.mark.parametrize("name,build,syncs", ERROR_SCENARIOS, ids=[s[0] for s in ERROR_SCENARIOS])
def test_messages_match_postgres(server: ServerProcess, reference: dict[str, str], name: str,
                                 build: Callable[[], bytes], syncs: int) -> None:
    ours = _scenario(server.host, server.port, "orbit", "actors", build, syncs)
    theirs = _scenario(reference["host"], int(reference["port"]), reference["user"], reference["dbname"], build,
                       syncs)
    assert ours == theirs


def _values(messages: list[tuple[str, bytes]]) -> list[str]:
    """The first column of each DataRow, and the kinds of the other messages."""
    out = []
    for kind, body in messages:
        if kind == "D":
            length = int.from_bytes(body[2:6], "big")
            out.append(body[6 : 6 + length].decode())
        else:
            out.append(kind)
    return out


def _portal_across_an_update(host: str, port: int, user: str, database: str) -> list[str]:
    table = "iv_" + uuid.uuid4().hex[:8]
    client = RawClient(host, port, timeout=30.0)
    try:
        client.startup({"user": user, "database": database})
        client.send(query(f"CREATE TABLE {table} (id int PRIMARY KEY, v int)")
                    + query(f"INSERT INTO {table} SELECT g, 0 FROM generate_series(1, 8) g") + query("BEGIN")
                    + query(f"UPDATE {table} SET v = 1 WHERE id = 8"))
        for _ in range(4):
            client.read_until("Z")
        # the portal has read three rows when the same transaction changes all of them
        client.send(parse(f"SELECT v * 100 + id FROM {table} ORDER BY id") + bind("p") + execute("p", 3) + SYNC
                    + query(f"UPDATE {table} SET v = v + 1") + execute("p", 0) + SYNC
                    + query(f"SELECT v * 100 + id FROM {table} ORDER BY id") + query("COMMIT")
                    + query(f"DROP TABLE {table}"))
        out: list[str] = []
        for _ in range(6):
            out += _values(client.read_until("Z"))
        return out
    finally:
        client.close()


def test_a_portal_reads_what_its_statement_saw(server: ServerProcess, reference: dict[str, str]) -> None:
    # as PostgreSQL's portals, rows produced after later statements of the transaction (here an
    # UPDATE) are those of the portal's own start
    ours = _portal_across_an_update(server.host, server.port, "orbit", "actors")
    theirs = _portal_across_an_update(reference["host"], int(reference["port"]), reference["user"],
                                      reference["dbname"])
    assert ours == theirs
    assert ours[:14] == ["1", "2", "1", "2", "3", "s", "Z", "C", "Z", "4", "5", "6", "7", "108"]


def _clients_on_an_error_after_rows(dsn: str, psql_args: list[str]) -> dict[str, Any]:
    import psycopg2
    import psycopg2.errors

    out: dict[str, Any] = {}
    sql = "SELECT 1 / (g - 1500) FROM generate_series(1, 2000) g"
    conn = psycopg2.connect(dsn)
    try:
        cur = conn.cursor()
        try:
            cur.execute(sql)
        except psycopg2.errors.DivisionByZero as e:
            out["psycopg2"] = (e.pgcode, str(e).splitlines()[0])
        try:
            cur.execute("SELECT 1")
        except psycopg2.errors.InFailedSqlTransaction as e:
            out["then"] = e.pgcode
        conn.rollback()
        cur.execute("SELECT 2")
        out["after rollback"] = cur.fetchall()
    finally:
        conn.close()
    psql = subprocess.run(["psql", "-X", *psql_args, "-c", sql], capture_output=True, text=True, timeout=60, check=False,
                          env=dict(os.environ, PGCONNECT_TIMEOUT="10"))
    out["psql"] = (psql.returncode, psql.stdout, psql.stderr.strip())
    return out


@pytest.mark.needs_psql
def test_psycopg2_and_psql_see_an_error_after_rows_as_with_postgres(server: ServerProcess,
                                                                    reference: dict[str, str]) -> None:
    ours = _clients_on_an_error_after_rows(server.dsn, ["-h", server.host, "-p", str(server.port), "-U", "orbit",
                                                       "-d", "actors"])
    theirs = _clients_on_an_error_after_rows(
        f"host={reference['host']} port={reference['port']} user={reference['user']} dbname={reference['dbname']}",
        ["-h", reference["host"], "-p", reference["port"], "-U", reference["user"], "-d", reference["dbname"]])
    assert ours == theirs
    assert ours["psycopg2"][0] == "22012" and ours["then"] == "25P02" and ours["psql"][0] == 1


def test_idle_server_memory_returns_near_its_baseline(tmp_path: Any) -> None:
    fresh = ServerProcess(tmp_path / "data").wait_ready()
    try:
        proc = psutil.Process(fresh.proc.pid)
        conn = _psycopg2(fresh)
        conn.cursor().execute("SELECT 1")
        baseline = proc.memory_info().rss
        client = _raw(fresh)
        client.send(query("SELECT g, g::text FROM generate_series(1, 300000) g"))
        client.read_until("Z")
        client.send(parse("SELECT * FROM generate_series(1, 1e8)") + bind() + execute("", 5000) + SYNC)
        client.read_until("Z")
        client.close()
        assert _copy_to(fresh, 200_000) == 200_000
        cur = conn.cursor()
        cur.execute("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT * FROM t LIMIT 5")
        conn.close()
        time.sleep(0.5)
        idle = proc.memory_info().rss
        assert idle - baseline < 30 * MB, f"idle server kept {(idle - baseline) / MB:.0f} MB"
    finally:
        fresh.stop()
