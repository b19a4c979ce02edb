"""The pattern matchers: LIKE's linear segment matcher against a plain dynamic-programming
reference on random patterns, escapes and strings; the RE2-run PostgreSQL regular expressions
against Python's re on patterns both read alike; and the bounded cases (patterns that backtrack
exponentially in a backtracking engine end at once, or within the fallback's budget)."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr import regex_fallback
from orbitdb.sql.expr.likematch import LikePattern, ascii_lower
from orbitdb.sql.expr.regex_engine import compile_regex


def _never() -> None:
    pass


# ---- LIKE ----------------------------------------------------------------------------------

def reference_like(text: str, pattern: str, escape: str | None, fold: bool) -> bool:
    """LIKE by dynamic programming over (text position, pattern token): obviously right, slow."""
    tokens: list[tuple[str, str]] = []  # ("lit", ch) | ("one", "") | ("any", "")
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape:
            i += 1
            if i >= len(pattern):
                raise SqlError("22025", "LIKE pattern must not end with escape character")
            tokens.append(("lit", pattern[i]))
        elif ch == "%":
            tokens.append(("any", ""))
        elif ch == "_":
            tokens.append(("one", ""))
        else:
            tokens.append(("lit", ch))
        i += 1
    if fold:
        text = ascii_lower(text)
        tokens = [(k, ascii_lower(c)) for k, c in tokens]
    n = len(text)
    reach = [False] * (n + 1)  # text prefixes the tokens so far can match
    reach[0] = True
    for kind, ch in tokens:
        nxt = [False] * (n + 1)
        for j in range(n + 1):
            if kind == "any":
                nxt[j] = reach[j] or (j > 0 and nxt[j - 1])
            elif j > 0 and reach[j - 1] and (kind == "one" or text[j - 1] == ch):
                nxt[j] = True
        reach = nxt
    return reach[n]


LIKE_ALPHABET = "ab%_\\#A"
TEXT_ALPHABET = "abAB%_\\#"


@settings(max_examples=1000, deadline=None)
@given(
    pattern=st.text(LIKE_ALPHABET, max_size=12),
    text=st.text(TEXT_ALPHABET, max_size=14),
    escape=st.sampled_from(["\\", "#", "a", None]),
    fold=st.booleans(),
)
def test_like_matches_the_reference(pattern: str, text: str, escape: str | None, fold: bool) -> None:
    try:
        expected = reference_like(text, pattern, escape, fold)
    except SqlError as exc:
        with pytest.raises(SqlError) as raised:
            LikePattern(pattern, escape, fold)
        assert raised.value.sqlstate == exc.sqlstate == "22025"
        return
    assert LikePattern(pattern, escape, fold).match(text, _never) is expected


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.text("ab_", min_size=1, max_size=4), min_size=1, max_size=6),
       text=st.text("ab", max_size=300))
def test_like_with_many_segments_matches_the_reference(pieces: list[str], text: str) -> None:
    pattern = "%" + "%".join(pieces) + "%"
    assert LikePattern(pattern).match(text, _never) is reference_like(text, pattern, "\\", False)


def test_like_pathological_patterns_are_linear() -> None:
    started = time.monotonic()
    text = "a" * 200_000
    assert LikePattern("%a%a%a%a%a%b").match(text, _never) is False
    assert LikePattern("%a_a_a_a_a_%b%").match(text, _never) is False
    assert LikePattern("%" + "a_" * 50 + "b%").match("ab" * 50_000, _never) is False
    assert LikePattern("%" + "a_" * 50 + "%").match("ab" * 50_000, _never) is True
    assert time.monotonic() - started < 20  # a backtracking matcher takes hours here


def test_like_search_checks_for_interrupts() -> None:
    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) > 3:
            raise SqlError("57014", "canceling statement due to user request")

    with pytest.raises(SqlError) as raised:
        LikePattern("%a_a_a_c%").match("ab" * 1_000_000, check)
    assert raised.value.sqlstate == "57014"


def test_ilike_folds_ascii_only() -> None:
    assert LikePattern("àb", None, True).match("ÀB", _never) is False  # the C locale's lower()
    assert LikePattern("a_c", None, True).match("ABC", _never) is True


# ---- regular expressions -------------------------------------------------------------------

def _atoms() -> st.SearchStrategy[str]:
    return st.sampled_from(["a", "b", "c", ".", "[ab]", "[^a]", "[a-c]", "\\d", "\\w", "\\s", "x", "(?:ab)", "(a)"])


@st.composite
def patterns(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 2 and draw(st.booleans()) and draw(st.booleans()):
            # a group is not repeated: nested repetition makes the reference (Python's re)
            # backtrack for minutes on some texts
            parts.append("(" + draw(patterns(depth + 1)) + ")" + draw(st.sampled_from(["", "?"])))
            continue
        atom = draw(_atoms())
        parts.append(atom + draw(st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,3}", "*?", "+?"])))
    body = "".join(parts)
    if draw(st.integers(0, 5)) == 0:
        body += "|" + draw(patterns(depth + 1))
    return body


def python_equivalent(pattern: str) -> re.Pattern[str]:
    # the generated syntax means the same in Python; PostgreSQL's C locale: ASCII classes,
    # and '.' matches a newline unless the 'n' flag is given
    return re.compile(pattern, re.ASCII | re.DOTALL)


@settings(max_examples=1500, deadline=None)
@given(pattern=patterns(), text=st.text("abcx 1\n", max_size=12))
def test_regex_finds_what_python_finds(pattern: str, text: str) -> None:
    rx = compile_regex(pattern)
    py = python_equivalent(pattern)
    assert rx.test(text) is (py.search(text) is not None)
    full = rx.fullmatch(text)
    assert (full is not None) is (py.fullmatch(text) is not None)
    m = rx.search(text)
    pm = py.search(text)
    assert (m is None) is (pm is None)
    if m is not None and pm is not None:
        assert m.start() == pm.start()  # the leftmost match starts at the same place in every engine


@settings(max_examples=300, deadline=None)
@given(pattern=patterns(), text=st.text("abcx", max_size=10))
def test_backreference_patterns_agree_with_python(pattern: str, text: str) -> None:
    """Back references run in the fallback (Python re in a child process)."""
    if "(a)" not in pattern:
        pattern = "(a)" + pattern
    pattern += "\\1"
    rx = compile_regex(pattern)
    assert rx.backtracking
    assert rx.test(text) is (python_equivalent(pattern).search(text) is not None)


@pytest.mark.parametrize("pattern", ["(a+)+b", "(a|aa)+b", "(a*)*b", "((a+)+)+c", "(.*a){20}b"])
def test_catastrophic_patterns_run_in_linear_time(pattern: str) -> None:
    started = time.monotonic()
    rx = compile_regex(pattern)
    assert not rx.backtracking
    assert rx.test("a" * 100_000) is False
    assert rx.search("a" * 100_000) is None
    assert time.monotonic() - started < 20  # Python's re takes longer than the universe here


def test_backtracking_fallback_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regex_fallback, "FALLBACK_BUDGET", 1.0)
    rx = compile_regex("(a*)*\\1b")
    started = time.monotonic()
    with pytest.raises(SqlError) as raised:
        rx.test("a" * 40)
    assert raised.value.sqlstate == "54000"
    assert time.monotonic() - started < 15
    assert rx.test("aab") is True  # a fresh worker answers afterwards


def test_backtracking_fallback_is_interruptible() -> None:
    rx = compile_regex("(a*)*\\1b")
    calls = []

    def cancel_soon() -> None:
        calls.append(1)
        if len(calls) > 5:
            raise SqlError("57014", "canceling statement due to user request")

    started = time.monotonic()
    with pytest.raises(SqlError) as raised:
        regex_fallback.run_python(rx._python or "", rx._pyflags, "a" * 40, 0, False, False, cancel_soon)
    assert raised.value.sqlstate == "57014"
    assert time.monotonic() - started < 5


def test_global_match_loop_stays_linear_on_non_ascii_text() -> None:
    rx = compile_regex("é")
    text = "é" * 200_000
    started = time.monotonic()
    assert sum(1 for _ in rx.matches(text, 0, True)) == 200_000
    assert time.monotonic() - started < 20  # quadratic offset conversion would take minutes


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("*", "quantifier operand invalid"),
        ("a{256}", "invalid repetition count(s)"),
        ("(", "parentheses () not balanced"),
        ("[a", "brackets [] not balanced"),
        ("\\q", "invalid escape \\ sequence"),
        ("(a)\\2", "invalid backreference number"),
        ("[[:nope:]]", "invalid character class"),
        ("(?z)a", "invalid embedded option"),
    ],
)
def test_invalid_patterns_say_what_postgresql_says(pattern: str, reason: str) -> None:
    with pytest.raises(SqlError) as raised:
        compile_regex(pattern)
    assert raised.value.sqlstate == "2201B"
    assert raised.value.message == f"invalid regular expression: {reason}"
