"""Protocol fuzzing: random and mutated frontend messages (protocol_model.py) against a real
server, with a fixed seed. Every case must end within its deadline (answered, or the connection
closed), the server process must survive every batch, its memory must stay bounded, and no
answer may be an internal error (XX000). 10,000 cases by default, 1,000,000 under -m slow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from capped_server import start_capped, stop_hard
from fuzz_report import REPORTS
from protocol_fuzz import FuzzFigures, run_fuzz
from protocol_model import make_cases
from watch import MiB, check_alive
from wire_client import Client

SEED = 20_240_612
PEAK_GROWTH = 256 * MiB


@pytest.fixture(
    scope="module",
    params=[pytest.param(10_000, id="10k"), pytest.param(1_000_000, id="1M", marks=pytest.mark.slow)],
)
def fuzzed(request, tmp_path_factory) -> Iterator[tuple[int, FuzzFigures, object]]:
    server = start_capped(tmp_path_factory.mktemp("protocol-fuzz") / "data")
    try:
        setup = Client(server.host, server.port)
        values = ", ".join(f"({n}, 'row {n}')" for n in range(20))
        out = setup.run(f"CREATE TABLE fuzz_rows (n int, t text); INSERT INTO fuzz_rows VALUES {values}")
        assert out.error is None, out.error
        setup.close()
        figures = run_fuzz(server, make_cases(SEED, request.param))
        REPORTS.append(figures.summary(f"protocol fuzz, {request.param} cases, seed {SEED}"))
        REPORTS.extend(f"  XX000: {line}" for line in figures.internal_errors[:10])
        REPORTS.extend(f"  hang: {line}" for line in figures.hangs[:10])
        yield request.param, figures, server
    finally:
        stop_hard(server)


def test_server_never_crashes(fuzzed):
    _, figures, server = fuzzed
    assert figures.died_after is None, (
        f"the server died after {figures.died_after} cases:\n{server.log()[-3000:]}"
    )
    check_alive(server)
    client = Client(server.host, server.port)
    assert client.run("SELECT count(*) >= 0 FROM fuzz_rows").first_rows == [("t",)]  # not dropped
    client.close()


def test_every_case_ends_within_its_deadline(fuzzed):
    _, figures, _ = fuzzed
    assert figures.hangs == []


def test_memory_stays_bounded(fuzzed):
    _, figures, _ = fuzzed
    growth = figures.peak_rss - figures.baseline_rss
    assert growth <= PEAK_GROWTH, f"RSS grew {growth // MiB} MiB during the fuzz"


def test_no_internal_errors(fuzzed):
    _, figures, _ = fuzzed
    assert figures.internal_errors == []


def test_every_case_ran_and_most_were_answered(fuzzed):
    """A fuzzer whose cases all end in a closed connection tests only the framing."""
    count, figures, _ = fuzzed
    assert figures.cases == count
    assert figures.answered > count // 3
