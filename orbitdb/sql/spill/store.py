"""Rows in temporary files: runs (rows appended in blocks, read back in order) and the tuple
store, a list of rows that moves to a file once it outgrows its memory budget."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from orbitdb.sql.spill.codec import decode_block, encode_block
from orbitdb.sql.spill.files import SpillFile, StatementSpill
from orbitdb.sql.spill.memory import Meter

Row = tuple[Any, ...]

BLOCK_BYTES = 64 * 1024  # what a block of rows aims at, encoded
MIN_BLOCK_BYTES = 4 * 1024
_FIRST_BLOCK_ROWS = 64


class Run:
    """Rows written to a file in blocks, in the order they came."""

    __slots__ = ("_pending", "_per_block", "_target", "blocks", "count", "file", "row_cap")

    def __init__(self, file: SpillFile, target: int = BLOCK_BYTES) -> None:
        self.file = file
        self.blocks: list[tuple[int, int, int]] = []  # (offset, length, rows before it)
        self.count = 0
        self._pending: list[Row] = []
        self._target = max(MIN_BLOCK_BYTES, target)
        self._per_block = _FIRST_BLOCK_ROWS
        self.row_cap = 1 << 30  # rows held before a flush, whatever their encoded size (a memory bound)

    def append(self, row: Row) -> None:
        self._pending.append(row)
        if len(self._pending) >= self._per_block or len(self._pending) >= self.row_cap:
            self.flush()

    def extend(self, rows: list[Row]) -> None:
        for row in rows:
            self.append(row)

    def flush(self) -> None:
        rows = self._pending
        if not rows:
            return
        data = encode_block(rows)
        offset = self.file.append(data)
        self.blocks.append((offset, len(data), self.count))
        self.count += len(rows)
        # rows per block so that a block comes near the target size
        self._per_block = max(8, int(self._target * len(rows) / max(len(data), 1)))
        self._pending = []

    @property
    def pending(self) -> list[Row]:
        """Rows appended and not yet written (the tail)."""
        return self._pending

    def __len__(self) -> int:
        return self.count + len(self._pending)

    def block(self, i: int) -> list[Row]:
        offset, length, _ = self.blocks[i]
        return decode_block(self.file.read(offset, length))

    def __iter__(self) -> Iterator[Row]:
        """Every row, in order (the tail included: call flush() first to drop it from memory)."""
        for i in range(len(self.blocks)):
            yield from self.block(i)
        yield from list(self._pending)


class TupleStore:
    """An append-only list of rows, in memory until they pass `limit` bytes and in a temporary
    file (with one block of tail in memory) after that. Rows are read by number or in order from
    any position, while more are appended (a reader may follow the writer)."""

    def __init__(self, spill: StatementSpill, limit: int) -> None:
        self._spill = spill
        self._meter = Meter(limit)
        self._rows: list[Row] = []
        self._run: Run | None = None
        self._cached: tuple[int, int, list[Row]] = (-1, 0, [])  # (block, its first row, its rows)

    @property
    def spilled(self) -> bool:
        return self._run is not None

    def append(self, row: Row) -> None:
        run = self._run
        if run is not None:
            run.append(row)
            return
        self._rows.append(row)
        if self._meter.add(row):
            self._move_to_file()

    def _move_to_file(self) -> None:
        run = self._run = Run(self._spill.create(), min(BLOCK_BYTES, self._meter.limit // 4))
        rows, self._rows = self._rows, []
        run.extend(rows)
        run.flush()

    def __len__(self) -> int:
        run = self._run
        return len(self._rows) if run is None else len(run)

    def __getitem__(self, i: int) -> Row:
        run = self._run
        if run is None:
            return self._rows[i]
        if i < 0:
            i += len(run)
        if i >= run.count:
            return run.pending[i - run.count]
        b, first, rows = self._cached
        if not first <= i < first + len(rows):
            b = bisect_right(run.blocks, i, key=lambda blk: blk[2]) - 1
            first = run.blocks[b][2]
            rows = run.block(b)
            self._cached = (b, first, rows)
        return rows[i - first]

    def __iter__(self) -> Iterator[Row]:
        return self.read(0)

    def read(self, start: int = 0) -> Iterator[Row]:
        """Rows from number `start` on, up to the last one appended when the reader gets there."""
        i = start
        rows: list[Row] = []
        first = 0
        while True:
            run = self._run
            if run is None:
                if i >= len(self._rows):
                    return
                yield self._rows[i]
                i += 1
                continue
            if first <= i < first + len(rows):
                yield rows[i - first]
                i += 1
                continue
            if i < run.count:
                b = bisect_right(run.blocks, i, key=lambda blk: blk[2]) - 1
                first = run.blocks[b][2]
                rows = run.block(b)
                continue
            k = i - run.count
            if k >= len(run.pending):
                return
            yield run.pending[k]
            i += 1

    def close(self) -> None:
        """Frees the rows and removes the file."""
        self._rows = []
        self._cached = (-1, 0, [])
        run, self._run = self._run, None
        if run is not None:
            run.file.close()
