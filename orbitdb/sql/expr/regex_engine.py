"""PostgreSQL regular expressions run by RE2 (linear in the text, the GIL released while it
matches), or, for back references and lookaround, by Python ``re`` in a child process
(orbitdb.sql.expr.regex_fallback).

Which match is found follows PostgreSQL where RE2 can say it: a greedy RE (docs 9.7.3.5)
matches the longest text at the leftmost position (RE2's leftmost-longest mode), and the
subexpressions then split that text as a Perl-style matcher would (RE2's default mode run
anchored on it). PostgreSQL gives alternatives inside a capturing group the longest choice,
Perl the first: such captures can differ.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import re2
from re2 import _re2

from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr import regex_fallback
from orbitdb.sql.expr.regex_emit import CannotEmit, to_python, to_re2
from orbitdb.sql.expr.regex_syntax import Flags, greediness, has_lazy, needs_backtracking, parse

_UNANCHORED = _re2.RE2.Anchor.UNANCHORED
_ANCHOR_BOTH = _re2.RE2.Anchor.ANCHOR_BOTH
_NONE = (-1, -1)
RE2_MAX_MEM = 64 << 20  # bytes RE2 may use for one compiled pattern (its DFA caches included)
CACHE_ENTRIES = 256
CACHE_MAX_PATTERN = 4096  # longer patterns are compiled per statement, not kept
SHORTEST_SCAN = 2048  # bytes of a non-greedy match searched for a shorter end
CHECK_EVERY = 64  # matches between interrupt checks in a global match loop

Span = tuple[int, int]


def _no_check() -> None:
    pass


class PgMatch:
    __slots__ = ("spans", "string")

    def __init__(self, string: str, spans: list[Span]) -> None:
        self.string = string
        self.spans = spans

    def span(self, k: int = 0) -> Span:
        return self.spans[k]

    def start(self, k: int = 0) -> int:
        return self.spans[k][0]

    def end(self, k: int = 0) -> int:
        return self.spans[k][1]

    def group(self, k: int = 0) -> str | None:
        a, b = self.spans[k]
        return None if a < 0 else self.string[a:b]

    def groups(self) -> tuple[str | None, ...]:
        return tuple(self.group(k) for k in range(1, len(self.spans)))


class _Text:
    """A string as RE2 sees it (UTF-8), with character <-> byte offsets converted forwards
    from a cursor, so a loop over the matches of a text stays linear in it."""

    __slots__ = ("_byte", "_char", "ascii", "data")

    def __init__(self, s: str) -> None:
        self.ascii = s.isascii()
        self.data = s.encode("ascii") if self.ascii else s.encode("utf-8", "surrogatepass")
        self._byte = 0
        self._char = 0

    def to_byte(self, char: int) -> int:
        if self.ascii:
            return char
        if char < self._char:
            self._byte = self._char = 0
        self._byte += _re2.CharLenToBytes(self.data, self._byte, char - self._char)
        self._char = char
        return self._byte

    def to_char(self, byte: int) -> int:
        if self.ascii or byte < 0:
            return byte
        if byte < self._byte:
            self._byte = self._char = 0
        self._char += _re2.BytesToCharLen(self.data, self._byte, byte)
        self._byte = byte
        return self._char

    def spans(self, raw: list[Span]) -> list[Span]:
        if self.ascii:
            return raw
        so = self.to_char(raw[0][0])
        base_b, base_c = raw[0][0], so
        out = []
        for a, b in raw:
            if a < 0:
                out.append(_NONE)
                continue
            ca = base_c + _re2.BytesToCharLen(self.data, base_b, a)
            out.append((ca, ca + _re2.BytesToCharLen(self.data, a, b)))
        return out


def _re2_program(pattern: str, longest: bool = False, capture: bool = True) -> Any:
    options = re2.Options()
    options.max_mem = RE2_MAX_MEM
    options.log_errors = False
    options.longest_match = longest
    options.never_capture = not capture
    program = _re2.RE2(pattern.encode("utf-8", "surrogatepass"), options)
    if not program.ok():
        raise CannotEmit(program.error())
    return program


class PgRegex:
    """A compiled PostgreSQL regular expression (with its flag letters)."""

    def __init__(self, pattern: str, flags: Flags) -> None:
        tree, self.groups = parse(pattern, flags)
        self.flags = flags
        greedy = greediness(tree)
        self._perl: Any = None
        self._longest: Any = None
        self._shortest = greedy is False
        self._test: Any = None
        self._python: str | None = None
        self._pyflags = 0
        try:
            if needs_backtracking(tree):
                raise CannotEmit("back references or lookaround")
            source = to_re2(tree, flags)
            self._perl = _re2_program(source)
            self._test = _re2_program(source, capture=False)
            if greedy is True and (has_lazy(tree) or _has_choice(source)):
                self._longest = _re2_program(source, longest=True, capture=False)
        except CannotEmit:
            self._perl = self._test = self._longest = None
            self._python = to_python(tree, flags)
            self._pyflags = re.ASCII | (re.IGNORECASE if flags.icase else 0)
            try:
                re.compile(self._python, self._pyflags)
            except re.error as exc:
                if "look-behind" in str(exc):
                    raise SqlError("0A000", "lookbehind constraints of variable length are not supported") from None
                raise SqlError("2201B", f"invalid regular expression: {exc}") from None
            except RecursionError:
                raise SqlError("2201B", "invalid regular expression: nested too deeply") from None

    @property
    def backtracking(self) -> bool:
        return self._python is not None

    # -- matching --

    # check: the running statement's interrupt check (cancel, timeout), called while a long match runs

    def test(self, s: str, check: Callable[[], None] = _no_check) -> bool:
        """Whether the pattern matches anywhere in s (the ~ operator)."""
        if self._test is not None:
            t = _Text(s)
            return self._test.Match(_UNANCHORED, t.data, 0, len(t.data))[0] != _NONE
        return bool(self._run_python(s, 0, False, False, check))

    def search(self, s: str, start: int = 0, check: Callable[[], None] = _no_check) -> PgMatch | None:
        for m in self.matches(s, start, glob=False, check=check):
            return m
        return None

    def fullmatch(self, s: str, check: Callable[[], None] = _no_check) -> PgMatch | None:
        if self._perl is not None:
            t = _Text(s)
            raw = self._perl.Match(_ANCHOR_BOTH, t.data, 0, len(t.data))
            return None if raw[0] == _NONE else PgMatch(s, t.spans(raw))
        found = self._run_python(s, 0, False, True, check)
        return PgMatch(s, found[0]) if found else None

    def matches(self, s: str, start: int = 0, glob: bool = True,
                check: Callable[[], None] = _no_check) -> Iterator[PgMatch]:
        """PostgreSQL's match loop (setup_regexp_matches): from start, each match, the next
        search beginning where it ended (one character on after an empty match)."""
        if self._perl is None:
            for spans in self._run_python(s, start, glob, False, check):
                yield PgMatch(s, spans)
            return
        t = _Text(s)
        data = t.data
        end = len(data)
        pos = t.to_byte(start) if start <= len(s) else end + 1
        count = 0
        while pos <= end:
            raw = self._match_at(data, pos, end)
            if raw is None:
                return
            so, eo = raw[0]
            yield PgMatch(s, t.spans(raw))
            if not glob:
                return
            count += 1
            if count % CHECK_EVERY == 0:
                check()
            if so == eo:
                if eo >= end:
                    return
                pos = eo + (1 if t.ascii else _re2.CharLenToBytes(data, eo, 1))
            else:
                pos = eo

    def _match_at(self, data: bytes, pos: int, end: int) -> list[Span] | None:
        if self._longest is not None:
            so, eo = self._longest.Match(_UNANCHORED, data, pos, end)[0]
            if so < 0:
                return None
            if not self.groups:
                return [(so, eo)]
            raw = self._perl.Match(_ANCHOR_BOTH, data, so, eo)
            return raw if raw[0] != _NONE else None
        raw = self._perl.Match(_UNANCHORED, data, pos, end)
        if raw[0] == _NONE:
            return None
        if self._shortest:
            so, eo = raw[0]
            short = self._shortest_end(data, so, eo)
            if short < eo:
                raw = self._perl.Match(_ANCHOR_BOTH, data, so, short)
        return raw

    def _shortest_end(self, data: bytes, so: int, eo: int) -> int:
        """A non-greedy RE matches the shortest text at its leftmost place: the first end
        (by character) an anchored match reaches. Matches longer than SHORTEST_SCAN bytes
        keep the leftmost-first end (the scan is quadratic in the match's length)."""
        if eo - so > SHORTEST_SCAN:
            return eo
        test = self._test
        ascii_ = data.isascii()
        e = so
        while e < eo:
            if test.Match(_ANCHOR_BOTH, data, so, e)[0] != _NONE:
                return e
            e += 1 if ascii_ else max(1, _re2.CharLenToBytes(data, e, 1))
        return eo

    def _run_python(self, s: str, start: int, glob: bool, full: bool, check: Callable[[], None]) -> list[list[Span]]:
        assert self._python is not None
        found = regex_fallback.run_python(self._python, self._pyflags, s, start, glob, full, check)
        return [[tuple(span) for span in spans] for spans in found]  # type: ignore[misc]


def _has_choice(source: str) -> bool:
    """Whether leftmost-first and leftmost-longest can differ: alternatives or repetition."""
    return any(c in source for c in "|*+?{")


_cache: OrderedDict[tuple[str, str], PgRegex] = OrderedDict()
_cache_lock = threading.Lock()


def parse_flags(letters: str, *, allow_g: bool = True, func: str = "") -> Flags:
    flags = Flags()
    for letter in letters:
        if letter == "g":
            if not allow_g:
                raise SqlError("22023", f'{func}() does not support the "global" option',
                               hint="Use the regexp_matches function instead." if func == "regexp_match" else None)
            flags.glob = True
        elif not flags.apply(letter):
            raise SqlError("22023", f'invalid regular expression option: "{letter}"')
    return flags


def compile_regex(pattern: str, letters: str = "") -> PgRegex:
    """The compiled pattern for flag letters already validated (parse_flags)."""
    key = (pattern, letters)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    compiled = PgRegex(pattern, parse_flags(letters))
    if len(pattern) <= CACHE_MAX_PATTERN:
        with _cache_lock:
            _cache[key] = compiled
            if len(_cache) > CACHE_ENTRIES:
                _cache.popitem(last=False)
    return compiled
