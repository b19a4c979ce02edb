"""LIKE and ILIKE without a regular expression: the pattern is cut at its % signs into
segments (literal text with _ positions), the first segment must match at the start, the
last at the end, and each one between is found at its leftmost place after the previous one.
Taking the leftmost place never loses a match, so nothing is ever retried: the time is at most
the text's length times the segment's (str.find does the common case, a segment without _),
and a long search checks for interrupts as it goes."""

from __future__ import annotations

from collections.abc import Callable

from orbitdb.sql.errors import SqlError

CHECK_EVERY = 4096  # candidate positions between interrupt checks


def ascii_lower(s: str) -> str:
    """The C locale's lower(): ASCII letters only (orbitdb's databases use lc_ctype C)."""
    return s.lower() if s.isascii() else s.translate(_LOWER)


_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


class Segment:
    """Text between two % signs: its length and its literal pieces (offset, text); the other
    positions are _ (any one character)."""

    __slots__ = ("length", "pieces", "probe")

    def __init__(self, chars: list[str | None]) -> None:
        self.length = len(chars)
        pieces: list[tuple[int, str]] = []
        start = 0
        while start < len(chars):
            if chars[start] is None:
                start += 1
                continue
            end = start
            while end < len(chars) and chars[end] is not None:
                end += 1
            pieces.append((start, "".join(chars[start:end])))  # type: ignore[arg-type]
            start = end
        self.pieces = pieces
        # the longest piece is looked for with str.find; the others are then compared
        self.probe = max(pieces, key=lambda p: len(p[1])) if pieces else None

    def matches_at(self, s: str, pos: int) -> bool:
        if pos < 0 or pos + self.length > len(s):
            return False
        return all(s.startswith(text, pos + off) for off, text in self.pieces)

    def find(self, s: str, pos: int, check: Callable[[], None]) -> int:
        """The leftmost place at or after pos where the segment matches, or -1."""
        last = len(s) - self.length
        if pos > last:
            return -1
        probe = self.probe
        if probe is None:
            return pos
        off, text = probe
        if len(self.pieces) == 1:
            at = s.find(text, pos + off, last + off + len(text))
            return at - off if at >= 0 else -1
        tries = 0
        at = s.find(text, pos + off)
        while 0 <= at and at - off <= last:
            if self.matches_at(s, at - off):
                return at - off
            tries += 1
            if tries % CHECK_EVERY == 0:
                check()
            at = s.find(text, at + 1)
        return -1


class LikePattern:
    """A compiled LIKE pattern (ILIKE: fold=True, both sides lowered as lower() does)."""

    __slots__ = ("exact", "fold", "segments")

    def __init__(self, pattern: str, escape: str | None = "\\", fold: bool = False) -> None:
        self.fold = fold
        segments: list[list[str | None]] = [[]]
        i, n = 0, len(pattern)
        while i < n:
            ch = pattern[i]
            if escape and ch == escape:
                i += 1
                if i >= n:
                    raise SqlError("22025", "LIKE pattern must not end with escape character")
                segments[-1].append(ascii_lower(pattern[i]) if fold else pattern[i])
            elif ch == "%":
                if segments[-1] or len(segments) == 1:
                    segments.append([])
            elif ch == "_":
                segments[-1].append(None)
            else:
                segments[-1].append(ascii_lower(ch) if fold else ch)
            i += 1
        self.exact = len(segments) == 1  # no %: the text is exactly one segment long
        self.segments = [Segment(chars) for chars in segments]

    def match(self, s: str, check: Callable[[], None]) -> bool:
        if self.fold:
            s = ascii_lower(s)
        segs = self.segments
        first = segs[0]
        if self.exact:
            return first.length == len(s) and first.matches_at(s, 0)
        if not first.matches_at(s, 0):
            return False
        pos = first.length
        last = segs[-1]
        tail = len(s) - last.length
        if tail < pos or not last.matches_at(s, tail):
            return False
        for seg in segs[1:-1]:
            at = seg.find(s, pos, check)
            if at < 0 or at + seg.length > tail:
                return False
            pos = at + seg.length
        return True
