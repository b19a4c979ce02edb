"""Results and inputs larger than memory should be: streamed to the client as they are produced,
pulled on demand (LIMIT, a portal with a row limit and a client that goes away stop the work
below them), spilled or refused with 53200 beyond work_mem, and read in bounded chunks."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psutil
import pytest
from pgproto import bind, close, execute, parse
from watch import MiB, Watch
from wire_client import Client

SYNC = b"S\x00\x00\x00\x04"
OUT_OF_MEMORY = "53200"
STOP_GRACE = 3.0  # seconds an interrupted statement may take to end (generous: the machine is shared)
PEAK_GROWTH = 128 * MiB  # engine buffers are 16 MiB here, work_mem 4 MB: well above what they allow
ENDLESS = "WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT * FROM t"


@pytest.mark.parametrize(
    "upper, rows",
    [("2e6", 2_000_000), pytest.param("1e7", 10_000_000, marks=pytest.mark.slow)],
)
def test_millions_of_rows_stream(server, watch: Watch, upper: str, rows: int):
    client = Client(server.host, server.port)
    watch.start()
    out = client.run(f"SELECT * FROM generate_series(1, {upper})", deadline=rows / 20_000)
    assert out.error is None, out.error
    assert out.rows == rows
    assert out.first_rows[:3] == [("1",), ("2",), ("3",)]
    watch.check(peak_growth=PEAK_GROWTH)


def test_hundred_million_rows_stream_and_cancel(server, watch: Watch):
    """The first rows arrive while the rest are still being produced; a cancel then stops it."""
    client = Client(server.host, server.port)
    watch.start()
    cancelled = []

    def cancel_after_many(rows: int) -> None:
        if rows == 100_000 and not cancelled:
            cancelled.append(time.monotonic())
            client.cancel()
            client.extend_deadline(STOP_GRACE)

    out = client.run("SELECT * FROM generate_series(1, 1e8)", deadline=60, on_row=cancel_after_many)
    assert cancelled, f"the statement ended after {out.rows} rows: {out.error}"
    assert out.sqlstate == "57014", out.error
    watch.check(peak_growth=PEAK_GROWTH)


@pytest.mark.parametrize(
    "side, top",
    [(1000, ("883", "1000")), pytest.param(2000, ("1723", "2000"), marks=pytest.mark.slow)],
)
def test_order_by_limit_over_a_cross_join_keeps_only_the_top(server, watch: Watch, side: int, top: tuple):
    """Millions of joined rows, one kept: a top-N sort needs one row of memory. (The answers are
    PostgreSQL 15's.)"""
    client = Client(server.host, server.port)
    watch.start()
    out = client.run(
        f"SELECT a.x, b.x FROM generate_series(1, {side}) a(x), generate_series(1, {side}) b(x) "
        "ORDER BY a.x * 7919 % 2003, b.x DESC LIMIT 1",
        deadline=side * side / 50_000,
    )
    assert out.error is None, out.error
    assert out.first_rows == [top]
    watch.check(peak_growth=PEAK_GROWTH)


def test_endless_recursive_cte_is_stopped_by_statement_timeout(server, watch: Watch):
    client = Client(server.host, server.port)
    assert client.run("SET statement_timeout = '3s'").error is None
    watch.start()
    out = client.run(ENDLESS, deadline=3 + STOP_GRACE)
    assert out.sqlstate == "57014", out.error
    watch.check(peak_growth=PEAK_GROWTH)


def test_recursive_cte_with_limit_stops_after_its_rows(server, watch: Watch):
    client = Client(server.host, server.port)
    watch.start()
    out = client.run(ENDLESS + " LIMIT 10", deadline=5)
    assert out.error is None, out.error
    assert out.first_rows == [(str(n),) for n in range(1, 11)]
    watch.check(peak_growth=32 * MiB)


def test_portal_with_a_row_limit_pulls_only_what_is_asked(server, watch: Watch):
    """Execute with max_rows 10 on an endless query: ten rows and PortalSuspended, then the
    portal closes; nothing runs on below it."""
    client = Client(server.host, server.port)
    watch.start()
    client.extend_deadline(5)
    client.send(parse(ENDLESS) + bind() + execute("", 10) + close("P") + SYNC)
    kinds = []
    while not kinds or kinds[-1] != "Z":
        kinds.append(client.read_message()[0])
    assert "".join(kinds) == "12" + "D" * 10 + "s3Z"
    watch.check(peak_growth=32 * MiB)


def _busy_seconds(pid: int, over: float) -> float:
    process = psutil.Process(pid)
    before = process.cpu_times()
    time.sleep(over)
    after = process.cpu_times()
    return (after.user - before.user) + (after.system - before.system)


def test_client_that_disconnects_stops_its_statement(server, watch: Watch):
    client = Client(server.host, server.port)
    watch.start()
    client.send(
        parse(ENDLESS.replace("SELECT * FROM t", "SELECT count(*) FROM t")) + bind() + execute() + SYNC
    )
    time.sleep(1.0)
    client.sock.close()  # the client is killed: no Terminate
    time.sleep(STOP_GRACE)
    watch.finish()  # the canary is quiet now: the server has nothing to do
    busy = _busy_seconds(server.proc.pid, 2.0)
    assert busy < 0.5, f"the server kept working after its client left: {busy:.2f}s of CPU in 2s"
    watch.check(peak_growth=PEAK_GROWTH)


def _copy_lines(total: int, chunk: int = 1 << 16) -> Iterator[bytes]:
    """Lines `n<TAB>payload` in chunks, `total` bytes in all."""
    line_no = 0
    sent = 0
    payload = "p" * 90
    while sent < total:
        lines = []
        size = 0
        while size < chunk:
            line_no += 1
            line = f"{line_no}\t{payload}\n"
            lines.append(line)
            size += len(line)
        data = "".join(lines).encode()
        sent += len(data)
        yield data


def test_fifty_megabyte_copy_from_is_read_in_chunks(server, watch: Watch):
    client = Client(server.host, server.port)
    assert client.run("CREATE TABLE copied (id int, payload text)").error is None
    watch.start()
    out = client.run("COPY copied FROM STDIN", copy_data=_copy_lines(50 << 20), deadline=300)
    assert out.error is None, out.error
    copied = int(out.tags[0].split()[1])
    assert copied > 500_000
    assert client.run("SELECT count(*), max(id) FROM copied", deadline=120).first_rows == [
        (str(copied), str(copied))
    ]
    watch.check(peak_growth=PEAK_GROWTH)


def test_copy_to_streams_many_rows(server, watch: Watch):
    client = Client(server.host, server.port)
    watch.start()
    out = client.run(
        "COPY (SELECT g, repeat('x', 100) FROM generate_series(1, 2000000) g) TO STDOUT", deadline=300
    )
    assert out.error is None, out.error
    assert out.tags == ["COPY 2000000"]
    assert out.copy_out_bytes == sum(len(f"{g}\t") for g in range(1, 2_000_001)) + 2_000_000 * 101
    watch.check(peak_growth=PEAK_GROWTH)


@pytest.mark.parametrize(
    "sql, answer",
    [
        pytest.param(
            "SELECT g FROM generate_series(1, 1000000) g ORDER BY g::text DESC",
            ("999999",),
            id="sort",
        ),
        pytest.param(
            "SELECT count(*) FROM (SELECT g % 750000, count(*) FROM generate_series(1, 1000000) g GROUP BY 1) s",
            ("750000",),
            id="hash-aggregate",
        ),
        pytest.param(
            "SELECT count(*) FROM generate_series(1, 1000000) a(x) JOIN generate_series(1, 1000000) b(x) USING (x)",
            ("1000000",),
            marks=pytest.mark.slow,
            id="hash-join",
        ),
        pytest.param(
            "SELECT count(*) FROM (SELECT DISTINCT repeat('k', 40) || g FROM generate_series(1, 1000000) g) s",
            ("1000000",),
            marks=pytest.mark.slow,
            id="distinct",
        ),
    ],
)
def test_work_beyond_work_mem_spills_or_is_refused(server, watch: Watch, sql: str, answer: tuple[str]):
    client = Client(server.host, server.port)
    watch.start()
    out = client.run(sql, deadline=120)
    if out.error is None:
        assert out.first_rows[0] == answer
    else:
        assert out.sqlstate == OUT_OF_MEMORY, out.error
    watch.check(peak_growth=PEAK_GROWTH)
