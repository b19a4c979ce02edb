"""Results printed as psql prints them: aligned columns (numbers to the right) and a row count,
or one record after another with \\x."""

from __future__ import annotations

from collections.abc import Sequence

# type oids whose values psql aligns to the right
NUMERIC_OIDS = frozenset({20, 21, 23, 26, 700, 701, 790, 1700, 24, 2202, 2203, 2204, 2205, 2206, 3734, 3769, 4089,
                          4096, 28, 5069})


def _centered(text: str, width: int) -> str:
    """psql's centring: an odd space left over goes to the right."""
    left = (width - len(text)) // 2
    return " " * left + text + " " * (width - len(text) - left)


def _width(text: str) -> int:
    return max((len(line) for line in text.split("\n")), default=0)


def aligned(names: Sequence[str], oids: Sequence[int], rows: Sequence[Sequence[str | None]],
            title: str | None = None, footer: bool = True) -> str:
    cells = [["" if v is None else v for v in row] for row in rows]
    widths = [max([len(n)] + [_width(r[i]) for r in cells]) for i, n in enumerate(names)]
    last = len(names) - 1
    out: list[str] = []
    if title is not None:
        total = sum(widths) + 3 * len(widths) - 1
        out.append(_centered(title, total).rstrip() if len(title) < total else title)
    out.append("|".join(f" {_centered(n, w)} " for n, w in zip(names, widths)))
    out.append("+".join("-" * (w + 2) for w in widths))
    for row in cells:
        split = [v.split("\n") for v in row]
        height = max((len(parts) for parts in split), default=1)
        for k in range(height):
            parts = []
            for i, lines in enumerate(split):
                v = lines[k] if k < len(lines) else ""
                more = k < len(lines) - 1
                if oids[i] in NUMERIC_OIDS:
                    cell = v.rjust(widths[i])
                elif i < last or more:
                    cell = v.ljust(widths[i])
                else:
                    cell = v  # psql pads no text at the end of a line
                if i < last:
                    parts.append(f" {cell}{'+' if more else ' '}")
                else:
                    parts.append(f" {cell}{'+' if more else ''}")
            out.append("|".join(parts))
    if footer:
        out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out) + "\n"


def expanded(names: Sequence[str], rows: Sequence[Sequence[str | None]], title: str | None = None) -> str:
    if not rows:
        return "(0 rows)\n"
    name_width = max((len(n) for n in names), default=0)
    out: list[str] = []
    if title is not None:
        out.append(title)
    for k, row in enumerate(rows, 1):
        out.append(f"-[ RECORD {k} ]")
        for n, v in zip(names, row):
            lines = (v or "").split("\n")
            width = max(len(line) for line in lines)
            for j, line in enumerate(lines):
                label = (n if j == 0 else "").ljust(name_width)
                if j < len(lines) - 1:
                    out.append(f"{label} | {line.ljust(width)}+")
                else:
                    out.append(f"{label} | {line}")
    return "\n".join(out) + "\n"
