"""Literal normalisation and statement splitting by shape (orbitdb/sql/parse/parser.py): a statement
that differs from one seen before only in its literals is normalised and split from what was kept
for that shape, and must come out exactly as the token walk makes it, for any text around the
literals (comments, quoted identifiers, E'' strings, parameters, unterminated quotes, several
statements, ORDER BY ordinals, typed literals, negative numbers)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse import parser

NUMBERS = st.one_of(
    st.integers(0, 10**25).map(str),
    st.from_regex(r"\A[0-9]{1,4}\.[0-9]{0,3}(?:[eE][+-]?[0-9]{1,2})?\Z"),
    st.from_regex(r"\A\.[0-9]{1,3}\Z"),
)
STRINGS = st.text(alphabet="ab ;()'\\\"$-*/\n\u00e9", max_size=8).map(lambda s: "'" + s.replace("'", "''") + "'")
# pieces of SQL around the literals, some of which send the statement to the token walk
FILLER = st.sampled_from([
    " ", "  ", "\n", "SELECT ", "FROM t ", "WHERE a = ", " AND b = ", "-", " - ", "(", ")", ",", ";", "; ",
    "ORDER BY ", "GROUP BY ", " LIMIT ", " OFFSET ", "DATE ", "INTERVAL ", "varchar(", "::int", "::numeric(",
    "-- a comment\n", "/* c */", "/* unterminated", '"Quoted Id"', '"unterminated', "E'esc\\'aped'", "B'101'",
    "U&'d\\0061'", "$1", "$$dollar$$", "$tag$x$tag$", "x1", "t.", ".", "é", "caf\u00e91", "e", "E", "'", "1e",
    "ROWS BETWEEN ", " PRECEDING", "FETCH FIRST ", " ROWS ONLY", "VALUES (", "INSERT INTO t VALUES ",
    "UPDATE t SET a = ", "[", "]", "ARRAY[", "IN (", "CASE WHEN ", " THEN ", "ELSE ", " END", "0x",
])


@st.composite
def shaped(draw: Any) -> tuple[list[str], list[str], list[str]]:
    """A statement skeleton with literal holes, and two ways of filling them."""
    skeleton = draw(st.lists(FILLER, min_size=1, max_size=14))
    holes = draw(st.lists(st.sampled_from(["num", "str"]), min_size=len(skeleton), max_size=len(skeleton)))
    first = [draw(NUMBERS if kind == "num" else STRINGS) for kind in holes]
    second = [draw(NUMBERS if kind == "num" else STRINGS) for kind in holes]
    return skeleton, first, second


def _join(skeleton: list[str], literals: list[str], every: int) -> str:
    out = []
    for i, piece in enumerate(skeleton):
        out.append(piece)
        if i % every == 0:
            out.append(literals[i])
    return "".join(out)


def _walked(sql: str) -> Any:
    try:
        template, spans = parser._template_of(sql)
        found = template.apply(sql, spans)
    except SqlError as exc:  # a number out of numeric's range
        return (exc.sqlstate, exc.message)
    return None if found is None else (found.text, found.values)


def _normalised(sql: str) -> Any:
    try:
        found = parser.normalize_literals(sql)
    except SqlError as exc:
        return (exc.sqlstate, exc.message)
    return None if found is None else (found.text, found.values)


def _split(sql: str) -> Any:
    try:
        return [(s.text, s.kind, s.offset, s.notices) for s in parser.split_statements(sql)]
    except SqlError as exc:
        return (exc.sqlstate, exc.message)


def _split_walked(sql: str) -> Any:
    try:
        return [(s.text, s.kind, s.offset, s.notices) for s in parser._split(sql)]
    except SqlError as exc:
        return (exc.sqlstate, exc.message)


@settings(max_examples=600, deadline=None)
@given(shaped(), st.integers(1, 3))
def test_a_shape_seen_before_gives_what_the_token_walk_gives(case: Any, every: int) -> None:
    skeleton, first, second = case
    seen, new = _join(skeleton, first, every), _join(skeleton, second, every)
    for sql in (seen, new, seen):
        assert _normalised(sql) == _walked(sql), sql
        assert _split(sql) == _split_walked(sql), sql


def test_pgbench_select_is_normalised_by_its_shape() -> None:
    sql = "SELECT abalance FROM pgbench_accounts WHERE aid = {};"
    for aid in (1, 77, 100000, 5):
        statements = parser.split_statements(sql.format(aid))
        assert [(s.text, s.kind, s.offset) for s in statements] == [(sql.format(aid)[:-1], "SELECT", 0)]
        found = parser.normalize_literals(statements[0].text)
        assert found is not None
        assert (found.text, found.values) == ("SELECT abalance FROM pgbench_accounts WHERE aid = $1", [aid])
    shape = parser._scan_shape(sql.format(9))
    assert shape is not None and shape[0] in parser._SINGLES._entries


def test_equal_numbers_share_a_parameter_whatever_the_shape_first_had() -> None:
    first = parser.normalize_literals("SELECT a + 1 FROM t GROUP BY a + 2")
    second = parser.normalize_literals("SELECT a + 3 FROM t GROUP BY a + 3")
    assert first is not None and second is not None
    assert (first.text, first.values) == ("SELECT a + $1 FROM t GROUP BY a + $2", [1, 2])
    assert (second.text, second.values) == ("SELECT a + $1 FROM t GROUP BY a + $1", [3])


def test_ordinals_stay_before_any_clause_and_numbers_in_expressions_become_parameters() -> None:
    # GROUP BY 1 ORDER BY 2 once became GROUP BY $1: every row in one group
    cases = {
        "SELECT a, count(*) FROM t GROUP BY 1 ORDER BY 2": None,
        "SELECT a, count(*) FROM t GROUP BY 1 HAVING count(*) > 1": (
            "SELECT a, count(*) FROM t GROUP BY 1 HAVING count(*) > $1", [1]),
        "SELECT a, b FROM t GROUP BY 1, 2 WINDOW w AS (ORDER BY 1)": None,
        "SELECT a FROM t ORDER BY 1 DESC NULLS LAST LIMIT 5": ("SELECT a FROM t ORDER BY 1 DESC NULLS LAST LIMIT $1",
                                                              [5]),
        "SELECT a FROM t ORDER BY 1 + a, 2": ("SELECT a FROM t ORDER BY $1 + a, 2", [1]),
        "SELECT a FROM t GROUP BY 1 IS NULL": ("SELECT a FROM t GROUP BY $1 IS NULL", [1]),
        "SELECT a FROM t GROUP BY (1), 1 ORDER BY (-2) LIMIT 3": (
            "SELECT a FROM t GROUP BY (1), 1 ORDER BY (-2) LIMIT $1", [3]),
    }
    for sql, expected in cases.items():
        for _ in range(2):  # the token walk, then the shape kept from it
            found = parser.normalize_literals(sql)
            assert (None if found is None else (found.text, found.values)) == expected, sql
