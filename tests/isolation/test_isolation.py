"""Each isolation spec on orbitdb (embedded and over the wire), compared line for line with
PostgreSQL 15's transcript of the same spec. See README.md."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from backends import Backend, EmbeddedBackend, IsolationPgServer, PostgresBackend, WireBackend
from conftest import Reference
from expected_failures import BACKENDS, ExpectedFailures
from runner import SpecRunner
from spec import load_spec, spec_paths
from transcript import Transcript, first_difference, transcript_diff

SPEC_PATHS = spec_paths()
EXPECTED = ExpectedFailures.load()


def _backend(name: str) -> Backend:
    return EmbeddedBackend() if name == "embedded" else WireBackend()


def _cases() -> list[object]:
    cases = []
    for path in SPEC_PATHS:
        for backend in BACKENDS:
            reason = EXPECTED.reason(path.stem, backend)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            if backend != "embedded":
                marks.append(pytest.mark.slow)  # CI's 25 minutes: the wire runs go with -m slow
            cases.append(pytest.param(path.stem, backend, id=f"{path.stem}-{backend}", marks=marks))
    return cases


def _report(expected: Transcript, got: Transcript, backend: str, difference: str) -> str:
    lines = [difference, "", transcript_diff(expected, got, "postgresql", f"orbitdb {backend}")]
    if got.notes:
        lines += [f"orbitdb {backend} errors:", *got.notes]
    return "\n".join(lines)


@pytest.mark.parametrize(("spec_name", "backend_name"), _cases())
def test_spec_matches_postgresql(
    spec_name: str, backend_name: str, reference: Callable[..., Reference]
) -> None:
    spec = load_spec(next(p for p in SPEC_PATHS if p.stem == spec_name))
    expected = reference(spec)
    got = SpecRunner(_backend(backend_name), spec, compared=True).run()
    difference = first_difference(expected.transcript, got)
    if difference is not None:
        pytest.fail(_report(expected.transcript, got, backend_name, difference), pytrace=False)


@pytest.mark.parametrize("spec_name", [p.stem for p in SPEC_PATHS])
def test_spec_is_sound_on_postgresql(spec_name: str, reference: Callable[..., Reference]) -> None:
    """What a spec asks is what PostgreSQL does without a hang, an invalid permutation or a
    failed setup: otherwise its transcript says nothing about orbitdb."""
    spec = load_spec(next(p for p in SPEC_PATHS if p.stem == spec_name))
    text = reference(spec).transcript.text()
    for marker in ("<hang", "<invalid permutation", "<not run", "<still waiting", "<sessions that"):
        assert marker not in text, f"{spec_name} on PostgreSQL: {marker}...\n{text}"
    # setup and teardown statements show in a transcript only when they fail
    failed = [line for line in text.splitlines() if line.split(":")[0].endswith(("setup", "teardown"))]
    assert not failed, f"{spec_name} on PostgreSQL: {failed}\n{text}"


@pytest.mark.slow
@pytest.mark.parametrize("spec_name", [p.stem for p in SPEC_PATHS])
def test_postgresql_transcript_is_stable(
    spec_name: str, reference: Callable[..., Reference], isolation_pg: IsolationPgServer
) -> None:
    """A second run on PostgreSQL gives the same transcript (a spec must not depend on timing)."""
    spec = load_spec(next(p for p in SPEC_PATHS if p.stem == spec_name))
    again = SpecRunner(PostgresBackend(isolation_pg), spec).run()
    first = reference(spec).transcript
    assert first_difference(first, again) is None, transcript_diff(first, again, "first run", "second run")


def test_expected_failures_name_real_specs() -> None:
    names = {p.stem for p in SPEC_PATHS}
    assert not EXPECTED.problems, EXPECTED.problems
    unknown = sorted({spec for spec, _ in EXPECTED.reasons} - names)
    assert not unknown, f"expected_failures.txt names specs that do not exist: {unknown}"
