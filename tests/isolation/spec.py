"""Isolation spec files: parsing and the permutations a spec asks for.

The format (documented in README.md)::

    # a comment line
    setup    { CREATE TABLE t (id int PRIMARY KEY, n int); INSERT INTO t VALUES (1, 0); }
    teardown { DROP TABLE t; }
    check    { SELECT id, n FROM t ORDER BY id; }

    session s1
    setup    { BEGIN; }
    step s1u { UPDATE t SET n = n + 1 WHERE id = 1; }
    step s1c { COMMIT; }
    teardown { ROLLBACK; }

    session s2
    ...

    permutation s1u s2u s1c s2c

A block's SQL ends at the closing brace that matches its opening one; braces inside quoted
strings, dollar quotes and comments do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SPECS_DIR = Path(__file__).resolve().parent / "specs"
# Interleavings grow fast (3 sessions of 3 steps: 1680); past this a spec must list its permutations.
MAX_GENERATED_PERMUTATIONS = 64

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


class SpecError(ValueError):
    """A spec file that cannot be read."""


@dataclass(frozen=True)
class Step:
    name: str
    session: str
    sql: str
    statements: tuple[str, ...]

    @property
    def one_line(self) -> str:
        """The step's SQL on one line, for transcripts."""
        return " ".join(self.sql.split())


@dataclass
class Session:
    name: str
    setup: list[str] = field(default_factory=list)
    teardown: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


@dataclass
class Spec:
    name: str
    setup: list[str] = field(default_factory=list)
    teardown: list[str] = field(default_factory=list)
    check: list[str] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    listed_permutations: list[list[str]] = field(default_factory=list)

    def step(self, name: str) -> Step:
        for session in self.sessions:
            for step in session.steps:
                if step.name == name:
                    return step
        raise KeyError(name)

    def session(self, name: str) -> Session:
        for session in self.sessions:
            if session.name == name:
                return session
        raise KeyError(name)

    def permutations(self) -> list[list[str]]:
        """The listed permutations, or else every interleaving that keeps each session's order."""
        if self.listed_permutations:
            return [list(p) for p in self.listed_permutations]
        return all_interleavings([[s.name for s in session.steps] for session in self.sessions])


def all_interleavings(sequences: list[list[str]]) -> list[list[str]]:
    """Every merge of the sequences that keeps each one's order, the first session's steps first."""
    out: list[list[str]] = []

    def extend(prefix: list[str], positions: list[int]) -> None:
        if len(out) > MAX_GENERATED_PERMUTATIONS:
            return
        done = True
        for i, seq in enumerate(sequences):
            if positions[i] < len(seq):
                done = False
                positions[i] += 1
                extend([*prefix, seq[positions[i] - 1]], positions)
                positions[i] -= 1
        if done:
            out.append(prefix)

    extend([], [0] * len(sequences))
    if len(out) > MAX_GENERATED_PERMUTATIONS:
        raise SpecError(f"more than {MAX_GENERATED_PERMUTATIONS} interleavings: list the permutations to run")
    return out


