"""Grace hashing: rows that do not fit in a hash table go to one of several partitions by the hash
of their key, each written to a temporary file, so that every partition can be processed later on
its own (and split again, with another hash, when it still does not fit)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from orbitdb.sql.spill.files import SpillFile, StatementSpill
from orbitdb.sql.spill.memory import row_bytes
from orbitdb.sql.spill.store import MIN_BLOCK_BYTES, Run

Row = tuple[Any, ...]

FAN_OUT = 16  # partitions per split (4 bits of a hash)
MAX_DEPTH = 12  # splits before a partition is taken as it is (its rows share one key)
# the rows waiting in a set of partitions' buffers may hold 1/BUFFER_SHARE of the operator's budget
# (in memory, not encoded: a row's objects take several times its encoded bytes); a hash table
# that spills keeps its own part below limit - buffer_reserve(limit), so table + buffers fit
BUFFER_SHARE = 8


_M64 = (1 << 64) - 1


def partition_of(key: Any, depth: int, fan_out: int = FAN_OUT) -> int:
    """The partition of a key at a split depth: 4 bits of the key's hash, mixed (splitmix64's
    finaliser) so that every depth takes independent bits, another 4 at each depth."""
    z = (hash(key) + 0x9E3779B97F4A7C15) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    z ^= z >> 31
    return (z >> (4 * depth)) % fan_out


def buffer_reserve(limit: int) -> int:
    """What one set of partitions' buffers may hold of an operator's budget of `limit` bytes."""
    return limit // BUFFER_SHARE


class Partitions:
    """FAN_OUT runs of rows sharing one temporary file. The rows waiting to be written hold at most
    buffer_reserve(limit) bytes in memory (by the sampled size of the rows added)."""

    def __init__(self, spill: StatementSpill, limit: int, depth: int, fan_out: int = FAN_OUT) -> None:
        self.depth = depth
        self.fan_out = fan_out
        self.file: SpillFile = spill.create()
        self._per_run = max(MIN_BLOCK_BYTES, buffer_reserve(limit) // fan_out)
        self.runs = [Run(self.file, self._per_run) for _ in range(fan_out)]
        self._added = 0
        self._measured = 0
        self._sampled = 0

    def add(self, key: Any, row: Row) -> None:
        n = self._added = self._added + 1
        if n <= 16 or not n & 31:
            self._sampled += 1
            self._measured += row_bytes(row) + 8
            if n <= 16 or not n & 1023:
                cap = max(8, self._per_run * self._sampled // self._measured)
                for run in self.runs:
                    run.row_cap = cap
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
