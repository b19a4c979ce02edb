"""Grace hashing: rows that do not fit in a hash table go to one of several partitions by the hash
of their key, each written to a temporary file, so that every partition can be processed later on
its own (and split again, with another hash, when it still does not fit)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from orbitdb.sql.spill.files import SpillFile, StatementSpill
from orbitdb.sql.spill.store import MIN_BLOCK_BYTES, Run

Row = tuple[Any, ...]

FAN_OUT = 16  # partitions per split (4 bits of a hash)
MAX_DEPTH = 12  # splits before a partition is taken as it is (its rows share one key)


_M64 = (1 << 64) - 1


def partition_of(key: Any, depth: int, fan_out: int = FAN_OUT) -> int:
    """The partition of a key at a split depth: 4 bits of the key's hash, mixed (splitmix64's
    finaliser) so that every depth takes independent bits, another 4 at each depth."""
    z = (hash(key) + 0x9E3779B97F4A7C15) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    z ^= z >> 31
    return (z >> (4 * depth)) % fan_out


class Partitions:
    """FAN_OUT runs of rows sharing one temporary file."""

    def __init__(self, spill: StatementSpill, limit: int, depth: int, fan_out: int = FAN_OUT) -> None:
        self.depth = depth
        self.fan_out = fan_out
        self.file: SpillFile = spill.create()
        target = max(MIN_BLOCK_BYTES, limit // (2 * fan_out))
        self.runs = [Run(self.file, target) for _ in range(fan_out)]

    def add(self, key: Any, row: Row) -> None:
        self.runs[partition_of(key, self.depth, self.fan_out)].append(row)

    def finish(self) -> None:
        for run in self.runs:
            run.flush()

    def each(self) -> Iterator[Run]:
        """The non-empty partitions, flushed."""
        self.finish()
        for run in self.runs:
            if len(run):
                yield run

    def close(self) -> None:
        self.runs = []
        self.file.close()


def split(spill: StatementSpill, rows: Run, key: Callable[[Row], Any], limit: int, depth: int) -> Partitions:
    """A partition's rows split again by another hash."""
    parts = Partitions(spill, limit, depth)
    for row in rows:
        parts.add(key(row), row)
    parts.finish()
    return parts
