"""expected_failures.txt: the specs orbitdb does not pass yet, one `spec[/backend]  reason` a line.

The listing is strict: a listed spec that passes fails the run, so the list only shrinks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

EXPECTED_FAILURES_PATH = Path(__file__).resolve().parent / "expected_failures.txt"
BACKENDS = ("embedded", "wire")

_ENTRY = re.compile(r"^(?P<spec>[a-z0-9_]+)(?:/(?P<backend>[a-z]+))?(?:\s+(?P<reason>.*))?$")


@dataclass
class ExpectedFailures:
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # malformed lines, unknown backends

    @classmethod
    def parse(cls, text: str) -> ExpectedFailures:
        found = cls()
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = _ENTRY.match(line)
            if not m:
                found.problems.append(f"line {number}: not `spec[/backend]  reason`: {line!r}")
                continue
            backend = m.group("backend")
            if backend is not None and backend not in BACKENDS:
                found.problems.append(f"line {number}: unknown backend {backend!r}")
                continue
            reason = (m.group("reason") or "").strip() or "listed in expected_failures.txt"
            for name in (backend,) if backend else BACKENDS:
                key = (m.group("spec"), name)
                if key in found.reasons:
                    found.problems.append(f"line {number}: {key[0]}/{key[1]} is listed twice")
                found.reasons[key] = reason
        return found

    @classmethod
    def load(cls, path: Path = EXPECTED_FAILURES_PATH) -> ExpectedFailures:
        return cls.parse(path.read_text(encoding="utf-8")) if path.exists() else cls()

    def reason(self, spec: str, backend: str) -> str | None:
        return self.reasons.get((spec, backend))
