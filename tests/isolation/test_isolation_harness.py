"""The harness itself: spec parsing, interleavings, the expected-failures list, transcript
comparison, and that a step that never ends is recorded as a hang instead of hanging the run."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from backends import EmbeddedBackend, IsolationPgServer, PostgresBackend
from expected_failures import ExpectedFailures
from runner import Limits, SpecRunner
from spec import SpecError, all_interleavings, parse_spec, split_sql
from transcript import Transcript, first_difference

SMALL_SPEC = """
# comment
setup { CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, '}{;'); }
teardown { DROP TABLE t; }
session s1
setup { BEGIN; }
step a { UPDATE t SET v = 'x' WHERE id = 1; }
step b { COMMIT; }
session s2
step c { SELECT $$;}$$, v FROM t -- a } in a comment
; }
"""


def test_parse_spec_reads_blocks_sessions_and_steps() -> None:
    spec = parse_spec(SMALL_SPEC, "small")
    assert spec.setup == ["CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, '}{;')"]
    assert spec.teardown == ["DROP TABLE t"]
    assert [s.name for s in spec.sessions] == ["s1", "s2"]
    assert spec.session("s1").setup == ["BEGIN"]
    assert spec.step("c").statements == ("SELECT $$;}$$, v FROM t -- a } in a comment",)
    assert spec.step("a").session == "s1"
    assert spec.permutations() == [["a", "b", "c"], ["a", "c", "b"], ["c", "a", "b"]]


def test_listed_permutations_are_used_as_given() -> None:
    spec = parse_spec(SMALL_SPEC + "permutation c a b\npermutation a c c b\n", "small")
    assert spec.permutations() == [["c", "a", "b"], ["a", "c", "c", "b"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("session s1\nstep a { SELECT 1; }\npermutation a z\n", "unknown steps: z"),
        ("session s1\nstep a { SELECT 1; }\nstep a { SELECT 2; }\n", "defined twice"),
        ("step a { SELECT 1; }\n", "belongs to a session"),
        ("session s1\nstep a { SELECT 'x; }\n", "unterminated"),
        ("session s1\nstep a { }\n", "has no SQL"),
        ("setup { SELECT 1; }\n", "no sessions"),
    ],
)
def test_bad_specs_are_refused(text: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_spec(text, "bad")


def test_too_many_interleavings_must_be_listed() -> None:
    steps = "\n".join(
        f"session s{i}\n" + "".join(f"step s{i}x{j} {{ SELECT 1; }}\n" for j in range(3)) for i in range(3)
    )
    with pytest.raises(SpecError, match="list the permutations"):
        parse_spec(steps, "big")
    parse_spec(steps + "permutation s0x0 s1x0 s2x0\n", "big")


def test_interleavings_keep_each_sessions_order() -> None:
    got = all_interleavings([["a1", "a2"], ["b1"]])
    assert got == [["a1", "a2", "b1"], ["a1", "b1", "a2"], ["b1", "a1", "a2"]]


def test_split_sql_keeps_quoted_semicolons() -> None:
    assert split_sql("SELECT ';'; SELECT \"a;b\" FROM x; /* ; */ ; -- ;\n") == [
        "SELECT ';'",
        'SELECT "a;b" FROM x',
    ]


def test_expected_failures_listing() -> None:
    listing = ExpectedFailures.parse(
        "# comment\nlost_update  reason one\nnowait/wire   reason two\nNot/a/spec!\nx/other r\n"
    )
    assert listing.reason("lost_update", "embedded") == "reason one"
    assert listing.reason("lost_update", "wire") == "reason one"
    assert listing.reason("nowait", "wire") == "reason two"
    assert listing.reason("nowait", "embedded") is None
    assert len(listing.problems) == 2


def test_first_difference_names_permutation_and_step() -> None:
    expected = Transcript(["permutation a b", "step a: X", "  UPDATE 1", "step b: Y", "  <waiting ...>"])
    got = Transcript(["permutation a b", "step a: X", "  UPDATE 1", "step b: Y", "  UPDATE 1"])
    assert first_difference(expected, expected) is None
    difference = first_difference(expected, got)
    assert difference is not None
    assert "permutation a b" in difference and "step b: Y" in difference
    assert "'<waiting ...>'" in difference and "'UPDATE 1'" in difference


HANGING_SPEC = """
session s1
step sleep { SELECT pg_sleep(60); }
session s2
step after { SELECT 2; }
permutation sleep after
permutation after
"""


def _assert_hang_recorded(runner: SpecRunner) -> None:
    started = time.monotonic()
    text = runner.run().text()
    assert "step sleep: SELECT pg_sleep(60);\n  <hang: step sleep neither finished" in text, text
    assert "permutation after\n  <not run: an earlier permutation hung>" in text, text
    assert time.monotonic() - started < 30, "a hang must not hold the run for the statement's length"


def test_a_step_that_never_ends_is_a_hang_on_postgresql(isolation_pg: IsolationPgServer) -> None:
    _assert_hang_recorded(
        SpecRunner(PostgresBackend(isolation_pg), parse_spec(HANGING_SPEC, "hang"), Limits(step=1.0))
    )


def test_a_step_that_never_ends_is_a_hang_embedded() -> None:
    _assert_hang_recorded(SpecRunner(EmbeddedBackend(), parse_spec(HANGING_SPEC, "hang"), Limits(step=1.0)))


def test_postgresql_transcripts_record_waits(reference: Callable[..., object]) -> None:
    """The probe sees PostgreSQL's lock waits: a blocked UPDATE is reported waiting, then completed."""
    spec = parse_spec(
        """
        setup { CREATE TABLE w (id int PRIMARY KEY, n int); INSERT INTO w VALUES (1, 0); }
        teardown { DROP TABLE w; }
        session s1
        setup { BEGIN; }
        step u1 { UPDATE w SET n = n + 1 WHERE id = 1; }
        step c1 { COMMIT; }
        session s2
        step u2 { UPDATE w SET n = n + 1 WHERE id = 1 RETURNING n; }
        permutation u1 u2 c1
        """,
        "probe",
    )
    got = reference(spec)
    assert got.transcript.lines[3:] == [  # type: ignore[attr-defined]
        "step u2: UPDATE w SET n = n + 1 WHERE id = 1 RETURNING n;",
        "  <waiting ...>",
        "step c1: COMMIT;",
        "  COMMIT",
        "step u2: <... completed>",
        "  UPDATE 1",
        "    2",
    ]
    assert got.waits == {(0, 1)}  # type: ignore[attr-defined]
