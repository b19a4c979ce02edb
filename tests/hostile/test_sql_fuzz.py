"""SQL fuzzing: statements grown from the project's corpus (sql_grammar.py), with a fixed seed,
run embedded and over the wire with a statement_timeout. No process dies, every error is a PEP 249
error / an ErrorResponse carrying a SQLSTATE, nothing hangs, memory stays bounded, and no answer
is an internal error (XX000: each is a bug; they are listed with their statements in the run's
summary). A few thousand statements by default, 50,000 per side under -m slow."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fuzz_report import REPORTS
from sql_fuzz import EmbeddedSide, SideFigures, WireSide, run_side
from sql_grammar import SqlFuzzer, load_corpus
from watch import MiB

SEED = 1_512
# generous: a statement may build a 1 GB string as PostgreSQL's may; runaway growth is what fails
PEAK_GROWTH = 1536 * MiB


@pytest.fixture(
    scope="module",
    params=[pytest.param(2_000, id="2k"), pytest.param(50_000, id="50k", marks=pytest.mark.slow)],
)
def fuzzed(request, tmp_path_factory) -> Iterator[dict[str, SideFigures]]:
    corpus = load_corpus()
    fuzzer = SqlFuzzer(corpus, SEED)
    statements = [fuzzer.statement() for _ in range(request.param)]
    root = tmp_path_factory.mktemp("sql-fuzz")
    embedded = EmbeddedSide(root / "embedded")
    wire = WireSide(root / "wire")
    results: dict[str, SideFigures] = {}

    def run(side, name: str) -> None:
        results[name] = run_side(side, name, corpus.setup, lambda: statements)

    try:
        threads = [
            threading.Thread(target=run, args=(embedded, "embedded")),
            threading.Thread(target=run, args=(wire, "wire")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        REPORTS.append(f"SQL fuzz, {request.param} statements per side, seed {SEED}:")
        for figures in results.values():
            REPORTS.append("  " + figures.summary())
            REPORTS.extend(f"    hang: {line}" for line in figures.hangs[:5])
            REPORTS.extend(f"    bug: {line}" for line in figures.bug_lines())
        yield results
    finally:
        embedded.close()
        wire.close()


@pytest.mark.parametrize("side", ["embedded", "wire"])
def test_no_crashes(fuzzed, side: str):
    figures = fuzzed[side]
    assert figures.statements > 0
    assert figures.crashes == []


@pytest.mark.parametrize("side", ["embedded", "wire"])
def test_no_hangs(fuzzed, side: str):
    assert fuzzed[side].hangs == []


@pytest.mark.parametrize("side", ["embedded", "wire"])
def test_memory_stays_bounded(fuzzed, side: str):
    figures = fuzzed[side]
    growth = figures.peak_rss - figures.baseline_rss
    assert growth <= PEAK_GROWTH, f"{side} RSS grew {growth // MiB} MiB during the fuzz"


@pytest.mark.parametrize("side", ["embedded", "wire"])
def test_no_internal_errors(fuzzed, side: str):
    figures = fuzzed[side]
    assert figures.internal_errors == [], f"{len(figures.internal_errors)} XX000 answers"


def test_most_statements_do_something(fuzzed):
    """A fuzzer whose statements all fail to parse tests only the parser."""
    for figures in fuzzed.values():
        assert figures.succeeded > figures.statements // 10, figures.summary()
