"""What a permutation produced, as normalised text lines that two backends can be compared on."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

NULL_TEXT = "<NULL>"


@dataclass(frozen=True)
class Outcome:
    """One statement's result: a command status and rows (as text), or an error's SQLSTATE.

    The error message is kept for people to read; only the SQLSTATE is compared."""

    status: str | None = None
    rows: tuple[tuple[str | None, ...], ...] | None = None
    sqlstate: str | None = None
    message: str = ""

    def lines(self) -> list[str]:
        if self.sqlstate is not None:
            return [f"  ERROR {self.sqlstate}"]
        out = [f"  {self.status}"]
        for row in self.rows or ():
            out.append("    " + "|".join(NULL_TEXT if v is None else v for v in row))
        return out


@dataclass
class Transcript:
    """Lines compared between backends, and notes (error messages, timings of hangs) that are not."""

    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)

    def add_outcomes(self, label: str, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            self.lines.extend(outcome.lines())
            if outcome.sqlstate is not None:
                self.notes.append(f"{label}: ERROR {outcome.sqlstate}: {outcome.message.strip()}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def permutation_blocks(self) -> list[list[str]]:
        """The lines cut at each permutation header."""
        blocks: list[list[str]] = []
        for line in self.lines:
            if line.startswith("permutation ") or not blocks:
                blocks.append([])
            blocks[-1].append(line)
        return blocks


def transcript_diff(expected: Transcript, actual: Transcript, expected_name: str, actual_name: str) -> str:
    return "".join(
        difflib.unified_diff(
            [line + "\n" for line in expected.lines],
            [line + "\n" for line in actual.lines],
            expected_name,
            actual_name,
            n=4,
        )
    )


def first_difference(expected: Transcript, actual: Transcript) -> str | None:
    """Where the transcripts first differ: the permutation, the step, and both sides' lines (a
    differing step header comes with the outcome line under it), or None when they agree."""
    permutation = ""
    step = ""
    for i in range(max(len(expected.lines), len(actual.lines))):
        want = _line(expected, i)
        got = _line(actual, i)
        if want == got:
            if want.startswith("permutation "):
                permutation = want
            elif not want.startswith(" "):
                step = want
            continue
        if not want.startswith(" ") or not got.startswith(" "):
            want = f"{want} / {_line(expected, i + 1).strip()}"
            got = f"{got} / {_line(actual, i + 1).strip()}"
        where = f"{permutation} | after {step}" if step else permutation
        return f"{where}: PostgreSQL {want.strip()!r}, orbitdb {got.strip()!r}"
    return None


def _line(transcript: Transcript, i: int) -> str:
    return transcript.lines[i] if i < len(transcript.lines) else "<end>"
