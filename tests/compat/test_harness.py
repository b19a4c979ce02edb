"""Unit tests of the compat harness itself (no PostgreSQL needed)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest
from compat_harness import (
    KNOWN_GAPS_PATH,
    CorpusError,
    FileResult,
    KnownGaps,
    Outcome,
    Statement,
    StatementResult,
    compare_outcomes,
    mark_internal_error,
    normalize,
    split_statements,
    statement_shape,
)

pytestmark = pytest.mark.compat


def test_split_respects_quotes_comments_and_dollar_quotes() -> None:
    text = """
-- a comment; with a semicolon
SELECT 'a;b', "c;d" FROM t; -- error 42P01
SELECT $$x;y$$, $tag$ $$ ; $tag$;
/* block; /* nested; */ still comment */ SELECT E'it\\'s;';
SELECT 1
  + 2; -- nocompare
"""
    stmts = split_statements(text, "f.sql")
    assert [s.sql for s in stmts] == [
        "SELECT 'a;b', \"c;d\" FROM t",
        "SELECT $$x;y$$, $tag$ $$ ; $tag$",
        "/* block; /* nested; */ still comment */ SELECT E'it\\'s;'",
        "SELECT 1\n  + 2",
    ]
    assert [s.number for s in stmts] == [1, 2, 3, 4]
    assert [s.line for s in stmts] == [3, 4, 5, 6]
    assert stmts[0].expect_error and stmts[0].expect_sqlstate == "42P01"
    assert not stmts[1].expect_error and not stmts[1].nocompare
    assert stmts[3].nocompare and not stmts[3].expect_error


def test_split_markers_and_errors() -> None:
    (stmt,) = split_statements("SELECT 1; -- error unordered explanation text", "f.sql")
    assert stmt.expect_error and stmt.expect_sqlstate is None and stmt.order is False
    (stmt,) = split_statements("SELECT 1; -- just a remark", "f.sql")
    assert not stmt.expect_error
    with pytest.raises(CorpusError):
        split_statements("SELECT 'open", "f.sql")
    with pytest.raises(CorpusError):
        split_statements("SELECT 1; SELECT 2;", "f.sql")
    with pytest.raises(CorpusError):
        split_statements("SELECT 1", "f.sql")


def test_order_detection() -> None:
    assert statement_shape("SELECT a FROM t ORDER BY a").ordered
    assert statement_shape("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1").ordered
    assert statement_shape("WITH x AS (SELECT 1) SELECT * FROM x ORDER BY 1").ordered
    assert not statement_shape("SELECT * FROM (SELECT a FROM t ORDER BY a) s").ordered
    assert not statement_shape("SELECT array_agg(a ORDER BY a) FROM t").ordered
    assert statement_shape("UPDATE t SET a = 1 RETURNING a").dml
    assert statement_shape("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x").dml
    assert not statement_shape("SHOW TimeZone").dml


def test_normalize_is_strict_about_types_and_scale() -> None:
    assert normalize(1) != normalize(1.0) != normalize(True)
    assert normalize(decimal.Decimal("1.50")) != normalize(decimal.Decimal("1.5"))
    assert normalize(float("nan")) == normalize(float("nan"))
    assert normalize(decimal.Decimal("NaN")) == normalize(decimal.Decimal("NaN"))
    assert normalize(memoryview(b"ab")) == normalize(b"ab")
    assert normalize(dt.datetime(2024, 1, 1)) != normalize(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    assert normalize(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)) == normalize(
        dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(0)))
    )
    u = uuid.uuid4()
    assert normalize(u) == normalize(uuid.UUID(str(u)))
    assert normalize({"b": [1, 2], "a": None}) == normalize({"a": None, "b": [1, 2]})
    assert normalize([1, None]) != normalize([1])


def _stmt(sql: str, **kw: object) -> Statement:
    return Statement(file="f.sql", number=1, line=1, sql=sql, **kw)  # type: ignore[arg-type]


def test_compare_outcomes() -> None:
    sql = "SELECT a FROM t"
    shape = statement_shape(sql)
    pg = Outcome(ok=True, columns=[("a", 23)], rows=[(1,), (2,)], rowcount=2)
    assert (
        compare_outcomes(pg, Outcome(ok=True, columns=[("a", 23)], rows=[(2,), (1,)]), _stmt(sql), shape)
        == []
    )
    ordered = "SELECT a FROM t ORDER BY a"
    assert compare_outcomes(
        pg, Outcome(ok=True, columns=[("a", 23)], rows=[(2,), (1,)]), _stmt(ordered), statement_shape(ordered)
    ) == ["rows differ"]
    assert compare_outcomes(
        pg, Outcome(ok=True, columns=[("a", 20)], rows=[(1,), (2,)]), _stmt(sql), shape
    ) == ["column types [23] vs [20]"]
    assert compare_outcomes(pg, Outcome(ok=False, sqlstate="42P01"), _stmt(sql), shape) == ["orbitdb failed"]
    err = Outcome(ok=False, sqlstate="22012")
    assert compare_outcomes(err, Outcome(ok=False, sqlstate="22012"), _stmt(sql), shape) == []
    assert compare_outcomes(err, Outcome(ok=False, sqlstate="XX000"), _stmt(sql), shape) == [
        "SQLSTATE 22012 vs XX000"
    ]
    nocompare = _stmt("EXPLAIN SELECT 1", nocompare=True)
    other = Outcome(ok=True, columns=[("x", 25)], rows=[("plan",)])
    assert compare_outcomes(pg, other, nocompare, statement_shape(nocompare.sql)) == []


def test_known_gaps_parsing(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "gaps.md"
    path.write_text(
        "# Gaps\n| statement | reason |\n|---|---|\n| `05_insert.sql:12` | ON CONFLICT WHERE |\n"
        "- 24_errors.sql:3, 24_errors.sql:4: float overflow\n",
        encoding="utf-8",
    )
    gaps = KnownGaps.load(path)
    assert gaps.reasons == {
        "05_insert.sql:12": "ON CONFLICT WHERE",
        "24_errors.sql:3": "float overflow",
        "24_errors.sql:4": "float overflow",
    }


def _result(number: int, pg: Outcome, orb: Outcome) -> StatementResult:
    stmt = Statement(file="f.sql", number=number, line=number, sql="SELECT 1")
    return StatementResult(stmt=stmt, pg=pg, orb=orb,
                           diffs=compare_outcomes(pg, orb, stmt, statement_shape(stmt.sql)), invalid=None)


def test_a_crash_fails_even_when_listed_as_a_known_gap() -> None:
    ok = Outcome(ok=True, columns=[("x", 23)], rows=[(1,)])
    internal = mark_internal_error(Outcome(ok=False, sqlstate="XX000", message='internal error in statement "x"'))
    assert internal.crashed
    died = Outcome(ok=False, crashed=True, message="orbitdb process died")
    differs = Outcome(ok=True, columns=[("x", 23)], rows=[(2,)])
    gaps = KnownGaps(reasons={f"f.sql:{n}": "listed" for n in (1, 2, 3)})
    fr = FileResult(file="f.sql", known_gaps=gaps,
                    results=[_result(1, ok, internal), _result(2, ok, died), _result(3, ok, differs)])
    assert [r.stmt.number for r in fr.failing] == [1, 2]
    assert [r.stmt.number for r in fr.gap_hits] == [3]
    assert "f.sql:1" in fr.report() and "f.sql:2" in fr.report()


def test_a_legitimate_xx000_is_not_a_crash() -> None:
    limit = Outcome(ok=False, sqlstate="XX000", message="invalid memory alloc request size 2000000000")
    assert not mark_internal_error(limit).crashed


def test_a_listed_gap_that_now_matches_is_reported_stale() -> None:
    ok = Outcome(ok=True, columns=[("x", 23)], rows=[(1,)])
    gaps = KnownGaps(reasons={"f.sql:1": "listed", "f.sql:9": "no such statement"})
    fr = FileResult(file="f.sql", known_gaps=gaps, results=[_result(1, ok, ok)])
    assert fr.stale_gaps == ["f.sql:1", "f.sql:9"]
    assert not fr.failing
    assert "now match or do not exist" in fr.report()


def test_known_gaps_list_no_crash() -> None:
    for ref, reason in KnownGaps.load(KNOWN_GAPS_PATH).reasons.items():
        lowered = reason.lower()
        assert "crash" not in lowered and "xx000" not in lowered and "internal error" not in lowered, ref
