"""Results never change with the execution mode: every corpus file runs on orbitdb with
orbitdb.batch_execution forced on and forced off (the default of fresh sessions, so that RESET
and DISCARD keep it), and each statement's outcome must be the same both ways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from compat_harness import OrbitSide, Outcome, corpus_files, load_file

from orbitdb.sql import settings as S

FILES = corpus_files()
SETTING = "orbitdb.batch_execution"


def _outcomes(path: Path, data_dir: Path, mode: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Outcome]:
    monkeypatch.setitem(S.DEFAULTS, SETTING, mode)
    side = OrbitSide(str(data_dir))
    try:
        for stmt in load_file(path):
            yield side.execute(stmt.sql)
    finally:
        side.close()


def _same(a: Outcome, b: Outcome) -> bool:
    # repr: NaN is the same NaN both ways
    return repr((a.ok, a.sqlstate, a.message, a.columns, a.rows, a.rowcount)) == repr(
        (b.ok, b.sqlstate, b.message, b.columns, b.rows, b.rowcount))


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_corpus_same_with_batch_execution_on_and_off(path: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    on = list(_outcomes(path, tmp_path / "on", "on", monkeypatch))
    off = list(_outcomes(path, tmp_path / "off", "off", monkeypatch))
    stmts = load_file(path)
    # nocompare statements (EXPLAIN: "Batch: on" is orbitdb's own line) are compared on success alone
    diffs = [f"{s.sql[:200]}\n  on:  {a.short()}\n  off: {b.short()}" for s, a, b in zip(stmts, on, off)
             if not (_same(a, b) or _volatile(s.sql) or (s.nocompare and (a.ok, a.sqlstate) == (b.ok, b.sqlstate)))]
    assert not diffs, "\n".join(diffs[:10])


def _volatile(sql: str) -> bool:
    """Statements whose results differ from run to run whatever the mode (clocks, random)."""
    low = sql.lower()
    return any(w in low for w in ("random(", "now()", "clock_timestamp", "current_timestamp", "timeofday",
                                  "gen_random_uuid", "pg_backend_pid", "statement_timestamp",
                                  "transaction_timestamp", "localtimestamp", "current_time", "txid_current",
                                  "pg_current_xact_id", "pg_stat", "inet_server_port"))