class _Reader:
    """Tokens of a spec: names and brace blocks, with line numbers for errors."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.pos = 0

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def error(self, message: str) -> SpecError:
        return SpecError(f"{self.file}:{self.line}: {message}")

    def skip_blank(self) -> None:
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c.isspace():
                self.pos += 1
            elif c == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def at_end(self) -> bool:
        self.skip_blank()
        return self.pos >= len(self.text)

    def peek_name(self) -> str | None:
        self.skip_blank()
        m = _NAME.match(self.text, self.pos)
        return m.group(0) if m else None

    def name(self, what: str) -> str:
        self.skip_blank()
        m = _NAME.match(self.text, self.pos)
        if not m:
            raise self.error(f"expected {what}")
        self.pos = m.end()
        return m.group(0)

    def block(self) -> str:
        self.skip_blank()
        if not self.text.startswith("{", self.pos):
            raise self.error("expected '{'")
        start = self.pos + 1
        depth = 1
        try:
            for i, c in sql_code(self.text, start):
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        self.pos = i + 1
                        return self.text[start:i].strip()
        except SpecError as exc:
            raise self.error(str(exc)) from None
        raise self.error("unterminated '{' block")


def sql_code(text: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """(index, character) of the SQL text outside quoted strings, quoted names, dollar quotes
    and comments."""
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            # '' inside a literal ends one scan and starts the next: the pair is skipped either way
            end = text.find(c, i + 1)
            if end < 0:
                raise SpecError(f"unterminated {c} quote")
            i = end + 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise SpecError("unterminated /* comment")
            i = end + 2
        elif (
            c == "$"
            and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"))
            and (m := _DOLLAR_TAG.match(text, i))
        ):
            end = text.find(m.group(0), m.end())
            if end < 0:
                raise SpecError("unterminated dollar quote")
            i = end + len(m.group(0))
        else:
            yield i, c
            i += 1


def split_sql(sql: str) -> list[str]:
    """The statements of a block, cut at the semicolons outside quotes and comments."""
    statements: list[str] = []
    start = 0
    for i, c in sql_code(sql):
        if c == ";":
            statements.append(sql[start:i])
            start = i + 1
    statements.append(sql[start:])
    return [s.strip() for s in statements if _has_code(s)]


def _has_code(sql: str) -> bool:
    return any(not c.isspace() for _, c in sql_code(sql))


def _statements(sql: str, where: str) -> list[str]:
    try:
        return split_sql(sql)
    except SpecError as exc:
        raise SpecError(f"{where}: {exc}") from None


def parse_spec(text: str, name: str) -> Spec:
    reader = _Reader(text, name)
    spec = Spec(name=name)
    session: Session | None = None
    step_names: set[str] = set()
    while not reader.at_end():
        keyword = reader.name("a keyword (setup, teardown, check, session, step, permutation)")
        if keyword == "setup":
            statements = _statements(reader.block(), name)
            (session.setup if session else spec.setup).extend(statements)
        elif keyword == "teardown":
            statements = _statements(reader.block(), name)
            (session.teardown if session else spec.teardown).extend(statements)
        elif keyword == "check" and session is None:
            spec.check.extend(_statements(reader.block(), name))
        elif keyword == "session":
            if spec.listed_permutations:
                raise reader.error("sessions come before permutations")
            session = Session(reader.name("a session name"))
            if any(s.name == session.name for s in spec.sessions):
                raise reader.error(f"session {session.name} is defined twice")
            spec.sessions.append(session)
        elif keyword == "step":
            if session is None:
                raise reader.error("a step belongs to a session")
            step_name = reader.name("a step name")
            if step_name in step_names:
                raise reader.error(f"step {step_name} is defined twice")
            step_names.add(step_name)
            sql = reader.block()
            statements = _statements(sql, name)
            if not statements:
                raise reader.error(f"step {step_name} has no SQL")
            session.steps.append(Step(step_name, session.name, sql, tuple(statements)))
        elif keyword == "permutation":
            session = None
            names: list[str] = []
            while (word := reader.peek_name()) is not None and word != "permutation":
                names.append(reader.name("a step name"))
            if not names:
                raise reader.error("an empty permutation")
            unknown = [n for n in names if n not in step_names]
            if unknown:
                raise reader.error(f"permutation names unknown steps: {', '.join(unknown)}")
            spec.listed_permutations.append(names)
        else:
            raise reader.error(f"unexpected {keyword!r}")
    if not spec.sessions:
        raise SpecError(f"{name}: no sessions")
    spec.permutations()  # refuses a spec whose generated permutations are too many
    return spec


def load_spec(path: Path) -> Spec:
    return parse_spec(path.read_text(encoding="utf-8"), path.stem)


def spec_paths() -> list[Path]:
    return sorted(SPECS_DIR.glob("*.spec"))
