"""Differential tests: every corpus file behaves on orbitdb as on PostgreSQL 15.

One test per corpus file checks the corpus itself against PostgreSQL (statements marked
``-- error`` fail there, all others succeed); one per file compares orbitdb with PostgreSQL,
statement by statement, minus the entries of KNOWN_GAPS.md; a crash fails even where it is
listed, and so does a listed gap that now matches.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from compat_harness import SESSION_SUMMARY as SUMMARY
from compat_harness import (
    FileResult,
    KnownGaps,
    PgOutcomes,
    PgServer,
    StatementResult,
    corpus_files,
    run_file,
    validate_pg,
)

pytestmark = pytest.mark.compat

FILES = corpus_files()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_corpus_behaves_as_marked_on_postgres(path: Path, pg_outcomes: PgOutcomes) -> None:
    fr = FileResult(file=path.name)
    for stmt, pg in pg_outcomes.get(path):
        fr.results.append(
            StatementResult(stmt=stmt, pg=pg, orb=None, diffs=[], invalid=validate_pg(stmt, pg))
        )
    if fr.invalid:
        pytest.fail(fr.report().split("\norbitdb unavailable")[0], pytrace=False)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_orbitdb_matches_postgres(
    path: Path, pg_server: PgServer, pg_outcomes: PgOutcomes, known_gaps: KnownGaps
) -> None:
    fr = run_file(pg_server, path, known_gaps, pg_outcomes=pg_outcomes.get(path))
    SUMMARY.add(fr)
    if fr.orbit_unavailable:
        pytest.fail(f"orbitdb unavailable: {fr.orbit_unavailable}", pytrace=False)
    if fr.failing or fr.invalid or fr.stale_gaps:
        pytest.fail(fr.report(), pytrace=False)
